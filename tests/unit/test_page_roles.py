"""Roles on the page, tried against: a public user must get no trace of restricted records through
the handlers, the page's HTTP API (gradio_client, with a forged session) or /source; a member gets
them marked restricted; and every answer and restricted record shown lands in the audit log.

The corpus is tests/data/exempt (Part II items of a Housing Committee and a confidential Staffing
Panel minute), with the fake encoder; the users file holds one user of each role.
"""

from __future__ import annotations

import json
import threading
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import gradio as gr
import pytest
from fastapi.testclient import TestClient

from assistant import (
    Assistant,
    Conversation,
    PageUsers,
    Settings,
    add_user,
    append_audit,
    ingest_paths,
)
from ui.app import NO_SOURCE, respond, show_source
from ui.server import create_server, start_page

if TYPE_CHECKING:
    from conftest import FakeEmbedder

EXEMPT = Path(__file__).resolve().parents[1] / "data" / "exempt"
SECRETS = ("Quenby", "412,000", "Larkspur", "Thistlewood", "96,500", "severance", "Staffing Panel", "31,000")
BOUGHT = "Who sold 14 Larkspur Road to the council, and for how much?"
SEVERANCE = "What severance payment did the Staffing Panel agree for the Head of Waste Services?"
ROOF = "What did the Marigold Court roof repairs cost?"
NO_FILTERS = ("Any council", "Any body", "", "", "Any type")
PASSWORDS = {"resident": "resident pass", "cllr": "member pass", "clerk": "officer pass"}


@pytest.fixture
def page(settings: Settings, fake_model: FakeEmbedder, tmp_path: Path) -> Assistant:
    """The exempt corpus behind a page with a users file; `access=restricted` in the settings is
    there to show it is not what decides (each user's role does)."""
    report = ingest_paths([EXEMPT], settings)
    assert report.ok and len({s for s, _ in report.restricted}) == 3
    users = tmp_path / "users.toml"
    for (name, password), role in zip(PASSWORDS.items(), ("public", "member", "officer"), strict=True):
        add_user(users, name, role, password)  # type: ignore[arg-type]
    options = {"users_file": users, "uploads": True, "access": "restricted"}
    return Assistant(settings.model_copy(update={"page": settings.page.model_copy(update=options)}))


def _traces(value: Any, asked: str = "") -> list[str]:
    text = json.dumps(value, ensure_ascii=False, default=str).lower()
    return [s for s in SECRETS if s.lower() in text and s.lower() not in asked.lower()]


def _audit(page: Assistant) -> list[dict[str, Any]]:
    path = page.settings.data_dir / "audit.jsonl"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_the_handlers_take_access_from_the_users_role(page: Assistant) -> None:
    users = PageUsers(page.settings)
    resident, cllr = users.user("resident"), users.user("cllr")
    conv = None
    for question in (BOUGHT, SEVERANCE, "who sold it?", "Staffing Panel Quenby Thistlewood"):
        chat, conv, _box, sources, _panel = respond(question, conv, *NO_FILTERS, page, resident)
        assert _traces([chat[-1], sources], question) == [], question
        for choice in range(len(sources["choices"])):
            assert _traces(show_source(str(choice), conv, page, resident)) == []
    chat, member_conv, _box, sources, _ = respond(BOUGHT, None, *NO_FILTERS, page, cllr)
    assert "Quenby" in chat[-1]["content"] and "(restricted)" in chat[-1]["content"]
    assert all(label.endswith("(restricted)") for label, _ in sources["choices"])
    assert "Larkspur" in show_source("0", member_conv, page, cllr)
    # without a user the handlers fall back to the settings' visitor: public, with a users file
    chat, *_ = respond(BOUGHT, None, *NO_FILTERS, page)
    assert _traces(chat[-1], BOUGHT) == []


def test_one_users_conversation_never_serves_another(page: Assistant) -> None:
    users = PageUsers(page.settings)
    _, member_conv, *_ = respond(BOUGHT, None, *NO_FILTERS, page, users.user("cllr"))
    assert member_conv.owner == "cllr"
    resident = users.user("resident")
    # a public user's request carrying the member's conversation (a session that is not theirs)
    assert show_source("0", member_conv, page, resident) == NO_SOURCE
    chat, conv, *_ = respond("how much was it?", member_conv, *NO_FILTERS, page, resident)
    assert conv is not member_conv and conv.owner == "resident" and len(chat) == 2
    assert _traces(chat) == [] and len(member_conv.answers) == 1


def test_every_answer_is_audited_with_its_restricted_citations(page: Assistant) -> None:
    users = PageUsers(page.settings)
    before = datetime.now().astimezone()
    respond(BOUGHT, None, *NO_FILTERS, page, users.user("resident"))
    _, conv, *_ = respond(
        BOUGHT, None, "Any council", "Housing Committee", "", "", "Any type", page, users.user("cllr")
    )
    show_source("0", conv, page, users.user("cllr"))
    respond(ROOF, conv, *NO_FILTERS, page, users.user("cllr"))
    lines = _audit(page)
    assert [(e["event"], e["user"], e["role"]) for e in lines] == [
        ("answer", "resident", "public"),
        ("answer", "cllr", "member"),
        ("source", "cllr", "member"),
        ("answer", "cllr", "member"),
    ]
    for event in lines:
        when = datetime.fromisoformat(event["time"])
        assert when.utcoffset() == timedelta(0) and before - timedelta(seconds=1) <= when
    public, member, opened, roof = lines
    assert public["question"] == BOUGHT and public["restricted"] == []
    assert all(not c["restricted"] for c in public["citations"]) and _traces(public["citations"]) == []
    assert member["filters"] == {"body": "Housing Committee", "access": "restricted"}
    assert member["citations"] and all(
        c["restricted"] and c["label"].endswith("(restricted)") for c in member["citations"]
    )
    assert member["restricted"] == [c["doc_id"] for c in member["citations"]]
    assert opened["doc_id"] == member["citations"][0]["doc_id"] and opened["restricted"] == [opened["doc_id"]]
    assert roof["question"] == ROOF and not roof["refused"]


def test_audit_lines_stay_whole_when_written_at_once(tmp_path: Path) -> None:
    path = tmp_path / "audit" / "audit.jsonl"
    long = "x" * 20_000  # far beyond a pipe's atomic size: one write of a regular file still holds

    def writer(n: int) -> None:
        for i in range(40):
            append_audit(path, {"event": "answer", "user": f"u{n}", "n": i, "question": long})

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    lines = path.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 320
    seen = {(e["user"], e["n"]) for e in map(json.loads, lines)}
    assert len(seen) == 320
    assert path.stat().st_mode & 0o777 == 0o600
    append_audit(path, {"event": "answer"})
    assert path.read_text(encoding="utf-8").splitlines()[:320] == lines  # appended, nothing rewritten


def test_an_answer_that_cannot_be_logged_is_not_shown(page: Assistant, tmp_path: Path) -> None:
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("", encoding="utf-8")
    options = {"audit_log": blocked / "audit.jsonl"}
    broken = Assistant(
        page.settings.model_copy(update={"page": page.settings.page.model_copy(update=options)})
    )
    conv = Conversation(owner="cllr")
    with pytest.raises(gr.Error, match="Cannot write the audit log"):
        respond(BOUGHT, conv, *NO_FILTERS, broken, PageUsers(broken.settings).user("cllr"))
    assert conv.answers == [] and conv.turns == []


def test_source_gives_a_public_user_a_restricted_file_as_missing(page: Assistant) -> None:
    docs = {Path(str(m["source"])).name: i for i, m in page.index.documents()}
    assert len(docs) == 3  # every file holds restricted text
    with TestClient(create_server(page)) as client:
        assert client.get(f"/source/{docs['2024-06-05_staffing-panel_minutes.txt']}").status_code == 401
        assert (
            client.post("/login", data={"username": "resident", "password": "member pass"}).status_code == 400
        )
        assert (
            client.post(
                "/login", data={"username": "resident", "password": PASSWORDS["resident"]}
            ).status_code
            == 200
        )
        missing = client.get("/source/" + "0" * 64)
        for doc_id in docs.values():
            got = client.get(f"/source/{doc_id}")
            assert (got.status_code, got.text) == (missing.status_code, missing.text) == (404, got.text)
            assert _traces(got.text) == []
        assert not (page.settings.data_dir / "audit.jsonl").exists()  # nothing was handed out
        client.cookies.clear()
        assert (
            client.post("/login", data={"username": "cllr", "password": PASSWORDS["cllr"]}).status_code == 200
        )
        staff = client.get(f"/source/{docs['2024-06-05_staffing-panel_minutes.txt']}")
        assert staff.status_code == 200 and "Staffing Panel" in staff.text
    (download,) = _audit(page)
    assert download["event"] == "download" and download["user"] == "cllr" and download["role"] == "member"
    assert download["label"] == "2024-06-05_staffing-panel_minutes.txt"


def test_the_page_api_gives_a_public_user_nothing_restricted(page: Assistant) -> None:
    from gradio_client import Client

    running = start_page(page, host="127.0.0.1", port=0)
    try:
        member = Client(running.url, auth=("cllr", PASSWORDS["cllr"]), verbose=False)
        chat, _box, sources, _panel = member.predict(BOUGHT, *NO_FILTERS, api_name="/ask")
        said = json.dumps(chat[-1]["content"], ensure_ascii=False)  # the API's message parts
        assert "Quenby" in said and "(restricted)" in said
        assert "Larkspur" in member.predict("0", api_name="/source")
        resident = Client(running.url, auth=("resident", PASSWORDS["resident"]), verbose=False)
        for question in (BOUGHT, SEVERANCE, "who sold it?"):
            chat, _box, sources, _panel = resident.predict(question, *NO_FILTERS, api_name="/ask")
            assert _traces([chat[-1], sources], question) == [], question  # the answer, its sources
        # the resident's client sends the member's session id: the member's state is not theirs
        resident.session_hash = member.session_hash
        assert resident.predict("0", api_name="/source") == NO_SOURCE
        chat, *_ = resident.predict("how much was it?", *NO_FILTERS, api_name="/ask")
        assert _traces(chat) == [] and len(chat) == 2
        with pytest.raises(Exception, match="Only officers may add records"):
            resident.predict([], api_name="/upload")
        assert sorted({e["user"] for e in _audit(page)}) == ["cllr", "resident"]
        with pytest.raises(Exception):  # noqa: B017 -- a wrong password: gradio_client's own error
            Client(running.url, auth=("resident", PASSWORDS["cllr"]), verbose=False)
    finally:
        running.close()
