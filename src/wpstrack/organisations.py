"""Organisations as the register knows them: list, filter and look one up with its aliases.

The rows come from the reference data (``wpstrack init``) and, later, from reviewed
extractions. The organisations page and ``/api/v1/organisations`` both call these
functions, so the HTML and the JSON cannot disagree.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict
from sqlalchemy import Connection, Select, exists, select
from sqlalchemy.orm import aliased

from wpstrack import schema
from wpstrack.errors import NotFound
from wpstrack.pagination import ListFilter, Page, paginate


class Organisation(BaseModel):
    """An organisation in a list."""

    model_config = ConfigDict(from_attributes=True)

    code: str
    name: str
    acronym: str | None
    name_ja: str | None
    type: str
    country: str | None
    parent_code: str | None


class OrganisationDetail(Organisation):
    """An organisation with every name it is written under and its sub-organisations."""

    aliases: list[str]
    children: list[Organisation]


class OrganisationFilter(ListFilter):
    """``q`` matches code, name, acronym or any alias (case-insensitive); all combine."""

    q: str | None = None
    type: str | None = None
    country: str | None = None


def _base() -> Select[Any]:
    org = schema.organisation
    parent = aliased(org)
    return select(
        org.c.id,
        org.c.code,
        org.c.name,
        org.c.acronym,
        org.c.name_ja,
        org.c.type,
        org.c.country,
        parent.c.code.label("parent_code"),
    ).outerjoin(parent, parent.c.id == org.c.parent_id)


def _filtered(filters: OrganisationFilter) -> Select[Any]:
    org, alias = schema.organisation, schema.organisation_alias
    stmt = _base()
    if filters.q and filters.q.strip():
        q = filters.q.strip()
        alias_match = exists().where(
            alias.c.organisation_id == org.c.id, alias.c.alias.icontains(q, autoescape=True)
        )
        stmt = stmt.where(
            org.c.code.icontains(q, autoescape=True)
            | org.c.name.icontains(q, autoescape=True)
            | org.c.acronym.icontains(q, autoescape=True)
            | alias_match
        )
    if filters.type:
        stmt = stmt.where(org.c.type == filters.type)
    if filters.country:
        stmt = stmt.where(org.c.country == filters.country.upper())
    return stmt


def list_organisations(
    conn: Connection,
    filters: OrganisationFilter | None = None,
    cursor: str | None = None,
    limit: int | None = None,
) -> Page[Organisation]:
    """Organisations by code, narrowed by ``filters``, one page at a time."""
    stmt = _filtered(filters or OrganisationFilter())
    rows, next_cursor = paginate(conn, stmt, [schema.organisation.c.code], cursor, limit)
    return Page([Organisation.model_validate(dict(r)) for r in rows], next_cursor)


def organisation_types(conn: Connection) -> list[str]:
    """The organisation types present, for a filter menu."""
    org = schema.organisation
    return list(conn.execute(select(org.c.type).distinct().order_by(org.c.type)).scalars())


def get_organisation(conn: Connection, code: str) -> OrganisationDetail:
    """One organisation by code, with its aliases and sub-organisations."""
    org, alias = schema.organisation, schema.organisation_alias
    row = conn.execute(_base().where(org.c.code == code)).mappings().first()
    if row is None:
        raise NotFound(f"no organisation {code!r}")
    aliases = conn.execute(
        select(alias.c.alias).where(alias.c.organisation_id == row["id"]).order_by(alias.c.alias)
    ).scalars()
    children = conn.execute(
        _base().where(org.c.parent_id == row["id"]).order_by(org.c.code)
    ).mappings()
    return OrganisationDetail(
        **dict(row),
        aliases=list(aliases),
        children=[Organisation.model_validate(dict(c)) for c in children],
    )
