"""Calibrated confidence: every extracted value of the gold sets judged right or wrong, the
table the pipeline's last step applies (:mod:`wpstrack.extract.calibrate`), and the
reliability table that shows whether a confidence means what it says.

A value is keyed by (field, method, the confidence its component stated). Fitting runs
the pipeline without its ``calibrate`` step over every gold set, judges each value and
gives each key a cautious share right: the lower bound of a Wilson interval over all sets
(the share, pulled towards one half the more the fewer values it rests on), and never above
its share on a set where the key is common and poor (under 80 % right), so that a key good
on the development corpus but poor on real pages is not called sure. Re-run it after the
extractor changes::

    wpstrack eval --fit-calibration            # the four gold sets of a checkout
    wpstrack eval --calibration                # the reliability table, per set

A value is right when the gold line agrees with it (the rules of :mod:`wpstrack.evaluation`:
a person by name, title and affiliation; a set member by membership). Values derived from
others are right when what they derive from is (a time zone from the place, a UTC instant
from date, time and place). Values no gold line can check (title, money, commitments ...)
are listed in the table as not judged, and keep a confidence below 0.9.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from wpstrack.errors import InvalidInput
from wpstrack.evaluation import (
    ACCURACY_FIELDS,
    document_file,
    load_gold,
    organisation_key,
    person_key,
    scalar_key,
    text_key,
)
from wpstrack.extract.calibrate import TABLE_PATH, calibration_key
from wpstrack.extract.model import PERSON_FIELDS

# The gold sets of a checkout, by name (folders holding gold.jsonl and the documents).
DEFAULT_SETS = {
    "dev": Path("../shared/corpus/dev"),
    "blind": Path("tests/data/blind"),
    "blind2": Path("tests/data/blind2"),
    "pages": Path("tests/data/pages"),
}
WILSON_Z = 0.5  # the pooled share, pulled towards one half by how few values it rests on
# A set caps a key at its own share when it holds this many of the key's values and gets
# fewer than this share of them right: the key is poor on that kind of document.
MIN_SET_COUNT = 10
POOR_SHARE = 0.8
BINS = (0.0, 0.5, 0.7, 0.8, 0.9)


@dataclass(frozen=True)
class Judged:
    """One extracted value of a gold set and whether the gold line agrees (None: no gold
    line can say)."""

    set_name: str
    document: str
    field: str
    method: str
    confidence: float
    right: bool | None


def gold_sets(pairs: Iterable[str] = ()) -> dict[str, Path]:
    """Sets named ``NAME=DIR`` on the command line, else the checkout's sets present."""
    chosen: dict[str, Path] = {}
    for pair in pairs:
        name, sep, where = pair.partition("=")
        if not sep or not name or not where:
            raise InvalidInput("a gold set is NAME=FOLDER", pair)
        chosen[name] = Path(where)
    if not chosen:
        chosen = {n: p for n, p in DEFAULT_SETS.items() if (p / "gold.jsonl").is_file()}
    for name, folder in chosen.items():
        if not (folder / "gold.jsonl").is_file():
            raise InvalidInput("the folder holds no gold.jsonl", f"{name}={folder}")
    if not chosen:
        raise InvalidInput("no gold set found; name one with --set NAME=FOLDER", "set")
    return chosen


# --- judging one value ----------------------------------------------------------------------


def _same(record: Mapping[str, Any], gold: Mapping[str, Any], *names: str) -> bool:
    return all(scalar_key(record.get(n)) == scalar_key(gold.get(n)) for n in names)


def _person_right(value: Any, gold_people: list[Any]) -> bool:
    person = value if isinstance(value, Mapping) else {"name": value}
    key = person_key(person.get("name"))
    for raw in gold_people:
        expected = raw if isinstance(raw, Mapping) else {"name": raw}
        if person_key(expected.get("name")) == key:
            return text_key(expected.get("title")) == text_key(person.get("title")) and (
                organisation_key(expected.get("organisation_or_country"))
                == organisation_key(person.get("organisation_or_country"))
            )
    return False


def judge(
    span: Mapping[str, Any], record: Mapping[str, Any], gold: Mapping[str, Any]
) -> bool | None:
    """Whether the gold line agrees with one extracted value (None: it cannot say)."""
    name, value = str(span["field"]), span.get("value")
    if name in ACCURACY_FIELDS:
        return scalar_key(value) == scalar_key(gold.get(name))
    if name in PERSON_FIELDS:
        return _person_right(value, list(gold.get(name) or []))
    if name in ("organisations", "organisation_codes"):
        keys = {organisation_key(g) for g in gold.get("organisations") or []}
        return (organisation_key(value) if name == "organisations" else str(value)) in keys
    if name == "resolutions":
        return str(value).strip() in {str(r).strip() for r in gold.get("resolutions") or []}
    if name == "topics":
        return scalar_key(value) in {scalar_key(t) for t in gold.get("topics") or []}
    derived = _DERIVED.get(name)
    return _same(record, gold, *derived) if derived else None


# A derived value is right when the fields it is derived from are.
_DERIVED = {
    "timezone": ("city", "country", "tz_stated"),
    "end_time_local": ("date", "start_time_local", "duration_minutes"),
    "start_utc": ("date", "start_time_local", "tz_stated", "city", "country"),
}


# --- running the sets -----------------------------------------------------------------------


def judge_sets(sets: Mapping[str, Path], *, calibrated: bool = True) -> list[Judged]:
    """Every value extracted from the gold sets' documents, judged; with ``calibrated``
    False the pipeline runs without its calibration step (the stated confidences)."""
    from wpstrack.documents import DocumentRejected, extract_record, read_path
    from wpstrack.extract.pipeline import PIPELINE, build_pipeline

    steps = PIPELINE if calibrated else tuple(s for s in PIPELINE if s != "calibrate")
    nlp = build_pipeline(steps)
    judged: list[Judged] = []
    for set_name, folder in sets.items():
        for gold in load_gold(folder / "gold.jsonl"):
            path = document_file(folder, str(gold["id"]))
            if path is None:
                continue
            try:
                record = extract_record(read_path(path), nlp=nlp)
            except DocumentRejected:
                continue
            for span in record["spans"]:
                judged.append(
                    Judged(
                        set_name,
                        str(gold["id"]),
                        str(span["field"]),
                        str(span["method"]),
                        float(span["confidence"]),
                        judge(span, record, gold),
                    )
                )
    return judged


def wilson_lower(right: int, total: int, z: float = WILSON_Z) -> float:
    """The lower bound of the Wilson score interval of ``right`` out of ``total``."""
    if total == 0:
        return 0.0
    share = right / total
    centre = share + z * z / (2 * total)
    spread = z * math.sqrt(share * (1 - share) / total + z * z / (4 * total * total))
    return (centre - spread) / (1 + z * z / total)


@dataclass
class _Count:
    total: int = 0
    right: int = 0
    per_set: dict[str, list[int]] = field(default_factory=dict)

    def add(self, set_name: str, right: bool) -> None:
        self.total += 1
        self.right += right
        counts = self.per_set.setdefault(set_name, [0, 0])
        counts[0] += 1
        counts[1] += right


def fit(judged: Iterable[Judged]) -> dict[str, Any]:
    """The calibration table of judged values (stated confidences), as shipped."""
    counts: dict[str, _Count] = {}
    unjudged: set[str] = set()
    for item in judged:
        key = calibration_key(item.field, item.method, item.confidence)
        if item.right is None:
            unjudged.add(key)
            continue
        counts.setdefault(key, _Count()).add(item.set_name, item.right)
    keys: dict[str, Any] = {key: {"judged": False} for key in sorted(unjudged - set(counts))}
    for key, count in sorted(counts.items()):
        bounds = [wilson_lower(count.right, count.total)]
        for total, right in count.per_set.values():
            if total >= MIN_SET_COUNT and right / total < POOR_SHARE:
                bounds.append(right / total)
        keys[key] = {
            "judged": True,
            "confidence": round(min(bounds), 3),
            "total": count.total,
            "right": count.right,
            "per_set": {name: count.per_set[name] for name in sorted(count.per_set)},
        }
    return {"command": "wpstrack eval --fit-calibration", "keys": dict(sorted(keys.items()))}


def write_table(table: Mapping[str, Any], path: Path = TABLE_PATH) -> None:
    """Write the table where the pipeline reads it."""
    path.write_text(json.dumps(table, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def _bin(confidence: float) -> float:
    """The lower edge of the bin ``confidence`` falls in."""
    return max(b for b in BINS if confidence >= b)


def _label(low: float) -> str:
    index = BINS.index(low)
    return f"[{low:.1f}, {BINS[index + 1]:.1f})" if index + 1 < len(BINS) else f"[{low:.1f}, 1.0]"


def reliability(judged: Iterable[Judged]) -> dict[str, list[dict[str, Any]]]:
    """Per set, per confidence bin: how many judged values, and the share right."""
    table: dict[str, dict[float, list[int]]] = {}
    for item in judged:
        if item.right is None:
            continue
        row = table.setdefault(item.set_name, {}).setdefault(_bin(item.confidence), [0, 0])
        row[0] += 1
        row[1] += item.right
    return {
        set_name: [
            {"bin": _label(low), "low": low, "values": n, "right": k, "share_right": k / n}
            for low, (n, k) in sorted(bins.items())
        ]
        for set_name, bins in table.items()
    }


def sure_share(rows: list[dict[str, Any]], floor: float = 0.9) -> float | None:
    """The share right among the values of ``rows`` given at least ``floor``."""
    sure = [r for r in rows if r["low"] >= floor]
    total = sum(r["values"] for r in sure)
    return sum(r["right"] for r in sure) / total if total else None
