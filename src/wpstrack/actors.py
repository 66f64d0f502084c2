"""Whose activity it is and what each organisation did: roles, the acting government, plan scope.

The extractor proposes roles and an acting government (:mod:`wpstrack.extract.roles`);
reviewers set them here, on the activity and review pages, through
``/api/v1/activities/{id}/roles`` and with ``wpstrack review roles``: all call
:func:`set_roles` and :func:`add_participant`, which log every change in the audit log and
bump the activity's version.

A plan belongs to its country's government (``plan.country``). :func:`plan_scope` is the one
condition that says which activities that government carries out or funds: its acting
government, or a participant with an acting role (lead, implementer, funder) that is the
government itself or one of its national bodies (a ministry, JICA). The tracker, the
computed indicators, the report and the matrix narrow to it; what falls outside is
"context", shown only where asked.
"""

from __future__ import annotations

import re
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator
from sqlalchemy import ColumnElement, Connection, exists, or_, select

from wpstrack import audit, roles, schema
from wpstrack.db import now
from wpstrack.errors import InvalidInput, NotFound

_COUNTRY = re.compile(r"[A-Za-z]{2}")


def _country(value: str | None) -> str | None:
    if value is None or value.strip() == "":
        return None
    if not _COUNTRY.fullmatch(value.strip()):
        raise ValueError("an ISO 3166 alpha-2 code such as JP")
    return value.strip().upper()


class RolesIn(BaseModel):
    """A reviewer's roles for an activity: participant id -> role code, and the acting
    government and organisation (an empty string clears one; an absent one stays)."""

    model_config = ConfigDict(extra="forbid")

    roles: dict[int, str] = Field(default_factory=dict)
    acting_country: str | None = None
    acting_organisation: str | None = None  # an organisation code

    @field_validator("roles")
    @classmethod
    def _known_roles(cls, value: dict[int, str]) -> dict[int, str]:
        unknown = sorted({r for r in value.values() if r not in roles.CODES})
        if unknown:
            raise ValueError(f"unknown role {', '.join(unknown)}; roles: {', '.join(roles.CODES)}")
        return value

    @field_validator("acting_country")
    @classmethod
    def _acting_country(cls, value: str | None) -> str | None:
        return "" if value == "" else _country(value)


class ParticipantIn(BaseModel):
    """An organisation (by code) or a government (by country code) the text did not yield,
    added with its role."""

    model_config = ConfigDict(extra="forbid")

    role: str
    organisation: str | None = None
    country: str | None = None

    @field_validator("role")
    @classmethod
    def _known_role(cls, value: str) -> str:
        if value not in roles.CODES:
            raise ValueError(f"one of {', '.join(roles.CODES)}")
        return value

    @field_validator("country")
    @classmethod
    def _government(cls, value: str | None) -> str | None:
        return _country(value)


def _organisation_id(conn: Connection, code: str) -> int:
    org = schema.organisation
    found = conn.execute(select(org.c.id).where(org.c.code == code.strip())).scalar()
    if found is None:
        raise InvalidInput(f"no organisation {code!r}", "acting_organisation")
    return int(found)


def _touch(
    conn: Connection,
    actor: str | None,
    activity_id: int,
    values: dict[str, Any],
    expected_version: int | None,
) -> dict[str, Any]:
    """Change the activity row (at least its version and time), under the version check."""
    return audit.update(
        conn,
        actor,
        schema.activity,
        activity_id,
        values | {"updated_at": now()},
        expected_version=expected_version,
        action="set_roles",
    )


def set_roles(
    conn: Connection,
    actor: str | None,
    activity_id: int,
    data: RolesIn,
    *,
    expected_version: int | None = None,
) -> dict[str, Any]:
    """Set participants' roles and the acting government or organisation of one activity."""
    part = schema.activity_participant
    values: dict[str, Any] = {}
    if data.acting_country is not None:
        values["acting_country"] = data.acting_country or None
    if data.acting_organisation is not None:
        code = data.acting_organisation.strip()
        values["acting_organisation_id"] = _organisation_id(conn, code) if code else None
    stored = _touch(conn, actor, activity_id, values, expected_version)
    mine = dict(
        conn.execute(select(part.c.id, part.c.role).where(part.c.activity_id == activity_id)).all()
    )
    if missing := sorted(set(data.roles) - set(mine)):
        raise InvalidInput(f"activity {activity_id} has no participant {missing[0]}", "roles")
    for participant_id, role in sorted(data.roles.items()):
        if mine[participant_id] != role:
            changes = {"role": role, "role_by": actor or "system"}
            audit.update(conn, actor, part, participant_id, changes, action="set_role")
    return stored


def add_participant(
    conn: Connection,
    actor: str | None,
    activity_id: int,
    data: ParticipantIn,
    *,
    expected_version: int | None = None,
) -> dict[str, Any]:
    """Add an organisation or a government to an activity with its role; returns the row."""
    if (data.organisation is None) == (data.country is None):
        raise InvalidInput("name either an organisation code or a country code", "organisation")
    org = schema.organisation
    values: dict[str, Any] = {"activity_id": activity_id, "role": data.role, "role_by": actor}
    if data.organisation is not None:
        row = conn.execute(
            select(org.c.id, org.c.name).where(org.c.code == data.organisation.strip())
        ).first()
        if row is None:
            raise InvalidInput(f"no organisation {data.organisation!r}", "organisation")
        values |= {"organisation_id": row.id, "name": row.name, "kind": "organisation"}
    else:
        from wpstrack.register import government_name

        assert data.country is not None
        name = government_name(data.country)
        values |= {"country": data.country, "name": name, "kind": "government"}
    _touch(conn, actor, activity_id, {}, expected_version)
    return audit.insert(conn, actor, schema.activity_participant, values, action="add_role")


def government_bodies(country: str) -> Any:
    """The ids of the national bodies of ``country`` (its ministries and agencies)."""
    org = schema.organisation
    return select(org.c.id).where(org.c.country == country)


def carried_out_or_funded_by(country: str) -> ColumnElement[bool]:
    """Activities the government of ``country`` carries out or funds (see the module)."""
    act = schema.activity
    part = schema.activity_participant.alias("scope_part")
    bodies = government_bodies(country)
    # A person's row carries their ministry, but only an organisation's or a government's
    # own row says that body leads, implements or funds.
    acting_part = exists().where(
        part.c.activity_id == act.c.id,
        part.c.role.in_(roles.ACTING),
        part.c.kind != "person",
        or_(part.c.country == country, part.c.organisation_id.in_(bodies)),
    )
    return or_(
        act.c.acting_country == country,
        act.c.acting_organisation_id.in_(bodies),
        acting_part,
    )


def plan_country(conn: Connection, plan_id: int) -> str:
    """The country whose government a plan belongs to."""
    found = conn.execute(select(schema.plan.c.country).where(schema.plan.c.id == plan_id)).scalar()
    if found is None:
        raise NotFound(f"no plan {plan_id}")
    return str(found).upper()


def plan_scope(conn: Connection, plan_id: int) -> ColumnElement[bool]:
    """The activities a plan counts: those its government carries out or funds."""
    return carried_out_or_funded_by(plan_country(conn, plan_id))
