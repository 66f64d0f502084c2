"""Build what extraction loads lazily, before a process takes work.

Building the pipeline is not enough: the gazetteer (seconds of JSON and name tables), the
lexicons and the tables of offices and organisations are built by the first document that
needs them. In a web server that first document is an upload, and the whole process (every
read it serves) waited behind it: a serving process stalled for 3-6 s at its first upload
under ``bench/load.py``. Reading and extracting one small made-up release per language and
per format loads each of them once, here.

Japanese is left to the first Japanese document: its analyser loads in a tenth of a second
but holds about 100 MB (its dictionary, mapped), which a server that never receives a
Japanese release should not carry, and with which the largest requests a server accepts no
longer fitted in 500 MB (``bench/worst_requests.py``).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date

# Made-up releases, one per language the extractor reads but Japanese, each written to reach
# every component: a place and its time zone, people with honorifics and offices, organisations,
# a resolution, funding in a currency, a duration.
RELEASES = {
    "en": (
        "Foreign Minister Meets the Special Representative on Sexual Violence in Conflict\n\n"
        "On 3 March, commencing at 6:05 p.m. (local time; 4 March, 2:05 a.m. JST) for "
        "approximately 30 minutes, Ms. SATO Hanako, Minister for Foreign Affairs of Japan, who "
        "is visiting Geneva, Switzerland, held a meeting with Ms. Anna Lind, Special "
        "Representative of the Secretary-General, Dr. Maria Costa, Executive Director of Women "
        "Builders Network, and staff of UN Women. Minister Sato stated Japan's support and "
        "announced a contribution of USD 2 million to UNFPA for women's participation in "
        "peace processes under United Nations Security Council resolution 1325 (2000).\n"
    ),
    "fr": (
        "Le ministre des Affaires étrangères rencontre la directrice exécutive d'ONU Femmes\n\n"
        "Le 3 mars 2024, à Paris, M. Jean Martin, ministre des Affaires étrangères, s'est "
        "entretenu pendant 30 minutes avec Mme Anna Lind, directrice exécutive d'ONU Femmes, "
        "sur la résolution 1325 du Conseil de sécurité et une contribution de 2 millions "
        "d'euros.\n"
    ),
    "es": (
        "El ministro de Asuntos Exteriores se reúne con la directora ejecutiva de ONU Mujeres\n\n"
        "El 3 de marzo de 2024, en Madrid, el Sr. Juan García, ministro de Asuntos Exteriores, "
        "se reunió durante 30 minutos con la Sra. Ana Lind, directora ejecutiva de ONU Mujeres, "
        "sobre la resolución 1325 del Consejo de Seguridad.\n"
    ),
}
PAGE = (
    "<!doctype html><html lang='en'><head><title>Minister meets UN Women | Ministry</title>"
    "</head><body><nav><a href='#main'>Skip to main content</a> Home &gt; Press</nav>"
    "<main id='main'><h1>Minister meets UN Women</h1><p>Published 3 March 2024</p>"
    f"<p>{RELEASES['en']}</p></main><footer>Cookies</footer></body></html>"
)


_ZONE_LOCK = threading.Lock()
_warm = False
# Words the vocabularies may take in memory zones before they are built anew (see
# :func:`memory_zone`): a stream of new words then holds at most about 8 MB of spaCy's
# tables (measured), and ``bench/ingest.py``'s releases renew every 2,500 or so.
RENEW_AFTER = 200_000
_built_with = 0  # the words the vocabularies held when they were built


def warm_up() -> None:
    """Read and extract the made-up releases once, so that this process builds the
    pipeline and the tables extraction loads on first use before it takes real work."""
    global _warm, _built_with
    from wpstrack.documents import extract_record, read_bytes
    from wpstrack.extract.pipeline import default_pipeline, extract_text

    default_pipeline()
    for language, text in RELEASES.items():
        extract_text(text, language=language, release_date=date(2024, 3, 3))
    extract_record(read_bytes(PAGE.encode(), filename="warm-up.html"))
    release_freed_memory()
    _warm = True
    _built_with = _words_taken()


def _words_taken() -> int:
    """Every word the two vocabularies ever took, freed ones included (spaCy's count)."""
    from wpstrack.extract.matchers import phrase_tokenizer
    from wpstrack.extract.pipeline import default_pipeline

    return len(default_pipeline().vocab) + len(phrase_tokenizer().vocab)


def renew() -> None:
    """Build the pipeline, the phrase tokenizer and their matchers anew, with new
    vocabularies, and warm them up: 0.2 s of CPU (the lexicons and the gazetteer are kept)."""
    from wpstrack.extract.matchers import forget_vocabularies
    from wpstrack.extract.pipeline import forget_pipeline

    forget_pipeline()
    forget_vocabularies()
    warm_up()


@contextmanager
def memory_zone() -> Iterator[None]:
    """A block at whose end spaCy forgets the words the extractor met inside it.

    spaCy keeps every string and word it meets for the life of the process (its vocabulary
    and its tokenizer's cache): an ingestion worker kept each name, number and address of
    every release it had read, so its memory grew with the corpus (``bench/ingest.py``:
    0.5 MB per thousand releases, 500 MB for a million). Inside the block they are transient
    (spaCy's ``Language.memory_zone``, over the pipeline's vocabulary and the phrase
    tokenizer's) and freed at its end.

    That is safe under three conditions:
    - the tables extraction builds on first use exist before the block (a table built
      inside would keep strings its end removes): the block warms the process up first,
      and a matcher built later, at its first use, keeps its label for good
      (:mod:`wpstrack.extract.matchers`);
    - no other thread extracts during the block (the zone is the vocabulary's, not the
      thread's): blocks run one at a time, and only batch extraction (ingestion's workers)
      takes them, never a server's requests, which extract in threads at once;
    - the caller keeps no spaCy object made inside past its end: records are plain data.

    A zone's end frees its words but not their places in spaCy's hash tables: preshed marks
    a cleared entry deleted, still counts it as filled, and doubles the table when it looks
    full, so the tables grow with every new word a process meets (measured: 960,000 new
    words took a process from 89 to 143 MB, and the next doubling was due). So once the
    vocabularies have taken :data:`RENEW_AFTER` words since they were built, the block first
    builds them anew (:func:`renew`).
    """
    from wpstrack.extract.matchers import phrase_tokenizer
    from wpstrack.extract.pipeline import default_pipeline

    with _ZONE_LOCK:
        if not _warm:
            warm_up()
        elif _words_taken() - _built_with > RENEW_AFTER:
            renew()
        with default_pipeline().memory_zone(), phrase_tokenizer().memory_zone():
            yield


def release_freed_memory() -> None:
    """Give the heap the warm-up freed back to the system (glibc keeps it otherwise).

    Building the tables goes through their sources (the gazetteer's JSON, the lexicons):
    about 30 MB that is freed once they are built but stays in the process, under the
    Japanese analyser's dictionary (about 140 MB mapped) that comes on top of it at the
    first Japanese document. An extraction worker peaked at 393 MB with it and 372 MB
    without (``bench/ingest.py``'s line is 400 MB a process).
    """
    gc.collect()
    if not sys.platform.startswith("linux"):
        return
    name = ctypes.util.find_library("c")
    try:
        libc = ctypes.CDLL(name) if name else None
        trim = getattr(libc, "malloc_trim", None)
    except OSError:  # no C library to load: nothing to give back
        return
    if trim is not None:  # glibc only (musl has none)
        trim(0)
