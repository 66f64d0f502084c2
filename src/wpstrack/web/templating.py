"""Jinja2 templates: always autoescaped, with what every page's layout needs.

Autoescaping is on for every template whatever its file name: document text, extracted
values and user input all go through it, so a release containing ``<script>`` shows as text.
Nothing in our templates marks a value ``|safe``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from fastapi import Request
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader, StrictUndefined
from starlette.responses import Response

from wpstrack import fields, roles
from wpstrack.users import has_role
from wpstrack.web.requests import request_id
from wpstrack.web.sessions import CSRF_FIELD, csrf_token

TEMPLATES_DIR = Path(__file__).parent / "templates"


def _pretty_json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, indent=1, sort_keys=True, default=str)


def make_templates() -> Jinja2Templates:
    """The template set of one app."""
    env = Environment(
        loader=FileSystemLoader(TEMPLATES_DIR),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["pretty_json"] = _pretty_json
    env.globals["CSRF_FIELD"] = CSRF_FIELD
    # The field catalogue: pages list, label, show and edit fields only through it.
    env.globals["field_facts"] = fields.facts
    env.globals["field_kind"] = fields.kind_of
    env.globals["field_label"] = fields.label_of
    env.globals["editable_fields"] = fields.editable_fields
    env.globals["reviewable_fields"] = fields.reviewable_fields
    env.globals["editable_part"] = fields.editable_part
    # The role vocabulary: labels and the choices of every role form.
    env.globals["role_label"] = roles.label_of
    env.globals["ROLES"] = roles.ROLES
    return Jinja2Templates(env=env)


def page_url(request: Request, **changes: Any) -> str:
    """This page's URL with some query parameters changed (None removes one)."""
    params = dict(request.query_params)
    for key, value in changes.items():
        if value is None:
            params.pop(key, None)
        else:
            params[key] = str(value)
    query = urlencode(params)
    return request.url.path + (f"?{query}" if query else "")


def render(
    request: Request, name: str, context: dict[str, Any] | None = None, status_code: int = 200
) -> Response:
    """Render ``name`` with ``context`` plus the user, the CSRF token and URL helpers."""
    user = getattr(request.state, "user", None)
    base = {
        "user": user,
        "is_admin": user is not None and has_role(user),
        "csrf_token": csrf_token(request),
        "page_url": lambda **kw: page_url(request, **kw),
        "title": "",
        "request_id": request_id(request),
    }
    templates: Jinja2Templates = request.app.state.templates
    return templates.TemplateResponse(
        request, name, {**base, **(context or {})}, status_code=status_code
    )
