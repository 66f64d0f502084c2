"""Component ``event_type``: what kind of event a release reports.

Read from the headline and the lead sentence, in this order of priority:

1. the document's own genre: "Statement by ..." is a ``statement`` unless it was delivered
   at a meeting ("Check against delivery", "Madam President"), then a ``speech``, as are
   "Speech by" and "Remarks by"; the genre word may stand under a kicker line ("Press
   Release / SC/1234 / ... Press Statement on ..."); "delivers opening remarks at the
   Conference" reports the conference;
2. words that fix the form of the event wherever they appear in the headline or lead:
   an exchange of notes or a grant agreement, a telephone talk, a video conference or
   virtual meeting, a courtesy call; a signature of any other agreement is a ``signing``;
3. the main verb and its object ("held a dialogue", "attends the symposium", "visited the
   Centre", "launched a project", "announced $45 million", "met ..."); passive forms ("the
   Seventh Meeting ... was held") name the event before the verb; an event named anywhere
   there wins over a bare verb, and the lead's bare verb ("visited Adre") over a headline's
   summary ("meets refugees");
4. a meeting with the representative of one other government, named in the lead, is a
   ``bilateral_meeting``; with international organisations or several parties a ``meeting``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache

from spacy.language import Language
from spacy.tokens import Doc

from wpstrack.extract import japanese_event, lexicon
from wpstrack.extract.matchers import names_a_state_office
from wpstrack.extract.model import doc_text, state
from wpstrack.extract.people_ja import is_japanese
from wpstrack.extract.sentences import iter_sentence_spans

_GENRE_RE = re.compile(
    r"^\s*(?P<kind>(?:Joint\s+)?Statement|STATEMENT|JOINT STATEMENT|Speech|SPEECH|Remarks"
    r"|REMARKS|Address|Keynote)\b",
    re.M,
)
# "Secretary-General's remarks to the Security Council ...", "Press Statement on ...".
_TITLE_GENRE_RE = re.compile(
    r"[^\n]{0,80}?\b(?P<kind>remarks|speech|address|statement|message)\b(?:\s+(?:by|to|at|on|"
    r"of|delivered))",
    re.I,
)
# Opening or closing words delivered by the host: the title reports the event itself.
_REPORTED_GENRE_RE = re.compile(
    r"\b(?:deliver(?:s|ed)?|give(?:s|n)?|gave|make(?:s)?|made)\s+(?:the\s+|an?\s+)?"
    r"(?:opening|closing|welcom(?:e|ing))\s*$",
    re.I,
)
_DELIVERED_RE = re.compile(
    r"Check against delivery|\b(?:Madam|Mr\.?) (?:President|Chair)\b|\bopen debate\b"
    r"|\bby\b[^.]{0,150}?\bat the\b[^.]{0,80}?\b(?:meeting|debate|session|conference|summit"
    r"|forum)\b",
    re.I,
)
# (regex, event type, words one of which every match holds, lower-cased) tried in order on
# the headline and lead sentence. Under re.IGNORECASE the engine finds no fixed text to skip
# to and tries each pattern at every character; most foci hold none of the words.
_STRONG = (
    (
        r"exchange of (?:the )?notes|\bgrant agreement|書簡の交換",
        "exchange_of_notes",
        ("exchange of", "grant agreement", "書簡の交換"),
    ),
    (
        r"telephone (?:talk|call|conversation|meeting)|phone call|(?:by|over the) (?:tele)?phone"
        r"|(?<!video )\bcall with\b|電話会談",
        "telephone_talk",
        ("phone", "call with", "電話会談"),
    ),
    (
        r"video ?conference|video call|videoconference|\bvirtual(?:ly)?\b|\bonline meeting"
        r"|テレビ会議|オンライン",
        "video_conference",
        ("video", "virtual", "online meeting", "テレビ会議", "オンライン"),
    ),
    (r"courtesy call|表敬", "courtesy_call", ("courtesy call", "表敬")),
    (r"\bexchange of (?:views|opinions)\b", "dialogue", ("exchange of",)),
    # a signed instrument: agreements and their kin (arrangement, partnership, charter...)
    (
        r"\bsign(?:s|ed|ing)?\b[^.\n]{0,80}\b(?:agreement|memorandum|MoU|arrangement"
        r"|partnership|charter|protocol|convention|compact|letter of intent)|署名",
        "signing",
        ("sign", "署名"),
    ),
    # "undertakes a solidarity mission to South Sudan": a visit by another name
    (
        r"\b(?:undertak(?:es|ing)|undertook|conducts?|conducted|on)\s+(?:an?\s+)?(?:[\w-]+\s+)?"
        r"mission\s+to\b",
        "visit",
        ("mission",),
    ),
    (r"交換公文", "exchange_of_notes", ("交換公文",)),
    (r"意見交換", "dialogue", ("意見交換",)),
    (r"シンポジウム|フォーラム|国際会議", "conference", ("シンポジウム", "フォーラム", "国際会議")),
    (r"会談|会合|面会", "meeting", ("会談", "会合", "面会")),
    (r"訪問|視察", "visit", ("訪問", "視察")),
)
_NOUNS = (
    (r"dialogue|exchange of views", "dialogue"),
    (r"symposium|conference|forum|summit(?! meeting)|seminar|workshop|congress", "conference"),
    (
        r"meeting|roundtable|round table|lunch|dinner|breakfast|debate|session|talks"
        r"|consultation|side event|reception",
        "meeting",
    ),
    (r"speech|keynote|address\b|remarks|statement", "speech"),
    (r"(?:official |working |state )?visit\b", "visit"),
)
_VERB_RE = re.compile(
    r"\b(?P<verb>hold|holds|held|host|hosts|hosted|had|has|attend(?:s|ed)|open(?:s|ed)"
    r"|co-chair(?:s|ed)?|chair(?:s|ed)|convene(?:s|d)|organi[sz]e(?:s|d)|visit(?:s|ed)?"
    r"|pa(?:ys|id)|receive(?:s|d)|met|meet(?:s)?|launch(?:es|ed)?|inaugurat(?:es|ed)"
    r"|announce(?:s|d)?|took place|takes place|sees|participate(?:s|d)? in|took part in"
    r"|takes part in|deliver(?:s|ed)|gave|gives|address(?:es|ed)|joined|joins)\b"
    r"(?P<object>[^.;\n]{0,90})"
)
_BODY_RE = re.compile(r"^[^\n]{40,}[.。:][ \t]*$|^[^\n]{60,}[.。]\s[^\n]*$", re.M)
_JA_EVENT_RE = re.compile(r"会談|表敬|意見交換|開催|出席|訪問|署名|交換")
_SIGN_RE = re.compile(r"\bsign(?:s|ed)?\b")
_PASSIVE_VERB = (
    r"\b(?:was|were|is|will be)\s+(?:held|convened|organi[sz]ed|opened|inaugurated|launched)\b"
)
_PASSIVE_RE = re.compile(rf"(?P<object>[^.;\n]{{3,120}}?){_PASSIVE_VERB}")
# The passive verb alone: where it is absent, the slow search for its object is skipped.
_PASSIVE_VERB_RE = re.compile(_PASSIVE_VERB)
_FUNCTION_WORDS = frozenset({"the", "and", "with", "for", "from", "that", "of", "to", "in", "on"})


_JAPANESE_CHAR_RE = re.compile("[\u3040-\u30ff\u4e00-\u9fff]")
_ASCII_WORD_RE = re.compile(r"[A-Za-z]{2,}")


def _is_readable(text: str) -> bool:
    """Whether the text is prose at all (empty and binary texts are not)."""
    text = text[:3000]
    if not text.isascii() and len(_JAPANESE_CHAR_RE.findall(text)) > 20:
        return True
    common = (m for m in _ASCII_WORD_RE.finditer(text) if m.group().lower() in _FUNCTION_WORDS)
    return next(common, None) is not None and next(common, None) is not None  # two of them


def _passive(line: str) -> re.Match[str] | None:
    """The first passive report of an event in the line ("... was held")."""
    return _PASSIVE_RE.search(line) if _PASSIVE_VERB_RE.search(line) else None


def _lead(text: str) -> tuple[str, str, int]:
    """(headline lines, first narrative sentence, its start)."""
    text = text[:6000]  # the headline and the lead are at the top
    body = _BODY_RE.search(text)
    start = body.start() if body else 0
    headline = text[:start] if start else text[:300]
    window = text[start : start + 1500]
    for s_start, s_end in iter_sentence_spans(window):
        sentence = window[s_start:s_end]
        found = _VERB_RE.search(sentence) or _passive(sentence)
        if found or _SIGN_RE.search(sentence) or _JA_EVENT_RE.search(sentence):
            offset = len(sentence) - len(sentence.lstrip())
            return headline, sentence.strip(), start + s_start + offset
    return headline, "", start


def _title_genre(text: str, headline: str) -> re.Match[str] | None:
    """A genre word in the title: the first line, or a headline line under a kicker."""
    first = _TITLE_GENRE_RE.match(text.lstrip())
    if first or not headline:
        return first
    for line in headline.split("\n")[:8]:
        found = _TITLE_GENRE_RE.match(line)
        if found:
            return found
    return None


def _by_verb(line: str) -> tuple[str | None, str | None]:
    """(the event type from a line's main verb alone, from the event its object names)."""
    passive = _passive(line)
    active = None
    for match in _VERB_RE.finditer(line):
        before = line[: match.start()]
        if _WHO_IS_RE.search(before):
            continue  # "who is visiting New York to attend ..."
        active = match
        break
    if passive and (active is None or passive.start() < active.start()):
        kind = _noun_kind(passive.group("object")[-80:])
        if kind:
            return None, kind
    if active is None:
        return None, None
    verb, obj = active.group("verb").lower(), active.group("object")
    if verb.startswith(("launch", "inaugurat")):
        return None, "other"
    kind = _noun_kind(obj[:70])
    if kind:
        return None, kind
    if verb.startswith("visit") or verb == "sees":
        return "visit", None
    if verb.startswith("announce"):
        return None, "other"
    if verb.startswith("me"):
        return "meeting", None
    return None, None


_WHO_IS_RE = re.compile(r"\bwho\s+(?:is|are|was|were)\s+[^,]*$")
_STRONG_RES = tuple((re.compile(pattern, re.I), kind, words) for pattern, kind, words in _STRONG)
# The letters outside ASCII that re.IGNORECASE matches with ASCII ones (ſ with s): a text
# holding one is searched without the words test (lower-casing leaves ſ as it is).
_FOLDED_INTO_ASCII = frozenset("\u0130\u0131\u017f\u212a")  # İ ı ſ, the Kelvin sign
_NOUN_RES = tuple((re.compile(rf"\b(?:{pattern})", re.I), kind) for pattern, kind in _NOUNS)


def _noun_kind(text: str) -> str | None:
    """The event type of the first event noun in the text."""
    hits = []
    for regex, kind in _NOUN_RES:
        match = regex.search(text)
        if match:
            hits.append((match.start(), kind))
    return min(hits)[1] if hits else None


def classify(
    text: str,
    counterparts: list[dict[str, object]] | None = None,
    lead: tuple[str, str, int] | None = None,
    language: str = "en",
) -> str | None:
    """The event type of a release, or None when the text is not readable prose.

    ``lead`` is the text's :func:`_lead`, when the caller has it already. French and
    Spanish releases are read with their own cue words (:func:`_classify_romance`).
    """
    if language in _romance_cues():
        headline, lead_sentence = _romance_lead(text)
        return _classify_romance(text, headline, lead_sentence, language, counterparts)
    if not _is_readable(text):
        return None
    headline, lead_sentence, _start = lead or _lead(text)
    genre = _GENRE_RE.search(text[:400]) or _title_genre(text, headline)
    if genre:
        kind = genre.group("kind").lower()
        reported = _REPORTED_GENRE_RE.search(genre.string, 0, genre.start("kind"))
        if reported:  # "X delivers opening remarks at the Conference" reports the conference
            after = genre.string[genre.end("kind") :]
            event = _noun_kind(after[after.find(" at ") :]) if " at " in after else None
            return "conference" if event == "conference" else "speech"
        if kind in {"statement", "joint statement", "message"} and not _DELIVERED_RE.search(
            text[:3000]
        ):
            return "statement"
        return "speech"
    focus = headline + "\n" + lead_sentence
    found = _classify_focus(focus, headline, lead_sentence, counterparts)
    if found == "other":  # an announcement made at a roundtable reports the roundtable; one
        # made at a press conference is the announcement alone
        made_at = _ANNOUNCED_AT_RE.search(text, _start, _start + 1500)
        event = _noun_kind(made_at.group("object")) if made_at else None
        return _refine(event, lead_sentence, counterparts) if event else found
    return found


_ANNOUNCED_AT_RE = re.compile(
    r"\bannounce(?:s|d|ment)?\b[^.;\n]{0,40}?\bat (?:a|an|the)\b"
    r"(?!\s*(?:press|news|media)\b)(?P<object>[^.;\n]{0,40})",
    re.I,
)


def _classify_focus(
    focus: str, headline: str, lead_sentence: str, counterparts: list[dict[str, object]] | None
) -> str:
    """The event type from the headline and the lead sentence."""
    lower = None if _FOLDED_INTO_ASCII.intersection(focus) else focus.lower()
    for regex, kind, words in _STRONG_RES:
        if lower is not None and not any(word in lower for word in words):
            continue
        if regex.search(focus):
            return _refine(kind, lead_sentence, counterparts)
    bare: list[str] = []  # kinds from a verb alone ("meets", "visited"), headline first
    verb_kind: str | None = None
    for line in [*headline.split("\n"), lead_sentence]:
        verb_kind, named = _by_verb(line)
        if named:
            return _refine(named, lead_sentence, counterparts)
        if verb_kind:
            bare.append(verb_kind)
    if bare:  # the lead's own verb (the loop's last) says more than a headline's summary
        return _refine(verb_kind or bare[0], lead_sentence, counterparts)
    return _refine(_noun_kind(focus) or "other", lead_sentence, counterparts)


def _refine(kind: str, lead: str, counterparts: list[dict[str, object]] | None) -> str:
    """A meeting with one other government's representative, named in the lead, is bilateral."""
    if kind != "meeting" or not counterparts:
        return kind
    countries = set()
    for person in counterparts:
        name = str(person.get("name") or "")
        family = name.split(" ")[-1] if name else ""
        if not family or family.lower() not in lead.lower():
            return kind
        title = str(person.get("title") or "")
        affiliation = person.get("organisation_or_country")
        if not (names_a_state_office(title) or title[:1].isupper()) or not affiliation:
            return kind
        countries.add(affiliation)
    if len(countries) == 1 and not _is_organisation(str(next(iter(countries)))):
        return "bilateral_meeting"
    return kind


@cache
def _romance_cues() -> dict[str, tuple[re.Pattern[str], list[tuple[re.Pattern[str], str]], str]]:
    """language -> (genre line, [(cue, event type)] in order, counterpart word)."""
    table = lexicon.load("events")
    compiled = {}
    for language in ("fr", "es"):
        entry = table[language]
        genres = "|".join(
            f"(?P<{kind}>{'|'.join(words)})" for kind, words in entry["genre"].items()
        )
        cues = [(re.compile(rf"\b(?:{cue})", re.I), kind) for kind, cue in entry["cues"]]
        compiled[language] = (
            re.compile(rf"(?m)^[ \t]*(?:{genres})\b"),
            cues,
            entry["counterpart"],
        )
    return compiled


@cache
def _government_office_re() -> re.Pattern[str]:
    return re.compile(rf"^(?:{lexicon.load('events')['government_offices']})", re.I)


def _romance_lead(text: str) -> tuple[str, str]:
    """(headline lines, first sentence of the body): the body's first long line."""
    text = text[:6000]
    body = _BODY_RE.search(text)
    start = body.start() if body else 0
    for s_start, s_end in iter_sentence_spans(text[start : start + 1500]):
        return text[:start], text[start + s_start : start + s_end].strip()
    return text[:start], ""


def _classify_romance(
    text: str,
    headline: str,
    lead: str,
    language: str,
    counterparts: list[dict[str, object]] | None,
) -> str | None:
    """Genre line, then the first cue of the headline, then of the lead; else other."""
    genre_re, cues, counterpart_word = _romance_cues()[language]
    genre = genre_re.search(text[:1500])
    if genre:
        return genre.lastgroup
    if not (headline.strip() or lead):
        return None
    for part in (headline, lead):
        for regex, kind in cues:
            if regex.search(part):
                if kind != "meeting" or not counterparts:
                    return kind
                offices = _government_office_re()
                titles = [str(p.get("title") or "") for p in counterparts]
                if re.search(counterpart_word, headline + lead, re.I) or all(
                    offices.match(t) for t in titles
                ):
                    return "bilateral_meeting"
                return kind
    return "other"


def _is_organisation(name: str) -> bool:
    """Whether an affiliation names a body rather than a country."""
    from wpstrack.extract.gazetteer import country_name

    return country_name(name) is None


def create(nlp: Language, name: str) -> Callable[[Doc], Doc]:
    """The ``event_type`` component (reads the participants found by ``people``)."""

    def component(doc: Doc) -> Doc:
        st = state(doc)
        counterparts = st.items("other_participants")
        text = doc_text(doc)
        if st.language == "ja" or is_japanese(text):  # MOFA's words for events: japanese_event
            lead_ja, at, end = japanese_event.focus(text, st.release_date_span)
            if lead_ja.strip():  # nothing to read: no event type, and no empty span
                kind_ja = japanese_event.classify(lead_ja, counterparts)
                st.set("event_type", kind_ja, at, end, "event_type_ja")
            return doc
        found = _lead(text)
        kind = classify(text, counterparts, found, st.language)
        if kind is None:
            return doc
        _headline, lead, start = found
        if not lead:  # no narrative sentence: the first line that says anything
            line = re.search(r"\S[^\n]*", text)
            start, lead = (line.start(), line.group().rstrip()) if line else (0, "")
        if lead:
            st.set("event_type", kind, start, start + len(lead), "event_type_rules")
        return doc

    return component
