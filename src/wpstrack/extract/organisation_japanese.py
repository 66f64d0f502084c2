"""Bodies a Japanese release names that the alias table does not know, given in English.

The gold format wants every organisation in English: its official English name, else a
translation. Two shapes of Japanese mark an organisation: a name in 「」 after a legal-entity
prefix (特定非営利活動法人「平和と女性のネットワーク」) and a run of kanji or katakana ending in an
organisation word (東洋国際大学). The English is built word by word: the common words of
organisation names from a small glossary, everything else romanised word by word from the
analyser's readings (Hepburn, no macrons: :mod:`wpstrack.kana`), in the Japanese order,
which is also the English order of modifiers and head ("Toyo International University";
の between words is dropped: "Peace and Women Network").
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from itertools import chain

from wpstrack import japanese, kana
from wpstrack.extract import lexicon
from wpstrack.extract.organisation_rules import Hit

# Legal-entity prefixes and the last words of a body's name (lexicon/organisations.yaml).
_ENTITY_PREFIXES = sorted(
    lexicon.ordered("organisations", "ja_entity_prefixes"), key=len, reverse=True
)
_ENTITY_PREFIX = "|".join(_ENTITY_PREFIXES)
_HEADS = "|".join(lexicon.ordered("organisations", "ja_heads"))
_QUOTED_RE = re.compile(rf"(?:{_ENTITY_PREFIX})「([^」]{{2,40}})」")
_NAME_CHARS = 20  # the most a headed name holds before its head word
_HEADED_RE = re.compile(
    rf"(?:{_ENTITY_PREFIX})?([\u4e00-\u9fff\u30a0-\u30ff]{{2,{_NAME_CHARS}}}?(?:{_HEADS}))"
)
_HEAD_RE = re.compile(_HEADS)
# How far before its head word a headed name may start, its legal-entity prefix included.
_HEAD_REACH = _NAME_CHARS + max(map(len, _ENTITY_PREFIXES), default=0)
# The English of the common words of organisation names, longest first when matched.
GLOSSARY = lexicon.table("organisations", "ja_glossary")
_GLOSSARY_RE = re.compile("|".join(sorted(map(re.escape, GLOSSARY), key=len, reverse=True)))
_KATAKANA_RE = re.compile("[\u30a1-\u30fa]")
_LONG_VOWELS = (("ou", "o"), ("oo", "o"), ("uu", "u"), ("aa", "a"), ("ee", "e"), ("ii", "i"))


# Symbols read as their name (々 → キゴウ): such a word is kept as written, so a name holding
# one is not taken for English.
_SYMBOL_POS = frozenset({"補助記号", "記号", "空白"})


def romanise(japanese_name: str) -> str:
    """Hepburn without macrons, one capitalised word per word of the analyser."""
    words = []
    for token in japanese.tokens(japanese_name, "C"):
        word = token.surface if token.pos[0] in _SYMBOL_POS else kana.romaji(token.reading)
        for long, short in _LONG_VOWELS:
            word = word.replace(long, short)
        if word.strip():
            words.append(word.strip().capitalize())
    return " ".join(words)


def translate(name: str) -> str:
    """English for a Japanese organisation name, glossary words first, the rest romanised."""
    parts: list[str] = []
    position = 0
    for m in _GLOSSARY_RE.finditer(name):
        if m.start() > position:
            parts.append(romanise(name[position : m.start()]))
        parts.append(GLOSSARY[m.group()])
        position = m.end()
    if position < len(name):
        parts.append(romanise(name[position:]))
    return " ".join(" ".join(parts).split())


def unknown_hits(text: str, taken: list[Hit], known: Callable[[str], str | None]) -> list[Hit]:
    """Organisations outside the alias table in Japanese text, translated to English."""
    hits: list[Hit] = []
    spans = [(h.start, h.end) for h in taken]
    for m in chain(_QUOTED_RE.finditer(text), _headed(text)):
        s, e = m.span(1)
        name = m.group(1)
        if any(s < te and ts < e for ts, te in spans) or known(name):
            continue
        if _KATAKANA_RE.search(_GLOSSARY_RE.sub("", name)):
            continue  # a romanised loanword ("Fokaru") is no English name: leave it out
        english = translate(name)
        if english and english.isascii():
            hits.append(Hit(s, e, name, None, "translated_ja", english))
            spans.append((s, e))
    return hits


def _headed(text: str) -> Iterator[re.Match[str]]:
    """``_HEADED_RE.finditer(text)``, the pattern run only near the head words.

    A name ends with its head word, so no match starts more than ``_HEAD_REACH`` before the
    first head word after the last match: the search starts there, not at every kanji of the
    text (for each of which the pattern tried every name length and head word).
    """
    at = 0
    while True:
        head = _HEAD_RE.search(text, at)
        if head is None:
            return
        match = _HEADED_RE.search(text, max(at, head.start() - _HEAD_REACH))
        if match is None:
            return
        yield match
        at = match.end()
