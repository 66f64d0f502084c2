"""The parts of the report around its figures: who signs it, what editors wrote, where the
activities come from, each pillar's funding with its flag, and names in the report's
language.

Each is read from the database alone (the demo, a test and a ministry's desk get the same
report from the same rows): the government and ministry from the plan and the reference
organisations, the narratives through :mod:`wpstrack.narratives`, the falling-funding flag
from :func:`wpstrack.funding.funding_trends` (the dashboard's own definition).
"""

from __future__ import annotations

from collections import Counter
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, select, union

from wpstrack import fields, funding, i18n, narratives, schema
from wpstrack.reports.model import NarrativeText, PillarFunding, Report, Source


def government(country_name: str) -> str:
    """The government the plan belongs to, named in the report's language."""
    return i18n.gettext("Government of %(country)s", country=country_name)


def ministry(conn: Connection, plan_id: int, country: str) -> str | None:
    """The ministry that leads the plan: the one most often responsible for its items, else
    the country's foreign ministry (the usual lead of a WPS plan), else None."""
    org, pio, item = schema.organisation, schema.plan_item_organisation, schema.plan_item
    rows = conn.execute(
        select(org.c.name, org.c.name_ja)
        .join(pio, pio.c.organisation_id == org.c.id)
        .join(item, item.c.id == pio.c.plan_item_id)
        .where(item.c.plan_id == plan_id, org.c.type == "ministry")
    ).all()
    if rows:
        counted = Counter((r.name, r.name_ja) for r in rows)
        top = max(counted.items(), key=lambda pair: (pair[1], -len(pair[0][0])))[0]
        return _in_language(*top)
    foreign = conn.execute(
        select(org.c.name, org.c.name_ja)
        .where(
            org.c.type == "ministry",
            org.c.country == country.upper(),
            org.c.name.ilike("%foreign%"),
        )
        .order_by(org.c.id)
    ).first()
    return _in_language(foreign.name, foreign.name_ja) if foreign else None


def _in_language(name: str, name_ja: str | None) -> str:
    return name_ja if i18n.current_language() == "ja" and name_ja else name


def narrative_texts(
    conn: Connection, plan_code: str, period_label: str
) -> dict[str, NarrativeText]:
    """The current narrative of each section that has one."""
    return {
        section: NarrativeText(n.text, n.author, n.created_at)
        for section, n in narratives.current(conn, plan_code, period_label).items()
    }


def sources(conn: Connection, report_scope: list[Any]) -> list[Source]:
    """Every release an activity of the report was taken from (its first source and the
    others merged into it), oldest first: the annex of sources."""
    act, doc, src = schema.activity, schema.document, schema.activity_source
    first = select(act.c.document_id.label("id")).where(
        *report_scope, act.c.document_id.is_not(None)
    )
    merged = select(src.c.document_id.label("id")).join(act, act.c.id == src.c.activity_id)
    ids = union(first, merged.where(*report_scope)).subquery()
    rows = conn.execute(
        select(doc.c.id, doc.c.publisher, doc.c.title, doc.c.published_on, doc.c.source)
        .where(doc.c.id.in_(select(ids.c.id)))
        .order_by(doc.c.published_on, doc.c.title, doc.c.id)
    )
    return [
        Source(
            r.id,
            r.publisher,
            r.title,
            r.published_on,
            r.source if r.source.startswith(("http://", "https://")) else None,
        )
        for r in rows
    ]


def pillar_funding(
    conn: Connection, year: int, currency: str, lines: dict[str, Any], plan: str | None = None
) -> dict[str, PillarFunding]:
    """Each pillar's commitments and disbursements of ``year`` (``lines``: the report's
    funding by pillar) with the change of commitments from the year before and its flag,
    counting what ``plan`` counts."""
    trends = funding.funding_trends(
        conn,
        currency=currency,
        year_from=year - 1,
        year_to=year,
        filters=funding.ContributionFilter(plan=plan),
        partial=True,
    )
    out: dict[str, PillarFunding] = {}
    for trend in trends.pillars:
        if trend.key is None or len(trend.points) != 2:
            continue
        before, now = trend.points
        line = lines.get(str(trend.key))
        out[str(trend.key)] = PillarFunding(
            currency=trends.currency,
            commitment=line.commitment if line else now.amount,
            disbursement=line.disbursement if line else Decimal("0.00"),
            previous_commitment=before.amount if before.amount else None,
            change_pct=now.change_pct,
            falling=now.falling,
        )
    return out


def localise(conn: Connection, report: Report) -> None:
    """Names the figures took from shared functions (the dashboard's pillar names, the
    funding register's organisation names) put in the report's language."""
    if report.language != "ja":
        return
    pillar, org = schema.pillar, schema.organisation
    pillars = {r.code: r.name_ja or r.name for r in conn.execute(select(pillar))}
    orgs = {
        r.name: r.name_ja
        for r in conn.execute(select(org.c.name, org.c.name_ja).where(org.c.name_ja.is_not(None)))
    }
    f = report.figures
    for c in f.by_pillar:
        c.label = pillars.get(c.key, c.label)
    for c in f.by_type:
        c.label = fields.code_label("event_type", c.key, "ja")
    for m in f.funding_by_pillar:
        m.label = pillars.get(m.key, m.label)
    for m in f.funding_by_recipient:
        m.label = orgs.get(m.label, m.label)
    for line in report.annex.lines:
        line.donor = orgs.get(line.donor, line.donor)
        line.recipient = orgs.get(line.recipient, line.recipient)
        line.marker_label = fields.code_label("gender_marker", line.gender_marker, "ja")
        line.transaction_type = fields.code_label("transaction_type", line.transaction_type, "ja")
    names = {r.name: r.name_ja for r in conn.execute(select(pillar)) if r.name_ja}
    for line in report.annex.lines:
        if line.pillar:
            line.pillar = names.get(line.pillar, line.pillar)
    for m in report.annex.by_marker:
        m.label = fields.code_label("gender_marker", m.key, "ja") if m.key else m.label
