"""Component ``commitments``: who said they would do what.

Releases report undertakings in a few fixed shapes: reported speech ("Minister Kamikawa
stated that she would like to utilize ...", "He explained that Japan would continue to
support ..."), stance verbs ("expressed its intention to", "pledged", "committed to",
"the two sides agreed to ..."), and first-person quotations or statements ("I will",
"We therefore commit to:"). The speaker is the subject of the reporting verb, linked to a
named participant by family name where possible; a pronoun refers to the previous speaker.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from spacy.language import Language
from spacy.tokens import Doc

from wpstrack.extract.literals import at_word_start
from wpstrack.extract.model import doc_text, state
from wpstrack.extract.sentences import sentence_spans

_REPORTING = (
    r"stated|said|says|explained|announced|emphasi[sz]ed|stressed|noted|expressed|added"
    r"|underlined|confirmed|indicated|assured|told|affirmed|declared|highlighted|recalled"
)
_MODAL = (
    r"would like to|would continue to|will continue to|would|will|intends? to|is determined to"
    r"|are determined to|plans? to|is committed to|are committed to"
)
_STANCE = (
    r"expressed (?:its|his|her|their) (?:intention|readiness|commitment|determination) to"
    r"|pledged|committed to|commit to|undertook to|promised to|agreed to"
    r"|confirmed that they would"
)


def _initials(alternation: str) -> str:
    """The first letters of the words of an alternation ("said|noted" -> "ns")."""
    return "".join(sorted({alternative[0] for alternative in alternation.split("|")}))


# The lookahead on the letters a match can start with fails fast at the others; where
# those letters are few, the pattern opens with them instead (:func:`at_word_start`) and the
# regex engine skips the other characters of a sentence. The reporting verbs start with
# eleven of the commonest letters: there the lookahead is cheaper.
_REPORTING_RE = re.compile(rf"(?=[{_initials(_REPORTING)}])\b(?:{_REPORTING})\b")
_MODAL_RE = re.compile(rf"{at_word_start(_MODAL)}\b")
_STANCE_VERB_RE = re.compile(rf"{at_word_start(_STANCE)}\b")
_STANCE_RE = re.compile(rf"^(?P<speaker>.*?)\b(?P<text>(?:{_STANCE})\b[^.;]*)")
# The speaker's first letter opens each alternative (the regex engine skips to those
# letters), the look-behind after it is the word boundary before it.
_FIRST_PERSON_RE = re.compile(
    r"(?P<speaker>I(?<!\w.)|W(?<!\w.)e|w(?<!\w.)e|O(?<!\w.)ur Government|M(?<!\w.)y Government)"
    r"\s+(?P<text>(?:will|am "
    r"determined to|are determined to|commit to|pledge to|intend to)\b[^.;\"”]*)"
)
# The letters any of the three patterns above can start with: a sentence without one (most
# sentences of a Japanese release) can hold no commitment, and is passed over with one scan
# instead of three.
_OPENING_RE = re.compile(f"[{_initials(_REPORTING)}{_initials(_STANCE)}IWwOM]")
_LEADING_RE = re.compile(
    r"^\s*(?:[-*•]\s*|\(?\d+\)?[.)]?\s*|\d+\.\s*)?(?:(?:At the outset|In closing|In response"
    r"|In (?:his|her|their) (?:opening|closing) (?:remarks|address|speech)|During [^,]+"
    r"|Today|Finally|Also|In addition),\s*)?"
)


def _clean_speaker(raw: str) -> str:
    """The subject of the reporting verb without list marks and openers."""
    speaker = _LEADING_RE.sub("", raw).strip(" ,")
    speaker = re.sub(r"\s+(?:also|then|further|again|therefore|hereby|jointly)$", "", speaker)
    return speaker


def _resolve(speaker: str, people: list[str], previous: str | None) -> str | None:
    """A named participant for 'Minister Kamikawa' or 'She'; otherwise the words as written."""
    if not speaker or len(speaker) > 120:
        return previous
    if speaker.lower() in {"she", "he", "they", "it"}:
        return previous
    words = {w.lower().strip(",.'’s") for w in re.findall(r"[\w'’\-]+", speaker)}
    for name in people:
        family = next((w for w in name.split() if w.isupper() and len(w) > 1), name.split()[-1])
        if family.lower() in words:
            return name
    return speaker


def _reported(sentence: str, verb: re.Match[str] | None) -> tuple[str, int, int] | None:
    """(speaker words, start, end of the undertaking) in reported speech, or None.

    ``verb`` is the sentence's first reporting verb (:data:`_REPORTING_RE`).
    """
    if not verb:
        return None
    modal = _MODAL_RE.search(sentence, verb.end())
    if not modal:
        return None
    between = sentence[verb.end() : modal.start()]
    if re.search(r"\bhope|\bhoping|\bwish", between) or len(between) > 160:
        return None
    thats = [m.end() for m in re.finditer(r"\bthat\s+", between)]
    start = verb.end() + (thats[-1] if thats else len(between) - len(between.lstrip()))
    stop = re.search(r",\s+and\s+that\b|;|\.\s*$", sentence[modal.end() :])
    end = modal.end() + (stop.start() if stop else len(sentence[modal.end() :]))
    return sentence[: verb.start()], start, end


def find_commitments(text: str, people: list[str]) -> list[tuple[str, str, int, int]]:
    """(speaker, what they would do, start, end of that text) in document order."""
    found: list[tuple[str, str, int, int]] = []
    previous: str | None = None
    for start, end in sentence_spans(text):
        if not _OPENING_RE.search(text, start, end):
            continue
        sentence = text[start:end]
        span: tuple[int, int] | None = None
        speaker_raw: str | None = None
        verb = _REPORTING_RE.search(sentence)
        reported = _reported(sentence, verb)
        stance = _STANCE_RE.search(sentence) if _STANCE_VERB_RE.search(sentence) else None
        first = _FIRST_PERSON_RE.search(sentence)
        if stance and (reported is None or stance.start("text") < reported[1]):
            speaker_raw, span = _clean_speaker(stance.group("speaker")), stance.span("text")
        elif reported:
            speaker_raw, span = _clean_speaker(reported[0]), (reported[1], reported[2])
        elif first:
            speaker_raw, span = first.group("speaker"), first.span("text")
        if span is None or speaker_raw is None:
            if verb:  # the words before it are who spoke
                subject = _clean_speaker(sentence[: verb.start()])
                previous = _resolve(subject, people, previous) or previous
            continue
        speaker = _resolve(speaker_raw, people, previous)
        if speaker is None:
            continue
        previous = speaker
        clause = sentence[span[0] : span[1]].rstrip(" ,:\n")
        if clause.endswith(("to", "commit to")) and sentence.rstrip().endswith(":"):
            found.extend(_listed(text, end, speaker))
            continue
        found.append((speaker, clause, start + span[0], start + span[0] + len(clause)))
    return found


def _listed(text: str, pos: int, speaker: str) -> list[tuple[str, str, int, int]]:
    """The numbered or bulleted undertakings after 'We therefore commit to:'."""
    items = []
    for match in re.finditer(r"^[ \t]*(?:\d+[.)]|[-*•])[ \t]+(.+)$", text[pos : pos + 3000], re.M):
        body = match.group(1).rstrip(" ;,.")
        body = re.sub(r";?\s+and$", "", body)
        items.append((speaker, body, pos + match.start(1), pos + match.start(1) + len(body)))
        following = text[pos + match.end() : pos + match.end() + 2]
        if following.strip() and not re.match(r"\n\s*(?:\d|[-*•])", following + " "):
            break
    return items


def create(nlp: Language, name: str) -> Callable[[Doc], Doc]:
    """The ``commitments`` component."""

    def component(doc: Doc) -> Doc:
        st = state(doc)
        people = [
            str(p.get("name"))
            for field in ("principal_actors", "other_participants")
            for p in st.items(field)
            if isinstance(p, dict) and p.get("name")
        ]
        for speaker, text, start, end in find_commitments(doc_text(doc), people):
            value = {"speaker": speaker, "text": text}
            st.add("commitments", value, start, end, "commitment_pattern")
        return doc

    return component
