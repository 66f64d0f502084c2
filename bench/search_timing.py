"""Search latency in one process over a kept database: the same register for two versions
of the code, so "before" and "after" are timed on identical data and load.

    python bench/search_timing.py generate DB [--docs 100000] [--japanese 0.2]
    python bench/search_timing.py time DB [--repeat 20] [--queries en|ja|all] [--facets]
                                   [--json]

``generate`` builds the register of ``bench/search.py`` (documents from the development
corpus, a share of them Japanese, one activity each) into the SQLite file ``DB``. ``time``
calls ``wpstrack.search.search`` for each query ``--repeat`` times (after one warm-up call),
anonymous (``public=True``) and as staff, and prints p50 and p95 in milliseconds. It uses
only ``search.search``, so it runs unchanged with the ``wpstrack`` of an older commit on
``PYTHONPATH`` (English queries: that code cannot search Japanese). ``--facets`` also
times ``wpstrack.facets.facets`` (the counts beside the results) for each query and for
the unfiltered activity list.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ENGLISH = {"common": "women", "rare": "okapi", "phrase": "peace and security"}
JAPANESE = {
    "ja_common": "女性",
    "ja_rare": "オカピ",
    "ja_name": "上川外務大臣",
    "ja_roman": "Kamikawa",
}


def generate(path: str, docs: int, japanese: float) -> None:
    sys.path.insert(0, str(Path(__file__).parent))
    import search as bench_search  # bench/search.py
    from wpstrack.db import make_engine, upgrade
    from wpstrack.reference.sync import sync_reference

    engine = make_engine(f"sqlite:///{path}")
    with engine.begin() as conn:
        upgrade(conn)
        sync_reference(conn)
        bench_search.generate(conn, docs, random.Random(1325), japanese)
    engine.dispose()


def _p(times: list[float]) -> dict[str, float]:
    ordered = sorted(times)
    return {
        "p50_ms": round(statistics.median(ordered), 1),
        "p95_ms": round(ordered[max(0, round(0.95 * len(ordered)) - 1)], 1),
    }


def _timed(repeat: int, call: Any) -> tuple[dict[str, float], Any]:
    first = call()  # warm-up
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        call()
        times.append((time.perf_counter() - t0) * 1000)
    return _p(times), first


def timing(
    path: str, repeat: int, queries: dict[str, str], with_facets: bool = False
) -> dict[str, Any]:
    from wpstrack import search
    from wpstrack.db import make_engine

    engine = make_engine(f"sqlite:///{path}")
    out: dict[str, Any] = {}
    with engine.connect() as conn:
        for who, public in (("anonymous", True), ("staff", False)):
            for name, q in queries.items():
                figures, hits = _timed(
                    repeat, lambda q=q, p=public: search.search(conn, q, public=p)
                )
                out[f"{who}_{name}"] = figures | {"hits": len(hits)}
            if with_facets:
                from wpstrack import facets
                from wpstrack.activities import ActivityFilter

                for name, q in [*queries.items(), ("no_query", None)]:
                    figures, found = _timed(
                        repeat,
                        lambda q=q, p=public: facets.facets(
                            conn, ActivityFilter(q=q), public_only=p
                        ),
                    )
                    out[f"{who}_facets_{name}"] = figures | {"hits": found.counted}
    engine.dispose()
    return out | {"load_1min": os.getloadavg()[0]}


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("action", choices=["generate", "time"])
    parser.add_argument("db")
    parser.add_argument("--docs", type=int, default=100_000)
    parser.add_argument("--japanese", type=float, default=0.2)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--queries", choices=["en", "ja", "all"], default="all")
    parser.add_argument("--facets", action="store_true", help="time the facet counts too")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    if args.action == "generate":
        t0 = time.perf_counter()
        generate(args.db, args.docs, args.japanese)
        print(f"generated {args.docs} documents in {time.perf_counter() - t0:.0f} s")
        return
    chosen = {"en": ENGLISH, "ja": JAPANESE, "all": ENGLISH | JAPANESE}[args.queries]
    result = timing(args.db, args.repeat, chosen, args.facets)
    if args.json:
        print(json.dumps(result, indent=2, ensure_ascii=False))
        return
    for key, value in result.items():
        if isinstance(value, dict):
            print(
                f"{key:22} p50 {value['p50_ms']:8.1f} ms  p95 {value['p95_ms']:8.1f} ms"
                f"  hits {value['hits']}"
            )
    print(f"load (1 min) {result['load_1min']}")


if __name__ == "__main__":
    main()
