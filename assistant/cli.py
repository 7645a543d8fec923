"""The `councilqa` command: parse the input, call one public function, format the output."""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path
from typing import Any, Literal

import click

from . import (
    DECISION_TYPES,
    Answer,
    Assistant,
    AssistantError,
    Conversation,
    Filters,
    Settings,
    answer_json,
    answer_plain,
    load_turns,
    precedent_json,
    precedent_plain,
    write_brief,
)

DOC_TYPE_CHOICES = ["minutes", "report", "agenda"]


def _setting_errors(exc: Exception) -> str:
    """A settings error on one line, naming each variable: 'COUNCILQA_ANSWER__K=99: Input should be ...'."""
    errors = getattr(exc, "errors", None)
    if not callable(errors):
        return " ".join(str(exc).split())
    parts = []
    for error in errors():
        name = "COUNCILQA_" + "__".join(str(part).upper() for part in error.get("loc", ()))
        parts.append(f"{name}={error.get('input')!s}: {error.get('msg')}")
    return "; ".join(parts)


def _settings(ctx: click.Context) -> Settings:
    obj: Settings = ctx.obj
    return obj


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--data-dir",
    type=click.Path(file_okay=False, path_type=Path),
    envvar="COUNCILQA_DATA_DIR",
    help="Folder holding the index (default: ~/.councilqa; env COUNCILQA_DATA_DIR).",
)
@click.version_option(package_name="councilqa")
@click.pass_context
def cli(ctx: click.Context, data_dir: Path | None) -> None:
    """Ask questions of council minutes, reports and agendas; every answer is cited.

    \b
    Start with:  councilqa ask "What did we decide about the Mill Lane cycle lane?"
    (an empty index is filled with the bundled sample council first), or index
    your own records with:  councilqa ingest FOLDER
    """
    try:
        settings = Settings()
    except Exception as exc:  # pydantic reports which variable is wrong
        raise click.ClickException(f"Bad COUNCILQA_ setting: {_setting_errors(exc)}") from exc
    if data_dir is not None:
        settings = settings.model_copy(update={"data_dir": data_dir})
    ctx.obj = settings


ACCESS_OPTION = click.option(
    "--access",
    type=click.Choice(["public", "restricted"]),
    default="public",
    show_default=True,
    help="Whose view of the records: public never sees exempt / Part II / confidential items; "
    "restricted (members, officers) sees them, marked so.",
)


def _open(settings: Settings) -> Assistant:
    """The archive opened once for this command; an empty new one gets the sample council first."""
    return Assistant.open(settings, say=lambda line: click.echo(line, err=True))


@cli.command(name="ask")
@click.argument("question")
@click.option("--body", help='Only this committee or panel, e.g. "Planning Committee".')
@click.option("--since", type=click.DateTime(["%Y-%m-%d"]), help="Only meetings on or after YYYY-MM-DD.")
@click.option("--until", type=click.DateTime(["%Y-%m-%d"]), help="Only meetings on or before YYYY-MM-DD.")
@click.option("--type", "doc_type", type=click.Choice(DOC_TYPE_CHOICES), help="Only this kind of document.")
@click.option("--k", type=click.IntRange(1, 50), help="Passages to retrieve (default 6).")
@click.option("--json", "as_json", is_flag=True, help="Print the answer and citations as JSON.")
@click.option(
    "--history",
    "history_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Earlier turns of the conversation (JSON list or JSON Lines), so QUESTION can be a follow-up.",
)
@ACCESS_OPTION
@click.pass_context
def ask_command(
    ctx: click.Context,
    question: str,
    body: str | None,
    since: Any,
    until: Any,
    doc_type: str | None,
    k: int | None,
    as_json: bool,
    history_file: Path | None,
    access: Literal["public", "restricted"],
) -> None:
    """Answer QUESTION from the records, citing meeting, agenda item and paragraph.

    \b
    With --history FILE the question may follow on from earlier turns ("who seconded it?",
    "and in 2024?"): it is rewritten to stand alone, and dates and bodies it names become
    filters. FILE holds one turn per JSON object, oldest first, as a JSON list or JSON Lines:
      {"question": "When was the Mill Lane cycle lane approved?",
       "resolved_question": null, "answer": "...", "citations": [...],
       "filters": {"body": null, "since": null, "until": null, "doc_type": null}}
    Only "question" is required; the output of `ask --json` and of `chat --json` are valid turns.
    """
    settings = _settings(ctx)
    since_d: date | None = since.date() if since else None
    until_d: date | None = until.date() if until else None
    if since_d and until_d and since_d > until_d:
        raise click.BadParameter("--since is after --until", param_hint="--since")
    filters = Filters(body=body, since=since_d, until=until_d, doc_type=doc_type, access=access)
    try:
        history = load_turns(history_file) if history_file else None
        answer = _open(settings).ask(question, filters, k, history=history)
    except (AssistantError, ValueError, OSError) as exc:
        raise click.ClickException(str(exc)) from exc
    if as_json:
        click.echo(json.dumps(answer_json(answer), indent=2, ensure_ascii=False))
        return
    _print_answer(answer)


def _print_answer(answer: Answer) -> None:
    click.echo(answer_plain(answer))


@cli.command(name="precedent")
@click.argument("topic")
@click.option("--body", help='Only decisions of this body, e.g. "Cabinet" (links still reach other bodies).')
@click.option("--since", type=click.DateTime(["%Y-%m-%d"]), help="Only meetings on or after YYYY-MM-DD.")
@click.option("--until", type=click.DateTime(["%Y-%m-%d"]), help="Only meetings on or before YYYY-MM-DD.")
@click.option(
    "--type",
    "types",
    multiple=True,
    type=click.Choice(DECISION_TYPES),
    help="Only decisions of this type (repeatable).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the decisions as JSON rows.")
@click.option(
    "--brief",
    "brief_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help='Also write a "Previous decisions" brief: FILE.md or FILE.docx.',
)
@ACCESS_OPTION
@click.pass_context
def precedent_command(
    ctx: click.Context,
    topic: str,
    body: str | None,
    since: Any,
    until: Any,
    types: tuple[str, ...],
    as_json: bool,
    brief_file: Path | None,
    access: Literal["public", "restricted"],
) -> None:
    """Every decision on TOPIC in date order: its type, vote, mover and what later changed it.

    \b
    e.g.  councilqa precedent "Northgate Library"
          councilqa precedent "Mill Lane cycle lane" --body Cabinet --brief previous.docx
    """
    settings = _settings(ctx)
    since_d: date | None = since.date() if since else None
    until_d: date | None = until.date() if until else None
    if since_d and until_d and since_d > until_d:
        raise click.BadParameter("--since is after --until", param_hint="--since")
    if brief_file is not None and brief_file.suffix.lower() not in (".md", ".docx"):
        raise click.BadParameter("the brief is written as FILE.md or FILE.docx", param_hint="--brief")
    filters = Filters(body=body, since=since_d, until=until_d, access=access)
    try:
        found = _open(settings).precedent(topic, filters, types)
        if brief_file is not None:
            write_brief(found, brief_file)
    except (AssistantError, ValueError, OSError) as exc:
        raise click.ClickException(str(exc)) from exc
    if as_json:
        click.echo(json.dumps(precedent_json(found), indent=2, ensure_ascii=False))
    else:
        click.echo(precedent_plain(found))
    if brief_file is not None:
        click.echo(f"Brief written to {brief_file}", err=True)


@cli.command()
@click.option("--k", type=click.IntRange(1, 50), help="Passages to retrieve (default 6).")
@click.option(
    "--json", "as_json", is_flag=True, help="Print each answer as one JSON line (a valid --history file)."
)
@ACCESS_OPTION
@click.pass_context
def chat(ctx: click.Context, k: int | None, as_json: bool, access: Literal["public", "restricted"]) -> None:
    """Ask question after question; follow-ups ("who seconded it?") carry the conversation on.

    Reads one question per line from standard input until end of input or "quit".
    """
    settings = _settings(ctx)
    stdin = sys.stdin
    interactive = stdin.isatty()
    conversation = Conversation()
    try:
        opened = _open(settings)
        while True:
            if interactive:
                click.echo("? ", nl=False, err=True)
            line = stdin.readline()
            question = line.strip()
            if not line or question.lower() in ("quit", "exit", "q"):
                break
            if not question:
                continue
            answer = conversation.ask(opened, question, Filters(access=access), k=k)
            if as_json:
                click.echo(json.dumps(answer_json(answer), ensure_ascii=False))
            else:
                _print_answer(answer)
                click.echo()
    except AssistantError as exc:
        raise click.ClickException(str(exc)) from exc


@cli.command()
@click.option("--host", help="Address to listen on (default 127.0.0.1; env COUNCILQA_PAGE__HOST).")
@click.option("--port", type=click.IntRange(1, 65535), help="Port (default 7860; env COUNCILQA_PAGE__PORT).")
@click.option(
    "--access",
    type=click.Choice(["public", "restricted"]),
    help="What the page's users may read (default public; env COUNCILQA_PAGE__ACCESS).",
)
@click.pass_context
def serve(ctx: click.Context, host: str | None, port: int | None, access: str | None) -> None:
    """Start the chat page; it prints its address once it is ready to answer.

    \b
    The model and the keyword index are loaded before the page accepts a question, so the
    first answer is as fast as the tenth. Settings (COUNCILQA_PAGE__*): CONCURRENCY (questions
    answered at once), USERS_FILE (logins with roles: `councilqa users add`), USERNAME and
    PASSWORD (one login), UPLOADS=1 (an upload box, for officers when there is a users file),
    AUDIT_LOG (where answers are logged; default DATA_DIR/audit.jsonl with a login).
    """
    settings = _settings(ctx)
    page = settings.page.model_copy(
        update={k: v for k, v in (("host", host), ("port", port), ("access", access)) if v is not None}
    )
    settings = settings.model_copy(update={"page": page})
    try:
        opened = _open(settings)
        click.echo("Loading the model and the keyword index…", err=True)
        opened.warm()  # so the first answer is as fast as the tenth
    except AssistantError as exc:
        raise click.ClickException(str(exc)) from exc
    from ui.server import start_page

    try:
        running = start_page(opened)
    except AssistantError as exc:  # e.g. a users file that cannot be read
        raise click.ClickException(str(exc)) from exc
    except OSError as exc:
        raise click.ClickException(f"Cannot listen on {page.host}:{page.port} ({exc}).") from exc
    login = " (login required)" if page.guarded else ""
    click.echo(f"Ready: councilqa is serving on {running.url}{login}", err=True)
    running.wait()


@cli.command(name="eval")
@click.option(
    "--questions",
    "questions_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="A JSONL question file (default: the sample council's evals/questions.jsonl).",
)
@click.option("--k", type=click.IntRange(1, 50), help="Passages retrieved per question (default 6).")
@click.option(
    "--split",
    type=click.Choice(["dev", "test", "all"]),
    default="all",
    show_default=True,
    help="Which questions: dev (tune on it), test (held out; CI gates on it) or all.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the summary and every question as JSON.")
@click.option(
    "--gate",
    is_flag=True,
    help="Exit 1 when a figure falls below its floor in the settings (COUNCILQA_EVAL_GATE__MRR=...).",
)
@ACCESS_OPTION
@click.pass_context
def eval_command(
    ctx: click.Context,
    questions_file: Path | None,
    k: int | None,
    split: str,
    as_json: bool,
    gate: bool,
    access: Literal["public", "restricted"],
) -> None:
    """Run a question file through the same path as `ask` and report accuracy figures.

    With no --questions, runs the sample council's question set (indexing the sample council
    first when the archive is empty). A question that names the access it needs ("access":
    "restricted": it asks about an exempt item) runs with it; the rest run with --access."""
    from evals.run import QUESTIONS, QuestionFileError, load_questions, run_eval, select_split
    from evals.run import gate as check_gate

    settings = _settings(ctx)
    try:
        questions = select_split(load_questions(questions_file or QUESTIONS), split)
        if not questions:
            raise click.ClickException(f"No questions in the {split} split of {questions_file or QUESTIONS}.")
        opened = _open(settings) if questions_file is None else Assistant(settings)
        summary, outcomes = run_eval(questions, settings, k, assistant=opened, access=access)
    except (QuestionFileError, AssistantError) as exc:
        raise click.ClickException(str(exc)) from exc
    if as_json:
        rows = [
            {**answer_json(o.answer), "id": o.question.id, "passed": o.passed, "why": o.why} for o in outcomes
        ]
        click.echo(json.dumps({"summary": summary, "questions": rows}, indent=2, ensure_ascii=False))
    else:
        for o in outcomes:
            if not o.passed:
                click.echo(f"FAIL {o.question.id}: {o.question.question} ({o.why})")
        for key, value in summary.items():
            click.echo(f"{key:20} {value}")
    if gate:
        failures = check_gate(summary, settings.eval_gate, k or settings.answer.k)
        for line in failures:
            click.echo(f"gate: {line}", err=True)
        if failures:
            raise click.ClickException(f"eval gate failed: {len(failures)} figure(s) below their floor")
        click.echo("gate: every figure at or above its floor", err=True)


# The archive's commands (ingest, status, check) live beside this file, to keep each module short.
from .cli_archive import check, ingest, status  # noqa: E402
from .cli_users import users  # noqa: E402

for _command in (ingest, status, check, users):
    cli.add_command(_command)
