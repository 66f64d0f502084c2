"""Document pages: the archive list with the upload form, and one document's text."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from starlette.responses import Response

from wpstrack import archive, visibility
from wpstrack.archive import DocumentFilter, DocumentSummary
from wpstrack.i18n import _
from wpstrack.pagination import Page
from wpstrack.users import has_role
from wpstrack.web import downloads
from wpstrack.web.api.documents import UPLOAD_ROLES, Uploader, UploadFormDep, upload_files
from wpstrack.web.deps import ConnDep, OptionalUser
from wpstrack.web.downloads import FormatParam
from wpstrack.web.templating import render

router = APIRouter(prefix="/documents")


@router.get("")
def documents_page(
    request: Request,
    conn: ConnDep,
    user: OptionalUser,
    filters: Annotated[DocumentFilter, Query()],
    cursor: str | None = None,
    format: FormatParam = "html",
) -> Response:
    def fetch(cursor: str | None, limit: int | None = None) -> Page[DocumentSummary]:
        public = visibility.is_public(user)
        return archive.list_documents(conn, filters, cursor, limit, public_only=public)

    if format != "html":
        return downloads.paged(format, cursor, fetch, DocumentSummary, "documents")
    page = fetch(cursor)
    can_upload = user is not None and has_role(user, *UPLOAD_ROLES)
    context = {"title": _("Documents"), "page": page, "filters": filters, "results": None}
    return render(request, "documents.html", {**context, "can_upload": can_upload})


@router.post("")
def upload_page(request: Request, conn: ConnDep, user: Uploader, form: UploadFormDep) -> Response:
    results = upload_files(request, conn, form.files, user, form.publisher)
    page = archive.list_documents(conn, DocumentFilter(), public_only=False)
    context = {"title": _("Documents"), "page": page, "filters": DocumentFilter()}
    context |= {"results": results, "can_upload": True}
    return render(request, "documents.html", context, status_code=201)


@router.get("/{document_id}")
def document_page(
    request: Request, conn: ConnDep, user: OptionalUser, document_id: int
) -> Response:
    view = archive.document_detail(conn, document_id, public_only=visibility.is_public(user))
    title = (
        view["document"]["title"]
        or view["document"]["filename"]
        or _("Document %(id)s", id=document_id)
    )
    return render(request, "document.html", {"title": title, **view})
