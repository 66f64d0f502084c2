"""Component ``topics``: what the release is about, from a weighted lexicon of cues.

Each topic has cues: phrases official English uses for it, each with a weight. A topic is
proposed when the weights of the distinct cues found reach 1 (one strong cue, or two weak
ones). The whole text counts, background and reference paragraphs included. Lower-case
cues are matched as written so that a capitalised name ("UN Entity for Gender Equality",
"Commissioner for Gender Equality Policy") does not count as the theme itself.

WPS is proposed where the agenda is named or where a resolution of its participation
strand is cited (1325, 1889, 2122, 2242, 2493, 2538): the sexual-violence-in-conflict
resolutions (1820, 1888, 1960, 2106, 2467) alone mark protection, not the agenda as such.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache
from itertools import chain

from spacy.language import Language
from spacy.tokens import Doc

from wpstrack.extract.lexicon import load as load_lexicon
from wpstrack.extract.literals import group_end, top_alternatives
from wpstrack.extract.model import ExtractionState, doc_text, state
from wpstrack.extract.money import MONEY_NEEDLES, PREFIX_RE, SUFFIX_RE
from wpstrack.extract.patterns import paragraphs

Cue = tuple[str | re.Pattern[str], float]
STRONG, WEAK = 1.0, 0.5


def _load_lexicon() -> dict[str, tuple[Cue, ...]]:
    """topic -> its cues, from ``lexicon/topics.yaml`` (money amounts from ``money``)."""
    lexicon: dict[str, tuple[Cue, ...]] = {}
    for topic, entry in load_lexicon("topics").items():
        cues: list[Cue] = [(p, STRONG) for p in entry.get("strong", [])]
        cues += [(p, WEAK) for p in entry.get("weak", [])]
        if entry.get("money"):
            cues += [(PREFIX_RE, STRONG), (SUFFIX_RE, STRONG)]
        lexicon[topic] = tuple(cues)
    return lexicon


LEXICON = _load_lexicon()
# Resolutions of the agenda's participation strand (see the module docstring).
WPS_RESOLUTIONS = frozenset({1325, 1889, 2122, 2242, 2493, 2538})

_META = set("\\()[]{}?*+.|^$")


def _leading_literal(alternative: str) -> str:
    """The lower-case text an alternative must start with ("[Pp]revention," -> "prevention,")."""
    out: list[str] = []
    i = 0
    while i < len(alternative):
        char = alternative[i]
        case_class = re.match(r"\[([A-Za-z])([A-Za-z])\]", alternative[i:])
        if case_class and case_class.group(1).lower() == case_class.group(2).lower():
            out.append(case_class.group(1).lower())
            i += 4
        elif char in _META:
            break
        else:
            out.append(char.lower())
            i += 1
        if i < len(alternative) and alternative[i] in "?*{" and out:
            out.pop()  # the character just read is optional
            break
    return "".join(out)


def _leading_literals(alternative: str) -> list[str]:
    """What an alternative must start with: one text, or one for each word of a group it
    opens with ("(?:full|equal)..." -> "full", "equal")."""
    end = group_end(alternative) if alternative.startswith("(?:") else -1
    if end > 0 and alternative[end + 1 : end + 2] not in ("?", "*", "{"):
        return [_leading_literal(word) for word in top_alternatives(alternative[3:end])]
    return [_leading_literal(alternative)]


def needles(pattern: str) -> tuple[str, ...] | None:
    """Substrings of which one must occur (lower-cased) for ``pattern`` to match, or None.

    A cheap prefilter: ``in`` on the lower-cased text is far faster than a regex search, and
    most cues are absent from most releases. Every match starts with one of them.
    """
    literals = [lit for alt in top_alternatives(pattern) for lit in _leading_literals(alt)]
    if any(len(lit) < 2 for lit in literals):
        return None
    return tuple(dict.fromkeys(literals))


# (regex, weight, needles, whether a match starts with one of its needles)
_COMPILED = {
    topic: [
        (
            (re.compile(pattern), weight, needles(pattern), True)
            if isinstance(pattern, str)
            else (pattern, weight, MONEY_NEEDLES.get(pattern), False)
        )
        for pattern, weight in cues
    ]
    for topic, cues in LEXICON.items()
}


Places = Callable[[str], list[int]]  # needle -> where the lower-cased text has it


def _first_match(
    regex: re.Pattern[str], leading: tuple[str, ...], text: str, places: Places
) -> re.Match[str] | None:
    """``regex.search(text, start)``, where ``places`` finds its needles from ``start``.

    A match starts with one of its leading needles, so only their places can start one.
    """
    # every cue of every topic comes here: one needle's places are in order already
    found = places(leading[0]) if len(leading) == 1 else sorted(chain(*map(places, leading)))
    for at in found:
        match = regex.match(text, at)
        if match:
            return match
    return None


_NEEDLES = frozenset(
    n for cues in _COMPILED.values() for _r, _w, ns, lead in cues if lead for n in ns or ()
)
# A needle without white space is written inside one run of the text between white space
# (a word with its punctuation): the needles of each run are read once and kept, and a
# release's needles are those of its distinct runs. Words recur from release to release;
# one pattern of all needles tried at each character cost a third of the component.
_RUN_NEEDLES = tuple(sorted(n for n in _NEEDLES if not any(c.isspace() for c in n)))
_SPACED_NEEDLES = tuple(sorted(_NEEDLES.difference(_RUN_NEEDLES)))


# Runs kept: about 290 bytes each, 4.8 MB when full. A long ingestion meets new runs with
# every release (numbers, names); 65,536 would hold 19 MB in a process whose line is 400 MB
# (``bench/ingest.py``).
@lru_cache(maxsize=1 << 14)
def _needles_in(run: str) -> frozenset[str]:
    """The needles written inside one run of text without white space."""
    return frozenset(n for n in _RUN_NEEDLES if n in run)


class NeedlePlaces:
    """Where each needle is written in ``lower`` from ``start``, overlaps included.

    Called with a needle, its places (sought when first asked for). ``present`` holds the
    cues' needles the text has: a cue none of whose needles is written is passed over
    without asking for any place: two cues in three in the English dev corpus, nearly nine
    in ten in Japanese releases.
    """

    def __init__(self, lower: str, start: int) -> None:
        present: set[str] = set().union(*map(_needles_in, set(lower[start:].split())))
        present.update(n for n in _SPACED_NEEDLES if lower.find(n, start) >= 0)
        self.lower, self.start, self.present = lower, start, present
        self._found: dict[str, list[int]] = {}

    def __call__(self, needle: str) -> list[int]:
        places = self._found.get(needle)
        if places is None:
            places = self._found[needle] = []
            if needle in self.present or needle not in _NEEDLES:
                at = self.lower.find(needle, self.start)
                while at >= 0:
                    places.append(at)
                    at = self.lower.find(needle, at + 1)
        return places


def _score(
    text: str, lower: str, topic: str, start: int, places: NeedlePlaces
) -> tuple[float, tuple[int, int] | None]:
    total, first = 0.0, None
    aligned = len(lower) == len(text)  # lower-casing kept every offset
    for regex, weight, required, leading in _COMPILED[topic]:
        if required is not None and leading and aligned:
            if places.present.isdisjoint(required):
                continue  # no needle of the cue is written, so no match can start
            match = _first_match(regex, required, text, places)
        elif required is not None and not any(n in lower for n in required):
            continue
        else:
            match = regex.search(text, start)
        if match:
            total += weight
            if first is None or match.start() < first[0]:
                first = (match.start(), match.end())
    return total, first


def _after_section_label(text: str, st: ExtractionState) -> int:
    """Where the content starts: after the site's section label above the date line.

    MOFA files each release under a section ("Women's Empowerment and Gender Equality",
    "女性の参画推進") written above its date line; the label says where the page lives, not
    what the event is about.
    """
    if st.release_date_span is None:
        return 0
    above = paragraphs(text[: st.release_date_span[0]])
    if not 1 <= len(above) <= 3:
        return 0
    start, end = above[0]
    label = text[start:end]
    short = len(label.split()) <= 6 if label.isascii() else len(label) <= 20
    return end if short else 0


# UN peacekeeping operations (not the political missions): one whose work the talks discuss
# makes the event about peacekeeping, though the word itself may not appear; one only cited
# as a source or a partner ("according to", "coordinated with") does not.
PEACEKEEPING_OPERATIONS = frozenset({
    "unmiss", "monusco", "unifil", "minusca", "minusma", "unisfa", "undof", "unficyp", "unmik",
    "minurso", "untso", "unmogip",
})  # fmt: skip


_DISCUSSED_RE = re.compile(r"\bdiscuss(?:ed|es|ing|ion)?\b[^.;\n]*$")


def _peace_operation(st: ExtractionState, text: str) -> tuple[int, int] | None:
    for mention in st.lists.get("organisation_codes", []):
        if mention.value in PEACEKEEPING_OPERATIONS:
            sentence = text[max(0, mention.start - 200) : mention.start]
            if _DISCUSSED_RE.search(sentence):
                return mention.start, mention.end
    return None


def _wps_by_resolution(st: ExtractionState) -> tuple[int, int] | None:
    for mention in st.lists.get("resolutions", []):
        if mention.value in WPS_RESOLUTIONS:
            return mention.start, mention.end
    return None


def create(nlp: Language, name: str) -> Callable[[Doc], Doc]:
    """The topics component."""

    def component(doc: Doc) -> Doc:
        text = doc_text(doc)
        lower = text.lower()
        st = state(doc)
        start = _after_section_label(text, st)
        places = NeedlePlaces(lower, start)
        for topic in LEXICON:
            total, span = _score(text, lower, topic, start, places)
            if topic == "WPS" and total < 1.0:
                span = _wps_by_resolution(st)
                total = 1.0 if span else total
            if topic == "peacekeeping" and total < 1.0:
                span = _peace_operation(st, text)
                total = 1.0 if span else total
            if total >= 1.0 and span is not None:
                st.add("topics", topic, span[0], span[1], "topics.lexicon", min(1.0, total / 2))
        return doc

    return component
