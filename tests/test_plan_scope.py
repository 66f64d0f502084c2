"""A plan counts what its government carries out or funds, not every release in the register.

The desk ingests every release with MOFA Japan as the default publisher (as the journey
does); a foreign government's release says in its text whose it is ("... the Netherlands
..."), and a release of another body may say Japan funded the work. The JP-NAP3 report,
tracker and computed indicators must count Japan's own release and the Japan-funded one,
and leave the Dutch one out (the tracker shows it as context when asked).
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Connection, select

from wpstrack import activities, actors, dashboard, ingest, plans, reports, review, schema, tracker
from wpstrack.indicators.compute import compute
from wpstrack.indicators.formula import Formula

PUBLISHER = "Ministry of Foreign Affairs of Japan"
JAPAN, DUTCH, JAPAN_FUNDED = 0, 43, 44  # dev corpus: MOFA's dialogue, a Dutch conference,
# an IOM project in Nepal that the release calls Japan-funded


def _register(conn: Connection, corpus: Path) -> dict[int, int]:
    """Ingest, accept and link the three releases to a JP-NAP3 objective; number -> id."""
    plans.load_examples(conn)
    numbers = (JAPAN, DUTCH, JAPAN_FUNDED)
    files = [corpus / f"dev-{n:03d}.txt" for n in numbers]
    outcomes = ingest.ingest_batch(conn, files, publisher=PUBLISHER)
    item, plan = schema.plan_item, schema.plan
    measure = conn.execute(
        select(item.c.id)
        .join(plan, plan.c.id == item.c.plan_id)
        .where(plan.c.code == "JP-NAP3", item.c.kind == "objective")
        .limit(1)
    ).scalar_one()
    ids = {}
    for n, outcome in zip(numbers, outcomes, strict=True):
        assert outcome.status == ingest.INGESTED, outcome
        assert outcome.document_id is not None
        stored = review.accept_record(conn, "reviewer", outcome.document_id)
        activities.link_plan_item(conn, "editor", stored["id"], measure)
        ids[n] = stored["id"]
    return ids


def test_each_release_has_its_acting_government(conn: Connection, corpus_dir: Path) -> None:
    ids = _register(conn, corpus_dir)
    act = schema.activity
    acting = dict(conn.execute(select(act.c.id, act.c.acting_country)).all())
    assert acting[ids[JAPAN]] == "JP"  # the publisher's government: the text is silent
    assert acting[ids[DUTCH]] == "NL"  # the text says otherwise
    assert acting[ids[JAPAN_FUNDED]] == "NP"
    funders = activities.get_activity(conn, ids[JAPAN_FUNDED]).participants
    assert [(p.country, p.role) for p in funders if p.country] == [("JP", "funder")]


def test_report_tracker_and_indicators_count_only_what_japan_carries_out_or_funds(
    conn: Connection, corpus_dir: Path
) -> None:
    ids = _register(conn, corpus_dir)
    ours = {ids[JAPAN], ids[JAPAN_FUNDED]}

    report = reports.build_report(conn, "JP-NAP3", "2024")
    listed = {e.id for s in report.sections for i in s.items for e in i.activities}
    listed |= {e.id for e in report.unlinked}
    assert listed == ours
    assert report.figures.activities == 2

    by_item = tracker.activities_by_item(conn, "JP-NAP3", public_only=False)
    tracked = {a.id for found in by_item.values() for a in found}
    assert tracked == ours
    with_context = tracker.activities_by_item(conn, "JP-NAP3", public_only=False, context=True)
    context = {a.id for found in with_context.values() for a in found if a.context}
    assert context == {ids[DUTCH]}

    plan_id = conn.execute(
        select(schema.plan.c.id).where(schema.plan.c.code == "JP-NAP3")
    ).scalar_one()
    counted = compute(conn, Formula(measure="count_activities"), plan_id)  # type: ignore[call-arg]
    assert {c.period: c.value for c in counted} == {"2024": 2.0}
    everything = compute(conn, Formula(measure="count_activities"))  # type: ignore[call-arg]
    assert {c.period: c.value for c in everything} == {"2024": 3.0}

    scoped = dashboard.dashboard(conn, public=False, plan="JP-NAP3")
    whole = dashboard.dashboard(conn, public=False)
    assert scoped["activities"] == whole["activities"] - 1
    assert "NL" not in {c["country"] for c in scoped["by_country"]}


def test_a_reviewer_moves_an_activity_into_the_plan_by_its_roles(
    conn: Connection, corpus_dir: Path
) -> None:
    """The Dutch conference becomes the plan's when a reviewer records Japan as funder."""
    ids = _register(conn, corpus_dir)
    actors.add_participant(
        conn, "reviewer", ids[DUTCH], actors.ParticipantIn(role="funder", country="jp")
    )
    report = reports.build_report(conn, "JP-NAP3", "2024")
    assert report.figures.activities == 3
    moved = actors.RolesIn(acting_country="NL", acting_organisation="")  # not MOFA's either
    actors.set_roles(conn, "reviewer", ids[JAPAN], moved)
    assert reports.build_report(conn, "JP-NAP3", "2024").figures.activities == 2
