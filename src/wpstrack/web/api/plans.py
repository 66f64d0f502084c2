"""``/api/v1/plans``: action plans and their tree, readable by anyone, like the plan pages."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict
from sqlalchemy import Connection

from wpstrack import plans, tracker, visibility
from wpstrack.tracker import LinkedActivity
from wpstrack.web.api.common import ERROR_RESPONSES, PageOut
from wpstrack.web.deps import ConnDep, OptionalUser

router = APIRouter(prefix="/plans", tags=["plans"], responses=ERROR_RESPONSES)


class PlanSummary(BaseModel):
    """A plan in the list, with the size of its tree."""

    code: str
    country: str
    title: str
    edition: int | None
    adopted_on: date | None
    period_start: int | None
    period_end: int | None
    period_note: str | None
    fictional: bool = False  # an invented government's plan: never real figures
    items: int
    indicators: int


class TargetOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    period: str
    value: float
    note: str | None


class IndicatorOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    code: str
    name: str
    unit: str
    direction: str
    method: str
    disaggregation: str | None
    baseline_value: float | None
    baseline_period: str | None
    description: str | None
    item: str | None
    targets: list[TargetOut]


class ItemOut(BaseModel):
    """A node of the plan tree (area, objective or measure) with its children."""

    model_config = ConfigDict(from_attributes=True)

    code: str
    kind: str
    title: str
    description: str | None
    pillar: str | None
    organisations: list[str]
    children: list[ItemOut]


class PlanOut(BaseModel):
    """A plan with its whole tree and its indicators."""

    model_config = ConfigDict(from_attributes=True)

    code: str
    country: str
    title: str
    edition: int | None
    adopted_on: date | None
    period_start: int | None
    period_end: int | None
    period_note: str | None
    source: str | None
    fictional: bool = False  # an invented government's plan: never real figures
    items: list[ItemOut]
    indicators: list[IndicatorOut]
    # Item code -> activities linked to it (published ones only for anonymous readers).
    activities: dict[str, list[LinkedActivity]] = {}


def plan_list(conn: Connection) -> list[PlanSummary]:
    """Every plan, by country and edition (shared by the page and the API)."""
    return [PlanSummary.model_validate(row) for row in plans.plan_summaries(conn)]


def plan_detail(
    conn: Connection, code: str, *, public_only: bool = True, context: bool = False
) -> PlanOut:
    """One plan with its tree and linked activities (shared by the page and the API); with
    ``context``, also the linked activities of other governments, marked ``context``."""
    plan = PlanOut.model_validate(plans.read_plan(conn, code))
    plan.activities = tracker.activities_by_item(
        conn, code, public_only=public_only, context=context
    )
    return plan


@router.get("", response_model=PageOut[PlanSummary])
def list_plans(conn: ConnDep) -> PageOut[PlanSummary]:
    """Every plan; there are few, so the list is one page."""
    return PageOut(items=plan_list(conn), next_cursor=None)


@router.get("/{code}", response_model=PlanOut)
def get_plan(conn: ConnDep, user: OptionalUser, code: str, context: bool = False) -> PlanOut:
    """A plan with the activities its government carries out or funds (``context=true``:
    and the other linked activities, marked)."""
    return plan_detail(conn, code, public_only=visibility.is_public(user), context=context)
