"""Reading people's names, offices and affiliations the way official English writes them.

Used by the ``people`` component. Everything here is a pure function over a string, so that
each convention can be tested on its own: MOFA's ``Ms. KAMIKAWA Yoko`` (family name in
capitals first), ``H.E. Ms. Retno Marsudi``, ranks used as honorifics, ``the Hon. ... MP``,
``Minister X of <country>``, ``<Country>'s Minister X``, acronyms expanded in the text
(``United Nations Population Fund (UNFPA)``).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from wpstrack.extract import lexicon
from wpstrack.extract.gazetteer import CONTINENTS, country_name, multiword_city_names

# Honorifics that mark a woman by themselves.
FEMALE_HONORIFICS = lexicon.gendered("female")
MALE_HONORIFICS = lexicon.gendered("male")
# The vocabularies of names and offices (lexicon/people.yaml, where each is explained).
PEER_TITLES = lexicon.words("people", "peer_titles")
RANKS = lexicon.ordered("people", "ranks")
POSTNOMINALS = lexicon.words("people", "postnominals")
PARTICLES = lexicon.words("people", "particles")
TITLE_HEADS = lexicon.words("people", "title_heads")
# Capitalised words found in offices and organisation names: never part of a person's name.
TITLE_WORDS = TITLE_HEADS | lexicon.words("people", "title_words")
HEADLINE_VERBS = lexicon.words("people", "headline_verbs")
DEMONYMS = lexicon.table("people", "demonyms")


def is_place_word(word: str) -> bool:
    """Whether one capitalised word names a country or continent."""
    return word in CONTINENTS or country_name(word) is not None


@dataclass
class ParsedName:
    """A person's name split into parts, with what the honorific says about them."""

    given: str
    family: str
    honorific: str | None = None

    @property
    def display(self) -> str:
        """``Given FAMILY`` order with the family name as written ("Baroness X" for peers)."""
        if not self.given and self.honorific in PEER_TITLES:
            return f"{self.honorific.capitalize()} {self.family}"
        return f"{self.given} {self.family}".strip()


def _is_caps(word: str) -> bool:
    """All capitals, as MOFA writes family names (KAMIKAWA)."""
    letters = [c for c in word if c.isalpha()]
    return len(letters) >= 2 and all(c.isupper() for c in letters)


def parse_name(raw: str, honorific: str | None = None) -> ParsedName | None:
    """Split a written name; MOFA's ``FAMILY Given`` capitals are turned round."""
    words = [w for w in re.split(r"[ \xa0]+", raw.strip()) if w and w not in POSTNOMINALS]
    if not words:
        return None
    if len(words) >= 2 and _is_caps(words[0]) and not _is_caps(words[-1]):
        family = words[0]
        return ParsedName(" ".join(words[1:]), family, honorific)
    if len(words) == 1:
        return ParsedName("", words[0], honorific)
    family_start = len(words) - 1
    while family_start > 0 and words[family_start - 1].lower() in PARTICLES:
        family_start -= 1  # "Minister Van Dijk": a particle alone before it is no given name
    return ParsedName(" ".join(words[:family_start]), " ".join(words[family_start:]), honorific)


def is_title_word(word: str) -> bool:
    """A word of offices or bodies ("Partnerships" counts as "partnership")."""
    low = word.lower().strip("'’")
    return low in TITLE_WORDS or (low.endswith("s") and low[:-1] in TITLE_WORDS)


def name_words_ok(words: list[str]) -> bool:
    """Whether capitalised words can be a person's name (no office, organisation or place)."""
    if not words or not all(name_word_ok(word) for word in words):
        return False
    return _plain(" ".join(words)) not in multiword_city_names()


@lru_cache(maxsize=1 << 16)  # capitalised words recur from release to release
def name_word_ok(word: str) -> bool:
    """Whether one word can be part of a person's name (a particle, or a capitalised word
    that is no office, place or nationality)."""
    if word.lower() in PARTICLES:
        return True
    low = word.lower().strip("'’")
    if not word[0].isupper() or low in TITLE_WORDS or (low[:-1] in TITLE_WORDS and low[-1] == "s"):
        return False
    if low in HEADLINE_VERBS:
        return False
    if low in DEMONYMS or (low[-1] == "s" and low[:-1] in DEMONYMS):  # "Malians Abroad"
        return False
    return not (word.endswith(("'s", "’s")) or is_place_word(word))


def _plain(text: str) -> str:
    """The text without accents, to compare with gazetteer names."""
    if text.isascii():
        return text  # nothing to decompose
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def smart_title(text: str) -> str:
    """Title-case an all-capitals line, keeping the small words of offices in lower case."""
    small = {"of", "for", "the", "to", "and", "on", "in", "at", "by", "a", "an"}
    out = []
    for index, word in enumerate(text.split(" ")):
        low = word.lower()
        if index and low in small:
            out.append(low)
        elif re.fullmatch(r"(?:[A-Z]\.)+", word):
            out.append(word)
        else:
            out.append("-".join(part[:1].upper() + part[1:].lower() for part in word.split("-")))
    result = " ".join(out)
    return result if len(result) == len(text) else text
