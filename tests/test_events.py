"""One event, many sources: matches offered for review, merged or kept apart, and format
copies joined at ingest; the counts count events, not documents."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import unicodedata
import zlib
from functools import cache
from pathlib import Path
from typing import Any

import numpy
import pytest
from sqlalchemy import Connection, func, select
from typer.testing import CliRunner

from event_pairs import format_copies
from review_fixtures import RELEASE, VALUES, add_release
from wpstrack import activities, copies, dashboard, events, ingest, review, schema, search, users
from wpstrack.cli import app
from wpstrack.db import make_engine, upgrade
from wpstrack.documents import extract_record, read_bytes
from wpstrack.errors import Conflict, InvalidInput, NotFound

DATA = Path(__file__).parent / "data" / "events"
JAPANESE = DATA / "dev-000-ja.txt"


@cache
def _prepared(path: Path) -> tuple[bytes, Any, dict[str, Any]]:
    """A release read and extracted once per session (the extractor is the slow part)."""
    raw = path.read_bytes()
    read = read_bytes(raw, filename=path.name)
    return raw, read, extract_record(read)


def _store(conn: Connection, path: Path) -> int:
    """Store a release as ingestion does; returns the new document's id."""
    raw, read, record = _prepared(path)
    digest = hashlib.sha256(raw).hexdigest()
    origin = ingest.Source(str(path), str(path), path.name, digest, len(raw))
    outcome = ingest.store(conn, ingest.Prepared(origin, raw, read=read, record=dict(record)))
    assert outcome.status == ingest.INGESTED and outcome.document_id is not None
    return outcome.document_id


def _fingerprint(text: str) -> str | None:
    return copies.marks(text)[0]


def _activity(conn: Connection, document_id: int) -> int:
    found = events.activity_of_document(conn, document_id)
    assert found is not None
    return found


def _counts(conn: Connection) -> tuple[int, int]:
    """Entries in the register (reviewed or published) and all entries, drafts included."""
    tally = dashboard.tally(conn)
    return tally.by_status["reviewed"] + tally.by_status["published"], tally.total


@pytest.mark.parametrize("order", ["english first", "japanese first"])
def test_english_and_japanese_release_end_as_one_activity_with_two_sources(
    conn: Connection, corpus_dir: Path, order: str
) -> None:
    english = corpus_dir / "dev-000.txt"
    first, second = (english, JAPANESE) if order == "english first" else (JAPANESE, english)
    first_doc = _store(conn, first)
    kept = _activity(conn, first_doc)
    review.accept_record(conn, "rita", first_doc)
    before = _counts(conn)
    assert before[0] == 1

    second_doc = _store(conn, second)
    draft = _activity(conn, second_doc)
    assert draft != kept  # a reviewer decides; the languages differ, so no automatic join
    assert _counts(conn)[0] == before[0]  # the register's count waits for the decision
    offered = review.review_item(conn, second_doc)["candidates"]
    assert [c.activity_id for c in offered] == [kept]
    evidence = " | ".join(offered[0].evidence)
    for expected in ("same start: 2024-03-18 22:05 UTC", "same place", "kamikawa yoko"):
        assert expected in evidence
    assert "organisations in common: 100%" in evidence

    events.merge(conn, "rita", kept, draft)
    assert _counts(conn) == before  # one event: the second release changed no count
    assert events.activity_of_document(conn, second_doc) == kept
    detail = activities.get_activity(conn, kept)
    assert [(s.document_id, s.how) for s in detail.sources] == [
        (first_doc, "ingest"),
        (second_doc, "merge"),
    ]
    assert {s.language for s in detail.sources} == {"en", "ja"}
    # Each value keeps the document it was read from.
    assert {v.document_id for v in detail.provenance} == {first_doc, second_doc}
    assert detail.status == "reviewed"
    assert review.review_queue(conn).items == []
    log = schema.audit_event
    merged = conn.execute(
        select(log.c.actor, log.c.after).where(log.c.action == "merge", log.c.row_id == str(kept))
    ).all()
    assert [(actor, after["merged"]) for actor, after in merged if "merged" in after] == [
        ("rita", draft)
    ]


def test_format_copies_become_one_activity_without_a_reviewer(
    conn: Connection, corpus_dir: Path, tmp_path: Path
) -> None:
    text = (corpus_dir / "dev-000.txt").read_text(encoding="utf-8")
    others = format_copies(text, tmp_path, "release")
    outcomes = ingest.ingest_batch(conn, [corpus_dir / "dev-000.txt", *others], actor="ann")
    assert [o.status for o in outcomes] == ["ingested"] * 4
    ids = {_activity(conn, o.document_id) for o in outcomes if o.document_id}
    assert len(ids) == 1
    (kept,) = ids
    sources = events.sources(conn, kept)
    assert sorted(s.how for s in sources) == ["auto", "auto", "auto", "ingest"]
    assert {s.media_type for s in sources} >= {"application/pdf", "text/html"}
    assert all(f"activity {kept}" in (o.detail or "") for o in outcomes[1:])
    act = schema.activity
    assert conn.execute(select(func.count()).select_from(act)).scalar_one() == 1
    assert len(review.review_queue(conn).items) == 1
    log = schema.audit_event
    merges = conn.execute(
        select(log.c.after).where(log.c.action == "merge", log.c.table_name == "activity_source")
    ).scalars()
    assert [m["how"] for m in merges] == ["auto"] * 3


def test_a_copy_with_a_page_footer_is_the_same_text_and_a_short_text_never_is() -> None:
    assert _fingerprint("Too short to say.") is None
    assert _fingerprint(RELEASE) == _fingerprint(RELEASE.replace("\n", "  \n\n"))
    near = RELEASE + "\nPage 1 of 1"
    assert _fingerprint(RELEASE) != _fingerprint(near)
    ratio = copies.similarity(copies.shingles(RELEASE), copies.shingles(near))
    assert ratio >= copies.NEAR_DUPLICATE
    other = RELEASE.replace("UN Women and UNDP", "UNICEF and UNHCR").replace("1325", "2467")
    assert copies.similarity(copies.shingles(RELEASE), copies.shingles(other)) < 0.9


@pytest.mark.parametrize(
    "text",
    [
        RELEASE,
        RELEASE.replace("Women", "Wo_men—ﬁnal ＵＮ"),  # underscore, dash, ligature, full width
        "外務大臣は国連女性機関の事務局長とニューヨークで会談しました。" * 12,
        "La ministre a rencontré la Représentante spéciale à Genève. " * 8,
    ],
)
def test_shingles_are_the_crc32_of_every_eight_letters_of_the_folded_text(text: str) -> None:
    # The writer's fast path (one regex, byte slices for ASCII) against the definition.
    plain = "".join(ch for ch in unicodedata.normalize("NFKC", text).casefold() if ch.isalnum())[
        : copies.MAX_FOLDED
    ]
    assert copies.fold(text) == plain
    expected = {zlib.crc32(plain[i : i + 8].encode()) for i in range(len(plain) - 7)}
    assert copies.shingles(text).tolist() == sorted(expected)


def test_a_pair_kept_apart_is_not_offered_again(conn: Connection) -> None:
    _, one = add_release(conn)
    _, other = add_release(conn)
    assert [c.activity_id for c in events.candidates(conn, other)] == [one]
    events.keep_apart(conn, "rita", other, one)
    assert events.candidates(conn, other) == [] and events.candidates(conn, one) == []
    with pytest.raises(Conflict):
        events.keep_apart(conn, "rita", one, other)
    log = schema.audit_event
    actions = conn.execute(select(log.c.action).where(log.c.table_name == "activity_apart"))
    assert list(actions.scalars()) == ["keep_apart"]


OTHER_RELEASE = (
    "Press Release\n"
    "March 18, 2024\n"
    "State Minister met the Executive Director of UNFPA\n"
    "On March 18, from 9:00 a.m. for about 30 minutes, the State Minister for Foreign "
    "Affairs met Dr. Natalia KANEM, Executive Director of UNFPA, who is visiting {city}, and "
    "discussed support for women and girls in humanitarian crises.\n"
)


def _other_values(city: str, country: str) -> list[tuple[str, Any, str, float | None]]:
    return [
        ("date", "2024-03-18", "March 18, from", 1.0),
        ("start_time_local", "09:00", "9:00 a.m.", 1.0),
        ("principal_actors", {"name": "Natalia KANEM"}, "Natalia KANEM", 1.0),
        ("city", city, city, 0.8),
        ("country", country, city, 0.8),
        ("organisations", "UNFPA", "UNFPA", 1.0),
    ]


@pytest.mark.parametrize(("city", "country"), [("New York", "US"), ("Tokyo", "JP")])
def test_another_event_on_the_same_day_is_not_offered(
    conn: Connection, city: str, country: str
) -> None:
    """Another meeting that day (here or elsewhere, at another hour, with other people)."""
    _, one = add_release(conn)
    text = OTHER_RELEASE.format(city=city)
    _, other = add_release(conn, text, _other_values(city, country), "State Minister met UNFPA")
    act = schema.activity
    for activity_id, clock in ((one, "18:05"), (other, "09:00")):
        start = activities.start_instant(dt.date(2024, 3, 18), clock, "America/New_York")
        conn.execute(act.update().where(act.c.id == activity_id).values(start_utc=start))
    assert events.candidates(conn, other) == []
    assert events.candidates(conn, one) == []


def test_ingestion_finds_the_copies_the_reviewers_list_marks_same_text(conn: Connection) -> None:
    """Ingestion's own look-up of format copies (texts only) finds exactly the candidates
    marked ``same_text``, also when all other evidence speaks against them (another
    country, a start four hours apart): a copy's text outweighs it. A different text in the
    same window is no copy, and a pair kept apart is not joined."""
    _, one = add_release(conn)
    _, copy = add_release(conn, RELEASE + "\nPage 1 of 1")
    other_text = OTHER_RELEASE.format(city="Tokyo")
    _, other = add_release(conn, other_text, _other_values("Tokyo", "JP"), "Another meeting")
    act = schema.activity
    conn.execute(act.update().where(act.c.id == copy).values(country="FR", city="Paris"))
    for activity_id, clock in ((one, "18:05"), (copy, "22:30")):
        start = activities.start_instant(dt.date(2024, 3, 18), clock, "America/New_York")
        conn.execute(act.update().where(act.c.id == activity_id).values(start_utc=start))

    def marked(activity_id: int) -> list[int]:
        return sorted(c.activity_id for c in events.candidates(conn, activity_id) if c.same_text)

    assert events._near_copies(conn, copy) == marked(copy) == [one]
    assert events._near_copies(conn, one) == marked(one) == [copy]
    assert events._near_copies(conn, other) == marked(other) == []
    events.keep_apart(conn, "rita", copy, one)
    assert events._near_copies(conn, copy) == marked(copy) == []


def _texts_read(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The ids of the texts the near-copy look-up reads from now on, from an empty cache."""
    read: list[int] = []
    real = events._texts

    def counted(conn: Connection, document_ids: list[int]) -> dict[int, str]:
        read.extend(document_ids)
        return real(conn, document_ids)

    monkeypatch.setattr(events, "_texts", counted)
    monkeypatch.setattr(events, "_CACHE", events._ShingleCache(events.SHINGLE_CACHE_BYTES))
    return read


def test_the_copy_look_up_reads_each_stored_text_once(
    conn: Connection, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ingestion compares each new release with every activity of its day. With many
    releases a day, reading and shingling all their texts for each new one made the single
    writer 20 times slower (bench/ingest.py --per-day 100): the shingles are kept by
    fingerprint, and a text is read again only when they are not."""
    doc = schema.document
    texts = [RELEASE] + [
        f"{RELEASE}\nAnnex {n}: " + f"item {n} of the plan. " * 40 for n in range(4)
    ]
    activity_ids = []
    for text in texts:
        document_id, activity_id = add_release(conn, text)
        mark = _fingerprint(text)
        conn.execute(doc.update().where(doc.c.id == document_id).values(fingerprint=mark))
        activity_ids.append(activity_id)
    read = _texts_read(monkeypatch)
    for _ in range(2):
        for activity_id in activity_ids:
            assert events._near_copies(conn, activity_id) == []  # annexes: no one's copy
    assert sorted(read) == sorted(set(read)) and len(read) == len(texts)
    # A copy is still found from the kept shingles, and the reviewer's list agrees.
    _, copy = add_release(conn, RELEASE + "\nPage 1 of 1")
    assert events._near_copies(conn, copy) == [activity_ids[0]]
    assert [c.activity_id for c in events.candidates(conn, copy) if c.same_text] == [
        activity_ids[0]
    ]


def test_ingestion_joins_copies_without_reading_the_new_texts_back(
    conn: Connection, corpus_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The single writer compares each new release with those of its day. It folded and
    shingled each one again after reading its text back from the database; the shingles
    now come with the extraction (a worker's work), and the writer reads no text."""
    read = _texts_read(monkeypatch)
    text = (corpus_dir / "dev-000.txt").read_text(encoding="utf-8")
    files = [tmp_path / "release.txt", tmp_path / "release-printed.txt"]
    files[0].write_text(text, encoding="utf-8")
    files[1].write_text(text + "\nPage 1 of 1\n", encoding="utf-8")  # a near copy
    outcomes = ingest.ingest_batch(conn, files, actor="ann")
    assert [o.status for o in outcomes] == ["ingested"] * 2
    assert len({_activity(conn, o.document_id) for o in outcomes if o.document_id}) == 1
    assert read == []
    doc = schema.document
    stored = conn.execute(select(doc.c.text, doc.c.fingerprint)).all()
    assert [mark for _, mark in stored] == [_fingerprint(t) for t, _ in stored]


def test_the_shingle_cache_keeps_within_its_bytes_the_latest_used_first() -> None:
    arrays = {mark: copies.shingles(RELEASE + mark * 30) for mark in "abcd"}
    cache = events._ShingleCache(budget=sum(a.nbytes for a in list(arrays.values())[:3]))
    for mark in "abc":
        cache.put(mark, arrays[mark])
    assert cache.get("a") is arrays["a"]  # "a" now used last: "b" goes first
    cache.put("d", arrays["d"])
    assert cache.get("b") is None and cache.get("a") is arrays["a"]
    assert cache.used <= cache.budget
    cache.put("huge", numpy.zeros(cache.budget, numpy.uint32))  # larger than the cache: not kept
    assert cache.get("huge") is None and cache.get("a") is arrays["a"]


def test_merge_fills_empty_values_from_the_joined_source_and_records_which(
    conn: Connection,
) -> None:
    no_place = [v for v in VALUES if v[0] not in ("city", "country")]
    doc_a, a = add_release(conn, values=no_place)
    doc_b, b = add_release(conn)
    stored = events.merge(conn, "rita", a, b)
    assert (stored["city"], stored["country"]) == ("Boston", "US")
    (joined,) = [s for s in events.sources(conn, a) if s.document_id == doc_b]
    assert set(joined.fields) >= {"city", "country"}
    assert (
        conn.execute(select(schema.activity.c.id).where(schema.activity.c.id == b)).first() is None
    )
    # The participants both named are not doubled.
    names = [p.name for p in activities.get_activity(conn, a).participants]
    assert names.count("Yoko KAMIKAWA") == 1
    assert events.activity_of_document(conn, doc_a) == a


def test_merge_refuses_itself_and_unknown_activities(conn: Connection) -> None:
    _, one = add_release(conn)
    with pytest.raises(InvalidInput):
        events.merge(conn, "rita", one, one)
    with pytest.raises(NotFound):
        events.merge(conn, "rita", one, one + 999)
    with pytest.raises(NotFound):
        events.candidates(conn, one + 999)
    assert events.activity_of_document(conn, 10**9) is None


def test_name_folding_matches_spellings_of_one_person() -> None:
    assert events.fold_name("Yoko KAMIKAWA") == events.fold_name("Kamikawa Yoko")
    assert events.fold_name("KŌNO Tarō") == events.fold_name("Taro Kohno")


# --- the shells -----------------------------------------------------------------------------

runner = CliRunner()


def test_cli_lists_candidates_merges_and_keeps_apart(cli_env: dict[str, str]) -> None:
    engine = make_engine(cli_env["WPSTRACK_DATABASE_URL"])
    with engine.begin() as conn:
        upgrade(conn)
        users.add_user(conn, users.user_in("rita", "reviewer", "a long password"), None)
        ids = [add_release(conn)[1] for _ in range(3)]
    result = runner.invoke(app, ["review", "candidates", str(ids[2]), "--json"])
    assert result.exit_code == 0, result.output
    assert {c["activity_id"] for c in json.loads(result.stdout)} == {ids[0], ids[1]}
    result = runner.invoke(app, ["review", "merge", str(ids[0]), str(ids[1]), "--as", "rita"])
    assert result.exit_code == 0 and "2 sources" in result.stdout, result.output
    result = runner.invoke(app, ["review", "apart", str(ids[0]), str(ids[2]), "--as", "rita"])
    assert result.exit_code == 0, result.output
    again = runner.invoke(app, ["review", "merge", str(ids[0]), str(ids[1]), "--as", "rita"])
    assert again.exit_code != 0 and "no activity" in again.stderr
    with engine.connect() as conn:
        assert events.candidates(conn, ids[2]) == []
        log = schema.audit_event
        actors = conn.execute(select(log.c.actor).where(log.c.action == "merge")).scalars()
        assert set(actors) == {"rita"}
    engine.dispose()


def test_api_and_review_page_offer_the_match_and_merge_it(web: Any) -> None:
    with web.engine.begin() as conn:
        doc_a, a = add_release(conn)
        doc_b, b = add_release(conn)
        doc_c, c = add_release(conn)
    viewer = web.bearer("viewer")
    client = web.client()
    assert client.get(f"/api/v1/activities/{b}/candidates").status_code == 401
    found = client.get(f"/api/v1/activities/{b}/candidates", headers=viewer)
    assert found.status_code == 200
    assert a in [x["activity_id"] for x in found.json()["candidates"]]
    item = client.get(f"/api/v1/review/{doc_b}", headers=viewer).json()
    assert a in [x["activity_id"] for x in item["candidates"]]
    body = {"into": a, "source": b}
    assert client.post("/api/v1/review/merge", json=body, headers=viewer).status_code == 403
    merged = client.post("/api/v1/review/merge", json=body, headers=web.bearer("reviewer"))
    assert merged.status_code == 200
    assert [s["document_id"] for s in merged.json()["sources"]] == [doc_a, doc_b]
    apart = {"activity": a, "other": c}
    assert client.post("/api/v1/review/apart", json=apart, headers=viewer).status_code == 403

    browser = web.login("reviewer")
    page = browser.get(f"/review/{doc_c}")
    assert "Same event as another activity?" in page.text
    assert f'name="into" value="{a}"' in page.text  # a is offered (the viewer could not part them)
    token = web.csrf(browser, f"/review/{doc_c}")
    form = {"activity_id": str(c), "other": str(a), "csrf_token": token}
    assert browser.post(f"/review/{doc_c}/apart", data=form).status_code == 303
    assert "No other activity" in browser.get(f"/review/{doc_c}").text
    with web.engine.begin() as conn:
        doc_d, d = add_release(conn)
    token = web.csrf(browser, f"/review/{doc_d}")
    form = {"activity_id": str(d), "into": str(a), "csrf_token": token}
    response = browser.post(f"/review/{doc_d}/merge", data=form)
    assert response.status_code == 303 and response.headers["location"] == f"/activities/{a}"
    with web.engine.connect() as conn:
        assert events.activity_of_document(conn, doc_d) == a
    shown = browser.get(f"/activities/{a}").text
    assert shown.count("merged as the same event") == 2  # b and d, beside a's own release


def test_a_merged_event_is_found_by_the_words_of_any_source(conn: Connection) -> None:
    _, kept = add_release(conn)
    text = OTHER_RELEASE.format(city="New York")
    _, joined = add_release(conn, text, _other_values("New York", "US"), "Other release")
    act = schema.activity
    found = select(act.c.id).where(search.activity_matches("Natalia KANEM"))
    assert conn.execute(found).scalars().all() == [joined]
    events.merge(conn, "rita", kept, joined)
    assert conn.execute(found).scalars().all() == [kept]
