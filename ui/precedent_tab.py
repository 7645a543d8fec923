"""The page's Precedent tab: every decision on a matter in date order, each row opening its source,
and the "Previous decisions" brief to download (Word and Markdown).

Like the Ask tab, it only wires components to the public API: `Assistant.precedent` finds the
decisions (only those the logged-in user's role may see), `open_source_as` opens a row's source
(logging a restricted one), and `assistant.brief` shapes the table, the summary, the sources and
the brief files.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

import gradio as gr

from assistant import (
    DECISION_TYPES,
    Assistant,
    AssistantError,
    PageUser,
    PageUsers,
    Precedent,
    open_source_as,
    precedent_as,
    precedent_html,
    precedent_sources,
    precedent_summary,
    source_html,
    write_briefs,
)

from .app import ANY_BODY, ANY_TYPE, _visitor, page_filters

BRIEFS = Path(tempfile.gettempdir()) / "councilqa-briefs"  # each search's two files, in a folder of its own
_KEEP_S = 3600  # a search's brief files outlive the page's copy of them (Gradio's cache) by far
NO_SEARCH = "Type a matter (a site, a scheme, an application number) and press **Find decisions**."
NO_ROW = '<p class="source-empty">Choose a decision\'s number above to read it in its agenda item.</p>'
# a click on a row's numbered button (or Enter on it) asks for that row's source
OPEN_ROW_JS = """element.addEventListener('click', (e) => {
  const b = e.target.closest('button[data-row]');
  if (b) trigger('click', {row: Number(b.dataset.row)});
});"""
TABLE_CSS = """
.precedent-scroll { overflow-x: auto; max-width: 100%; }
table.precedent { border-collapse: collapse; width: 100%; font-size: .9rem; }
table.precedent caption { text-align: left; font-weight: 600; padding: .25em 0; color: #111827; }
table.precedent th, table.precedent td { border: 1px solid #d1d5db; padding: .3em .45em; vertical-align: top;
  text-align: left; color: #111827; }
table.precedent th { background: #f3f4f6; }
table.precedent td:last-child { min-width: 16em; }
button.precedent-open { min-width: 2.2em; padding: .2em .5em; border: 1px solid #1d4ed8; border-radius: 4px;
  background: #eff6ff; color: #1d4ed8; font-weight: 600; cursor: pointer; }
button.precedent-open:focus-visible { outline: 3px solid #92400e; outline-offset: 1px; }
"""


def search_precedent(
    topic: str,
    body: str | None,
    since: str | None,
    until: str | None,
    decision_type: str | None,
    assistant: Assistant,
    user: PageUser | None = None,
) -> tuple[str, Precedent, str, str, Any, Any]:
    """Find the decisions on `topic` within the filters, as the user's role may see them.

    Returns the table, the search (kept for the rows' sources), the summary, the emptied
    source panel and the two brief downloads (Word, Markdown)."""
    if not topic or not topic.strip():
        raise gr.Error("Please type a topic, e.g. Northgate Library.")
    visitor = user or _visitor(assistant)
    filters = page_filters(None, body, since, until, None)  # access: the visitor's role's, never an input
    types = [] if decision_type in (None, "", ANY_TYPE) else [decision_type]
    try:
        found = precedent_as(assistant, visitor, topic, filters, types)
        word, markdown = write_briefs(found, _brief_folder())
    except (AssistantError, ValueError, OSError) as exc:
        raise gr.Error(str(exc)) from exc
    return (
        precedent_html(found),
        found,
        precedent_summary(found),
        NO_ROW,
        gr.update(value=str(word), visible=True),
        gr.update(value=str(markdown), visible=True),
    )


def _brief_folder() -> Path:
    """A new folder for one search's brief files; folders over an hour old are removed."""
    BRIEFS.mkdir(parents=True, exist_ok=True)
    for old in BRIEFS.iterdir():
        try:
            if old.is_dir() and time.time() - old.stat().st_mtime > _KEEP_S:
                shutil.rmtree(old, ignore_errors=True)
        except OSError:
            continue  # another session removed it first
    return Path(tempfile.mkdtemp(dir=BRIEFS))


def show_decision_source(
    row: Any, found: Precedent | None, assistant: Assistant, user: PageUser | None = None
) -> str:
    """Row `row`'s decision in its agenda item, its words highlighted, with its original file."""
    if found is None or isinstance(row, bool) or not isinstance(row, int | str):
        return NO_ROW
    try:
        n = int(row)
    except ValueError:
        return NO_ROW
    sources = precedent_sources(found)
    if not 0 <= n < len(sources):
        return NO_ROW
    _, citation = sources[n]
    try:
        view = open_source_as(assistant, user or _visitor(assistant), citation)
    except AssistantError as exc:
        raise gr.Error(str(exc)) from exc
    return source_html(view, f"source/{citation.doc_id}" if view.file else None)


def build_precedent_tab(demo: gr.Blocks, assistant: Assistant, users: PageUsers, bodies: list[str]) -> None:
    """The Precedent tab, inside the page's Blocks; each visitor searches with their role's access,
    and the body choices follow the archive (as they may see it) on load."""
    found = gr.State(None)
    with gr.Tab("Precedent", elem_id="precedent-tab"):
        gr.Markdown(
            "## Previous decisions\nEvery decision on a matter, oldest first: who decided it, "
            "how the vote went, and what a later meeting did to it."
        )
        with gr.Row(equal_height=False):
            topic = gr.Textbox(
                label="Topic",
                placeholder="e.g. Northgate Library, 22/00951/FUL, 2023/24 budget",
                lines=1,
                max_lines=2,
                scale=3,
                min_width=240,
                elem_id="precedent-topic",
            )
            go = gr.Button(
                "Find decisions", variant="primary", scale=1, min_width=120, elem_id="precedent-go"
            )
        with gr.Accordion("Filters", open=False, elem_id="precedent-filters"):
            with gr.Row():
                body = gr.Dropdown(
                    [ANY_BODY, *bodies], value=ANY_BODY, label="Body", elem_id="precedent-body", min_width=160
                )
                kind = gr.Dropdown(
                    [ANY_TYPE, *DECISION_TYPES],
                    value=ANY_TYPE,
                    label="Decision type",
                    elem_id="precedent-type",
                    min_width=160,
                )
            with gr.Row():
                since = gr.Textbox(label="From (YYYY-MM-DD)", elem_id="precedent-since", min_width=120)
                until = gr.Textbox(label="Until (YYYY-MM-DD)", elem_id="precedent-until", min_width=120)
        summary = gr.Markdown(NO_SEARCH, elem_id="precedent-summary")
        table = gr.HTML(
            "", js_on_load=OPEN_ROW_JS, css_template=TABLE_CSS, elem_id="precedent-table", padding=False
        )
        with gr.Row():
            word = gr.DownloadButton(
                "Download the brief (Word)", visible=False, elem_id="precedent-brief-docx", size="sm"
            )
            markdown = gr.DownloadButton(
                "Download the brief (Markdown)", visible=False, elem_id="precedent-brief-md", size="sm"
            )
        panel = gr.HTML(NO_ROW, elem_id="precedent-source", label="Source")

    def do_search(
        topic_: str | None,
        body_: str | None,
        since_: str | None,
        until_: str | None,
        kind_: str | None,
        request: gr.Request,
    ) -> tuple[Any, ...]:
        user = _visitor(assistant, request, users)
        return search_precedent(topic_ or "", body_, since_, until_, kind_, assistant, user)

    gr.on(
        [topic.submit, go.click],
        do_search,
        [topic, body, since, until, kind],
        [table, found, summary, panel, word, markdown],
        api_name="precedent",
    )

    def do_open(f: Precedent | None, event: gr.EventData, request: gr.Request) -> str:
        user = _visitor(assistant, request, users)
        return show_decision_source(getattr(event, "row", None), f, assistant, user)

    table.click(do_open, [found], [panel], api_visibility="private")

    def bodies_now(request: gr.Request) -> Any:
        try:
            status = assistant.status(_visitor(assistant, request, users).access)
        except AssistantError as exc:
            raise gr.Error(str(exc)) from exc
        return gr.update(choices=[ANY_BODY, *status.bodies])

    demo.load(bodies_now, None, [body], api_visibility="private")
