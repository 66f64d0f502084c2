"""Dashboard, indicator API and annual report over a generated register of 100,000 entries.

    python bench/dashboard.py [--activities 100000] [--requests 40] [--pdf] [--json]

A temporary SQLite database is migrated, loaded with the reference data and the example
plans, then filled by the benchmarks' generator (``bench/_register.py``): documents (one
per ten entries), activities of every type and status over 2019-2025 in 40 countries, three
to five participants each (UN entities, ministries, named people of stated or unstated
gender), pillar links and links to the measures of a generated plan that carries computed
indicators. The web application is
then called in-process (FastAPI's TestClient, so HTTP parsing is included but not the
network) and the latency of each request is recorded:

- ``/api/v1/dashboard`` as an anonymous visitor (published entries), again with a commit
  from another connection before each request (so the figures the app keeps until the
  database changes are computed afresh every time), and with a token;
- ``/api/v1/indicators/BENCH-NAP`` (overview) and ``/api/v1/indicators/BENCH-NAP/C1`` (series);
- ``/api/v1/matrix`` filtered to one pillar and year.

It also times ``indicators refresh`` (every computed indicator rebuilt) and the annual
report for one year: ``build_report`` plus HTML and Markdown, and PDF with ``--pdf``.
With ``--json`` it prints one JSON object.
"""

from __future__ import annotations

import argparse
import json
import platform
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, func, select, update

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _register import BENCH_PLAN, generate
from wpstrack import indicators, plans, schema, users
from wpstrack.db import make_engine, upgrade
from wpstrack.reference.sync import sync_reference
from wpstrack.settings import Settings


def _timed(
    client: Any,
    path: str,
    headers: dict[str, str],
    n: int,
    before: Callable[[], object] | None = None,
) -> dict[str, float]:
    """p50 and p95 of ``n`` requests; ``before`` runs untimed ahead of each one."""
    client.get(path, headers=headers).raise_for_status()  # warm-up (caches, first compile)
    times = []
    for _ in range(n):
        if before is not None:
            before()
        t0 = time.perf_counter()
        client.get(path, headers=headers).raise_for_status()
        times.append((time.perf_counter() - t0) * 1000)
    times.sort()
    return {
        "p50_ms": round(statistics.median(times), 1),
        "p95_ms": round(times[max(0, round(0.95 * len(times)) - 1)], 1),
    }


def _report_seconds(conn: Connection, pdf: bool) -> dict[str, float]:
    from wpstrack.reports import build_report, render

    t0 = time.perf_counter()
    report = build_report(conn, "BENCH-NAP", "2024")
    render(report, "html")
    render(report, "md")
    out = {"report_s": round(time.perf_counter() - t0, 2)}
    if pdf:
        t1 = time.perf_counter()
        render(report, "pdf")
        out["report_pdf_s"] = round(time.perf_counter() - t1, 2)
    return out


def _prepare(url: str, n: int) -> tuple[str, dict[str, int], float]:
    """A migrated database with reference data, plans, a viewer token and ``n`` entries."""
    engine = make_engine(url)
    t0 = time.perf_counter()
    with engine.begin() as conn:
        upgrade(conn)
        sync_reference(conn)
        plans.load_examples(conn)
        plans.save_plan(conn, plans.parse_plan(BENCH_PLAN.encode(), "bench", "yaml"))
        users.add_user(conn, users.user_in("bench", "viewer", "bench password 123"), None)
        token = users.create_token(conn, "bench", "bench", actor=None)[1]
        sizes = generate(conn, n, random.Random(1325), documents=n // 10)
    engine.dispose()
    return token, sizes, time.perf_counter() - t0


def _requests(url: str, token: str, requests: int) -> dict[str, dict[str, float]]:
    from fastapi.testclient import TestClient

    from wpstrack.web import create_app

    # The session key file goes next to the scratch database, not into ./data.
    data_dir = Path(url.split("///", 1)[1]).parent
    client = TestClient(create_app(Settings(_env_file=None, database_url=url, data_dir=data_dir)))
    bearer = {"Authorization": f"Bearer {token}"}
    matrix = "/api/v1/matrix?pillar=protection&year_from=2024&year_to=2024"
    writer = make_engine(url)

    def commit_a_write() -> None:
        """A commit from another connection, as a reviewer's edit would be: the public
        dashboard's kept figures are then stale and computed again on the next request."""
        act = schema.activity
        with writer.begin() as conn:  # a published one: the public's figures then move
            first = select(func.min(act.c.id)).where(act.c.is_published.is_(True))
            conn.execute(update(act).where(act.c.id == first.scalar_subquery()).values(title="x"))

    with client:
        return {
            "dashboard_public": _timed(client, "/api/v1/dashboard", {}, requests),
            "dashboard_public_after_write": _timed(
                client, "/api/v1/dashboard", {}, requests, before=commit_a_write
            ),
            "dashboard_user": _timed(client, "/api/v1/dashboard", bearer, requests),
            "indicators": _timed(client, "/api/v1/indicators/BENCH-NAP", {}, requests),
            "indicator_series": _timed(client, "/api/v1/indicators/BENCH-NAP/C1", {}, requests),
            "matrix": _timed(client, matrix, bearer, requests),
        }


def run(n: int, requests: int, pdf: bool) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'bench.db'}"
        token, sizes, generate_s = _prepare(url, n)
        engine = make_engine(url)
        with engine.begin() as conn:
            t1 = time.perf_counter()
            indicators.refresh(conn, "BENCH-NAP")
            refresh_s = time.perf_counter() - t1
        timings = _requests(url, token, requests)
        with engine.connect() as conn:
            report = _report_seconds(conn, pdf)
        engine.dispose()
    p95 = {name: t["p95_ms"] for name, t in timings.items()}
    return {
        **sizes,
        "dashboard_p95_ms": max(
            p95["dashboard_public"], p95["dashboard_public_after_write"], p95["dashboard_user"]
        ),
        "indicators_p95_ms": max(p95["indicators"], p95["indicator_series"]),
        **report,
        "refresh_s": round(refresh_s, 2),
        "generate_s": round(generate_s, 1),
        "requests_each": requests,
        "timings": timings,
        "python": platform.python_version(),
        "machine": platform.machine(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--activities", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=40, help="timed requests per endpoint")
    parser.add_argument("--pdf", action="store_true", help="also time the PDF rendering")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args()
    result = run(args.activities, args.requests, args.pdf)
    if args.json:
        sys.stdout.write(json.dumps(result) + "\n")
        return
    for key, value in result.items():
        print(f"{key:>20}: {value}")


if __name__ == "__main__":
    main()
