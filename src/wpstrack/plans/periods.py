"""Reporting periods: what a plan counts in, written one way and checked on entry.

A plan declares its period type once: calendar years (``2024``), fiscal years (``FY2024``,
the year in which the fiscal year starts, with the plan's start month: April for Japan's
government) or quarters (``2024-Q1``). Every baseline, target and value of the plan is
written in that type, so periods compare as the same kind of thing: a quarter is never
measured against an annual target (which showed ``2024-Q1`` as −70 % of the 2024 target).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from wpstrack.errors import InvalidInput

PERIOD_TYPES = ("calendar_year", "fiscal_year", "quarter")

# Years a monitoring period can name: the first WPS resolution is from 2000; plans with
# baselines a decade earlier exist, and targets run a few plan cycles ahead.
FIRST_YEAR, LAST_YEAR = 1990, 2100

_EXAMPLE = {"calendar_year": "2024", "fiscal_year": "FY2024", "quarter": "2024-Q1"}
_PATTERN = {
    "calendar_year": re.compile(r"(\d{4})"),
    "fiscal_year": re.compile(r"FY(\d{4})", re.IGNORECASE),
    "quarter": re.compile(r"(\d{4})-Q([1-4])", re.IGNORECASE),
}


@dataclass(frozen=True)
class Period:
    """One period of a plan: its canonical label and the days it covers."""

    label: str
    kind: str
    year: int
    start: date
    end: date  # last day, inclusive


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + (day.month - 1) + months
    return date(index // 12, index % 12 + 1, 1)


def parse(text: str, period_type: str = "calendar_year", fiscal_year_start: int = 1) -> Period:
    """The period ``text`` names in a plan of ``period_type``; InvalidInput says why not.

    ``fiscal_year_start`` is the month (1–12) a fiscal year begins; ``FY2024`` is the fiscal
    year that starts in that month of 2024 (Japan's FY2024: 1 April 2024 – 31 March 2025).
    """
    if period_type not in PERIOD_TYPES:
        raise InvalidInput(f"period type {period_type!r} is not one of {', '.join(PERIOD_TYPES)}")
    cleaned = (text or "").strip()
    match = _PATTERN[period_type].fullmatch(cleaned)
    if match is None:
        raise InvalidInput(
            f"period {text!r} is not a {period_type.replace('_', ' ')} "
            f"(write it like {_EXAMPLE[period_type]})"
        )
    year = int(match.group(1))
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise InvalidInput(f"period {text!r}: the year must be from {FIRST_YEAR} to {LAST_YEAR}")
    if period_type == "calendar_year":
        start = date(year, 1, 1)
        months = 12
        label = str(year)
    elif period_type == "fiscal_year":
        if not 1 <= fiscal_year_start <= 12:
            raise InvalidInput(f"fiscal year start month {fiscal_year_start} is not 1 to 12")
        start = date(year, fiscal_year_start, 1)
        months = 12
        label = f"FY{year}"
    else:
        quarter = int(match.group(2))
        start = date(year, 3 * (quarter - 1) + 1, 1)
        months = 3
        label = f"{year}-Q{quarter}"
    end = date.fromordinal(_add_months(start, months).toordinal() - 1)
    return Period(label=label, kind=period_type, year=year, start=start, end=end)


def example(period_type: str) -> str:
    """How a period of this type is written, for forms and error messages."""
    return _EXAMPLE.get(period_type, "2024")


def plan_periods(
    period_type: str, first_year: int | None, last_year: int | None, fiscal_year_start: int = 1
) -> list[Period]:
    """Every period a plan covers, in order (for the entry form's period choice)."""
    if first_year is None or last_year is None:
        return []
    labels = {
        "calendar_year": lambda year: [str(year)],
        "fiscal_year": lambda year: [f"FY{year}"],
        "quarter": lambda year: [f"{year}-Q{q}" for q in range(1, 5)],
    }[period_type]
    return [
        parse(label, period_type, fiscal_year_start)
        for year in range(first_year, last_year + 1)
        for label in labels(year)
    ]
