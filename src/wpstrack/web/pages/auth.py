"""Logging in and out of the HTML pages."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse
from starlette.responses import Response

from wpstrack import users
from wpstrack.errors import TooManyAttempts, Unauthenticated
from wpstrack.web.deps import ConnDep, OptionalUser
from wpstrack.web.sessions import log_in, log_out
from wpstrack.web.templating import render

router = APIRouter()


def safe_next(target: str | None) -> str:
    """A local path to go to after login; anything pointing off-site becomes ``/``."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return "/"
    return target


@router.get("/login")
def login_form(request: Request, next: str | None = None) -> Response:
    return render(request, "login.html", {"title": "Log in", "next": safe_next(next)})


@router.post("/login")
def login(
    request: Request,
    conn: ConnDep,
    username: Annotated[str, Form(max_length=200)],
    password: Annotated[str, Form(max_length=500)],
    next: Annotated[str, Form()] = "/",
) -> Response:
    address = request.client.host if request.client else "unknown"
    context = {"title": "Log in", "next": safe_next(next), "username": username}
    try:
        user = users.authenticate(conn, username, password, address)
    except (Unauthenticated, TooManyAttempts) as exc:
        # Returning (not raising) commits the recorded attempt, which the throttle counts.
        status = exc.http_status
        return render(request, "login.html", {**context, "error": exc.message}, status)
    log_in(request, user.id, users.session_version(conn, user.id))
    return RedirectResponse(safe_next(next), status_code=303)


@router.get("/logout")
def logout_form(request: Request) -> Response:
    return render(request, "logout.html", {"title": "Log out"})


@router.post("/logout")
def logout(request: Request, conn: ConnDep, user: OptionalUser) -> Response:
    # Forgetting the cookie is not enough: a copy of it would stay valid until it expires.
    if user is not None:
        users.end_sessions(conn, user.username, actor=user.username, action="logout")
    log_out(request)
    return RedirectResponse("/", status_code=303)
