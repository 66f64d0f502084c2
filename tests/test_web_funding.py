"""Funding in the product: the register's page and API, one contribution, and imports by
upload with a dry run (issue 14 scope 2)."""

from __future__ import annotations

from decimal import Decimal

from conftest import WebSite
from wpstrack import funding

HEAD = b"donor,recipient,amount,currency,date,transaction_type,pillar,gender_marker,reference\n"
DONOR = b"Ministry of Foreign Affairs of Japan,UN Women,"
GOOD = (
    HEAD
    + DONOR
    + b"2000000,USD,2023-03-15,commitment,participation,2,T-1\n"
    + DONOR
    + b"1000000.50,USD,2024-03-15,commitment,participation,2,T-2\n"
)
BAD = GOOD + b"Nobody In Particular,UN Women,-5,USD,2024-13-01,gift,,7,T-3\n"


def test_a_dry_run_by_upload_stores_nothing_and_a_real_run_stores_all(web: WebSite) -> None:
    client = web.login("editor")
    token = web.csrf(client, "/funding/import")
    action = f"/funding/import?csrf_token={token}"
    bad = client.post(action, data={"dry_run": "1"}, files={"file": ("c.csv", BAD, "text/csv")})
    assert bad.status_code == 200
    assert "1 reject" in bad.text and "2 create" in bad.text
    with web.engine.connect() as conn:
        assert funding.list_contributions(conn).items == []
    refused = client.post(action, files={"file": ("c.csv", BAD, "text/csv")})
    assert refused.status_code == 422 and "nothing from this file was written" in refused.text
    done = client.post(action, files={"file": ("c.csv", GOOD, "text/csv")})
    assert done.status_code == 200 and "2 create" in done.text
    with web.engine.connect() as conn:
        amounts = [c.amount for c in funding.list_contributions(conn).items]
    assert amounts == [Decimal("2000000.00"), Decimal("1000000.50")]

    page = client.get("/funding")
    assert page.status_code == 200
    assert "1,000,000.50 USD" in page.text and "Falling funding" in page.text
    first = client.get("/funding?year_from=2024").text
    assert "1,000,000.50 USD" in first and "2,000,000.00 USD" not in first


def test_the_api_lists_contributions_with_exact_amounts_for_users_only(web: WebSite) -> None:
    client = web.client()
    assert client.get("/api/v1/funding/contributions").status_code == 401
    assert web.client().get("/funding").status_code in (401, 303)
    files = {"file": ("c.csv", GOOD.replace(b"T-", b"A-"), "text/csv")}
    imported = client.post(
        "/api/v1/funding/contributions/import", files=files, headers=web.bearer("editor")
    )
    assert imported.status_code == 200, imported.text
    listing = client.get(
        "/api/v1/funding/contributions?recipient=UN%20Women", headers=web.bearer("viewer")
    ).json()
    item = next(i for i in listing["items"] if i["reference"] == "A-2")
    assert (item["amount"], item["currency"]) == ("1000000.50", "USD")
    one = client.get(f"/api/v1/funding/contributions/{item['id']}", headers=web.bearer("viewer"))
    assert one.json()["reference"] == "A-2"
    assert web.login("viewer").get(f"/funding/{item['id']}").status_code == 200
    trends = client.get("/api/v1/funding/trends", headers=web.bearer("viewer")).json()
    assert any(p["falling"] for t in trends["recipients"] for p in t["points"])
    summary = client.get("/api/v1/funding/summary?by=pillar", headers=web.bearer("viewer"))
    assert summary.status_code == 200


def test_purpose_code_and_recipient_country_are_checked_and_shown(web: WebSite) -> None:
    head = HEAD.replace(b"reference\n", b"reference,purpose_code,recipient_country\n")
    rows = (
        DONOR
        + b"500000,USD,2024-06-01,commitment,protection,2,P-1,15180,af\n"
        + DONOR
        + b"500000,USD,2024-06-02,commitment,protection,2,P-2,1518,AF\n"
        + DONOR
        + b"500000,USD,2024-06-03,commitment,protection,2,P-3,15180,Atlantis\n"
    )
    url = "/api/v1/funding/contributions/import"
    dry = (
        web.client()
        .post(
            url,
            data={"dry_run": "true"},
            files={"file": ("p.csv", head + rows, "text/csv")},
            headers=web.bearer("editor"),
        )
        .json()
    )
    reasons = [r["reason"] for r in dry["rows"]]
    assert reasons[0] is None
    assert "is not a five-digit DAC CRS purpose code" in reasons[1]
    assert "is not an ISO 3166 two-letter country code" in reasons[2]
    first = head + rows.splitlines(keepends=True)[0]
    done = web.client().post(
        url, files={"file": ("p.csv", first, "text/csv")}, headers=web.bearer("editor")
    )
    assert done.status_code == 200, done.text
    listing = (
        web.client()
        .get("/api/v1/funding/contributions?year_from=2024", headers=web.bearer("viewer"))
        .json()["items"]
    )
    item = next(i for i in listing if i["reference"] == "P-1")
    assert (item["purpose_code"], item["recipient_country"]) == ("15180", "AF")
    page = web.login("viewer").get(f"/funding/{item['id']}").text
    assert "Ending violence against women and girls" in page
