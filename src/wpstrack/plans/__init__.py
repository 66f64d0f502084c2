"""Action plans: their files (YAML, CSV, XLSX), their storage, and the example plans.

A plan file is parsed into a :class:`~wpstrack.plans.model.Plan`, checked completely (file
syntax, types, codes, tree, pillars, organisations), and only then written, so a bad file
never leaves half a plan behind. Export writes the stored plan back in any of the three
forms; exporting, importing into another database and exporting again gives the same bytes
for YAML and CSV.
"""

from __future__ import annotations

from collections.abc import Callable
from importlib import resources
from pathlib import Path

from sqlalchemy import Connection, select

from wpstrack import schema
from wpstrack.errors import InvalidInput
from wpstrack.plans.diff import PlanDiff
from wpstrack.plans.model import Indicator, Item, Plan, Target
from wpstrack.plans.store import fictional_codes, plan_changes, plan_summaries, read_plan, save_plan
from wpstrack.plans.tables import dump_csv, dump_xlsx, parse_csv, parse_xlsx
from wpstrack.plans.yamlform import dump_yaml, parse_yaml
from wpstrack.reference.sync import SyncResult

__all__ = [
    "FORMATS",
    "Indicator",
    "Item",
    "Plan",
    "PlanDiff",
    "Target",
    "example_plans",
    "export_plan",
    "fictional_codes",
    "format_of",
    "import_plan",
    "load_examples",
    "parse_plan",
    "plan_changes",
    "plan_summaries",
    "read_plan",
    "read_plan_file",
    "save_plan",
]

FORMATS = ("yaml", "csv", "xlsx")
EXAMPLES = ("JP-NAP1", "JP-NAP2", "JP-NAP3")

_PARSERS: dict[str, Callable[[bytes, str], Plan]] = {
    "yaml": lambda data, name: parse_yaml(_text(data, name), name),
    "csv": parse_csv,
    "xlsx": parse_xlsx,
}


def _text(data: bytes, name: str) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InvalidInput(f"not UTF-8 text (byte {exc.start} cannot be decoded)", name) from None


def format_of(path: Path, fmt: str | None = None) -> str:
    """The plan format named by ``fmt`` or, failing that, by the file's extension."""
    name = (fmt or path.suffix.lstrip(".")).lower()
    name = {"yml": "yaml"}.get(name, name)
    if name not in FORMATS:
        raise InvalidInput(
            f"cannot tell the plan format from {path.name!r}; use a .yaml, .csv or .xlsx "
            "file or give the format",
            str(path),
        )
    return name


def parse_plan(data: bytes, name: str, fmt: str) -> Plan:
    """Parse and check plan file contents in ``fmt``; ``name`` is used in error messages."""
    return _PARSERS[fmt](data, name)


def read_plan_file(path: Path, fmt: str | None = None) -> Plan:
    """Parse and check a plan file (no database)."""
    fmt = format_of(path, fmt)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InvalidInput(f"cannot read the file: {exc.strerror}", str(path)) from None
    return parse_plan(data, str(path), fmt)


def import_plan(
    conn: Connection,
    path: Path,
    *,
    fmt: str | None = None,
    replace: bool = False,
    force: bool = False,
    actor: str | None = None,
) -> tuple[str, Plan]:
    """Import a plan file: returns ("inserted" | "updated" | "unchanged", the plan)."""
    plan = read_plan_file(path, fmt)
    return save_plan(conn, plan, replace=replace, force=force, actor=actor), plan


def export_plan(conn: Connection, code: str, fmt: str) -> bytes:
    """The stored plan ``code`` as the bytes of a ``fmt`` file."""
    plan = read_plan(conn, code)
    if fmt == "xlsx":
        return dump_xlsx(plan)
    if fmt == "csv":
        return dump_csv(plan).encode("utf-8")
    if fmt == "yaml":
        return dump_yaml(plan).encode("utf-8")
    raise InvalidInput(f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}")


def example_plans() -> list[Plan]:
    """Japan's three National Action Plans, as shipped in ``wpstrack/reference/plans``."""
    folder = resources.files("wpstrack.reference").joinpath("plans")
    return [
        parse_yaml(
            folder.joinpath(f"{code}.yaml").read_text(encoding="utf-8"),
            f"wpstrack/reference/plans/{code}.yaml",
        )
        for code in EXAMPLES
    ]


def load_examples(conn: Connection, actor: str | None = None) -> SyncResult:
    """Load the example plans that are absent; a plan already present is left as it is.

    Users edit the example plans (``plans import --replace``) and hang their work on them:
    recorded values, activity links. Reloading the shipped version over an edited plan
    would delete that work by cascade, so ``init`` and ``demo`` only ever add a missing
    plan; the stored one counts as unchanged even when it differs from the shipped file.
    """
    result = SyncResult("plan")
    present = set(conn.execute(select(schema.plan.c.code)).scalars())
    for plan in example_plans():
        if plan.code in present:
            result.unchanged += 1
            continue
        save_plan(conn, plan, actor=actor)
        result.inserted += 1
    return result
