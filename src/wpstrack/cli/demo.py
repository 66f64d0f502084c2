"""``wpstrack demo``: what ``make run`` does, as domain calls rather than shell glue."""

from __future__ import annotations

from pathlib import Path

import typer

from wpstrack.cli.common import console, load_settings


def demo_cli(
    corpus: Path | None = typer.Option(
        None,
        "--corpus",
        exists=True,
        file_okay=False,
        help="Folder of releases to ingest (default: ../shared/corpus/dev when present, "
        "else the sample shipped with wpstrack).",
    ),
    serve: bool = typer.Option(True, "--serve/--no-serve", help="Serve the app afterwards."),
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on."),
    port: int = typer.Option(8000, "--port", help="Port to listen on."),
) -> None:
    """Prepare a database to explore and serve it.

    Loads the reference data and the example plans that are absent, ingests the sample
    corpus, reviews and publishes (as the user 'demo', in the audit log) the releases it has
    just ingested whose title, date and type were read confidently, leaves the rest in the
    review queue, creates an administrator with a random password printed once (only when
    there is no administrator yet), then serves http://HOST:PORT. Safe to run again: it
    never changes a plan, a value or a record that is already there.
    """
    from wpstrack import demo, example
    from wpstrack.db import migrated_engine, transaction
    from wpstrack.ingest import INGESTED, Summary, batched, ingest_batch

    settings = load_settings()
    engine = migrated_engine(settings)
    folder = corpus or demo.sample_corpus()
    summary = Summary()
    new_documents: list[int] = []
    with transaction(engine) as conn:
        loaded = demo.load_reference(conn)
    if loaded.plan:
        console.print(
            f"Fictional example plan {example.PLAN} loaded: {loaded.values} indicator values "
            f"({loaded.approved} approved) for {', '.join(loaded.periods)} and "
            f"{loaded.contributions} contributions (as 'demo')."
        )
    for batch in batched(demo.sample_files(folder), max(1, settings.ingest_batch_size)):
        with transaction(engine) as conn:
            limit = settings.max_document_bytes
            for outcome in ingest_batch(conn, batch, max_bytes=limit, actor=demo.DEMO_ACTOR):
                summary.add(outcome)
                if outcome.status == INGESTED and outcome.document_id is not None:
                    new_documents.append(outcome.document_id)
    with transaction(engine) as conn:
        published = demo.review_and_publish(conn, new_documents)
        admin = demo.ensure_admin(conn)
    counts = summary.as_dict()
    console.print(
        f"Corpus {folder}: {counts['ingested']} ingested, {counts['already_present']} already "
        f"present, {counts['rejected']} rejected.",
        soft_wrap=True,  # a long corpus path must not split the counts across lines
    )
    if new_documents:
        console.print(
            f"Reviewed and published {len(published)} of the {len(new_documents)} new releases "
            "(as 'demo'); the rest wait in the review queue."
        )
    if admin is not None:
        console.print(
            f"Administrator [bold]{admin[0]}[/bold], password (shown once): {admin[1]}",
            soft_wrap=True,  # the password must come out whole, to copy
        )
    else:
        console.print("An administrator already exists; its password is unchanged.")
    engine.dispose()
    if serve:
        from wpstrack.cli.users import DEFAULT_SHUTDOWN_TIMEOUT, serve_cli

        serve_cli(host=host, port=port, shutdown_timeout=DEFAULT_SHUTDOWN_TIMEOUT)


def register(app: typer.Typer) -> None:
    """Add ``demo`` to the top-level app."""
    app.command("demo")(demo_cli)
