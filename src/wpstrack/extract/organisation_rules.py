"""The rules of the `organisations` component beyond the alias table.

Each rule works on the tokens of the (folded) document and on character offsets into the
original text. They encode the conventions of official English, not of any document:
what follows a name ("... Headquarters" is a venue, "UN High Commissioner" a title), what
heads a name ("... Network", "Institute for ..."), which joint names split ("Departments of
A and B"), and which capitalised words are not names (title-case headlines, capitals
headings, days and titles). The acronym rules live with the component itself.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable
from dataclasses import dataclass

from spacy.attrs import IDX, IS_STOP, SPACY
from spacy.tokens import Doc

from wpstrack.extract import lexicon, matchers
from wpstrack.extract.gazetteer import iso_country_names, place_and_currency_words

Span = tuple[int, int, str | None, str]  # token start, token end, code, method

# The vocabularies of organisation names (lexicon/organisations.yaml, where each is explained).
HEAD_FINAL = lexicon.words("organisations", "head_final")
HEAD_INITIAL = lexicon.words("organisations", "head_initial")
FOREIGN_HEADS = lexicon.words("organisations", "foreign_heads")
EVENT_LIKE_HEADS = lexicon.words("organisations", "event_like_heads")
OWNED_HEADS = lexicon.words("organisations", "owned_heads")
KIND_WORDS = lexicon.words("organisations", "kind_words")
NOT_ORG_LAST = lexicon.words("organisations", "not_org_last")
NAME_PREPOSITIONS = lexicon.words("organisations", "name_prepositions")
PROGRAMME_LAST = lexicon.words("organisations", "programme_last")
NOT_ORG_ENDINGS = tuple(list(e) for e in lexicon.load("organisations")["not_org_endings"])
ANY_HEAD = HEAD_FINAL | HEAD_INITIAL | FOREIGN_HEADS | EVENT_LIKE_HEADS | OWNED_HEADS
PLURAL_HEADS = lexicon.table("organisations", "plural_heads")
VENUE_NEXT = lexicon.words("organisations", "venue_next")
UN_TITLE_NEXT = lexicon.words("organisations", "un_title_next")
# A capitalised word after an honorific is a family name ("Mr. ISHIGURO", "M. DUBOIS").
HONORIFICS = lexicon.address_forms()
NOT_MODIFIERS = lexicon.words("organisations", "not_modifiers")
PLURAL_OWNERS = lexicon.words("organisations", "plural_owners")
TITLE_WORDS = lexicon.words("organisations", "titles_before_name")


@dataclass
class Hit:
    """One mention of an organisation: its span in the text and what it resolves to."""

    start: int
    end: int
    surface: str
    code: str | None
    method: str
    value: str | None = None  # the name to report when it is not the surface itself
    key: str = ""  # grouping key, when a mention belongs with another (defined acronym)

    @property
    def name(self) -> str:
        return " ".join((self.value or self.surface).split())


class Context:
    """One document's tokens as plain lists (fast to read), its original text, and the
    tokens already claimed by a hit."""

    def __init__(self, work: Doc, work_text: str, text: str) -> None:
        # Arrays rather than Token objects: creating Tokens dominates the cost otherwise.
        self.text = text
        self.doc = work
        array = work.to_array([IDX, SPACY, IS_STOP])
        self.idx: list[int] = array[:, 0].tolist()
        spaces = array[:, 1].tolist()
        # The Doc's text is its words, each with the one space after it or none: a word ends
        # where the next starts, less its space.
        ends = self.idx[1:]
        ends.append(len(work_text))
        self.words = [
            work_text[i:end] if not space else work_text[i : end - 1]
            for i, end, space in zip(self.idx, ends, spaces, strict=True)
        ]
        self.spaced: list[bool] = array[:, 1].astype(bool).tolist()
        self.stop: list[bool] = array[:, 2].astype(bool).tolist()
        self.n = len(self.words)
        # A capital first character is a letter, so this is "a capitalised word, not 'The'".
        self.cap = [
            w[:1].isupper() and not stop for w, stop in zip(self.words, self.stop, strict=True)
        ]
        self.caps_line, self.title_line = _line_flags(text, self.idx)
        self.occupied: set[int] = set()
        self.lower_words = set(filter(str.islower, self.words))

    def word(self, k: int) -> str:
        return self.words[k] if 0 <= k < self.n else ""

    def occupy(self, start: int, end: int) -> None:
        self.occupied.update(range(start, end))

    def free(self, start: int, end: int) -> bool:
        return not any(i in self.occupied for i in range(start, end))

    def hit(
        self, start: int, end: int, code: str | None, method: str, value: str | None = None
    ) -> Hit:
        s, e = self.chars(start, end)
        return Hit(s, e, self.text[s:e], code, method, value)

    def chars(self, start: int, end: int) -> tuple[int, int]:
        return self.idx[start], self.idx[end - 1] + len(self.words[end - 1])

    def keeps_alias(
        self, start: int, end: int, code: str | None, un_family: frozenset[str]
    ) -> bool:
        """False for a match that is a venue, a title or a minister's portfolio."""
        after, after2 = self.word(end), self.word(end + 1)
        if after in VENUE_NEXT or (after == "Conference" and after2 in {"Centre", "Center"}):
            return False
        if code == "un" and after in UN_TITLE_NEXT and not self._owns_a_body(end):
            return False
        if self._programme_name_after(end):
            return False  # "the ASEAN Women for Peace Registry" names a programme
        if code == "un" and end - start == 1 and _plural_noun(after):
            return False  # "heads of UN agencies": only the written-out name counts as the UN
        if end - start == 1 and self.caps_line[start] and self.stop[start]:
            return False  # "WHO" in an all-capitals heading is the word
        return not _in_portfolio(self, start)

    def _programme_name_after(self, end: int) -> bool:
        """Whether the capitalised words from ``end`` close a programme's name."""
        k = end
        while k < min(end + 6, self.n) and (
            self.cap[k]
            or (self.words[k] in NAME_PREPOSITIONS and self.cap[k + 1 : k + 2] == [True])
        ):
            if self.words[k] in HEAD_FINAL:
                return False  # "UNDP Women's Network": a body of its own
            k += 1
        return k > end and self.words[k - 1] in PROGRAMME_LAST

    def _owns_a_body(self, title: int) -> bool:
        """ "UN Secretary-General's Peacebuilding Fund": the UN names the fund's owner, so it
        counts as a modifier, where "the UN Secretary-General" alone is a person's title."""
        for k in range(title, min(title + 4, self.n)):
            if self.words[k] == "'s":
                return self.cap[k + 1] if k + 1 < self.n else False
            if not (self.cap[k] or self.words[k] == "-"):
                return False
        return False

    def inside_longer_name(self, start: int, end: int) -> bool:
        """ "National Security Council": a generic known name inside a longer unknown one."""
        k = start - 1
        if (
            k < 0
            or not self.cap[k]
            or not self.spaced[k]
            or self.caps_line[k]
            or self.title_line[k]
        ):
            return False
        before = self.words[k]
        if (
            before.isupper()
            or before in NOT_MODIFIERS
            or before.upper() in place_and_currency_words()
        ):
            return False
        return self.words[end - 1] in HEAD_FINAL and end - start > 1


def _plural_noun(word: str) -> bool:
    return (
        word.isalpha()
        and word.islower()
        and len(word) > 3
        and word.endswith("s")
        and not word.endswith(("ss", "us", "is"))
    )


_SMALL_ASCII = b"abcdefghijklmnopqrstuvwxyz"


def _small_ascii_letters(line: str) -> int:
    """How many of the line's characters are a to z (counted on its ASCII bytes: deleting
    from bytes is a table look-up per byte, from a str a dictionary look-up per character)."""
    ascii_only = line.encode("ascii", "ignore")
    return len(ascii_only) - len(ascii_only.translate(None, _SMALL_ASCII))


def _in_capitals(line: str) -> bool:
    """A line written in capitals (headings, datelines)."""
    if _small_ascii_letters(line) > len(line) / 10:
        return False  # prose: over a tenth of its characters are small letters
    letters = sum(map(str.isalpha, line))
    return letters >= 8 and sum(map(str.isupper, line)) >= 0.9 * letters


_CAPITALS = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_LONG_WORD_RE = re.compile(r"[^\W\d_][\w'’-]{3,}")


def _in_title_case(line: str) -> bool:
    """A headline in title case ("..., Speakers Tell Security Council"): its capitals say
    nothing about names."""
    if len(line) > 200:
        return False
    if line.isascii() and len(line) - len(line.encode().translate(None, _CAPITALS)) < 6:
        return False  # six long words, nine in ten capitalised, need six capitals
    words = _LONG_WORD_RE.findall(line)
    return len(words) >= 6 and sum(w[0].isupper() for w in words) >= 0.9 * len(words)


def _line_flags(text: str, idx: list[int]) -> tuple[list[bool], list[bool]]:
    """For each token, whether its line is in capitals and whether it is a title-case
    headline (one pass over the lines for both)."""
    capitals, titles = [], []
    offset = 0
    for line in text.split("\n"):
        end = offset + len(line)
        if _in_capitals(line):
            capitals.append((offset, end))
        if _in_title_case(line):
            titles.append((offset, end))
        offset = end + 1
    return _token_flags(idx, capitals), _token_flags(idx, titles)


def _token_flags(idx: list[int], ranges: list[tuple[int, int]]) -> list[bool]:
    """For each token, whether it starts inside one of the character ``ranges``."""
    flags = [False] * len(idx)
    for start, end in ranges:  # token offsets ascend: the line's tokens are one slice
        first, stop = bisect.bisect_left(idx, start), bisect.bisect_left(idx, end)
        flags[first:stop] = [True] * (stop - first)
    return flags


def _in_portfolio(ctx: Context, start: int) -> bool:
    """True inside "Minister of Foreign Affairs, European Union and Cooperation"."""
    k = start - 1
    steps = 0
    while k >= 1 and steps < 8:
        word = ctx.words[k]
        if word in {"of", "for"} and ctx.words[k - 1] in {"Minister", "Ministers"}:
            return True
        if not (word in {",", "and", "&"} or word[:1].isupper()):
            return False
        k -= 1
        steps += 1
    return False


_DELEGATION_RE = re.compile(r"Delegation of the European Union to (?:the )?[A-Z][\w-]*")


def delegation_spans(ctx: Context) -> list[Span]:
    """ "Delegation of the European Union to <Country>" names an EU body, not a mission."""
    spans: list[Span] = []
    for m in _DELEGATION_RE.finditer(ctx.text):
        tokens = [i for i in range(ctx.n) if m.start() <= ctx.idx[i] < m.end()]
        end = tokens[-1] + 1
        while end < ctx.n and ctx.cap[end]:
            end += 1
        spans.append((tokens[0], end, None, "name_pattern"))
    return spans


def merge_un_prefix(spans: list[Span], un_family: frozenset[str], words: list[str]) -> list[Span]:
    """ "UN" written before a UN body's name is part of that name, not a second mention;
    before a title that owns the body ("UN Secretary-General's Peacebuilding Fund") it is
    a mention of the UN of its own."""
    merged: list[Span] = []
    for span in spans:
        s, e, code, method = span
        if merged and code in un_family and code != "un" and words[s] not in UN_TITLE_NEXT:
            ps, pe, pcode, _ = merged[-1]
            if pcode == "un" and pe == s and pe - ps <= 2:
                merged[-1] = (ps, e, code, method)
                continue
        merged.append(span)
    return merged


def joint_hits(ctx: Context, resolve: Callable[[str], str | None]) -> list[Hit]:
    """ "Departments of Political and Peacebuilding Affairs and Peace Operations" → two."""
    hits: list[Hit] = []
    for i in [i for i, word in enumerate(ctx.words[: ctx.n - 2]) if word in PLURAL_HEADS]:
        single = PLURAL_HEADS[ctx.words[i]]
        if ctx.words[i + 1] != "of" or not ctx.free(i, i + 2):
            continue
        end = i + 2
        while (
            end < ctx.n
            and ctx.free(end, end + 1)
            and (ctx.cap[end] or ctx.words[end] in {"and", "&", ","})
        ):
            end += 1
        while end > i + 2 and not ctx.cap[end - 1]:
            end -= 1
        words = ctx.words[i + 2 : end]
        joints = [k for k, w in enumerate(words) if w in {"and", "&"}]
        if not joints:
            continue
        best = joints[-1]
        for k in joints:
            left, right = (f"{single} of {' '.join(part)}" for part in (words[:k], words[k + 1 :]))
            if resolve(left) and resolve(right):
                best = k
        for part, (s, e) in (
            (words[:best], (i, i + 2 + best)),
            (words[best + 1 :], (i + 3 + best, end)),
        ):
            name = f"{single} of {' '.join(part)}".replace(" ,", ",")
            hits.append(ctx.hit(s, e, resolve(name), "joint_name", name))
        ctx.occupy(i, end)
    return hits


def _name_end(ctx: Context, j: int) -> int:
    """Where a name's "of / for / on ..." complement starting at token j ends (j if none)."""
    n = ctx.n
    end = j
    k = j
    while k < n:
        word = ctx.words[k]
        if word in NAME_PREPOSITIONS or word == "the":
            nxt = k + 1
            if ctx.word(nxt) == "the":
                nxt += 1
            if nxt < n and ctx.cap[nxt] and ctx.free(nxt, nxt + 1):
                k = nxt
                continue
            break
        if word == "," or word in {"and", "&"}:
            ok = k + 1 < n and ctx.cap[k + 1] and ctx.free(k + 1, k + 2)
            if word == "," and "and" not in ctx.words[k + 1 : k + 12]:
                ok = False
            if not ok:
                break
            k += 1
            continue
        if word in {"'s", "'", "-"} and k > j and k + 1 < n and ctx.cap[k + 1]:
            k += 1
            continue
        if word == "to" and k > j and k + 1 < n and _clause_word(ctx, k + 1):
            k += 1  # "Network of Mothers to End Child Marriage"; not "... to Japan"
            continue
        if ctx.cap[k] and ctx.free(k, k + 1) and k > j:
            k += 1
            end = k
            continue
        break
    return end


def _clause_word(ctx: Context, k: int) -> bool:
    """A capitalised word after "to" that goes on the name, not a country it is sent to."""
    return ctx.cap[k] and ctx.free(k, k + 1) and ctx.words[k].casefold() not in iso_country_names()


def _left_start(ctx: Context, i: int) -> int:
    """The first word of the capitalised modifiers before a head word at token i."""
    left = i
    while left > 0 and ctx.free(left - 1, left):
        prev = ctx.words[left - 1]
        if prev in HONORIFICS or prev in TITLE_WORDS:
            break
        joiner = prev in {"'", "-", "&"} and left >= 2 and ctx.cap[left - 2]
        if ctx.cap[left - 1] or joiner:
            left -= 1
        elif prev == "'s" and left >= 2 and ctx.words[left - 2] in PLURAL_OWNERS:
            left -= 1  # "Japan Women's Network", but not "Dr Mukwege's Panzi Foundation"
        elif prev in NAME_PREPOSITIONS and left < i and _owner_before(ctx, left - 1):
            left -= 2  # "Sudanese Women for Peace Network"
        else:
            break
    return left


def _owner_before(ctx: Context, prep: int) -> bool:
    """Whether the word before a preposition belongs to the name: "Women for Peace Network"
    is one body, where in "the Minister for Peace Network" the preposition ends the name."""
    k = prep - 1
    if k < 0 or not ctx.cap[k] or not ctx.free(k, k + 1) or not ctx.spaced[k]:
        return False
    word = ctx.words[k]
    return word in PLURAL_OWNERS and word not in TITLE_WORDS


def pattern_hits(ctx: Context, resolve: Callable[[str], str | None]) -> list[Hit]:
    """Names of bodies outside the table, built on an organisation's head word."""
    hits: list[Hit] = []
    for i in [i for i, word in enumerate(ctx.words) if word in ANY_HEAD]:
        word = ctx.words[i]
        if i in ctx.occupied or ctx.caps_line[i] or ctx.title_line[i]:
            continue
        if word in FOREIGN_HEADS:
            end = i + 1
            while end < ctx.n and ctx.cap[end] and ctx.free(end, end + 1):
                end += 1
            left = i
        else:
            left = _left_start(ctx, i)
            has_prep = ctx.word(i + 1) in NAME_PREPOSITIONS
            end = _name_end(ctx, i + 1) if has_prep and word in HEAD_INITIAL else i + 1
            while end < ctx.n and ctx.words[end] in HEAD_FINAL and ctx.free(end, end + 1):
                end += 1  # "Foreign Service Institute": a head word may qualify the next
            if word in HEAD_FINAL and left == i and end == i + 1:
                continue
            if word in HEAD_INITIAL - HEAD_FINAL and end == i + 1:
                continue
            if word in EVENT_LIKE_HEADS and not _said_of_someone(ctx, left):
                continue
            if word in OWNED_HEADS and "'s" not in ctx.words[left:i]:
                continue
            if ctx.word(end) == "Affairs":
                continue  # "for International Organization Affairs" is a portfolio
            if left + 1 < i and ctx.words[left + 1] in KIND_WORDS:
                left += 2  # "the Ukrainian NGO Hope Centre"; "the NGO Working Group" is a name
        if end - left < 2 or _indefinite(ctx, left) or _part_of_known(ctx, left, end):
            continue
        if ctx.word(end) in VENUE_NEXT:
            continue
        s, e = ctx.chars(left, end)
        name = ctx.text[s:e]
        if not _plausible_name(ctx.words[left:end], name):
            continue
        hits.append(Hit(s, e, name, resolve(name), "name_pattern"))
        ctx.occupy(left, end)
    return hits + _executive_director_hits(ctx, resolve)


def _part_of_known(ctx: Context, left: int, end: int) -> bool:
    """ "the Funding Board of the Women's Peace and Humanitarian Fund" and "the UN Women
    Executive Board" are units of a known body, not bodies of their own."""
    if left > 0 and (left - 1) in ctx.occupied and ctx.spaced[left - 1]:
        return True
    if ctx.word(end) == "of":
        k = end + 1 + (ctx.word(end + 1) == "the")
        return k < ctx.n and k in ctx.occupied
    return False


def _plausible_name(words: list[str], name: str) -> bool:
    """Not a country ("Russian Federation"), a venue or a back-reference ("Bureau of the Forum")."""
    if name.upper() in place_and_currency_words() or words[-2:] in NOT_ORG_ENDINGS:
        return False
    if words[:3] == ["Group", "of", "Friends"]:  # states meeting informally, not a body
        return False
    return not all(w in ANY_HEAD or w in NAME_PREPOSITIONS or w == "the" for w in words)


def _said_of_someone(ctx: Context, left: int) -> bool:
    """ "Nour Al-Khatib of the Syrian Women's Advisory Forum": a person's body, not an event."""
    return left >= 3 and ctx.words[left - 2 : left] == ["of", "the"] and ctx.cap[left - 3]


def _indefinite(ctx: Context, left: int) -> bool:
    """ "a new Multi-Purpose Women's Centre" is a facility being described, not a name."""
    before = [w.lower() for w in ctx.words[max(0, left - 2) : left]]
    return "a" in before or "an" in before


_NAME_WORD_RE = re.compile(r"[A-Z][\w'’&-]*")
_BODY_NAME_WORDS = 6  # words: a longer run is a sentence, not a name


def _spaced_word(ctx: Context, k: int) -> tuple[int, bool]:
    """The capitalised word from token k (tokens written together: "Women's", "Anti-Gender"):
    the token after it and whether the name goes on after it (a single space follows)."""
    j = k
    while j < ctx.n and not ctx.spaced[j] and j + 1 < ctx.n:
        s, e = ctx.idx[k], ctx.idx[j + 1] + len(ctx.words[j + 1])
        if not _NAME_WORD_RE.fullmatch(ctx.text, s, e):
            return j + 1, False  # "Women." - the name ends with this word
        j += 1
    return j + 1, ctx.spaced[j]


def _body_name(ctx: Context, k: int) -> tuple[int, int] | None:
    """Tokens of the two to six capitalised words from token k, one space apart."""
    words, end = 0, k
    while words < _BODY_NAME_WORDS and end < ctx.n:
        s, e = ctx.idx[end], ctx.idx[end] + len(ctx.words[end])
        if not _NAME_WORD_RE.fullmatch(ctx.text, s, e):
            break
        end, goes_on = _spaced_word(ctx, end)
        words += 1
        if not goes_on:
            break
    return (k, end) if words >= 2 else None


def _executive_director_hits(ctx: Context, resolve: Callable[[str], str | None]) -> list[Hit]:
    """ "Executive Director of Equal Voices Canada": what an executive director heads is a body
    (an office of the lexicon's ``body_head_offices``, then "of" or a comma, then the
    capitalised words of the name)."""
    hits: list[Hit] = []
    for start, end in matchers.office_phrases(ctx.doc, "body_head_offices"):
        after = ctx.word(end)
        spaced = all(ctx.spaced[start : end - 1])
        if not spaced or after not in {",", "of"} or ctx.spaced[end - 1] != (after == "of"):
            continue  # "Executive Director of X" and "Executive Director, X", one space apart
        if not ctx.spaced[end]:
            continue
        name = _body_name(ctx, end + 1)
        if name is None or not ctx.free(*name):
            continue
        s, e = ctx.chars(*name)
        if ctx.text[s:e].upper() in place_and_currency_words():
            continue
        hits.append(Hit(s, e, ctx.text[s:e], resolve(ctx.text[s:e]), "name_pattern"))
        ctx.occupy(*name)
    return hits


_DATE_LINE_RE = re.compile(
    r"^\s*(?:(?:January|February|March|April|May|June|July|August|September|October|November"
    r"|December) \d{1,2}, \d{4}|\d{1,2} \w+ \d{4})\s*$"
)


def section_label_end(text: str) -> int:
    """Where a website section label ends: a short first line, then a blank line and the date
    line ("Japan and the United Nations" above a MOFA release). It names the section of the
    site, not what the release mentions, so nothing in it is an organisation mention."""
    lines = text.split("\n", 4)
    if len(lines) < 4 or lines[1].strip() or not _DATE_LINE_RE.match(lines[2]):
        return 0
    label = lines[0]
    return len(label) if len(label.split()) <= 8 and not label.rstrip().endswith(".") else 0


def national_name(
    ctx: Context, end: int, code: str | None, countries: dict[str, str]
) -> tuple[int, str | None]:
    """ "Ministry of Foreign Affairs of Ukraine" is not MOFA Japan, whose bare name it
    shares: the name takes in its country and loses the code."""
    home = countries.get(code or "")
    if not home or ctx.word(end) != "of":
        return end, code
    k = end + 1 + (ctx.word(end + 1) == "the")
    for size in range(5, 0, -1):
        named = iso_country_names().get(" ".join(ctx.words[k : k + size]).casefold())
        if named:
            return (end, code) if named == home else (k + size, None)
    return end, code
