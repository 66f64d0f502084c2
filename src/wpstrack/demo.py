"""The demo that ``make run`` starts: a database ready to show, with a way in.

It loads the reference data and the example plans, ingests a sample corpus (the shared
development corpus when this checkout sits beside it, else three short releases shipped in
the package: illustrations in the style of official releases written for wpstrack, not
copies of real ones), and creates an administrator with a random password when the database
has no active administrator yet. Each step is safe to repeat: documents already present are
reported as such, and an existing administrator is never replaced.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import Connection, select

from wpstrack import plans, schema, users
from wpstrack.ingest import iter_files
from wpstrack.reference import sync as reference_sync

SHIPPED_SAMPLE = Path(__file__).parent / "sample" / "releases"
SHARED_CORPUS = Path("..") / "shared" / "corpus" / "dev"
DOCUMENT_SUFFIXES = {".txt", ".html", ".htm", ".pdf", ".docx"}
ADMIN_NAME = "admin"


def sample_corpus(shared: Path = SHARED_CORPUS) -> Path:
    """The shared development corpus when present, else the sample shipped in the package."""
    return shared if shared.is_dir() and any(sample_files(shared)) else SHIPPED_SAMPLE


def sample_files(folder: Path) -> Iterator[Path]:
    """The documents of a corpus folder (its gold file and notes are not documents)."""
    return (p for p in iter_files([folder]) if p.suffix.lower() in DOCUMENT_SUFFIXES)


def load_reference(conn: Connection) -> None:
    """Reference data and example plans (as ``wpstrack init``)."""
    reference_sync.sync_reference(conn)
    plans.load_examples(conn)


def ensure_admin(conn: Connection, username: str = ADMIN_NAME) -> tuple[str, str] | None:
    """Create an administrator when there is no active one; returns its name and password
    (shown once), or None when an administrator already exists."""
    t = schema.app_user
    existing = conn.execute(
        select(t.c.id).where(t.c.role == "admin", t.c.is_active.is_(True)).limit(1)
    ).first()
    if existing is not None:
        return None
    name = username
    suffix = 1
    while conn.execute(select(t.c.id).where(t.c.username == name)).first() is not None:
        suffix += 1
        name = f"{username}{suffix}"
    _user, password = users.add_user(conn, users.user_in(name, "admin"), actor=None)
    return name, password
