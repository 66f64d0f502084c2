"""The declarative formula of a computed indicator: data, validated, never evaluated as code.

A formula is a small JSON (or YAML) mapping stored in ``indicator.formula``::

    {"measure": "count_activities",
     "filters": {"type": ["dialogue"], "pillar": ["participation"], "plan_item": ["1.2"],
                 "organisation": ["unwomen"], "country": ["JP"],
                 "status": ["reviewed", "published"]},
     "period": "year"}

``measure`` says what is counted or summed; ``filters`` narrow the register (each list is
"any of", the fields combine with AND); ``period`` is ``year`` (calendar years, "2024") or
``fiscal_year`` (Japanese fiscal years April to March, "FY2024"). Funding sums take their
own filters (recipient, pillar, gender marker, transaction type) and a reporting currency.
Unknown keys are refused so that a typo cannot silently widen what is counted.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from wpstrack import schema
from wpstrack.errors import InvalidInput

MEASURES = ("count_activities", "share_women_named", "distinct_un_entities", "funding_sum")
PERIODS = ("year", "fiscal_year")
Status = Literal["reviewed", "published"]
COUNTED_STATUSES: tuple[Status, ...] = schema.COUNTED_STATUSES


def _as_list(value: Any) -> Any:
    """A single value is accepted where a list is expected ("pillar": "protection")."""
    if value is None:
        return []
    if isinstance(value, str | int):
        return [value]
    return value


class ActivityFilters(BaseModel):
    """Which register entries count; an empty list does not narrow."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    type: list[str] = Field(default_factory=list)
    pillar: list[str] = Field(default_factory=list)
    plan_item: list[str] = Field(default_factory=list)
    organisation: list[str] = Field(default_factory=list)
    country: list[str] = Field(default_factory=list)
    # A draft never counts: nothing reaches the register without a review decision.
    status: list[Status] = Field(default_factory=lambda: list(COUNTED_STATUSES))

    @field_validator(
        "type", "pillar", "plan_item", "organisation", "country", "status", mode="before"
    )
    @classmethod
    def _listify(cls, value: Any) -> Any:
        return [str(v) for v in _as_list(value)] if not isinstance(value, list) else value

    @field_validator("country")
    @classmethod
    def _upper(cls, value: list[str]) -> list[str]:
        return [v.strip().upper() for v in value]

    @field_validator("status")
    @classmethod
    def _not_empty(cls, value: list[Status]) -> list[Status]:
        return value or list(COUNTED_STATUSES)


class FundingFilters(BaseModel):
    """Which contributions a funding sum adds up."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    recipient: str | None = None
    donor: str | None = None
    pillar: str | None = None
    gender_marker_at_least: int | None = Field(default=None, ge=0, le=2)
    transaction_type: Literal["commitment", "disbursement"] = "disbursement"


class Formula(BaseModel):
    """A validated formula; build it with :func:`parse_formula`."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    measure: Literal["count_activities", "share_women_named", "distinct_un_entities", "funding_sum"]
    filters: dict[str, Any] = Field(default_factory=dict)
    period: Literal["year", "fiscal_year"] = "year"
    currency: str = Field(default="USD", min_length=3, max_length=3)

    def activity_filters(self) -> ActivityFilters:
        return ActivityFilters.model_validate(self.filters)

    def funding_filters(self) -> FundingFilters:
        return FundingFilters.model_validate(self.filters)


def _describe(exc: ValidationError, prefix: str = "") -> str:
    parts = []
    for err in exc.errors():
        where = prefix + ".".join(str(p) for p in err["loc"]) or "formula"
        parts.append(f"{where}: {err['msg']}")
    return "; ".join(parts)


def parse_formula(data: Any, where: str | None = None) -> Formula:
    """Check ``data`` (a mapping) and return the formula; InvalidInput names each problem."""
    if not isinstance(data, dict):
        raise InvalidInput(
            f"a formula is a mapping such as {{measure: count_activities}}, "
            f"not {type(data).__name__}",
            where,
        )
    try:
        formula = Formula.model_validate(data)
    except ValidationError as exc:
        raise InvalidInput(f"invalid formula: {_describe(exc)}", where) from None
    # Filters are checked against the measure they belong to, so an activity filter on a
    # funding sum (or the reverse) is refused rather than ignored.
    try:
        if formula.measure == "funding_sum":
            formula.funding_filters()
        else:
            formula.activity_filters()
    except ValidationError as exc:
        raise InvalidInput(f"invalid formula: {_describe(exc, 'filters.')}", where) from None
    return formula


def formula_data(formula: Formula) -> dict[str, Any]:
    """The formula as stored: defaults written out so that the stored form is canonical."""
    data = formula.model_dump()
    if formula.measure == "funding_sum":
        data["filters"] = formula.funding_filters().model_dump(exclude_none=True)
    else:
        data["filters"] = {k: v for k, v in formula.activity_filters().model_dump().items() if v}
        data.pop("currency")
    return data
