"""Facets: counts by type, year, pillar, organisation and language beside search results and
the activity list, over exactly what the caller may see, with links that keep the query."""

from __future__ import annotations

import html
import re
from datetime import date
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import Connection, select

from wpstrack import facets, schema
from wpstrack.activities import ActivityFilter
from wpstrack.db import now

if TYPE_CHECKING:
    from conftest import WebSite


def _activity(conn: Connection, title: str, **kw: Any) -> int:
    act, doc = schema.activity, schema.document
    language = kw.pop("language", "en")
    doc_id = conn.execute(
        doc.insert()
        .values(
            source="t",
            content_hash=f"facet-{title}-{now().timestamp()}"[:64],
            size_bytes=1,
            text=title,
            title=title,
            language=language,
            status="ingested",
            ingested_at=now(),
        )
        .returning(doc.c.id)
    ).scalar_one()
    published = kw.pop("published", True)
    org = kw.pop("organisation", None)
    pillar = kw.pop("pillar", None)
    values = {
        "title": title,
        "document_id": doc_id,
        "status": "published" if published else "draft",
        "is_published": published,
        "created_at": now(),
        "updated_at": now(),
        **kw,
    }
    act_id = int(conn.execute(act.insert().values(**values).returning(act.c.id)).scalar_one())
    if org:
        org_id = conn.execute(
            select(schema.organisation.c.id).where(schema.organisation.c.code == org)
        ).scalar_one()
        conn.execute(
            schema.activity_participant.insert().values(
                activity_id=act_id, organisation_id=org_id, role="participant"
            )
        )
    if pillar:
        conn.execute(
            schema.activity_link.insert().values(
                activity_id=act_id, kind="pillar", pillar_code=pillar
            )
        )
    return act_id


@pytest.fixture()
def register(conn: Connection) -> Connection:
    pillar = conn.execute(select(schema.pillar.c.code).limit(1)).scalar_one()
    _activity(
        conn,
        "Zebrafinch dialogue one",
        type="meeting",
        date=date(2023, 5, 1),
        organisation="unwomen",
        pillar=pillar,
    )
    _activity(
        conn,
        "Zebrafinch dialogue two",
        type="meeting",
        date=date(2024, 2, 1),
        organisation="unwomen",
        language="ja",
    )
    _activity(conn, "Zebrafinch workshop", type="workshop", date=date(2024, 6, 1))
    _activity(
        conn,
        "Zebrafinch secret draft",
        type="visit",
        date=date(2022, 1, 1),
        published=False,
        organisation="unfpa",
    )
    return conn


def _counts(found: facets.Facets, name: str) -> dict[str, int]:
    return {v.value: v.count for v in found.facets[name]}


def test_facets_count_what_the_caller_may_see(register: Connection) -> None:
    public = facets.facets(register, ActivityFilter(q="zebrafinch"), public_only=True)
    assert _counts(public, "type") == {"meeting": 2, "workshop": 1}
    assert _counts(public, "year") == {"2024": 2, "2023": 1}
    assert _counts(public, "organisation") == {"unwomen": 2}
    assert _counts(public, "language") == {"en": 2, "ja": 1}
    assert sum(_counts(public, "pillar").values()) == 1
    staff = facets.facets(register, ActivityFilter(q="zebrafinch"), public_only=False)
    assert _counts(staff, "type") == {"meeting": 2, "workshop": 1, "visit": 1}
    assert _counts(staff, "organisation") == {"unwomen": 2, "unfpa": 1}


def test_facets_follow_the_other_filters(register: Connection) -> None:
    narrowed = ActivityFilter(q="zebrafinch", type="meeting", language="ja")
    found = facets.facets(register, narrowed, public_only=True)
    assert _counts(found, "type") == {"meeting": 1} and _counts(found, "year") == {"2024": 1}


def test_every_facet_link_keeps_the_query_and_the_filters(register: Connection) -> None:
    found = facets.facets(
        register, ActivityFilter(q="zebrafinch", type="meeting"), public_only=True
    )
    links = [v for values in found.facets.values() for v in values]
    assert links
    for v in links:
        query = parse_qs(urlsplit(v.href).query)
        assert query["q"] == ["zebrafinch"] and query["type"] == [v.params.get("type", "meeting")]
        for key, value in v.params.items():
            assert query[key] == [value]
    year = next(v for v in found.facets["year"] if v.value == "2024")
    assert "date_from=2024-01-01" in year.href and "date_to=2024-12-31" in year.href


def test_the_counts_are_bounded(register: Connection, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(facets, "MAX_COUNTED", 2)
    found = facets.facets(register, ActivityFilter(q="zebrafinch"), public_only=True)
    assert found.partial and found.counted == 2
    assert sum(_counts(found, "type").values()) == 2


def test_a_searchs_counts_are_over_its_candidates(
    register: Connection, monkeypatch: pytest.MonkeyPatch
) -> None:
    from wpstrack import search

    # The newest visible match is the workshop or its release (the draft's are hidden):
    # that one activity is counted, and the counts say they are an estimate.
    monkeypatch.setattr(search, "CANDIDATES", 1)
    found = facets.facets(register, ActivityFilter(q="zebrafinch"), public_only=True)
    assert found.partial and found.counted == 1
    assert _counts(found, "type") == {"workshop": 1}


@pytest.fixture(scope="module")
def site(web: WebSite) -> WebSite:
    with web.engine.begin() as conn:
        _activity(
            conn,
            "Okapi partnership talks",
            type="meeting",
            date=date(2024, 3, 1),
            organisation="unwomen",
        )
        _activity(conn, "Okapi hidden draft", type="visit", date=date(2024, 3, 1), published=False)
    return web


def test_the_search_page_shows_facets_whose_links_keep_the_query(site: WebSite) -> None:
    page = site.client().get("/search", params={"q": "okapi"})
    assert page.status_code == 200
    panel = page.text[page.text.index('class="facets"') :]
    hrefs = [html.unescape(h) for h in re.findall(r'<a href="(/activities\?[^"]+)"', panel)]
    assert hrefs and all("q=okapi" in h for h in hrefs)
    assert "visit" not in panel  # the draft is not counted for an anonymous visitor
    narrowed = site.client().get(next(h for h in hrefs if "type=meeting" in h))
    assert "Okapi partnership talks" in narrowed.text
    assert 'class="facets"' in narrowed.text  # the list shows them too


def test_the_api_gives_the_same_counts(site: WebSite) -> None:
    client = site.client()
    listed = client.get("/api/v1/activities/facets", params={"q": "okapi"}).json()
    assert {v["value"]: v["count"] for v in listed["facets"]["type"]} == {"meeting": 1}
    staff = client.get(
        "/api/v1/search", params={"q": "okapi", "facets": "true"}, headers=site.bearer("viewer")
    ).json()
    assert {v["value"] for v in staff["facets"]["facets"]["type"]} == {"meeting", "visit"}
    assert "facets" not in client.get("/api/v1/search", params={"q": "okapi"}).json()


def test_the_command_line_prints_facets(cli_env: dict[str, str]) -> None:
    import json
    from pathlib import Path

    from typer.testing import CliRunner

    from wpstrack.cli import app

    runner = CliRunner()
    sample = str(Path(__file__).resolve().parents[1] / "src/wpstrack/sample/releases")
    assert runner.invoke(app, ["ingest", sample]).exit_code == 0
    out = runner.invoke(app, ["search", "Bangkok", "--facets", "--json"])
    assert out.exit_code == 0, out.output
    found = json.loads(out.output)
    assert found["results"] and sum(v["count"] for v in found["facets"]["facets"]["type"]) >= 1
