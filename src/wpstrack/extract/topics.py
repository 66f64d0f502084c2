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
from functools import cache

from spacy.language import Language
from spacy.tokens import Doc

from wpstrack.extract.model import ExtractionState, doc_text, state
from wpstrack.extract.money import MONEY_NEEDLES, PREFIX_RE, SUFFIX_RE
from wpstrack.extract.patterns import paragraphs

Cue = tuple[str | re.Pattern[str], float]
STRONG, WEAK = 1.0, 0.5

# Patterns start with a literal (no leading \b, no inline flags) so that the regex engine can
# skip ahead fast; where a word boundary matters it is checked after the literal.
LEXICON: dict[str, tuple[Cue, ...]] = {
    "WPS": (
        (r"WPS\b(?<=\bWPS)", STRONG),
        (r"[Ww]omen,?\s+[Pp]eace,?\s+and\s+[Ss]ecurity|WOMEN,?\s+PEACE,?\s+AND\s+SECURITY", STRONG),
        (r"[Ww]omen\s+and\s+peace\s+and\s+security", STRONG),
        (r"女性・平和・安全保障", STRONG),
    ),
    "prevention": (
        (
            r"prevent(?<=\bprevent)(?:ion|ing)?\s+(?:of\s+)?(?:and\s+\w+\s+to\s+)?"
            r"(?:armed\s+|violent\s+)?(?:conflicts?|violence|gender-based|sexual|violent|the\s+outbreak)",
            STRONG,
        ),
        # "conflict prevention and resolution" names the whole field, not a theme of the event
        (
            r"conflict\s+prevention(?!,?\s+and\s+(?:conflict\s+)?resolution)|"
            r"prevention\s+of\s+conflict",
            STRONG,
        ),
        (r"prevention\s+and\s+resolution\s+of\s+conflict|[Pp]revention\s+is", STRONG),
        # "the prevention of, risk mitigation of and response to gender-based violence"
        (r"prevention\s+of,[^.;]{0,60}?\b(?:violence|gender-based|conflicts?)\b", STRONG),
        (
            r"[Pp]revention,(?<!conflict prevention,)|"
            r"prevent\w*\s+(?:and\s+\w+\s+)?(?:conflict|violence|trafficking)|"
            r"prevent\s+and\s+respond\s+to\s+[\w\s-]{0,40}?\bviolence",
            STRONG,
        ),
        (r"[Mm]ediators\b|mediation\b|[Mm]ediator\s+[Nn]etworks?", STRONG),
        # "community-based prevention activities": prevention as work the project does
        (r"prevention\s+(?:activities|programmes|programs|measures|work)\b", STRONG),
        (r"early[- ]warning|defuse", WEAK),
        (r"conflict\s+resolution|resolving\s+conflict", WEAK),
        (r"紛争予防|予防|暴力の防止|紛争の防止", STRONG),
    ),
    "protection": (
        (r"protect(?<=\bprotect)(?:ion|ing|ed|s)?\b", STRONG),
        (r"gender-based\s+violence|sexual\s+violence|violence\s+against\s+women", STRONG),
        (r"survivors?\b|victims?\b|shelters?\b|safe\s+spaces?|safer\b(?<=\bsafer)", STRONG),
        (r"threat(?:s|ened)?\b|reprisals?|trafficking|exploitation|abuse\b(?<=\babuse)", STRONG),
        (r"human\s+rights\s+defenders", STRONG),
        (r"保護|暴力", STRONG),
    ),
    "participation": (
        (
            # women's participation, not attendance ("the Minister's participation in")
            r"[Ww]omen['’]s[\w\s,]{0,30}?[Pp]articipation|participation\s+of\s+(?:young\s+)?women|"
            r"(?:full|equal|[Mm]eaningful|effective|political|active)[\w\s,]{0,30}?[Pp]articipation|"
            r"[Pp]articipation\s+(?:in|of)\s+(?:peace|decision|politic|the\s+economy)|"
            r"participate\s+(?:safely|fully|in\s+(?:peace|decision|politic))|"
            r"[Pp]articipation,\s+(?:prevention|protection)",  # the WPS pillars listed
            STRONG,
        ),
        (
            r"[Ww]omen['’]s\s+[Ll]eadership|leadership\s+of\s+women|women[- ]led|women\s+leaders",
            STRONG,
        ),
        (r"as\s+leaders\b(?<=\bas\sleaders)", STRONG),
        (r"decision-making|decisions\s+(?:that|about)|take\s+part\s+in\s+decisions", STRONG),
        (
            r"the\s+number\s+of\s+women|women\s+(?:mediators|peacekeepers|candidates|politicians)",
            STRONG,
        ),
        (r"involve(?:d|ment)?\s+(?:of\s+)?women", STRONG),
        (r"women\s+(?:must\s+be\s+(?:fully\s+)?involved|sit\s+on)", STRONG),
        (r"at\s+the\s+table|peace\s+tables|negotiating\s+tables|have\s+a\s+say\b", STRONG),
        (r"representation\s+of\s+women|women['’]s\s+(?:representation|voices)", STRONG),
        (r"deploy(?:ed|ment)\b[^.]{0,40}women|women[^.]{0,30}\bdeploy", STRONG),
        (r"women\s+in\s+(?:politics|parliament|law\s+enforcement|peace\s+operations)", STRONG),
        # 参画 is taking part in decisions; 参加 alone is mere attendance (参加者, participants)
        (r"参画|女性の参加", STRONG),
    ),
    "relief_recovery": (
        (r"humanitarian\b(?<=\bhumanitarian)", STRONG),
        (r"Humanitarian\s+Assistance(?m:$)", STRONG),  # the section a release is filed under
        (r"reconstruction\b|recovery\b(?<=\brecovery)|relief\b(?<=\brelief)|rebuilding", STRONG),
        (r"psychosocial", WEAK),
        (
            r"medical\s+(?:care|treatment)|health\s+(?:care|services|brigades|clinics|facilities)",
            WEAK,
        ),
        (r"displacement\s+sites|refugee\s+camps|displacement\s+camps", WEAK),
        (r"livelihoods?", WEAK),
        (r"reintegration|decommission|demobili[sz]ation", WEAK),
        (r"人道|復興", STRONG),
    ),
    "gender_equality": (
        (r"gender\s+equality|Gender\s+equality\s+(?:at|is|in)", STRONG),
        (r"[Pp]romot\w*\s+(?:of\s+)?[Gg]ender\s+[Ee]quality", STRONG),  # a plan's name too
        (r"empowerment\b|empowering\b|women['’]s\s+rights|feminist\b", STRONG),
        (r"discrimination|inequalit(?:y|ies)", STRONG),
        (r"gender\s+(?:perspectives?|pay\s+gap|provisions|policy|strategy|expertise)", STRONG),
        (r"gender-(?:sensitive|responsive)", WEAK),
        (r"women\s+and\s+girls", WEAK),
        (r"dignity\s+kits|women\s+staff|women\s+officers", WEAK),
        (r"needs\s+of\s+women", WEAK),
        (r"ジェンダー平等|男女共同参画|女性のエンパワーメント|女性の視点|ジェンダーの視点", STRONG),
    ),
    "funding": (
        (
            r"funding\b|financing\b|grant(?<=\bgrant)s?\b|contributions?\b|contributed\b",
            STRONG,
        ),
        (r"funded\b|donors?\b|resources\b(?<=\bresources)|supplementary\s+budget", STRONG),
        (r"provided\s+support\s+through\b", WEAK),
        (r"to\s+finance\b", STRONG),  # the verb, not "Ministry of Finance"
        (r"Fund\b(?<=\bFund)", WEAK),
        # an amount of money given, pledged or discussed
        (PREFIX_RE, STRONG),
        (SUFFIX_RE, STRONG),
        (r"[0-9０-９][億万]?円|[0-9０-９](?:米)?ドル", STRONG),
        (r"資金協力|資金援助|拠出|無償資金", STRONG),
    ),
    "human_security": ((r"[Hh]uman\s+[Ss]ecurity|HUMAN\s+SECURITY|人間の安全保障", STRONG),),
    "disaster": (
        (
            r"[Dd]isasters?|[Ee]arthquakes?|[Cc]yclones?|[Tt]sunamis?|[Ff]loods?\b|[Dd]roughts?|"
            r"災害|防災|震災",
            STRONG,
        ),
    ),
    "refugees": (
        (
            r"[Rr]efugees?|internally\s+displaced|displacement|displaced\b|fled\b(?<=\bfled)|"
            r"forced\s+to\s+flee|fleeing\b|難民|避難民",
            STRONG,
        ),
    ),
    "peacekeeping": (
        (r"[Pp]eacekeep\w*|peace\s+operations|peace\s+support\s+operations|PKO|平和維持", STRONG),
    ),
    "other": (
        (r"economic\s+empowerment", STRONG),
        (
            r"climate\s+change\s+and\s+security|climate\s+and\s+security|"
            r"climate\s+change\s+on\s+(?:the\s+)?security",
            STRONG,
        ),
        (r"migrant\s+workers|labour\s+migration|labor\s+migration", STRONG),
        (r"mine(?<=\bmine)\s+action|[Dd]emining|[Ll]andmines?\b", STRONG),
        (r"[Ss]ecurity\s+[Ss]ector\s+[Rr]eform", STRONG),
        (r"population\s+ag(?:e?ing)|declining\s+fertility|少子高齢化", STRONG),
    ),
}
# Resolutions of the agenda's participation strand (see the module docstring).
WPS_RESOLUTIONS = frozenset({1325, 1889, 2122, 2242, 2493, 2538})

_META = set("\\()[]{}?*+.|^$")


def _split_top(pattern: str) -> list[str]:
    """The top-level alternatives of a pattern."""
    parts, depth, current, escaped = [], 0, [], False
    for char in pattern:
        if escaped:
            current.append(char)
            escaped = False
            continue
        if char == "\\":
            escaped = True
        elif char in "([":
            depth += 1
        elif char in ")]":
            depth -= 1
        elif char == "|" and depth == 0:
            parts.append("".join(current))
            current = []
            continue
        current.append(char)
    parts.append("".join(current))
    return parts


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


def _group_end(pattern: str) -> int:
    """The index of the ")" that closes the group ``pattern`` opens with (-1 if none)."""
    depth, escaped, in_class = 0, False, False
    for index, char in enumerate(pattern):
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
            if depth == 0:
                return index
    return -1


def _leading_literals(alternative: str) -> list[str]:
    """What an alternative must start with: one text, or one for each word of a group it
    opens with ("(?:full|equal)..." -> "full", "equal")."""
    end = _group_end(alternative) if alternative.startswith("(?:") else -1
    if end > 0 and alternative[end + 1 : end + 2] not in ("?", "*", "{"):
        return [_leading_literal(word) for word in _split_top(alternative[3:end])]
    return [_leading_literal(alternative)]


def needles(pattern: str) -> tuple[str, ...] | None:
    """Substrings of which one must occur (lower-cased) for ``pattern`` to match, or None.

    A cheap prefilter: ``in`` on the lower-cased text is far faster than a regex search, and
    most cues are absent from most releases. Every match starts with one of them.
    """
    literals = [lit for alt in _split_top(pattern) for lit in _leading_literals(alt)]
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
    for at in sorted(at for needle in leading for at in places(needle)):
        match = regex.match(text, at)
        if match:
            return match
    return None


def _needle_places(lower: str, start: int) -> Places:
    """Where each needle is written in ``lower`` from ``start`` (each needle looked up once)."""

    @cache
    def places(needle: str) -> list[int]:
        found = []
        at = lower.find(needle, start)
        while at >= 0:
            found.append(at)
            at = lower.find(needle, at + 1)
        return found

    return places


def _score(
    text: str, lower: str, topic: str, start: int, places: Places
) -> tuple[float, tuple[int, int] | None]:
    total, first = 0.0, None
    aligned = len(lower) == len(text)  # lower-casing kept every offset
    for regex, weight, required, leading in _COMPILED[topic]:
        if required is not None and leading and aligned:
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
        places = _needle_places(lower, start)
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
