"""A readable API reference built on the server from the API's own OpenAPI document.

Swagger UI and ReDoc load JavaScript from a CDN (and vendoring them is not allowed), so the
reference is plain HTML rendered from ``openapi()``: every operation grouped by tag with its
method, path, parameters, request body and responses, then every schema with its fields. It
works offline and cannot drift from the API, since the API describes itself.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from fastapi import APIRouter, Request
from fastapi.params import Depends
from fastapi.responses import RedirectResponse
from starlette.responses import Response

from wpstrack.i18n import current_language
from wpstrack.web.templating import render

DOCS_PATH = "/api/v1/docs"
METHODS = ("get", "post", "put", "patch", "delete")


def type_name(schema: dict[str, Any] | None) -> str:
    """A short, readable name for a JSON schema: ``ActivityDetail``, ``list of int``..."""
    if not schema:
        return "any"
    if "$ref" in schema:
        return str(schema["$ref"]).rsplit("/", 1)[-1]
    for key in ("anyOf", "oneOf", "allOf"):
        if key in schema:
            names = [type_name(s) for s in schema[key] if s.get("type") != "null"]
            nullable = any(s.get("type") == "null" for s in schema[key])
            return " or ".join(dict.fromkeys(names)) + (" (or null)" if nullable else "")
    kind = schema.get("type", "any")
    if kind == "array":
        return f"list of {type_name(schema.get('items'))}"
    if "enum" in schema:
        return "one of " + ", ".join(str(v) for v in schema["enum"])
    if schema.get("format"):
        return f"{kind} ({schema['format']})"
    return str(kind)


def _content(content: dict[str, Any] | None) -> list[dict[str, str]]:
    return [
        {"media_type": media, "type": type_name(body.get("schema"))}
        for media, body in (content or {}).items()
    ]


def _operation(path: str, method: str, op: dict[str, Any]) -> dict[str, Any]:
    body = op.get("requestBody")
    return {
        "id": op.get("operationId") or f"{method}-{path}",
        "method": method.upper(),
        "path": path,
        "summary": op.get("summary") or "",
        "description": op.get("description") or "",
        "parameters": [
            {
                "name": p.get("name"),
                "in": p.get("in"),
                "required": bool(p.get("required")),
                "type": type_name(p.get("schema")),
                "description": p.get("description") or "",
            }
            for p in op.get("parameters") or ()
        ],
        "body": None
        if body is None
        else {"required": bool(body.get("required")), "content": _content(body.get("content"))},
        "responses": [
            {
                "status": status,
                "description": r.get("description") or "",
                "content": _content(r.get("content")),
            }
            for status, r in sorted((op.get("responses") or {}).items())
        ],
    }


def reference(spec: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """The reference of an OpenAPI document: operations by tag (in path order), and schemas."""
    tags: dict[str, list[dict[str, Any]]] = {}
    for path, item in spec.get("paths", {}).items():
        for method in METHODS:
            if method in item:
                op = item[method]
                for tag in op.get("tags") or ["other"]:
                    tags.setdefault(tag, []).append(_operation(prefix + path, method, op))
    schemas = []
    for name, schema in sorted(spec.get("components", {}).get("schemas", {}).items()):
        required = set(schema.get("required") or ())
        schemas.append(
            {
                "name": name,
                "description": schema.get("description") or "",
                "fields": [
                    {
                        "name": f,
                        "type": type_name(s),
                        "required": f in required,
                        # The catalogue's Japanese label (describe_schema) on a Japanese page.
                        "label": (s.get("x-label-ja") if current_language() == "ja" else None)
                        or s.get("title")
                        or "",
                        "description": s.get("description") or "",
                    }
                    for f, s in (schema.get("properties") or {}).items()
                ],
            }
        )
    info = spec.get("info", {})
    return {
        "title": info.get("title", "API"),
        "version": info.get("version", ""),
        "tags": [{"name": t, "operations": ops} for t, ops in sorted(tags.items())],
        "schemas": schemas,
    }


def router(api_prefix: str, dependencies: Sequence[Depends]) -> APIRouter:
    """The reference page at ``/api/v1/docs``, and ``/docs`` and ``/redoc`` leading to it.

    Included before the API is mounted, so that it answers ahead of the API's own 404.
    """
    docs = APIRouter(dependencies=dependencies)

    @docs.get(DOCS_PATH, include_in_schema=False)
    def api_reference(request: Request) -> Response:
        spec = request.app.state.api.openapi()
        context = {"title": "API reference", "ref": reference(spec, api_prefix)}
        context["openapi_url"] = api_prefix + "/openapi.json"
        return render(request, "api_docs.html", context)

    @docs.get("/docs", include_in_schema=False)
    @docs.get("/redoc", include_in_schema=False)
    def to_reference() -> Response:
        return RedirectResponse(DOCS_PATH, status_code=308)

    return docs
