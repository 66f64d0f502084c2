"""The extractor's word lists, kept as data in this folder and loaded once per process.

Rules that recognise people, offices, events and places read their vocabulary from here
rather than from tables spread over the components, so a word is defined once and a new
language is added by adding words, not code.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any

from wpstrack.reference import read_yaml

LANGUAGES = ("en", "fr", "es")


@cache
def load(name: str) -> Any:
    """The parsed YAML file ``name`` of this folder (read once; callers must not change it)."""
    return read_yaml(resources.files(__name__).joinpath(f"{name}.yaml").read_text("utf-8"))


@cache
def words(name: str, key: str) -> frozenset[str]:
    """The word list ``key`` of file ``name``, as a set."""
    return frozenset(load(name)[key])


@cache
def ordered(name: str, key: str) -> tuple[str, ...]:
    """The word list ``key`` of file ``name`` in its written order (for regex alternations)."""
    return tuple(load(name)[key])


def table(name: str, key: str) -> dict[str, str]:
    """The mapping ``key`` of file ``name`` (a copy: the loaded data stays as read)."""
    return dict(load(name)[key])


@cache
def honorifics(kind: str, languages: tuple[str, ...] = LANGUAGES) -> tuple[str, ...]:
    """Honorifics of one kind (``female``, ``male``, ``neutral``) in the given languages."""
    table = load("honorifics")[kind]
    return tuple(form for language in languages for form in table.get(language, []))


def all_honorifics(languages: tuple[str, ...] = LANGUAGES) -> tuple[str, ...]:
    """Every honorific in the given languages, longest first (for regex alternations)."""
    forms = {f for kind in ("female", "male", "neutral") for f in honorifics(kind, languages)}
    return tuple(sorted(forms, key=lambda f: (-len(f), f)))


@cache
def address_forms() -> frozenset[str]:
    """Every honorific, with and without its period, and the styles ("H.E.", "Senator"): a
    capitalised word after any of them is a family name. Not the offices written like an
    honorific: "Justice" and "Judge" open names of bodies too ("Justice Sector Committee")."""
    forms = {form + dot for form in all_honorifics() for dot in ("", ".")}
    return frozenset(forms | set(load("honorifics")["styles"]))


def offices_as_honorifics() -> tuple[str, ...]:
    """Offices written before a name like an honorific ("Ambassador X", "Senator Y")."""
    return ordered("honorifics", "offices_as_honorifics")


@cache
def abbreviations() -> frozenset[str]:
    """Lower-cased words whose period ends no sentence: the honorifics, styles and the
    other abbreviations of official English ("No.", "Lt.", "a.m.")."""
    forms = {f.lower() for f in all_honorifics()} | {
        s.lower().rstrip(".") for s in load("honorifics")["styles"]
    }
    return frozenset(forms | set(load("honorifics")["abbreviations"]))


def gendered(kind: str) -> frozenset[str]:
    """Lower-cased honorifics that mark a woman (``female``) or a man (``male``)."""
    return frozenset(form.lower() for form in honorifics(kind))


@cache
def months() -> dict[str, int]:
    """Month name (lower case) -> month number, for the non-English languages."""
    return {
        name: number
        for names in load("months").values()
        for number, name in enumerate(names, start=1)
    }
