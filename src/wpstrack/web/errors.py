"""How a ``wpstrack.errors`` exception becomes an HTTP status, an error body and headers.

Both shells use this: the API sends the body as JSON, the pages render it in the layout.
"""

from __future__ import annotations

from typing import Any

from fastapi.encoders import jsonable_encoder

from wpstrack import i18n
from wpstrack.errors import (
    InvalidInput,
    StaleVersion,
    TooManyAttempts,
    Unauthenticated,
    WpstrackError,
)
from wpstrack.i18n import N_


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


# What each kind of error means, for a page in a language other than the message's. Domain
# messages are English sentences built with their values; a page in Japanese leads with the
# meaning of the code and gives the system's own words after it.
ERROR_SUMMARIES = {
    "W000": N_("The request could not be completed."),
    "W001": N_("A setting is missing or not valid."),
    "W002": N_("The database cannot be reached or is not at the expected version."),
    "W004": N_("The record you asked for does not exist."),
    "W005": N_("No wpstrack database was found where the settings point."),
    "W009": N_("The record was changed by someone else, or would duplicate another."),
    "W010": N_("The form or address is not valid."),
    "W020": N_("The document cannot be read as text."),
    "W021": N_("The upload is larger than the limit; it was not read."),
    "W030": N_("You need to log in."),
    "W031": N_("Your role does not allow this."),
    "W032": N_("Too many failed logins: wait a moment and try again."),
    "W040": N_("An amount cannot be converted: an exchange rate is missing."),
    "W050": N_("The backup file is damaged or is not a wpstrack backup."),
    "W051": N_("The target database already holds records."),
    "W052": N_("The database is newer than this version of wpstrack."),
    "W500": N_("An internal error; it has been logged."),
}
HTTP_SUMMARIES = {
    404: N_("There is no page at this address."),
    405: N_("This address does not accept that kind of request."),
}


def page_message(code: str, message: str, status: int = 400) -> tuple[str, str | None]:
    """An error's message for a page in the current language, and the system's own English
    words beside it when the message itself has no translation."""
    if i18n.current_language() == i18n.DEFAULT_LANGUAGE:
        return message, None
    translated = i18n.translations(i18n.current_language()).gettext(message)
    if translated != message and translated != i18n.untranslated(message):
        return translated, None
    summary = ERROR_SUMMARIES.get(code) or HTTP_SUMMARIES.get(status) or ERROR_SUMMARIES["W000"]
    return i18n.gettext(summary), message
