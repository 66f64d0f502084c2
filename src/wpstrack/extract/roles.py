"""Component ``roles``: what each organisation did, whose activity it is, and where work happens.

Three proposals a reviewer confirms or corrects, each with the span that gave it:

- ``organisation_roles``: a role (``wpstrack.roles``) for an organisation the
  ``organisations`` component found, where a cue touches one of its written forms ("funded
  by", "implemented by", "hosted by", "grant to", "UN Women's programme", "…主催"). An
  organisation without a cue stays "mentioned"; one with several keeps the strongest.
- ``acting_country``: the government the release is about, where the text says so — the
  country that is the subject of the title ("UK hosts …", "Norway increases support …"),
  else the national body a header line names ("Global Affairs Canada"). Where the text is
  silent, ingestion takes the publisher's government, so a ministry's own release is its
  government's activity.
- ``funding_countries``: governments the text says pay for the work ("Japan-funded",
  "a grant from the Government of Japan"): a plan's government funds what it pays for.
- ``work_countries``: countries named in a sentence about work done there (a programme, a
  grant, a centre: :data:`role_cues.WORK_WORDS`), the "where" of who-does-what-where, kept
  apart from the venue (``country``).

The cues are data (:mod:`wpstrack.extract.role_cues`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from functools import cache

from spacy.language import Language
from spacy.tokens import Doc

from wpstrack import roles
from wpstrack.extract import role_cues
from wpstrack.extract.gazetteer import country_names_re, gazetteer
from wpstrack.extract.literals import written_at
from wpstrack.extract.model import ExtractionState, doc_text, state
from wpstrack.extract.sentences import sentence_bounds
from wpstrack.reference import organisation_aliases, organisations, resolve_organisation

_WINDOW = 80  # characters either side of a name that a cue may use
_HEADER_LINES = 6
_HEADLINE_WORDS = 20  # a longer line is body text
_TITLE_WORDS = 6  # without a verb, the subject is sought in the title's first words


@cache
def _cues() -> tuple[list[tuple[str, re.Pattern[str]]], list[tuple[str, re.Pattern[str]]]]:
    before = [(role, re.compile(p)) for role, p in role_cues.BEFORE]
    after = [(role, re.compile(p)) for role, p in role_cues.AFTER]
    return before, after


@cache
def _forms_by_code() -> dict[str, list[str]]:
    return {e["code"]: organisation_aliases(e) for e in organisations()}


@cache
def _country_of_code() -> dict[str, str]:
    return {e["code"]: e["country"] for e in organisations() if e.get("country")}


def _countries(text: str, start: int = 0, end: int | None = None) -> Iterator[tuple[str, int, int]]:
    gaz = gazetteer()
    for match in country_names_re().finditer(text, start, len(text) if end is None else end):
        code = gaz.country(match.group(0))
        if code:
            yield code, match.start(), match.end()


def _occurrences(text: str, name: str) -> Iterator[tuple[int, int]]:
    code = resolve_organisation(name)
    forms = {name, *(_forms_by_code().get(code, ()) if code else ())}
    for form in sorted(forms, key=len, reverse=True):
        if len(form) < 2:
            continue
        # a substring search, not a pattern compiled per form (:mod:`literals`); a form not
        # in ASCII asks for no word boundary
        if form.isascii():
            yield from written_at(text, form)
        else:
            yield from _unbounded(text, form)


def _unbounded(text: str, form: str) -> Iterator[tuple[int, int]]:
    start = text.find(form)
    while start >= 0:
        yield start, start + len(form)
        start = text.find(form, start + len(form))


def _cue_window(text: str, start: int, end: int) -> tuple[int, int]:
    """The sentence around ``text[start:end]``, no more than a cue's window either side."""
    left, right = sentence_bounds(text, start)
    if end > right:
        right = sentence_bounds(text, max(start, end - 1))[1]
    return max(left, start - _WINDOW), min(right, end + _WINDOW)


def _organisation_roles(text: str, st: ExtractionState) -> None:
    before_cues, after_cues = _cues()
    names = [str(n) for n in st.items("organisations")]
    spans = {name: sorted(set(_occurrences(text, name))) for name in names}
    # "UN" inside "UN Women" is UN Women's name, not a mention of the United Nations.
    inside = _inside_another({span for found in spans.values() for span in found})
    for name in names:
        found: dict[str, tuple[int, int]] = {}
        for start, end in spans[name]:
            if (start, end) in inside:
                continue
            left, right = _cue_window(text, start, end)
            before, after = text[left:start], text[end:right]
            for role, pattern in before_cues:
                if role not in found and pattern.search(before):
                    found[role] = (start, end)
            for role, pattern in after_cues:
                if role not in found and pattern.search(after):
                    found[role] = (start, end)
        if found:
            role = roles.strongest(list(found))
            start, end = found[role]
            st.add("organisation_roles", {"name": name, "role": role}, start, end, f"cue.{role}")


def _inside_another(spans: set[tuple[int, int]]) -> set[tuple[int, int]]:
    """The spans that lie within another span of the set (one sort, not every pair).

    In order of start, the longer first on a tie, every span before one starts no later
    than it; it lies inside one of them when the furthest end among them reaches its end.
    """
    inside = set()
    furthest = -1
    for start, end in sorted(spans, key=lambda span: (span[0], -span[1])):
        if furthest >= end:
            inside.add((start, end))
        furthest = max(furthest, end)
    return inside


_TITLE_VERB_RE = re.compile(rf"\s(?:{role_cues.TITLE_VERBS})\b")
_WORK_RE = re.compile(rf"\b(?:{role_cues.WORK_WORDS})")


def _subject(text: str, start: int, end: int, *, needs_verb: bool) -> tuple[str, int, int] | None:
    """The first country in the subject of the headline at ``start:end`` (before its verb)."""
    verb = _TITLE_VERB_RE.search(text, start, end)
    if verb is not None:
        end = verb.start()
    elif needs_verb:
        return None
    else:
        words = list(re.finditer(r"\S+", text[start:end]))[:_TITLE_WORDS]
        end = start + (words[-1].end() if words else 0)
    return next(_countries(text, start, end), None)


def _title_subject(text: str, st: ExtractionState) -> tuple[str, int, int] | None:
    """The country heading the title, or a headline among the first lines."""
    title = st.extra.get("title")
    if title is not None and (found := _subject(text, title.start, title.end, needs_verb=False)):
        return found
    for line in list(re.finditer(r"[^\n]+", text))[: _HEADER_LINES * 2]:
        words = len(line.group().split())
        if words > _HEADLINE_WORDS:
            break  # the body has begun
        if line.group().rstrip().endswith("."):
            continue  # a sentence (a caption), not a headline
        found = _subject(text, line.start(), line.end(), needs_verb=True)
        if found is not None:
            return found
    return None


_GOVERNMENT_LINE = re.compile(r"\s*(?:the\s+)?Government\s+of\s+\S.{0,60}$", re.IGNORECASE)


def _header_body(text: str, st: ExtractionState) -> tuple[str, int, int] | None:
    title = st.extra.get("title")
    limit = title.start if title is not None else 0
    offset = 0
    for line in text[:limit].splitlines(keepends=True)[:_HEADER_LINES]:
        code = resolve_organisation(line.strip()) if line.strip() else None
        country = _country_of_code().get(code or "")
        if country is None and _GOVERNMENT_LINE.match(line):
            # "Government of the Netherlands", "Government of Canada": a government's site.
            named = next(_countries(line), None)
            country = named[0] if named is not None else None
        # The bare "Ministry of Foreign Affairs" stands for MOFA Japan in the reference
        # table; in a header it names whoever publishes, so it says nothing here.
        if country and line.strip() != "Ministry of Foreign Affairs":
            return country, offset, offset + len(line.rstrip())
        offset += len(line)
    return None


_WORK_PREPOSITION_RE = re.compile(r"\b(?:in|to|for|across|throughout)\s+$")
_BETWEEN_STOPS_RE = re.compile(r"[^.!?。\n]+")


def _work_countries(text: str, st: ExtractionState) -> None:
    work = _WORK_RE
    seen: set[str] = set()
    for sentence in _BETWEEN_STOPS_RE.finditer(text):
        start, end = sentence.span()
        if not work.search(text, start, end):
            continue
        for code, s, e in _countries(text, start, end):
            before = text[max(start, s - 12) : s]
            if code in seen or text[e : e + 2] in ("'s", "’s"):  # "Japan's support": the giver
                continue
            if _WORK_PREPOSITION_RE.search(before):
                seen.add(code)
                st.add("work_countries", code, s, e, "cue.work_sentence")


# compiled once: a list built per document looked each cue up in re's cache every time
_FUNDING_BEFORE = [re.compile(p) for p in role_cues.FUNDING_COUNTRY_BEFORE]
_FUNDING_AFTER = [re.compile(p) for p in role_cues.FUNDING_COUNTRY_AFTER]


def _funding_countries(text: str, st: ExtractionState) -> None:
    before, after = _FUNDING_BEFORE, _FUNDING_AFTER
    seen: set[str] = set()
    for code, s, e in _countries(text):
        if code in seen:
            continue
        left, right = text[max(0, s - _WINDOW) : s], text[e : e + _WINDOW]
        if any(p.search(left) for p in before) or any(p.search(right) for p in after):
            seen.add(code)
            st.add("funding_countries", code, s, e, "cue.funder")
    japanese = re.search(role_cues.FUNDING_JAPAN_JA, text)
    if japanese is not None and "JP" not in seen:
        st.add("funding_countries", "JP", japanese.start(), japanese.end(), "cue.funder_ja")


def create(nlp: Language, name: str) -> Callable[[Doc], Doc]:
    """The roles component: organisation roles, the acting government, work locations."""

    def component(doc: Doc) -> Doc:
        text = doc_text(doc)
        st = state(doc)
        _organisation_roles(text, st)
        acting = _title_subject(text, st)
        method = "title_subject"
        if acting is None:
            # The header as stored: its masthead, blanked as furniture, names the publisher.
            stored = doc.user_data.get("wpstrack_stored", text)
            acting, method = _header_body(stored, st), "header_body"
        if acting is not None:
            st.set("acting_country", acting[0], acting[1], acting[2], f"acting.{method}")
        _work_countries(text, st)
        _funding_countries(text, st)
        return doc

    return component
