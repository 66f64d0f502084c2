"""Absurd input never ends a batch: absurd numbers are dropped with a warning, text over the
character limit is refused before extraction, and a document the database refuses becomes
that document's rejection while the rest of the batch is stored (on both backends)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Connection, func, select
from typer.testing import CliRunner

from wpstrack import schema
from wpstrack.cli import app
from wpstrack.documents import DocumentRejected
from wpstrack.extract import extract_text
from wpstrack.ingest import INGESTED, REJECTED, document_view, ingest_batch
from wpstrack.limits import ReadLimits

RELEASE = (
    "March 18, 2024\n"
    "Foreign Minister Kamikawa held a dialogue on WPS\n\n"
    "On March 18, commencing at 6:05 p.m. (local time; March 19, 7:05 a.m. JST) for "
    "approximately {minutes} minutes, Ms. KAMIKAWA Yoko, Minister for Foreign Affairs of Japan, "
    "held a dialogue with staff of UN Women on UNSCR 1325 and announced {money}.\n"
)


def release(minutes: str = "40", money: str = "US$2 million") -> str:
    return RELEASE.format(minutes=minutes, money=money)


@pytest.mark.parametrize(
    ("minutes", "money"),
    [
        ("99999999999999999999", "US$2 million"),  # overflows SQLite and PostgreSQL integers
        ("9" * 400, "US$" + "9" * 400 + " million"),  # infinity as a float
        ("40", "約" + "9" * 30 + "億円"),
    ],
)
def test_absurd_numbers_are_dropped_with_a_warning_and_the_document_is_ingested(
    conn: Connection, tmp_path: Path, minutes: str, money: str
) -> None:
    path = tmp_path / "absurd.txt"
    path.write_text(release(minutes, money), encoding="utf-8")
    (outcome,) = ingest_batch(conn, [path])
    assert outcome.status == INGESTED, outcome
    view = document_view(conn, outcome.document_id or 0)
    duration = view["activity"]["duration_minutes"]
    assert duration == (40 if minutes == "40" else None)
    fields = [row["field"] for row in view["extractions"]]
    assert "dropped_number" in fields
    for row in view["extractions"]:
        if row["field"] == "money":
            assert 0 < row["value"]["amount"] <= 1e15


def test_the_extractor_warns_about_each_dropped_number() -> None:
    record = extract_text(release("99999999999999999999", "US$" + "9" * 400 + " million"))
    assert record["duration_minutes"] is None
    assert record.get("money") in (None, [])
    assert any("duration_minutes" in w and "dropped" in w for w in record["warnings"])
    assert any(w.startswith("money inf") for w in record["warnings"])
    assert plausible_durations_kept()


def plausible_durations_kept() -> bool:
    return extract_text(release("90"))["duration_minutes"] == 90


def test_text_over_the_character_limit_is_refused_before_extraction() -> None:
    with pytest.raises(DocumentRejected) as caught:
        extract_text("word " * 250_000)  # 1.25 M characters: spaCy's E088 before
    assert caught.value.reason == "too_long"
    with pytest.raises(DocumentRejected):
        extract_text(release(), max_chars=100)
    assert extract_text(release(), max_chars=10_000)["duration_minutes"] == 40


def test_a_raised_character_limit_raises_the_pipeline_limit_with_it() -> None:
    from wpstrack.extract.pipeline import default_pipeline

    text = release() + "More words follow here. " * 45_000  # 1.1 M characters
    record = extract_text(text, max_chars=1_200_000)
    assert record["duration_minutes"] == 40
    assert default_pipeline().max_length >= 1_200_000


def test_ingest_records_text_over_the_character_limit_as_rejected(
    conn: Connection, tmp_path: Path
) -> None:
    long, good = tmp_path / "a-long.txt", tmp_path / "b-good.txt"
    long.write_text(release() * 100, encoding="utf-8")
    good.write_text(release(), encoding="utf-8")
    outcomes = ingest_batch(conn, [long, good], limits=ReadLimits(max_chars=5000))
    assert [(o.status, o.reason) for o in outcomes] == [(REJECTED, "too_long"), (INGESTED, None)]


def test_extract_cli_refuses_text_over_the_limit_with_its_code(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("WPSTRACK_MAX_DOCUMENT_CHARS", "1000")
    monkeypatch.setenv("WPSTRACK_DATA_DIR", str(tmp_path))
    path = tmp_path / "long.txt"
    path.write_text(release() * 10, encoding="utf-8")
    result = CliRunner().invoke(app, ["extract", str(path)])
    assert result.exit_code == DocumentRejected.exit_code
    assert "[W020] too_long" in result.stderr


def test_a_document_the_database_refuses_is_rejected_and_the_rest_of_the_batch_is_stored(
    conn: Connection, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import wpstrack.ingest_work as ingest_module

    real = ingest_module.extract_record

    def out_of_range(document: Any, *limits: Any) -> dict[str, Any]:
        record = real(document, *limits)
        if "BAD" in document.text:  # a span offset no integer column holds
            record["spans"].append({"field": "title", "value": "x", "start": 10**20, "end": 1})
        return record

    monkeypatch.setattr(ingest_module, "extract_record", out_of_range)
    paths = [tmp_path / "a.txt", tmp_path / "b-bad.txt", tmp_path / "c.txt"]
    for path, extra in zip(paths, ("first", "BAD", "third"), strict=True):
        path.write_text(release() + extra + "\n", encoding="utf-8")
    outcomes = ingest_batch(conn, paths)
    assert [(o.status, o.reason) for o in outcomes] == [
        (INGESTED, None),
        (REJECTED, "storage_failed"),
        (INGESTED, None),
    ]
    doc = schema.document
    stored = conn.execute(select(doc.c.status, func.count()).group_by(doc.c.status)).all()
    assert dict(stored) == {INGESTED: 2, REJECTED: 1}
    # Nothing of the refused document is left behind but its rejection.
    bad_id = outcomes[1].document_id
    ext = schema.extraction
    left = conn.execute(select(func.count()).where(ext.c.document_id == bad_id)).scalar_one()
    assert left == 0


def test_a_nul_character_after_the_first_kilobytes_is_dropped_not_fatal(
    conn: Connection, tmp_path: Path
) -> None:
    path = tmp_path / "nul.txt"
    path.write_bytes((release() + "x" * 5000 + "\x00 tail words here\n").encode())
    (outcome,) = ingest_batch(conn, [path])
    assert outcome.status == INGESTED, outcome
    text = document_view(conn, outcome.document_id or 0)["document"]["text"]
    assert "\x00" not in text and "tail words" in text


def test_a_savepoint_as_the_first_write_stays_in_the_callers_transaction(engine: Any) -> None:
    from wpstrack.db import now

    row = {
        "source": "savepoint-test",
        "filename": "x.txt",
        "content_hash": "f" * 64,
        "size_bytes": 1,
        "ingested_at": now(),
        "status": REJECTED,
        "reject_reason": "empty: test",
    }
    doc = schema.document
    with engine.connect() as conn:
        transaction = conn.begin()
        conn.execute(select(func.count()).select_from(doc))  # a read first, as ingest does
        with conn.begin_nested():  # what ingest writes each document's rows under
            conn.execute(doc.insert().values(**row))
        transaction.rollback()
    with engine.connect() as conn:
        left = conn.execute(select(func.count()).where(doc.c.source == "savepoint-test"))
        assert left.scalar_one() == 0  # the RELEASE did not commit it
