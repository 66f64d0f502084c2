"""Where a Japanese release's event took place, from the phrase that says so.

MOFA states the place in the body with a few particles: ``<place>において`` / ``<place>で開催``
("ニューヨークの国連本部において", "ウガンダの首都カンパラにおいて"), ``<country>を訪問中の``
("ヨルダンを訪問中の松本政務官"). The analyser marks the place words (名詞,固有名詞,地名); a city
is looked up in the gazetteer's Japanese names (its country follows), a state in the
Japanese glossary. A ministry or state guest house in Tokyo ("外務省において", "飯倉公館")
places the event in Japan without naming a city, as a reader would.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

from wpstrack import japanese
from wpstrack.extract.gazetteer import City, Gazetteer
from wpstrack.extract.japanese_names import terms

_CUES = r"において|にて|で開催|で行われ|を訪問中|を訪問し|を訪れ"
_PLACE_CHARS = 30  # the most a place phrase may hold
_CUE_RE = re.compile(rf"(?P<place>[^、，。\n]{{1,{_PLACE_CHARS}}}?)(?:{_CUES})")
_CUE_WORD_RE = re.compile(_CUES)


@dataclass(frozen=True)
class Place:
    """A stated place: a city (with its country) or a country alone, and where it is written."""

    city: City | None
    country: str
    start: int
    end: int


def find(gaz: Gazetteer, text: str, start: int = 0) -> Place | None:
    """The first place the lead states with a place particle (body from ``start``).

    Only the lead's first sentence: later ones give background ("ガザ地区やスーダンにおいて
    ..."), and a telephone talk with no stated place must stay without one.
    """
    venues: dict[str, str] = terms()["venues"]
    stop = text.find("。", start)
    end = len(text) if stop < 0 else stop + 1
    for match in _cue_phrases(text, start, end):
        phrase, offset = match.group("place"), match.start("place")
        city_place = country_place = None
        for surface, word_start, word_end in _place_words(phrase):
            s, e = offset + word_start, offset + word_end
            city = gaz.cjk_city(surface) or gaz.cjk_city(
                re.sub("[都府県市]$", "", surface)  # "東京都" is Tokyo
            )
            english = terms()["countries"].get(surface)
            if english is not None and gaz.country(english):
                country_place = country_place or Place(None, str(gaz.country(english)), s, e)
            elif city is not None and city_place is None:
                e += text[e : e + 1] in ("都", "府")  # the span is the name as written: 東京都
                city_place = Place(city, city.country, s, e)
        venue = next((v for v in venues if v in phrase), None)
        if venue is not None and country_place is None:
            s = offset + phrase.index(venue)
            country_place = Place(None, venues[venue], s, s + len(venue))
        found = city_place or country_place
        if found is not None:
            return found
    return None


def _cue_phrases(text: str, start: int, end: int) -> Iterator[re.Match[str]]:
    """``_CUE_RE.finditer(text, start, end)``, the pattern run only near its cue words.

    A phrase ends where its cue begins, so no match starts more than ``_PLACE_CHARS`` before
    the first cue word after the last match: the search starts there, not at every character
    of the sentence (for each of which the pattern tried every phrase length and cue).
    """
    at = start
    while True:
        cue = _CUE_WORD_RE.search(text, at, end)
        if cue is None:
            return
        match = _CUE_RE.search(text, max(at, cue.start() - _PLACE_CHARS), end)
        if match is None:
            return
        yield match
        at = match.end()


@lru_cache(maxsize=1024)
def _place_words(phrase: str) -> tuple[tuple[str, int, int], ...]:
    """(surface, start, end) of the place words (名詞,固有名詞,地名) of a phrase, in its parts
    ("東京都千代田区"): kept per phrase, as the same venues are stated release after release."""
    return tuple(
        (token.surface, token.start, token.end)
        for token in japanese.tokens(phrase, "A")
        if token.pos[2] == "地名"
    )
