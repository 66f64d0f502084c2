"""Named dependencies that route signatures read as plain types.

``ConnDep`` is a connection in a transaction that commits when the route function returns
(before the response is sent, so a failed commit is an error response, not a lost write) and
rolls back when it raises. ``CurrentUser`` is the logged-in user (session cookie on pages,
``Authorization: Bearer`` token on the API); ``OptionalUser`` is the same or None for
anonymous visitors; ``require_role(...)`` narrows to users holding one of the roles.

Dependencies that read no database are coroutines: FastAPI runs a plain function in its
thread pool, and each such hop cost a request CPU and a wait in the pool's queue
(``solve_dependencies`` was a tenth of a serving process's CPU under ``bench/load.py``).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.concurrency import run_in_threadpool
from sqlalchemy import Connection

from wpstrack import users
from wpstrack.db import transaction
from wpstrack.errors import PermissionDenied, Unauthenticated
from wpstrack.users import User


def get_conn(request: Request) -> Iterator[Connection]:
    """A connection in a transaction for this request."""
    with transaction(request.app.state.engine) as conn:
        yield conn


ConnDep = Annotated[Connection, Depends(get_conn, scope="function")]


def client_address(request: Request) -> str:
    """The address the request came from, as the login throttle counts it."""
    return request.client.host if request.client else "unknown"


def _bearer_token(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if not header:
        return None
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthenticated("the Authorization header must be 'Bearer <token>'")
    return token.strip()


async def optional_user(request: Request, conn: ConnDep) -> User | None:
    """The user behind this request, or None for an anonymous visitor.

    The API trusts only bearer tokens and the pages only the session cookie: a cookie on an
    API call would make every JSON endpoint a CSRF target. A coroutine, so that an anonymous
    request (most of them) is answered without a hop to the thread pool; the look-up of a
    token or session, which reads the database, runs in the pool.
    """
    user: User | None = None
    if request.app.state.auth == "bearer":
        token = _bearer_token(request)
        if token is not None:
            user = await run_in_threadpool(users.user_for_token, conn, token)
    else:
        uid = request.session.get("uid")
        if isinstance(uid, int):
            version = request.session.get("sv")
            user = await run_in_threadpool(users.user_for_session, conn, uid, version)
    request.state.user = user  # for the layout's navigation
    return user


OptionalUser = Annotated[User | None, Depends(optional_user)]


async def current_user(request: Request, user: OptionalUser) -> User:
    """The logged-in user; anonymous requests get 401 (the pages redirect to /login)."""
    if user is None:
        if request.app.state.auth == "bearer":
            raise Unauthenticated("send 'Authorization: Bearer <token>' (wpstrack tokens create)")
        raise Unauthenticated("log in first")
    return user


CurrentUser = Annotated[User, Depends(current_user)]


def require_role(*roles: str) -> Any:
    """A dependency allowing users who hold one of ``roles`` (admins always pass)."""

    async def dependency(user: CurrentUser) -> User:
        if not users.has_role(user, *roles):
            wanted = " or ".join(("admin", *roles)) if "admin" not in roles else "admin"
            raise PermissionDenied(f"this needs the role {wanted}; you are {user.role}")
        return user

    return Depends(dependency)


AdminUser = Annotated[User, require_role("admin")]
