"""Score extraction against a gold file, by the rules of the corpus README.

``wpstrack eval --gold GOLD.jsonl --docs DIR`` reads every ``<id>.*`` file in DIR with the
same reader as ingestion (:mod:`wpstrack.documents`), extracts it, and compares the record
with the gold line. No database is involved.

How each field is scored:

- Scalars (``date``, ``start_time_local``, ``tz_stated``, ``start_time_jst``,
  ``duration_minutes``, ``city``, ``country``, ``event_type``, and ``women_count_named``):
  accuracy, exact after trimming, Unicode NFC and case folding; null matches null.
- Person lists (``principal_actors``, ``other_participants``): a predicted person matches a
  gold person when their names have the same words, compared without case, accents,
  honorifics (Mr., Ms., H.E. ...) or dots, in any order (``Yoko KAMIKAWA`` = ``KAMIKAWA
  Yoko``); each gold person matches at most one prediction. Precision, recall and F1 over
  the matches; then, on matched pairs only, ``title`` accuracy (exact after normalisation)
  and ``organisation_or_country`` accuracy, where an affiliation that names a known
  organisation is compared by its canonical code, like the organisations field.
- ``organisations``: each gold and predicted name is resolved with
  :func:`wpstrack.reference.resolve_organisation` to a canonical code; a name that does not
  resolve keeps its normalised surface text (:func:`wpstrack.reference.normalise_name`).
  Set precision, recall, F1.
- ``resolutions`` and ``topics``: set precision, recall, F1.

Aggregation across documents: list fields use micro-averaged counts (true positives, false
positives and false negatives summed over the corpus, then P/R/F1). A document where gold
and prediction are both empty is correct and adds nothing to the counts; a field whose
counts are all zero over the corpus (nothing expected, nothing predicted) scores 1.0.

The macro average is the mean of the fourteen gold fields' scores (accuracy for scalars, F1
for lists). The title and affiliation accuracies are reported as their own rows
(``principal_actors.title`` ...) and enter ``macro_all``, the mean over every row.

A file that the reader rejects (empty, binary ...) is predicted as an empty record: every
scalar null and every list empty, which is what a reader of that file would state. A gold
line without a file, or whose extraction raises, is reported in ``errors`` (field
``document``) and also scored as an empty prediction, so one failure does not hide the
scores of the other documents.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from wpstrack.errors import InvalidInput
from wpstrack.extract.model import PERSON_FIELDS, SCALAR_FIELDS
from wpstrack.reference import normalise_name, resolve_organisation

ACCURACY_FIELDS = (*SCALAR_FIELDS, "women_count_named")
SET_FIELDS = ("organisations", "resolutions", "topics")
PERSON_ATTRIBUTES = ("title", "organisation_or_country")
GOLD_FIELDS = (*ACCURACY_FIELDS, *PERSON_FIELDS, *SET_FIELDS)

_HONORIFICS = frozenset(
    [
        "mr",
        "mrs",
        "ms",
        "miss",
        "mx",
        "dr",
        "prof",
        "professor",
        "he",
        "sir",
        "dame",
        "madam",
        "madame",
        "lord",
        "baroness",
        "hon",
        "rev",
    ]
)
_NAME_PUNCT = str.maketrans(
    {".": "", ",": " ", "\u2019": "'", "\u2018": "'", "\u2010": "-", "\u2013": "-"}
)


# --- normalisation ------------------------------------------------------------------------


def scalar_key(value: Any) -> str | None:
    """A scalar as compared: trimmed, NFC, case-folded text; None stays None."""
    if value is None:
        return None
    return unicodedata.normalize("NFC", str(value)).strip().casefold()


def text_key(value: Any) -> str | None:
    """Free text (a title) as compared: case, spacing, quotes and a leading 'the' folded."""
    if value is None or not str(value).strip():
        return None
    return normalise_name(unicodedata.normalize("NFC", str(value)))


def _strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def person_key(name: Any) -> tuple[str, ...] | None:
    """The words of a person's name, sorted: equal keys are the same family + given name."""
    if not name or not str(name).strip():
        return None
    words = _strip_accents(str(name)).casefold().translate(_NAME_PUNCT).split()
    while len(words) > 1 and words[0] in _HONORIFICS:
        words = words[1:]
    return tuple(sorted(words)) if words else None


def organisation_key(name: Any) -> str | None:
    """The canonical code of an organisation name, else its normalised surface text."""
    if name is None or not str(name).strip():
        return None
    text = unicodedata.normalize("NFC", str(name))
    return resolve_organisation(text) or normalise_name(text)


def _set_keys(field_name: str, values: Any) -> set[Any]:
    keys: set[Any] = set()
    for value in values or ():
        key: Any
        if field_name == "organisations":
            key = organisation_key(value)
        elif field_name == "resolutions":
            key = int(value) if str(value).strip().isdigit() else scalar_key(value)
        else:
            key = scalar_key(value)
        if key is not None:
            keys.add(key)
    return keys


# --- scoring ------------------------------------------------------------------------------


@dataclass
class Score:
    """Counts for one row of the report: accuracy (correct/total) or set overlap (tp/fp/fn)."""

    name: str
    kind: str  # "accuracy" | "f1"
    correct: int = 0
    total: int = 0
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def value(self) -> float | None:
        if self.kind == "accuracy":
            return self.correct / self.total if self.total else None
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def as_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"field": self.name, "metric": self.kind, "score": self.value}
        if self.kind == "accuracy":
            data.update(correct=self.correct, total=self.total)
        else:
            data.update(
                precision=self.precision, recall=self.recall, tp=self.tp, fp=self.fp, fn=self.fn
            )
        return data


@dataclass
class Evaluation:
    """Scores of a corpus, and every mismatch (document, field, gold, predicted)."""

    scores: dict[str, Score] = field(default_factory=dict)
    errors: list[dict[str, Any]] = field(default_factory=list)
    documents: int = 0

    def score(self, name: str, kind: str) -> Score:
        return self.scores.setdefault(name, Score(name, kind))

    def macro(self, names: Iterable[str]) -> float | None:
        values = [v for n in names if n in self.scores if (v := self.scores[n].value) is not None]
        return sum(values) / len(values) if values else None

    def as_dict(self) -> dict[str, Any]:
        return {
            "documents": self.documents,
            "macro": self.macro(GOLD_FIELDS),
            "macro_all": self.macro(self.scores),
            "fields": [self.scores[name].as_dict() for name in self.scores],
            "errors": self.errors,
        }


def _error(doc_id: str, field_name: str, gold: Any, predicted: Any) -> dict[str, Any]:
    return {"id": doc_id, "field": field_name, "gold": gold, "predicted": predicted}


def score_document(report: Evaluation, gold: Mapping[str, Any], pred: Mapping[str, Any]) -> None:
    """Add one document's comparison to ``report``."""
    doc_id = str(gold.get("id"))
    report.documents += 1
    for name in ACCURACY_FIELDS:
        score = report.score(name, "accuracy")
        score.total += 1
        if scalar_key(gold.get(name)) == scalar_key(pred.get(name)):
            score.correct += 1
        else:
            report.errors.append(_error(doc_id, name, gold.get(name), pred.get(name)))
    for name in PERSON_FIELDS:
        _score_people(report, doc_id, name, gold.get(name) or [], pred.get(name) or [])
    for name in SET_FIELDS:
        _score_set(report, doc_id, name, gold.get(name), pred.get(name))


def _score_set(report: Evaluation, doc_id: str, name: str, gold: Any, pred: Any) -> None:
    score = report.score(name, "f1")
    gold_keys, pred_keys = _set_keys(name, gold), _set_keys(name, pred)
    score.tp += len(gold_keys & pred_keys)
    score.fp += len(pred_keys - gold_keys)
    score.fn += len(gold_keys - pred_keys)
    if gold_keys != pred_keys:
        missing = [v for v in gold or () if _set_keys(name, [v]) - pred_keys]
        extra = [v for v in pred or () if _set_keys(name, [v]) - gold_keys]
        report.errors.append(
            {**_error(doc_id, name, gold, pred), "missing": missing, "extra": extra}
        )


def _person(value: Any) -> dict[str, Any]:
    return value if isinstance(value, Mapping) else {"name": value}  # type: ignore[return-value]


def _score_people(
    report: Evaluation, doc_id: str, name: str, gold: list[Any], pred: list[Any]
) -> None:
    score = report.score(name, "f1")
    attr_scores = {a: report.score(f"{name}.{a}", "accuracy") for a in PERSON_ATTRIBUTES}
    unmatched = [_person(p) for p in pred if person_key(_person(p).get("name"))]
    missing: list[Any] = []
    for raw in gold:
        person = _person(raw)
        key = person_key(person.get("name"))
        match = next((p for p in unmatched if person_key(p.get("name")) == key), None)
        if match is None:
            missing.append(person.get("name"))
            continue
        unmatched.remove(match)
        score.tp += 1
        for attr, attr_score in attr_scores.items():
            keyer: Callable[[Any], Any] = text_key if attr == "title" else organisation_key
            attr_score.total += 1
            if keyer(person.get(attr)) == keyer(match.get(attr)):
                attr_score.correct += 1
            else:
                report.errors.append(
                    _error(doc_id, f"{name}.{attr}", person.get(attr), match.get(attr))
                    | {"person": person.get("name")}
                )
    score.fn += len(missing)
    score.fp += len(unmatched)
    if missing or unmatched:
        extra = [p.get("name") for p in unmatched]
        report.errors.append(
            {
                **_error(doc_id, name, [_person(p).get("name") for p in gold], None),
                "predicted": [_person(p).get("name") for p in pred],
                "missing": missing,
                "extra": extra,
            }
        )


# --- corpus -------------------------------------------------------------------------------


def load_gold(path: Path) -> list[dict[str, Any]]:
    """The gold lines of a JSONL file (blank lines skipped); a bad line names its number."""
    lines: list[dict[str, Any]] = []
    try:
        content = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise InvalidInput(f"cannot read the gold file ({exc.strerror})", str(path)) from exc
    for number, line in enumerate(content.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InvalidInput(f"invalid JSON ({exc.msg})", f"{path}:{number}") from exc
        if not isinstance(item, dict) or not item.get("id"):
            raise InvalidInput("a gold line must be an object with an 'id'", f"{path}:{number}")
        lines.append(item)
    return lines


def document_file(docs: Path, doc_id: str) -> Path | None:
    """The file ``<id>.*`` (or ``<id>``) in ``docs``, ignoring ``.jsonl`` gold files."""
    candidates = sorted(
        p
        for p in docs.glob(f"{glob_escape(doc_id)}*")
        if (p.is_file() and p.stem == doc_id) or p.name == doc_id
    )
    candidates = [p for p in candidates if p.suffix != ".jsonl"]
    return candidates[0] if candidates else None


def glob_escape(text: str) -> str:
    return re.sub(r"([*?\[])", r"[\1]", text)


def empty_record() -> dict[str, Any]:
    """The record of a document that says nothing: null scalars, empty lists."""
    record: dict[str, Any] = dict.fromkeys(SCALAR_FIELDS)
    record.update({name: [] for name in (*PERSON_FIELDS, *SET_FIELDS)})
    record["women_count_named"] = 0
    return record


def predictions(
    gold: Iterable[Mapping[str, Any]], docs: Path
) -> Iterator[tuple[dict[str, Any], str | None]]:
    """For each gold line, the extracted record of its file and a note when it has none."""
    from wpstrack.documents import DocumentRejected, extract_record, read_path

    for item in gold:
        path = document_file(docs, str(item["id"]))
        if path is None:
            yield empty_record(), "no document file"
            continue
        try:
            document = read_path(path)
        except DocumentRejected as exc:
            yield empty_record(), f"rejected ({exc.reason})"
            continue
        try:
            yield extract_record(document), None
        except Exception as exc:  # a failing component must not hide the other documents' scores
            yield empty_record(), f"extraction failed: {type(exc).__name__}: {exc}"


def evaluate(
    gold: list[dict[str, Any]], predicted: Iterable[tuple[dict[str, Any], str | None]]
) -> Evaluation:
    """Score predicted records against gold lines, in the same order."""
    report = Evaluation()
    for item, (record, note) in zip(gold, predicted, strict=True):
        if note == "no document file":
            report.errors.append(_error(str(item["id"]), "document", "file", None))
        elif note and note.startswith("extraction failed"):
            report.errors.append(_error(str(item["id"]), "document", "a record", note))
        score_document(report, item, record)
    return report


def evaluate_folder(gold_path: Path, docs: Path) -> Evaluation:
    """Read, extract and score every document of a gold file."""
    if not docs.is_dir():
        raise InvalidInput("not a folder", str(docs))
    gold = load_gold(gold_path)
    return evaluate(gold, predictions(gold, docs))
