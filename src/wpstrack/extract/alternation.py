"""A pattern for "any of these words", written as a tree of shared beginnings.

Python's regular expression engine tries the alternatives of ``a|b|c`` one after another
at every position of the text: an alternation of the 600 country names or of every
organisation form costs hundreds of comparisons per character, and the look-behind such a
pattern opens with keeps the engine from skipping to a plausible first character.
Written as a tree (``Ja(?:pan|maica)``), a position costs the few characters a name can
continue with.

The tree matches what the longest-first alternation ``"|".join(sorted(words, key=len,
reverse=True))`` matches, in the same order of trial: the words written at one position
are prefixes of one another, the tree tries the longer before the shorter (a greedy
optional ending), so a pattern that follows (``(?![\\w])``) sees the same candidates in
the same order. That holds for case-sensitive matching only: under ``re.IGNORECASE`` two
branches could match the same characters.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

_END = ""  # a key no single character can be


def literal_alternation(words: Iterable[str]) -> str:
    """A pattern source matching any of ``words`` literally, longest first (case-sensitive).

    Empty words are left out; with no word at all the pattern matches nothing.
    """
    trie: dict[str, dict] = {}
    for word in words:
        if not word:
            continue
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[_END] = {}
    if not trie:
        return "(?!)"
    return _source(trie)


def _source(node: dict[str, dict]) -> str:
    branches = [re.escape(char) + _source(child) for char, child in node.items() if char]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    if _END in node:
        # a word ends here and longer ones go on: try them first, as longest-first does
        return body + "?" if len(branches) == 1 and len(branches[0]) == 1 else f"(?:{body})?"
    return body
