"""Dashboard figures: by month, type and pillar, women's share, UN entities, backlog."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from typing import TYPE_CHECKING, Any

import pytest
from sqlalchemy import Connection, Engine, event, func, select

from wpstrack import activities, dashboard, schema
from wpstrack.db import make_engine, now, upgrade
from wpstrack.reference.sync import sync_reference

if TYPE_CHECKING:
    from conftest import WebSite


def _org(conn: Connection, type_prefix: str) -> int:
    org = schema.organisation
    return int(
        conn.execute(
            select(org.c.id).where(org.c.type.startswith(type_prefix)).order_by(org.c.id).limit(1)
        ).scalar_one()
    )


def _activity(conn: Connection, day: date | None, published: bool, **kw: Any) -> int:
    act = schema.activity
    values = {
        "type": kw.pop("type", "meeting"),
        "title": "An activity",
        "status": "published" if published else "draft",
        "is_published": published,
        "date": day,
        "created_at": now(),
        "updated_at": now(),
    }
    return int(conn.execute(act.insert().values(**values).returning(act.c.id)).scalar_one())


def _people(conn: Connection, activity_id: int, genders: list[str | None]) -> None:
    rows = [
        {"activity_id": activity_id, "name": f"Person {i}", "gender": g, "role": "participant"}
        for i, g in enumerate(genders)
    ]
    conn.execute(schema.activity_participant.insert(), rows)


def _baseline(conn: Connection, public: bool) -> dict[str, Any]:
    return dashboard.dashboard(conn, public=public)


def test_activities_are_counted_by_month_and_type(conn: Connection) -> None:
    before = _baseline(conn, public=False)
    _activity(conn, date(2031, 1, 5), True)
    _activity(conn, date(2031, 1, 20), False, type="visit")
    _activity(conn, date(2031, 3, 1), True)
    _activity(conn, None, True)
    figures = _baseline(conn, public=False)
    months = {m["month"]: m["count"] for m in figures["by_month"]}
    assert (months["2031-01"], months["2031-03"]) == (2, 1)
    assert "2031-02" not in months
    assert figures["activities"] == before["activities"] + 4
    public = {m["month"]: m["count"] for m in _baseline(conn, public=True)["by_month"]}
    assert public["2031-01"] == 1


def test_pillars_keep_their_order_and_count_linked_activities(conn: Connection) -> None:
    pillars = [p["code"] for p in _baseline(conn, public=True)["by_pillar"]]
    order = conn.execute(
        select(schema.pillar.c.code).order_by(schema.pillar.c.sort_order)
    ).scalars()
    assert pillars == list(order)
    first = pillars[0]
    before = {p["code"]: p["count"] for p in _baseline(conn, public=True)["by_pillar"]}[first]
    act_id = _activity(conn, date(2031, 1, 1), True)
    link = {"activity_id": act_id, "kind": "pillar", "pillar_code": first}
    conn.execute(schema.activity_link.insert(), [link, link])  # counted once per activity
    after = {p["code"]: p["count"] for p in _baseline(conn, public=True)["by_pillar"]}[first]
    assert after == before + 1


def test_women_share_counts_named_people_and_reports_unknown_gender(conn: Connection) -> None:
    before = _baseline(conn, public=True)["women"]
    act_id = _activity(conn, date(2031, 2, 2), True)
    _people(conn, act_id, ["f", "f", "m", None])
    conn.execute(
        schema.activity_participant.insert().values(
            activity_id=act_id, name="UN Women", role="mentioned"
        )
    )
    women = _baseline(conn, public=True)["women"]
    assert women["named"] - before["named"] == 4
    assert women["women"] - before["women"] == 2
    assert women["gender_unknown"] - before["gender_unknown"] == 1
    assert women["share"] == round(women["women"] / women["named"], 3)


def test_drafts_count_only_for_logged_in_users(conn: Connection) -> None:
    before = _baseline(conn, public=False)
    public_before = _baseline(conn, public=True)
    act_id = _activity(conn, date(2031, 4, 4), False)
    _people(conn, act_id, ["f"])
    after, public_after = _baseline(conn, public=False), _baseline(conn, public=True)
    assert after["review_backlog"]["draft"] == before["review_backlog"]["draft"] + 1
    assert public_after["review_backlog"] is None
    assert public_after["women"] == public_before["women"]
    assert act_id not in [a["id"] for a in public_after["latest"]]
    assert act_id in [a["id"] for a in after["latest"]]


def test_pillars_and_un_entities_of_drafts_count_only_for_logged_in_users(
    conn: Connection,
) -> None:
    un_id = _org(conn, "un_")
    org = schema.organisation
    un_code = conn.execute(select(org.c.code).where(org.c.id == un_id)).scalar_one()
    pillar = conn.execute(select(schema.pillar.c.code).limit(1)).scalar_one()

    def counts(public: bool) -> tuple[int, int]:
        figures = _baseline(conn, public=public)
        pillars = {p["code"]: p["count"] for p in figures["by_pillar"]}
        entities = {u["code"]: u["count"] for u in figures["un_entities"]}
        return pillars[pillar], entities.get(un_code, 0)

    public_before, before = counts(True), counts(False)
    act_id = _activity(conn, date(2031, 6, 6), False)
    link = {"activity_id": act_id, "kind": "pillar", "pillar_code": pillar}
    conn.execute(schema.activity_link.insert().values(**link))
    conn.execute(
        schema.activity_participant.insert().values(
            activity_id=act_id, organisation_id=un_id, role="mentioned"
        )
    )
    assert counts(True) == public_before
    assert counts(False) == (before[0] + 1, before[1] + 1)


def test_un_entities_are_un_system_organisations_linked_to_activities(conn: Connection) -> None:
    un_id, ministry_id = _org(conn, "un_"), _org(conn, "ministry")
    act_id = _activity(conn, date(2031, 5, 5), True)
    rows = [
        {"activity_id": act_id, "organisation_id": oid, "role": "mentioned"}
        for oid in (un_id, ministry_id)
    ]
    conn.execute(schema.activity_participant.insert(), rows)
    codes = {u["code"] for u in _baseline(conn, public=True)["un_entities"]}
    org = schema.organisation
    un_code, ministry_code = (
        conn.execute(select(org.c.code).where(org.c.id == i)).scalar_one()
        for i in (un_id, ministry_id)
    )
    assert un_code in codes
    assert ministry_code not in codes


def test_latest_activities_come_newest_first(conn: Connection) -> None:
    _activity(conn, date(2040, 1, 1), True)
    newest = _activity(conn, date(2040, 6, 1), True)
    latest = _baseline(conn, public=True)["latest"]
    assert latest[0]["id"] == newest
    dates = [a["date"] for a in latest if a["date"] is not None]
    assert dates == sorted(dates, reverse=True)
    total = conn.execute(select(func.count()).select_from(schema.activity)).scalar_one()
    assert len(latest) == min(dashboard.LATEST, total)


# --- figures kept while the database does not change -----------------------------------------


def _publish_one(c: Connection) -> None:
    _activity(c, date(2032, 1, 1), True)


def _change_a_gender(c: Connection) -> None:
    """An update that leaves every count of rows and every updated_at as it was."""
    part = schema.activity_participant
    first = c.execute(select(func.min(part.c.id)).where(part.c.name.is_not(None))).scalar_one()
    c.execute(part.update().where(part.c.id == first).values(gender="m"))


def _unlink_pillars(c: Connection) -> None:
    c.execute(schema.activity_link.delete().where(schema.activity_link.c.kind == "pillar"))


def _rename_organisations(c: Connection) -> None:
    org = schema.organisation
    c.execute(org.update().where(org.c.type.startswith("un_")).values(name=org.c.code))


@pytest.fixture()
def register(fresh_database_url: str) -> Iterator[Engine]:
    """A database of its own, with published entries, people and UN entities, for tests
    that commit."""
    engine = make_engine(fresh_database_url)
    with engine.begin() as c:
        upgrade(c)
        sync_reference(c)
        pillar = c.execute(select(schema.pillar.c.code).limit(1)).scalar_one()
        for day in (date(2031, 1, 1), date(2031, 2, 1)):
            act_id = _activity(c, day, True)
            _people(c, act_id, ["f", "f"])
            link = {"activity_id": act_id, "kind": "pillar", "pillar_code": pillar}
            c.execute(schema.activity_link.insert().values(**link))
            c.execute(
                schema.activity_participant.insert().values(
                    activity_id=act_id, organisation_id=_org(c, "un_"), role="mentioned"
                )
            )
    yield engine
    engine.dispose()


@pytest.mark.parametrize(
    "write", [_publish_one, _change_a_gender, _unlink_pillars, _rename_organisations]
)
def test_figures_are_kept_until_any_write_is_committed(
    register: Engine, write: Callable[[Connection], None]
) -> None:
    queries: list[str] = []
    event.listen(register, "before_cursor_execute", lambda *a: queries.append(a[2]))

    def request(conn: Connection) -> dict[str, Any]:
        # One request, one transaction (as the web app runs them): a connection still in a
        # transaction would rightly keep reading its snapshot.
        try:
            return dashboard.dashboard(conn, public=True)
        finally:
            conn.rollback()

    with register.connect() as reader:
        first = request(reader)
        queries.clear()
        assert request(reader) == first
        figures = [q for q in queries if not q.startswith(("BEGIN", "ROLLBACK"))]
        # At most the stamp (SQLite reads it on a connection of the dashboard's own).
        assert len(figures) <= 1 and not any("activity" in q for q in figures)
        with register.begin() as writer:
            write(writer)
        second = request(reader)
        assert second != first
        with register.connect() as other:  # figures computed afresh agree
            assert second == dashboard.dashboard(other, public=True)


def test_figures_are_shared_by_the_engines_connections(register: Engine) -> None:
    """A server's pooled connections do not each recompute the figures after a write."""
    queries: list[str] = []
    event.listen(register, "before_cursor_execute", lambda *a: queries.append(a[2]))
    with register.connect() as one, register.connect() as two:
        first = dashboard.dashboard(one, public=True)
        one.rollback()
        queries.clear()
        assert dashboard.dashboard(two, public=True) == first
        assert not any("activity" in q for q in queries)
        two.rollback()
        with register.begin() as writer:
            _publish_one(writer)
        second = dashboard.dashboard(two, public=True)
        assert second["activities"] == first["activities"] + 1
        two.rollback()
        queries.clear()
        assert dashboard.dashboard(one, public=True) == second
        assert not any("activity" in q for q in queries)


def test_the_activity_filter_offers_a_country_as_soon_as_it_is_committed(
    register: Engine,
) -> None:
    with register.connect() as conn:
        assert "KE" not in activities.filter_choices(conn)["countries"]
        conn.rollback()
        with register.begin() as writer:
            act_id = _activity(writer, date(2031, 3, 1), True)
            writer.execute(
                schema.activity.update().where(schema.activity.c.id == act_id).values(country="KE")
            )
        assert "KE" in activities.filter_choices(conn)["countries"]


def test_the_public_filter_offers_only_countries_the_public_sees(register: Engine) -> None:
    """An anonymous visitor's filter form listed the country of a draft, and every draft an
    ingest wrote threw the form away for every visitor."""
    queries: list[str] = []
    event.listen(register, "before_cursor_execute", lambda *a: queries.append(a[2]))
    with register.connect() as conn:
        first = activities.filter_choices(conn, public_only=True)
        conn.rollback()
        with register.begin() as writer:
            draft = _activity(writer, date(2031, 4, 1), False)
            writer.execute(
                schema.activity.update().where(schema.activity.c.id == draft).values(country="NO")
            )
        queries.clear()
        assert activities.filter_choices(conn, public_only=True) == first
        assert not any("activity" in q for q in queries), "a draft threw the form away"
        assert "NO" not in first["countries"]
        assert "NO" in activities.filter_choices(conn)["countries"]  # the register's users


def test_own_writes_count_at_once_and_a_rollback_undoes_them(register: Engine) -> None:
    with register.connect() as conn:
        before = dashboard.dashboard(conn, public=False)["activities"]
        _publish_one(conn)
        assert dashboard.dashboard(conn, public=False)["activities"] == before + 1
        conn.rollback()
        assert dashboard.dashboard(conn, public=False)["activities"] == before
        _publish_one(conn)
        conn.commit()
        assert dashboard.dashboard(conn, public=False)["activities"] == before + 1


def test_a_write_shows_on_the_next_request(web: WebSite) -> None:
    client = web.client()
    before = client.get("/api/v1/dashboard").json()
    assert client.get("/api/v1/dashboard").json() == before
    with web.engine.begin() as c:
        _publish_one(c)
    after = client.get("/api/v1/dashboard").json()
    assert after["activities"] == before["activities"] + 1
