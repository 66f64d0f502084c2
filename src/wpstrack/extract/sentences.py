"""The one sentence splitter of the extractor.

A sentence ends at a stop (``.``, ``!``, ``?``) followed by space and a capital, a digit or an
opening bracket or quote, unless the word before the stop is an initial ("J. Smith") or an
abbreviation of the lexicon ("Ms.", "No.", "a.m."); at ``。``; and at every line break,
because releases put each paragraph, heading and list item on its own line. Every component
that reads "the sentence around X" asks this module, so that two components never disagree
on where a sentence ends.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator
from functools import lru_cache

from wpstrack.extract import lexicon

# A stop, then space and what opens a sentence; a line break; 。. The stop characters open
# the pattern, so that the regex engine skips to them (an alternation opening with a
# lookahead was tried at every character); the look-behind tells which one was read.
_STOP_RE = re.compile(r"[.!?\n。](?:(?<=[\n。])|(?=[ \xa0]+[A-Z0-9(\"“]))")
_LAST_WORD_RE = re.compile(r"([\w.]+)$")
_INITIALS_RE = re.compile(r"(?:[A-Z]\.)*[A-Z]")


@lru_cache(maxsize=4)  # several components split the same text
def sentence_spans(text: str) -> tuple[tuple[int, int], ...]:
    """(start, end) of every non-blank sentence, in order; the end takes in the stop."""
    return tuple(iter_sentence_spans(text))


def iter_sentence_spans(text: str) -> Iterator[tuple[int, int]]:
    """:func:`sentence_spans` one at a time, for a reader that stops at the one it wants."""
    abbreviations = lexicon.abbreviations()
    start = 0
    for match in _STOP_RE.finditer(text):
        if match.group() in ".!?":
            word = _LAST_WORD_RE.search(text, max(0, match.start() - 8), match.start())
            written = word.group(1).lstrip("0123456789") if word else ""  # "6:05p.m."
            if _INITIALS_RE.fullmatch(written) or written.lower().strip(".") in abbreviations:
                continue
        if text[start : match.end()].strip():
            yield start, match.end()
        start = match.end()
    if text[start:].strip():
        yield start, len(text)


@lru_cache(maxsize=4)
def _starts(text: str) -> list[int]:
    return [start for start, _ in sentence_spans(text)]


def sentence_bounds(text: str, position: int) -> tuple[int, int]:
    """The start and end of the sentence around ``position``, without the space before it.

    A position between two sentences (on the space after a stop) belongs to the next one.
    """
    spans = sentence_spans(text)
    if not spans:
        return 0, len(text)
    index = max(0, bisect.bisect_right(_starts(text), position) - 1)
    start, end = spans[index]
    if position >= end and index + 1 < len(spans):
        start, end = spans[index + 1]
    while start < end and text[start].isspace():
        start += 1
    if text[end - 1 : end] in ("\n", "。"):
        end -= 1  # the line break or 。 closes the sentence, it is not in it
    return start, end
