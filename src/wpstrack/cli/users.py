"""``wpstrack users``, ``wpstrack tokens`` and ``wpstrack serve``.

Passwords and tokens are printed once, when they are made: only their hashes are stored,
so nobody can show them again.
"""

from __future__ import annotations

import typer
from rich.table import Table

from wpstrack import users
from wpstrack.cli.common import (
    actor,
    as_option,
    connect,
    console,
    err_console,
    load_settings,
    print_json,
)
from wpstrack.cli.common import cli_actor as cli_actor  # re-exported: it used to live here

app = typer.Typer(help="Users and their roles (admin, editor, reviewer, viewer).")
tokens_app = typer.Typer(help="API tokens, sent as 'Authorization: Bearer <token>'.")
DEFAULT_SHUTDOWN_TIMEOUT = 10  # seconds: ample for any request that is not stuck


@app.command("add")
def add_cli(
    name: str = typer.Argument(..., help="Username: letters, digits, . _ @ -"),
    role: str = typer.Option(..., "--role", help="admin, editor, reviewer or viewer."),
    as_user: str | None = as_option(),
) -> None:
    """Create a user and print a generated password, once."""
    data = users.user_in(name, role)
    with connect() as conn:
        user, password = users.add_user(conn, data, actor=actor(conn, as_user))
    console.print(f"Created {user.role} {user.username!r}. Password (shown only now):")
    typer.echo(password)


@app.command("list")
def list_cli(
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of a table."),
) -> None:
    """List every user with role and status."""
    rows: list[users.User] = []
    with connect() as conn:
        cursor: str | None = None
        while True:
            page = users.list_users(conn, cursor=cursor, limit=500)
            rows.extend(page.items)
            if not (cursor := page.next_cursor):
                break
    if as_json:
        print_json([u.model_dump(mode="json") for u in rows])
        return
    table = Table("username", "role", "active", "created (UTC)")
    for u in rows:
        created = u.created_at.strftime("%Y-%m-%d %H:%M")
        table.add_row(u.username, u.role, "yes" if u.is_active else "no", created)
    console.print(table)


@app.command("disable")
def disable_cli(
    name: str = typer.Argument(..., help="Username."), as_user: str | None = as_option()
) -> None:
    """Stop a user from logging in and from using their API tokens."""
    with connect() as conn:
        users.disable_user(conn, name, actor=actor(conn, as_user))
    console.print(f"Disabled {name!r}.")


@app.command("passwd")
def passwd_cli(
    name: str = typer.Argument(..., help="Username."),
    password: str = typer.Option(
        ...,
        prompt="New password",
        hide_input=True,
        confirmation_prompt=True,
        help="The new password (asked for, hidden, when not given).",
    ),
    as_user: str | None = as_option(),
) -> None:
    """Set a user's password (asked for twice); their web sessions end."""
    with connect() as conn:
        users.set_password(conn, name, password, actor=actor(conn, as_user))
    console.print(f"Password of {name!r} changed; their sessions have ended.")


@app.command("reset-password")
def reset_password_cli(
    name: str = typer.Argument(..., help="Username."), as_user: str | None = as_option()
) -> None:
    """Give a user a generated password and print it, once; their web sessions end."""
    with connect() as conn:
        user, password = users.reset_password(conn, name, actor=actor(conn, as_user))
    console.print(f"New password of {user.username!r} (shown only now):")
    typer.echo(password)


@tokens_app.command("create")
def token_create_cli(
    name: str = typer.Argument(..., help="Username the token acts as."),
    label: str = typer.Option("cli", "--label", help="What the token is for."),
    as_user: str | None = as_option(),
) -> None:
    """Create an API token for a user and print it, once."""
    with connect() as conn:
        token, secret = users.create_token(conn, name, label, actor=actor(conn, as_user))
    console.print(f"Token {token.id} for {name!r} (shown only now):")
    typer.echo(secret)


@tokens_app.command("list")
def token_list_cli(
    name: str | None = typer.Argument(None, help="Only this user's tokens."),
) -> None:
    """List API tokens (never the tokens themselves)."""
    with connect() as conn:
        rows = users.list_tokens(conn, name)
    table = Table("id", "user", "label", "created", "last used", "revoked")
    for t in rows:
        stamps = [t.created_at, t.last_used_at, t.revoked_at]
        cells = [s.strftime("%Y-%m-%d %H:%M") if s else "" for s in stamps]
        table.add_row(str(t.id), t.username, t.name, *cells)
    console.print(table)


@tokens_app.command("revoke")
def token_revoke_cli(
    token_id: int = typer.Argument(..., help="Token id from 'tokens list'."),
    as_user: str | None = as_option(),
) -> None:
    """Stop an API token from working."""
    with connect() as conn:
        users.revoke_token(conn, token_id, actor=actor(conn, as_user))
    console.print(f"Revoked token {token_id}.")


def serve_cli(
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on."),
    port: int = typer.Option(8000, "--port", help="Port to listen on."),
    shutdown_timeout: int = typer.Option(
        DEFAULT_SHUTDOWN_TIMEOUT,
        "--shutdown-timeout",
        help="Seconds requests in flight get after SIGTERM or Ctrl+C; then they are cut off.",
    ),
    workers: int = typer.Option(
        1,
        "--workers",
        min=1,
        help="Server processes sharing the port (about one per CPU core); each has its own "
        "database connections.",
    ),
) -> None:
    """Serve the web application and the JSON API over the database `wpstrack init` made
    (migrated first if older); refuses to start on a missing one.

    On SIGTERM or Ctrl+C the server stops taking requests, lets those in flight finish
    for --shutdown-timeout seconds, cancels the rest and exits. With --workers N, N
    processes serve the same port (SQLite in WAL mode and PostgreSQL both take writers
    from several processes); they share the session key of WPSTRACK_SECRET_KEY or the data dir.
    """
    from wpstrack.db import existing_engine, shown_url
    from wpstrack.extract.warm_up import warm_up
    from wpstrack.web import create_app
    from wpstrack.web.server import serve, serve_workers
    from wpstrack.web.sessions import check_serving_address, session_secret

    settings = load_settings()
    warning = check_serving_address(settings, host)
    if warning:
        err_console.print(f"[bold red]warning:[/bold red] {warning}", highlight=False)
    engine = existing_engine(settings)  # refuses a missing database, migrates an old one
    shown = shown_url(settings.effective_database_url)
    if workers > 1:
        engine.dispose()  # each worker opens its own
        session_secret(settings)  # made once here, not raced for by the workers
        console.print(f"Serving http://{host}:{port}/ from {workers} processes (database: {shown})")
        serve_workers(host=host, port=port, shutdown_timeout=shutdown_timeout, workers=workers)
        return
    app = create_app(settings, engine=engine)
    warm_up()
    console.print(f"Serving http://{host}:{port}/  (database: {shown})")
    serve(app, host=host, port=port, shutdown_timeout=shutdown_timeout)


def register(root: typer.Typer) -> None:
    """Add ``serve`` to the top-level app."""
    root.command("serve")(serve_cli)
