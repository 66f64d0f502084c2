"""People and organisations over time, published activities only for anonymous readers."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

import pytest
from sqlalchemy import Connection, select
from typer.testing import CliRunner

from wpstrack import people, schema
from wpstrack.cli import app
from wpstrack.db import now
from wpstrack.errors import InvalidInput, NotFound

if TYPE_CHECKING:
    from conftest import WebSite


def _activity(conn: Connection, day: date, published: bool) -> int:
    act = schema.activity
    values = {
        "title": f"Talks on {day}",
        "status": "published" if published else "draft",
        "is_published": published,
        "date": day,
        "created_at": now(),
        "updated_at": now(),
    }
    return int(conn.execute(act.insert().values(**values).returning(act.c.id)).scalar_one())


def _take_part(conn: Connection, activity_id: int, name: str, **kw: object) -> int:
    part = schema.activity_participant
    values = {"activity_id": activity_id, "name": name, "role": "principal", **kw}
    return int(conn.execute(part.insert().values(**values).returning(part.c.id)).scalar_one())


def test_a_person_is_every_participant_of_that_name_over_time(conn: Connection) -> None:
    first = _activity(conn, date(2022, 5, 1), True)
    second = _activity(conn, date(2024, 2, 1), True)
    draft = _activity(conn, date(2024, 3, 1), False)
    pid = _take_part(conn, first, "Zenobia Quartz", gender="f", title="Envoy")
    _take_part(conn, second, "ZENOBIA QUARTZ", title="Ambassador")
    _take_part(conn, draft, "Zenobia Quartz")
    public = people.person_view(conn, pid, public_only=True)
    assert [a["id"] for a in public["activities"]] == [second, first]
    assert public["by_year"] == [{"year": "2022", "count": 1}, {"year": "2024", "count": 1}]
    assert [(o["office"], o["first"], o["last"]) for o in public["offices"]] == [
        ("Envoy", date(2022, 5, 1), date(2022, 5, 1)),
        ("Ambassador", date(2024, 2, 1), date(2024, 2, 1)),
    ]
    assert len(people.person_view(conn, pid, public_only=False)["activities"]) == 3
    listed = people.list_people(conn, "zenobia", public_only=True).items
    assert [(p.id, p.activities) for p in listed] == [(pid, 2)]


def test_a_person_seen_only_in_drafts_is_hidden_from_anonymous_readers(conn: Connection) -> None:
    pid = _take_part(conn, _activity(conn, date(2024, 1, 1), False), "Hidden Draftperson")
    with pytest.raises(NotFound):
        people.person_view(conn, pid, public_only=True)
    assert people.list_people(conn, "Draftperson", public_only=True).items == []


def test_an_organisation_shows_its_activities(conn: Connection) -> None:
    org = schema.organisation
    org_id, code = conn.execute(select(org.c.id, org.c.code).limit(1)).one()
    act_id = _activity(conn, date(2023, 7, 7), True)
    _take_part(conn, act_id, "Someone", organisation_id=org_id, role="mentioned")
    view = people.organisation_view(conn, code, public_only=True)
    assert act_id in [a["id"] for a in view["activities"]]
    with pytest.raises(NotFound):
        people.organisation_view(conn, "no-such-body")


def test_an_organisation_shows_its_activities_by_role_and_year(conn: Connection) -> None:
    org = schema.organisation
    unfpa = conn.execute(select(org.c.id).where(org.c.code == "unfpa")).scalar_one()
    funded = _activity(conn, date(2023, 1, 5), True)
    ran = _activity(conn, date(2024, 2, 5), True)
    named = _activity(conn, date(2024, 3, 5), True)
    for act_id, role in ((funded, "funder"), (ran, "implementer"), (named, "mentioned")):
        _take_part(conn, act_id, "UNFPA", organisation_id=unfpa, role=role, kind="organisation")
    # Its Executive Director led a meeting: the body took part through her, nothing more.
    met = _activity(conn, date(2024, 4, 5), True)
    _take_part(conn, met, "Ms. Director", organisation_id=unfpa, role="principal", kind="person")
    view = people.organisation_view(conn, "unfpa")
    assert [(r["role"], r["year"], r["count"]) for r in view["by_role_year"]] == [
        ("implementer", "2024", 1),
        ("funder", "2023", 1),
        ("participant", "2024", 1),
        ("mentioned", "2024", 1),
    ]


def test_a_reviewer_merges_two_spellings_into_one_person(conn: Connection) -> None:
    english = _take_part(conn, _activity(conn, date(2024, 1, 9), True), "Yoko Kamikawa")
    japanese = _take_part(conn, _activity(conn, date(2024, 3, 9), True), "上川陽子")
    other = _take_part(conn, _activity(conn, date(2024, 5, 9), True), "KAMIKAWA Yoko")
    people.merge_people(conn, "rita", english, japanese)
    people.merge_people(conn, "rita", other, english)  # a chain: all three are one person
    view = people.person_view(conn, other)
    assert len(view["activities"]) == 3
    assert view["names"] == ["KAMIKAWA Yoko", "Yoko Kamikawa", "上川陽子"]
    assert len(people.person_view(conn, japanese)["activities"]) == 3
    listed = people.list_people(conn, "Kamikawa").items
    assert [p.activities for p in listed] == [3]
    with pytest.raises(InvalidInput, match="already the same person"):
        people.merge_people(conn, "rita", japanese, other)
    log = schema.audit_event
    merges = conn.execute(
        select(log.c.actor).where(log.c.table_name == "person_merge", log.c.action == "merge")
    ).all()
    assert len(merges) == 3  # the first merge, then moving it and adding the second


def test_the_page_the_api_and_the_cli_merge_people(
    web: WebSite, monkeypatch: pytest.MonkeyPatch
) -> None:
    with web.engine.begin() as conn:
        ids = [
            _take_part(conn, _activity(conn, date(2024, 1, n), True), name)
            for n, name in enumerate(("Sima Bahous", "シマ・バフース", "BAHOUS Sima"), start=1)
        ]
    reviewer = web.login("reviewer")
    page = reviewer.get(f"/people/{ids[0]}")
    assert 'action="/people/' in page.text
    form = {"csrf_token": web.csrf(reviewer, f"/people/{ids[0]}"), "other": str(ids[1])}
    assert reviewer.post(f"/people/{ids[0]}/merge", data=form).status_code == 303
    assert "シマ・バフース" in reviewer.get(f"/people/{ids[0]}").text
    api = web.client()
    body = {"other": ids[2]}
    viewer = api.post(f"/api/v1/people/{ids[0]}/merge", json=body, headers=web.bearer("viewer"))
    assert viewer.status_code == 403
    monkeypatch.setenv("WPSTRACK_DATABASE_URL", web.url)
    monkeypatch.setenv("WPSTRACK_DATA_DIR", str(web.settings.data_dir))
    done = CliRunner().invoke(app, ["review", "same-person", str(ids[0]), str(ids[2])])
    assert done.exit_code == 0, done.output
    merged = api.get(f"/api/v1/people/{ids[2]}").json()
    assert len(merged["activities"]) == 3
    again = api.post(f"/api/v1/people/{ids[0]}/merge", json=body, headers=web.bearer("reviewer"))
    assert again.status_code == 422 and "already the same person" in again.text
