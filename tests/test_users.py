"""Users: hashed passwords, roles, API tokens, versioned edits and the login throttle."""

from __future__ import annotations

import hashlib
import json
import socket
import subprocess
import sys
import time
import urllib.request
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Connection, event, func, select

from wpstrack import audit, schema, users
from wpstrack.db import make_engine, run_deferred_writes
from wpstrack.errors import (
    Conflict,
    InvalidInput,
    NotFound,
    StaleVersion,
    TooManyAttempts,
    Unauthenticated,
)
from wpstrack.users import LoginLimits, UserUpdate

PASSWORD = "correct horse battery"


def _add(conn: Connection, name: str, role: str = "viewer") -> users.User:
    return users.add_user(conn, users.user_in(name, role, PASSWORD), actor="tester")[0]


def _stored(conn: Connection, name: str) -> dict:
    t = schema.app_user
    return dict(conn.execute(select(t).where(t.c.username == name)).mappings().one())


def test_password_is_stored_as_argon2id_hash_never_as_given(conn: Connection) -> None:
    _add(conn, "hana")
    stored = _stored(conn, "hana")["password_hash"]
    assert stored.startswith("$argon2id$")
    assert PASSWORD not in stored


def test_generated_password_is_returned_once_and_logs_in(conn: Connection) -> None:
    user, password = users.add_user(conn, users.user_in("kenji", "editor"), actor="tester")
    assert len(password) >= 20
    assert users.authenticate(conn, "kenji", password, "10.0.0.1").id == user.id


def test_duplicate_username_is_a_conflict(conn: Connection) -> None:
    _add(conn, "aiko")
    with pytest.raises(Conflict):
        _add(conn, "aiko")


@pytest.mark.parametrize(
    ("username", "role", "password"),
    [
        ("a", "viewer", None),  # too short
        ("<script>", "viewer", None),  # markup characters
        ("has space", "viewer", None),
        ("valid.name", "superuser", None),  # unknown role
        ("valid.name", "viewer", "short"),  # password under the minimum
    ],
)
def test_invalid_user_input_is_refused_with_a_coded_error(
    username: str, role: str, password: str | None
) -> None:
    with pytest.raises(InvalidInput):
        users.user_in(username, role, password)


def test_wrong_password_is_refused_and_the_attempt_recorded(conn: Connection) -> None:
    _add(conn, "mei")
    with pytest.raises(Unauthenticated):
        users.authenticate(conn, "mei", "not the password", "10.0.0.2")
    t = schema.login_attempt
    rows = conn.execute(select(t.c.username, t.c.succeeded).where(t.c.username == "mei")).all()
    assert [tuple(r) for r in rows] == [("mei", False)]


def test_unknown_user_fails_like_a_wrong_password(conn: Connection) -> None:
    with pytest.raises(Unauthenticated, match="wrong username or password"):
        users.authenticate(conn, "nobody-here", PASSWORD, "10.0.0.3")


class FakeClock:
    """Stands in for ``users.now`` so that waits can be crossed without sleeping."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.at = datetime.now(UTC)
        monkeypatch.setattr(users, "now", lambda: self.at)

    def advance(self, seconds: float) -> None:
        self.at += timedelta(seconds=seconds)


@pytest.fixture()
def clock(monkeypatch: pytest.MonkeyPatch) -> FakeClock:
    return FakeClock(monkeypatch)


LIMITS = LoginLimits(
    free_failures=3,
    first_delay=timedelta(seconds=2),
    max_delay=timedelta(seconds=60),
    per_address=5,
    address_spacing=timedelta(seconds=5),
)


def _fail(conn: Connection, name: str, address: str) -> None:
    with pytest.raises(Unauthenticated):
        users.authenticate(conn, name, "wrong guess", address, limits=LIMITS)


def _refused_for(conn: Connection, name: str, password: str, address: str) -> int:
    with pytest.raises(TooManyAttempts) as refused:
        users.authenticate(conn, name, password, address, limits=LIMITS)
    assert refused.value.retry_after is not None
    return refused.value.retry_after


def test_failures_of_one_account_from_one_address_back_off_exponentially_and_bounded(
    conn: Connection, clock: FakeClock
) -> None:
    _add(conn, "riko")
    for _ in range(3):  # the free failures: no wait
        _fail(conn, "riko", "10.1.0.1")
    waits = []
    for _ in range(8):
        waits.append(_refused_for(conn, "riko", "wrong guess", "10.1.0.1"))
        clock.advance(waits[-1])
        _fail(conn, "riko", "10.1.0.1")
    assert waits == [2, 4, 8, 16, 32, 60, 60, 60]
    # Being refused during the wait is not a failure: the wait does not grow from hammering.
    assert _refused_for(conn, "riko", PASSWORD, "10.1.0.1") == 60
    clock.advance(30)
    assert _refused_for(conn, "riko", PASSWORD, "10.1.0.1") == 30
    clock.advance(30)  # the owner, after the wait, gets in with the right password
    assert users.authenticate(conn, "riko", PASSWORD, "10.1.0.1", limits=LIMITS).username == "riko"
    _fail(conn, "riko", "10.1.0.1")  # the success ended the run: free failures again
    _fail(conn, "riko", "10.1.0.1")


def test_an_attacker_cannot_lock_the_owner_out_from_another_address(
    conn: Connection, clock: FakeClock
) -> None:
    _add(conn, "mio")
    for _ in range(3):
        _fail(conn, "mio", "10.1.1.1")
    _refused_for(conn, "mio", PASSWORD, "10.1.1.1")
    assert users.authenticate(conn, "mio", PASSWORD, "10.1.1.2", limits=LIMITS).username == "mio"


def test_one_address_trying_many_accounts_is_slowed_not_locked(
    conn: Connection, clock: FakeClock
) -> None:
    _add(conn, "sora")
    _add(conn, "regular")
    users.authenticate(conn, "regular", PASSWORD, "10.2.0.1", limits=LIMITS)  # a known place
    for i in range(5):
        _fail(conn, f"ghost{i}", "10.2.0.1")
    assert _refused_for(conn, "sora", PASSWORD, "10.2.0.1") == 5
    assert _refused_for(conn, "ghost9", "guess", "10.2.0.1") == 5
    # Someone who logged in from here before is not held up, nor is any other address.
    assert users.authenticate(conn, "regular", PASSWORD, "10.2.0.1", limits=LIMITS)
    assert users.authenticate(conn, "sora", PASSWORD, "10.2.0.2", limits=LIMITS)
    clock.advance(5)
    assert users.authenticate(conn, "sora", PASSWORD, "10.2.0.1", limits=LIMITS).username == "sora"
    _fail(conn, "ghost10", "10.2.0.1")  # each further guess from here waits again
    assert _refused_for(conn, "ghost11", "guess", "10.2.0.1") == 5


def test_backoff_is_bounded_even_after_very_many_failures() -> None:
    assert LIMITS.pair_delay(2) == timedelta(0)
    assert LIMITS.pair_delay(10**6) == LIMITS.max_delay
    assert LoginLimits().pair_delay(10**6) == timedelta(minutes=15)


def test_disabled_user_can_neither_log_in_nor_use_a_token(conn: Connection) -> None:
    _add(conn, "taro")
    _, token = users.create_token(conn, "taro", "ci", actor="tester")
    users.disable_user(conn, "taro", actor="tester")
    with pytest.raises(Unauthenticated):
        users.authenticate(conn, "taro", PASSWORD, "10.4.0.1")
    with pytest.raises(Unauthenticated):
        users.user_for_token(conn, token)


def test_token_is_stored_as_sha256_and_resolves_to_its_user(conn: Connection) -> None:
    user = _add(conn, "emi", "reviewer")
    record, token = users.create_token(conn, "emi", "laptop", actor="tester")
    t = schema.api_token
    stored = conn.execute(select(t.c.token_hash).where(t.c.id == record.id)).scalar_one()
    assert stored == hashlib.sha256(token.encode()).hexdigest()
    assert token not in stored
    assert users.user_for_token(conn, token).id == user.id
    # The stamp is written when the transaction commits (db.transaction runs it then).
    assert users.list_tokens(conn, "emi")[0].last_used_at is None
    run_deferred_writes(conn)
    assert users.list_tokens(conn, "emi")[0].last_used_at is not None


def test_revoked_and_unknown_tokens_are_refused(conn: Connection) -> None:
    _add(conn, "ren")
    record, token = users.create_token(conn, "ren", "old", actor="tester")
    users.revoke_token(conn, record.id, actor="tester")
    with pytest.raises(Unauthenticated):
        users.user_for_token(conn, token)
    with pytest.raises(Unauthenticated):
        users.user_for_token(conn, "wpst_made-up")


def test_stale_version_edit_raises_and_changes_nothing(conn: Connection) -> None:
    user = _add(conn, "nao", "viewer")
    users.update_user(conn, "nao", UserUpdate(role="editor"), "a", expected_version=user.version)
    with pytest.raises(StaleVersion) as caught:
        users.update_user(conn, "nao", UserUpdate(role="admin"), "b", expected_version=user.version)
    assert caught.value.current_version == user.version + 1
    assert users.get_user(conn, "nao").role == "editor"


@pytest.mark.parametrize("change", [UserUpdate(role="viewer"), UserUpdate(is_active=False)])
def test_the_last_active_admin_cannot_be_demoted_or_disabled(
    conn: Connection, change: UserUpdate
) -> None:
    t = schema.app_user
    admins = conn.execute(select(func.count()).where(t.c.role == "admin")).scalar_one()
    assert admins == 0  # the shared test database holds no users of its own
    _add(conn, "boss", "admin")
    with pytest.raises(Conflict, match="last active admin"):
        users.update_user(conn, "boss", change, "tester")
    _add(conn, "deputy", "admin")
    assert users.update_user(conn, "boss", change, "tester").version == 2


@pytest.mark.parametrize(
    ("role", "needed", "allowed"),
    [
        ("admin", ("editor",), True),
        ("editor", ("editor", "reviewer"), True),
        ("reviewer", ("editor",), False),
        ("viewer", (), False),
        ("admin", (), True),
    ],
)
def test_admins_hold_every_role_and_others_only_their_own(
    conn: Connection, role: str, needed: tuple[str, ...], allowed: bool
) -> None:
    assert users.has_role(_add(conn, f"u-{role}", role), *needed) is allowed


def test_users_are_listed_by_name_one_page_at_a_time(conn: Connection) -> None:
    for name in ("c-user", "a-user", "b-user"):
        _add(conn, name)
    first = users.list_users(conn, limit=2)
    second = users.list_users(conn, cursor=first.next_cursor, limit=2)
    names = [u.username for u in first.items + second.items]
    assert names == ["a-user", "b-user", "c-user"]
    assert second.next_cursor is None


# --- the command line -------------------------------------------------------------------


def test_cli_adds_lists_and_disables_users(migrated_cli_env: dict[str, str]) -> None:
    from typer.testing import CliRunner

    from wpstrack.cli import app

    runner = CliRunner()
    added = runner.invoke(app, ["users", "add", "hana", "--role", "editor"])
    assert added.exit_code == 0, added.output
    password = added.output.strip().splitlines()[-1]
    assert len(password) >= 20

    listed = runner.invoke(app, ["users", "list", "--json"])
    assert [(u["username"], u["role"], u["is_active"]) for u in json.loads(listed.output)] == [
        ("hana", "editor", True)
    ]
    token = runner.invoke(app, ["tokens", "create", "hana"]).output.strip().splitlines()[-1]
    assert token.startswith("wpst_")

    engine = make_engine(migrated_cli_env["WPSTRACK_DATABASE_URL"])
    with engine.begin() as conn:
        assert users.authenticate(conn, "hana", password, "cli-test").username == "hana"
        assert users.user_for_token(conn, token).username == "hana"
        actors = set(conn.execute(select(schema.audit_event.c.actor)).scalars())
    assert all(a.startswith("cli") for a in actors)

    assert runner.invoke(app, ["users", "disable", "hana"]).exit_code == 0
    listed = runner.invoke(app, ["users", "list", "--json"])
    assert json.loads(listed.output)[0]["is_active"] is False
    with engine.begin() as conn, pytest.raises(Unauthenticated):
        users.user_for_token(conn, token)
    engine.dispose()


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (["users", "add", "x y", "--role", "viewer"], "[W010]"),
        (["users", "add", "valid", "--role", "owner"], "[W010]"),
        (["users", "disable", "nobody"], "[W004]"),
        (["tokens", "create", "nobody"], "[W004]"),
    ],
)
def test_cli_refuses_bad_input_with_a_coded_message(
    migrated_cli_env: dict[str, str], args: list[str], code: str
) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "wpstrack", *args], capture_output=True, text=True, timeout=60
    )
    assert result.returncode != 0
    assert code in result.stderr


@pytest.mark.slow
def test_serve_answers_http_on_the_given_port(migrated_cli_env: dict[str, str]) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen(
        [sys.executable, "-m", "wpstrack", "serve", "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        body = ""
        # Up to a minute: on a loaded machine importing the app alone can take over ten
        # seconds; this checks that serve answers, not how fast it starts (bench/ does that).
        for _ in range(600):
            if server.poll() is not None:
                break
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/login", timeout=2) as r:
                    body = r.read().decode()
                break
            except OSError:
                time.sleep(0.1)
        assert 'name="csrf_token"' in body
    finally:
        server.terminate()
        server.wait(timeout=10)


# --- token use without a write per request -----------------------------------------------


def _count_writes(connection: Connection) -> list[str]:
    """The UPDATE/INSERT/DELETE statements ``connection`` runs from now on."""
    writes: list[str] = []

    def listen(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        if statement.lstrip().split(None, 1)[0].upper() in {"UPDATE", "INSERT", "DELETE"}:
            writes.append(statement)

    event.listen(connection, "before_cursor_execute", listen)
    return writes


def test_token_use_is_stamped_only_when_the_stamp_is_stale(
    conn: Connection, monkeypatch: pytest.MonkeyPatch
) -> None:
    _add(conn, "kai")
    _, token = users.create_token(conn, "kai", "ci", actor="tester")
    start = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
    monkeypatch.setattr(users, "now", lambda: start)
    writes = _count_writes(conn)
    users.user_for_token(conn, token)  # never used: stamped (when the transaction commits)
    run_deferred_writes(conn)
    assert len(writes) == 1
    monkeypatch.setattr(users, "now", lambda: start + timedelta(minutes=4))
    users.user_for_token(conn, token)  # fresh stamp: no write at all
    run_deferred_writes(conn)
    assert len(writes) == 1
    assert users.list_tokens(conn, "kai")[0].last_used_at == start
    later = start + users.TOKEN_USE_GRANULARITY + timedelta(seconds=1)
    monkeypatch.setattr(users, "now", lambda: later)
    users.user_for_token(conn, token)
    run_deferred_writes(conn)
    assert len(writes) == 2
    assert users.list_tokens(conn, "kai")[0].last_used_at == later


@pytest.mark.parametrize(
    ("environment", "expected_exit", "expected_text"),
    [("development", 0, "DEVELOPMENT mode"), ("production", 2, "[W001]")],
)
def test_serve_on_all_addresses_warns_in_development_and_is_refused_in_production(
    migrated_cli_env: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
    environment: str,
    expected_exit: int,
    expected_text: str,
) -> None:
    from typer.testing import CliRunner

    from wpstrack.cli import app
    from wpstrack.web import server

    served: list[str] = []
    monkeypatch.setattr(server, "serve", lambda *_a, **kw: served.append(kw["host"]))
    monkeypatch.setenv("WPSTRACK_ENVIRONMENT", environment)
    monkeypatch.delenv("WPSTRACK_SECRET_KEY", raising=False)
    result = CliRunner().invoke(app, ["serve", "--host", "0.0.0.0"])
    assert result.exit_code == expected_exit, result.output
    assert expected_text in result.output.replace("\n", " ")
    assert served == (["0.0.0.0"] if environment == "development" else [])


# --- password change and reset ------------------------------------------------------------


def _audited_actions(conn: Connection, name: str) -> list[str]:
    user = users.get_user(conn, name)
    return [e.action for e in audit.history(conn, "app_user", user.id)]


def test_changing_a_password_needs_the_current_one_and_is_audited(conn: Connection) -> None:
    _add(conn, "hina")
    with pytest.raises(InvalidInput, match="current password"):
        wrong = users.password_change("wrong one", "a new password 1")
        users.change_password(conn, "hina", wrong, "10.5.0.1")
    with pytest.raises(InvalidInput, match="at least 10"):
        users.password_change(PASSWORD, "short")
    before = _stored(conn, "hina")
    users.change_password(conn, "hina", users.password_change(PASSWORD, "a new password 1"), "x")
    after = _stored(conn, "hina")
    assert after["session_version"] == before["session_version"] + 1
    assert users.authenticate(conn, "hina", "a new password 1", "10.5.0.1").username == "hina"
    with pytest.raises(Unauthenticated):
        users.authenticate(conn, "hina", PASSWORD, "10.5.0.1")
    assert _audited_actions(conn, "hina") == ["create", "change_password"]
    event_after = audit.history(conn, "app_user", after["id"])[-1].after or {}
    assert event_after["password_hash"] == audit.REDACTED


def test_guessing_the_current_password_is_throttled_like_a_login(
    conn: Connection, clock: FakeClock
) -> None:
    _add(conn, "yuzu")
    guess = users.password_change("a guess at it", "a new password 1")
    for _ in range(3):
        with pytest.raises(InvalidInput):
            users.change_password(conn, "yuzu", guess, "10.5.1.1", limits=LIMITS)
    with pytest.raises(TooManyAttempts):
        users.change_password(conn, "yuzu", guess, "10.5.1.1", limits=LIMITS)
    clock.advance(2)
    right = users.password_change(PASSWORD, "a new password 1")
    assert users.change_password(conn, "yuzu", right, "10.5.1.1", limits=LIMITS)


def test_an_admin_reset_gives_a_working_generated_password_once(conn: Connection) -> None:
    _add(conn, "koko")
    user, password = users.reset_password(conn, "koko", actor="boss")
    assert len(password) >= 20 and user.username == "koko"
    assert users.authenticate(conn, "koko", password, "10.5.0.2").username == "koko"
    assert _audited_actions(conn, "koko") == ["create", "reset_password"]
    with pytest.raises(NotFound):
        users.reset_password(conn, "nobody-at-all", actor="boss")


def test_cli_sets_and_resets_passwords_with_an_audit_trail(
    migrated_cli_env: dict[str, str],
) -> None:
    from typer.testing import CliRunner

    from wpstrack.cli import app

    runner = CliRunner()
    assert runner.invoke(app, ["users", "add", "nene", "--role", "viewer"]).exit_code == 0
    typed = runner.invoke(app, ["users", "passwd", "nene"], input="typed password 1\n" * 2)
    assert typed.exit_code == 0, typed.output
    assert "typed password 1" not in typed.output  # hidden input
    reset = runner.invoke(app, ["users", "reset-password", "nene"])
    assert reset.exit_code == 0, reset.output
    generated = reset.output.strip().splitlines()[-1]
    engine = make_engine(migrated_cli_env["WPSTRACK_DATABASE_URL"])
    with engine.begin() as conn:
        assert users.authenticate(conn, "nene", generated, "cli-test").username == "nene"
        actions = _audited_actions(conn, "nene")
    engine.dispose()
    assert actions == ["create", "set_password", "reset_password"]
    short = runner.invoke(app, ["users", "passwd", "nene"], input="short\nshort\n")
    assert short.exit_code != 0 and "[W010]" in short.output
