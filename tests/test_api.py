"""The JSON API: permissions per role, the error envelope, cursors, If-Match and OpenAPI."""

from __future__ import annotations

import csv
import io
import itertools
import json
from typing import TYPE_CHECKING, Any

import pytest
from sqlalchemy import func, select

from wpstrack import audit, schema
from wpstrack.errors import NotFound

if TYPE_CHECKING:
    from conftest import WebSite

ROLES = [None, "viewer", "reviewer", "editor", "admin"]  # None is an anonymous visitor
_names = itertools.count()


def _body(method: str, path: str) -> dict[str, Any] | None:
    if method == "POST" and path == "/api/v1/users":
        return {"username": f"matrix-{next(_names)}", "role": "viewer"}
    if method == "PATCH" and path.startswith("/api/v1/activities"):
        return {"title": "matrix"}
    if method == "PATCH":
        return {"role": "viewer"}
    if method == "POST" and path == "/api/v1/review/merge":
        return {"into": 999999, "source": 999998}
    if method == "POST" and path == "/api/v1/review/apart":
        return {"activity": 999999, "other": 999998}
    if method == "POST" and path.startswith(("/api/v1/activities", "/api/v1/review")):
        return {"plan_item_id": 1, "field": "city", "value": "Geneva"}
    return None


def _everyone(status: int) -> dict[str | None, int]:
    return dict.fromkeys(ROLES, status)


def _admin_only(ok: int) -> dict[str | None, int]:
    return {None: 401, "viewer": 403, "reviewer": 403, "editor": 403, "admin": ok}


# (method, path) -> expected status per role, anonymous included.
API_MATRIX: dict[tuple[str, str], dict[str | None, int]] = {
    ("GET", "/api/v1/plans"): _everyone(200),
    ("GET", "/api/v1/plans/JP-NAP3"): _everyone(200),
    ("GET", "/api/v1/plans/XX-NONE"): _everyone(404),
    ("PUT", "/api/v1/plans/JP-NAP3"): _everyone(405),
    ("GET", "/api/v1/organisations"): _everyone(200),
    ("GET", "/api/v1/organisations/unwomen"): _everyone(200),
    ("GET", "/api/v1/organisations/no-such-body"): _everyone(404),
    ("POST", "/api/v1/organisations"): _everyone(405),
    ("DELETE", "/api/v1/organisations/unwomen"): _everyone(405),
    ("GET", "/api/v1/me"): {**_everyone(200), None: 401},
    ("GET", "/api/v1/users"): _admin_only(200),
    ("POST", "/api/v1/users"): _admin_only(201),
    ("GET", "/api/v1/users/matrix-target"): _admin_only(200),
    ("PATCH", "/api/v1/users/matrix-target"): _admin_only(200),
    ("GET", "/api/v1/audit"): _admin_only(200),
    ("GET", "/api/v1/openapi.json"): _everyone(200),
    # Past the door, the missing body (422) or the unknown user (404) answers.
    ("POST", "/api/v1/me/password"): {**_everyone(422), None: 401},
    ("POST", "/api/v1/users/no-such-user/password"): _admin_only(404),
}

PAGE_MATRIX: dict[tuple[str, str], dict[str | None, int]] = {
    ("GET", "/"): _everyone(200),
    ("GET", "/login"): _everyone(200),
    ("GET", "/plans"): _everyone(200),
    ("GET", "/plans/JP-NAP3"): _everyone(200),
    ("GET", "/plans/XX-NONE"): _everyone(404),
    ("GET", "/organisations"): _everyone(200),
    ("GET", "/organisations/unwomen"): _everyone(200),
    ("GET", "/admin/users"): {**_admin_only(200), None: 303},
    ("GET", "/admin/audit"): {**_admin_only(200), None: 303},
    ("POST", "/admin/users"): {**_admin_only(201), None: 303},
    ("POST", "/admin/users/matrix-target"): {**_admin_only(303), None: 303},
    ("GET", "/password"): {**_everyone(200), None: 303},
    ("POST", "/admin/users/no-such-user/password"): {**_admin_only(404), None: 303},
}


# Documents, search, dashboard and people. An upload without files passes the role check
# and then fails validation (422), so the matrix shows who gets past the door.
_UPLOADERS = {None: 401, "viewer": 403, "reviewer": 403, "editor": 422, "admin": 422}
API_MATRIX |= {
    ("GET", "/api/v1/dashboard"): _everyone(200),
    ("GET", "/api/v1/search?q=peace"): _everyone(200),
    ("GET", "/api/v1/documents"): _everyone(200),
    ("GET", "/api/v1/documents/999999"): _everyone(404),
    ("POST", "/api/v1/documents"): _UPLOADERS,
    ("DELETE", "/api/v1/documents/999999"): _everyone(405),
    ("GET", "/api/v1/people"): _everyone(200),
    ("GET", "/api/v1/people/999999"): _everyone(404),
    ("GET", "/api/v1/organisations/unwomen/activities"): _everyone(200),
    ("GET", "/api/v1/organisations/no-such-body/activities"): _everyone(404),
}
PAGE_MATRIX |= {
    ("GET", "/dashboard"): _everyone(200),
    ("GET", "/search?q=peace"): _everyone(200),
    ("GET", "/documents"): _everyone(200),
    ("GET", "/documents/999999"): _everyone(404),
    ("POST", "/documents"): {**_UPLOADERS, None: 303},
    ("GET", "/people"): _everyone(200),
    ("GET", "/people/999999"): _everyone(404),
    ("GET", "/organisations/unwomen/activities"): _everyone(200),
}

# Indicators, the who-does-what-where matrix and exports (monitoring).
_REFRESHERS = {None: 401, "viewer": 403, "reviewer": 200, "editor": 200, "admin": 200}
API_MATRIX |= {
    ("GET", "/api/v1/indicators"): _everyone(200),
    ("GET", "/api/v1/indicators/JP-NAP3"): _everyone(200),
    ("GET", "/api/v1/indicators/XX-NONE"): _everyone(404),
    ("GET", "/api/v1/indicators/JP-NAP3/NO-SUCH"): _everyone(404),
    ("POST", "/api/v1/indicators/JP-NAP3/refresh"): _REFRESHERS,
    ("GET", "/api/v1/matrix"): _everyone(200),
    ("GET", "/api/v1/matrix?format=csv&pillar=protection"): _everyone(200),
    ("GET", "/api/v1/matrix?pillar=no-such-pillar"): _everyone(422),
    ("GET", "/api/v1/exports/activities?format=xlsx"): {**_everyone(200), None: 401},
    ("GET", "/api/v1/exports/indicator_values?format=sdmx-csv"): {**_everyone(200), None: 401},
    ("GET", "/api/v1/exports/app_user"): {**_everyone(422), None: 401},
}
PAGE_MATRIX |= {
    ("GET", "/indicators/JP-NAP3"): _everyone(200),
    ("GET", "/indicators/JP-NAP3/NO-SUCH"): _everyone(404),
    ("POST", "/indicators/JP-NAP3/refresh"): {**_everyone(303), "viewer": 403},
    ("GET", "/matrix"): _everyone(200),
    ("GET", "/matrix?country=JP&year_from=2020"): _everyone(200),
    ("GET", "/matrix.csv"): _everyone(200),
}

# Activities and review, on an id that does not exist: a role that gets past the door meets
# 404, one that does not gets 401 (anonymous) or 403.
_READERS_404 = {**_everyone(404), None: 401}
_REVIEWERS_404 = {None: 401, "viewer": 403, "reviewer": 404, "editor": 404, "admin": 404}
_EDITORS_404 = {**_REVIEWERS_404, "reviewer": 403}
# The matrix's form lacks plan_item_id / decision: past the door, validation answers 422.
_REVIEWER_FORMS_422 = {None: 303, "viewer": 403, "reviewer": 422, "editor": 422, "admin": 422}
API_MATRIX |= {
    ("GET", "/api/v1/activities"): _everyone(200),
    ("GET", "/api/v1/activities/999999"): _everyone(404),
    ("PATCH", "/api/v1/activities/999999"): _EDITORS_404,
    ("POST", "/api/v1/activities/999999/publish"): _EDITORS_404,
    ("POST", "/api/v1/activities/999999/unpublish"): _EDITORS_404,
    ("POST", "/api/v1/activities/999999/links"): _REVIEWERS_404,
    ("DELETE", "/api/v1/activities/999999/links/1"): _REVIEWERS_404,
    ("DELETE", "/api/v1/activities/999999"): _everyone(405),
    ("GET", "/api/v1/review"): {**_everyone(200), None: 401},
    ("GET", "/api/v1/review/999999"): _READERS_404,
    ("POST", "/api/v1/review/999999/accept"): _REVIEWERS_404,
    ("POST", "/api/v1/review/999999/reject"): _REVIEWERS_404,
    ("POST", "/api/v1/review/999999/values"): _REVIEWERS_404,
    ("POST", "/api/v1/review/values/999999/correct"): _REVIEWERS_404,
    ("GET", "/api/v1/activities/999999/candidates"): _READERS_404,
    ("POST", "/api/v1/review/merge"): _REVIEWERS_404,
    ("POST", "/api/v1/review/apart"): _REVIEWERS_404,
}
PAGE_MATRIX |= {
    ("GET", "/activities"): _everyone(200),
    ("GET", "/activities/999999"): _everyone(404),
    ("POST", "/activities/999999/publish"): {**_EDITORS_404, None: 303},
    ("POST", "/activities/999999/links"): _REVIEWER_FORMS_422,
    ("GET", "/review"): {**_everyone(200), None: 303},
    ("GET", "/review/999999"): {**_READERS_404, None: 303},
    ("POST", "/review/999999/accept"): {**_REVIEWERS_404, None: 303},
    ("POST", "/review/999999/values/999999"): _REVIEWER_FORMS_422,
    ("POST", "/review/999999/merge"): _REVIEWER_FORMS_422,
    ("POST", "/review/999999/apart"): _REVIEWER_FORMS_422,
}


@pytest.fixture(scope="module")
def sessions(web: WebSite) -> dict[str | None, Any]:
    """One logged-in page client per role (and an anonymous one), reused by the matrix."""
    clients = {role: web.login(role) for role in ROLES if role}
    clients[None] = web.client()
    return clients


def _version(web: WebSite, username: str) -> int:
    with web.engine.begin() as conn:
        from wpstrack import users

        try:
            return users.get_user(conn, username).version
        except NotFound:
            users.add_user(conn, users.user_in(username, "viewer", "long password here"), None)
            return 1


@pytest.mark.parametrize("role", ROLES, ids=lambda r: r or "anonymous")
@pytest.mark.parametrize(("method", "path"), list(API_MATRIX), ids=lambda x: str(x))
def test_api_permission_matrix(web: WebSite, role: str | None, method: str, path: str) -> None:
    headers = web.bearer(role)
    if method == "PATCH":
        headers["If-Match"] = f'"{_version(web, "matrix-target")}"'
    elif path.endswith("matrix-target"):
        _version(web, "matrix-target")
    response = web.client().request(method, path, headers=headers, json=_body(method, path))
    assert response.status_code == API_MATRIX[(method, path)][role], response.text
    if response.status_code >= 400:
        assert set(response.json()["error"]) == {"code", "message", "details", "request_id"}


@pytest.mark.parametrize("role", ROLES, ids=lambda r: r or "anonymous")
@pytest.mark.parametrize(("method", "path"), list(PAGE_MATRIX), ids=lambda x: str(x))
def test_page_permission_matrix(
    web: WebSite, sessions: dict[str | None, Any], role: str | None, method: str, path: str
) -> None:
    client = sessions[role]
    data = None
    if method == "POST":
        data = {"csrf_token": web.csrf(client), "role": "viewer"}
        if path == "/admin/users":
            data["username"] = f"page-matrix-{next(_names)}"
        else:
            data["version"] = str(_version(web, "matrix-target"))
            data["is_active"] = "on"
    response = client.request(method, path, data=data)
    assert response.status_code == PAGE_MATRIX[(method, path)][role], response.text[:500]
    if response.status_code == 303 and role is None and path.startswith("/admin"):
        assert response.headers["location"].startswith("/login?next=")


def _user_count(web: WebSite) -> int:
    with web.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(schema.app_user)).scalar_one())


def test_anonymous_writes_are_refused_and_change_nothing(web: WebSite) -> None:
    before = _user_count(web)
    client = web.client()
    created = client.post("/api/v1/users", json={"username": "intruder", "role": "admin"})
    patched = client.patch(
        "/api/v1/users/admin", json={"is_active": False}, headers={"If-Match": '"1"'}
    )
    form = client.post(
        "/admin/users",
        data={"username": "intruder", "role": "admin", "csrf_token": web.csrf(client)},
    )
    assert (created.status_code, patched.status_code, form.status_code) == (401, 401, 303)
    assert created.headers["www-authenticate"] == "Bearer"
    assert _user_count(web) == before
    assert web.client().get("/api/v1/me", headers=web.bearer("admin")).json()["is_active"]


def test_stale_if_match_gets_409_with_the_current_version_and_changes_nothing(
    web: WebSite,
) -> None:
    admin = web.bearer("admin")
    client = web.client()
    created = client.post(
        "/api/v1/users", json={"username": "versioned", "role": "viewer"}, headers=admin
    )
    etag = created.headers["etag"]
    first = client.patch(
        "/api/v1/users/versioned", json={"role": "editor"}, headers={**admin, "If-Match": etag}
    )
    assert (first.status_code, first.headers["etag"]) == (200, '"2"')
    with web.engine.connect() as conn:
        events = conn.execute(select(func.count()).select_from(schema.audit_event)).scalar_one()
    stale = client.patch(
        "/api/v1/users/versioned", json={"role": "reviewer"}, headers={**admin, "If-Match": etag}
    )
    assert stale.status_code == 409
    assert stale.json()["error"]["code"] == "W009"
    assert stale.json()["error"]["details"] == {"current_version": 2}
    assert stale.headers["etag"] == '"2"'
    current = client.get("/api/v1/users/versioned", headers=admin).json()
    assert (current["role"], current["version"]) == ("editor", 2)
    with web.engine.connect() as conn:
        assert (
            conn.execute(select(func.count()).select_from(schema.audit_event)).scalar_one()
            == events
        )


@pytest.mark.parametrize("if_match", [None, "", "abc"])
def test_an_edit_must_name_the_version_it_read(web: WebSite, if_match: str | None) -> None:
    headers = web.bearer("admin") | ({"If-Match": if_match} if if_match is not None else {})
    response = web.client().patch("/api/v1/users/viewer", json={"role": "editor"}, headers=headers)
    assert response.status_code == 422
    assert response.json()["error"]["details"] == {"location": "If-Match"}


def test_invalid_body_gets_the_envelope_with_field_details(web: WebSite) -> None:
    response = web.client().post(
        "/api/v1/users", json={"username": "<b>", "role": "emperor"}, headers=web.bearer("admin")
    )
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "W010"
    assert {tuple(d["loc"]) for d in error["details"]} == {("body", "username"), ("body", "role")}


@pytest.mark.parametrize(
    "authorization", ["Bearer wpst_not-a-real-token", "Basic YWRtaW46YWRtaW4=", "Bearer "]
)
def test_bad_credentials_are_401_even_on_public_endpoints(web: WebSite, authorization: str) -> None:
    response = web.client().get("/api/v1/organisations", headers={"Authorization": authorization})
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "W030"


def test_the_api_does_not_accept_a_session_cookie(web: WebSite) -> None:
    browser = web.login("admin")
    assert browser.get("/admin/users").status_code == 200
    assert browser.get("/api/v1/users").status_code == 401


def test_a_revoked_token_stops_working(web: WebSite) -> None:
    from wpstrack import users

    with web.engine.begin() as conn:
        record, token = users.create_token(conn, "editor", "short-lived", actor="tests")
    client = web.client()
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/v1/me", headers=headers).json()["username"] == "editor"
    with web.engine.begin() as conn:
        users.revoke_token(conn, record.id, actor="tests")
    assert client.get("/api/v1/me", headers=headers).status_code == 401


def test_cursor_pages_walk_every_organisation_once(web: WebSite) -> None:
    client = web.client()
    everything = client.get("/api/v1/organisations", params={"limit": 500}).json()
    assert everything["next_cursor"] is None
    walked: list[str] = []
    params: dict[str, Any] = {"limit": 3}
    while True:
        page = client.get("/api/v1/organisations", params=params).json()
        walked += [o["code"] for o in page["items"]]
        if not page["next_cursor"]:
            break
        params["cursor"] = page["next_cursor"]
    assert walked == [o["code"] for o in everything["items"]]
    assert len(walked) > 3


def test_every_list_downloads_whole_as_csv(web: WebSite) -> None:
    client = web.client()
    everything = client.get("/api/v1/organisations", params={"limit": 500}).json()["items"]
    response = client.get("/api/v1/organisations", params={"format": "csv", "limit": 2})
    assert response.headers["content-type"].startswith("text/csv")
    assert 'filename="organisations.csv"' in response.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert [r["code"] for r in rows] == [o["code"] for o in everything]
    assert list(rows[0]) == list(everything[0])


def test_csv_cells_cannot_start_a_spreadsheet_formula(web: WebSite) -> None:
    with web.engine.begin() as conn:
        audit.record(conn, "=HYPERLINK(1)", "create", "csv_probe", 1, None, {"x": 1})
    response = web.client().get(
        "/api/v1/audit",
        params={"format": "csv", "table_name": "csv_probe"},
        headers=web.bearer("admin"),
    )
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert rows[0]["actor"] == "'=HYPERLINK(1)"
    assert json.loads(rows[0]["after"]) == {"x": 1}


def test_a_forged_cursor_is_invalid_input(web: WebSite) -> None:
    response = web.client().get("/api/v1/organisations", params={"cursor": "%%%"})
    assert response.status_code == 422
    assert response.json()["error"]["details"] == {"location": "cursor"}


def test_organisation_filters_and_the_page_show_the_same_rows(web: WebSite) -> None:
    client = web.client()
    api = client.get("/api/v1/organisations", params={"q": "women"}).json()["items"]
    assert "unwomen" in [o["code"] for o in api]
    page = client.get("/organisations", params={"q": "women"}).text
    for org in api:
        assert f'href="/organisations/{org["code"]}"' in page
    detail = client.get("/api/v1/organisations/unwomen").json()
    assert "UN Women" in detail["aliases"]
    assert detail["parent_code"] == "un"


def test_plan_page_and_api_show_the_same_tree(web: WebSite) -> None:
    client = web.client()
    listed = client.get("/api/v1/plans").json()["items"]
    assert {"JP-NAP1", "JP-NAP2", "JP-NAP3"} <= {p["code"] for p in listed}
    plan = client.get("/api/v1/plans/JP-NAP3").json()
    page = client.get("/plans/JP-NAP3").text
    assert plan["title"] in page

    def codes(items: list[dict]) -> list[str]:
        return [c for i in items for c in [i["code"], *codes(i["children"])]]

    assert codes(plan["items"])
    for code in codes(plan["items"]):
        assert f'<span class="item-code">{code}</span>' in page
    assert "where" not in plan["items"][0]


def test_audit_api_shows_who_created_a_user_with_the_password_redacted(web: WebSite) -> None:
    client = web.client()
    admin = web.bearer("admin")
    client.post("/api/v1/users", json={"username": "audited", "role": "viewer"}, headers=admin)
    params = {"table_name": "app_user", "actor": "admin", "action": "create"}
    events = client.get("/api/v1/audit", params=params, headers=admin).json()["items"]
    created = [e for e in events if e["after"]["username"] == "audited"]
    assert len(created) == 1
    assert created[0]["after"]["password_hash"] == "[redacted]"
    assert created[0]["before"] is None


def test_openapi_lists_the_resources_under_api_v1(web: WebSite) -> None:
    spec = web.client().get("/api/v1/openapi.json").json()
    assert spec["servers"] == [{"url": "/api/v1"}]
    assert {"/users", "/users/{username}", "/audit", "/organisations", "/me"} <= set(spec["paths"])
    assert "ErrorEnvelope" in spec["components"]["schemas"]
    user_fields = spec["components"]["schemas"]["User"]["properties"]
    assert "password_hash" not in user_fields
