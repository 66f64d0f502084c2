"""The activity register: list with filters, detail with provenance and history, edits.

An activity starts as a draft made by ingestion and enters the register through review
(:mod:`wpstrack.review`). Editors then edit, link and publish it here. Every write goes
through :mod:`wpstrack.audit`, so each one is logged and a stale edit (an ``expected_version``
the row has moved past) changes nothing. Anonymous visitors see published activities only:
callers pass ``public_only=True`` for them and a hidden activity is reported as not found.

The activities page and ``/api/v1/activities`` both call these functions.
"""

from __future__ import annotations

import datetime as dt
import re
from datetime import UTC, date, datetime
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, field_validator
from sqlalchemy import Connection, Date, Select, exists, func, literal_column, not_, select

from wpstrack import audit, events, fields, schema, search, tallies, visibility
from wpstrack.audit import AuditEvent, UtcDateTime
from wpstrack.db import kept_until_write, now
from wpstrack.errors import Conflict, InvalidInput, NotFound
from wpstrack.extract.model import EVENT_TYPES
from wpstrack.pagination import ListFilter, Page, paginate
from wpstrack.provenance import Decision as Decision
from wpstrack.provenance import ProvenanceValue as ProvenanceValue
from wpstrack.provenance import provenance as provenance

STATUSES = ("draft", "reviewed", "published")
SORTS = ("-date", "date", "-updated", "updated", "title", "-title")
_TIME = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")


class ActivityFilter(ListFilter):
    """What to narrow the register to; every field is optional and they combine with AND.

    ``organisation`` is an organisation code, ``person`` part of a participant's name,
    ``pillar`` a pillar code, ``plan_item`` the id of a plan measure.
    """

    q: str | None = Field(default=None, max_length=200)  # words in the activity or its document
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    type: str | None = None
    country: str | None = Field(default=None, max_length=2)
    organisation: str | None = None
    person: str | None = None
    pillar: str | None = None
    plan_item: int | None = None
    language: str | None = Field(default=None, max_length=8)  # of the activity's document
    status: Literal["draft", "reviewed", "published"] | None = None
    published: bool | None = None
    sort: Literal["-date", "date", "-updated", "updated", "title", "-title"] = "-date"


class ActivitySummary(BaseModel):
    """An activity in a list."""

    model_config = ConfigDict(from_attributes=True, json_schema_extra=fields.describe_schema)

    id: int
    document_id: int | None
    type: str
    title: str | None
    status: str
    is_published: bool
    date: dt.date | None
    start_time_local: str | None
    timezone: str | None
    start_utc: UtcDateTime | None
    duration_minutes: int | None
    city: str | None
    country: str | None
    acting_country: str | None = None
    version: int
    updated_at: UtcDateTime


class Participant(BaseModel):
    """A person, organisation or government on an activity, with its role
    (:data:`wpstrack.roles.ROLES`) and who set that role (None: the extractor)."""

    id: int
    kind: str | None = None  # person | organisation | government
    country: str | None = None
    role_by: str | None = None
    name: str | None
    title: str | None
    affiliation: str | None
    gender: str | None
    role: str
    organisation_code: str | None
    organisation_name: str | None
    organisation_name_ja: str | None = None  # the reference data's Japanese name, if any


class PlanItemRef(BaseModel):
    """A plan item (usually a measure) an activity is linked to."""

    id: int
    plan_code: str
    code: str
    kind: str
    title: str
    pillar_code: str | None


class ActivityDetail(ActivitySummary):
    """An activity with its participants, links, provenance and history."""

    tz_stated: str | None
    start_time_jst: str | None
    summary: str | None
    reviewed_by: str | None
    reviewed_at: UtcDateTime | None
    created_at: UtcDateTime
    document_title: str | None
    acting_organisation_id: int | None = None
    acting_organisation: str | None = None  # its code
    work_countries: list[str] = []
    participants: list[Participant]
    plan_items: list[PlanItemRef]
    resolutions: list[int]
    pillars: list[str]
    topics: list[str]
    provenance: list[ProvenanceValue]
    sources: list[events.Source]
    history: list[AuditEvent]


class ActivityUpdate(BaseModel):
    """The fields an editor may change; omitted fields stay as they are.

    They are the catalogue's editable fields (a test holds the two together) and text is
    bounded by the widths the catalogue reads from the schema.
    """

    model_config = ConfigDict(extra="forbid", json_schema_extra=fields.describe_schema)

    type: str | None = None
    title: str | None = Field(default=None, max_length=2000)
    date: dt.date | None = None
    start_time_local: str | None = None
    timezone: str | None = Field(default=None, max_length=fields.width_of("timezone"))
    tz_stated: str | None = Field(default=None, max_length=fields.width_of("tz_stated"))
    duration_minutes: int | None = Field(default=None, ge=0, le=60 * 24 * 366)
    city: str | None = Field(default=None, max_length=fields.width_of("city"))
    country: str | None = None
    acting_country: str | None = None
    summary: str | None = Field(default=None, max_length=20000)

    @field_validator("type")
    @classmethod
    def _known_type(cls, value: str | None) -> str | None:
        if value is not None and value not in EVENT_TYPES:
            raise ValueError(f"one of {', '.join(EVENT_TYPES)}")
        return value

    @field_validator("start_time_local")
    @classmethod
    def _clock(cls, value: str | None) -> str | None:
        if value is not None and not _TIME.match(value):
            raise ValueError("a 24-hour time HH:MM")
        return value

    @field_validator("country", "acting_country")
    @classmethod
    def _country(cls, value: str | None) -> str | None:
        if value is not None and not re.fullmatch(r"[A-Za-z]{2}", value):
            raise ValueError("an ISO 3166 alpha-2 code such as JP")
        return value.upper() if value else value

    @field_validator("timezone")
    @classmethod
    def _zone(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                zone_of(value)
            except InvalidInput as exc:
                raise ValueError(exc.message) from exc
        return value


def zone_of(name: str) -> ZoneInfo:
    """The IANA zone ``name``; an unknown zone is invalid input."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise InvalidInput(f"unknown time zone {name!r}", "timezone") from exc


def start_instant(day: date | None, clock: str | None, zone: str | None) -> datetime | None:
    """The UTC instant of a local date and HH:MM time in an IANA zone (None if one is missing)."""
    if day is None or not clock or not zone or not _TIME.match(clock):
        return None
    hour, minute = (int(p) for p in clock.split(":"))
    local = datetime(day.year, day.month, day.day, hour, minute, tzinfo=zone_of(zone))
    return local.astimezone(UTC)


# --- listing --------------------------------------------------------------------------------


def sort_date() -> Any:
    """An activity's date for ordering, undated ones as the earliest: the expression
    ``ix_activity_sort_date`` is built on (with ``id``), so newest-first reads that index
    backwards and stops at its limit. The constant is inline, not a bound value: the
    index is on this very expression."""
    return func.coalesce(schema.activity.c.date, literal_column(schema.EARLIEST_DATE, Date))


def _sort_key(sort: str) -> tuple[Any, bool]:
    act = schema.activity
    descending = sort.startswith("-")
    name = sort.lstrip("-")
    if name == "date":
        expr: Any = sort_date()
    elif name == "title":
        expr = func.coalesce(act.c.title, "")
    else:
        expr = act.c.updated_at
    return expr.label("sort_key"), descending


def _participant_filter(filters: ActivityFilter) -> list[Any]:
    act, part, org = schema.activity, schema.activity_participant, schema.organisation
    conditions = []
    if filters.organisation:
        org_id = select(org.c.id).where(org.c.code == filters.organisation).scalar_subquery()
        conditions.append(
            exists().where(part.c.activity_id == act.c.id, part.c.organisation_id == org_id)
        )
    if filters.person and filters.person.strip():
        conditions.append(
            exists().where(
                part.c.activity_id == act.c.id,
                part.c.role != "mentioned",
                part.c.name.icontains(filters.person.strip(), autoescape=True),
            )
        )
    return conditions


def _filtered(
    filters: ActivityFilter, public_only: bool, conn: Connection | None = None
) -> Select[Any]:
    act, link = schema.activity, schema.activity_link
    stmt = select(act)
    conditions = [visibility.activities(public_only), *_participant_filter(filters)]
    # "published" asks for what the public sees (or does not): the same rule, not a copy.
    if filters.published is not None:
        public_view = visibility.activities(True)
        conditions.append(public_view if filters.published else not_(public_view))
    for name in ("type", "status"):
        if getattr(filters, name):
            conditions.append(act.c[name] == getattr(filters, name))
    if filters.country:
        conditions.append(act.c.country == filters.country.upper())
    if filters.language:
        doc = schema.document
        written_in = select(doc.c.id).where(doc.c.language == filters.language)
        conditions.append(act.c.document_id.in_(written_in))
    if filters.q and search.terms(filters.q):
        conditions.append(search.activity_matches(filters.q, conn))
    if filters.date_from:
        conditions.append(act.c.date >= filters.date_from)
    if filters.date_to:
        conditions.append(act.c.date <= filters.date_to)
    if filters.pillar:
        conditions.append(
            exists().where(link.c.activity_id == act.c.id, link.c.pillar_code == filters.pillar)
        )
    if filters.plan_item is not None:
        conditions.append(
            exists().where(link.c.activity_id == act.c.id, link.c.plan_item_id == filters.plan_item)
        )
    return stmt.where(*conditions)


def select_filtered(
    filters: ActivityFilter, public_only: bool, conn: Connection | None = None
) -> Select[Any]:
    """The activities ``filters`` and the caller's visibility let through (for counts over
    the same set the list shows: :mod:`wpstrack.facets`)."""
    return _filtered(filters, public_only, conn)


def list_activities(
    conn: Connection,
    filters: ActivityFilter | None = None,
    cursor: str | None = None,
    limit: int | None = None,
    *,
    public_only: bool = False,
) -> Page[ActivitySummary]:
    """The register narrowed by ``filters`` in their sort order, one page at a time."""
    filters = filters or ActivityFilter()
    key, descending = _sort_key(filters.sort)
    stmt = _filtered(filters, public_only, conn).add_columns(key)
    keys = [key, schema.activity.c.id]
    rows, next_cursor = paginate(conn, stmt, keys, cursor, limit, descending=descending)
    return Page([ActivitySummary.model_validate(dict(r)) for r in rows], next_cursor)


def filter_choices(conn: Connection, *, public_only: bool = False) -> dict[str, Any]:
    """The values the filter form offers: types, statuses, pillars, countries and measures.

    The countries are those of the activities the caller may see: an anonymous visitor's
    form offered the countries of drafts too, and was thrown away by every draft an ingest
    wrote. Kept until a write the caller could see: the countries are a scan of the
    register, and the form is on every activity list page.
    """
    return kept_until_write(
        conn,
        ("activity filter choices", public_only),
        lambda: _filter_choices(conn, public_only),
        public=public_only,
    )


def _filter_choices(conn: Connection, public_only: bool) -> dict[str, Any]:
    act, pillar = schema.activity, schema.pillar
    if tallies.current(conn):  # the whole register's countries, without reading it
        countries = sorted(k for k, _ in tallies.counts(conn, tallies.VENUE, public_only))
    else:
        countries = list(
            conn.execute(
                select(act.c.country)
                .where(act.c.country.is_not(None), visibility.activities(public_only))
                .distinct()
                .order_by(act.c.country)
            ).scalars()
        )
    pillars = conn.execute(
        select(pillar.c.code, pillar.c.name, pillar.c.name_ja).order_by(pillar.c.sort_order)
    )
    return {
        "types": list(EVENT_TYPES),
        "statuses": list(STATUSES),
        "sorts": list(SORTS),
        "countries": countries,
        "pillars": [dict(r._mapping) for r in pillars],
        "measures": plan_measures(conn),
    }


def plan_measures(conn: Connection) -> list[PlanItemRef]:
    """Every item of every plan, by plan and order in the plan (for link menus).

    Activities are linked to measures; plans written only down to objectives (Japan's example
    plans) are linked at that level, so every kind is offered.
    """
    plan, item = schema.plan, schema.plan_item
    rows = conn.execute(
        select(*_plan_item_columns())
        .join(plan, plan.c.id == item.c.plan_id)
        .order_by(plan.c.country, plan.c.edition, plan.c.code, item.c.sort_order, item.c.id)
    ).mappings()
    return [PlanItemRef.model_validate(dict(r)) for r in rows]


def _plan_item_columns() -> tuple[Any, ...]:
    """The columns of a PlanItemRef: an item with its plan's code."""
    plan, item = schema.plan, schema.plan_item
    return (
        item.c.id,
        plan.c.code.label("plan_code"),
        item.c.code,
        item.c.kind,
        item.c.title,
        item.c.pillar_code,
    )


# --- one activity ---------------------------------------------------------------------------


def _row(conn: Connection, activity_id: int, public_only: bool = False) -> dict[str, Any]:
    act = schema.activity
    row = conn.execute(select(act).where(act.c.id == activity_id)).mappings().first()
    if row is None or not visibility.activity_shown(public_only, row):
        raise NotFound(f"no activity {activity_id}")
    return dict(row)


def _participants(conn: Connection, activity_id: int) -> list[Participant]:
    part, org = schema.activity_participant, schema.organisation
    rows = conn.execute(
        select(
            part,
            org.c.code.label("organisation_code"),
            org.c.name.label("organisation_name"),
            org.c.name_ja.label("organisation_name_ja"),
        )
        .outerjoin(org, org.c.id == part.c.organisation_id)
        .where(part.c.activity_id == activity_id)
        .order_by(part.c.id)
    ).mappings()
    return [Participant.model_validate(dict(r)) for r in rows]


def linked_plan_items(conn: Connection, activity_id: int) -> list[PlanItemRef]:
    """The plan items an activity is linked to."""
    plan, item, link = schema.plan, schema.plan_item, schema.activity_link
    rows = conn.execute(
        select(*_plan_item_columns())
        .join(link, link.c.plan_item_id == item.c.id)
        .join(plan, plan.c.id == item.c.plan_id)
        .where(link.c.activity_id == activity_id, link.c.kind == "plan_item")
        .order_by(plan.c.code, item.c.sort_order, item.c.id)
    ).mappings()
    return [PlanItemRef.model_validate(dict(r)) for r in rows]


def _links(conn: Connection, activity_id: int) -> dict[str, list[Any]]:
    link = schema.activity_link
    rows = conn.execute(
        select(link).where(link.c.activity_id == activity_id).order_by(link.c.id)
    ).mappings()
    found: dict[str, list[Any]] = {"resolutions": [], "pillars": [], "topics": [], "locations": []}
    for r in rows:
        if r["kind"] == "resolution":
            found["resolutions"].append(r["resolution_number"])
        elif r["kind"] == "pillar":
            found["pillars"].append(r["pillar_code"])
        elif r["kind"] == "topic":
            found["topics"].append(r["topic"])
        elif r["kind"] == "location":
            found["locations"].append(r["country"])
    return found


def history(conn: Connection, activity_id: int) -> list[AuditEvent]:
    """Every recorded write to an activity and to its plan links, oldest first."""
    log = schema.audit_event
    own = (log.c.table_name == "activity") & (log.c.row_id == str(activity_id))
    links = (log.c.table_name == "activity_link") & (
        (log.c.after["activity_id"].as_integer() == activity_id)
        | (log.c.before["activity_id"].as_integer() == activity_id)
    )
    rows = conn.execute(select(log).where(own | links).order_by(log.c.id)).mappings()
    return [AuditEvent.model_validate(dict(r)) for r in rows]


def get_activity(
    conn: Connection, activity_id: int, *, public_only: bool = False
) -> ActivityDetail:
    """One activity with participants, plan links, provenance of each value and history."""
    row = _row(conn, activity_id, public_only)
    doc = schema.document
    title = None
    if row["document_id"] is not None:
        title = conn.execute(select(doc.c.title).where(doc.c.id == row["document_id"])).scalar()
    links = _links(conn, activity_id)
    sources = events.sources(conn, activity_id)
    org = schema.organisation
    acting = conn.execute(
        select(org.c.code).where(org.c.id == row["acting_organisation_id"])
    ).scalar()
    return ActivityDetail(
        **row,
        acting_organisation=acting,
        document_title=title,
        participants=_participants(conn, activity_id),
        plan_items=linked_plan_items(conn, activity_id),
        resolutions=links["resolutions"],
        pillars=links["pillars"],
        topics=links["topics"],
        work_countries=links["locations"],
        # Every source's values, each naming its document: a merged event keeps them all.
        provenance=[v for s in sources for v in provenance(conn, s.document_id)],
        sources=sources,
        history=history(conn, activity_id),
    )


# --- writes ---------------------------------------------------------------------------------


def update_activity(
    conn: Connection,
    actor: str | None,
    activity_id: int,
    changes: ActivityUpdate,
    *,
    expected_version: int | None = None,
) -> ActivityDetail:
    """Change an activity's fields; its UTC start follows a changed date, time or zone."""
    values = changes.model_dump(exclude_unset=True)
    if not values:
        raise InvalidInput("nothing to change")
    if "type" in values and values["type"] is None:
        raise InvalidInput("an activity always has a type ('other' when none fits)", "type")
    if {"date", "start_time_local", "timezone"} & values.keys():
        merged = _row(conn, activity_id) | values
        values["start_utc"] = start_instant(
            merged["date"], merged["start_time_local"], merged["timezone"]
        )
    values["updated_at"] = now()
    audit.update(
        conn, actor, schema.activity, activity_id, values, expected_version=expected_version
    )
    return get_activity(conn, activity_id)


def set_published(
    conn: Connection,
    actor: str | None,
    activity_id: int,
    published: bool,
    *,
    expected_version: int | None = None,
) -> ActivityDetail:
    """Publish a reviewed activity (anonymous visitors then see it) or withdraw it."""
    row = _row(conn, activity_id)
    if published and row["status"] == "draft":
        raise Conflict(f"activity {activity_id} is a draft: review it before publishing it")
    values = {
        "is_published": published,
        "status": "published" if published else "reviewed",
        "updated_at": now(),
    }
    action = "publish" if published else "unpublish"
    audit.update(
        conn,
        actor,
        schema.activity,
        activity_id,
        values,
        expected_version=expected_version,
        action=action,
    )
    return get_activity(conn, activity_id)


def link_plan_item(
    conn: Connection,
    actor: str | None,
    activity_id: int,
    plan_item_id: int,
    *,
    expected_version: int | None = None,
) -> ActivityDetail:
    """Link an activity to a plan item (a measure); linking twice changes nothing."""
    item, link = schema.plan_item, schema.activity_link
    if conn.execute(select(item.c.id).where(item.c.id == plan_item_id)).scalar() is None:
        raise NotFound(f"no plan item {plan_item_id}")
    existing = conn.execute(
        select(link.c.id).where(
            link.c.activity_id == activity_id, link.c.plan_item_id == plan_item_id
        )
    ).scalar()
    # The activity's version moves on first: a stale link attempt fails before any write.
    audit.update(
        conn,
        actor,
        schema.activity,
        activity_id,
        {"updated_at": now()},
        expected_version=expected_version,
        action="link",
    )
    if existing is None:
        values = {"activity_id": activity_id, "kind": "plan_item", "plan_item_id": plan_item_id}
        audit.insert(conn, actor, link, values, action="link")
    return get_activity(conn, activity_id)


def unlink_plan_item(
    conn: Connection,
    actor: str | None,
    activity_id: int,
    plan_item_id: int,
    *,
    expected_version: int | None = None,
) -> ActivityDetail:
    """Remove an activity's link to a plan item."""
    link = schema.activity_link
    link_id = conn.execute(
        select(link.c.id).where(
            link.c.activity_id == activity_id, link.c.plan_item_id == plan_item_id
        )
    ).scalar()
    if link_id is None:
        raise NotFound(f"activity {activity_id} is not linked to plan item {plan_item_id}")
    audit.update(
        conn,
        actor,
        schema.activity,
        activity_id,
        {"updated_at": now()},
        expected_version=expected_version,
        action="unlink",
    )
    audit.delete(conn, actor, link, link_id)
    return get_activity(conn, activity_id)
