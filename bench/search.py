"""Search latency over a generated register, anonymous and logged in, alone and under load.

    python bench/search.py [--docs 10000] [--japanese 0.2] [--clients 30] [--requests 30]
                           [--json]

A temporary SQLite database (or a fresh schema of the PostgreSQL database ``--database-url``
names, dropped afterwards) is migrated, loaded with the reference data, then filled by the
benchmarks' generator (``bench/_register.py``) with ``--docs`` documents made of sentences
drawn from the development corpus (``../shared/corpus/dev``; a small built-in text when it
is absent) and one activity per document (draft, reviewed and published as 1:3:6, with
organisations, people and links). A rare word is planted in one document in 200. With
``--japanese`` a share of the documents is Japanese instead, made of sentences of the
Japanese releases in ``tests/data/search`` (a rare word, オカピ, in one in 200 of them); their
``search_words`` are those of their sentences, each cut once by
``wpstrack.search_index.text_words`` (the analyser over every generated document would take
longer than the benchmark). The web application is then served by ``wpstrack serve`` in a
child process on 127.0.0.1, and ``/api/v1/search`` is timed for three queries — a common term, a
rare term and a phrase — and, with Japanese documents, for three Japanese ones (a common
word, a rare word and a name that is also searched romanised), as an anonymous visitor and
with a viewer's token:

- sequentially (one client, ``--requests`` requests per query), the same search repeated
  (answered from the answer kept until a publication, ``wpstrack.db.kept_until_write``) and,
  as ``*_fresh``, each request after a publication (the index query itself);
- with ``--clients`` concurrent clients (threads, each sending every query in turn), while
  one writer commits a new document and its activity every ``--write-every`` seconds, as an
  ingestion would.

Figures are milliseconds, p50 and p95 per query and caller; ``--json`` prints one object.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import re
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import Connection, Engine, insert, text
from sqlalchemy.exc import OperationalError

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _register as register
from _register import AT, RARE, activity, document, percentiles, sentences
from wpstrack import schema, search_index, users
from wpstrack.db import make_engine, upgrade
from wpstrack.reference.sync import sync_reference

QUERIES = {"common": "women", "rare": RARE, "phrase": "peace and security"}
RARE_JA = "オカピ"
QUERIES_JA = {"ja_common": "女性", "ja_rare": RARE_JA, "ja_name": "上川外務大臣"}
JA_CORPUS = Path(__file__).resolve().parents[1] / "tests" / "data" / "search"
CHUNK = 2000


def _japanese_sentences() -> list[tuple[str, str]]:
    """Sentences of the Japanese test releases, each with its index words."""
    texts = [p.read_text(encoding="utf-8") for p in sorted(JA_CORPUS.glob("ja-*.txt"))]
    found = {s.strip() + "。" for t in texts for s in re.split(r"[。\n]", t) if len(s) >= 15}
    found.add(f"{RARE_JA}の保護計画について説明がありました。")
    return [(s, search_index.text_words(s)) for s in sorted(found)]


def _japanese_document(
    i: int, rng: random.Random, sentences: list[tuple[str, str]], rare: bool
) -> dict[str, Any]:
    picked = [s for s in rng.choices(sentences, k=rng.randrange(8, 25)) if RARE_JA not in s[0]]
    if rare:
        picked.append(next(s for s in sentences if RARE_JA in s[0]))
    title = picked[0]
    return {
        "id": i,
        "source": f"https://example.org/release/{i}",
        "title": title[0][:120],
        "content_hash": f"{i:064x}",
        "size_bytes": len("".join(s for s, _ in picked).encode()),
        "text": "".join(s for s, _ in picked),
        "search_words": " ".join([title[1], *(w for _, w in picked)]),
        "status": "ingested",
        "ingested_at": AT,
        # The activity's summary: the first three sentences, so its words are theirs.
        "_summary": picked[:3],
    }


def _activity(i: int, rng: random.Random, doc: dict[str, Any]) -> dict[str, Any]:
    """The shared generator's activity; a Japanese one's summary is whole sentences, and its
    words are theirs."""
    row = activity(i, rng, doc)
    summary = doc.get("_summary")
    if summary:
        row["summary"] = "".join(s for s, _ in summary)[:300]
        row["search_words"] = " ".join(
            [search_index.text_words(doc["title"]), *(w for _, w in summary)]
        )
    return row


def generate(conn: Connection, n: int, rng: random.Random, japanese: float = 0.0) -> None:
    """``n`` documents and one activity each, in bulk (the search triggers index them): the
    shared generator's (bench/_register.py), then a share ``japanese`` of them Japanese."""
    japanese_n = round(n * japanese)
    register.generate(conn, n - japanese_n, rng)
    if not japanese_n:
        return
    sentences_ja = _japanese_sentences()
    for start in range(n - japanese_n + 1, n + 1, CHUNK):
        docs = [
            _japanese_document(i, rng, sentences_ja, rare=i % 200 == 0)
            for i in range(start, min(n, start + CHUNK - 1) + 1)
        ]
        conn.execute(insert(schema.document), [_stored(d) for d in docs])
        conn.execute(insert(schema.activity), [_activity(d["id"], rng, d) for d in docs])


def _stored(document: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in document.items() if not k.startswith("_")}


def _get(client: httpx.Client, q: str, headers: dict[str, str]) -> float:
    """Milliseconds to the answer; negative when the answer was an error (counted apart)."""
    t0 = time.perf_counter()
    response = client.get("/api/v1/search", params={"q": q}, headers=headers)
    ms = (time.perf_counter() - t0) * 1000
    return ms if response.status_code == 200 else -ms


def _publication(engine: Engine) -> None:
    """What a publication does to kept searches: move the public version (migration 0019),
    in a commit of its own, so the next search is computed afresh for every caller."""
    with engine.begin() as conn:
        conn.execute(text("UPDATE public_version SET version = version + 1"))


def _sequential(
    base: str, url: str, callers: dict[str, dict[str, str]], n: int, queries: dict[str, str]
) -> dict[str, Any]:
    """Per query and caller: the same search repeated (answered from the kept answer), and
    ``{key}_fresh``: each one after a publication (nothing kept, the index query itself)."""
    out: dict[str, Any] = {}
    engine = make_engine(url)
    with httpx.Client(base_url=base, timeout=60) as client:
        for who, headers in callers.items():
            for name, q in queries.items():
                _get(client, q, headers)  # warm-up
                times = [_get(client, q, headers) for _ in range(n)]
                out[f"{who}_{name}"] = percentiles(times) | {"errors": sum(t < 0 for t in times)}
                fresh = []
                for _ in range(n):
                    _publication(engine)
                    fresh.append(_get(client, q, headers))
                out[f"{who}_{name}_fresh"] = percentiles(fresh) | {
                    "errors": sum(t < 0 for t in fresh)
                }
    engine.dispose()
    return out


def _writer(url: str, stop: threading.Event, every: float, first_id: int) -> tuple[int, int]:
    """Commit a document and its activity every ``every`` seconds until ``stop``."""
    engine = make_engine(url)
    rng, pool, i = random.Random(7), sentences(), first_id
    failed = 0
    while not stop.wait(every):
        doc = document(i, rng, pool)
        try:
            with engine.begin() as conn:
                conn.execute(insert(schema.document), [doc])
                conn.execute(insert(schema.activity), [activity(i, rng, doc)])
        except OperationalError:  # locked out (SQLite): an ingestion would try again later
            failed += 1
            continue
        i += 1
    engine.dispose()
    return i - first_id, failed


def _concurrent(
    base: str, url: str, callers: dict[str, dict[str, str]], args: argparse.Namespace
) -> dict[str, Any]:
    queries = _queries(args)
    times: dict[str, list[float]] = {f"{who}_{name}": [] for who in callers for name in queries}
    lock = threading.Lock()

    def client_loop(k: int) -> None:
        who = list(callers)[k % len(callers)]
        with httpx.Client(base_url=base, timeout=120) as client:
            for _ in range(args.rounds):
                for name, q in queries.items():
                    ms = _get(client, q, callers[who])
                    with lock:
                        times[f"{who}_{name}"].append(ms)

    stop = threading.Event()
    writes: list[tuple[int, int]] = []
    writer = threading.Thread(
        target=lambda: writes.append(_writer(url, stop, args.write_every, args.docs + 1))
    )
    writer.start()
    t0 = time.perf_counter()
    with ThreadPoolExecutor(args.clients) as pool:
        list(pool.map(client_loop, range(args.clients)))
    elapsed = time.perf_counter() - t0
    stop.set()
    writer.join()
    total = sum(len(t) for t in times.values())
    return {
        "clients": args.clients,
        "requests": total,
        "requests_per_s": round(total / elapsed, 1),
        "writes_committed": writes[0][0] if writes else 0,
        "writes_refused": writes[0][1] if writes else 0,
        "errors": sum(1 for t in times.values() for ms in t if ms < 0),
        **{key: percentiles(t) | {"errors": sum(ms < 0 for ms in t)} for key, t in times.items()},
    }


def _queries(args: argparse.Namespace) -> dict[str, str]:
    return QUERIES | (QUERIES_JA if args.japanese else {})


def run(args: argparse.Namespace) -> dict[str, Any]:
    load = os.getloadavg()[0]
    with register.database(args.database_url) as url, tempfile.TemporaryDirectory() as tmp:
        engine = make_engine(url)
        t0 = time.perf_counter()
        with engine.begin() as conn:
            upgrade(conn)
            sync_reference(conn)
            users.add_user(conn, users.user_in("bench", "viewer", "bench password 123"), None)
            token = users.create_token(conn, "bench", "bench", actor=None)[1]
            generate(conn, args.docs, random.Random(1325), args.japanese)
        engine.dispose()
        register.analyse(url)
        generate_s = time.perf_counter() - t0
        with register.server(url, tmp) as (base, _pid):
            callers = {"anonymous": {}, "viewer": {"Authorization": f"Bearer {token}"}}
            sequential = _sequential(base, url, callers, args.requests, _queries(args))
            concurrent = _concurrent(base, url, callers, args)
    worst = max(v["p95_ms"] for k, v in concurrent.items() if isinstance(v, dict))
    return {
        "docs": args.docs,
        "activities": args.docs,
        "queries": _queries(args),
        "japanese_share": args.japanese,
        "generate_s": round(generate_s, 1),
        "sequential": sequential,
        "concurrent": concurrent,
        "concurrent_worst_p95_ms": worst,
        "load_1min_at_start": load,
        "load_1min_at_end": os.getloadavg()[0],
        "python": platform.python_version(),
        "backend": make_engine(url).dialect.name,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--docs", type=int, default=10_000)
    parser.add_argument("--japanese", type=float, default=0.0, help="share of Japanese docs")
    parser.add_argument("--clients", type=int, default=30)
    parser.add_argument("--requests", type=int, default=30, help="sequential, per query")
    parser.add_argument("--rounds", type=int, default=3, help="concurrent, per client")
    parser.add_argument("--write-every", type=float, default=0.5, help="seconds between writes")
    parser.add_argument("--database-url", help="a PostgreSQL database (default: a temp SQLite)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    result = run(args)
    if args.json:
        print(json.dumps(result, indent=2))
        return
    for phase in ("sequential", "concurrent"):
        for key, value in result[phase].items():
            if isinstance(value, dict):
                print(
                    f"{phase:10} {key:20} p50 {value['p50_ms']:8.1f} ms"
                    f"  p95 {value['p95_ms']:8.1f} ms"
                )
    print(
        f"concurrent: {result['concurrent']['requests_per_s']} requests/s, "
        f"worst p95 {result['concurrent_worst_p95_ms']} ms"
    )


if __name__ == "__main__":
    main()
