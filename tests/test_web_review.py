"""Review and activity pages: highlighting, hostile text, decisions by form, roles, versions."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import pytest
from sqlalchemy import select

from review_fixtures import RELEASE, add_release, measure_id
from wpstrack import schema

if TYPE_CHECKING:
    from conftest import WebSite

HOSTILE = (
    "Press Release\nMarch 18, 2024\n"
    "<script>alert(1)</script> The Minister met <img src=x onerror=alert(1)> in Geneva "
    "on March 18, commencing at 3 p.m.\n"
)
HOSTILE_VALUES = [
    ("date", "2024-03-18", "March 18, commencing", 1.0),
    ("city", "<img src=x onerror=alert(1)>", "<img src=x onerror=alert(1)>", 1.0),
    ("organisations", "<script>alert(1)</script>", "<script>alert(1)</script>", 1.0),
]


def _release(web: WebSite, **kwargs: Any) -> tuple[int, int]:
    with web.engine.begin() as conn:
        return add_release(conn, **kwargs)


def _activity(web: WebSite, activity_id: int) -> Any:
    act = schema.activity
    with web.engine.connect() as conn:
        return conn.execute(select(act).where(act.c.id == activity_id)).first()


def _extractions(web: WebSite, document_id: int, field: str) -> list[Any]:
    ext = schema.extraction
    with web.engine.connect() as conn:
        return list(
            conn.execute(
                select(ext)
                .where(ext.c.document_id == document_id, ext.c.field == field)
                .order_by(ext.c.id)
            )
        )


@pytest.fixture(scope="module")
def reviewer(web: WebSite) -> Any:
    return web.login("reviewer")


def test_the_review_page_highlights_every_value_at_its_span(web: WebSite, reviewer: Any) -> None:
    document_id, _ = _release(web)
    queue = reviewer.get("/review")
    assert queue.status_code == 200 and f'href="/review/{document_id}"' in queue.text
    page = reviewer.get(f"/review/{document_id}")
    assert page.status_code == 200
    marks = re.findall(r'<mark id="span-(\d+)"[^>]*data-field="([a-z_]+)"', page.text)
    fields = {field for _, field in marks}
    assert {"date", "start_time_local", "duration_minutes", "city", "principal_actors"} <= fields
    date_id = next(i for i, f in marks if f == "date")
    span = re.search(rf'<mark id="span-{date_id}"[^>]*>([^<]*)', page.text)
    assert span and span.group(1) == "March 18, commencing"
    assert 'accesskey="a"' in page.text and f'action="/review/{document_id}/accept"' in page.text


def test_a_hostile_document_renders_inert(web: WebSite, reviewer: Any) -> None:
    document_id, activity_id = _release(web, text=HOSTILE, values=HOSTILE_VALUES)
    for path in (f"/review/{document_id}", "/review"):
        html = reviewer.get(path).text
        assert "<script>alert" not in html and "<img src=x" not in html
    html = reviewer.get(f"/review/{document_id}").text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    editor = web.login("editor")
    assert "<img src=x" not in editor.get(f"/activities/{activity_id}").text


def test_correcting_by_form_adds_a_human_row_and_keeps_the_machine_row(
    web: WebSite, reviewer: Any
) -> None:
    document_id, _ = _release(web)
    [machine] = _extractions(web, document_id, "city")
    response = reviewer.post(
        f"/review/{document_id}/values/{machine.id}",
        data={"decision": "correct", "value": "New York", "csrf_token": web.csrf(reviewer, "/")},
    )
    assert response.status_code == 303
    assert response.headers["location"] == f"/review/{document_id}#value-{machine.id}"
    rows = _extractions(web, document_id, "city")
    assert [(r.source, r.value, r.decision, r.author) for r in rows] == [
        ("machine", "Boston", None, None),
        ("human", "New York", "corrected", "reviewer"),
    ]


def test_link_and_accept_by_form_then_publish_for_anonymous_readers(
    web: WebSite, reviewer: Any
) -> None:
    document_id, activity_id = _release(web)
    with web.engine.begin() as conn:
        item = measure_id(conn)
    token = web.csrf(reviewer, "/")
    linked = reviewer.post(
        f"/review/{document_id}/link",
        data={"activity_id": activity_id, "plan_item_id": item, "version": 1, "csrf_token": token},
    )
    assert linked.status_code == 303
    accepted = reviewer.post(
        f"/review/{document_id}/accept", data={"version": 2, "csrf_token": token}
    )
    assert accepted.status_code == 303 and accepted.headers["location"].startswith("/review")
    row = _activity(web, activity_id)
    assert (row.status, row.reviewed_by, row.version) == ("reviewed", "reviewer", 3)
    anonymous = web.client()
    assert anonymous.get(f"/activities/{activity_id}").status_code == 404
    assert (
        reviewer.post(
            f"/activities/{activity_id}/publish", data={"version": 3, "csrf_token": token}
        ).status_code
        == 403
    )
    editor = web.login("editor")
    published = editor.post(
        f"/activities/{activity_id}/publish",
        data={"version": 3, "csrf_token": web.csrf(editor, "/")},
    )
    assert published.status_code == 303
    page = anonymous.get(f"/activities/{activity_id}")
    assert page.status_code == 200
    assert f'href="/documents/{document_id}#span-' in page.text
    assert re.search(r"linked to JP-NAP3 [\d.]+ by reviewer", page.text)
    listed = anonymous.get("/activities", params={"plan_item": item, "date_from": ""})
    assert f'href="/activities/{activity_id}"' in listed.text


def test_a_stale_form_gets_409_and_changes_nothing(web: WebSite, reviewer: Any) -> None:
    document_id, activity_id = _release(web)
    token = web.csrf(reviewer, "/")
    with web.engine.begin() as conn:
        item = measure_id(conn)
    reviewer.post(
        f"/review/{document_id}/link",
        data={"activity_id": activity_id, "plan_item_id": item, "version": 1, "csrf_token": token},
    )
    stale = reviewer.post(f"/review/{document_id}/accept", data={"version": 1, "csrf_token": token})
    assert stale.status_code == 409
    assert "version 2" in stale.text
    row = _activity(web, activity_id)
    assert (row.status, row.version) == ("draft", 2)


@pytest.mark.parametrize("role", [None, "viewer"])
def test_readers_cannot_decide_and_nothing_changes(web: WebSite, role: str | None) -> None:
    document_id, activity_id = _release(web)
    [machine] = _extractions(web, document_id, "city")
    client = web.login(role) if role else web.client()
    token = web.csrf(client, "/login")
    decided = client.post(
        f"/review/{document_id}/values/{machine.id}",
        data={"decision": "reject", "csrf_token": token},
    )
    accepted = client.post(
        f"/review/{document_id}/accept", data={"version": 1, "csrf_token": token}
    )
    expected = 403 if role else 303
    assert (decided.status_code, accepted.status_code) == (expected, expected)
    assert len(_extractions(web, document_id, "city")) == 1
    assert _activity(web, activity_id).status == "draft"


def test_the_activity_list_filters_by_a_get_form(web: WebSite, reviewer: Any) -> None:
    _, activity_id = _release(web)
    with web.engine.begin() as conn:
        conn.execute(
            schema.activity.update()
            .where(schema.activity.c.id == activity_id)
            .values(country="KE", type="signing")
        )
    page = reviewer.get("/activities", params={"country": "KE", "type": "", "date_to": ""})
    assert page.status_code == 200 and f'href="/activities/{activity_id}"' in page.text
    other = reviewer.get("/activities", params={"country": "KE", "type": "speech"})
    assert f'href="/activities/{activity_id}"' not in other.text
    assert '<label for="date_from">' in page.text


def test_a_stale_if_match_on_an_activity_gets_409_and_changes_nothing(web: WebSite) -> None:
    _, activity_id = _release(web)
    editor = web.bearer("editor")
    client = web.client()
    read = client.get(f"/api/v1/activities/{activity_id}", headers=editor)
    etag = read.headers["etag"]
    first = client.patch(
        f"/api/v1/activities/{activity_id}",
        json={"title": "First edit"},
        headers={**editor, "If-Match": etag},
    )
    assert (first.status_code, first.headers["etag"]) == (200, '"2"')
    stale = client.patch(
        f"/api/v1/activities/{activity_id}",
        json={"title": "Lost edit", "city": "Paris"},
        headers={**editor, "If-Match": etag},
    )
    assert stale.status_code == 409
    assert stale.json()["error"]["details"] == {"current_version": 2}
    row = _activity(web, activity_id)
    assert (row.title, row.city, row.version) == ("First edit", "Boston", 2)
    missing = client.patch(f"/api/v1/activities/{activity_id}", json={"title": "x"}, headers=editor)
    assert missing.status_code == 422


def test_anonymous_api_writes_are_refused_and_change_nothing(web: WebSite) -> None:
    document_id, activity_id = _release(web)
    [machine] = _extractions(web, document_id, "city")
    client = web.client()
    responses = [
        client.patch(f"/api/v1/activities/{activity_id}", json={"title": "x"}),
        client.post(f"/api/v1/activities/{activity_id}/links", json={"plan_item_id": 1}),
        client.post(f"/api/v1/review/{document_id}/accept"),
        client.post(f"/api/v1/review/values/{machine.id}/correct", json={"value": "Paris"}),
    ]
    assert [r.status_code for r in responses] == [401] * 4
    assert len(_extractions(web, document_id, "city")) == 1
    row = _activity(web, activity_id)
    assert (row.status, row.version) == ("draft", 1)


def test_review_through_the_api_then_publish_for_anonymous_readers(web: WebSite) -> None:
    document_id, activity_id = _release(web)
    [machine] = _extractions(web, document_id, "city")
    client, reviewer, editor = web.client(), web.bearer("reviewer"), web.bearer("editor")
    item = client.get(f"/api/v1/review/{document_id}", headers=web.bearer("viewer")).json()
    assert item["document"]["text"] == RELEASE and item["activity"]["id"] == activity_id
    corrected = client.post(
        f"/api/v1/review/values/{machine.id}/correct", json={"value": "New York"}, headers=reviewer
    )
    assert corrected.status_code == 201
    assert (corrected.json()["source"], corrected.json()["decides_id"]) == ("human", machine.id)
    accepted = client.post(
        f"/api/v1/review/{document_id}/accept", headers={**reviewer, "If-Match": '"1"'}
    )
    assert accepted.status_code == 200 and accepted.json()["city"] == "New York"
    assert client.get(f"/api/v1/activities/{activity_id}").status_code == 404
    published = client.post(f"/api/v1/activities/{activity_id}/publish", headers=editor)
    assert published.status_code == 200
    public = client.get(f"/api/v1/activities/{activity_id}").json()
    city = next(v for v in public["provenance"] if v["field"] == "city")
    assert (city["anchor"], city["current"]) == (f"span-{machine.id}", "New York")
    listed = client.get("/api/v1/activities", params={"limit": 500}).json()["items"]
    assert activity_id in [a["id"] for a in listed]
    assert all(a["is_published"] for a in listed)


def test_the_activity_api_pages_with_cursors_and_downloads_csv(web: WebSite) -> None:
    for _ in range(3):
        _release(web)
    viewer = web.bearer("viewer")
    client = web.client()
    everything = client.get("/api/v1/activities", params={"limit": 500}, headers=viewer).json()
    seen, cursor = [], None
    while True:
        params: dict[str, Any] = {"limit": 2} | ({"cursor": cursor} if cursor else {})
        page = client.get("/api/v1/activities", params=params, headers=viewer).json()
        seen += [a["id"] for a in page["items"]]
        if not (cursor := page["next_cursor"]):
            break
    assert seen == [a["id"] for a in everything["items"]] and len(seen) >= 3
    csv_text = client.get("/api/v1/activities?format=csv&status=draft", headers=viewer).text
    assert csv_text.splitlines()[0].startswith("id,document_id,type,title,status")
    queue = client.get("/api/v1/review?format=csv", headers=viewer)
    assert queue.status_code == 200 and queue.text.startswith("id,title")


def test_a_value_posted_under_another_document_is_not_found(web: WebSite, reviewer: Any) -> None:
    document_id, _ = _release(web)
    other, _ = _release(web)
    [machine] = _extractions(web, document_id, "city")
    response = reviewer.post(
        f"/review/{other}/values/{machine.id}",
        data={"decision": "reject", "csrf_token": web.csrf(reviewer, "/")},
    )
    assert response.status_code == 404
    assert len(_extractions(web, document_id, "city")) == 1
