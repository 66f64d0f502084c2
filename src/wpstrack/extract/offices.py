"""Reading a person's office: the post as written, and the organisation or country.

Official English writes offices in a few shapes: ``Deputy Executive Director of the United
Nations Entity ... (UN Women)``, ``Minister for Foreign Affairs of Japan``, ``Canada's
Ambassador for ...``, ``the UNFPA Representative in Mozambique``, ``a Peruvian mediator``,
``a member of parliament from Chile``. The post is kept as written without "of <country>";
where a rank and a post are both given, the post; the affiliation comes only from a stated
organisation or nationality.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from wpstrack.extract import lexicon
from wpstrack.extract.gazetteer import country_name
from wpstrack.extract.names import DEMONYMS, TITLE_HEADS, TITLE_WORDS

# The vocabularies of offices (lexicon/people.yaml and organisations.yaml).
ORG_HEADS = lexicon.words("organisations", "body_last_words")
# ", Ministry of Foreign Affairs": a body after the post, ending or starting with these words.
_HEAD_ALT = "|".join(rf"\b{w}" for w in lexicon.ordered("organisations", "trailing_body_last"))
_BODY_FIRST = "|".join(lexicon.ordered("organisations", "trailing_body_first"))
_TRAILING_BODY_RE = re.compile(
    rf"^(.*),\s+([A-Z][^,]*?(?:\([A-Z][\w\- ]*\)|{_HEAD_ALT})|Ministry of [A-Z][\w ]*)$"
)
_BODY_START_RE = re.compile(rf"(?:{_BODY_FIRST}|[A-Z]{{2,}}\b)")
_MODIFIERS = lexicon.words("people", "office_modifiers")
_SUBUNITS = lexicon.words("people", "office_subunits")
_OFFICE_OWNERS = lexicon.words("people", "office_owners")
_DESCRIPTOR_STOP_RE = re.compile(
    r",|;|\s(?:(?:who|whose|that|which|living|working|based|specialising|specializing"
    r"|from|on|at|and|with)\b|of\s+(?:the\s+)?[A-Z])"
)
_ACRONYM_RE = re.compile(r"^(?:[A-Z][A-Za-z]*[A-Z][A-Za-z\-]*|UN)$")
# Every pattern of an office phrase is compiled here once: office phrases are read for
# every name candidate of every release, and a pattern written in the call was looked up in
# re's cache each time (the trailing body's, with its list of heads, built and hashed anew).
_ORG_CUT_RE = re.compile(r"\s(?:in|who|which)\s")
_ACRONYM_ORG_CUT_RE = re.compile(r"\s(?:in|who|which)\s|\s(?:for|on)\s")
_THE_CAPITAL_RE = re.compile(r"the\s+[A-Z]")
_CAPITAL_RUN_RE = re.compile(r"((?:[A-Z][\w'’\-]*\s?)+)")
_CAPITAL_RUN2_RE = re.compile(r"((?:[A-Z][\w'’\-]*\s?){2,})")
_LEADING_THE_RE = re.compile(r"^the\s+")
_TO_BRACKET_RE = re.compile(r"^(.*?\))")
_OF_RE = re.compile(r"\s+of\s+")
_STATE_WORD_END_RE = re.compile(r"(?:Republic|Kingdom|State|States|Union)$")
_COUNTRY_STOP_RE = re.compile(r"\s(?:to|in|for|at)\s|,")
_OWNED_RE = re.compile(r"\s*of\s")
_OF_AT_IN_RE = re.compile(r"\s+(?:of|at|in)\s+")
_THE_CAPITAL_RUN_RE = re.compile(r"(?:the\s+)?((?:[A-Z][\w'’\-]*\s?)+)")
_THE_NAME_RE = re.compile(r"the\s+[A-Z][a-z]+")
_INNER_OF_RE = re.compile(r"\sof\s+(?:the\s+)?([A-Z].*)")
_ON_RE = re.compile(r"\s+on\s+")
_REGION_RE = re.compile(r"^(\S+(?:\s[A-Z]\S*)*)\s+(for\s+[^,;()]+)$")
_DESCRIPTOR_ARTICLE_RE = re.compile(r"^(?:an?|the)\s+(?:[a-z]+['’]s\s+)?")
_COMPOUND_DEMONYM_RE = re.compile(r"^([A-Z]\w*)-([A-Z]\w*)\s")
_OF_AT_BODY_RE = re.compile(r"\b(?:of|at)\s+((?:the\s+)?[A-Z].*)")
_FROM_RE = re.compile(r"\bfrom\s+(.+)")
_COMMA_IN_RE = re.compile(r",|\s+in\s+")
_LEADING_THE_ANY_CASE_RE = re.compile(r"^[Tt]he\s+")
_DESCRIPTOR_START_RE = re.compile(r"^(?:an?\s|the\s+[a-z]+['’]s\s)")
_SEGMENT_SEP_RE = re.compile(r"(,\s+|\s+and\s+|;\s+)")
_COMMA_SEP_RE = re.compile(r"\s*,")
_INDEFINITE_RE = re.compile(r"^an?\s")
_AMBASSADOR_TO_RE = re.compile(r"^(Ambassador Extraordinary and Plenipotentiary)\s+to\s+.*$")
_LOWER_LEAD_RE = re.compile(r"^(?:[a-z][\w\-]*\s+)+(?=[A-Z])")
# "and" only inside a country ("Trinidad and Tobago's"), checked where it is used
_POSSESSIVE_RE = re.compile(r"^((?:(?:[A-Z][\w.&\-]*|and)\s?){1,4}?)(['’]s|(?<=s)['’])\s+(.+)$")
_APOSTROPHE_OR_SPACE_RE = re.compile(r"['’\s]")


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
    """Whether the words after "of"/"at" name a body ("the X", an acronym, "... Fund")."""
    first = rest.split(" ", 1)[0].strip(",.;()")
    if _ACRONYM_RE.match(first):
        return True
    if _THE_CAPITAL_RE.match(rest):
        return True
    run = _CAPITAL_RUN_RE.match(rest)
    if run:
        last = run.group(1).split()[-1].lower()
        return last in ORG_HEADS
    return False


def _plain_body(rest: str) -> bool:
    """'Equal Voices Canada': two or more capitalised words that are no office's words."""
    run = _CAPITAL_RUN2_RE.match(rest)
    if not run or run.group(1).strip() != rest.strip():
        return False
    words = run.group(1).split()
    return not any(w.lower() in TITLE_WORDS for w in words[:-1]) and not country_name(rest)


def _trim_org(org: str) -> str:
    """A body's name without the place and clauses that follow it."""
    org = _LEADING_THE_RE.sub("", org.strip().rstrip(",.;"))
    paren = _TO_BRACKET_RE.match(org)
    if paren and "(" in paren.group(1):
        return paren.group(1)
    acronym_led = bool(_ACRONYM_RE.match(org.split(" ", 1)[0]))
    cut = (_ACRONYM_ORG_CUT_RE if acronym_led else _ORG_CUT_RE).search(org)
    return org[: cut.start()] if cut else org


def _strip_country(title: str, office: Office) -> str:
    """The office without "of <country>", the country kept as affiliation."""
    for match in _OF_RE.finditer(title):
        if _STATE_WORD_END_RE.search(title[: match.start()]):
            continue
        rest = title[match.end() :]
        stop = _COUNTRY_STOP_RE.search(rest)
        candidate = rest[: stop.start()] if stop else rest
        country = country_name(candidate)
        if country:
            office.country = office.country or country
            return title[: match.start()] + (rest[stop.start() :] if stop else "")
    return title


def _whole_secretariat(rest: str, run: re.Match[str]) -> bool:
    """'of the Commonwealth Secretariat' names a body; 'of the Secretariat of X' a part of X."""
    words = run.group(1).split()
    owned = _OWNED_RE.match(rest[run.end() :]) is not None
    return words[-1].lower() == "secretariat" and len(words) > 1 and not owned


# "Minister of State at the Foreign Office": the department a junior minister sits in.
_JUNIOR_MINISTER_AT_RE = re.compile(
    r"^(?:"
    + "|".join(map(re.escape, lexicon.ordered("offices", "junior_ministers")))
    + r")\s+at\s+(?:the\s+)?(?:[A-Z][\w\-]*\s+)*(?:"
    + "|".join(lexicon.ordered("offices", "departments"))
    + r")\b"
)


def _split_org(title: str, office: Office) -> str:
    """The office without "of/at <body>", the body kept as affiliation."""
    if _JUNIOR_MINISTER_AT_RE.match(title):  # the department a junior minister sits in is the post
        return title
    for match in _OF_AT_IN_RE.finditer(title):
        rest = title[match.end() :]
        if title[: match.start()].endswith("in charge"):
            continue
        word = _LEADING_THE_RE.sub("", rest).split(" ", 1)[0].lower()
        run = _THE_CAPITAL_RUN_RE.match(rest)
        if (
            run
            and run.group(1).split()[-1].lower() in _SUBUNITS
            and not _whole_secretariat(rest, run)
        ):
            continue
        if word in _SUBUNITS or (match.group().strip() == "in" and not rest.startswith("the ")):
            continue
        if _THE_NAME_RE.fullmatch(rest.strip()):  # "of the Committee"
            office.organisation = "the " + _LEADING_THE_RE.sub("", rest.strip())
            return title
        if word in _OFFICE_OWNERS:
            inner = _INNER_OF_RE.search(rest)
            if inner and _org_like(inner.group(1)):
                office.organisation = _ON_RE.split(_trim_org(inner.group(1)))[0]
            return title
        owned = run and run.group(1).split()
        if owned and len(owned) > 1 and owned[-1].lower() in _OFFICE_OWNERS:
            body = " ".join(owned[:-1])  # "of the OSCE Chairpersonship on Gender"
            office.organisation = body if _org_like(body) else None
            return title
        if match.group().strip() == "in" and country_name(rest):
            continue
        at_body = match.group().strip() == "at" and rest[:1].isupper()
        if _org_like(rest) or at_body or _plain_body(rest):
            office.organisation = _trim_org(rest)
            region = _REGION_RE.match(rest)
            if region and _ACRONYM_RE.match(rest.split(" ")[0]):  # "of UNFPA for Asia"
                office.organisation = region.group(1)
                return title[: match.start()] + " " + region.group(2)
            return title[: match.start()]
    return title


_DEMONYMS_LONGEST_FIRST = tuple(sorted(DEMONYMS, key=len, reverse=True))


# "a physician coordinating clinics in X": the post ends where a clause in -ing begins,
# unless an office's head follows ("a youth training coordinator").
_PARTICIPLE_RE = re.compile(
    r"(?<=[a-z]{3})(?<!\bthe)(?<!\band)(?<!\bfor)(?<!\bwith)\s+(?!(?:[\w\-]+\s+)?(?:"
    + "|".join(sorted(TITLE_HEADS, key=len, reverse=True))
    + r")\b)[a-z]+ing\s+[a-z].*$"
)


def _descriptor(text: str, office: Office) -> None:
    """'a Peruvian mediator who ...', 'a member of the X', 'a youth activist from Y'."""
    text = _DESCRIPTOR_ARTICLE_RE.sub("", text.strip())  # "the clinic's"
    text = _PARTICIPLE_RE.sub("", text)
    low = text.lower()
    for demonym in _DEMONYMS_LONGEST_FIRST:
        if low.startswith(demonym + " "):
            office.country = DEMONYMS[demonym]
            text = text[len(demonym) + 1 :]
            break
    else:
        compound = _COMPOUND_DEMONYM_RE.match(text)
        if compound and all(p.lower() in DEMONYMS for p in compound.groups()):
            text = text.split(" ", 1)[1]  # "a Dutch-Moroccan mediator": two nationalities
        elif compound and compound.group(2).lower() in DEMONYMS:
            office.country = DEMONYMS[compound.group(2).lower()]  # "an Afro-Colombian leader"
    stop = _DESCRIPTOR_STOP_RE.search(text)
    title = text[: stop.start()] if stop else text
    rest = text[stop.start() :] if stop else ""
    office.title = title.strip() or None
    org = _OF_AT_BODY_RE.search(rest)
    if org and _org_like(org.group(1)):
        office.organisation = _trim_org(org.group(1))
    place = _FROM_RE.search(rest)
    if place and office.country is None:
        parts = _COMMA_IN_RE.split(place.group(1))
        for part in (parts[0], parts[-1]):
            country = country_name(part)
            if country:
                office.country = country
                break


def _is_title_segment(segment: str) -> bool:
    """Whether a comma- or and-separated piece starts a new office."""
    words = [w.lower().strip(",.()") for w in segment.split()[:5]]
    if not words or not segment[0].isupper():
        return False
    return any(w in TITLE_HEADS for w in words)


_ORG_ACRONYM_TITLE_RE = re.compile(r"^([A-Z][^()]*[a-z])\s+\([A-Z]{2,}\)\s+([A-Z][\w\- ]*)$")


def _owner_prefix(segment: str, office: Office) -> str:
    """'Canada's Ambassador', 'the UK Ambassador', 'UN Women Deputy Executive Director'."""
    segment = _LEADING_THE_ANY_CASE_RE.sub("", segment)
    bracketed = _ORG_ACRONYM_TITLE_RE.match(segment)
    if bracketed and any(w.lower() in TITLE_HEADS for w in bracketed.group(2).split()):
        office.organisation = bracketed.group(1)  # "National Commission on Women (NCW) Chair"
        return bracketed.group(2)
    lead = segment.split(" ", 1)
    if len(lead) == 2 and lead[0].lower() in DEMONYMS and lead[1][:1].isupper():
        office.country = DEMONYMS[lead[0].lower()]  # "Japanese Foreign Minister"
        return lead[1]
    if len(lead) == 2 and lead[0].lower() in DEMONYMS and lead[1].split(" ")[0] in TITLE_HEADS:
        office.country = DEMONYMS[lead[0].lower()]  # "a Malian midwife"
        return lead[1]
    # "Canada's Ambassador"; a name ending in s takes the apostrophe alone ("Marshall Islands'")
    possessive = _POSSESSIVE_RE.match(segment)
    if possessive and " and " in possessive.group(1) and not country_name(possessive.group(1)):
        possessive = None
    if possessive and (len(possessive.group(2)) == 2 or country_name(possessive.group(1))):
        owner, _mark, rest = possessive.groups()
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
        if low in TITLE_HEADS or low in _MODIFIERS:
            if index == 0:
                return segment
            place = next((k for k in range(1, index) if country_name(words[k])), None)
            if place is not None and _ACRONYM_RE.match(words[0]):
                office.organisation = " ".join(words[:place])  # "UNDP Kenya Country Director"
                return " ".join(words[place + 1 :])
            owner = " ".join(words[:index])
            rest = " ".join(words[index:])
            if "'s" in rest or "’s" in rest:
                office.organisation = owner if _org_like(owner) else None
                return segment
            if country_name(owner):
                office.country = country_name(owner)
            elif _ACRONYM_RE.match(owner.split(" ")[0]) or (" " in owner and _org_like(owner)):
                office.organisation = owner  # "UN Women", "United Nations"
            else:
                return segment
            return rest
        if not word[:1].isupper():
            return segment
    return segment


def _joins_country(left: str, right: str) -> bool:
    """Whether 'and' between these joins the two halves of one country name."""
    before = left.split()
    after = _APOSTROPHE_OR_SPACE_RE.split(right, maxsplit=1)[0]
    return bool(before) and country_name(f"{before[-1]} and {after}") is not None


def parse_office(phrase: str) -> Office:
    """Read an office phrase: the post as written without 'of <country>', and the affiliation.

    Where several offices are listed ("Ambassador Extraordinary and Plenipotentiary,
    Permanent Representative of Japan to ..."), the last capitalised one is the post.
    """
    office = Office()
    phrase = phrase.strip().strip(",;").strip()
    if not phrase:
        return office
    if country_name(phrase):  # "Ambassador Barbara Woodward, UK"
        office.country = country_name(phrase)
        return office
    if _DESCRIPTOR_START_RE.match(phrase) or (
        phrase[0].islower() and not phrase.startswith("the ")
    ):
        _descriptor(phrase, office)
        return office
    pieces = _SEGMENT_SEP_RE.split(phrase)
    segments: list[str] = [pieces[0]]
    for sep, piece in zip(pieces[1::2], pieces[2::2], strict=False):
        if sep.strip() == "and" and _joins_country(segments[-1], piece):
            segments[-1] += sep + piece  # "Trinidad and Tobago's Minister": one country
        elif (_is_title_segment(piece) and not _COMMA_SEP_RE.match(sep + "x")) or (
            _is_title_segment(piece) and sep.startswith(",") and _is_title_segment(segments[-1])
        ):
            segments.append(piece)
        elif _INDEFINITE_RE.match(piece):
            extra = Office()
            _descriptor(piece, extra)
            office.country = office.country or extra.country
        else:
            segments[-1] += sep + piece
    # ", Ministry of Foreign Affairs" names the body the post belongs to
    trailing = _TRAILING_BODY_RE.match(segments[-1])
    body_start = trailing and _BODY_START_RE.match(trailing.group(2))
    if trailing and body_start and not _is_title_segment(trailing.group(2)):
        segments[-1] = trailing.group(1)
        if not trailing.group(2).startswith("Ministry of "):  # a ministry stands for its state
            office.organisation = _trim_org(trailing.group(2))
    chosen = segments[-1]
    for segment in segments[:-1]:
        extra = Office()
        _split_org(_strip_country(segment, extra), extra)
        office.country = office.country or extra.country
    found_org = office.organisation
    title = _owner_prefix(chosen, office)
    before = office.country
    title = _strip_country(title, office)
    if office.country is None or office.country == before:
        title = _split_org(title, office)
    office.organisation = office.organisation or found_org
    title = _AMBASSADOR_TO_RE.sub(r"\1", title)
    title = title.strip(" ,;")
    lead = _LOWER_LEAD_RE.match(title)  # "newly elected Foreign Minister"
    if (
        lead
        and title.split(" ", 1)[0] not in TITLE_HEADS
        and _is_title_segment(title[lead.end() :])
    ):
        title = title[lead.end() :]
    office.title = title or None
    return office
