"""Action plans (being written)."""

from sqlalchemy import Connection

from wpstrack.reference import SyncResult


def load_examples(conn: Connection) -> SyncResult:
    return SyncResult("plan")
