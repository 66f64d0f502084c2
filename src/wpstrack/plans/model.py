"""The plan model: what a plan file holds, checked field by field before anything is written.

A :class:`Plan` is the canonical, format-free form of an action plan. Every file format
(YAML, CSV, XLSX) is parsed into it and written from it, so "export then import reproduces
the plan" reduces to equality of two ``Plan`` values. Each part remembers where it was read
(``where``: file and line or row) so that a later check, such as an unknown pillar found
against the database, can still name the exact place in the file.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from wpstrack.errors import InvalidInput
from wpstrack.plans import periods

KINDS = ("area", "objective", "measure")
PERIOD_TYPES = periods.PERIOD_TYPES
DIRECTIONS = ("increase", "decrease", "maintain")
METHODS = ("manual", "computed")

# Column widths from wpstrack.schema, checked here so that PostgreSQL never refuses a row
# halfway through an import.
MAX_LENGTH = {
    "code": 40,
    "country": 2,
    "title": 300,
    "period_note": 200,
    "unit": 40,
    "disaggregation": 40,
    "period": 20,
    "baseline_period": 20,
}


@dataclass
class Target:
    """The value an indicator should reach in a period."""

    period: str
    value: float
    note: str | None = None
    where: str = field(default="", compare=False, repr=False)


@dataclass
class Indicator:
    """How progress on a plan (or one of its items) is measured."""

    code: str
    name: str
    unit: str = "count"
    direction: str = "increase"
    method: str = "manual"
    disaggregation: str | None = None
    baseline_value: float | None = None
    baseline_period: str | None = None
    description: str | None = None
    item: str | None = None
    min_value: float | None = None
    max_value: float | None = None
    parts_sum_to_total: bool = False
    targets: list[Target] = field(default_factory=list)
    formula: dict[str, Any] | None = None  # computed indicators: see wpstrack.indicators
    where: str = field(default="", compare=False, repr=False)


@dataclass
class Item:
    """A node of the plan tree: an area, an objective or a measure."""

    code: str
    kind: str
    title: str
    description: str | None = None
    pillar: str | None = None
    organisations: list[str] = field(default_factory=list)
    children: list[Item] = field(default_factory=list)
    where: str = field(default="", compare=False, repr=False)


@dataclass
class Plan:
    """An action plan with its tree of items and its indicators."""

    code: str
    country: str
    title: str
    edition: int | None = None
    adopted_on: date | None = None
    period_start: int | None = None
    period_end: int | None = None
    period_note: str | None = None
    source: str | None = None
    period_type: str = "calendar_year"
    fiscal_year_start: int | None = None
    fictional: bool = False  # an invented government's plan (the demo's example)
    items: list[Item] = field(default_factory=list)
    indicators: list[Indicator] = field(default_factory=list)
    where: str = field(default="", compare=False, repr=False)

    def walk(self) -> Iterator[tuple[Item, Item | None, int]]:
        """Every item in pre-order (parents before children) with its parent and position."""

        def visit(
            items: list[Item], parent: Item | None
        ) -> Iterator[tuple[Item, Item | None, int]]:
            for position, item in enumerate(items):
                yield item, parent, position
                yield from visit(item.children, item)

        return visit(self.items, None)


PLAN_FIELDS = (
    "code",
    "country",
    "title",
    "edition",
    "adopted_on",
    "period_start",
    "period_end",
    "period_note",
    "source",
    "period_type",
    "fiscal_year_start",
    "fictional",
)
ITEM_FIELDS = ("code", "kind", "title", "description", "pillar", "organisations")
INDICATOR_FIELDS = (
    "code",
    "name",
    "description",
    "item",
    "unit",
    "direction",
    "method",
    "disaggregation",
    "baseline_value",
    "baseline_period",
    "min_value",
    "max_value",
    "parts_sum_to_total",
)
TARGET_FIELDS = ("period", "value", "note")


class Fields:
    """Typed reads of one record (a YAML mapping or a table row) that name its location.

    ``label`` is "field" for YAML and "column" for tables, so the message matches what the
    user sees in the file.
    """

    def __init__(self, data: Mapping[str, Any], where: str, label: str = "field") -> None:
        self.data = data
        self.where = where
        self.label = label

    def fail(self, key: str, problem: str) -> InvalidInput:
        return InvalidInput(f"{self.label} {key!r}: {problem}", location=self.where)

    def raw(self, key: str, required: bool) -> Any:
        value = self.data.get(key)
        if isinstance(value, str):
            value = value.strip() or None
        if value is None and required:
            raise self.fail(key, "is required but missing or empty")
        return value

    def text(self, key: str, required: bool = False) -> str | None:
        value = self.raw(key, required)
        if value is None:
            return None
        if isinstance(value, bool | float):
            raise self.fail(key, f"{value!r} must be written as text (in quotes)")
        if not isinstance(value, str | int):
            raise self.fail(key, f"expected text, got {type(value).__name__}")
        value = str(value)
        limit = MAX_LENGTH.get(key)
        if limit is not None and len(value) > limit:
            raise self.fail(key, f"{value[:50]!r} is longer than {limit} characters")
        return value

    def required_text(self, key: str) -> str:
        value = self.text(key, required=True)
        assert value is not None  # guaranteed by required=True
        return value

    def integer(self, key: str) -> int | None:
        value = self.raw(key, False)
        if value is None:
            return None
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        if isinstance(value, str) and value.lstrip("-").isdigit():
            return int(value)
        raise self.fail(key, f"{value!r} is not a whole number")

    def number(self, key: str, required: bool = False) -> float | None:
        value = self.raw(key, required)
        if value is None:
            return None
        if isinstance(value, bool):
            raise self.fail(key, f"{value!r} is not a number")
        try:
            number = float(value)
        except (TypeError, ValueError):
            raise self.fail(key, f"{value!r} is not a number") from None
        if not math.isfinite(number):
            raise self.fail(key, f"{value!r} is not a finite number")
        return number

    def flag(self, key: str) -> bool:
        """A yes/no field: YAML booleans, or yes/no/true/false/1/0 from a table cell."""
        value = self.raw(key, False)
        if value is None or value == "":
            return False
        if isinstance(value, bool):
            return value
        if isinstance(value, int | float) and value in (0, 1):
            return bool(value)
        if isinstance(value, str) and value.strip().lower() in (
            "yes",
            "true",
            "1",
            "no",
            "false",
            "0",
        ):
            return value.strip().lower() in ("yes", "true", "1")
        raise self.fail(key, f"{value!r} is not yes or no")

    def day(self, key: str) -> date | None:
        value = self.raw(key, False)
        if value is None:
            return None
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        try:
            return date.fromisoformat(str(value))
        except ValueError:
            raise self.fail(key, f"{value!r} is not a date (YYYY-MM-DD)") from None

    def choice(self, key: str, choices: tuple[str, ...], default: str | None) -> str | None:
        value = self.text(key)
        if value is None:
            return default
        if value not in choices:
            raise self.fail(key, f"{value!r} is not one of {', '.join(choices)}")
        return value

    def names(self, key: str) -> list[str]:
        """A list of names: a YAML list, or one cell separated by semicolons."""
        value = self.data.get(key)
        if value is None:
            return []
        if isinstance(value, str):
            value = value.split(";")
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self.fail(key, "expected a list of names")
        return [v.strip() for v in value if v.strip()]

    def only(self, allowed: tuple[str, ...], what: str) -> None:
        """Refuse keys this kind of record does not have (a typo would otherwise be lost)."""
        for key in self.data:
            if key not in allowed:
                raise self.fail(
                    str(key), f"is not one of the {what}'s {self.label}s ({', '.join(allowed)})"
                )


def user_assigned(country: str) -> bool:
    """An ISO 3166-1 code reserved for users (AA, QM-QZ, XA-XZ, ZZ): no real country has one,
    so a fictional government can have a code that can never be mistaken for a real one."""
    return country in ("AA", "ZZ") or (
        len(country) == 2
        and country.isascii()
        and country.isalpha()
        and (country[0] == "X" or (country[0] == "Q" and country[1] >= "M"))
    )


def plan_from_fields(f: Fields) -> Plan:
    """The plan's own fields (without items and indicators)."""
    country = f.required_text("country").upper()
    fictional = f.flag("fictional")
    import pycountry

    if fictional:
        if not user_assigned(country):
            raise f.fail(
                "country",
                f"{country!r}: a fictional plan's country takes a code ISO 3166 reserves for "
                "users (AA, QM to QZ, XA to XZ, ZZ), so it is never taken for a real country",
            )
    elif pycountry.countries.get(alpha_2=country) is None:
        raise f.fail("country", f"{country!r} is not an ISO 3166 two-letter country code")
    plan = Plan(
        code=f.required_text("code"),
        country=country,
        title=f.required_text("title"),
        edition=f.integer("edition"),
        adopted_on=f.day("adopted_on"),
        period_start=f.integer("period_start"),
        period_end=f.integer("period_end"),
        period_note=f.text("period_note"),
        source=f.text("source"),
        period_type=f.choice("period_type", PERIOD_TYPES, "calendar_year") or "calendar_year",
        fiscal_year_start=f.integer("fiscal_year_start"),
        fictional=fictional,
        where=f.where,
    )
    if plan.period_start and plan.period_end and plan.period_start > plan.period_end:
        raise f.fail("period_end", f"{plan.period_end} is before period_start {plan.period_start}")
    if plan.period_type == "fiscal_year":
        if plan.fiscal_year_start is None:
            raise f.fail("fiscal_year_start", "is required for fiscal years: the month (1-12)")
        if not 1 <= plan.fiscal_year_start <= 12:
            raise f.fail("fiscal_year_start", f"{plan.fiscal_year_start} is not a month (1-12)")
    elif plan.fiscal_year_start is not None:
        raise f.fail("fiscal_year_start", "applies only to plans with period_type fiscal_year")
    return plan


def item_from_fields(f: Fields, default_kind: str | None) -> Item:
    kind = f.choice("kind", KINDS, default_kind)
    if kind is None:
        raise f.fail("kind", f"is required here; one of {', '.join(KINDS)}")
    return Item(
        code=f.required_text("code"),
        kind=kind,
        title=f.required_text("title"),
        description=f.text("description"),
        pillar=f.text("pillar"),
        organisations=f.names("organisations"),
        where=f.where,
    )


def indicator_from_fields(f: Fields) -> Indicator:
    direction = f.choice("direction", DIRECTIONS, "increase")
    method = f.choice("method", METHODS, "manual")
    assert direction is not None and method is not None  # defaults are given
    return Indicator(
        code=f.required_text("code"),
        name=f.required_text("name"),
        description=f.text("description"),
        item=f.text("item"),
        unit=f.text("unit") or "count",
        direction=direction,
        method=method,
        disaggregation=f.text("disaggregation"),
        baseline_value=f.number("baseline_value"),
        baseline_period=f.text("baseline_period"),
        min_value=f.number("min_value"),
        max_value=f.number("max_value"),
        parts_sum_to_total=f.flag("parts_sum_to_total"),
        where=f.where,
    )


def target_from_fields(f: Fields) -> Target:
    value = f.number("value", required=True)
    assert value is not None  # guaranteed by required=True
    return Target(period=f.required_text("period"), value=value, note=f.text("note"), where=f.where)


def _check_period(plan: Plan, period: str, what: str, where: str) -> None:
    """Baselines and targets are written in the plan's period type, like its values."""
    try:
        periods.parse(period, plan.period_type, plan.fiscal_year_start or 1)
    except InvalidInput as exc:
        raise InvalidInput(f"{what}: {exc.message}", location=where or plan.where) from None


def check_plan(plan: Plan) -> Plan:
    """Checks that need the whole plan: unique codes, the tree's order, indicator links."""
    seen: dict[str, str] = {}
    for item, parent, _ in plan.walk():
        if item.code in seen:
            raise InvalidInput(
                f"duplicate item code {item.code!r} (first defined at {seen[item.code]})",
                location=item.where,
            )
        seen[item.code] = item.where
        if parent is not None and KINDS.index(item.kind) <= KINDS.index(parent.kind):
            raise InvalidInput(
                f"item {item.code!r} is a {item.kind} and cannot sit under "
                f"{parent.kind} {parent.code!r} (the tree runs area > objective > measure)",
                location=item.where,
            )
    indicators: dict[str, str] = {}
    for ind in plan.indicators:
        if ind.code in indicators:
            raise InvalidInput(
                f"duplicate indicator code {ind.code!r} (first defined at {indicators[ind.code]})",
                location=ind.where,
            )
        indicators[ind.code] = ind.where
        if ind.item is not None and ind.item not in seen:
            raise InvalidInput(
                f"indicator {ind.code!r} is attached to unknown item {ind.item!r}",
                location=ind.where,
            )
        if (
            ind.min_value is not None
            and ind.max_value is not None
            and ind.min_value > ind.max_value
        ):
            raise InvalidInput(
                f"indicator {ind.code!r}: min_value {ind.min_value:g} is above "
                f"max_value {ind.max_value:g}",
                location=ind.where,
            )
        if ind.baseline_period is not None:
            _check_period(plan, ind.baseline_period, f"indicator {ind.code!r} baseline", ind.where)
        target_periods: set[str] = set()
        for target in ind.targets:
            _check_period(plan, target.period, f"indicator {ind.code!r} target", target.where)
            if target.period in target_periods:
                raise InvalidInput(
                    f"indicator {ind.code!r} has two targets for period {target.period!r}",
                    location=target.where or ind.where,
                )
            target_periods.add(target.period)
    return plan
