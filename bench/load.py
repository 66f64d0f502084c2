"""Concurrent clients against a real server, with writers uploading meanwhile.

    python bench/load.py [--clients 30] [--writers 1] [--workers 1] [--documents 10000]
                         [--requests 40] [--duration 60] [--database-url postgresql+psycopg://...]
                         [--json]

A temporary database (an SQLite file, or a fresh schema in the PostgreSQL database that
``--database-url`` names, dropped afterwards) is migrated and filled with the benchmarks'
generator (``bench/_register.py``): ``--documents`` documents of sentences of the
development corpus and one activity each, with their participants and links.
``wpstrack serve --workers N`` then runs in a subprocess on 127.0.0.1 and ``--clients``
threads each send ``--requests`` requests (or stop at ``--duration`` seconds), cycling
through the dashboard, the search page, the activity list, the API activity list and the
API search, as anonymous visitors. ``--writers`` more threads (default one) upload
releases (the development corpus, each made unique by a line, or generated text) through
the API as an editor all along. Printed per endpoint: requests, errors (status codes),
requests/s, p50/p95/p99 in milliseconds; ``--json`` prints one JSON object.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import random
import statistics
import sys
import tempfile
import threading
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy.engine import make_url

sys.path.insert(0, str(Path(__file__).parent))
from _register import BENCH_PLAN, database, generate, server
from wpstrack import plans, schema, users
from wpstrack.db import make_engine, upgrade
from wpstrack.reference.sync import sync_reference

CORPORA = (
    Path(__file__).resolve().parents[2] / "shared" / "corpus" / "dev",
    Path("..") / "shared" / "corpus" / "dev",
)
TOPICS = (
    "peacekeeping",
    "sexual violence in conflict",
    "mediation",
    "humanitarian assistance",
    "women's participation",
    "early warning",
    "reconstruction",
    "refugees",
)
QUERIES = ("peacekeeping", "mediation", "refugees", "women participation", "Kenya")
ENDPOINTS = {
    "dashboard": lambda rng: "/",
    "search_page": lambda rng: f"/search?q={rng.choice(QUERIES)}",
    "activity_list": lambda rng: "/activities",
    "api_activities": lambda rng: "/api/v1/activities?limit=50",
    "api_search": lambda rng: f"/api/v1/search?q={rng.choice(QUERIES)}",
}
EDITOR_PASSWORD = "load bench password 123"


def fill(url: str, n: int) -> tuple[str, float]:
    """Migrate and fill the database; returns the editor's token and the seconds it took."""
    t0 = time.perf_counter()
    engine = make_engine(url)
    with engine.begin() as conn:
        upgrade(conn)
        sync_reference(conn)
        plans.load_examples(conn)
        plans.save_plan(conn, plans.parse_plan(BENCH_PLAN.encode(), "bench", "yaml"))
        users.add_user(conn, users.user_in("loader", "editor", EDITOR_PASSWORD), None)
        token = users.create_token(conn, "loader", "load bench", actor=None)[1]
        generate(conn, n, random.Random(1325))  # n activities and n documents
    engine.dispose()
    return token, time.perf_counter() - t0


def _releases() -> list[bytes]:
    corpus = next((c for c in CORPORA if c.is_dir()), None)
    files = sorted(corpus.glob("*.txt")) if corpus else []
    texts = [p.read_bytes() for p in files if p.stat().st_size > 0]
    return texts or [
        f"On 3 May 2024 the Minister met UN Women in Geneva on {t}.\n".encode() for t in TOPICS
    ]


class Recorder:
    """Latencies and error codes per endpoint, from many threads."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.times: dict[str, list[float]] = {}
        self.errors: dict[str, Counter[str]] = {}

    def add(self, name: str, ms: float, error: str | None) -> None:
        with self.lock:
            self.times.setdefault(name, []).append(ms)
            counter = self.errors.setdefault(name, Counter())
            if error is not None:
                counter[error] += 1

    def summary(self, seconds: float) -> dict[str, Any]:
        out = {}
        for name, times in sorted(self.times.items()):
            ordered = sorted(times)

            def pct(p: float, ordered: list[float] = ordered) -> float:
                return round(ordered[min(len(ordered) - 1, int(p * len(ordered)))], 1)

            out[name] = {
                "requests": len(ordered),
                "errors": sum(self.errors[name].values()),
                "error_codes": dict(self.errors[name]),
                "per_s": round(len(ordered) / seconds, 1),
                "p50_ms": round(statistics.median(ordered), 1),
                "p95_ms": pct(0.95),
                "p99_ms": pct(0.99),
            }
        return out


def _call(client: httpx.Client, method: str, path: str, **kwargs: Any) -> str | None:
    try:
        response = client.request(method, path, **kwargs)
    except httpx.HTTPError as exc:
        return type(exc).__name__
    return None if response.status_code < 400 else str(response.status_code)


def reader(base: str, seed: int, requests: int, stop: float, rec: Recorder) -> None:
    rng = random.Random(seed)
    names = list(ENDPOINTS)
    with httpx.Client(base_url=base, timeout=60) as client:
        for i in range(requests):
            if time.monotonic() > stop:
                return
            name = names[(seed + i) % len(names)]
            t0 = time.perf_counter()
            error = _call(client, "GET", ENDPOINTS[name](rng))
            rec.add(name, (time.perf_counter() - t0) * 1000, error)


def writer(base: str, token: str, seed: int, done: threading.Event, rec: Recorder) -> None:
    """Upload releases one by one (each made unique) until the readers are done."""
    releases = _releases()
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=base, timeout=120, headers=headers) as client:
        n = 0
        while not done.is_set():
            body = releases[n % len(releases)] + f"\n(load bench copy {seed}-{n})\n".encode()
            files = [("files", (f"load-{n}.txt", body, "text/plain"))]
            t0 = time.perf_counter()
            error = _call(client, "POST", "/api/v1/documents", files=files)
            rec.add("upload (writer)", (time.perf_counter() - t0) * 1000, error)
            n += 1


def _cpu_seconds(pid: int) -> float:
    """User and system CPU time of the server and its worker processes so far."""
    total, tick = 0.0, os.sysconf("SC_CLK_TCK")
    pids = [pid]
    for task in Path(f"/proc/{pid}/task").iterdir():
        pids += [int(c) for c in (task / "children").read_text().split()]
    for p in pids:
        with contextlib.suppress(OSError):
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / tick
    return total


def _touch(url: str) -> None:
    """Commit a write from another connection, as an ingesting writer does."""
    engine = make_engine(url)
    with engine.begin() as conn:
        conn.execute(
            schema.activity.update()
            .where(schema.activity.c.id == 1)
            .values(updated_at=datetime.now(UTC))
        )
    engine.dispose()


def sequential(base: str, pid: int, token: str, url: str, n: int) -> dict[str, Any]:
    """Each read endpoint ``n`` times in a row, no other load from this script: wall p50/p95
    and the server's CPU milliseconds per request (what a request costs, which the machine's
    load from other jobs hardly changes). Also the dashboard after a write, and with a token."""
    auth = {"Authorization": f"Bearer {token}"}
    cases: dict[str, tuple[str, dict[str, str], bool]] = {
        name: (path(random.Random(7)), {}, False) for name, path in ENDPOINTS.items()
    }
    cases["api_dashboard"] = ("/api/v1/dashboard", {}, False)
    cases["api_dashboard (token)"] = ("/api/v1/dashboard", auth, False)
    cases["api_dashboard after a write"] = ("/api/v1/dashboard", {}, True)
    cases["api_dashboard after a write (token)"] = ("/api/v1/dashboard", auth, True)
    out: dict[str, Any] = {}
    if n <= 0:
        return out
    with httpx.Client(base_url=base, timeout=60) as client:
        for name, (path, headers, write) in cases.items():
            times, cpu = [], 0.0
            for _ in range(n):
                if write:
                    _touch(url)
                c0, t0 = _cpu_seconds(pid), time.perf_counter()
                client.get(path, headers=headers).raise_for_status()
                times.append((time.perf_counter() - t0) * 1000)
                cpu += _cpu_seconds(pid) - c0
            times.sort()
            out[name] = {
                "p50_ms": round(statistics.median(times), 1),
                "p95_ms": round(times[min(n - 1, int(0.95 * n))], 1),
                "cpu_ms": round(cpu / n * 1000, 1),
            }
    return out


def warm_up(base: str, workers: int) -> None:
    """Every path the readers ask for, a few times per server process, before the clock
    starts: the figures are to be those of a running server, not of its first requests,
    which compute each kept search, facet and figure once while the others queue."""
    paths = {path(random.Random(0)) for path in ENDPOINTS.values()}
    paths |= {f"/search?q={q}" for q in QUERIES} | {f"/api/v1/search?q={q}" for q in QUERIES}
    for _ in range(3 * workers):  # a connection each: the processes take turns accepting
        for path in sorted(paths):
            httpx.get(base + path, timeout=120).raise_for_status()


def run(args: argparse.Namespace) -> dict[str, Any]:
    load = os.getloadavg()[0]
    with database(args.database_url) as url, tempfile.TemporaryDirectory() as data:
        token, fill_s = fill(url, args.documents)
        with server(url, data, args.workers) as (base, pid):
            warm_up(base, args.workers)
            one_by_one = sequential(base, pid, token, url, args.sequential)
            rec, done = Recorder(), threading.Event()
            stop = time.monotonic() + args.duration
            pens = [
                threading.Thread(target=writer, args=(base, token, n, done, rec))
                for n in range(args.writers)
            ]
            clients = [
                threading.Thread(target=reader, args=(base, n, args.requests, stop, rec))
                for n in range(args.clients)
            ]
            t0 = time.perf_counter()
            for thread in pens:
                thread.start()
            for thread in clients:
                thread.start()
            for thread in clients:
                thread.join()
            seconds = time.perf_counter() - t0
            done.set()
            for thread in pens:
                thread.join()
    endpoints = rec.summary(seconds)
    reads = [v for k, v in endpoints.items() if k in ENDPOINTS]
    return {
        "backend": make_url(url).get_backend_name(),
        "documents": args.documents,
        "activities": args.documents,
        "clients": args.clients,
        "writers": args.writers,
        "workers": args.workers,
        "seconds": round(seconds, 1),
        "fill_s": round(fill_s, 1),
        "read_requests": sum(v["requests"] for v in reads),
        "read_per_s": round(sum(v["requests"] for v in reads) / seconds, 1),
        "errors": sum(v["errors"] for v in endpoints.values()),
        "endpoints": endpoints,
        "sequential": one_by_one,
        "load_before": round(load, 2),
        "load_after": round(os.getloadavg()[0], 2),
        "python": platform.python_version(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=30)
    parser.add_argument("--writers", type=int, default=1, help="threads uploading meanwhile")
    parser.add_argument("--workers", type=int, default=1, help="server processes (serve --workers)")
    parser.add_argument("--documents", type=int, default=10_000, help="documents and activities")
    parser.add_argument("--requests", type=int, default=40, help="requests per client at most")
    parser.add_argument("--duration", type=float, default=60, help="seconds at most")
    parser.add_argument("--database-url", help="a PostgreSQL database (default: SQLite)")
    parser.add_argument(
        "--sequential",
        type=int,
        default=30,
        help="requests per endpoint one at a time before the load (0: none)",
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args()
    result = run(args)
    if args.json:
        sys.stdout.write(json.dumps(result) + "\n")
        return
    for key, value in result.items():
        if key not in ("endpoints", "sequential"):
            print(f"{key:>14}: {value}")
    print(f"\n{'one at a time':<38}{'p50':>8}{'p95':>8}{'CPU ms':>8}")
    for name, e in result["sequential"].items():
        print(f"{name:<38}{e['p50_ms']:>8}{e['p95_ms']:>8}{e['cpu_ms']:>8}")
    print(f"\n{'endpoint':<16}{'req':>6}{'err':>5}{'req/s':>8}{'p50':>9}{'p95':>9}{'p99':>9}")
    for name, e in result["endpoints"].items():
        print(
            f"{name:<16}{e['requests']:>6}{e['errors']:>5}{e['per_s']:>8}"
            f"{e['p50_ms']:>9}{e['p95_ms']:>9}{e['p99_ms']:>9}  {e['error_codes'] or ''}"
        )


if __name__ == "__main__":
    main()
