"""Shared fixtures: every database test runs on SQLite, and on PostgreSQL when
``WPSTRACK_TEST_DATABASE_URL`` is set (CI sets it).

Isolation: each test session gets its own SQLite file or PostgreSQL schema, migrated and
loaded with the reference data once; each test then runs inside a transaction that is rolled
back (domain functions never commit). Tests that must commit (CLI commands) ask for
``fresh_database_url``, a new empty database of their own. Nothing ever wipes a shared
database.
"""

from __future__ import annotations

import os
import re
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Connection, Engine, text
from sqlalchemy.engine import make_url

from wpstrack.db import make_engine, upgrade
from wpstrack.reference.sync import sync_reference

PG_ENV = "WPSTRACK_TEST_DATABASE_URL"
BACKENDS = ["sqlite", "postgresql"]
# A checkout elsewhere (a git worktree, say) names the corpus with WPSTRACK_TEST_CORPUS_DIR.
CORPUS_DIR = Path(
    os.environ.get("WPSTRACK_TEST_CORPUS_DIR")
    or Path(__file__).resolve().parents[2] / "shared" / "corpus" / "dev"
)


def _pg_base_url() -> str:
    url = os.environ.get(PG_ENV)
    if not url:
        pytest.skip(f"{PG_ENV} is not set: PostgreSQL run skipped")
    return url


def _pg_schema_url(base: str, schema_name: str) -> str:
    url = make_url(base)
    if url.drivername == "postgresql":
        url = url.set(drivername="postgresql+psycopg")
    return url.update_query_dict({"options": f"-csearch_path={schema_name}"}).render_as_string(
        hide_password=False
    )


class DatabaseFactory:
    """Creates empty databases (SQLite files or PostgreSQL schemas) and drops them after."""

    def __init__(self, backend: str, tmp: Path) -> None:
        self.backend = backend
        self.tmp = tmp
        self._schemas: list[str] = []

    def new_url(self) -> str:
        if self.backend == "sqlite":
            return f"sqlite:///{self.tmp / f'wpstrack-{uuid.uuid4().hex[:8]}.db'}"
        base = _pg_base_url()
        name = f"wpstrack_test_{uuid.uuid4().hex[:12]}"
        admin = make_engine(_pg_schema_url(base, "public"))
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{name}"'))
        admin.dispose()
        self._schemas.append(name)
        return _pg_schema_url(base, name)

    def drop_all(self) -> None:
        if not self._schemas:
            return
        admin = make_engine(_pg_schema_url(_pg_base_url(), "public"))
        # One transaction per schema: dropping them all at once takes a lock per object and
        # exhausts max_locks_per_transaction once a session has made a few dozen schemas.
        for name in self._schemas:
            with admin.begin() as conn:
                conn.execute(text(f'DROP SCHEMA IF EXISTS "{name}" CASCADE'))
        admin.dispose()


@pytest.fixture(scope="session", params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    """The database backend under test."""
    if request.param == "postgresql":
        _pg_base_url()
    return str(request.param)


@pytest.fixture(scope="session")
def databases(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[DatabaseFactory]:
    factory = DatabaseFactory(backend, tmp_path_factory.mktemp(f"db-{backend}"))
    yield factory
    factory.drop_all()


@pytest.fixture(scope="session")
def engine(databases: DatabaseFactory) -> Iterator[Engine]:
    """A migrated database with the reference data loaded, shared by the session."""
    eng = make_engine(databases.new_url())
    with eng.begin() as conn:
        upgrade(conn)
        sync_reference(conn)
    yield eng
    eng.dispose()


@pytest.fixture()
def conn(engine: Engine) -> Iterator[Connection]:
    """A connection in a transaction that is rolled back after the test."""
    with engine.connect() as connection:
        transaction = connection.begin()
        try:
            yield connection
        finally:
            transaction.rollback()


@pytest.fixture()
def fresh_database_url(databases: DatabaseFactory) -> str:
    """The URL of a new, empty database (no schema) for tests that commit."""
    return databases.new_url()


@pytest.fixture()
def cli_env(
    fresh_database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> dict[str, str]:
    """Environment for running CLI commands against a fresh database of the backend."""
    env = {"WPSTRACK_DATABASE_URL": fresh_database_url, "WPSTRACK_DATA_DIR": str(tmp_path)}
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    return env


@pytest.fixture()
def migrated_cli_env(cli_env: dict[str, str]) -> dict[str, str]:
    """``cli_env`` whose database already has the schema (no reference data): commands other
    than init, demo and ingest refuse a database that does not exist yet."""
    engine = make_engine(cli_env["WPSTRACK_DATABASE_URL"])
    with engine.begin() as conn:
        upgrade(conn)
    engine.dispose()
    return cli_env


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    """The shared development corpus (skips when the checkout has no ../shared)."""
    if not (CORPUS_DIR / "gold.jsonl").exists():
        pytest.skip("the development corpus ../shared/corpus/dev is not present")
    return CORPUS_DIR


# --- the web app ---------------------------------------------------------------------------

WEB_PASSWORD = "a long password for tests"


class WebSite:
    """The web app over a committed database of its own, with one user and token per role.

    The database holds the reference data and the example plans.
    Each role's user is named after the role ("admin", "editor", ...) and has the password
    ``WEB_PASSWORD``; ``tokens[role]`` is its API token.
    """

    def __init__(self, url: str, data_dir: Path) -> None:
        from wpstrack import plans, users
        from wpstrack.settings import Settings
        from wpstrack.web import create_app

        self.url = url
        self.engine = make_engine(url)
        self.tokens: dict[str, str] = {}
        with self.engine.begin() as conn:
            upgrade(conn)
            sync_reference(conn)
            plans.load_examples(conn)
            for role in users.ROLES:
                users.add_user(conn, users.user_in(role, role, WEB_PASSWORD), actor=None)
                self.tokens[role] = users.create_token(conn, role, "tests", actor=None)[1]
        self.settings = Settings(_env_file=None, database_url=url, data_dir=data_dir)
        self.app = create_app(self.settings, engine=self.engine)

    def client(self, address: str = "testclient") -> Any:
        """An anonymous in-process client calling from ``address``."""
        from fastapi.testclient import TestClient

        return TestClient(self.app, client=(address, 50000), follow_redirects=False)

    def login(
        self, username: str, password: str = WEB_PASSWORD, address: str = "testclient"
    ) -> Any:
        """A client holding a session of ``username`` (the login must succeed)."""
        client = self.client(address)
        response = client.post(
            "/login",
            data={"username": username, "password": password, "csrf_token": self.csrf(client)},
        )
        assert response.status_code == 303, response.text
        return client

    @staticmethod
    def csrf(client: Any, path: str = "/login") -> str:
        """The CSRF token of ``client``'s session, as the form on ``path`` carries it."""
        html = client.get(path).text
        match = re.search(r'name="csrf_token" value="([^"]+)"', html)
        assert match, f"no CSRF field on {path}"
        return match.group(1)

    def bearer(self, role: str | None) -> dict[str, str]:
        """Authorization headers for ``role``'s token (none for anonymous)."""
        return {"Authorization": f"Bearer {self.tokens[role]}"} if role else {}


@pytest.fixture(scope="module")
def web(databases: DatabaseFactory) -> Iterator[WebSite]:
    """A web app with a user per role, shared by one test module (its tests commit)."""
    site = WebSite(databases.new_url(), databases.tmp / f"data-{uuid.uuid4().hex[:8]}")
    yield site
    site.engine.dispose()
