"""A stored release with machine extractions and its draft, built without running the extractor.

Shared by the review and activity tests: they are about decisions on values, not about how the
values were found, so the spans are located in the text by hand here (fast and exact).
"""

from __future__ import annotations

import hashlib
from typing import Any

from sqlalchemy import Connection

from wpstrack import schema
from wpstrack.db import now
from wpstrack.extract.model import TOPIC_PILLARS
from wpstrack.ingest import create_draft, store_extractions

RELEASE = (
    "Press Release\n"
    "March 18, 2024\n"
    "Foreign Minister Kamikawa held a dialogue on WPS\n"
    "On March 18, commencing at 6:05 p.m. (local time) for approximately 40 minutes, "
    "Ms. Yoko KAMIKAWA, Minister for Foreign Affairs, visiting New York, held a dialogue "
    "with staff of UN Women and UNDP on resolution 1325 and the protection of women.\n"
)

# field -> (value, the words it was read from, confidence)
VALUES: list[tuple[str, Any, str, float | None]] = [
    ("date", "2024-03-18", "March 18, commencing", 1.0),
    ("start_time_local", "18:05", "6:05 p.m.", 1.0),
    ("tz_stated", "local", "(local time)", 1.0),
    ("duration_minutes", 40, "approximately 40 minutes", 0.9),
    ("event_type", "dialogue", "held a dialogue", 0.6),
    (
        "principal_actors",
        {
            "name": "Yoko KAMIKAWA",
            "title": "Minister for Foreign Affairs",
            "organisation_or_country": "Japan",
        },
        "Ms. Yoko KAMIKAWA",
        1.0,
    ),
    ("city", "Boston", "New York", 0.8),  # a wrong value for the reviewer to correct
    ("country", "US", "New York", 0.8),
    ("organisations", "UN Women", "UN Women", 1.0),
    ("organisations", "UNDP", "UNDP", 1.0),
    ("resolutions", 1325, "1325", 1.0),
    ("topics", "protection", "protection", 0.5),
]


def add_release(
    conn: Connection,
    text: str = RELEASE,
    values: list[tuple[str, Any, str, float | None]] | None = None,
    title: str = "Foreign Minister Kamikawa held a dialogue on WPS",
) -> tuple[int, int]:
    """Store ``text`` as an ingested document with machine values and a draft; ids back."""
    doc = schema.document
    raw = text.encode()
    document_id = int(
        conn.execute(
            doc.insert()
            .values(
                source="memory",
                filename="release.txt",
                content_hash=hashlib.sha256(raw + str(now()).encode()).hexdigest(),
                size_bytes=len(raw),
                status="ingested",
                text=text,
                title=title,
                ingested_at=now(),
            )
            .returning(doc.c.id)
        ).scalar_one()
    )
    spans = []
    record: dict[str, Any] = {}
    for field, value, words, confidence in VALUES if values is None else values:
        start = text.index(words)
        spans.append(
            {
                "field": field,
                "value": value,
                "start": start,
                "end": start + len(words),
                "method": "test",
                "confidence": confidence,
            }
        )
        if field in ("principal_actors", "organisations", "resolutions", "topics"):
            record.setdefault(field, []).append(value)
        else:
            record[field] = value
    record["pillars"] = [TOPIC_PILLARS[t] for t in record.get("topics", []) if t in TOPIC_PILLARS]
    store_extractions(conn, document_id, {"spans": spans})
    activity_id = create_draft(conn, document_id, record, title=title)
    return document_id, activity_id


def measure_id(conn: Connection) -> int:
    """The id of an item of Japan's third plan (the example plans are loaded if absent)."""
    from wpstrack import activities, plans

    measures = [m for m in activities.plan_measures(conn) if m.plan_code == "JP-NAP3"]
    if not measures:
        plans.load_examples(conn)
        measures = [m for m in activities.plan_measures(conn) if m.plan_code == "JP-NAP3"]
    return next(m.id for m in measures if m.kind != "area")
