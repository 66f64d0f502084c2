"""Regular expressions and small parsers shared by the when-and-where components.

Official releases write dates, clock times and lengths in a handful of conventions
("March 18, 2024", "14 November", "05.12.2023", "令和6年7月30日"; "6:05p.m.", "17:30",
"10h00", "9.30am", "午後4時30分"; "approximately 1 hour and 30 minutes", "約45分間").
Everything is compiled once at import: the pipeline must run hundreds of documents a second.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

from wpstrack.extract import lexicon

MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("January", "Jan"),
            ("February", "Feb"),
            ("March", "Mar"),
            ("April", "Apr"),
            ("May",),
            ("June", "Jun"),
            ("July", "Jul"),
            ("August", "Aug"),
            ("September", "Sept", "Sep"),
            ("October", "Oct"),
            ("November", "Nov"),
            ("December", "Dec"),
        ),
        start=1,
    )
    for name in names
}
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

# Title case and capitals ("8 MARCH 2024"), never lower case: "may" is a verb.
_MONTH_ALT = "|".join(sorted({*MONTHS, *(m.upper() for m in MONTHS)}, key=len, reverse=True))
MONTH = rf"(?:(?:{_MONTH_ALT})\b\.?)"
WEEKDAY = "(?:" + "|".join(f"{d}|{d.upper()}|{d[:3]}\\." for d in WEEKDAYS) + ")"
_DAY = r"(?:[0-3]?\d)(?:st|nd|rd|th)?"
# French and Spanish months, lower case and day first: "5 mars 2024", "5 de marzo de 2024".
ROMANCE_MONTH = (
    "(?:" + "|".join(sorted(lexicon.months(), key=len, reverse=True)) + ")(?![^\\W\\d_])"
)
_YEAR = r"(?:19|20)\d\d"

# Each pattern below that scans whole texts starts with a lookahead on the characters a match
# can start with: the regex engine then passes over every other character at once.
DATE_RE = re.compile(
    rf"""
    (?=[A-Z\d令平])
    (?:(?P<wd>{WEEKDAY}),?\s+(?:the\s+)?)?
    (?:
        (?P<d1>{_DAY})(?:\s+of)?\s+(?P<m1>{MONTH})(?:,?\s+(?P<y1>{_YEAR}))?
      | (?P<m2>{MONTH})\s+(?P<d2>{_DAY})(?:,?\s+(?P<y2>{_YEAR}))?
      | (?P<d3>[0-3]?\d)[./-](?P<m3>[01]?\d)[./-](?P<y3>{_YEAR})
      | (?P<y4>{_YEAR})-(?P<m4>[01]\d)-(?P<d4>[0-3]\d)
      | (?:(?P<era>令和|平成)(?P<ey>\d{{1,2}}|元)年|(?P<y5>\d{{4}})年)?
        (?P<m5>\d{{1,2}})月(?P<d5>\d{{1,2}})日
      | (?P<d6>1er|[0-3]?\d)\s+(?:de\s+)?(?P<m6>{ROMANCE_MONTH})
        (?:\s+(?:de\s+|del\s+)?(?P<y6>{_YEAR}))?
    )
    (?![0-9A-Za-z/])
    """,
    re.VERBOSE,
)
RELATIVE_DAY_RE = re.compile(
    r"(?=[TtYy本昨AaHhDd])\b(?P<rel>[Tt]oday|[Yy]esterday|[Tt]omorrow|本日|昨日"
    r"|[Aa]ujourd['’]hui|[Hh]ier|[Dd]emain|[Hh]oy|[Aa]yer)\b"
)
ON_WEEKDAY_RE = re.compile(rf"\bon\s+(?P<wd>{WEEKDAY})\b(?!,?\s+(?:the\s+)?\d)")

_ERAS = {"令和": 2018, "平成": 1988}


@dataclass(frozen=True)
class DateMention:
    """A calendar date as written: year None where the text does not give one."""

    start: int
    end: int
    year: int | None
    month: int
    day: int
    weekday: str | None


def _month_number(text: str) -> int:
    word = text.rstrip(".").title()
    return MONTHS.get(word) or MONTHS[word[:3]]


def parse_date(match: re.Match[str]) -> DateMention | None:
    """The date of a :data:`DATE_RE` match, or None when it is not a valid calendar day."""
    g = match.groupdict()
    year: int | None
    if g["m1"] or g["m2"]:
        month = _month_number(g["m1"] or g["m2"])
        day = int((g["d1"] or g["d2"]).rstrip("stndrh"))
        raw_year = g["y1"] or g["y2"]
        year = int(raw_year) if raw_year else None
    elif g["m3"]:
        day, month, year = int(g["d3"]), int(g["m3"]), int(g["y3"])
    elif g["m4"]:
        day, month, year = int(g["d4"]), int(g["m4"]), int(g["y4"])
    elif g["m6"]:
        day, month = (1 if g["d6"] == "1er" else int(g["d6"])), lexicon.months()[g["m6"]]
        year = int(g["y6"]) if g["y6"] else None
    else:
        day, month = int(g["d5"]), int(g["m5"])
        if g["era"]:
            year = _ERAS[g["era"]] + (1 if g["ey"] == "元" else int(g["ey"]))
        else:
            year = int(g["y5"]) if g["y5"] else None
    try:
        date(year or 2000, month, day)
    except ValueError:
        return None
    return DateMention(match.start(), match.end(), year, month, day, g["wd"])


# Every date is written with a digit: where a text has none, the slow pattern is not run
# (the search for a digit is fast: it opens with a class).
_DIGIT_RE = re.compile(r"\d")


def may_hold_date(text: str, start: int = 0, end: int | None = None) -> bool:
    """False where :data:`DATE_RE` cannot match in ``text[start:end]`` (it has no digit)."""
    return _DIGIT_RE.search(text, start, len(text) if end is None else end) is not None


def iter_dates(text: str, start: int = 0, end: int | None = None) -> list[DateMention]:
    """Every valid date mention in ``text[start:end]``, in order."""
    found: list[DateMention] = []
    if not may_hold_date(text, start, end):
        return found
    for match in DATE_RE.finditer(text, start, len(text) if end is None else end):
        mention = parse_date(match)
        if mention is not None:
            found.append(mention)
    return found


def resolve_year(month: int, day: int, anchor: date | None) -> date | None:
    """The date nearest to ``anchor`` with that month and day (None without an anchor)."""
    if anchor is None:
        return None
    best: date | None = None
    for year in (anchor.year - 1, anchor.year, anchor.year + 1):
        try:
            candidate = date(year, month, day)
        except ValueError:
            continue
        if best is None or abs(candidate - anchor) < abs(best - anchor):
            best = candidate
    return best


def weekday_on_or_before(weekday: str, anchor: date) -> date:
    """The last ``weekday`` on or before ``anchor`` ("met ... on Tuesday" in a release)."""
    target = next(i for i, d in enumerate(WEEKDAYS) if d.lower().startswith(weekday[:3].lower()))
    return anchor - timedelta(days=(anchor.weekday() - target) % 7)


# ---------------------------------------------------------------- clock times
_AMPM = r"(?P<ap>[apAP])\.?\s?[mM]\b\.?"
_JA_TIME = r"(?P<jap>午前|午後)?(?P<jh>\d{1,2})時(?:(?P<jm>\d{1,2})分|(?P<jhalf>半))?"
TZ_ABBREVIATIONS = {
    # abbreviation: UTC offset in minutes, None where the region's IANA zone decides
    "JST": 540,
    "KST": 540,
    "UTC": 0,
    "GMT": 0,
    "BST": 60,
    "CET": 60,
    "CEST": 120,
    "EET": 120,
    "EEST": 180,
    "WET": 0,
    "WEST": 60,
    "MSK": 180,
    "EAT": 180,
    "CAT": 120,
    "WAT": 60,
    "IST": 330,
    "NPT": 345,
    "PKT": 300,
    "ICT": 420,
    "WIB": 420,
    "PHT": 480,
    "PHST": 480,
    "SGT": 480,
    "HKT": 480,
    "AWST": 480,
    "ACST": 570,
    "ACDT": 630,
    "AEST": 600,
    "AEDT": 660,
    "NZST": 720,
    "NZDT": 780,
    "EST": -300,
    "EDT": -240,
    "CST": -360,
    "CDT": -300,
    "MST": -420,
    "MDT": -360,
    "PST": -480,
    "PDT": -420,
    "ET": None,
    "CT": None,
    "MT": None,
    "PT": None,
}
_TZ_ALT = "|".join(sorted(TZ_ABBREVIATIONS, key=len, reverse=True))
# Japan time is also written out ("7:05 a.m. Japan time", "日本時間"): it is JST.
JAPAN_TIME = r"JST\b|Japan(?:ese)?\s+(?:[Ss]tandard\s+)?[Tt]ime|Tokyo\s+time|日本時間"
JAPAN_TIME_RE = re.compile(JAPAN_TIME)
TZ_RE = re.compile(rf"\s*\(?(?P<tz>{JAPAN_TIME}|(?:{_TZ_ALT})\b)")


def zone_name(written: str) -> str:
    """The tz_stated value of a written zone: the abbreviation, JST for Japan time."""
    return "JST" if JAPAN_TIME_RE.fullmatch(written) else written


TIME_RE = re.compile(
    rf"""
    (?=[\dnm午])(?<![0-9A-Za-z.:/,])
    (?:
        (?P<h12>1[0-2]|0?\d)(?:[:.](?P<m12>[0-5]\d))?\s?{_AMPM}
      | (?P<noon>12\s+noon|noon|midday)
      | (?P<h24>[01]?\d|2[0-3])(?P<sep>[:h])(?P<m24>[0-5]\d)(?![\d.:]\d)
      | (?P<hdot>[01]?\d|2[0-3])\.(?P<mdot>[0-5]\d)(?!\.?\d|\s?(?:per|%|million|billion))
      | {_JA_TIME}
    )
    """,
    re.VERBOSE,
)
# "at 13.30" needs its preposition: a bare "13.30" is as likely a number.
_DOT_CONTEXT_RE = re.compile(r"(?:\b(?:at|from|until|till|to|and)|[-–])\s*$")


@dataclass(frozen=True)
class TimeMention:
    start: int
    end: int
    hour: int
    minute: int
    meridiem: str | None  # "a", "p" or None for 24-hour and unmarked forms


def parse_time(text: str, match: re.Match[str]) -> TimeMention | None:
    """The clock time of a :data:`TIME_RE` match, or None where it is not one in context."""
    g = match.groupdict()
    if g["h12"] is not None:
        hour, minute, ap = int(g["h12"]) % 12, int(g["m12"] or 0), g["ap"].lower()
        hour += 12 if ap == "p" else 0
        return TimeMention(match.start(), match.end(), hour, minute, ap)
    if g["noon"]:
        return TimeMention(match.start(), match.end(), 12, 0, "p")
    if g["h24"] is not None:
        return TimeMention(match.start(), match.end(), int(g["h24"]), int(g["m24"]), None)
    if g["hdot"] is not None:
        if not _DOT_CONTEXT_RE.search(text, max(0, match.start() - 12), match.start()):
            return None
        return TimeMention(match.start(), match.end(), int(g["hdot"]), int(g["mdot"]), None)
    hour = int(g["jh"])
    if g["jap"] == "午後" and hour < 12:
        hour += 12
    minute = 30 if g["jhalf"] else int(g["jm"] or 0)
    return TimeMention(match.start(), match.end(), hour, minute, "p" if g["jap"] else None)


def iter_times(text: str, start: int = 0, end: int | None = None) -> list[TimeMention]:
    """Every clock time in ``text[start:end]``, in order."""
    return list(times_from(text, start, end))


def times_from(text: str, start: int = 0, end: int | None = None) -> Iterator[TimeMention]:
    """:func:`iter_times` one at a time, for a reader that stops at the one it wants (the
    search goes no further)."""
    for match in TIME_RE.finditer(text, start, len(text) if end is None else end):
        mention = parse_time(text, match)
        if mention is not None and mention.hour < 24:
            yield mention


_LINE_RE = re.compile(r"[^\n]+")


def paragraphs(text: str, start: int = 0) -> list[tuple[int, int]]:
    """Non-empty lines of ``text`` from ``start``, as (start, end) offsets."""
    if start == 0:
        return list(_all_paragraphs(text))
    return _paragraphs(text, start)


@lru_cache(maxsize=4)  # the header, the date, the place and the topics read the same text
def _all_paragraphs(text: str) -> tuple[tuple[int, int], ...]:
    return tuple(_paragraphs(text, 0))


def _paragraphs(text: str, start: int) -> list[tuple[int, int]]:
    # searched from ``start`` in place: the line pattern looks at nothing before it
    return [m.span() for m in _LINE_RE.finditer(text, start) if not m.group().isspace()]
