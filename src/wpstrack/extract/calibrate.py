"""Component ``calibrate``, the last step: each value's confidence becomes the share of
such values that were right on the gold sets.

The components state a confidence of their own (1.0, 0.75, 0.5 ...), which says how a
value was found rather than how often such values are right. ``wpstrack eval
--fit-calibration`` (:mod:`wpstrack.calibration`) scores every value of the gold sets by
its (field, method, stated confidence) and ships the table in ``calibration.json``; this
component looks each value up in it:

- a key seen on the gold sets gets the table's confidence: a cautious estimate of the share
  right (a lower bound, and never above the share on any one set);
- a key the table lacks, or a field no gold set can check (title, money ...), keeps the
  component's confidence but never above :data:`UNCHECKED_CEILING`, so that a value nobody
  measured is never offered as sure.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from functools import cache
from pathlib import Path
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc

from wpstrack.extract.model import ExtractionState, Mention, state

TABLE_PATH = Path(__file__).parent / "calibration.json"
# Below the 0.9 at which values are accepted without a look: unmeasured values stay in review.
UNCHECKED_CEILING = 0.85
_MAX_KNOWN = 4096  # keys a pipeline remembers (the corpora hold 85 field-method pairs)


def calibration_key(field: str, method: str, stated: float) -> str:
    """The table key of a value: its field, method and the confidence its component stated."""
    return f"{field}|{method}|{stated:.2f}"


@cache
def load_table(path: Path = TABLE_PATH) -> dict[str, Any]:
    """The shipped calibration table (empty when none is shipped yet)."""
    if not path.is_file():
        return {"keys": {}}
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def mentions(st: ExtractionState) -> Iterator[Mention]:
    """Every value a Doc holds: scalar, extra and list values."""
    yield from st.scalars.values()
    yield from st.extra.values()
    for items in st.lists.values():
        yield from items


def calibrated(mention: Mention, table: dict[str, Any]) -> float:
    """The confidence of ``mention`` after calibration."""
    entry = table["keys"].get(calibration_key(mention.field, mention.method, mention.confidence))
    if entry is not None and entry.get("judged"):
        return float(entry["confidence"])
    return min(mention.confidence, UNCHECKED_CEILING)


def create(nlp: Language, name: str) -> Callable[[Doc], Doc]:
    """The calibration component: replaces every stated confidence by the table's."""
    table = load_table()
    # (field, method, stated confidence) -> calibrated: a release holds dozens of values but
    # few such keys, and the table key is a formatted string built anew for each value
    known: dict[tuple[str, str, float], float] = {}

    def component(doc: Doc) -> Doc:
        seen: set[int] = set()
        for mention in mentions(state(doc)):
            if id(mention) not in seen:  # a value held twice is calibrated once
                seen.add(id(mention))
                key = (mention.field, mention.method, mention.confidence)
                confidence = known.get(key)
                if confidence is None:
                    if len(known) >= _MAX_KNOWN:
                        known.clear()
                    confidence = known[key] = calibrated(mention, table)
                mention.confidence = confidence
        return doc

    return component
