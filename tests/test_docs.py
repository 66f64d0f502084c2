"""docs/architecture.md names real code: every ``wpstrack.…`` name in it can be imported."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
ARCHITECTURE = ROOT / "docs" / "architecture.md"
NAMES = sorted(set(re.findall(r"`(wpstrack(?:\.\w+)+)", ARCHITECTURE.read_text("utf-8"))))
PATHS = sorted(set(re.findall(r"`((?:tests|scripts|src)/[\w/.]+)`", ARCHITECTURE.read_text())))


def _resolve(name: str) -> object:
    parts = name.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            found: object = importlib.import_module(".".join(parts[:cut]))
        except ModuleNotFoundError:
            continue
        for attribute in parts[cut:]:
            found = getattr(found, attribute)
        return found
    raise ModuleNotFoundError(name)


def test_the_page_names_code_at_all() -> None:
    assert len(NAMES) > 30 and PATHS


@pytest.mark.parametrize("name", NAMES)
def test_every_name_on_the_architecture_page_exists(name: str) -> None:
    assert _resolve(name) is not None


@pytest.mark.parametrize("path", PATHS)
def test_every_path_on_the_architecture_page_exists(path: str) -> None:
    assert (ROOT / path).exists()
