"""What a caller may see: the one definition every query composes.

An activity is visible to the public once it is published (``is_published``; publishing
sets the status too, :func:`wpstrack.activities.set_published`). A document is visible to
the public when it was ingested and a published activity rests on it: the archive, search
and exports show a release only as the source of a published entry. Every logged-in role
(``viewer`` and up, :mod:`wpstrack.users`) reads drafts and reviewed entries as well; an
explicit public view (``wpstrack export`` without ``--include-drafts``, ``wpstrack search
--published-only``) is the anonymous view whoever asks.

Callers decide *who* is asking with :func:`is_public` and pass the result down as
``public``; domain queries add :func:`activities` / :func:`documents` as one whole,
bracketed condition (``and_(visible, other_filters)``), so no filter of theirs (an ``OR``
above all) can widen it. Nothing else in the package compares ``is_published`` or a
``"published"`` status by hand (tests/test_visibility.py checks).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, FromClause, and_, exists, or_, select, true

from wpstrack import schema


def is_public(user: Any | None, *, public: bool = False) -> bool:
    """Whether ``user`` gets the public view: anonymous (None) or an explicit public view.

    Every role may read unpublished entries, so the user's role does not narrow further.
    """
    return public or user is None


def activities(public: bool, activity: FromClause | None = None) -> ColumnElement[bool]:
    """The condition on ``activity`` (or an alias of it) for what the caller may see."""
    act = schema.activity if activity is None else activity
    return act.c.is_published.is_(True) if public else true()


def documents(
    public: bool, document: FromClause | None = None, *, per_row: bool = False
) -> ColumnElement[bool]:
    """The condition on ``document`` (or an alias) for what the caller may see.

    Logged-in users see every document, rejected ones included (the archive shows why).
    ``per_row``: the same rule as correlated ``EXISTS`` lookups of each row, for a query
    that checks a bounded number of rows (search's candidates): the uncorrelated ``IN``
    reads every published activity once per query, which grows with the register.
    """
    doc = schema.document if document is None else document
    if not public:
        return true()
    act = schema.activity
    src = schema.activity_source
    if per_row:
        behind_row = exists().where(act.c.document_id == doc.c.id, activities(True))
        joined_row = exists().where(
            src.c.document_id == doc.c.id,
            src.c.how != "ingest",
            act.c.id == src.c.activity_id,
            activities(True),
        )
        return and_(doc.c.status == "ingested", or_(behind_row, joined_row))
    # An uncorrelated IN: one pass over ix_activity_document_published per query, which
    # search filters thousands of candidate documents on (bench/search.py).
    behind = select(act.c.document_id).where(activities(True), act.c.document_id.is_not(None))
    # The other sources of a published event (a translation, a format copy, merged into it).
    joined = (
        select(src.c.document_id)
        .join(act, act.c.id == src.c.activity_id)
        .where(activities(True), src.c.how != "ingest")
    )
    return and_(doc.c.status == "ingested", or_(doc.c.id.in_(behind), doc.c.id.in_(joined)))


def activity_shown(public: bool, row: Any) -> bool:
    """The same rule as :func:`activities` for a row already read (a detail page's lookup)."""
    return not public or bool(row["is_published"])
