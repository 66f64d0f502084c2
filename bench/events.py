"""Precision and recall of "same event" detection: the candidate list and format copies.

    PYTHONPATH=src python bench/events.py [--corpus ../shared/corpus/dev] [--copies 30]

Builds a scratch SQLite database from the dev corpus, the Japanese versions of some of its
releases (``tests/data/events/dev-NNN-ja.txt``, written for this) and HTML, PDF and DOCX
copies of the first ``--copies`` releases (``tests/event_pairs.py``), ingested in one run
as a user would. The truth is the file name: every file whose name starts with ``dev-NNN``
reports the event of ``dev-NNN``; the corpus releases are taken as different events.

Printed: format copies joined at ingest (right and wrong joins), and over every activity
the candidate list (:func:`wpstrack.events.candidates`): pairs offered, how many are the
same event (precision) and how many of the EN/JA pairs are offered (recall).
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
import time
from itertools import combinations
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))  # the format-copy writer the tests use

from event_pairs import format_copies  # noqa: E402
from wpstrack import events, ingest  # noqa: E402
from wpstrack.db import make_engine, upgrade  # noqa: E402
from wpstrack.ingest import batched, ingest_batch  # noqa: E402
from wpstrack.reference.sync import sync_reference  # noqa: E402

PAIRS = ROOT / "tests" / "data" / "events"
EVENT = re.compile(r"^(dev-\d+)")
COPY_SUFFIXES = (".html", ".pdf", ".docx")
SWEEP = (1.0, 2.0, 3.0, 4.0, 5.0, 6.0)  # score thresholds printed (the lowest is computed)


def _same_events() -> dict[str, str]:
    """Corpus releases of one event (``same_events.txt``), each named by the first."""
    same: dict[str, str] = {}
    for line in (PAIRS / "same_events.txt").read_text("utf-8").splitlines():
        names = line.split("#", 1)[0].split()
        for name in names[1:]:
            same[name] = names[0]
    return same


SAME = _same_events()


def _event(path: Path) -> str:
    found = EVENT.match(path.name)
    assert found, path
    return SAME.get(found.group(1), found.group(1))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus" / "dev")
    parser.add_argument("--copies", type=int, default=30)
    args = parser.parse_args()
    corpus = sorted(args.corpus.glob("dev-*.txt"))
    japanese = sorted(PAIRS.glob("dev-*-ja.txt"))
    with tempfile.TemporaryDirectory() as tmp:
        copies = [
            copy
            for path in corpus[: args.copies]
            if path.read_text("utf-8", "replace").strip()
            for copy in format_copies(path.read_text("utf-8"), Path(tmp), path.stem)
        ]
        engine = make_engine(f"sqlite:///{Path(tmp) / 'bench.db'}")
        with engine.begin() as conn:
            upgrade(conn)
            sync_reference(conn)
        files = corpus + japanese + copies
        started = time.perf_counter()
        truth: dict[int, str] = {}
        for batch in batched(files, 25):
            with engine.begin() as conn:
                for outcome in ingest_batch(conn, batch):
                    # The corpus holds unreadable files on purpose: they report no event.
                    if outcome.status == ingest.INGESTED and outcome.document_id is not None:
                        truth[outcome.document_id] = _event(Path(outcome.path))
        ingest_seconds = time.perf_counter() - started
        with engine.connect() as conn:
            _report(conn, truth, len(corpus), len(japanese), len(copies), ingest_seconds)
        engine.dispose()


def _report(
    conn: object, truth: dict[int, str], corpus: int, japanese: int, copies: int, seconds: float
) -> None:
    from sqlalchemy import Connection

    assert isinstance(conn, Connection)
    owner = {doc: events.activity_of_document(conn, doc) for doc in truth}
    members: dict[int, set[str]] = {}
    for doc, activity in owner.items():
        if activity is not None:
            members.setdefault(activity, set()).add(truth[doc])
    wrong_joins = sum(len(found) - 1 for found in members.values())
    by_event: dict[str, set[int | None]] = {}
    for doc, event in truth.items():
        by_event.setdefault(event, set()).add(owner[doc])
    # Documents of one event left in separate activities: the pairs the candidates must offer.
    needed = {
        frozenset(pair)
        for acts in by_event.values()
        for pair in combinations(sorted(a for a in acts if a is not None), 2)
    }
    names = _filenames(conn, list(truth))
    original = {
        truth[doc]: owner[doc] for doc, name in names.items() if name == f"{truth[doc]}.txt"
    }
    copy_docs = [doc for doc, name in names.items() if Path(name).suffix in COPY_SUFFIXES]
    joined_copies = sum(1 for doc in copy_docs if owner[doc] == original.get(truth[doc]))
    started = time.perf_counter()
    scored: dict[frozenset[int], float] = {}
    for activity in members:
        for candidate in events.candidates(conn, activity, threshold=SWEEP[0]):
            scored[frozenset((activity, candidate.activity_id))] = candidate.score
    per_activity_ms = (time.perf_counter() - started) * 1000 / max(len(members), 1)
    for threshold in SWEEP:
        at = {p for p, score in scored.items() if score >= threshold}
        hits = {p for p in at if _same(members, p)}
        print(
            f"threshold {threshold:>4}: offered {len(at):>3}, precision "
            f"{len(hits) / len(at) if at else 1.0:.3f}, recall "
            f"{len(needed & at) / len(needed) if needed else 1.0:.3f}"
        )
    offered = {p for p, score in scored.items() if score >= events.THRESHOLD}
    right = {p for p in offered if _same(members, p)}
    print(f"documents: {corpus} corpus, {japanese} Japanese versions, {copies} format copies")
    print(f"ingest: {seconds:.1f} s; candidates: {per_activity_ms:.1f} ms per activity")
    print(f"format copies joined at ingest: {joined_copies}/{copies}; wrong joins: {wrong_joins}")
    print(f"activities: {len(members)}; pairs left to a reviewer: {len(needed)}")
    print(f"candidate pairs offered: {len(offered)}, of which the same event: {len(right)}")
    precision = len(right) / len(offered) if offered else 1.0
    recall = len(needed & offered) / len(needed) if needed else 1.0
    print(f"candidate list: precision {precision:.3f}, recall {recall:.3f}")
    for pair in sorted(needed - offered, key=sorted):
        print("  missed:", sorted(next(iter(members[a])) for a in pair), sorted(pair))
    for pair in sorted(offered - right, key=sorted):
        print("  wrongly offered:", sorted(next(iter(members[a])) for a in pair))
    total_pairs = len(needed) + copies
    found_pairs = len(needed & offered) + joined_copies
    combined_precision = (len(right) + joined_copies) / (len(offered) + copies + wrong_joins)
    print(
        f"all pairs built (EN/JA and format copies): recall {found_pairs / total_pairs:.3f}, "
        f"precision {combined_precision:.3f}"
    )


def _filenames(conn: object, document_ids: list[int]) -> dict[int, str]:
    from sqlalchemy import Connection, select

    from wpstrack import schema

    assert isinstance(conn, Connection)
    doc = schema.document
    rows = conn.execute(select(doc.c.id, doc.c.filename).where(doc.c.id.in_(document_ids)))
    return {r.id: r.filename or "" for r in rows}


def _same(members: dict[int, set[str]], pair: frozenset[int]) -> bool:
    a, b = sorted(pair)
    return bool(members[a] & members[b])


if __name__ == "__main__":
    main()
