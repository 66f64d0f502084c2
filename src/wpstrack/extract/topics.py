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

from spacy.language import Language
from spacy.tokens import Doc

from wpstrack.extract.model import ExtractionState, state
from wpstrack.extract.money import JAPANESE_RE, PREFIX_RE, SUFFIX_RE

Cue = tuple[str | re.Pattern[str], float]
STRONG, WEAK = 1.0, 0.5

LEXICON: dict[str, tuple[Cue, ...]] = {
    "WPS": (
        (r"\bWPS\b", STRONG),
        (r"(?i:women,?\s+peace\s+and\s+security)", STRONG),
        (r"(?i:women\s+and\s+peace\s+and\s+security)", STRONG),
        (r"女性・平和・安全保障", STRONG),
    ),
    "prevention": (
        (
            r"\bprevent(?:ion|ing)?\s+(?:of\s+)?(?:and\s+\w+\s+to\s+)?(?:armed\s+|violent\s+)?"
            r"(?:conflicts?|violence|gender-based|sexual|violent|the\s+outbreak)",
            STRONG,
        ),
        # "conflict prevention and resolution" names the whole field, not a theme of the event
        (r"conflict\s+prevention(?!\s+and\s+resolution)|prevention\s+of\s+conflict", STRONG),
        (r"prevention\s+and\s+resolution\s+of\s+conflict|[Pp]revention\s+is", STRONG),
        (
            r"\b[Pp]revention,|\bprevent\w*\s+(?:and\s+\w+\s+)?(?:conflict|violence|trafficking)",
            STRONG,
        ),
        (r"\b(?:[Mm]ediators|mediation|[Mm]ediator\s+[Nn]etworks?)\b", STRONG),
        (r"early[- ]warning|defuse", WEAK),
        (r"conflict\s+resolution|resolving\s+conflict", WEAK),
        (r"紛争予防|予防", STRONG),
    ),
    "protection": (
        (r"\bprotect(?:ion|ing|ed|s)?\b", STRONG),
        (r"gender-based\s+violence|sexual\s+violence|violence\s+against\s+women", STRONG),
        (r"\bsurvivors?\b|\bvictims?\b|\bshelters?\b|safe\s+spaces?|\bsafer\b", STRONG),
        (r"\bthreat(?:s|ened)?\b|reprisals?|trafficking|exploitation|\babuse\b", STRONG),
        (r"human\s+rights\s+defenders", STRONG),
        (r"保護|暴力", STRONG),
    ),
    "participation": (
        (
            r"(?i:participation)|\bparticipate\s+(?:safely|fully|in\s+(?:peace|decision|politic))",
            STRONG,
        ),
        (r"(?i:women's\s+leadership)|leadership\s+of\s+women|women[- ]led|women\s+leaders", STRONG),
        (r"\bas\s+leaders\b", STRONG),
        (r"decision-making|decisions\s+(?:that|about)|take\s+part\s+in\s+decisions", STRONG),
        (
            r"the\s+number\s+of\s+women|women\s+(?:mediators|peacekeepers|candidates|politicians)",
            STRONG,
        ),
        (r"(?:involve(?:d|ment)?|a\s+say|a\s+seat)\s+(?:of\s+)?women", STRONG),
        (r"women\s+(?:must\s+be\s+(?:fully\s+)?involved|sit\s+on)", STRONG),
        (r"at\s+the\s+table|peace\s+tables|negotiating\s+tables|\bhave\s+a\s+say\b", STRONG),
        (r"representation\s+of\s+women|women's\s+(?:representation|voices)", STRONG),
        (r"\bdeploy(?:ed|ment)\b[^.]{0,40}women|women[^.]{0,30}\bdeploy", STRONG),
        (r"women\s+in\s+(?:politics|parliament|law\s+enforcement|peace\s+operations)", STRONG),
        (r"参画|参加", STRONG),
    ),
    "relief_recovery": (
        (r"\bhumanitarian\b|(?m:^\s*Humanitarian\s+Assistance\s*$)", STRONG),
        (r"\breconstruction\b|\brecovery\b|\brelief\b|rebuilding", STRONG),
        (r"psychosocial", WEAK),
        (
            r"medical\s+(?:care|treatment)|health\s+(?:care|services|brigades|clinics|facilities)",
            WEAK,
        ),
        (r"displacement\s+sites|(?:refugee|displacement)\s+camps", WEAK),
        (r"livelihoods?", WEAK),
        (r"reintegration", WEAK),
        (r"人道|復興", STRONG),
    ),
    "gender_equality": (
        (r"\bgender\s+equality|Gender\s+equality\s+(?:at|is|in)", STRONG),
        (r"\bempowerment\b|\bempowering\b|women's\s+rights|\bfeminist\b", STRONG),
        (r"discrimination|inequalit(?:y|ies)", STRONG),
        (r"gender\s+(?:perspectives?|pay\s+gap|provisions|policy|strategy|expertise)", STRONG),
        (r"gender-(?:sensitive|responsive)", WEAK),
        (r"women\s+and\s+girls", WEAK),
        (r"dignity\s+kits|women\s+staff|women\s+officers", WEAK),
        (r"needs\s+of\s+women", WEAK),
        (r"女性", STRONG),
    ),
    "funding": (
        (r"\bfunding\b|\bfinancing\b|\bgrants?\b|\bcontributions?\b|\bcontributed\b", STRONG),
        (r"\bfunded\b|\bdonors?\b|\bresources\b|supplementary\s+budget", STRONG),
        (r"\bprovided\s+support\s+through\b", WEAK),
        (r"\bFund\b", WEAK),
        # an amount of money given, pledged or discussed
        (PREFIX_RE, STRONG),
        (SUFFIX_RE, STRONG),
        (JAPANESE_RE, STRONG),
    ),
    "human_security": ((r"(?i:human\s+security)|人間の安全保障", STRONG),),
    "disaster": (
        (
            r"(?i:disasters?|earthquakes?|cyclones?|tsunamis?|floods?\b|droughts?)|災害|防災|震災",
            STRONG,
        ),
    ),
    "refugees": (
        (
            r"(?i:refugees?)|internally\s+displaced|displacement|\bdisplaced\b|\bfled\b|"
            r"forced\s+to\s+flee|難民|避難民",
            STRONG,
        ),
    ),
    "peacekeeping": (
        (r"(?i:peacekeep\w*)|peace\s+operations|peace\s+support\s+operations|PKO|平和維持", STRONG),
    ),
    "other": (
        (r"economic\s+empowerment", STRONG),
        (
            r"climate\s+change\s+and\s+security|climate\s+and\s+security|"
            r"climate\s+change\s+on\s+the\s+security",
            STRONG,
        ),
        (r"migrant\s+workers|labour\s+migration|labor\s+migration", STRONG),
    ),
}
# Resolutions of the agenda's participation strand (see the module docstring).
WPS_RESOLUTIONS = frozenset({1325, 1889, 2122, 2242, 2493, 2538})

_COMPILED = {
    topic: [
        (re.compile(pattern) if isinstance(pattern, str) else pattern, weight)
        for pattern, weight in cues
    ]
    for topic, cues in LEXICON.items()
}


def _score(text: str, topic: str) -> tuple[float, tuple[int, int] | None]:
    total, first = 0.0, None
    for regex, weight in _COMPILED[topic]:
        match = regex.search(text)
        if match:
            total += weight
            if first is None or match.start() < first[0]:
                first = (match.start(), match.end())
    return total, first


def _wps_by_resolution(st: ExtractionState) -> tuple[int, int] | None:
    for mention in st.lists.get("resolutions", []):
        if mention.value in WPS_RESOLUTIONS:
            return mention.start, mention.end
    return None


def create(nlp: Language, name: str) -> Callable[[Doc], Doc]:
    """The topics component."""

    def component(doc: Doc) -> Doc:
        text = doc.text
        st = state(doc)
        for topic in LEXICON:
            total, span = _score(text, topic)
            if topic == "WPS" and total < 1.0:
                span = _wps_by_resolution(st)
                total = 1.0 if span else total
            if total >= 1.0 and span is not None:
                st.add("topics", topic, span[0], span[1], "topics.lexicon", min(1.0, total / 2))
        return doc

    return component
