"""Provenance: every extracted value with its span, method and the decisions made on it.

A value is a machine ``extraction`` row; each reviewer decision on it is a human row naming
it in ``decides_id``. :func:`provenance` reads both back as one list, and :func:`highlight`
cuts a document's text at the values' spans for display. The review page, the activity
page and the document page all show values this way, so a span means the same everywhere:
``span-N`` is the anchor of extraction row N.
"""

from __future__ import annotations

import itertools
import json
from typing import Any

from pydantic import BaseModel
from sqlalchemy import Connection, select

from wpstrack import fields, schema
from wpstrack.audit import UtcDateTime
from wpstrack.i18n import current_language


class Decision(BaseModel):
    """A reviewer's row on a machine value: accepted, corrected (with its value) or rejected."""

    id: int
    decision: str
    value: Any
    author: str | None
    created_at: UtcDateTime


class ProvenanceValue(BaseModel):
    """One extracted value with where it came from and what reviewers decided on it."""

    id: int
    document_id: int
    field: str
    value: Any
    current: Any
    start: int | None
    end: int | None
    anchor: str | None
    method: str
    confidence: float | None
    source: str
    author: str | None
    decision: str | None
    decisions: list[Decision]


def provenance(conn: Connection, document_id: int) -> list[ProvenanceValue]:
    """Every value extracted from a document with the reviewers' decisions on it.

    Machine rows come first, in text order, each with the human rows that decide on it
    (newest last); values a reviewer added without a machine row follow. ``current`` is
    what the value is now: the last correction, else the machine value.
    """
    ext = schema.extraction
    rows = [
        dict(r)
        for r in conn.execute(
            select(ext).where(ext.c.document_id == document_id).order_by(ext.c.id)
        ).mappings()
    ]
    decisions: dict[int, list[dict[str, Any]]] = {}
    for r in rows:
        if r["decides_id"] is not None:
            decisions.setdefault(r["decides_id"], []).append(r)
    values = [_value(r, decisions.get(r["id"], [])) for r in rows if r["decides_id"] is None]
    machine = sorted(
        (v for v in values if v.source == "machine"), key=lambda v: (v.start is None, v.start, v.id)
    )
    return machine + [v for v in values if v.source == "human"]


def _value(row: dict[str, Any], decided: list[dict[str, Any]]) -> ProvenanceValue:
    current, decision = row["value"], row["decision"]
    for d in decided:
        decision = d["decision"]
        if d["decision"] == "corrected":
            current = d["value"]
    spanned = row["start"] is not None and row["end"] is not None
    return ProvenanceValue(
        id=row["id"],
        document_id=row["document_id"],
        field=row["field"],
        value=row["value"],
        current=current,
        start=row["start"],
        end=row["end"],
        anchor=f"span-{row['id']}" if spanned else None,
        method=row["method"],
        confidence=row["confidence"],
        source=row["source"],
        author=row["author"],
        decision=decision,
        decisions=[Decision.model_validate(d) for d in decided],
    )


def highlight(text: str, values: list[ProvenanceValue]) -> list[dict[str, Any]]:
    """The text cut at every span boundary into a tree of plain text and marks.

    A node is ``{"text": ...}`` or ``{"mark": {...}, "children": [...]}``; templates render
    the text escaped, so a hostile document stays text. Spans may nest or cross: a span
    crossing its parent's end is closed there and continued in a mark without an ``anchor``,
    so each ``span-N`` id appears once, at the start of its value.
    """
    size = len(text)
    marks = [
        (v.start, v.end, v)
        for v in values
        if v.start is not None and v.end is not None and 0 <= v.start < v.end <= size
    ]
    # Outer spans first: a longer span starting at the same place encloses the shorter one.
    marks.sort(key=lambda m: (m[0], -m[1], m[2].id))
    points = sorted({0, size, *(m[0] for m in marks), *(m[1] for m in marks)})
    root: list[dict[str, Any]] = []
    stack: list[tuple[ProvenanceValue | None, list[dict[str, Any]]]] = [(None, root)]
    opened: set[int] = set()
    for a, b in itertools.pairwise(points):
        active = [v for start, end, v in marks if start <= a and end >= b]
        keep = 0
        while keep < len(active) and keep + 1 < len(stack) and stack[keep + 1][0] is active[keep]:
            keep += 1
        del stack[keep + 1 :]
        for v in active[keep:]:
            children: list[dict[str, Any]] = []
            stack[-1][1].append({"mark": _mark(v, first=v.id not in opened), "children": children})
            opened.add(v.id)
            stack.append((v, children))
        stack[-1][1].append({"text": text[a:b]})
    return root


def _mark(value: ProvenanceValue, *, first: bool) -> dict[str, Any]:
    shown = value.current if isinstance(value.current, str) else json.dumps(value.current)
    return {
        "anchor": value.anchor if first else None,
        "field": value.field,
        "decision": value.decision or "proposed",
        # The field's label in the language being served ("Start (UTC)", never "start utc").
        "label": f"{fields.label_of(value.field, current_language())}: {shown}",
    }
