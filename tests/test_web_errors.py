"""Pages that fail well: errors in the layout with a request id, and a readable API reference."""

from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING, Any

import pytest
from fastapi.testclient import TestClient

from wpstrack.web import create_app

if TYPE_CHECKING:
    from conftest import WebSite

LAYOUT = '<footer class="site-footer">'


def _failing_app(web: WebSite) -> Any:
    """The site with a page and an API route that raise an unexpected error."""
    app = create_app(web.settings, engine=web.engine)

    def explode() -> None:
        raise RuntimeError("a bug nobody handled")

    app.add_api_route("/test-failure", explode)
    app.state.api.add_api_route("/test-failure", explode)
    return app


def _page_id(html: str) -> str | None:
    found = re.search(r'<code class="request-id">([^<]+)</code>', html)
    return found.group(1) if found else None


def test_an_unexpected_failure_is_a_page_in_the_layout_with_its_id_logged(
    web: WebSite, caplog: pytest.LogCaptureFixture
) -> None:
    client = TestClient(_failing_app(web), raise_server_exceptions=False)
    with caplog.at_level(logging.ERROR, logger="wpstrack.web"):
        response = client.get("/test-failure")
    assert response.status_code == 500
    assert LAYOUT in response.text and "[W500]" in response.text
    rid = response.headers["X-Request-ID"]
    assert rid and _page_id(response.text) == rid
    assert "a bug nobody handled" not in response.text  # the visitor sees no internals
    logged = [r for r in caplog.records if rid in r.getMessage()]
    assert logged and logged[0].exc_info and "RuntimeError" in caplog.text


def test_an_unexpected_api_failure_keeps_the_envelope_with_the_id(
    web: WebSite, caplog: pytest.LogCaptureFixture
) -> None:
    client = TestClient(_failing_app(web), raise_server_exceptions=False)
    with caplog.at_level(logging.ERROR, logger="wpstrack.web"):
        response = client.get("/api/v1/test-failure")
    assert response.status_code == 500
    error = response.json()["error"]
    assert error["code"] == "W500" and error["request_id"] == response.headers["X-Request-ID"]
    assert any(error["request_id"] in r.getMessage() and r.exc_info for r in caplog.records)


@pytest.mark.parametrize(
    ("role", "path", "status"),
    [
        (None, "/no-such-page", 404),
        (None, "/activities/999999", 404),
        ("viewer", "/admin/users", 403),
    ],
)
def test_error_pages_are_in_the_layout_with_the_request_id(
    web: WebSite, caplog: pytest.LogCaptureFixture, role: str | None, path: str, status: int
) -> None:
    client = web.login(role) if role else web.client()
    with caplog.at_level(logging.WARNING, logger="wpstrack.web"):
        response = client.get(path)
    assert response.status_code == status
    assert LAYOUT in response.text
    rid = response.headers["X-Request-ID"]
    assert _page_id(response.text) == rid
    assert any(rid in r.getMessage() and str(status) in r.getMessage() for r in caplog.records)


def test_api_errors_carry_the_request_id(web: WebSite) -> None:
    response = web.client().get("/api/v1/activities/999999")
    assert response.status_code == 404
    assert response.json()["error"]["request_id"] == response.headers["X-Request-ID"]
    invalid = web.client().get("/api/v1/activities", params={"limit": "0"})
    assert invalid.json()["error"]["request_id"] == invalid.headers["X-Request-ID"]


def test_every_response_has_its_own_request_id_or_the_one_it_was_given(web: WebSite) -> None:
    client = web.client()
    first, second = client.get("/"), client.get("/")
    assert first.headers["X-Request-ID"] != second.headers["X-Request-ID"]
    given = client.get("/", headers={"X-Request-ID": "proxy-abc-123"})
    assert given.headers["X-Request-ID"] == "proxy-abc-123"
    forged = client.get("/", headers={"X-Request-ID": "<script>"})
    assert forged.headers["X-Request-ID"] != "<script>"


def test_the_api_reference_lists_every_operation(web: WebSite) -> None:
    client = web.client()
    spec = client.get("/api/v1/openapi.json").json()
    page = client.get("/api/v1/docs")
    assert page.status_code == 200 and LAYOUT in page.text
    assert "<script src=" not in page.text.replace('<script src="/static/', "")
    operations = 0
    for path, item in spec["paths"].items():
        for method, op in item.items():
            operations += 1
            pattern = rf"<code[^>]*>{method.upper()}</code> <code>/api/v1{re.escape(path)}</code>"
            assert re.search(pattern, page.text), f"{method} {path} missing"
            for param in op.get("parameters", []):
                assert f"<code>{param['name']}</code>" in page.text
    assert operations > 30
    assert 'id="schema-ActivityDetail"' in page.text and "Request body" in page.text
    assert "<caption>Responses</caption>" in page.text


@pytest.mark.parametrize("path", ["/docs", "/redoc"])
def test_the_usual_docs_addresses_lead_to_the_reference(web: WebSite, path: str) -> None:
    response = web.client().get(path)
    assert response.status_code == 308 and response.headers["location"] == "/api/v1/docs"


@pytest.mark.parametrize("path", ["/", "/activities", "/people", "/no-such-page", "/login"])
def test_every_page_links_to_the_api_reference(web: WebSite, path: str) -> None:
    assert '<a href="/api/v1/docs">API reference</a>' in web.client().get(path).text
