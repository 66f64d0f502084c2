"""Finding literal words in a text fast: many words in one pattern, or one word on its own.

:func:`literal_alternation` writes "any of these words" as a tree of shared beginnings.
Python's regular expression engine tries the alternatives of ``a|b|c`` one after another
at every position of the text: an alternation of the 450 country names or of every
organisation form costs hundreds of comparisons per character, and the look-behind such a
pattern opens with keeps the engine from skipping to a plausible first character.
Written as a tree (``Ja(?:pan|maica)``), a position costs the few characters a name can
continue with. The tree matches what the longest-first alternation ``"|".join(sorted(words,
key=len, reverse=True))`` matches, in the same order of trial: the words written at one
position are prefixes of one another, the tree tries the longer before the shorter (a
greedy optional ending), so a pattern that follows (``(?![\\w])``) sees the same candidates
in the same order. That holds for case-sensitive matching only: under ``re.IGNORECASE`` two
branches could match the same characters.

:func:`written_at` finds one word between non-word characters with ``str.find``: the same
spans as ``re.finditer(rf"(?<!\\w){re.escape(word)}(?!\\w)", text)``, without compiling a
pattern per word and without a look-behind tried at every character.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

_END = ""  # a key no single character can be


def literal_alternation(words: Iterable[str]) -> str:
    """A pattern source matching any of ``words`` literally, longest first (case-sensitive).

    Empty words are left out; with no word at all the pattern matches nothing.
    """
    trie = _trie(words)
    if not trie:
        return "(?!)"
    return _source(trie)


def literal_branches(words: Iterable[str], after_first: str = "") -> list[str]:
    """The alternatives of :func:`literal_alternation` ``(words)``, one per first character,
    each written as that character, then ``after_first`` (a look-behind, say), then the
    rest of its tree. Joined with ``|`` they match what the alternation matches; a pattern
    that opens with them lets the regex engine skip to the characters a word starts with.
    """
    return [re.escape(char) + after_first + _source(child) for char, child in _trie(words).items()]


def _trie(words: Iterable[str]) -> dict[str, dict]:
    trie: dict[str, dict] = {}
    for word in words:
        if not word:
            continue
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[_END] = {}
    return trie


def _source(node: dict[str, dict]) -> str:
    branches = [re.escape(char) + _source(child) for char, child in node.items() if char]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    if _END in node:
        # a word ends here and longer ones go on: try them first, as longest-first does
        return body + "?" if len(branches) == 1 and len(branches[0]) == 1 else f"(?:{body})?"
    return body


WORD_CHAR = re.compile(r"\w")


def written_at(
    text: str, word: str, word_char: re.Pattern[str] = WORD_CHAR
) -> Iterator[tuple[int, int]]:
    """Where ``word`` is written with no ``word_char`` just before or after it.

    Matches do not overlap, as ``re.finditer``'s would not: a search goes on after a
    match, and one character on after a place the boundaries refuse. An empty word is
    written nowhere.
    """
    start = text.find(word) if word else -1
    while start >= 0:
        end = start + len(word)
        if (start and word_char.match(text, start - 1)) or word_char.match(text, end):
            start = text.find(word, start + 1)
            continue
        yield start, end
        start = text.find(word, end)


def _structure(pattern: str) -> Iterator[tuple[int, str, int]]:
    """(index, character, group depth after it) of each character that is the pattern's own
    syntax or literal text: not escaped, not an escape's backslash, not in a class."""
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
        else:
            depth += (char == "(") - (char == ")")
            yield index, char, depth


def top_alternatives(alternation: str) -> list[str]:
    """The alternatives of ``alternation`` split at its top-level ``|``."""
    parts: list[str] = []
    start = 0
    for index, char, depth in _structure(alternation):
        if char == "|" and depth == 0:
            parts.append(alternation[start:index])
            start = index + 1
    parts.append(alternation[start:])
    return parts


def group_end(pattern: str) -> int:
    """The index of the ")" that closes the group ``pattern`` opens with (-1 if none)."""
    for index, char, depth in _structure(pattern):
        if char == ")" and depth == 0:
            return index
    return -1


_TWO_LETTERS_RE = re.compile(r"\[([^\W\d_])([^\W\d_])\]")


def _first_letters(alternative: str) -> tuple[list[str], str]:
    """The letters an alternative can open with ("[Ww]e" -> W, w) and the rest of it."""
    pair = _TWO_LETTERS_RE.match(alternative)
    if pair:
        letters, rest = [pair.group(1), pair.group(2)], alternative[pair.end() :]
    else:
        letters, rest = [alternative[:1]], alternative[1:]
    if not all(letter.isalpha() for letter in letters) or rest[:1] in ("?", "*", "+", "{"):
        raise ValueError(f"{alternative!r} does not open with a letter written once")
    return letters, rest


def at_word_start(alternation: str) -> str:
    r"""``\b(?:alternation)``, written so that every match opens with a literal letter.

    Python's regular expression engine skips to the characters a match can start with
    only when the pattern opens with them: a pattern opening with ``\b`` or a look-ahead
    (``(?=[sw])\b(?:said|will)``) is tried at every character of the text, nine times the
    cost of the skip. Here each first letter opens a branch, then ``(?<!\w.)`` says what
    ``\b`` said (no word character before the letter), then the rest of the alternatives
    that open with that letter, in their order. Alternatives with different first letters
    cannot match at one place, so a search finds what ``\b(?:alternation)`` finds.

    Every alternative must open with a letter, or a bracket of two letters (``[Ww]``),
    not made optional or repeated.
    """
    rests: dict[str, list[str]] = {}
    for alternative in top_alternatives(alternation):
        letters, rest = _first_letters(alternative)
        for letter in letters:
            rests.setdefault(letter, []).append(rest)
    branches = [
        f"{re.escape(letter)}(?<!\\w.)(?:{'|'.join(after)})" for letter, after in rests.items()
    ]
    return "(?:" + "|".join(branches) + ")"
