"""Document pages and API: upload (type-checked, size-limited, names never paths), the
list with rejection reasons, the document with highlighted spans, hostile text inert."""

from __future__ import annotations

import html
import re
from typing import TYPE_CHECKING, Any

import pytest
from sqlalchemy import select

from wpstrack import schema

if TYPE_CHECKING:
    from conftest import WebSite

RELEASE = (
    "Foreign Minister Meets UN Women Executive Director\n\n"
    "On 12 March 2024, from 10:00 for about 30 minutes, Ms. KAMIKAWA Yoko, Minister for "
    "Foreign Affairs of Japan, held a meeting with Ms. Sima Bahous, Executive Director of "
    "UN Women, in Tokyo. They discussed Women, Peace and Security.\n"
)
HOSTILE = (
    "Statement on peace <script>alert('x')</script> and security\n\n"
    'On 3 May 2024 the <img src=x onerror="alert(1)"> delegation met UN Women in Geneva.\n'
)


def _upload(
    client: Any, files: list[tuple[str, bytes]], data: dict[str, str] | None = None, **headers: str
) -> Any:
    parts = [("files", (name, body, "application/octet-stream")) for name, body in files]
    return client.post("/api/v1/documents", files=parts, data=data, headers=headers)


def _page_upload(web: WebSite, client: Any, files: list[tuple[str, bytes]], **fields: str) -> Any:
    parts = [("files", (name, body, "text/plain")) for name, body in files]
    # The form's own address carries the CSRF token, checked before the body is read.
    found = re.search(
        r'<form class="upload" method="post" action="([^"]+)"', client.get("/documents").text
    )
    assert found, "no upload form"
    action = html.unescape(found.group(1))
    assert action.startswith("/documents?csrf_token=")
    return client.post(action, files=parts, data=fields)


def _publisher(web: WebSite, document_id: int) -> str | None:
    with web.engine.connect() as conn:
        return conn.execute(
            select(schema.document.c.publisher).where(schema.document.c.id == document_id)
        ).scalar_one()


def test_an_editor_uploads_several_files_and_each_is_ingested_or_refused(web: WebSite) -> None:
    response = _upload(
        web.client(),
        [("meeting.txt", RELEASE.encode()), ("photo.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 64)],
        **web.bearer("editor"),
    )
    assert response.status_code == 201, response.text
    first, second = response.json()
    assert (first["filename"], first["status"]) == ("meeting.txt", "ingested")
    assert (second["status"], second["reason"]) == ("rejected", "unsupported")
    listed = (
        web.client().get("/api/v1/documents?status=rejected", headers=web.bearer("viewer")).json()
    )
    rejected = [d for d in listed["items"] if d["id"] == second["document_id"]]
    assert rejected and rejected[0]["reject_reason"].startswith("unsupported")


def test_a_file_over_the_size_limit_is_refused_without_being_stored(web: WebSite) -> None:
    limit = web.app.state.settings.max_document_bytes
    body = b"a" * (limit + 1)
    response = _upload(web.client(), [("huge.txt", body)], **web.bearer("editor"))
    result = response.json()[0]
    assert (result["status"], result["reason"]) == ("rejected", "too_large")
    with web.engine.connect() as conn:
        raw = conn.execute(
            select(schema.document.c.raw).where(schema.document.c.id == result["document_id"])
        ).scalar_one()
    assert raw is None


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ("../../etc/passwd", "passwd"),
        ("..\\..\\windows\\win.ini", "win.ini"),
        ("<b>bold.txt", "_b_bold.txt"),
        ("<b>bold</b>.txt", "b_.txt"),
    ],
)
def test_uploaded_names_are_labels_never_paths(web: WebSite, name: str, shown: str) -> None:
    body = f"{RELEASE}\nReference {name!r} {shown}.\n".encode()
    result = _upload(web.client(), [(name, body)], **web.bearer("editor")).json()[0]
    assert result["filename"] == shown
    with web.engine.connect() as conn:
        source = conn.execute(
            select(schema.document.c.source).where(schema.document.c.id == result["document_id"])
        ).scalar_one()
    assert source == f"upload:{shown}"


def test_safe_filename_of_an_empty_name() -> None:
    from wpstrack.archive import safe_filename

    assert safe_filename("") == "upload"
    assert safe_filename(None) == "upload"


@pytest.mark.parametrize("role", [None, "viewer", "reviewer"])
def test_only_editors_upload(web: WebSite, role: str | None) -> None:
    response = _upload(web.client(), [("x.txt", RELEASE.encode())], **web.bearer(role))
    assert response.status_code == (401 if role is None else 403)


def test_the_upload_form_ingests_and_links_to_the_document(web: WebSite) -> None:
    client = web.login("editor")
    page = client.get("/documents")
    assert 'enctype="multipart/form-data"' in page.text and "data-dropzone" in page.text
    body = RELEASE.replace("Tokyo", "Osaka").encode()
    response = _page_upload(web, client, [("osaka.txt", body), ("empty.txt", b"")])
    assert response.status_code == 201
    assert "osaka.txt" in response.text and "empty" in response.text
    doc_id = int(re.search(r'href="/documents/(\d+)"', response.text).group(1))  # type: ignore[union-attr]
    document = client.get(f"/documents/{doc_id}")
    assert document.status_code == 200
    assert re.search(r'<mark id="span-\d+"[^>]*data-field="date"', document.text)


def test_anonymous_visitors_see_no_draft_document(web: WebSite) -> None:
    result = _upload(
        web.client(), [("draft.txt", (RELEASE + "Draft only.").encode())], **web.bearer("editor")
    ).json()[0]
    doc_id = result["document_id"]
    assert web.client().get(f"/documents/{doc_id}").status_code == 404
    assert web.client().get(f"/api/v1/documents/{doc_id}").status_code == 404
    listed = web.client().get("/api/v1/documents").json()["items"]
    assert doc_id not in [d["id"] for d in listed]
    assert (
        web.client()
        .get(f"/api/v1/documents/{doc_id}", headers=web.bearer("viewer"))
        .json()["document"]["id"]
        == doc_id
    )


def test_a_hostile_release_renders_inert(web: WebSite) -> None:
    result = _upload(web.client(), [("hostile.txt", HOSTILE.encode())], **web.bearer("editor"))
    doc_id = result.json()[0]["document_id"]
    client = web.login("viewer")
    for path in (f"/documents/{doc_id}", "/documents", "/search?q=delegation"):
        html = client.get(path).text
        assert "<script>alert" not in html and "<img src=x" not in html, path
    document = client.get(f"/documents/{doc_id}").text
    assert "&lt;script&gt;alert(" in document
    assert "&lt;img src=x onerror=" in document


def test_document_list_pages_with_a_cursor(web: WebSite) -> None:
    headers = web.bearer("viewer")
    first = web.client().get("/api/v1/documents?limit=1", headers=headers).json()
    assert len(first["items"]) == 1 and first["next_cursor"]
    second = (
        web.client()
        .get(f"/api/v1/documents?limit=1&cursor={first['next_cursor']}", headers=headers)
        .json()
    )
    assert second["items"][0]["id"] < first["items"][0]["id"]
    csv = web.client().get("/api/v1/documents?format=csv", headers=headers)
    assert csv.headers["content-type"].startswith("text/csv")


def test_an_api_upload_names_the_publisher_of_files_that_name_none(web: WebSite) -> None:
    page = (
        '<html><head><meta name="dc.publisher" content="UN Women"></head><body><article>'
        f"<p>{RELEASE} Published by the partner.</p></article></body></html>"
    )
    files = [("statement.txt", (RELEASE + "API upload.").encode()), ("partner.html", page.encode())]
    batch = {"publisher": " Ministry of Foreign Affairs of Japan "}
    response = _upload(web.client(), files, batch, **web.bearer("editor"))
    assert response.status_code == 201, response.text
    text_id, page_id = (r["document_id"] for r in response.json())
    assert _publisher(web, text_id) == "Ministry of Foreign Affairs of Japan"
    assert _publisher(web, page_id) == "UN Women"
    unnamed = _upload(
        web.client(), [("bare.txt", b"Bare: " + RELEASE.encode())], **web.bearer("editor")
    )
    assert _publisher(web, unnamed.json()[0]["document_id"]) is None


def test_the_upload_form_takes_a_publisher_and_the_document_page_shows_it(web: WebSite) -> None:
    client = web.login("editor")
    assert 'name="publisher"' in client.get("/documents").text
    body = (RELEASE + "Form upload with a publisher.").encode()
    response = _page_upload(web, client, [("form.txt", body)], publisher="Global Affairs Canada")
    assert response.status_code == 201, response.text
    doc_id = int(re.search(r'href="/documents/(\d+)"', response.text).group(1))  # type: ignore[union-attr]
    assert _publisher(web, doc_id) == "Global Affairs Canada"
    assert "<dd>Global Affairs Canada</dd>" in client.get(f"/documents/{doc_id}").text


@pytest.mark.parametrize("path", ["/documents", "/api/v1/documents"])
def test_the_filter_form_submitted_with_any_status_lists_every_document(
    web: WebSite, path: str
) -> None:
    # The form's "any" status is an empty value, which a GET form sends as ``status=``.
    assert web.login("viewer").get(f"{path}?q=&status=").status_code == 200
    assert web.client().get(f"{path}?status=").status_code == 200
    assert web.client().get(f"{path}?status=lost").status_code == 422
