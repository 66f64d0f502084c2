"""Japanese text as words: one morphological analyser (SudachiPy, core dictionary) for the
whole package.

Japanese is written without spaces, so neither FTS5's ``unicode61`` tokenizer nor
PostgreSQL's text-search parser can find ``外務大臣`` inside ``上川外務大臣は``: both need
the text cut into words first. The extractor needs the same cut, with parts of speech and
readings, to tell a name from an office. Both use this module, so a word is the same word
when it is indexed, queried and extracted.

Sudachi's dictionary ships as a PyPI package (``sudachidict-core``); nothing is downloaded
at run time. The tokenizer is built once per process (the dictionary takes about a second
and ~70 MB to load) and only when Japanese text is first seen, so English-only work never
pays for it.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from functools import lru_cache
from sys import intern
from typing import Any, Literal, NamedTuple

__all__ = [
    "Token",
    "has_japanese",
    "index_text",
    "tokens",
    "words",
]

# Hiragana, katakana (with the prolonged sound mark), CJK ideographs and the iteration mark.
_JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3005\u30fc]")

# Parts of speech whose words carry no search meaning: particles, auxiliary verbs, symbols,
# blanks. Sudachi's first part-of-speech level.
_FUNCTION_POS = frozenset({"助詞", "助動詞", "補助記号", "空白", "記号"})

Mode = Literal["A", "B", "C"]


class Token(NamedTuple):
    """One word of a text: where it is (character offsets), what it is, how it reads.

    A named tuple rather than a frozen dataclass: a release has thousands of words, and a
    frozen dataclass's ``__init__`` costs several times a tuple's (measured in
    ``bench/extract.py``'s Japanese floor ratio).
    """

    surface: str
    start: int
    end: int
    pos: tuple[str, ...]
    reading: str  # katakana
    normalized: str  # the dictionary's normalised form (表記揺れ folded: 附属 → 付属)

    @property
    def is_content(self) -> bool:
        """A word a reader would search for (not a particle, auxiliary or symbol)."""
        return self.pos[0] not in _FUNCTION_POS


def has_japanese(text: str) -> bool:
    """Whether the text holds any kana or kanji (so it needs segmenting)."""
    return _JAPANESE.search(text) is not None


_local = threading.local()


@lru_cache(maxsize=1)
def _dictionary() -> Any:
    from sudachipy import Dictionary

    return Dictionary(dict="core")


def _tokenizer() -> Any:
    # A Sudachi tokenizer is not safe to share between threads; the dictionary is.
    tokenizer = getattr(_local, "tokenizer", None)
    if tokenizer is None:
        tokenizer = _dictionary().tokenizer()
        _local.tokenizer = tokenizer
    return tokenizer


def _split_mode(mode: Mode) -> Any:
    from sudachipy import SplitMode

    return {"A": SplitMode.A, "B": SplitMode.B, "C": SplitMode.C}[mode]


# Sudachi refuses inputs over 49,149 bytes; cut long texts at line ends below that.
_MAX_CHUNK_CHARS = 12_000


def _chunks(text: str) -> list[tuple[int, str]]:
    if len(text) <= _MAX_CHUNK_CHARS:
        return [(0, text)]
    out: list[tuple[int, str]] = []
    start = 0
    while start < len(text):
        end = min(len(text), start + _MAX_CHUNK_CHARS)
        if end < len(text):
            cut = max(text.rfind("\n", start, end), text.rfind("。", start, end))
            if cut > start:
                end = cut + 1
        out.append((start, text[start:end]))
        start = end
    return out


def tokens(text: str, mode: Mode = "C") -> list[Token]:
    """The text's words with character offsets into ``text``.

    ``mode`` is Sudachi's split mode: ``C`` keeps compounds whole (``外務大臣``), ``A``
    gives their shortest parts (``外務`` ``大臣``). Offsets are exact for any text,
    Japanese or not, so callers can keep provenance spans.
    """
    split = _split_mode(mode)
    out: list[Token] = []
    append = out.append
    tokenizer = _tokenizer()
    by_id = _WORD_BY_ID
    for offset, chunk in _chunks(text):
        start = offset
        for m in tokenizer.tokenize(chunk, split):
            # Offsets and the text's own slice cost less than asking Sudachi for the surface:
            # each string Sudachi hands over is built anew.
            end = offset + m.end()
            surface = chunk[start - offset : end - offset]
            word_id = m.word_id()
            word = by_id.get(word_id)
            if word is None or word[0] != surface:
                word = _known_word(m, word_id, surface)
            surface, pos, reading, normalized = word
            # the tuple built directly: Token's own __new__ is a Python call, four times dearer
            append(_TUPLE_NEW(Token, (surface, start, end, pos, reading, normalized)))
            start = end
    return out


# (word id, surface) -> (surface, part of speech, reading, normalised form) of dictionary
# words. A word recurs throughout a text and from text to text: what Sudachi says of it is
# asked once, not per occurrence (the strings it builds per word cost more than its own
# tokenizing), and each distinct word is one string, not one per occurrence (a text at the
# character limit: 176,000 words, 40 MB less). The surface is part of the key because one
# entry matches several spellings (ＡＢＣ, ABC). Words outside the dictionary are not kept:
# Sudachi reads them in context (a joined numeral), and their id is only their part of speech.
_WORDS: dict[tuple[int, str], tuple[str, tuple[str, ...], str, str]] = {}
_MAX_WORDS = 20_000  # distinct words kept (some 8 MB); past it the table starts afresh
# word id -> the entry of _WORDS last seen under that id: the usual spelling is found by the
# id alone and one comparison of the surface, without a (word id, surface) key built and its
# surface hashed per word (a tenth of a Japanese document's extraction).
_WORD_BY_ID: dict[int, tuple[str, tuple[str, ...], str, str]] = {}
# Sudachi's word ids of words outside the dictionary: dictionary number 0xF, the top 4 bits
# (``WordId::is_oov`` in sudachi.rs); one comparison instead of asking ``is_oov()`` per word.
_OOV_IDS = 0xF000_0000


def _known_word(m: Any, word_id: int, surface: str) -> tuple[str, tuple[str, ...], str, str]:
    """What Sudachi says of a word :func:`tokens` has not met under this id and spelling."""
    if word_id >= _OOV_IDS:  # read from its context (joined numerals: 18 イチハチ or イチヨウ)
        return _word(m, surface)
    key = (word_id, surface)
    word = _WORDS.get(key)
    if word is None:
        word = _word(m, surface)
        if len(_WORDS) >= _MAX_WORDS:
            _WORDS.clear()
            _WORD_BY_ID.clear()
        _WORDS[key] = word
    _WORD_BY_ID[word_id] = word
    return word


_TUPLE_NEW = tuple.__new__


def _word(m: Any, surface: str) -> tuple[str, tuple[str, ...], str, str]:
    pos_names = _pos_names()
    pos_id = m.part_of_speech_id()
    pos = pos_names.get(pos_id)
    if pos is None:  # a few dozen parts of speech: built once each, not per word
        pos = pos_names[pos_id] = tuple(m.part_of_speech())
    return intern(surface), pos, intern(m.reading_form()), intern(m.normalized_form())


@lru_cache(maxsize=1)
def _pos_names() -> dict[int, tuple[str, ...]]:
    return {}


def words(text: str) -> list[str]:
    """Content words of the text, each compound whole and also in its parts.

    A reader searches for ``外務大臣`` and for ``大臣``; indexing both the mode-C compound and
    its mode-A parts finds either, and a query segmented the same way finds the document.
    """
    return words_of(tokens(text, "C"))


def words_of(compounds: list[Token]) -> list[str]:
    """:func:`words` of a text already cut into mode-C words (a caller that also reads the
    words for something else cuts the text once)."""
    out: list[str] = []
    for token in compounds:
        if not token.is_content:
            continue
        surface = unicodedata.normalize("NFKC", token.surface).lower()
        out.append(surface)
        if has_japanese(surface) and len(surface) > 2:
            parts = [
                unicodedata.normalize("NFKC", p.surface).lower()
                for p in tokens(token.surface, "A")
                if p.is_content
            ]
            if len(parts) > 1:
                out.extend(parts)
    return out


def index_text(text: str) -> str:
    """Text a space-splitting full-text tokenizer can index: Japanese runs cut into words.

    A text without kana or kanji passes through unchanged, so English keeps its own
    tokenizer and stemming; a text with them becomes its content words, space-separated
    (Latin words among them lower-cased, as the search tokenizers would).
    """
    if not has_japanese(text):
        return text
    return " ".join(words(text))
