"""What an annual implementation report holds: plain data, built from the database alone.

The renderers (HTML, Markdown, PDF, DOCX) only lay these values out; every figure is computed
once, in :mod:`wpstrack.reports.build` and :mod:`wpstrack.reports.figures`, so the formats
cannot disagree with each other. Nothing here carries a wall-clock time: the same database
gives the same report.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from wpstrack.errors import InvalidInput

_PERIOD = re.compile(r"^(FY)?(\d{4})$", re.IGNORECASE)


@dataclass(frozen=True)
class Period:
    """A reporting period: a calendar year ("2024") or a Japanese fiscal year ("FY2024").

    The fiscal year runs from April to March, as in the indicator formulas. Contributions
    count in ``year`` (their own reporting year column) in both cases.
    """

    label: str
    year: int
    start: date
    end: date

    @classmethod
    def parse(cls, text: str) -> Period:
        """``2024`` or ``FY2024``; anything else is refused with an example."""
        match = _PERIOD.match(text.strip())
        if match is None:
            raise InvalidInput(
                f"period {text!r} is not a year: write 2024 (calendar) or FY2024 (April-March)"
            )
        year = int(match.group(2))
        if match.group(1):
            return cls(f"FY{year}", year, date(year, 4, 1), date(year + 1, 3, 31))
        return cls(str(year), year, date(year, 1, 1), date(year, 12, 31))

    @property
    def description(self) -> str:
        """The dates the period covers, in words."""
        return f"{self.start:%d %B %Y} to {self.end:%d %B %Y}"


@dataclass
class NarrativeText:
    """The current text an editor wrote for a section, with who saved it and when."""

    text: str
    author: str | None
    saved_at: datetime


@dataclass
class PillarFunding:
    """A pillar's funding in the period and the year before, with the falling-funding flag
    :func:`wpstrack.funding.funding_trends` raises (commitments down by more than its
    threshold)."""

    currency: str
    commitment: Decimal
    disbursement: Decimal
    previous_commitment: Decimal | None  # None when the year before had nothing
    change_pct: Decimal | None
    falling: bool


@dataclass
class Citation:
    """The source release an activity was taken from."""

    document_id: int
    title: str | None
    publisher: str | None
    source: str | None  # a URL, or the file name for a file read from disk
    published_on: date | None


@dataclass
class ActivityEntry:
    """One register entry as the report lists it."""

    id: int
    date: date | None
    type: str
    title: str | None
    place: str | None
    status: str
    people: list[str] = field(default_factory=list)
    organisations: list[str] = field(default_factory=list)
    citation: Citation | None = None


@dataclass
class IndicatorRow:
    """An indicator's baseline, latest value and target, with the progress made."""

    code: str
    name: str
    unit: str
    direction: str
    method: str
    baseline: float | None
    baseline_period: str | None
    latest: float | None
    latest_period: str | None
    target: float | None
    target_period: str | None
    progress_pct: float | None  # share of the way from baseline to target, may pass 100


@dataclass
class ItemSection:
    """A plan item (area, objective or measure) with what was done under it."""

    code: str
    kind: str
    title: str
    depth: int
    activities: list[ActivityEntry] = field(default_factory=list)
    indicators: list[IndicatorRow] = field(default_factory=list)


@dataclass
class PillarSection:
    """A pillar (or, with ``code`` None, the plan's items under no pillar)."""

    code: str | None
    title: str
    description: str
    tagged_activities: int  # activities tagged with this pillar in the period
    items: list[ItemSection] = field(default_factory=list)
    # Tagged with the pillar but linked to none of the section's items.
    other_activities: list[ActivityEntry] = field(default_factory=list)
    narrative: NarrativeText | None = None
    funding: PillarFunding | None = None

    @property
    def indicators(self) -> list[IndicatorRow]:
        return [row for item in self.items for row in item.indicators]

    def activities(self) -> list[tuple[ActivityEntry, list[ItemSection]]]:
        """Each activity of the section once, in date order, with the items it is linked to
        (an activity linked to two measures is one activity, not two)."""
        found: dict[int, tuple[ActivityEntry, list[ItemSection]]] = {}
        for item in self.items:
            for a in item.activities:
                found.setdefault(a.id, (a, []))[1].append(item)
        for a in self.other_activities:
            found.setdefault(a.id, (a, []))
        return sorted(found.values(), key=lambda pair: (pair[0].date or date.min, pair[0].id))


@dataclass
class Count:
    """One line of a count: a key, its label and the number."""

    key: str
    label: str
    count: int


@dataclass
class MoneyLine:
    """Commitments and disbursements of one group, in the reporting currency."""

    key: str
    label: str
    commitment: Decimal
    disbursement: Decimal


@dataclass
class Figures:
    """The summary figures at the head of the report."""

    activities: int
    by_type: list[Count]
    by_pillar: list[Count]
    named_participants: int
    women: int
    gender_unknown: int
    women_share: float | None  # women / named participants, 0..1
    un_entities: list[Count]
    currency: str
    commitment: Decimal
    disbursement: Decimal
    funding_by_pillar: list[MoneyLine]
    funding_by_recipient: list[MoneyLine]
    missing_rates: list[str]  # "JPY 2024 (2 contributions)" left out for want of a rate


@dataclass
class AnnexLine:
    """A contribution scored significant or principal on the DAC gender marker."""

    date: date
    donor: str
    recipient: str
    amount: Decimal
    currency: str
    converted: Decimal | None  # in the report's currency; None when no rate exists
    gender_marker: int
    marker_label: str
    pillar: str | None
    transaction_type: str
    reference: str


@dataclass
class Annex:
    """Gender-targeted funding of the period, with totals per marker."""

    currency: str
    lines: list[AnnexLine]
    by_marker: list[MoneyLine]
    commitment: Decimal
    disbursement: Decimal


@dataclass
class Source:
    """A release the report's activities were taken from, as the annex of sources lists it."""

    document_id: int
    publisher: str | None
    title: str | None
    published_on: date | None
    url: str | None  # None for a file read from disk: it has no address to give


@dataclass
class Report:
    """The annual implementation report of one plan for one period."""

    plan_code: str
    plan_title: str
    edition: int | None
    country: str
    country_name: str
    plan_period: str | None
    period: Period
    figures: Figures
    sections: list[PillarSection]
    unlinked: list[ActivityEntry]  # in the period, tagged with no pillar and no plan item
    indicators_without_item: list[IndicatorRow]
    annex: Annex
    notes: list[str] = field(default_factory=list)
    language: str = "en"  # of the names below and of the words the renderers write
    government: str = ""  # "Government of Japan", 日本国政府
    ministry: str | None = None  # the ministry that leads the plan, when the data says
    summary: NarrativeText | None = None  # the executive summary an editor wrote
    sources: list[Source] = field(default_factory=list)
    falling: list[str] = field(default_factory=list)  # pillars whose funding fell
    fictional: bool = False  # an invented government's plan: every page must say so
