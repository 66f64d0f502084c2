"""Indicator entry on the web and the API: a period's values together, every problem named,
nothing stored on refusal, approval, and the history on the indicator's page."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from conftest import WebSite
from wpstrack import plans, schema

SAMPLE = Path(__file__).parent / "data" / "plan_sample.yaml"


def _with_sample_plan(web: WebSite) -> None:
    with web.engine.begin() as conn:
        if conn.execute(select(schema.plan.c.id).where(schema.plan.c.code == "TEST-NAP")).first():
            return
        plans.save_plan(conn, plans.parse_plan(SAMPLE.read_bytes(), "sample", "yaml"))


def _stored(web: WebSite, period: str) -> dict[tuple[str, str], tuple[float, str]]:
    ind, val = schema.indicator, schema.indicator_value
    with web.engine.connect() as conn:
        rows = conn.execute(
            select(ind.c.code, val.c.sex, val.c.value, val.c.status)
            .join(ind, ind.c.id == val.c.indicator_id)
            .where(val.c.period == period)
        )
        return {(r.code, r.sex): (r.value, r.status) for r in rows}


def test_the_form_refuses_a_period_whose_parts_exceed_the_total(web: WebSite) -> None:
    _with_sample_plan(web)
    client = web.login("editor")
    page = client.get("/indicators/TEST-NAP/entry?period=2022")
    assert page.status_code == 200
    assert 'name="value:I1:f"' in page.text and 'name="value:I2:total"' in page.text
    assert 'name="value:I4:total"' not in page.text  # computed: no entry
    form = {
        "csrf_token": web.csrf(client, "/indicators/TEST-NAP/entry?period=2022"),
        "period": "2022",
        "action": "save",
        "value:I1:total": "224",
        "value:I1:f": "300",
        "value:I1:m": "210",
        "value:I2:total": "140",
        "source:I1": "annual report",
    }
    refused = client.post("/indicators/TEST-NAP/entry", data=form)
    assert refused.status_code == 422
    assert "Nothing was stored" in refused.text
    assert "the f value 300 exceeds the total 224" in refused.text
    assert "140 is above the highest allowed value 100" in refused.text
    assert 'value="300"' in refused.text  # what the user typed comes back to be corrected
    assert _stored(web, "2022") == {}

    form.update({"value:I1:f": "120", "value:I1:m": "100", "value:I2:total": "40"})
    saved = client.post("/indicators/TEST-NAP/entry", data=form)
    assert saved.status_code == 303
    assert _stored(web, "2022") == {
        ("I1", "total"): (224.0, "entered"),
        ("I1", "f"): (120.0, "entered"),
        ("I1", "m"): (100.0, "entered"),
        ("I2", "total"): (40.0, "entered"),
    }
    approve = {"csrf_token": form["csrf_token"], "period": "2022", "action": "approve"}
    assert client.post("/indicators/TEST-NAP/entry", data=approve).status_code == 303
    assert {status for _, status in _stored(web, "2022").values()} == {"approved"}


def test_a_wrong_period_type_is_named_on_the_form(web: WebSite) -> None:
    _with_sample_plan(web)
    client = web.login("editor")
    page = client.get("/indicators/TEST-NAP/entry?period=2024-Q1")
    assert page.status_code == 422
    assert "is not a calendar year" in page.text


def test_viewers_cannot_open_the_entry_form(web: WebSite) -> None:
    _with_sample_plan(web)
    assert web.login("viewer").get("/indicators/TEST-NAP/entry").status_code == 403


def test_the_api_lists_every_problem_and_stores_nothing(web: WebSite) -> None:
    _with_sample_plan(web)
    client = web.client()
    body = {
        "values": [
            {"indicator": "I1", "value": 300, "sex": "f"},
            {"indicator": "I1", "value": 224},
            {"indicator": "I3", "value": -1},
        ]
    }
    url = "/api/v1/indicators/TEST-NAP/periods/2023"
    refused = client.put(url, json=body, headers=web.bearer("editor"))
    assert refused.status_code == 422
    problems = refused.json()["error"]["details"]["problems"]
    assert problems == [
        "I3 (total): -1 is below the lowest allowed value 0",
        "I1: the f value 300 exceeds the total 224",
    ]
    assert _stored(web, "2023") == {}
    body["values"][0]["value"] = 100
    body["values"][2]["value"] = 3
    ok = client.put(url, json=body, headers=web.bearer("editor"))
    assert ok.json() == {
        "plan": "TEST-NAP",
        "period": "2023",
        "inserted": 3,
        "updated": 0,
        "unchanged": 0,
    }
    assert client.put(url, json=body, headers=web.bearer("viewer")).status_code == 403
    body["values"][1]["value"] = 230
    assert client.put(url, json=body, headers=web.bearer("admin")).json()["updated"] == 1
    approved = client.post(f"{url}/approve", headers=web.bearer("editor")).json()
    assert approved["approved"] == 3
    history = client.get("/api/v1/indicators/TEST-NAP/I1/history").json()
    totals = [
        (h["value"], h["current"]) for h in history if h["period"] == "2023" and h["sex"] == "total"
    ]
    assert totals == [(230.0, True), (224.0, False)]
    page = web.client().get("/indicators/TEST-NAP/I1")
    assert "Entries and corrections" in page.text and "replaced by admin" in page.text


VALUES_CSV = b"""indicator,period,sex,value,source
I1,2024,total,224,annual report
I1,2024,f,300,annual report
I1,2024,m,210,annual report
I2,2024-Q1,,40,survey
I3,2024,,many,
I9,2024,,1,
I2,2025,,45.5,survey
"""


def test_a_dry_run_names_every_problem_of_every_row(web: WebSite) -> None:
    _with_sample_plan(web)
    client = web.login("editor")
    token = web.csrf(client, "/indicators/TEST-NAP/entry")
    files = {"file": ("values.csv", VALUES_CSV, "text/csv")}
    page = client.get("/indicators/TEST-NAP/entry").text
    action = f"/indicators/TEST-NAP/import?csrf_token={token}"
    assert f'action="{action}"' in page  # an upload carries its token in the address
    checked = client.post(action, data={"dry_run": "1"}, files=files)
    assert checked.status_code == 200
    text = checked.text
    assert "the f value 300 exceeds the total 224" in text
    assert "is not a calendar year" in text  # row 5
    assert "value: &#39;many&#39; is not a number" in text  # row 6
    assert "no indicator &#39;I9&#39;" in text  # row 7
    assert "1 create" in text and "6 reject" in text  # row 8 alone is fine
    assert _stored(web, "2025") == {}

    refused = client.post(action, files=files)
    assert refused.status_code == 422 and "row 6: value" in refused.text
    assert _stored(web, "2025") == {}


def test_the_api_imports_a_clean_file_and_the_cli_dry_run_exits_1_on_a_bad_one(
    web: WebSite, tmp_path: Path
) -> None:
    _with_sample_plan(web)
    good = b"indicator,period,sex,value\nI1,2021,total,20\nI1,2021,f,12\nI1,2021,m,8\n"
    files = {"file": ("good.csv", good, "text/csv")}
    url = "/api/v1/indicators/TEST-NAP/import"
    assert web.client().post(url, files=files).status_code == 401
    dry = web.client().post(
        url, data={"dry_run": "true"}, files=files, headers=web.bearer("editor")
    )
    assert dry.json()["counts"] == {"create": 3, "update": 0, "unchanged": 0, "reject": 0}
    assert _stored(web, "2021") == {}
    done = web.client().post(url, files=files, headers=web.bearer("editor"))
    assert done.status_code == 200 and not done.json()["dry_run"]
    assert _stored(web, "2021")[("I1", "f")] == (12.0, "entered")

    from typer.testing import CliRunner

    from wpstrack.cli import app

    bad = tmp_path / "bad.csv"
    bad.write_bytes(VALUES_CSV)
    env = {"WPSTRACK_DATABASE_URL": web.url, "WPSTRACK_DATA_DIR": str(tmp_path)}
    result = CliRunner().invoke(
        app, ["indicators", "import", "TEST-NAP", str(bad), "--dry-run", "--as", "editor"], env=env
    )
    assert result.exit_code == 1, result.output
    assert "6 reject" in result.output and "exceeds the total 224" in result.output


def test_the_plan_periods_say_what_is_left_to_enter_and_approve(web: WebSite) -> None:
    _with_sample_plan(web)
    url = "/api/v1/indicators/TEST-NAP/periods/2022"
    web.client().put(
        url, json={"values": [{"indicator": "I3", "value": 2}]}, headers=web.bearer("editor")
    )
    listing = web.client().get("/api/v1/indicators/TEST-NAP/periods").json()["items"]
    by_period = {p["period"]: p for p in listing}
    assert [p["period"] for p in listing][:4] == ["2021", "2022", "2023", "2024"]
    assert by_period["2022"]["entered"] + by_period["2022"]["approved"] >= 1
