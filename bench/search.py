"""Search latency over a generated register, anonymous and logged in, alone and under load.

    python bench/search.py [--docs 10000] [--japanese 0.2] [--clients 30] [--requests 30]
                           [--json]

A temporary SQLite database (or ``--database-url``, e.g. an empty PostgreSQL schema) is
migrated, loaded with the reference data, then filled with ``--docs`` documents made of
sentences drawn from the development corpus (``../shared/corpus/dev``; a small built-in
vocabulary when it is absent) and one activity per document (draft, reviewed and published
as 1:3:6, as bench/dashboard.py). A rare word is planted in one document in 200. With
``--japanese`` a share of the documents is Japanese instead, made of sentences of the
Japanese releases in ``tests/data/search`` (a rare word, オカピ, in one in 200 of them); their
``search_words`` are those of their sentences, each cut once by
``wpstrack.search_index.text_words`` (the analyser over every generated document would take
longer than the benchmark). The web application is then served by uvicorn in a child
process on 127.0.0.1, and ``/api/v1/search`` is timed for three queries — a common term, a
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
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import Connection, Engine, insert, text
from sqlalchemy.exc import OperationalError

from wpstrack import schema, search_index, users
from wpstrack.db import make_engine, upgrade
from wpstrack.reference.sync import sync_reference

CHUNK = 2000
CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "dev"
RARE = "okapi"
QUERIES = {"common": "women", "rare": RARE, "phrase": "peace and security"}
RARE_JA = "オカピ"
QUERIES_JA = {"ja_common": "女性", "ja_rare": RARE_JA, "ja_name": "上川外務大臣"}
JA_CORPUS = Path(__file__).resolve().parents[1] / "tests" / "data" / "search"
FALLBACK = (
    "The Minister met the Special Representative on women, peace and security. "
    "They discussed the participation of women in peace processes and mediation. "
    "Japan will continue to support UN Women and the protection of survivors. "
    "The meeting took place in New York on the margins of the General Assembly. "
    "Both sides agreed to strengthen cooperation on humanitarian assistance."
)
AT = datetime(2026, 1, 1, tzinfo=UTC)


def _sentences() -> list[str]:
    texts = [p.read_text(errors="replace") for p in sorted(CORPUS.glob("*.txt"))] or [FALLBACK]
    found = [s.strip() for t in texts for s in re.split(r"(?<=[.!?])\s+", t)]
    return [s for s in found if 20 <= len(s) <= 400] or [FALLBACK]


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


def _document(i: int, rng: random.Random, sentences: list[str]) -> dict[str, Any]:
    body = " ".join(rng.choices(sentences, k=rng.randrange(8, 25)))
    if i % 200 == 0:
        body += f" The {RARE} programme was mentioned."
    return {
        "id": i,
        "source": f"https://example.org/release/{i}",
        "title": rng.choice(sentences)[:120],
        "content_hash": f"{i:064x}",
        "size_bytes": len(body),
        "text": body,
        "status": "ingested",
        "ingested_at": AT,
    }


def _activity(i: int, rng: random.Random, document: dict[str, Any]) -> dict[str, Any]:
    status = rng.choices(("draft", "reviewed", "published"), (1, 3, 6))[0]
    summary = document.get("_summary")
    words: dict[str, Any] = {"search_words": None}
    if summary:  # Japanese: the summary is whole sentences, and its words are theirs
        document = document | {"text": "".join(s for s, _ in summary)}
        words["search_words"] = " ".join(
            [search_index.text_words(document["title"]), *(w for _, w in summary)]
        )
    return words | {
        "id": i,
        "document_id": i,
        "type": "meeting",
        "title": document["title"],
        "summary": document["text"][:300],
        "status": status,
        "is_published": status == "published",
        "date": date(2019, 1, 1) + timedelta(days=rng.randrange(7 * 365)),
        "created_at": AT,
        "updated_at": AT,
    }


def generate(conn: Connection, n: int, rng: random.Random, japanese: float = 0.0) -> None:
    """``n`` documents and one activity each, in bulk (the search triggers index them); a
    share ``japanese`` of them Japanese."""
    sentences = _sentences()
    sentences_ja = _japanese_sentences() if japanese else []
    every = round(1 / japanese) if japanese else 0
    for start in range(1, n + 1, CHUNK):
        docs = [
            _japanese_document(i, rng, sentences_ja, rare=(i // every) % 200 == 0)
            if every and i % every == 1
            else _document(i, rng, sentences) | {"search_words": None}
            for i in range(start, min(n, start + CHUNK - 1) + 1)
        ]
        activities = [_activity(d["id"], rng, d) for d in docs]
        conn.execute(insert(schema.document), [_stored(d) for d in docs])
        conn.execute(insert(schema.activity), activities)


def _stored(document: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in document.items() if not k.startswith("_")}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


SERVER = """
import sys, uvicorn
from wpstrack.settings import Settings
from wpstrack.web import create_app
settings = Settings(_env_file=None, database_url=sys.argv[1], data_dir=sys.argv[3])
app = create_app(settings)
uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[2]), log_level="warning")
"""


def _serve(url: str, port: int, data_dir: str) -> subprocess.Popen[bytes]:
    # The data dir holds the server's session key: a scratch one, not ./data.
    command = [sys.executable, "-c", SERVER, url, str(port), data_dir]
    server = subprocess.Popen(command, env=os.environ)
    for _ in range(1200):  # a loaded machine takes its time to import the app
        if server.poll() is not None:
            break
        try:
            httpx.get(f"http://127.0.0.1:{port}/api/v1/search?q=x", timeout=1)
            return server
        except httpx.TransportError:
            time.sleep(0.1)
    server.kill()
    raise SystemExit("the server did not start")


def _stop(server: subprocess.Popen[bytes]) -> None:
    server.terminate()
    try:
        server.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.kill()


def _percentiles(found: list[float]) -> dict[str, float]:
    """p50 and p95 of the answers (an error answer counts at its time: it was waited for)."""
    times = sorted(abs(t) for t in found)
    return {
        "p50_ms": round(statistics.median(times), 1),
        "p95_ms": round(times[max(0, round(0.95 * len(times)) - 1)], 1),
        "n": len(times),
    }


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
                out[f"{who}_{name}"] = _percentiles(times) | {"errors": sum(t < 0 for t in times)}
                fresh = []
                for _ in range(n):
                    _publication(engine)
                    fresh.append(_get(client, q, headers))
                out[f"{who}_{name}_fresh"] = _percentiles(fresh) | {
                    "errors": sum(t < 0 for t in fresh)
                }
    engine.dispose()
    return out


def _writer(url: str, stop: threading.Event, every: float, first_id: int) -> tuple[int, int]:
    """Commit a document and its activity every ``every`` seconds until ``stop``."""
    engine = make_engine(url)
    rng, sentences, i = random.Random(7), _sentences(), first_id
    failed = 0
    while not stop.wait(every):
        doc = _document(i, rng, sentences)
        try:
            with engine.begin() as conn:
                conn.execute(insert(schema.document), [doc])
                conn.execute(insert(schema.activity), [_activity(i, rng, doc)])
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
        **{key: _percentiles(t) | {"errors": sum(ms < 0 for ms in t)} for key, t in times.items()},
    }


def _queries(args: argparse.Namespace) -> dict[str, str]:
    return QUERIES | (QUERIES_JA if args.japanese else {})


def run(args: argparse.Namespace) -> dict[str, Any]:
    load = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{Path(tmp) / 'bench.db'}"
        engine = make_engine(url)
        t0 = time.perf_counter()
        with engine.begin() as conn:
            upgrade(conn)
            sync_reference(conn)
            users.add_user(conn, users.user_in("bench", "viewer", "bench password 123"), None)
            token = users.create_token(conn, "bench", "bench", actor=None)[1]
            generate(conn, args.docs, random.Random(1325), args.japanese)
        if engine.dialect.name == "postgresql":
            # Autovacuum analyses a table this changed within a minute; without statistics
            # the planner takes the status index over the full-text one (seconds a query).
            with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.exec_driver_sql("ANALYZE")
        engine.dispose()
        generate_s = time.perf_counter() - t0
        port = _free_port()
        server = _serve(url, port, tmp)
        try:
            base = f"http://127.0.0.1:{port}"
            callers = {"anonymous": {}, "viewer": {"Authorization": f"Bearer {token}"}}
            sequential = _sequential(base, url, callers, args.requests, _queries(args))
            concurrent = _concurrent(base, url, callers, args)
        finally:
            _stop(server)
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
    parser.add_argument("--database-url", help="an empty database instead of a temp SQLite")
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
