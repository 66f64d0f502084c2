"""What a caller may see: one rule, composed whole into every query.

Every entry point is given the same register: a draft, a reviewed and a published activity,
each with a document of its own, all of them matching the query words. An anonymous caller
(or an explicit public view) must find the published one and nothing else.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlalchemy import Connection

from wpstrack import schema
from wpstrack.db import now

WORDS = "Okapi corridor"
BODY = "The ministry held an Okapi corridor dialogue on Women, Peace and Security in Juba."


def _document(conn: Connection, name: str) -> int:
    doc = schema.document
    values: dict[str, Any] = {
        "source": f"/srv/wpstrack/inbox/{name}.txt",
        "content_hash": f"{abs(hash((name, BODY, now()))):064d}"[:64],
        "size_bytes": len(BODY),
        "text": f"{BODY} ({name})",
        "title": f"Okapi corridor release {name}",
        "status": "ingested",
        "ingested_at": now(),
    }
    return int(conn.execute(doc.insert().values(**values).returning(doc.c.id)).scalar_one())


def add_register(conn: Connection) -> dict[str, dict[str, int]]:
    """A draft, a reviewed and a published activity (and their documents), all matching."""
    act = schema.activity
    made: dict[str, dict[str, int]] = {}
    for status in ("draft", "reviewed", "published"):
        doc_id = _document(conn, status)
        values = {
            "document_id": doc_id,
            "type": "meeting",
            "title": f"Okapi corridor meeting ({status})",
            "summary": BODY,
            "status": status,
            "is_published": status == "published",
            "date": date(2024, 3, 18),
            "country": "SS",
            "created_at": now(),
            "updated_at": now(),
        }
        act_id = conn.execute(act.insert().values(**values).returning(act.c.id)).scalar_one()
        made[status] = {"activity": int(act_id), "document": doc_id}
    return made


@pytest.fixture()
def register(conn: Connection) -> dict[str, dict[str, int]]:
    return add_register(conn)


def _ids(items: list[Any]) -> set[int]:
    return {getattr(i, "id", None) or i["id"] for i in items}


# --- the activity register (the API and the page list through it) ---------------------------


@pytest.mark.parametrize(
    "extra",
    [{}, {"type": "meeting"}, {"country": "SS"}, {"date_from": "2024-01-01"}],
    ids=["q", "q+type", "q+country", "q+date"],
)
def test_anonymous_word_filter_lists_published_activities_only(
    conn: Connection, register: dict[str, dict[str, int]], extra: dict[str, str]
) -> None:
    from wpstrack.activities import ActivityFilter, list_activities

    page = list_activities(conn, ActivityFilter(q=WORDS, **extra), public_only=True)
    assert _ids(page.items) == {register["published"]["activity"]}


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"published": True}, {"published"}),
        ({"published": False}, {"draft", "reviewed"}),
        ({"status": "draft"}, {"draft"}),
        ({"status": "reviewed"}, {"reviewed"}),
        ({"type": "visit"}, set()),
    ],
)
def test_the_word_filter_keeps_the_other_filters_for_logged_in_users(
    conn: Connection,
    register: dict[str, dict[str, int]],
    filters: dict[str, Any],
    expected: set[str],
) -> None:
    from wpstrack.activities import ActivityFilter, list_activities

    page = list_activities(conn, ActivityFilter(q=WORDS, **filters), public_only=False)
    assert _ids(page.items) == {register[s]["activity"] for s in expected}


# --- the web entry points ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def site(web: Any) -> Any:
    """The module's web app with the register added (committed: the app reads it)."""
    with web.engine.begin() as conn:
        web.register = add_register(conn)
    return web


def test_anonymous_api_word_filter_lists_published_activities_only(site: Any) -> None:
    response = site.client().get("/api/v1/activities", params={"q": WORDS})
    assert response.status_code == 200
    assert _ids(response.json()["items"]) == {site.register["published"]["activity"]}
    viewer = site.client().get(
        "/api/v1/activities", params={"q": WORDS}, headers=site.bearer("viewer")
    )
    assert _ids(viewer.json()["items"]) == {r["activity"] for r in site.register.values()}


def test_anonymous_activities_page_lists_published_activities_only(site: Any) -> None:
    html = site.client().get("/activities", params={"q": WORDS}).text
    assert "Okapi corridor meeting (published)" in html
    assert "(draft)" not in html and "(reviewed)" not in html
