"""What editors write in the annual report: a narrative per plan, period and section.

A section is ``summary`` (the executive summary) or a pillar's code. Each save is a new row
of ``report_narrative`` with its author and time, never an overwrite: the latest row is the
text the report prints and the older ones are its history, shown on the editor page and in
the API. The web page, the API, the CLI (``wpstrack narrative``), the demo's YAML loader and
the report all go through these functions.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, distinct, func, select

from wpstrack import audit, schema
from wpstrack.db import now
from wpstrack.errors import InvalidInput
from wpstrack.plans.store import plan_id
from wpstrack.reference import read_yaml
from wpstrack.reports.model import Period

SUMMARY = "summary"
MAX_TEXT = 20_000  # characters: a few pages, more than a section of a report needs


@dataclass(frozen=True)
class Narrative:
    """One saved version of a section's text."""

    id: int
    plan: str
    period: str
    section: str
    text: str
    author: str | None
    created_at: datetime

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "plan": self.plan,
            "period": self.period,
            "section": self.section,
            "text": self.text,
            "author": self.author,
            "created_at": self.created_at,
        }


def sections(conn: Connection) -> list[str]:
    """The sections a report has narratives for: the summary, then the pillars in order."""
    p = schema.pillar
    return [SUMMARY, *conn.execute(select(p.c.code).order_by(p.c.sort_order)).scalars()]


def check_section(conn: Connection, section: str) -> str:
    """``section`` if the report has it; InvalidInput lists the sections there are."""
    known = sections(conn)
    if section not in known:
        raise InvalidInput(f"section {section!r} is not one of {', '.join(known)}")
    return section


def period_label(period: str) -> str:
    """The period as the report names it (2024, FY2024); InvalidInput otherwise."""
    return Period.parse(period).label


def _narrative(plan: str, row: Any) -> Narrative:
    return Narrative(
        row.id,
        plan,
        row.period,
        row.section,
        row.text,
        row.author,
        audit.as_utc(row.created_at),
    )


def history(conn: Connection, plan: str, period: str, section: str) -> list[Narrative]:
    """Every saved version of a section, newest first (the first is the current text)."""
    n = schema.report_narrative
    rows = conn.execute(
        select(n)
        .where(
            n.c.plan_id == plan_id(conn, plan),
            n.c.period == period_label(period),
            n.c.section == check_section(conn, section),
        )
        .order_by(n.c.id.desc())
    )
    return [_narrative(plan, r) for r in rows]


def current(conn: Connection, plan: str, period: str) -> dict[str, Narrative]:
    """The current text of each section that has one, by section."""
    n = schema.report_narrative
    rows = conn.execute(
        select(n)
        .where(n.c.plan_id == plan_id(conn, plan), n.c.period == period_label(period))
        .order_by(n.c.id)
    )
    latest: dict[str, Narrative] = {}
    for r in rows:  # oldest first: the last one seen of a section is its current text
        latest[r.section] = _narrative(plan, r)
    return latest


def save(
    conn: Connection, plan: str, period: str, section: str, text: str, author: str | None
) -> Narrative:
    """Store a new version of a section's text (the earlier ones stay as its history)."""
    body = text.replace("\r\n", "\n").strip()
    if not body:
        raise InvalidInput(f"the narrative of {section!r} is empty: write the text to save")
    if len(body) > MAX_TEXT:
        raise InvalidInput(f"the narrative has {len(body):,} characters; the limit is {MAX_TEXT:,}")
    values = {
        "plan_id": plan_id(conn, plan),
        "period": period_label(period),
        "section": check_section(conn, section),
        "text": body,
        "author": author,
        "created_at": now(),
    }
    row = audit.insert(conn, author, schema.report_narrative, values)
    return Narrative(
        row["id"],
        plan,
        row["period"],
        row["section"],
        body,
        author,
        audit.as_utc(row["created_at"]),
    )


def periods(conn: Connection, plan: str) -> list[dict[str, Any]]:
    """The periods of a plan that have narratives, with how many sections have a text and
    when the last one was saved: what is written so far, report by report."""
    n = schema.report_narrative
    rows = conn.execute(
        select(n.c.period, func.count(distinct(n.c.section)), func.max(n.c.created_at))
        .where(n.c.plan_id == plan_id(conn, plan))
        .group_by(n.c.period)
        .order_by(n.c.period)
    )
    return [
        {"period": period, "sections": int(count), "last_saved_at": audit.as_utc(last)}
        for period, count, last in rows
    ]


def editor_page(conn: Connection, plan: str, period: str) -> dict[str, Any]:
    """Each section with its current text and history: what the editor page shows."""
    label = period_label(period)
    latest = current(conn, plan, label)
    return {
        "plan": plan,
        "period": label,
        "items": [
            {
                "section": s,
                "current": latest[s].as_dict() if s in latest else None,
                "history": [h.as_dict() for h in history(conn, plan, label, s)],
            }
            for s in sections(conn)
        ],
    }


def load_file(conn: Connection, path: Path, author: str | None) -> int:
    """Load narratives from a YAML list of ``{plan, period, section, text}``; returns how
    many were stored. A section whose current text is already the same is left alone, so
    loading twice (the demo does, each start) adds no revision. A missing file loads
    nothing: the example narratives are optional."""
    if not path.is_file():
        return 0
    data = read_yaml(path.read_text(encoding="utf-8")) or []
    if not isinstance(data, list):
        raise InvalidInput("expected a list of {plan, period, section, text}", str(path))
    stored = 0
    for number, entry in enumerate(data, 1):
        where = f"{path.name}, entry {number}"
        if not isinstance(entry, dict) or not {"plan", "period", "section", "text"} <= set(entry):
            raise InvalidInput("each entry needs plan, period, section and text", where)
        plan, period, section = str(entry["plan"]), str(entry["period"]), str(entry["section"])
        text = str(entry["text"]).strip()
        have = current(conn, plan, period).get(section)
        if have is not None and have.text == text:
            continue
        save(conn, plan, period, section, text, author)
        stored += 1
    return stored
