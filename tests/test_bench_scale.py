"""bench/scale.py on a small SQLite register: it runs, and prints issue 12's figures."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[1] / "bench" / "scale.py"


@pytest.mark.slow  # a server and an ingestion in subprocesses: ~20 s, more on a busy machine
def test_scale_benchmark_prints_the_issues_figures_without_errors() -> None:
    command = [sys.executable, str(SCRIPT), "--docs", "300", "--clients", "2"]
    command += ["--requests", "2", "--rounds", "1", "--ingest-docs", "10", "--workers", "1"]
    out = subprocess.run(
        [*command, "--json"], capture_output=True, text=True, check=True, timeout=300
    ).stdout
    data = json.loads(out)
    assert data["backend"] == "sqlite" and data["documents"] == data["activities"] == 300
    assert data["participants"] > 300 and data["links"] >= 300
    groups = ("search", "dashboard", "list", "matrix")
    for key in [f"{g}_p95_ms" for g in groups] + [f"concurrent_{g}_p95_ms" for g in groups]:
        assert data[key] > 0, key
    # Every case was answered, one client and two, and the deepest list page is past page 1.
    for phase in (data["sequential"], data["concurrent"]["cases"]):
        assert {"search_common", "search_rare", "search_phrase", "list_page_50"} <= set(phase)
        assert all(case["errors"] == 0 and case["p95_ms"] > 0 for case in phase.values())
    assert data["concurrent_errors"] == 0 and data["list_deep_page"] > 1
    assert data["ingest_docs_per_s"] > 0 and data["workers"] == 1 and data["peak_rss_mb"] > 0
