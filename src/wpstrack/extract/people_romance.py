"""People in French and Spanish releases, from the conventions those releases share.

A person is named after an honorific ("M. Jean-Marc DUBOIS", "Mme Awa Sarr", "Sra. Ruiz")
or after an office in apposition ("le ministre de l'Europe ..., M. X,", "la directora
ejecutiva de ONU Mujeres, Amara Okafor,"). The lead sentence's subject leads the event: the
first person it names, and any joined to them by "et"/"y" before the verb; everyone else
takes part. Titles are given as written. A woman is marked by her honorific or by the
feminine article of her office ("la ministra"). The words come from the lexicon.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Any

from wpstrack.extract import lexicon
from wpstrack.extract.gazetteer import gazetteer, name_of_code
from wpstrack.extract.names import TITLE_WORDS
from wpstrack.reference import organisations, resolve_organisation

ROMANCE = ("fr", "es")  # the languages whose conventions this module reads
_UPPER = "A-ZÀ-ÖØ-Þ"
_NAME_WORD = rf"[{_UPPER}][\w'’\-]*"
# Given names and family names; Spanish compound family names ("Martín Pérez") and particles.
_PARTICLE = r"(?:(?:de|del|de la|van|von|da|dos|ben|bin)[ \xa0])"
_NAME = rf"{_NAME_WORD}(?:[ \xa0]{_PARTICLE}?{_NAME_WORD}){{1,3}}"


@dataclass
class Found:
    name: str
    start: int
    end: int
    title: str | None
    affiliation: str | None
    female: bool
    male: bool
    subject: bool  # named after an office in apposition, as a sentence's subject is
    subject_at: int = -1
    subject_end: int = -1

    def __post_init__(self) -> None:
        if self.subject:
            self.subject_at, self.subject_end = self.start, self.end


@cache
def _patterns(language: str) -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    """(honorific + name [+ office], article + office head, name after a comma)."""
    forms = "|".join(re.escape(f) for f in lexicon.all_honorifics((language,)))
    heads = "|".join(re.escape(h) for h in lexicon.load("offices")[language])
    honorific = re.compile(
        rf"(?<![\w.])(?P<hon>{forms})(?:\.[ \xa0]*|[ \xa0]+)(?P<name>{_NAME})"
        rf"(?:,[ \xa0]+(?P<title>(?:{heads})\b[^,.;:\n()]{{0,160}}))?"
    )
    office = re.compile(rf"\b(?P<art>[Ll]a|[Ll]e|[Ee]l|[Ll]')[ \xa0]*(?P<head>{heads})\b")
    named = re.compile(
        rf",[ \xa0]+(?:(?P<hon>{forms})\.?[ \xa0]+)?(?P<name>{_NAME})(?=[,.;)]|$)", re.M
    )
    return honorific, office, named


@cache
def _not_name_words() -> frozenset[str]:
    return frozenset(w.casefold() for w in lexicon.load("offices")["not_name_words"]) | TITLE_WORDS


def _is_name(name: str) -> bool:
    return not any(word.casefold() in _not_name_words() for word in name.split())


_OF_RE = re.compile(r"\b(?:de|du|d'|des)\s*(?:la\s+|l'|los\s+|las\s+|el\s+)?(?=[A-ZÀ-Þ])")
_STATE_PREFIX_RE = re.compile(
    r"^(?:République|República|Royaume|Reino|Principauté|Principado|État|Estado)\s+"
    r"(?:du\s+|de\s+la\s+|de\s+l'|des\s+|de\s+|del\s+|d')?"
)


def _body_or_state(tail: str) -> str | None:
    """The state (English short name) or known body (acronym, else name) ``tail`` names."""
    tail = tail.strip(" .,")
    code = gazetteer().country(_STATE_PREFIX_RE.sub("", tail))
    if code:
        return name_of_code(code)
    body = resolve_organisation(tail)
    if body:
        entry = next(e for e in organisations() if e["code"] == body)
        return str(entry.get("acronym") or entry["name"])
    return None


def _affiliation(title: str) -> tuple[str, str | None]:
    """(the office, the state or body that closes it): "viceministra de Asuntos
    Multilaterales de Colombia" -> ("viceministra de Asuntos Multilaterales", "Colombia")."""
    for match in _OF_RE.finditer(title):
        found = _body_or_state(title[match.end() :])
        if found:
            return title[: match.start()].rstrip(" ,"), found
    return title, None


def _office_hits(text: str, language: str) -> list[Found]:
    """'le ministre de ..., M. X,': the office, then the name after one of the next commas."""
    _honorific, office_re, named_re = _patterns(language)
    female = {f.lower() for f in lexicon.honorifics("female", (language,))}
    feminine = set(lexicon.load("offices")["feminine_articles"])
    hits = []
    for match in office_re.finditer(text):
        limit = min(len(text), match.end() + 160)
        stop = re.compile(r"[.;:\n]").search(text, match.end(), limit)
        limit = stop.start() if stop else limit
        comma = text.find(",", match.end(), limit)
        while comma != -1:
            found = named_re.match(text, comma)
            if found and _is_name(found.group("name")):
                title, affiliation = _affiliation(
                    " ".join(text[match.start("head") : comma].split())
                )
                hon = (found.group("hon") or "").lower()
                hits.append(
                    Found(
                        found.group("name"),
                        found.start("name"),
                        found.end("name"),
                        title,
                        affiliation,
                        hon in female or match.group("art") in feminine,
                        False,
                        True,
                    )
                )
                break
            comma = text.find(",", comma + 1, limit)
    return hits


def find(text: str, language: str) -> list[Found]:
    """Every person named, first mention first, once each (by family name)."""
    honorific_re, _office, _named = _patterns(language)
    female = {f.lower() for f in lexicon.honorifics("female", (language,))}
    male = {f.lower() for f in lexicon.honorifics("male", (language,))}
    hits = _office_hits(text, language)
    for match in honorific_re.finditer(text):
        if not _is_name(match.group("name")):
            continue
        hon = match.group("hon").lower()
        title, affiliation = (
            _affiliation(" ".join(match.group("title").split()))
            if match.group("title")
            else (None, None)
        )
        hits.append(
            Found(
                match.group("name"),
                match.start("name"),
                match.end("name"),
                title,
                affiliation,
                hon in female,
                hon in male,
                False,
            )
        )
    found: dict[str, Found] = {}
    for person in sorted(hits, key=lambda p: p.start):
        key = person.name.split()[-1].casefold()
        known = found.get(key)
        if known is None:
            found[key] = person
            continue
        known.title = known.title or person.title
        known.affiliation = known.affiliation or person.affiliation
        known.female = known.female or person.female
        known.male = known.male or person.male
        if person.subject and not known.subject:
            known.subject = True
            known.subject_at, known.subject_end = person.start, person.end
    return sorted(found.values(), key=lambda p: p.start)


def _lead_subject(text: str, people: list[Found]) -> set[str]:
    """Names of who leads: the first person named as a subject (after an office), and
    anyone joined to them by "et"/"y" ("La secretaria ..., X, y la viceministra ..., Y,")."""
    subjects = sorted((p for p in people if p.subject), key=lambda p: p.subject_at)
    if not subjects:
        return {people[0].name} if people else set()
    first = subjects[0]
    leaders = {first.name}
    end = first.subject_end
    for person in subjects[1:]:
        if _JOINED_RE.match(text[end : person.subject_at]):
            leaders.add(person.name)
            end = person.subject_end
        else:
            break
    return leaders


_JOINED_RE = re.compile(r"^,?\s+(?:et|y)\s+(?:[Ll]a|[Ll]e|[Ee]l|[Ll]')?[^.;]{0,160}$")


def extract(
    text: str, language: str
) -> tuple[list[tuple[str, dict[str, Any], int, int]], list[tuple[int, int]]]:
    """(field, value, start, end) records and the spans of the women named."""
    people = find(text, language)
    leaders = _lead_subject(text, people)
    records: list[tuple[str, dict[str, Any], int, int]] = []
    women: list[tuple[int, int]] = []
    for person in people:
        value: dict[str, Any] = {
            "name": person.name,
            "title": person.title,
            "organisation_or_country": person.affiliation,
        }
        if person.female:
            value["gender"] = "f"
            women.append((person.start, person.end))
        elif person.male:
            value["gender"] = "m"
        field = "principal_actors" if person.name in leaders else "other_participants"
        records.append((field, value, person.start, person.end))
    return records, women
