"""Every paginated list, page and API alike, can be walked to its end through "Next page".

The people list once issued a cursor it could not read back (an untyped sort key): the first
page rendered and "Next page" answered 422. These tests follow the next links of every list
until there is none, so a list whose cursor does not round-trip fails here.
"""

from __future__ import annotations

import html
import re
from datetime import date, timedelta
from typing import TYPE_CHECKING

import pytest
from sqlalchemy import insert

from wpstrack import schema
from wpstrack.db import now
from wpstrack.pagination import DEFAULT_LIMIT

if TYPE_CHECKING:
    from conftest import WebSite

ROWS = DEFAULT_LIMIT + 5  # more than one page of every list a page shows at its default size
NEXT_LINK = re.compile(r'<a href="([^"]+)" rel="next">Next page</a>')


@pytest.fixture(scope="module")
def crowded(web: WebSite) -> WebSite:
    """The site with more than a page of documents, drafts, activities, people and users."""
    stamp = now()
    with web.engine.begin() as conn:
        for i in range(ROWS):
            doc_id = conn.execute(
                insert(schema.document)
                .values(
                    source=f"seed-{i}.txt",
                    content_hash=f"{i:064d}",
                    size_bytes=1,
                    status="ingested",
                    title=f"Seed release {i}",
                    ingested_at=stamp,
                )
                .returning(schema.document.c.id)
            ).scalar_one()
            for published in (False, True):
                act_id = conn.execute(
                    insert(schema.activity)
                    .values(
                        document_id=doc_id if not published else None,
                        title=f"Seed activity {i}",
                        status="published" if published else "draft",
                        is_published=published,
                        date=date(2024, 1, 1) + timedelta(days=i % 7),
                        created_at=stamp,
                        updated_at=stamp,
                    )
                    .returning(schema.activity.c.id)
                ).scalar_one()
                name = f"Seed Person {i:03d}" + ("" if published else " draft")
                conn.execute(
                    insert(schema.activity_participant).values(
                        activity_id=act_id, name=name, role="principal"
                    )
                )
            conn.execute(
                insert(schema.app_user).values(
                    username=f"seed-user-{i:03d}",
                    password_hash="not a usable hash",
                    role="viewer",
                    created_at=stamp,
                )
            )
    return web


def _walk_pages(client: object, path: str) -> int:
    """Follow "Next page" from ``path`` to the last page; returns how many pages there were."""
    pages, url = 0, path
    while url:
        response = client.get(url)  # type: ignore[attr-defined]
        assert response.status_code == 200, f"{url}: {response.status_code} {response.text[:300]}"
        pages += 1
        found = NEXT_LINK.search(response.text)
        url = html.unescape(found.group(1)) if found else None
        assert pages < 100, f"{path} does not come to an end"
    return pages


@pytest.mark.parametrize(
    "path", ["/people", "/activities", "/organisations", "/people?q=seed", "/activities?sort=title"]
)
def test_anonymous_next_page_walks_every_public_list(crowded: WebSite, path: str) -> None:
    assert _walk_pages(crowded.client(), path) >= 2


@pytest.mark.parametrize(
    "path",
    [
        "/people",
        "/activities",
        "/activities?sort=-updated",
        "/organisations",
        "/documents",
        "/review",
        "/admin/users",
        "/admin/audit?limit=5",
    ],
)
def test_signed_in_next_page_walks_every_list(crowded: WebSite, path: str) -> None:
    assert _walk_pages(crowded.login("admin"), path) >= 2


@pytest.mark.parametrize(
    "path",
    [
        "/people",
        "/activities",
        "/activities?sort=title",
        "/organisations",
        "/documents",
        "/review",
        "/users",
        "/audit",
        "/plans",
    ],
)
def test_api_next_cursor_walks_every_list(crowded: WebSite, path: str) -> None:
    client, pages, params = crowded.client(), 0, {"limit": "7"}
    url = "/api/v1" + path
    while True:
        response = client.get(url, params=params, headers=crowded.bearer("admin"))
        assert response.status_code == 200, f"{url} {params}: {response.text[:300]}"
        pages += 1
        cursor = response.json()["next_cursor"]
        if not cursor:
            break
        params = {"limit": "7", "cursor": cursor}
        assert pages < 200, f"{path} does not come to an end"
    assert pages >= 2 or path == "/plans"
