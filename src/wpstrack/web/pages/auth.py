"""Logging in and out of the HTML pages, and changing one's own password."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse
from starlette.responses import Response

from wpstrack import i18n, users
from wpstrack.errors import InvalidInput, TooManyAttempts, Unauthenticated
from wpstrack.i18n import N_, _
from wpstrack.web.deps import ConnDep, CurrentUser, OptionalUser, client_address
from wpstrack.web.errors import page_message
from wpstrack.web.language import remember
from wpstrack.web.sessions import log_in, log_out
from wpstrack.web.templating import render

router = APIRouter()


def safe_next(target: str | None) -> str:
    """A local path to go to after login; anything pointing off-site becomes ``/``."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return "/"
    return target


@router.post("/language")
def choose_language(
    lang: Annotated[str, Form(max_length=10)], next: Annotated[str, Form()] = "/"
) -> Response:
    """The language switch: keep the choice in a cookie and go back to the page."""
    code = i18n.choose(lang)
    if code is None:
        raise InvalidInput(f"not a language of this site: {lang!r}", "lang")
    response = RedirectResponse(safe_next(next), status_code=303)
    remember(response, code)
    return response


@router.get("/login")
def login_form(request: Request, next: str | None = None) -> Response:
    return render(request, "login.html", {"title": _("Log in"), "next": safe_next(next)})


@router.post("/login")
def login(
    request: Request,
    conn: ConnDep,
    username: Annotated[str, Form(max_length=200)],
    password: Annotated[str, Form(max_length=500)],
    next: Annotated[str, Form()] = "/",
) -> Response:
    address = client_address(request)
    context = {"title": _("Log in"), "next": safe_next(next), "username": username}
    try:
        user = users.authenticate(conn, username, password, address)
    except (Unauthenticated, TooManyAttempts) as exc:
        # Returning (not raising) commits the recorded attempt, which the throttle counts.
        error = page_message(exc.code, exc.message, exc.http_status)[0]
        page = render(request, "login.html", {**context, "error": error}, exc.http_status)
        if isinstance(exc, TooManyAttempts) and exc.retry_after is not None:
            page.headers["Retry-After"] = str(exc.retry_after)
        return page
    log_in(request, user.id, users.session_version(conn, user.id))
    return RedirectResponse(safe_next(next), status_code=303)


@router.get("/logout")
def logout_form(request: Request) -> Response:
    return render(request, "logout.html", {"title": _("Log out")})


@router.post("/logout")
def logout(request: Request, conn: ConnDep, user: OptionalUser) -> Response:
    # Forgetting the cookie is not enough: a copy of it would stay valid until it expires.
    if user is not None:
        users.end_sessions(conn, user.username, actor=user.username, action="logout")
    log_out(request)
    return RedirectResponse("/", status_code=303)


def _password_page(request: Request, status: int = 200, **context: object) -> Response:
    base = {"title": _("Change password"), "min_length": users.MIN_PASSWORD_LENGTH}
    return render(
        request, "password.html", {**base, "error": None, "changed": False, **context}, status
    )


@router.get("/password")
def password_form(request: Request, user: CurrentUser) -> Response:
    return _password_page(request)


@router.post("/password")
def change_password(
    request: Request,
    conn: ConnDep,
    user: CurrentUser,
    current_password: Annotated[str, Form(max_length=500)],
    new_password: Annotated[str, Form(max_length=500)],
    confirm_password: Annotated[str, Form(max_length=500)],
) -> Response:
    try:
        if new_password != confirm_password:
            raise InvalidInput(N_("the new password and its repetition differ"))
        change = users.password_change(current_password, new_password)
        users.change_password(conn, user.username, change, client_address(request))
    except (InvalidInput, TooManyAttempts) as exc:
        # Returned, not raised, so that a wrong current password is committed and counted.
        error = page_message(exc.code, exc.message, exc.http_status)[0]
        return _password_page(request, exc.http_status, error=error)
    # The change ended every session of the user, this one included: start a new one here.
    log_in(request, user.id, users.session_version(conn, user.id))
    return _password_page(request, changed=True)
