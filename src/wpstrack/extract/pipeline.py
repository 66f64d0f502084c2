"""The extraction pipeline: a blank spaCy pipeline plus our own rule-based components.

The order of components is configuration (:data:`PIPELINE`), not code. Components are
registered with spaCy by :func:`register_components`, called by :func:`build_pipeline`, never
as a side effect of importing a module. Each component lives in a module of this package
named after what it finds and exposes ``create(nlp, name) -> Callable[[Doc], Doc]``.

Extraction is a pure function ``text -> record`` (:func:`extract_text`); ingestion, the CLI
and corpus-scale runs (Dask) all call it. There is no separate batch path: ingestion reads,
extracts and stores one document at a time under its own limits, so a batch API would be
a second way to do the same thing.
"""

from __future__ import annotations

import importlib
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Any

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from wpstrack.errors import ConfigError
from wpstrack.extract.model import (
    PERSON_FIELDS,
    SCALAR_FIELDS,
    TOPIC_PILLARS,
    ensure_extension,
    state,
)
from wpstrack.extract.tokenizer import ChunkTokenizer
from wpstrack.limits import ReadLimits, check_chars


@dataclass(frozen=True)
class Component:
    """A pipeline component: where it lives and which fields it reads and writes.

    ``requires`` and ``assigns`` name fields of the extraction state (``date``,
    ``release_date``...), not spaCy attributes: every component shares the one ``doc._.wps``
    attribute, so spaCy's own declaration could not tell a component that needs the date
    from one that does not. :func:`check_pipeline` checks ``requires`` when a pipeline is
    built; ``uses`` are fields read when an earlier component gave them (topics read the
    organisations if found, and work without them), so they are not checked.
    """

    name: str
    module: str
    requires: tuple[str, ...] = ()
    assigns: tuple[str, ...] = ()
    uses: tuple[str, ...] = ()


# What the reader hands the pipeline before any component runs (see :func:`prepare`).
INPUTS = frozenset({"text", "language"})

# name -> where it lives and which state fields it reads and writes. A test runs the
# pipeline over the corpora and checks that no component writes a field it does not assign.
COMPONENTS = {
    c.name: c
    for c in (
        Component("release_header", "header", ("text",), ("release_date", "title")),
        Component(
            "datetime",
            "datetimes",
            ("text", "release_date"),
            ("date", "start_time_local", "end_time_local", "tz_stated", "start_time_jst"),
        ),
        Component(
            "duration",
            "duration",
            ("text",),
            ("duration_minutes",),
            uses=("release_date", "start_time_local"),
        ),
        Component(
            "place",
            "place",
            ("text",),
            ("city", "country", "timezone"),
            uses=("release_date", "start_time_local"),
        ),
        Component(
            "organisations",
            "organisations",
            ("text", "language"),
            ("organisations", "organisation_codes"),
        ),
        Component(
            "people",
            "people",
            ("text", "language"),
            ("principal_actors", "other_participants", "women_count_named"),
        ),
        Component(
            "roles",
            "roles",
            ("text",),
            ("organisation_roles", "work_countries", "funding_countries", "acting_country"),
            uses=("title", "country", "organisations", "organisation_codes"),
        ),
        Component("resolutions", "resolutions", ("text",), ("resolutions",)),
        Component("event_type", "event_type", ("text", "other_participants"), ("event_type",)),
        Component(
            "topics",
            "topics",
            ("text",),
            ("topics",),
            uses=("release_date", "organisation_codes", "resolutions"),
        ),
        Component("money", "money", ("text", "country"), ("money",)),
        Component(
            "commitments",
            "commitments",
            ("text", "principal_actors", "other_participants"),
            ("commitments",),
        ),
        Component(
            "instant",
            "instant",
            ("date", "start_time_local", "tz_stated", "start_time_jst", "timezone"),
            ("start_utc",),
        ),
        # last: confidences become shares right on the gold sets (wpstrack.calibration)
        Component("calibrate", "calibrate", ("text",), ()),
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
            requires=["doc._.wps"],
            assigns=["doc._.wps"],
        )


def check_pipeline(components: Iterable[str]) -> None:
    """Refuse a component order in which a component reads a field nothing before it writes.

    Raises :class:`~wpstrack.errors.ConfigError` naming the component, the field and
    the components that could provide it, or an unknown component name.
    """
    provided = set(INPUTS)
    for name in components:
        component = COMPONENTS.get(name)
        if component is None:
            raise ConfigError(
                f"unknown extraction component {name!r}; known: {', '.join(COMPONENTS)}"
            )
        for needed in component.requires:
            if needed not in provided:
                providers = [c.name for c in COMPONENTS.values() if needed in c.assigns]
                raise ConfigError(
                    f"component {name!r} requires {needed!r}, which no earlier "
                    f"component assigns (add one of {', '.join(providers) or 'none'} before it)"
                )
        provided.update(component.assigns)


def build_pipeline(components: Iterable[str] = PIPELINE) -> Language:
    """A blank English pipeline with the named components, in order (checked first)."""
    components = tuple(components)
    check_pipeline(components)
    register_components()
    nlp = spacy.blank("en")
    nlp.tokenizer = ChunkTokenizer(nlp.tokenizer)
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


def forget_pipeline() -> None:
    """Drop the process's pipeline: the next :func:`default_pipeline` builds another, with a
    vocabulary of its own (:func:`wpstrack.extract.warm_up.memory_zone` says when)."""
    with _BUILD_LOCK:
        _built_pipeline.cache_clear()


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
    nlp: Language,
    text: str,
    *,
    language: str | None = None,
    release_date: date | None = None,
    stored: str | None = None,
) -> Doc:
    """A Doc for ``text`` with what the reader already knows (language, publication date).

    ``stored`` is the stored text when ``text`` is its release view (furniture blanked, same
    offsets): a masthead is furniture to every field but whose activity it is, which a
    site's masthead ("Government of the Netherlands") states.

    The Doc holds no tokens: the components read the text (:func:`doc_text`), and the one
    that reads spaCy's words (organisations, in English text) cuts the text it reads itself.
    spaCy's English tokenizer over a Japanese or French release made words no one read (a
    tenth of a Japanese document's extraction), and over English text with curly quotes
    words that organisations cut again from the folded text.
    """
    doc = Doc(nlp.vocab)
    doc.user_data["wpstrack_text"] = text  # the text itself: the Doc's own is empty
    doc.user_data["wpstrack_stored"] = stored if stored is not None else text
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
    stored: str | None = None,
) -> dict[str, Any]:
    """Run the pipeline over one text and return its record.

    Text longer than ``max_chars`` is refused with a coded error before spaCy sees it; the
    pipeline's own ``max_length`` (spaCy's E088) is kept at least as high, so the one limit
    that applies is the configured one.
    """
    check_chars(len(text), ReadLimits(max_chars=max_chars))
    nlp = nlp or default_pipeline()
    nlp.max_length = max(nlp.max_length, max_chars)
    doc = prepare(nlp, text, language=language, release_date=release_date, stored=stored)
    for _name, proc in nlp.pipeline:
        doc = proc(doc)
    return to_record(doc)
