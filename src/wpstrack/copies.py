"""What makes two texts copies of one release: the text folded to letters and digits, its
fingerprint, and its shingles.

One release published as HTML, PDF and DOCX keeps its words and loses its layout, so texts
are compared folded: the same folded text has the same fingerprint (an exact copy), and two
texts whose shingles (every eight folded characters) are at least :data:`NEAR_DUPLICATE`
alike are near copies (a page's footer or link list differs). :mod:`wpstrack.events` joins
such copies into one activity at ingest.

Nothing here touches the database: an extraction worker (:mod:`wpstrack.ingest_work`)
computes a text's marks with its extraction, so that the single writer, which every worker
waits on, does not fold and shingle each new release again.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
import zlib

import numpy
from numpy.typing import NDArray

# A text shorter than this, folded, is too little to call two documents copies of one.
MIN_FOLDED = 200
# Only the first characters of a folded text are compared: bounded work per document, and a
# copy differs from its original in a page footer or a link list, not in its opening.
MAX_FOLDED = 40_000
SHINGLE = 8  # characters per shingle of the near-duplicate check
NEAR_DUPLICATE = 0.9  # Jaccard similarity of shingle sets from which two texts are copies

# re's \w is str.isalnum() and the underscore: this removes what isalnum refuses, in C.
_NOT_ALNUM = re.compile(r"[\W_]+")

Shingles = NDArray[numpy.uint32]
NO_SHINGLES: Shingles = numpy.empty(0, numpy.uint32)
NO_SHINGLES.flags.writeable = False


def fold(text: str) -> str:
    """The text as letters and digits only, casefolded and NFKC-normalised (ligatures,
    full-width forms): what a release keeps through HTML, PDF and DOCX."""
    folded = unicodedata.normalize("NFKC", text[: MAX_FOLDED * 2]).casefold()
    return _NOT_ALNUM.sub("", folded)[:MAX_FOLDED]


def shingles(text: str) -> Shingles:
    """The text's shingles (crc32 of every eight letters of its folded form), sorted and
    unique in an array: 4 bytes a shingle, where a set of Python ints took 85."""
    return _shingles(fold(text))


def marks(text: str | None) -> tuple[str | None, Shingles]:
    """The text's fingerprint (sha256 of its folded form; None when there is too little
    text to tell copies, as for its shingles) and its shingles, folding it once."""
    folded = fold(text or "")
    return _fingerprint(folded), _shingles(folded)


def _fingerprint(folded: str) -> str | None:
    if len(folded) < MIN_FOLDED:
        return None
    return hashlib.sha256(folded.encode("utf-8")).hexdigest()


def _shingles(folded: str) -> Shingles:
    if len(folded) < MIN_FOLDED:
        return NO_SHINGLES
    spans = range(len(folded) - SHINGLE + 1)
    data = folded.encode("utf-8")
    if len(data) == len(folded):  # ASCII: a character is a byte, so slice the bytes once
        pieces = [data[i : i + SHINGLE] for i in spans]
    else:
        pieces = [folded[i : i + SHINGLE].encode("utf-8") for i in spans]
    # A list and map run in C: half the time of a generator of crc32 calls.
    found = numpy.unique(numpy.fromiter(map(zlib.crc32, pieces), numpy.uint32, len(spans)))
    found.flags.writeable = False  # shared through the writer's cache
    return found


def similarity(a: Shingles, b: Shingles) -> float:
    """Jaccard similarity of two shingle arrays (0 when either is empty)."""
    if not a.size or not b.size:
        return 0.0
    common = numpy.intersect1d(a, b, assume_unique=True).size
    return common / (a.size + b.size - common)


def near_duplicates(a: Shingles, b: Shingles) -> bool:
    """Whether two texts are copies. Their Jaccard similarity is at most the smaller set's
    size over the larger's, so most pairs are told apart by their sizes alone."""
    small, large = sorted((a.size, b.size))
    return small >= NEAR_DUPLICATE * large and similarity(a, b) >= NEAR_DUPLICATE
