"""Roles and gender of the people a release names (used by the ``people`` component).

Roles come from the event sentence: the subject of "held a meeting with", "received a
courtesy call from", "paid a courtesy call on" is the principal and its objects the other
participants; "co-chaired by", "hosted by", "signed by", "opened by", "led by", "presiding
over" name principals; "attended by", "joined by", "accompanied by", "witnessed by", "took
part" and the speakers of the body name other participants. First-person releases
("Today in Suva I met ...", "Statement by ...") are led by their author, and in a speech only
people the text says took part ("the briefers", "joined by") are participants. A name given
only in a background section, or only at a second event ("Following the meeting, ..."), is
not a participant; a pseudonym ("not her real name") is not either.

Gender: an honorific (Ms., Mrs., Madam, Baroness) or a she/her pronoun that follows the
person's mention marks a woman; he/his marks a man.

Names: a later "Ms. Nguyen" shows that "Nguyen Thi Lan" is written family name first; a name
spelt two ways in one release is one person; "elected X and Y as co-chairs" gives their post.
"""

from __future__ import annotations

import bisect
import re
from typing import TYPE_CHECKING

from wpstrack.extract import lexicon
from wpstrack.extract.gazetteer import country_name
from wpstrack.extract.literals import WORD_CHAR, at_word_start
from wpstrack.extract.matchers import is_government_office, office_follows
from wpstrack.extract.names import FEMALE_HONORIFICS, MALE_HONORIFICS, ParsedName
from wpstrack.extract.orgnames import normalise_org
from wpstrack.extract.sentences import sentence_spans

if TYPE_CHECKING:
    from wpstrack.extract.people import Person

_BACKGROUND = r"\(Reference[^)]*\)|Background|Quick facts|Notes to editors|Associated links"
_BACKGROUND_RE = re.compile(rf"^\s*(?:{_BACKGROUND})", re.M)
_BACKGROUND_WORDS_RE = re.compile(_BACKGROUND)  # what a heading has: absent, no need to look
_SECOND_EVENT_RE = re.compile(
    r"(?:^|\n)\s*(?:\d+\.\s+)?(?:Following the (?:meeting|talk|call|dialogue)|After the "
    r"(?:meeting|talk|call))",
)
_AFTER_RE = re.compile(r"Following the |After the ")  # in every match of the one above
# Patterns run over whole texts start with a lookahead on the characters a match can start
# with, so that the regex engine passes over the others fast.
# A pronoun, group "her" when it is a woman's; pronouns are whole words, so one pass finds
# each of them.
_PRONOUN_RE = re.compile(r"(?=[sh])\b(?:(?P<her>she|her|hers|herself)|he|his|him|himself)\b", re.I)
# The same words in the lower-case copy of an ASCII text (same offsets, same matches): the
# pattern opens with the first letters, so that the regex engine skips to them, where the
# case-insensitive one opening with a look-ahead was tried at every character.
_LOWER_PRONOUN_RE = re.compile(r"[sh](?<!\w.)(?:(?<=s)he|(?<=h)(?:er|ers|erself|e|is|im|imself))\b")
_HER = frozenset({"she", "her", "hers", "herself"})


def _pronouns(text: str) -> list[tuple[int, bool]]:
    """(start, whether it is a woman's) of every pronoun of the text."""
    if text.isascii():
        lower = text.lower()
        return [(m.start(), m.group() in _HER) for m in _LOWER_PRONOUN_RE.finditer(lower)]
    return [(m.start(), m.group("her") is not None) for m in _PRONOUN_RE.finditer(text)]


# "In her closing summary, Professor Sugawara stated ...": the pronoun comes first.
_CATAPHORA_RE = re.compile(
    r"(?:^|\n|[.;]\s+)(?:\(?\d+[.)]\s*)?(?:In|During|At|On|After) (her|his) [^,.]{3,60},", re.I
)
_CATAPHORA_CUE_RE = re.compile(r" h(?:er|is) ", re.I)  # in every match of the one above
_WOMAN_HONORIFIC_RE = re.compile(
    at_word_start("|".join(lexicon.honorifics("female", ("en",)))) + r"\.?[ \xa0]+([A-Z][\w'’\-]*)"
)


# Passive phrases naming who led the event ("was co-chaired by X and Y").
# "opened at 9:30 a.m. by X": the clock's periods end no sentence.
_LEAD_BY_RE = re.compile(
    r"\b(?:co-chaired|chaired|hosted|opened|led|signed|inaugurated|launched|convened|presided"
    r"|co-hosted|opening remarks|issued)\b(?:[^.;]|(?<=\b[ap])\.(?=m\.)|(?<=\b[ap]\.m)\.)"
    r"{0,160}?\bby\b|\bPresiding over\b"
    r"|\bco-chair(?:ed)?\b[^.;]{0,60}\bwith\b"
)
_DELEGATION_LED_RE = re.compile(r"\bdelegation\b[^.;]{0,80}\bled by\b")
# Active verbs of the event sentence ("X held a meeting with Y").
_EVENT_VERB_RE = re.compile(
    r"\b(?:held|holds|hosted|hosts|met|meets|received|receives|paid|pays|visited|visits"
    r"|attended|attends|opened|opens|announced|announces|launched|launches|co-chaired"
    r"|chaired|signed|opening (?:the|its|their|an?)\s+(?:[\w\-]+\s+){0,3}(?:event|meeting"
    r"|debate|session|conference|forum|dialogue))\b"
    r"|\bwill be visiting\b|\b(?:will|to)\s+(?:hold|host|meet|receive|visit|attend|open|launch"
    r"|co-chair|chair|sign|announce)\b"
    r"|\b(?:spoke|speaks|talked|talks)\s+(?:to|with)\b"
    r"|\b(?:had|has|delivered|delivers|spoke|speaks|called|calls)\s+(?:an?\s+"
    r"|the\s+)?(?:\w+\s+){0,2}(?:meeting|talk|dialogue|conference|call|exchange|lunch|dinner"
    r"|breakfast|roundtable|discussion|remarks|speech|address|statement|video)"
)
_FIRST_PERSON_RE = re.compile(
    r"(?=[.!?\nATI])(?:^|[.!?\n]\s*)(?:Today[^.]{0,40}?\s)?I\s+(?:met|am|was|have|announced"
    r"|visited|thank|welcome|opened|co-chaired|chaired|hosted|launched|signed)\b|\bAs a woman\b"
)
# What any first-person match contains: where it is absent, the scan above is skipped.
_FIRST_PERSON_CUE_RE = re.compile(
    r"I\s+(?:met|am|was|have|announced|visited|thank|welcome|opened|co-chaired|chaired|hosted"
    r"|launched|signed)\b|As a woman\b"
)
# A header line that opens a statement or speech: its first named person is the author, also
# where a section line ("Press Releases") or a date stands above it.
_AUTHOR_HEADER_RE = re.compile(r"^\s*(?:STATEMENT|Statement|SPEECH|Speech|Remarks|REMARKS)\b", re.M)


def _people_in(people: list[Person], start: int, end: int) -> list[tuple[int, Person]]:
    """The people mentioned between two offsets, by first mention."""
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


def assign_roles(text: str, people: list[Person]) -> None:
    """Principals from the event sentence or a 'led by' phrase; everyone else who took part."""
    body = _body_start(text, people)
    background = (
        _BACKGROUND_RE.search(text, body) if _BACKGROUND_WORDS_RE.search(text, body) else None
    )
    stop = background.start() if background else len(text)
    second = _SECOND_EVENT_RE.search(text, body) if _AFTER_RE.search(text, body) else None
    author = _first_person(text, people)
    if author is not None:
        author.role = "principal"
    for start, end in sentence_spans(text):
        if start < body:
            continue
        if start >= stop:
            break
        if any(p.role == "principal" for p in people):
            if "co-chair" in text[start:end]:  # "I co-chaired the session with X"
                _principals_in_sentence(text, people, start, end)
            continue
        _principals_in_sentence(text, people, start, end)
    cut = second.start() if second else stop
    signatures = _signatures_start(text)
    for person in people:
        if person.role or person.pseudonym:
            continue
        first = min((s for s, _e in person.mentions), default=person.start)
        if signatures is not None and first > signatures:
            person.role = "principal"
        elif body <= first < min(cut, stop) or (
            first < body and any(body <= s < min(cut, stop) for s, _e in person.mentions)
        ):
            person.role = "other"
    if author is not None:
        _only_cued_in_speech(text, people)


_SIGNED_RE = re.compile(r"^\s*Signed\s*:?\s*$", re.M)


def _signatures_start(text: str) -> int | None:
    """Where a "Signed:" block begins: the people named after it signed."""
    sign = _SIGNED_RE.search(text) if "Signed" in text else None  # in every match
    return sign.start() if sign else None


_REPORTED_RE = re.compile(r"\b(?:said|says|stated|told|noted|explained|added|recalled|that)\b")


def _principals_in_sentence(text: str, people: list[Person], start: int, end: int) -> None:
    """Principals named by one sentence: the active subject or a "led by" phrase."""
    sentence = text[start:end]
    present = _people_in(people, start, end)
    if not present:
        return
    lead = _LEAD_BY_RE.search(sentence)
    verb = _EVENT_VERB_RE.search(sentence)
    first_at = present[0][0] - start
    participle = verb is not None and verb.group().startswith("opening")
    if verb and not participle and _REPORTED_RE.search(sentence, max(first_at, 0), verb.start()):
        verb = None  # "X said that she had met ...": reported, not the event
    if verb and present[0][0] < start + verb.start() and not (lead and lead.start() < verb.start()):
        for pos, person in present:
            if pos < start + verb.start():
                person.role = "principal"
        if re.search(r"\bco-chair", sentence) or verb.group().startswith(("signed", "sign")):
            for _pos, person in present:
                person.role = "principal"
        return
    if lead and not _DELEGATION_LED_RE.search(sentence):
        tail = re.search(
            r"\b(?:attended|joined|accompanied|witnessed|took part|also|in the presence)\b|;",
            sentence[lead.end() :],
        )
        limit = start + lead.end() + (tail.start() if tail else len(sentence))
        for pos, person in present:
            if (
                start + lead.start() <= pos < limit
                or lead.group().startswith("co-chair")
                or (lead.group().startswith("Presiding") and pos < limit)
            ):
                person.role = "principal"


def _unquoted(text: str) -> str:
    """The text with quotations blanked out (same length): a quoted 'I' is not the author."""
    return re.sub(r'["“][^"”\n]*(?:["”]|$)', lambda m: " " * len(m.group()), text, flags=re.M)


def _first_person(text: str, people: list[Person]) -> Person | None:
    """The author of a statement, speech or first-person release, named in its header."""
    text = _unquoted(text)
    body = re.search(r"^.{60,}[.!?:]\s*$", text, re.M)  # the header ends at the first prose
    header_end = body.start() if body else len(text)
    # "X, Minister of ..., issued the following statement" (the word is in every match)
    issued = _ISSUED_RE.search(text) if "following" in text else None
    header = _AUTHOR_HEADER_RE.search(text, 0, header_end)
    if not (
        header or (_FIRST_PERSON_CUE_RE.search(text) and _FIRST_PERSON_RE.search(text)) or issued
    ):
        return None
    if ("Signed" in text and _SIGNED_RE.search(text)) or not people:
        return None
    if issued:
        line_start = text.rfind("\n", 0, issued.start()) + 1
        line_end = text.find("\n", issued.end()) % (len(text) + 1)  # "... was issued by X:"
        before = [p for p in people if line_start <= p.start < issued.start()]
        in_line = before or [p for p in people if issued.end() <= p.start < line_end]
        if in_line:
            return min(in_line, key=lambda p: p.start)
    named = [p for p in people if header is None or p.start >= header.start()]
    first = min(named or people, key=lambda p: p.start)
    return first if first.start < header_end else None


_ISSUED_RE = re.compile(
    r"(?=[irmdgf])\b(?:(?:issued|released|made|delivered|gave)\s+the\s+following\s+(?:statement"
    r"|remarks|speech|address)|following\s+(?:[\w\-]+\s+){0,4}(?:statement|remarks)\s+(?:was|were)"
    r"\s+(?:issued|released|made|delivered)\b[^\n]*?\bby\b)"
)


def _only_cued_in_speech(text: str, people: list[Person]) -> None:
    """In a speech, people thanked or recalled did not take part unless the text says so."""
    cue = re.compile(
        r"\b(?:briefers?|briefings?|joined|with me|accompanied|took part|co-chair|attended)\b"
    )
    spans = sentence_spans(text)
    for person in people:
        if person.role != "other":
            continue
        sentences = [text[s:e] for s, e in spans if any(s <= m < e for m, _ in person.mentions)]
        if not any(cue.search(sentence) for sentence in sentences):
            person.role = None


def mark_gender(text: str, people: list[Person]) -> None:
    """Honorifics and she/her pronouns attach to the nearest person named before them."""
    for person in people:
        honorific = (person.name.honorific or "").rstrip(".")
        if honorific in FEMALE_HONORIFICS:
            person.female_at = (person.start, person.end)
        if honorific in MALE_HONORIFICS:
            person.male = True
    for match in _WOMAN_HONORIFIC_RE.finditer(text):
        for person in people:
            if match.group(1).lower() in {person.key, person.name.given.split(" ")[0].lower()}:
                person.female_at = person.female_at or (person.start, person.end)
    mentions = sorted((s, e, p) for p in people for s, e in p.mentions)
    cataphoric: set[int] = set()  # "In her remarks, X ...": that pronoun points forward only
    for match in _CATAPHORA_RE.finditer(text) if _CATAPHORA_CUE_RE.search(text) else ():
        after = [(s, e, p) for s, e, p in mentions if match.end() <= s < match.end() + 120]
        if after:
            cataphoric.add(match.start(1))
            person = after[0][2]
            if match.group(1).lower() == "her" and not person.male:
                person.female_at = person.female_at or (person.start, person.end)
    ends = sorted((e, s, index) for index, (s, e, _p) in enumerate(mentions))
    end_positions = [e for e, _s, _i in ends]
    # latest[k]: of the first k + 1 mentions to end, the one that starts last (first on ties)
    latest: list[tuple[int, int, int]] = []
    for item in ends:
        latest.append(item if not latest or item[1] > latest[-1][1] else latest[-1])
    pronouns = [(at, her) for at, her in _pronouns(text) if at not in cataphoric]
    for female in (True, False):  # she/her first; he/his then marks only the others
        for at in (at for at, her in pronouns if her == female):
            count = bisect.bisect_right(end_positions, at)
            if not count:
                continue
            # the mention that starts last among those ended before the pronoun
            _e, start, index = latest[count - 1]
            if at - start > 400:
                continue
            person = _sentence_subject(text, mentions, at) or mentions[index][2]
            if female and not person.male:
                person.female_at = person.female_at or (person.start, person.end)
            elif not female and person.female_at is None:
                person.male = True
    if "As a woman" in text and re.search(r"\bAs a woman\b", _unquoted(text)):
        author = _first_person(text, people)
        if author is not None:
            author.female_at = author.female_at or (author.start, author.end)


def _sentence_subject(text: str, mentions: list[tuple[int, int, Person]], at: int) -> Person | None:
    """'In Lima, X met Y. She also visited ...': a capitalised pronoun opens a sentence and
    refers to the person the previous sentence opens with (within its first few words)."""
    if not text[at].isupper():
        return None
    spans = sentence_spans(text)
    index = bisect.bisect_right(spans, (at, len(text) + 1)) - 1
    if index < 1:
        return None
    start, end = spans[index - 1]
    first = next((m for m in mentions if start <= m[0] < end), None)
    return first[2] if first and first[0] - start < 40 else None


_CAPITALISED_RE = re.compile(r"[A-Z][\w'’-]*(?: [A-Z][\w'’-]*)*")


def visited_by_principals(text: str, people: list[Person]) -> set[str]:
    """Countries a principal is visiting ("Mr. X, ..., who is visiting Amman, Jordan"): the
    host's, never the visitor's own government."""
    found = set()
    for person in people:
        if person.role != "principal":
            continue
        for _start, end in person.mentions or [(person.start, person.end)]:
            match = _VISITING_RE.match(text, end, min(len(text), end + 250))
            if match is None:
                continue
            for part in match.group("place").split(","):
                country = country_name(part.strip())
                if country:
                    found.add(country)
    return found


_VISITING_RE = re.compile(
    r"[^.;\n]{0,200}?\b(?:is|are|was|were|be)\s+(?:currently\s+)?visiting\s+"
    r"(?P<place>[A-Z][\w'’.-]*(?:(?:,\s*|\s+)(?:(?:the|of|and)\s+)*[A-Z][\w'’.-]*)*)"
)


def home_country(text: str, exclude: set[str] | frozenset[str] = frozenset()) -> str | None:
    """The country whose government the release speaks for.

    Counted over country names, with more weight where the country acts or owns ("Norway
    will", "the UK's", "new UK funding") than where it is a place ("in Colombia"). The
    ``exclude``d countries are those a counterpart's office names ("Minister ... of
    Australia") and those a principal is visiting: the release is not written for their
    government.
    """
    counts: dict[str, int] = {}
    for match in _COUNTRY_WORDS_RE.finditer(text):
        name = match.group().removesuffix(match.group("after") or "")
        country = country_name(name)
        if not country or country in exclude:
            continue
        after = (match.group("after") or "").strip().lower()
        before = text[max(0, match.start() - 9) : match.start()].lower()
        owner = after in {"'s", "’s"} and not office_follows(text, match.end())
        acting = after in _ACTING or owner or before.endswith("new ")
        placed = bool(re.search(r"\b(?:in|to|from) (?:the )?$", before)) or after[:1] == ","
        counts[country] = counts.get(country, 0) + (3 if acting else 0 if placed else 1)
    return max(counts, key=lambda c: counts[c]) if counts else None


# A capitalised word, "UK", "US" or "(Democratic) Republic of X". The capital opens the
# pattern, so that the regex engine skips to the capitals; the look-behind after it is the
# word boundary before it, and each alternative asks which capital it opens with.
_COUNTRY_WORDS_RE = re.compile(
    r"[A-Z](?<!\w.)(?:(?<=D)emocratic Republic of (?:the )?[A-Z][a-z]+"
    r"|(?<=R)epublic of (?:the )?[A-Z][a-z]+|[a-z]+(?: [A-Z][a-z]+)?"
    r"|(?<=U)K|(?<=U)\.K\.|(?<=U)S|(?<=U)\.S\.)\b(?P<after>['’]s|\s\w+)?"
)
_ACTING = lexicon.words("people", "acting_words")


def affiliation(
    person: Person, text: str, acronyms: dict[str, str], home: str | None, abroad: bool = False
) -> str | None:
    """A stated body or country, else the home government for its own officials.

    The release's own officials are its principals, the authors named in its header and,
    where the principals are at home (not ``abroad``), every government office written
    without a country; abroad, a counterpart whose country is not stated is likely the
    host's, and gets none rather than the wrong one.
    """
    office = person.office
    if office.organisation:
        return normalise_org(office.organisation, text, acronyms)
    if office.country:
        return office.country
    title = office.title or ""
    if is_government_office(title) and title[:1].isupper():
        own = person.role == "principal" or person.start < _body_start(text, [])
        # a government office written without its country is the release's own government's
        # (a counterpart's office names its state: "Minister ... of Australia")
        unstated = not any(country_name(m.group()) for m in _CAPITALISED_RE.finditer(title))
        return home if own or (unstated and not abroad) or _in_delegation(text, person) else None
    if title[:1].isupper() and _in_delegation(text, person):
        return home
    return None


_DELEGATION_RE = re.compile(r"\b(?:was|were) (?:joined|accompanied) by\b[^.;]*$")


def _in_delegation(text: str, person: Person) -> bool:
    """'The Ambassador was joined by Special Envoy X': an official who joins the release's
    own principal speaks for the same government."""
    before = text[max(0, person.start - 120) : person.start]
    return "by" in before and _DELEGATION_RE.search(before) is not None


# Names: the same person written differently within one release.
_ELECTED_RE = re.compile(
    r"\b(?:elected|appointed|named|designated)\b(?P<who>[^;\n]{3,200}?)\bas\s+(?:the\s+)?"
    r"(?:new\s+)?(?P<post>co-chairs?|chairs?|chairpersons?|presidents?|vice-chairs?|rapporteurs?)\b"
)


def elected_as(scan: str, people: dict[str, Person]) -> None:
    """'Members elected Ms. X and Ms. Y as co-chairs': their post is co-chair."""
    words = ("elected", "appointed", "named", "designated")  # one is in every match
    for match in _ELECTED_RE.finditer(scan) if any(w in scan for w in words) else ():
        post = match.group("post").removesuffix("s")
        for person in people.values():
            if person.office.title is None and any(
                match.start("who") <= s < match.end("who") for s, _e in person.mentions
            ):
                person.office.title = post


def merge_misspellings(people: dict[str, Person]) -> None:
    """'Sergiy Kiyslytsya' and 'Sergiy Kyslytsya' in one release: one person, spelt twice."""
    for key, person in list(people.items()):
        for other_key, other in list(people.items()):
            if other_key == key or key not in people or other_key not in people:
                continue
            same_given = other.name.given == person.name.given
            later = other.start > person.start and len(key) > 4
            if later and same_given and _one_edit(key, other_key):
                people.pop(other_key)


def _one_edit(a: str, b: str) -> bool:
    """Whether two words differ by one inserted, deleted or replaced letter."""
    if abs(len(a) - len(b)) > 1 or a == b:
        return False
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b, strict=True)) == 1
    short, long = sorted((a, b), key=len)
    return any(long[:i] + long[i + 1 :] == short for i in range(len(long)))


_HONORIFIC_FORMS = "|".join(lexicon.ordered("honorifics", "before_family_name"))
_HONORIFIC_RE = re.compile(rf"{at_word_start(_HONORIFIC_FORMS)}\.?\s+")


def _alone_after_honorific(scan: str, honorifics: list[tuple[int, int]], word: str) -> bool:
    """Whether 'Ms. <word>' is written without a capitalised word after it.

    What a scan for an honorific, an optional dot, spaces, the word and a word boundary
    finds, but tried only where an honorific is (``honorifics``: the spans of
    :data:`_HONORIFIC_RE`, in order), as the scan would try them. Two honorifics never
    match at one place (each is a word of letters, then a dot or a space), so the word
    follows where the honorific's span ends. That pattern was compiled for each word: 0.2
    ms a name the first time it was met, which is every name of a new release.
    """
    resume = 0  # a scan goes on after its last match
    for start, end in honorifics:
        if start < resume or not scan.startswith(word, end):
            continue
        after = end + len(word)
        if _word_char(scan, after - 1) == _word_char(scan, after):
            continue  # no word boundary after the word
        following = _NEXT_WORD_RE.match(scan, after)
        if following is None or not following.group()[-1].isupper():
            return True
        resume = following.end()
    return False


_NEXT_WORD_RE = re.compile(r"[ \xa0]\w")


def _word_char(text: str, at: int) -> bool:
    return 0 <= at < len(text) and WORD_CHAR.match(text, at) is not None


_KOREAN_GIVEN_RE = re.compile(r"[A-Z][a-z]{1,4}-[a-z]{2,5}")
_KOREAN_FAMILY_RE = re.compile(r"[A-Z][a-z]{1,4}")


def _korean_order(words: list[str]) -> bool:
    """'Park Ji-won': a short family name, then a hyphenated two-syllable given name."""
    return (
        len(words) == 2
        and _KOREAN_FAMILY_RE.fullmatch(words[0]) is not None
        and _KOREAN_GIVEN_RE.fullmatch(words[1]) is not None
    )


def reorder_family_first(scan: str, people: dict[str, Person]) -> None:
    """'Ms. Nguyen Thi Lan' ... 'Ms. Nguyen': the first word is the family name."""
    honorifics = [m.span() for m in _HONORIFIC_RE.finditer(scan)]
    for key, person in list(people.items()):
        words = f"{person.name.given} {person.name.family}".split()
        if len(words) < 2 or person.caps_family:
            continue
        if _korean_order(words) or _alone_after_honorific(scan, honorifics, words[0]):
            person.name = ParsedName(" ".join(words[1:]), words[0], person.name.honorific)
            people.pop(key)
            people[person.key] = person
