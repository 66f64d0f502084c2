"""``/api/v1/audit``: the audit log, newest first (admins only)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from wpstrack import audit
from wpstrack.audit import AuditEvent, AuditFilter
from wpstrack.web.api.common import ERROR_RESPONSES, PageOut, PageParams, list_response
from wpstrack.web.deps import ConnDep, require_role

router = APIRouter(
    prefix="/audit",
    tags=["audit"],
    dependencies=[require_role("admin")],
    responses=ERROR_RESPONSES,
)


@router.get("", response_model=PageOut[AuditEvent])
def list_events(conn: ConnDep, filters: Annotated[AuditFilter, Query()], page: PageParams) -> Any:
    def fetch(cursor: str | None, limit: int) -> Any:
        return audit.list_events(conn, filters, cursor, limit)

    return list_response(page, fetch, AuditEvent, "audit")
