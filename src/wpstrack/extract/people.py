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
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from spacy.language import Language
from spacy.tokens import Doc

from wpstrack.extract import people_ja
from wpstrack.extract.model import state
from wpstrack.extract.names import (
    FEMALE_HONORIFICS,
    MALE_HONORIFICS,
    PARTICLES,
    POSTNOMINALS,
    RANKS,
    TITLE_HEADS,
    TITLE_WORDS,
    Office,
    ParsedName,
    country_name,
    name_words_ok,
    parse_name,
    parse_office,
    smart_title,
)
from wpstrack.extract.orgnames import acronym_map, normalise_org

_PREFIX_RE = re.compile(
    r"(?<![\w.])(?:(?P<he>H\.\s?E\.|His\s+Excellency|Her\s+Excellency)\s+)?"
    r"(?P<hon>(?:Senator\s+)?(?:[Tt]he\s+)?(?:Hon(?:ourable|orable)?|Rt\.?\s+Hon)\.?\s+)?"
    r"(?:(?P<word>Ms|Mrs|Mr|Miss|Mme|Madam|Dr|Prof|Professor|Baroness|Baron|Lord|Lady|Sir|Dame"
    r"|Ambassador|AMBASSADOR|Ambassadress|Senator|Judge|Justice|"
    + "|".join(r.replace(" ", r"\s") for r in RANKS)
    + r")\.?[ \xa0]+)?(?=[^\W\d_])"
)
_WORD_RE = re.compile(r"[^\W\d_][\w'’\-]*")
_UPPER = "A-ZÀ-ÖØ-ÞĀĆČĎĐĒĘĚĞĮİŁŃŇŌŐŒŘŚŞŠŢŤŪŮŰŹŻŽ"
_CAPITAL_RUN_RE = re.compile(
    rf"(?<![\w'’\-.])[{_UPPER}][\w'’\-]*(?:[ \xa0](?:(?:van|von|de|da|del|der|di|du|dos|bin|al|"
    rf"el)[ \xa0])?[{_UPPER}][\w'’\-]*)*"
)
_PSEUDONYM_RE = re.compile(r"^\s*\((?:not (?:her|his|their) real name|name changed)[^)]*\)")
_CLAUSE_START_RE = re.compile(
    r"(?:^|[.;:\n(\"“,]|\b(?:by|and|with|them|included|including|from|Signed))\s*$"
)
# Background sections: people first named there did not take part in the event.
_BACKGROUND_RE = re.compile(
    r"^\s*(?:\(Reference[^)]*\)|Background|Quick facts|Notes to editors|Associated links)",
    re.M,
)
_SECOND_EVENT_RE = re.compile(
    r"(?:^|\n)\s*(?:\d+\.\s+)?(?:Following the (?:meeting|talk|call|dialogue)|After the "
    r"(?:meeting|talk|call))",
)
_FEMALE_PRONOUN_RE = re.compile(r"\b(?:she|her|hers|herself)\b", re.I)
_MALE_PRONOUN_RE = re.compile(r"\b(?:he|his|him|himself)\b", re.I)


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
        nxt = re.match(r"[ \xa0]", text[match.end() : match.end() + 1])
        if word in POSTNOMINALS:
            end = match.end()
            break
        if not word[0].isupper():
            following = _WORD_RE.match(text, match.end() + 1) if nxt else None
            if word in PARTICLES and following and following.group()[0].isupper():
                words.append(word)
                cursor = match.end() + 1
                continue
            break
        words.append(word)
        end = match.end()
        if not nxt:
            break
        cursor = match.end() + 1
    while words and words[-1] in PARTICLES:
        words.pop()
    return end, words


def _post_phrase(text: str, end: int) -> str:
    """The office written after a name: ', Deputy Executive Director of ...,' or ' of X'."""
    tail = text[end : end + 400].split("\n", 1)[0]
    if tail.startswith(" of ") or tail.startswith(" at "):
        tail = tail[1:]
    elif re.match(r",\s+(?:an?\s|[A-Z])", tail) and not re.match(
        r",\s+(?:who|which|whose|and)\b", tail
    ):
        tail = tail[1:].lstrip()
    else:
        return ""
    stop = re.search(
        r",\s+(?:and\s+)?(?:who|which|whose|said|[a-z]+ed\b|H\.E\.|Hon|Ms|Mr|Mrs|Dr|the Hon)"
        r"|,\s+and\s+(?:[A-Z]|the\s)|,\s+[a-z]|\.(?:\s|$)|;|:|\s\((?![A-Z][\w\-]*\))"
        r"|\s(?:who|which|said|stated|explained|told|briefed|described|presented|spoke|held"
        r"|met|attended|introduced|received|thanked|noted|expressed|visited|opened)\b",
        tail,
    )
    return tail[: stop.start()] if stop else tail


def _pre_phrase(text: str, start: int) -> str:
    """The office written before a name: 'Mozambique's Minister for X, ' or 'Minister X '."""
    line_start = text.rfind("\n", 0, start) + 1
    left = text[line_start:start]
    if left.endswith(", "):
        left = left[:-2]
    elif not left.endswith((" ", "\xa0")) or not left.rstrip()[-1:].isalpha():
        return ""
    strong = list(re.finditer(r"[.;:(\"“]\s+|\s[-–—]\s|/\s", left))
    chunk = left[strong[-1].end() :] if strong else left
    picked: list[str] = []
    for piece in reversed(re.split(r",\s+", chunk)):
        picked.insert(0, piece)
        if _has_head(piece):
            break
    phrase = ", ".join(picked)
    weak = list(
        re.finditer(
            r"\b(?:by|with|from|to|as|was|were|is|are|met|meets|joined|include|included|and"
            r"|including|among them|[Nn]oting|Signed|attributable to|[Pp]residing over)\s+",
            phrase,
        )
    )
    heads = [m.start() for m in re.finditer(r"\S+", phrase) if _has_head(m.group())]
    if not heads:
        return ""
    cuts = [m.end() for m in weak if any(h >= m.end() for h in heads)]
    phrase = phrase[cuts[-1] :] if cuts else phrase
    phrase = re.sub(r"^(?:and\s+)?(?:[Tt]he\s+)?", "", phrase.strip(" -–—/,"))
    if phrase.split(" ")[-1] in _CONNECTORS:
        return ""
    lower = [w for w in re.findall(r"[\w'’\-]+", phrase) if w[:1].islower()]
    if any(w not in _CONNECTORS and w.lower() not in TITLE_WORDS for w in lower):
        return ""
    return phrase if phrase[:1].isupper() else ""


_CONNECTORS = frozenset({"of", "for", "and", "the", "to", "in", "on", "at", "a", "an", "s"})


def _has_head(text: str) -> bool:
    return any(w.lower().strip("'’s,") in TITLE_HEADS for w in text.split())


def _candidates(text: str) -> Iterator[tuple[int, int, list[str], str | None, int]]:
    """(name start, name end, words, honorific, mention start) for every written full name."""
    taken: set[int] = set()
    for match in _PREFIX_RE.finditer(text):
        if not (match.group("word") or match.group("he") or match.group("hon")):
            continue
        end, words = _scan_name(text, match.end())
        if not words or not name_words_ok(words):
            continue
        word = match.group("word")
        honorific = word.lower().replace(" ", "") if word else None
        taken.update(range(match.end(), end))
        yield match.end(), end, words, honorific, match.start()
    for run in _CAPITAL_RUN_RE.finditer(text):
        if run.start() in taken:
            continue
        yield from _bare_name(text, run, taken)


def _bare_name(
    text: str, run: re.Match[str], taken: set[int]
) -> Iterator[tuple[int, int, list[str], str | None, int]]:
    tokens = list(re.finditer(r"[^\W\d_][\w'’\-]*", run.group()))
    for first in range(len(tokens)):
        if not tokens[first].group()[0].isupper():
            continue
        start = run.start() + tokens[first].start()
        end, words = _scan_name(text, start)
        if not 2 <= len(words) <= 4 or not name_words_ok(words) or start in taken:
            continue
        pre, post = text[max(0, start - 120) : start], text[end : end + 60]
        titled = bool(_pre_phrase(text, start))
        clause = bool(_CLAUSE_START_RE.search(pre)) or (first > 0 and titled)
        ok = (
            titled
            or re.match(r"[ \xa0](?:" + "|".join(POSTNOMINALS) + r")\b", post)
            or _PSEUDONYM_RE.match(post)
            or (clause
            and re.match(r",\s+(?:who\b|an?\s+\w|[A-Z][\w\-]*\s)", post)
            and (parse_office(_post_phrase(text, end)).title or re.match(r",\s+who", post)))
            or (clause
            and re.match(r"\s+of\s+the\s+[A-Z]", post))
        )
        if ok:
            taken.update(range(start, end))
            yield start, end, words, None, start
            return


def _office_at(scan: str, end: int, start: int, honorific: str | None) -> tuple[Office, int]:
    """The office written around one full mention, and how much text it rests on."""
    post = _post_phrase(scan, end)
    org_first = re.match(r"^(?:of|at)\s+(.+?)(?:,\s+(.*))?$", post)
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
        rank = next((r for r in RANKS if r.lower().replace(" ", "") == honorific), None)
        office.title = rank or ("Professor" if honorific in {"professor", "prof"} else None)
    weight = 2 * bool(office.affiliation) + bool(office.title)
    return office, weight * 1000 + len(office.title or "")


def _org_phrase(text: str) -> str:
    """An organisation named after 'of'/'at': up to the first word that is not part of it."""
    words = text.split(" ")
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
    return re.split(r"\s+in\s+", phrase)[0]


def _find_people(text: str, scan: str) -> list[Person]:
    people: dict[str, Person] = {}
    for start, end, words, honorific, mention_start in _candidates(scan):
        parsed = parse_name(" ".join(words), honorific)
        if parsed is None:
            continue
        key = parsed.family.lower()
        if not parsed.given:  # a family name alone: a later reference, linked below
            continue
        person = people.get(key)
        if person is None:
            person = Person(parsed, start, end, caps_family=parsed.family.isupper())
            people[key] = person
        elif not person.name.honorific and honorific:
            person.name.honorific = honorific
        office, weight = _office_at(scan, end, mention_start, honorific)
        if weight > person.office_weight:
            person.office, person.office_weight = office, weight
        if _PSEUDONYM_RE.match(scan[end : end + 40]):
            person.pseudonym = True
    _reorder_family_first(scan, people)
    for person in people.values():
        family = re.escape(person.name.family)
        for match in re.finditer(rf"(?<![\w'’\-]){family}(?![\w'’\-])", scan, re.I):
            person.mentions.append((match.start(), match.end()))
    return sorted(people.values(), key=lambda p: p.start)


def _reorder_family_first(scan: str, people: dict[str, Person]) -> None:
    """'Ms. Nguyen Thi Lan' ... 'Ms. Nguyen': the first word is the family name."""
    for key, person in list(people.items()):
        words = f"{person.name.given} {person.name.family}".split()
        if len(words) < 2 or person.caps_family:
            continue
        later = rf"\b(?:Ms|Mr|Mrs|Dr|Professor)\.?\s+{re.escape(words[0])}\b(?![ \xa0][A-Z])"
        if re.search(later, scan):
            person.name = ParsedName(" ".join(words[1:]), words[0], person.name.honorific)
            people.pop(key)
            people[person.key] = person


# Passive phrases naming who led the event ("was co-chaired by X and Y").
_LEAD_BY_RE = re.compile(
    r"\b(?:co-chaired|chaired|hosted|opened|led|signed|inaugurated|launched|convened|presided"
    r"|co-hosted|opening remarks)\b[^.;]{0,160}?\bby\b|\bPresiding over\b|\bco-chair(?:ed)?\b"
    r"[^.;]{0,60}\bwith\b"
)
_DELEGATION_LED_RE = re.compile(r"\bdelegation\b[^.;]{0,80}\bled by\b")
# Active verbs of the event sentence ("X held a meeting with Y").
_EVENT_VERB_RE = re.compile(
    r"\b(?:held|holds|hosted|hosts|met|meets|received|receives|paid|pays|visited|visits"
    r"|attended|attends|opened|opens|announced|announces|launched|launches|co-chaired"
    r"|chaired|signed)\b|\b(?:had|has|delivered|delivers|spoke|speaks|called|calls)\s+(?:an?\s+"
    r"|the\s+)?(?:\w+\s+){0,2}(?:meeting|talk|dialogue|conference|call|exchange|lunch|dinner"
    r"|breakfast|roundtable|discussion|remarks|speech|address|statement|video)"
)
_FIRST_PERSON_RE = re.compile(
    r"(?:^|[.!?\n]\s*)(?:Today[^.]{0,40}?\s)?I\s+(?:met|am|was|have|"
    r"announced|visited|thank|welcome)\b|\bAs a woman\b"
)
_AUTHOR_HEADER_RE = re.compile(r"^\s*(?:STATEMENT|Statement|SPEECH|Speech|Remarks|REMARKS)\b")


_ABBREVIATIONS = frozenset(
    ["ms", "mr", "mrs", "dr", "prof", "hon", "st", "no", "mt", "jr", "sr", "lt", "col", "gen", "cdr", "capt", "vs", "etc", "e", "h", "u", "s", "m", "p", "a.m", "p.m", "e.g", "i.e", "h.e", "u.s", "u.k", "d.c", "rt"]
)


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Sentence spans: a stop, then space and a capital, unless the word is an abbreviation."""
    spans: list[tuple[int, int]] = []
    start = 0
    for match in re.finditer(r"[.!?](?=[ \xa0]+[A-Z0-9(\"“])|\n", text):
        if match.group() != "\n":
            word = re.search(r"([\w.]+)$", text[max(0, match.start() - 8) : match.start()])
            if word and word.group(1).lower().strip(".") in _ABBREVIATIONS:
                continue
        if text[start : match.end()].strip():
            spans.append((start, match.end()))
        start = match.end()
    if text[start:].strip():
        spans.append((start, len(text)))
    return spans


def _people_in(people: list[Person], start: int, end: int) -> list[tuple[int, Person]]:
    found = []
    for person in people:
        hits = [s for s, _e in person.mentions if start <= s < end]
        if hits:
            found.append((hits[0], person))
    return sorted(found, key=lambda item: item[0])


def _body_start(text: str, people: list[Person]) -> int:
    """Where the release's narrative begins: the first line that is a full sentence."""
    for match in re.finditer(r"^.{60,}$", text, re.M):
        if re.search(r"[.!?]\s*$|[.!?]\s", match.group()):
            return match.start()
    return 0


def _assign_roles(text: str, people: list[Person]) -> None:
    """Principals from the event sentence or a 'led by' phrase; everyone else who took part."""
    body = _body_start(text, people)
    background = _BACKGROUND_RE.search(text, body)
    stop = background.start() if background else len(text)
    second = _SECOND_EVENT_RE.search(text, body)
    author = _first_person(text, people)
    if author is not None:
        author.role = "principal"
    for start, end in sentence_spans(text):
        if start < body:
            continue
        if start >= stop or any(p.role == "principal" for p in people):
            break
        _principals_in_sentence(text, people, start, end)
    cut = second.start() if second else stop
    for person in people:
        if person.role or person.pseudonym:
            continue
        first = min((s for s, _e in person.mentions), default=person.start)
        if _in_signatures(text, first):
            person.role = "principal"
        elif body <= first < min(cut, stop) or (first < body and any(body <= s < min(cut, stop) for s, _e in person.mentions)):
            person.role = "other"
    if author is not None:
        _only_cued_in_speech(text, people)


def _in_signatures(text: str, pos: int) -> bool:
    sign = re.search(r"^\s*Signed\s*:?\s*$", text, re.M)
    return bool(sign and pos > sign.start())


def _principals_in_sentence(text: str, people: list[Person], start: int, end: int) -> None:
    sentence = text[start:end]
    present = _people_in(people, start, end)
    if not present:
        return
    lead = _LEAD_BY_RE.search(sentence)
    verb = _EVENT_VERB_RE.search(sentence)
    if verb and present[0][0] < start + verb.start() and not (lead and lead.start() < verb.start()):
        for pos, person in present:
            if pos < start + verb.start():
                person.role = "principal"
        if re.search(r"\bco-chair", sentence):
            for _pos, person in present:
                person.role = "principal"
        return
    if lead and not _DELEGATION_LED_RE.search(sentence):
        tail = re.search(
            r"\b(?:attended|joined|accompanied|witnessed|took part|also)\b|;",
            sentence[lead.end() :],
        )
        limit = start + lead.end() + (tail.start() if tail else len(sentence))
        for pos, person in present:
            if start + lead.start() <= pos < limit or lead.group().startswith("co-chair") or (lead.group().startswith("Presiding") and pos < limit):
                person.role = "principal"


def _unquoted(text: str) -> str:
    """The text with quotations blanked out (same length): a quoted 'I' is not the author."""
    return re.sub(r'["“][^"”\n]*(?:["”]|$)', lambda m: " " * len(m.group()), text, flags=re.M)


def _first_person(text: str, people: list[Person]) -> Person | None:
    """The author of a statement, speech or first-person release, named in its header."""
    text = _unquoted(text)
    if not (_AUTHOR_HEADER_RE.search(text) or _FIRST_PERSON_RE.search(text)):
        return None
    signed = re.search(r"^\s*Signed\s*:?\s*$", text, re.M)
    if signed:
        return None
    return min(people, key=lambda p: p.start) if people else None


def _only_cued_in_speech(text: str, people: list[Person]) -> None:
    """In a speech, people thanked or recalled did not take part unless the text says so."""
    cue = re.compile(r"\b(?:briefers?|joined|with me|accompanied|took part|co-chair|attended)\b")
    for person in people:
        if person.role != "other":
            continue
        sentences = [
            text[s:e] for s, e in sentence_spans(text) if any(s <= m < e for m, _ in person.mentions)
        ]
        if not any(cue.search(sentence) for sentence in sentences):
            person.role = None


def _mark_gender(text: str, people: list[Person]) -> None:
    """Honorifics and she/her pronouns attach to the nearest person named before them."""
    for person in people:
        honorific = (person.name.honorific or "").rstrip(".")
        if honorific in FEMALE_HONORIFICS:
            person.female_at = (person.start, person.end)
        if honorific in MALE_HONORIFICS:
            person.male = True
    for match in re.finditer(
        r"\b(?:Ms|Mrs|Miss|Madam|Baroness|Dame)\.?[ \xa0]+([A-Z][\w'’\-]*)", text
    ):
        for person in people:
            if match.group(1).lower() in {person.key, person.name.given.split(" ")[0].lower()}:
                person.female_at = person.female_at or (person.start, person.end)
    mentions = sorted((s, e, p) for p in people for s, e in p.mentions)
    for regex, female in ((_FEMALE_PRONOUN_RE, True), (_MALE_PRONOUN_RE, False)):
        for match in regex.finditer(text):
            before = [(s, e, p) for s, e, p in mentions if e <= match.start()]
            if not before or match.start() - before[-1][0] > 400:
                continue
            person = before[-1][2]
            if female and not person.male:
                person.female_at = person.female_at or (person.start, person.end)
            elif not female and person.female_at is None:
                person.male = True
    if re.search(r"\bAs a woman\b", _unquoted(text)):
        author = _first_person(text, people)
        if author is not None:
            author.female_at = author.female_at or (author.start, author.end)


def _home_country(text: str) -> str | None:
    """The country whose government the release speaks for: the one it names most often."""
    counts: dict[str, int] = {}
    for match in re.finditer(r"\b[A-Z][a-z]+(?: [A-Z][a-z]+)?\b", text):
        country = country_name(match.group())
        if country:
            counts[country] = counts.get(country, 0) + 1
    return max(counts, key=lambda c: counts[c]) if counts else None


_GOVERNMENT_TITLE_RE = re.compile(
    r"\b(?:Minister|Vice-Minister|Ambassador|Director-General|Director General|Permanent "
    r"Representative|State Secretary|Secretary of State|Senator|Deputy Minister)\b"
)


def _affiliation(
    person: Person, text: str, acronyms: dict[str, str], home: str | None
) -> str | None:
    office = person.office
    if office.organisation:
        return normalise_org(office.organisation, text, acronyms)
    if office.country:
        return office.country
    title = office.title or ""
    if _GOVERNMENT_TITLE_RE.search(title) and title[:1].isupper():
        return "Japan" if person.caps_family else home
    return None


def _scan_text(text: str) -> str:
    """The text with all-capitals lines title-cased (same length, so spans still hold)."""
    lines = []
    for line in text.split("\n"):
        letters = [c for c in line if c.isalpha()]
        if len(letters) > 20 and all(c.isupper() for c in letters):
            line = smart_title(line)
        lines.append(line)
    return "\n".join(lines)


def extract_people(text: str) -> tuple[list[dict[str, object]], list[Person]]:
    """Every person who took part, as gold records with spans, and all named people."""
    scan = _scan_text(text)
    people = _find_people(text, scan)
    _assign_roles(scan, people)
    _mark_gender(scan, people)
    acronyms = acronym_map(scan)
    home = _home_country(scan)
    records: list[dict[str, object]] = []
    for person in people:
        if person.role is None:
            continue
        records.append(
            {
                "field": "principal_actors" if person.role == "principal" else "other_participants",
                "value": {
                    "name": person.name.display,
                    "title": person.office.title,
                    "organisation_or_country": _affiliation(person, scan, acronyms, home),
                },
                "start": person.start,
                "end": person.end,
            }
        )
    return records, people


def create(nlp: Language, name: str) -> Callable[[Doc], Doc]:
    """The ``people`` component: principal actors, other participants, named women."""

    def component(doc: Doc) -> Doc:
        st = state(doc)
        text = doc.text
        if people_ja.is_japanese(text):
            records, women = people_ja.extract(text)
            method = "people_ja_rules"
        else:
            records, people = extract_people(text)
            women = sorted(p.female_at for p in people if p.female_at)
            method = "people_rules"
        for record in records:
            st.add(record["field"], record["value"], record["start"], record["end"], method)
        span = women[0] if women else (0, 0)
        st.set("women_count_named", len(women), span[0], span[1], method)
        return doc

    return component
