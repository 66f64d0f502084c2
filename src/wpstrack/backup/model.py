"""What a backup holds: the manifest, the tables and how each value is written as JSON."""

from __future__ import annotations

import base64
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Float,
    Integer,
    LargeBinary,
    Numeric,
    String,
    Time,
    Uuid,
)
from sqlalchemy.types import TypeDecorator, TypeEngine

from wpstrack import __version__
from wpstrack.audit import as_utc
from wpstrack.errors import NewerSchema, UnreadableBackup

FORMAT = "wpstrack-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
BATCH_ROWS = 500
# A batch is also cut by size: documents carry their raw bytes (up to the ingestion limit
# each), and 500 of them must not be held in memory at once.
BATCH_BYTES = 8 * 1024 * 1024

Row = dict[str, Any]

# --- encoding values --------------------------------------------------------------------------


def base_type(type_: TypeEngine[Any]) -> TypeEngine[Any]:
    return type_.impl_instance if isinstance(type_, TypeDecorator) else type_


def value_kind(type_: TypeEngine[Any]) -> str:
    """How values of a column of ``type_`` are written in a backup."""
    t = base_type(type_)
    # Order matters: Float is a Numeric, Text a String, DateTime not a Date.
    for cls, kind in (
        (JSON, "json"),
        (LargeBinary, "bytes"),
        (DateTime, "datetime"),
        (Date, "date"),
        (Time, "time"),
        (Uuid, "uuid"),
        (Boolean, "bool"),
        (Float, "float"),
        (Numeric, "decimal"),
        (Integer, "int"),
        (String, "str"),
    ):
        if isinstance(t, cls):
            return kind
    raise NewerSchema(f"backups do not know how to carry values of type {t!r}")


def encode(kind: str, value: Any) -> Any:
    """A column value as JSON; JSON columns arrive as their stored text (see ``_read_table``)."""
    if value is None or kind in ("json", "str", "int", "bool"):
        return value
    if kind == "bytes":
        return base64.b64encode(value).decode("ascii")
    if kind == "datetime":
        return as_utc(value).isoformat()
    if kind in ("date", "time"):
        return value.isoformat()
    if kind in ("decimal", "uuid"):
        return str(value)
    return float(value)


def decode(kind: str, value: Any) -> Any:
    """The Python value to insert for a backed-up ``value`` of ``kind``."""
    if value is None or kind in ("json", "str", "bool"):
        return value
    if kind == "int":
        return int(value)
    if kind == "bytes":
        return base64.b64decode(value, validate=True)
    if kind == "datetime":
        return as_utc(datetime.fromisoformat(value))
    if kind == "date":
        return date.fromisoformat(value)
    if kind == "time":
        return time.fromisoformat(value)
    if kind == "uuid":
        return uuid.UUID(value)
    if kind == "decimal":
        return Decimal(value)
    if kind == "float":
        return float(value)
    raise UnreadableBackup(f"unknown value kind {kind!r}")


# --- the manifest -----------------------------------------------------------------------------


@dataclass
class TableSpec:
    """One table of a backup: its columns (name, kind) and row count."""

    name: str
    columns: list[tuple[str, str]]
    rows: int

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "rows": self.rows,
            "columns": [{"name": n, "kind": k} for n, k in self.columns],
        }


@dataclass
class Manifest:
    """What a backup holds and where it came from."""

    revision: str
    created_at: str
    source: str
    tables: list[TableSpec]
    wpstrack_version: str = __version__
    # Next id per table where the source's sequences remember more than the largest id.
    next_ids: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "wpstrack_version": self.wpstrack_version,
            "revision": self.revision,
            "created_at": self.created_at,
            "source": self.source,
            "documents": "raw bytes are in table document, column raw",
            "tables": [t.as_dict() for t in self.tables],
            "next_ids": self.next_ids,
            "total_rows": sum(t.rows for t in self.tables),
        }

    @classmethod
    def parse(cls, data: Any, where: str) -> Manifest:
        """The manifest read from a backup, or a coded error saying what is wrong with it."""
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise UnreadableBackup("not a wpstrack backup (no wpstrack manifest)", where)
        if data.get("format_version") != FORMAT_VERSION:
            raise NewerSchema(
                f"backup format {data.get('format_version')!r} is not one this wpstrack "
                f"({__version__}) reads (format {FORMAT_VERSION})"
            )
        try:
            tables = [
                TableSpec(
                    str(t["name"]),
                    [(str(c["name"]), str(c["kind"])) for c in t["columns"]],
                    int(t["rows"]),
                )
                for t in data["tables"]
            ]
            return cls(
                revision=str(data["revision"]),
                created_at=str(data["created_at"]),
                source=str(data["source"]),
                tables=tables,
                wpstrack_version=str(data.get("wpstrack_version", "")),
                next_ids={str(k): int(v) for k, v in data.get("next_ids", {}).items()},
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise UnreadableBackup(f"the manifest is incomplete ({exc})", where) from exc


@dataclass
class Summary:
    """What a backup, restore or migration moved."""

    revision: str
    tables: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.tables.values())
