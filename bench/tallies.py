"""The register-wide figures from the tallies against the register queries, in CPU time.

    python bench/tallies.py --docs N [--database-url URL] [--repeat 3] [--json]

A new database (a temporary SQLite file, or a fresh schema of ``--database-url``) is filled
by ``bench/_register.py``'s generator (N activities), then, in this process, for the
public and for a logged-in user: the unfiltered dashboard's figures, the 3W matrix and the
activity list's facets, each read from the tallies (``wpstrack.tallies``) and counted from
the register (the tallies switched off), median CPU seconds of ``--repeat`` runs
(``time.process_time``: on SQLite the queries run in this process; on PostgreSQL the
server's CPU is not in it, so compare SQLite runs). Checks that both give the same figures.
Last, the refresh's cost: CPU of a committed edit of one published activity's date, with
and without the refresh, and of the generation's one-pass build (``tallies.rebuild``).
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, func, select, update

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _register import database, generate
from wpstrack import dashboard, facets, matrix, schema, tallies
from wpstrack.activities import ActivityFilter
from wpstrack.db import make_engine, transaction, upgrade
from wpstrack.reference.sync import sync_reference

READERS: dict[str, Callable[[Connection, bool], Any]] = {
    "dashboard": lambda conn, public: dashboard._figures(conn, public, dashboard.Filters()),
    "matrix": lambda conn, public: matrix.matrix(conn, public=public),
    "facets": lambda conn, public: facets._facets(conn, ActivityFilter(), public).facets,
}


def cpu(run: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    """Median CPU seconds of ``repeat`` runs, and the last run's value."""
    times, value = [], None
    for _ in range(repeat):
        t0 = time.process_time()
        value = run()
        times.append(time.process_time() - t0)
    return statistics.median(times), value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, default=10_000)
    parser.add_argument("--database-url")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    out: dict[str, Any] = {"docs": args.docs}
    with database(args.database_url) as url:
        engine = make_engine(url)
        with engine.begin() as conn:
            upgrade(conn)
            sync_reference(conn)
            t0 = time.process_time()
            generate(conn, args.docs, random.Random(1325))
            out["generate_with_build_cpu_s"] = round(time.process_time() - t0, 2)
        with engine.begin() as conn:
            out["rebuild_cpu_s"] = round(cpu(lambda: tallies.rebuild(conn), 1)[0], 2)
        out["backend"] = engine.dialect.name
        with engine.connect() as conn:
            assert tallies.current(conn)
            for name, read in READERS.items():
                for public in (True, False):
                    case = f"{name}_{'public' if public else 'logged_in'}"
                    tallied_s, tallied = cpu(lambda: read(conn, public), args.repeat)  # noqa: B023
                    real = tallies.current
                    tallies.current = lambda _conn: False  # type: ignore[assignment]
                    try:
                        counted_s, counted = cpu(lambda: read(conn, public), args.repeat)  # noqa: B023
                    finally:
                        tallies.current = real  # type: ignore[assignment]
                    out[case] = {
                        "tallies_cpu_ms": round(tallied_s * 1000, 1),
                        "register_cpu_ms": round(counted_s * 1000, 1),
                        "same": tallied == counted,
                    }
        act = schema.activity
        with engine.connect() as conn:
            top = conn.execute(select(func.max(act.c.id)).where(act.c.is_published)).scalar_one()

        def edit(day: int) -> None:
            with transaction(engine) as conn:
                conn.execute(update(act).where(act.c.id == top).values(date=date(2024, 1, day)))

        days = iter(range(1, 29))
        with_refresh = cpu(lambda: edit(next(days)), args.repeat * 3)[0]
        real_refresh = tallies.refresh
        tallies.refresh = lambda _conn: None  # type: ignore[assignment]
        try:
            without = cpu(lambda: edit(next(days)), args.repeat * 3)[0]
        finally:
            tallies.refresh = real_refresh  # type: ignore[assignment]
        out["edit_cpu_ms"] = {
            "with_refresh": round(with_refresh * 1000, 2),
            "without_refresh": round(without * 1000, 2),
        }
        engine.dispose()
    if args.json:
        print(json.dumps(out))
    else:
        for key, value in out.items():
            print(f"{key}: {value}")


if __name__ == "__main__":
    main()
