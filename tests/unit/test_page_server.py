"""The page's server: the original files at /source/{doc_id}, behind the login when one is set."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr

from assistant import Assistant, PageSettings, Settings
from ui.server import create_server, start_page

if TYPE_CHECKING:
    from conftest import FakeEmbedder


@pytest.fixture
def page(tiny_index: tuple[Settings, FakeEmbedder], fake_model: FakeEmbedder) -> Assistant:
    return Assistant(tiny_index[0])


def _doc_id(page: Assistant, name: str) -> str:
    return next(d.doc_id for d in page.index.documents() if d.source.endswith(name))


def test_source_serves_the_original_file_as_a_download(page: Assistant, tiny_corpus: Path) -> None:
    name = "2024-01-17_parks-committee_minutes.md"
    with TestClient(create_server(page)) as client:
        got = client.get(f"/source/{_doc_id(page, name)}?download=1")
        assert got.status_code == 200
        assert got.content == (tiny_corpus / name).read_bytes()
        assert got.headers["content-disposition"].startswith("attachment")
        assert got.headers["content-type"].startswith("text/plain")  # a record is never a live page
        assert got.headers["x-content-type-options"] == "nosniff"
        assert client.get("/source/0123abc").status_code == 404
        assert client.get("/source/..%2F..%2Fetc%2Fpasswd").status_code == 404
        assert client.get("/").status_code == 200  # the page itself


def test_source_needs_the_login_when_one_is_set(page: Assistant) -> None:
    login = page.settings.page.model_copy(update={"username": "clerk", "password": SecretStr("s3cret")})
    guarded = Assistant(page.settings.model_copy(update={"page": login}))
    doc = _doc_id(page, "2024-01-17_parks-committee_minutes.md")
    with TestClient(create_server(guarded)) as client:
        assert client.get(f"/source/{doc}").status_code == 401
        assert client.post("/login", data={"username": "clerk", "password": "wrong"}).status_code >= 400
        assert client.post("/login", data={"username": "clerk", "password": "s3cret"}).status_code == 200
        assert client.get(f"/source/{doc}").status_code == 200


def test_start_page_serves_on_a_free_port_and_stops(page: Assistant) -> None:
    import urllib.request

    running = start_page(page, host="127.0.0.1", port=0)
    try:
        assert running.url.startswith("http://127.0.0.1:")
        with urllib.request.urlopen(running.url, timeout=10) as got:  # noqa: S310 -- loopback
            assert got.status == 200
    finally:
        running.close()
    assert not running.thread.is_alive()


def test_page_settings_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COUNCILQA_PAGE__CONCURRENCY", "8")
    monkeypatch.setenv("COUNCILQA_PAGE__USERNAME", "clerk")
    monkeypatch.setenv("COUNCILQA_PAGE__PASSWORD", "s3cret")
    monkeypatch.setenv("COUNCILQA_PAGE__UPLOADS", "1")
    page = Settings().page
    assert (page.concurrency, page.login, page.uploads) == (8, ("clerk", "s3cret"), True)
    assert PageSettings(username="clerk").login is None  # no password: no login
