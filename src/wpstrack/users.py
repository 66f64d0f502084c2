"""Users, roles, passwords, API tokens and the login throttle.

Roles, from most to least powerful: ``admin`` (users, audit, everything), ``editor`` (edits
the register and plans), ``reviewer`` (decides on machine extractions), ``viewer`` (reads
drafts as well as published records). Anonymous visitors read published records only.

Secrets are never stored as given: passwords are hashed with argon2id, API tokens with
SHA-256 (a token is 256 random bits, so a fast hash is enough and lets a request find its
token by an indexed lookup). Login attempts are rows in ``login_attempt``, so the throttle
holds across processes and restarts; it slows guessing down rather than locking accounts,
so that nobody can lock an account's owner out (see :mod:`wpstrack.throttle`).
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from datetime import timedelta
from functools import cache
from typing import Any, Literal

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from sqlalchemy import Connection, func, select

from wpstrack import audit, schema, throttle
from wpstrack.audit import UtcDateTime
from wpstrack.db import now, write_at_commit
from wpstrack.errors import (
    Conflict,
    InvalidInput,
    NotFound,
    PermissionDenied,
    Unauthenticated,
)
from wpstrack.i18n import N_
from wpstrack.pagination import Page, paginate
from wpstrack.throttle import LoginLimits

__all__ = ["LoginLimits"]  # re-exported: callers configure the throttle through this module

Role = Literal["admin", "editor", "reviewer", "viewer"]
ROLES: tuple[str, ...] = ("admin", "editor", "reviewer", "viewer")
USERNAME_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{1,79}$")
MIN_PASSWORD_LENGTH = 10
TOKEN_PREFIX = "wpst_"
# How stale ``api_token.last_used_at`` may get before a request refreshes it. Writing it on
# every request made each authenticated read a write: on SQLite one slow upload holding the
# write lock then turned reads into 503s. The stamp only needs to say "used recently".
TOKEN_USE_GRANULARITY = timedelta(minutes=5)


class User(BaseModel):
    """A user as the rest of the application sees it: no password hash."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    username: str
    role: Role
    is_active: bool
    created_at: UtcDateTime
    version: int


class UserIn(BaseModel):
    """A new user; without a password one is generated and shown once."""

    username: str = Field(min_length=2, max_length=80)
    role: Role
    password: str | None = Field(default=None, min_length=MIN_PASSWORD_LENGTH, max_length=200)

    @field_validator("username")
    @classmethod
    def _username_is_plain(cls, value: str) -> str:
        if not USERNAME_PATTERN.match(value):
            raise ValueError("letters, digits and . _ @ - only, starting with a letter or digit")
        return value


def _invalid(exc: ValidationError) -> InvalidInput:
    problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
    return InvalidInput(problems)


def user_in(username: str, role: str, password: str | None = None) -> UserIn:
    """A :class:`UserIn` from loose values (a form, the command line), or InvalidInput."""
    try:
        return UserIn.model_validate({"username": username, "role": role, "password": password})
    except ValidationError as exc:
        raise _invalid(exc) from exc


class UserUpdate(BaseModel):
    """The fields an admin may change; omitted fields stay as they are."""

    role: Role | None = None
    is_active: bool | None = None


class ApiToken(BaseModel):
    """An API token's public record (the token itself is shown once, at creation)."""

    id: int
    username: str
    name: str
    created_at: UtcDateTime
    last_used_at: UtcDateTime | None
    revoked_at: UtcDateTime | None


def has_role(user: User, *roles: str) -> bool:
    """True when ``user`` is active and holds one of ``roles``; admins hold every role."""
    return user.is_active and (user.role == "admin" or user.role in roles)


# --- passwords --------------------------------------------------------------------------


@cache
def _hasher() -> PasswordHasher:
    return PasswordHasher()


@cache
def _decoy_hash() -> str:
    # Verified against when the username is unknown, so both cases cost one argon2 run.
    return _hasher().hash(secrets.token_urlsafe(16))


def hash_password(password: str) -> str:
    """The argon2id hash of ``password``."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidInput(f"a password needs at least {MIN_PASSWORD_LENGTH} characters")
    return _hasher().hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """True when ``password`` matches ``password_hash``."""
    try:
        return _hasher().verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def generate_password() -> str:
    """A random password of 20 URL-safe characters (about 120 bits)."""
    return secrets.token_urlsafe(15)


# --- users ------------------------------------------------------------------------------


def _user_row(conn: Connection, username: str) -> dict[str, Any] | None:
    t = schema.app_user
    row = conn.execute(select(t).where(t.c.username == username)).mappings().first()
    return dict(row) if row is not None else None


def get_user(conn: Connection, username: str) -> User:
    """The user called ``username``."""
    row = _user_row(conn, username)
    if row is None:
        raise NotFound(f"no user {username!r}")
    return User.model_validate(row)


def user_for_session(conn: Connection, user_id: int, session_version: object) -> User | None:
    """The active user a web session belongs to, or None once that session has been ended."""
    t = schema.app_user
    row = conn.execute(select(t).where(t.c.id == user_id)).mappings().first()
    if row is None or not row["is_active"] or row["session_version"] != session_version:
        return None
    return User.model_validate(dict(row))


def session_version(conn: Connection, user_id: int) -> int:
    """The value a session starting now carries (see :func:`user_for_session`)."""
    t = schema.app_user
    return int(conn.execute(select(t.c.session_version).where(t.c.id == user_id)).scalar_one())


def end_sessions(conn: Connection, username: str, actor: str | None, action: str) -> None:
    """End every web session of ``username`` (``action`` names why in the audit log)."""
    t = schema.app_user
    user = get_user(conn, username)
    bump = {"session_version": t.c.session_version + 1}
    conn.execute(t.update().where(t.c.id == user.id).values(**bump))
    # Not through audit.update: ending sessions is not an edit of the user, so it must not
    # move ``version`` under an admin's open edit form.
    audit.record(conn, actor, action, t.name, user.id, None, None)


def add_user(conn: Connection, data: UserIn, actor: str | None) -> tuple[User, str]:
    """Create a user and return it with its password (generated when none was given)."""
    if _user_row(conn, data.username) is not None:
        raise Conflict(f"user {data.username!r} already exists")
    password = data.password or generate_password()
    row = audit.insert(
        conn,
        actor,
        schema.app_user,
        {
            "username": data.username,
            "password_hash": hash_password(password),
            "role": data.role,
            "is_active": True,
            "created_at": now(),
        },
    )
    return User.model_validate(row), password


def list_users(conn: Connection, cursor: str | None = None, limit: int | None = None) -> Page[User]:
    """Every user, by username."""
    t = schema.app_user
    rows, next_cursor = paginate(conn, select(t), [t.c.username], cursor, limit)
    return Page([User.model_validate(dict(r)) for r in rows], next_cursor)


def _active_admins(conn: Connection) -> int:
    t = schema.app_user
    stmt = select(func.count()).where(t.c.role == "admin", t.c.is_active.is_(True))
    return int(conn.execute(stmt).scalar_one())


def update_user(
    conn: Connection,
    username: str,
    changes: UserUpdate,
    actor: str | None,
    expected_version: int | None = None,
) -> User:
    """Change a user's role or active flag; refuses to leave no active admin."""
    current = get_user(conn, username)
    values = changes.model_dump(exclude_none=True)
    if not values:
        raise InvalidInput("nothing to change: give a role or is_active")
    if current.role == "admin" and current.is_active:
        demoted = values.get("role", "admin") != "admin" or values.get("is_active") is False
        if demoted and _active_admins(conn) <= 1:
            raise Conflict(f"{username!r} is the last active admin; appoint another first")
    action = "disable" if values.get("is_active") is False else "update"
    if values.get("is_active") is False or values.get("role", current.role) != current.role:
        # A session must not keep rights its user no longer holds.
        values["session_version"] = schema.app_user.c.session_version + 1
    row = audit.update(
        conn,
        actor,
        schema.app_user,
        current.id,
        values,
        expected_version=expected_version,
        action=action,
    )
    return User.model_validate(row)


def disable_user(conn: Connection, username: str, actor: str | None) -> User:
    """Stop a user from logging in or using their tokens; their history stays."""
    return update_user(conn, username, UserUpdate(is_active=False), actor)


def set_password(
    conn: Connection,
    username: str,
    password: str,
    actor: str | None,
    *,
    action: str = "set_password",
) -> User:
    """Replace a user's password and end their sessions (a leaked one may be why)."""
    current = get_user(conn, username)
    values = {
        "password_hash": hash_password(password),
        "session_version": schema.app_user.c.session_version + 1,
    }
    row = audit.update(conn, actor, schema.app_user, current.id, values, action=action)
    return User.model_validate(row)


class PasswordChange(BaseModel):
    """A user changing their own password: the current one proves it is them."""

    current_password: str = Field(max_length=500)
    new_password: str = Field(min_length=MIN_PASSWORD_LENGTH, max_length=200)


def password_change(current_password: str, new_password: str) -> PasswordChange:
    """A :class:`PasswordChange` from loose values (a form), or InvalidInput."""
    try:
        return PasswordChange(current_password=current_password, new_password=new_password)
    except ValidationError as exc:
        raise _invalid(exc) from exc


def change_password(
    conn: Connection,
    username: str,
    change: PasswordChange,
    address: str,
    *,
    limits: LoginLimits | None = None,
) -> User:
    """Set a user's new password after checking their current one; ends their sessions.

    A stolen session alone must not be enough to take the account over, hence the check,
    which the login throttle guards like a login (the caller commits a failure, as there).
    """
    limits = limits or LoginLimits()
    at = now()
    address = (address or "unknown")[:64]
    row = _user_row(conn, username)
    if row is None or not row["is_active"]:
        raise NotFound(f"no active user {username!r}")
    throttle.check(conn, username, address, limits, at)
    ok = verify_password(row["password_hash"], change.current_password)
    throttle.record(conn, username, address, ok, limits, at)
    if not ok:
        raise InvalidInput(N_("the current password is not right"))
    if change.new_password == change.current_password:
        raise InvalidInput(N_("the new password is the current one; choose another"))
    return set_password(conn, username, change.new_password, username, action="change_password")


def reset_password(conn: Connection, username: str, actor: str | None) -> tuple[User, str]:
    """Give a user a generated password (returned once) and end their sessions."""
    password = generate_password()
    user = set_password(conn, username, password, actor, action="reset_password")
    return user, password


# --- logging in -------------------------------------------------------------------------


def authenticate(
    conn: Connection,
    username: str,
    password: str,
    address: str,
    *,
    limits: LoginLimits | None = None,
) -> User:
    """The user whose password this is, after the throttle allows the attempt.

    The attempt is written to ``login_attempt`` before a failure is raised: the caller must
    commit even when this raises :class:`Unauthenticated`, or the throttle never counts.
    Refused attempts (:class:`TooManyAttempts`) are not written: hammering during a wait
    does not make the wait longer, only real failures do.
    """
    limits = limits or LoginLimits()
    at = now()
    username = username.strip()[:80]
    address = (address or "unknown")[:64]
    throttle.check(conn, username, address, limits, at)
    row = _user_row(conn, username)
    # Hash even for unknown users so that timing does not tell which usernames exist.
    stored = row["password_hash"] if row else _decoy_hash()
    ok = verify_password(stored, password) and row is not None and bool(row["is_active"])
    throttle.record(conn, username, address, ok, limits, at)
    if not ok or row is None:
        raise Unauthenticated(N_("wrong username or password"))
    if _hasher().check_needs_rehash(stored):
        # Same password, stronger hash: no reason to end the user's other sessions.
        values = {"password_hash": hash_password(password)}
        audit.update(conn, username, schema.app_user, row["id"], values, action="rehash")
    return User.model_validate(row)


# --- API tokens -------------------------------------------------------------------------


_TOKEN_FIELDS = ("id", "name", "created_at", "last_used_at", "revoked_at")


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _token_select() -> Any:
    t, u = schema.api_token, schema.app_user
    return select(
        t.c.id, u.c.username, t.c.name, t.c.created_at, t.c.last_used_at, t.c.revoked_at
    ).join(u, u.c.id == t.c.user_id)


def create_token(
    conn: Connection, username: str, name: str, actor: str | None
) -> tuple[ApiToken, str]:
    """A new API token for ``username``; the token itself is returned here and never again."""
    user = get_user(conn, username)
    if not user.is_active:
        raise PermissionDenied(f"user {username!r} is disabled")
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    row = audit.insert(
        conn,
        actor,
        schema.api_token,
        {
            "user_id": user.id,
            "name": name.strip()[:100] or "token",
            "token_hash": _token_hash(token),
            "created_at": now(),
        },
    )
    return ApiToken(username=username, **{k: row[k] for k in _TOKEN_FIELDS}), token


def list_tokens(conn: Connection, username: str | None = None) -> list[ApiToken]:
    """API tokens, newest first, optionally of one user."""
    stmt = _token_select().order_by(schema.api_token.c.id.desc())
    if username:
        stmt = stmt.where(schema.app_user.c.username == username)
    return [ApiToken.model_validate(dict(r)) for r in conn.execute(stmt).mappings()]


def revoke_token(conn: Connection, token_id: int, actor: str | None) -> ApiToken:
    """Stop a token from working; the row stays for the audit trail."""
    values = {"revoked_at": now()}
    audit.update(conn, actor, schema.api_token, token_id, values, action="revoke")
    stmt = _token_select().where(schema.api_token.c.id == token_id)
    return ApiToken.model_validate(dict(conn.execute(stmt).mappings().one()))


def user_for_token(conn: Connection, token: str) -> User:
    """The active user an API token belongs to; refreshes its stale ``last_used_at``."""
    t, u = schema.api_token, schema.app_user
    digest = _token_hash(token)
    row = (
        conn.execute(
            select(u, t.c.id.label("token_id"), t.c.token_hash, t.c.revoked_at, t.c.last_used_at)
            .join(t, t.c.user_id == u.c.id)
            .where(t.c.token_hash == digest)
        )
        .mappings()
        .first()
    )
    if row is None or not hmac.compare_digest(row["token_hash"], digest):
        raise Unauthenticated("unknown API token")
    if row["revoked_at"] is not None or not row["is_active"]:
        raise Unauthenticated("this API token is revoked or its user is disabled")
    at = now()
    last = row["last_used_at"]
    if last is None or audit.as_utc(last) <= at - TOKEN_USE_GRANULARITY:
        # Only a stale stamp is written, so most requests (reads above all) stay read-only;
        # and at commit: on SQLite an early write would hold the write lock all request long.
        stamp = t.update().where(t.c.id == row["token_id"]).values(last_used_at=at)
        write_at_commit(conn, stamp)
    return User.model_validate(dict(row))
