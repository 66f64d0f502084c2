"""Component ``duration``: how long the event lasted, in minutes, where the text says so.

A stated length ("for approximately 40 minutes", "for an hour", "lasted about an hour",
"1 hour and 30 minutes", "the two-hour meeting", "約45分間") in the sentence of the event
time wins; else the span of a stated range ("from 2:30pm to 4:30pm", "began at 10:05 a.m.
and ended at 1:17 p.m."); else the first stated length of the body. Lengths in days or
longer ("a two-day forum") are not durations in minutes and give nothing.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable

from spacy.language import Language
from spacy.tokens import Doc

from wpstrack.extract.model import ExtractionState, doc_text, state
from wpstrack.extract.sentences import sentence_bounds

_NUMBER_WORDS = {
    "a": 1,
    "an": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "fifteen": 15,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "forty-five": 45,
    "fifty": 50,
    "sixty": 60,
    "ninety": 90,
}
_NUM = r"(?:\d+(?:\.\d+)?|" + "|".join(sorted(_NUMBER_WORDS, key=len, reverse=True)) + ")"
_QUALIFIER = (
    r"(?:(?:approximately|approx\.|about|around|some|nearly|roughly|almost|over|just\s+over|"
    r"just\s+under|more\s+than|less\s+than|close\s+to|an\s+estimated)\s+)?"
)
_HALF = r"(?P<half>\s+and\s+a\s+half)?"
_HOURS = rf"(?P<h>{_NUM}){_HALF}\s*(?:-\s*)?(?:hours?|hrs?\.?)(?P<half2>\s+and\s+a\s+half)?"
_MINUTES = rf"(?P<m>{_NUM})\s*(?:-\s*)?(?:minutes?|mins?\.?)"
_AND_MINUTES = rf"(?:,?\s*(?:and\s+)?(?P<hm>{_NUM})\s*(?:minutes?|mins?\.?))?"
_LENGTH = rf"(?:{_HOURS}{_AND_MINUTES}|{_MINUTES}|(?P<halfhour>half\s+an\s+hour))"
# A length belongs to the event only in these frames: "for ...", "lasted ...", "a ...-long",
# "the two-hour meeting", "over ... of talks".
_STARTS = "".join(sorted({word[0] for word in _NUMBER_WORDS} | set("flto")))
STATED_RE = re.compile(
    rf"""
    (?=[\d{_STARTS}])  # what a match can start with: other characters are passed over fast
    (?:\b(?:for|lasted|lasting|lasts|took|of)\s+{_QUALIFIER}{_LENGTH}(?![\w-])
      | \b(?P<adj>{_NUM})-(?P<unit>hour|minute)(?:-long)?\s+(?=[a-z])
    )
    """,
    re.VERBOSE | re.IGNORECASE,
)
# French and Spanish: "pendant une heure", "durante 45 minutos", "pendant 1 heure 30".
_ROMANCE_NUMBERS = {"une": 1, "un": 1, "una": 1, "deux": 2, "dos": 2, "trois": 3, "tres": 3}
_ROMANCE_NUM = r"(?:\d+|une|un|una|deux|dos|trois|tres)"
ROMANCE_RE = re.compile(
    r"\b(?:pendant|durant|durante)\s+(?:environ\s+|aproximadamente\s+|unos\s+|unas\s+)?"
    rf"(?:(?P<rh>{_ROMANCE_NUM})\s+(?:heures?|horas?)(?P<rhalf>\s+(?:et\s+demie|y\s+media))?"
    rf"(?:\s+(?:et\s+|y\s+)?(?P<rhm>\d+)(?:\s+minut(?:es|os))?)?"
    rf"|(?P<rm>\d+)\s+minut(?:es|os))\b",
    re.IGNORECASE,
)
# The leading lookahead names what a match starts with (約 or a digit), so that the regex
# engine passes over the other characters fast instead of trying the optional 約 at each.
_JA_STRICT_RE = re.compile(
    r"(?=[約\d])約?(?:(?P<jh>\d+(?:\.\d+)?)時間(?P<jhalf>半)?(?:(?P<jm>\d+)分間?)?|(?P<jm2>\d+)分間)"
)


def _number(text: str | None) -> float:
    if not text:
        return 0.0
    lowered = text.lower()
    return float(_NUMBER_WORDS[lowered]) if lowered in _NUMBER_WORDS else float(lowered)


def _whole(minutes: float) -> float:
    """``minutes`` rounded; an infinite length (a 400-digit number) is kept as it is, for
    the state's range check to drop with a warning instead of ``round`` raising."""
    return round(minutes) if math.isfinite(minutes) else minutes


def minutes_of(match: re.Match[str]) -> float | None:
    """The length in minutes of a :data:`STATED_RE` or Japanese match."""
    g = match.groupdict()
    if g.get("adj"):
        amount = _number(g["adj"])
        return _whole(amount * (60 if g["unit"].lower() == "hour" else 1))
    if g.get("halfhour"):
        return 30
    if g.get("jh") is not None or g.get("jm2") is not None:
        hours = float(g.get("jh") or 0) + (0.5 if g.get("jhalf") else 0)
        return _whole(hours * 60 + float(g.get("jm") or g.get("jm2") or 0)) or None
    if g.get("h"):
        hours = _number(g["h"]) + (0.5 if g.get("half") or g.get("half2") else 0)
        return _whole(hours * 60 + _number(g.get("hm")))
    if g.get("m"):
        return _whole(_number(g["m"]))
    if g.get("rh"):
        word = g["rh"].lower()
        hours = _ROMANCE_NUMBERS.get(word) or float(word)
        return _whole(hours * 60 + (30 if g.get("rhalf") else 0) + float(g.get("rhm") or 0))
    if g.get("rm"):
        return _whole(float(g["rm"]))
    return None


# A unit is written in every stated length: where none is, neither pattern needs to run.
_UNIT_RE = re.compile(r"hour|hr|min|heure|hora|時間|分間", re.IGNORECASE)


# Each length pattern, with the words one of which its every match contains (None: no such
# test). The Japanese pattern opens with no fixed character, so the engine tried it at every
# character of every English text; a substring test first is far cheaper.
_LENGTH_PATTERNS: tuple[tuple[re.Pattern[str], tuple[str, ...] | None], ...] = (
    (STATED_RE, None),
    (_JA_STRICT_RE, ("時間", "分間")),
    (ROMANCE_RE, None),
)


def _stated(text: str, start: int, end: int) -> tuple[float, int, int] | None:
    """The first stated length in ``text[start:end]``: (minutes, start, end)."""
    if not _UNIT_RE.search(text, start, end):
        return None
    best: tuple[float, int, int] | None = None
    for regex, written in _LENGTH_PATTERNS:
        if written and all(text.find(word, start, end) < 0 for word in written):
            continue
        match = regex.search(text, start, end)
        if match:
            minutes = minutes_of(match)
            if minutes and (best is None or match.start() < best[1]):
                span_start = _length_start(match)
                best = (minutes, span_start, match.end())
    return best


def _length_start(match: re.Match[str]) -> int:
    """Where the length itself starts (after "for approximately")."""
    for group in ("adj", "halfhour", "h", "m", "jh", "jm2", "rh", "rm"):
        if match.groupdict().get(group):
            return match.start(group) if group not in ("jh", "jm2") else match.start()
    return match.start()


def _from_range(st: ExtractionState) -> tuple[float, int, int] | None:
    start = st.scalars.get("start_time_local")
    end = st.extra.get("end_time_local")
    if start is None or end is None:
        return None
    minutes = _clock(end.value) - _clock(start.value)
    if minutes <= 0:
        minutes += 24 * 60
    return minutes, start.start, end.end


def _clock(value: str) -> int:
    hour, minute = value.split(":")
    return int(hour) * 60 + int(minute)


def create(nlp: Language, name: str) -> Callable[[Doc], Doc]:
    """The duration component."""

    def component(doc: Doc) -> Doc:
        text = doc_text(doc)
        st = state(doc)
        body_start = st.release_date_span[1] if st.release_date_span else 0
        time = st.scalars.get("start_time_local")
        found = None
        method = "duration.stated"
        if time is not None:
            found = _stated(text, *sentence_bounds(text, time.start))
        if found is None:
            found = _from_range(st)
            method = "duration.range"
        if found is None:
            found = _stated(text, body_start, len(text))
            method = "duration.stated_body"
        if found is not None:
            minutes, start, end = found
            st.set("duration_minutes", minutes, start, end, method)
        return doc

    return component
