"""Names written in Japanese, in the Latin spelling the gold format wants.

A Japanese name is read from the analyser's reading (上川陽子 → カミカワ ヨウコ: the
dictionary knows how a name is read, a character-by-character guess does not) and
romanised in Hepburn without macrons (:mod:`wpstrack.kana`), ``Given FAMILY``. A foreign
name in katakana is first looked up among public office-holders
(``reference/office_holders.yaml``), because katakana cannot be turned back into its
original spelling (バフース is Bahous, not "Bafusu"); a name not there is romanised with the
conventions katakana transcription of Western names follows (a final ス is an s, シ stands
for si).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import cache, lru_cache
from typing import Any

from wpstrack import japanese, kana

__all__ = ["Holder", "find_holder", "hepburn", "romanise_foreign", "terms"]


def hepburn(reading: str, *, native: bool = True) -> str:
    """Hepburn for a reading in kana; a Japanese name's long vowels lose their doubling as
    they would lose a macron (``native``), a foreign name's keep it."""
    return kana.name_romaji(reading) if native else kana.romaji(reading)


def reading(written: str) -> str:
    """How a name written in kanji reads, from the analyser's dictionary (陽子 → ヨウコ)."""
    return "".join(token.reading for token in japanese.tokens(written))


# Katakana spellings of Western sounds, applied before romanising: シ is written for "si"
# as often as for "shi" (スィ reads si).
_FOREIGN_KANA = (("シ", "スィ"), ("ウィ", "ウイ"))
_FOREIGN_ROMAN = ((r"(?<=...)su$", "s"), (r"(?<=..[^aeiou])to$", "t"))


@lru_cache(maxsize=4096)
def romanise_foreign(part: str) -> str:
    """One part of a katakana foreign name, capitalised: サントス → Santos, ムテシ → Mutesi.

    Kept per part: the same foreign names recur from release to release.
    """
    for written, spelled in _FOREIGN_KANA:
        part = part.replace(written, spelled)
    roman = hepburn(part, native=False)
    for pattern, replacement in _FOREIGN_ROMAN:
        roman = re.sub(pattern, replacement, roman)
    return roman.capitalize()


@cache
def terms() -> dict[str, Any]:
    """The Japanese-English glossary of offices, bureaus, ministries and countries."""
    from wpstrack.reference import load_yaml

    return dict(load_yaml("japanese_terms.yaml"))


@dataclass(frozen=True)
class Holder:
    """One term of a public office, with the Japanese forms of the holder's name."""

    name: str
    written: tuple[str, ...]
    family: str
    office: str
    affiliation: str
    office_ja: tuple[str, ...]
    start: date
    end: date | None

    def serves_on(self, day: date | None) -> bool:
        """Whether the term covers ``day`` (any day when it is unknown)."""
        return day is None or (self.start <= day and (self.end is None or day <= self.end))


def _key(written: str) -> str:
    """Name forms compare without the separators releases vary (・ ＝ = and spaces)."""
    return re.sub(r"[・＝=\s\u3000･]", "", written)


@cache
def _holders() -> tuple[Holder, ...]:
    from wpstrack.reference import load_yaml

    return tuple(
        Holder(
            name=row["name"],
            written=tuple(row["ja"]),
            family=row["family_ja"],
            office=row["office"],
            affiliation=row["organisation_or_country"],
            office_ja=tuple(row.get("office_ja") or ()),
            start=row["from"],
            end=row.get("to"),
        )
        for row in load_yaml("office_holders.yaml")
    )


@cache
def _holder_index() -> tuple[dict[str, list[Holder]], dict[str, list[Holder]]]:
    """Holders by the key of each full written name, and by the key of the family name."""
    by_name: dict[str, list[Holder]] = {}
    by_family: dict[str, list[Holder]] = {}
    for holder in _holders():
        for written in {_key(w) for w in holder.written}:
            by_name.setdefault(written, []).append(holder)
        by_family.setdefault(_key(holder.family), []).append(holder)
    return by_name, by_family


def find_holder(written: str, office: str = "", day: date | None = None) -> Holder | None:
    """The office-holder a Japanese name refers to, or None.

    A full name matches on its own. A family name alone ("バフース事務局長") matches only when
    the office it carries is one of the holder's, and only when exactly one holder fits
    (the term covering the release date breaks a tie between terms of one office).
    """
    by_name, by_family = _holder_index()
    key = _key(written)
    full = by_name.get(key, [])
    if full:
        dated = [h for h in full if h.serves_on(day)]
        return (dated or full)[0]
    family = [
        h for h in by_family.get(key, []) if office and any(office.endswith(o) for o in h.office_ja)
    ]
    dated = [h for h in family if h.serves_on(day)]
    names = {h.name for h in dated}
    return dated[0] if len(names) == 1 else None  # out of office that day: someone else
