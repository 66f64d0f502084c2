"""``/api/v1/documents``: the archive list and detail, and uploads (editors)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Query, Request, UploadFile

from wpstrack import archive
from wpstrack.archive import DocumentFilter, DocumentSummary, UploadResult
from wpstrack.limits import ReadLimits
from wpstrack.users import User
from wpstrack.web.api.common import ERROR_RESPONSES, PageOut, PageParams, list_response
from wpstrack.web.deps import ConnDep, OptionalUser, require_role

router = APIRouter(prefix="/documents", tags=["documents"], responses=ERROR_RESPONSES)
UPLOAD_ROLES = ("editor",)
Uploader = Annotated[User, require_role(*UPLOAD_ROLES)]


PublisherField = Annotated[
    str | None, Form(description="Publisher of the files whose own metadata names none.")
]


def upload_files(
    request: Request, conn: Any, files: list[UploadFile], user: User, publisher: str | None
) -> list[UploadResult]:
    """Ingest each uploaded file within the reading limits of the settings."""
    limits = ReadLimits.from_settings(request.app.state.settings)
    return [
        archive.upload(
            conn,
            f.filename,
            f.file,
            max_bytes=limits.max_bytes or 0,
            actor=user.username,
            publisher=publisher,
            limits=limits,
        )
        for f in files
    ]


@router.get("", response_model=PageOut[DocumentSummary])
def list_documents(
    conn: ConnDep,
    user: OptionalUser,
    filters: Annotated[DocumentFilter, Query()],
    page: PageParams,
) -> Any:
    def fetch(cursor: str | None, limit: int) -> Any:
        return archive.list_documents(conn, filters, cursor, limit, public_only=user is None)

    return list_response(page, fetch, DocumentSummary, "documents")


@router.post("", status_code=201, response_model=list[UploadResult])
def upload_documents(
    request: Request,
    conn: ConnDep,
    user: Uploader,
    files: Annotated[list[UploadFile], File()],
    publisher: PublisherField = None,
) -> list[UploadResult]:
    return upload_files(request, conn, files, user, publisher)


@router.get("/{document_id}")
def get_document(conn: ConnDep, user: OptionalUser, document_id: int) -> dict[str, Any]:
    return archive.document_detail(conn, document_id, public_only=user is None)
