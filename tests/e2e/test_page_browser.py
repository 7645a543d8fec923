"""The real page in headless Chromium (Playwright): ask, read the source, filter, follow up, two
sessions apart, a hostile record shown inertly, the axe accessibility check and a phone-width
screenshot. The browser is Debian's `chromium` (.ci/run installs it); screenshots go to
build/screenshots (or $COUNCILQA_SCREENSHOTS)."""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from assistant import Assistant, Settings
from index import SentenceTransformerEmbedder
from ui.server import RunningPage, start_page

pytestmark = [pytest.mark.integration, pytest.mark.browser]

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("COUNCILQA_CHROMIUM", "/usr/bin/chromium")
SHOTS = Path(os.environ.get("COUNCILQA_SCREENSHOTS", REPO / "build" / "screenshots"))
ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-component-update"]
WAIT = 60_000  # ms: an answer on a busy 2-core CI machine
GLEBE = "Was the Glebe tree preservation order confirmed?"
MILL_LANE = "What did the Mill Lane cycle lane cost in the end?"


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        message = f"no Chromium at {CHROMIUM} (apt-get install chromium, or set COUNCILQA_CHROMIUM)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield launched
        launched.close()


def _serve(settings: Settings, embedder: SentenceTransformerEmbedder, **page: Any) -> RunningPage:
    settings = settings.model_copy(update={"page": settings.page.model_copy(update=page)})
    opened = Assistant(settings, embedder)
    opened.warm()
    return start_page(opened, host="127.0.0.1", port=0)


@pytest.fixture(scope="module")
def site(sample_council: Settings, real_embedder: SentenceTransformerEmbedder) -> Iterator[RunningPage]:
    """The sample council's page, served on loopback, with the officers' upload box."""
    running = _serve(sample_council, real_embedder, uploads=True)
    yield running
    running.close()


def _open(browser: Any, url: str, width: int = 1280) -> Any:
    page = browser.new_context(viewport={"width": width, "height": 900}).new_page()
    page.goto(url)
    page.wait_for_selector("#question textarea", timeout=WAIT)
    return page


def _ask(page: Any, question: str) -> str:
    """Type a question, press Ask, and return the text of the answer once it is in."""
    before = page.locator('[data-testid="bot"]').count()
    page.fill("#question textarea", question)
    page.click("#ask")
    page.wait_for_function(
        "([n, pending]) => { const m = document.querySelectorAll('[data-testid=\"bot\"]');"
        " return m.length > n && !m[m.length - 1].innerText.includes(pending); }",
        arg=[before, "Searching the records"],
        timeout=WAIT,
    )
    text: str = page.locator('[data-testid="bot"]').last.inner_text()
    return text


def _shot(page: Any, name: str) -> Path:
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / name
    page.screenshot(path=str(path), full_page=True)
    return path


def test_ask_then_open_the_source_and_download_it(browser: Any, site: RunningPage) -> None:
    page = _open(browser, site.url)
    _shot(page, "first-visit.png")
    assert "Answers come from 36 documents of Wenbury Borough Council" in page.inner_text("#status-line")
    answer = _ask(page, MILL_LANE)
    assert "£1.475 million" in answer and "[1]" in answer
    assert "Sources" in answer and "Cabinet, 13 Mar 2025, item 5" in answer
    numbered = page.locator('[data-testid="bot"] ol li')  # the numbered sources list
    assert numbered.count() == 1 and numbered.first.inner_text().startswith("Cabinet, 13 Mar 2025, item 5")
    choice = page.locator("#sources label").first
    assert choice.inner_text().startswith("[1] Cabinet, 13 Mar 2025, item 5")
    choice.click()
    page.wait_for_selector("#source-panel mark", timeout=WAIT)
    panel = page.locator("#source-panel")
    assert "£1.475 million" in panel.locator("mark").first.inner_text()
    assert "5. Mill Lane Cycle Lane" in panel.inner_text()  # the agenda item, with its neighbours
    assert panel.locator(".source-context").count() >= 1
    link = panel.locator(".source-links a").first
    href = link.get_attribute("href")
    assert href and "download=1" in href
    got = page.request.get(site.url + href)
    assert got.status == 200
    original = next((REPO / "assistant" / "sample_council").glob("2025-03-13_cabinet_minutes.*"))
    assert got.body() == original.read_bytes()
    _shot(page, "answer-with-source.png")


def test_a_body_filter_is_respected_and_a_pdf_opens_at_its_page(browser: Any, site: RunningPage) -> None:
    page = _open(browser, site.url)
    page.locator("#filter-body input").click()
    page.get_by_role("option", name="Planning Committee").click()
    answer = _ask(page, "What was decided about the Mill Lane cycle lane?")
    assert "Searched only: Planning Committee" in answer and "24/00290/FUL" in answer
    page.wait_for_selector("#sources label", timeout=WAIT)
    labels = page.locator("#sources label")
    texts = [labels.nth(n).inner_text() for n in range(labels.count())]
    assert texts and all("Planning Committee" in t for t in texts), texts  # unfiltered: O&S Panel
    labels.first.click()
    link = page.locator("#source-panel .source-links a", has_text="Open the PDF")
    link.wait_for(timeout=WAIT)
    assert link.inner_text() == "Open the PDF at page 2"
    href = link.get_attribute("href")
    assert href and href.endswith("#page=2")
    got = page.request.get(site.url + href.split("#")[0])
    assert got.status == 200 and got.headers["content-type"] == "application/pdf"
    assert got.headers["content-disposition"].startswith("inline")  # the browser's viewer opens it
    _shot(page, "body-filter-pdf-source.png")


def test_a_follow_up_carries_the_topic(browser: Any, site: RunningPage) -> None:
    page = _open(browser, site.url)
    first = _ask(page, GLEBE)
    assert "confirmed" in first
    follow = _ask(page, "who seconded it?")
    assert "Answering: Who seconded the Glebe tree preservation order" in follow
    assert "Whitlock" in follow


def test_two_sessions_are_kept_apart(browser: Any, site: RunningPage) -> None:
    alice, bob = _open(browser, site.url), _open(browser, site.url)
    _ask(alice, GLEBE)
    reply = _ask(bob, "who seconded it?")
    assert "Glebe" not in reply and "Answering:" not in reply
    assert bob.locator('[data-testid="user"]').count() == 1
    assert alice.locator('[data-testid="user"]').count() == 1
    assert "Whitlock" in _ask(alice, "who seconded it?")  # Alice's context is still hers


def test_the_page_passes_axe_and_works_at_phone_width(browser: Any, site: RunningPage) -> None:
    from axe_playwright_python.sync_playwright import Axe

    page = _open(browser, site.url, width=390)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    _ask(page, MILL_LANE)
    page.locator("#sources label").first.click()
    page.wait_for_selector("#source-panel mark", timeout=WAIT)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # nothing wider than the phone
    _shot(page, "phone-390.png")
    problems = _serious(Axe().run(page).response)
    page.get_by_role("tab", name="What is indexed").click()
    page.wait_for_selector("#index-status table", timeout=WAIT)
    problems += _serious(Axe().run(page).response)
    _shot(page, "index-panel-390.png")
    assert problems == [], problems


def test_a_bad_date_is_a_message_not_a_traceback(browser: Any, site: RunningPage) -> None:
    page = _open(browser, site.url)
    page.fill("#filter-since textarea, #filter-since input", "14/03/2024")
    page.fill("#question textarea", GLEBE)
    page.click("#ask")
    page.get_by_text("'From' must be a date written YYYY-MM-DD").first.wait_for(timeout=WAIT)
    page.wait_for_function(
        "() => !document.querySelector('#chat').innerText.includes('Searching the records')", timeout=WAIT
    )
    assert "Traceback" not in page.inner_text("body")


def test_keyboard_alone_asks_a_question(browser: Any, site: RunningPage) -> None:
    page = _open(browser, site.url)
    page.focus("#question textarea")
    page.keyboard.type(GLEBE)
    page.keyboard.press("Enter")
    page.wait_for_selector("#sources input[type=radio]", timeout=WAIT)
    page.focus("#sources input[type=radio]")
    page.keyboard.press("Space")
    page.wait_for_selector("#source-panel mark", timeout=WAIT)


def _serious(result: dict[str, Any]) -> list[str]:
    return [
        f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


class _Log(BaseHTTPRequestHandler):
    seen: list[str] = []

    def do_GET(self) -> None:  # noqa: N802 -- http.server's name
        self.seen.append(self.path)
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def listener() -> Iterator[tuple[str, list[str]]]:
    """A local server that logs every request it gets: a record must make none."""
    seen: list[str] = []
    handler = type("Log", (_Log,), {"seen": seen})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", seen
    server.shutdown()


def test_a_hostile_record_is_shown_as_text_and_fetches_nothing(
    browser: Any,
    listener: tuple[str, list[str]],
    tmp_path: Path,
    real_embedder: SentenceTransformerEmbedder,
) -> None:
    base, seen = listener
    hostile = (
        f"<script>fetch('{base}/script')</script> <img src=\"{base}/img.png\" onerror=\"fetch('{base}/onerror')\"> "
        f"[the plan](javascript:fetch('{base}/js')) ![map]({base}/remote.png) "
        f"<a href=\"javascript:fetch('{base}/a')\">details</a>"
    )
    records = tmp_path / "records"
    records.mkdir()
    (records / "2024-06-12_parks-committee_minutes.txt").write_text(  # plain text: kept verbatim
        "FERNLEY TOWN COUNCIL\n\nMinutes of the Parks Committee held on 12 June 2024\n\n"
        f"1. Bandstand repairs {hostile}\n\n"
        f"RESOLVED: That the bandstand at Hawthorn Green be repainted green at a cost of £2,400. {hostile}\n",
        encoding="utf-8",
    )
    settings = Settings(data_dir=tmp_path / "data")
    assert Assistant(settings, real_embedder).ingest([records]).ok
    running = _serve(settings, real_embedder)
    try:
        page = _open(browser, running.url)
        requests: list[str] = []
        page.on("request", lambda r: requests.append(r.url))
        answer = _ask(page, "What did the Parks Committee resolve about the bandstand at Hawthorn Green?")
        assert "£2,400" in answer
        assert "<script>" in answer and "onerror=" in answer  # shown as text
        page.locator("#sources label").first.click()
        page.wait_for_selector("#source-panel mark", timeout=WAIT)
        panel_text = page.inner_text("#source-panel")
        assert "<script>" in panel_text and "[the plan](javascript:" in panel_text and "![map](" in panel_text
        for where in ('[data-testid="bot"]', "#source-panel"):
            block = page.locator(where).last
            assert block.locator("script, img, iframe").count() == 0
            hrefs = [a.get_attribute("href") or "" for a in block.locator("a").all()]
            assert not [h for h in hrefs if h.startswith("javascript:") or base in h], hrefs
        page.wait_for_timeout(1000)
        _shot(page, "hostile-record.png")
        assert seen == [], seen
        assert not [u for u in requests if u.startswith(base)]
    finally:
        running.close()


DEPOT = "Who bought the land at Depot Road, and for how much?"
DEPOT_SECRETS = ("Ashcombe", "2,350,000", "Harlow Park", "WBC/PL/0417")
LOGINS = {
    "resident": ("public", "resident pass"),
    "cllr": ("member", "member pass"),
    "clerk": ("officer", "officer pass"),
}


@pytest.fixture(scope="module")
def guarded(
    sample_council: Settings,
    real_embedder: SentenceTransformerEmbedder,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[RunningPage, Path, Assistant]]:
    """The sample council behind a users file (a resident, a councillor, an officer), an audit log
    and the upload switch on."""
    from assistant import add_user

    folder = tmp_path_factory.mktemp("roles")
    for name, (role, password) in LOGINS.items():
        add_user(folder / "users.toml", name, role, password)  # type: ignore[arg-type]
    audit = folder / "audit.jsonl"
    running = _serve(
        sample_council, real_embedder, users_file=folder / "users.toml", audit_log=audit, uploads=True
    )
    yield running, audit, Assistant(sample_council, real_embedder)
    running.close()


def _log_in(browser: Any, url: str, name: str, password: str) -> Any:
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    page.goto(url)
    page.locator("input[type=text]").first.fill(name)
    page.locator("input[type=password]").fill(password)
    page.get_by_role("button", name="Login").click()
    return page


def test_a_public_user_sees_no_part_two_and_a_member_sees_it_marked(
    browser: Any, guarded: tuple[RunningPage, Path, Assistant]
) -> None:
    site, audit, archive = guarded
    depot_report = next(
        i for i, m in archive.index.documents() if str(m["source"]).endswith("depot-road-disposal.pdf")
    )
    wrong = _log_in(browser, site.url, "resident", LOGINS["cllr"][1])
    wrong.get_by_text("Incorrect credentials").first.wait_for(timeout=WAIT)
    assert wrong.locator("#question").count() == 0
    resident = _log_in(browser, site.url, "resident", LOGINS["resident"][1])
    resident.wait_for_selector("#question textarea", timeout=WAIT)
    answer = _ask(resident, DEPOT)
    for follow_up in ("what was the highest bid for the former highways depot?", "who bought it?"):
        answer += _ask(resident, follow_up)
    shown = answer + resident.inner_text("body")
    assert [s for s in DEPOT_SECRETS if s in shown] == [] and "(restricted)" not in shown
    assert resident.request.get(f"{site.url}source/{depot_report}").status == 404
    assert resident.request.get(f"{site.url}source/{'0' * 64}").status == 404  # the same as a missing one
    _shot(resident, "public-user-part-two.png")
    member = _log_in(browser, site.url, "cllr", LOGINS["cllr"][1])
    member.wait_for_selector("#question textarea", timeout=WAIT)
    answer = _ask(member, DEPOT)
    assert "Ashcombe" in answer and "2,350,000" in answer and "(restricted)" in answer
    choice = member.locator("#sources label").first
    assert choice.inner_text().endswith("(restricted)")
    choice.click()
    member.wait_for_selector("#source-panel mark", timeout=WAIT)
    assert "Ashcombe" in member.inner_text("#source-panel")
    assert member.request.get(f"{site.url}source/{depot_report}").status == 200
    assert resident.locator('[data-testid="user"]').count() == 3  # each kept their own conversation
    assert member.locator('[data-testid="user"]').count() == 1
    _shot(member, "member-part-two.png")
    clerk = _log_in(browser, site.url, "clerk", LOGINS["clerk"][1])
    for user, officer in ((resident, False), (member, False), (clerk, True)):
        user.get_by_role("tab", name="What is indexed").click()
        user.wait_for_selector("#index-status table", timeout=WAIT)
        user.wait_for_timeout(500)
        assert user.locator("#upload").is_visible() is officer  # uploads are for officers only
    lines = [json.loads(line) for line in audit.read_text(encoding="utf-8").splitlines()]
    answers = [e for e in lines if e["event"] == "answer"]
    assert [(e["user"], e["role"]) for e in answers] == [("resident", "public")] * 3 + [("cllr", "member")]
    assert all(e["restricted"] == [] for e in answers[:3])
    member_line = answers[3]
    assert member_line["question"] == DEPOT and member_line["restricted"]
    assert member_line["restricted"] == [c["doc_id"] for c in member_line["citations"]]
    opened = [(e["event"], e["user"], e["doc_id"]) for e in lines if e["event"] != "answer"]
    assert opened == [("source", "cllr", member_line["restricted"][0]), ("download", "cllr", depot_report)]
    assert [s for s in DEPOT_SECRETS if s in json.dumps(answers[:3])] == []
