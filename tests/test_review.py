"""Review: decisions are rows of their own, accepting applies them, bulk acceptance."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import Connection, func, select

from review_fixtures import RELEASE, VALUES, add_release, measure_id
from wpstrack import activities, review, schema
from wpstrack.errors import Conflict, InvalidInput, NotFound, StaleVersion


def _value(conn: Connection, document_id: int, field: str) -> Any:
    return next(v for v in activities.provenance(conn, document_id) if v.field == field)


def _activity(conn: Connection, activity_id: int) -> Any:
    act = schema.activity
    return conn.execute(select(act).where(act.c.id == activity_id)).one()


def test_the_queue_lists_documents_whose_activity_is_a_draft(conn: Connection) -> None:
    first, _ = add_release(conn)
    second, _ = add_release(conn)
    review.accept_record(conn, "reviewer", first)
    queued = [item.id for item in review.review_queue(conn, limit=500).items]
    assert second in queued and first not in queued
    item = next(i for i in review.review_queue(conn, limit=500).items if i.id == second)
    assert (item.values, item.min_confidence) == (12, pytest.approx(0.5))


def test_correcting_a_value_adds_a_human_row_and_keeps_the_machine_row(conn: Connection) -> None:
    document_id, _ = add_release(conn)
    city = _value(conn, document_id, "city")
    row = review.decide(conn, "rev", city.id, "correct", " New York ")
    ext = schema.extraction
    machine = conn.execute(select(ext).where(ext.c.id == city.id)).one()
    assert (machine.value, machine.source, machine.decision, machine.author) == (
        "Boston",
        "machine",
        None,
        None,
    )
    assert (row.value, row.source, row.decision, row.author) == (
        "New York",
        "human",
        "corrected",
        "rev",
    )
    assert (row.decides_id, row.start, row.end) == (city.id, city.start, city.end)
    again = _value(conn, document_id, "city")
    assert (again.value, again.current, again.decision) == ("Boston", "New York", "corrected")


def test_every_decision_is_in_the_audit_log(conn: Connection) -> None:
    document_id, _ = add_release(conn)
    city = _value(conn, document_id, "city")
    row = review.decide(conn, "rev", city.id, "reject")
    log = schema.audit_event
    event = conn.execute(
        select(log).where(log.c.table_name == "extraction", log.c.row_id == str(row.id))
    ).one()
    assert (event.actor, event.action, event.after["decision"]) == ("rev", "reject", "rejected")


def test_accepting_applies_corrections_and_marks_the_record_reviewed(conn: Connection) -> None:
    document_id, activity_id = add_release(conn)
    review.decide(conn, "rev", _value(conn, document_id, "city").id, "correct", "New York")
    review.decide(conn, "rev", _value(conn, document_id, "start_time_local").id, "correct", "18:35")
    review.decide(conn, "rev", _value(conn, document_id, "event_type").id, "correct", "meeting")
    review.add_value(conn, "rev", document_id, "timezone", "America/New_York")
    version = _activity(conn, activity_id).version
    review.accept_record(conn, "rev", document_id, expected_version=version)
    row = _activity(conn, activity_id)
    assert (row.status, row.reviewed_by, row.city, row.type) == (
        "reviewed",
        "rev",
        "New York",
        "meeting",
    )
    assert (row.start_time_local, row.timezone) == ("18:35", "America/New_York")
    assert row.start_utc.strftime("%Y-%m-%d %H:%M") == "2024-03-18 22:35"
    assert row.version == version + 1
    history = activities.get_activity(conn, activity_id).history
    assert [(e.action, e.actor) for e in history][-1] == ("accept", "rev")


def test_accepting_records_every_undecided_value_as_accepted(conn: Connection) -> None:
    document_id, _ = add_release(conn)
    review.decide(conn, "rev", _value(conn, document_id, "city").id, "reject")
    review.accept_record(conn, "rev", document_id)
    values = activities.provenance(conn, document_id)
    assert all(v.decisions for v in values)
    decisions = {v.field: v.decision for v in values}
    assert decisions["city"] == "rejected" and decisions["date"] == "accepted"


def test_rejected_list_values_leave_participants_and_links(conn: Connection) -> None:
    document_id, activity_id = add_release(conn)
    undp = next(v for v in activities.provenance(conn, document_id) if v.current == "UNDP")
    review.decide(conn, "rev", undp.id, "reject")
    review.decide(conn, "rev", _value(conn, document_id, "topics").id, "reject")
    review.accept_record(conn, "rev", document_id)
    detail = activities.get_activity(conn, activity_id)
    assert [p.name for p in detail.participants] == ["Yoko KAMIKAWA", "UN Women"]
    assert (detail.resolutions, detail.pillars, detail.topics) == ([1325], [], [])


def test_a_stale_accept_changes_nothing(conn: Connection) -> None:
    document_id, activity_id = add_release(conn)
    version = _activity(conn, activity_id).version
    activities.link_plan_item(conn, "other", activity_id, measure_id(conn))
    with pytest.raises(StaleVersion):
        review.accept_record(conn, "rev", document_id, expected_version=version)
    assert _activity(conn, activity_id).status == "draft"


def test_a_reviewed_record_takes_no_more_value_decisions(conn: Connection) -> None:
    document_id, _ = add_release(conn)
    city = _value(conn, document_id, "city")
    review.accept_record(conn, "rev", document_id)
    with pytest.raises(Conflict):
        review.decide(conn, "rev", city.id, "correct", "Paris")
    with pytest.raises(Conflict):
        review.accept_record(conn, "rev", document_id)


@pytest.mark.parametrize(
    ("field", "value"),
    [("date", "18 March"), ("duration_minutes", "forty"), ("event_type", "party"), ("city", " ")],
)
def test_a_malformed_correction_is_refused(conn: Connection, field: str, value: str) -> None:
    document_id, _ = add_release(conn)
    with pytest.raises(InvalidInput):
        review.decide(conn, "rev", _value(conn, document_id, field).id, "correct", value)


def test_deciding_on_a_human_row_or_an_unknown_value_is_refused(conn: Connection) -> None:
    document_id, _ = add_release(conn)
    row = review.decide(conn, "rev", _value(conn, document_id, "city").id, "accept")
    with pytest.raises(InvalidInput):
        review.decide(conn, "rev", row.id, "reject")
    with pytest.raises(NotFound):
        review.decide(conn, "rev", 10**9, "reject")


def test_rejecting_a_record_removes_the_draft_and_keeps_the_decision(conn: Connection) -> None:
    document_id, activity_id = add_release(conn)
    review.reject_record(conn, "rev", document_id)
    act, ext = schema.activity, schema.extraction
    assert conn.execute(select(act.c.id).where(act.c.id == activity_id)).first() is None
    kept = conn.execute(
        select(ext.c.decision, ext.c.author).where(
            ext.c.document_id == document_id, ext.c.field == "activity"
        )
    ).one()
    assert tuple(kept) == ("rejected", "rev")
    assert document_id not in [i.id for i in review.review_queue(conn, limit=500).items]


def test_accept_all_takes_only_confident_drafts(conn: Connection) -> None:
    confident = [("date", "2024-03-18", "March 18, commencing", 0.95)]
    sure, sure_activity = add_release(conn, values=confident)
    unsure, unsure_activity = add_release(conn)  # has a value at 0.5
    result = review.accept_all(conn, "bulk", min_confidence=0.9)
    assert sure in result.accepted and unsure in result.skipped
    assert _activity(conn, sure_activity).reviewed_by == "bulk"
    assert _activity(conn, unsure_activity).status == "draft"
    rest = review.accept_all(conn, "bulk")
    assert unsure in rest.accepted and not rest.skipped


def test_accept_all_with_a_floor_accepts_the_sure_values_of_an_unsure_draft(
    conn: Connection,
) -> None:
    document_id, activity_id = add_release(conn)  # values at 1.0 and one topic at 0.5
    result = review.accept_all(conn, "bulk", min_confidence=0.9)
    assert document_id in result.skipped
    values = activities.provenance(conn, document_id)
    for v in values:
        expected = ["accepted"] if (v.confidence or 0) >= 0.9 else []
        assert [d.decision for d in v.decisions] == expected, v.field
    sure = [v for v in values if (v.confidence or 0) >= 0.9]
    assert all(v.decisions[0].author == "bulk" for v in sure)
    assert result.values_accepted == len(sure) and result.values_left == len(values) - len(sure)
    assert _activity(conn, activity_id).status == "draft"  # the unsure topic awaits a person
    again = review.accept_all(conn, "bulk", min_confidence=0.9)
    assert again.values_accepted == 0 and document_id in again.skipped


def test_highlight_nests_marks_and_anchors_each_value_once(conn: Connection) -> None:
    document_id, _ = add_release(conn)
    values = activities.provenance(conn, document_id)
    tree = review.highlight(RELEASE, values)

    def walk(nodes: list[dict[str, Any]]) -> tuple[str, list[str]]:
        text, anchors = "", []
        for node in nodes:
            if "text" in node:
                text += node["text"]
            else:
                inner, found = walk(node["children"])
                text += inner
                anchors += ([node["mark"]["anchor"]] if node["mark"]["anchor"] else []) + found
        return text, anchors

    text, anchors = walk(tree)
    assert text == RELEASE
    assert sorted(anchors) == sorted(f"span-{v.id}" for v in values)
    city = next(n for n in tree if "mark" in n and n["mark"]["field"] == "city")
    assert city["children"][0]["mark"]["field"] == "country"  # same span: nested


def test_crossing_spans_are_split_without_repeating_the_anchor() -> None:
    values = [
        activities.ProvenanceValue(
            id=i, document_id=1, field=f, value=f, current=f, start=s, end=e,
            anchor=f"span-{i}", method="t", confidence=1.0, source="machine", author=None,
            decision=None, decisions=[],
        )
        for i, f, s, e in [(1, "a", 0, 6), (2, "b", 3, 9)]
    ]  # fmt: skip
    tree = review.highlight("abcdefghij", values)
    assert [n.get("text") for n in tree] == [None, None, "j"]
    first, continued = tree[0], tree[1]
    assert first["mark"]["anchor"] == "span-1"
    assert first["children"][1]["mark"]["anchor"] == "span-2"
    assert (continued["mark"]["field"], continued["mark"]["anchor"]) == ("b", None)
    assert continued["children"] == [{"text": "ghi"}]


def test_review_item_offers_plan_measures_and_neighbours(conn: Connection) -> None:
    measure_id(conn)
    first, _ = add_release(conn)
    second, _ = add_release(conn)
    item = review.review_item(conn, second)
    assert item["neighbours"]["previous"] == first
    assert item["activity"].document_id == second
    items = conn.execute(select(func.count()).select_from(schema.plan_item)).scalar_one()
    assert len(item["measures"]) == items > 0


def test_a_text_correction_of_a_structured_value_changes_its_main_part(conn: Connection) -> None:
    words = "resolution 1325 and the protection of women"
    statement = {"speaker": "Yoko KAMIKAWA", "text": words}
    document_id, _ = add_release(conn, values=[("commitments", statement, words, 1.0)])
    said = _value(conn, document_id, "commitments")
    row = review.decide(conn, "rev", said.id, "correct", "the protection of women")
    assert row.value == {"speaker": "Yoko KAMIKAWA", "text": "the protection of women"}
    document_id, _ = add_release(conn)
    actor = _value(conn, document_id, "principal_actors")
    row = review.decide(conn, "rev", actor.id, "correct", "Yoko KAMIKAWA-SATO")
    assert row.value["name"] == "Yoko KAMIKAWA-SATO" and row.value["title"]


def test_values_nobody_decided_on_leave_the_draft_as_it_is(conn: Connection) -> None:
    headline = ("title", "An extracted headline", "Foreign Minister Kamikawa held", 1.0)
    document_id, activity_id = add_release(
        conn, values=[*VALUES, headline], title="The document's own title"
    )
    act = schema.activity
    conn.execute(act.update().where(act.c.id == activity_id).values(summary="kept"))
    review.decide(conn, "rev", _value(conn, document_id, "event_type").id, "reject")
    review.accept_record(conn, "rev", document_id)
    row = _activity(conn, activity_id)
    assert (row.title, row.summary, row.city, row.type) == (
        "The document's own title",
        "kept",
        "Boston",
        "other",
    )
