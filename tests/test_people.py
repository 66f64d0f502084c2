"""People and organisations over time, published activities only for anonymous readers."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import Connection, select

from wpstrack import people, schema
from wpstrack.db import now
from wpstrack.errors import NotFound


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
    assert public["offices"] == ["Ambassador", "Envoy"]
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
