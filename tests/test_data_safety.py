"""No command destroys data: ``init`` and ``demo`` run again keep the user's plan edits,
recorded values and activity links; a plan changes only through ``plans import --replace``.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Connection, func, select
from typer.testing import CliRunner

from wpstrack import activities, audit, demo, indicators, plans, schema
from wpstrack.cli import app
from wpstrack.db import make_engine, now
from wpstrack.errors import Conflict
from wpstrack.plans.yamlform import dump_yaml

runner = CliRunner()


def _invoke(*args: str) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def _edited_plan_file(url: str, tmp_path: Path) -> Path:
    """JP-NAP3 as stored, plus a measure of the user's own and an indicator on it."""
    engine = make_engine(url)
    with engine.connect() as conn:
        plan = plans.read_plan(conn, "JP-NAP3")
    engine.dispose()
    objective = plan.items[0].children[0]
    objective.children.append(
        plans.Item(code="1.1.9", kind="measure", title="Train women mediators")
    )
    plan.indicators.append(
        plans.Indicator(code="U1", name="Women mediators trained", unit="persons", item="1.1.9")
    )
    path = tmp_path / "jp-nap3-edited.yaml"
    path.write_text(dump_yaml(plan), encoding="utf-8")
    return path


def _user_work(url: str) -> dict[str, int]:
    """What the user added: the measure, its indicator, their values and activity links."""
    engine = make_engine(url)
    item, ind, val, link = (
        schema.plan_item,
        schema.indicator,
        schema.indicator_value,
        schema.activity_link,
    )
    with engine.connect() as conn:

        def count(stmt: object) -> int:
            return int(conn.execute(stmt).scalar_one())  # type: ignore[call-overload]

        work = {
            "measure": count(select(func.count()).where(item.c.code == "1.1.9")),
            "indicator": count(select(func.count()).where(ind.c.code == "U1")),
            # The user's own: the demo adds the fictional example plan's values beside them.
            "values": count(
                select(func.count())
                .select_from(val.join(ind, ind.c.id == val.c.indicator_id))
                .where(ind.c.code == "U1")
            ),
            "links": count(
                select(func.count()).select_from(link).where(link.c.kind == "plan_item")
            ),
        }
    engine.dispose()
    return work


def test_init_and_demo_again_lose_no_plan_edit_value_or_link(
    cli_env: dict[str, str], tmp_path: Path
) -> None:
    url = cli_env["WPSTRACK_DATABASE_URL"]
    _invoke("init")
    edited = _edited_plan_file(url, tmp_path)
    _invoke("plans", "import", str(edited), "--replace", "--apply")
    _invoke("indicators", "record", "JP-NAP3", "U1", "2024", "12")
    _invoke("ingest", str(demo.SHIPPED_SAMPLE))
    engine = make_engine(url)
    with engine.begin() as conn:
        measure = conn.execute(
            select(schema.plan_item.c.id).where(schema.plan_item.c.code == "1.1.9")
        ).scalar_one()
        activity = conn.execute(select(func.min(schema.activity.c.id))).scalar_one()
        activities.link_plan_item(conn, "tester", activity, measure)
    engine.dispose()
    before = _user_work(url)
    assert before == {"measure": 1, "indicator": 1, "values": 1, "links": 1}

    _invoke("init")
    _invoke("demo", "--no-serve", "--corpus", str(demo.SHIPPED_SAMPLE))

    assert _user_work(url) == before


SAMPLE = Path(__file__).parent / "data" / "plan_sample.yaml"


def _sample() -> plans.Plan:
    return plans.parse_plan(SAMPLE.read_bytes(), str(SAMPLE), "yaml")


def test_replace_without_apply_prints_the_diff_and_writes_nothing(
    cli_env: dict[str, str], tmp_path: Path
) -> None:
    url = cli_env["WPSTRACK_DATABASE_URL"]
    _invoke("init")
    edited = _edited_plan_file(url, tmp_path)
    text = edited.read_text(encoding="utf-8").replace(
        "title: National Action Plan", "title: Revised Action Plan", 1
    )
    edited.write_text(text, encoding="utf-8")

    dry = _invoke("plans", "import", str(edited), "--replace")
    assert "~ plan JP-NAP3 (title)" in dry
    assert "+ item 1.1.9" in dry
    assert "+ indicator U1" in dry
    assert "Dry run: nothing written" in dry
    assert _user_work(url)["measure"] == 0

    refused = runner.invoke(app, ["plans", "import", str(edited)])
    assert refused.exit_code != 0
    assert "--replace" in refused.output


def test_replace_refuses_to_delete_an_indicator_with_values_unless_forced(
    conn: Connection,
) -> None:
    plans.save_plan(conn, _sample())
    indicators.record_value(conn, "TEST-NAP", "I1", indicators.ValueIn("2022", 15))
    revised = _sample()
    revised.indicators = [i for i in revised.indicators if i.code != "I1"]

    diff = plans.plan_changes(conn, revised)
    assert diff.losses == ["indicator I1 is removed but has 1 recorded value(s)"]
    with pytest.raises(Conflict, match=r"\[W009\].*I1.*1 recorded value.*--force"):
        plans.save_plan(conn, revised, replace=True, actor="ed")
    assert conn.execute(select(func.count()).select_from(schema.indicator_value)).scalar_one()

    assert plans.save_plan(conn, revised, replace=True, force=True, actor="ed") == "updated"
    deleted = {
        (e.table_name, e.action)
        for e in audit.list_events(conn, audit.AuditFilter(actor="ed")).items
    }
    assert {("indicator", "delete"), ("indicator_value", "delete")} <= deleted


def test_replace_refuses_to_delete_an_item_with_activity_links(conn: Connection) -> None:
    plans.save_plan(conn, _sample())
    item = conn.execute(
        select(schema.plan_item.c.id).where(schema.plan_item.c.code == "C")
    ).scalar_one()
    activity = conn.execute(
        schema.activity.insert()
        .values(type="meeting", status="draft", created_at=now(), updated_at=now())
        .returning(schema.activity.c.id)
    ).scalar_one()
    activities.link_plan_item(conn, "ed", activity, item)
    revised = _sample()
    revised.items.pop()  # area C

    with pytest.raises(Conflict, match=r"item C is removed but has 1 activity link"):
        plans.save_plan(conn, revised, replace=True)


def test_every_row_a_plan_import_writes_is_audited(conn: Connection) -> None:
    plans.save_plan(conn, _sample(), actor="importer")
    revised = _sample()
    revised.title = "Revised"
    revised.items[0].children[0].children[0].title = "Changed measure"
    revised.indicators[0].targets.pop()
    plans.save_plan(conn, revised, replace=True, actor="importer")

    events = audit.list_events(conn, audit.AuditFilter(actor="importer"), limit=500).items
    written = {(e.table_name, e.action) for e in events}
    items = sum(1 for _ in _sample().walk())
    created = [e for e in events if e.table_name == "plan_item" and e.after and not e.before]
    assert len(created) == items
    assert ("plan", "import") in written
    assert ("indicator", "import") in written
    assert ("indicator_target", "import") in written
    changed = [e for e in events if e.table_name == "plan_item" and e.before and e.after]
    assert [e.after["title"] for e in changed if e.after] == ["Changed measure"]
