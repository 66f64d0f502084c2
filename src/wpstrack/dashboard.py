"""The dashboard: the register in figures, one plain dict for the page and the API alike.

Figures count activities, so a visitor sees at a glance what the register holds: how many
activities per month, per type and per pillar; the share of women among the people named as
taking part; which UN entities the activities engaged; how many drafts wait for review; and
the latest activities. Anonymous visitors' figures count published activities only, and the
review backlog (a count of unpublished work) is shown to logged-in users only.

Each figure takes a *scope*: the WHERE clauses on ``activity`` that say which entries count.
The dashboard passes none (every entry) or "published"; the annual report passes its period,
so that the report and the dashboard share one definition of each figure. With no scope a
figure reads the participant or link table alone, from an index holding every column it
needs; with one it joins ``activity``, whose published flag it reads from the small
``(id, is_published)`` index (schema.py; bench/dashboard.py times both over 100,000 entries).

The dashboard of the whole register (no plan, period or pillar) reads those figures from
the tallies instead (:mod:`wpstrack.tallies`, kept up to date by every write): counted from
the register they took 4.6 s at 1,000,000 entries after each write.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import (
    BindParameter,
    ColumnElement,
    Connection,
    FromClause,
    Integer,
    Select,
    bindparam,
    cast,
    distinct,
    func,
    select,
)

from wpstrack import schema, tallies, visibility
from wpstrack.db import kept_until_write
from wpstrack.funding.summary import funding_overview
from wpstrack.indicators.progress import approved_overview
from wpstrack.schema import PEOPLE_ROLES

LATEST = 10
# Organisation types that are part of the UN system (see the reference data).
UN_TYPE_PREFIX = "un_"
# WHERE clauses on ``activity``; empty: every entry counts.
Scope = Sequence[ColumnElement[bool]]
REVIEW_STATUSES = ("draft", "reviewed", "published")


def _visible(public: bool) -> list[ColumnElement[bool]]:
    """The scope of the dashboard: published entries for the public, else every entry."""
    # No condition at all (rather than an always-true one) lets a figure skip the join.
    return [visibility.activities(True)] if public else []


def _written_out(value: Any) -> BindParameter[Any]:
    """``value`` written into the SQL rather than bound, so that SQLite can match the
    condition with the one of a partial index meant for the dashboard alone (schema.py): it
    does not look inside a bound list."""
    return bindparam(None, value, expanding=isinstance(value, tuple), literal_execute=True)


def _within(table: FromClause, scope: Scope) -> FromClause:
    """``table`` joined to ``activity`` when the scope filters on it, else alone."""
    act = schema.activity
    return table.join(act, act.c.id == table.c.activity_id) if scope else table


@dataclass(frozen=True)
class Tally:
    """Entries in scope, by type (most frequent first) and by review status."""

    total: int
    by_type: list[tuple[str, int]]
    by_status: dict[str, int]


def tally(conn: Connection, scope: Scope = ()) -> Tally:
    """Count the entries in scope by type and status in one pass (total, types, backlog).

    Grouped in the column order of ``ix_activity_type_status_published`` (its leading
    columns), so the database reads that index alone and in order, with no sort.
    """
    act = schema.activity
    rows = conn.execute(
        select(act.c.status, act.c.type, func.count())
        .where(*scope)
        .group_by(act.c.type, act.c.status)
    ).all()
    return _tally(rows)


def _tally(rows: Any) -> Tally:
    types: Counter[str] = Counter()
    statuses: Counter[str] = Counter()
    for status, type_, n in rows:
        types[type_] += n
        statuses[status] += n
    return Tally(
        total=sum(types.values()),
        by_type=sorted(types.items(), key=lambda t: (-t[1], t[0])),
        by_status={s: statuses[s] for s in REVIEW_STATUSES},
    )


def by_month(conn: Connection, scope: Scope = ()) -> list[dict[str, Any]]:
    """Entries per calendar month of their date (undated ones are left out).

    Counted per date from the date index and summed per month here: a month expression
    would be evaluated on every row.
    """
    act = schema.activity
    rows = conn.execute(
        select(act.c.date, func.count()).where(*scope, act.c.date.is_not(None)).group_by(act.c.date)
    )
    return _months((f"{day.year:04d}-{day.month:02d}", n) for day, n in rows)


def _months(counted: Any) -> list[dict[str, Any]]:
    months: Counter[str] = Counter()
    for month, n in counted:
        months[month] += n
    return [{"month": m, "count": months[m]} for m in sorted(months)]


def by_pillar(conn: Connection, scope: Scope = ()) -> list[dict[str, Any]]:
    """Entries tagged with each pillar, in the pillars' own order (zero counts kept).

    A pillar link without a pillar counts for none; saying so lets the database read
    ``ix_activity_link_pillar``, which leaves such links out.
    """
    link, pillar = schema.activity_link, schema.pillar
    tagged = (
        select(link.c.pillar_code, func.count(distinct(link.c.activity_id)).label("n"))
        .select_from(_within(link, scope))
        .where(link.c.kind == "pillar", link.c.pillar_code.is_not(None), *scope)
        .group_by(link.c.pillar_code)
        .subquery()
    )
    rows = conn.execute(
        select(
            pillar.c.code, pillar.c.name, pillar.c.name_ja, func.coalesce(tagged.c.n, 0).label("n")
        )
        .outerjoin(tagged, tagged.c.pillar_code == pillar.c.code)
        .order_by(pillar.c.sort_order)
    )
    return [{"code": r.code, "name": r.name, "name_ja": r.name_ja, "count": int(r.n)} for r in rows]


def women_share(conn: Connection, scope: Scope = ()) -> dict[str, Any]:
    """Named participants, how many are women, and the share (None when nobody is named).

    People whose gender the sources do not state are counted as named but not as women,
    and reported apart, so the share is a lower bound that says how much is unknown.
    Organisations and people only mentioned did not take part: only ``PEOPLE_ROLES`` count.
    The condition is the one of ``ix_activity_participant_named``, which holds these rows.
    """
    part = schema.activity_participant
    stmt = (
        select(
            func.count().label("named"),
            func.count().filter(part.c.gender == "f").label("women"),
            func.count().filter(part.c.gender.is_(None)).label("unknown"),
        )
        .select_from(_within(part, scope))
        .where(part.c.name.is_not(None), part.c.role.in_(_written_out(PEOPLE_ROLES)), *scope)
    )
    row = conn.execute(stmt).one()
    return _women(int(row.named), int(row.women), int(row.unknown))


def _women(named: int, women: int, unknown: int) -> dict[str, Any]:
    return {
        "named": named,
        "women": women,
        "gender_unknown": unknown,
        "share": round(women / named, 3) if named else None,
    }


def un_entities(
    conn: Connection, scope: Scope = (), limit: int | None = 15
) -> list[dict[str, Any]]:
    """UN-system organisations linked to entries, by number of entries (then by code).

    Counted per UN organisation id from ``ix_activity_participant_organisation`` (a range
    each), then named: joined to the organisations instead, SQLite reads every participant
    and its entry's table row (three to four times slower for the public at 100,000
    entries). "organisation_id > 0" (every id is) is that partial index's condition.
    """
    part, org = schema.activity_participant, schema.organisation
    un = select(org.c.id).where(org.c.type.startswith(UN_TYPE_PREFIX))
    counted = (
        select(part.c.organisation_id, func.count(distinct(part.c.activity_id)).label("n"))
        .select_from(_within(part, scope))
        .where(part.c.organisation_id.in_(un), part.c.organisation_id > _written_out(0), *scope)
        .group_by(part.c.organisation_id)
        .subquery()
    )
    rows = conn.execute(
        select(org.c.code, org.c.name, org.c.acronym, counted.c.n)
        .join(counted, counted.c.organisation_id == org.c.id)
        .order_by(counted.c.n.desc(), org.c.code)
        .limit(limit)
    )
    return [{"code": r.code, "name": r.name, "acronym": r.acronym, "count": int(r.n)} for r in rows]


def _from_tallies(conn: Connection, public: bool) -> dict[str, Any]:
    """The register-wide figures from the tallies (:mod:`wpstrack.tallies`): the same as
    :func:`tally`, :func:`by_month`, :func:`by_pillar`, :func:`women_share` and
    :func:`un_entities` with no scope but visibility, without reading the register."""
    pillar, org = schema.pillar, schema.organisation

    def counted(figure: str) -> list[tuple[str, int]]:
        return tallies.counts(conn, figure, public)

    pairs = [(k.split(tallies.SEP), n) for k, n in counted(tallies.TYPE_STATUS)]
    counts = _tally([(status, type_, n) for (type_, status), n in pairs])
    tagged = dict(counted(tallies.PILLAR))
    pillars = conn.execute(
        select(pillar.c.code, pillar.c.name, pillar.c.name_ja).order_by(pillar.c.sort_order)
    )
    people = dict(counted(tallies.PEOPLE))
    un = tallies.figure_select(tallies.ORGANISATION, public).subquery()
    entities = conn.execute(
        select(org.c.code, org.c.name, org.c.acronym, un.c.n)
        .join(un, org.c.id == cast(un.c.key, Integer))
        .where(org.c.type.startswith(UN_TYPE_PREFIX))
        .order_by(un.c.n.desc(), org.c.code)
        .limit(15)
    )
    return {
        "counts": counts,
        "by_month": _months((day[:7], n) for day, n in counted(tallies.DATE)),
        "by_pillar": [
            {"code": r.code, "name": r.name, "name_ja": r.name_ja, "count": tagged.get(r.code, 0)}
            for r in pillars
        ],
        "women": _women(
            people.get("named", 0), people.get("women", 0), people.get("gender_unknown", 0)
        ),
        "un_entities": [
            {"code": r.code, "name": r.name, "acronym": r.acronym, "count": int(r.n)}
            for r in entities
        ],
    }


def review_backlog(conn: Connection, counts: Tally) -> dict[str, int]:
    """Entries per review status (``counts`` over every entry), and the rejected documents."""
    doc = schema.document
    rejected = conn.execute(
        select(func.count()).select_from(doc).where(doc.c.status == "rejected")
    ).scalar_one()
    return {**counts.by_status, "rejected_documents": int(rejected)}


def _latest_query(scope: Scope) -> Select[Any]:
    """Newest first, undated last: in the order of the list's date index, which PostgreSQL
    then reads backwards (``date DESC NULLS LAST`` has no index: it sorted every visible
    entry, 125-140 ms at 1,000,000)."""
    from wpstrack.activities import sort_date

    act = schema.activity
    return (
        select(act.c.id, act.c.title, act.c.type, act.c.date, act.c.status, act.c.country)
        .where(*scope)
        .order_by(sort_date().desc(), act.c.id.desc())
        .limit(LATEST)
    )


def latest(conn: Connection, scope: Scope = ()) -> list[dict[str, Any]]:
    """The most recent entries by their date."""
    return [dict(r) for r in conn.execute(_latest_query(scope)).mappings()]


@dataclass(frozen=True)
class Filters:
    """What the dashboard is narrowed to; each figure on it applies all three.

    ``plan``: what that plan's government carries out or funds (and its indicators);
    ``period``: a calendar year (``2024``), or with a plan one of its periods (``FY2024``,
    ``2024-Q1``); ``pillar``: a pillar code.
    """

    plan: str | None = None
    period: str | None = None
    pillar: str | None = None

    def key(self) -> tuple[str | None, str | None, str | None]:
        return (self.plan, self.period, self.pillar)


@dataclass(frozen=True)
class Window:
    """The period filter resolved: its label, the days it covers and the funding year."""

    label: str
    start: date
    end: date
    year: int


def check_filters(conn: Connection, filters: Filters) -> tuple[Filters, Window | None]:
    """The filters with blanks dropped, checked (unknown plan or pillar, a period that is
    neither a year nor one of the plan's periods: InvalidInput), and the period's window."""
    from wpstrack.errors import InvalidInput
    from wpstrack.indicators.values import plan_period
    from wpstrack.plans import periods
    from wpstrack.plans.store import plan_id

    plan = (filters.plan or "").strip() or None
    period = (filters.period or "").strip() or None
    pillar = (filters.pillar or "").strip() or None
    if plan is not None:
        plan_id(conn, plan)  # NotFound names the plans
    if pillar is not None:
        known = list(conn.execute(select(schema.pillar.c.code)).scalars())
        if pillar not in known:
            raise InvalidInput(f"unknown pillar {pillar!r} (known: {', '.join(known)})")
    window = None
    if period is not None:
        if period.isdigit() or plan is None:
            found = periods.parse(period)
        else:
            found = plan_period(conn, plan, period)
        window = Window(found.label, found.start, found.end, found.start.year)
        period = found.label
    return Filters(plan, period, pillar), window


def _activity_scope(
    conn: Connection, public: bool, filters: Filters, window: Window | None
) -> list[ColumnElement[bool]]:
    from wpstrack import actors
    from wpstrack.plans.store import plan_id

    act, link = schema.activity, schema.activity_link
    scope = _visible(public)
    if filters.plan is not None:  # what the plan's government carries out or funds
        scope = [*scope, actors.plan_scope(conn, plan_id(conn, filters.plan))]
    if window is not None:
        scope = [*scope, act.c.date.between(window.start, window.end)]
    if filters.pillar is not None:
        tagged = (
            select(link.c.activity_id)
            .where(link.c.kind == "pillar", link.c.pillar_code == filters.pillar)
            .scalar_subquery()
        )
        scope = [*scope, act.c.id.in_(tagged)]
    return scope


def _figures(conn: Connection, public: bool, filters: Filters) -> dict[str, Any]:
    from wpstrack import matrix
    from wpstrack.plans.store import fictional_codes

    filters, window = check_filters(conn, filters)
    scope = _activity_scope(conn, public, filters, window)
    if filters == Filters() and tallies.current(conn):
        figures = _from_tallies(conn, public)
    else:
        figures = {
            "counts": tally(conn, scope),
            "by_month": by_month(conn, scope),
            "by_pillar": by_pillar(conn, scope),
            "women": women_share(conn, scope),
            "un_entities": un_entities(conn, scope),
        }
    counts = figures["counts"]
    where = matrix.MatrixFilter(
        plan=filters.plan,
        pillar=[filters.pillar] if filters.pillar else [],
        date_from=window.start if window else None,
        date_to=window.end if window else None,
    )
    indicators = approved_overview(
        conn,
        plan=filters.plan,
        pillar=filters.pillar,
        start=window.start if window else None,
        end=window.end if window else None,
    )
    funds = funding_overview(
        conn, plan=filters.plan, pillar=filters.pillar, year=window.year if window else None
    )
    fictional = fictional_codes(conn)
    return {
        "public": public,
        "plan": filters.plan,
        "period": filters.period,
        "pillar": filters.pillar,
        # Invented plans whose figures this dashboard counts: the page says so.
        "fictional": sorted(fictional & {filters.plan}) if filters.plan else sorted(fictional),
        "activities": counts.total,
        "by_month": figures["by_month"],
        "by_type": [{"type": t, "count": n} for t, n in counts.by_type],
        "by_pillar": figures["by_pillar"],
        "women": figures["women"],
        "un_entities": figures["un_entities"],
        "review_backlog": None if public else review_backlog(conn, counts),
        "latest": latest(conn, scope),
        # The 3W map's counts: reviewed and published entries by where the work happens.
        "by_country": matrix.by_country(conn, where, public),
        "indicators": indicators,
        "funding": funds,
    }


def dashboard(
    conn: Connection,
    *,
    public: bool,
    plan: str | None = None,
    period: str | None = None,
    pillar: str | None = None,
) -> dict[str, Any]:
    """Every figure of the dashboard; ``public`` counts published activities only; ``plan``,
    ``period`` and ``pillar`` narrow every figure (see :class:`Filters`).

    The figures are kept until the database changes (:func:`wpstrack.db.kept_until_write`;
    for the public, until a write the public could see), shared by every connection of the
    engine, under the visibility and the filters as given: visitors mostly read, and reading
    the figures from the register costs about 110 ms at 100,000 entries.
    """
    filters = Filters(plan or None, period or None, pillar or None)
    return kept_until_write(
        conn,
        ("dashboard", public, *filters.key()),
        lambda: _figures(conn, public, filters),
        public=public,
    )


# Each figure's table: the rows the page shows under its chart and the CSV download gives,
# (column, heading) in order. One definition, so the CSV cannot differ from the table.
TABLES: dict[str, tuple[tuple[str, str], ...]] = {
    "by_month": (("month", "Month"), ("count", "Activities")),
    "by_type": (("type", "Type"), ("count", "Activities")),
    "by_pillar": (("code", "Pillar"), ("name", "Name"), ("count", "Activities")),
    "by_country": (("country", "Country"), ("name", "Name"), ("activities", "Activities")),
    "indicators": (
        *(("plan", "Plan"), ("code", "Indicator"), ("name", "Name"), ("pillar", "Pillar")),
        *(("unit", "Unit"), ("baseline", "Baseline"), ("period", "Period")),
        *(("value", "Value"), ("target", "Target"), ("progress", "Progress (%)")),
    ),
    "funding_by_partner": (
        *(("key", "Code"), ("label", "Partner"), ("commitment", "Commitments")),
        *(("disbursement", "Disbursements"), ("currency", "Currency")),
        ("contributions", "Contributions"),
    ),
    "funding_by_pillar": (
        *(("key", "Code"), ("label", "Pillar"), ("commitment", "Commitments")),
        *(("disbursement", "Disbursements"), ("currency", "Currency")),
        ("contributions", "Contributions"),
    ),
    "funding_falling": (
        *(("dimension", "Of"), ("key", "Code"), ("label", "Name"), ("year", "Year")),
        *(("amount", "Commitments"), ("previous", "Year before")),
        *(("change_pct", "Change (%)"), ("currency", "Currency")),
    ),
}


def table_rows(figures: dict[str, Any], name: str) -> list[dict[str, Any]]:
    """The rows of figure ``name``'s table, in its columns' order (for the page and CSV)."""
    from wpstrack.errors import InvalidInput

    if name not in TABLES:
        raise InvalidInput(f"no dashboard figure {name!r} (figures: {', '.join(TABLES)})")
    funds = figures["funding"]
    source = (
        {
            "funding_by_partner": funds["by_partner"],
            "funding_by_pillar": funds["by_pillar"],
            "funding_falling": funds["falling"],
        }.get(name)
        or figures.get(name)
        or []
    )
    extra = {"currency": funds["currency"]}
    return [{col: {**extra, **row}.get(col) for col, _ in TABLES[name]} for row in source]
