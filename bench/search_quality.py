"""Recall and precision of search per language over the bilingual test corpus.

    python bench/search_quality.py [--database-url URL] [--json]

Loads the releases of ``tests/data/search`` (Japanese and English) into a temporary SQLite
database (or ``--database-url``, e.g. an empty PostgreSQL schema), migrated and loaded with
the reference data, then runs every query of ``tests/data/search/queries.json`` through
``wpstrack.search.search`` and compares the documents found with those a reader expects.
Per language: micro recall and precision (over all expected and all found documents),
macro (the mean over queries), and the queries that were not exact.
"""

from __future__ import annotations

import argparse
import json
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from wpstrack import schema, search
from wpstrack.db import make_engine, upgrade
from wpstrack.reference.sync import sync_reference

CORPUS = Path(__file__).resolve().parents[1] / "tests" / "data" / "search"


def load(conn: Any) -> dict[int, str]:
    """The corpus as ingested documents; returns id -> file stem."""
    ids = {}
    for i, path in enumerate(sorted(CORPUS.glob("*.txt"))):
        body = path.read_text(encoding="utf-8")
        row = {
            "source": path.name,
            "content_hash": f"{i:064x}",
            "size_bytes": len(body.encode()),
            "text": body,
            "title": body.strip().splitlines()[0],
            "status": "ingested",
            "ingested_at": datetime.now(UTC),
        }
        doc = schema.document
        ids[conn.execute(doc.insert().values(**row).returning(doc.c.id)).scalar_one()] = path.stem
    return ids


def score(conn: Any, ids: dict[int, str], queries: dict[str, list[str]]) -> dict[str, Any]:
    """Recall and precision of ``queries`` over the loaded corpus."""
    expected_total = found_total = correct_total = 0
    recalls, precisions, misses = [], [], {}
    for q, wanted in queries.items():
        hits = search.search(conn, q, public=False, limit=100)
        found = {ids[h["id"]] for h in hits if h["kind"] == "document" and h["id"] in ids}
        right = found & set(wanted)
        expected_total += len(wanted)
        found_total += len(found)
        correct_total += len(right)
        recalls.append(len(right) / len(wanted) if wanted else 1.0)
        precisions.append(len(right) / len(found) if found else float(not wanted))
        if found != set(wanted):
            misses[q] = {"missing": sorted(set(wanted) - found), "extra": sorted(found - right)}
    return {
        "queries": len(queries),
        "recall": round(correct_total / expected_total, 3),
        "precision": round(correct_total / found_total, 3) if found_total else 1.0,
        "macro_recall": round(sum(recalls) / len(recalls), 3),
        "macro_precision": round(sum(precisions) / len(precisions), 3),
        "not_exact": misses,
    }


def run(url: str | None) -> dict[str, Any]:
    queries = json.loads((CORPUS / "queries.json").read_text(encoding="utf-8"))
    with tempfile.TemporaryDirectory() as tmp:
        engine = make_engine(url or f"sqlite:///{Path(tmp) / 'quality.db'}")
        with engine.begin() as conn:
            upgrade(conn)
            sync_reference(conn)
            ids = load(conn)
            result = {lang: score(conn, ids, queries[lang]) for lang in ("ja", "en")}
            conn.rollback()
        result["backend"] = engine.dialect.name
        result["documents"] = len(ids)
        engine.dispose()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--database-url", help="an empty database instead of a temp SQLite")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    result = run(args.database_url)
    if args.json:
        print(json.dumps(result, indent=2, ensure_ascii=False))
        return
    print(f"{result['backend']}, {result['documents']} documents")
    for lang in ("ja", "en"):
        r = result[lang]
        print(
            f"{lang}: {r['queries']} queries  recall {r['recall']:.3f}  precision "
            f"{r['precision']:.3f}  (macro {r['macro_recall']:.3f} / {r['macro_precision']:.3f})"
            f"  not exact: {len(r['not_exact'])}"
        )
        for q, miss in r["not_exact"].items():
            print(f"    {q}: {miss}")


if __name__ == "__main__":
    main()
