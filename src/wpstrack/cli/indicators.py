"""``wpstrack indicators``: enter and list indicator values."""

import typer

app = typer.Typer(help="Indicator values per period, with disaggregation.")
