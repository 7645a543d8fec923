"""The default limits in a real `councilqa ingest` process: a zip bomb, a 12-million-character
one-line file and a name that is not UTF-8 each fail alone (or, the name, go in), quickly and in
little memory, and the good files beside them are indexed."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

pytestmark = pytest.mark.integration

REPO = Path(__file__).resolve().parents[2]


def zip_bomb() -> bytes:
    import docx

    doc = docx.Document()
    doc.add_paragraph("Minutes of the Audit Committee held on 1 May 2024.")
    plain = io.BytesIO()
    doc.save(plain)
    base = zipfile.ZipFile(plain)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as bomb:
        for info in base.infolist():
            data = base.read(info.filename)
            if info.filename == "word/document.xml":  # 150 MB of XML whitespace inside the body
                data = data.replace(b"<w:body>", b"<w:body>" + b" " * 150_000_000, 1)
            bomb.writestr(info, data)
    return out.getvalue()


def test_default_limits_in_a_real_process(tmp_path: Path) -> None:
    folder = tmp_path / "records"
    folder.mkdir()
    (folder / "parks.txt").write_text(
        "Minutes of the meeting of the Parks Committee held on 3 March 2024.\n\n1. Bandstand\n\n"
        "The committee agreed to repaint the Riverside bandstand in green.\n",
        encoding="utf-8",
    )
    with open(os.fsencode(folder) + b"/finance \xe9.txt", "w", encoding="utf-8") as fh:
        fh.write(
            "Minutes of the Finance Committee held on 2 May 2024.\n\n1. Car parks\n\nThe car park was resurfaced.\n"
        )
    bomb = zip_bomb()
    assert len(bomb) < 1_000_000
    (folder / "bomb.docx").write_bytes(bomb)
    with (folder / "one_line.txt").open("w", encoding="utf-8") as fh:
        fh.write("council road budget housing motion report grant parish " * 220_000)  # 12.1M characters

    env = {**os.environ, "PYTHONPATH": str(REPO), "HF_HUB_OFFLINE": "1", "ANONYMIZED_TELEMETRY": "False"}

    def ingest(target: Path, archive: str) -> tuple[int, str, str, int, float]:
        command = [sys.executable, str(REPO / "tests" / "fake_cli.py"), "--data-dir", str(tmp_path / archive)]
        started = time.monotonic()
        with (tmp_path / "out").open("w") as out_fh, (tmp_path / "err").open("w") as err_fh:
            proc = subprocess.Popen(
                [*command, "ingest", "--json", str(target)], env=env, stdout=out_fh, stderr=err_fh
            )
            _, status, usage = os.wait4(proc.pid, 0)  # this child's own peak RSS, not the test run's
        seconds = time.monotonic() - started
        out, err = (tmp_path / "out").read_text(), (tmp_path / "err").read_text()
        return status, out, err, usage.ru_maxrss * 1024, seconds  # Linux reports KiB

    # the same process on one small file, side by side: what importing the stack costs on this machine
    _, _, _, baseline, _ = ingest(folder / "parks.txt", "baseline")
    status, stdout, stderr, peak, seconds = ingest(folder, "archive")
    assert os.waitstatus_to_exitcode(status) == 1, stderr
    assert "Traceback" not in stderr
    out = json.loads(stdout)
    assert sorted(Path(s).name for s in out["ingested"]) == ["finance \\xe9.txt", "parks.txt"]
    reasons = {Path(f["source"]).name: f["reason"] for f in out["failed"]}
    assert set(reasons) == {"bomb.docx", "one_line.txt"}
    assert "(COUNCILQA_INGEST__MAX_UNPACKED_BYTES)" in reasons["bomb.docx"], reasons
    assert "(COUNCILQA_INGEST__MAX_CHARS)" in reasons["one_line.txt"], reasons
    assert seconds < 60, f"{seconds:.0f}s"
    # the bad files cost at most a few hundred MB beyond the stack itself (a 150 MB zip bomb and a
    # 12M-character line are refused before they are parsed)
    assert peak < baseline + 400 * 1024**2, (
        f"peak RSS {peak / 1024**2:.0f} MiB, baseline {baseline / 1024**2:.0f}"
    )
