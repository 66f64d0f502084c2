"""The extractor against gold: issue 3's acceptance on the development corpus, and floors on
the two sets written apart from it, so that a rule which helps one set and breaks another
fails here rather than in the held-out check.

The floors of the probe and the two blind sets sit a little under today's scores (0.965,
0.996 and 0.996 macro): they catch a regression, they are not targets to tune to. The
page-capture set's floor is issue 11's acceptance line, 0.90 (today 0.923).
"""

from __future__ import annotations

import ast
import json
from pathlib import Path
from typing import Any

import pytest

import wpstrack
from wpstrack.evaluation import GOLD_FIELDS, Evaluation, evaluate_folder
from wpstrack.extract.model import PERSON_FIELDS, SCALAR_FIELDS
from wpstrack.reference import read_yaml

DATA = Path(__file__).parent / "data"


def _value(report: Evaluation, name: str) -> float:
    value = report.scores[name].value
    assert value is not None, name
    return value


def test_development_corpus_meets_the_acceptance_of_issue_3(corpus_dir: Path) -> None:
    report = evaluate_folder(corpus_dir / "gold.jsonl", corpus_dir)
    assert report.documents == 60
    assert (report.macro(GOLD_FIELDS) or 0) >= 0.97  # issue 11's line (issue 3 asked 0.95)
    assert {n: _value(report, n) for n in SCALAR_FIELDS if _value(report, n) < 0.95} == {}
    for name in ("principal_actors", "other_participants", "organisations"):
        assert _value(report, name) >= 0.90, name
    assert [e for e in report.errors if e["id"] == "dev-000"] == []


@pytest.mark.parametrize(
    ("folder", "floor"), [("probe", 0.94), ("blind", 0.97), ("blind2", 0.97), ("pages", 0.90)]
)
def test_sets_written_apart_from_the_extractor_stay_above_their_floor(
    folder: str, floor: float
) -> None:
    report = evaluate_folder(DATA / folder / "gold.jsonl", DATA / folder)
    assert report.documents >= 12
    assert (report.macro(GOLD_FIELDS) or 0) >= floor


SRC = Path(wpstrack.__file__).parent
# What the extractor reads: its code and lexicons, and the reference data it resolves
# organisations, offices and Japanese terms with.
EXTRACTOR_FILES = [
    *(p for p in (SRC / "extract").rglob("*") if p.suffix in (".py", ".yaml", ".json")),
    *(SRC / "reference").glob("*.yaml"),
]
# Facts on public office-holders (scope 3 of issue 11): a minister of a gold line may be
# there with the Japanese and Latin names of the public record.
FACTS = SRC / "reference" / "office_holders.yaml"


def _gold_lines(folder: Path) -> list[dict[str, Any]]:
    text = (folder / "gold.jsonl").read_text(encoding="utf-8")
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def _said(path: Path) -> str:
    """What a file tells the extractor: a module's strings but its docstrings, a data file's
    values but its comments (examples in prose are not rules)."""
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".py":
        tree = ast.parse(text)
        docs = {
            id(node.body[0].value)
            for node in ast.walk(tree)
            if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
            and node.body
            and isinstance(node.body[0], ast.Expr)
            and isinstance(node.body[0].value, ast.Constant)
        }
        return "\n".join(
            node.value
            for node in ast.walk(tree)
            if isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and id(node) not in docs
        )
    if path.suffix == ".yaml":
        return json.dumps(read_yaml(text), ensure_ascii=False, default=str)
    return text


def test_the_extractor_names_no_gold_document_and_no_person_of_its_gold(corpus_dir: Path) -> None:
    """Issue 11: no document ids, file names or gold values in the extractor or its data."""
    folders = [corpus_dir, *(DATA / name for name in ("pages", "probe", "blind", "blind2"))]
    lines = [line for folder in folders for line in _gold_lines(folder)]
    files = {p.stem for folder in folders for p in folder.iterdir() if p.stem != "README"}
    marks = {line["id"] for line in lines} | (files - {"gold"})
    people = {p["name"] for line in lines for key in PERSON_FIELDS for p in line.get(key) or []}
    assert len(marks) > 150 and len(people) > 300  # the sets were read
    found = {}
    for path in EXTRACTOR_FILES:
        said = _said(path)
        named = sorted(m for m in marks if m in said)
        named += sorted(p for p in people if p in said and path != FACTS)
        if named:
            found[str(path.relative_to(SRC))] = named
    assert found == {}
