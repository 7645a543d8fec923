"""The chat page: Gradio around the public API of `assistant`; it builds the page and nothing more.

Each browser session keeps its own `Conversation` in `gr.State`, so follow-ups never cross
between visitors. Answers, sources, status and upload reports are rendered by
`assistant.present`; this module only wires the components to those calls.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import Any

import gradio as gr

from assistant import (
    Assistant,
    AssistantError,
    Conversation,
    Filters,
    PageUser,
    PageUsers,
    answer_markdown,
    ask_as,
    ingest_report_markdown,
    open_source_as,
    source_html,
    status_line,
    status_markdown,
)

ANY_BODY = "Any body"
ANY_COUNCIL = "Any council"
ANY_TYPE = "Any type"
DOC_TYPES = ["minutes", "report", "agenda"]
PENDING = "Searching the records…"
NO_SOURCE = '<p class="source-empty">Choose a source above to read it in its agenda item.</p>'
EXAMPLES = [
    "When did Cabinet approve the Mill Lane cycle lane, and at what cost?",
    "What happened to Northgate Library?",
    "Was the Glebe tree preservation order confirmed?",
]
UPLOAD_TYPES = [".pdf", ".docx", ".txt", ".md", ".html", ".htm"]

CSS = """
.source mark { background: #fde68a; color: #111827; padding: 0 .1em; }
.source blockquote.source-cited { border-left: 4px solid #92400e; margin: .5em 0; padding: .25em .75em;
  background: #fffbeb; color: #111827; }
.source .source-context, .source .source-more { color: #374151; }
.source dl.source-facts { display: grid; grid-template-columns: max-content 1fr; gap: .1em .75em;
  margin: .5em 0; }
.source dt { font-weight: 600; }
.source dd { margin: 0; overflow-wrap: anywhere; }
.source a { color: #1d4ed8; text-decoration: underline; }
.source-empty { color: #374151; }
#question textarea { font-size: 1rem; }
#index-status td:first-child { white-space: nowrap; }
/* WCAG AA contrast where Gradio's own colours fall short (axe, tests/e2e/test_page_browser.py) */
button[role="tab"].selected { color: #1d4ed8 !important; }
#upload .or, #upload .wrap { color: #374151 !important; }
"""


def page_filters(
    council: str | None, body: str | None, since: str | None, until: str | None, doc_type: str | None
) -> Filters:
    """The filter controls as Filters; a date that is not YYYY-MM-DD is a message, not a crash."""
    start, end = _date(since, "From"), _date(until, "Until")
    if start and end and start > end:
        raise gr.Error(f"The 'From' date ({start}) is after the 'Until' date ({end}).")
    return Filters.model_validate(
        {
            "council": None if council in (None, "", ANY_COUNCIL) else council,
            "body": None if body in (None, "", ANY_BODY) else body,
            "since": start,
            "until": end,
            "doc_type": None if doc_type in (None, "", ANY_TYPE) else doc_type,
        }
    )


def _date(value: str | None, name: str) -> date | None:
    text = (value or "").strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise gr.Error(
            f"'{name}' must be a date written YYYY-MM-DD, e.g. 2024-03-14 (got {text!r})."
        ) from None


def messages(conversation: Conversation | None) -> list[dict[str, str]]:
    """The conversation as the chatbot shows it: each question, then its answer with its sources."""
    shown: list[dict[str, str]] = []
    for answer in conversation.answers if conversation else []:
        shown.append({"role": "user", "content": answer.question})
        shown.append({"role": "assistant", "content": answer_markdown(answer)})
    return shown


def pending(message: str, conversation: Conversation | None) -> list[dict[str, str]]:
    """What the chat shows at once while an answer is being found."""
    return [
        *messages(conversation),
        {"role": "user", "content": message},
        {"role": "assistant", "content": PENDING},
    ]


def respond(
    message: str,
    conversation: Conversation | None,
    council: str | None,
    body: str | None,
    since: str | None,
    until: str | None,
    doc_type: str | None,
    assistant: Assistant,
    user: PageUser | None = None,
) -> tuple[list[dict[str, str]], Conversation, str, Any, str]:
    """Answer one message as the next turn of this session's conversation, with the access of
    the logged-in user's role (never an input).

    Returns the chat, the conversation, the emptied question box, the sources to choose from
    and the sources panel."""
    if not message or not message.strip():
        raise gr.Error("Please type a question.")
    user = user or _visitor(assistant)
    if conversation is None or conversation.owner != user.name:  # a session's state is its user's
        conversation = Conversation(owner=user.name)
    filters = page_filters(council, body, since, until, doc_type)
    try:
        ask_as(assistant, conversation, user, message, filters)
    except (AssistantError, ValueError) as exc:
        raise gr.Error(str(exc)) from exc
    return messages(conversation), conversation, "", _source_choices(conversation), NO_SOURCE


def _source_choices(conversation: Conversation) -> Any:
    choices = [(label, str(n)) for n, (label, _) in enumerate(conversation.sources())]
    return gr.update(choices=choices, value=None, visible=bool(choices))


def _visitor(
    assistant: Assistant, request: gr.Request | None = None, users: PageUsers | None = None
) -> PageUser:
    """Who is asking: the user this request's session logged in as (Gradio keeps the name)."""
    return (users or PageUsers(assistant.settings)).user(getattr(request, "username", None))


def show_source(
    choice: str | None, conversation: Conversation | None, assistant: Assistant, user: PageUser | None = None
) -> str:
    """The chosen source of the latest answer: its paragraph highlighted in its agenda item."""
    user = user or _visitor(assistant)
    if choice in (None, "") or conversation is None or conversation.owner != user.name:
        return NO_SOURCE
    sources = conversation.sources()
    try:
        _, citation = sources[int(str(choice))]
    except (ValueError, IndexError):
        return NO_SOURCE
    try:
        view = open_source_as(assistant, user, citation)
    except AssistantError as exc:
        raise gr.Error(str(exc)) from exc
    return source_html(view, f"source/{citation.doc_id}" if view.file else None)


def new_conversation() -> tuple[None, list[dict[str, str]], Any, str]:
    """Start again: an empty chat with nothing to follow on from."""
    return None, [], gr.update(choices=[], value=None, visible=False), NO_SOURCE


def refresh(assistant: Assistant, user: PageUser | None = None) -> tuple[str, str, Any, Any]:
    """What is indexed now, as this user may see it, and the filters' choices that follow from it."""
    try:
        status = assistant.status((user or _visitor(assistant)).access)
    except AssistantError as exc:
        raise gr.Error(str(exc)) from exc
    bodies = gr.update(choices=[ANY_BODY, *status.bodies])
    councils = gr.update(choices=[ANY_COUNCIL, *status.councils], visible=len(status.councils) > 1)
    return status_line(status), status_markdown(status), bodies, councils


def upload(
    files: Sequence[Any] | None,
    assistant: Assistant,
    progress: Callable[..., Any] | None = None,
    user: PageUser | None = None,
) -> tuple[str, str, str, Any, Any]:
    """Ingest uploaded files, with progress, and say what went in and what failed (and why)."""
    user = user or _visitor(assistant)
    if not user.may_upload:
        raise gr.Error("Only officers may add records to the archive.")
    paths = [Path(f if isinstance(f, str | Path) else getattr(f, "name", f)) for f in files or []]
    if not paths:
        raise gr.Error("Choose one or more files (PDF, Word, HTML, Markdown or text) first.")
    done: list[Path] = []

    def step(path: Path, _outcome: str) -> None:
        done.append(path)
        if progress is not None:
            progress((len(done), len(paths)), desc=f"Read {path.name}", unit="files")

    try:
        report = assistant.ingest_uploads(paths, on_file=step)
    except AssistantError as exc:
        raise gr.Error(str(exc)) from exc
    return (ingest_report_markdown(report), *refresh(assistant, user))


def build_app(assistant: Assistant, users: PageUsers | None = None) -> gr.Blocks:
    """The chat page for an opened archive; each visitor sees what their role may (`users`)."""
    from .precedent_tab import build_precedent_tab  # imported here: the tab reuses this module's filters

    settings = assistant.settings
    users = users or PageUsers(settings)
    status = assistant.status(users.user(None).access)  # before login: the least any visitor sees
    with gr.Blocks(title="councilqa: council records, cited") as demo:
        gr.Markdown(
            "# councilqa\nAsk about council meetings. "
            "Every answer cites the meeting, agenda item and paragraph."
        )
        summary = gr.Markdown(status_line(status), elem_id="status-line")
        conversation = gr.State(None)
        with gr.Tab("Ask"), gr.Row(equal_height=False):
            with gr.Column(scale=3, min_width=300):
                chat = gr.Chatbot(
                    label="Conversation",
                    height=460,
                    feedback_options=None,
                    buttons=["copy"],
                    elem_id="chat",
                    placeholder="Ask a question below; follow up with “who seconded it?” or “and in 2024?”.",
                )
                question = gr.Textbox(
                    label="Your question",
                    placeholder="e.g. What did Cabinet decide about the Mill Lane cycle lane?",
                    lines=1,
                    max_lines=4,
                    elem_id="question",
                )
                with gr.Row():
                    ask = gr.Button("Ask", variant="primary", elem_id="ask", min_width=100)
                    clear = gr.Button("New conversation", elem_id="new-conversation", min_width=100)
                gr.Examples(EXAMPLES, inputs=[question], label="Examples")
            with gr.Column(scale=2, min_width=300):
                with gr.Accordion("Filters", open=True, elem_id="filters"):
                    council = gr.Dropdown(
                        [ANY_COUNCIL, *status.councils],
                        value=ANY_COUNCIL,
                        label="Council",
                        visible=len(status.councils) > 1,
                        elem_id="filter-council",
                    )
                    body = gr.Dropdown(
                        [ANY_BODY, *status.bodies], value=ANY_BODY, label="Body", elem_id="filter-body"
                    )
                    with gr.Row():
                        since = gr.Textbox(label="From (YYYY-MM-DD)", elem_id="filter-since", min_width=120)
                        until = gr.Textbox(label="Until (YYYY-MM-DD)", elem_id="filter-until", min_width=120)
                    doc_type = gr.Dropdown(
                        [ANY_TYPE, *DOC_TYPES], value=ANY_TYPE, label="Document type", elem_id="filter-type"
                    )
                sources = gr.Radio([], label="Sources of the latest answer", visible=False, elem_id="sources")
                panel = gr.HTML(NO_SOURCE, elem_id="source-panel", label="Source")
        build_precedent_tab(demo, assistant, users, status.bodies)
        with gr.Tab("What is indexed"):
            table = gr.Markdown(status_markdown(status), elem_id="index-status")
            again = gr.Button("Refresh", elem_id="refresh")
            upload_box = gr.Column(visible=users.user(None).may_upload)  # then each visitor's own
            if settings.page.uploads:
                with upload_box:
                    gr.Markdown(
                        "## Add records\n"
                        "Files go into the archive at once and can be asked about straight after."
                    )
                    files = gr.File(
                        label="Files to add (PDF, Word, HTML, Markdown, text)",
                        file_count="multiple",
                        file_types=UPLOAD_TYPES,
                        elem_id="upload",
                    )
                    add = gr.Button("Add to the archive", variant="primary", elem_id="upload-go")
                    added = gr.Markdown(elem_id="upload-report")

                    def do_upload(
                        chosen: Sequence[Any] | None,
                        request: gr.Request,
                        progress: gr.Progress = gr.Progress(),  # noqa: B008 -- how Gradio asks for progress
                    ) -> tuple[str, str, str, Any, Any]:
                        return upload(chosen, assistant, progress, _visitor(assistant, request, users))

                    add.click(do_upload, [files], [added, summary, table, body, council], api_name="upload")

        filters = [council, body, since, until, doc_type]
        answer_out = [chat, conversation, question, sources, panel]

        def do_respond(
            message: str,
            conv: Conversation | None,
            council_: str | None,
            body_: str | None,
            since_: str | None,
            until_: str | None,
            type_: str | None,
            request: gr.Request,
        ) -> tuple[Any, ...]:
            user = _visitor(assistant, request, users)
            return respond(message, conv, council_, body_, since_, until_, type_, assistant, user)

        def do_source(choice: str | None, conv: Conversation | None, request: gr.Request) -> str:
            return show_source(choice, conv, assistant, _visitor(assistant, request, users))

        def do_refresh(request: gr.Request) -> tuple[Any, ...]:
            user = _visitor(assistant, request, users)
            return (*refresh(assistant, user), gr.update(visible=user.may_upload))

        gr.on(
            [question.submit, ask.click],
            pending,
            [question, conversation],
            [chat],
            queue=False,
            api_visibility="private",
        ).then(do_respond, [question, conversation, *filters], answer_out, api_name="ask").failure(
            messages, [conversation], [chat], queue=False, api_visibility="private"
        )  # an error is a message (gr.Error); the chat drops its "Searching…" line
        sources.change(do_source, [sources, conversation], [panel], api_name="source")
        clear.click(
            new_conversation,
            None,
            [conversation, chat, sources, panel],
            queue=False,
            api_visibility="private",
        )
        refresh_out = [summary, table, body, council, upload_box]
        again.click(do_refresh, None, refresh_out, api_visibility="private")
        demo.load(do_refresh, None, refresh_out, api_visibility="private")
    blocks: gr.Blocks = demo
    return blocks
