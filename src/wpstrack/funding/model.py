"""What the funding functions return: plain pydantic models, shared by CLI, web and reports.

Money is ``Decimal`` throughout and serialises to a JSON string ("1250000.00"), so no total
is ever rounded by a float on its way to a page or a report.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, field_validator

Action = Literal["create", "update", "unchanged", "reject"]
TRANSACTION_TYPES = ("commitment", "disbursement")
# OECD DAC gender equality policy marker.
GENDER_MARKERS = {0: "not targeted", 1: "significant", 2: "principal"}
DEFAULT_CURRENCY = "USD"


class RowOutcome(BaseModel):
    """What an import does (or would do) with one row of the file."""

    row: int
    action: Action
    key: str | None = None  # the natural key, readable
    id: int | None = None  # the record's id; for a create, known after the real run only
    values: dict[str, Any] | None = None  # the record as it will be stored
    changes: dict[str, list[Any]] | None = None  # column -> [stored, incoming], for updates
    reason: str | None = None  # why a row is rejected


class ImportReport(BaseModel):
    """The outcome of an import or its dry run, row by row."""

    file: str
    table: str
    dry_run: bool
    rows: list[RowOutcome]

    def count(self, action: Action) -> int:
        return sum(1 for r in self.rows if r.action == action)

    @property
    def counts(self) -> dict[str, int]:
        return {a: self.count(a) for a in ("create", "update", "unchanged", "reject")}

    def of(self, action: Action) -> list[RowOutcome]:
        return [r for r in self.rows if r.action == action]

    def as_json(self) -> dict[str, Any]:
        return {**self.model_dump(mode="json"), "counts": self.counts}


class Contribution(BaseModel):
    """A contribution in the register, with its organisations' codes where resolved."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    donor_code: str | None
    donor_name: str
    recipient_code: str | None
    recipient_name: str
    amount: Decimal
    currency: str
    date: date
    year: int
    pillar_code: str | None
    gender_marker: int | None
    transaction_type: str
    reference: str
    plan_item_id: int | None
    activity_id: int | None
    source: str | None
    note: str | None
    purpose_code: str | None = None
    recipient_country: str | None = None
    version: int


class ContributionFilter(BaseModel):
    """What to narrow the register to; fields combine with AND.

    ``donor`` and ``recipient`` take an organisation code, name or alias (resolved as the
    importer does) or else match part of the name as written.
    """

    donor: str | None = None
    recipient: str | None = None
    pillar: str | None = None
    year_from: int | None = None
    year_to: int | None = None
    gender_marker: int | None = None
    # 1 keeps significant and principal: the report's annex of gender-targeted funding.
    gender_marker_at_least: int | None = None
    transaction_type: str | None = None
    currency: str | None = None
    # A plan code: what its government's bodies give, and what is tied to its items.
    plan: str | None = None

    @field_validator("*", mode="before")
    @classmethod
    def _blank_is_none(cls, value: Any) -> Any:
        # A GET form sends the filters it does not use as empty strings: "any".
        return None if isinstance(value, str) and not value.strip() else value


class SummaryGroup(BaseModel):
    """One line of a summary: commitments and disbursements are never added together."""

    key: str | int | None
    label: str
    commitment: Decimal
    disbursement: Decimal
    contributions: int


class MissingRateItem(BaseModel):
    currency: str
    year: int
    contributions: int


class FundingSummary(BaseModel):
    """Totals in one reporting currency, grouped by one dimension."""

    by: str
    currency: str
    groups: list[SummaryGroup]
    commitment: Decimal
    disbursement: Decimal
    contributions: int
    # Only when the caller asked for partial totals: what was left out for want of a rate.
    missing_rates: list[MissingRateItem]


class TrendPoint(BaseModel):
    """One year of one recipient or pillar, and its change from the year before."""

    year: int
    amount: Decimal
    change: Decimal | None  # None for the first year
    change_pct: Decimal | None  # None when the year before had nothing
    falling: bool


class Trend(BaseModel):
    dimension: str  # recipient | pillar
    key: str | None
    label: str
    points: list[TrendPoint]
    falling_latest: bool  # the last year fell by more than the threshold


class FundingTrends(BaseModel):
    """Year-on-year change per recipient and per pillar, with falling funding flagged.

    A year is *falling* when the year before had funding and this year's amount is lower by
    more than ``threshold`` (a fraction: 0.10 is ten per cent). A year with nothing after a
    year with something is a fall of 100%.
    """

    currency: str
    transaction_type: str
    threshold: Decimal
    year_from: int | None
    year_to: int | None
    recipients: list[Trend]
    pillars: list[Trend]
    missing_rates: list[MissingRateItem]
