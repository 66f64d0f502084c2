"""Build the annual implementation report of a plan for a period, from the database alone.

The report follows the plan: a section per pillar in the pillars' own order, then the plan's
parts that belong to no pillar (monitoring and evaluation, for one). Under each part come
the register entries linked to it and its indicators. Only reviewed and published
activities count (a draft is a machine's proposal, not a fact), dated within the period.
Every activity cites the release it was taken from, by title, publisher, date and id.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import pycountry
from sqlalchemy import Connection, select

from wpstrack import fields, funding, i18n, indicators, narratives, schema
from wpstrack.errors import InvalidInput
from wpstrack.funding.rates import Converter
from wpstrack.plans.store import plan_id
from wpstrack.reports import parts
from wpstrack.reports.figures import figures, money_lines, scope
from wpstrack.reports.model import (
    ActivityEntry,
    Annex,
    AnnexLine,
    Citation,
    IndicatorRow,
    ItemSection,
    Period,
    PillarSection,
    Report,
)
from wpstrack.schema import PEOPLE_ROLES


def country_name(code: str | None) -> str:
    """The short name of an ISO 3166 country code in the language being served (English
    from pycountry, Japanese from Babel; the code itself if unknown)."""
    if not code:
        return ""
    found = pycountry.countries.get(alpha_2=code.upper())
    return i18n.country_name(code, str(found.name) if found else code.upper())


def _japanese() -> bool:
    return i18n.current_language() == "ja"


def _name(row: Any, english: str = "name") -> str:
    """A reference row's name in the language being served (its ``name_ja`` in Japanese)."""
    japanese = getattr(row, "name_ja", None)
    return str(japanese) if _japanese() and japanese else str(getattr(row, english))


@dataclass
class _Register:
    """The period's activities with their links, keyed by activity id."""

    entries: dict[int, ActivityEntry] = field(default_factory=dict)
    items: dict[int, set[int]] = field(default_factory=lambda: defaultdict(set))  # act -> items
    pillars: dict[int, set[str]] = field(default_factory=lambda: defaultdict(set))  # act -> pillars


def _citation(row: Any) -> Citation | None:
    if row.document_id is None:
        return None
    source = row.doc_source or ""
    shown = source if source.startswith(("http://", "https://")) else row.doc_filename
    return Citation(row.document_id, row.doc_title, row.doc_publisher, shown, row.doc_published)


def _entries(conn: Connection, period: Period, pid: int) -> dict[int, ActivityEntry]:
    act, doc = schema.activity, schema.document
    rows = conn.execute(
        select(
            act,
            doc.c.title.label("doc_title"),
            doc.c.publisher.label("doc_publisher"),
            doc.c.source.label("doc_source"),
            doc.c.filename.label("doc_filename"),
            doc.c.published_on.label("doc_published"),
        )
        .outerjoin(doc, doc.c.id == act.c.document_id)
        .where(*scope(conn, period, pid))
        .order_by(act.c.date, act.c.id)
    )
    entries = {}
    for r in rows:
        place = ", ".join(p for p in (r.city, country_name(r.country)) if p) or None
        entries[r.id] = ActivityEntry(
            id=r.id,
            date=r.date,
            type=fields.code_label("event_type", r.type),
            title=r.title,
            place=place,
            status=r.status,
            citation=_citation(r),
        )
    return entries


def _person(row: Any) -> str:
    detail = ", ".join(p for p in (row.title, row.affiliation) if p)
    return f"{row.name} ({detail})" if detail else str(row.name)


def _add_participants(conn: Connection, period: Period, pid: int, register: _Register) -> None:
    act, part, org = schema.activity, schema.activity_participant, schema.organisation
    rows = conn.execute(
        select(part, org.c.acronym, org.c.name.label("org_name"), org.c.name_ja)
        .join(act, act.c.id == part.c.activity_id)
        .outerjoin(org, org.c.id == part.c.organisation_id)
        .where(*scope(conn, period, pid))
        .order_by(part.c.activity_id, part.c.id)
    )
    for r in rows:
        entry = register.entries[r.activity_id]
        if r.role in PEOPLE_ROLES and r.name:
            entry.people.append(_person(r))
        elif r.organisation_id is not None:
            label = r.name_ja if _japanese() and r.name_ja else (r.acronym or r.org_name)
            if label not in entry.organisations:
                entry.organisations.append(label)


def _add_links(conn: Connection, period: Period, pid: int, register: _Register) -> None:
    """Each activity's plan items and the pillars it is tagged with."""
    act, link = schema.activity, schema.activity_link
    rows = conn.execute(
        select(link.c.activity_id, link.c.kind, link.c.pillar_code, link.c.plan_item_id)
        .join(act, act.c.id == link.c.activity_id)
        .where(*scope(conn, period, pid), link.c.kind.in_(("pillar", "plan_item")))
    )
    for r in rows:
        if r.kind == "pillar" and r.pillar_code:
            register.pillars[r.activity_id].add(r.pillar_code)
        elif r.plan_item_id is not None:
            register.items[r.activity_id].add(r.plan_item_id)


def _register(conn: Connection, period: Period, pid: int) -> _Register:
    """The period's activities the plan's government carries out or funds."""
    register = _Register(entries=_entries(conn, period, pid))
    _add_participants(conn, period, pid, register)
    _add_links(conn, period, pid, register)
    return register


def _period_year(label: str | None) -> int | None:
    digits = "".join(ch for ch in label or "" if ch.isdigit())
    return int(digits[:4]) if len(digits) >= 4 else None


def _target_period(targets: dict[str, float], label: str) -> str | None:
    """Which period's target :func:`wpstrack.indicators.target_for` picks, to show it."""
    if label in targets:
        return label
    later = sorted(p for p in targets if p > label)
    return later[0] if later else max(targets, default=None)


def indicator_rows(
    conn: Connection, plan_code: str, period: Period
) -> dict[int | None, list[IndicatorRow]]:
    """Each indicator's baseline, latest value up to the period, target and progress, by item.

    The latest value is the last total recorded for a period that does not end after the
    report's; the target is the one :func:`wpstrack.indicators.target_for` says applies to
    the report's period, and progress is :func:`wpstrack.indicators.progress` of the two.
    """
    ind = schema.indicator
    rows = conn.execute(
        select(ind.c.code, ind.c.plan_item_id)
        .where(ind.c.plan_id == plan_id(conn, plan_code))
        .order_by(ind.c.sort_order, ind.c.id)
    ).all()
    out: dict[int | None, list[IndicatorRow]] = defaultdict(list)
    for code, item_id in rows:
        series = indicators.series(conn, plan_code, code, approved_only=True)
        points = [p for p in series["series"] if (_period_year(p["period"]) or 0) <= period.year]
        latest = points[-1] if points else None
        target = indicators.target_for(series["targets"], period.label)
        target_period = _target_period(series["targets"], period.label)
        value = latest["value"] if latest else None
        out[item_id].append(
            IndicatorRow(
                code=series["code"],
                name=series["name"],
                unit=series["unit"],
                direction=series["direction"],
                method=series["method"],
                baseline=series["baseline_value"],
                baseline_period=series["baseline_period"],
                latest=value,
                latest_period=latest["period"] if latest else None,
                target=target,
                target_period=target_period if target is not None else None,
                progress_pct=indicators.progress(
                    value, series["baseline_value"], target, series["direction"]
                ),
            )
        )
    return out


@dataclass
class _Item:
    id: int
    code: str
    kind: str
    title: str
    pillar: str | None  # its own, else the nearest ancestor's
    depth: int


def _plan_items(conn: Connection, pid: int) -> list[_Item]:
    """The plan's items depth first in plan order, each with the pillar it falls under."""
    item = schema.plan_item
    rows = conn.execute(
        select(item).where(item.c.plan_id == pid).order_by(item.c.sort_order, item.c.id)
    ).all()
    children: dict[int | None, list[Any]] = defaultdict(list)
    for r in rows:
        children[r.parent_id].append(r)
    ordered: list[_Item] = []

    def walk(parent: int | None, pillar: str | None, depth: int) -> None:
        for r in children[parent]:
            own = r.pillar_code or pillar
            ordered.append(_Item(r.id, r.code, r.kind, r.title, own, depth))
            walk(r.id, own, depth + 1)

    walk(None, None, 0)
    return ordered


def _section(
    code: str | None,
    title: str,
    description: str,
    items: list[_Item],
    register: _Register,
    found: dict[int | None, list[IndicatorRow]],
) -> PillarSection:
    mine = [i for i in items if i.pillar == code]
    ids = {i.id for i in mine}
    tagged = {a for a, pillars in register.pillars.items() if code in pillars}
    section = PillarSection(code, title, description, tagged_activities=len(tagged))
    for i in mine:
        linked = [e for a, e in register.entries.items() if i.id in register.items.get(a, ())]
        section.items.append(
            ItemSection(i.code, i.kind, i.title, i.depth, linked, found.get(i.id, []))
        )
    if code is not None:
        section.other_activities = [
            register.entries[a]
            for a in register.entries
            if a in tagged and not register.items.get(a, set()) & ids
        ]
    return section


def _sections(
    conn: Connection, pid: int, register: _Register, found: dict[int | None, list[IndicatorRow]]
) -> list[PillarSection]:
    """One section per pillar, then one for the items under none (when there are any)."""
    items = _plan_items(conn, pid)
    p = schema.pillar
    # A pillar's description is English reference text: a Japanese edition leaves it out.
    sections = [
        _section(r.code, _name(r), "" if _japanese() else r.description, items, register, found)
        for r in conn.execute(select(p).order_by(p.c.sort_order))
    ]
    rest = _section(None, i18n.gettext("Other parts of the plan"), "", items, register, found)
    if rest.items:
        sections.append(rest)
    return sections


def annex(conn: Connection, period: Period, currency: str, plan: str | None = None) -> Annex:
    """Contributions of the period scored significant (1) or principal (2), converted; with
    ``plan``, only those the plan counts (its government's and those tied to its items)."""
    filters = funding.ContributionFilter(
        year_from=period.year, year_to=period.year, gender_marker_at_least=1, plan=plan
    )
    converter = Converter(conn, currency)
    pillar = schema.pillar
    pillars = dict(conn.execute(select(pillar.c.code, pillar.c.name)).all())
    lines: list[AnnexLine] = []
    cursor: str | None = None
    while True:
        page = funding.list_contributions(conn, filters, cursor, 500)
        for c in page.items:
            converted = converter.convert(c.amount, c.currency, c.year)
            marker = int(c.gender_marker or 0)
            lines.append(
                AnnexLine(
                    date=c.date,
                    donor=c.donor_name,
                    recipient=c.recipient_name,
                    amount=c.amount,
                    currency=c.currency,
                    converted=None if converted is None else funding.rates.quantize(converted),
                    gender_marker=marker,
                    marker_label=funding.GENDER_MARKERS[marker],
                    pillar=pillars.get(c.pillar_code) if c.pillar_code else None,
                    transaction_type=c.transaction_type,
                    reference=c.reference,
                )
            )
        if not (cursor := page.next_cursor):
            break
    summary = funding.summarise(conn, "marker", currency=currency, filters=filters, partial=True)
    return Annex(
        currency=summary.currency,
        lines=lines,
        by_marker=money_lines(summary.groups),
        commitment=summary.commitment,
        disbursement=summary.disbursement,
    )


def _notes(report: Report) -> list[str]:
    _ = i18n.gettext
    notes = [
        _(
            "Activities are those the government of %(country)s carries out or funds (as lead, "
            "implementer or funder); other governments' and organisations' activities in the "
            "register are not counted.",
            country=report.country_name,
        )
    ]
    if report.figures.missing_rates:
        notes.append(
            _(
                "Funding totals leave out amounts without an exchange rate into %(currency)s: "
                "%(missing)s.",
                currency=report.figures.currency,
                missing="; ".join(report.figures.missing_rates),
            )
        )
    computed = [
        r
        for s in report.sections
        for r in s.indicators
        if r.method == "computed" and r.latest is None
    ]
    if computed:
        notes.append(
            _(
                "Computed indicators without a stored value (%(codes)s): run 'wpstrack "
                "indicators refresh' before building the report.",
                codes=", ".join(r.code for r in computed),
            )
        )
    return notes


def build_report(
    conn: Connection,
    plan_code: str,
    period: str | Period,
    currency: str = funding.DEFAULT_CURRENCY,
    language: str = "en",
) -> Report:
    """The annual implementation report of ``plan_code`` for ``period`` ("2024", "FY2024"),
    with names (pillars, organisations, countries, activity types) in ``language``."""
    if language not in i18n.LANGUAGES:
        raise InvalidInput(
            f"report language {language!r} is not one of {', '.join(i18n.LANGUAGES)}"
        )
    when = period if isinstance(period, Period) else Period.parse(period)
    with i18n.language(language):
        return _build(conn, plan_code, when, currency, language)


def _build(conn: Connection, plan_code: str, when: Period, currency: str, language: str) -> Report:
    pid = plan_id(conn, plan_code)
    plan = conn.execute(select(schema.plan).where(schema.plan.c.id == pid)).one()
    register = _register(conn, when, pid)
    found = indicator_rows(conn, plan_code, when)
    sections = _sections(conn, pid, register, found)
    linked = {e.id for s in sections for i in s.items for e in i.activities}
    linked |= {e.id for s in sections for e in s.other_activities}
    plan_period = (
        f"{plan.period_start}–{plan.period_end}" if plan.period_start and plan.period_end else None
    )
    country = country_name(plan.country)
    report = Report(
        plan_code=plan.code,
        plan_title=plan.title,
        edition=plan.edition,
        country=plan.country,
        country_name=country,
        plan_period=plan_period,
        period=when,
        figures=figures(conn, when, currency, pid, plan.code),
        sections=sections,
        unlinked=[e for a, e in register.entries.items() if a not in linked],
        indicators_without_item=found.get(None, []),
        annex=annex(conn, when, currency, plan.code),
        language=language,
        government=parts.government(country),
        ministry=parts.ministry(conn, pid, plan.country),
        sources=parts.sources(conn, scope(conn, when, pid)),
        fictional=bool(plan.fictional),
    )
    texts = parts.narrative_texts(conn, plan.code, when.label)
    report.summary = texts.get(narratives.SUMMARY)
    lines = {m.key: m for m in report.figures.funding_by_pillar}
    money = parts.pillar_funding(conn, when.year, currency, lines, plan.code)
    for sec in sections:
        if sec.code is not None:
            sec.narrative = texts.get(sec.code)
            sec.funding = money.get(sec.code)
    report.falling = [s.title for s in sections if s.funding and s.funding.falling]
    parts.localise(conn, report)
    report.notes = _notes(report)
    return report
