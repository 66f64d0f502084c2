"""Ingestion throughput and memory: ``wpstrack ingest`` over 20,000 files into a temp SQLite.

    python bench/ingest.py [--docs 20000] [--workers N] [--database-url URL] [--corpus DIR] [--json]

Writes ``--docs`` files into a temporary folder (the readable development documents,
repeated, each with a distinct closing line so that every file has its own content hash;
the n-th repetition has its years moved n years on, so that the copies are releases of
other days and not format copies of each other, which the writer would merge: a cost a real
corpus pays for the few releases published in several formats, not for every file;
``--format-copies`` keeps the years, the shape of this benchmark's earlier figures;
``--per-day N`` writes N releases of each date, one after another, each with a paragraph of
its own so that none is a near copy of another, as in a corpus of many governments' releases,
where each new release is compared with the others of its day),
then runs the real ``wpstrack ingest --workers N`` command over the folder against a fresh
SQLite database in the same temporary folder (or the empty database ``--database-url``
names), and reports documents per second, the peak RSS of the main process (the writer) and
that of the largest worker process, with the CPU time per document of each (the figure to
compare on a shared machine). The folder is removed afterwards.

With ``--workers 1`` (extraction in the main process) the run is pinned to one core, as
before, so the figure is per core; with more workers it is not pinned (``workers`` cores,
and the writer shares them). Run 1 and 2 workers on a quiet machine to measure the scaling.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import random
import re
import resource
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from extract import DEFAULT_CORPUS, load_corpus, machine, peak_rss_mb, pin_to_one_core

YEAR = re.compile(r"\b20[0-3]\d\b")  # 2000-2039: release dates, never a WPS resolution


def write_files(
    folder: Path, docs: int, corpus: Path, format_copies: bool = False, per_day: int = 1
) -> int:
    """``docs`` distinct text files in ``folder``; returns how many bytes were written. The
    ``per_day`` releases of one date come one after another, as in a folder by date."""
    base = [text for text, _, _ in load_corpus(corpus)]
    words = sorted({w for t in base for w in re.findall(r"[A-Za-z]{4,}", t)}) if per_day > 1 else []
    written = 0
    for number in range(docs):
        block = number // per_day
        text, shift = base[block % len(base)], block // len(base)
        if shift and not format_copies:
            text = YEAR.sub(lambda m, n=shift: str(int(m.group()) + n), text)
        if per_day > 1:  # a paragraph of its own: not a near copy of the day's others
            chosen = random.Random(number).choices(words, k=max(60, len(text) // 20))
            text += "\n\n" + " ".join(chosen) + ".\n"
        sub = folder / f"{number // 1000:03d}"
        sub.mkdir(exist_ok=True)
        data = f"{text}\nReference number {number}.\n".encode()
        (sub / f"release-{number:06d}.txt").write_bytes(data)
        written += len(data)
    return written


def run(
    docs: int,
    corpus: Path,
    workers: int = 1,
    url: str | None = None,
    format_copies: bool = False,
    per_day: int = 1,
) -> dict[str, Any]:
    from wpstrack.cli import app

    cpu = pin_to_one_core() if workers == 1 else None
    with tempfile.TemporaryDirectory(prefix="wpstrack-bench-") as tmp:
        root = Path(tmp)
        folder = root / "releases"
        folder.mkdir()
        size = write_files(folder, docs, corpus, format_copies, per_day)
        os.environ["WPSTRACK_DATA_DIR"] = str(root / "data")
        os.environ["WPSTRACK_DATABASE_URL"] = url or f"sqlite:///{root / 'data' / 'bench.db'}"
        out = io.StringIO()
        own = resource.getrusage(resource.RUSAGE_SELF)
        started = time.perf_counter()
        with contextlib.redirect_stdout(out):
            command = ["ingest", str(folder), "--workers", str(workers), "--json"]
            app(command, standalone_mode=False)
        elapsed = time.perf_counter() - started
        ran = resource.getrusage(resource.RUSAGE_SELF)
        writer_cpu = ran.ru_utime + ran.ru_stime - own.ru_utime - own.ru_stime
        summary = json.loads(out.getvalue())
        database = root / "data" / "bench.db"
        db_mb = database.stat().st_size / 2**20 if database.exists() else None
    # The pool's processes have exited and been waited for: the largest of them.
    pool = resource.getrusage(resource.RUSAGE_CHILDREN)
    children = pool.ru_maxrss / 1024
    return {
        "docs": docs,
        "workers": workers,
        "format_copies": format_copies,
        "per_day": per_day,
        "input_mb": round(size / 2**20, 1),
        "ingested": summary["ingested"],
        "rejected": summary["rejected"],
        "cpu": cpu,
        "seconds": round(elapsed, 1),
        "docs_per_s": round(docs / elapsed, 1),
        # CPU milliseconds a document costs the main process (reading, writing and, with one
        # worker, extracting) and the worker processes: comparable on a busy machine.
        "main_cpu_ms_per_doc": round(1000 * writer_cpu / docs, 2),
        "workers_cpu_ms_per_doc": round(1000 * (pool.ru_utime + pool.ru_stime) / docs, 2)
        if workers > 1
        else None,
        "database_mb": None if db_mb is None else round(db_mb, 1),
        "peak_rss_mb": round(peak_rss_mb(), 1),
        "peak_rss_mb_workers": round(children, 1) if workers > 1 else None,
        "machine": machine(),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=20000, help="files to ingest")
    parser.add_argument("--workers", type=int, default=1, help="extraction processes")
    parser.add_argument("--database-url", help="an empty database (default: a temp SQLite)")
    parser.add_argument(
        "--format-copies", action="store_true", help="repeat releases with their own dates"
    )
    parser.add_argument(
        "--per-day", type=int, default=1, help="distinct releases sharing each date"
    )
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help="corpus folder")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args(argv)
    result = run(
        args.docs, args.corpus, args.workers, args.database_url, args.format_copies, args.per_day
    )
    if args.json:
        print(json.dumps(result))
        return
    for key, value in result.items():
        print(f"{key:>12}: {value}")


if __name__ == "__main__":
    main()
