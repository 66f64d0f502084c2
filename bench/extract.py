"""Extraction throughput on one core, against the floor of spaCy's blank English tokenizer.

    python bench/extract.py [--docs 5000] [--ja-docs 3000] [--corpus DIR] [--json]

The development corpus is read once with the ingestion reader (files it refuses are left
out) and repeated until ``--docs`` documents; the process is pinned to one CPU. It times the
full pipeline (``extract_text``) over those texts, then ``spacy.blank("en").tokenizer``
alone over the same texts: the tokenizer is the least any spaCy pipeline must do, so
``floor_ratio`` = extraction time / tokenizer time says what our components cost on top.
Both are timed chunk by chunk over the same texts, back to back, so that load from other
processes weighs on both alike. Peak RSS comes from ``getrusage``. With ``--json`` it prints
one JSON object.

Japanese documents are measured separately (``japanese``): every Japanese file of the
corpus folders in ``--ja-corpus`` (the dev corpus and the test sets hold a few each),
repeated to ``--ja-docs``, through the full pipeline against the floor of SudachiPy's own
tokenizing of the same texts (core dictionary, split mode C, as ``wpstrack.japanese`` runs
it): a Japanese text must be segmented once whatever we do with it.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import platform
import resource
import sys
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = REPO.parent / "shared" / "corpus" / "dev"
JA_CORPORA = [DEFAULT_CORPUS, *(REPO / "tests" / "data" / n for n in ("pages", "blind", "blind2"))]
CHUNK = 250


def pin_to_one_core() -> int | None:
    """Run on a single CPU so that the figures are per core; returns the CPU used."""
    if not hasattr(os, "sched_setaffinity"):
        return None
    cpu = min(os.sched_getaffinity(0))
    os.sched_setaffinity(0, {cpu})
    return cpu


def machine() -> dict[str, Any]:
    """What the figures were measured on."""
    model = platform.processor() or "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {"nproc": os.cpu_count(), "cpu_model": model, "python": platform.python_version()}


def load_corpus(corpus: Path) -> list[tuple[str, str, Any]]:
    """(text, language, publication date) of every readable file in the corpus folder."""
    from wpstrack.documents import DocumentRejected, read_path

    texts = []
    for path in sorted(corpus.iterdir()):
        if path.suffix == ".jsonl" or not path.is_file():
            continue
        try:
            document = read_path(path)
        except DocumentRejected:
            continue
        texts.append((document.text, document.language, document.published_on))
    if not texts:
        sys.exit(f"no readable documents in {corpus}")
    return texts


def peak_rss_mb() -> float:
    """Peak resident set size of this process (Linux reports kilobytes)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run(docs: int, corpus: Path) -> dict[str, Any]:
    import spacy

    from wpstrack.extract.pipeline import default_pipeline, extract_text

    cpu = pin_to_one_core()
    base = load_corpus(corpus)
    items = list(itertools.islice(itertools.cycle(base), docs))
    words = sum(len(text.split()) for text, _, _ in items)
    nlp = default_pipeline()
    for text, language, published in base:  # warm-up: build lazy tables and caches
        extract_text(text, language=language, release_date=published, nlp=nlp)

    tokenizer = spacy.blank("en").tokenizer
    for text, _, _ in base:
        tokenizer(text)
    # Extraction and floor are timed chunk by chunk, back to back over the same texts, so
    # that load from other processes on a shared machine weighs on both alike.
    extraction_s = floor_s = 0.0
    for start in range(0, len(items), CHUNK):
        chunk = items[start : start + CHUNK]
        started = time.perf_counter()
        for text, language, published in chunk:
            extract_text(text, language=language, release_date=published, nlp=nlp)
        extraction_s += time.perf_counter() - started
        started = time.perf_counter()
        for text, _, _ in chunk:
            tokenizer(text)
        floor_s += time.perf_counter() - started

    return {
        "docs": docs,
        "distinct_docs": len(base),
        "words": words,
        "cpu": cpu,
        "extraction_s": round(extraction_s, 3),
        "docs_per_s": round(docs / extraction_s, 1),
        "words_per_s": round(words / extraction_s),
        "floor_s": round(floor_s, 3),
        "floor_docs_per_s": round(docs / floor_s, 1),
        "floor_ratio": round(extraction_s / floor_s, 2),
        "peak_rss_mb": round(peak_rss_mb(), 1),
        "machine": machine(),
    }


def run_japanese(docs: int, corpora: list[Path]) -> dict[str, Any]:
    """Japanese extraction against SudachiPy's own tokenizing of the same texts."""
    from wpstrack import japanese
    from wpstrack.extract.people_ja import is_japanese
    from wpstrack.extract.pipeline import default_pipeline, extract_text

    base = [t for c in corpora if c.is_dir() for t in load_corpus(c) if is_japanese(t[0])]
    if not base:
        return {"docs": 0}
    items = list(itertools.islice(itertools.cycle(base), docs))
    nlp = default_pipeline()
    split = japanese._split_mode("C")
    tokenizer = japanese._tokenizer()

    def segment(text: str) -> None:
        for _offset, chunk in japanese._chunks(text):
            tokenizer.tokenize(chunk, split)

    for text, language, published in base:  # warm-up: dictionary, tables, caches
        extract_text(text, language=language, release_date=published, nlp=nlp)
        segment(text)
    extraction_s = floor_s = 0.0
    for start in range(0, len(items), CHUNK):
        chunk = items[start : start + CHUNK]
        started = time.perf_counter()
        for text, language, published in chunk:
            extract_text(text, language=language, release_date=published, nlp=nlp)
        extraction_s += time.perf_counter() - started
        started = time.perf_counter()
        for text, _, _ in chunk:
            segment(text)
        floor_s += time.perf_counter() - started
    return {
        "docs": docs,
        "distinct_docs": len(base),
        "chars": sum(len(text) for text, _, _ in items),
        "extraction_s": round(extraction_s, 3),
        "docs_per_s": round(docs / extraction_s, 1),
        "sudachi_floor_s": round(floor_s, 3),
        "sudachi_floor_docs_per_s": round(docs / floor_s, 1),
        "floor_ratio": round(extraction_s / floor_s, 2),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=5000, help="documents to extract")
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help="corpus folder")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument(
        "--ja-docs",
        type=int,
        default=3000,
        help="Japanese documents to extract (0: none)",
    )
    parser.add_argument(
        "--ja-corpus", type=Path, action="append", help="folder with Japanese documents"
    )
    args = parser.parse_args(argv)
    result = run(args.docs, args.corpus)
    if args.ja_docs > 0:
        result["japanese"] = run_japanese(args.ja_docs, args.ja_corpus or JA_CORPORA)
    if args.json:
        print(json.dumps(result))
        return
    for key, value in result.items():
        print(f"{key:>18}: {value}")


if __name__ == "__main__":
    main()
