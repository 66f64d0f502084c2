"""A limit on request bodies, enforced while they stream, before anything parses them.

A pure ASGI middleware: it wraps ``receive`` and counts bytes, so a body over the limit is
refused with 413 as soon as its ``Content-Length`` says so, or, when it is sent in chunks,
as soon as the bytes received pass the limit; nothing reads, spools or parses the rest.
Uploads (``multipart/form-data``) get the upload limit, every other body (JSON, forms) the
smaller body limit.
"""

from __future__ import annotations

import json

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from wpstrack.errors import RequestTooLarge


class BodyLimitMiddleware:
    """Refuse request bodies over ``upload_bytes`` (multipart) or ``body_bytes`` (others)."""

    def __init__(
        self, app: ASGIApp, *, upload_bytes: int, body_bytes: int, api_prefix: str
    ) -> None:
        self.app = app
        self.upload_bytes = upload_bytes
        self.body_bytes = body_bytes
        self.api_prefix = api_prefix

    def limit(self, scope: Scope) -> int:
        """The limit for this request, by its content type."""
        content_type = _header(scope, b"content-type") or b""
        multipart = content_type.split(b";")[0].strip().lower() == b"multipart/form-data"
        return self.upload_bytes if multipart else self.body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit(scope)
        declared = _header(scope, b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            await self._refuse(scope, send, limit)
            return
        received = 0
        overflowed = started = False

        async def limited_receive() -> Message:
            nonlocal received, overflowed
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    overflowed = True
                    raise RequestTooLarge(_message(limit))
            return message

        async def guarded_send(message: Message) -> None:
            nonlocal started
            # Once the body overflowed, whatever the app answers (a 400 from a parser that
            # saw the error, a 413 from ours) is replaced by the one refusal below.
            if overflowed and not started:
                return
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, limited_receive, guarded_send)
        except Exception:
            # Whatever the cut-off body made the app raise (our error, or a group of them
            # from a middleware that reads in a task) is answered by the refusal below.
            if not overflowed or started:
                raise
        if overflowed and not started:
            await self._refuse(scope, send, limit)

    async def _refuse(self, scope: Scope, send: Send, limit: int) -> None:
        """Answer 413 and close the connection: the rest of the body is never read."""
        error = RequestTooLarge(_message(limit))
        if str(scope.get("path", "")).startswith(self.api_prefix):
            envelope = {"error": {"code": error.code, "message": error.message, "details": None}}
            body, media = json.dumps(envelope).encode(), b"application/json"
        else:
            body, media = f"{error}\n".encode(), b"text/plain; charset=utf-8"
        headers = [
            (b"content-type", media),
            (b"content-length", str(len(body)).encode()),
            (b"connection", b"close"),
        ]
        await send({"type": "http.response.start", "status": 413, "headers": headers})
        await send({"type": "http.response.body", "body": body})


def _message(limit: int) -> str:
    return f"the request body is larger than the limit of {limit} bytes"


def _header(scope: Scope, name: bytes) -> bytes | None:
    for key, value in scope.get("headers") or ():
        if key.lower() == name:
            return bytes(value)
    return None
