"""What of a stored text is the release: page furniture and, for a web page, everything
outside the main content are blanked before extraction, without moving an offset.

A page's text is stored as read, so a reviewer sees what the page said, and every span the
extractor proposes must point into that stored text. The extractor therefore reads a
*view* of it in which skipped characters are replaced by spaces (line breaks kept): every
offset, and every character that was not skipped, is the same in the view and in the
stored text, so a span found in the view is exact in the stored text.

Two sources say what to skip:

- :func:`furniture_spans`: lines that site templates put around a release ("Skip to main
  content", cookie notices, breadcrumbs, "Back to …", archive banners, date widgets, photo
  credits, "E&OE", share and print lines) and the footer that a cue such as "ENDS" or
  "Media enquiries" opens. The cues are data (``lexicon/furniture.yaml``), conventions of
  templates rather than of any one document.
- :func:`main_content_spans`: for a web page, where the main content that trafilatura found
  lies in the stored text (trafilatura rewrites spacing and list markers, so its lines are
  found again word by word).
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable
from functools import cache
from pathlib import Path

from wpstrack.reference import read_yaml

_CUES = Path(__file__).parent / "lexicon" / "furniture.yaml"
# A line longer than this is prose: no furniture cue is tested on it.
MAX_FURNITURE_LINE = 300
# Main-content lines found again must cover this share of trafilatura's text, else the
# alignment is not trusted and nothing outside it is skipped.
MIN_ALIGNED_SHARE = 0.6
# A date line in the page header has at most this many words ("From X · Published on 9 June
# 2025 · Last updated on 10 June 2025").
HEADER_LINE_WORDS = 20
# The masthead sits among the first lines of a capture, and is a name, not a sentence.
MASTHEAD_LINES = 6
MASTHEAD_CHARS = 80
_LINE = re.compile(r"[^\n]+")
_WORD = re.compile(r"\S+")
_BULLET = re.compile(r"^\s*(?:[-*•·]|\d{1,3}[.)])\s+")
_DIGIT = re.compile(r"\d")

Span = tuple[int, int]


@cache
def _cues() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    """The furniture cues, compiled once: (line cues, footer openers, label lines)."""
    data = read_yaml(_CUES.read_text(encoding="utf-8"))

    def joined(patterns: list[str]) -> re.Pattern[str]:
        return re.compile("|".join(f"(?:{p})" for p in patterns), re.I)

    return joined(data["line"]), joined(data["footer"]), joined(data["label"])


def furniture_spans(text: str) -> list[Span]:
    """Spans of ``text`` that are page furniture: whole cue lines, and from the first footer
    cue in the second half of the text to its end."""
    line_cue, footer_cue, label_cue = _cues()
    half = len(text) // 2
    spans: list[Span] = []
    labelled = False  # the previous line was a label whose value is this line
    for match in _LINE.finditer(text):
        line = match.group().strip()
        if not line or len(line) > MAX_FURNITURE_LINE:
            labelled = labelled and not line
            continue
        if match.start() >= half and footer_cue.fullmatch(line):
            spans.append((match.start(), len(text)))
            break
        if labelled or line_cue.fullmatch(line) or label_cue.fullmatch(line):
            spans.append((match.start(), match.end()))
        labelled = not labelled and bool(label_cue.fullmatch(line))
    return spans


def main_content_spans(text: str, main_text: str) -> list[Span] | None:
    """Where the lines of ``main_text`` (trafilatura's output for the page) lie in
    ``text``, in order; None when too little of it is found to trust.

    Both texts are compared with single spaces between words; a line is looked for after
    the previous one, then anywhere (trafilatura may move a heading).
    """
    words = [(m.start(), m.end()) for m in _WORD.finditer(text)]
    flat = " ".join(text[s:e] for s, e in words)
    word_starts: list[int] = []
    position = 0
    for s, e in words:
        word_starts.append(position)
        position += e - s + 1
    spans: list[Span] = []
    cursor = found_chars = wanted_chars = 0
    for raw in main_text.splitlines():
        line = " ".join(_BULLET.sub("", raw).split())
        if not line:
            continue
        wanted_chars += len(line)
        at = flat.find(line, cursor)
        if at < 0:
            at = flat.find(line)
        if at < 0:
            continue
        first = bisect.bisect_right(word_starts, at) - 1
        last = bisect.bisect_right(word_starts, at + len(line) - 1) - 1
        start = words[first][0] + (at - word_starts[first])
        end = words[last][0] + (at + len(line) - word_starts[last])
        spans.append((start, min(end, words[last][1])))
        found_chars += len(line)
        cursor = at + len(line)
    if not spans or found_chars < MIN_ALIGNED_SHARE * wanted_chars:
        return None
    return sorted(spans)


def outside_main(text: str, main: list[Span], headline: str | None = None) -> list[Span]:
    """The lines of ``text`` outside the main content, bar the header lines a release needs:
    the headline, and in the first half of the text a short line holding a digit (the date
    line, which main-content extractors leave out with the page's metadata)."""
    covered = _merge(main)
    heading = " ".join(headline.split()).casefold() if headline else None
    half = len(text) // 2
    spans: list[Span] = []
    for match in _LINE.finditer(text):
        start, end = match.span()
        if _inside(covered, start, end):
            continue
        line = " ".join(match.group().split())
        if not line or line.casefold() == heading:
            continue
        if end <= half and _DIGIT.search(line) and len(line.split()) <= HEADER_LINE_WORDS:
            continue
        spans.append((start, end))
    return spans


def _merge(spans: Iterable[Span]) -> list[Span]:
    merged: list[Span] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def _inside(covered: list[Span], start: int, end: int) -> bool:
    """True when the line [start, end) overlaps the main content (``covered`` is sorted and
    without overlaps, so only the last span starting before ``end`` can)."""
    index = bisect.bisect_left(covered, (end, end)) - 1
    return index >= 0 and covered[index][1] > start


def blank(text: str, spans: Iterable[Span]) -> str:
    """``text`` with the characters of ``spans`` replaced by spaces, line breaks kept, so
    that every offset stays the same."""
    merged = _merge(spans)
    if not merged:
        return text
    parts: list[str] = []
    position = 0
    for start, end in merged:
        parts.append(text[position:start])
        parts.append(re.sub(r"[^\n]", " ", text[start:end]))
        position = end
    parts.append(text[position:])
    return "".join(parts)


def masthead_spans(text: str, lines: int = MASTHEAD_LINES) -> list[Span]:
    """Lines among the first ``lines`` of ``text`` that only name an organisation: the
    site's masthead ("Ministry of Foreign Affairs of Japan", "外務省"), which publishes the
    release rather than taking part in it."""
    from wpstrack.reference import resolve_organisation

    spans: list[Span] = []
    seen = 0
    for match in _LINE.finditer(text):
        line = match.group().strip()
        if not line:
            continue
        seen += 1
        if seen > lines:
            break
        if len(line) <= MASTHEAD_CHARS and resolve_organisation(line) is not None:
            spans.append(match.span())
    return spans


def release_view(text: str, main_text: str | None = None, headline: str | None = None) -> str:
    """The text the extractor reads: ``text`` with page furniture blanked and, when
    ``main_text`` (a page's main content) is found in it, every line outside it too."""
    skipped = furniture_spans(text) + masthead_spans(text)
    if main_text:
        main = main_content_spans(text, main_text)
        if main is not None:
            skipped += outside_main(text, main, headline)
    return blank(text, skipped)
