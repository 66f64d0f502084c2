"""Alembic environment: runs on the connection handed in by ``wpstrack.db``.

When Alembic's own command line is used instead, it connects to the URL from the settings.
"""

from alembic import context
from sqlalchemy import Connection

from wpstrack.schema import metadata
from wpstrack.search_index import keep_in_autogenerate

config = context.config


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        include_name=keep_in_autogenerate,  # the search objects are not in schema.py
    )
    with context.begin_transaction():
        context.run_migrations()


connection = config.attributes.get("connection")
if connection is not None:
    _run(connection)
else:
    from wpstrack.db import engine_from_settings
    from wpstrack.settings import Settings

    with engine_from_settings(Settings()).begin() as conn:
        _run(conn)
