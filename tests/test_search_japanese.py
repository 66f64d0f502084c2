"""Japanese and English search over a corpus of releases in both languages (issue 15).

``tests/data/search`` holds Japanese releases (the dev corpus's Japanese document and more
written for it) and English ones, and ``queries.json`` what a reader expects each query to
find: every Japanese and every English query must find exactly those documents, on SQLite
and on PostgreSQL. ``bench/search_quality.py`` reports the same as recall and precision.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Connection, select

from wpstrack import schema, search, search_index
from wpstrack.db import now

CORPUS = Path(__file__).parent / "data" / "search"
QUERIES = json.loads((CORPUS / "queries.json").read_text(encoding="utf-8"))


def _load(conn: Connection) -> dict[int, str]:
    """Every release of the corpus as an ingested document; returns id -> file name."""
    doc = schema.document
    ids = {}
    for path in sorted(CORPUS.glob("*.txt")):
        body = path.read_text(encoding="utf-8")
        values = {
            "source": f"test:{path.name}",
            "content_hash": f"search-{path.stem}-{now().timestamp()}"[:64],
            "size_bytes": len(body.encode()),
            "text": body,
            "title": body.strip().splitlines()[0],
            "status": "ingested",
            "ingested_at": now(),
        }
        new_id = conn.execute(doc.insert().values(**values).returning(doc.c.id)).scalar_one()
        ids[int(new_id)] = path.stem
    return ids


@pytest.fixture()
def corpus(conn: Connection) -> dict[int, str]:
    return _load(conn)


def _found(conn: Connection, corpus: dict[int, str], q: str) -> set[str]:
    hits = search.search(conn, q, public=False, limit=100)
    return {corpus[h["id"]] for h in hits if h["kind"] == "document" and h["id"] in corpus}


def test_the_corpus_has_thirty_queries_a_language() -> None:
    assert len(QUERIES["ja"]) >= 30 and len(QUERIES["en"]) >= 30


@pytest.mark.parametrize("language", ["ja", "en"])
def test_each_query_finds_what_a_reader_expects_and_nothing_else(
    conn: Connection, corpus: dict[int, str], language: str
) -> None:
    wrong = {}
    for q, expected in QUERIES[language].items():
        found = _found(conn, corpus, q)
        if found != set(expected):
            wrong[q] = {"missing": set(expected) - found, "extra": found - set(expected)}
    assert not wrong, wrong


def test_matched_words_are_marked_in_both_languages(
    conn: Connection, corpus: dict[int, str]
) -> None:
    marked: dict[str, set[str]] = {}
    for h in search.search(conn, "上川", public=False, limit=100):
        if h["kind"] == "document" and h["id"] in corpus:
            marked[corpus[h["id"]]] = {p["text"] for p in h["snippet"] if p["match"]}
    assert marked["ja-01"] == {"上川"}
    assert "Kamikawa" in marked["en-01"]
    english = search.search(conn, "Kamikawa", public=False, limit=100)
    by_file = {corpus[h["id"]]: h for h in english if h["id"] in corpus}
    assert "上川" in {p["text"] for p in by_file["ja-02"]["snippet"] if p["match"]}


def test_a_japanese_snippet_is_plain_text_for_the_template(conn: Connection) -> None:
    doc = schema.document
    body = "上川外務大臣は<script>alert(1)</script>意見交換を行いました。"
    conn.execute(
        doc.insert().values(
            source="t",
            content_hash="hostile-ja",
            size_bytes=1,
            text=body,
            title="t",
            status="ingested",
            ingested_at=now(),
        )
    )
    hits = search.search(conn, "意見交換", public=False)
    parts = hits[0]["snippet"]
    assert "<script>alert(1)</script>" in "".join(p["text"] for p in parts)
    assert [p["text"] for p in parts if p["match"]] == ["意見交換"]


def test_an_activity_edited_into_japanese_is_found_by_its_new_words(conn: Connection) -> None:
    from wpstrack import audit

    act = schema.activity
    values: dict[str, Any] = {
        "title": "Untitled",
        "status": "draft",
        "created_at": now(),
        "updated_at": now(),
    }
    act_id = conn.execute(act.insert().values(**values).returning(act.c.id)).scalar_one()
    assert not search.search(conn, "防災訓練", public=False)
    audit.update(conn, None, act, act_id, {"summary": "地域の防災訓練に女性が参加した。"})
    assert ("activity", act_id) in {
        (h["kind"], h["id"]) for h in search.search(conn, "防災訓練", public=False)
    }


def test_rebuild_recomputes_the_words_of_rows_written_without_them(
    conn: Connection, corpus: dict[int, str]
) -> None:
    doc = schema.document
    ja01 = next(i for i, name in corpus.items() if name == "ja-01")
    conn.execute(doc.update().where(doc.c.id == ja01).values(search_words=None))
    assert "ja-01" not in _found(conn, corpus, "意見交換")
    search_index.rebuild(conn)
    assert "ja-01" in _found(conn, corpus, "意見交換")
    stored = conn.execute(select(doc.c.search_words).where(doc.c.id == ja01)).scalar_one()
    assert "上川|kamikawa" in stored.split()


def test_the_activity_register_filters_by_a_name_in_the_other_script(conn: Connection) -> None:
    from wpstrack.activities import ActivityFilter, list_activities

    act = schema.activity
    values: dict[str, Any] = {
        "status": "published",
        "is_published": True,
        "created_at": now(),
        "updated_at": now(),
    }
    ja = conn.execute(
        act.insert().values(title="上川外務大臣の南スーダン訪問", **values).returning(act.c.id)
    ).scalar_one()
    en = conn.execute(
        act.insert().values(title="Minister Kamikawa visits Juba", **values).returning(act.c.id)
    ).scalar_one()
    for q in ("上川", "Kamikawa"):
        page = list_activities(conn, ActivityFilter(q=q), public_only=True)
        assert {ja, en} <= {a.id for a in page.items}, q


def test_the_migration_indexes_japanese_rows_already_stored(fresh_database_url: str) -> None:
    from sqlalchemy import text

    from wpstrack.db import downgrade, make_engine, upgrade

    engine = make_engine(fresh_database_url)
    try:
        with engine.begin() as conn:
            upgrade(conn, "0011")
            conn.execute(
                text(
                    "INSERT INTO document (source, content_hash, size_bytes, text, title, "
                    "status, ingested_at) VALUES ('old', 'old-ja', 1, :body, 'old', "
                    "'ingested', CURRENT_TIMESTAMP)"
                ),
                {"body": "上川外務大臣は防災について意見交換を行いました。"},
            )
            upgrade(conn)
            assert [h["kind"] for h in search.search(conn, "意見交換", public=False)] == [
                "document"
            ]
            assert search.search(conn, "Kamikawa", public=False)
            downgrade(conn, "0011")
            upgrade(conn)
            assert search.search(conn, "防災", public=False)
    finally:
        engine.dispose()


def test_a_person_is_found_by_every_name_the_people_table_gives(
    conn: Connection, corpus: dict[int, str]
) -> None:
    # ファリダ・ノーリ is written in katakana: only the people table ties it to "Noori".
    assert "ja-01" not in _found(conn, corpus, "Noori")
    conn.execute(
        schema.person.insert().values(
            family_name="Noori", given_name="Farida", name_ja="ファリダ・ノーリ"
        )
    )
    assert "ja-01" in _found(conn, corpus, "Noori")
    assert "ja-01" in _found(conn, corpus, "Farida Noori")
