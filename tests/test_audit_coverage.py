"""Every write is audited, from every shell.

A static check over the package: each public function that (itself or through the
package's functions it calls) executes an INSERT, UPDATE or DELETE must also (itself or
through its callees) write the audit log. A new write function without an audit call fails
this test by name; the few writes that are not user data are listed with the reason.
A second test runs the CLI write paths and checks each leaves audit rows under its actor.
"""

from __future__ import annotations

import ast
import importlib.util
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from wpstrack import audit, demo, schema
from wpstrack.cli import app
from wpstrack.db import make_engine

PACKAGE = Path(importlib.util.find_spec("wpstrack").origin).parent  # type: ignore[arg-type,union-attr]
AUDIT_SINKS = {("wpstrack.audit", name) for name in ("insert", "update", "delete", "record")}
SQL_WRITES = ("INSERT INTO", "DELETE FROM", "UPDATE ")

# Writes that are not user data, so the log would only be noise. Each says why.
NOT_AUDITED = {
    # Throttling bookkeeping: one row per login attempt, pruned after a day.
    ("wpstrack.users", "authenticate"): "login attempts are their own log",
    ("wpstrack.throttle", "record"): "login attempts are their own log",
    # "Token last used at": a read of the token stamped on the token row.
    ("wpstrack.users", "user_for_token"): "last-use stamp, written on every API call",
    # The full-text index is derived from rows that are audited when they change.
    ("wpstrack.search_index", "rebuild"): "derived index, rebuilt from audited rows",
    ("wpstrack.search_index", "install"): "derived index triggers",
    ("wpstrack.search_index", "refresh_words"): "index words derived from audited rows' text",
    # The tallies are sums derived from audited rows, brought up to date at every commit.
    ("wpstrack.tallies", "refresh"): "derived figures, refreshed from audited rows",
    ("wpstrack.tallies", "rebuild"): "derived figures, rebuilt from audited rows",
}


@dataclass
class Function:
    module: str
    name: str
    writes: bool = False
    audits: bool = False
    calls: set[tuple[str, str]] = field(default_factory=set)


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(tree: ast.Module, module: str) -> tuple[dict[str, str], dict[str, tuple[str, str]]]:
    """Names bound to wpstrack modules, and names bound to functions of wpstrack modules."""
    modules: dict[str, str] = {}
    names: dict[str, tuple[str, str]] = {}
    package = module if module.count(".") == 0 else module.rsplit(".", 1)[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for a in node.names:
                if a.name.startswith("wpstrack"):
                    modules[a.asname or a.name] = a.name
        elif isinstance(node, ast.ImportFrom):
            source = node.module or ""
            if node.level:
                source = package + ("." + source if source else "")
            if not source.startswith("wpstrack"):
                if source == "sqlalchemy":
                    for a in node.names:
                        if a.name in ("insert", "update", "delete"):
                            names[a.asname or a.name] = ("sqlalchemy", a.name)
                continue
            for a in node.names:
                full = f"{source}.{a.name}"
                if (PACKAGE.parent / full.replace(".", "/")).with_suffix(".py").exists() or (
                    PACKAGE.parent / full.replace(".", "/") / "__init__.py"
                ).exists():
                    modules[a.asname or a.name] = full
                else:
                    names[a.asname or a.name] = (source, a.name)
    return modules, names


def _scan() -> dict[tuple[str, str], Function]:
    functions: dict[tuple[str, str], Function] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        module = _module_name(path)
        tree = ast.parse(path.read_text(encoding="utf-8"))
        modules, names = _imports(tree, module)
        local = {
            n.name
            for n in tree.body
            if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)
        }
        for node in ast.walk(tree):
            if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            fn = functions.setdefault((module, node.name), Function(module, node.name))
            for call in ast.walk(node):
                if isinstance(call, ast.Call):
                    _classify(fn, call, module, modules, names, local)
    return functions


def _classify(
    fn: Function,
    call: ast.Call,
    module: str,
    modules: dict[str, str],
    names: dict[str, tuple[str, str]],
    local: set[str],
) -> None:
    f = call.func
    if isinstance(f, ast.Name):
        target = names.get(f.id) or ((module, f.id) if f.id in local else None)
        if target and target[0] == "sqlalchemy":
            fn.writes = True
        elif target:
            fn.calls.add(target)
        if f.id == "text" and call.args:
            literal = ast.unparse(call.args[0])
            fn.writes |= any(word in literal for word in SQL_WRITES)
    elif isinstance(f, ast.Attribute):
        owner = f.value
        if isinstance(owner, ast.Name) and owner.id in modules:
            fn.calls.add((modules[owner.id], f.attr))
        elif f.attr in ("insert", "update", "delete") and not call.args and not call.keywords:
            fn.writes = True  # table.insert(), t.update(), t.delete()
    if (
        isinstance(f, ast.Attribute)
        and isinstance(f.value, ast.Name)
        and (modules.get(f.value.id), f.attr) in AUDIT_SINKS
    ):
        fn.audits = True


def _closure(functions: dict[tuple[str, str], Function]) -> None:
    """Propagate "writes" and "audits" from callees to callers until nothing changes."""
    changed = True
    while changed:
        changed = False
        for fn in functions.values():
            for callee in fn.calls:
                other = functions.get(callee)
                if other is None or other is fn or callee in NOT_AUDITED:
                    continue
                if other.writes and not fn.writes:
                    fn.writes = changed = True
                if other.audits and not fn.audits:
                    fn.audits = changed = True


def unaudited_writes() -> list[str]:
    """Public functions outside the audit module that write without writing the log."""
    functions = _scan()
    _closure(functions)
    return sorted(
        f"{fn.module}.{fn.name}"
        for key, fn in functions.items()
        if fn.writes
        and not fn.audits
        and not fn.name.startswith("_")
        and fn.module != "wpstrack.audit"
        and key not in NOT_AUDITED
    )


def test_every_public_write_function_writes_the_audit_log() -> None:
    assert unaudited_writes() == []


def test_the_scan_finds_known_writes_and_audits() -> None:
    """The scan itself must see writes, or the test above could not fail."""
    functions = _scan()
    _closure(functions)
    for key in (
        ("wpstrack.users", "add_user"),
        ("wpstrack.ingest", "ingest_batch"),
        ("wpstrack.indicators.values", "record_value"),
        ("wpstrack.plans.store", "save_plan"),
    ):
        assert functions[key].writes and functions[key].audits, key
    token = functions[("wpstrack.users", "user_for_token")]
    assert token.writes and not token.audits  # a write without audit is seen as such
    for key in NOT_AUDITED:
        assert key in functions, f"{key} is listed as not audited but no longer exists"


runner = CliRunner()


def _events(url: str, actor: str) -> set[tuple[str, str]]:
    engine = make_engine(url)
    with engine.connect() as conn:
        rows = conn.execute(
            select(schema.audit_event.c.table_name, schema.audit_event.c.action).where(
                schema.audit_event.c.actor == actor
            )
        ).all()
    engine.dispose()
    return {(t, a) for t, a in rows}


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["ingest", str(demo.SHIPPED_SAMPLE)], ("document", "ingest")),
        (["indicators", "record", "TEST-NAP", "I1", "2024", "3"], ("indicator_value", "create")),
        (["plans", "import", "PLAN"], ("plan", "import")),
    ],
)
def test_cli_writes_leave_audit_rows_under_the_os_account(
    cli_env: dict[str, str], args: list[str], expected: tuple[str, str]
) -> None:
    sample = Path(__file__).parent / "data" / "plan_sample.yaml"
    assert runner.invoke(app, ["init"]).exit_code == 0
    if expected[0] == "indicator_value":
        assert runner.invoke(app, ["plans", "import", str(sample)]).exit_code == 0
    args = [str(sample) if a == "PLAN" else a for a in args]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    from wpstrack.cli.common import cli_actor

    assert expected in _events(cli_env["WPSTRACK_DATABASE_URL"], cli_actor())
    assert audit.REDACTED  # the module under test is the one imported


def test_init_logs_its_reference_changes_once(cli_env: dict[str, str]) -> None:
    from wpstrack.cli.common import cli_actor

    url = cli_env["WPSTRACK_DATABASE_URL"]
    assert runner.invoke(app, ["init"]).exit_code == 0
    first = _events(url, cli_actor())
    assert {("pillar", "sync"), ("place (cities)", "sync"), ("plan", "import")} <= first
    engine = make_engine(url)
    with engine.connect() as conn:
        before = len(conn.execute(select(schema.audit_event.c.id)).all())
    assert runner.invoke(app, ["init"]).exit_code == 0
    with engine.connect() as conn:
        after = len(conn.execute(select(schema.audit_event.c.id)).all())
    engine.dispose()
    assert after == before  # nothing changed, nothing logged
