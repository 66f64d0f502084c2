"""Component `organisations`: every organisation a release names, once, in its fullest form.

Known bodies are found through the alias table of ``reference/organisations.yaml``: a
spaCy ``PhraseMatcher`` over tokens for English (acronyms case-sensitive, full names
case-insensitive but capitalised) and a plain string search for Japanese names, which the
blank English tokenizer does not split into words. Bodies outside the table are kept too:
typo'd forms of a known name, names built on an organisation head ("... Network",
"Ministry of ...", "Institute for ..."), names defined by an acronym in brackets, and
unknown acronyms where a definition or an office held in them says they name a body
(method ``unresolved_acronym``, "Regional Representative of OCHR"; "at UNHQ" is none).

The conventions follow the gold format: countries, governments, diplomatic missions,
venues, events and programmes are not organisations; "United Nations" as a modifier counts
as the UN; a joint name ("Departments of A and B") is split. Mentions of one body are
grouped (by canonical code, or by the acronym a name defines) and the body is written once,
in its fullest written form; a Japanese release gets the official English name.
The canonical codes go to the extra list ``organisation_codes`` for ingestion.
"""

from __future__ import annotations

import bisect
import operator
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache
from itertools import accumulate

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc

from wpstrack.extract import lexicon, organisation_japanese
from wpstrack.extract import organisation_rules as rules
from wpstrack.extract.gazetteer import place_and_currency_words
from wpstrack.extract.literals import literal_alternation, literal_branches
from wpstrack.extract.model import doc_text, state
from wpstrack.extract.names import TITLE_HEADS
from wpstrack.extract.organisation_rules import Hit
from wpstrack.extract.people_romance import ROMANCE
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
    written: dict[str, frozenset[str]]  # code -> its forms exactly as written
    names: dict[str, str]  # code -> canonical English name
    countries: dict[str, str]  # code -> ISO country of a national body
    un_family: frozenset[str]  # codes of the United Nations and everything below it


def _is_acronym(form: str) -> bool:
    """Forms without spaces and with capitals inside (UNICEF, AfDB, UN-Women, G20, Sida)."""
    if " " in form:
        return False
    return sum(ch.isupper() for ch in form) >= 2 or len(form) <= 5 or not form.isalpha()


def _alternation(forms: list[str]) -> str:
    # longest first, as a tree of shared beginnings: a plain alternation of every form
    # was tried form by form at each character (:mod:`wpstrack.extract.literals`)
    return literal_alternation(forms)


def _latin_pattern(forms: list[str]) -> re.Pattern[str]:
    """The forms written in Latin letters, not inside a longer word.

    The pattern opens with the forms' first characters, so that the regex engine skips to
    them (over a Japanese text, most of it); the look-behind after the first character asks
    what stands before it. Opening with the look-behind, the pattern was tried at every
    character, and cost more than segmenting the whole text (bench/extract.py, Japanese).
    """
    branches = literal_branches(forms, r"(?<![A-Za-z].)")
    return re.compile(rf"(?:{'|'.join(branches)})(?![A-Za-z])")


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
        latin=_latin_pattern(latin) if latin else None,
        by_form=by_form,
        written={code: frozenset(forms) for code, forms in folded.items()},
        names=names,
        countries={e["code"]: e["country"] for e in organisations() if e.get("country")},
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
    typos = typo_index(nlp, table.folded)

    def component(doc: Doc) -> Doc:
        text = doc_text(doc)
        if not text.strip():
            return doc
        st = state(doc)
        # an ASCII text holds no kana or kanji: str.isascii reads a flag, the search every character
        ascii_only = text.isascii()
        japanese = st.language == "ja" or (not ascii_only and _mostly_japanese(text))
        romance = st.language in ROMANCE
        if japanese:
            hits = _regex_hits(text, table)
            hits += organisation_japanese.unknown_hits(text, hits, resolve_organisation)
        elif romance:
            # French and Spanish: the alias table only (it holds their forms), written as the
            # official English name; the English name patterns would read their capitalised
            # words ("Affaires étrangères", family names in capitals) as bodies.
            hits = _regex_hits(text, table)
        else:
            folded_text = text.translate(_FOLD)
            work = nlp.make_doc(folded_text)  # the pipeline's Doc holds no words (prepare)
            ctx = rules.Context(work, folded_text, text)
            hits = _english_hits(ctx, work, exact, folded, table, typos)
            label_end = rules.section_label_end(text)
            links = _navigation_links(text)
            hits = [
                h
                for h in hits
                if h.start >= label_end and not any(s <= h.start < e for s, e in links)
            ]
            if not ascii_only and _JAPANESE_RE.search(text):
                hits.extend(_regex_hits(text, table, latin=False))
        for hit, start, end in _fullest(hits, table, japanese or romance):
            st.add("organisations", hit.name, start, end, hit.method)
            if hit.code:
                st.add("organisation_codes", hit.code, start, end, hit.method)
        return doc

    return component


_JAPANESE_RE = re.compile("[\u3040-\u30ff\u4e00-\u9fff]")
_NAVIGATION_RE = re.compile(r"(?m)^[ \t]*(?:Back to|Return to|Go to)\b[^\n]{0,80}$")


def _navigation_links(text: str) -> list[tuple[int, int]]:
    """A website's "Back to Japan and the United Nations" line names a page of the site, as
    the section label does, not a body the release mentions."""
    if "Back to" not in text and "Return to" not in text and "Go to" not in text:
        return []
    return [m.span() for m in _NAVIGATION_RE.finditer(text)]


def _mostly_japanese(text: str) -> bool:
    sample = text[:2000]
    letters = len(sample) - sum(sample.count(ch) for ch in " \n\t")
    return letters > 0 and len(_JAPANESE_RE.findall(sample)) > 0.3 * letters


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
    ctx: rules.Context,
    work: Doc,
    exact: PhraseMatcher,
    folded: PhraseMatcher,
    table: AliasTable,
    typos: TypoIndex,
) -> list[Hit]:
    """Every mention in an English text, by the rules in the module docstring, in order."""
    spans: list[rules.Span] = [(s, e, work.vocab.strings[m], "alias") for m, s, e in exact(work)]
    for m, s, e in folded(work):
        name = work.vocab.strings[m]
        if _written_as_a_name(ctx, s, e, table.written[name]):
            spans.append((s, e, name, "alias"))
    spans += _across_inline_acronyms(ctx, work, exact, folded)
    spans += rules.delegation_spans(ctx)
    chosen: list[rules.Span] = []
    blocked: list[tuple[int, int]] = []  # venues, titles, portfolios: no other rule may claim them
    for s, e, code, method in sorted(spans, key=lambda x: (x[0] - x[1], x[0])):
        if any(s < ce and cs < e for cs, ce, _, _ in chosen) or any(
            s < be and bs < e for bs, be in blocked
        ):
            continue
        if ctx.inside_longer_name(s, e):
            continue  # left to the name patterns
        if ctx.keeps_alias(s, e, code, table.un_family):
            chosen.append((s, e, code, method))
        else:
            blocked.append((s, e))
    chosen = rules.merge_un_prefix(sorted(chosen), table.un_family, ctx.words)
    chosen = [
        (s, *rules.national_name(ctx, e, code, table.countries), m) for s, e, code, m in chosen
    ]
    chosen = typo_spans(ctx, chosen, typos)
    hits = [ctx.hit(s, e, code, method) for s, e, code, method in chosen]
    for hit in hits:
        if hit.method == "alias_inline":
            hit.value = _INLINE_ACRONYM_RE.sub("", hit.surface)
    for s, e in [(s, e) for s, e, _, _ in chosen] + blocked:
        ctx.occupy(s, e)
    hits += rules.joint_hits(ctx, resolve_organisation)
    hits += _quoted_hits(ctx)
    hits += rules.pattern_hits(ctx, resolve_organisation)
    hits += _credit_hits(ctx.text, hits)
    hits += acronym_hits(ctx, hits)
    return sorted(hits, key=lambda h: h.start)


# "Photo: Cabinet Public Affairs Office": a credit line naming a body, in capitalised words
# that end in an organisation's head word ("Photo: Panelists of the side event" does not).
_CREDIT_RE = re.compile(
    r"(?m)^[ \t]*(?:Photo(?:graph)?s?|Photo credit|Image|Credit)[ \t]*[:：][ \t]*"
    r"(?:©[ \t]*)?(?P<name>(?:[A-Z][\w'’&-]*[ \t]+){1,6}(?P<head>[A-Z]\w+))[ \t]*$"
)


def _credit_hits(text: str, hits: list[Hit]) -> list[Hit]:
    """The body a photo credit names, where no other rule has found it."""
    if "Photo" not in text and "Image" not in text and "Credit" not in text:
        return []  # most releases have no credit line: skip the line-by-line search
    found = []
    for m in _CREDIT_RE.finditer(text):
        s, e = m.span("name")
        if m.group("head") not in rules.ANY_HEAD or any(h.start < e and s < h.end for h in hits):
            continue
        found.append(Hit(s, e, m.group("name"), resolve_organisation(m.group("name")), "credit"))
    return found


_INLINE_ACRONYM_RE = re.compile(r"\s*\([A-Z][A-Za-z&-]*\)")


_KIND_BEFORE_QUOTE = lexicon.words("organisations", "kind_before_quote")
_QUOTES = frozenset({'"', "“", "”", "«", "»"})


def _quoted_hits(ctx: rules.Context) -> list[Hit]:
    """'the NGO "Open Doors"': a name in quotes after the kind of body it names."""
    if '"' not in ctx.text and "“" not in ctx.text and "«" not in ctx.text:
        return []
    hits = []
    for i, word in enumerate(ctx.words[: ctx.n - 2]):
        if word not in _KIND_BEFORE_QUOTE or ctx.words[i + 1] not in _QUOTES:
            continue
        end = i + 2
        while end < ctx.n and end - i < 10 and ctx.words[end] not in _QUOTES:
            end += 1
        if end == ctx.n or end == i + 2 or not ctx.cap[i + 2]:
            continue
        if ctx.free(i + 2, end):
            s, e = ctx.chars(i + 2, end)
            name = ctx.text[s:e]
            hits.append(Hit(s, e, name, resolve_organisation(name), "quoted_name"))
            ctx.occupy(i + 2, end)
    return hits


def _across_inline_acronyms(
    ctx: rules.Context, work: Doc, *matchers: PhraseMatcher
) -> list[rules.Span]:
    """Known names with an acronym written inside them ("the Women, Peace and Security
    (WPS) Focal Points Network"), matched as if the bracket were not there."""
    cuts = [
        i
        for i in range(1, ctx.n - 3)
        if ctx.words[i] == "(" and ctx.words[i + 2] == ")" and ctx.words[i + 1].isupper()
        and ctx.cap[i - 1] and ctx.cap[i + 3]
    ]  # fmt: skip
    if not cuts:
        return []
    dropped = {k for i in cuts for k in (i, i + 1, i + 2)}
    keep = [k for k in range(ctx.n) if k not in dropped]
    joined = Doc(
        work.vocab, words=[ctx.words[k] for k in keep], spaces=[ctx.spaced[k] for k in keep]
    )
    spans: list[rules.Span] = []
    for matcher in matchers:
        for m, s, e in matcher(joined):
            start, end = keep[s], keep[e - 1] + 1
            if end - start != e - s and ctx.words[start][:1].isupper():
                spans.append((start, end, work.vocab.strings[m], "alias_inline"))
    return spans


def _written_as_a_name(ctx: rules.Context, start: int, end: int, forms: frozenset[str]) -> bool:
    """A case-insensitive match must still look like a name: capitalised first and last
    words ("the Nordic Women Mediators network" is not the Network), unless written
    exactly as a known form ("... Humanitarian Assistance on disaster management")."""
    first, last = ctx.words[start], ctx.words[end - 1]
    if not (first[:1].isupper() or not first[:1].isalpha()):
        return False
    s, e = ctx.chars(start, end)
    return not last[:1].islower() or ctx.text[s:e] in forms


TypoIndex = dict[str, list[tuple[list[str], int]]]  # first word -> (words, their letters)


def typo_index(nlp: Language, forms: dict[str, list[str]]) -> TypoIndex:
    """Multi-word names by their first word, for spotting one misspelt word, each with the
    sum of its words' lengths."""
    index: TypoIndex = {}
    for written in forms.values():
        for form in written:
            words = [t.text for t in nlp.make_doc(form)]
            if len(words) >= 2:
                index.setdefault(words[0], []).append((words, sum(map(len, words))))
    return index


def _one_edit(a: str, b: str) -> bool:
    """True when b is a by one deletion, insertion, substitution or transposition."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diff = [i for i in range(len(a)) if a[i] != b[i]]
        return len(diff) == 1 or (
            len(diff) == 2
            and diff[1] == diff[0] + 1
            and a[diff[0]] == b[diff[1]]
            and a[diff[1]] == b[diff[0]]
        )
    short, long_ = sorted((a, b), key=len)
    return any(long_[:i] + long_[i + 1 :] == short for i in range(len(long_)))


def typo_spans(ctx: rules.Context, spans: list[rules.Span], index: TypoIndex) -> list[rules.Span]:
    """A known name with one misspelt word ("UN Wmen") is kept as written, unresolved."""
    taken = {i: span for span in spans for i in range(span[0], span[1])}
    taken_at = sorted(taken)
    # letters[k]: the length of the first k words. One word a single edit away and the
    # others the same, a window's words are as long as the name's, give or take one: a
    # name further off is passed over without comparing its words (a release met 255).
    letters = list(accumulate(map(len, ctx.words), initial=0))
    found: list[rules.Span] = []
    for i in [i for i, word in enumerate(ctx.words) if word in index]:
        first, owner = ctx.words[i], taken.get(i)
        if owner and not (owner[2] == "un" and owner[1] - owner[0] == 1):
            continue
        next_taken = bisect.bisect_right(taken_at, i)
        free_until = taken_at[next_taken] if next_taken < len(taken_at) else ctx.n
        for words, length in index[first]:
            end = i + len(words)
            if end > ctx.n or end > free_until or abs(letters[end] - letters[i] - length) > 1:
                continue
            written = ctx.words[i:end]
            if sum(map(operator.ne, words, written)) != 1:
                continue
            want, got = next(
                pair for pair in zip(words, written, strict=True) if pair[0] != pair[1]
            )
            plural = got.startswith(want) or want.startswith(got)
            if len(want) >= 4 and got[:1].isupper() and _one_edit(want, got) and not plural:
                found.append((i, end, None, "typo_kept"))
                break
    drop = {s for s, _e, _c, _m in found}
    kept = [sp for sp in spans if not (sp[1] - sp[0] == 1 and sp[0] in drop)]
    return sorted(kept + found)


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


# Capitalised tokens that are not organisation acronyms (lexicon/organisations.yaml).
NOT_ACRONYMS = lexicon.words("organisations", "not_acronyms")
_ACRONYM_RE = re.compile(r"[A-Z][A-Z&]{2,7}")
_ROMAN_RE = re.compile(r"[IVXLC]+")
# "PASAY CITY - The Department ...": a place in capitals opening the first body paragraph.
_DATELINE_RE = re.compile(
    r"(?s).{0,1500}?^(?P<place>[A-Z][A-Z.'’ -]{1,30}(?:,[ A-Z.]{2,30})?)[ \t]+[-–—][ \t]",
    re.M,
)


def _is_candidate_acronym(ctx: rules.Context, i: int) -> bool:
    """Whether the word at ``i``, written like an acronym (:data:`_ACRONYM_RE`), names a body."""
    word = ctx.words[i]
    if i in ctx.occupied or _ROMAN_RE.fullmatch(word):
        return False
    if word in NOT_ACRONYMS or ctx.stop[i] or word in place_and_currency_words():
        return False
    if word.lower() in ctx.lower_words or ctx.caps_line[i]:
        return False
    before = ctx.words[max(0, i - 2) : i]
    if any(b in rules.HONORIFICS for b in before) or ctx.word(i - 1) in rules.TITLE_WORDS:
        return False  # "Mr. ISHIGURO Takumi", "Minister KAMIKAWA": MOFA's capitals
    if ctx.word(i - 1) == "-" and not ctx.spaced[i - 2]:
        return False  # the second half of "MASEKO-BRANDT"
    nxt = ctx.word(i + 1)
    given_name = nxt.istitle() and nxt.isalpha() and not ctx.word(i + 2)[:1].isalnum()
    if given_name and ctx.word(i - 1) not in {"the", "("}:
        return False  # "SAKURADA Hiroshi," after a title
    window = ctx.words[max(0, i - 4) : i + 5]
    return any(w.isalpha() and w.islower() and len(w) > 1 for w in window)


def _acronym_surface(ctx: rules.Context, i: int) -> int:
    """The end of an acronym written with a hyphenated suffix ("NPI-Africa")."""
    end = i + 1
    glued = not ctx.spaced[i] and end + 1 < ctx.n and not ctx.spaced[end]
    if glued and ctx.words[end] == "-" and ctx.words[end + 1][:1].isupper():
        end += 2
    return end


def acronym_hits(ctx: rules.Context, hits: Iterable[Hit]) -> list[Hit]:
    """Unknown acronyms: linked to the name they define, or kept as unresolved mentions.

    An acronym defined by a name that is not an organisation ("Preventing Sexual Violence
    in Conflict Initiative (PSVI)") is dropped everywhere in the document.
    """
    by_end = {h.end: h for h in hits}
    found: list[Hit] = []
    keys: dict[str, str] = {}
    not_orgs: set[str] = set()
    dateline = _DATELINE_RE.match(ctx.text)
    candidates = [
        (i, _acronym_surface(ctx, i))
        for i, word in enumerate(ctx.words)
        if word.isupper()  # what the pattern matches is upper case: most words are passed fast
        and _ACRONYM_RE.fullmatch(word)
        and _is_candidate_acronym(ctx, i)
        and not (dateline and dateline.start("place") <= ctx.idx[i] < dateline.end("place"))
    ]
    for i, end in candidates:  # definitions first: "... Network (APWMN)" may follow a heading
        s, e = ctx.chars(i, end)
        word = ctx.text[s:e]
        if word in keys or ctx.word(i - 1) != "(" or ctx.word(end) != ")":
            continue
        owner = by_end.get(ctx.idx[i - 1]) or by_end.get(ctx.idx[i - 1] - 1)
        if owner is None:
            left = _expansion_start(ctx, i - 1, word)
            last = max(i - 2, 0)
            named = ctx.words[left if left is not None else last : i - 1]
            common = left is None and all(w.islower() for w in named)  # "video call (VTC)"
            if common or _not_an_organisation(named) or (left is not None and not ctx.cap[last]):
                not_orgs.add(word)
                continue
            if left is not None:
                owner = ctx.hit(left, i - 1, None, "acronym_definition")
                ctx.occupy(left, i - 1)
                found.append(owner)
        if owner is not None:
            owner.key = owner.key or owner.code or "~" + normalise_name(owner.name)
            keys[word] = owner.key
    held = {ctx.text[slice(*ctx.chars(i, end))] for i, end in candidates if _office_of(ctx, i)}
    for i, end in candidates:
        hit = ctx.hit(i, end, None, "unresolved_acronym")
        # An unknown acronym is a body only where a definition ("... Network (APWMN)") or an
        # office held in it ("Regional Representative of OCHR") says so: "at UNHQ" is not.
        if hit.surface not in not_orgs and (hit.surface in keys or hit.surface in held):
            hit.key = keys.get(hit.surface, "")
            found.append(hit)
        ctx.occupy(i, end)
    return found


_HOLDERS = TITLE_HEADS | lexicon.words("organisations", "holders")


def _office_of(ctx: rules.Context, i: int) -> bool:
    """Whether the acronym at ``i`` follows an office held in it ("Director of UNFAP",
    "coordinator of the WPSPN", "the regional offices of ...")."""
    j = i - 1
    if ctx.word(j) == "the":
        j -= 1
    if ctx.word(j) != "of":
        return False
    return any(ctx.word(k).lower() in _HOLDERS for k in range(max(0, j - 3), j))


def _not_an_organisation(words: list[str]) -> bool:
    """ "Reciprocal Access Agreement", "Bangsamoro Autonomous Region in Muslim Mindanao":
    a name whose kind is not a body, unless an organisation's head word is also in it."""
    if not words or words[-1] in rules.NOT_ORG_LAST:
        return True
    kinds = set(words)
    return bool(kinds & rules.NOT_ORG_LAST) and not kinds & rules.ANY_HEAD


def _expansion_start(ctx: rules.Context, paren: int, acronym: str) -> int | None:
    """The first of the words before "(ACR)" whose initials spell it (Schwartz-Hearst)."""
    letters = [c.lower() for c in acronym if c.isalpha()]
    start = paren
    joiners = {"of", "for", "on", "in", "and", "the", "&", "-", "'s", ","}
    while start > 0 and paren - start < 14 and ctx.free(start - 1, start):
        if not (ctx.cap[start - 1] or ctx.words[start - 1] in joiners):
            break
        start -= 1
    for left in range(start, paren):
        if not ctx.cap[left] or ctx.words[left][0].lower() != letters[0]:
            continue
        initials = "".join(ctx.words[k][0].lower() for k in range(left, paren) if ctx.cap[k])
        s, e = ctx.chars(left, paren)
        if _subsequence(letters, initials) or _subsequence(letters, ctx.text[s:e].lower()):
            return left
    return None


def _subsequence(letters: list[str], text: str) -> bool:
    """True when the letters appear in order in text, the first at its start."""
    if not text or text[0] != letters[0]:
        return False
    pos = 0
    for letter in letters:
        pos = text.find(letter, pos)
        if pos < 0:
            return False
        pos += 1
    return True
