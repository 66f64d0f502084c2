"""``create_app(settings)``: the web application, built on demand, never at import time.

The app is the HTML pages plus the JSON API mounted at ``/api/v1``. Both share one engine,
stored on ``app.state`` together with the settings and the templates.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from urllib.parse import quote

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles
from pydantic import ValidationError
from sqlalchemy import Engine
from starlette.datastructures import MutableHeaders
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from wpstrack import __version__
from wpstrack.db import engine_from_settings
from wpstrack.errors import Unauthenticated, WpstrackError
from wpstrack.i18n import _
from wpstrack.settings import Settings
from wpstrack.web import apidocs
from wpstrack.web.api import API_PREFIX, create_api
from wpstrack.web.deps import optional_user
from wpstrack.web.errors import describe, error_body, page_message, validation_details
from wpstrack.web.language import LanguageMiddleware
from wpstrack.web.limits import BodyLimitMiddleware
from wpstrack.web.pages import pages_router
from wpstrack.web.requests import RequestIds, request_id
from wpstrack.web.sessions import SessionMiddleware, session_secret, verify_csrf
from wpstrack.web.templating import make_templates, render

STATIC_DIR = Path(__file__).parent / "static"
log = logging.getLogger("wpstrack.web")

# Scripts and styles only from our own origin: even a value that escaped escaping cannot run.
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
}


def _error_page(
    request: Request, status: int, code: str, message: str, details: object
) -> Response:
    shown, detail = page_message(code, message, status)
    context = {"title": _("Error %(status)s", status=status), "status": status, "code": code}
    context |= {"message": shown, "detail": detail, "details": details}
    return render(request, "error.html", context, status_code=status)


async def _wpstrack_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, WpstrackError)
    if isinstance(exc, Unauthenticated):
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/login?next={quote(target)}", status_code=303)
    status, body, _headers = describe(exc)
    return _error_page(request, status, exc.code, exc.message, body["error"]["details"])


async def _validation_error(request: Request, exc: Exception) -> Response:
    errors = exc.errors() if isinstance(exc, RequestValidationError | ValidationError) else []
    details = validation_details(errors)
    return _error_page(request, 422, "W010", "the form or address is not valid", details)


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    return _error_page(request, exc.status_code, f"HTTP{exc.status_code}", str(exc.detail), None)


async def _unexpected_error(request: Request, _exc: Exception) -> Response:
    """A failure nothing handled: the API's envelope, or a page in the layout with the id."""
    rid = request_id(request)
    message = "an internal error; it has been logged"
    if request.url.path.startswith(API_PREFIX):
        return JSONResponse(error_body("W500", message, None, rid), status_code=500)
    try:
        response = _error_page(request, 500, "W500", message, None)
    except Exception:  # the layout itself failed (say the database is gone): plain words
        log.exception("the error page failed too [request %s]", rid)
        text = f"<!doctype html><title>Error 500</title><h1>Error 500</h1><p>[W500] {message}."
        response = HTMLResponse(f"{text} Request id: {rid}</p>", status_code=500)
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    return response


class SecurityHeaders:
    """Add ``SECURITY_HEADERS`` to every HTTP response that does not set them itself.

    Plain ASGI rather than ``app.middleware("http")``: Starlette's BaseHTTPMiddleware runs
    each response through a task and a memory stream, a cost every request paid (profiled
    under bench/load.py) for what is a change to the response's first message.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in SECURITY_HEADERS.items():
                    headers.setdefault(name, value)
            await send(message)

        await self.app(scope, receive, send_with_headers)


def create_app(settings: Settings, engine: Engine | None = None) -> FastAPI:
    """The wpstrack web application over the database the settings name (or ``engine``)."""
    engine = engine or engine_from_settings(settings)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        engine.dispose()

    app = FastAPI(
        title="wpstrack",
        version=__version__,
        openapi_url=None,
        docs_url=None,
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.engine = engine
    app.state.auth = "session"
    app.state.templates = make_templates()
    app.add_middleware(SessionMiddleware, secret_key=session_secret(settings))
    app.add_middleware(SecurityHeaders)
    # Added last, so it wraps the others: a body over the limit is refused before the
    # session, the routes or any parser see it.
    app.add_middleware(
        BodyLimitMiddleware,
        upload_bytes=settings.max_request_bytes,
        body_bytes=settings.max_body_bytes,
        api_prefix=API_PREFIX,
    )
    app.add_exception_handler(WpstrackError, _wpstrack_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(ValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    # Outermost, so every response carries the id and every failure is answered and logged.
    app.add_middleware(RequestIds, owner=app, respond=_unexpected_error)
    # Outside even that: the page of last resort is in the visitor's language too.
    app.add_middleware(LanguageMiddleware)
    app.state.api = create_api(settings, engine)
    # The reference page answers under the API's prefix, so it goes before the mount.
    app.include_router(apidocs.router(API_PREFIX, [Depends(verify_csrf), Depends(optional_user)]))
    app.mount(API_PREFIX, app.state.api, name="api")
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    app.include_router(pages_router())
    return app
