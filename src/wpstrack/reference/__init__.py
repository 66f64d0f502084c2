"""Reference data shipped in the package: pillars, resolutions, organisations, places.

The YAML files beside this module hold facts written for wpstrack. This module only reads
them, so the extractor uses it without a database (see the layer contracts in
pyproject.toml); :mod:`wpstrack.reference.sync` loads them into the database.
"""

from __future__ import annotations

import unicodedata
from functools import cache, lru_cache
from importlib import resources
from typing import Any

import yaml

from wpstrack.errors import InvalidInput

# libyaml's parser where PyYAML was built with it (its wheels are), else PyYAML's own: the
# same safe subset of YAML and the same values. The lexicons and these tables, read by every
# process that extracts, parse in 35 ms of CPU instead of 300.
_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def read_yaml(text: str) -> Any:
    """The data of a YAML text that holds only plain data (the safe loader)."""
    return yaml.load(text, Loader=_SAFE_LOADER)


def load_yaml(name: str) -> Any:
    """Parse a YAML file shipped in this package."""
    text = resources.files(__package__).joinpath(name).read_text(encoding="utf-8")
    try:
        return read_yaml(text)
    except yaml.YAMLError as exc:
        raise InvalidInput(f"invalid YAML: {exc}", location=f"wpstrack/reference/{name}") from exc


@cache
def pillars() -> list[dict[str, Any]]:
    """The four WPS pillars, in their usual order."""
    return list(load_yaml("pillars.yaml"))


@cache
def resolutions() -> list[dict[str, Any]]:
    """The WPS Security Council resolutions, oldest first."""
    return list(load_yaml("resolutions.yaml"))


@cache
def organisations() -> list[dict[str, Any]]:
    """Canonical organisations with their acronyms, aliases and types."""
    return list(load_yaml("organisations.yaml"))


def dac_purposes() -> dict[str, str]:
    """OECD DAC CRS purpose codes a WPS portfolio uses, code -> name."""
    return {str(p["code"]): str(p["name"]) for p in load_yaml("dac_purposes.yaml")}


def is_japanese(text: str) -> bool:
    """True when ``text`` contains kana or CJK ideographs."""
    return any("\u3040" <= ch <= "\u30ff" or "\u4e00" <= ch <= "\u9fff" for ch in text)


def organisation_aliases(entry: dict[str, Any]) -> list[str]:
    """Every written form of an organisation: name, acronym, Japanese name, aliases."""
    forms = [entry["name"], entry.get("acronym"), entry.get("name_ja"), *entry.get("aliases", [])]
    seen: list[str] = []
    for form in forms:
        if form and form not in seen:
            seen.append(form)
    return seen


_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u2010": "-", "\u2013": "-"})


def normalise_name(name: str) -> str:
    """A comparison key for organisation names: case, quotes, accents ("São" = "Sao"),
    "&" / "and", 'the' and spacing folded."""
    folded = name.translate(_APOSTROPHES).replace("&", " and ")
    if not is_japanese(folded):  # kana voicing marks are combining characters too
        folded = unicodedata.normalize("NFKD", folded)
        folded = "".join(ch for ch in folded if not unicodedata.combining(ch))
    key = " ".join(folded.casefold().split())
    return key.removeprefix("the ")


@cache
def _alias_index() -> dict[str, str]:
    index: dict[str, str] = {}
    for entry in organisations():
        for form in organisation_aliases(entry):
            index.setdefault(normalise_name(form), entry["code"])
    return index


@lru_cache(maxsize=8192)  # the same names recur in document after document
def resolve_organisation(name: str) -> str | None:
    """The code of the canonical organisation written as ``name``, or None if unknown.

    "UN" or "United Nations" written before the name of a UN body ("UN Peacebuilding
    Fund") resolves to that body.
    """
    index = _alias_index()
    key = normalise_name(name)
    code = index.get(key)
    for prefix in ("un ", "u.n. ", "united nations "):
        if code is None and key.startswith(prefix):
            code = index.get(key.removeprefix(prefix))
    return code
