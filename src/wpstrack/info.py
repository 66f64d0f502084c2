"""What ``wpstrack info`` reports: which database, where, at which revision, holding what.

The database is found from the settings alone (see :mod:`wpstrack.settings`), so this is the
answer to "which database is this command using?" wherever it is run.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, func, select

from wpstrack import schema
from wpstrack.db import schema_revision, shown_url, sqlite_path
from wpstrack.settings import Settings

COUNTED = (
    schema.plan,
    schema.plan_item,
    schema.indicator,
    schema.indicator_value,
    schema.document,
    schema.activity,
    schema.activity_link,
    schema.contribution,
    schema.app_user,
    schema.audit_event,
)


def database_info(conn: Connection, settings: Settings) -> dict[str, Any]:
    """The database URL (password hidden), data dir, schema revision and row counts."""
    url = settings.effective_database_url
    path = sqlite_path(url)
    act = schema.activity
    by_status: dict[str, int] = dict(
        conn.execute(select(act.c.status, func.count()).group_by(act.c.status)).tuples().all()
    )
    return {
        "database": shown_url(url),
        "database_file": str(path.resolve()) if path else None,
        "data_dir": str(settings.data_dir.resolve()),
        "data_dir_source": "setting" if "data_dir" in settings.model_fields_set else "default",
        "schema_revision": schema_revision(conn),
        "counts": {
            t.name: int(conn.execute(select(func.count()).select_from(t)).scalar_one())
            for t in COUNTED
        },
        "activities_by_status": {str(k): int(v) for k, v in sorted(by_status.items())},
    }
