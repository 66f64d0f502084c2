"""Which language a request is answered in: ``?lang=``, else the switch's cookie, else the
browser's ``Accept-Language``, else English.

An ASGI middleware outside every other, so the language is set before anything renders,
including the error page of last resort; it is a context variable (``wpstrack.i18n``), read
by the templates and by every message a handler translates.
"""

from __future__ import annotations

from starlette.datastructures import MutableHeaders
from starlette.requests import HTTPConnection
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from wpstrack import i18n

COOKIE = "wpstrack_lang"
COOKIE_SECONDS = 365 * 24 * 3600


def request_language(connection: HTTPConnection) -> tuple[str, str | None]:
    """The language to answer in, and the code a ``?lang=`` asked to keep (if any)."""
    asked = i18n.choose(connection.query_params.get("lang"))
    if asked:
        return asked, asked
    kept = i18n.choose(connection.cookies.get(COOKIE))
    if kept:
        return kept, None
    return i18n.negotiate(connection.headers.get("accept-language")), None


def remember(response: Response, code: str) -> None:
    """Keep ``code`` as the visitor's language (the switch and ``?lang=``)."""
    response.set_cookie(COOKIE, code, max_age=COOKIE_SECONDS, samesite="lax", httponly=True)


class LanguageMiddleware:
    """Serve each HTTP request in its language; keep a ``?lang=`` choice in the cookie."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        code, keep = request_language(HTTPConnection(scope))

        async def send_with_language(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers.add_vary_header("Accept-Language")
                headers.add_vary_header("Cookie")
                headers.setdefault("Content-Language", code)
                if keep:
                    cookie = Response()
                    remember(cookie, keep)
                    headers.append("set-cookie", cookie.headers["set-cookie"])
            await send(message)

        with i18n.language(code):
            await self.app(scope, receive, send_with_language)
