"""bench/extract.py runs and prints its figures, with and without its Japanese part."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[1] / "bench" / "extract.py"


@pytest.mark.slow  # the pipeline warms up on the corpus in a subprocess: ~15 s a run
@pytest.mark.parametrize("ja_docs", [0, 2])
def test_extract_benchmark_prints_its_figures(ja_docs: int) -> None:
    command = [sys.executable, str(SCRIPT), "--docs", "3", "--ja-docs", str(ja_docs), "--json"]
    out = subprocess.run(command, capture_output=True, text=True, check=True, timeout=300)
    data = json.loads(out.stdout)
    assert data["docs"] == 3 and data["docs_per_s"] > 0 and data["floor_ratio"] > 0
    if ja_docs:  # the Japanese part against Sudachi's own tokenizing
        assert data["japanese"]["docs"] == ja_docs and data["japanese"]["floor_ratio"] > 0
    else:  # none asked: the part is left out, not divided by zero
        assert "japanese" not in data
