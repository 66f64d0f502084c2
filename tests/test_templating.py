"""The pages' Jinja environment reads ``value.name`` as Jinja does, only faster on dicts."""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

import pytest
from jinja2 import Environment, StrictUndefined, UndefinedError

from wpstrack.web.templating import make_templates

SOURCE = (
    "{{ d.count }}|{{ d.items is callable }}|{{ d.get('count') }}|{{ o.count }}|"
    "{% for k, v in d.items() %}{{ k }}={{ v }};{% endfor %}|{{ od.label }}"
)


class _Counted:
    count = 7


def _render(env: Environment, source: str, **values: Any) -> str:
    return env.from_string(source).render(**values)


def test_attribute_reads_match_jinjas_own() -> None:
    ours = make_templates().env
    theirs = Environment(undefined=StrictUndefined, autoescape=True)
    values = {
        "d": {"count": 3, "items": "a key named like a method"},
        "o": _Counted(),
        "od": OrderedDict(label="kept"),
    }
    assert _render(ours, SOURCE, **values) == _render(theirs, SOURCE, **values)
    assert _render(ours, "{{ d.count }}", d={"count": 3}) == "3"


def test_a_missing_key_is_still_an_error() -> None:
    with pytest.raises(UndefinedError):
        _render(make_templates().env, "{{ d.missing }}", d={"count": 3})
