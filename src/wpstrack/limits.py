"""Limits before work: what one document may cost the reader, checked before the costly step.

A document is refused (a :class:`~wpstrack.documents.DocumentRejected` with a coded reason)
when its bytes, its unpacked size (a DOCX is a ZIP), its pages, its characters, the nesting
of its markup or its reading time pass the limits here. Each bound is checked before the
step whose cost it bounds: the ZIP's central directory before anything is decompressed,
the PDF's page count before any page is read, the HTML's nesting before the parser (whose
cost grows with depth) builds a tree, the character count before the extractor.

Why a deadline checked in the readers' loops and not a reader in a subprocess with a
timeout: the server process runs threads (uvicorn's pool, the database pool), where
``fork`` is unsafe, and a spawned interpreter re-imports pypdf, python-docx, ftfy and
spaCy for every document (seconds per file for a 60-file folder). The loops are where time
goes once the sizes are bounded: pages, paragraphs, nodes. A single step inside a loop (one
PDF page) is bounded by the sizes themselves and by pypdf's own caps on decompressed
streams.
"""

from __future__ import annotations

import re
import time
import zipfile
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from wpstrack.settings import Settings

# Chromium's HTML parser stops nesting at 512 levels; no real page comes near it (official
# releases nest 20 to 40 deep) and the parser's cost per tag grows with the depth.
DEFAULT_MAX_DEPTH = 512

# The plausible range of each numeric field. A number outside it is absurd input or a
# misreading ("for 99999999999999999999 minutes"): it is dropped with a warning, never
# stored, because it would overflow the database's integer columns and end the batch.
NUMBER_RANGES: dict[str, tuple[float, float]] = {
    "duration_minutes": (1, 14 * 24 * 60),  # two weeks: longer lengths are not events
    "money": (0.01, 1e15),  # a quadrillion in any currency is beyond any programme
}


@dataclass(frozen=True)
class ReadLimits:
    """What reading one document may cost; ``None`` bytes means no byte limit."""

    max_bytes: int | None = 20 * 1024 * 1024
    max_unpacked_bytes: int = 16 * 1024 * 1024
    max_pages: int = 1000
    max_chars: int = 300_000
    max_depth: int = DEFAULT_MAX_DEPTH
    max_elements: int = 100_000
    max_seconds: float = 5.0

    @classmethod
    def from_settings(cls, settings: Settings) -> ReadLimits:
        """The limits the settings configure."""
        return cls(
            max_bytes=settings.max_document_bytes,
            max_unpacked_bytes=settings.max_unpacked_bytes,
            max_pages=settings.max_document_pages,
            max_chars=settings.max_document_chars,
            max_depth=settings.max_html_depth,
            max_elements=settings.max_html_elements,
            max_seconds=settings.max_reading_seconds,
        )

    def deadline(self) -> Deadline:
        """A deadline ``max_seconds`` from now."""
        return Deadline(self.max_seconds)


def resolve_limits(limits: ReadLimits | None, max_bytes: int | None = None) -> ReadLimits:
    """``limits`` (else the defaults with no byte limit), with ``max_bytes`` as its byte
    limit when given: callers that only ever passed a byte limit keep working."""
    limits = limits or ReadLimits(max_bytes=None)
    return limits if max_bytes is None else replace(limits, max_bytes=max_bytes)


class Deadline:
    """The time reading one document may take; ``check()`` refuses it once it has passed."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.ends = time.monotonic() + seconds

    def check(self) -> None:
        if time.monotonic() > self.ends:
            raise _rejected("too_slow", f"reading took longer than {self.seconds:g} s")


def _rejected(reason: str, detail: str) -> Exception:
    from wpstrack.documents import DocumentRejected

    return DocumentRejected(reason, detail)


def check_chars(length: int, limits: ReadLimits) -> None:
    """Refuse text longer than ``max_chars`` characters."""
    if length > limits.max_chars:
        raise _rejected("too_long", f"{length} characters is over the limit of {limits.max_chars}")


def check_zip(archive: zipfile.ZipFile, limits: ReadLimits, deadline: Deadline) -> None:
    """Refuse a ZIP whose members unpack to more than ``max_unpacked_bytes``.

    The central directory's sizes are checked first (nothing is decompressed for a bomb that
    states its size), then every member is read in bounded chunks, so a directory that
    understates a member's size is caught by what it actually unpacks to.
    """
    members = archive.infolist()
    stated = sum(info.file_size for info in members)
    if stated > limits.max_unpacked_bytes:
        raise _unpacked(stated, limits)
    total = 0
    for info in members:
        with archive.open(info) as member:
            while chunk := member.read(1 << 20):
                total += len(chunk)
                if total > limits.max_unpacked_bytes:
                    raise _unpacked(total, limits)
                deadline.check()


def _unpacked(size: int, limits: ReadLimits) -> Exception:
    return _rejected(
        "unpacked_too_large",
        f"the archive unpacks to over {size} bytes; the limit is {limits.max_unpacked_bytes}",
    )


# A tag's attributes stop at the next "<" as well as at ">": an unclosed tag then costs a
# scan to the next tag, never to the end of the text (which made the pass quadratic).
_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9:-]*)[^<>]*>")
_VOID = frozenset(
    [
        "area",
        "base",
        "br",
        "col",
        "embed",
        "hr",
        "img",
        "input",
        "link",
        "meta",
        "param",
        "source",
        "track",
        "wbr",
    ]
)
# Open elements that a start tag closes when they are the innermost one, as the HTML parser
# does (``<li>`` after an open ``<li>``, ``<tr>`` after a cell, a block after a ``<p>``).
# Only the innermost is looked at: closing less than the parser does can only overstate
# the depth, never let a deep page through.
_CELL = ("td", "th")
_CLOSES = {
    "li": ("li",),
    "dt": ("dt", "dd"),
    "dd": ("dt", "dd"),
    "option": ("option",),
    "td": _CELL,
    "th": _CELL,
    "tr": (*_CELL, "tr"),
    **{
        block: ("p",)
        for block in [
            "p",
            "div",
            "ul",
            "ol",
            "dl",
            "table",
            "section",
            "article",
            "main",
            "header",
            "footer",
            "nav",
            "aside",
            "h1",
            "h2",
            "h3",
            "h4",
            "h5",
            "h6",
            "blockquote",
            "pre",
            "address",
            "figure",
            "form",
            "hr",
        ]
    },
}


def markup_depth(markup: str) -> int:
    """The deepest nesting of elements in ``markup``, in one linear pass over its tags.

    An end tag closes up to the nearest open element of its name (the count of open names
    makes that test constant-time), and ``<p>``, ``<li>``, cells and rows left open are
    closed by the next of their kind, as the HTML parser does, so such pages are not deep.
    """
    stack: list[str] = []
    open_names: dict[str, int] = {}
    deepest = 0
    for match in _TAG.finditer(markup):
        closing, name = match.group(1), match.group(2).lower()
        if closing:
            if open_names.get(name):
                while stack:
                    top = stack.pop()
                    open_names[top] -= 1
                    if top == name:
                        break
            continue
        # "<div/>" opens a div in HTML (only void elements are empty), so "/>" is not trusted.
        if name in _VOID:
            continue
        for closed in _CLOSES.get(name, ()):
            if stack and stack[-1] == closed:
                open_names[stack.pop()] -= 1
        stack.append(name)
        open_names[name] = open_names.get(name, 0) + 1
        deepest = max(deepest, len(stack))
    return deepest


def check_markup(markup: str, limits: ReadLimits) -> None:
    """Refuse markup with more tags than ``max_elements`` or nested deeper than
    ``max_depth``, before it is parsed.

    Every step after the parser visits each element in Python, so the element count bounds
    the reading time of a page; counting ``<`` (in C) bounds it from above before the
    one pass over the tags that measures the depth.
    """
    tags = markup.count("<")
    if tags > limits.max_elements:
        raise _rejected(
            "too_many_elements",
            f"{tags} tags or more; the limit is {limits.max_elements} elements",
        )
    depth = markup_depth(markup)
    if depth > limits.max_depth:
        raise _rejected(
            "too_deep", f"elements nested {depth} deep; the limit is {limits.max_depth}"
        )
