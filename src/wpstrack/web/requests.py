"""Request ids, the error log line, and the answer of last resort to an unexpected failure.

Every request gets an id, sent back in ``X-Request-ID``, shown on error pages and in the
API's error envelope, and written in the server log line of an error response: a user who
reports "the page failed" can quote it, and the operator finds the traceback by it.

A failure nothing else handled is answered here: an HTML page in the site's layout, or the
API's JSON envelope under ``/api/``, never a bare "Internal Server Error".
"""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.datastructures import MutableHeaders
from starlette.requests import HTTPConnection, Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

HEADER = "X-Request-ID"
log = logging.getLogger("wpstrack.web")
# An id a proxy in front of us already gave the request is kept, if it is a plain token.
_INCOMING = re.compile(r"^[A-Za-z0-9._-]{8,64}$")

ErrorResponder = Callable[[Request, Exception], Awaitable[Response]]


def request_id(connection: HTTPConnection) -> str | None:
    """The id of the request being answered (None outside :class:`RequestIds`)."""
    state = connection.scope.get("state") or {}
    value = state.get("request_id") if isinstance(state, dict) else None
    return str(value) if value else None


class RequestIds:
    """ASGI middleware: an id per request, an error log line, a page for a failure.

    ``respond`` builds the answer to an exception that reached this far; it is called with a
    request on ``owner`` (the application whose templates and state the page needs), since
    a mounted sub-application has replaced ``scope["app"]`` by then.
    """

    def __init__(self, app: ASGIApp, *, owner: Any, respond: ErrorResponder) -> None:
        self.app = app
        self.owner = owner
        self.respond = respond

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        incoming = HTTPConnection(scope).headers.get(HEADER, "")
        rid = incoming if _INCOMING.match(incoming) else uuid.uuid4().hex
        scope.setdefault("state", {})["request_id"] = rid
        started: dict[str, int] = {}

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                started["status"] = message["status"]
                MutableHeaders(scope=message)[HEADER] = rid
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        except Exception as exc:  # the last resort: logged with its traceback, then answered
            where = f"{scope.get('method')} {scope.get('path')}"
            log.error("%s failed [request %s]", where, rid, exc_info=exc)
            if "status" in started:  # an API handler already sent its envelope
                return
            response = await self.respond(Request({**scope, "app": self.owner}, receive), exc)
            await response(scope, receive, send_with_id)
            return
        status = started.get("status", 0)
        if status >= 400:
            level = logging.ERROR if status >= 500 else logging.WARNING
            where = f"{scope.get('method')} {scope.get('path')}"
            log.log(level, "%s answered %d [request %s]", where, status, rid)
