"""The dashboard: the register in figures, one plain dict for the page and the API alike.

Figures count activities, so a visitor sees at a glance what the register holds: how many
activities per month, per type and per pillar; the share of women among the people named as
taking part; which UN entities the activities engaged; how many drafts wait for review; and
the latest activities. Anonymous visitors' figures count published activities only, and the
review backlog (a count of unpublished work) is shown to logged-in users only.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Connection, Select, distinct, func, select, true

from wpstrack import schema
from wpstrack.schema import PEOPLE_ROLES

LATEST = 10
# Organisation types that are part of the UN system (see the reference data).
UN_TYPE_PREFIX = "un_"
# Roles of named people; "mentioned" rows are organisations named in the text.


def _visible(public: bool) -> ColumnElement[bool]:
    act = schema.activity
    return act.c.is_published.is_(True) if public else true()


def _month(conn: Connection) -> ColumnElement[str]:
    date_col = schema.activity.c.date
    if conn.dialect.name == "postgresql":
        return func.to_char(date_col, "YYYY-MM")
    return func.strftime("%Y-%m", date_col)


def by_month(conn: Connection, public: bool) -> list[dict[str, Any]]:
    """Activities per calendar month of their date (undated ones are left out)."""
    act = schema.activity
    month = _month(conn).label("month")
    rows = conn.execute(
        select(month, func.count().label("n"))
        .where(_visible(public), act.c.date.is_not(None))
        .group_by(month)
        .order_by(month)
    )
    return [{"month": r.month, "count": int(r.n)} for r in rows]


def by_type(conn: Connection, public: bool) -> list[dict[str, Any]]:
    """Activities per type, most frequent first."""
    act = schema.activity
    count = func.count().label("n")
    rows = conn.execute(
        select(act.c.type, count)
        .where(_visible(public))
        .group_by(act.c.type)
        .order_by(count.desc(), act.c.type)
    )
    return [{"type": r.type, "count": int(r.n)} for r in rows]


def by_pillar(conn: Connection, public: bool) -> list[dict[str, Any]]:
    """Activities linked to each pillar, in the pillars' own order (zero counts kept)."""
    act, link, pillar = schema.activity, schema.activity_link, schema.pillar
    linked = (
        select(link.c.pillar_code, func.count(distinct(act.c.id)).label("n"))
        .join(act, act.c.id == link.c.activity_id)
        .where(link.c.kind == "pillar", _visible(public))
        .group_by(link.c.pillar_code)
        .subquery()
    )
    rows = conn.execute(
        select(pillar.c.code, pillar.c.name, func.coalesce(linked.c.n, 0).label("n"))
        .outerjoin(linked, linked.c.pillar_code == pillar.c.code)
        .order_by(pillar.c.sort_order)
    )
    return [{"code": r.code, "name": r.name, "count": int(r.n)} for r in rows]


def women_share(conn: Connection, public: bool) -> dict[str, Any]:
    """Named participants, how many are women, and the share (None when nobody is named).

    People whose gender the sources do not state are counted as named but not as women,
    and reported apart, so the share is a lower bound that says how much is unknown.
    """
    act, part = schema.activity, schema.activity_participant
    stmt = (
        select(
            func.count().label("named"),
            func.count().filter(part.c.gender == "f").label("women"),
            func.count().filter(part.c.gender.is_(None)).label("unknown"),
        )
        .join(act, act.c.id == part.c.activity_id)
        .where(part.c.role.in_(PEOPLE_ROLES), part.c.name.is_not(None), _visible(public))
    )
    row = conn.execute(stmt).one()
    named, women = int(row.named), int(row.women)
    return {
        "named": named,
        "women": women,
        "gender_unknown": int(row.unknown),
        "share": round(women / named, 3) if named else None,
    }


def un_entities(conn: Connection, public: bool, limit: int = 15) -> list[dict[str, Any]]:
    """UN-system organisations linked to activities, by number of activities."""
    act, part, org = schema.activity, schema.activity_participant, schema.organisation
    count = func.count(distinct(act.c.id)).label("n")
    rows = conn.execute(
        select(org.c.code, org.c.name, org.c.acronym, count)
        .join(part, part.c.organisation_id == org.c.id)
        .join(act, act.c.id == part.c.activity_id)
        .where(org.c.type.startswith(UN_TYPE_PREFIX), _visible(public))
        .group_by(org.c.code, org.c.name, org.c.acronym)
        .order_by(count.desc(), org.c.code)
        .limit(limit)
    )
    return [{"code": r.code, "name": r.name, "acronym": r.acronym, "count": int(r.n)} for r in rows]


def review_backlog(conn: Connection) -> dict[str, int]:
    """Activities per review status, and the rejected documents."""
    act, doc = schema.activity, schema.document
    counts = dict.fromkeys(("draft", "reviewed", "published"), 0)
    for status, n in conn.execute(select(act.c.status, func.count()).group_by(act.c.status)):
        counts[status] = int(n)
    rejected = conn.execute(
        select(func.count()).select_from(doc).where(doc.c.status == "rejected")
    ).scalar_one()
    return {**counts, "rejected_documents": int(rejected)}


def _latest_query(public: bool) -> Select[Any]:
    act = schema.activity
    return (
        select(act.c.id, act.c.title, act.c.type, act.c.date, act.c.status, act.c.country)
        .where(_visible(public))
        .order_by(act.c.date.desc().nulls_last(), act.c.id.desc())
        .limit(LATEST)
    )


def latest(conn: Connection, public: bool) -> list[dict[str, Any]]:
    """The most recent activities by their date."""
    return [dict(r) for r in conn.execute(_latest_query(public)).mappings()]


def dashboard(conn: Connection, *, public: bool) -> dict[str, Any]:
    """Every figure of the dashboard; ``public`` counts published activities only."""
    act = schema.activity
    total = conn.execute(select(func.count()).select_from(act).where(_visible(public)))
    return {
        "public": public,
        "activities": int(total.scalar_one()),
        "by_month": by_month(conn, public),
        "by_type": by_type(conn, public),
        "by_pillar": by_pillar(conn, public),
        "women": women_share(conn, public),
        "un_entities": un_entities(conn, public),
        "review_backlog": None if public else review_backlog(conn),
        "latest": latest(conn, public),
    }
