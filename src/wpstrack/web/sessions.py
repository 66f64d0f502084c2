"""Signed session cookies and CSRF tokens for the HTML pages.

The session is a small dict (the user's id and a CSRF token) signed with the settings'
``secret_key`` by itsdangerous and kept in the cookie itself, so no session table is needed.
Without a configured key, the key is random per installation (made once and kept in the data
dir): a key in the source would let anyone forge an admin's cookie.
The cookie is HttpOnly (scripts cannot read it), SameSite=Lax (other sites cannot post with
it) and Secure whenever the request came over https (directly, or through a proxy that
uvicorn trusts for ``X-Forwarded-Proto``). Each form carries the session's CSRF token and
every unsafe request is refused without it: SameSite alone does not cover older browsers
or same-site subdomains.
"""

from __future__ import annotations

import hmac
import ipaddress
import json
import os
import secrets
import tempfile
from pathlib import Path
from typing import Any

from itsdangerous import BadSignature, URLSafeTimedSerializer
from starlette.datastructures import MutableHeaders
from starlette.requests import HTTPConnection, Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from wpstrack.errors import ConfigError, PermissionDenied
from wpstrack.settings import MIN_SECRET_KEY_LENGTH, Settings

SECRET_KEY_FILE = "secret_key"
COOKIE_NAME = "wpstrack_session"
MAX_AGE_SECONDS = 12 * 3600
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def _make_key_file(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    # mkstemp creates the file 0600; linking it into place is atomic and never replaces an
    # existing key, so two processes starting at once end up with the same key.
    fd, scratch = tempfile.mkstemp(dir=path.parent, prefix=".secret_key.")
    try:
        with os.fdopen(fd, "w") as f:
            f.write(secrets.token_urlsafe(48))
        os.link(scratch, path)
    except FileExistsError:
        pass
    finally:
        os.unlink(scratch)


def installation_secret(data_dir: Path) -> str:
    """The key kept in ``data_dir``, made on first use (readable by this OS user only)."""
    path = data_dir / SECRET_KEY_FILE
    try:
        if not path.exists():
            _make_key_file(path)
        key = path.read_text(encoding="utf-8").strip()
    except OSError as exc:
        raise ConfigError(
            f"cannot keep the session key in {path} ({exc.strerror or exc}); make the data dir "
            "writable or set WPSTRACK_SECRET_KEY"
        ) from exc
    if len(key) < MIN_SECRET_KEY_LENGTH:
        raise ConfigError(
            f"the session key in {path} is shorter than {MIN_SECRET_KEY_LENGTH} characters; "
            "delete the file to make a new one (everyone is logged out)"
        )
    return key


def session_secret(settings: Settings) -> str:
    """The configured ``secret_key``, or else this installation's own random key."""
    if settings.secret_key is not None:
        return settings.secret_key.get_secret_value()
    return installation_secret(settings.data_dir)


def _is_loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False  # a host name: it may resolve to anything


def check_serving_address(settings: Settings, host: str) -> str | None:
    """Refuse (production) or return a warning (development) for serving beyond this machine.

    In production the session key must be configured: a key living in one data dir does not
    survive moving or scaling the deployment, and a production server should not depend on it.
    """
    if _is_loopback(host):
        return None
    if settings.environment == "production":
        if settings.secret_key is None:
            raise ConfigError(
                f"refusing to serve on {host} in production without WPSTRACK_SECRET_KEY; "
                "set it to at least 32 random characters"
            )
        return None
    return (
        f"serving on {host} in DEVELOPMENT mode: anyone who can reach this address can use the "
        "application. On a server set WPSTRACK_ENVIRONMENT=production and WPSTRACK_SECRET_KEY."
    )


def _dump(session: dict[str, Any]) -> str:
    return json.dumps(session, sort_keys=True)


class SessionMiddleware:
    """Reads the signed session cookie into ``scope["session"]`` and writes it back if changed."""

    def __init__(self, app: ASGIApp, secret_key: str, max_age: int = MAX_AGE_SECONDS) -> None:
        self.app = app
        self.max_age = max_age
        self.serializer = URLSafeTimedSerializer(secret_key, salt="wpstrack.session")

    def _load(self, raw: str | None) -> dict[str, Any]:
        if not raw:
            return {}
        try:
            data = self.serializer.loads(raw, max_age=self.max_age)
        except BadSignature:
            return {}
        return data if isinstance(data, dict) else {}

    def _cookie(self, session: dict[str, Any], secure: bool) -> str:
        value = self.serializer.dumps(session) if session else ""
        max_age = self.max_age if session else 0
        flags = f"Path=/; Max-Age={max_age}; HttpOnly; SameSite=Lax"
        return f"{COOKIE_NAME}={value}; {flags}" + ("; Secure" if secure else "")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        scope["session"] = self._load(HTTPConnection(scope).cookies.get(COOKIE_NAME))
        initial = _dump(scope["session"])
        secure = scope.get("scheme") in ("https", "wss")

        async def send_with_cookie(message: Message) -> None:
            if message["type"] == "http.response.start" and _dump(scope["session"]) != initial:
                headers = MutableHeaders(scope=message)
                headers.append("Set-Cookie", self._cookie(scope["session"], secure))
            await send(message)

        await self.app(scope, receive, send_with_cookie)


def csrf_token(request: Request) -> str:
    """The session's CSRF token, created on first use (this sets the session cookie)."""
    token = request.session.get("csrf")
    if not isinstance(token, str) or not token:
        token = secrets.token_urlsafe(32)
        request.session["csrf"] = token
    return token


def log_in(request: Request, user_id: int, session_version: int) -> None:
    """Start a fresh session for ``user_id``: a new CSRF token, nothing carried over.

    ``session_version`` is the user's at login; the session ends when it moves on.
    """
    request.session.clear()
    request.session["uid"] = user_id
    request.session["sv"] = session_version
    request.session["csrf"] = secrets.token_urlsafe(32)


def log_out(request: Request) -> None:
    """Forget the session (the cookie is deleted)."""
    request.session.clear()


async def verify_csrf(request: Request) -> None:
    """Refuse an unsafe request whose form field or header lacks the session's CSRF token.

    An upload (``multipart/form-data``) carries the token in the header or in the form's
    address (``?csrf_token=``), never in its body: checking it must not read a body that
    the route reads only once it knows the caller is allowed to upload.
    """
    if request.method not in UNSAFE_METHODS:
        return
    sent = request.headers.get(CSRF_HEADER) or request.query_params.get(CSRF_FIELD)
    multipart = request.headers.get("content-type", "").startswith("multipart/form-data")
    if sent is None and not multipart:
        form = await request.form()
        value = form.get(CSRF_FIELD)
        sent = value if isinstance(value, str) else None
    expected = request.session.get("csrf")
    if not sent or not isinstance(expected, str) or not hmac.compare_digest(sent, expected):
        raise PermissionDenied("the form's CSRF token is missing or out of date; reload the page")
