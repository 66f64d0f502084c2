"""``/api/v1/plans/{plan}/narratives/{period}``: the report's narratives, per section.

Narratives are drafts of a report that is itself for logged-in users (it lists reviewed
activities not yet published), so reading them needs a logged-in user and writing them an
editor (or an admin), as entering indicator values does. A PUT stores a new version; the
earlier ones stay as the section's history.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, Field

from wpstrack import narratives
from wpstrack.web.api.common import ERROR_RESPONSES
from wpstrack.web.deps import ConnDep, CurrentUser, require_role

router = APIRouter(prefix="/plans", tags=["narratives"], responses=ERROR_RESPONSES)


class NarrativeIn(BaseModel):
    """The new text of a section (blank text is refused; the old versions are kept)."""

    text: str = Field(max_length=narratives.MAX_TEXT)


@router.get("/{plan}/narratives")
def list_narrative_periods(conn: ConnDep, user: CurrentUser, plan: str) -> dict[str, Any]:
    """The periods with narratives: how many sections have a text, when last saved."""
    return {"plan": plan, "items": narratives.periods(conn, plan)}


@router.get("/{plan}/narratives/{period}")
def get_narratives(conn: ConnDep, user: CurrentUser, plan: str, period: str) -> dict[str, Any]:
    """Every section of the period's report (``items``) with its current text and history."""
    return narratives.editor_page(conn, plan, period)


@router.get("/{plan}/narratives/{period}/{section}")
def get_narrative(
    conn: ConnDep, user: CurrentUser, plan: str, period: str, section: str
) -> dict[str, Any]:
    """One section: its current text (null when none is written) and every version."""
    versions = [n.as_dict() for n in narratives.history(conn, plan, period, section)]
    return {
        "plan": plan,
        "period": narratives.period_label(period),
        "section": section,
        "current": versions[0] if versions else None,
        "history": versions,
    }


@router.put("/{plan}/narratives/{period}/{section}", dependencies=[require_role("editor")])
def put_narrative(
    conn: ConnDep, user: CurrentUser, plan: str, period: str, section: str, body: NarrativeIn
) -> dict[str, Any]:
    """Save a new version of the section's text; the answer is the version stored."""
    return narratives.save(conn, plan, period, section, body.text, user.username).as_dict()
