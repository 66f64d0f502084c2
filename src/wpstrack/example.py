"""The demo's fictional example: a whole plan of an invented government, monitored end to end.

Japan's plans carry only published facts, so they have no indicators, values or funding to
show. The example plan ``EX-NAP1`` of Examplia, a fictional government (country code ``XE``,
one ISO 3166 reserves for users), shows what monitoring looks like when a plan is complete:
pillars, objectives, measures, indicators with baselines, targets and a breakdown by sex, two
years of values entered and approved, and contributions with DAC purpose codes and recipient
countries. Every file it comes from says it is invented, and the plan carries
``fictional: true`` so that each page showing it says so too.

It goes in through the product's own functions, as a user's data would: the plan through
:func:`wpstrack.plans.save_plan`, the values through the indicator importer and the approval
step, the contributions through the funding importer; every row is audited under the actor
given (``demo``). It is loaded by ``wpstrack demo`` only, never by ``wpstrack init``, and
only when the plan is absent: a user who edited the example keeps their edits.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib import resources
from typing import Any

from sqlalchemy import Connection, select

from wpstrack import audit, funding, indicators, plans, schema
from wpstrack.plans.model import Plan
from wpstrack.plans.yamlform import parse_yaml
from wpstrack.reference import read_yaml

PLAN = "EX-NAP1"
PERIODS = ("2024", "2025")
VALUES = "example_values.csv"
CONTRIBUTIONS = "example_contributions.csv"
ORGANISATIONS = "example_organisations.yaml"
NARRATIVES = "example_narratives.yaml"


@dataclass
class Loaded:
    """What :func:`load_example` wrote (all zero when the example was there already)."""

    plan: bool = False
    organisations: int = 0
    values: int = 0
    approved: int = 0
    contributions: int = 0
    periods: list[str] = field(default_factory=list)


def _sample(name: str) -> bytes:
    return resources.files("wpstrack").joinpath("sample", name).read_bytes()


def example_plan() -> Plan:
    """The fictional plan as shipped beside Japan's plans in ``wpstrack/reference/plans``."""
    folder = resources.files("wpstrack.reference").joinpath("plans")
    text = folder.joinpath(f"{PLAN}.yaml").read_text(encoding="utf-8")
    return parse_yaml(text, f"wpstrack/reference/plans/{PLAN}.yaml")


def narratives() -> list[dict[str, Any]]:
    """The example's report narratives: plan, period, section (summary or a pillar), text."""
    entries = read_yaml(_sample(NARRATIVES).decode("utf-8"))
    return [dict(e) for e in entries]


def _organisations(conn: Connection, actor: str | None) -> int:
    """The invented bodies the contributions name, added when missing."""
    org = schema.organisation
    present = set(conn.execute(select(org.c.code)).scalars())
    added = 0
    for entry in read_yaml(_sample(ORGANISATIONS).decode("utf-8")):
        if entry["code"] in present:
            continue
        audit.insert(conn, actor, org, dict(entry), action="import")
        added += 1
    return added


def load_example(conn: Connection, actor: str | None = "demo") -> Loaded:
    """Load the fictional plan with its values (approved) and contributions, if absent.

    Returns what was written. When ``EX-NAP1`` is already stored nothing is touched, so
    running the demo again never overwrites what a user entered or corrected.
    """
    loaded = Loaded()
    if conn.execute(select(schema.plan.c.id).where(schema.plan.c.code == PLAN)).first():
        return loaded
    loaded.organisations = _organisations(conn, actor)
    plans.save_plan(conn, example_plan(), actor=actor)
    loaded.plan = True
    report = indicators.import_values(conn, PLAN, _sample(VALUES), VALUES, actor=actor)
    loaded.values = report.count("create")
    for period in PERIODS:
        loaded.approved += indicators.approve_period(conn, PLAN, period, actor=actor)
    loaded.periods = list(PERIODS)
    imported = funding.import_contributions(
        conn, _sample(CONTRIBUTIONS), CONTRIBUTIONS, fmt="csv", actor=actor
    )
    loaded.contributions = imported.count("create")
    return loaded
