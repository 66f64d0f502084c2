"""The pipeline is built from declared components: order is checked, declarations are true."""

from __future__ import annotations

from pathlib import Path

import pytest

from wpstrack.errors import ConfigError
from wpstrack.extract.model import state
from wpstrack.extract.pipeline import COMPONENTS, INPUTS, build_pipeline, prepare

DATA = Path(__file__).parent / "data"


def test_build_refuses_a_component_whose_provider_is_missing() -> None:
    with pytest.raises(ConfigError, match=r"'event_type' requires 'other_participants'.*people"):
        build_pipeline(["release_header", "event_type"])


def test_build_refuses_a_provider_placed_after_its_reader() -> None:
    with pytest.raises(ConfigError, match=r"'money' requires 'country'.*place"):
        build_pipeline(["money", "place"])


def test_build_refuses_an_unknown_component() -> None:
    with pytest.raises(ConfigError, match="unknown extraction component 'venue'"):
        build_pipeline(["venue"])


def test_every_required_field_has_a_provider() -> None:
    assigned = set(INPUTS).union(*(c.assigns for c in COMPONENTS.values()))
    for component in COMPONENTS.values():
        assert set(component.requires) | set(component.uses) <= assigned, component.name


def _written(doc: object) -> set[tuple[str, int]]:
    st = state(doc)  # type: ignore[arg-type]
    scalars = {(name, id(m)) for name, m in [*st.scalars.items(), *st.extra.items()]}
    return scalars | {(name, len(items)) for name, items in st.lists.items()}


def test_no_component_writes_a_field_it_does_not_assign(corpus_dir: Path) -> None:
    nlp = build_pipeline()
    files = sorted(corpus_dir.glob("*.txt"))[:30] + sorted((DATA / "pages").glob("pages-*.txt"))
    for path in files:
        doc = prepare(nlp, path.read_text(encoding="utf-8"))
        for name, proc in nlp.pipeline:
            before = _written(doc)
            doc = proc(doc)
            fields = {field for field, _ in _written(doc) - before}
            assert fields <= set(COMPONENTS[name].assigns), (path.name, name, fields)


def test_the_state_is_the_docs_wps_attribute_however_it_was_first_reached() -> None:
    nlp = build_pipeline(["release_header"])
    doc = prepare(nlp, "Title\n\nMarch 18, 2024\n")
    assert state(doc) is doc._.wps is state(doc)
    plain = nlp.make_doc("Another text")
    assert plain._.wps is None
    assert state(plain) is plain._.wps is not None
