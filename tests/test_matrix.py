"""Who does what where: the organisations × pillars × countries × years matrix."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

import pytest
from sqlalchemy import Connection, insert

from test_indicators_computed import add_activity, org_id
from wpstrack import schema
from wpstrack.db import now
from wpstrack.errors import InvalidInput
from wpstrack.matrix import MatrixFilter, matrix, matrix_csv

if TYPE_CHECKING:
    from conftest import WebSite


@pytest.fixture()
def register(conn: Connection) -> Connection:
    add_activity(conn, date(2023, 3, 1), orgs=("unwomen", "jp-mofa"), pillars=("participation",))
    add_activity(conn, date(2023, 5, 1), orgs=("unwomen",), pillars=("participation", "protection"))
    add_activity(conn, date(2024, 5, 1), orgs=("unwomen",), country="KE", status="published")
    add_activity(conn, date(2024, 6, 1), orgs=("unfpa",), status="draft", pillars=("protection",))
    return conn


def cells(data: dict) -> list[tuple]:
    return [
        (c["organisation"], c["pillar"], c["country"], c["year"], c["activities"])
        for c in data["cells"]
    ]


def test_cells_count_reviewed_and_published_entries_per_organisation_pillar_place_year(
    register: Connection,
) -> None:
    assert cells(matrix(register)) == [
        ("jp-mofa", "participation", "JP", 2023, 1),
        ("unwomen", "participation", "JP", 2023, 2),
        ("unwomen", "protection", "JP", 2023, 1),
        ("unwomen", None, "KE", 2024, 1),
    ]


def test_anonymous_readers_see_published_entries_only(register: Connection) -> None:
    assert cells(matrix(register, public=True)) == [("unwomen", None, "KE", 2024, 1)]


def test_filters_narrow_by_organisation_pillar_country_and_year(register: Connection) -> None:
    f = MatrixFilter(organisation="unwomen", pillar=["protection,participation"], year_to=2023)
    assert cells(matrix(register, f)) == [
        ("unwomen", "participation", "JP", 2023, 2),
        ("unwomen", "protection", "JP", 2023, 1),
    ]
    assert cells(matrix(register, MatrixFilter(country=["ke"]))) == [
        ("unwomen", None, "KE", 2024, 1)
    ]


def test_table_rows_put_pillars_in_columns_in_reference_order(register: Connection) -> None:
    data = matrix(register)
    assert [p["code"] for p in data["pillars"]] == ["participation", "protection", None]
    row = next(r for r in data["rows"] if r["organisation"] == "unwomen" and r["year"] == 2023)
    assert row["counts"] == [2, 1, 0]


def test_unknown_pillar_or_organisation_is_refused(register: Connection) -> None:
    with pytest.raises(InvalidInput, match="unknown pillar 'peace'"):
        matrix(register, MatrixFilter(pillar=["peace"]))
    with pytest.raises(InvalidInput, match="unknown organisation 'nobody'"):
        matrix(register, MatrixFilter(organisation=["nobody"]))


def test_funding_received_is_given_beside_the_counts(register: Connection) -> None:
    register.execute(
        insert(schema.contribution).values(
            donor_name="Japan",
            recipient_id=org_id(register, "unwomen"),
            recipient_name="UN Women",
            amount=Decimal("2500.50"),
            currency="USD",
            date=date(2023, 6, 1),
            year=2023,
            pillar_code="participation",
            transaction_type="disbursement",
            created_at=now(),
        )
    )
    data = matrix(register, MatrixFilter(funding=True))
    assert data["funding"] == [
        {
            "organisation": "unwomen",
            "pillar": "participation",
            "year": 2023,
            "commitment": "0.00",
            "disbursement": "2500.50",
        }
    ]


def test_csv_has_one_line_per_cell(register: Connection) -> None:
    rows = list(csv.DictReader(io.StringIO(matrix_csv(matrix(register)))))
    assert len(rows) == 4
    assert rows[0] == {
        "organisation": "jp-mofa",
        "label": "MOFA",
        "pillar": "participation",
        "country": "JP",
        "year": "2023",
        "activities": "1",
    }


def test_table_rows_can_be_capped_while_cells_stay_complete(register: Connection) -> None:
    data = matrix(register, max_rows=1)
    assert (len(data["rows"]), data["rows_total"], len(data["cells"])) == (1, 3, 4)


def test_matrix_page_has_an_accessible_table_and_funding_on_request(web: WebSite) -> None:
    with web.engine.begin() as conn:
        add_activity(conn, date(2023, 5, 1), orgs=("unfpa",), pillars=("protection",))
        add_activity(conn, date(2023, 6, 1), orgs=("unfpa",), status="published")
    client = web.login("viewer")
    html = client.get("/matrix?organisation=unfpa&funding=true").text
    assert "<caption>Entries per organisation, country and year" in html
    assert '<th scope="col">Protection</th>' in html
    assert "Funding received" in html
    anonymous = web.client().get("/matrix?organisation=unfpa").text
    assert "published entries; log in" in anonymous
    csv_text = client.get("/matrix.csv?organisation=unfpa").text
    assert csv_text.splitlines()[0] == "organisation,label,pillar,country,year,activities"


@pytest.mark.parametrize("path", ["/matrix", "/matrix.csv", "/api/v1/matrix"])
def test_the_filter_form_submitted_with_empty_years_is_answered(web: WebSite, path: str) -> None:
    # A GET form sends its unused fields empty; an empty year means "any year", not a 422.
    query = "organisation=&pillar=&country=&type=&year_from=&year_to=&currency=USD"
    assert web.client().get(f"{path}?{query}").status_code == 200
    assert web.client().get(f"{path}?year_from=&year_to=2024").status_code == 200
    assert web.client().get(f"{path}?year_from=1").status_code == 422
