"""How a ``wpstrack.errors`` exception becomes an HTTP status, an error body and headers.

Both shells use this: the API sends the body as JSON, the pages render it in the layout.
"""

from __future__ import annotations

from typing import Any

from fastapi.encoders import jsonable_encoder

from wpstrack.errors import (
    InvalidInput,
    StaleVersion,
    TooManyAttempts,
    Unauthenticated,
    WpstrackError,
)


def error_body(
    code: str, message: str, details: Any = None, request_id: str | None = None
) -> dict[str, Any]:
    """The one error envelope of the API:
    ``{"error": {"code", "message", "details", "request_id"}}``."""
    error = {"code": code, "message": message, "details": details, "request_id": request_id}
    return {"error": error}


def describe(exc: WpstrackError) -> tuple[int, dict[str, Any], dict[str, str]]:
    """The status, envelope and headers for ``exc``."""
    details: Any = None
    headers: dict[str, str] = {}
    if isinstance(exc, StaleVersion):
        details = {"current_version": exc.current_version}
        headers["ETag"] = f'"{exc.current_version}"'
    elif isinstance(exc, InvalidInput) and (exc.location or exc.problems):
        details = {k: v for k, v in (("location", exc.location), ("problems", exc.problems)) if v}
    if isinstance(exc, Unauthenticated):
        headers["WWW-Authenticate"] = "Bearer"
    if isinstance(exc, TooManyAttempts) and exc.retry_after is not None:
        headers["Retry-After"] = str(exc.retry_after)
    return exc.http_status, error_body(exc.code, exc.message, details), headers


def validation_details(errors: Any) -> list[dict[str, Any]]:
    """Pydantic's error list, reduced to what a client can act on."""
    return [
        {"loc": list(e.get("loc", ())), "msg": e.get("msg", ""), "type": e.get("type", "")}
        for e in jsonable_encoder(errors)
    ]
