"""The HTML side: login and sessions, CSRF, the throttle, admin forms, escaping, headers."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from itsdangerous import URLSafeTimedSerializer
from pydantic import ValidationError
from sqlalchemy import event, select

from wpstrack import audit, schema
from wpstrack.errors import ConfigError
from wpstrack.settings import PUBLISHED_SECRET_KEY, Settings
from wpstrack.web import create_app
from wpstrack.web.sessions import (
    COOKIE_NAME,
    SECRET_KEY_FILE,
    check_serving_address,
    installation_secret,
)

if TYPE_CHECKING:
    from conftest import WebSite

PASSWORD = "a long password for tests"


def _login_post(client: Any, username: str, password: str, **extra: str) -> Any:
    data = {"username": username, "password": password, "csrf_token": _csrf(client), **extra}
    return client.post("/login", data=data)


def _csrf(client: Any) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").text)
    assert match
    return match.group(1)


def _make_user(web: WebSite, name: str, role: str = "viewer") -> None:
    from wpstrack import users

    with web.engine.begin() as conn:
        users.add_user(conn, users.user_in(name, role, PASSWORD), actor="tests")


def test_login_sets_an_httponly_samesite_session_cookie(web: WebSite) -> None:
    client = web.client()
    response = _login_post(client, "viewer", PASSWORD)
    assert response.status_code == 303
    cookie = response.headers["set-cookie"]
    assert cookie.startswith("wpstrack_session=")
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Secure" not in cookie  # plain http in development
    assert "viewer" in client.get("/").text


def test_session_cookie_is_secure_over_https(web: WebSite) -> None:
    from fastapi.testclient import TestClient

    client = TestClient(web.app, base_url="https://testserver", follow_redirects=False)
    response = _login_post(client, "viewer", PASSWORD)
    assert response.status_code == 303
    assert "; Secure" in response.headers["set-cookie"]


def test_wrong_password_shows_the_form_again_without_a_session(web: WebSite) -> None:
    client = web.client("10.9.0.1")
    response = _login_post(client, "editor", "not it at all")
    assert response.status_code == 401
    assert "wrong username or password" in response.text
    assert client.get("/admin/users").status_code == 303  # still anonymous


def test_login_without_csrf_token_is_refused(web: WebSite) -> None:
    client = web.client()
    client.get("/login")
    response = client.post("/login", data={"username": "admin", "password": PASSWORD})
    assert response.status_code == 403
    assert "CSRF" in response.text
    assert client.get("/admin/users").status_code == 303


def test_form_post_with_another_sessions_csrf_token_is_refused(web: WebSite) -> None:
    admin = web.login("admin")
    stranger_token = _csrf(web.client())
    response = admin.post(
        "/admin/users",
        data={"username": "csrf-victim", "role": "admin", "csrf_token": stranger_token},
    )
    assert response.status_code == 403
    with web.engine.connect() as conn:
        found = conn.execute(
            select(schema.app_user).where(schema.app_user.c.username == "csrf-victim")
        )
        assert found.first() is None


def test_failures_from_one_address_never_lock_the_owner_out(
    web: WebSite, monkeypatch: pytest.MonkeyPatch
) -> None:
    from wpstrack import users

    _make_user(web, "throttled")
    at = datetime.now(UTC)
    monkeypatch.setattr(users, "now", lambda: at)
    client = web.client("10.9.1.1")
    for i in range(5):  # spaced so that the backoff lets each one through
        at += timedelta(seconds=20 if i else 0)
        assert _login_post(client, "throttled", "guess guess guess").status_code == 401
    slowed = _login_post(client, "throttled", PASSWORD)
    assert slowed.status_code == 429
    assert "too many failed logins" in slowed.text
    assert int(slowed.headers["retry-after"]) == 8
    assert _login_post(web.client("10.9.1.2"), "throttled", PASSWORD).status_code == 303
    at += timedelta(seconds=8)
    assert _login_post(client, "throttled", PASSWORD).status_code == 303


def test_one_address_guessing_many_accounts_is_slowed_for_a_few_seconds(
    web: WebSite, monkeypatch: pytest.MonkeyPatch
) -> None:
    from wpstrack import users

    at = datetime.now(UTC)
    monkeypatch.setattr(users, "now", lambda: at)
    client = web.client("10.9.2.1")
    for i in range(20):
        assert _login_post(client, f"ghost{i}", "guess guess guess").status_code == 401
    slowed = _login_post(client, "reviewer", PASSWORD)
    assert slowed.status_code == 429 and int(slowed.headers["retry-after"]) <= 5
    assert _login_post(web.client("10.9.2.2"), "reviewer", PASSWORD).status_code == 303
    at += timedelta(seconds=5)
    assert _login_post(client, "reviewer", PASSWORD).status_code == 303


def _copy_of_session(web: WebSite, client: Any) -> Any:
    """Another client holding the same cookie, as a thief or a second tab would."""
    copy = web.client()
    copy.cookies.update(client.cookies)
    return copy


def test_logout_ends_the_session(web: WebSite) -> None:
    client = web.login("admin")
    stolen = _copy_of_session(web, client)
    assert client.get("/admin/users").status_code == 200
    response = client.post("/logout", data={"csrf_token": web.csrf(client, "/logout")})
    assert response.status_code == 303
    assert client.get("/admin/users").status_code == 303
    assert stolen.get("/admin/users").status_code == 303  # the old cookie is dead too
    with web.engine.connect() as conn:
        events = audit.list_events(conn, audit.AuditFilter(actor="admin", action="logout"))
        assert events.items


def test_a_role_change_ends_the_users_sessions(web: WebSite) -> None:
    from wpstrack import users

    _make_user(web, "demoted", "editor")
    client = web.login("demoted")
    assert "demoted" in client.get("/").text
    with web.engine.begin() as conn:
        users.update_user(conn, "demoted", users.UserUpdate(role="viewer"), actor="tests")
    assert "demoted" not in client.get("/").text
    assert "demoted" in web.login("demoted").get("/").text  # logging in again works


@pytest.mark.parametrize(
    ("next_url", "expected"),
    [("/admin/audit", "/admin/audit"), ("//evil.example/", "/"), ("https://evil.example/", "/")],
)
def test_login_returns_to_local_pages_only(web: WebSite, next_url: str, expected: str) -> None:
    response = _login_post(web.client(), "admin", PASSWORD, next=next_url)
    assert response.headers["location"] == expected


def test_anonymous_visitor_is_sent_to_login_with_a_way_back(web: WebSite) -> None:
    response = web.client().get("/admin/audit?actor=x")
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=/admin/audit%3Factor%3Dx"


def test_admin_adds_a_user_whose_password_is_shown_once_and_works(web: WebSite) -> None:
    admin = web.login("admin")
    token = web.csrf(admin, "/admin/users")
    response = admin.post(
        "/admin/users", data={"username": "newcomer", "role": "reviewer", "csrf_token": token}
    )
    assert response.status_code == 201
    password = re.search(r'<code class="secret">([^<]+)</code>', response.text).group(1)
    assert "secret" not in admin.get("/admin/users").text
    assert _login_post(web.client(), "newcomer", password).status_code == 303


def test_stale_form_edit_returns_409_and_changes_nothing(web: WebSite) -> None:
    _make_user(web, "contested")
    admin = web.login("admin")
    token = web.csrf(admin, "/admin/users")
    form = {"role": "editor", "is_active": "on", "version": "1", "csrf_token": token}
    assert admin.post("/admin/users/contested", data=form).status_code == 303
    stale = admin.post("/admin/users/contested", data={**form, "role": "admin"})
    assert stale.status_code == 409
    assert "Nothing was changed" in stale.text
    with web.engine.connect() as conn:
        row = conn.execute(
            select(schema.app_user.c.role, schema.app_user.c.version).where(
                schema.app_user.c.username == "contested"
            )
        ).one()
    assert tuple(row) == ("editor", 2)


def test_a_disabled_users_session_stops_working(web: WebSite) -> None:
    _make_user(web, "leaving", "editor")
    client = web.login("leaving")
    assert "leaving" in client.get("/").text
    from wpstrack import users

    with web.engine.begin() as conn:
        users.disable_user(conn, "leaving", actor="tests")
    assert "leaving" not in client.get("/").text
    with web.engine.begin() as conn:
        users.update_user(conn, "leaving", users.UserUpdate(is_active=True), actor="tests")
    assert "leaving" not in client.get("/").text  # enabling again does not revive the session


@pytest.mark.parametrize("hostile", ["<script>alert(1)</script>", '"><img src=x onerror=alert(1)>'])
def test_user_input_is_escaped_in_pages(web: WebSite, hostile: str) -> None:
    client = web.client("10.9.3.1")
    login_page = _login_post(client, hostile, "whatever it is")
    search_page = client.get("/organisations", params={"q": hostile})
    for page in (login_page, search_page):
        assert hostile not in page.text
        assert "<script>alert" not in page.text and "<img src=x" not in page.text
    assert "&lt;script&gt;" in login_page.text or "&lt;img" in login_page.text


def test_recorded_values_are_escaped_on_the_audit_page(web: WebSite) -> None:
    hostile = "<script>document.title='owned'</script>"
    with web.engine.begin() as conn:
        audit.record(conn, "tests", "create", "activity", 1, None, {"title": hostile})
    page = web.login("admin").get("/admin/audit", params={"table_name": "activity"})
    assert page.status_code == 200
    assert hostile not in page.text
    assert "&lt;script&gt;document.title=" in page.text


def test_scripts_can_send_the_csrf_token_as_a_header(web: WebSite) -> None:
    admin = web.login("admin")
    page = admin.get("/admin/users").text
    token = re.search(r'<meta name="csrf-token" content="([^"]+)">', page).group(1)
    form = {"username": "via-header", "role": "viewer"}
    assert admin.post("/admin/users", data=form).status_code == 403
    sent = admin.post("/admin/users", data=form, headers={"X-CSRF-Token": token})
    assert sent.status_code == 201


def test_pages_carry_a_script_blocking_content_security_policy(web: WebSite) -> None:
    headers = web.client().get("/").headers
    assert "script-src 'self'" in headers["content-security-policy"]
    assert headers["x-content-type-options"] == "nosniff"


def test_layout_has_skip_link_navigation_and_labelled_fields(web: WebSite) -> None:
    html = web.client().get("/login").text
    assert '<a class="skip-link" href="#main">' in html
    assert '<main id="main"' in html and '<nav id="site-nav" aria-label="Main">' in html
    assert '<label for="username">' in html and '<label for="password">' in html
    assert 'name="viewport"' in html


def test_a_cookie_signed_with_the_published_development_key_is_no_session(web: WebSite) -> None:
    with web.engine.connect() as conn:
        admin = conn.execute(select(schema.app_user).where(schema.app_user.c.username == "admin"))
        row = admin.mappings().one()
    forger = URLSafeTimedSerializer(PUBLISHED_SECRET_KEY, salt="wpstrack.session")
    forged = {"uid": row["id"], "csrf": "forged", "sv": row.get("session_version")}
    client = web.client()
    client.cookies.set(COOKIE_NAME, forger.dumps(forged))
    assert client.get("/admin/users").status_code == 303  # sent to the login page


@pytest.mark.parametrize("key", ["short", PUBLISHED_SECRET_KEY])
def test_weak_or_published_secret_keys_are_refused(key: str) -> None:
    with pytest.raises(ValidationError, match="WPSTRACK_SECRET_KEY"):
        Settings(_env_file=None, secret_key=key)
    assert Settings(_env_file=None, environment="production", secret_key="k" * 40).secret_key


def test_installation_key_is_random_private_and_survives_a_restart(
    web: WebSite, tmp_path: Path
) -> None:
    key = installation_secret(web.settings.data_dir)
    path = web.settings.data_dir / SECRET_KEY_FILE
    assert path.stat().st_mode & 0o777 == 0o600
    assert installation_secret(web.settings.data_dir) == key
    assert installation_secret(tmp_path / "another") != key
    client = web.login("viewer")
    restarted = create_app(web.settings, engine=web.engine)
    with TestClient(restarted, follow_redirects=False) as again:
        again.cookies.update(client.cookies)
        assert again.get("/admin/audit").status_code == 403  # known as viewer, not anonymous


def test_an_unusable_key_file_or_data_dir_is_a_coded_error(tmp_path: Path) -> None:
    (tmp_path / "short").mkdir()
    (tmp_path / "short" / SECRET_KEY_FILE).write_text("too short\n")
    with pytest.raises(ConfigError, match="shorter than 32"):
        installation_secret(tmp_path / "short")
    (tmp_path / "a-file").write_text("not a folder")
    with pytest.raises(ConfigError, match="WPSTRACK_SECRET_KEY"):
        installation_secret(tmp_path / "a-file" / "data")


@pytest.mark.parametrize(
    ("environment", "host", "outcome"),
    [
        ("development", "127.0.0.1", None),
        ("development", "::1", None),
        ("development", "localhost", None),
        ("development", "0.0.0.0", "warning"),
        ("production", "127.0.0.1", None),
        ("production", "0.0.0.0", "refused"),
        ("production", "example.org", "refused"),
    ],
)
def test_serving_beyond_this_machine_needs_a_configured_key_in_production(
    environment: str, host: str, outcome: str | None
) -> None:
    settings = Settings(_env_file=None, environment=environment)  # type: ignore[arg-type]
    if outcome == "refused":
        with pytest.raises(ConfigError, match="WPSTRACK_SECRET_KEY"):
            check_serving_address(settings, host)
        keyed = Settings(_env_file=None, environment="production", secret_key="k" * 40)
        assert check_serving_address(keyed, host) is None
    elif outcome == "warning":
        assert "DEVELOPMENT" in (check_serving_address(settings, host) or "")
    else:
        assert check_serving_address(settings, host) is None


def test_importing_the_web_package_builds_no_app() -> None:
    import wpstrack.web.app as module

    assert not [name for name, value in vars(module).items() if isinstance(value, FastAPI)]


def test_an_api_read_with_a_recently_used_token_writes_nothing(web: WebSite) -> None:
    client = web.client()
    headers = web.bearer("viewer")
    assert client.get("/api/v1/me", headers=headers).status_code == 200  # stamps the token
    writes: list[str] = []

    def listen(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        if statement.lstrip().split(None, 1)[0].upper() in {"UPDATE", "INSERT", "DELETE"}:
            writes.append(statement)

    event.listen(web.engine, "before_cursor_execute", listen)
    try:
        assert client.get("/api/v1/me", headers=headers).status_code == 200
        assert client.get("/api/v1/activities", headers=headers).status_code == 200
    finally:
        event.remove(web.engine, "before_cursor_execute", listen)
    assert writes == []


def test_a_user_changes_their_password_and_their_other_sessions_end(web: WebSite) -> None:
    _make_user(web, "changer")
    client = web.login("changer")
    other_device = web.login("changer", address="10.9.6.2")
    form = {"current_password": PASSWORD, "new_password": "my new password 1"}
    form["confirm_password"] = form["new_password"]
    refused = client.post("/password", data=form)  # no CSRF token
    assert refused.status_code == 403
    wrong = {**form, "current_password": "not my password", "csrf_token": _csrf(client)}
    assert client.post("/password", data=wrong).status_code == 422
    response = client.post("/password", data={**form, "csrf_token": web.csrf(client, "/password")})
    assert response.status_code == 200 and "was changed" in response.text
    assert "changer" in client.get("/").text  # this session goes on
    assert "changer" not in other_device.get("/").text
    assert _login_post(web.client("10.9.6.3"), "changer", PASSWORD).status_code == 401
    web.login("changer", "my new password 1", address="10.9.6.4")


def test_an_admin_resets_a_password_shown_once_and_the_users_sessions_end(web: WebSite) -> None:
    _make_user(web, "forgetful")
    victim_session = web.login("forgetful")
    admin = web.login("admin")
    response = admin.post("/admin/users/forgetful/password", data={"csrf_token": _csrf(admin)})
    assert response.status_code == 200
    shown = re.search(r'<code class="secret">([^<]+)</code>', response.text)
    assert shown
    password = shown.group(1)
    assert "secret" not in admin.get("/admin/users").text
    assert "forgetful" not in victim_session.get("/").text
    web.login("forgetful", password, address="10.9.7.1")
    with web.engine.connect() as conn:
        found = audit.list_events(conn, audit.AuditFilter(actor="admin", action="reset_password"))
        assert found.items


def test_passwords_change_and_reset_through_the_api(web: WebSite) -> None:
    from wpstrack import users

    _make_user(web, "api-changer")
    with web.engine.begin() as conn:
        token = users.create_token(conn, "api-changer", "tests", actor="tests")[1]
    client = web.client()
    mine = {"Authorization": f"Bearer {token}"}
    body = {"current_password": "wrong password", "new_password": "api new password 1"}
    assert client.post("/api/v1/me/password", json=body, headers=mine).status_code == 422
    body["current_password"] = PASSWORD
    assert client.post("/api/v1/me/password", json=body, headers=mine).status_code == 204
    web.login("api-changer", "api new password 1", address="10.9.8.1")
    forbidden = client.post("/api/v1/users/api-changer/password", headers=mine)
    assert forbidden.status_code == 403
    reset = client.post("/api/v1/users/api-changer/password", headers=web.bearer("admin"))
    assert reset.status_code == 200 and reset.json()["username"] == "api-changer"
    web.login("api-changer", reset.json()["password"], address="10.9.8.2")
