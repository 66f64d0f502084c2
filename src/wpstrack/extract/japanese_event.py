"""The kind of event a Japanese release reports, from its headline and lead sentence.

MOFA names the event in the headline ("日・アイルランド外相会談", "…に関する書簡の交換",
"外務大臣談話") and again in the lead's verb phrase ("…による表敬を受けました"). The words are
ranked (``event_kinds`` in ``reference/japanese_terms.yaml``): the first kind whose words
appear in the headline or the lead wins, so a courtesy call that the headline calls 会談 is
still a courtesy call. A 会談 with one foreign government's official, or one named a
minister's or leader's meeting (外相会談), is bilateral.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from wpstrack.extract.japanese_names import terms

_HEADLINE_LINES = 3


def focus(text: str, date_span: tuple[int, int] | None) -> tuple[str, int]:
    """(headline lines before the date line + the lead's first sentence, where it starts)."""
    if date_span is None:
        end = text.find("。")
        return text[: end if end >= 0 else 600], 0
    head_lines = [line for line in text[: date_span[0]].splitlines() if line.strip()]
    lead_end = text.find("。", date_span[1])
    lead = text[date_span[1] : lead_end if lead_end >= 0 else date_span[1] + 600]
    start = max(0, date_span[0] - sum(len(line) + 1 for line in head_lines[-_HEADLINE_LINES:]))
    return "\n".join([*head_lines[-_HEADLINE_LINES:], lead]), start


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
    countries = set(terms()["countries"].values()) - {"Japan"}
    governments = {o.get("organisation_or_country") for o in others}
    if len(governments) == 1 and governments <= countries:
        return "bilateral_meeting"
    return kind
