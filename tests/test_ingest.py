"""Ingestion stores documents once, records refusals and turns records into activity drafts."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Connection, String, func, select

from wpstrack import schema
from wpstrack.db import now
from wpstrack.errors import NotFound
from wpstrack.ingest import (
    DUPLICATE,
    INGESTED,
    PUBLISHER_MAX,
    REJECTED,
    SKIPPED,
    Summary,
    batched,
    create_draft,
    document_view,
    ingest_batch,
    iter_files,
    publisher_name,
    store_extractions,
)

RELEASE = (
    "March 18, 2024\n"
    "Foreign Minister Kamikawa held a dialogue on WPS\n\n"
    "On March 18, commencing at 6:05 p.m. (local time; March 19, 7:05 a.m. JST) for "
    "approximately 40 minutes, Ms. KAMIKAWA Yoko, Minister for Foreign Affairs of Japan, who "
    "is visiting New York, held a dialogue with staff of UN Women and UNDP on UNSCR 1325.\n"
)


def count(conn: Connection, table: Any, *where: Any) -> int:
    return int(conn.execute(select(func.count()).select_from(table).where(*where)).scalar_one())


def make_folder(root: Path) -> Path:
    """Two good files and one file of every refused kind."""
    folder = root / "releases"
    (folder / "sub").mkdir(parents=True)
    (folder / "a-release.txt").write_text(RELEASE, encoding="utf-8")
    (folder / "sub" / "b-page.html").write_text(
        f"<html><body><nav>Home</nav><article><p>{RELEASE}</p></article></body></html>",
        encoding="utf-8",
    )
    (folder / "c-empty.txt").write_bytes(b"")
    noise = random.Random(1).randbytes(2000)
    (folder / "d-noise.txt").write_bytes(noise.decode("latin-1").encode("utf-8"))
    (folder / "e-image.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(100))
    (folder / "f-huge.txt").write_text(RELEASE * 50, encoding="utf-8")
    (folder / ".hidden").write_text("editor backup", encoding="utf-8")
    return folder


def test_folder_mixing_good_and_bad_files_ingests_the_good_and_records_the_bad(
    conn: Connection, tmp_path: Path
) -> None:
    folder = make_folder(tmp_path)
    files = list(iter_files([folder]))
    assert [f.name for f in files] == [
        "a-release.txt",
        "c-empty.txt",
        "d-noise.txt",
        "f-huge.txt",
        "b-page.html",
    ]
    # An image is no release: the walker passes over it, and named on its own it is refused.
    outcomes = ingest_batch(conn, [*files, folder / "e-image.png"], max_bytes=5000)
    by_name = {Path(o.path).name: o for o in outcomes}
    assert by_name["a-release.txt"].status == INGESTED
    assert by_name["b-page.html"].status == INGESTED
    assert {n: o.reason for n, o in by_name.items() if o.status == REJECTED} == {
        "c-empty.txt": "empty",
        "d-noise.txt": "binary",
        "e-image.png": "unsupported",
        "f-huge.txt": "too_large",
    }
    doc = schema.document
    assert count(conn, doc, doc.c.status == "ingested") == 2
    reasons = conn.execute(
        select(doc.c.filename, doc.c.reject_reason).where(doc.c.status == "rejected")
    ).all()
    assert sorted(r.reject_reason.split(":")[0] for r in reasons) == [
        "binary",
        "empty",
        "too_large",
        "unsupported",
    ]
    huge = conn.execute(select(doc.c.raw, doc.c.size_bytes).where(doc.c.filename == "f-huge.txt"))
    assert huge.one() == (None, len(RELEASE) * 50)
    # The page is the release as HTML: a format copy, joined to the release's one draft.
    assert count(conn, schema.activity, schema.activity.c.status == "draft") == 1
    assert count(conn, schema.activity_source, schema.activity_source.c.how == "auto") == 1


def test_folder_walk_takes_releases_and_skips_data_files_beside_them(tmp_path: Path) -> None:
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "r1.txt").write_text(RELEASE, encoding="utf-8")
    (folder / "gold.jsonl").write_text('{"id": "r1", "city": "New York"}\n', encoding="utf-8")
    (folder / "meta.json").write_text('{"source": "mofa"}', encoding="utf-8")
    (folder / "index.csv").write_text("id,title\nr1,Dialogue\n", encoding="utf-8")
    (folder / "NOTES").write_text("collected by hand", encoding="utf-8")
    (folder / "photo.jpg").write_bytes(b"\xff\xd8\xff\xe0" + bytes(50))
    (folder / "saved-page.aspx").write_text(f"<html><body><p>{RELEASE}</p></body></html>")
    (folder / "report.bin").write_bytes(b"%PDF-1.4\n%binary")
    (folder / ".DS_Store").write_bytes(b"\x00\x00\x00\x01Bud1")
    skipped: list[Any] = []
    taken = [p.name for p in iter_files([folder], skipped)]
    assert taken == ["r1.txt", "report.bin", "saved-page.aspx"]
    assert {Path(o.path).name for o in skipped} == {
        "gold.jsonl",
        "meta.json",
        "index.csv",
        "NOTES",
        "photo.jpg",
    }
    assert all(o.status == SKIPPED and o.detail for o in skipped)
    # Named one by one, files are always read: the reader says why one cannot be.
    assert [p.name for p in iter_files([folder / "gold.jsonl"])] == ["gold.jsonl"]
    summary = Summary()
    for outcome in skipped:
        summary.add(outcome)
    reported = summary.as_dict()
    assert (reported["skipped"], reported["rejected"]) == (5, 0)
    assert "gold.jsonl" in str(reported["skipped_files"])


def test_a_folder_is_walked_in_sorted_path_order_one_folder_at_a_time(tmp_path: Path) -> None:
    root = tmp_path / "corpus"
    names = ["a.txt", "a/z.txt", "a-b/c.txt", "B/d.txt", "a/b/e.txt", "b.txt", "a/.old/f.txt"]
    for name in names:
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(RELEASE, encoding="utf-8")
    (root / "link").symlink_to(root / "a", target_is_directory=True)
    expected = [p for p in sorted(root.rglob("*")) if p.is_file() and ".old" not in p.parts]
    files = iter_files([root])
    first = next(files)
    # A file added after the walk began, in a folder it has not reached: the walk reads each
    # folder when it gets there, instead of listing the whole corpus first.
    (root / "a-b" / "late.txt").write_text(RELEASE, encoding="utf-8")
    rest = list(files)
    assert first == root / "B" / "d.txt"
    assert [first, *rest] == sorted([*expected, root / "a-b" / "late.txt"])


def test_same_bytes_again_are_already_present_and_change_nothing(
    conn: Connection, tmp_path: Path
) -> None:
    first, copy = tmp_path / "one.txt", tmp_path / "copy-of-one.txt"
    first.write_text(RELEASE, encoding="utf-8")
    copy.write_text(RELEASE, encoding="utf-8")
    (original,) = ingest_batch(conn, [first])
    tables = (schema.document, schema.extraction, schema.activity, schema.activity_participant)
    before = [count(conn, t) for t in tables]
    outcomes = ingest_batch(conn, [copy, first])
    assert [o.status for o in outcomes] == [DUPLICATE, DUPLICATE]
    assert {o.document_id for o in outcomes} == {original.document_id}
    assert [count(conn, t) for t in tables] == before


def test_the_same_refusal_of_the_same_bytes_is_recorded_once(
    conn: Connection, tmp_path: Path
) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    doc = schema.document
    before = count(conn, doc)
    first = ingest_batch(conn, [empty])
    second = ingest_batch(conn, [empty])
    assert [o.status for o in first + second] == [REJECTED, REJECTED]
    assert count(conn, doc) == before + 1


def test_ingested_document_keeps_its_bytes_text_and_hash(conn: Connection, tmp_path: Path) -> None:
    path = tmp_path / "release.txt"
    path.write_text(RELEASE, encoding="utf-8")
    (outcome,) = ingest_batch(conn, [path])
    doc = schema.document
    row = conn.execute(select(doc).where(doc.c.id == outcome.document_id)).one()
    assert row.raw == RELEASE.encode()
    assert row.text == RELEASE
    assert row.media_type == "text/plain"
    assert row.language == "en"
    assert len(row.content_hash) == 64
    view = document_view(conn, row.id)
    assert view["activity"]["status"] == "draft"
    assert view["activity"]["document_id"] == row.id
    assert "raw" not in view["document"]


def test_draft_resolves_organisations_places_and_known_resolutions(conn: Connection) -> None:
    document_id = _stored_document(conn)
    record = {
        "event_type": "dialogue",
        "date": "2024-03-18",
        "start_time_local": "18:05",
        "tz_stated": "local",
        "start_time_jst": "2024-03-19T07:05",
        "start_utc": "2024-03-18T22:05:00+00:00",
        "duration_minutes": 40,
        "city": "New York",
        "country": "US",
        "principal_actors": [
            {
                "name": "Yoko KAMIKAWA",
                "title": "Minister for Foreign Affairs",
                "organisation_or_country": "Japan",
            }
        ],
        "other_participants": [
            {"name": "Sima Bahous", "title": "Director", "organisation_or_country": "UN Women"}
        ],
        "organisations": ["United Nations Development Programme", "WPSPN"],
        "resolutions": [1325, 9999],
        "topics": ["WPS", "participation"],
        "pillars": ["participation"],
    }
    activity_id = create_draft(conn, document_id, record, title="Dialogue on WPS")
    act = schema.activity
    row = conn.execute(select(act).where(act.c.id == activity_id)).one()
    assert (row.type, row.status, row.date.isoformat(), row.duration_minutes) == (
        "dialogue",
        "draft",
        "2024-03-18",
        40,
    )
    place = schema.place
    located = conn.execute(select(place.c.country).where(place.c.id == row.place_id))
    assert located.scalar_one() == "US"
    part = schema.activity_participant
    people = conn.execute(
        select(part.c.role, part.c.name, part.c.organisation_id)
        .where(part.c.activity_id == activity_id)
        .order_by(part.c.id)
    ).all()
    assert [(p.role, p.name) for p in people] == [
        ("principal", "Yoko KAMIKAWA"),
        ("participant", "Sima Bahous"),
        ("mentioned", "United Nations Development Programme"),
        ("mentioned", "WPSPN"),
    ]
    org = schema.organisation
    codes = {id_: code for id_, code in conn.execute(select(org.c.id, org.c.code))}
    assert [codes.get(p.organisation_id) for p in people] == [None, "unwomen", "undp", None]
    link = schema.activity_link
    links = conn.execute(
        select(link.c.kind, link.c.resolution_number, link.c.pillar_code, link.c.topic).where(
            link.c.activity_id == activity_id
        )
    ).all()
    assert sorted((lk.kind, str(lk[1] or lk[2] or lk[3])) for lk in links) == [
        ("pillar", "participation"),
        ("resolution", "1325"),
        ("topic", "WPS"),
        ("topic", "participation"),
    ]


def test_every_span_becomes_a_machine_extraction_row(conn: Connection) -> None:
    document_id = _stored_document(conn)
    spans = [
        {"field": "date", "value": "2024-03-18", "start": 3, "end": 11, "method": "dateline"},
        {
            "field": "principal_actors",
            "value": {"name": "Yoko KAMIKAWA", "title": None},
            "start": 20,
            "end": 35,
            "method": "honorific_name",
            "confidence": 0.9,
        },
    ]
    assert store_extractions(conn, document_id, {"spans": spans}) == 2
    ext = schema.extraction
    rows = conn.execute(
        select(ext).where(ext.c.document_id == document_id).order_by(ext.c.start)
    ).all()
    assert [(r.field, r.value, r.start, r.end, r.source) for r in rows] == [
        ("date", "2024-03-18", 3, 11, "machine"),
        ("principal_actors", {"name": "Yoko KAMIKAWA", "title": None}, 20, 35, "machine"),
    ]
    assert rows[1].confidence == pytest.approx(0.9)


def test_showing_an_unknown_document_is_not_found(conn: Connection) -> None:
    with pytest.raises(NotFound, match=r"\[W004\] no document with id 987654"):
        document_view(conn, 987654)


def test_summary_counts_outcomes_and_groups_refusals_by_reason(tmp_path: Path) -> None:
    summary = Summary()
    from wpstrack.ingest import Outcome

    for outcome in (
        Outcome("a", INGESTED, 1),
        Outcome("b", DUPLICATE, 1),
        Outcome("c", REJECTED, 2, "empty", "the file is empty"),
        Outcome("d", REJECTED, 3, "empty", "the file is empty"),
    ):
        summary.add(outcome)
    data = summary.as_dict()
    assert (data["ingested"], data["already_present"], data["rejected"]) == (1, 1, 2)
    assert data["rejected_by_reason"] == {"empty": 2}
    assert [list(b) for b in batched(iter([tmp_path] * 5), 2)] == [[tmp_path] * 2] * 2 + [
        [tmp_path]
    ]


def _stored_document(conn: Connection) -> int:
    doc = schema.document
    return int(
        conn.execute(
            doc.insert()
            .values(
                source="memory",
                content_hash="0" * 64,
                size_bytes=0,
                status="ingested",
                text=RELEASE,
                ingested_at=now(),
            )
            .returning(doc.c.id)
        ).scalar_one()
    )


def test_a_page_heading_becomes_the_title_of_document_and_draft(
    conn: Connection, tmp_path: Path
) -> None:
    page = tmp_path / "page.html"
    page.write_text(
        "<html><head><title>Site | Ministry</title></head><body><article>"
        f"<h1>Minister meets UN Women</h1><p>{RELEASE}</p></article></body></html>",
        encoding="utf-8",
    )
    (outcome,) = ingest_batch(conn, [page])
    view = document_view(conn, outcome.document_id or 0)
    assert view["document"]["title"] == "Minister meets UN Women"
    assert view["activity"]["title"] == "Minister meets UN Women"
    assert view["document"]["media_type"] == "text/html"


def test_a_document_the_extractor_fails_on_is_recorded_and_the_batch_goes_on(
    conn: Connection, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import wpstrack.ingest_work as ingest_module

    real = ingest_module.extract_record

    def flaky(document: Any, *limits: Any) -> dict[str, Any]:
        if "BOOM" in document.text:
            raise RuntimeError("component crashed")
        return real(document, *limits)

    monkeypatch.setattr(ingest_module, "extract_record", flaky)
    bad, good = tmp_path / "a-bad.txt", tmp_path / "b-good.txt"
    bad.write_text(RELEASE + "BOOM\n", encoding="utf-8")
    good.write_text(RELEASE, encoding="utf-8")
    outcomes = ingest_batch(conn, [bad, good])
    assert [(o.status, o.reason) for o in outcomes] == [
        (REJECTED, "extraction_failed"),
        (INGESTED, None),
    ]
    assert "RuntimeError: component crashed" in (outcomes[0].detail or "")
    monkeypatch.setattr(ingest_module, "extract_record", real)
    (retry,) = ingest_batch(conn, [bad])
    assert retry.status == INGESTED


def _publishers(conn: Connection, outcomes: list[Any]) -> dict[str, str | None]:
    doc = schema.document
    ids = {o.document_id: Path(o.path).name for o in outcomes}
    rows = conn.execute(select(doc.c.id, doc.c.publisher).where(doc.c.id.in_(ids)))
    return {ids[row.id]: row.publisher for row in rows}


def test_a_batch_publisher_fills_in_for_documents_that_name_none_never_over_their_own(
    conn: Connection, tmp_path: Path
) -> None:
    article = f"<article><h1>Minister meets UN Women</h1><p>{RELEASE}</p></article>"
    (tmp_path / "release.txt").write_text(RELEASE, encoding="utf-8")
    (tmp_path / "own.html").write_text(
        f'<html><head><meta name="DCTERMS.publisher" content="UN Women"></head>'
        f"<body>{article}</body></html>",
        encoding="utf-8",
    )
    (tmp_path / "plain.html").write_text(f"<html><body>{article}</body></html>", "utf-8")
    outcomes = ingest_batch(
        conn, iter_files([tmp_path]), publisher="  Ministry of Foreign Affairs\n of Japan "
    )
    assert _publishers(conn, outcomes) == {
        "release.txt": "Ministry of Foreign Affairs of Japan",
        "own.html": "UN Women",
        "plain.html": "Ministry of Foreign Affairs of Japan",
    }
    again = ingest_batch(conn, [tmp_path / "release.txt"], publisher="Another ministry")
    assert again[0].status == DUPLICATE
    assert _publishers(conn, again) == {"release.txt": "Ministry of Foreign Affairs of Japan"}


def test_without_a_batch_publisher_a_document_that_names_none_has_none(
    conn: Connection, tmp_path: Path
) -> None:
    (tmp_path / "release.txt").write_text(RELEASE, encoding="utf-8")
    assert _publishers(conn, ingest_batch(conn, [tmp_path / "release.txt"], publisher=" ")) == {
        "release.txt": None
    }


def test_a_publisher_longer_than_the_column_is_stored_cut(conn: Connection, tmp_path: Path) -> None:
    (tmp_path / "release.txt").write_text(RELEASE, encoding="utf-8")
    long_name = "Ministry of Foreign Affairs " * 20
    stored = _publishers(conn, ingest_batch(conn, [tmp_path / "release.txt"], publisher=long_name))
    assert stored["release.txt"] == publisher_name(long_name)


def test_the_publisher_limit_is_the_width_of_its_column() -> None:
    column = schema.document.c.publisher.type
    assert isinstance(column, String)
    assert column.length == PUBLISHER_MAX


@pytest.mark.parametrize(
    ("given", "stored"),
    [
        (None, None),
        (" \t\n", None),
        ("  UN\u00a0Women \n", "UN Women"),
        ("Cafe\u0301 des Nations", "Caf\u00e9 des Nations"),
        ("word " * 39 + "wordy-end-of-name", ("word " * 39).strip()),
        ("Ministry, " * 25, ("Ministry, " * 19 + "Ministry")),
        ("外務省" * 100, "外務省" * 66 + "外務"),
    ],
    ids=["none", "blank", "spaces", "nfc", "whole-words", "no-trailing-comma", "no-spaces"],
)
def test_a_publisher_is_stored_on_one_line_trimmed_and_cut_after_a_whole_word(
    given: str | None, stored: str | None
) -> None:
    assert publisher_name(given) == stored
    assert len(stored or "") <= PUBLISHER_MAX


def test_participants_keep_the_gender_the_release_marks_and_none_where_it_is_silent(
    conn: Connection, tmp_path: Path
) -> None:
    """The dashboard's share of women reads this column, so ingestion must fill it."""
    (tmp_path / "meeting.txt").write_text(
        "June 4, 2024\nState Minister meets UN agencies\n\n"
        "On June 4, Mr. TANAKA Ichiro, State Minister for Foreign Affairs of Japan, held a "
        "meeting with Ms. Amina Diallo, Representative of UN Women, and Pierre Martin, "
        "Country Director of UNDP, in Dakar.\n",
        encoding="utf-8",
    )
    (outcome,) = ingest_batch(conn, [tmp_path / "meeting.txt"])
    part = schema.activity_participant
    draft = schema.activity
    rows = conn.execute(
        select(part.c.role, part.c.name, part.c.gender)
        .join(draft, draft.c.id == part.c.activity_id)
        .where(draft.c.document_id == outcome.document_id, part.c.role != "mentioned")
        .order_by(part.c.id)
    ).all()
    assert {(r.name, r.gender) for r in rows} == {
        ("Ichiro TANAKA", "m"),
        ("Amina Diallo", "f"),
        ("Pierre Martin", None),
    }
