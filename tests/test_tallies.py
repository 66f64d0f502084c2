"""The tallies (wpstrack.tallies) give the same figures as the register queries.

Each committed write goes through :func:`wpstrack.db.transaction`, whose refresh must leave
the dirty set empty, so the readers use the tallies; the same readers with the tallies
switched off count the register. Both must agree for the public and for logged-in users,
after every kind of edit the triggers have to notice.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from sqlalchemy import Connection, Engine, delete, func, select, update

from wpstrack import activities, dashboard, facets, matrix, schema, tallies
from wpstrack.activities import ActivityFilter
from wpstrack.db import make_engine, now, transaction, upgrade
from wpstrack.reference.sync import sync_reference


@pytest.fixture()
def engine(fresh_database_url: str) -> Iterator[Engine]:
    eng = make_engine(fresh_database_url)
    with transaction(eng) as conn:
        upgrade(conn)
        sync_reference(conn)
    yield eng
    eng.dispose()


def _org(conn: Connection, un: bool) -> int:
    org = schema.organisation
    kind = org.c.type.startswith("un_") if un else ~org.c.type.startswith("un_")
    return int(conn.execute(select(org.c.id).where(kind).order_by(org.c.id).limit(1)).scalar_one())


def _activity(conn: Connection, status: str, day: date | None, **kw: Any) -> int:
    act = schema.activity
    values = {
        "type": "meeting",
        "title": "An activity",
        "status": status,
        "is_published": status == "published",
        "date": day,
        "created_at": now(),
        "updated_at": now(),
        **kw,
    }
    return int(conn.execute(act.insert().values(**values).returning(act.c.id)).scalar_one())


def _person(activity_id: int, gender: str | None, role: str = "participant") -> dict[str, Any]:
    return {"activity_id": activity_id, "name": f"P {gender}", "gender": gender, "role": role}


def _figures(conn: Connection, public: bool) -> dict[str, Any]:
    """The dashboard's register-wide figures, the 3W matrix and the list's facets."""
    figures = dashboard._figures(conn, public, dashboard.Filters())
    found = facets._facets(conn, ActivityFilter(), public)
    return {
        "dashboard": {k: v for k, v in figures.items() if k not in ("indicators", "funding")},
        "matrix": matrix.matrix(conn, public=public),
        "facets": {
            name: sorted((v.value, v.label, v.count) for v in values)
            for name, values in found.facets.items()
        },
        "counted": found.counted,
        "choices": activities._filter_choices(conn, public),
    }


def _same(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    """The figures from the tallies equal those counted from the register."""
    with engine.connect() as conn:
        assert tallies.current(conn), "a committed write left the dirty set non-empty"
        for public in (True, False):
            tallied = _figures(conn, public)
            with monkeypatch.context() as patch:
                patch.setattr(tallies, "current", lambda _conn: False)
                counted = _figures(conn, public)
            assert tallied == counted, f"public={public}"


def _sums(engine: Engine) -> list[Any]:
    t = schema.tally
    with engine.connect() as conn:
        return list(
            conn.execute(select(t).where(t.c.n != 0).order_by(t.c.scope, t.c.figure, t.c.key))
        )


def test_tallies_follow_every_kind_of_edit(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    part, link, act, org = (
        schema.activity_participant,
        schema.activity_link,
        schema.activity,
        schema.organisation,
    )
    with transaction(engine) as conn:
        un, other = _org(conn, un=True), _org(conn, un=False)
        pillars = list(conn.execute(select(schema.pillar.c.code).limit(2)).scalars())
        doc = conn.execute(
            schema.document.insert()
            .values(
                source="x",
                content_hash="0" * 64,
                size_bytes=1,
                status="ingested",
                language="ja",
                ingested_at=now(),
            )
            .returning(schema.document.c.id)
        ).scalar_one()
        a1 = _activity(conn, "published", date(2024, 3, 5), country="JP", document_id=doc)
        a2 = _activity(conn, "reviewed", date(2023, 7, 1), type="visit", acting_country="JP")
        a3 = _activity(conn, "draft", None, type="training", country="US")
        a4 = _activity(conn, "published", date(2024, 1, 9), country="KE")
        a5 = _activity(conn, "reviewed", date(2022, 2, 2), acting_organisation_id=un)
        conn.execute(
            part.insert(),
            [
                {
                    "activity_id": a1,
                    "organisation_id": un,
                    "kind": "organisation",
                    "role": "implementer",
                },
                {
                    "activity_id": a4,
                    "organisation_id": other,
                    "kind": "organisation",
                    "role": "funder",
                },
                {
                    "activity_id": a2,
                    "organisation_id": other,
                    "kind": "organisation",
                    "role": "principal",
                },
            ],
        )
        conn.execute(
            part.insert(),
            [_person(a1, "f"), _person(a1, "m"), _person(a1, None), _person(a2, "f", "principal")],
        )
        conn.execute(part.insert(), [_person(a3, "m"), _person(a4, "f", "mentioned")])
        conn.execute(
            link.insert(),
            [
                {"activity_id": a1, "kind": "pillar", "pillar_code": pillars[0], "country": None},
                {"activity_id": a1, "kind": "pillar", "pillar_code": pillars[1], "country": None},
                {"activity_id": a2, "kind": "pillar", "pillar_code": pillars[0], "country": None},
                {"activity_id": a1, "kind": "location", "pillar_code": None, "country": "KE"},
                {"activity_id": a1, "kind": "location", "pillar_code": None, "country": "UG"},
            ],
        )
    _same(engine, monkeypatch)

    edits = [
        lambda c: activities.set_published(c, "t", a2, True),
        lambda c: activities.set_published(c, "t", a1, False),
        lambda c: c.execute(
            update(act)
            .where(act.c.id == a3)
            .values(type="visit", date=date(2021, 5, 5), country="FR", status="reviewed")
        ),
        lambda c: c.execute(
            part.insert().values(activity_id=a3, kind="government", role="funder", country="FR")
        ),
        lambda c: c.execute(delete(part).where(part.c.activity_id == a1, part.c.gender == "m")),
        lambda c: c.execute(
            link.insert().values(activity_id=a5, kind="pillar", pillar_code=pillars[1])
        ),
        lambda c: c.execute(
            delete(link).where(link.c.activity_id == a1, link.c.pillar_code == pillars[1])
        ),
        lambda c: c.execute(update(link).where(link.c.country == "UG").values(country="TZ")),
        lambda c: c.execute(update(org).where(org.c.id == un).values(acronym="UNX", type="ngo")),
        lambda c: c.execute(
            update(schema.document).where(schema.document.c.id == doc).values(language="en")
        ),
        lambda c: c.execute(update(act).where(act.c.id == a5).values(acting_country="SE")),
        lambda c: c.execute(delete(act).where(act.c.id == a4)),
    ]
    for edit in edits:
        with transaction(engine) as conn:
            edit(conn)
        _same(engine, monkeypatch)

    # Built afresh (the migration's way), the sums are those kept up to date write by write.
    kept = _sums(engine)
    with transaction(engine) as conn:
        tallies.rebuild(conn)
    assert _sums(engine) == kept


def test_a_rolled_back_write_leaves_the_tallies_alone(engine: Engine) -> None:
    with transaction(engine) as conn:
        _activity(conn, "published", date(2024, 3, 5), country="JP")
    before = _sums(engine)
    with pytest.raises(RuntimeError), transaction(engine) as conn:
        _activity(conn, "published", date(2025, 1, 1), country="FR")
        raise RuntimeError("the request failed")
    assert _sums(engine) == before
    with engine.connect() as conn:
        assert tallies.current(conn)
        assert conn.execute(select(func.count()).select_from(schema.activity_tally)).scalar() > 0


def test_readers_count_the_register_while_a_write_is_not_refreshed(engine: Engine) -> None:
    """In a transaction that wrote (before its commit refreshes), the figures include the
    write: the readers see the dirty set and count the register."""
    with engine.connect() as conn, conn.begin():
        before = dashboard._figures(conn, True, dashboard.Filters())["activities"]
        _activity(conn, "published", date(2024, 3, 5))
        assert not tallies.current(conn)
        assert dashboard._figures(conn, True, dashboard.Filters())["activities"] == before + 1
