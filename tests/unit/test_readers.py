from __future__ import annotations

import codecs
import random
from pathlib import Path

import pytest

from assistant import SourceError
from assistant.settings import IngestSettings
from ingest import SUPPORTED_SUFFIXES, file_digest, read_document

TEXT = (
    "Fernley Town Council\r\n"
    "\r\n"
    "The fee is £40 and €50 for Seán’s stall.\r\n"
    "It was agreed.\r\n"
    "\r\n"
    "\r\n"
    "\r\n"
    "RESOLVED: That the fee be approved.\r\n"
)
EXPECTED = (
    "Fernley Town Council\n\nThe fee is £40 and €50 for Seán’s stall. It was agreed.\n\n"
    "RESOLVED: That the fee be approved."
)


def _write(tmp_path: Path, name: str, data: bytes | str) -> Path:
    path = tmp_path / name
    if isinstance(data, str):
        path.write_text(data, encoding="utf-8")
    else:
        path.write_bytes(data)
    return path


# -- txt --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "data",
    [
        TEXT.encode("utf-8"),
        codecs.BOM_UTF8 + TEXT.encode("utf-8"),
        TEXT.encode("utf-16"),  # with BOM, native order
        codecs.BOM_UTF16_BE + TEXT.encode("utf-16-be"),
    ],
    ids=["utf-8", "utf-8-bom", "utf-16", "utf-16-be"],
)
def test_txt_encodings(tmp_path: Path, data: bytes) -> None:
    raw = read_document(_write(tmp_path, "minutes.txt", data))
    assert raw.text == EXPECTED
    assert raw.format == "txt"
    assert raw.page_starts == []
    assert raw.page_at(5) is None


LONG_CP1252 = (
    "Seán Ó Briain\n\n" + "The Town Clerk’s report on the café was noted. The fee is £40 and €50. " * 20
)


@pytest.mark.parametrize(
    "text",
    [TEXT, "Seán paid £5.", "Café costs £5 – it’s “fine”.", LONG_CP1252],
    ids=["minutes", "fada", "quotes", "long"],
)
def test_txt_cp1252(tmp_path: Path, text: str) -> None:
    raw = read_document(_write(tmp_path, "minutes.txt", text.encode("cp1252")))
    assert raw.text == (EXPECTED if text == TEXT else text.strip())


def test_txt_form_feed_is_a_paragraph_break_and_page_numbers_go(tmp_path: Path) -> None:
    raw = read_document(_write(tmp_path, "m.txt", "First page text.\n\n- 3 -\n\fSecond page.\nPage 4 of 9\n"))
    assert raw.text == "First page text.\n\nSecond page."


# -- md ---------------------------------------------------------------------------------

MARKDOWN = """# Fernley Town Council

## 1. Apologies for Absence

Apologies from **Councillor Quill** and *Councillor Pym*.
See [the report](https://example.org/report.pdf) for details.

---

* Replace the climbing frame
* Apply for the grant
"""


def test_markdown(tmp_path: Path) -> None:
    raw = read_document(_write(tmp_path, "minutes.md", MARKDOWN))
    assert raw.format == "md"
    assert raw.title == "Fernley Town Council"
    assert raw.text.split("\n\n") == [
        "Fernley Town Council",
        "1. Apologies for Absence",
        "Apologies from Councillor Quill and Councillor Pym. See the report for details.",
        "- Replace the climbing frame",
        "- Apply for the grant",
    ]
    for junk in ("#", "**", "](", "https://", "---"):
        assert junk not in raw.text


# -- html -------------------------------------------------------------------------------

HTML = """<!DOCTYPE html>
<html><head><title>Parks Committee - 10 May 2023</title>
<style>p { color: red }</style><script>var tracking = "SCRIPTJUNK";</script></head>
<body>
<header>Skip to content BANNERJUNK</header>
<nav><ul><li><a href="/">Home NAVJUNK</a></li><li>Contact NAVJUNK</li></ul></nav>
<main>
<h1>Fernley Town Council</h1>
<p>Minutes of the meeting of the Parks Committee held on 10 May 2023.</p>
<h2>1. Apologies for Absence</h2>
<p>Apologies were received from Councillor Quill.</p>
<h2>2. Riverside Park</h2>
<p>The quote was accepted.</p>
<ul><li>Replace the climbing frame</li><li>Apply for the grant</li></ul>
<table><tr><th>Name</th><th>Vote</th></tr><tr><td>Ashdown</td><td>For</td></tr></table>
</main>
<div role="navigation">ROLEJUNK</div>
<footer>Copyright FOOTERJUNK</footer>
<script>console.log("SCRIPTJUNK")</script>
</body></html>
"""


def test_html_drops_boilerplate_and_keeps_blocks(tmp_path: Path) -> None:
    raw = read_document(_write(tmp_path, "minutes.html", HTML))
    assert raw.format == "html"
    assert raw.title == "Parks Committee - 10 May 2023"
    for junk in ("SCRIPTJUNK", "NAVJUNK", "FOOTERJUNK", "BANNERJUNK", "ROLEJUNK", "color: red"):
        assert junk not in raw.text
    assert raw.text.split("\n\n") == [
        "Fernley Town Council",
        "Minutes of the meeting of the Parks Committee held on 10 May 2023.",
        "1. Apologies for Absence",
        "Apologies were received from Councillor Quill.",
        "2. Riverside Park",
        "The quote was accepted.",
        "- Replace the climbing frame",
        "- Apply for the grant",
        "Name | Vote",
        "Ashdown | For",
    ]


def test_html_without_main_uses_body(tmp_path: Path) -> None:
    html = "<html><body><nav>NAVJUNK</nav><div><p>First.</p><p>Second.</p></div></body></html>"
    assert read_document(_write(tmp_path, "page.htm", html)).text == "First.\n\nSecond."


def test_html_inline_tags_add_no_spaces(tmp_path: Path) -> None:
    html = "<p>Apologies from Councillor <b>Quill</b>. The fee is £<span>40</span>.</p>"
    assert read_document(_write(tmp_path, "m.html", html)).text == (
        "Apologies from Councillor Quill. The fee is £40."
    )


def test_html_source_line_breaks_are_spaces(tmp_path: Path) -> None:
    html = "<html><body><p>Apologies were received from\n   Councillor Quill.</p></body></html>"
    assert (
        read_document(_write(tmp_path, "m.html", html)).text
        == "Apologies were received from Councillor Quill."
    )


# -- docx -------------------------------------------------------------------------------


def _docx(path: Path) -> Path:
    import docx

    document = docx.Document()
    document.core_properties.title = "Parks Committee minutes"
    document.add_paragraph("Fernley Town Council")
    document.add_paragraph("Minutes of the meeting of the Parks Committee held on 10 May 2023.")
    document.add_heading("1. Apologies for Absence", level=2)
    document.add_paragraph("Apologies were received from Councillor Quill.")
    document.add_paragraph("")
    document.add_heading("2. Play Area", level=2)
    document.add_paragraph("Replace the climbing frame", style="List Bullet")
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text = "Supplier"
    table.cell(0, 1).text = "Quote"
    table.cell(1, 0).text = "Greenplay Ltd"
    table.cell(1, 1).text = "£18,500"
    document.add_paragraph("RESOLVED: That the quote be accepted.")
    document.save(str(path))
    return path


def test_docx(tmp_path: Path) -> None:
    raw = read_document(_docx(tmp_path / "minutes.docx"))
    assert raw.format == "docx"
    assert raw.title == "Parks Committee minutes"
    assert raw.text.split("\n\n") == [
        "Fernley Town Council",
        "Minutes of the meeting of the Parks Committee held on 10 May 2023.",
        "1. Apologies for Absence",
        "Apologies were received from Councillor Quill.",
        "2. Play Area",
        "- Replace the climbing frame",
        "Supplier | Quote",
        "Greenplay Ltd | £18,500",
        "RESOLVED: That the quote be accepted.",
    ]


# -- pdf --------------------------------------------------------------------------------


def _pdf(path: Path, *, password: str | None = None) -> Path:
    from fpdf import FPDF

    class Minutes(FPDF):
        def footer(self) -> None:
            self.set_y(-15)
            self.set_font("Helvetica", size=9)
            self.cell(0, 10, f"Page {self.page_no()} of {{nb}}", align="C")

    pdf = Minutes()
    if password is not None:
        pdf.set_encryption(owner_password="owner", user_password=password)
    pdf.set_title("Planning Committee minutes")
    pdf.set_font("Helvetica", size=11)
    pdf.add_page()
    for line in (
        "FERNLEY TOWN COUNCIL",
        "Minutes of the meeting of the Planning Committee held on 14 March 2024.",
        "1. Apologies for Absence",
        "Apologies were received from Councillor Quill.",
    ):
        pdf.multi_cell(0, 6, line)
        pdf.ln(6)
    pdf.add_page()
    for line in ("2. Land at Mill Lane", "The application for six houses at Mill Lane was refused."):
        pdf.multi_cell(0, 6, line)
        pdf.ln(6)
    path.write_bytes(bytes(pdf.output()))
    return path


def test_pdf_pages_and_footers(tmp_path: Path) -> None:
    raw = read_document(_pdf(tmp_path / "minutes.pdf"))
    assert raw.format == "pdf"
    assert raw.title == "Planning Committee minutes"
    assert "Page 1 of 2" not in raw.text and "Page 2 of 2" not in raw.text
    assert raw.text.split("\n\n") == [
        "FERNLEY TOWN COUNCIL",
        "Minutes of the meeting of the Planning Committee held on 14 March 2024.",
        "1. Apologies for Absence",
        "Apologies were received from Councillor Quill.",
        "2. Land at Mill Lane",
        "The application for six houses at Mill Lane was refused.",
    ]
    assert len(raw.page_starts) == 2
    assert raw.page_starts[0] == 0
    assert raw.text[raw.page_starts[1] :].startswith("2. Land at Mill Lane")
    assert raw.page_at(raw.text.index("Councillor Quill")) == 1
    assert raw.page_at(raw.text.index("refused")) == 2
    assert raw.page_at(raw.page_starts[1]) == 2


# -- identity ---------------------------------------------------------------------------


def test_same_bytes_same_doc_id(tmp_path: Path) -> None:
    a = read_document(_write(tmp_path, "a.txt", TEXT))
    b = read_document(_write(tmp_path, "copy of a.txt", TEXT))
    c = read_document(_write(tmp_path, "c.txt", TEXT + "More.\n"))
    assert a.doc_id == b.doc_id == file_digest(TEXT.encode("utf-8"))
    assert a.source != b.source
    assert c.doc_id != a.doc_id


def test_uppercase_suffix_is_supported(tmp_path: Path) -> None:
    assert read_document(_write(tmp_path, "MINUTES.TXT", "Hello council.")).text == "Hello council."


# -- bad input --------------------------------------------------------------------------


def _random_bytes(n: int) -> bytes:
    return random.Random(1234).randbytes(n)


def _truncated_pdf(tmp_path: Path) -> bytes:
    data = _pdf(tmp_path / "whole.pdf").read_bytes()
    return data[: len(data) // 2]


def _zip_without_word_parts() -> bytes:
    import io
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("hello.txt", "not a word document")
    return buf.getvalue()


BAD_INPUTS = {
    "zero-byte": ("minutes.txt", lambda tmp: b"", "empty"),
    "only-whitespace": ("minutes.txt", lambda tmp: b" \n\n\t \r\n", "empty"),
    "binary-txt": (
        "minutes.txt",
        lambda tmp: b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + _random_bytes(500),
        "binary",
    ),
    "random-pdf": ("minutes.pdf", lambda tmp: _random_bytes(3000), "pdf"),
    "truncated-pdf": ("minutes.pdf", _truncated_pdf, "pdf"),
    "encrypted-pdf": (
        "minutes.pdf",
        lambda tmp: _pdf(tmp / "enc.pdf", password="x").read_bytes(),
        "encrypted",
    ),
    "random-docx": ("minutes.docx", lambda tmp: _random_bytes(3000), "docx"),
    "zip-docx": ("minutes.docx", lambda tmp: _zip_without_word_parts(), "docx"),
    "unsupported": ("minutes.odt", lambda tmp: b"Some text", "unsupported"),
    "no-suffix": ("minutes", lambda tmp: b"Some text", "unsupported"),
    "empty-html": ("minutes.html", lambda tmp: b"<html><body><script>x()</script></body></html>", "no text"),
}


@pytest.mark.parametrize("case", list(BAD_INPUTS))
def test_bad_input_raises_source_error(tmp_path: Path, case: str) -> None:
    name, make, words = BAD_INPUTS[case]
    path = _write(tmp_path, name, make(tmp_path))
    with pytest.raises(SourceError) as info:
        read_document(path)
    message = str(info.value)
    assert message.startswith(f"{name}: ")
    assert "\n" not in message
    assert words in message.lower()


def test_missing_file_raises_source_error(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match=r"^gone\.txt: cannot read file"):
        read_document(tmp_path / "gone.txt")


def test_file_over_size_limit(tmp_path: Path) -> None:
    path = _write(tmp_path, "big.txt", "x" * 500)
    limits = IngestSettings(max_file_bytes=100)
    with pytest.raises(
        SourceError,
        match=r"^big\.txt: 500 bytes is over the limit of 100 \(COUNCILQA_INGEST__MAX_FILE_BYTES\)$",
    ):
        read_document(path, limits)


def test_supported_suffixes() -> None:
    assert set(SUPPORTED_SUFFIXES) >= {".txt", ".md", ".html", ".htm", ".pdf", ".docx"}
