"""Component `organisations`: every organisation a release names, once, in its fullest form.

Known bodies are found through the alias table of ``reference/organisations.yaml``: a
spaCy ``PhraseMatcher`` over tokens for English (acronyms case-sensitive, full names
case-insensitive but capitalised) and a plain string search for Japanese names, which the
blank English tokenizer does not split into words. Bodies outside the table are kept too:
typo'd forms of a known name, names built on an organisation head ("... Network",
"Ministry of ...", "Institute for ..."), names defined by an acronym in brackets, and
unknown acronyms (method ``unresolved_acronym``), so that a reviewer sees them.

The conventions follow the gold format: countries, governments, diplomatic missions,
venues, events and programmes are not organisations; "United Nations" as a modifier counts
as the UN; a joint name ("Departments of A and B") is split. Mentions of one body are
grouped (by canonical code, or by the acronym a name defines) and the body is written once,
in its fullest written form; a Japanese release gets the official English name.
The canonical codes go to the extra list ``organisation_codes`` for ingestion.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc

from wpstrack.extract import organisation_rules as rules
from wpstrack.extract.model import state
from wpstrack.extract.organisation_rules import Hit
from wpstrack.reference import (
    is_japanese,
    normalise_name,
    organisation_aliases,
    organisations,
    resolve_organisation,
)

# One-for-one character folds: the folded text has the same offsets as the original.
_FOLD = str.maketrans({"\u00a0": " ", "\u2019": "'", "\u2018": "'", "\u2010": "-", "\u2011": "-"})


@dataclass(frozen=True)
class AliasTable:
    """The written forms of every known organisation, split by how they are matched."""

    exact: dict[str, list[str]]  # code -> forms matched case-sensitively (acronyms)
    folded: dict[str, list[str]]  # code -> forms matched case-insensitively
    japanese: re.Pattern[str] | None
    latin: re.Pattern[str] | None  # every English form, for Japanese text
    by_form: dict[str, str]  # form -> code, for the two regular expressions
    names: dict[str, str]  # code -> canonical English name
    un_family: frozenset[str]  # codes of the United Nations and everything below it


def _is_acronym(form: str) -> bool:
    """Forms without spaces and with capitals inside (UNICEF, AfDB, UN-Women, G20, Sida)."""
    if " " in form:
        return False
    return sum(ch.isupper() for ch in form) >= 2 or len(form) <= 5 or not form.isalpha()


def _alternation(forms: list[str]) -> str:
    return "|".join(re.escape(f) for f in sorted(forms, key=len, reverse=True))


@cache
def alias_table() -> AliasTable:
    """Built once per process from the reference file."""
    exact: dict[str, list[str]] = {}
    folded: dict[str, list[str]] = {}
    by_form: dict[str, str] = {}
    parents: dict[str, str | None] = {}
    names: dict[str, str] = {}
    for entry in organisations():
        code = entry["code"]
        names[code] = entry["name"]
        parents[code] = entry.get("parent")
        for form in organisation_aliases(entry):
            by_form.setdefault(form, code)
            if is_japanese(form):
                continue
            (exact if _is_acronym(form) else folded).setdefault(code, []).append(form)

    def in_un(code: str | None) -> bool:
        while code:
            if code == "un":
                return True
            code = parents.get(code)
        return False

    ja = [f for f in by_form if is_japanese(f)]
    latin = [f for f in by_form if not is_japanese(f)]
    return AliasTable(
        exact=exact,
        folded=folded,
        japanese=re.compile(_alternation(ja)) if ja else None,
        latin=re.compile(rf"(?<![A-Za-z])(?:{_alternation(latin)})(?![A-Za-z])") if latin else None,
        by_form=by_form,
        names=names,
        un_family=frozenset(c for c in names if in_un(c)),
    )


def create(nlp: Language, name: str) -> Callable[[Doc], Doc]:
    """The component: matchers are built once, for this pipeline's vocabulary."""
    table = alias_table()
    exact = PhraseMatcher(nlp.vocab, attr="ORTH")
    folded = PhraseMatcher(nlp.vocab, attr="LOWER")
    for matcher, forms in ((exact, table.exact), (folded, table.folded)):
        for code, written in forms.items():
            matcher.add(code, [nlp.make_doc(form) for form in written])
    typo_index = rules.typo_index(nlp, table.folded)

    def component(doc: Doc) -> Doc:
        text = doc.text
        if not text.strip():
            return doc
        st = state(doc)
        japanese = st.language == "ja" or _mostly_japanese(text)
        if japanese:
            hits = _regex_hits(text, table)
        else:
            folded_text = text.translate(_FOLD)
            work = doc if folded_text == text else nlp.make_doc(folded_text)
            hits = _english_hits(work, text, exact, folded, table, typo_index)
            if is_japanese(text):
                hits.extend(_regex_hits(text, table, latin=False))
        for hit, start, end in _fullest(hits, table, japanese):
            st.add("organisations", hit.name, start, end, hit.method)
            if hit.code:
                st.add("organisation_codes", hit.code, start, end, hit.method)
        return doc

    return component


def _mostly_japanese(text: str) -> bool:
    sample = [ch for ch in text[:2000] if not ch.isspace()]
    return bool(sample) and sum(is_japanese(ch) for ch in sample) > 0.3 * len(sample)


def _regex_hits(text: str, table: AliasTable, *, latin: bool = True) -> list[Hit]:
    """String search for Japanese names (and, in Japanese text, English forms too)."""
    hits: list[Hit] = []
    taken: list[tuple[int, int]] = []
    patterns = [(table.japanese, "alias_ja")]
    if latin:
        patterns.append((table.latin, "alias"))
    for pattern, method in patterns:
        if pattern is None:
            continue
        for m in pattern.finditer(text):
            if any(s < m.end() and m.start() < e for s, e in taken):
                continue
            code = table.by_form.get(m.group())
            taken.append((m.start(), m.end()))
            hits.append(
                Hit(m.start(), m.end(), m.group(), code, method, table.names.get(code or ""))
            )
    return hits


def _english_hits(
    work: Doc,
    text: str,
    exact: PhraseMatcher,
    folded: PhraseMatcher,
    table: AliasTable,
    typo_index: rules.TypoIndex,
) -> list[Hit]:
    """Every mention in an English text, by the rules in the module docstring, in order."""
    ctx = rules.Context(work, text)
    spans: list[rules.Span] = [(s, e, work.vocab.strings[m], "alias") for m, s, e in exact(work)]
    spans += [
        (s, e, work.vocab.strings[m], "alias")
        for m, s, e in folded(work)
        if work[s].text[:1].isupper() or not work[s].text[:1].isalpha()
    ]
    spans += rules.delegation_spans(work)
    chosen: list[rules.Span] = []
    blocked: list[tuple[int, int]] = []  # venues, titles, portfolios: no other rule may claim them
    for s, e, code, method in sorted(spans, key=lambda x: (x[0] - x[1], x[0])):
        if any(s < ce and cs < e for cs, ce, _, _ in chosen) or any(
            s < be and bs < e for bs, be in blocked
        ):
            continue
        if ctx.keeps_alias(s, e, code, table.un_family):
            chosen.append((s, e, code, method))
        else:
            blocked.append((s, e))
    chosen = rules.merge_un_prefix(work, sorted(chosen), table.un_family)
    chosen = rules.typo_spans(work, chosen, typo_index)
    hits = [ctx.hit(s, e, code, method) for s, e, code, method in chosen]
    for s, e in [(s, e) for s, e, _, _ in chosen] + blocked:
        ctx.occupy(s, e)
    hits += rules.joint_hits(ctx, resolve_organisation)
    hits += rules.pattern_hits(ctx, resolve_organisation)
    hits += rules.acronym_hits(ctx, hits)
    return sorted(hits, key=lambda h: h.start)


def _fullest(hits: list[Hit], table: AliasTable, japanese: bool) -> list[tuple[Hit, int, int]]:
    """One hit per organisation: its fullest written form, placed at its first mention."""
    groups: dict[str, list[Hit]] = {}
    for hit in hits:
        key = hit.key or hit.code or "~" + normalise_name(hit.name)
        groups.setdefault(key, []).append(hit)
    chosen: list[tuple[int, Hit]] = []
    for members in groups.values():
        code = next((h.code for h in members if h.code), None)
        if japanese and code:
            best = next(h for h in members if h.code == code)
            best.value = table.names[code]
        else:
            # A name written in capitals (a heading) is the fullest form only as a last resort.
            mixed = [h for h in members if not (h.name.isupper() and " " in h.name)]
            best = max(mixed or members, key=lambda h: (len(h.name), -h.start))
            if not mixed and code:
                best.value = table.names[code]
        best.code = best.code or code
        chosen.append((min(h.start for h in members), best))
    return [(hit, hit.start, hit.end) for _first, hit in sorted(chosen, key=lambda c: c[0])]
