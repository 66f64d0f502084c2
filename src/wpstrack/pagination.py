"""Keyset (cursor) pagination shared by every list in wpstrack.

Why keysets instead of ``OFFSET``: a page stays correct while rows are being inserted (the
review queue and the audit log grow all the time), and the cost of a page does not grow with
its depth. The cursor is opaque to clients: the sort key of the last row, JSON in URL-safe
base64, so pages can be linked from HTML and JSON alike.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, model_validator
from sqlalchemy import Connection, RowMapping, Select, tuple_
from sqlalchemy.sql.elements import ColumnElement

from wpstrack.errors import InvalidInput

T = TypeVar("T")

DEFAULT_LIMIT = 50
MAX_LIMIT = 500


class ListFilter(BaseModel):
    """The base of every list's filters (read from a query string): an empty value is absent.

    An HTML GET form sends every field, the unused ones empty (``?q=&status=``); read as
    values, an empty status or date would refuse the form exactly as the page rendered it.
    """

    @model_validator(mode="before")
    @classmethod
    def _blank_is_absent(cls, data: Any) -> Any:
        if isinstance(data, dict):
            return {k: v for k, v in data.items() if v not in ("", None)}
        return data


@dataclass
class Page(Generic[T]):
    """One page of a list and the cursor of the next page (None on the last page)."""

    items: list[T]
    next_cursor: str | None


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date | datetime) else value


def encode_cursor(values: Sequence[Any]) -> str:
    """The opaque cursor for a row whose sort key is ``values``."""
    raw = json.dumps([_plain(v) for v in values], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str, keys: Sequence[ColumnElement[Any]]) -> list[Any]:
    """The sort key inside ``cursor``, typed like ``keys``; a bad cursor is invalid input."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        values = json.loads(raw)
    except (binascii.Error, ValueError) as exc:
        raise InvalidInput("the cursor is not one this server issued", "cursor") from exc
    if not isinstance(values, list) or len(values) != len(keys):
        raise InvalidInput("the cursor does not fit this list", "cursor")
    return [_typed(value, key) for value, key in zip(values, keys, strict=True)]


def _typed(value: Any, key: ColumnElement[Any]) -> Any:
    if value is None:
        return None
    try:
        python_type = key.type.python_type
    except NotImplementedError:
        return value
    if python_type is object:
        # An untyped key (a SQL function without ``type_``, NullType) was written to the
        # cursor as the plain JSON value the database gave; reading it back means keeping it.
        return value
    try:
        if python_type is datetime:
            return datetime.fromisoformat(value)
        if python_type is date:
            return date.fromisoformat(value)
        return python_type(value)
    except (TypeError, ValueError) as exc:
        raise InvalidInput("the cursor does not fit this list", "cursor") from exc


def clamp_limit(limit: int | None) -> int:
    """A page size between 1 and ``MAX_LIMIT`` (``DEFAULT_LIMIT`` when not given)."""
    if limit is None:
        return DEFAULT_LIMIT
    return max(1, min(int(limit), MAX_LIMIT))


def paginate(
    conn: Connection,
    stmt: Select[Any],
    keys: Sequence[ColumnElement[Any]],
    cursor: str | None,
    limit: int | None,
    *,
    descending: bool = False,
) -> tuple[list[RowMapping], str | None]:
    """Rows of ``stmt`` after ``cursor``, ordered by ``keys``, and the next cursor.

    ``keys`` must identify a row uniquely (end them with the primary key) and be selected
    by ``stmt`` under their own names, so the cursor can be read back from the last row.
    """
    size = clamp_limit(limit)
    key = tuple_(*keys) if len(keys) > 1 else keys[0]
    if cursor:
        after = decode_cursor(cursor, keys)
        bound = tuple_(*after) if len(keys) > 1 else after[0]
        stmt = stmt.where(key < bound if descending else key > bound)
        if len(keys) > 1 and after[0] is not None:
            # Implied by the row comparison, but a range on the leading key alone is what
            # an index on the keys seeks to (SQLite scans from the first entry otherwise).
            stmt = stmt.where(keys[0] <= after[0] if descending else keys[0] >= after[0])
    order = [k.desc() if descending else k.asc() for k in keys]
    rows = list(conn.execute(stmt.order_by(*order).limit(size + 1)).mappings())
    if len(rows) <= size:
        return rows, None
    rows = rows[:size]
    last = rows[-1]
    return rows, encode_cursor([last[str(k.key)] for k in keys])
