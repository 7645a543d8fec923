"""The public API is `assistant.__all__`; the CLI and UI use nothing else from the package."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

import assistant

ROOT = Path(assistant.__file__).resolve().parent.parent
INTERNALS = ("assistant", "ingest", "index")  # the front ends (cli, ui, evals) may start one another


def test_all_names_exist() -> None:
    assert len(assistant.__all__) == len(set(assistant.__all__))
    for name in assistant.__all__:
        assert hasattr(assistant, name), name


def _imports(path: Path) -> list[tuple[str, str]]:
    """(module, name) for every `from X import name` in a file, with relative modules resolved."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = path.parent.name
    out: list[tuple[str, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            module = node.module or ""
            if node.level:
                module = package + (f".{module}" if module else "")
            out.extend((module, alias.name) for alias in node.names)
        elif isinstance(node, ast.Import):
            out.extend((alias.name, "") for alias in node.names)
    return out


@pytest.mark.parametrize(
    "path",
    ["assistant/cli.py", "assistant/cli_archive.py", "assistant/cli_users.py", "ui/app.py", "ui/server.py"],
)
def test_frontends_use_only_the_public_api(path: str) -> None:
    for module, name in _imports(ROOT / path):
        if module.split(".")[0] not in INTERNALS or module in (
            "assistant.cli_archive",
            "assistant.cli_users",
        ):
            continue  # standard library, third party, or another front end (the CLI starts the UI)
        assert module == "assistant", f"{path} imports from {module}"
        assert name in assistant.__all__, f"{path} imports {name}, which is not in assistant.__all__"


@pytest.mark.parametrize("module", ["assistant", "ingest", "index", "ui.app", "ui.server", "assistant.cli"])
def test_each_package_imports_on_its_own(module: str) -> None:
    """`import ingest` in a fresh interpreter must not depend on `assistant` being imported first."""
    proc = subprocess.run(
        [sys.executable, "-c", f"import {module}"], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 0, proc.stderr
