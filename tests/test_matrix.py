"""Who does what where: the organisations × pillars × countries × years matrix."""

from __future__ import annotations

import csv
import io
import re
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

import pytest
from openpyxl import load_workbook
from sqlalchemy import Connection, insert

from test_indicators_computed import add_activity, org_id
from wpstrack import plans, schema
from wpstrack.db import now
from wpstrack.errors import InvalidInput
from wpstrack.matrix import MatrixFilter, matrix, matrix_csv

if TYPE_CHECKING:
    from conftest import WebSite


@pytest.fixture()
def register(conn: Connection) -> Connection:
    """UN Women implements (three entries), MOFA hosts one, UNFPA's entry is a draft, and
    CEDAW is only mentioned; the entries are the Netherlands' (acting), so no government of
    Japan appears as a who."""

    def add(day: date, orgs: tuple[str, ...], **kw: object) -> int:
        return add_activity(conn, day, orgs=orgs, acting=None, role="implementer", **kw)  # type: ignore[arg-type]

    add(date(2023, 3, 1), ("unwomen",), pillars=("participation",))
    mofa = add_activity(conn, date(2023, 3, 1), orgs=("jp-mofa",), acting=None, role="principal")
    conn.execute(
        insert(schema.activity_link).values(
            activity_id=mofa, kind="pillar", pillar_code="participation"
        )
    )
    add(date(2023, 5, 1), ("unwomen",), pillars=("participation", "protection"))
    add(date(2024, 5, 1), ("unwomen",), country="KE", status="published")
    add(date(2024, 6, 1), ("unfpa",), status="draft", pillars=("protection",))
    add_activity(
        conn, date(2024, 7, 1), orgs=("cedaw",), acting=None, role="mentioned", country="KE"
    )
    return conn


def cells(data: dict) -> list[tuple]:
    return [
        (c["organisation"], c["pillar"], c["country"], c["year"], c["activities"])
        for c in data["cells"]
    ]


def test_cells_count_who_leads_implements_or_funds_per_pillar_place_year(
    register: Connection,
) -> None:
    assert cells(matrix(register)) == [
        ("jp-mofa", "participation", "JP", 2023, 1),
        ("unwomen", "participation", "JP", 2023, 2),
        ("unwomen", "protection", "JP", 2023, 1),
        ("unwomen", None, "KE", 2024, 1),
    ]


def test_a_mentioned_organisation_is_not_a_who(register: Connection) -> None:
    data = matrix(register)
    assert "cedaw" not in data["organisations"]
    assert matrix(register, MatrixFilter(organisation=["cedaw"]))["cells"] == []


def test_where_is_the_programme_location_when_the_entry_names_one(register: Connection) -> None:
    aid = add_activity(register, date(2024, 9, 1), orgs=("undp",), acting="JP", role="funder")
    register.execute(
        insert(schema.activity_link).values(activity_id=aid, kind="location", country="SD")
    )
    found = {(c["organisation"], c["country"], c["where_from"]) for c in matrix(register)["cells"]}
    assert ("undp", "SD", "programme") in found and ("gov-jp", "SD", "programme") in found
    assert ("unwomen", "KE", "venue") in found
    assert not any(c == ("undp", "JP", "venue") for c in found)  # the venue is not "where"


def test_anonymous_readers_see_published_entries_only(register: Connection) -> None:
    assert cells(matrix(register, public=True)) == [("unwomen", None, "KE", 2024, 1)]


def test_filters_narrow_by_organisation_pillar_country_and_period(register: Connection) -> None:
    f = MatrixFilter(organisation="unwomen", pillar=["protection,participation"], year_to=2023)
    assert cells(matrix(register, f)) == [
        ("unwomen", "participation", "JP", 2023, 2),
        ("unwomen", "protection", "JP", 2023, 1),
    ]
    assert cells(matrix(register, MatrixFilter(country=["ke"]))) == [
        ("unwomen", None, "KE", 2024, 1)
    ]
    march = MatrixFilter(date_from=date(2023, 3, 1), date_to=date(2023, 3, 31))
    assert {c[0] for c in cells(matrix(register, march))} == {"jp-mofa", "unwomen"}
    ministries = MatrixFilter(organisation_type=["ministry"])
    assert cells(matrix(register, ministries)) == [("jp-mofa", "participation", "JP", 2023, 1)]


def test_a_plan_narrows_to_what_its_government_carries_out_or_funds(register: Connection) -> None:
    plans.load_examples(register)
    add_activity(register, date(2024, 9, 1), orgs=("unicef",), acting="JP", role="funder")
    data = matrix(register, MatrixFilter(plan="JP-NAP3"))
    # Japan's own entry, and the one MOFA hosted (a body of Japan's government leads it);
    # UN Women's and the mentioned CEDAW's are not the plan's.
    assert data["by_country"] == [{"country": "JP", "name": "Japan", "activities": 2}]
    assert {c["organisation"] for c in data["cells"]} == {"unicef", "gov-jp", "jp-mofa"}


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
        "organisation_type": "ministry",
        "role": "principal",
        "pillar": "participation",
        "type": "dialogue",
        "country": "JP",
        "where_from": "venue",
        "year": "2023",
        "activities": "1",
    }


def test_table_rows_can_be_capped_while_cells_stay_complete(register: Connection) -> None:
    data = matrix(register, max_rows=1)
    assert (len(data["rows"]), data["rows_total"], len(data["cells"])) == (1, 3, 4)


def test_matrix_page_has_an_accessible_table_and_funding_on_request(web: WebSite) -> None:
    with web.engine.begin() as conn:
        add_activity(
            conn, date(2023, 5, 1), orgs=("unfpa",), pillars=("protection",), role="implementer"
        )
        add_activity(conn, date(2023, 6, 1), orgs=("unfpa",), status="published", role="funder")
    client = web.login("viewer")
    html = client.get("/matrix?organisation=unfpa&funding=true").text
    assert "<caption>Entries per who, role, type, country and year" in html
    assert '<th scope="col">Protection</th>' in html
    assert "Funding received" in html
    anonymous = web.client().get("/matrix?organisation=unfpa").text
    assert "published ones (log in" in anonymous
    csv_text = client.get("/matrix.csv?organisation=unfpa").text
    assert csv_text.splitlines()[0] == (
        "organisation,label,organisation_type,role,pillar,type,country,where_from,year,activities"
    )


@pytest.mark.parametrize("path", ["/matrix", "/matrix.csv", "/api/v1/matrix"])
def test_the_filter_form_submitted_with_empty_years_is_answered(web: WebSite, path: str) -> None:
    # A GET form sends its unused fields empty; an empty year means "any year", not a 422.
    query = "organisation=&pillar=&country=&type=&year_from=&year_to=&currency=USD"
    assert web.client().get(f"{path}?{query}").status_code == 200
    assert web.client().get(f"{path}?year_from=&year_to=2024").status_code == 200
    assert web.client().get(f"{path}?year_from=1").status_code == 422


def _map_counts(html: str) -> dict[str, int]:
    return {c: int(n) for c, n in re.findall(r'data-country="(\w\w)" data-count="(\d+)"', html)}


def _table_counts(html: str) -> dict[str, int]:
    rows = re.findall(r'<tr data-country="(\w\w)">.*?<td>(\d+)</td></tr>', html)
    return {c: int(n) for c, n in rows}


@pytest.mark.parametrize(
    "query",
    [
        "",
        "pillar=protection",
        "organisation_type=government",
        "country=SD&date_from=2024-01-01&date_to=2024-12-31",
        "plan=JP-NAP3",
    ],
)
def test_the_map_the_page_the_csv_xlsx_and_the_api_agree(web: WebSite, query: str) -> None:
    with web.engine.begin() as conn:
        funded = add_activity(
            conn, date(2024, 4, 1), orgs=("unicef",), role="funder", pillars=("protection",)
        )
        conn.execute(
            insert(schema.activity_link).values(activity_id=funded, kind="location", country="SD")
        )
        add_activity(conn, date(2024, 5, 1), orgs=("cedaw",), role="mentioned", acting="NL")
    client = web.login("viewer")
    bearer = web.bearer("viewer")  # the API reads tokens, the pages the session
    api = client.get(f"/api/v1/matrix?{query}", headers=bearer).json()
    expected = {r["country"]: r["activities"] for r in api["by_country"]}
    page = client.get(f"/matrix?{query}").text
    assert _map_counts(page) == {c: n for c, n in expected.items() if c != "SS"}
    assert _table_counts(page) == expected
    countries = client.get(f"/matrix.csv?{query}&table=countries").text
    assert {r["country"]: int(r["activities"]) for r in csv.DictReader(io.StringIO(countries))} == (
        expected
    )
    cells = list(csv.DictReader(io.StringIO(client.get(f"/matrix.csv?{query}").text)))
    assert [(r["organisation"], r["country"], int(r["activities"])) for r in cells] == [
        (c["organisation"], c["country"], c["activities"]) for c in api["cells"]
    ]
    xlsx = client.get(f"/api/v1/matrix?{query}&format=xlsx", headers=bearer)
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet is not None
    assert sheet.max_row == len(cells) + 1
    assert "cedaw" not in {c["organisation"] for c in api["cells"]}
    for cell in api["cells"]:  # every who shows the filters it was asked for
        if "government" in query:
            assert cell["organisation_type"] == "government"
        if "country=SD" in query:
            assert cell["country"] == "SD"
