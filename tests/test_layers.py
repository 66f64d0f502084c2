"""The layers at run time: what lint-imports checks in the source, checked in a process."""

from __future__ import annotations

import subprocess
import sys

STORAGE_OR_SHELL = ("sqlalchemy", "alembic", "wpstrack.db", "wpstrack.schema", "wpstrack.web")

# Build the whole pipeline and extract one release, then list what got imported.
PROBE = """
import sys
from wpstrack.extract.pipeline import build_pipeline
nlp = build_pipeline()
nlp("March 18, 2024. Ms. KAMIKAWA Yoko met UN Women in New York on resolution 1325.")
print("\\n".join(sorted(sys.modules)))
"""


def test_running_the_extractor_imports_no_storage_and_no_shell() -> None:
    # A worker that only extracts (Dask, a notebook) must not need a database library.
    loaded = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, check=True
    ).stdout.split()
    assert [m for m in loaded if m.startswith(STORAGE_OR_SHELL)] == []
