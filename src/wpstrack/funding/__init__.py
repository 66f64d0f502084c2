"""Funding: the contribution register, user-supplied exchange rates, totals and trends.

A contribution is one commitment or disbursement from a donor organisation to a recipient
organisation, in its own currency, dated, optionally tied to a pillar, a plan measure or an
activity, and scored on the OECD DAC gender equality policy marker (0 not targeted,
1 significant, 2 principal). Contributions arrive from CSV or XLSX files whose dry run says
row by row what the real run will create, update or reject; totals are converted into one
reporting currency with rates the user imports, never fetched and never guessed.

The CLI (``wpstrack funding``), the web pages and the annual report call these functions.
"""

from importlib import resources

from wpstrack.funding.contributions import (
    COLUMNS,
    get_contribution,
    import_contributions,
    import_contributions_file,
    list_contributions,
    plan_contributions,
)
from wpstrack.funding.model import (
    DEFAULT_CURRENCY,
    GENDER_MARKERS,
    TRANSACTION_TYPES,
    Contribution,
    ContributionFilter,
    FundingSummary,
    FundingTrends,
    ImportReport,
    MissingRateItem,
    RowOutcome,
    SummaryGroup,
    Trend,
    TrendPoint,
)
from wpstrack.funding.rates import (
    Converter,
    import_rates,
    import_rates_file,
    list_rates,
    rate_table,
    reporting_currencies,
)
from wpstrack.funding.summary import (
    DEFAULT_THRESHOLD,
    DIMENSIONS,
    funding_overview,
    funding_trends,
    summarise,
)

SAMPLES = ("contributions.csv", "exchange_rates.csv")


def sample_data(name: str) -> bytes:
    """An illustrative sample file shipped in the package (invented figures, marked so)."""
    if name not in SAMPLES:
        raise ValueError(f"no sample {name!r}; samples: {', '.join(SAMPLES)}")
    return resources.files("wpstrack").joinpath("sample", name).read_bytes()


__all__ = [
    "COLUMNS",
    "DEFAULT_CURRENCY",
    "DEFAULT_THRESHOLD",
    "DIMENSIONS",
    "GENDER_MARKERS",
    "SAMPLES",
    "TRANSACTION_TYPES",
    "Contribution",
    "ContributionFilter",
    "Converter",
    "FundingSummary",
    "FundingTrends",
    "ImportReport",
    "MissingRateItem",
    "RowOutcome",
    "SummaryGroup",
    "Trend",
    "TrendPoint",
    "funding_overview",
    "funding_trends",
    "get_contribution",
    "import_contributions",
    "import_contributions_file",
    "import_rates",
    "import_rates_file",
    "list_contributions",
    "list_rates",
    "plan_contributions",
    "rate_table",
    "reporting_currencies",
    "sample_data",
    "summarise",
]
