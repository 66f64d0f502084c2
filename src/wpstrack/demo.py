"""The demo that ``make run`` starts: a database ready to show, with a way in.

It loads the reference data and the example plans (Japan's, which carry published facts
only, and a fictional government's plan with indicators, two years of approved values and
funding: ``wpstrack.example``), ingests a sample corpus (the shared
development corpus when this checkout sits beside it, else three short releases shipped in
the package: illustrations in the style of official releases written for wpstrack, not
copies of real ones), reviews and publishes the confidently read part of what it just
ingested so that the anonymous dashboard, register and search show something, and creates
an administrator with a random password when the database has no active administrator yet.
Each step is safe to repeat: documents already present are reported as such and left in the
state they are in (the demo never decides on a record it did not just ingest), example plans
load only when absent, and an existing administrator is never replaced. Everything is in the
audit log under the actor ``demo``.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import Connection, select

from wpstrack import activities, example, narratives, plans, review, schema, users
from wpstrack.ingest import iter_files
from wpstrack.reference import sync as reference_sync

SHIPPED_SAMPLE = Path(__file__).parent / "sample" / "releases"
# The example plan's report narratives, when the package ships them (loaded after the plans).
EXAMPLE_NARRATIVES = Path(__file__).parent / "sample" / "example_narratives.yaml"
SHARED_CORPUS = Path("..") / "shared" / "corpus" / "dev"
DOCUMENT_SUFFIXES = {".txt", ".html", ".htm", ".pdf", ".docx"}
ADMIN_NAME = "admin"
DEMO_ACTOR = "demo"
# The demo reviewer's rule: a record is published when its title, date and type were read
# with at least this confidence; any other value read with less is rejected, not shown.
# Confidences are calibrated shares right (wpstrack.calibration): 0.7 is seven in ten, the
# event type's share on real web pages.
CONFIDENT = 0.7
CORE_FIELDS = ("title", "date", "event_type")


def sample_corpus(shared: Path = SHARED_CORPUS) -> Path:
    """The shared development corpus when present, else the sample shipped in the package."""
    return shared if shared.is_dir() and any(sample_files(shared)) else SHIPPED_SAMPLE


def sample_files(folder: Path) -> Iterator[Path]:
    """The documents of a corpus folder (its gold file and notes are not documents)."""
    return (p for p in iter_files([folder]) if p.suffix.lower() in DOCUMENT_SUFFIXES)


def load_reference(conn: Connection, actor: str | None = DEMO_ACTOR) -> example.Loaded:
    """Reference data and the example plans that are absent (as ``wpstrack init``), the
    demo's fictional example plan with its values and funding (``wpstrack.example``), then
    its narratives (a section already holding the same text is left alone)."""
    reference_sync.sync_reference(conn, actor)
    plans.load_examples(conn, actor)
    loaded = example.load_example(conn, actor)
    narratives.load_file(conn, EXAMPLE_NARRATIVES, actor)
    return loaded


def review_and_publish(
    conn: Connection, document_ids: list[int], actor: str = DEMO_ACTOR
) -> list[int]:
    """Review the drafts of ``document_ids`` as ``actor`` with the demo's rule and publish
    the accepted ones; returns the published activity ids.

    The real review and publish functions do it, so each decision is a human extraction row
    and an audit event like a reviewer's: the demo shows the product's path, not a shortcut.
    """
    act, ext = schema.activity, schema.extraction
    drafts = conn.execute(
        select(act.c.id, act.c.document_id)
        .where(act.c.document_id.in_(document_ids), act.c.status == "draft")
        .order_by(act.c.document_id)
    ).all()
    published = []
    for activity_id, document_id in drafts:
        values = conn.execute(
            select(ext.c.id, ext.c.field, ext.c.confidence).where(
                ext.c.document_id == document_id, ext.c.source == "machine"
            )
        ).all()
        core = [v for v in values if v.field in CORE_FIELDS]
        if len(core) < len(CORE_FIELDS) or any((v.confidence or 0) < CONFIDENT for v in core):
            continue  # left in the queue for a person
        for v in values:
            if (v.confidence or 0) < CONFIDENT:
                review.decide(conn, actor, v.id, "reject")
        review.accept_record(conn, actor, document_id)
        activities.set_published(conn, actor, activity_id, True)
        published.append(activity_id)
    return published


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
