"""``wpstrack plans`` and ``wpstrack indicators`` through the command line."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from wpstrack.cli import app
from wpstrack.db import make_engine, upgrade
from wpstrack.reference.sync import sync_organisations, sync_pillars

SAMPLE = Path(__file__).parent / "data" / "plan_sample.yaml"
runner = CliRunner()


def ok(*args: str) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def prepare_light_database(url: str) -> None:
    """Schema, pillars and organisations only: what a plan import needs, without the cities."""
    engine = make_engine(url)
    with engine.begin() as conn:
        upgrade(conn)
        sync_pillars(conn)
        sync_organisations(conn)
    engine.dispose()


def test_init_then_list_and_show_japans_plans(cli_env: dict[str, str]) -> None:
    ok("init")
    listing = ok("plans", "list")
    for code in ("JP-NAP1", "JP-NAP2", "JP-NAP3"):
        assert code in listing
    assert "2015-09-29" in listing
    tree = ok("plans", "show", "JP-NAP3")
    assert "area 1  Participation  [participation]" in tree
    assert "objective 4.1" in tree
    assert "2023–2028" in tree


def test_show_prints_indicators_under_their_item(cli_env: dict[str, str]) -> None:
    prepare_light_database(cli_env["WPSTRACK_DATABASE_URL"])
    ok("plans", "import", str(SAMPLE))
    tree = ok("plans", "show", "TEST-NAP")
    assert "(unicef," in tree and "unwomen)" in tree  # the line may wrap at 80 columns
    assert "indicator I1  Women mediators trained" in tree
    assert "targets 2022: 20, 2024: 40.5" in tree
    assert tree.index("measure A.1.1") < tree.index("indicator I1") < tree.index("measure A.1.2")


def test_export_import_into_a_fresh_database_export_gives_identical_bytes(
    cli_env: dict[str, str],
    tmp_path: Path,
    databases: object,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    ok("init")
    ok("plans", "import", str(SAMPLE))
    exported: dict[tuple[str, str], bytes] = {}
    for code in ("JP-NAP3", "TEST-NAP"):
        for fmt in ("yaml", "csv", "xlsx"):
            path = tmp_path / f"{code}.{fmt}"
            ok("plans", "export", code, "--format", fmt, "-o", str(path))
            exported[code, fmt] = path.read_bytes()
    stdout = runner.invoke(app, ["plans", "export", "JP-NAP3", "--format", "yaml"])
    assert stdout.stdout_bytes == exported["JP-NAP3", "yaml"]

    for fmt in ("yaml", "csv", "xlsx"):
        url = databases.new_url()  # type: ignore[attr-defined]
        prepare_light_database(url)
        monkeypatch.setenv("WPSTRACK_DATABASE_URL", url)
        for code in ("JP-NAP3", "TEST-NAP"):
            assert "inserted" in ok("plans", "import", str(tmp_path / f"{code}.{fmt}"))
            for again in ("yaml", "csv"):
                out = tmp_path / f"again-{code}.{again}"
                ok("plans", "export", code, "--format", again, "-o", str(out))
                assert out.read_bytes() == exported[code, again], (fmt, code, again)


def test_importing_the_same_file_twice_reports_unchanged(cli_env: dict[str, str]) -> None:
    prepare_light_database(cli_env["WPSTRACK_DATABASE_URL"])
    assert "plan TEST-NAP: inserted (8 items, 4 indicators)" in ok("plans", "import", str(SAMPLE))
    assert "plan TEST-NAP: unchanged" in ok("plans", "import", str(SAMPLE))


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["plans", "show", "NOPE"], "[W004] no plan with code 'NOPE'"),
        (["plans", "export", "NOPE"], "[W004] no plan with code 'NOPE'"),
        (["plans", "export", "TEST-NAP", "--format", "pdf"], "[W010] unknown format 'pdf'"),
        (["indicators", "record", "TEST-NAP", "I9", "2022", "1"], "no indicator 'I9'"),
        (["indicators", "record", "TEST-NAP", "I2", "2022", "1", "--sex", "f"], "by sex"),
    ],
)
def test_cli_errors_are_one_coded_line_and_nonzero_exit(
    cli_env: dict[str, str], args: list[str], message: str
) -> None:
    prepare_light_database(cli_env["WPSTRACK_DATABASE_URL"])
    ok("plans", "import", str(SAMPLE))
    result = runner.invoke(app, args)
    assert result.exit_code != 0
    assert result.output.strip().startswith("error: [W0")
    assert message in result.output


def test_indicator_values_recorded_and_listed(cli_env: dict[str, str]) -> None:
    prepare_light_database(cli_env["WPSTRACK_DATABASE_URL"])
    ok("plans", "import", str(SAMPLE))
    assert "inserted" in ok("indicators", "record", "TEST-NAP", "I1", "2022", "14", "--sex", "f")
    assert "updated" in ok(
        "indicators", "record", "TEST-NAP", "I1", "2022", "15", "--sex", "f", "--source", "MOFA"
    )
    ok("indicators", "record", "TEST-NAP", "I1", "2022", "30")
    listing = ok("indicators", "list", "TEST-NAP", "--json")
    assert '"sex": "f"' in listing and '"value": 15.0' in listing and '"source": "MOFA"' in listing
    table = ok("indicators", "list", "TEST-NAP")
    assert "I1" in table and "15" in table and "total" in table
