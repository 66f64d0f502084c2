"""Backup, restore and migrate-to over a generated database.

    python bench/backup.py [--documents 5000] [--postgres URL] [--json]

A temporary SQLite database is migrated, loaded with the reference data (its 34,000 places
are most of a small deployment's rows) and filled with bulk inserts: per document its raw
bytes (4 KB) and text, 20 extracted values, one activity with four participants and four
links, and three audit events. Then it times:

- ``backup``: the whole database, one snapshot, into a ZIP of JSON Lines (rows/s, file size);
- ``restore`` of that file into an empty SQLite database;
- with ``--postgres`` (an empty database or schema, e.g.
  ``postgresql+psycopg://postgres@127.0.0.1:5432/test?options=-csearch_path%3Dbench``):
  ``restore`` into it, and ``migrate-to`` from the SQLite database into it (emptied between).

With ``--json`` it prints one JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, func, insert, select, text

from wpstrack import backup, schema
from wpstrack.db import make_engine, upgrade
from wpstrack.reference.sync import sync_reference

CHUNK = 2000
WORDS = [
    "women",
    "peace",
    "security",
    "mediation",
    "dialogue",
    "protection",
    "participation",
    "ministry",
]


def _text(i: int, n: int) -> str:
    return " ".join(WORDS[(i * 7 + k) % len(WORDS)] for k in range(n))


def generate(conn: Connection, documents: int) -> None:
    """Reference data plus ``documents`` generated documents with their rows."""
    upgrade(conn)
    sync_reference(conn)
    at = datetime(2024, 1, 1, tzinfo=UTC)
    pillars = [r[0] for r in conn.execute(select(schema.pillar.c.code))]
    for start in range(1, documents + 1, CHUNK):
        ids = range(start, min(start + CHUNK, documents + 1))
        conn.execute(insert(schema.document), [_document(i, at) for i in ids])
        conn.execute(
            insert(schema.extraction), [_extraction(i, k, at) for i in ids for k in range(20)]
        )
        conn.execute(insert(schema.activity), [_activity(i, at) for i in ids])
        conn.execute(
            insert(schema.activity_participant),
            [
                {
                    "activity_id": i,
                    "name": f"Person {i}-{k}",
                    "gender": "fm"[k % 2],
                    "role": "participant",
                }
                for i in ids
                for k in range(4)
            ],
        )
        conn.execute(
            insert(schema.activity_link),
            [
                {"activity_id": i, "kind": "pillar", "pillar_code": pillars[k % len(pillars)]}
                for i in ids
                for k in range(4)
            ],
        )
        conn.execute(
            insert(schema.audit_event),
            [
                {
                    "at": at,
                    "actor": "bench",
                    "action": "create",
                    "table_name": "activity",
                    "row_id": str(i),
                    "before": None,
                    "after": {"id": i, "k": k},
                }
                for i in ids
                for k in range(3)
            ],
        )


def _document(i: int, at: datetime) -> dict[str, Any]:
    body = _text(i, 600)
    return {
        "id": i,
        "source": f"bench/{i}.txt",
        "filename": f"{i}.txt",
        "media_type": "text/plain",
        "title": f"Release {i}",
        "content_hash": f"{i:064x}",
        "size_bytes": 4096,
        "raw": os.urandom(4096),
        "text": body,
        "status": "ingested",
        "ingested_at": at,
    }


def _extraction(i: int, k: int, at: datetime) -> dict[str, Any]:
    return {
        "document_id": i,
        "field": f"field{k}",
        "value": {"v": _text(i + k, 3)},
        "start": k,
        "end": k + 10,
        "method": "bench",
        "confidence": 0.9,
        "source": "machine",
        "created_at": at,
    }


def _activity(i: int, at: datetime) -> dict[str, Any]:
    return {
        "id": i,
        "document_id": i,
        "type": "dialogue",
        "title": f"Release {i}",
        "date": date(2024, 1 + i % 12, 1 + i % 28),
        "summary": _text(i, 40),
        "is_published": i % 2 == 0,
        "created_at": at,
        "updated_at": at,
    }


def _rows(engine: Engine) -> int:
    with engine.connect() as conn:
        return sum(
            conn.execute(select(func.count()).select_from(t)).scalar_one()
            for t in schema.metadata.sorted_tables
        )


def _timed(step: Any) -> float:
    began = time.perf_counter()
    step()
    return time.perf_counter() - began


def _empty_postgres(url: str) -> None:
    engine = make_engine(url)
    with engine.begin() as conn:
        names = [
            r[0]
            for r in conn.execute(
                text("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")
            )
        ]
        for name in names:
            conn.execute(text(f'DROP TABLE IF EXISTS "{name}" CASCADE'))
    engine.dispose()


def run(documents: int, postgres: str | None) -> dict[str, Any]:
    tmp = Path(tempfile.mkdtemp(prefix="wpstrack-bench-backup-"))
    source = make_engine(f"sqlite:///{tmp / 'source.db'}")
    began = time.perf_counter()
    with source.begin() as conn:
        generate(conn, documents)
    figures: dict[str, Any] = {"documents": documents, "generate_s": time.perf_counter() - began}
    rows = figures["rows"] = _rows(source)
    file = tmp / "backup.zip"

    def take() -> None:
        with backup.snapshot(source) as conn:
            backup.write_backup(conn, file)

    figures["backup_s"] = _timed(take)
    figures["backup_mb"] = file.stat().st_size / 1e6
    targets = {"sqlite": f"sqlite:///{tmp / 'restored.db'}"}
    if postgres:
        _empty_postgres(postgres)
        targets["postgresql"] = postgres
    for name, url in targets.items():
        engine = make_engine(url)

        def restore(engine: Engine = engine) -> None:
            with backup.writing(engine) as conn:
                backup.restore_file(conn, file)

        figures[f"restore_{name}_s"] = _timed(restore)
        engine.dispose()
    if postgres:
        _empty_postgres(postgres)
        target = make_engine(postgres)

        def migrate() -> None:
            with backup.snapshot(source) as src, backup.writing(target) as dst:
                backup.copy_database(src, dst)

        figures["migrate_to_postgresql_s"] = _timed(migrate)
        target.dispose()
        _empty_postgres(postgres)
    for key in [k for k in figures if k.endswith("_s") and k != "generate_s"]:
        figures[key[:-2] + "_rows_per_s"] = rows / figures[key]
    figures["load_average"] = os.getloadavg()[0]
    source.dispose()
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=5000)
    parser.add_argument("--postgres", help="URL of an empty PostgreSQL database or schema")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    figures = run(args.documents, args.postgres)
    if args.json:
        print(json.dumps(figures, indent=2))
        return
    for key, value in figures.items():
        print(f"{key:32} {value:,.2f}" if isinstance(value, float) else f"{key:32} {value:,}")


if __name__ == "__main__":
    main()
