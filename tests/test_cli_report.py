"""``wpstrack report`` through the command line, against a committed database."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from typer.testing import CliRunner

import wpstrack
from wpstrack.cli import app

SAMPLE = Path(wpstrack.__file__).parent / "sample"
runner = CliRunner()


def run(*args: str, code: int = 0) -> Any:
    result = runner.invoke(app, list(args))
    assert result.exit_code == code, (result.output, result.stderr)
    return result


def _prepare() -> None:
    """Reference data, the example plans and the sample funding, as a desk would start."""
    run("init")
    run("funding", "rates", "import", str(SAMPLE / "exchange_rates.csv"))
    run("funding", "import", str(SAMPLE / "contributions.csv"))


def test_report_writes_each_format_to_the_named_file(
    cli_env: dict[str, str], tmp_path: Path
) -> None:
    _prepare()
    for fmt, magic in (("pdf", b"%PDF"), ("docx", b"PK"), ("html", b"<!DOCTYPE html>")):
        out = tmp_path / f"r.{fmt}"
        result = run("report", "--plan", "JP-NAP3", "--period", "2023", "-f", fmt, "-o", str(out))
        assert out.read_bytes().startswith(magic)
        assert f"wrote {out}" in result.stderr
    md = tmp_path / "r.md"
    run("report", "--plan", "JP-NAP3", "--period", "2023", "--format", "md", "-o", str(md))
    text = md.read_text(encoding="utf-8")
    assert text.startswith("# Annual implementation report 2023\n")
    # 2023 in the sample: 1.8M + 1.0M USD and (150M + 120M) JPY × 0.0071 committed; 2M paid.
    assert "- **Funding committed (USD):** 4,717,000.00" in text
    assert "- **Funding disbursed (USD):** 2,000,000.00" in text
    for pillar in ("Participation", "Prevention", "Protection", "Relief and recovery"):
        assert f"\n## {pillar}\n" in text


def test_report_to_stdout_is_the_same_each_time(cli_env: dict[str, str]) -> None:
    _prepare()
    args = ("report", "--plan", "JP-NAP3", "--period", "FY2023", "--format", "html", "-o", "-")
    first, second = run(*args).stdout_bytes, run(*args).stdout_bytes
    assert first == second
    assert b"Reporting period FY2023: 1 April 2023 to 31 March 2024" in first


def test_report_default_file_name_says_plan_and_period(
    cli_env: dict[str, str], tmp_path: Path, monkeypatch: Any
) -> None:
    _prepare()
    monkeypatch.chdir(tmp_path)
    run("report", "--plan", "JP-NAP3", "--period", "2024", "--format", "md")
    assert (tmp_path / "JP-NAP3-report-2024.md").exists()


def test_report_refuses_unknown_plan_format_and_period(cli_env: dict[str, str]) -> None:
    run("init")
    result = run("report", "--plan", "XX-NAP", "--period", "2024", code=1)
    assert "[W004]" in result.stderr and "JP-NAP3" in result.stderr
    result = run("report", "--plan", "JP-NAP3", "--period", "2024", "-f", "odt", code=1)
    assert "pdf, docx, html, md" in result.stderr
    result = run("report", "--plan", "JP-NAP3", "--period", "last year", code=1)
    assert "FY2024" in result.stderr
