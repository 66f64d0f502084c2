"""The funding register: import with a dry run, exchange rates, totals and trends."""

from __future__ import annotations

import io
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Connection, func, select

from wpstrack import funding, schema
from wpstrack.errors import InvalidInput, MissingRate

SAMPLE = Path(__file__).parent / "data" / "contributions_sample.csv"
HEADER = "donor,recipient,amount,currency,date,transaction_type,year,pillar,gender_marker,reference"
RATES = (
    b"currency,year,rate,reporting_currency,source\nJPY,2022,0.0076,USD,t\nJPY,2023,0.0071,USD,t\n"
)


def csv_file(*rows: str) -> bytes:
    return ("\n".join([HEADER, *rows]) + "\n").encode()


def state(conn: Connection) -> dict[str, Any]:
    """Everything an import may write: the register, the rates and the audit log."""
    c, r = schema.contribution, schema.exchange_rate
    return {
        "contributions": [dict(x) for x in conn.execute(select(c).order_by(c.c.id)).mappings()],
        "rates": [dict(x) for x in conn.execute(select(r).order_by(r.c.id)).mappings()],
        "audit": conn.execute(select(func.count()).select_from(schema.audit_event)).scalar_one(),
    }


def import_sample(conn: Connection, **options: Any) -> funding.ImportReport:
    return funding.import_contributions(conn, SAMPLE.read_bytes(), SAMPLE.name, **options)


def stored_values(conn: Connection, ids: list[int | None]) -> list[dict[str, Any]]:
    c = schema.contribution
    rows = conn.execute(select(c).where(c.c.id.in_(ids)).order_by(c.c.id)).mappings()
    columns = funding.contributions.STORED
    return [{k: row[k] for k in columns} for row in rows]


# --- import ------------------------------------------------------------------------------------


def test_real_run_creates_exactly_what_the_dry_run_announced(conn: Connection) -> None:
    before = state(conn)
    dry = import_sample(conn, dry_run=True)
    assert state(conn) == before, "a dry run writes nothing"
    assert dry.counts == {"create": 6, "update": 0, "unchanged": 0, "reject": 0}

    real = import_sample(conn)
    assert [r.model_dump(exclude={"id"}) for r in real.rows] == [
        r.model_dump(exclude={"id"}) for r in dry.rows
    ]
    ids = [r.id for r in real.rows]
    assert None not in ids
    created = stored_values(conn, ids)
    announced = [r.values for r in dry.rows]
    assert len(created) == len(announced) == 6
    for stored, shown in zip(created, announced, strict=True):
        assert shown is not None
        assert str(stored["amount"]) == shown["amount"]
        assert stored["date"].isoformat() == shown["date"]
        others = {k for k in stored if k not in ("amount", "date")}
        assert {k: stored[k] for k in others} == {k: shown[k] for k in others}
    assert len(state(conn)["contributions"]) == len(before["contributions"]) + 6


def test_identical_reimport_changes_nothing(conn: Connection) -> None:
    import_sample(conn)
    before = state(conn)
    again = import_sample(conn)
    assert again.counts == {"create": 0, "update": 0, "unchanged": 6, "reject": 0}
    assert state(conn) == before  # no row, no version bump, no audit event


def test_changed_amount_updates_the_record_matched_on_its_natural_key(conn: Connection) -> None:
    import_sample(conn)
    changed = SAMPLE.read_text().replace('"1,000,000.00"', "1100000")
    dry = funding.import_contributions(conn, changed.encode(), "changed.csv", dry_run=True)
    assert dry.counts == {"create": 0, "update": 1, "unchanged": 5, "reject": 0}
    update = dry.of("update")[0]
    assert update.row == 2
    assert update.changes == {"amount": ["1000000.00", "1100000.00"]}
    funding.import_contributions(conn, changed.encode(), "changed.csv")
    row = conn.execute(
        select(schema.contribution).where(schema.contribution.c.id == update.id)
    ).one()
    assert row.amount == Decimal("1100000.00")
    assert row.version == 2


def test_bad_row_is_reported_with_its_row_number_and_nothing_is_written(
    conn: Connection,
) -> None:
    data = csv_file(
        "MOFA,UN Women,1000,USD,2023-01-01,commitment,,,,A",
        "MOFA,UNFPA,2000,USD,2023-01-02,commitment,,,,B",
        "MOFA,UN Women,lots,USD,2023-01-03,commitment,,,,C",
        "MOFA,UNFPA,3000,USD,2023-13-40,commitment,,,,D",
    )
    before = state(conn)
    dry = funding.import_contributions(conn, data, "bad.csv", dry_run=True)
    assert dry.counts == {"create": 2, "update": 0, "unchanged": 0, "reject": 2}
    assert [(r.row, r.reason) for r in dry.of("reject")] == [
        (4, "amount: 'lots' is not a number (write 1250000, 1250000.50 or 1,250,000.50)"),
        (5, "date: '2023-13-40' is not a date written YYYY-MM-DD"),
    ]
    with pytest.raises(InvalidInput) as error:
        funding.import_contributions(conn, data, "bad.csv")
    message = str(error.value)
    assert message.startswith("[W010] bad.csv: 2 rows rejected, nothing from this file")
    assert "row 4: amount: 'lots'" in message and "row 5: date:" in message
    assert state(conn) == before


def test_unknown_organisation_is_rejected_unless_unresolved_names_are_allowed(
    conn: Connection,
) -> None:
    data = csv_file("MOFA,UN Wimen,1000,USD,2023-01-01,commitment,,,,A")
    dry = funding.import_contributions(conn, data, "typo.csv", dry_run=True)
    assert dry.rows[0].action == "reject"
    assert dry.rows[0].reason is not None
    assert "recipient: unknown organisation 'UN Wimen'" in dry.rows[0].reason
    report = funding.import_contributions(conn, data, "typo.csv", allow_unresolved=True)
    assert report.counts["create"] == 1
    page = funding.list_contributions(conn, funding.ContributionFilter(recipient="Wimen"))
    assert [(c.recipient_code, c.recipient_name) for c in page.items] == [(None, "UN Wimen")]


def test_organisations_are_resolved_from_any_of_their_names(conn: Connection) -> None:
    data = csv_file(
        "Ministry of Foreign Affairs of Japan,UN-Women,1000,USD,2023-01-01,commitment,,,,A",
        "jp-mofa,United Nations Population Fund,1000,USD,2023-01-01,commitment,,,,B",
    )
    report = funding.import_contributions(conn, data, "names.csv")
    page = funding.list_contributions(conn, funding.ContributionFilter(donor="MOFA"))
    assert report.counts["create"] == 2
    assert sorted(c.recipient_code or "" for c in page.items) == ["unfpa", "unwomen"]


def test_two_rows_with_one_natural_key_reject_the_second(conn: Connection) -> None:
    data = csv_file(
        "MOFA,UN Women,1000,USD,2023-01-01,commitment,,,,",
        "MOFA,UN-Women,2000,USD,2023-01-01,commitment,,,,",
    )
    dry = funding.import_contributions(conn, data, "dup.csv", dry_run=True)
    assert dry.rows[1].action == "reject"
    assert dry.rows[1].reason is not None
    assert dry.rows[1].reason.startswith("the same contribution as row 2")


@pytest.mark.parametrize(
    ("cells", "reason"),
    [
        ("MOFA,UN Women,-5,USD,2023-01-01,commitment,,,,", "amount: '-5' is not a number"),
        ("MOFA,UN Women,1.234,USD,2023-01-01,commitment,,,,", "more than 2 decimal places"),
        ("MOFA,UN Women,5,XYZ,2023-01-01,commitment,,,,", "'XYZ' is not an ISO 4217"),
        ("MOFA,UN Women,5,USD,2023-01-01,pledge,,,,", "'pledge' is not commitment"),
        ("MOFA,UN Women,5,USD,2023-01-01,commitment,,peace,,", "'peace' is not a pillar"),
        ("MOFA,UN Women,5,USD,2023-01-01,commitment,,,3,", "gender_marker: '3' is not 0"),
        ("MOFA,,5,USD,2023-01-01,commitment,,,,", "recipient: empty (it is required)"),
    ],
)
def test_each_bad_cell_rejects_its_row_with_a_reason(
    conn: Connection, cells: str, reason: str
) -> None:
    dry = funding.import_contributions(conn, csv_file(cells), "cells.csv", dry_run=True)
    assert dry.rows[0].action == "reject"
    assert reason in (dry.rows[0].reason or "")


def test_cells_are_read_in_their_documented_forms(conn: Connection) -> None:
    data = csv_file(
        'MOFA,UN Women,"1,250,000.50",usd,2024-02-01,Commitment,2023,Relief and recovery,'
        "principal,R-1"
    )
    report = funding.import_contributions(conn, data, "forms.csv")
    values = report.rows[0].values
    assert values is not None
    assert (values["amount"], values["currency"], values["year"]) == ("1250000.50", "USD", 2023)
    assert (values["pillar_code"], values["gender_marker"]) == ("relief_recovery", 2)
    assert values["transaction_type"] == "commitment"


def test_a_header_with_an_unknown_column_is_refused_naming_row_1(conn: Connection) -> None:
    data = b"donor,recipient,amount,currency,date,transaction_type,colour\n"
    with pytest.raises(InvalidInput, match=r"x\.csv, row 1: unknown column 'colour'"):
        funding.import_contributions(conn, data, "x.csv", dry_run=True)


def xlsx_bytes(rows: list[list[Any]]) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def test_xlsx_rows_are_numbered_as_the_spreadsheet_shows_them(conn: Connection) -> None:
    data = xlsx_bytes(
        [
            [
                "Donor",
                "Recipient",
                "Amount",
                "Currency",
                "Date",
                "Transaction type",
                "Gender marker",
            ],
            ["MOFA", "UNFPA", 150000000, "JPY", datetime(2023, 7, 1), "commitment", 1],
            [None, None, None, None, None, None, None],
            ["MOFA", "UN Women", 2500.5, "USD", date(2023, 8, 1), "disbursement", None],
            ["MOFA", "UN Women", "n/a", "USD", date(2023, 8, 2), "disbursement", None],
        ]
    )
    dry = funding.import_contributions(conn, data, "book.xlsx", dry_run=True)
    assert [(r.row, r.action) for r in dry.rows] == [(2, "create"), (4, "create"), (5, "reject")]
    assert dry.rows[0].values is not None and dry.rows[0].values["date"] == "2023-07-01"
    assert dry.rows[1].values is not None and dry.rows[1].values["amount"] == "2500.50"


def test_an_xlsx_that_is_not_a_spreadsheet_is_refused_and_nothing_is_written(
    conn: Connection,
) -> None:
    before = state(conn)
    with pytest.raises(InvalidInput, match=r"fake\.xlsx: not an XLSX spreadsheet"):
        funding.import_contributions(conn, SAMPLE.read_bytes(), "fake.xlsx")
    assert state(conn) == before


def test_the_shipped_sample_imports_cleanly_and_converts_completely(conn: Connection) -> None:
    contributions = funding.import_contributions(
        conn, funding.sample_data("contributions.csv"), "contributions.csv"
    )
    funding.import_rates(conn, funding.sample_data("exchange_rates.csv"), "exchange_rates.csv")
    assert contributions.count("reject") == 0 and contributions.count("create") >= 10
    summary = funding.summarise(conn, "recipient")
    assert summary.missing_rates == []
    assert summary.contributions == contributions.count("create")


# --- rates and conversion ----------------------------------------------------------------------


def test_missing_rate_is_reported_never_guessed(conn: Connection) -> None:
    import_sample(conn)
    with pytest.raises(MissingRate) as error:
        funding.summarise(conn, "recipient")
    assert error.value.missing == [("JPY", 2022, 1), ("JPY", 2023, 1)]
    assert "no exchange rate into USD for JPY 2022 (1 contribution)" in str(error.value)

    partial = funding.summarise(conn, "recipient", partial=True)
    assert [(m.currency, m.year) for m in partial.missing_rates] == [("JPY", 2022), ("JPY", 2023)]
    assert "unfpa" not in [g.key for g in partial.groups]
    assert partial.commitment == Decimal("2300000.00")


def test_amounts_convert_exactly_with_the_rate_of_their_year(conn: Connection) -> None:
    import_sample(conn)
    report = funding.import_rates(conn, RATES, "rates.csv")
    assert report.counts["create"] == 2
    summary = funding.summarise(conn, "recipient")
    by_key = {g.key: g for g in summary.groups}
    # 150,000,000 JPY x 0.0076 (2022) + 120,000,000 JPY x 0.0071 (2023)
    assert by_key["unfpa"].commitment == Decimal("1992000.00")
    assert by_key["unwomen"].commitment == Decimal("1800000.00")
    assert by_key["unwomen"].disbursement == Decimal("400000.00")


def test_rate_reimport_updates_only_what_changed(conn: Connection) -> None:
    funding.import_rates(conn, RATES, "rates.csv")
    before = state(conn)
    assert funding.import_rates(conn, RATES, "rates.csv").counts["unchanged"] == 2
    assert state(conn) == before
    changed = RATES.replace(b"0.0071", b"0.0070")
    report = funding.import_rates(conn, changed, "rates.csv")
    assert report.counts == {"create": 0, "update": 1, "unchanged": 1, "reject": 0}
    assert funding.rate_table(conn, "USD")[("JPY", 2023)] == Decimal("0.0070")


def test_a_rate_into_its_own_currency_is_rejected(conn: Connection) -> None:
    data = b"currency,year,rate,reporting_currency\nUSD,2023,1,USD\n"
    with pytest.raises(InvalidInput, match="row 2: currency and reporting_currency are the same"):
        funding.import_rates(conn, data, "self.csv")


# --- summaries and trends ----------------------------------------------------------------------


def test_summaries_group_by_each_dimension_without_adding_commitments_to_disbursements(
    conn: Connection,
) -> None:
    import_sample(conn)
    funding.import_rates(conn, RATES, "rates.csv")
    by_year = funding.summarise(conn, "year")
    assert [(g.key, g.commitment, g.disbursement) for g in by_year.groups] == [
        (2022, Decimal("2140000.00"), Decimal("0.00")),
        (2023, Decimal("1652000.00"), Decimal("400000.00")),
        (2024, Decimal("500000.00"), Decimal("0.00")),
    ]
    by_marker = funding.summarise(conn, "marker")
    assert [(g.key, g.label) for g in by_marker.groups] == [
        (2, "2 principal"),
        (1, "1 significant"),
        (0, "0 not targeted"),
    ]
    by_pillar = funding.summarise(conn, "pillar")
    assert [g.key for g in by_pillar.groups] == [
        "participation",
        "protection",
        "relief_recovery",
        None,
    ]
    assert by_pillar.disbursement == Decimal("400000.00")


def contributions_per_year(conn: Connection, amounts: dict[int, int], recipient: str) -> None:
    rows = [
        f"MOFA,{recipient},{amount},USD,{year}-05-01,commitment,,participation,,"
        for year, amount in amounts.items()
    ]
    funding.import_contributions(conn, csv_file(*rows), "years.csv")


@pytest.mark.parametrize(
    ("later", "threshold", "falling"),
    [
        (90, "0.10", False),  # exactly 10% down: not more than the threshold
        (89, "0.10", True),
        (90, "0.05", True),
        (120, "0.10", False),
    ],
)
def test_falling_funding_is_flagged_when_it_drops_by_more_than_the_threshold(
    conn: Connection, later: int, threshold: str, falling: bool
) -> None:
    contributions_per_year(conn, {2022: 100, 2023: later}, "UNFPA")
    trends = funding.funding_trends(conn, threshold=Decimal(threshold))
    (unfpa,) = trends.recipients
    assert [p.year for p in unfpa.points] == [2022, 2023]
    assert unfpa.points[1].falling is falling
    assert unfpa.falling_latest is falling
    assert unfpa.points[1].change == Decimal(later - 100)


def test_a_year_without_funding_counts_as_a_fall_to_zero(conn: Connection) -> None:
    contributions_per_year(conn, {2021: 100, 2023: 100}, "UN Women")
    contributions_per_year(conn, {2022: 50}, "UNICEF")
    trends = funding.funding_trends(conn)
    women = next(t for t in trends.recipients if t.key == "unwomen")
    assert [(p.year, p.amount, p.falling) for p in women.points] == [
        (2021, Decimal("100.00"), False),
        (2022, Decimal("0.00"), True),
        (2023, Decimal("100.00"), False),
    ]
    assert women.points[1].change_pct == Decimal("-100.0")
    assert women.points[2].change_pct is None  # no percentage from zero
    (pillar,) = trends.pillars
    assert [p.amount for p in pillar.points] == [
        Decimal("100.00"),
        Decimal("50.00"),
        Decimal("100.00"),
    ]
    assert pillar.points[1].falling and not pillar.falling_latest


def test_trends_refuse_a_threshold_that_is_not_a_fraction(conn: Connection) -> None:
    with pytest.raises(InvalidInput, match="threshold 10 is not a fraction"):
        funding.funding_trends(conn, threshold=Decimal(10))


def test_a_contribution_links_to_a_plan_measure_named_by_plan_and_item_codes(
    conn: Connection,
) -> None:
    from wpstrack import plans

    plans.load_examples(conn)
    header = "donor,recipient,amount,currency,date,transaction_type,plan,plan_item,activity_id\n"
    data = (
        header
        + "MOFA,UN Women,5,USD,2023-05-01,commitment,JP-NAP3,1.1,\n"
        + "MOFA,UN Women,5,USD,2023-05-02,commitment,JP-NAP3,9.9,\n"
        + "MOFA,UN Women,5,USD,2023-05-03,commitment,JP-NAP3,,\n"
        + "MOFA,UN Women,5,USD,2023-05-04,commitment,,,424242\n"
    ).encode()
    dry = funding.import_contributions(conn, data, "links.csv", dry_run=True)
    item, p = schema.plan_item, schema.plan
    item_id = conn.execute(
        select(item.c.id).join(p).where(p.c.code == "JP-NAP3", item.c.code == "1.1")
    ).scalar_one()
    assert dry.rows[0].values is not None and dry.rows[0].values["plan_item_id"] == item_id
    assert [r.reason for r in dry.rows[1:]] == [
        "plan_item: plan 'JP-NAP3' has no item '9.9'",
        "plan and plan_item: give both (a plan code and one of its items)",
        "activity_id: there is no activity 424242",
    ]


def test_a_name_kept_unresolved_is_updated_not_doubled_once_its_organisation_is_known(
    conn: Connection,
) -> None:
    data = csv_file("MOFA,UN Wimen,1000,USD,2023-01-01,commitment,,,,A")
    first = funding.import_contributions(conn, data, "typo.csv", allow_unresolved=True)
    org = schema.organisation
    unwomen = conn.execute(select(org.c.id).where(org.c.code == "unwomen")).scalar_one()
    conn.execute(
        schema.organisation_alias.insert().values(organisation_id=unwomen, alias="UN Wimen")
    )
    again = funding.import_contributions(conn, data, "typo.csv")
    assert again.counts == {"create": 0, "update": 1, "unchanged": 0, "reject": 0}
    assert again.rows[0].id == first.rows[0].id
    assert again.rows[0].changes == {"recipient_id": [None, unwomen]}


def test_the_gender_targeted_annex_keeps_significant_and_principal_funding(
    conn: Connection,
) -> None:
    import_sample(conn)
    targeted = funding.ContributionFilter(gender_marker_at_least=1)
    page = funding.list_contributions(conn, targeted)
    assert sorted(c.reference for c in page.items) == ["T-1", "T-2", "T-3", "T-4", "T-5"]
    principal = funding.list_contributions(conn, funding.ContributionFilter(gender_marker=2))
    assert sorted(c.reference for c in principal.items) == ["T-1", "T-2", "T-3"]
