"""Many writers at once: the same file uploaded or ingested concurrently lands once and
nobody gets an error; on SQLite the write lock is held only while rows are written."""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx
import pytest
from sqlalchemy import Connection, event, func, select
from sqlalchemy.engine import make_url

import wpstrack
from wpstrack import archive, ingest, ingest_work, schema, users
from wpstrack.db import make_engine, upgrade

if TYPE_CHECKING:
    from conftest import WebSite

RELEASE = (
    "March 18, 2024\n"
    "Foreign Minister Kamikawa held a dialogue on WPS with group {n}\n\n"
    "On March 18, commencing at 6:05 p.m. (local time; March 19, 7:05 a.m. JST) for "
    "approximately 40 minutes, Ms. KAMIKAWA Yoko, Minister for Foreign Affairs of Japan, who "
    "is visiting New York, held a dialogue with staff of UN Women on UNSCR 1325 ({n}).\n"
)
SRC = Path(wpstrack.__file__).resolve().parents[1]  # the code under test, for subprocesses


def _documents(url: str) -> list[tuple[str, str, int]]:
    """(hash, status, count) of every stored document of the database at ``url``."""
    engine = make_engine(url)
    doc = schema.document
    with engine.connect() as conn:
        rows = conn.execute(
            select(doc.c.content_hash, doc.c.status, func.count()).group_by(
                doc.c.content_hash, doc.c.status
            )
        ).all()
    engine.dispose()
    return [tuple(r) for r in rows]


def test_twenty_concurrent_uploads_of_one_file_store_it_once_and_all_succeed(
    web: WebSite,
) -> None:
    from fastapi.testclient import TestClient

    body = RELEASE.format(n="concurrent-upload").encode()
    # A token each, as twenty editors would have: one shared token's row would queue them.
    with web.engine.begin() as conn:
        tokens = [users.create_token(conn, "editor", f"c{n}", actor=None)[1] for n in range(20)]
    start = threading.Barrier(20)
    responses: list[Any] = []

    def upload(token: str) -> None:
        client = TestClient(web.app, raise_server_exceptions=False)
        start.wait()
        files = [("files", ("same.txt", body, "text/plain"))]
        headers = {"Authorization": f"Bearer {token}"}
        responses.append(client.post("/api/v1/documents", files=files, headers=headers))

    threads = [threading.Thread(target=upload, args=(token,)) for token in tokens]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted({r.status_code for r in responses}) == [201], [r.text for r in responses]
    statuses = [r.json()[0]["status"] for r in responses]
    assert statuses.count("ingested") == 1
    assert statuses.count("already present") == 19
    assert len({r.json()[0]["document_id"] for r in responses}) == 1
    digest = hashlib.sha256(body).hexdigest()
    assert [row for row in _documents(web.url) if row[0] == digest] == [(digest, "ingested", 1)]


def _wpstrack(env: dict[str, str], *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "wpstrack", *args],
        env={**os.environ, "PYTHONPATH": str(SRC), **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


@pytest.mark.slow
def test_two_concurrent_ingests_of_one_folder_both_succeed_and_store_each_file_once(
    fresh_database_url: str, tmp_path: Path
) -> None:
    folder = tmp_path / "releases"
    folder.mkdir()
    for n in range(30):
        (folder / f"r{n:02d}.txt").write_text(RELEASE.format(n=n), encoding="utf-8")
    env = {
        "WPSTRACK_DATABASE_URL": fresh_database_url,
        "WPSTRACK_DATA_DIR": str(tmp_path),
        "WPSTRACK_INGEST_BATCH_SIZE": "3",  # many commits, so the two runs interleave
    }
    runs = [_wpstrack(env, "ingest", str(folder), "--json") for _ in range(2)]
    results = [run.communicate(timeout=300) for run in runs]
    for run, (_out, err) in zip(runs, results, strict=True):
        assert run.returncode == 0, err
        assert "Traceback" not in err
    summaries = [json.loads(out) for out, _ in results]
    assert sum(s["ingested"] for s in summaries) == 30
    assert sum(s["ingested"] + s["already_present"] for s in summaries) == 60
    stored = _documents(fresh_database_url)
    assert len(stored) == 30 and {(s, c) for _, s, c in stored} == {("ingested", 1)}


def _write_lock_probe(url: str) -> Callable[[], None]:
    """A check that another connection can take SQLite's write lock at once (no-op on
    PostgreSQL, whose writers lock rows, not the database)."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return lambda: None

    def probe() -> None:
        other = sqlite3.connect(str(parsed.database), timeout=0, isolation_level=None)
        try:
            other.execute("BEGIN IMMEDIATE")  # fails with "database is locked" when held
            other.execute("ROLLBACK")
        finally:
            other.close()

    return probe


def _extract_while_probing(monkeypatch: pytest.MonkeyPatch, probe: Callable[[], None]) -> list[str]:
    """Make every extraction first check that nobody holds the write lock."""
    real = ingest_work.extract_record
    seen: list[str] = []

    def extract(document: Any, *args: Any, **kwargs: Any) -> Any:
        probe()
        seen.append(document.sha256)
        return real(document, *args, **kwargs)

    monkeypatch.setattr(ingest_work, "extract_record", extract)
    return seen


def test_a_batch_is_extracted_before_its_transaction_takes_the_write_lock(
    conn: Connection, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen = _extract_while_probing(monkeypatch, _write_lock_probe(str(conn.engine.url)))
    paths = []
    for n in range(3):
        path = tmp_path / f"lock-{n}.txt"
        path.write_text(RELEASE.format(n=f"lock-{n}"), encoding="utf-8")
        paths.append(path)
    outcomes = ingest.ingest_batch(conn, paths)
    assert [o.status for o in outcomes] == [ingest.INGESTED] * 3
    assert len(seen) == 3


def test_an_upload_of_several_files_extracts_them_all_before_writing(
    conn: Connection, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen = _extract_while_probing(monkeypatch, _write_lock_probe(str(conn.engine.url)))
    files: list[tuple[str | None, Any]] = [
        (f"u{n}.txt", io.BytesIO(RELEASE.format(n=f"upload-lock-{n}").encode())) for n in range(3)
    ]
    results = archive.upload_all(conn, files, max_bytes=10**6, actor="editor")
    assert [r.status for r in results] == [ingest.INGESTED] * 3
    assert len(seen) == 3


def test_the_same_bytes_twice_in_one_batch_are_stored_once(
    conn: Connection, tmp_path: Path
) -> None:
    one, two = tmp_path / "one.txt", tmp_path / "two.txt"
    for path in (one, two):
        path.write_text(RELEASE.format(n="twice"), encoding="utf-8")
    outcomes = ingest.ingest_batch(conn, [one, two])
    assert [o.status for o in outcomes] == [ingest.INGESTED, ingest.DUPLICATE]
    assert outcomes[0].document_id == outcomes[1].document_id


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_until_serving(server: subprocess.Popen[str], port: int, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert server.poll() is None, server.communicate()[1]
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.2)
    raise AssertionError("the server did not start")


def _editor_token(url: str) -> str:
    engine = make_engine(url)
    with engine.begin() as conn:
        upgrade(conn)
        users.add_user(conn, users.user_in("ed", "editor", "a long password for tests"), None)
        token = users.create_token(conn, "ed", "tests", actor=None)[1]
    engine.dispose()
    return token


@pytest.mark.slow
def test_sigterm_ends_the_server_within_its_bound_despite_a_request_still_working(
    fresh_database_url: str, tmp_path: Path
) -> None:
    token = _editor_token(fresh_database_url)
    port = _free_port()
    env = {"WPSTRACK_DATABASE_URL": fresh_database_url, "WPSTRACK_DATA_DIR": str(tmp_path)}
    server = _wpstrack(env, "serve", "--port", str(port), "--shutdown-timeout", "1")
    # Megabytes of release text: extracting them keeps a worker thread busy for many seconds.
    body = (RELEASE.format(n="long") * 2900).encode()

    def upload() -> None:
        headers = {"Authorization": f"Bearer {token}"}
        files = [("files", ("long.txt", body, "text/plain"))]
        with contextlib.suppress(httpx.HTTPError):  # the server goes away mid-request
            httpx.post(
                f"http://127.0.0.1:{port}/api/v1/documents",
                files=files,
                headers=headers,
                timeout=300,
            )

    try:
        _wait_until_serving(server, port, 120)
        client = threading.Thread(target=upload, daemon=True)
        client.start()
        time.sleep(3)  # the body is sent and the extraction under way
        started = time.monotonic()
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=120)
        elapsed = time.monotonic() - started
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()
    # The bound: one second for the requests, the margin for the app's own shutdown.
    assert elapsed < 1 + 3 + 2, elapsed


def test_a_savepoint_as_the_first_write_stays_inside_the_callers_transaction(
    fresh_database_url: str,
) -> None:
    engine = make_engine(fresh_database_url)
    with engine.begin() as conn:
        upgrade(conn)
    place = schema.place
    with engine.connect() as conn:
        outer = conn.begin()
        conn.execute(select(func.count()).select_from(place)).scalar_one()
        with conn.begin_nested():
            conn.execute(place.insert().values(name="Savepoint City", kind="city", country="JP"))
        outer.rollback()
    with engine.connect() as conn:
        found = conn.execute(select(place.c.id).where(place.c.name == "Savepoint City")).all()
    engine.dispose()
    assert found == []


def test_a_transaction_that_read_first_can_still_write_after_another_writer_committed(
    fresh_database_url: str,
) -> None:
    engine = make_engine(fresh_database_url)
    with engine.begin() as conn:
        upgrade(conn)
    place = schema.place
    with engine.connect() as first:
        transaction = first.begin()
        first.execute(select(func.count()).select_from(place)).scalar_one()
        with engine.begin() as second:  # commits while the first is between read and write
            second.execute(place.insert().values(name="Other City", kind="city", country="JP"))
        first.execute(place.insert().values(name="First City", kind="city", country="JP"))
        transaction.commit()
    with engine.connect() as conn:
        names = set(conn.execute(select(place.c.name)).scalars())
    engine.dispose()
    assert {"Other City", "First City"} <= names


def _workers(pid: int) -> list[int]:
    """The worker processes a server spawned (not multiprocessing's resource tracker)."""
    children = [
        int(child)
        for task in Path(f"/proc/{pid}/task").iterdir()
        for child in (task / "children").read_text().split()
    ]
    return [c for c in children if b"spawn_main" in Path(f"/proc/{c}/cmdline").read_bytes()]


@pytest.mark.slow
def test_serve_with_two_workers_shares_sessions_and_stops_on_sigterm(
    fresh_database_url: str, tmp_path: Path
) -> None:
    engine = make_engine(fresh_database_url)
    with engine.begin() as conn:
        upgrade(conn)
        users.add_user(conn, users.user_in("ann", "viewer", "a long password for tests"), None)
    engine.dispose()
    port = _free_port()
    env = {"WPSTRACK_DATABASE_URL": fresh_database_url, "WPSTRACK_DATA_DIR": str(tmp_path)}
    server = _wpstrack(env, "serve", "--port", str(port), "--workers", "2")
    base = f"http://127.0.0.1:{port}"
    # A new connection per request, so the kernel hands requests to either worker.
    fresh = httpx.Limits(max_keepalive_connections=0)
    try:
        _wait_until_serving(server, port, 120)
        assert len(_workers(server.pid)) == 2
        with httpx.Client(base_url=base, limits=fresh, timeout=60) as client:
            form = client.get("/login").text
            csrf = form.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
            login = {"username": "ann", "password": "a long password for tests"}
            response = client.post("/login", data={**login, "csrf_token": csrf})
            assert response.status_code == 303, response.text
            # Signed by one worker, the session is good in both: they share the key.
            statuses = [client.get("/password").status_code for _ in range(20)]
        assert statuses == [200] * 20
        started = time.monotonic()
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=60)
        assert time.monotonic() - started < 15
        assert server.returncode == 0
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()


def test_sqlite_writers_of_one_engine_wait_their_turn_instead_of_failing(
    fresh_database_url: str,
) -> None:
    if make_url(fresh_database_url).get_backend_name() != "sqlite":
        pytest.skip("SQLite's one write lock")
    engine = make_engine(fresh_database_url)
    with engine.begin() as conn:
        upgrade(conn)

    # SQLite alone would refuse the second writer at once: it gets no busy timeout.
    @event.listens_for(engine, "connect")
    def no_waiting(dbapi: Any, _record: Any) -> None:
        dbapi.execute("PRAGMA busy_timeout = 0")

    engine.dispose()
    place = schema.place
    writing, errors = threading.Event(), []

    def first() -> None:
        try:
            with engine.begin() as conn:
                conn.execute(place.insert().values(name="First City", kind="city", country="JP"))
                writing.set()
                time.sleep(0.5)  # holds SQLite's write lock meanwhile
        except Exception as exc:
            errors.append(exc)
            writing.set()

    thread = threading.Thread(target=first)
    thread.start()
    writing.wait(30)
    started = time.monotonic()
    with engine.begin() as conn:
        conn.execute(place.insert().values(name="Second City", kind="city", country="JP"))
    waited = time.monotonic() - started
    thread.join()
    with engine.connect() as conn:
        names = conn.execute(select(place.c.name).where(place.c.name.like("% City"))).scalars()
        assert sorted(names) == ["First City", "Second City"]
    engine.dispose()
    assert errors == [] and waited > 0.3
