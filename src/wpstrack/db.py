"""Engines, connections and migrations.

The embedded default is SQLite with WAL and foreign keys on; a server deployment sets
``WPSTRACK_DATABASE_URL`` to PostgreSQL. Domain functions receive a ``Connection`` and never
commit: the caller (a CLI command, a web request) owns the transaction, usually through
:func:`transaction`.
"""

from __future__ import annotations

import copy
import pickle
import sqlite3
import threading
import weakref
from collections import OrderedDict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar, cast

from sqlalchemy import (
    Connection,
    Engine,
    Executable,
    create_engine,
    event,
    inspect,
    make_url,
    text,
)
from sqlalchemy.exc import OperationalError

from wpstrack import schema, tallies
from wpstrack.errors import DatabaseError, NoDatabase
from wpstrack.settings import Settings

if TYPE_CHECKING:
    from alembic.config import Config

T = TypeVar("T")

# The newest migration (``migrations/versions``), so that a command can tell whether the
# database is current without loading Alembic: Alembic, Mako and the Pygments lexers Mako
# loads took a quarter of a second of every command's start, and 7 MB, only for that
# comparison. A test holds it equal to Alembic's head.
SCHEMA_HEAD = "0022"


def now() -> datetime:
    """The current instant in UTC (every ``*_at`` column stores UTC)."""
    return datetime.now(UTC)


# How long an SQLite connection waits for another's lock before "database is locked". Write
# transactions are short (extraction happens before them), but twenty uploads at once on a
# loaded machine queue for the one write lock longer than 5 s: half of them got 503 in
# bench/load.py --writers 20. A wait within a reverse proxy's usual 60 s beats a refusal.
SQLITE_BUSY_TIMEOUT_MS = 30_000
# The PostgreSQL advisory lock that setup steps (migrations, reference data) take, so that
# two processes starting at once on a new database do them one after the other.
SETUP_LOCK_KEY = 0x77707374  # "wpst"
_DEFERRED = "wpstrack_write_at_commit"
# Connections kept, and opened beyond them at busy times. The pool keeps as many as anyio has
# worker threads (40): a connection opened beyond the kept ones is closed when it is given
# back, and under 30 clients that closed and reopened one every few requests, each time
# running the pragmas again and losing the statement cache (bench/load.py, py-spy).
POOL_SIZE, POOL_OVERFLOW = 40, 10


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # The driver keeps its own transaction handling (a transaction begins at the first
    # write) unless a connection asks for a BEGIN (:func:`_sqlite_begin`);
    # :func:`_sqlite_savepoint` covers the one case the driver gets wrong.
    cursor = dbapi_connection.cursor()
    # The busy timeout comes first: switching a new database to WAL takes an exclusive lock,
    # and a second process connecting meanwhile must wait for it, not fail at once.
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def make_engine(url: str, *, echo: bool = False, **kwargs: Any) -> Engine:
    """An engine for ``url``; SQLite gets WAL, foreign keys and a busy timeout."""
    in_memory = False
    if url.startswith("sqlite"):
        path = url.split("///", 1)[1] if "///" in url else ""
        in_memory = not path or path == ":memory:"
        if not in_memory:
            Path(path).parent.mkdir(parents=True, exist_ok=True)
    if not in_memory and "poolclass" not in kwargs:
        # The web app runs each request in one of anyio's 40 worker threads and each holds a
        # connection for the request: a smaller pool makes requests beyond the 15th wait for
        # a connection and fail after 30 s under load, though the database is idle. The pool
        # opens connections only as requests run at once, so an idle server holds few.
        kwargs.setdefault("pool_size", POOL_SIZE)
        kwargs.setdefault("max_overflow", POOL_OVERFLOW)
    engine = create_engine(url, echo=echo, **kwargs)
    event.listen(engine, "before_cursor_execute", _note_writes)
    if engine.dialect.name == "sqlite":
        _sqlite_write_turns(engine)
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
        event.listen(engine, "savepoint", _sqlite_savepoint)
    return engine


_WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE", "CREATE", "DROP", "ALTER")
_TURN = "wpstrack_sqlite_write_turn"
_WROTE = "wpstrack_wrote"  # the transaction ran a write: :func:`transaction` refreshes tallies


def _note_writes(conn: Connection, _cursor: Any, statement: str, *_args: Any) -> None:
    """Remember that the connection wrote (a flag, no query): a read-only request's
    transaction then commits without looking at the tallies."""
    if statement.lstrip()[:7].upper().startswith(_WRITES):
        conn.info[_WROTE] = True


def _sqlite_write_turns(engine: Engine) -> None:
    """Let the engine's connections take SQLite's write lock one at a time, in turn.

    SQLite's busy handler does not queue waiters: each sleeps and retries (every 100 ms once
    it has waited a while), so under many writers the lock mostly goes to whoever happens to
    retry at the moment it is free, and an unlucky upload waited past the 30 s busy timeout
    and got 503 (7 of 57 with 20 uploaders, bench/load.py). Here a connection about to write
    first takes the engine's own lock, which wakes a waiter the moment it is released, and
    holds it until its transaction ends; only writers of other processes still meet
    SQLite's handler. A wait longer than the busy timeout is SQLite's "database is locked".
    """
    turn = threading.Lock()

    def take(conn: Connection, _cursor: Any, statement: str, *_args: Any) -> None:
        dbapi: Any = conn.connection.dbapi_connection
        if conn.info.get(_TURN) or not _is_write(statement, dbapi.in_transaction):
            return
        if not turn.acquire(timeout=SQLITE_BUSY_TIMEOUT_MS / 1000):
            locked = sqlite3.OperationalError("database is locked")
            raise OperationalError(statement, None, locked)
        conn.info[_TURN] = True

    def end_then_give_back(conn: Connection, end: str) -> None:
        # The events fire before SQLAlchemy ends the transaction: end it here, so the next
        # writer finds SQLite's lock free (the driver's second commit or rollback is a no-op).
        if conn.info.get(_TURN):
            try:
                getattr(conn.connection.dbapi_connection, end)()
            finally:
                conn.info.pop(_TURN, None)
                turn.release()

    def give_back_on_checkin(_dbapi: Any, record: Any) -> None:
        if record.info.pop(_TURN, False):  # the connection went back to the pool mid-write
            turn.release()

    event.listen(engine, "before_cursor_execute", take)
    event.listen(engine, "commit", lambda conn: end_then_give_back(conn, "commit"))
    event.listen(engine, "rollback", lambda conn: end_then_give_back(conn, "rollback"))
    event.listen(engine.pool, "checkin", give_back_on_checkin)


def _is_write(statement: str, in_transaction: bool) -> bool:
    """Whether ``statement`` takes SQLite's write lock (or will hold it: BEGIN IMMEDIATE).

    A write inside a transaction that a read began (a DEFERRED BEGIN) is let through: that
    transaction's snapshot is fixed, and waiting for a turn cannot help it.
    """
    head = statement.lstrip()[:16].upper()
    if head.startswith(("BEGIN IMMEDIATE", "BEGIN EXCLUSIVE")):
        return True
    return not in_transaction and head.startswith(_WRITES)


# How a transaction on SQLite begins, as the execution option ``sqlite_begin``, for the
# connections that ask: ``DEFERRED`` (a read snapshot fixed by the first SELECT, as a backup
# needs) or ``IMMEDIATE`` (the write lock first, for a writer that must see nothing change
# between read and write). A connection that does not ask keeps the driver's own handling.
SQLITE_BEGIN = "sqlite_begin"


def _sqlite_begin(conn: Connection) -> None:
    """Emit ``BEGIN <mode>`` for a connection that set ``sqlite_begin``; otherwise nothing.

    Without the option the sqlite3 driver starts the transaction just before the first
    INSERT, UPDATE or DELETE, never before a read: until then each read sees the newest
    commit, and the write lock is taken, with the busy timeout, by the first write. That is
    what keeps SQLite writers from failing under load. A transaction opened by a BEGIN and
    a read, then writing after another writer committed, gets "database is locked" at once:
    its snapshot is stale and waiting cannot help (twenty concurrent uploads got 503).
    """
    how = conn.get_execution_options().get(SQLITE_BEGIN)
    if how is None:
        return
    if how not in ("DEFERRED", "IMMEDIATE", "EXCLUSIVE"):
        raise ValueError(f"{SQLITE_BEGIN}: {how!r} is not a SQLite transaction mode")
    conn.exec_driver_sql(f"BEGIN {how}")


def _sqlite_savepoint(conn: Connection, _name: str | None) -> None:
    """Open the transaction before a SAVEPOINT that would otherwise be its first statement.

    A SAVEPOINT as the first write opened a transaction of its own, and its RELEASE
    committed it behind the caller's back; a BEGIN here makes the savepoint nest in the
    caller's one. IMMEDIATE, because a savepoint is opened to write: after a deferred BEGIN
    and the SAVEPOINT, the first INSERT failed at once with "database is locked" whenever
    another writer held the lock, without waiting out the busy timeout.
    """
    dbapi = conn.connection.dbapi_connection
    if dbapi is not None and not dbapi.in_transaction:
        conn.exec_driver_sql("BEGIN IMMEDIATE")


def engine_from_settings(settings: Settings) -> Engine:
    """The engine the settings describe."""
    return make_engine(settings.effective_database_url, echo=settings.echo_sql)


def alembic_config(connection: Connection | None = None) -> Config:
    """An Alembic config pointing at the migrations shipped inside the package."""
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", "wpstrack:migrations")
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


def upgrade(connection: Connection, revision: str = "head") -> None:
    """Bring the schema up to ``revision`` inside the caller's transaction."""
    from alembic import command

    command.upgrade(alembic_config(connection), revision)


def downgrade(connection: Connection, revision: str) -> None:
    """Take the schema down to ``revision`` inside the caller's transaction."""
    from alembic import command

    command.downgrade(alembic_config(connection), revision)


def schema_is_current(connection: Connection) -> bool:
    """True when the database is at the newest migration."""
    return schema_revision(connection) == SCHEMA_HEAD


@contextmanager
def transaction(engine: Engine) -> Iterator[Connection]:
    """A connection in a transaction that commits on success and rolls back on error.

    Writes queued with :func:`write_at_commit` run just before the commit, and then, when
    the transaction wrote, the register's tallies are brought up to date
    (:func:`wpstrack.tallies.refresh`), so that every commit leaves them right.
    """
    try:
        with engine.begin() as conn:
            conn.info.pop(_WROTE, None)
            yield conn
            run_deferred_writes(conn)
            if conn.info.pop(_WROTE, False):
                tallies.refresh(conn)
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
    """The migration the database is at; None when it has no wpstrack schema.

    Read from Alembic's own table, as Alembic reads it, without loading Alembic.
    """
    if not inspect(connection).has_table("alembic_version"):
        return None
    rows = connection.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
    if len(rows) > 1:
        raise DatabaseError(f"the database is at several migrations at once: {sorted(rows)}")
    return rows[0] if rows else None


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


def write_at_commit(conn: Connection, statement: Executable) -> None:
    """Run a bookkeeping ``statement`` (a "last used" stamp) at the end of the transaction.

    On SQLite a transaction holds the database's one write lock from its first write until
    it commits. A stamp written when a request starts would make every other writer wait
    for the whole request, an upload's extraction included, and time out with "database is
    locked"; written last, it costs the others one statement.
    """
    current = conn.get_transaction()
    queued: tuple[Any, list[Executable]] | None = conn.info.get(_DEFERRED)
    if queued is None or queued[0] is not current:
        queued = conn.info[_DEFERRED] = (current, [])
    queued[1].append(statement)


def run_deferred_writes(conn: Connection) -> None:
    """Execute the statements :func:`write_at_commit` queued in this transaction.

    The queue is kept on the pooled connection, so it carries the transaction it belongs to:
    statements left over from a transaction that rolled back are dropped, never run later.
    """
    queued = conn.info.pop(_DEFERRED, None)
    if queued is not None and queued[0] is conn.get_transaction():
        for statement in queued[1]:
            conn.execute(statement)


PRIVATE_TABLES = frozenset(
    {
        "app_user",
        "api_token",
        "login_attempt",
        "audit_event",
        "extraction",
        "public_version",
        "report_narrative",  # the report is for logged-in users (wpstrack.narratives)
    }
    # Derived (wpstrack.tallies): written only with the register rows that move it.
    | schema.DERIVED
)
"""Tables no anonymous page reads: writes to them leave ``public_version`` alone. Every other
table of schema.py has triggers that move it (migration 0019, tests/test_public_version.py)."""

KEPT_VALUES = 512
"""How many keys :func:`kept_until_write` keeps per engine (least recently used go first)."""


class _Keeper:
    """Values last computed over one engine's database, shared by its connections.

    Kept per engine rather than per connection: a server holds dozens of pooled connections,
    and each recomputed the dashboard after every write (under 30 clients and one ingesting
    writer it was the costliest page, bench/load.py). On SQLite the stamp comes from a
    connection of the keeper's own that never writes: its ``PRAGMA data_version`` moves
    whenever any other connection, in this process or another, commits.
    """

    def __init__(self, engine: Engine) -> None:
        self.lock = threading.Lock()
        self.values: OrderedDict[Any, tuple[Any, Any]] = OrderedDict()
        # One computation per key at a time: right after a write, thirty requests for the
        # same figures would otherwise all recompute them at once, each as slow as the first,
        # and the server falls behind (bench/load.py). A lock of its own per key, held only
        # while someone computes or waits for that key: locks shared by hash made the kept
        # dashboard wait seconds behind another key's computation under a writer.
        self.turns: dict[Any, list[Any]] = {}  # key -> [its lock, requests holding or waiting]
        self.public_table: bool | None = None  # whether the database has public_version
        self.probe: sqlite3.Connection | None = None
        path = sqlite_path(engine.url.render_as_string(hide_password=False))
        if path is not None:
            # Autocommit, and it only ever reads a pragma: it holds no lock and no snapshot.
            self.probe = sqlite3.connect(path, check_same_thread=False, isolation_level=None)

    @contextmanager
    def turn(self, key: Any) -> Iterator[None]:
        """Hold ``key``'s turn: one computation of a key at a time, other keys unhindered."""
        with self.lock:
            entry = self.turns.setdefault(key, [threading.Lock(), 0])
            entry[1] += 1
        try:
            with entry[0]:
                yield
        finally:
            with self.lock:
                entry[1] -= 1
                if entry[1] == 0:
                    del self.turns[key]

    def sqlite_public_version(self) -> int | None:
        """``public_version.version`` read by the probe; None without a probe or when it
        fails."""
        with self.lock:
            if self.probe is None:
                return None
            try:
                return int(self.probe.execute("SELECT version FROM public_version").fetchone()[0])
            except (sqlite3.Error, TypeError):
                return None

    def sqlite_version(self) -> int | None:
        """The probe's ``PRAGMA data_version``; None without a probe or when it fails."""
        with self.lock:
            if self.probe is None:
                return None
            try:
                return int(self.probe.execute("PRAGMA data_version").fetchone()[0])
            except sqlite3.Error:
                return None

    def kept(self, key: Any, stamp: tuple[Any, ...]) -> tuple[bool, Any]:
        """(True, value) when ``key`` was kept under ``stamp``, else (False, None)."""
        with self.lock:
            kept = self.values.get(key)
            if kept is None or kept[0] != stamp:
                return False, None
            self.values.move_to_end(key)
            return True, kept[1]

    def keep(self, key: Any, stamp: tuple[Any, ...], value: Any) -> None:
        """Keep ``value`` under ``stamp``; the least recently used beyond KEPT_VALUES go, so
        keys made of request parameters (a search, a list's filters) stay bounded."""
        with self.lock:
            self.values[key] = (stamp, value)
            self.values.move_to_end(key)
            while len(self.values) > KEPT_VALUES:
                self.values.popitem(last=False)

    def close(self) -> None:
        with self.lock:
            if self.probe is not None:
                self.probe.close()
                self.probe = None


_KEEPERS: weakref.WeakKeyDictionary[Engine, _Keeper] = weakref.WeakKeyDictionary()
_KEEPERS_LOCK = threading.Lock()


def _keeper(engine: Engine) -> _Keeper:
    with _KEEPERS_LOCK:
        keeper = _KEEPERS.get(engine)
        if keeper is None:
            keeper = _KEEPERS[engine] = _Keeper(engine)
            event.listen(engine, "engine_disposed", _forget)
        return keeper


def _forget(engine: Engine) -> None:
    with _KEEPERS_LOCK:
        keeper = _KEEPERS.pop(engine, None)
    if keeper is not None:
        keeper.close()


def _public_stamp(conn: Connection, keeper: _Keeper) -> tuple[Any, ...] | None:
    """What an anonymous visitor's figures depend on: ``public_version`` (migration 0019),
    which triggers move only on writes the public could see; None where a stamp cannot be
    trusted (see :func:`_database_stamp`). Before that migration, the database stamp."""
    if keeper.public_table is None:
        keeper.public_table = conn.dialect.has_table(conn, "public_version")
    if not keeper.public_table:
        return _database_stamp(conn, keeper)
    if conn.dialect.name == "sqlite":
        dbapi: Any = conn.connection.dbapi_connection
        if dbapi.in_transaction:
            return None
        shared = keeper.sqlite_public_version()
        if shared is not None:
            return ("public", shared)
        version = conn.exec_driver_sql("SELECT version FROM public_version").scalar_one()
        return ("public", id(dbapi), version)
    if conn.dialect.name == "postgresql":
        own_xid, version = conn.exec_driver_sql(
            "SELECT pg_current_xact_id_if_assigned(), (SELECT version FROM public_version)"
        ).one()
        return None if own_xid is not None else ("public", version)
    return None


def _database_stamp(conn: Connection, keeper: _Keeper) -> tuple[Any, ...] | None:
    """A value that changes whenever anything is committed to the database, or written on
    this connection; None while this connection holds writes not yet committed, or reads an
    older snapshot.

    It comes from the database itself, so no write path (ingestion, review, edits, deletes,
    funding or reference imports, another process) can forget to move it. SQLite: the
    keeper's own ``PRAGMA data_version`` (see :class:`_Keeper`); an in-memory database has
    no second connection, so its stamp is the connection's own ``data_version`` and
    ``total_changes``, which compare only with stamps of that connection. PostgreSQL: the
    snapshot (oldest running, next and running transaction ids; PostgreSQL 13 or later)
    moves with every commit or rollback of a transaction that wrote.
    """
    if conn.dialect.name == "sqlite":
        dbapi: Any = conn.connection.dbapi_connection
        if dbapi.in_transaction:  # its own writes, or a snapshot older than the newest
            return None
        shared = keeper.sqlite_version()
        if shared is not None:
            return (shared,)
        version = conn.exec_driver_sql("PRAGMA data_version").scalar_one()
        return (id(dbapi), version, dbapi.total_changes)
    if conn.dialect.name == "postgresql":
        own_xid, snapshot = conn.exec_driver_sql(
            "SELECT pg_current_xact_id_if_assigned(), pg_current_snapshot()::text"
        ).one()
        return None if own_xid is not None else (snapshot,)
    return None


def kept_until_write(
    conn: Connection, key: Any, compute: Callable[[], T], *, public: bool = False
) -> T:
    """``compute()``, or a copy of its value kept under ``key`` while nothing has been
    committed to the database since (by any connection or process).

    For figures that read much of the register and that every visitor asks for: the value is
    kept for the engine, under a stamp the database gives, and only when the stamp did not
    move while it was computed either. A connection holding uncommitted writes gets it
    computed afresh, and kept for nobody. While one request computes a key, others asking
    for it wait for that value instead of computing it again; at most :data:`KEPT_VALUES`
    keys are kept.

    ``public``: the value is what an anonymous visitor sees (published records and
    reference data only), so it is kept until a write the public could see
    (:func:`_public_stamp`), and drafts arriving meanwhile do not throw it away.
    """
    keeper = _keeper(conn.engine)
    stamp_of = _public_stamp if public else _database_stamp
    stamp = stamp_of(conn, keeper)
    if stamp is None:
        return compute()
    found, value = keeper.kept(key, stamp)
    if found:
        return cast(T, _thaw(value))
    if getattr(_COMPUTING, "held", False):  # a kept value computed inside another: no second
        return _compute_and_keep(conn, keeper, key, stamp, compute, stamp_of)  # no deadlock
    with keeper.turn(key):
        # The stamp again: a write may have come while this request waited, and the value
        # the request before it kept may be for that newer state, which is the one to show.
        stamp = stamp_of(conn, keeper)
        if stamp is None:
            return compute()
        found, value = keeper.kept(key, stamp)
        if found:
            return cast(T, _thaw(value))
        _COMPUTING.held = True
        try:
            return _compute_and_keep(conn, keeper, key, stamp, compute, stamp_of)
        finally:
            _COMPUTING.held = False


_COMPUTING = threading.local()  # this thread computes a kept value


def _compute_and_keep(
    conn: Connection,
    keeper: _Keeper,
    key: Any,
    stamp: tuple[Any, ...],
    compute: Callable[[], T],
    stamp_of: Callable[[Connection, _Keeper], tuple[Any, ...] | None],
) -> T:
    value = compute()
    if stamp_of(conn, keeper) == stamp:
        keeper.keep(key, stamp, _freeze(value))
    return value


def _freeze(value: Any) -> tuple[bool, Any]:
    """How a kept value is stored, so that every request gets its own copy to change: its
    pickle, which turns back into a fresh copy about ten times faster than
    ``copy.deepcopy`` copies (deep copies were 6.5 % of a serving process's CPU under
    ``bench/load.py``); a deep copy when the value does not pickle."""
    try:
        return True, pickle.dumps(value, pickle.HIGHEST_PROTOCOL)
    except (pickle.PicklingError, TypeError, AttributeError):
        return False, copy.deepcopy(value)


def _thaw(frozen: tuple[bool, Any]) -> Any:
    """A fresh copy of a value :func:`_freeze` stored."""
    pickled, stored = frozen
    return pickle.loads(stored) if pickled else copy.deepcopy(stored)


@contextmanager
def setup_transaction(engine: Engine) -> Iterator[Connection]:
    """A transaction that runs alone, for setup steps two processes may start at once.

    Two ``wpstrack ingest`` runs on a new database would both find it unmigrated and both
    create the tables; the second crashes. SQLite's ``BEGIN IMMEDIATE`` takes the write lock
    before the check, PostgreSQL's transaction-scoped advisory lock does the same there.
    """
    with transaction(engine) as conn:
        dbapi = conn.connection.dbapi_connection
        if conn.dialect.name == "sqlite" and dbapi is not None and not dbapi.in_transaction:
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        elif conn.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": SETUP_LOCK_KEY})
        yield conn


def migrated_engine(settings: Settings) -> Engine:
    """The settings' engine, with the schema created or upgraded to the newest migration
    (for ``init``, ``demo`` and ``ingest``: commands that set a database up)."""
    engine = engine_from_settings(settings)
    with transaction(engine) as conn:
        current = schema_is_current(conn)
    if not current:
        with setup_transaction(engine) as conn:
            if not schema_is_current(conn):  # another process may have migrated meanwhile
                upgrade(conn)
    return engine
