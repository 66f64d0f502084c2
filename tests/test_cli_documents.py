"""``wpstrack extract | ingest | show | eval`` through the command line."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import func, select
from typer.testing import CliRunner

from wpstrack import schema
from wpstrack.cli import app
from wpstrack.db import make_engine
from wpstrack.documents import DocumentRejected
from wpstrack.evaluation import empty_record
from wpstrack.extract.model import GOLD_FIELDS

runner = CliRunner()

RELEASE = (
    "March 18, 2024\n"
    "Foreign Minister Kamikawa held a dialogue on WPS\n\n"
    "On March 18, commencing at 6:05 p.m. (local time; March 19, 7:05 a.m. JST) for "
    "approximately 40 minutes, Ms. KAMIKAWA Yoko, Minister for Foreign Affairs of Japan, who "
    "is visiting New York, held a dialogue with staff of UN Women and UNDP on UNSCR 1325.\n"
)


def test_extract_prints_a_record_with_every_gold_field_spans_and_warnings(
    tmp_path: Path,
) -> None:
    path = tmp_path / "release.txt"
    path.write_text(RELEASE, encoding="utf-8")
    result = runner.invoke(app, ["extract", str(path), "--json"])
    assert result.exit_code == 0, result.output
    record = json.loads(result.stdout)
    for name in (*GOLD_FIELDS, "spans", "warnings"):
        assert name in record
    assert record["document"]["media_type"] == "text/plain"
    table = runner.invoke(app, ["extract", str(path)])
    assert table.exit_code == 0, table.output
    assert "principal_actors" in table.output


def test_extract_of_an_empty_file_fails_with_its_reason(tmp_path: Path) -> None:
    path = tmp_path / "empty.txt"
    path.write_bytes(b"")
    result = runner.invoke(app, ["extract", str(path)])
    assert result.exit_code == DocumentRejected.exit_code
    assert "error: [W020] empty: the file is empty" in result.stderr


def _folder(tmp_path: Path) -> Path:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.txt").write_text(RELEASE, encoding="utf-8")
    (folder / "page.html").write_text(
        f"<html><body><article><p>{RELEASE}</p></article></body></html>", encoding="utf-8"
    )
    (folder / "empty.txt").write_bytes(b"")
    (folder / "photo.jpg").write_bytes(b"\xff\xd8\xff\xe0" + bytes(50))
    return folder


def test_ingest_lands_good_files_records_bad_ones_and_reports_duplicates_on_rerun(
    cli_env: dict[str, str], tmp_path: Path
) -> None:
    folder = _folder(tmp_path)
    first = runner.invoke(app, ["ingest", str(folder), "--json"])
    assert first.exit_code == 0, first.output
    summary = json.loads(first.stdout)
    assert (summary["ingested"], summary["already_present"], summary["rejected"]) == (2, 0, 1)
    assert summary["rejected_by_reason"] == {"empty": 1}
    # A photo beside the releases is not one: skipped and listed, not stored as rejected.
    assert [Path(f["path"]).name for f in summary["skipped_files"]] == ["photo.jpg"]

    again = runner.invoke(app, ["ingest", str(folder / "good.txt"), str(folder / "page.html")])
    assert again.exit_code == 0, again.output
    assert "already present" in again.output

    engine = make_engine(cli_env["WPSTRACK_DATABASE_URL"])
    with engine.connect() as conn:
        doc = schema.document
        statuses = conn.execute(
            select(doc.c.status, func.count()).group_by(doc.c.status).order_by(doc.c.status)
        ).all()
        document_id = conn.execute(
            select(doc.c.id).where(doc.c.filename == "good.txt")
        ).scalar_one()
    engine.dispose()
    assert [tuple(row) for row in statuses] == [("ingested", 2), ("rejected", 1)]

    shown = runner.invoke(app, ["show", str(document_id)])
    assert shown.exit_code == 0, shown.output
    assert "activity" in shown.output
    assert "Ms. KAMIKAWA Yoko" in shown.output
    as_json = json.loads(runner.invoke(app, ["show", str(document_id), "--json"]).stdout)
    assert as_json["document"]["text"] == RELEASE
    assert as_json["activity"]["status"] == "draft"


def test_ingest_of_a_corpus_folder_skips_its_gold_file_and_says_so(
    cli_env: dict[str, str], tmp_path: Path
) -> None:
    (tmp_path / "r1.txt").write_text(RELEASE, encoding="utf-8")
    (tmp_path / "gold.jsonl").write_text('{"id": "r1"}\n', encoding="utf-8")
    result = runner.invoke(app, ["ingest", str(tmp_path), "--json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert (summary["ingested"], summary["rejected"], summary["skipped"]) == (1, 0, 1)
    assert Path(summary["skipped_files"][0]["path"]).name == "gold.jsonl"
    engine = make_engine(cli_env["WPSTRACK_DATABASE_URL"])
    with engine.connect() as conn:
        names = conn.execute(select(schema.document.c.filename)).scalars().all()
    engine.dispose()
    assert names == ["r1.txt"]


def test_ingest_exits_non_zero_when_nothing_could_be_ingested(
    cli_env: dict[str, str], tmp_path: Path
) -> None:
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "blank.txt").write_text("   \n", encoding="utf-8")
    result = runner.invoke(app, ["ingest", str(tmp_path)])
    assert result.exit_code == 1
    assert "rejected: empty" in result.output


def test_show_of_an_unknown_document_is_not_found(migrated_cli_env: dict[str, str]) -> None:
    result = runner.invoke(app, ["show", "424242"])
    assert result.exit_code == 1
    assert "error: [W004] no document with id 424242" in result.stderr


def test_eval_reports_fields_macro_and_mismatches(tmp_path: Path) -> None:
    gold = tmp_path / "gold.jsonl"
    lines = [
        {"id": "doc-1", **empty_record(), "city": "Atlantis"},
        {"id": "doc-2", **empty_record()},
    ]
    gold.write_text("\n".join(json.dumps(line) for line in lines), encoding="utf-8")
    (tmp_path / "doc-1.txt").write_text("Nothing happened anywhere.", encoding="utf-8")
    (tmp_path / "doc-2.txt").write_bytes(b"")

    result = runner.invoke(app, ["eval", "--gold", str(gold), "--docs", str(tmp_path), "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["documents"] == 2
    scores = {row["field"]: row for row in report["fields"]}
    assert scores["city"]["score"] == 0.5
    assert "errors" not in report

    table = runner.invoke(
        app, ["eval", "--gold", str(gold), "--docs", str(tmp_path), "--show-errors"]
    )
    assert table.exit_code == 0, table.output
    assert "macro (gold fields)" in table.output
    assert "doc-1  city  gold 'Atlantis'  predicted None" in table.output


def test_ingest_publisher_fills_in_for_files_that_name_none(
    cli_env: dict[str, str], tmp_path: Path
) -> None:
    folder = _folder(tmp_path)
    (folder / "partner.html").write_text(
        '<html><head><meta property="og:site_name" content="UN Women"></head>'
        f"<body><article><p>{RELEASE} Partner copy.</p></article></body></html>",
        encoding="utf-8",
    )
    mofa = "Ministry of Foreign Affairs of Japan"
    result = runner.invoke(app, ["ingest", str(folder), "--publisher", mofa, "--json"])
    assert result.exit_code == 0, result.output
    engine = make_engine(cli_env["WPSTRACK_DATABASE_URL"])
    with engine.connect() as conn:
        doc = schema.document
        rows = conn.execute(
            select(doc.c.filename, doc.c.publisher).where(doc.c.status == "ingested")
        ).all()
    engine.dispose()
    assert dict(rows) == {"good.txt": mofa, "page.html": mofa, "partner.html": "UN Women"}


def test_extract_shows_the_publisher_a_page_states(tmp_path: Path) -> None:
    path = tmp_path / "page.html"
    path.write_text(
        '<html><head><meta name="dcterms.publisher" content="UN Women"></head>'
        f"<body><article><p>{RELEASE}</p></article></body></html>",
        encoding="utf-8",
    )
    result = runner.invoke(app, ["extract", str(path), "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["document"]["publisher"] == "UN Women"
