"""The Precedent tab in headless Chromium (Playwright), on the sample council: the Northgate Library
chain in date order, a row's source opened by mouse and by keyboard, the Word brief downloaded and
read back with python-docx, axe on the tab and a phone-width check. The true chain is in
tests/data/sample_chains.json; screenshots go to build/screenshots."""

from __future__ import annotations

import json
import re
from datetime import datetime
from typing import Any

import docx
import pytest
from test_page_browser import WAIT, _open, _serious, _shot, browser, site  # noqa: F401 -- fixtures

from bench.precedent_bench import CHAINS
from ui.server import RunningPage

pytestmark = [pytest.mark.integration, pytest.mark.browser]

TOPIC = "Northgate Library"


def _search(page: Any, topic: str) -> Any:
    """Open the Precedent tab, find the decisions on `topic`, and return the table's rows."""
    page.get_by_role("tab", name="Precedent").click()
    page.fill("#precedent-topic textarea, #precedent-topic input", topic)
    page.click("#precedent-go")
    page.wait_for_selector("#precedent-table table.precedent tbody tr", timeout=WAIT)
    return page.locator("#precedent-table tbody tr")


def _cells(rows: Any) -> list[list[str]]:
    return [
        [rows.nth(n).locator("td").nth(k).inner_text().strip() for k in range(10)]
        for n in range(rows.count())
    ]


def test_the_northgate_library_chain_in_date_order_its_sources_and_the_brief(
    browser: Any,  # noqa: F811
    site: RunningPage,  # noqa: F811
) -> None:
    page = _open(browser, site.url)
    rows = _search(page, TOPIC)
    cells = _cells(rows)
    want = json.loads(CHAINS.read_text(encoding="utf-8"))[TOPIC]["decisions"]  # "Body, date, item N: type"
    known = [re.fullmatch(r"(.+?), (\d{4}-\d\d-\d\d), .+: (.+)", w) for w in want]
    shown = [  # Source, Date, Body, Item, Type, Outcome ("recommended to Cabinet"), ...
        (c[2], datetime.strptime(c[1], "%d %b %Y").date().isoformat(), re.sub(r" to .+$", "", c[5]))
        for c in cells
    ]
    assert all(known) and shown == [m.groups() for m in known if m], shown
    assert "11 decisions on ‘Northgate Library’" in page.inner_text("#precedent-summary")
    closure = next(c for c in cells if c[1] == "9 Feb 2023" and c[5] == "resolved")
    assert closure[6] == "For 4, Against 0, Abstentions 1"
    assert closure[7] == "Councillor Pryce / Councillor Natarajan"
    assert "rescinded: Cabinet, 9 Mar 2023, item 4" in closure[8]

    rescission = next(n for n, c in enumerate(cells) if c[5] == "rescinded")
    rows.nth(rescission).locator("button").click()
    page.wait_for_selector("#precedent-source mark", timeout=WAIT)
    panel = page.locator("#precedent-source")
    assert "Cabinet, 9 Mar 2023, item 4, para 8" in panel.inner_text()
    assert "be rescinded" in panel.locator("mark").first.inner_text()
    _shot(page, "precedent-tab.png")

    with page.expect_download(timeout=WAIT) as downloading:
        page.click("#precedent-brief-docx")
    brief = downloading.value
    assert brief.suggested_filename == "previous-decisions-northgate-library.docx"
    paragraphs = [p.text for p in docx.Document(str(brief.path())).paragraphs]
    sources = [p for p in paragraphs if p.startswith("Source: ")]
    labels = [rows.nth(n).locator("button").get_attribute("aria-label") or "" for n in range(rows.count())]
    assert sources == [f"Source: {label.split(': ', 1)[1]}" for label in labels]  # every row, in order
    assert "Source: Cabinet, 9 Mar 2023, item 4, para 8" in sources
    assert any("Later rescinded: Cabinet, 9 Mar 2023, item 4" in p for p in paragraphs)


def test_the_precedent_tab_by_keyboard_passes_axe_and_fits_a_phone(
    browser: Any,  # noqa: F811
    site: RunningPage,  # noqa: F811
) -> None:
    from axe_playwright_python.sync_playwright import Axe

    page = _open(browser, site.url, width=390)
    rows = _search(page, TOPIC)
    rows.nth(0).locator("button").focus()
    page.keyboard.press("Enter")
    page.wait_for_selector("#precedent-source mark", timeout=WAIT)
    assert "Cabinet, 8 Dec 2022, item 4" in page.inner_text("#precedent-source")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # the table scrolls in its box
    problems = _serious(Axe().run(page).response)
    _shot(page, "precedent-tab-390.png")
    assert problems == [], problems
