"""Ingestion throughput and memory: ``wpstrack ingest`` over 20,000 files into a temp SQLite.

    python bench/ingest.py [--docs 20000] [--corpus DIR] [--json]

Writes ``--docs`` files into a temporary folder (the readable development documents,
repeated, each with a distinct closing line so that every file has its own content hash),
then runs the real ``wpstrack ingest`` command over the folder against a fresh SQLite
database in the same temporary folder, and reports documents per second and the peak RSS
of the process. The folder is removed afterwards.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import itertools
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from extract import DEFAULT_CORPUS, load_corpus, machine, peak_rss_mb, pin_to_one_core


def write_files(folder: Path, docs: int, corpus: Path) -> int:
    """``docs`` distinct text files in ``folder``; returns how many bytes were written."""
    base = [text for text, _, _ in load_corpus(corpus)]
    written = 0
    for number, text in enumerate(itertools.islice(itertools.cycle(base), docs)):
        sub = folder / f"{number // 1000:03d}"
        sub.mkdir(exist_ok=True)
        data = f"{text}\nReference number {number}.\n".encode()
        (sub / f"release-{number:06d}.txt").write_bytes(data)
        written += len(data)
    return written


def run(docs: int, corpus: Path) -> dict[str, Any]:
    from wpstrack.cli import app

    cpu = pin_to_one_core()
    with tempfile.TemporaryDirectory(prefix="wpstrack-bench-") as tmp:
        root = Path(tmp)
        folder = root / "releases"
        folder.mkdir()
        size = write_files(folder, docs, corpus)
        os.environ["WPSTRACK_DATA_DIR"] = str(root / "data")
        os.environ["WPSTRACK_DATABASE_URL"] = f"sqlite:///{root / 'data' / 'bench.db'}"
        out = io.StringIO()
        started = time.perf_counter()
        with contextlib.redirect_stdout(out):
            app(["ingest", str(folder), "--json"], standalone_mode=False)
        elapsed = time.perf_counter() - started
        summary = json.loads(out.getvalue())
        db_mb = (root / "data" / "bench.db").stat().st_size / 2**20
    return {
        "docs": docs,
        "input_mb": round(size / 2**20, 1),
        "ingested": summary["ingested"],
        "rejected": summary["rejected"],
        "cpu": cpu,
        "seconds": round(elapsed, 1),
        "docs_per_s": round(docs / elapsed, 1),
        "database_mb": round(db_mb, 1),
        "peak_rss_mb": round(peak_rss_mb(), 1),
        "machine": machine(),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=20000, help="files to ingest")
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help="corpus folder")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args(argv)
    result = run(args.docs, args.corpus)
    if args.json:
        print(json.dumps(result))
        return
    for key, value in result.items():
        print(f"{key:>12}: {value}")


if __name__ == "__main__":
    main()
