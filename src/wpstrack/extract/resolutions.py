"""Component ``resolutions``: the UN Security Council resolution numbers a release cites.

Forms: "UNSCR 1325", "resolution 1325 (2000)", "Security Council Resolution 1325",
"resolutions 1325 and 1820", "resolutions 1820 (2008), 1888 (2009) ... and 2467 (2019)",
"S/RES/1325 (2000)", "安保理決議第1325号" and "決議第1325号及び第1820号". Numbers written
with a slash ("resolution 52/7", "A/RES/70/1") belong to other bodies and are skipped, as is
a list of numbers that never follows the word resolution.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from spacy.language import Language
from spacy.tokens import Doc

from wpstrack.extract.literals import at_word_start
from wpstrack.extract.model import doc_text, state

_NUMBER = r"(?P<n>[1-9]\d{2,3})(?![\d/.,]\d)(?!/|-?\d)(?:\s*\((?:19|20)\d\d\))?"
_HEAD_RE = re.compile(  # opening with its first letters, so that the engine skips to them
    at_word_start(
        r"UNSCRs?|UNSC\s+[Rr]esolutions?|[Rr]esolutions?|RESOLUTIONS?|S/RES/"
        r"|[Rr]ésolutions?|[Rr]esoluci(?:ón|ones)"
    )
    + r"\s*(?:No\.?\s*|nos?\.?\s*|n[°º]\s*)?"
)
_LIST_ITEM_RE = re.compile(_NUMBER)
# What may sit between two numbers of one list.
_JOIN_RE = re.compile(
    r"\s*(?:,\s*(?:and\s+|as\s+well\s+as\s+)?|\s+and\s+|\s+as\s+well\s+as\s+|\s*&\s*)(?:resolution\s+)?"
)
_JA_RE = re.compile(r"決議(?:第)?(?P<n>\d{1,4})号")
_JA_MORE_RE = re.compile(r"(?:、|及び|および|並びに|と)第?(?P<n>\d{1,4})号")


def _mentions(text: str) -> list[tuple[int, int, int]]:
    """(number, start, end) of every cited resolution, in text order."""
    found: list[tuple[int, int, int]] = []
    for head in _HEAD_RE.finditer(text):
        position = head.end()
        while True:
            item = _LIST_ITEM_RE.match(text, position)
            if item is None:
                break
            found.append((int(item.group("n")), item.start("n"), item.end("n")))
            join = _JOIN_RE.match(text, item.end())
            if join is None or not _LIST_ITEM_RE.match(text, join.end()):
                break
            position = join.end()
    for match in _JA_RE.finditer(text):
        found.append((int(match.group("n")), match.start("n"), match.end("n")))
        position = match.end()
        while more := _JA_MORE_RE.match(text, position):
            found.append((int(more.group("n")), more.start("n"), more.end("n")))
            position = more.end()
    unique = {start: (number, start, end) for number, start, end in found}
    return sorted(unique.values(), key=lambda item: item[1])


def create(nlp: Language, name: str) -> Callable[[Doc], Doc]:
    """The resolutions component."""

    def component(doc: Doc) -> Doc:
        st = state(doc)
        for number, start, end in _mentions(doc_text(doc)):
            st.add("resolutions", number, start, end, "resolutions.cited")
        return doc

    return component
