"""``wpstrack ingest | load``: files into the database, extracted by workers, or via Parquet."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import typer
from rich.table import Table

from wpstrack.cli.common import (
    actor,
    as_option,
    console,
    err_console,
    fail,
    load_settings,
    print_json,
)

_PUBLISHER = typer.Option(
    None,
    "--publisher",
    help="Publisher of documents whose own metadata names none (cited in reports).",
)
_JSON = typer.Option(False, "--json", help="Print the summary as JSON.")


def ingest_cli(
    paths: list[Path] = typer.Argument(..., exists=True, help="Files or folders to ingest."),
    publisher: str | None = _PUBLISHER,
    workers: int | None = typer.Option(
        None,
        "--workers",
        min=1,
        help="Processes that extract (default: WPSTRACK_INGEST_WORKERS, 1 = this process).",
    ),
    scheduler: str | None = typer.Option(
        None,
        "--scheduler",
        help="Extract on the Dask distributed cluster of this scheduler (tcp://host:8786).",
    ),
    to_parquet: Path | None = typer.Option(
        None,
        "--to-parquet",
        file_okay=False,
        help="Write the extraction results as Parquet partitions in this folder instead of "
        "the database (then: wpstrack load DIR).",
    ),
    as_json: bool = _JSON,
    as_user: str | None = as_option(),
) -> None:
    """Ingest files and folders: store each document, extract it, create an activity draft.

    Files are read and extracted by workers (--workers N processes, or a Dask cluster with
    --scheduler) and written by this process in batches, one transaction per batch. Content
    already stored is found by its hash before it is extracted, so a rerun after a crash
    resumes where the last committed batch left off. The same bytes again are reported as
    already present; unreadable files are recorded as rejected with their reason and the
    run goes on. Exits non-zero only when nothing could be ingested.

    In a folder, only releases are taken (.txt, .html, .pdf, .docx, or content that is
    HTML, PDF or Word); data files beside them (gold.jsonl, .csv, images) are skipped and
    listed in the summary. A file named on the command line is always read.

    A publisher named in a document's own metadata (a web page's Dublin Core, JSON-LD or
    site name, a PDF's XMP) is kept: --publisher is said once for the whole run, and a
    joint statement or a partner's page in the folder must keep its own. Documents
    already present keep what they have.
    """
    from wpstrack.ingest import iter_files
    from wpstrack.ingest_run import extracted, make_extractor
    from wpstrack.limits import ReadLimits

    if workers is not None and scheduler is not None:
        raise fail("give --workers or --scheduler, not both", 2)
    if to_parquet is not None and publisher is not None:
        raise fail("--publisher is given when loading: wpstrack load DIR --publisher NAME", 2)
    settings = load_settings()
    limits = ReadLimits.from_settings(settings)
    skipped: list[Any] = []
    total = sum(1 for _ in iter_files(paths))
    files = iter_files(paths, skipped)
    extractor = make_extractor(workers or settings.ingest_workers, scheduler)
    try:
        with _progress(total, as_json) as advance:
            if to_parquet is not None:
                from wpstrack.ingest_parquet import write_partitions, written_or_seen

                stream = extracted(files, extractor, limits, written_or_seen(to_parquet))
                summary = write_partitions(to_parquet, stream, advance=advance)
            else:
                summary = _ingest_into_database(
                    settings, files, extractor, limits, publisher, as_user, advance
                )
    finally:
        extractor.close()
    for outcome in skipped:
        summary.add(outcome)
    _report(summary, as_json)


def _ingest_into_database(
    settings: Any,
    files: Iterator[Path],
    extractor: Any,
    limits: Any,
    publisher: str | None,
    as_user: str | None,
    advance: Callable[[int], None],
) -> Any:
    from wpstrack.db import migrated_engine, setup_transaction
    from wpstrack.ingest_run import ingest_files
    from wpstrack.reference.sync import sync_reference

    engine = migrated_engine(settings)
    try:
        with setup_transaction(engine) as conn:  # another run may be loading it too
            who = actor(conn, as_user)
            _ensure_reference(conn, lambda c: sync_reference(c, who))
        return ingest_files(
            engine,
            files,
            extractor,
            limits=limits,
            batch_size=settings.ingest_batch_size,
            publisher=publisher,
            actor=who,
            advance=advance,
        )
    finally:
        engine.dispose()


def load_cli(
    folder: Path = typer.Argument(
        ..., exists=True, file_okay=False, help="Folder written by ingest --to-parquet."
    ),
    publisher: str | None = _PUBLISHER,
    as_json: bool = _JSON,
    as_user: str | None = as_option(),
) -> None:
    """Load the Parquet partitions of ``wpstrack ingest --to-parquet`` into the database.

    The same writer as a direct ingest: each content once by its hash (loading a folder
    twice, or again after a crash, adds nothing twice), rejections recorded with their
    reason, an activity draft per document, one transaction per batch.
    """
    from wpstrack.db import migrated_engine, setup_transaction
    from wpstrack.ingest_parquet import count_rows, load_folder
    from wpstrack.reference.sync import sync_reference

    settings = load_settings()
    total = count_rows(folder)
    if total == 0:
        raise fail(f"{folder} holds no Parquet partitions (part-*.parquet)", 2)
    engine = migrated_engine(settings)
    try:
        with setup_transaction(engine) as conn:
            who = actor(conn, as_user)
            _ensure_reference(conn, lambda c: sync_reference(c, who))
        with _progress(total, as_json, "loading") as advance:
            summary = load_folder(
                engine,
                folder,
                batch_size=settings.ingest_batch_size,
                publisher=publisher,
                actor=who,
                advance=advance,
            )
    finally:
        engine.dispose()
    _report(summary, as_json)


@contextmanager
def _progress(total: int, quiet: bool, label: str = "ingesting") -> Iterator[Callable[[int], None]]:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    columns = (TextColumn(label), BarColumn(), MofNCompleteColumn())
    with Progress(*columns, console=err_console, disable=quiet) as progress:
        task = progress.add_task(label, total=total)
        yield lambda done: progress.advance(task, done)


def _report(summary: Any, as_json: bool) -> None:
    result = summary.as_dict()
    if as_json:
        print_json(result)
    else:
        _print_summary(result)
    if summary.ingested == 0 and summary.duplicates == 0:
        raise typer.Exit(1)


def _ensure_reference(conn: Any, sync: Any) -> None:
    """Load the reference data into a database that never had it (as ``wpstrack init``)."""
    from sqlalchemy import func, select

    from wpstrack import schema

    if not conn.execute(select(func.count()).select_from(schema.pillar)).scalar_one():
        sync(conn)


def _print_summary(result: dict[str, Any]) -> None:
    table = Table("outcome", "files", title="Ingestion")
    table.add_row("ingested", str(result["ingested"]))
    table.add_row("already present", str(result["already_present"]))
    table.add_row("rejected", str(result["rejected"]))
    table.add_row("skipped (not releases)", str(result["skipped"]))
    for reason, count in result["rejected_by_reason"].items():
        table.add_row(f"  rejected: {reason}", str(count))
    console.print(table)
    if result["rejected_files"]:
        rejected = Table("file", "reason", title="Rejected files")
        for item in result["rejected_files"]:
            rejected.add_row(item["path"], f"{item['reason']}: {item['detail']}")
        console.print(rejected)
    if result["skipped_files"]:
        skipped = Table("file", "why", title="Skipped (not releases)")
        for item in result["skipped_files"]:
            skipped.add_row(item["path"], item["detail"])
        console.print(skipped)
