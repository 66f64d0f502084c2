"""``wpstrack plans``: list, show, import and export action plans."""

import typer

app = typer.Typer(help="Action plans: pillars, objectives, measures and indicators.")
