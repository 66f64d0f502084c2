"""Search, dashboard, lists and the 3W page over a generated register of N documents.

    python bench/scale.py --docs N [--database-url URL] [--clients 10] [--requests 20]
                          [--ingest-docs 300] [--workers 1,2] [--json]

Issue 12's measure of whether the register stays fast as it grows. A new database (a
temporary SQLite file, or a fresh schema of the PostgreSQL database ``--database-url``
names, dropped afterwards) is migrated, loaded with the reference data and a plan, then
filled by the generator the other benchmarks share (``bench/_register.py``): ``--docs``
documents of sentences of the development corpus and one activity each, with their
organisations, people and links, in bulk (the triggers index them as for any write). The
app is then served by ``wpstrack serve`` in a child process and each case is timed over
HTTP as an anonymous visitor (the dashboard also with a viewer's token):

- search (``/api/v1/search``) for a common term, a rare one, a phrase and an organisation;
- the dashboard (``/api/v1/dashboard`` and the HTML ``/``);
- the activity list (``/activities``) and the API list (``/api/v1/activities``) at page 1
  and page 50 (the cursor reached by following ``next_cursor`` 49 times from page 1, untimed;
  the request for page 50 is timed);
- the 3W page (``/matrix`` and ``/api/v1/matrix``).

Sequentially, every request follows a committed write to a published activity (from
another connection, as a reviewer's edit): the figures the app keeps until a write are then
stale, so each request is what the first visitor after an edit waits for, not a copy. Then
``--clients`` threads send every case in turn ``--rounds`` times while a writer commits such
an edit every ``--write-every`` seconds; errors are answers other than 200 and failed
connections.

Last, ingestion: ``bench/ingest.py --docs --ingest-docs --workers W`` for each W of
``--workers`` (a subprocess each; against a fresh schema on PostgreSQL), whose documents/s
and peak RSS are reported as they are.

Printed: p50/p95 per case, and per group the worst p95 (``search_p95_ms``,
``dashboard_p95_ms``, ``list_p95_ms``, ``matrix_p95_ms``), for one client and for
``--clients``; errors; ``ingest_docs_per_s``, ``workers``, ``peak_rss_mb``. ``--json`` prints
one JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import func, select, update
from sqlalchemy.exc import OperationalError

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _register import BENCH_PLAN, RARE, analyse, database, generate, percentiles, server
from wpstrack import plans, schema, users
from wpstrack.db import make_engine, transaction, upgrade
from wpstrack.reference.sync import sync_reference

# Case -> (group, path, as the viewer); page 50's cursors are filled in once found.
CASES: dict[str, tuple[str, str, bool]] = {
    "search_common": ("search", "/api/v1/search?q=women", False),
    "search_rare": ("search", f"/api/v1/search?q={RARE}", False),
    "search_phrase": ("search", "/api/v1/search?q=peace+and+security", False),
    "search_organisation": ("search", "/api/v1/search?q=UN+Women", False),
    "dashboard_api": ("dashboard", "/api/v1/dashboard", False),
    "dashboard_api_viewer": ("dashboard", "/api/v1/dashboard", True),
    "dashboard_page": ("dashboard", "/", False),
    "list_page_1": ("list", "/activities", False),
    "list_page_50": ("list", "/activities?cursor={cursor}", False),
    "api_list_page_1": ("list", "/api/v1/activities", False),
    "api_list_page_50": ("list", "/api/v1/activities?cursor={cursor}", False),
    "matrix_page": ("matrix", "/matrix", False),
    "matrix_api": ("matrix", "/api/v1/matrix", False),
}
GROUPS = ("search", "dashboard", "list", "matrix")
BENCH = Path(__file__).resolve().parent


def fill(url: str, n: int, progress: bool) -> tuple[str, dict[str, int], float]:
    """Migrate and fill the database; the viewer's token, rows per table, seconds.

    A database kept from an earlier run (``--keep``) that already holds ``n`` activities is
    only migrated to the code under test (the migrations build what it adds) and given a
    new token; the seconds are then the migration's.
    """
    engine = make_engine(url)
    t0 = time.perf_counter()
    with engine.begin() as conn:
        upgrade(conn)
        kept = _generated(conn) >= n
        if kept:
            token = users.create_token(conn, "bench", "bench", actor=None)[1]
            sizes = {
                name: conn.execute(select(func.count()).select_from(table)).scalar_one()
                for name, table in (
                    ("documents", schema.document),
                    ("activities", schema.activity),
                    ("participants", schema.activity_participant),
                    ("links", schema.activity_link),
                )
            }
    if kept:  # analysed once committed: ANALYZE waits for the migration's locks
        engine.dispose()
        analyse(url)
        return token, sizes, time.perf_counter() - t0
    with engine.begin() as conn:
        sync_reference(conn)
        plans.save_plan(conn, plans.parse_plan(BENCH_PLAN.encode(), "bench", "yaml"))
        users.add_user(conn, users.user_in("bench", "viewer", "bench password 123"), None)
        token = users.create_token(conn, "bench", "bench", actor=None)[1]
        sizes = generate(conn, n, random.Random(1325), progress=progress)
    engine.dispose()
    analyse(url)
    return token, sizes, time.perf_counter() - t0


def _generated(conn: Any) -> int:
    """Activities already in the database (0 in a new one)."""
    return int(conn.execute(select(func.count()).select_from(schema.activity)).scalar_one())


class Editor:
    """Commits an edit of a published activity from its own connection, as a reviewer."""

    def __init__(self, url: str) -> None:
        self.engine = make_engine(url)
        act = schema.activity
        with self.engine.connect() as conn:
            first = select(func.min(act.c.id)).where(act.c.is_published.is_(True))
            self.target = conn.execute(first).scalar_one()
        self.n = 0

    def write(self) -> None:
        self.n += 1
        act = schema.activity
        with transaction(self.engine) as conn:  # as the app writes: what it does at commit too
            conn.execute(
                update(act).where(act.c.id == self.target).values(title=f"Edited {self.n}")
            )


def _page_50(client: httpx.Client) -> tuple[str, int]:
    """The cursor of page 50 of the API list (``next_cursor`` followed 49 times), and its
    page number: the last page's, in a register too small for 50 pages of published ones."""
    cursor, page = "", 1
    while page < 50:
        found = client.get("/api/v1/activities", params={"cursor": cursor} if cursor else {})
        found.raise_for_status()
        following = found.json()["next_cursor"]
        if following is None:
            break
        cursor, page = following, page + 1
    return cursor, page


def _get(client: httpx.Client, path: str, headers: dict[str, str]) -> float:
    """Milliseconds to the whole answer; negative when it was an error."""
    t0 = time.perf_counter()
    try:
        ok = client.get(path, headers=headers).status_code == 200
    except httpx.HTTPError:
        ok = False
    ms = (time.perf_counter() - t0) * 1000
    return ms if ok else -ms


def _cases(
    cursor: str, token: str, groups: list[str]
) -> dict[str, tuple[str, str, dict[str, str]]]:
    bearer = {"Authorization": f"Bearer {token}"}
    return {
        name: (group, path.format(cursor=cursor), bearer if viewer else {})
        for name, (group, path, viewer) in CASES.items()
        if group in groups
    }


def sequential(
    client: httpx.Client, cases: dict[str, Any], editor: Editor, n: int, progress: bool
) -> dict[str, Any]:
    out = {}
    for name, (_group, path, headers) in cases.items():
        if progress:
            print(f"timing {name}", file=sys.stderr, flush=True)
        _get(client, path, headers)  # warm-up: templates, first plans
        times = []
        for _ in range(n):
            editor.write()
            times.append(_get(client, path, headers))
        out[name] = percentiles(times) | {"errors": sum(t < 0 for t in times)}
    return out


def concurrent(base: str, cases: dict[str, Any], url: str, args: argparse.Namespace) -> Any:
    times: dict[str, list[float]] = {name: [] for name in cases}
    lock = threading.Lock()

    def client_loop(k: int) -> None:
        names = list(cases)
        with httpx.Client(base_url=base, timeout=300) as client:
            for r in range(args.rounds):
                for j in range(len(names)):
                    name = names[(j + k + r) % len(names)]
                    ms = _get(client, cases[name][1], cases[name][2])
                    with lock:
                        times[name].append(ms)

    stop, writes = threading.Event(), {"committed": 0, "refused": 0}

    def writer() -> None:
        editor = Editor(url)
        while not stop.wait(args.write_every):
            try:
                editor.write()
                writes["committed"] += 1
            except OperationalError:  # locked out (SQLite): a reviewer would try again
                writes["refused"] += 1
        editor.engine.dispose()

    pen = threading.Thread(target=writer)
    pen.start()
    t0 = time.perf_counter()
    with ThreadPoolExecutor(args.clients) as pool:
        list(pool.map(client_loop, range(args.clients)))
    elapsed = time.perf_counter() - t0
    stop.set()
    pen.join()
    total = sum(len(t) for t in times.values())
    per_case = {
        name: percentiles(t) | {"errors": sum(ms < 0 for ms in t)} for name, t in times.items()
    }
    return {
        "clients": args.clients,
        "requests": total,
        "requests_per_s": round(total / elapsed, 1),
        "errors": sum(c["errors"] for c in per_case.values()),
        "writes_committed": writes["committed"],
        "writes_refused": writes["refused"],
        "cases": per_case,
    }


def _worst(cases: dict[str, Any]) -> dict[str, float]:
    found = {CASES[k][0] for k in cases}
    return {
        f"{group}_p95_ms": max(v["p95_ms"] for k, v in cases.items() if CASES[k][0] == group)
        for group in GROUPS
        if group in found
    }


def ingest(url: str | None, docs: int, workers: int) -> dict[str, Any]:
    """bench/ingest.py as it is, in a subprocess (it pins itself to a core with one worker)."""
    with database(url) as target:
        command = [sys.executable, str(BENCH / "ingest.py"), "--docs", str(docs)]
        command += ["--workers", str(workers), "--json"]
        if url is not None:
            command += ["--database-url", target]
        found = subprocess.run(command, capture_output=True, text=True, check=True)
    return dict(json.loads(found.stdout.strip().splitlines()[-1]))


def run(args: argparse.Namespace) -> dict[str, Any]:
    load = os.getloadavg()
    keep = args.keep
    with database(args.database_url, keep) as url, tempfile.TemporaryDirectory() as data:
        token, sizes, generate_s = fill(url, args.docs, args.progress)
        backend = make_engine(url).dialect.name
        editor = Editor(url)
        with server(url, data) as (base, _pid):
            with httpx.Client(base_url=base, timeout=300) as client:
                cursor, deepest = _page_50(client)
                cases = _cases(cursor, token, args.only)
                one = sequential(client, cases, editor, args.requests, args.progress)
            if args.progress:
                print(f"{args.clients} clients", file=sys.stderr, flush=True)
            many = concurrent(base, cases, url, args)
        editor.engine.dispose()
    if args.progress:
        print("ingestion", file=sys.stderr, flush=True)
    ingestion = [ingest(args.database_url, args.ingest_docs, w) for w in args.workers]
    best = max(ingestion, key=lambda r: r["docs_per_s"]) if ingestion else None
    result: dict[str, Any] = {
        "backend": backend,
        "docs": args.docs,
        **sizes,
        "generate_s": round(generate_s, 1),
        "generate_rows_per_s": round(args.docs / generate_s, 1),
        "list_deep_page": deepest,
        **_worst(one),
        "sequential": one,
        "concurrent_clients": args.clients,
        "concurrent_errors": many["errors"],
        **{f"concurrent_{k}": v for k, v in _worst(many["cases"]).items()},
        "concurrent": many,
        "ingest_docs_per_s": best["docs_per_s"] if best else None,
        "workers": best["workers"] if best else None,
        "peak_rss_mb": best["peak_rss_mb"] if best else None,
        "ingest": ingestion,
        "load_at_start": [round(x, 2) for x in load],
        "load_at_end": [round(x, 2) for x in os.getloadavg()],
        "python": platform.python_version(),
    }
    return result


def _workers(value: str) -> list[int]:
    return [int(w) for w in value.split(",") if w.strip()]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--docs", type=int, default=100_000, help="documents and activities")
    parser.add_argument("--database-url", help="a PostgreSQL database (default: a temp SQLite)")
    parser.add_argument("--clients", type=int, default=10)
    parser.add_argument("--requests", type=int, default=20, help="sequential, per case")
    parser.add_argument("--rounds", type=int, default=2, help="concurrent, per client")
    parser.add_argument("--write-every", type=float, default=0.5, help="seconds between edits")
    parser.add_argument("--ingest-docs", type=int, default=300, help="bench/ingest.py --docs")
    parser.add_argument(
        "--workers", type=_workers, default=[1, 2], help="ingestion workers, e.g. 1,2 ('' none)"
    )
    parser.add_argument(
        "--only",
        type=lambda v: v.split(","),
        default=list(GROUPS),
        help=f"groups of cases to time (default: {','.join(GROUPS)})",
    )
    parser.add_argument(
        "--keep",
        metavar="PATH|SCHEMA",
        help="keep the register in this SQLite file (or PostgreSQL schema) and reuse it if full",
    )
    parser.add_argument("--progress", action="store_true", help="generation rate on stderr")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args(argv)
    result = run(args)
    if args.json:
        print(json.dumps(result))
        return
    for phase, cases in (("sequential", result["sequential"]), ("10 clients", None)):
        cases = cases or result["concurrent"]["cases"]
        for name, v in cases.items():
            print(f"{phase:10} {name:22} p50 {v['p50_ms']:9.1f}  p95 {v['p95_ms']:9.1f} ms")
    for key, value in result.items():
        if not isinstance(value, dict | list):
            print(f"{key:>28}: {value}")


if __name__ == "__main__":
    main()
