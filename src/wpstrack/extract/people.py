"""Component ``people``: who led the event, who else took part, and how many named women.

Official releases name a person in full once (``Ms. KAMIKAWA Yoko, Minister for Foreign
Affairs``, ``the UK's Minister for Africa, Thomas Okoye``, ``Regula Baumgartner, State
Secretary of ...``) and afterwards by title and family name (``Minister Kamikawa``). The
component finds the full mentions (:mod:`wpstrack.extract.names` reads names and offices),
links the later mentions by family name, then decides roles from the event sentence: the
subject of "held a meeting with", "received a courtesy call from", "paid a courtesy call on"
is the principal and its objects the other participants; "co-chaired by", "hosted by",
"signed by", "opened by", "led by", "presiding over" name principals; "attended by",
"joined by", "accompanied by", "witnessed by", "took part" and speakers name other
participants. First-person releases ("Today in Suva I met ...", "Statement by ...") are led
by their author. Japanese releases are read by :mod:`wpstrack.extract.people_ja`.

A person's record carries ``gender`` (``"f"`` or ``"m"``, as the participant table stores it)
only where the text marks it (Ms., Mr., she, 女性...); the women among the listed people are
those counted in ``women_count_named``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache

from spacy.language import Language
from spacy.tokens import Doc

from wpstrack.extract import lexicon, people_ja, people_romance
from wpstrack.extract.gazetteer import country_name, gazetteer, name_of_code
from wpstrack.extract.literals import written_at
from wpstrack.extract.model import doc_text, state
from wpstrack.extract.names import (
    FEMALE_HONORIFICS,
    MALE_HONORIFICS,
    PARTICLES,
    PEER_TITLES,
    POSTNOMINALS,
    RANKS,
    TITLE_HEADS,
    TITLE_WORDS,
    ParsedName,
    is_place_word,
    is_title_word,
    name_word_ok,
    name_words_ok,
    parse_name,
    smart_title,
)
from wpstrack.extract.offices import ORG_HEADS, Office, parse_office
from wpstrack.extract.orgnames import acronym_map
from wpstrack.extract.people_ja import Participant
from wpstrack.extract.people_roles import (
    affiliation,
    assign_roles,
    elected_as,
    home_country,
    mark_gender,
    merge_misspellings,
    reorder_family_first,
    visited_by_principals,
)
from wpstrack.extract.people_romance import ROMANCE

# English honorifics from the lexicon ("Hon" has its own group below), French "Mme" (common
# in English UN texts too), the peers' "Lady" and the offices written like honorifics.
_ENGLISH_HONORIFICS = tuple(f for f in lexicon.all_honorifics(("en",)) if f != "Hon")
_PREFIX_WORDS = "|".join(
    [
        *_ENGLISH_HONORIFICS,
        *lexicon.ordered("honorifics", "also_in_english"),
        *lexicon.offices_as_honorifics(),
    ]
    + [r.replace(" ", r"[\s\-]") for r in RANKS]  # "Lieutenant-Colonel" too
)
# "H.E.", also written "H. E.", and "His Excellency".
_EXCELLENCY = "|".join(
    re.escape(form).replace(r"\ ", r"\s+").replace(r"\.", r"\.\s?", 1)
    for form in lexicon.ordered("honorifics", "excellency")
)
# The leading lookaheads name the characters a match can start with, so that the regex
# engine passes over the others fast.
_PREFIX_RE = re.compile(
    r"(?=[A-Z]|the\s)(?<![\w.\-])(?=H\.|His\s|Her\s|[Tt]he\s+Hon|Hon|Rt\.?\s|(?:"
    + _PREFIX_WORDS
    + r")\b)"
    r"(?:(?P<he>" + _EXCELLENCY + r")\s+)?"
    r"(?P<hon>(?:Senator\s+)?(?:[Tt]he\s+)?(?:Hon(?:ourable|orable)?|Rt\.?\s+Hon)\.?\s+)?"
    r"(?:(?P<word>" + _PREFIX_WORDS + r")\.?[ \xa0]+)?(?=[^\W\d_])"
)
# Where a prefix can open: the look-ahead of the pattern above on its own, each alternative
# opening with a letter, so that the regex engine skips to those letters (the pattern above
# opens with look-arounds, and was tried at every character).
_PREFIX_START_RE = re.compile(
    r"H\.|His\s|Her\s|The\s+Hon|the\s+Hon|Hon|Rt\.?\s|"
    + "|".join(rf"{word}\b" for word in _PREFIX_WORDS.split("|"))
)


def _prefixes(text: str) -> Iterator[re.Match[str]]:
    """The non-empty matches of :data:`_PREFIX_RE` in ``text``, as its ``finditer`` finds
    them, tried only where :data:`_PREFIX_START_RE` says one can open."""
    pos = 0
    while (start := _PREFIX_START_RE.search(text, pos)) is not None:
        at = start.start()
        match = _PREFIX_RE.match(text, at)
        if match is not None and match.end() > at:
            yield match
            pos = match.end()
        else:
            pos = at + 1


_WORD_RE = re.compile(r"[^\W\d_][\w'’\-]*")
_INITIAL_RE = re.compile(r"\.[ \xa0](?=[^\W\d_])")
_UPPER = "A-ZÀ-ÖØ-ÞĀĆČĎĐĒĘĚĞĮİŁŃŇŌŐŒŘŚŞŠŢŤŪŮŰŹŻŽ"
# The capital opens the pattern, so that the engine skips to the capitals (a pattern
# opening with a look-ahead or look-behind is tried at every character); the look-behind
# after it asks what stands before the capital.
_CAPITAL_RUN_RE = re.compile(
    rf"[{_UPPER}](?<![\w'’\-.][{_UPPER}])[\w'’\-]*(?:[ \xa0](?:(?:van|von|de|da|del|der|di|du"
    rf"|dos|bin|al|el)[ \xa0])?[{_UPPER}][\w'’\-]*)+"
)
_PSEUDONYM_RE = re.compile(r"^\s*\((?:not (?:her|his|their) real name|name changed)[^)]*\)")
_CLAUSE_START_RE = re.compile(
    r"(?:^|[.;:\n(\"“”,]|\b(?:by|and|with|them|included|including|from|Signed|said|says"
    r"|added|met|meets|joined|thanked))\s*$"
)


@dataclass
class Person:
    """One person named in the text, with every place the text refers to them."""

    name: ParsedName
    start: int
    end: int
    office: Office = field(default_factory=Office)
    mentions: list[tuple[int, int]] = field(default_factory=list)
    female_at: tuple[int, int] | None = None
    male: bool = False
    pseudonym: bool = False
    role: str | None = None
    caps_family: bool = False
    office_weight: int = 0

    @property
    def key(self) -> str:
        return self.name.family.lower()


def _scan_name(text: str, pos: int) -> tuple[int, list[str]]:
    """Capitalised words (with particles) from ``pos`` on one line: the end and the words."""
    words: list[str] = []
    end = pos
    cursor = pos
    while len(words) < 5:
        match = _WORD_RE.match(text, cursor)
        if not match:
            break
        word = match.group()
        nxt = text[match.end() : match.end() + 1] in (" ", "\xa0")
        if word in POSTNOMINALS:
            break
        if not word[0].isupper():
            following = _WORD_RE.match(text, match.end() + 1) if nxt else None
            if word in PARTICLES and following and following.group()[0].isupper():
                words.append(word)
                cursor = match.end() + 1
                continue
            break
        initial = len(word) == 1 and _INITIAL_RE.match(text, match.end())
        if initial and words:  # "Antony J. Blinken"
            following = _WORD_RE.match(text, match.end() + 2)
            if following and following.group()[0].isupper() and len(following.group()) > 1:
                words.append(word + ".")
                cursor = match.end() + 2
                continue
        words.append(word)
        end = match.end()
        if not nxt:
            break
        cursor = match.end() + 1
    while words and words[-1] in PARTICLES:
        words.pop()
    return end, words


_POSTNOMINAL_RE = re.compile(r"^[ \xa0](?:" + "|".join(POSTNOMINALS) + r")\b")
_LOWER_HEADS = "|".join(sorted(TITLE_HEADS | {"moderator"}, key=len, reverse=True))
# ", who ...", ", a ...", ", Minister ...", ", moderator": what may follow a bare name; built
# once (it was built and looked up in re's cache for every capitalised run of every text)
_APPOSITION_RE = re.compile(rf",\s+(?:who\b|an?\s+\w|[A-Z][\w\-]*\s|(?:{_LOWER_HEADS})\b)")
# The patterns of the offices read around a name, compiled once: they are tried at every
# name candidate, and written in the call each was looked up in re's cache per use (the one
# with the office heads built and hashed anew).
_OFFICE_AFTER_COMMA_RE = re.compile(
    rf",\s+(?:an?\s|the\s+[A-Z]|the\s+[a-z]+['’]s\s|[A-Z]|(?:{_LOWER_HEADS})\b)"
)
_TRAILING_CONNECTORS_RE = re.compile(r"(?:[ \xa0,]+(?:and|of|for|the|to|in|on|at|a|an))+[ \xa0,]*$")
_CLAUSE_AFTER_COMMA_RE = re.compile(r",\s+(?:who|which|whose|and)\b")
_HEADER_OFFICE_RE = re.compile(r"[ \xa0]*\n[A-Z][^\n.]{5,100}\n")
_CAPITAL_WORD_END_RE = re.compile(r"[A-Z][\w\-]*[ \xa0]$")
_CJK_CHAR_RE = re.compile(r"[\u3000-\u30ff\u4e00-\u9fff]")
_NON_SPACE_RE = re.compile(r"\S+")
_LIST_MARK_RE = re.compile(r"^(?:\(?\d+[.)]|[*•])?\s*")
_LEADING_AND_THE_RE = re.compile(r"^(?:and\s+)?(?:[Tt]he\s+)?")
_SPACE_SLASH_RE = re.compile(r"[ /]")
_TRAILING_BRACKET_RE = re.compile(r"\s*\([A-Z][\w\- ]*\)$")
_FIRST_CAPITAL_RE = re.compile(r"\b[A-Z]")
_APOSTROPHE_OR_SPACE_RE = re.compile(r"['’\s]")
_POSSESSIVE_END_RE = re.compile(r"['’]s$")
_SPACE_RE = re.compile(r"\s")
_FOR_OF_WORD_END_RE = re.compile(r"\b(?:for|of)\s+\S+$")
_COMMA_WHO_RE = re.compile(r",\s+who")
_OF_CAPITAL_RE = re.compile(r"\s+of\s+(?:the\s+)?[A-Z]")
_PEER_PLACE_RE = re.compile(r"^of\s+[A-Z][\w'’\-]*(?:\s+[A-Z][\w'’\-]*)*,?\s*")
_ORG_FIRST_RE = re.compile(r"^(?:of|at)\s+(.+?)(?:,\s+(.*))?$")
_IN_RE = re.compile(r"\s+in\s+")


# Honorifics that open the next person's name after a comma; one that is also an office
# (", Professor of Law") may go on the office.
_NEXT_PERSON_HONORIFICS = [
    f for f in lexicon.ordered("honorifics", "before_family_name") if f.lower() not in TITLE_HEADS
]
# Where an office written after a name ends: a clause, the next person's honorific, a stop.
_POST_STOP_RE = re.compile(
    r",\s+(?:and\s+)?(?:who|which|whose|said|[a-z]+ed\b|H\.E\.|Hon|the Hon|"
    + "|".join(_NEXT_PERSON_HONORIFICS)
    + r")|,\s+and\s+(?:[A-Z]|the\s)|,\s+[a-z]|(?<!\.[A-Z])\.(?:\s|$)|;|:"
    r"|\s\((?![A-Z][\w\- ]*\))|§"
    r"|\s(?:who|which|said|stated|explained|told|briefed|described|presented|spoke|held"
    r"|met|attended|introduced|received|thanked|noted|expressed|visited|opened)\b"
)


def _post_phrase(text: str, end: int) -> str:
    """The office written after a name: ', Deputy Executive Director of ...,' or ' of X'."""
    rest = _POSTNOMINAL_RE.sub("", text[end : end + 400], count=1)
    tail = rest.split("\n", 1)[0]
    if tail.startswith(" of ") or tail.startswith(" at "):
        tail = tail[1:]
    elif _OFFICE_AFTER_COMMA_RE.match(tail) and not _CLAUSE_AFTER_COMMA_RE.match(tail):
        tail = tail[1:].lstrip()
    elif _HEADER_OFFICE_RE.match(rest):
        line = rest.lstrip(" \xa0\n").split("\n", 1)[0]  # a header: the name, then the office
        capitalised = all(w[:1].isupper() or w in _CONNECTORS for w in line.split(" "))
        return line if _has_head(line.split(" ")[0]) or (capitalised and _has_head(line)) else ""
    else:
        return ""
    stop = _POST_STOP_RE.search(tail)
    if stop and stop.group() == "§" and _CAPITAL_WORD_END_RE.search(tail[: stop.start()]):
        return ""  # "X, Assistant Secretary-General Y": the office is the next person's
    phrase = tail[: stop.start()] if stop else tail
    phrase = _CJK_CHAR_RE.split(phrase)[0]  # English inside Japanese
    depth = 0
    for index, char in enumerate(phrase if ")" in phrase else ""):
        depth += (char == "(") - (char == ")")
        if depth < 0:  # an unmatched ")" closes the bracket the name was written in
            phrase = phrase[:index]
            break
    if phrase[:1].isupper():  # a capitalised office ends at the first word of the sentence
        words = list(_WORD_RE.finditer(phrase))
        for word in words:
            low = word.group()
            if low[0].islower() and low not in _CONNECTORS and not is_title_word(low):
                phrase = phrase[: word.start()]
                break
    return _TRAILING_CONNECTORS_RE.sub("", phrase.rstrip())


def _pre_phrase(text: str, start: int) -> str:
    """The office written before a name: 'Mozambique's Minister for X, ' or 'Minister X '."""
    line_start = max(text.rfind("\n", 0, start) + 1, start - 250)  # an office is short
    left = text[line_start:start]
    appositive = left.endswith(", ")
    if appositive:
        left = left[:-2]
    elif not left.endswith((" ", "\xa0")) or not (
        left.rstrip()[-1:].isalpha() or left.endswith(") ")
    ):
        return ""  # "Deputy Executive Director (Programme) X" keeps its bracket
    strong = list(_STRONG_RE.finditer(left))
    chunk = left[strong[-1].end() :] if strong else left
    picked: list[str] = []
    for piece in reversed(_COMMA_RE.split(chunk)):
        picked.insert(0, piece)
        if _has_head(piece):
            break
    phrase = ", ".join(picked)
    weak = list(_WEAK_RE.finditer(phrase))
    heads = [m.start() for m in _NON_SPACE_RE.finditer(phrase) if _has_head(m.group())]
    if not heads:
        return ""
    cuts = [
        m.end()
        for m in weak
        if any(h >= m.end() for h in heads) and not _inside_country(phrase, m.start(), m.end())
    ]
    phrase = phrase[cuts[-1] :] if cuts else phrase
    phrase = _LIST_MARK_RE.sub("", phrase.strip(" -–—/,"))
    phrase = _LEADING_AND_THE_RE.sub("", phrase)
    last = _SPACE_SLASH_RE.split(_TRAILING_BRACKET_RE.sub("", phrase))[-1]
    # "Minister of Family and Solidarity, X": a post set off by a comma ends in any word
    if last in _CONNECTORS or not (
        is_title_word(last) or is_place_word(last) or (appositive and last[:1].isupper())
    ):
        return ""
    lower = [w for w in _NAME_RUN_RE.findall(phrase) if w[:1].islower()]
    if any(w not in _CONNECTORS and w.lower() not in TITLE_WORDS for w in lower):
        return ""
    first = phrase.split(" ", 1)[0].lower()
    if phrase[:1].islower() and first not in TITLE_HEADS:  # "newly elected Foreign Minister"
        capital = _FIRST_CAPITAL_RE.search(phrase)
        phrase = phrase[capital.start() :] if capital else ""
    return phrase


def _inside_country(phrase: str, start: int, end: int) -> bool:
    """Whether an 'and' joins the two halves of one country ("Trinidad and Tobago's")."""
    if not phrase.startswith("and", start):
        return False
    before = phrase[:start].split()
    after = _APOSTROPHE_OR_SPACE_RE.split(phrase[end:], maxsplit=1)[0]
    return bool(before) and country_name(f"{before[-1]} and {after}") is not None


# Small words inside an office ("Minister for Women and Gender Equality").
_CONNECTORS = lexicon.words("people", "office_connectors")


@lru_cache(maxsize=1 << 14)  # words and short phrases of offices recur
def _has_head(text: str) -> bool:
    """Whether the words contain the head of an office ("Minister", "Envoy")."""
    return any(_is_head(w) for w in _HEAD_SPLIT_RE.split(text))


@lru_cache(maxsize=1 << 14)  # bounded: every word of every office comes here
def _is_head(word: str) -> bool:
    return _POSSESSIVE_END_RE.sub("", word.strip(",.;:()")).lower() in TITLE_HEADS


_HEAD_SPLIT_RE = re.compile(r"[\s/]")
# A strong break before an office: a stop, a dash, a slash, a blanked name. The characters
# that open one open the pattern, so that the regex engine skips to them; a look-behind
# tells which was read.
_STRONG_RE = re.compile(r"[.;:(\"“/§\s](?:(?<=[.;:(\"“])\s+|(?<=\s)[-–—]\s|(?<=/)\s|(?<=§)§*,?\s*)")
_COMMA_RE = re.compile(r",\s+")
_WEAK_RE = re.compile(
    r"\b(?:by|with|from|to|as|was|were|is|are|met|meets|joined|include|included|and"
    r"|including|among them|[Nn]oting|Signed|attributable to|[Pp]residing over"
    r"|thank|thanks|thanked|welcome|welcomed|congratulate|said|says|added|noted|stated"
    r"|underscored|told|in\s+the\s+presence\s+of)\s+"
)


def _candidates(text: str) -> Iterator[tuple[int, int, list[str], str | None, int]]:
    """(name start, name end, words, honorific, mention start) for every written full name."""
    taken: set[int] = set()
    for match in _prefixes(text):
        if not (match.group("word") or match.group("he") or match.group("hon")):
            continue
        end, words = _scan_name(text, match.end())
        if not words or not name_words_ok(words):
            continue
        word = match.group("word")
        honorific = _SPACE_RE.sub("", word.lower()) if word else None
        taken.update(range(match.end(), end))
        yield match.end(), end, words, honorific, match.start()
    for run in _CAPITAL_RUN_RE.finditer(text):
        if run.start() in taken:
            continue
        yield from _bare_name(text, run, taken)


def _inside_body_name(before: str) -> bool:
    """'Instituto Mulheres Nikkei', 'the Zambia Police Service': not a title, then a name."""
    last = before.split(" ")[-1]
    if last.lower() in ORG_HEADS - {"office", "ministry", "department", "secretariat"}:
        return True
    return is_place_word(last) and not _FOR_OF_WORD_END_RE.search(before)


def _bare_name(
    text: str, run: re.Match[str], taken: set[int]
) -> Iterator[tuple[int, int, list[str], str | None, int]]:
    """A name written without honorific, accepted only beside an office or description."""
    tokens = list(_WORD_RE.finditer(run.group()))
    for first in range(len(tokens)):
        word = tokens[first].group()
        # The name read from here starts with this word: a title or place word rules it out.
        if not word[0].isupper() or not name_word_ok(word):
            continue
        start = run.start() + tokens[first].start()
        if start in taken:
            continue
        end, words = _scan_name(text, start)
        if not 2 <= len(words) <= 4 or not name_words_ok(words):
            continue
        # the words before the name, with those before the run ("Envoy for Sudan X")
        if first and _inside_body_name(text[max(0, run.start() - 40) : start].strip()):
            continue
        pre, post = text[max(0, start - 120) : start], text[end : end + 60]
        titled = bool(_pre_phrase(text, start))
        clause = bool(_CLAUSE_START_RE.search(pre)) or (first > 0 and titled)
        ok = (
            titled
            or _POSTNOMINAL_RE.match(post)
            or _PSEUDONYM_RE.match(post)
            or (
                clause
                and _APPOSITION_RE.match(post)
                and (parse_office(_post_phrase(text, end)).title or _COMMA_WHO_RE.match(post))
            )
            or (clause and _OF_CAPITAL_RE.match(post))
        )
        if ok:
            taken.update(range(start, end))
            yield start, end, words, None, start
            return


def _office_at(scan: str, end: int, start: int, honorific: str | None) -> tuple[Office, int]:
    """The office written around one full mention, and how much text it rests on."""
    post = _post_phrase(scan, end)
    if honorific in PEER_TITLES:
        post = _PEER_PLACE_RE.sub("", post)
    org_first = _ORG_FIRST_RE.match(post)
    if org_first:
        office = parse_office(org_first.group(2) or "")
        office.organisation = office.organisation or _org_phrase(org_first.group(1))
    else:
        office = parse_office(post)
    pre = _pre_phrase(scan, start)
    if pre:
        extra = parse_office(pre)
        office.title = office.title or extra.title
        if not office.affiliation:
            office.organisation, office.country = extra.organisation, extra.country
    if office.title is None and honorific:
        plain = honorific.replace("-", "")
        rank = next((r for r in RANKS if r.lower().replace(" ", "") == plain), None)
        if rank and "-" in honorific:
            rank = rank.replace(" ", "-")  # the rank as written
        office.title = rank or lexicon.table("honorifics", "stated_titles").get(honorific)
    bracket = _BRACKET_COUNTRY_RE.match(scan, end) if office.affiliation is None else None
    if bracket:  # UN style: "Council President X (Guyana)"
        office.country = country_name(bracket.group(1))
    weight = 2 * bool(office.affiliation) + bool(office.title)
    return office, weight * 1000 + len(office.title or "")


_BRACKET_COUNTRY_RE = re.compile(r"[ \xa0]\(([A-Z][\w'’ \-]{2,40})\)")


def _org_phrase(text: str) -> str:
    """An organisation named after 'of'/'at': up to the first word that is not part of it."""
    words = text.split()
    kept: list[str] = []
    for word in words:
        if not (
            word[:1].isupper()
            or word[:1] in "(&"
            or word in {"of", "for", "on", "and", "the", "de", "in"}
        ):
            break
        kept.append(word)
    while kept and kept[-1] in {"of", "for", "on", "and", "the", "de", "in"}:
        kept.pop()
    phrase = " ".join(kept)
    return _IN_RE.split(phrase)[0]


def _masked(
    scan: str, candidates: list[tuple[int, int, list[str], str | None, int]], keep: int
) -> str:
    """The text with the other written names near ``keep`` blanked to '§': offices stop there."""
    parts: list[str] = []
    pos = 0
    for start, end, _words, _hon, mention_start in sorted(candidates, key=lambda c: c[4]):
        if start == keep or abs(mention_start - keep) > 500 or mention_start < pos:
            continue
        parts += [scan[pos:mention_start], "§" * (end - mention_start)]
        pos = end
    parts.append(scan[pos:])
    return "".join(parts)


def _find_people(text: str, scan: str) -> list[Person]:
    """Every fully named person, with the office written at the best of their mentions."""
    people: dict[str, Person] = {}
    candidates = list(_candidates(scan))
    for start, end, words, honorific, mention_start in candidates:
        parsed = parse_name(" ".join(words), honorific)
        if parsed is None:
            continue
        key = parsed.family.lower()
        if not parsed.given and honorific not in PEER_TITLES:  # a later reference
            continue
        person = people.get(key)
        if person is None:
            person = Person(parsed, start, end, caps_family=parsed.family.isupper())
            people[key] = person
        elif not person.name.honorific and honorific:
            person.name.honorific = honorific
        if parsed.given and not person.name.given:  # "Baroness X", later "Baroness Y X"
            person.name.given = parsed.given
        office, weight = _office_at(_masked(scan, candidates, start), end, mention_start, honorific)
        if weight > person.office_weight:
            person.office, person.office_weight = office, weight
        if _PSEUDONYM_RE.match(scan[end : end + 40]):
            person.pseudonym = True
    reorder_family_first(scan, people)
    merge_misspellings(people)
    _find_mentions(scan, list(people.values()))
    elected_as(scan, people)
    return sorted(people.values(), key=lambda p: p.start)


_NAME_RUN_RE = re.compile(r"[\w'’\-]+")


def _find_mentions(scan: str, people: list[Person]) -> None:
    """Every place the text writes a person's family name, in any case, as a whole name."""
    lower = _lower_copy(scan)
    for person in people:
        person.mentions.extend(_mentions(scan, lower, person.name.family))


def _lower_copy(scan: str) -> str | None:
    """The text in lower case, when that keeps its offsets and holds a Latin letter wherever
    a case-insensitive search matches one: unless the text has İ (two characters in lower
    case), ı or ſ, which the search matches to i and s."""
    if scan.isascii() or not any(letter in scan for letter in _CASE_FOLDED_APART):
        return scan.lower()
    return None


def _mentions(scan: str, lower: str | None, family: str) -> list[tuple[int, int]]:
    """Where ``family`` is written as a whole name (no letter, digit, apostrophe or hyphen
    either side), in any case, in order.

    An ASCII name is sought with ``str.find`` in ``lower`` (:func:`_lower_copy`), its ends
    checked: the same matches as a case-insensitive search, without compiling a pattern of
    the name (0.6 ms each time a name was new, which in a real corpus is every release:
    bench/RESULTS.md, stop 19). Other names, or a text without a lower-case copy, take the
    search itself.
    """
    if lower is not None and family.isascii():
        return list(written_at(lower, family.lower(), _NAME_CHAR_RE))
    pattern = rf"(?<![\w'’\-]){re.escape(family)}(?![\w'’\-])"
    return [match.span() for match in re.finditer(pattern, scan, re.I)]


_NAME_CHAR_RE = re.compile(r"[\w'’\-]")
# İ (which lower() makes two characters), ı and ſ: re's IGNORECASE matches them to i and s.
_CASE_FOLDED_APART = ("\u0130", "\u0131", "\u017f")


def _scan_text(text: str) -> str:
    """The text with all-capitals lines title-cased (same length, so spans still hold).

    A line of more than 20 capitals and no small letters: a Japanese line with "WPS" in it
    has no small letters either, but its kanji are no capitals (they counted as letters
    once, and its acronyms were read title-cased).
    """
    lines = []
    for line in text.split("\n"):
        if line.isupper() and sum(map(str.isupper, line)) > 20:
            line = smart_title(line)
        lines.append(line)
    return "\n".join(lines)


def extract_people(text: str) -> tuple[list[Participant], list[Person]]:
    """Every person who took part, as (field, gold value, start, end), and all named people."""
    scan = _scan_text(text)
    people = _find_people(text, scan)
    assign_roles(scan, people)
    mark_gender(scan, people)
    acronyms = acronym_map(scan)
    # The release speaks for a government none of its named counterparts belongs to.
    away = {p.office.country for p in people if p.office.country and p.role == "other"}
    visited = visited_by_principals(scan, people)
    home = home_country(scan, exclude=away | visited)
    records: list[Participant] = []
    for person in people:
        if person.role is None:
            continue
        value = {
            "name": person.name.display,
            "title": person.office.title,
            "organisation_or_country": affiliation(
                person, scan, acronyms, home, abroad=bool(visited)
            ),
        }
        gender = "f" if person.female_at else "m" if person.male else None
        if gender:
            value["gender"] = gender
        field = "principal_actors" if person.role == "principal" else "other_participants"
        records.append((field, value, person.start, person.end))
    return records, people


def _add_english_names(text: str, records: list[Participant], women: list[tuple[int, int]]) -> None:
    """Japanese releases often give a foreign guest's name and office in English in brackets.

    Where the bracket follows the name already read ("マリア・ロペス...（Ms. Maria Lopez, ...）",
    "山田浩二…大使（H.E. Mr. YAMADA Koji, ...）"), the English spelling replaces the
    romanised one and no second person is added.
    """
    scan = _scan_text(text)
    # Only a name written after an honorific word is taken; a text with none (most
    # Japanese releases) needs no search for names and offices at all.
    named = any(m.group("word") for m in _prefixes(scan))
    for person in _find_people(text, scan) if named else []:
        if not person.name.honorific or any(
            person.start < end and start < person.end for _f, _v, start, end in records
        ):
            continue
        katakana = min(  # the nearest name read before the bracket
            (
                (value, start, end)
                for _f, value, start, end in records
                if 0 <= person.start - end < 80
                and "。" not in text[end : person.start]
                and ("・" in text[start:end] or person.name.family.upper() in value["name"].upper())
            ),
            key=lambda found: person.start - found[2],
            default=None,
        )
        value = {
            "name": person.name.display,
            "title": person.office.title,
            "organisation_or_country": person.office.affiliation,
        }
        span = (person.start, person.end)
        if katakana is not None:
            value, span = katakana[0], katakana[1:]
            value["name"] = person.name.display
            if value["organisation_or_country"] is None:  # a state the Japanese glossary lacks
                value["organisation_or_country"] = _state_name(person.office.affiliation)
        if person.name.honorific in FEMALE_HONORIFICS:
            value["gender"] = "f"
            if span not in women:
                women.append(span)
        elif person.name.honorific in MALE_HONORIFICS:
            value["gender"] = "m"
        if katakana is None:
            records.append(("other_participants", value, person.start, person.end))
    women.sort()


def _state_name(written: str | None) -> str | None:
    """A state's short English name ('the Republic of Kenya' -> 'Kenya'), else None."""
    return name_of_code(gazetteer().country(written.strip("()（）")) if written else None)


def create(nlp: Language, name: str) -> Callable[[Doc], Doc]:
    """The ``people`` component: principal actors, other participants, named women."""

    def component(doc: Doc) -> Doc:
        st = state(doc)
        text = doc_text(doc)
        if st.language == "ja" or people_ja.is_japanese(text):
            records, women = people_ja.extract(text, st.release_date)
            _add_english_names(text, records, women)
            method = "people_ja_rules"
        elif st.language in ROMANCE:
            records, women = people_romance.extract(text, st.language)
            method = "people_romance_rules"
        else:
            records, people = extract_people(text)
            women = sorted(p.female_at for p in people if p.female_at)
            method = "people_rules"
        for field_name, value, start, end in records:
            st.add(field_name, value, start, end, method)
        if women:  # no women: the record's count is 0 and there is no span to point at
            st.set("women_count_named", len(women), women[0][0], women[0][1], method)
        return doc

    return component
