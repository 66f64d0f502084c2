"""The contribution register: import from CSV or XLSX (with a dry run), and list.

File layout (one header row; column names in any case, spaces or underscores):

=================  ========  ==================================================================
column             required  meaning
=================  ========  ==================================================================
donor              yes       organisation that gives (code, name, acronym or alias)
recipient          yes       organisation that receives (same forms)
amount             yes       positive, at most 2 decimals: 1250000, 1,250,000.50
currency           yes       ISO 4217 code: USD, JPY, EUR ...
date               yes       YYYY-MM-DD (or a date cell) of the commitment or disbursement
transaction_type   yes       commitment | disbursement
year               no        reporting year it counts in (e.g. a fiscal year); default: date's
pillar             no        pillar code or name (participation, prevention, ...)
gender_marker      no        OECD DAC marker 0 not targeted, 1 significant, 2 principal
                             (a word or a digit); empty = not screened
reference          no        your own identifier: agreement, project or line number
plan, plan_item    no        a plan code and one of its item codes, together
activity_id        no        id of a register activity
source             no        where the figure comes from (URL, document)
note               no        free text
=================  ========  ==================================================================

Organisations are resolved with :func:`wpstrack.reference.resolve_organisation` and then the
``organisation`` table (code, name, acronym, aliases). An unknown organisation rejects the
row, because a typo would otherwise create a recipient of its own and split its totals;
``allow_unresolved=True`` (``--allow-unresolved``) keeps such names as written instead.

Natural key: donor, recipient, date, transaction type and reference. A row whose key is
already in the register updates that record (only when something differs); two rows of one
file with the same key are an error. The import is all or nothing: any rejected row means
nothing from the file is written, and the dry run lists every row with what it would do.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Select, or_, select
from sqlalchemy.orm import aliased

from wpstrack import schema
from wpstrack.errors import InvalidInput, NotFound
from wpstrack.funding.importing import apply, read_file, shown
from wpstrack.funding.model import (
    GENDER_MARKERS,
    TRANSACTION_TYPES,
    Action,
    Contribution,
    ContributionFilter,
    ImportReport,
    RowOutcome,
)
from wpstrack.funding.resolve import Lookups, party_key
from wpstrack.funding.tables import (
    RowError,
    SheetRow,
    currency_cell,
    date_cell,
    decimal_cell,
    int_cell,
    read_table,
    required_text,
    text_cell,
)
from wpstrack.pagination import Page, paginate

COLUMNS = (
    "donor",
    "recipient",
    "amount",
    "currency",
    "date",
    "transaction_type",
    "year",
    "pillar",
    "gender_marker",
    "reference",
    "plan",
    "plan_item",
    "activity_id",
    "source",
    "note",
    "purpose_code",
    "recipient_country",
)
REQUIRED = COLUMNS[:6]
# Stored columns an import may set; a re-import compares exactly these.
STORED = (
    "donor_id",
    "donor_name",
    "recipient_id",
    "recipient_name",
    "amount",
    "currency",
    "date",
    "year",
    "pillar_code",
    "gender_marker",
    "transaction_type",
    "reference",
    "plan_item_id",
    "activity_id",
    "source",
    "note",
    "purpose_code",
    "recipient_country",
)
CENT = Decimal("0.01")
_MARKER_WORDS = {w.replace(" ", "_"): n for n, w in GENDER_MARKERS.items()}


def _gender_marker(cells: dict[str, Any]) -> int | None:
    """The DAC marker written as a digit (``1``, a cell holding 1.0) or a word (``significant``)."""
    text = text_cell(cells, "gender_marker", 40)
    if text is None:
        return None
    key = text.casefold().replace(" ", "_")
    if key in _MARKER_WORDS:
        return _MARKER_WORDS[key]
    if key in {str(n) for n in GENDER_MARKERS}:
        return int(key)
    raise RowError(
        f"gender_marker: {text!r} is not 0 (not targeted), 1 (significant) or 2 (principal)"
    )


def _purpose_code(cells: dict[str, Any]) -> str | None:
    """A five-digit OECD DAC CRS purpose code (``15170``), or None."""
    text = text_cell(cells, "purpose_code", 20)
    if text is None:
        return None
    if not (len(text) == 5 and text.isdigit()):
        raise RowError(f"purpose_code: {text!r} is not a five-digit DAC CRS purpose code")
    return text


def _country(cells: dict[str, Any], column: str) -> str | None:
    """An ISO 3166 two-letter country code (``AF``), or None."""
    text = text_cell(cells, column, 2 + 40)
    if text is None:
        return None
    import pycountry

    found = pycountry.countries.get(alpha_2=text.upper())
    if found is None:
        raise RowError(f"{column}: {text!r} is not an ISO 3166 two-letter country code")
    return str(found.alpha_2)


def _party(cells: dict[str, Any], column: str, lookups: Lookups, allow: bool) -> dict[str, Any]:
    name = required_text(cells, column)
    org_id = lookups.organisation(name)
    if org_id is None and not allow:
        raise RowError(
            f"{column}: unknown organisation {name!r} (check the spelling, add it to the "
            "organisation table, or import with --allow-unresolved to keep it as written)"
        )
    return {f"{column}_id": org_id, f"{column}_name": name}


def _parse_row(cells: dict[str, Any], lookups: Lookups, allow_unresolved: bool) -> dict[str, Any]:
    """The record one row describes, as stored; raises RowError on the first bad cell."""
    values = _party(cells, "donor", lookups, allow_unresolved)
    values |= _party(cells, "recipient", lookups, allow_unresolved)
    on = date_cell(cells, "date")
    year = int_cell(cells, "year") or on.year
    if not 1900 <= year <= 2200:
        raise RowError(f"year: {year} is not a plausible year")
    kind = required_text(cells, "transaction_type", 40).casefold()
    if kind not in TRANSACTION_TYPES:
        raise RowError(f"transaction_type: {kind!r} is not commitment or disbursement")
    pillar = text_cell(cells, "pillar", 100)
    values |= {
        "amount": decimal_cell(cells, "amount", 2).quantize(CENT),
        "currency": currency_cell(cells, "currency"),
        "date": on,
        "year": year,
        "transaction_type": kind,
        "pillar_code": lookups.pillar(pillar) if pillar else None,
        "gender_marker": _gender_marker(cells),
        "reference": text_cell(cells, "reference", 120) or "",
        "plan_item_id": lookups.plan_item(text_cell(cells, "plan"), text_cell(cells, "plan_item")),
        "activity_id": lookups.activity(int_cell(cells, "activity_id")),
        "source": text_cell(cells, "source", 2000),
        "note": text_cell(cells, "note", 4000),
        "purpose_code": _purpose_code(cells),
        "recipient_country": _country(cells, "recipient_country"),
    }
    # SQLite keeps NUMERIC as a double: beyond 10^13 cents would no longer survive a round trip.
    if values["amount"] >= 10**13:
        raise RowError(f"amount: {values['amount']} is too large (at most 9,999,999,999,999.99)")
    return values


def natural_key(values: dict[str, Any]) -> tuple[Any, ...]:
    """Donor, recipient, date, transaction type and reference: what identifies a record."""
    return (
        party_key(values["donor_id"], values["donor_name"]),
        party_key(values["recipient_id"], values["recipient_name"]),
        values["date"],
        values["transaction_type"],
        values["reference"],
    )


def _readable_key(values: dict[str, Any]) -> str:
    parts = [values["donor_name"], values["recipient_name"], values["date"].isoformat()]
    parts += [values["transaction_type"], values["reference"] or "(no reference)"]
    return " | ".join(parts)


def _existing(
    conn: Connection, dates: Sequence[date], lookups: Lookups
) -> dict[tuple[Any, ...], dict[str, Any]]:
    """Stored records in the file's date range, by natural key.

    A stored name that was unresolved when imported is resolved again now, so that a
    re-import after its organisation was added updates the record instead of doubling it.
    """
    if not dates:
        return {}
    c = schema.contribution
    rows = conn.execute(select(c).where(c.c.date.between(min(dates), max(dates)))).mappings()
    found: dict[tuple[Any, ...], dict[str, Any]] = {}
    for row in rows:
        record = dict(row)
        keyed = dict(record)
        for side in ("donor", "recipient"):
            if keyed[f"{side}_id"] is None:
                keyed[f"{side}_id"] = lookups.organisation(keyed[f"{side}_name"])
        found[natural_key(keyed)] = record
    return found


def _outcome(
    row: SheetRow,
    values: dict[str, Any],
    stored: dict[str, Any] | None,
) -> RowOutcome:
    display = {k: shown(v) for k, v in values.items()}
    key = _readable_key(values)
    if stored is None:
        return RowOutcome(row=row.number, action="create", key=key, values=display)
    changes = {
        col: [shown(stored[col]), display[col]] for col in STORED if stored[col] != values[col]
    }
    action: Action = "update" if changes else "unchanged"
    return RowOutcome(
        row=row.number,
        action=action,
        key=key,
        id=stored["id"],
        values=display,
        changes=changes or None,
    )


def plan_contributions(
    conn: Connection,
    data: bytes,
    name: str,
    *,
    fmt: str | None = None,
    allow_unresolved: bool = False,
) -> tuple[ImportReport, dict[int, dict[str, Any]]]:
    """What importing the file would do, row by row, and the records to write (by row)."""
    rows = read_table(data, name, COLUMNS, REQUIRED, fmt)
    lookups = Lookups(conn)
    parsed: dict[int, dict[str, Any]] = {}
    outcomes: dict[int, RowOutcome] = {}
    for row in rows:
        try:
            parsed[row.number] = _parse_row(row.cells, lookups, allow_unresolved)
        except RowError as exc:
            outcomes[row.number] = RowOutcome(row=row.number, action="reject", reason=str(exc))
    existing = _existing(conn, [v["date"] for v in parsed.values()], lookups)
    first_row: dict[tuple[Any, ...], int] = {}
    for row in rows:
        values = parsed.get(row.number)
        if values is None:
            continue
        key = natural_key(values)
        if key in first_row:
            outcomes[row.number] = RowOutcome(
                row=row.number,
                action="reject",
                key=_readable_key(values),
                reason=f"the same contribution as row {first_row[key]} (donor, recipient, "
                "date, transaction type and reference all equal): give each its own reference",
            )
            del parsed[row.number]
            continue
        first_row[key] = row.number
        outcomes[row.number] = _outcome(row, values, existing.get(key))
    report = ImportReport(
        file=name,
        table="contribution",
        dry_run=True,
        rows=[outcomes[r.number] for r in rows],
    )
    return report, parsed


def import_contributions(
    conn: Connection,
    data: bytes,
    name: str,
    *,
    dry_run: bool = False,
    fmt: str | None = None,
    allow_unresolved: bool = False,
    actor: str | None = None,
) -> ImportReport:
    """Import a contribution file; with ``dry_run`` only report what would happen.

    The real run computes the same plan as the dry run and then writes exactly its creates
    and updates, each through the audit log.
    """
    report, parsed = plan_contributions(
        conn, data, name, fmt=fmt, allow_unresolved=allow_unresolved
    )
    return report if dry_run else apply(conn, schema.contribution, report, parsed, actor)


def import_contributions_file(conn: Connection, path: Path, **options: Any) -> ImportReport:
    """:func:`import_contributions` on a file on disk (its name is used in messages)."""
    data = read_file(path)
    return import_contributions(conn, data, path.name, **options)


# --- listing ----------------------------------------------------------------------------------


def contribution_query(conn: Connection, filters: ContributionFilter) -> Select[Any]:
    """Contributions with their organisations' codes, narrowed by ``filters``."""
    c, org = schema.contribution, schema.organisation
    donor, recipient = aliased(org), aliased(org)
    stmt = (
        select(
            *c.c,
            donor.c.code.label("donor_code"),
            recipient.c.code.label("recipient_code"),
        )
        .outerjoin(donor, donor.c.id == c.c.donor_id)
        .outerjoin(recipient, recipient.c.id == c.c.recipient_id)
    )
    lookups = Lookups(conn)
    for side in ("donor", "recipient"):
        wanted = getattr(filters, side)
        if wanted:
            org_id = lookups.organisation(wanted)
            stmt = stmt.where(
                c.c[f"{side}_id"] == org_id
                if org_id is not None
                else c.c[f"{side}_name"].icontains(wanted, autoescape=True)
            )
    if filters.pillar:
        stmt = stmt.where(c.c.pillar_code == _pillar_filter(lookups, filters.pillar))
    if filters.year_from is not None:
        stmt = stmt.where(c.c.year >= filters.year_from)
    if filters.year_to is not None:
        stmt = stmt.where(c.c.year <= filters.year_to)
    if filters.gender_marker is not None:
        stmt = stmt.where(c.c.gender_marker == filters.gender_marker)
    if filters.gender_marker_at_least is not None:
        stmt = stmt.where(c.c.gender_marker >= filters.gender_marker_at_least)
    if filters.transaction_type:
        stmt = stmt.where(c.c.transaction_type == filters.transaction_type)
    if filters.currency:
        stmt = stmt.where(c.c.currency == filters.currency.upper())
    if filters.plan:
        stmt = stmt.where(_of_plan(conn, filters.plan))
    return stmt


def _of_plan(conn: Connection, code: str) -> Any:
    """Contributions a plan counts: given by its government's bodies (organisations of the
    plan's country), or tied to one of its items, whoever gave them."""
    from wpstrack.plans.store import plan_id

    c, org, item, plan = schema.contribution, schema.organisation, schema.plan_item, schema.plan
    pid = plan_id(conn, code)
    country = select(plan.c.country).where(plan.c.id == pid).scalar_subquery()
    return or_(
        c.c.donor_id.in_(select(org.c.id).where(org.c.country == country)),
        c.c.plan_item_id.in_(select(item.c.id).where(item.c.plan_id == pid)),
    )


def _pillar_filter(lookups: Lookups, pillar: str) -> str:
    try:
        return lookups.pillar(pillar)
    except RowError as exc:
        raise InvalidInput(str(exc)) from None


def list_contributions(
    conn: Connection,
    filters: ContributionFilter | None = None,
    cursor: str | None = None,
    limit: int | None = None,
) -> Page[Contribution]:
    """The register by date (then id), narrowed by ``filters``, one page at a time."""
    c = schema.contribution
    stmt = contribution_query(conn, filters or ContributionFilter())
    rows, next_cursor = paginate(conn, stmt, [c.c.date, c.c.id], cursor, limit)
    return Page([Contribution.model_validate(dict(r)) for r in rows], next_cursor)


def get_contribution(conn: Connection, contribution_id: int) -> Contribution:
    """One contribution of the register; NotFound when there is none with that id."""
    c = schema.contribution
    stmt = contribution_query(conn, ContributionFilter()).where(c.c.id == contribution_id)
    row = conn.execute(stmt).mappings().first()
    if row is None:
        raise NotFound(f"no contribution with id {contribution_id}")
    return Contribution.model_validate(dict(row))
