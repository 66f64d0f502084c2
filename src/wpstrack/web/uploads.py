"""Small uploaded tables (indicator values, and other imports of a few thousand rows): read
from a multipart form only after the route's role check, bounded before it is read whole."""

from __future__ import annotations

from fastapi import Request
from starlette.datastructures import UploadFile

from wpstrack.errors import InvalidInput

# A values file is a table of a few thousand rows at most; larger is a mistake.
MAX_IMPORT_BYTES = 5 * 1024 * 1024


async def uploaded_table(request: Request) -> tuple[bytes, str, bool]:
    """The ``file`` and ``dry_run`` fields of an import form (read after the role check),
    the file bounded by :data:`MAX_IMPORT_BYTES`."""
    form = await request.form(max_files=1, max_fields=10)
    try:
        upload = form.get("file")
        if not isinstance(upload, UploadFile) or not upload.filename:
            raise InvalidInput("choose a .csv or .xlsx file of indicator values")
        data = await upload.read(MAX_IMPORT_BYTES + 1)
        if len(data) > MAX_IMPORT_BYTES:
            raise InvalidInput(f"the file is over {MAX_IMPORT_BYTES // (1024 * 1024)} MB")
        dry_run = str(form.get("dry_run") or "").lower() in ("1", "true", "on", "yes")
        return data, upload.filename, dry_run
    finally:
        await form.close()
