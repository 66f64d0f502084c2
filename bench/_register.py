"""The generated register and the served app that the benchmarks share.

bench/search.py, bench/dashboard.py, bench/load.py and bench/scale.py measure the same
register at different sizes: documents made of sentences of the development corpus
(``../shared/corpus/dev``; a small built-in text when it is absent) with a rare word planted
in one in 200, and activities in the register's shapes — every event type, draft, reviewed
and published as 1:3:6, dates over 2019-2025, 40 countries, an organisation of the UN and
another organisation each (the reference organisations, a few of them far more often than
the rest, as in releases), one to three named people of stated or unstated gender, pillar
links and links to the measures of a plan. One generator here, so their figures are of one
register; and one way to serve the app (``wpstrack serve`` in a child process).

Rows go in by bulk inserts of ``CHUNK`` rows (executemany); the search index is written by
the database's own triggers (:mod:`wpstrack.search_index`), as for any write of the app, so
an entry in the index is exactly what ingestion would leave. ``search_words`` (the Japanese
words, computed in Python when the app writes a row) is empty: the text is English.

Imported as ``from _register import ...`` by scripts that put bench/ on ``sys.path``.
"""

from __future__ import annotations

import os
import random
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import Connection, insert, select, text
from sqlalchemy.engine import make_url

from wpstrack import schema, tallies
from wpstrack.db import make_engine
from wpstrack.extract.model import EVENT_TYPES
from wpstrack.search_index import INDEX_TABLE

CHUNK = 5000
# The GIN index of PostgreSQL's search table, as migration 0011 names and defines it.
VECTOR_INDEX = f"ix_{INDEX_TABLE}_vector"
# PostgreSQL's row triggers that move the public version (migration 0019): each one updates
# the same row, and within one transaction every update leaves a version of it that the next
# must step over, so a bulk load of N published rows costs N² (100k activities: hours). The
# generator turns them off while it writes and moves the version once.
PUBLIC_VERSION_TABLES = ("document", "activity", "activity_participant", "activity_link")
CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "dev"
RARE = "okapi"
FALLBACK = (
    "The Minister met the Special Representative on women, peace and security. "
    "They discussed the participation of women in peace processes and mediation. "
    "Japan will continue to support UN Women and the protection of survivors. "
    "The meeting took place in New York on the margins of the General Assembly. "
    "Both sides agreed to strengthen cooperation on humanitarian assistance."
)
AT = datetime(2026, 1, 1, tzinfo=UTC)
COUNTRIES = [
    *("JP", "US", "GB", "FR", "DE", "KE", "NG", "ET", "SD", "SS", "CD", "ML", "NE", "AF"),
    *("IQ", "SY", "YE", "LB", "JO", "UA", "PH", "ID", "MM", "TL", "KH", "LK", "NP", "BD"),
    *("CO", "GT", "HT", "MX", "BR", "AU", "NZ", "FJ", "PG", "SB", "CH", "AT"),
]
BENCH_PLAN = """
code: BENCH-NAP
country: JP
title: Generated plan for the benchmark
period_start: 2019
period_end: 2025
items:
  - {code: "1", title: Participation, pillar: participation,
     items: [{code: "1.1", title: Women in peace processes}, {code: "1.2", title: Leaders}]}
  - {code: "2", title: Prevention, pillar: prevention, items: [{code: "2.1", title: Early warning}]}
  - {code: "3", title: Protection, pillar: protection, items: [{code: "3.1", title: Survivors}]}
  - {code: "4", title: Relief and recovery, pillar: relief_recovery,
     items: [{code: "4.1", title: Humanitarian aid}]}
indicators:
  - {code: C1, name: Dialogues held, method: computed, baseline_value: 100,
     targets: [{period: "2025", value: 2500}],
     formula: {measure: count_activities, filters: {type: [dialogue, meeting]}}}
  - {code: C2, name: Women among named participants, unit: percent, method: computed,
     baseline_value: 20, targets: [{period: "2025", value: 50}],
     formula: {measure: share_women_named}}
  - {code: C3, name: UN entities engaged, method: computed,
     formula: {measure: distinct_un_entities, period: fiscal_year}}
  - {code: C4, name: Activities under participation, method: computed,
     formula: {measure: count_activities, filters: {plan_item: "1", country: [JP, KE]}}}
  - {code: C5, name: Protection activities with UN Women, method: computed,
     formula: {measure: count_activities, filters: {pillar: protection, organisation: unwomen}}}
"""


# --- documents -----------------------------------------------------------------------------


def sentences() -> list[str]:
    """The sentences of the development corpus (20-400 characters), or the built-in text's."""
    texts = [p.read_text(errors="replace") for p in sorted(CORPUS.glob("*.txt"))] or [FALLBACK]
    found = [s.strip() for t in texts for s in re.split(r"(?<=[.!?])\s+", t)]
    return [s for s in found if 20 <= len(s) <= 400] or [FALLBACK]


def document(i: int, rng: random.Random, pool: list[str]) -> dict[str, Any]:
    """Document ``i``: 8 to 24 sentences of ``pool``, the rare word in one in 200."""
    body = " ".join(rng.choices(pool, k=rng.randrange(8, 25)))
    if i % 200 == 0:
        body += f" The {RARE} programme was mentioned."
    return {
        "id": i,
        "source": f"https://example.org/release/{i}",
        "title": rng.choice(pool)[:120],
        "content_hash": f"{i:064x}",
        "size_bytes": len(body),
        "text": body,
        "status": "ingested",
        "ingested_at": AT,
        "search_words": None,
    }


# --- activities ----------------------------------------------------------------------------


def activity(aid: int, rng: random.Random, doc: dict[str, Any]) -> dict[str, Any]:
    """Activity ``aid`` read from ``doc``: its title, and its text's start as the summary."""
    status = rng.choices(("draft", "reviewed", "published"), (1, 3, 6))[0]
    return {
        "id": aid,
        "document_id": doc["id"],
        "type": rng.choice(EVENT_TYPES),
        "title": doc["title"],
        "summary": doc["text"][:300],
        "status": status,
        "is_published": status == "published",
        "date": date(2019, 1, 1) + timedelta(days=rng.randrange(7 * 365)),
        "country": rng.choice(COUNTRIES),
        "created_at": AT,
        "updated_at": AT,
        "search_words": None,
    }


def people(aid: int, rng: random.Random) -> list[dict[str, Any]]:
    """One to three named people; every row has the same keys (one bulk INSERT)."""
    rows = []
    for k in range(rng.randrange(1, 4)):
        gender = rng.choices(("f", "m", None), (4, 5, 1))[0]
        role = "principal" if k == 0 else "participant"
        rows.append(
            {"activity_id": aid, "organisation_id": None, "name": f"Person {aid}-{k}"}
            | {"gender": gender, "role": role}
        )
    return rows


def links(aid: int, rng: random.Random, pillars: list[str], items: list[int]) -> list[Any]:
    """One or two pillars, and a plan's measure for half of the activities."""
    rows = [
        {"activity_id": aid, "kind": "pillar", "pillar_code": pillar, "plan_item_id": None}
        for pillar in rng.sample(pillars, rng.randrange(1, 3))
    ]
    if items and rng.random() < 0.5:
        rows.append(
            {"activity_id": aid, "kind": "plan_item", "pillar_code": None}
            | {"plan_item_id": rng.choice(items)}
        )
    return rows


def _ids(conn: Connection, table: Any, where: Any = None) -> list[int]:
    stmt = select(table.c.id).order_by(table.c.id)
    return list(conn.execute(stmt if where is None else stmt.where(where)).scalars())


def _weights(n: int) -> list[float]:
    """Zipf-like weights: a few organisations (UN Women, the ministries) appear in most
    releases and the long tail rarely, as in the corpus."""
    return [1 / (rank + 1) for rank in range(n)]


def generate(
    conn: Connection,
    activities: int,
    rng: random.Random,
    documents: int | None = None,
    progress: bool = False,
) -> dict[str, int]:
    """``documents`` documents (default: one per activity) and ``activities`` activities
    with their participants and links, in bulk; activity ``i`` reads document
    ``(i - 1) % documents + 1``. Returns the number of rows per table."""
    documents = activities if documents is None else max(1, documents)
    org = schema.organisation
    un = _ids(conn, org, org.c.type.startswith("un_"))
    others = _ids(conn, org, ~org.c.type.startswith("un_"))
    un_w, others_w = _weights(len(un)), _weights(len(others))
    pillars = list(conn.execute(select(schema.pillar.c.code)).scalars())
    items = _ids(conn, schema.plan_item)
    pool = sentences()
    postgresql = conn.dialect.name == "postgresql"
    if postgresql:  # a GIN index built once is many times faster than one grown row by row
        conn.execute(text(f"DROP INDEX {VECTOR_INDEX}"))
        for table in PUBLIC_VERSION_TABLES:
            conn.execute(text(f"ALTER TABLE {table} DISABLE TRIGGER public_version_{table}"))
    counts = {"documents": 0, "activities": 0, "participants": 0, "links": 0}
    t0 = time.perf_counter()
    for start in range(1, max(documents, activities) + 1, CHUNK):
        stop = min(max(documents, activities), start + CHUNK - 1)
        docs = [document(i, rng, pool) for i in range(start, min(stop, documents) + 1)]
        if docs:
            conn.execute(insert(schema.document), docs)
        acts, parts, found = [], [], []
        for aid in range(start, min(stop, activities) + 1):
            doc_id = (aid - 1) % documents + 1
            doc = docs[doc_id - start] if start <= doc_id <= stop and docs else None
            acts.append(activity(aid, rng, doc or document(doc_id, random.Random(doc_id), pool)))
            for oid in {rng.choices(un, un_w)[0], rng.choices(others, others_w)[0]}:
                parts.append(
                    {"activity_id": aid, "organisation_id": oid, "name": None}
                    | {"gender": None, "role": "participant"}
                )
            parts.extend(people(aid, rng))
            found.extend(links(aid, rng, pillars, items))
        for table, rows in (
            (schema.activity, acts),
            (schema.activity_participant, parts),
            (schema.activity_link, found),
        ):
            if rows:
                conn.execute(insert(table), rows)
        counts["documents"] += len(docs)
        counts["activities"] += len(acts)
        counts["participants"] += len(parts)
        counts["links"] += len(found)
        if progress:
            rate = stop / (time.perf_counter() - t0)
            print(f"generated {stop:,} ({rate:,.0f} rows/s)", file=sys.stderr, flush=True)
    if postgresql:
        for table in PUBLIC_VERSION_TABLES:
            conn.execute(text(f"ALTER TABLE {table} ENABLE TRIGGER public_version_{table}"))
        conn.execute(text("UPDATE public_version SET version = version + 1"))  # the bumps, once
        conn.execute(text("SET LOCAL maintenance_work_mem = '512MB'"))
        conn.execute(text(f"CREATE INDEX {VECTOR_INDEX} ON {INDEX_TABLE} USING gin (vector)"))
        # Explicit ids leave the sequences behind.
        for table in ("document", "activity"):
            conn.execute(
                text(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"(SELECT coalesce(max(id), 1) FROM {table}))"
                )
            )
    tallies.rebuild(conn)  # the register's figures (wpstrack.tallies), at once
    return counts


# --- the database and the server -----------------------------------------------------------


@contextmanager
def database(url: str | None, keep: str | None = None) -> Iterator[str]:
    """A URL of a new empty database: an SQLite file, or a schema dropped afterwards.

    With ``keep`` (an SQLite file's path, or a PostgreSQL schema's name) the database is
    that one, created when missing and left in place afterwards, so that a register of a
    million entries, generated once (about 15 minutes on SQLite, 45 on PostgreSQL), serves
    later runs: the caller migrates it to the code under test.
    """
    if keep is not None:
        if url is None:
            yield f"sqlite:///{Path(keep).resolve()}"
            return
        admin = make_engine(url)
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA IF NOT EXISTS "{keep}"'))
        admin.dispose()
        kept = make_url(url).update_query_dict({"options": f"-csearch_path={keep}"})
        yield kept.render_as_string(hide_password=False)
        return
    if url is None:
        with tempfile.TemporaryDirectory() as tmp:
            yield f"sqlite:///{Path(tmp) / 'bench.db'}"
        return
    name = f"wpstrack_bench_{uuid.uuid4().hex[:10]}"
    admin = make_engine(url)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{name}"'))
    query = {"options": f"-csearch_path={name}"}
    try:
        yield make_url(url).update_query_dict(query).render_as_string(hide_password=False)
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{name}" CASCADE'))
        admin.dispose()


def analyse(url: str) -> None:
    """PostgreSQL: statistics now (autovacuum would take a minute); without them the planner
    takes the status index over the full-text one (seconds a query)."""
    engine = make_engine(url)
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("ANALYZE")
    engine.dispose()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def server(url: str, data_dir: str, workers: int = 1) -> Iterator[tuple[str, int]]:
    """``wpstrack serve`` on a free port of 127.0.0.1, stopped with SIGTERM afterwards;
    yields the base URL and the server's pid. ``data_dir`` holds its session key (a scratch
    folder, not ./data)."""
    port = free_port()
    env = {**os.environ, "WPSTRACK_DATABASE_URL": url, "WPSTRACK_DATA_DIR": data_dir}
    command = [sys.executable, "-m", "wpstrack", "serve", "--port", str(port)]
    if workers > 1:
        command += ["--workers", str(workers)]
    proc = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 300  # workers import the app on a busy machine slowly
        while True:
            try:
                httpx.get(f"{base}/login", timeout=2).raise_for_status()
                break
            except httpx.HTTPError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("the server did not start") from None
                time.sleep(0.3)
        yield base, proc.pid
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()


def percentiles(found: list[float]) -> dict[str, float]:
    """p50 and p95 in milliseconds (an error answer counts at its time: it was waited for)."""
    times = sorted(abs(t) for t in found)
    return {
        "p50_ms": round(statistics.median(times), 1),
        "p95_ms": round(times[max(0, round(0.95 * len(times)) - 1)], 1),
        "n": len(times),
    }
