"""``/api/v1/documents``: the archive list and detail, and uploads (editors)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from starlette.datastructures import UploadFile

from wpstrack import archive, visibility
from wpstrack.archive import DocumentFilter, DocumentSummary, UploadResult
from wpstrack.errors import InvalidInput
from wpstrack.limits import ReadLimits
from wpstrack.users import User
from wpstrack.web.api.common import ERROR_RESPONSES, PageOut, PageParams, list_response
from wpstrack.web.deps import ConnDep, OptionalUser, require_role

router = APIRouter(prefix="/documents", tags=["documents"], responses=ERROR_RESPONSES)
UPLOAD_ROLES = ("editor",)
Uploader = Annotated[User, require_role(*UPLOAD_ROLES)]


UPLOAD_FIELD = "files"
# The form is read by :func:`upload_form`, not declared as File()/Form() parameters: FastAPI
# reads a declared body before it solves any dependency, so an anonymous caller's upload was
# spooled to disk before the 401. This describes the same form in the OpenAPI document.
UPLOAD_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": [UPLOAD_FIELD],
                    "properties": {
                        UPLOAD_FIELD: {
                            "type": "array",
                            "items": {"type": "string", "format": "binary"},
                        },
                        "publisher": {
                            "type": "string",
                            "description": "Publisher of the files whose own metadata names none.",
                        },
                    },
                }
            }
        },
    }
}


@dataclass
class UploadForm:
    """The files and the publisher of an upload form."""

    files: list[UploadFile]
    publisher: str | None


async def upload_form(request: Request, _user: Uploader) -> AsyncIterator[UploadForm]:
    """The upload form, read only once the caller is known to be an uploader (``Uploader``
    is solved first), so nobody else's body is ever read; its files are closed after."""
    form = await request.form(max_files=100, max_fields=20)
    try:
        files = [f for f in form.getlist(UPLOAD_FIELD) if isinstance(f, UploadFile)]
        if not files:
            raise InvalidInput(f"send one or more files in the form field {UPLOAD_FIELD!r}")
        publisher = form.get("publisher")
        yield UploadForm(files, publisher if isinstance(publisher, str) and publisher else None)
    finally:
        await form.close()


UploadFormDep = Annotated[UploadForm, Depends(upload_form)]


def upload_files(
    request: Request, conn: Any, files: list[UploadFile], user: User, publisher: str | None
) -> list[UploadResult]:
    """Ingest each uploaded file within the reading limits of the settings."""
    limits = ReadLimits.from_settings(request.app.state.settings)
    return archive.upload_all(
        conn,
        [(f.filename, f.file) for f in files],
        max_bytes=limits.max_bytes or 0,
        actor=user.username,
        publisher=publisher,
        limits=limits,
    )


@router.get("", response_model=PageOut[DocumentSummary])
def list_documents(
    conn: ConnDep,
    user: OptionalUser,
    filters: Annotated[DocumentFilter, Query()],
    page: PageParams,
) -> Any:
    def fetch(cursor: str | None, limit: int) -> Any:
        return archive.list_documents(
            conn, filters, cursor, limit, public_only=visibility.is_public(user)
        )

    return list_response(page, fetch, DocumentSummary, "documents")


@router.post("", status_code=201, response_model=list[UploadResult], openapi_extra=UPLOAD_BODY)
def upload_documents(
    request: Request, conn: ConnDep, user: Uploader, form: UploadFormDep
) -> list[UploadResult]:
    return upload_files(request, conn, form.files, user, form.publisher)


@router.get("/{document_id}")
def get_document(conn: ConnDep, user: OptionalUser, document_id: int) -> dict[str, Any]:
    return archive.document_detail(conn, document_id, public_only=visibility.is_public(user))
