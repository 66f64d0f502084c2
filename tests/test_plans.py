"""Plan files, their storage and the example plans (domain functions over ``conn``)."""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Connection, func, select

from wpstrack import indicators, plans, schema
from wpstrack.errors import Conflict, NotFound
from wpstrack.plans.tables import dump_csv, dump_xlsx, parse_csv, parse_xlsx

SAMPLE = Path(__file__).parent / "data" / "plan_sample.yaml"


def sample_plan() -> plans.Plan:
    return plans.parse_plan(SAMPLE.read_bytes(), str(SAMPLE), "yaml")


def test_sample_file_parses_into_tree_with_kinds_from_depth() -> None:
    plan = sample_plan()
    assert plan.country == "SE"
    assert plan.adopted_on == date(2021, 3, 8)
    walked = [
        (item.code, item.kind, parent.code if parent else None) for item, parent, _ in plan.walk()
    ]
    assert walked == [
        ("A", "area", None),
        ("A.1", "objective", "A"),
        ("A.1.1", "measure", "A.1"),
        ("A.1.2", "measure", "A.1"),
        ("A.2", "objective", "A"),
        ("B", "area", None),
        ("B.1", "measure", "B"),
        ("C", "area", None),
    ]
    assert [t.period for t in plan.indicators[0].targets] == ["2022", "2024"]


def test_import_resolves_organisation_aliases_to_sorted_codes(conn: Connection) -> None:
    outcome = plans.save_plan(conn, sample_plan())
    assert outcome == "inserted"
    stored = plans.read_plan(conn, "TEST-NAP")
    assert stored.items[0].organisations == ["unicef", "unwomen"]
    assert stored.items[0].children[0].organisations == ["un"]
    assert stored.items[1].children[0].organisations == ["jp-mofa"]


@pytest.mark.parametrize("fmt", plans.FORMATS)
def test_export_then_import_reproduces_the_plan_exactly(conn: Connection, fmt: str) -> None:
    plans.save_plan(conn, sample_plan())
    stored = plans.read_plan(conn, "TEST-NAP")
    data = plans.export_plan(conn, "TEST-NAP", fmt)
    reparsed = plans.parse_plan(data, f"export.{fmt}", fmt)
    assert reparsed == stored

    # Into a second plan slot of the same database: a renamed copy must store identically.
    reparsed.code = "TEST-NAP-COPY"
    assert plans.save_plan(conn, reparsed) == "inserted"
    copy = plans.read_plan(conn, "TEST-NAP-COPY")
    copy.code = "TEST-NAP"
    assert copy == stored
    if fmt != "xlsx":  # XLSX files carry a timestamp; their content is compared above
        assert (
            plans.export_plan(conn, "TEST-NAP-COPY", fmt).replace(b"TEST-NAP-COPY", b"TEST-NAP")
            == data
        )


def test_csv_and_xlsx_forms_hold_the_same_plan_as_yaml() -> None:
    plan = sample_plan()
    assert parse_csv(dump_csv(plan).encode(), "x.csv") == plan
    assert parse_xlsx(dump_xlsx(plan), "x.xlsx") == plan


def test_csv_rows_may_come_in_any_order_and_row_order_gives_sibling_order() -> None:
    rows = list(csv.reader(io.StringIO(dump_csv(sample_plan()))))
    out = io.StringIO()
    csv.writer(out).writerows([rows[0], *reversed(rows[1:])])  # children before parents
    plan = parse_csv(out.getvalue().encode(), "x.csv")
    assert plan.code == "TEST-NAP"
    assert [i.code for i in plan.items] == ["C", "B", "A"]
    assert [i.code for i in plan.items[2].children] == ["A.2", "A.1"]
    assert [i.code for i in plan.indicators] == ["I4", "I3", "I2", "I1"]
    assert [t.period for t in plan.indicators[3].targets] == ["2024", "2022"]


def test_saving_the_same_plan_again_reports_unchanged(conn: Connection) -> None:
    assert plans.save_plan(conn, sample_plan()) == "inserted"
    assert plans.save_plan(conn, sample_plan()) == "unchanged"


def test_a_changed_plan_needs_replace(conn: Connection) -> None:
    plans.save_plan(conn, sample_plan())
    changed = sample_plan()
    changed.title = "Revised"
    with pytest.raises(Conflict, match=r"\[W009\].*--replace"):
        plans.save_plan(conn, changed)
    assert plans.read_plan(conn, "TEST-NAP").title != "Revised"


def test_replace_updates_in_place_and_keeps_recorded_values(conn: Connection) -> None:
    plans.save_plan(conn, sample_plan())
    indicators.record_value(conn, "TEST-NAP", "I1", indicators.ValueIn("2022", 15))
    item_id = conn.execute(
        select(schema.plan_item.c.id).where(schema.plan_item.c.code == "A.1.1")
    ).scalar_one()

    revised = sample_plan()
    revised.title = "Revised"
    a1 = revised.items[0].children[0]
    moved = a1.children.pop(0)  # A.1.1 moves under A.2
    revised.items[0].children[1].children.append(moved)
    revised.items.pop()  # area C is dropped
    revised.indicators[0].targets.pop()  # one target fewer
    assert plans.save_plan(conn, revised, replace=True) == "updated"

    stored = plans.read_plan(conn, "TEST-NAP")
    assert stored == revised
    assert (
        conn.execute(
            select(schema.plan_item.c.id).where(schema.plan_item.c.code == "A.1.1")
        ).scalar_one()
        == item_id
    )
    values = indicators.list_values(conn, "TEST-NAP")[0]["values"]
    assert [(v["period"], v["value"]) for v in values] == [("2022", 15.0)]
    version = conn.execute(
        select(schema.plan.c.version).where(schema.plan.c.code == "TEST-NAP")
    ).scalar_one()
    assert version == 2


def test_read_plan_of_unknown_code_is_not_found(conn: Connection) -> None:
    with pytest.raises(NotFound, match="no plan with code 'NOPE'"):
        plans.read_plan(conn, "NOPE")


def test_plan_summaries_count_items_and_indicators(conn: Connection) -> None:
    plans.save_plan(conn, sample_plan())
    rows = {r["code"]: r for r in plans.plan_summaries(conn)}
    assert rows["TEST-NAP"]["items"] == 8
    assert rows["TEST-NAP"]["indicators"] == 4


def test_load_examples_inserts_japans_three_plans_then_finds_them_unchanged(
    conn: Connection,
) -> None:
    first = plans.load_examples(conn)
    assert (first.table, first.inserted, first.updated, first.unchanged) == ("plan", 3, 0, 0)
    count = conn.execute(select(func.count()).select_from(schema.plan_item)).scalar_one()
    second = plans.load_examples(conn)
    assert (second.inserted, second.updated, second.unchanged) == (0, 0, 3)
    assert not second.changed
    assert conn.execute(select(func.count()).select_from(schema.plan_item)).scalar_one() == count


def test_example_plans_carry_the_known_facts() -> None:
    nap1, nap2, nap3 = plans.example_plans()
    assert (nap1.code, nap1.edition, nap1.adopted_on) == ("JP-NAP1", 1, date(2015, 9, 29))
    assert (nap2.period_start, nap2.period_end) == (2019, 2022)
    assert "March 2019" in (nap2.period_note or "")
    assert (nap3.period_start, nap3.period_end) == (2023, 2028)
    assert "fiscal" in (nap3.period_note or "")
    # Adoption days that are not known stay empty rather than guessed.
    assert nap2.adopted_on is None and nap3.adopted_on is None
    five_parts = ["participation", "prevention", "protection", "relief_recovery", None]
    for plan in (nap1, nap2):
        assert [i.pillar for i in plan.items] == five_parts
        assert "evaluation" in plan.items[-1].title.lower()
    assert [i.pillar for i in nap3.items] == five_parts[:4]
    assert all(p.country == "JP" and not p.indicators for p in (nap1, nap2, nap3))
