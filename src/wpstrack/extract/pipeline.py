"""The extraction pipeline: a blank spaCy pipeline plus our own rule-based components.

The order of components is configuration (:data:`PIPELINE`), not code. Components are
registered with spaCy by :func:`register_components`, called by :func:`build_pipeline`, never
as a side effect of importing a module. Each component lives in a module of this package
named after what it finds and exposes ``create(nlp, name) -> Callable[[Doc], Doc]``.

Extraction is a pure function ``text -> record`` (:func:`extract_text`); ingestion, the CLI
and corpus-scale runs (Dask) all call it.
"""

from __future__ import annotations

import importlib
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Any

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from wpstrack.extract.model import (
    PERSON_FIELDS,
    SCALAR_FIELDS,
    TOPIC_PILLARS,
    ensure_extension,
    state,
)
from wpstrack.limits import ReadLimits, check_chars


@dataclass(frozen=True)
class Component:
    name: str
    module: str
    requires: tuple[str, ...] = ()
    assigns: tuple[str, ...] = ()


# name -> where it lives and what it reads and writes (spaCy checks requires/assigns).
COMPONENTS = {
    c.name: c
    for c in (
        Component("release_header", "header", (), ("doc._.wps",)),
        Component("datetime", "datetimes", ("doc._.wps",), ("doc._.wps",)),
        Component("duration", "duration", ("doc._.wps",), ("doc._.wps",)),
        Component("place", "place", ("doc._.wps",), ("doc._.wps",)),
        Component("organisations", "organisations", ("doc._.wps",), ("doc._.wps",)),
        Component("people", "people", ("doc._.wps",), ("doc._.wps",)),
        Component("roles", "roles", ("doc._.wps",), ("doc._.wps",)),
        Component("resolutions", "resolutions", ("doc._.wps",), ("doc._.wps",)),
        Component("event_type", "event_type", ("doc._.wps",), ("doc._.wps",)),
        Component("topics", "topics", ("doc._.wps",), ("doc._.wps",)),
        Component("money", "money", ("doc._.wps",), ("doc._.wps",)),
        Component("commitments", "commitments", ("doc._.wps",), ("doc._.wps",)),
        Component("instant", "instant", ("doc._.wps",), ("doc._.wps",)),
        # last: confidences become shares right on the gold sets (wpstrack.calibration)
        Component("calibrate", "calibrate", ("doc._.wps",), ("doc._.wps",)),
    )
}
PIPELINE: tuple[str, ...] = tuple(COMPONENTS)
FACTORY_PREFIX = "wpstrack_"


def register_components() -> None:
    """Register every component factory with spaCy (idempotent)."""
    ensure_extension()
    for component in COMPONENTS.values():
        factory_name = FACTORY_PREFIX + component.name
        if Language.has_factory(factory_name):
            continue
        module = importlib.import_module(f"wpstrack.extract.{component.module}")
        Language.factory(
            factory_name,
            func=module.create,
            requires=list(component.requires),
            assigns=list(component.assigns),
        )


def build_pipeline(components: Iterable[str] = PIPELINE) -> Language:
    """A blank English pipeline with the named components, in order."""
    register_components()
    nlp = spacy.blank("en")
    for name in components:
        nlp.add_pipe(FACTORY_PREFIX + name, name=name)
    return nlp


_BUILD_LOCK = threading.Lock()


@cache
def _built_pipeline() -> Language:
    return build_pipeline()


def default_pipeline() -> Language:
    """The full pipeline, built once per process.

    The first extractions of a web server run in many threads at once: without the lock
    each would build its own pipeline (seconds of work apiece) and register the components
    concurrently.
    """
    with _BUILD_LOCK:
        return _built_pipeline()


def _dedupe(values: Iterable[Any]) -> list[Any]:
    seen: list[Any] = []
    for value in values:
        if value not in seen:
            seen.append(value)
    return seen


def to_record(doc: Doc) -> dict[str, Any]:
    """The activity record of a processed Doc: every gold field, plus spans and warnings."""
    st = state(doc)
    record: dict[str, Any] = {name: st.get(name) for name in SCALAR_FIELDS}
    for name in PERSON_FIELDS:
        record[name] = _dedupe(st.items(name))
    record["organisations"] = _dedupe(st.items("organisations"))
    record["resolutions"] = sorted({int(n) for n in st.items("resolutions")})
    topics = _dedupe(st.items("topics"))
    record["topics"] = topics
    record["women_count_named"] = int(st.get("women_count_named") or 0)
    record["pillars"] = _dedupe(TOPIC_PILLARS[t] for t in topics if t in TOPIC_PILLARS)
    record["language"] = st.language
    record["release_date"] = st.release_date.isoformat() if st.release_date else None
    for name in sorted(st.extra):
        if name not in record:
            record[name] = st.extra[name].value
    for name in sorted(st.lists):
        if name not in record:
            record[name] = [m.value for m in st.lists[name]]
    mentions = [*st.scalars.values(), *st.extra.values()]
    for items in st.lists.values():
        mentions.extend(items)
    record["spans"] = [m.as_dict() for m in sorted(mentions, key=lambda m: (m.start, m.end))]
    record["warnings"] = list(st.warnings)
    return record


def prepare(
    nlp: Language, text: str, *, language: str | None = None, release_date: date | None = None
) -> Doc:
    """A Doc for ``text`` with what the reader already knows (language, publication date)."""
    doc = nlp.make_doc(text)
    doc.user_data["wpstrack_text"] = text  # Doc.text is rebuilt from tokens on every read
    st = state(doc)
    if language:
        st.language = language
    if release_date:
        st.release_date = release_date
    return doc


def extract_text(
    text: str,
    *,
    language: str | None = None,
    release_date: date | None = None,
    nlp: Language | None = None,
    max_chars: int = ReadLimits.max_chars,
) -> dict[str, Any]:
    """Run the pipeline over one text and return its record.

    Text longer than ``max_chars`` is refused with a coded error before spaCy sees it; the
    pipeline's own ``max_length`` (spaCy's E088) is kept at least as high, so the one limit
    that applies is the configured one.
    """
    check_chars(len(text), ReadLimits(max_chars=max_chars))
    nlp = nlp or default_pipeline()
    nlp.max_length = max(nlp.max_length, max_chars)
    doc = prepare(nlp, text, language=language, release_date=release_date)
    for _name, proc in nlp.pipeline:
        doc = proc(doc)
    return to_record(doc)


def extract_many(
    items: Iterable[tuple[str, Any]],
    *,
    nlp: Language | None = None,
    batch_size: int = 64,
    on_error: Callable[[Any, Exception], None] | None = None,
) -> Iterator[tuple[dict[str, Any] | None, Any]]:
    """Stream ``(text, context)`` pairs through the pipeline, yielding ``(record, context)``.

    One failing document does not stop the stream: ``on_error`` is told and the record is
    None.
    """
    nlp = nlp or default_pipeline()
    for text, context in items:
        try:
            yield extract_text(text, nlp=nlp), context
        except Exception as exc:  # one document's failure must not end the batch
            if on_error is None:
                raise
            on_error(context, exc)
            yield None, context
