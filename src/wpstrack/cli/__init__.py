"""The ``wpstrack`` command line: a thin shell over the domain modules.

Each command parses its arguments, opens a transaction, calls one domain function and prints
the result. Errors from ``wpstrack.errors`` become a one-line message on stderr and the
error's exit code; nothing else is caught.
"""

from __future__ import annotations

import typer

from wpstrack.cli import (
    backup,
    demo,
    documents,
    exports,
    funding,
    indicators,
    narratives,
    plans,
    report,
    review,
    search,
    setup,
    users,
)
from wpstrack.cli.common import ReportingGroup, run_app

app = typer.Typer(
    name="wpstrack",
    help="Monitor how governments implement the Women, Peace and Security agenda.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    cls=ReportingGroup,
)
setup.register(app)
documents.register(app)
app.add_typer(plans.app, name="plans")
app.add_typer(indicators.app, name="indicators")
app.add_typer(funding.app, name="funding")
app.add_typer(narratives.app, name="narrative")
app.add_typer(users.app, name="users")
app.add_typer(users.tokens_app, name="tokens")
app.add_typer(review.app, name="review")
users.register(app)
report.register(app)
exports.register(app)
demo.register(app)
search.register(app)
backup.register(app)


def main() -> None:
    """Entry point of the ``wpstrack`` console script."""
    run_app(app)
