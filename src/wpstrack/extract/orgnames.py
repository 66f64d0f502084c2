"""An organisation named in a person's office, in its fullest written form in the document.

Releases write a body in full once with its acronym in brackets ("the United Nations
Population Fund (UNFPA)") and by acronym afterwards, and refer back to a body by its last
word ("the Centre", "the Network's"). People's affiliations are reported in the fullest
form the document gives, so both are resolved here from the text alone.
"""

from __future__ import annotations

import re
from functools import cache

from wpstrack.extract.literals import written_at
from wpstrack.extract.names import DEMONYMS

_PAREN_RE = re.compile(r"\(([A-Z][A-Za-z\-&]{1,11}(?: [A-Z][a-z]+)?)\)")
_WORD_RE = re.compile(r"[\w'’&\-]+")


def _expansion(words: list[str], acronym: str) -> str | None:
    """Schwartz-Hearst: the shortest run of words ending here whose letters spell the acronym."""
    capitals = [c.lower() for c in acronym if c.isupper()]
    letters = capitals if len(capitals) >= 2 else [c.lower() for c in acronym if c.isalpha()]
    for size in range(1, min(len(words), 14) + 1):
        window = words[-size:]
        if not window[0][:1].isupper() or window[0][0].lower() != letters[0]:
            continue
        text = " ".join(window).lower()
        index = len(text) - 1
        ok = True
        for letter in reversed(letters):
            while index >= 0 and text[index] != letter:
                index -= 1
            if index < 0:
                ok = False
                break
            index -= 1
        if ok:
            return " ".join(window)
    return _capitalised_run(words, letters[0])


def _capitalised_run(words: list[str], initial: str) -> str | None:
    """The longest run of capitalised words (and connectors) before the bracket."""
    for size in range(2, len(words) + 1):  # the shortest such run: "the EU and the UN ..."
        word = words[-size]
        if not (word[:1].isupper() or word in {"of", "for", "on", "the", "and", "&"}):
            break
        if word[:1].lower() == initial and word[:1].isupper():
            return " ".join(words[-size:])
    return None


def acronym_map(text: str) -> dict[str, str]:
    """Acronym -> the full name written before it in brackets."""
    found: dict[str, str] = {}
    for match in _PAREN_RE.finditer(text):
        acronym = match.group(1)
        before = text[max(0, match.start() - 200) : match.start()]
        before = re.split(r"[;:.()\n]", before)[-1]
        spans = list(_WORD_RE.finditer(before))
        full = _expansion([m.group() for m in spans], acronym)
        if full and full != acronym and acronym not in found:
            size = len(full.split(" "))
            written = before[spans[-size].start() :].strip()  # keeps "Foreign, Commonwealth"
            found[acronym] = re.sub(r"^(?:the|The)\s+", "", written)
    return found


_QUOTED_NAME_RE = re.compile(r"^(?:the\s+)?(?:[\w\-]+\s+){1,3}[\"“]([^\"”]{3,})[\"”]$")


# A kind word, with a nationality before it, that describes the body before its name.
_KIND_RE = re.compile(
    r"^(?:(?:the|an?)\s+)?([A-Z][a-z]+)\s+(?:NGO|non-governmental organi[sz]ation),?\s+"
    r"(?=[A-Z][\w'’]*\s+[A-Z])"
)


def normalise_org(org: str | None, text: str, acronyms: dict[str, str]) -> str | None:
    """The fullest written form of ``org``: expand acronyms, resolve 'the Centre'."""
    if not org:
        return None
    org = org.strip().rstrip(",.;")
    quoted = _QUOTED_NAME_RE.match(org)
    if quoted:  # 'the NGO "Safe Harbour"': the name is what the quotes hold
        return quoted.group(1)
    kind = _KIND_RE.match(org)
    if kind and kind.group(1).lower() in DEMONYMS:  # "NGO Working Group" is a name
        org = org[kind.end() :]  # "a Ukrainian NGO, X": the name is X
    bracket = re.match(r"^(.*?)\s*\(([A-Z][A-Za-z\-&]{1,11}(?: [A-Z][a-z]+)?)\)$", org)
    if bracket:
        return re.sub(r"^(?:the|The)\s+", "", bracket.group(1))
    bare = re.sub(r"^(?:the|The)\s+", "", org)
    if bare in acronyms:
        return acronyms[bare]
    written = _longest_known_form(bare, text)
    if written:
        return written
    back = re.fullmatch(r"the\s+([A-Z][\w\-]+)", org)
    if back:
        return _resolve_back_reference(back.group(1), text) or back.group(1)
    return re.sub(r"^(?:the|The)\s+", "", org)


@cache
def _known_forms() -> dict[str, tuple[str, ...]]:
    """Each written form of a reference organisation -> all its English forms."""
    from wpstrack.reference import organisations

    forms: dict[str, tuple[str, ...]] = {}
    for entry in organisations():
        names = [entry.get("name"), entry.get("acronym"), *(entry.get("aliases") or [])]
        english = tuple(n for n in names if n and n.isascii())
        for name in english:
            forms.setdefault(name, english)
    return forms


_NAME_CHAR = re.compile(r"[\w-]")  # a form is not part of a longer word or hyphenated name


def _longest_known_form(org: str, text: str) -> str | None:
    """'EU' -> 'European Union' when the document also writes the name in full."""
    forms = _known_forms().get(org)
    if not forms:
        return None
    # a substring search bounded by hand: a pattern per form was compiled for every call
    present = [f for f in forms if next(written_at(text, f, _NAME_CHAR), None)]
    return max(present, key=len) if present else None


def _resolve_back_reference(word: str, text: str) -> str | None:
    """'the Forum' -> 'Forum of Women Parliamentarians'; 'the Network' -> '... Network'."""
    cap = r"[A-Z][\w'’\-]*"
    pattern = re.compile(
        rf"((?:{cap}[ ])*){word}((?:[ ](?:of|for|on)[ ](?:the[ ])?{cap}(?:[ ](?:{cap}))*)?"
        rf"(?:[ ](?:on|for)[ ]{cap}(?:,[ ]{cap})*(?:[ ]and[ ]{cap})?)?)"
    )
    best: str | None = None
    for match in pattern.finditer(text):
        full = match.group(0).strip()
        full = re.sub(r"^(?:The|the)\s+", "", full)
        if full != word and (best is None or len(full) > len(best)):
            best = full
    return best
