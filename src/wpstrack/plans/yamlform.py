"""The YAML plan file: the canonical, hand-editable form of a plan.

Layout (every key except ``code``, ``country`` and ``title`` may be left out)::

    code: JP-NAP3
    country: JP
    title: National Action Plan on Women, Peace and Security
    edition: 3
    adopted_on: 2023-04-01          # YYYY-MM-DD; leave out when the day is not known
    period_start: 2023
    period_end: 2028
    period_note: Japanese fiscal years (April to March)
    source: where the facts come from
    fictional: true                 # only for an invented government's plan (a demo)
    items:                          # the tree: area > objective > measure
      - code: "1"
        kind: area                  # default: one level below the parent
        title: Participation
        pillar: participation       # a pillar code
        description: ...
        organisations: [jp-mofa, JICA]   # codes or any known alias
        items: [...]                # children
    indicators:
      - code: P1
        name: ...
        item: "1"                   # code of the item it measures
        unit: count
        direction: increase         # increase | decrease | maintain
        method: manual              # manual | computed
        formula: {measure: count_activities, filters: {type: [dialogue]}}  # computed only
        disaggregation: sex
        baseline_value: 3
        baseline_period: "2022"
        targets:
          - {period: "2028", value: 10, note: ...}

Mappings remember their line, so every error names the line it concerns.
"""

from __future__ import annotations

from typing import Any

import yaml

from wpstrack.errors import InvalidInput
from wpstrack.plans.model import (
    INDICATOR_FIELDS,
    ITEM_FIELDS,
    KINDS,
    PLAN_FIELDS,
    TARGET_FIELDS,
    Fields,
    Indicator,
    Item,
    Plan,
    check_plan,
    indicator_from_fields,
    item_from_fields,
    plan_from_fields,
    target_from_fields,
)


class _LineMap(dict[Any, Any]):
    """A YAML mapping that knows the line it starts on."""

    line = 0


class _LineLoader(yaml.SafeLoader):
    """SafeLoader whose mappings carry their line number and refuse duplicate keys."""


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> _LineMap:
    loader.flatten_mapping(node)
    result = _LineMap()
    result.line = node.start_mark.line + 1
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in result:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r}", key_node.start_mark
            )
        result[key] = loader.construct_object(value_node, deep=True)
    return result


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def _where(name: str, node: Any) -> str:
    line = getattr(node, "line", 0)
    return f"{name}, line {line}" if line else name


def _mapping_list(f: Fields, key: str) -> list[_LineMap]:
    value = f.data.get(key)
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise f.fail(key, "expected a list of mappings (lines starting with '- key: value')")
    return value


def _items(f: Fields, name: str, parent: Item | None) -> list[Item]:
    items = []
    for node in _mapping_list(f, "items"):
        child = Fields(node, _where(name, node))
        child.only((*ITEM_FIELDS, "items"), "item")
        default = KINDS[min(KINDS.index(parent.kind) + 1, 2)] if parent else KINDS[0]
        item = item_from_fields(child, default)
        item.children = _items(child, name, item)
        items.append(item)
    return items


def _indicators(f: Fields, name: str) -> list[Indicator]:
    indicators = []
    for node in _mapping_list(f, "indicators"):
        fi = Fields(node, _where(name, node))
        fi.only((*INDICATOR_FIELDS, "targets", "formula"), "indicator")
        indicator = indicator_from_fields(fi)
        if fi.data.get("formula") is not None:
            if indicator.method != "computed":
                raise fi.fail("formula", "is only for indicators with method: computed")
            from wpstrack.indicators.formula import formula_data, parse_formula

            indicator.formula = formula_data(parse_formula(fi.data["formula"], fi.where))
        for target_node in _mapping_list(fi, "targets"):
            ft = Fields(target_node, _where(name, target_node))
            ft.only(TARGET_FIELDS, "target")
            indicator.targets.append(target_from_fields(ft))
        indicators.append(indicator)
    return indicators


def parse_yaml(text: str, name: str) -> Plan:
    """Parse and check a YAML plan file; ``name`` is how errors refer to the file."""
    try:
        data = yaml.load(text, Loader=_LineLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = f", line {mark.line + 1}" if mark else ""
        column = f" (column {mark.column + 1})" if mark else ""
        raise InvalidInput(f"malformed YAML: {exc.problem}{column}", f"{name}{line}") from exc
    except yaml.YAMLError as exc:
        raise InvalidInput(f"malformed YAML: {exc}", name) from exc
    if not isinstance(data, dict):
        raise InvalidInput("expected a mapping of plan fields (code, country, title, ...)", name)
    f = Fields(data, _where(name, data))
    f.only((*PLAN_FIELDS, "items", "indicators"), "plan")
    plan = plan_from_fields(f)
    plan.items = _items(f, name, None)
    plan.indicators = _indicators(f, name)
    return check_plan(plan)


def _present(pairs: dict[str, Any]) -> dict[str, Any]:
    """Drop empty values so the file shows only what the plan states."""
    return {k: v for k, v in pairs.items() if v is not None and v != []}


def _item_tree(item: Item) -> dict[str, Any]:
    return _present(
        {
            "code": item.code,
            "kind": item.kind,
            "title": item.title,
            "pillar": item.pillar,
            "organisations": list(item.organisations),
            "description": item.description,
            "items": [_item_tree(child) for child in item.children],
        }
    )


def plan_to_tree(plan: Plan) -> dict[str, Any]:
    """The plan as plain data in the YAML layout above."""
    head = {key: getattr(plan, key) for key in PLAN_FIELDS}
    head["fictional"] = plan.fictional or None  # written only on the plans that are
    indicators = [
        _present(
            {key: getattr(ind, key) for key in INDICATOR_FIELDS}
            | {"formula": ind.formula}
            | {
                "targets": [
                    _present({k: getattr(t, k) for k in TARGET_FIELDS}) for t in ind.targets
                ]
            }
        )
        for ind in plan.indicators
    ]
    return _present(head | {"items": [_item_tree(i) for i in plan.items], "indicators": indicators})


class _Dumper(yaml.SafeDumper):
    """SafeDumper that writes text with line breaks as a literal block, as a person would."""


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value and not value.endswith((" ", "\n")) else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _represent_str)


def dump_yaml(plan: Plan) -> str:
    """The plan as YAML text; the same plan always gives the same bytes."""
    return yaml.dump(
        plan_to_tree(plan),
        Dumper=_Dumper,
        sort_keys=False,
        allow_unicode=True,
        width=96,
        default_flow_style=False,
    )
