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

from babel import Locale, UnknownLocaleError
from fastapi import Request
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader, StrictUndefined
from starlette.responses import Response

from wpstrack import fields, i18n, roles
from wpstrack.users import has_role
from wpstrack.web.requests import request_id
from wpstrack.web.sessions import CSRF_FIELD, csrf_token

TEMPLATES_DIR = Path(__file__).parent / "templates"


def _pretty_json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, indent=1, sort_keys=True, default=str)


def _gettext(message: str) -> str:
    return i18n.translations(i18n.current_language()).gettext(message)


def _ngettext(singular: str, plural: str, n: int) -> str:
    return i18n.translations(i18n.current_language()).ngettext(singular, plural, n)


def _field_label(name: str) -> str:
    return fields.label_of(name, i18n.current_language())


def local_name(record: Any, name: str = "name") -> str:
    """A record's ``name`` in the page's language: its ``name_ja`` on a Japanese page where the
    reference data has one (pillars, organisations), else the English."""

    def get(key: str) -> Any:
        if isinstance(record, dict):
            return record.get(key)
        return getattr(record, key, None)

    if i18n.current_language() == "ja" and get(f"{name}_ja"):
        return str(get(f"{name}_ja"))
    return str(get(name) or "")


def _government_name(code: str, english: str) -> str:
    """A government as a who of the matrix: ``english`` ("Government of Japan") on an English
    page, else the country named in the page's language."""
    if i18n.current_language() == i18n.DEFAULT_LANGUAGE:
        return english
    return i18n.gettext("Government of %(country)s", country=i18n.country_name(code))


def _role_label(code: str) -> str:
    """A role code's label in the page's language (:func:`wpstrack.roles.label_of`)."""
    return roles.label_of(code, i18n.current_language())


def language_name(code: str) -> str:
    """A language code (a document's) named in the page's language: ``ja`` is 日本語 or
    Japanese."""
    try:
        return str(Locale.parse(code).get_display_name(i18n.current_language()) or code)
    except (ValueError, UnknownLocaleError):
        return code


_DICT_ATTRIBUTES = frozenset(dir(dict))


class _Environment(Environment):
    """Jinja's environment, with ``value.name`` on a plain dict read as its item first.

    Pages get much of their data as dicts (facets, choices, figures), and Jinja's
    ``getattr`` tries the attribute and raises and catches an AttributeError before it reads
    the item: a fifth of the rendering time of the list and facet pages under
    ``bench/load.py``. A name that is an attribute of every dict (``items``, ``get``) keeps
    Jinja's order, so a template reads the same value as before.
    """

    def getattr(self, obj: Any, attribute: str) -> Any:
        if type(obj) is dict and attribute not in _DICT_ATTRIBUTES:
            try:
                return obj[attribute]
            except KeyError:
                return self.undefined(obj=obj, name=attribute)
        return super().getattr(obj, attribute)


def make_templates() -> Jinja2Templates:
    """The template set of one app."""
    env = _Environment(
        loader=FileSystemLoader(TEMPLATES_DIR),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        # Templates ship inside the package and change only with it: checking every
        # template file's mtime on each render showed in the profile under load.
        auto_reload=False,
        extensions=["jinja2.ext.i18n"],
    )
    # One environment serves every request: the callables read the request's language from
    # wpstrack.i18n's context variable rather than a translation object installed per request.
    # New-style gettext escapes the values put into a message and formats ``%(name)s``.
    env.install_gettext_callables(_gettext, _ngettext, newstyle=True)  # type: ignore[attr-defined]
    env.filters["day"] = i18n.format_day
    env.filters["month"] = i18n.format_month
    env.filters["instant"] = i18n.format_instant
    env.filters["number"] = i18n.format_number
    env.filters["period"] = i18n.format_period
    env.globals["code_label"] = fields.code_label
    env.globals["languages"] = i18n.LANGUAGE_NAMES
    env.globals["local_name"] = local_name
    env.globals["language_name"] = language_name
    env.filters["pretty_json"] = _pretty_json
    env.globals["CSRF_FIELD"] = CSRF_FIELD
    # The field catalogue: pages list, label, show and edit fields only through it.
    env.globals["field_facts"] = fields.facts
    env.globals["field_kind"] = fields.kind_of
    env.globals["field_label"] = _field_label
    env.globals["editable_fields"] = fields.editable_fields
    env.globals["reviewable_fields"] = fields.reviewable_fields
    env.globals["editable_part"] = fields.editable_part
    # The role vocabulary: labels and the choices of every role form.
    env.globals["role_label"] = _role_label
    env.globals["country_name"] = i18n.country_name
    env.globals["government_name"] = _government_name
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
        "lang": i18n.current_language(),
    }
    templates: Jinja2Templates = request.app.state.templates
    return templates.TemplateResponse(
        request, name, {**base, **(context or {})}, status_code=status_code
    )
