"""Report narratives: written by editors on the web page, through the API and the CLI, and
loaded from YAML by the demo; every save a new version; bad input stores nothing."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from conftest import WebSite
from wpstrack import audit, demo, narratives, reports, schema
from wpstrack.cli import app
from wpstrack.errors import InvalidInput, NotFound

PLAN = "JP-NAP3"
PAGE = f"/reports/{PLAN}/2024/narratives"
runner = CliRunner()


def _stored(web: WebSite) -> int:
    with web.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(schema.report_narrative)).scalar())


def _history(web: WebSite, section: str, period: str = "2024") -> list[narratives.Narrative]:
    with web.engine.connect() as conn:
        return narratives.history(conn, PLAN, period, section)


# --- the web page ---------------------------------------------------------------------------


def test_editor_page_lists_the_summary_and_each_pillar_with_a_text_box(web: WebSite) -> None:
    page = web.login("editor").get(PAGE)
    assert page.status_code == 200
    for section in ("summary", "participation", "prevention", "protection", "relief_recovery"):
        assert f'id="text-{section}" name="text"' in page.text
    assert page.text.count('name="csrf_token"') >= 5


def test_editor_saves_through_the_form_and_the_page_shows_both_versions(web: WebSite) -> None:
    client = web.login("editor")
    token = web.csrf(client, PAGE)
    for words in ("First words on prevention.", "Better words on prevention."):
        response = client.post(
            PAGE, data={"csrf_token": token, "section": "prevention", "text": words}
        )
        assert response.status_code == 303
        assert response.headers["location"] == f"{PAGE}#section-prevention"
    versions = _history(web, "prevention")
    assert [(v.text, v.author) for v in versions] == [
        ("Better words on prevention.", "editor"),
        ("First words on prevention.", "editor"),
    ]
    page = client.get(PAGE).text
    assert ">Better words on prevention.</textarea>" in page
    assert "First words on prevention." in page and "2 versions saved" in page
    with web.engine.connect() as conn:
        events = audit.history(conn, "report_narrative", versions[0].id)
        assert [(e.action, e.actor) for e in events] == [("create", "editor")]


@pytest.mark.parametrize("role", ["viewer", "reviewer"])
def test_a_user_who_is_not_an_editor_cannot_open_or_post_the_editor(
    web: WebSite, role: str
) -> None:
    client = web.login(role)
    before = _stored(web)
    assert client.get(PAGE).status_code == 403
    token = web.csrf(client, "/reports")
    response = client.post(PAGE, data={"csrf_token": token, "section": "summary", "text": "x"})
    assert response.status_code == 403
    assert _stored(web) == before


def test_the_form_without_its_csrf_token_stores_nothing(web: WebSite) -> None:
    client = web.login("editor")
    before = _stored(web)
    response = client.post(PAGE, data={"section": "summary", "text": "Forged."})
    assert response.status_code == 403
    assert _stored(web) == before


@pytest.mark.parametrize(
    ("path", "data", "status", "message"),
    [
        (PAGE, {"section": "summary", "text": "   "}, 422, "is empty"),
        (PAGE, {"section": "finance", "text": "Words."}, 422, "is not one of summary"),
        (PAGE, {"section": "", "text": "Words."}, 422, "is not one of summary"),
        ("/reports/NO-PLAN/2024/narratives", {"section": "summary", "text": "W."}, 404, "NO-PLAN"),
        (
            f"/reports/{PLAN}/2024-Q1/narratives",
            {"section": "summary", "text": "W."},
            422,
            "2024-Q1",
        ),
    ],
)
def test_the_form_refuses_bad_input_clearly_and_stores_nothing(
    web: WebSite, path: str, data: dict[str, str], status: int, message: str
) -> None:
    client = web.login("admin")
    token = web.csrf(client, "/reports")
    before = _stored(web)
    response = client.post(path, data={"csrf_token": token, **data})
    assert response.status_code == status
    assert message in response.text
    assert _stored(web) == before


def test_the_report_page_opens_the_editor_for_a_plan_and_period(web: WebSite) -> None:
    client = web.login("editor")
    assert 'action="/reports/narratives"' in client.get("/reports").text
    response = client.get(f"/reports/narratives?plan={PLAN}&period=fy2024")
    assert response.status_code == 303
    assert response.headers["location"] == f"/reports/{PLAN}/FY2024/narratives"
    assert 'action="/reports/narratives"' not in web.login("viewer").get("/reports").text


def test_the_editor_page_in_japanese_names_the_sections_in_japanese(web: WebSite) -> None:
    page = web.login("editor").get(PAGE + "?lang=ja").text
    for name in ("要旨", "参画", "予防", "保護", "救済・復興"):
        assert f"<h2>{name}</h2>" in page


# --- the API ----------------------------------------------------------------------------------


def _api(web: WebSite, role: str | None, method: str, section: str, **kwargs: Any) -> Any:
    client = web.client()
    url = f"/api/v1/plans/{PLAN}/narratives/2025/{section}"
    return client.request(method, url, headers=web.bearer(role), **kwargs)


def test_api_put_stores_a_version_and_get_returns_the_history(web: WebSite) -> None:
    for words in ("Summary, first.", "Summary, second."):
        response = _api(web, "editor", "PUT", "summary", json={"text": words})
        assert response.status_code == 200, response.text
        assert response.json()["text"] == words and response.json()["author"] == "editor"
    got = _api(web, "viewer", "GET", "summary").json()
    assert got["current"]["text"] == "Summary, second."
    assert [v["text"] for v in got["history"]] == ["Summary, second.", "Summary, first."]
    every = web.client().get(f"/api/v1/plans/{PLAN}/narratives/2025", headers=web.bearer("viewer"))
    sections = {s["section"]: s for s in every.json()["items"]}
    assert sections["summary"]["current"]["text"] == "Summary, second."
    assert sections["protection"]["current"] is None
    listing = web.client().get(f"/api/v1/plans/{PLAN}/narratives", headers=web.bearer("viewer"))
    [period] = [p for p in listing.json()["items"] if p["period"] == "2025"]
    assert period["sections"] == 1


@pytest.mark.parametrize(
    ("role", "section", "body", "status", "code"),
    [
        ("viewer", "summary", {"text": "Not mine to write."}, 403, "W"),
        ("reviewer", "summary", {"text": "Not mine to write."}, 403, "W"),
        (None, "summary", {"text": "Anonymous."}, 401, "W"),
        ("editor", "summary", {"text": ""}, 422, "W010"),
        ("editor", "summary", {}, 422, "W010"),
        ("editor", "finance", {"text": "Words."}, 422, "W010"),
    ],
)
def test_api_refuses_without_the_role_or_with_bad_input_and_stores_nothing(
    web: WebSite, role: str | None, section: str, body: dict[str, str], status: int, code: str
) -> None:
    before = _stored(web)
    response = _api(web, role, "PUT", section, json=body)
    assert response.status_code == status, response.text
    assert response.json()["error"]["code"].startswith(code)
    assert _stored(web) == before


def test_api_names_an_unknown_plan(web: WebSite) -> None:
    url = "/api/v1/plans/NO-PLAN/narratives/2024/summary"
    response = web.client().put(url, json={"text": "W."}, headers=web.bearer("editor"))
    assert response.status_code == 404
    assert "NO-PLAN" in response.json()["error"]["message"]


@pytest.mark.parametrize("tail", ["", "/2024", "/2024/summary"])
def test_reading_narratives_needs_a_login(web: WebSite, tail: str) -> None:
    response = web.client().get(f"/api/v1/plans/{PLAN}/narratives{tail}")
    assert response.status_code == 401


# --- the report and the service ------------------------------------------------------------


def test_report_shows_the_current_narrative_of_each_section(web: WebSite) -> None:
    with web.engine.begin() as conn:
        narratives.save(conn, PLAN, "FY2024", "protection", "Draft one.", "editor")
        narratives.save(conn, PLAN, "FY2024", "protection", "Draft two.", "admin")
        report = reports.build_report(conn, PLAN, "FY2024")
    protection = next(s for s in report.sections if s.code == "protection")
    assert protection.narrative is not None and protection.narrative.text == "Draft two."
    markdown = reports.render(report, "md").decode()
    assert "Draft two." in markdown and "Draft one." not in markdown
    assert markdown.count("_No narrative written yet._") == 4  # summary and three pillars


def test_a_text_too_long_is_refused(web: WebSite) -> None:
    with web.engine.connect() as conn, pytest.raises(InvalidInput, match="limit"):
        narratives.save(conn, PLAN, "2024", "summary", "x" * (narratives.MAX_TEXT + 1), "e")


# --- loading from YAML, and the demo -------------------------------------------------------

YAML = """
- {plan: JP-NAP3, period: "2023", section: summary, text: "A summary of 2023."}
- plan: JP-NAP3
  period: "2023"
  section: participation
  text: |
    More women took part.

    In three dialogues.
"""


def test_loading_a_yaml_file_twice_stores_each_text_once(web: WebSite, tmp_path: Path) -> None:
    path = tmp_path / "narratives.yaml"
    path.write_text(YAML, encoding="utf-8")
    with web.engine.begin() as conn:
        assert narratives.load_file(conn, path, "demo") == 2
        assert narratives.load_file(conn, path, "demo") == 0
        texts = narratives.current(conn, PLAN, "2023")
    assert texts["summary"].text == "A summary of 2023."
    assert texts["participation"].text == "More women took part.\n\nIn three dialogues."
    with web.engine.connect() as conn:
        assert narratives.load_file(conn, tmp_path / "absent.yaml", "demo") == 0


@pytest.mark.parametrize(
    ("content", "error", "message"),
    [
        ("{plan: JP-NAP3}", InvalidInput, "expected a list"),
        ("- {plan: JP-NAP3, period: '2023', section: summary}", InvalidInput, "entry 1"),
        ("- {plan: JP-NAP3, period: '2023', section: other, text: t}", InvalidInput, "other"),
        ("- {plan: XX-NAP9, period: '2023', section: summary, text: t}", NotFound, "XX-NAP9"),
    ],
)
def test_a_bad_yaml_file_is_refused_with_where(
    web: WebSite, tmp_path: Path, content: str, error: type[Exception], message: str
) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(content, encoding="utf-8")
    with web.engine.connect() as conn, pytest.raises(error, match=message):
        narratives.load_file(conn, path, "demo")


def test_the_demo_loads_the_example_narratives_when_they_are_shipped(
    web: WebSite, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "example_narratives.yaml"
    path.write_text(
        '- {plan: JP-NAP3, period: "2022", section: summary, text: "Shipped."}\n',
        encoding="utf-8",
    )
    monkeypatch.setattr(demo, "EXAMPLE_NARRATIVES", path)
    with web.engine.begin() as conn:
        demo.load_reference(conn)
        demo.load_reference(conn)  # the demo starts again: no second version
        assert [n.author for n in narratives.history(conn, PLAN, "2022", "summary")] == ["demo"]
    monkeypatch.setattr(demo, "EXAMPLE_NARRATIVES", tmp_path / "absent.yaml")
    with web.engine.begin() as conn:
        demo.load_reference(conn)  # no file, nothing to load, no error


# --- the command line ----------------------------------------------------------------------


def test_cli_sets_and_shows_narratives_with_their_history(
    cli_env: dict[str, str], tmp_path: Path
) -> None:
    assert runner.invoke(app, ["init"]).exit_code == 0
    for words in ("One.", "Two."):
        result = runner.invoke(app, ["narrative", "set", PLAN, "2024", "summary", "--text", words])
        assert result.exit_code == 0, result.output
        assert "JP-NAP3 2024 summary: saved" in result.output
    file = tmp_path / "p.txt"
    file.write_text("From a file.", encoding="utf-8")
    result = runner.invoke(
        app, ["narrative", "set", PLAN, "2024", "protection", "--file", str(file)]
    )
    assert result.exit_code == 0, result.output
    shown = runner.invoke(app, ["narrative", "show", PLAN, "2024", "--json"])
    data = json.loads(shown.stdout)
    sections = {s["section"]: s for s in data["items"]}
    assert [v["text"] for v in sections["summary"]["history"]] == ["Two.", "One."]
    assert sections["protection"]["current"]["text"] == "From a file."
    plain = runner.invoke(app, ["narrative", "show", PLAN, "2024", "prevention"]).stdout
    assert "(no narrative written yet)" in plain
    bad = runner.invoke(app, ["narrative", "set", PLAN, "2024", "finance", "--text", "x"])
    assert bad.exit_code != 0 and "is not one of summary" in bad.stderr
    empty = runner.invoke(app, ["narrative", "set", PLAN, "2024", "summary", "--text", " "])
    assert empty.exit_code != 0 and "is empty" in empty.stderr
