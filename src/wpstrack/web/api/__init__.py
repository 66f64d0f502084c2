"""The JSON API under ``/api/v1``: one router per resource, one error envelope, OpenAPI.

It is a FastAPI app of its own, mounted by :func:`wpstrack.web.create_app`, so that its
OpenAPI document (``/api/v1/openapi.json``) lists only API routes and its errors are always
JSON, while the pages answer errors in HTML. Authentication is by bearer token only.
"""

from __future__ import annotations

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import ValidationError
from sqlalchemy import Engine
from starlette.exceptions import HTTPException as StarletteHTTPException

from wpstrack import __version__
from wpstrack.errors import WpstrackError
from wpstrack.settings import Settings
from wpstrack.web.api import (
    activities,
    audit,
    documents,
    funding,
    indicators,
    narratives,
    organisations,
    people,
    plans,
    review,
    search,
    users,
)
from wpstrack.web.deps import optional_user
from wpstrack.web.errors import describe, error_body, validation_details
from wpstrack.web.requests import request_id

API_PREFIX = "/api/v1"


async def _wpstrack_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, WpstrackError)
    status, body, headers = describe(exc)
    body["error"]["request_id"] = request_id(request)
    return JSONResponse(body, status_code=status, headers=headers)


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    errors = exc.errors() if isinstance(exc, RequestValidationError | ValidationError) else []
    details = validation_details(errors)
    body = error_body("W010", "the request is not valid", details, request_id(request))
    return JSONResponse(body, status_code=422)


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    body = error_body(f"HTTP{exc.status_code}", str(exc.detail), None, request_id(request))
    return JSONResponse(body, status_code=exc.status_code, headers=exc.headers)


async def _server_error(request: Request, _exc: Exception) -> JSONResponse:
    # The traceback is logged with this id by wpstrack.web.requests, where the error lands.
    message = "internal error; it has been logged"
    return JSONResponse(error_body("W500", message, None, request_id(request)), 500)


def create_api(settings: Settings, engine: Engine) -> FastAPI:
    """The API app over ``engine``."""
    api = FastAPI(
        title="wpstrack API",
        version=__version__,
        openapi_url="/openapi.json",
        docs_url=None,  # Swagger UI would load scripts from a CDN; the JSON is enough offline
        redoc_url=None,
        dependencies=[Depends(optional_user)],
    )
    api.state.settings = settings
    api.state.engine = engine
    api.state.auth = "bearer"
    api.add_exception_handler(WpstrackError, _wpstrack_error)
    api.add_exception_handler(RequestValidationError, _validation_error)
    api.add_exception_handler(ValidationError, _validation_error)
    api.add_exception_handler(StarletteHTTPException, _http_error)
    api.add_exception_handler(Exception, _server_error)
    routers = (plans.router, organisations.router, users.router, users.me_router, audit.router)
    records = (activities.router, review.router, documents.router, search.router, people.router)
    for router in (*routers, *records):
        api.include_router(router)
    monitoring = (indicators.router, indicators.matrix_router, indicators.exports_router)
    for router in (*monitoring, indicators.sdmx_router, funding.router, narratives.router):
        api.include_router(router)
    return api
