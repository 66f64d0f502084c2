"""The command line loads what its commands share, not what one command needs.

Every ``wpstrack`` process imports the whole CLI, and an ingestion worker or writer lives
for hours: a library loaded for nothing is memory held for nothing (``bench/ingest.py``
measures the peak RSS per process). Each library below belongs to one path and is imported
where that path begins.
"""

from __future__ import annotations

import json
import subprocess
import sys

# library -> the only path that needs it
ONE_PATH_LIBRARIES = {
    "psycopg": "PostgreSQL (SQLAlchemy loads it for a postgresql+psycopg URL; a restore's COPY)",
    "docx": "DOCX reports (a DOCX upload is read by its reader)",
    "PIL": "the charts of DOCX reports",
    "pyarrow": "ingest --to-parquet and load",
    "distributed": "ingest --scheduler",
    "weasyprint": "PDF reports",
}


def test_importing_the_cli_loads_no_library_of_a_single_path() -> None:
    code = (
        "import json, sys, wpstrack.cli; "
        f"print(json.dumps(sorted(m for m in {sorted(ONE_PATH_LIBRARIES)!r} if m in sys.modules)))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    assert json.loads(done.stdout) == []
