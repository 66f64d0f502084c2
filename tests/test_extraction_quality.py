"""The extractor against gold: issue 3's acceptance on the development corpus, and floors on
the two sets written apart from it, so that a rule which helps one set and breaks another
fails here rather than in the held-out check.

The floors of the probe and the two blind sets sit a little under today's scores (0.965,
0.996 and 0.996 macro): they catch a regression, they are not targets to tune to.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from wpstrack.evaluation import GOLD_FIELDS, Evaluation, evaluate_folder
from wpstrack.extract.model import SCALAR_FIELDS

DATA = Path(__file__).parent / "data"


def _value(report: Evaluation, name: str) -> float:
    value = report.scores[name].value
    assert value is not None, name
    return value


def test_development_corpus_meets_the_acceptance_of_issue_3(corpus_dir: Path) -> None:
    report = evaluate_folder(corpus_dir / "gold.jsonl", corpus_dir)
    assert report.documents == 60
    assert (report.macro(GOLD_FIELDS) or 0) >= 0.95
    assert {n: _value(report, n) for n in SCALAR_FIELDS if _value(report, n) < 0.95} == {}
    for name in ("principal_actors", "other_participants", "organisations"):
        assert _value(report, name) >= 0.90, name
    assert [e for e in report.errors if e["id"] == "dev-000"] == []


@pytest.mark.parametrize(("folder", "floor"), [("probe", 0.94), ("blind", 0.97), ("blind2", 0.97)])
def test_sets_written_apart_from_the_extractor_stay_above_their_floor(
    folder: str, floor: float
) -> None:
    report = evaluate_folder(DATA / folder / "gold.jsonl", DATA / folder)
    assert report.documents >= 12
    assert (report.macro(GOLD_FIELDS) or 0) >= floor
