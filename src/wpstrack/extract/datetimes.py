"""Component ``datetime``: the event's date, local start time, its zone, and the stated JST.

Conventions handled: the first event time of the body ("commencing at 6:05p.m.", "from
2:30pm to 4:30pm", "at 9.30am AEDT", "10h00", "午後4時30分"); what qualifies it (a
"(local time; March 19, 7:05a.m. JST)" bracket, "(local time)", an abbreviation as written);
the event date from the sentence of that time, else from the body's "On 21 May",
"today (Tuesday 14 November)", "yesterday", "on Tuesday", else the release's date line. A
date without a year takes the year that puts it nearest the release date; without a release
date it stays unknown (null).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, timedelta

from spacy.language import Language
from spacy.tokens import Doc

from wpstrack.extract.model import ExtractionState, doc_text, state
from wpstrack.extract.patterns import (
    DATE_RE,
    JAPAN_TIME_RE,
    ON_WEEKDAY_RE,
    RELATIVE_DAY_RE,
    TZ_RE,
    DateMention,
    TimeMention,
    iter_dates,
    iter_times,
    paragraphs,
    parse_date,
    resolve_year,
    times_from,
    weekday_on_or_before,
    zone_name,
)
from wpstrack.extract.sentences import sentence_bounds

# A clock time in a header after "|" or "Published" is when the page was posted.
_POSTED_RE = re.compile(r"(?:\||Published|Updated|Posted|Last modified)[^\n]{0,30}$")
_RANGE_JOIN_RE = re.compile(r"\s*(?:to|until|till|through|-|–|—|から|～|〜)\s*")
_END_CUE_RE = re.compile(
    r"\b(?:ended|ends|end|finished|closed|concluded|adjourned|runs|ran|lasted|continued)"
    r"(?:\s+(?:at|until|till))?\s*$|\buntil\s*$"
)
_LOCAL_RE = re.compile(
    r"\s*(?P<local>local(?:\s+time)?|heure locale|hora local|現地時間)", re.IGNORECASE
)
_JA_JST_RE = re.compile(r"日本時間(?:(?P<m>\d{1,2})月)?(?:(?P<d>\d{1,2})日)?")
# "at 10 a.m. local time" without a bracket
_LOCAL_AFTER_RE = re.compile(r",?\s*(?P<local>local\s+time|heure\s+locale|hora\s+local|現地時間)")
# Japanese writes it first: "現地時間3月18日午後6時5分"
_LOCAL_BEFORE_RE = re.compile(r"(?P<local>現地時間)[^、。]{0,12}$")
# A Japanese lead opens with the event's date: "1　8月5日、…", "6月10日（現地時間同日）、…".
_JA_LEAD_RE = re.compile(r"(?m)^[ \t\u3000]*(?:[0-9０-９]{1,2}[ \t\u3000.．]*)?$")
_OPEN_PAREN_RE = re.compile(r"\s*\(\s*")
# French and Spanish put an article before the day: "le 5 mai", "el 5 de mayo".
_ON_RE = re.compile(r"(?:\b(?:[Oo]n|[Ff]rom|[Bb]etween|[Ll]e|[Ee]l)\s+(?:the\s+)?|現地時間\s*)$")
# "from 15 to 17 July", "15-17 July": the first day of a stated span is written bare.
_FIRST_DAY_RE = re.compile(
    r"(?:\b(?:[Ff]rom|[Bb]etween)\s+|(?<![\d.,:]))(?P<d>[0-3]?\d)(?:st|nd|rd|th)?"
    r"\s*(?:to|and|until|-|–)\s*$"
)
_RANGE_JOIN_RE = re.compile(r"\s*(?:to|until|till|-|–|—|〜|～|から)\s*")
_BODY_DATE_LINES = 3
_DATE_LABEL_RE = re.compile(
    r"(?m)^[ \t]*(?:Date|When)[ \t]*:[ \t]*"
)  # "On 21 May", "today (...)": the lead of the body says when


def _hhmm(hour: int, minute: int) -> str:
    return f"{hour:02d}:{minute:02d}"


def _first_event_time(text: str, start: int) -> TimeMention | None:
    for mention in times_from(text, start):
        line_start = text.rfind("\n", 0, mention.start) + 1
        if not _POSTED_RE.search(text, line_start, mention.start):
            return mention
    return None


def _range_end(text: str, first: TimeMention, sentence_end: int) -> TimeMention | None:
    """The end of "from X to Y", "X - Y", "began at X ... and ended at Y" (same sentence)."""
    position = first.end
    zone = TZ_RE.match(text, position)
    if zone and zone.group("tz") != "JST":
        position = zone.end()
    join = _RANGE_JOIN_RE.match(text, position)
    if join:
        for mention in iter_times(text, join.end(), min(sentence_end, join.end() + 20)):
            if mention.start == join.end():
                return mention
    for mention in iter_times(text, first.end, sentence_end):
        if _END_CUE_RE.search(text, max(first.end, mention.start - 30), mention.start):
            return mention
    return None


def _twelve_hour_fix(first: TimeMention, end: TimeMention | None) -> int:
    """ "from 2:30 to 4:30 p.m.": an unmarked start takes the end's p.m. when that fits."""
    unmarked = end is not None and first.meridiem is None and first.hour < 12
    if unmarked and end is not None and end.meridiem == "p" and first.hour + 12 <= end.hour:
        return first.hour + 12
    return first.hour


def _bracket(text: str, position: int) -> tuple[int, int] | None:
    """The parenthesis opening at ``position`` (after spaces), as (start, end) offsets."""
    match = re.compile(r"\s*[(（]").match(text, position)
    if not match:
        return None
    close = re.compile(r"[)）]").search(text, match.end(), match.end() + 200)
    return (match.end(), close.start()) if close else None


def _jst_in(text: str, start: int, end: int) -> tuple[TimeMention, DateMention | None] | None:
    """The JST time stated inside a bracket, with the date written next to it."""
    if not JAPAN_TIME_RE.search(text, start, end):
        return None
    times = iter_times(text, start, end)
    if not times:
        return None
    chosen = times[0]
    for index, mention in enumerate(times):
        zone = TZ_RE.match(text, mention.end)
        if zone and zone_name(zone.group("tz")) == "JST":
            chosen = mention
            if index and _RANGE_JOIN_RE.fullmatch(text, times[index - 1].end, mention.start):
                chosen = times[index - 1]  # "from 22:30 to 23:15 JST": the zone ends a range
            break
    dates = iter_dates(text, start, end)
    nearest = min(
        dates,
        key=lambda d: abs(d.start - chosen.end) if d.start >= chosen.end else chosen.start - d.end,
        default=None,
    )
    if nearest is None:
        ja = _JA_JST_RE.search(text, start, end)
        if ja and ja.group("d"):
            nearest = DateMention(
                ja.start(), ja.end(), None, int(ja.group("m") or 0), int(ja.group("d")), None
            )
    return chosen, nearest


def _jst_date(
    local: date, local_minutes: int, jst: TimeMention, stated: DateMention | None
) -> date:
    """The JST calendar day: as stated, else the one that keeps the offset plausible."""
    if stated is not None:
        month = stated.month or local.month
        resolved = (
            date(stated.year, month, stated.day)
            if stated.year
            else resolve_year(month, stated.day, local)
        )
        if resolved is not None:
            return resolved
    delta = jst.hour * 60 + jst.minute - local_minutes
    if delta < -6 * 60:  # Japan is at most a few hours behind any local clock
        return local + timedelta(days=1)
    if delta > 19 * 60:
        return local - timedelta(days=1)
    return local


def _resolve(mention: DateMention, anchor: date | None) -> date | None:
    if mention.year:
        return date(mention.year, mention.month, mention.day)
    return resolve_year(mention.month, mention.day, anchor)


def _date_in_sentence(
    text: str,
    st: ExtractionState,
    time: TimeMention,
    bounds: tuple[int, int],
    skip: tuple[int, int] | None,
) -> bool:
    """Set the date from the sentence of the event time; True when one was found."""
    start, end = bounds
    before = [d for d in iter_dates(text, start, time.start)]
    after = [
        d for d in iter_dates(text, time.end, end) if not (skip and skip[0] <= d.start < skip[1])
    ]
    relative = [m for m in RELATIVE_DAY_RE.finditer(text, start, end)]
    if before or after:
        mention = before[-1] if before else after[0]
        value = _resolve(mention, st.release_date)
        if value is not None:
            st.set("date", value.isoformat(), mention.start, mention.end, "datetime.event_sentence")
        return True
    if relative and st.release_date is not None:
        return _set_relative(st, relative[0])
    return False


_SHIFTS = {
    "today": 0,
    "本日": 0,
    "yesterday": -1,
    "昨日": -1,
    "tomorrow": 1,
    "aujourd'hui": 0,
    "aujourd’hui": 0,
    "hier": -1,
    "demain": 1,
    "hoy": 0,
    "ayer": -1,
}


def _set_relative(st: ExtractionState, match: re.Match[str]) -> bool:
    if st.release_date is None:
        return False
    value = st.release_date + timedelta(days=_SHIFTS[match.group("rel").lower()])
    st.set("date", value.isoformat(), match.start(), match.end(), "datetime.relative_day")
    return True


Candidate = tuple[date, int, int, str]


def _lead_candidates(text: str, st: ExtractionState, start: int, end: int) -> list[Candidate]:
    """Dates the lead states: "On 21 May", "today (Tuesday 14 November)", "on Tuesday"."""
    found: list[Candidate] = []
    for mention in iter_dates(text, start, end):
        value = _resolve(mention, st.release_date)
        first = _FIRST_DAY_RE.search(text, max(0, mention.start - 20), mention.start)
        if value and first and int(first.group("d")) < value.day:
            value = value.replace(day=int(first.group("d")))
            found.append((value, first.start("d"), mention.end, "datetime.first_day"))
        elif value and (
            _ON_RE.search(text, max(0, mention.start - 10), mention.start)
            or (
                "月" in text[mention.start : mention.end]
                and _JA_LEAD_RE.search(text, max(0, mention.start - 10), mention.start)
            )
        ):
            found.append((value, mention.start, mention.end, "datetime.on_date"))
    if st.release_date is None:
        return found
    for match in RELATIVE_DAY_RE.finditer(text, start, end):
        stated = DATE_RE.match(text, _after_paren(text, match.end()))
        parsed = parse_date(stated) if stated else None
        value = _resolve(parsed, st.release_date) if parsed else None
        if parsed is not None and value is not None:
            found.append((value, parsed.start, parsed.end, "datetime.relative_day"))
        else:
            shift = _SHIFTS[match.group("rel").lower()]
            value = st.release_date + timedelta(days=shift)
            found.append((value, match.start(), match.end(), "datetime.relative_day"))
    for match in ON_WEEKDAY_RE.finditer(text, start, end):
        value = weekday_on_or_before(match.group("wd"), st.release_date)
        found.append((value, match.start("wd"), match.end("wd"), "datetime.weekday"))
    return found


def _labelled_date(text: str, st: ExtractionState, body_start: int) -> Candidate | None:
    """A media advisory's "Date: Wednesday, December 3, 2025" line below the date line."""
    for label in _DATE_LABEL_RE.finditer(text, body_start):
        match = DATE_RE.match(text, label.end())
        parsed = parse_date(match) if match else None
        value = _resolve(parsed, st.release_date) if parsed else None
        if parsed is not None and value is not None:
            return value, parsed.start, parsed.end, "datetime.date_label"
    return None


def _date_from_body(text: str, st: ExtractionState, body_start: int) -> None:
    """A labelled date, else the first date the lead states, else the release's date line."""
    labelled = _labelled_date(text, st, body_start)
    lines = paragraphs(text, body_start)[:_BODY_DATE_LINES]
    candidates = _lead_candidates(text, st, lines[0][0], lines[-1][1]) if lines else []
    candidates = [labelled] if labelled else candidates
    if candidates:
        value, start, end, method = min(candidates, key=lambda c: c[1])
        st.set("date", value.isoformat(), start, end, method)
    elif st.release_date is not None and st.release_date_span is not None:
        start, end = st.release_date_span
        st.set("date", st.release_date.isoformat(), start, end, "datetime.release_date", 0.6)


def _after_paren(text: str, position: int) -> int:
    """Where a date may start in "today (Tuesday 14 November)"; end of text when no bracket."""
    match = _OPEN_PAREN_RE.match(text, position)
    return match.end() if match else len(text)


def create(nlp: Language, name: str) -> Callable[[Doc], Doc]:
    """The date-and-time component."""

    def component(doc: Doc) -> Doc:
        text = doc_text(doc)
        st = state(doc)
        body_start = st.release_date_span[1] if st.release_date_span else 0
        time = _first_event_time(text, body_start)
        bracket = None
        if time is not None:
            bounds = sentence_bounds(text, time.start)
            end = _range_end(text, time, bounds[1])
            hour = _twelve_hour_fix(time, end)
            st.set(
                "start_time_local", _hhmm(hour, time.minute), time.start, time.end, "datetime.clock"
            )
            if end is not None:
                st.set(
                    "end_time_local",
                    _hhmm(end.hour, end.minute),
                    end.start,
                    end.end,
                    "datetime.range",
                )
            bracket = _qualify(text, st, time, end, hour)
            if not _date_in_sentence(text, st, time, bounds, bracket):
                _date_from_body(text, st, body_start)
        else:
            _date_from_body(text, st, body_start)
        _stated_jst(text, st, time, bracket)
        return doc

    return component


def _qualify(
    text: str, st: ExtractionState, time: TimeMention, end: TimeMention | None, hour: int
) -> tuple[int, int] | None:
    """Set tz_stated from what follows the time (or its range); return the bracket's span."""
    position = time.end
    for candidate in (time.end, end.end if end else None):
        if candidate is None:
            continue
        zone = TZ_RE.match(text, candidate)
        if zone:
            written = zone_name(zone.group("tz"))
            st.set("tz_stated", written, zone.start("tz"), zone.end("tz"), "datetime.zone")
            position = zone.end()
            break
    if end is not None and position == time.end:
        position = end.end
    local = _LOCAL_AFTER_RE.match(text, position) or _LOCAL_BEFORE_RE.search(
        text, max(0, time.start - 16), time.start
    )
    if local and st.get("tz_stated") is None:
        st.set(
            "tz_stated", "local", local.start("local"), local.end("local"), "datetime.local_time"
        )
        position = max(position, local.end())
    bracket = _bracket(text, position)
    if bracket is None:
        return None
    local = _LOCAL_RE.match(text, bracket[0])
    if local and st.get("tz_stated") is None:
        st.set(
            "tz_stated", "local", local.start("local"), local.end("local"), "datetime.local_time"
        )
    if not JAPAN_TIME_RE.search(text, *bracket):
        # "(local time) (7:05 a.m. on March 19, JST)": the Japan time in a second bracket
        second = _bracket(text, bracket[1] + 1)
        if second is not None and JAPAN_TIME_RE.search(text, *second):
            return second
    return bracket


def _stated_jst(
    text: str, st: ExtractionState, time: TimeMention | None, bracket: tuple[int, int] | None
) -> None:
    """start_time_jst: the JST time of the bracket, or the event time itself when it is JST."""
    local_value = st.get("date")
    if time is None or local_value is None:
        return
    local_day = date.fromisoformat(local_value)
    local_minutes = _minutes(st.get("start_time_local"))
    if st.get("tz_stated") == "JST":
        mention = st.scalars["start_time_local"]
        st.set(
            "start_time_jst",
            f"{local_value}T{mention.value}",
            mention.start,
            mention.end,
            "datetime.jst",
        )
        return
    if bracket is None:
        return
    found = _jst_in(text, *bracket)
    if found is None:
        return
    jst, stated = found
    day = _jst_date(local_day, local_minutes, jst, stated)
    st.set(
        "start_time_jst",
        f"{day.isoformat()}T{_hhmm(jst.hour, jst.minute)}",
        jst.start,
        jst.end,
        "datetime.jst_bracket",
    )


def _minutes(value: str | None) -> int:
    if not value:
        return 0
    hour, minute = value.split(":")
    return int(hour) * 60 + int(minute)
