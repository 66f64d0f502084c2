"""What the extraction components share: the gold field list, mentions, and the state on a Doc.

Every component reads the document text (:func:`doc_text`, ``doc.text`` read once) and
writes into ``doc._.wps``, an :class:`ExtractionState`. A value always goes in with the
character span it came from and the name of the method that found it, so that reviewers can
see why a value was proposed.
Offsets are into the document's text (:func:`doc_text`), the clean text stored for it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from spacy.tokens import Doc

from wpstrack.limits import NUMBER_RANGES

# Scalar fields of the gold format, in the order the corpus README lists them.
SCALAR_FIELDS = (
    "date",
    "start_time_local",
    "tz_stated",
    "start_time_jst",
    "duration_minutes",
    "city",
    "country",
    "event_type",
)
PERSON_FIELDS = ("principal_actors", "other_participants")
SET_FIELDS = ("organisations", "resolutions", "topics")
GOLD_FIELDS = (*SCALAR_FIELDS, *PERSON_FIELDS, *SET_FIELDS, "women_count_named")

EVENT_TYPES = (
    "dialogue",
    "meeting",
    "bilateral_meeting",
    "courtesy_call",
    "telephone_talk",
    "video_conference",
    "speech",
    "statement",
    "conference",
    "signing",
    "visit",
    "exchange_of_notes",
    "other",
)
TOPICS = (
    "WPS",
    "gender_equality",
    "participation",
    "protection",
    "prevention",
    "relief_recovery",
    "funding",
    "human_security",
    "disaster",
    "refugees",
    "peacekeeping",
    "other",
)
# Which WPS pillar each topic feeds (topics outside the pillars map to none).
TOPIC_PILLARS = {
    "participation": "participation",
    "prevention": "prevention",
    "protection": "protection",
    "relief_recovery": "relief_recovery",
    "refugees": "relief_recovery",
    "disaster": "relief_recovery",
}


@dataclass
class Mention:
    """One value found in the text, with where it came from and how."""

    field: str
    value: Any
    start: int
    end: int
    method: str
    confidence: float = 1.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "field": self.field,
            "value": self.value,
            "start": self.start,
            "end": self.end,
            "method": self.method,
            "confidence": self.confidence,
        }


@dataclass
class ExtractionState:
    """Everything the components have found so far in one document.

    ``scalars`` holds the chosen value of each scalar field; ``lists`` the items of each list
    field in document order; ``extra`` the fields outside the gold format (money,
    commitments, UTC instant, IANA zone, title...). Components may read what earlier
    components (per their ``requires``) wrote.
    """

    language: str = "en"
    release_date: date | None = None  # the publication / dateline date, when stated
    release_date_span: tuple[int, int] | None = None
    scalars: dict[str, Mention] = field(default_factory=dict)
    lists: dict[str, list[Mention]] = field(default_factory=dict)
    extra: dict[str, Mention] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    def set(
        self,
        name: str,
        value: Any,
        start: int,
        end: int,
        method: str,
        confidence: float = 1.0,
    ) -> Mention:
        """Choose ``value`` for the scalar field ``name`` (replacing an earlier choice);
        a number outside its plausible range is dropped with a warning."""
        mention = Mention(name, value, start, end, method, confidence)
        if not self.plausible(mention):
            return mention
        if name in SCALAR_FIELDS:
            self.scalars[name] = mention
        else:
            self.extra[name] = mention
        return mention

    def add(
        self,
        name: str,
        value: Any,
        start: int,
        end: int,
        method: str,
        confidence: float = 1.0,
    ) -> Mention:
        """Append an item to the list field ``name`` (a number outside its plausible range
        is dropped with a warning)."""
        mention = Mention(name, value, start, end, method, confidence)
        if not self.plausible(mention):
            return mention
        self.lists.setdefault(name, []).append(mention)
        return mention

    def plausible(self, mention: Mention) -> bool:
        """False, with a warning and a ``dropped_number`` mention at its span, when the
        mention is a number outside the range :data:`NUMBER_RANGES` gives its field."""
        if mention.field not in NUMBER_RANGES:
            return True
        value = mention.value
        number = value.get("amount") if isinstance(value, dict) else value
        low, high = NUMBER_RANGES[mention.field]
        if isinstance(number, int | float) and math.isfinite(number) and low <= number <= high:
            return True
        shown = f"{number:.6g}" if isinstance(number, int | float) else repr(number)
        self.warnings.append(
            f"{mention.field} {shown} is outside the plausible range {low:g} to {high:g}: dropped"
        )
        dropped = {"field": mention.field, "value": shown}
        self.add("dropped_number", dropped, mention.start, mention.end, "range_check", 0.0)
        return False

    def get(self, name: str) -> Any:
        """The chosen value of a scalar or extra field, or None."""
        mention = self.scalars.get(name) or self.extra.get(name)
        return mention.value if mention else None

    def items(self, name: str) -> list[Any]:
        """The values of a list field in document order."""
        return [m.value for m in self.lists.get(name, [])]


_STATE_KEY = "wpstrack_state"  # the same object as ``doc._.wps``, read without spaCy's ``_``


def state(doc: Doc) -> ExtractionState:
    """The extraction state of ``doc`` (``doc._.wps``), created on first use.

    Every component asks for it: reading ``doc._`` builds an accessor object each time
    (7 µs), a plain ``user_data`` key holding the same object costs a dictionary lookup.
    """
    current = doc.user_data.get(_STATE_KEY)
    if current is None:
        current = doc._.wps
        if current is None:
            current = ExtractionState()
            doc._.wps = current
        doc.user_data[_STATE_KEY] = current
    return current


def doc_text(doc: Doc) -> str:
    """``doc.text``, kept in ``doc.user_data``: spaCy rebuilds it from the tokens on every read."""
    cached = doc.user_data.get("wpstrack_text")
    if not isinstance(cached, str):  # a Doc's tokens, hence its text, never change
        cached = doc.text
        doc.user_data["wpstrack_text"] = cached
    return cached


def ensure_extension() -> None:
    """Register the ``Doc._.wps`` attribute (called by the pipeline builder, not on import)."""
    if not Doc.has_extension("wps"):
        Doc.set_extension("wps", default=None)
