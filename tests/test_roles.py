"""Roles: proposed by the extractor from convention cues, set by reviewers on the page, in the
API and on the command line, each change audited and kept when a draft's rows are rebuilt."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest
from sqlalchemy import Connection, select
from typer.testing import CliRunner

from review_fixtures import add_release
from wpstrack import actors, review, roles, schema
from wpstrack.cli import app
from wpstrack.errors import InvalidInput
from wpstrack.extract.pipeline import extract_text
from wpstrack.extract.roles import _inside_another

if TYPE_CHECKING:
    from conftest import WebSite


@pytest.mark.parametrize(
    ("sentence", "organisation", "role"),
    [
        ("The project is funded by UNDP and runs for two years.", "UNDP", "funder"),
        ("The training was implemented by UNFPA in three provinces.", "UNFPA", "implementer"),
        ("The symposium was hosted by UN Women in New York.", "UN Women", "principal"),
        ("Japan extended a grant of USD 2 million to UNHCR for shelters.", "UNHCR", "recipient"),
        ("The Minister praised UN Women's programme for mediators.", "UN Women", "implementer"),
        ("The Minister met the Executive Director of UNICEF in Tokyo.", "UNICEF", "mentioned"),
    ],
)
def test_the_extractor_gives_an_organisation_the_role_its_cue_states(
    sentence: str, organisation: str, role: str
) -> None:
    record = extract_text(f"Press Release\nMarch 4, 2024\nTitle of the release\n\n{sentence}\n")
    stated = {r["name"]: r["role"] for r in record.get("organisation_roles") or []}
    names = [n for n in record["organisations"] if organisation in n or n in organisation]
    assert names, record["organisations"]
    assert stated.get(names[0], "mentioned") == role


@pytest.mark.parametrize(
    ("title", "acting"),
    [
        ("Norway increases support for women mediators", "NO"),
        ("UK hosts women peacebuilders and pledges new funding", "GB"),
        ("Foreign Minister holds a meeting with the Minister for Foreign Affairs of Kenya", None),
    ],
)
def test_the_acting_government_is_the_country_heading_the_title(
    title: str, acting: str | None
) -> None:
    text = f"Press release\n\n{title}\n\nMarch 4, 2024\n\nThe meeting took place in Geneva.\n"
    assert extract_text(text).get("acting_country") == acting


def test_a_government_that_pays_is_proposed_as_funder() -> None:
    text = (
        "News\n\nJapan-funded centre opens for women\n\nMarch 4, 2024\n\n"
        "A centre funded by the Government of Norway opened in Cox's Bazar.\n"
    )
    record = extract_text(text)
    assert record["funding_countries"] == ["JP", "NO"]


def _participant(conn: Connection, activity_id: int, name: str) -> int:
    part = schema.activity_participant
    return int(
        conn.execute(
            select(part.c.id).where(part.c.activity_id == activity_id, part.c.name == name)
        ).scalar_one()
    )


def test_a_reviewers_role_survives_acceptance_and_is_audited(conn: Connection) -> None:
    document_id, activity_id = add_release(conn)
    undp = _participant(conn, activity_id, "UNDP")
    data = actors.RolesIn(roles={undp: "implementer"}, acting_country="jp")
    actors.set_roles(conn, "rita", activity_id, data)
    review.accept_record(conn, "rita", document_id)
    part = schema.activity_participant
    row = conn.execute(
        select(part.c.role, part.c.role_by).where(
            part.c.activity_id == activity_id, part.c.name == "UNDP"
        )
    ).one()
    assert tuple(row) == ("implementer", "rita")
    log = schema.audit_event
    events = conn.execute(
        select(log.c.action, log.c.after).where(log.c.table_name == "activity_participant")
    ).all()
    assert any(a == "set_role" and after["role"] == "implementer" for a, after in events)
    acting = conn.execute(
        select(schema.activity.c.acting_country).where(schema.activity.c.id == activity_id)
    ).scalar()
    assert acting == "JP"


def test_an_unknown_role_or_organisation_is_refused_and_changes_nothing(conn: Connection) -> None:
    _, activity_id = add_release(conn)
    with pytest.raises(ValueError, match="unknown role"):
        actors.RolesIn(roles={1: "sponsor"})
    with pytest.raises(InvalidInput, match="no organisation"):
        actors.add_participant(
            conn, "rita", activity_id, actors.ParticipantIn(role="funder", organisation="nope")
        )
    with pytest.raises(InvalidInput, match="no participant"):
        actors.set_roles(conn, "rita", activity_id, actors.RolesIn(roles={10**6: "funder"}))


def _role(web: WebSite, activity_id: int, name: str) -> str:
    part = schema.activity_participant
    with web.engine.connect() as conn:
        return str(
            conn.execute(
                select(part.c.role).where(part.c.activity_id == activity_id, part.c.name == name)
            ).scalar_one()
        )


def _version(web: WebSite, activity_id: int) -> int:
    act = schema.activity
    with web.engine.connect() as conn:
        return int(conn.execute(select(act.c.version).where(act.c.id == activity_id)).scalar_one())


def test_the_page_the_api_and_the_cli_set_the_same_roles(
    web: WebSite, monkeypatch: pytest.MonkeyPatch
) -> None:
    with web.engine.begin() as conn:
        document_id, activity_id = add_release(conn)
        undp = _participant(conn, activity_id, "UNDP")
        women = _participant(conn, activity_id, "UN Women")
    reviewer = web.login("reviewer")
    page = reviewer.get(f"/review/{document_id}")
    assert f'id="role-{undp}"' in page.text
    form = {
        "csrf_token": web.csrf(reviewer, f"/activities/{activity_id}"),
        "participant_id": str(undp),
        "role": "funder",
        "version": str(_version(web, activity_id)),
        "back": f"/review/{document_id}",
    }
    response = reviewer.post(f"/activities/{activity_id}/roles", data=form)
    assert response.status_code == 303
    assert response.headers["location"] == f"/review/{document_id}#roles"
    assert _role(web, activity_id, "UNDP") == "funder"
    shown = reviewer.get(f"/activities/{activity_id}").text
    assert roles.label_of("funder") in shown

    api = web.client()
    refused = api.put(
        f"/api/v1/activities/{activity_id}/roles",
        json={"roles": {str(women): "implementer"}},
        headers=web.bearer("viewer"),
    )
    assert refused.status_code == 403
    bad = api.put(
        f"/api/v1/activities/{activity_id}/roles",
        json={"roles": {str(women): "sponsor"}},
        headers=web.bearer("reviewer"),
    )
    assert bad.status_code == 422 and _role(web, activity_id, "UN Women") == "mentioned"
    done = api.put(
        f"/api/v1/activities/{activity_id}/roles",
        json={"roles": {str(women): "implementer"}, "acting_country": "JP"},
        headers=web.bearer("reviewer"),
    )
    assert done.status_code == 200, done.text
    assert done.json()["acting_country"] == "JP"

    monkeypatch.setenv("WPSTRACK_DATABASE_URL", web.url)
    monkeypatch.setenv("WPSTRACK_DATA_DIR", str(web.settings.data_dir))
    command = ["review", "roles", str(activity_id), "--set", f"{women}=recipient"]
    result: Any = CliRunner().invoke(app, [*command, "--as", "reviewer"])
    assert result.exit_code == 0, result.output
    assert _role(web, activity_id, "UN Women") == "recipient"
    added = CliRunner().invoke(
        app, ["review", "roles", str(activity_id), "--add-country", "JP", "--role", "funder"]
    )
    assert added.exit_code == 0, added.output
    assert "Government of Japan" in added.output


def test_a_mention_inside_a_longer_one_is_found_without_comparing_every_pair() -> None:
    # "UN" (0, 2) and "Women" (3, 8) inside "UN Women" (0, 8); overlapping spans are not
    # inside each other; a span alone is inside nothing.
    spans = {(0, 8), (0, 2), (3, 8), (20, 25), (30, 40), (35, 45)}
    assert _inside_another(spans) == {(0, 2), (3, 8)}
    assert _inside_another({(5, 9)}) == set()
