"""Engines, connections and migrations.

The embedded default is SQLite with WAL and foreign keys on; a server deployment sets
``WPSTRACK_DATABASE_URL`` to PostgreSQL. Domain functions receive a ``Connection`` and never
commit: the caller (a CLI command, a web request) owns the transaction, usually through
:func:`transaction`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, create_engine, event, make_url
from sqlalchemy.exc import OperationalError

from wpstrack.errors import DatabaseError, NoDatabase
from wpstrack.settings import Settings


def now() -> datetime:
    """The current instant in UTC (every ``*_at`` column stores UTC)."""
    return datetime.now(UTC)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # The driver's own transaction handling starts a transaction only before DML, so a
    # SAVEPOINT as the first write opened (and its RELEASE committed) one of its own, behind
    # the caller's back. SQLAlchemy's recipe: the driver does nothing, we emit BEGIN.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def make_engine(url: str, *, echo: bool = False, **kwargs: Any) -> Engine:
    """An engine for ``url``; SQLite gets WAL, foreign keys and a busy timeout."""
    if url.startswith("sqlite"):
        path = url.split("///", 1)[1] if "///" in url else ""
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, echo=echo, **kwargs)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
    return engine


# How a transaction on SQLite begins, as the execution option ``sqlite_begin``: ``DEFERRED``
# (the default: a reader that takes the write lock at its first write) or ``IMMEDIATE``
# (the write lock first, for a writer that must see nothing change between read and write).
SQLITE_BEGIN = "sqlite_begin"


def _sqlite_begin(conn: Connection) -> None:
    how = conn.get_execution_options().get(SQLITE_BEGIN, "DEFERRED")
    if how not in ("DEFERRED", "IMMEDIATE", "EXCLUSIVE"):
        raise ValueError(f"{SQLITE_BEGIN}: {how!r} is not a SQLite transaction mode")
    conn.exec_driver_sql(f"BEGIN {how}")
    # Every transaction is now a driver transaction, reads included, so "in a transaction"
    # no longer means "has written": remember the change count to tell them apart.
    conn.info[_CHANGES_AT_BEGIN] = conn.connection.dbapi_connection.total_changes  # type: ignore[union-attr]


_CHANGES_AT_BEGIN = "wpstrack_sqlite_changes_at_begin"


def sqlite_pending_writes(conn: Connection) -> bool:
    """True while this SQLite connection holds writes it has not committed."""
    raw: Any = conn.connection.dbapi_connection
    if not raw.in_transaction:
        return False
    return bool(raw.total_changes != conn.info.get(_CHANGES_AT_BEGIN, -1))


def engine_from_settings(settings: Settings) -> Engine:
    """The engine the settings describe."""
    return make_engine(settings.effective_database_url, echo=settings.echo_sql)


def alembic_config(connection: Connection | None = None) -> Config:
    """An Alembic config pointing at the migrations shipped inside the package."""
    cfg = Config()
    cfg.set_main_option("script_location", "wpstrack:migrations")
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


def upgrade(connection: Connection, revision: str = "head") -> None:
    """Bring the schema up to ``revision`` inside the caller's transaction."""
    command.upgrade(alembic_config(connection), revision)


def downgrade(connection: Connection, revision: str) -> None:
    """Take the schema down to ``revision`` inside the caller's transaction."""
    command.downgrade(alembic_config(connection), revision)


def schema_is_current(connection: Connection) -> bool:
    """True when the database is at the newest migration."""
    context = MigrationContext.configure(connection)
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    return context.get_current_revision() == head


@contextmanager
def transaction(engine: Engine) -> Iterator[Connection]:
    """A connection in a transaction that commits on success and rolls back on error."""
    try:
        with engine.begin() as conn:
            yield conn
    except OperationalError as exc:
        raise DatabaseError(f"database error: {exc.orig}") from exc


def sqlite_path(url: str) -> Path | None:
    """The file of an SQLite URL (None for other backends and in-memory databases)."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    return Path(parsed.database)


def shown_url(url: str) -> str:
    """The URL with its password hidden, to print."""
    return make_url(url).render_as_string(hide_password=True)


def schema_revision(connection: Connection) -> str | None:
    """The migration the database is at; None when it has no wpstrack schema."""
    return MigrationContext.configure(connection).get_current_revision()


def _no_database(settings: Settings, what: str) -> NoDatabase:
    url = settings.effective_database_url
    where = f"{what} {shown_url(url)}"
    if not settings.database_url:
        where += f" (data dir {settings.data_dir.resolve()})"
    hint = "run `wpstrack init` to create it, or set WPSTRACK_DATA_DIR or "
    hint += "WPSTRACK_DATABASE_URL to the database you meant"
    old = Path("data") / "wpstrack.db"  # the default before the platform data folder
    if not settings.database_url and old.is_file() and sqlite_path(url) != old:
        hint += f" (a database exists at {old.resolve()}: WPSTRACK_DATA_DIR=data uses it)"
    return NoDatabase(f"{where}; {hint}")


def require_database_file(settings: Settings) -> None:
    """Refuse an SQLite file that does not exist (connecting would create it, empty)."""
    path = sqlite_path(settings.effective_database_url)
    if path is not None and not path.is_file():
        raise _no_database(settings, "no wpstrack database at")


def existing_engine(settings: Settings) -> Engine:
    """The settings' engine, only if the database exists and holds a wpstrack schema
    (upgraded to the newest migration); never creates one."""
    require_database_file(settings)
    engine = engine_from_settings(settings)
    try:
        with transaction(engine) as conn:
            if schema_revision(conn) is None:
                raise _no_database(settings, "no wpstrack schema in the database at")
            if not schema_is_current(conn):
                upgrade(conn)
    except BaseException:
        engine.dispose()
        raise
    return engine


def migrated_engine(settings: Settings) -> Engine:
    """The settings' engine, with the schema created or upgraded to the newest migration
    (for ``init``, ``demo`` and ``ingest``: commands that set a database up)."""
    engine = engine_from_settings(settings)
    with transaction(engine) as conn:
        if not schema_is_current(conn):
            upgrade(conn)
    return engine
