"""The published structure of the indicator open data: an SDMX-ML 2.1 structure message that
an SDMX library reads back, whose dataflow the SDMX-CSV names and whose code lists hold every
code the CSV uses."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from pysdmx.io import read_sdmx
from pysdmx.model import Codelist, Dataflow, DataStructureDefinition
from pysdmx.model.dataflow import Role
from sqlalchemy import Connection
from typer.testing import CliRunner

from wpstrack import example, exports, plans, sdmx
from wpstrack.cli import app
from wpstrack.db import make_engine, upgrade
from wpstrack.exports import Options, export
from wpstrack.reference.sync import sync_reference

if TYPE_CHECKING:
    from conftest import WebSite


@pytest.fixture()
def filled(conn: Connection) -> Connection:
    plans.load_examples(conn)
    example.load_example(conn, "demo")
    return conn


def _message(data: bytes) -> dict[str, Any]:
    """The structure message read by pysdmx: its artefacts by type."""
    message = read_sdmx(data.decode("utf-8"))
    found: dict[str, Any] = {"codelists": {}, "dsd": None, "dataflow": None}
    for artefact in message.structures:
        if isinstance(artefact, Codelist):
            found["codelists"][artefact.id] = artefact
        elif isinstance(artefact, DataStructureDefinition):
            found["dsd"] = artefact
        elif isinstance(artefact, Dataflow):
            found["dataflow"] = artefact
    return found


def _csv(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8"))))


def test_the_structure_parses_and_names_the_csvs_dataflow(filled: Connection) -> None:
    found = _message(export(filled, "indicator_values", "sdmx-structure"))
    flow, dsd = found["dataflow"], found["dsd"]
    assert (flow.agency, flow.id, flow.version) == ("WPSTRACK", "DF_WPS_NAP", "1.0")
    assert (dsd.agency, dsd.id, dsd.version) == ("WPSTRACK", "DSD_WPS_NAP", "1.0")
    assert "DSD_WPS_NAP" in str(flow.structure)
    rows = _csv(export(filled, "indicator_values", "sdmx-csv", Options(plan=example.PLAN)))
    assert rows
    assert {r["STRUCTURE_ID"] for r in rows} == {f"{flow.agency}:{flow.id}({flow.version})"}


def test_the_structure_lists_every_column_of_the_csv(filled: Connection) -> None:
    dsd = _message(export(filled, "indicator_values", "sdmx-structure"))["dsd"]
    data = export(filled, "indicator_values", "sdmx-csv")
    header = data.decode().splitlines()[0].split(",")
    by_role = {
        role: [c.id for c in dsd.components if c.role == role]
        for role in (Role.DIMENSION, Role.MEASURE, Role.ATTRIBUTE)
    }
    assert by_role[Role.DIMENSION] == ["REF_AREA", "NAP", "INDICATOR", "SEX", "TIME_PERIOD"]
    assert by_role[Role.MEASURE] == ["OBS_VALUE"]
    assert by_role[Role.ATTRIBUTE] == ["UNIT_MEASURE", "OBS_SOURCE", "COMMENT"]
    assert header[3:] == [c.id for c in dsd.components]  # after STRUCTURE, _ID, ACTION


def test_every_code_of_the_csv_is_in_its_code_list(filled: Connection) -> None:
    found = _message(export(filled, "indicator_values", "sdmx-structure"))
    dsd, lists = found["dsd"], found["codelists"]
    rows = _csv(export(filled, "indicator_values", "sdmx-csv"))
    assert {r["NAP"] for r in rows} == {example.PLAN}
    assert {r["SEX"] for r in rows} == {"_T", "F", "M"}
    coded = {c.id: c for c in dsd.components if c.enumeration is not None}
    assert set(coded) == {"REF_AREA", "NAP", "INDICATOR", "SEX", "UNIT_MEASURE"}
    for column, component in coded.items():
        codes = {code.id for code in lists[component.enumeration.id].items}
        used = {r[column] for r in rows}
        assert used and used <= codes, column
    area = {c.id: c.name for c in lists["CL_AREA"].items}
    assert "Fictional" in area["XE"] and area["JP"] == "Japan"


def test_codes_that_are_not_sdmx_identifiers_are_written_alike_in_csv_and_lists() -> None:
    assert sdmx.sdmx_id("1.2 a") == "1_2_a"
    assert sdmx.sdmx_id("JP-NAP3") == "JP-NAP3"


def test_the_structure_is_public_at_a_stable_url(web: WebSite) -> None:
    response = web.client().get("/api/v1/sdmx/structure")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/vnd.sdmx.structure+xml")
    found = _message(response.content)
    assert found["dataflow"].id == "DF_WPS_NAP"
    assert {c.id for c in found["codelists"]["CL_NAP"].items} >= {"JP-NAP1", "JP-NAP3"}


def test_the_cli_export_writes_the_structure(
    migrated_cli_env: dict[str, str], tmp_path: Path
) -> None:
    engine = make_engine(migrated_cli_env["WPSTRACK_DATABASE_URL"])
    with engine.begin() as conn:
        upgrade(conn)
        sync_reference(conn)
        example.load_example(conn, "demo")
    engine.dispose()
    target = tmp_path / "structure.xml"
    result = CliRunner().invoke(
        app, ["export", "indicator_values", "--format", "sdmx-structure", "-o", str(target)]
    )
    assert result.exit_code == 0, result.output
    found = _message(target.read_bytes())
    assert {c.id for c in found["codelists"]["CL_INDICATOR"].items} >= {"P1", "PR1", "PT2"}
    assert exports.filename("indicator_values", "sdmx-structure").endswith(".xml")
