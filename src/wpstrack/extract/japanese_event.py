"""The kind of event a Japanese release reports, from its headline and lead sentence.

MOFA names the event in the headline ("日・アイルランド外相会談", "…に関する書簡の交換",
"外務大臣談話") and again in the lead's verb phrase ("…による表敬を受けました"). The words are
ranked (``event_kinds`` in ``reference/japanese_terms.yaml``): the first kind whose words
appear in the headline or the lead wins, so a courtesy call that the headline calls 会談 is
still a courtesy call. A 会談 with one foreign government's official, or one named a
minister's or leader's meeting (外相会談), is bilateral.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache
from typing import Any

from wpstrack.extract.japanese_names import terms

_HEADLINE_LINES = 3


def focus(text: str, date_span: tuple[int, int] | None) -> tuple[str, int, int]:
    """(headline lines before the date line + the lead's first sentence, its span in text).

    The span runs from the first headline line used to the end of the lead sentence, so it
    covers every word the kind was read from.
    """
    if date_span is None:
        end = text.find("。")
        end = end + 1 if end >= 0 else _text_end(text, min(len(text), 600))
        return text[:end], _line_start(text, end), end
    lines = [m for m in re.finditer(r"[^\n]*\S[^\n]*", text[: date_span[0]])][-_HEADLINE_LINES:]
    lead_end = text.find("。", date_span[1])
    lead_end = lead_end + 1 if lead_end >= 0 else _text_end(text, date_span[1] + 600)
    words = [m.group() for m in lines] + [text[date_span[1] : lead_end]]
    # The span is the lead sentence's line, contiguous release text; the headline lines
    # above it may have blanked furniture between them. With no lead after the date line,
    # it is the last headline line, so that it never is empty while the words are not.
    start = max(date_span[1], _line_start(text, lead_end))
    if not text[start:lead_end].strip() and lines:
        start, lead_end = lines[-1].span()
    return "\n".join(words), start, lead_end


def _text_end(text: str, limit: int) -> int:
    """Where the text before ``limit`` ends, without the blank lines and spaces after it (a
    lead with no 。 ends at its last word, so its span is never blank)."""
    return len(text[: min(len(text), limit)].rstrip())


def _line_start(text: str, end: int) -> int:
    """Where the line holding the sentence that ends at ``end`` starts, past its indent: the
    span stays on release text (lines above may be blanked furniture in the view)."""
    start = text.rfind("\n", 0, max(0, end - 1)) + 1
    while start < end and text[start].isspace():
        start += 1
    return start


def classify(focus_text: str, others: Sequence[dict[str, Any]]) -> str:
    """The event type (a gold ``event_type``) of a Japanese release's headline and lead."""
    kind = "other"
    for name, words in terms()["event_kinds"]:
        if any(word in focus_text for word in words):
            kind = str(name)
            break
    if kind != "meeting":
        return kind
    if any(word in focus_text for word in terms()["bilateral_meetings"]):
        return "bilateral_meeting"
    governments = {o.get("organisation_or_country") for o in others}
    if len(governments) == 1 and governments <= _foreign_states():
        return "bilateral_meeting"
    return kind


@cache
def _foreign_states() -> frozenset[str]:
    """The English names of the glossary's states but Japan (built once, not per meeting)."""
    return frozenset(terms()["countries"].values()) - {"Japan"}
