"""Backups restore: every table, every row, the search index and the sequences, on both
backends and across them; a backup is one snapshot; bad files and full targets are refused."""

from __future__ import annotations

import json
import struct
import uuid
import zipfile
from collections.abc import Iterator
from datetime import UTC, date, datetime, time
from functools import partial
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Connection, Engine, Text, cast, func, inspect, select, text
from sqlalchemy.pool import StaticPool
from typer.testing import CliRunner

from conftest import CORPUS_DIR, DatabaseFactory
from wpstrack import (
    audit,
    backup,
    demo,
    events,
    funding,
    indicators,
    ingest,
    narratives,
    plans,
    review,
    schema,
    search,
    search_index,
)
from wpstrack import users as users_mod
from wpstrack.activities import set_published
from wpstrack.cli import app
from wpstrack.db import SCHEMA_HEAD, SQLITE_BEGIN, make_engine, now, schema_revision, upgrade
from wpstrack.errors import DatabaseError, NewerSchema, TargetNotEmpty, UnreadableBackup
from wpstrack.indicators import ValueIn
from wpstrack.reference.sync import sync_reference

DATA = Path(__file__).parent / "data"
QUERIES = ["peacekeeping", "women peace security", "Japan", "Security Council"]
PASSWORD = "a long password for backup tests"
# Part of the development corpus when this checkout sits beside it, else the sample shipped in
# the package; the last release is kept back for the insert-after-restore check.
RELEASES = sorted(demo.sample_files(CORPUS_DIR if CORPUS_DIR.is_dir() else demo.SHIPPED_SAMPLE))
LOADED, KEPT_BACK = RELEASES[:-1][:8], RELEASES[-1]


# --- a realistic database ---------------------------------------------------------------------


def populate(conn: Connection) -> None:
    """Rows in every table, written the way the application writes them."""
    sync_reference(conn)
    plans.load_examples(conn)
    plans.save_plan(conn, plans.parse_plan((DATA / "plan_sample.yaml").read_bytes(), "s", "yaml"))
    outcomes = ingest.ingest_batch(conn, LOADED)
    ingest.ingest_content(  # a refusal is a row too
        conn, b"", ingest.Source("empty.txt", "empty.txt", "empty.txt", "0" * 64, 0)
    )
    documents = [o.document_id for o in outcomes if o.document_id is not None]
    first = review.review_item(conn, documents[0])
    values = [v for v in first["values"] if v.source == "machine"]
    review.decide(conn, "reviewer", values[0].id, "accept")
    review.decide(conn, "reviewer", values[1].id, "reject")
    activity = review.accept_record(conn, "reviewer", documents[0])
    set_published(conn, "reviewer", activity["id"], True)
    other = review.accept_record(conn, "reviewer", documents[1])
    events.keep_apart(conn, "reviewer", activity["id"], other["id"])  # two events, decided
    indicators.record_value(conn, "TEST-NAP", "I1", ValueIn("2022", 14, source="annual report"))
    indicators.record_value(conn, "TEST-NAP", "I2", ValueIn("2023", 2.5))
    indicators.approve_period(conn, "TEST-NAP", "2023", actor="admin")
    indicators.record_value(conn, "TEST-NAP", "I2", ValueIn("2023", 3.5, note="corrected"))
    funding.import_rates(conn, funding.sample_data("exchange_rates.csv"), "rates.csv")
    funding.import_contributions(
        conn, (DATA / "contributions_sample.csv").read_bytes(), "c.csv", allow_unresolved=True
    )
    users_mod.add_user(conn, users_mod.user_in("editor1", "editor", PASSWORD), actor=None)
    users_mod.create_token(conn, "editor1", "laptop", actor="editor1")
    users_mod.authenticate(conn, "editor1", PASSWORD, "10.0.0.1")
    # A parent organisation with a larger id than its child: the child's row comes first.
    org = schema.organisation
    child = conn.execute(
        org.insert().values(code="test-child", name="Child office", type="ngo")
    ).inserted_primary_key
    parent = conn.execute(
        org.insert().values(code="test-parent", name="Parent body", type="ngo")
    ).inserted_primary_key
    assert child is not None and parent is not None
    conn.execute(org.update().where(org.c.id == child[0]).values(parent_id=parent[0]))
    person = conn.execute(
        schema.person.insert().values(family_name="KAMIKAWA", given_name="Yoko", gender="f")
    ).inserted_primary_key
    assert person is not None
    conn.execute(
        schema.position.insert().values(
            person_id=person[0], title="Minister for Foreign Affairs", start_on=date(2023, 9, 13)
        )
    )
    # A reviewer's "same person" (a Japanese spelling kept under the English one).
    conn.execute(
        schema.person_merge.insert().values(
            name_key="上川陽子", into_key="yoko kamikawa", merged_by="rita", merged_at=now()
        )
    )
    # Two versions of a report narrative (the history is rows of its own).
    narratives.save(conn, "TEST-NAP", "2023", "summary", "First words.", "editor1")
    narratives.save(conn, "TEST-NAP", "2023", "summary", "Better words.", "editor1")
    # A JSON null and an SQL NULL differ in the database; a backup keeps them apart.
    audit.record(conn, None, "note", "document", documents[0], None, {"k": [1, "ü"]})


@pytest.fixture(scope="module")
def source(databases: DatabaseFactory) -> Iterator[Engine]:
    """A committed database of the backend under test, with rows in every table."""
    engine = make_engine(databases.new_url())
    with engine.begin() as conn:
        upgrade(conn)
        populate(conn)
    yield engine
    engine.dispose()


@pytest.fixture(scope="module")
def other_backend(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """Empty databases of the OTHER backend (skips without PostgreSQL)."""
    other = "sqlite" if backend == "postgresql" else "postgresql"
    factory = DatabaseFactory(other, tmp_path_factory.mktemp("other"))
    yield factory
    factory.drop_all()


# --- comparing databases ----------------------------------------------------------------------


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return audit.as_utc(value)
    if isinstance(value, float):
        return round(value, 9)
    return value


def table_rows(conn: Connection, name: str) -> list[tuple[Any, ...]]:
    """Every row of a table, in key order, comparable across backends (JSON as its text)."""
    table = schema.metadata.tables[name]
    columns = [
        cast(c, Text).label(c.name) if isinstance(c.type, schema.JSON) else c for c in table.columns
    ]
    rows = conn.execute(select(*columns).order_by(*table.primary_key.columns))
    return [tuple(_plain(v) for v in row) for row in rows]


def everything(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    with engine.connect() as conn:
        return {t.name: table_rows(conn, t.name) for t in schema.metadata.sorted_tables}


def hits(engine: Engine) -> dict[str, list[tuple[str, int]]]:
    with engine.connect() as conn:
        return {
            q: [(h["kind"], h["id"]) for h in search.search(conn, q, public=False)] for q in QUERIES
        }


def without_restore_event(rows: dict[str, list[Any]]) -> dict[str, list[Any]]:
    """The restored rows minus the audit event the restore itself appended."""
    restored = dict(rows)
    *kept, last = restored["audit_event"]
    assert last[3] in ("restore", "migrate")  # (id, at, actor, action, ...)
    restored["audit_event"] = kept
    return restored


def assert_same(
    source: Engine, target: Engine, newer_tables: frozenset[str] = frozenset(), lost: Any = None
) -> None:
    """Every table holds the same rows, but the public version's counter, which the restore's
    own writes move (schema.SEEDED); ``newer_tables`` (created after an older backup's
    revision) exist in the target but start empty; ``lost`` maps both sides' rows to what a
    backup of an older revision can carry."""
    before, after = everything(source), without_restore_event(everything(target))
    if lost is not None:
        before, after = lost(before), lost(after)
    assert sorted(after) == sorted(t.name for t in schema.metadata.sorted_tables)
    for name in schema.SEEDED:  # the migrations' own rows: one, whatever the number in it
        assert len(after[name]) == 1, name
    # The tallies are not carried but computed afresh (a backup leaves them out).
    assert after["tally_dirty"] == []
    for name in newer_tables - schema.SEEDED - schema.DERIVED:
        assert after[name] == [], name
    for name in set(before) - newer_tables - schema.SEEDED - schema.DERIVED:
        assert len(after[name]) == len(before[name]), name
        assert after[name] == before[name], name


def assert_writable(engine: Engine) -> None:
    """A new row in each id-numbered table the application writes gets a fresh id."""
    with engine.begin() as conn:
        top = conn.execute(select(func.max(schema.audit_event.c.id))).scalar_one()
        user, _ = users_mod.add_user(conn, users_mod.user_in("after", "viewer"), actor="admin")
        users_mod.create_token(conn, "after", "new", actor="admin")
        [outcome] = ingest.ingest_batch(conn, [KEPT_BACK])
        assert outcome.document_id is not None, outcome
        assert conn.execute(select(func.max(schema.audit_event.c.id))).scalar_one() > top
        assert user.id > 1


# --- round trips ------------------------------------------------------------------------------


def test_populated_database_has_rows_in_every_table(source: Engine) -> None:
    found = everything(source).items()
    empty = [name for name, rows in found if not rows and name not in schema.DERIVED]
    assert empty == [], (
        f"populate() writes no rows in {empty}: add some so the round trip covers them"
    )


def _restore(path: Path, url: str, **options: Any) -> Engine:
    engine = make_engine(url)
    with backup.writing(engine) as conn:
        backup.restore_file(conn, path, **options)
    return engine


def _backup(engine: Engine, path: Path) -> backup.Summary:
    with backup.snapshot(engine) as conn:
        return backup.write_backup(conn, path)


def test_backup_restores_every_row_search_and_sequences(
    source: Engine, databases: DatabaseFactory, tmp_path: Path
) -> None:
    path = tmp_path / "b.zip"
    summary = _backup(source, path)
    assert set(summary.tables) == set(schema.metadata.tables) - schema.DERIVED
    target = _restore(path, databases.new_url(), actor="ops")
    assert_same(source, target)
    assert hits(target) == hits(source)
    assert any(hits(target).values())
    assert_writable(target)
    with target.connect() as conn:
        [event] = audit.list_events(conn, audit.AuditFilter(action="restore")).items
    assert (event.actor, event.after["rows"]) == ("ops", summary.total)
    target.dispose()


@pytest.mark.parametrize("via", ["file", "migrate-to"])
def test_copies_cross_backends(
    source: Engine, other_backend: DatabaseFactory, tmp_path: Path, via: str
) -> None:
    url = other_backend.new_url()
    if via == "file":
        _backup(source, tmp_path / "b.zip")
        target = _restore(tmp_path / "b.zip", url)
    else:
        target = make_engine(url)
        with backup.snapshot(source) as src, backup.writing(target) as dst:
            backup.copy_database(src, dst)
    assert_same(source, target)
    for query, found in hits(target).items():
        assert found or not hits(source)[query], query
    assert_writable(target)
    target.dispose()


def test_backup_is_one_snapshot_while_another_connection_writes(
    databases: DatabaseFactory, tmp_path: Path
) -> None:
    source = make_engine(databases.new_url())  # its own: the shared one must not change
    with source.begin() as setup:
        upgrade(setup)
        sync_reference(setup)
    with backup.snapshot(source) as conn:
        seen = conn.execute(select(func.count()).select_from(schema.audit_event)).scalar_one()
        with source.begin() as writer:  # the server writes between two reads of the backup
            audit.record(writer, "server", "write", "activity", 1, None, None)
            users_mod.add_user(writer, users_mod.user_in("during", "viewer"), actor=None)
        summary = backup.write_backup(conn, tmp_path / "b.zip")
    assert summary.tables["audit_event"] == seen
    target = _restore(tmp_path / "b.zip", databases.new_url())
    with target.connect() as check:
        names = check.execute(select(schema.app_user.c.username)).scalars().all()
        events = check.execute(select(func.count()).select_from(schema.audit_event)).scalar()
    assert "during" not in names and events == seen + 1  # + the restore's own event
    target.dispose()
    source.dispose()


def test_ids_of_deleted_rows_are_not_handed_out_again_after_a_restore(
    backend: str, databases: DatabaseFactory, tmp_path: Path
) -> None:
    if backend == "sqlite":
        pytest.skip("SQLite's INTEGER PRIMARY KEY itself reuses the largest id once deleted")
    engine = make_engine(databases.new_url())
    with engine.begin() as conn:
        upgrade(conn)
        for name in ("kept", "gone"):
            users_mod.add_user(conn, users_mod.user_in(name, "viewer"), actor=None)
        gone = users_mod.get_user(conn, "gone").id
        conn.execute(schema.app_user.delete().where(schema.app_user.c.id == gone))
    _backup(engine, tmp_path / "b.zip")
    target = _restore(tmp_path / "b.zip", databases.new_url())
    with target.begin() as conn:
        user, _ = users_mod.add_user(conn, users_mod.user_in("new", "viewer"), actor=None)
    assert user.id > gone  # the audit log's entries about "gone" name only "gone"
    engine.dispose()
    target.dispose()


# --- refusals ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def backup_file(source: Engine, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("backup") / "b.zip"
    _backup(source, path)
    return path


def _state(engine: Engine) -> dict[str, int]:
    with engine.connect() as conn:
        names = inspect(conn).get_table_names()
        return {
            n: conn.execute(text(f'SELECT count(*) FROM "{n}"')).scalar_one()
            for n in names
            if not n.startswith(search_index.INDEX_TABLE)
        }


def test_restore_refuses_a_database_that_holds_rows_and_changes_nothing(
    backup_file: Path, databases: DatabaseFactory
) -> None:
    engine = make_engine(databases.new_url())
    with engine.begin() as conn:
        upgrade(conn)
        sync_reference(conn)
    before = _state(engine)
    refused = pytest.raises(TargetNotEmpty, match=r"W051.*not empty.*pillar \(4 rows\)")
    with refused, backup.writing(engine) as conn:
        backup.restore_file(conn, backup_file)
    assert _state(engine) == before
    with backup.writing(engine) as conn:  # unless told to replace what it holds
        backup.restore_file(conn, backup_file, replace=True)
    assert _state(engine)["document"] > 0
    engine.dispose()


def _rewrite(source: Path, target: Path, change: Any) -> None:
    """Copy a backup, passing each member's bytes through ``change(name, data)``."""
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w") as zout:
        for name in zin.namelist():
            zout.writestr(name, change(name, zin.read(name)))


def _truncated(path: Path, out: Path) -> None:
    data = path.read_bytes()
    out.write_bytes(data[: len(data) // 2])


def _flipped(path: Path, out: Path, at: float) -> None:
    # A byte of the deflated document table flipped, at a fraction ``at`` of its length:
    # depending on the byte, the CRC check or zlib itself notices.
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as z:
        info = z.getinfo("tables/document.jsonl")
    header = info.header_offset
    name_length, extra_length = struct.unpack("<HH", data[header + 26 : header + 30])
    start = header + 30 + name_length + extra_length
    data[start + int(info.compress_size * at)] ^= 0xFF
    out.write_bytes(bytes(data))


def _invalid_deflate(path: Path, out: Path) -> None:
    # The first compressed byte of a member made an invalid deflate block type: zlib itself
    # refuses it (a flipped byte elsewhere may give a CRC mismatch instead, by chance).
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as z:
        info = z.getinfo("tables/document.jsonl")
    start = info.header_offset
    extra = int.from_bytes(data[start + 28 : start + 30], "little")
    data[start + 30 + len(info.filename) + extra] = 0xFF
    out.write_bytes(bytes(data))


def _short(path: Path, out: Path) -> None:
    # Valid ZIP, valid CRCs, but the document table lost its last rows: noticed mid-load.
    def change(name: str, data: bytes) -> bytes:
        return b"".join(data.splitlines(keepends=True)[:-2]) if "document" in name else data

    _rewrite(path, out, change)


def _at_revision(
    path: Path, out: Path, revision: str, columns: dict[str, set[str]] | None = None
) -> None:
    """The backup as if taken at ``revision``: relabelled and, where ``columns`` (table ->
    the columns that revision has) is given, without the columns added since."""

    def keep(table: str, name: str) -> bool:
        return columns is None or name in columns.get(table, {name})

    def change(name: str, data: bytes) -> bytes:
        if name == backup.MANIFEST:
            manifest = json.loads(data)
            manifest["revision"] = revision
            if columns is not None:  # tables created since that revision are not in it
                manifest["tables"] = [s for s in manifest["tables"] if s["name"] in columns]
            for spec in manifest["tables"]:
                spec["columns"] = [c for c in spec["columns"] if keep(spec["name"], c["name"])]
            return json.dumps(manifest).encode()
        table = name.removeprefix("tables/").removesuffix(".jsonl")
        rows = (json.loads(line) for line in data.splitlines() if line.strip())
        return b"".join(
            json.dumps({k: v for k, v in row.items() if keep(table, k)}).encode() + b"\n"
            for row in rows
        )

    _rewrite(path, out, change)


def _columns_at(databases: DatabaseFactory, revision: str) -> dict[str, set[str]]:
    """Each table's columns in a database migrated to ``revision``."""
    engine = make_engine(databases.new_url())
    with engine.begin() as conn:
        upgrade(conn, revision)
        inspector = inspect(conn)
        tables = {
            t: {c["name"] for c in inspector.get_columns(t)} for t in inspector.get_table_names()
        }
    engine.dispose()
    return tables


def _orphan(path: Path, out: Path) -> None:
    # Valid file, but a participant names an activity the backup does not hold.
    def change(name: str, data: bytes) -> bytes:
        if "activity_participant" not in name:
            return data
        rows = [json.loads(line) for line in data.splitlines()]
        rows[0]["activity_id"] = 999_999
        return b"".join(json.dumps(r).encode() + b"\n" for r in rows)

    _rewrite(path, out, change)


def _newer(path: Path, out: Path) -> None:
    _at_revision(path, out, "9999")


@pytest.mark.parametrize("target_at", [None, "head"])
def test_an_older_backup_is_loaded_at_its_revision_then_upgraded(
    source: Engine,
    backup_file: Path,
    databases: DatabaseFactory,
    tmp_path: Path,
    target_at: str | None,
) -> None:
    # A head backup relabelled 0007, less the columns added since, is a faithful one.
    older = tmp_path / "0007.zip"
    columns = _columns_at(databases, "0007")
    _at_revision(backup_file, older, "0007", columns)
    engine = make_engine(databases.new_url())
    if target_at:  # an empty database already at a newer revision is taken down first
        with engine.begin() as conn:
            upgrade(conn, target_at)
    with backup.writing(engine) as conn:
        assert backup.restore_file(conn, older).revision == "0007"
    with engine.connect() as conn:
        assert schema_revision(conn) == SCHEMA_HEAD
    # activity_source is rebuilt by migration 0012 from each activity's document.
    newer = frozenset(t.name for t in schema.metadata.sorted_tables) - set(columns)
    assert_same(source, engine, newer - {"activity_source"}, _carried_by(columns))
    assert hits(engine) == hits(source)
    engine.dispose()


def _carried_by(columns: dict[str, set[str]]) -> Any:
    """What a backup of an older revision can carry: the columns that revision has. Columns
    added since are filled by their migrations (defaults, values derived from other columns
    such as search words, fingerprints left NULL), so only the older ones can be compared."""

    def project(rows: dict[str, list[Any]]) -> dict[str, list[Any]]:
        kept = {}
        for table in schema.metadata.sorted_tables:
            names = list(table.c.keys())
            old = columns.get(table.name)
            if old is None or table.name not in rows:
                kept[table.name] = rows.get(table.name, [])
                continue
            at = [i for i, n in enumerate(names) if n in old]
            kept[table.name] = [tuple(r[i] for i in at) for r in rows[table.name]]
        return kept

    return project


@pytest.mark.parametrize(
    ("damage", "error", "message"),
    [
        (_truncated, UnreadableBackup, r"W050.*damaged or truncated"),
        *[
            (partial(_flipped, at=at), UnreadableBackup, r"W050.*(damaged|truncated)")
            for at in (0.0, 0.3, 0.6, 0.9)
        ],
        (_invalid_deflate, UnreadableBackup, r"W050.*damaged or truncated.*Error -3"),
        (_short, UnreadableBackup, r"W050.*document: the manifest says \d+ rows"),
        (_orphan, UnreadableBackup, r"W050.*activity_participant: .* do not fit"),
        (_newer, NewerSchema, r"W052.*revision 9999"),
    ],
)
def test_restore_refuses_a_bad_backup_and_leaves_the_target_as_it_was(
    backup_file: Path,
    databases: DatabaseFactory,
    tmp_path: Path,
    damage: Any,
    error: type[Exception],
    message: str,
) -> None:
    bad = tmp_path / "bad.zip"
    damage(backup_file, bad)
    engine = make_engine(databases.new_url())
    with pytest.raises(error, match=message), backup.writing(engine) as conn:
        backup.restore_file(conn, bad)
    assert _state(engine) == {}  # not even the schema: the load is one transaction
    engine.dispose()


def test_backup_of_a_database_without_a_schema_is_refused(
    databases: DatabaseFactory, tmp_path: Path
) -> None:
    engine = make_engine(databases.new_url())
    with pytest.raises(DatabaseError, match=r"W002.*no schema"):
        _backup(engine, tmp_path / "b.zip")
    assert list(tmp_path.iterdir()) == []
    engine.dispose()


def test_backup_of_a_database_at_another_revision_is_refused(
    databases: DatabaseFactory, tmp_path: Path
) -> None:
    engine = make_engine(databases.new_url())
    with engine.begin() as conn:
        upgrade(conn, "0003")
    with pytest.raises(NewerSchema, match=r"W052.*revision 0003"):
        _backup(engine, tmp_path / "b.zip")
    assert not (tmp_path / "b.zip").exists()
    engine.dispose()


# --- values -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "value"),
    [
        ("datetime", datetime(2024, 3, 19, 7, 5, 1, 123456, tzinfo=UTC)),
        ("date", date(2015, 9, 29)),
        ("bytes", b"\x00\xff%PDF-"),
        ("decimal", funding.contributions.Decimal("12345678901234.25")),
        ("float", 0.1),
        ("json", '{"a": [1, null]}'),
        ("json", "null"),
        ("uuid", uuid.UUID("12345678-1234-5678-1234-567812345678")),
        ("time", time(19, 5)),
    ],
)
def test_values_survive_encoding(kind: str, value: Any) -> None:
    assert backup.decode(kind, json.loads(json.dumps(backup.encode(kind, value)))) == value


def test_a_naive_datetime_from_sqlite_is_read_as_utc() -> None:
    assert backup.decode("datetime", backup.encode("datetime", datetime(2024, 1, 1, 9))) == (
        datetime(2024, 1, 1, 9, tzinfo=UTC)
    )


# --- the command line -------------------------------------------------------------------------


def test_cli_backup_restore_and_migrate_to(
    source: Engine, databases: DatabaseFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    runner = CliRunner()
    file = tmp_path / "cli.zip"
    monkeypatch.setenv("WPSTRACK_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("WPSTRACK_DATABASE_URL", source.url.render_as_string(hide_password=False))
    result = runner.invoke(app, ["backup", str(file)])
    assert result.exit_code == 0, result.output
    assert "Backed up" in result.output and file.exists()
    assert file.stat().st_mode & 0o077 == 0  # it holds password hashes: owner only

    target = databases.new_url()
    result = runner.invoke(app, ["migrate-to", target])
    assert result.exit_code == 0, result.output
    again = runner.invoke(app, ["migrate-to", target])
    assert again.exit_code == 1 and "[W051]" in again.output

    monkeypatch.setenv("WPSTRACK_DATABASE_URL", databases.new_url())
    result = runner.invoke(app, ["restore", str(file)])
    assert result.exit_code == 0, result.output
    assert "Restored" in result.output
    missing = runner.invoke(app, ["restore", str(tmp_path / "nope.zip")])
    assert missing.exit_code == 1 and "[W050]" in missing.output
    nonsense = runner.invoke(app, ["migrate-to", "not-a-url"])
    assert nonsense.exit_code == 2 and "[W001] not a database URL" in nonsense.output


def test_a_locked_sqlite_target_is_a_coded_error(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'locked.db'}"
    server = make_engine(url)
    engine = make_engine(url, poolclass=StaticPool)  # one connection: the pragma below holds
    with engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA busy_timeout = 0")  # fail at once instead of in 5 s
    with server.connect().execution_options(**{SQLITE_BEGIN: "IMMEDIATE"}) as writer:
        writer.begin()  # the server is writing: it holds the write lock
        with pytest.raises(DatabaseError, match=r"W002.*locked"), backup.writing(engine) as conn:
            backup.restore_file(conn, tmp_path / "never-read.zip")
        writer.rollback()
    server.dispose()
    engine.dispose()
