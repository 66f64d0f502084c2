"""The extractor's word lists, kept as data in this folder and loaded once per process.

Rules that recognise people, offices, events and places read their vocabulary from here
rather than from tables spread over the components, so a word is defined once and a new
language is added by adding words, not code.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any

import yaml

LANGUAGES = ("en", "fr", "es")


def load(name: str) -> Any:
    """The parsed YAML file ``name`` of this folder."""
    return yaml.safe_load(resources.files(__name__).joinpath(f"{name}.yaml").read_text("utf-8"))


@cache
def honorifics(kind: str, languages: tuple[str, ...] = LANGUAGES) -> tuple[str, ...]:
    """Honorifics of one kind (``female``, ``male``, ``neutral``) in the given languages."""
    table = load("honorifics")[kind]
    return tuple(form for language in languages for form in table.get(language, []))


def all_honorifics(languages: tuple[str, ...] = LANGUAGES) -> tuple[str, ...]:
    """Every honorific in the given languages, longest first (for regex alternations)."""
    forms = {f for kind in ("female", "male", "neutral") for f in honorifics(kind, languages)}
    return tuple(sorted(forms, key=lambda f: (-len(f), f)))


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
