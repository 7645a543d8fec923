"""The archive's commands: ingest, status, check. Each parses its input, calls one public
function and formats the output (registered on the `councilqa` group in cli.py)."""

from __future__ import annotations

import contextlib
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import click

# the pipeline is imported by each command when it runs, so `--help` never loads it (issue 13)
from . import AssistantError

if TYPE_CHECKING:
    from . import ArchiveCheck, IngestReport, Settings

# chunks pooled across files per encoder call: `assistant.EMBED_BATCH`, which a test keeps equal
EMBED_BATCH = 256


def _settings(ctx: click.Context) -> Settings:
    obj: Settings = ctx.obj
    return obj


def report_json(report: IngestReport) -> dict[str, Any]:
    """The `ingest --json` shape."""
    return {
        "ingested": report.ingested,
        "unchanged": report.unchanged,
        "duplicates": [{"source": s, "same_as": same} for s, same in report.duplicates],
        "removed": report.removed,
        "failed": [{"source": s, "reason": r} for s, r in report.failed],
        "repaired": report.repaired,
        "problems": report.problems,
        "restricted": [{"source": s, "why": why} for s, why in report.restricted],
        "chunks": report.chunks,
        "seconds": round(report.seconds, 2),
        "stages": {stage: round(secs, 3) for stage, secs in report.stages.items()},
    }


def _print_report(report: IngestReport, as_json: bool) -> None:
    if as_json:
        click.echo(json.dumps(report_json(report), indent=2, ensure_ascii=False))
        return
    click.echo(
        f"Ingested {len(report.ingested)} file(s), {len(report.unchanged)} unchanged, "
        f"{len(report.failed)} failed; {report.chunks} chunks added in {report.seconds:.1f}s."
    )
    if report.duplicates:
        click.echo(
            f"{len(report.duplicates)} file(s) had the same content as an indexed file: recorded as copies."
        )
    if report.removed:
        click.echo(f"Removed {len(report.removed)} file(s) no longer on disk.")
    if report.repaired:
        click.echo(f"Repaired {len(report.repaired)} document(s) by ingesting their files again.")
    click.echo("Time: " + ", ".join(f"{stage} {secs:.1f}s" for stage, secs in report.stages.items()))
    if report.restricted:
        click.echo(f"Restricted (members and officers only): {len(report.restricted)} agenda item(s)")
        for source, why in report.restricted:
            click.echo(f"  restricted: {source.replace(chr(92), '/').rsplit('/', 1)[-1]}, {why}")
    for _source, reason in report.failed:
        click.echo(f"  failed: {reason}", err=True)
    if report.problems:
        click.echo(
            f"Check: {len(report.problems)} problem(s) in the archive after this ingest. "
            "Run: councilqa check (and councilqa ingest --repair)",
            err=True,
        )
        for line in report.problems[:10]:
            click.echo(f"  problem: {line}", err=True)


@click.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--prune", is_flag=True, help="Also forget indexed files under PATHS that are no longer on disk."
)
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON (and no progress bar).")
@click.option(
    "-v", "--verbose", is_flag=True, help="Print each file as it is done instead of a progress bar."
)
@click.option(
    "--embed-batch",
    type=click.IntRange(1),
    default=EMBED_BATCH,
    show_default=True,
    help="Passages embedded per encoder call, pooled across files.",
)
@click.option(
    "--repair",
    is_flag=True,
    help="Also ingest again exactly the documents `councilqa check` finds wrong (PATHS may be left out).",
)
@click.pass_context
def ingest(
    ctx: click.Context,
    paths: tuple[Path, ...],
    prune: bool,
    as_json: bool,
    verbose: bool,
    embed_batch: int,
    repair: bool,
) -> None:
    """Index council files (txt, md, html, pdf, docx) or folders of them.

    Unchanged files are skipped and a copy of an indexed file is recorded, not
    indexed again; a file that fails is reported with its reason and the rest are
    still indexed. Exits with status 1 if any file failed. One writer at a time: a
    second ingest waits COUNCILQA_INGEST__LOCK_TIMEOUT seconds (default 0), then stops.
    """
    if not paths and not repair:
        raise click.UsageError("Missing argument 'PATHS...': the files or folders to ingest (or --repair).")
    from . import collect_files, display_path, ingest_paths

    settings = _settings(ctx)
    files = collect_files(paths)
    try:
        if verbose or as_json:

            def done(path: Path, outcome: str) -> None:
                if verbose:
                    click.echo(f"{outcome}: {display_path(path)}", err=True)

            report = ingest_paths(
                list(paths),
                settings,
                files=files,
                prune=prune,
                on_file=done,
                embed_batch=embed_batch,
                repair=repair,
            )
        else:
            with contextlib.ExitStack() as stack:
                bar: Any = None

                def step(path: Path, _outcome: str) -> None:
                    nonlocal bar
                    if bar is None:  # started at the first file, so an archive error is the only line
                        bar = stack.enter_context(
                            click.progressbar(
                                length=len(files[0]),
                                label="Indexing",
                                file=sys.stderr,
                                show_pos=True,
                                show_eta=True,
                                item_show_func=lambda p: display_path(Path(p.name)) if p else None,
                            )
                        )
                    bar.update(1, path)

                report = ingest_paths(
                    list(paths),
                    settings,
                    files=files,
                    prune=prune,
                    on_file=step,
                    embed_batch=embed_batch,
                    repair=repair,
                )
    except AssistantError as exc:
        raise click.ClickException(str(exc)) from exc
    _print_report(report, as_json)
    if not report.ok:
        ctx.exit(1)


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
@click.option(
    "--access",
    type=click.Choice(["public", "restricted"]),
    default="public",
    show_default=True,
    help="Whose view to count: public counts no restricted passage, nor a document holding only those.",
)
@click.pass_context
def status(ctx: click.Context, as_json: bool, access: Literal["public", "restricted"]) -> None:
    """Show what is indexed: documents, meetings, bodies, dates and chunks."""
    try:
        from . import index_status

        st = index_status(_settings(ctx), access)
    except AssistantError as exc:
        raise click.ClickException(str(exc)) from exc
    if as_json:
        click.echo(
            json.dumps(
                {
                    **st.__dict__,
                    "first_date": str(st.first_date),
                    "last_date": str(st.last_date),
                    "last_ingest": st.last_ingest.isoformat() if st.last_ingest else None,
                },
                indent=2,
            )
        )
        return
    click.echo(f"Index:      {st.location}")
    kinds = ", ".join(f"{n} {t}" for t, n in sorted(st.by_type.items())) or "none"
    click.echo(f"Documents:  {st.documents} ({kinds})")
    click.echo(f"Meetings:   {st.meetings}")
    click.echo(f"Councils:   {', '.join(st.councils) or 'none'}")
    click.echo(f"Bodies:     {', '.join(st.bodies) or 'none'}")
    click.echo(f"Dates:      {st.first_date or '-'} to {st.last_date or '-'}")
    click.echo(f"Chunks:     {st.chunks}")
    click.echo(f"Last ingest: {st.last_ingest:%Y-%m-%d %H:%M} UTC" if st.last_ingest else "Last ingest: -")


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print what was found as JSON.")
@click.pass_context
def check(ctx: click.Context, as_json: bool) -> None:
    """Compare every document's record with its chunks, vectors and keyword entries; name what is wrong.

    Exits with status 1 when something is wrong; `councilqa ingest --repair` ingests exactly
    those documents again.
    """
    try:
        from . import check_archive

        found: ArchiveCheck = check_archive(_settings(ctx))
    except AssistantError as exc:
        raise click.ClickException(str(exc)) from exc
    if as_json:
        problems = [{"doc_id": p.doc_id, "source": p.source, "problem": p.what} for p in found.problems]
        summary = {"location": found.location, "documents": found.documents, "chunks": found.chunks}
        click.echo(
            json.dumps({**summary, "ok": found.ok, "problems": problems}, indent=2, ensure_ascii=False)
        )
    else:
        click.echo(f"Checked {found.documents} documents and {found.chunks} chunks at {found.location}.")
        for problem in found.problems:
            click.echo(f"  problem: {problem.line}")
        if found.ok:
            click.echo("Every document's chunks, vectors and keyword entries agree with its record.")
        else:
            click.echo(f"{len(found.problems)} problem(s). Run: councilqa ingest --repair")
    if not found.ok:
        ctx.exit(1)
