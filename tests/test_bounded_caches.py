"""A long run's memory does not grow with the corpus through a cache.

An ingestion worker reads millions of releases. A ``functools.cache`` (or an ``lru_cache``
without a size) keyed by what a release says (a phrase, a word) keeps an entry for every
distinct one it ever meets: two such caches grew with the corpus until this test. A cache
without a bound may take only names from a closed set the code itself holds: a lexicon's
name, a language, a SQL dialect, a path, a font size.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from typing import Any

import wpstrack

# Parameters whose values come from the code, not from documents or requests.
CLOSED = {"name", "key", "kind", "language", "languages", "dialect", "path", "size"}


def _caches() -> dict[str, Any]:
    found: dict[str, Any] = {}
    for info in pkgutil.walk_packages(wpstrack.__path__, "wpstrack."):
        if ".migrations." in info.name or info.name.endswith("__main__"):
            continue
        module = importlib.import_module(info.name)
        owners = [module, *(v for v in vars(module).values() if inspect.isclass(v))]
        for owner in owners:
            for attr, value in vars(owner).items():
                if hasattr(value, "cache_parameters") and value.__module__ == info.name:
                    found[f"{info.name}.{attr}"] = value
    return found


def test_caches_without_a_bound_take_only_names_the_code_holds() -> None:
    caches = _caches()
    assert len(caches) > 20  # the walk found them
    unbounded = {
        name: sorted(set(inspect.signature(fn).parameters) - CLOSED)
        for name, fn in caches.items()
        if fn.cache_parameters()["maxsize"] is None
    }
    assert {name: rest for name, rest in unbounded.items() if rest} == {}
