"""Generate a new Alembic revision from the difference between the migrations and schema.py.

Usage: python scripts/make_migration.py "message"
It upgrades a scratch SQLite database to head and autogenerates against it, then moves
``wpstrack.db.SCHEMA_HEAD`` to the new revision (commands compare the database with it).
"""

import re
import sys
import tempfile
from pathlib import Path

from alembic import command

from wpstrack.db import alembic_config, make_engine, upgrade

message = sys.argv[1] if len(sys.argv) > 1 else "schema change"
source = Path(__file__).resolve().parent.parent / "src/wpstrack"
versions = source / "migrations/versions"
rev_id = f"{len(list(versions.glob('[0-9][0-9][0-9][0-9]_*.py'))) + 1:04d}"
with tempfile.TemporaryDirectory() as tmp:
    engine = make_engine(f"sqlite:///{Path(tmp) / 'scratch.db'}")
    with engine.begin() as conn:
        upgrade(conn)
        cfg = alembic_config(conn)
        command.revision(cfg, message=message, autogenerate=True, rev_id=rev_id)
db = source / "db.py"
head = re.compile(r'^SCHEMA_HEAD = "\d{4}"$', flags=re.M)
db.write_text(head.sub(f'SCHEMA_HEAD = "{rev_id}"', db.read_text()))
