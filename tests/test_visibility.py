"""What a caller may see: one rule, composed whole into every query.

Every entry point is given the same register: a draft, a reviewed and a published activity,
each with a document of its own, all of them matching the query words. An anonymous caller
(or an explicit public view) must find the published one and nothing else.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import date
from typing import Any

import pytest
from sqlalchemy import Connection, func, select

from wpstrack import schema
from wpstrack.db import now

WORDS = "Okapi corridor"
BODY = "The ministry held an Okapi corridor dialogue on Women, Peace and Security in Juba."


def _document(conn: Connection, name: str) -> int:
    doc = schema.document
    values: dict[str, Any] = {
        "source": f"/srv/wpstrack/inbox/{name}.txt",
        "content_hash": f"{abs(hash((name, BODY, now()))):064d}"[:64],
        "size_bytes": len(BODY),
        "text": f"{BODY} ({name})",
        "title": f"Okapi corridor release {name}",
        "status": "ingested",
        "ingested_at": now(),
    }
    return int(conn.execute(doc.insert().values(**values).returning(doc.c.id)).scalar_one())


def add_register(conn: Connection) -> dict[str, dict[str, int]]:
    """A draft, a reviewed and a published activity (and their documents), all matching."""
    act = schema.activity
    made: dict[str, dict[str, int]] = {}
    for status in ("draft", "reviewed", "published"):
        doc_id = _document(conn, status)
        values = {
            "document_id": doc_id,
            "type": "meeting",
            "title": f"Okapi corridor meeting ({status})",
            "summary": BODY,
            "status": status,
            "is_published": status == "published",
            "date": date(2024, 3, 18),
            "country": "SS",
            "acting_country": "JP",  # Japan's activity: the JP plans track it
            "created_at": now(),
            "updated_at": now(),
        }
        act_id = conn.execute(act.insert().values(**values).returning(act.c.id)).scalar_one()
        made[status] = {"activity": int(act_id), "document": doc_id}
        _take_part(conn, int(act_id))
    return made


def _take_part(conn: Connection, act_id: int) -> None:
    """A named person taking part, UN Women implementing (a "who" of the matrix), a pillar
    and (if any) a plan measure."""
    part, org, link = schema.activity_participant, schema.organisation, schema.activity_link
    unwomen = conn.execute(select(org.c.id).where(org.c.code == "unwomen")).scalar_one()
    person = {"name": "Amina Okapi", "gender": "f", "role": "participant", "kind": "person"}
    conn.execute(part.insert().values(activity_id=act_id, **person))
    implementer = {"organisation_id": unwomen, "role": "implementer", "kind": "organisation"}
    conn.execute(part.insert().values(activity_id=act_id, **implementer))
    conn.execute(link.insert().values(activity_id=act_id, kind="pillar", pillar_code="protection"))
    item = conn.execute(select(func.min(schema.plan_item.c.id))).scalar()
    if item is not None:
        conn.execute(link.insert().values(activity_id=act_id, kind="plan_item", plan_item_id=item))


@pytest.fixture()
def register(conn: Connection) -> dict[str, dict[str, int]]:
    return add_register(conn)


def _ids(items: list[Any]) -> set[int]:
    return {getattr(i, "id", None) or i["id"] for i in items}


# --- the activity register (the API and the page list through it) ---------------------------


@pytest.mark.parametrize(
    "extra",
    [{}, {"type": "meeting"}, {"country": "SS"}, {"date_from": "2024-01-01"}],
    ids=["q", "q+type", "q+country", "q+date"],
)
def test_anonymous_word_filter_lists_published_activities_only(
    conn: Connection, register: dict[str, dict[str, int]], extra: dict[str, str]
) -> None:
    from wpstrack.activities import ActivityFilter, list_activities

    page = list_activities(conn, ActivityFilter(q=WORDS, **extra), public_only=True)
    assert _ids(page.items) == {register["published"]["activity"]}


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"published": True}, {"published"}),
        ({"published": False}, {"draft", "reviewed"}),
        ({"status": "draft"}, {"draft"}),
        ({"status": "reviewed"}, {"reviewed"}),
        ({"type": "visit"}, set()),
    ],
)
def test_the_word_filter_keeps_the_other_filters_for_logged_in_users(
    conn: Connection,
    register: dict[str, dict[str, int]],
    filters: dict[str, Any],
    expected: set[str],
) -> None:
    from wpstrack.activities import ActivityFilter, list_activities

    page = list_activities(conn, ActivityFilter(q=WORDS, **filters), public_only=False)
    assert _ids(page.items) == {register[s]["activity"] for s in expected}


# --- the web entry points ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def site(web: Any) -> Any:
    """The module's web app with the register added (committed: the app reads it)."""
    with web.engine.begin() as conn:
        web.register = add_register(conn)
    return web


def test_anonymous_api_word_filter_lists_published_activities_only(site: Any) -> None:
    response = site.client().get("/api/v1/activities", params={"q": WORDS})
    assert response.status_code == 200
    assert _ids(response.json()["items"]) == {site.register["published"]["activity"]}
    viewer = site.client().get(
        "/api/v1/activities", params={"q": WORDS}, headers=site.bearer("viewer")
    )
    assert _ids(viewer.json()["items"]) == {r["activity"] for r in site.register.values()}


def test_anonymous_activities_page_lists_published_activities_only(site: Any) -> None:
    html = site.client().get("/activities", params={"q": WORDS}).text
    assert "Okapi corridor meeting (published)" in html
    assert "(draft)" not in html and "(reviewed)" not in html


def test_anonymous_search_finds_the_published_activity_and_its_document_only(
    conn: Connection, register: dict[str, dict[str, int]]
) -> None:
    from wpstrack import search

    found = {(h["kind"], h["id"]) for h in search.search(conn, WORDS, public=True)}
    assert found == {(kind, register["published"][kind]) for kind in ("activity", "document")}
    everything = {(h["kind"], h["id"]) for h in search.search(conn, WORDS, public=False)}
    assert everything == {(k, r[k]) for r in register.values() for k in ("activity", "document")}


def test_anonymous_dashboard_counts_the_published_activity_only(conn: Connection) -> None:
    from wpstrack import dashboard

    before = {
        public: dashboard._figures(conn, public, dashboard.Filters()) for public in (True, False)
    }
    add_register(conn)
    after = {
        public: dashboard._figures(conn, public, dashboard.Filters()) for public in (True, False)
    }
    for public, added in ((True, 1), (False, 3)):
        assert after[public]["activities"] - before[public]["activities"] == added
        assert after[public]["women"]["women"] - before[public]["women"]["women"] == added


def test_anonymous_people_and_organisation_views_count_the_published_activity_only(
    conn: Connection, register: dict[str, dict[str, int]]
) -> None:
    from wpstrack import people

    [person] = people.list_people(conn, "Amina Okapi", public_only=True).items
    assert person.activities == 1
    assert people.list_people(conn, "Amina Okapi", public_only=False).items[0].activities == 3
    view = people.person_view(conn, person.id, public_only=True)
    assert _ids(view["activities"]) == {register["published"]["activity"]}
    shown = _ids(people.organisation_view(conn, "unwomen", public_only=True)["activities"])
    assert shown & {r["activity"] for r in register.values()} == {register["published"]["activity"]}


def test_anonymous_matrix_counts_the_published_activity_only(
    conn: Connection, register: dict[str, dict[str, int]]
) -> None:
    from wpstrack.matrix import MatrixFilter, matrix

    f = MatrixFilter(organisation=["unwomen"], country=["SS"], year_from=2024, year_to=2024)
    for public, counted in ((True, 1), (False, 2)):  # reviewed and published count
        [row] = matrix(conn, f, public=public)["rows"]
        assert sum(row["counts"]) == counted


def test_anonymous_archive_lists_the_published_activitys_document_only(
    conn: Connection, register: dict[str, dict[str, int]]
) -> None:
    from wpstrack import archive
    from wpstrack.errors import NotFound

    mine = {r["document"] for r in register.values()}
    listed = _ids(archive.list_documents(conn, limit=500, public_only=True).items)
    assert listed & mine == {register["published"]["document"]}
    with pytest.raises(NotFound):
        archive.document_detail(conn, register["draft"]["document"], public_only=True)


@pytest.mark.parametrize("table", ["activities", "participants"])
def test_exports_give_published_entries_unless_drafts_are_asked_for(
    conn: Connection, register: dict[str, dict[str, int]], table: str
) -> None:
    import json

    from wpstrack.exports import Options, export

    key = "id" if table == "activities" else "activity_id"
    mine = {r["activity"] for r in register.values()}
    public = {r[key] for r in json.loads(export(conn, table, "json"))} & mine
    assert public == {register["published"]["activity"]}
    everything = json.loads(export(conn, table, "json", Options(public=False)))
    assert {r[key] for r in everything} & mine == mine


def test_exports_never_give_a_server_path(
    conn: Connection, register: dict[str, dict[str, int]]
) -> None:
    import json

    from wpstrack.exports import Options, export, public_source

    rows = json.loads(export(conn, "activities", "json", Options(public=False)))
    sources = {r["document_source"] for r in rows if r["id"] == register["draft"]["activity"]}
    assert sources == {"draft.txt"}
    assert public_source("https://www.mofa.go.jp/a.html", None) == "https://www.mofa.go.jp/a.html"
    assert public_source("file:///srv/x/b.txt", None) == "b.txt"
    assert public_source(r"C:\inbox\c.txt", None) == "c.txt"
    assert public_source("/srv/inbox/3f2a", "release.pdf") == "release.pdf"


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/search?q=Okapi+corridor",
        "/search?q=Okapi+corridor",
        "/api/v1/documents?limit=500",
        "/documents",
        "/api/v1/people/1",
        "/people?q=Amina",
        "/api/v1/organisations/unwomen/activities",
        "/organisations/unwomen/activities",
        "/api/v1/matrix?organisation=unwomen&country=SS",
        "/matrix?organisation=unwomen&country=SS",
    ],
)
def test_anonymous_entry_points_show_nothing_unpublished(site: Any, path: str) -> None:
    if "/people/1" in path:
        with site.engine.connect() as conn:
            from wpstrack import people

            [person] = people.list_people(conn, "Amina Okapi", public_only=True).items
        path = path.replace("/1", f"/{person.id}")
    response = site.client().get(path)
    assert response.status_code == 200, response.text
    body = response.text
    for status in ("draft", "reviewed"):
        ids = site.register[status]
        assert f"({status})" not in body
        assert f'/activities/{ids["activity"]}"' not in body
        assert f'/documents/{ids["document"]}"' not in body
        assert f'"id":{ids["activity"]},' not in body.replace(" ", "")


def test_anonymous_dashboard_api_counts_published_entries_only(site: Any) -> None:
    anonymous = site.client().get("/api/v1/dashboard").json()
    viewer = site.client().get("/api/v1/dashboard", headers=site.bearer("viewer")).json()
    assert anonymous["activities"] == 1 and viewer["activities"] == 3
    assert anonymous["review_backlog"] is None


def test_anonymous_plan_tracker_lists_the_published_activity_only(site: Any) -> None:
    from wpstrack.web.api.plans import plan_detail

    with site.engine.connect() as conn:
        item = conn.execute(select(func.min(schema.plan_item.c.id))).scalar_one()
        plan_code = conn.execute(
            select(schema.plan.c.code)
            .join(schema.plan_item, schema.plan_item.c.plan_id == schema.plan.c.id)
            .where(schema.plan_item.c.id == item)
        ).scalar_one()
        linked = {a.id for v in plan_detail(conn, plan_code).activities.values() for a in v}
        every = plan_detail(conn, plan_code, public_only=False).activities.values()
    assert linked == {site.register["published"]["activity"]}
    assert {a.id for v in every for a in v} == {r["activity"] for r in site.register.values()}
    html = site.client().get(f"/plans/{plan_code}").text
    assert "(published)" in html and "(draft)" not in html and "(reviewed)" not in html


def test_api_export_gives_drafts_only_when_asked(site: Any) -> None:
    path = "/api/v1/exports/activities?format=json"
    viewer = site.bearer("viewer")
    public = site.client().get(path, headers=viewer).json()
    assert {r["id"] for r in public} == {site.register["published"]["activity"]}
    asked = site.client().get(path + "&include_drafts=true", headers=viewer).json()
    assert {r["id"] for r in asked} == {r["activity"] for r in site.register.values()}
    assert all(not (r["document_source"] or "").startswith("/") for r in asked)


def test_cli_search_published_only_shows_nothing_unpublished(cli_env: dict[str, str]) -> None:
    import json

    from typer.testing import CliRunner

    from wpstrack.cli import app
    from wpstrack.db import make_engine, upgrade
    from wpstrack.reference.sync import sync_reference

    engine = make_engine(cli_env["WPSTRACK_DATABASE_URL"])
    with engine.begin() as conn:
        upgrade(conn)
        sync_reference(conn)
        made = add_register(conn)
    engine.dispose()
    result = CliRunner().invoke(app, ["search", WORDS, "--json", "--published-only"])
    assert result.exit_code == 0, result.output
    found = {(h["kind"], h["id"]) for h in json.loads(result.output)}
    assert found == {(k, made["published"][k]) for k in ("activity", "document")}


# --- one definition ------------------------------------------------------------------------


_SQL_BY_HAND = re.compile(r"is_published\s*(=|<>|!=|\bis\b)|=\s*'published'", re.IGNORECASE)


def _tests_the_flag(node: Any, parents: dict[Any, Any]) -> bool:
    """Whether ``node`` (``x.is_published``) is used as a condition, not merely named
    (the field catalogue declares the column; a condition on it is a visibility rule)."""
    import ast

    parent = parents.get(node)
    if isinstance(parent, ast.Attribute):  # act.c.is_published.is_(True)
        return True
    if isinstance(parent, ast.Compare | ast.BoolOp | ast.UnaryOp):
        return True
    return isinstance(parent, ast.If | ast.IfExp | ast.While) and parent.test is node


def _hand_made_visibility(path: Any) -> list[str]:
    """Places in ``path`` that test the published flag or compare a status to "published"."""
    import ast

    tree = ast.parse(path.read_text(), str(path))
    parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
    found = []
    for node in ast.walk(tree):
        where = f"{path.name}:{getattr(node, 'lineno', '?')}"
        if isinstance(node, ast.Attribute) and node.attr == "is_published":
            if _tests_the_flag(node, parents):
                found.append(where)  # table.c.is_published.is_(True), if row.is_published
        elif isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant):
            if node.slice.value == "is_published":
                found.append(where)  # row["is_published"]
        elif isinstance(node, ast.Compare):
            operands = [node.left, *node.comparators]
            if any(isinstance(o, ast.Constant) and o.value == "published" for o in operands):
                found.append(where)  # status == "published"
        elif isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "in_":
            values = [a for arg in node.args for a in ast.walk(arg)]
            if any(isinstance(v, ast.Constant) and v.value == "published" for v in values):
                found.append(where)  # status.in_(["published"])
        elif (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and _SQL_BY_HAND.search(node.value)
        ):
            found.append(where)  # SQL written by hand
    return found


def test_the_per_row_document_rule_is_the_same_rule(
    conn: Connection, register: dict[str, dict[str, int]]
) -> None:
    from wpstrack import visibility

    doc, src = schema.document, schema.activity_source
    # A release merged into the published event (shown), one merged into the draft (not),
    # and a rejected one behind nothing.
    merged = {name: _document(conn, f"merged-{name}") for name in ("published", "draft")}
    for name, document_id in merged.items():
        conn.execute(
            src.insert().values(
                activity_id=register[name]["activity"],
                document_id=document_id,
                how="merge",
                added_at=now(),
            )
        )
    rejected = _document(conn, "rejected")
    conn.execute(doc.update().where(doc.c.id == rejected).values(status="rejected"))
    ours = [*(r["document"] for r in register.values()), *merged.values(), rejected]
    found = {
        per_row: set(
            conn.execute(
                select(doc.c.id).where(
                    doc.c.id.in_(ours), visibility.documents(True, per_row=per_row)
                )
            ).scalars()
        )
        for per_row in (False, True)
    }
    assert found[True] == found[False] == {register["published"]["document"], merged["published"]}


def test_no_module_decides_visibility_by_hand() -> None:
    from pathlib import Path

    import wpstrack

    root = Path(wpstrack.__file__).parent
    # fields.py describes every activity column (type, label), is_published among them; it
    # decides nothing about who sees what.
    allowed = {"visibility.py", "schema.py", "fields.py"}
    found = [
        spot
        for path in sorted(root.rglob("*.py"))
        if path.name not in allowed and "migrations" not in path.parts
        for spot in _hand_made_visibility(path)
    ]
    assert found == [], "use wpstrack.visibility instead of: " + ", ".join(found)


def test_the_hand_made_check_catches_each_form(tmp_path: Any) -> None:
    probe = tmp_path / "probe.py"
    for line in (
        "x = act.c.is_published.is_(True)",
        "x = 1 if row.is_published else 2",
        "x = not row.is_published",
        "x = row['is_published']",
        "x = act.c.status == 'published'",
        "x = act.c.status.in_(['published'])",
        "x = text(\"SELECT 1 FROM activity WHERE status = 'published'\")",
    ):
        probe.write_text(line + "\n")
        assert _hand_made_visibility(probe) == ["probe.py:1"], line


def test_anonymous_search_fills_its_page_when_unpublished_entries_rank_higher(
    conn: Connection,
) -> None:
    from wpstrack import search

    act = schema.activity
    for i in range(20):  # drafts that say the words again and again: better ranked
        conn.execute(
            act.insert().values(
                title=f"Serval serval serval draft {i}",
                summary="serval " * 30,
                created_at=now(),
                updated_at=now(),
            )
        )
    published = {
        conn.execute(
            act.insert()
            .values(
                title=f"Published note {i}",
                summary="A long summary of many words that names the serval once. " * 3,
                status="published",
                is_published=True,
                created_at=now(),
                updated_at=now(),
            )
            .returning(act.c.id)
        ).scalar_one()
        for i in range(5)
    }
    hits = search.search(conn, "serval", public=True, limit=3)
    assert len(hits) == 3 and {h["id"] for h in hits} <= published
    assert {h["id"] for h in search.search(conn, "serval", public=True)} == published


# --- every list page as CSV and JSON -----------------------------------------------------------

LIST_PAGES = [
    "/activities",
    "/documents",
    "/people",
    "/organisations",
    "/plans",
    "/indicators/JP-NAP3",
    "/search?q=Okapi+corridor",
    "/admin/audit",
]


@pytest.mark.parametrize("path", LIST_PAGES)
def test_every_list_page_links_to_and_serves_its_rows_as_csv_and_json(site: Any, path: str) -> None:
    client = site.login("admin")
    html = client.get(path).text
    joiner = "&amp;" if "?" in path else "?"
    assert f"{joiner}format=csv" in html and f"{joiner}format=json" in html
    sep = "&" if "?" in path else "?"
    as_csv = client.get(f"{path}{sep}format=csv")
    assert as_csv.status_code == 200 and as_csv.headers["content-type"].startswith("text/csv")
    assert "attachment" in as_csv.headers["content-disposition"]
    as_json = client.get(f"{path}{sep}format=json")
    assert as_json.status_code == 200 and isinstance(as_json.json()["items"], list)
    assert len(list(csv.DictReader(io.StringIO(as_csv.text)))) >= len(as_json.json()["items"])


@pytest.mark.parametrize("path", ["/activities?q=Okapi+corridor", "/search?q=Okapi+corridor"])
def test_list_downloads_show_what_the_visitor_may_see(site: Any, path: str) -> None:
    def key(row: dict[str, Any]) -> tuple[str, int]:
        return (row.get("kind") or "activity", int(row["id"]))

    kinds = ["activity"] if path.startswith("/act") else ["activity", "document"]
    wanted = {(k, site.register["published"][k]) for k in kinds}
    rows = list(csv.DictReader(io.StringIO(site.client().get(path + "&format=csv").text)))
    assert {key(r) for r in rows} == wanted
    items = site.client().get(path + "&format=json").json()["items"]
    assert {key(i) for i in items} == wanted
    viewer = site.login("viewer").get(path + "&format=json").json()["items"]
    assert {key(i) for i in viewer} == {(k, r[k]) for r in site.register.values() for k in kinds}


def test_the_audit_download_is_for_admins_only(site: Any) -> None:
    assert site.client().get("/admin/audit?format=csv").status_code in (303, 401)
    assert site.login("viewer").get("/admin/audit?format=json").status_code == 403
