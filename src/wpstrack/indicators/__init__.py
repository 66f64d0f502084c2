"""Indicators: values entered by hand and values computed from the register.

- :mod:`~wpstrack.indicators.values`: manual values per period and sex, entered a period at
  a time under the plan's validation rules; corrections keep their history; approval;
- :mod:`~wpstrack.indicators.formula`: the declarative formula of a computed indicator;
- :mod:`~wpstrack.indicators.compute`: computing those values and storing them with the time
  of the refresh;
- :mod:`~wpstrack.indicators.progress`: progress against baseline and target, time series.

The CLI (``wpstrack indicators``), the web pages, the API and the annual report call these.
"""

from wpstrack.indicators.compute import COMPUTED_SOURCE, Computed, compute, refresh
from wpstrack.indicators.formula import MEASURES, Formula, formula_data, parse_formula
from wpstrack.indicators.importing import import_values
from wpstrack.indicators.progress import (
    approved_overview,
    overview,
    progress,
    series,
    target_for,
)
from wpstrack.indicators.values import (
    SEXES,
    EntryIn,
    EntryRejected,
    ValueIn,
    approve_period,
    entry_form,
    history,
    indicator_row,
    list_values,
    plan_period,
    plan_periods,
    record_period,
    record_value,
)

__all__ = [
    "COMPUTED_SOURCE",
    "MEASURES",
    "SEXES",
    "Computed",
    "EntryIn",
    "EntryRejected",
    "Formula",
    "ValueIn",
    "approve_period",
    "approved_overview",
    "compute",
    "entry_form",
    "formula_data",
    "history",
    "import_values",
    "indicator_row",
    "list_values",
    "overview",
    "parse_formula",
    "plan_period",
    "plan_periods",
    "progress",
    "record_period",
    "record_value",
    "refresh",
    "series",
    "target_for",
]
