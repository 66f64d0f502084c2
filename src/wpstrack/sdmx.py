"""The structure of the indicator open data: an SDMX-ML 2.1 structure message.

The SDMX-CSV export (:mod:`wpstrack.exports`) names its structure in every row
(``STRUCTURE_ID`` ``WPSTRACK:DF_WPS_NAP(1.0)``). This module publishes that structure, so
that SDMX tools can read and check the data without guessing: the dataflow ``DF_WPS_NAP``,
its data structure definition ``DSD_WPS_NAP`` (the dimensions ``REF_AREA``, ``NAP``,
``INDICATOR``, ``SEX`` and ``TIME_PERIOD``, the measure ``OBS_VALUE``, the attributes
``UNIT_MEASURE``, ``OBS_SOURCE`` and ``COMMENT``), the concept scheme that defines each of
them, and the code lists of the coded ones.

The code lists are read from the database (the plans' countries, the plans, their
indicators and units), so every code the CSV can hold is in its list. Indicator codes are
unique within a plan, not across plans: a code two plans use is one code whose name lists
each plan's indicator. Codes are SDMX identifiers (letters, digits, ``_``, ``@``, ``$``,
``-``); :func:`sdmx_id` is how both the CSV and the code lists write any other text, so the
two always agree.

The message is written, and read back in the tests, by pysdmx (the Bank for International
Settlements' SDMX library), offline: nothing is fetched from a registry.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, select

from wpstrack import schema

AGENCY = "WPSTRACK"
VERSION = "1.0"
DATAFLOW_ID = "DF_WPS_NAP"
DSD_ID = "DSD_WPS_NAP"
CONCEPTS_ID = "CS_WPS_NAP"
DATAFLOW = f"{AGENCY}:{DATAFLOW_ID}({VERSION})"
MEDIA_TYPE = "application/vnd.sdmx.structure+xml; version=2.1"
SEX_CODES = (("_T", "Total"), ("F", "Female"), ("M", "Male"))  # as SDMX's CL_SEX

# (id, name, role, code list id or None for text, required)
COMPONENTS = (
    ("REF_AREA", "Reference area (the plan's country, ISO 3166)", "dimension", "CL_AREA", True),
    ("NAP", "National action plan", "dimension", "CL_NAP", True),
    ("INDICATOR", "Indicator of the plan", "dimension", "CL_INDICATOR", True),
    ("SEX", "Sex", "dimension", "CL_SEX", True),
    ("TIME_PERIOD", "Time period", "time", None, True),
    ("OBS_VALUE", "Observation value", "measure", None, True),
    ("UNIT_MEASURE", "Unit of measure", "attribute", "CL_UNIT", True),
    ("OBS_SOURCE", "Source of the value (computed, or who supplied it)", "attribute", None, False),
    ("COMMENT", "Comment", "attribute", None, False),
)
DIMENSIONS = tuple(c[0] for c in COMPONENTS if c[2] in ("dimension", "time"))

_NOT_ID = re.compile(r"[^A-Za-z0-9_@$\-]")


def sdmx_id(text: str) -> str:
    """``text`` as an SDMX identifier: every other character becomes ``_``."""
    return _NOT_ID.sub("_", text.strip()) or "_"


def _area_name(code: str, fictional: bool) -> str:
    import pycountry

    if fictional:
        return f"Fictional government ({code}, a code ISO 3166 reserves for users)"
    found = pycountry.countries.get(alpha_2=code)
    return str(found.name) if found else code


def codelists(conn: Connection) -> dict[str, list[tuple[str, str]]]:
    """Each code list's (code, name) pairs, sorted by code, from the stored plans."""
    plan, ind = schema.plan, schema.indicator
    plans = conn.execute(
        select(plan.c.code, plan.c.country, plan.c.title, plan.c.fictional).order_by(plan.c.code)
    ).all()
    areas: dict[str, str] = {}
    for p in plans:
        areas.setdefault(sdmx_id(p.country), _area_name(p.country, bool(p.fictional)))
    naps = {
        sdmx_id(p.code): p.title
        + (" (fictional)" if p.fictional and "fictional" not in p.title.lower() else "")
        for p in plans
    }
    indicators: dict[str, list[str]] = {}
    units: dict[str, str] = {}
    for code, name, unit, plan_code in conn.execute(
        select(ind.c.code, ind.c.name, ind.c.unit, plan.c.code)
        .join(plan, plan.c.id == ind.c.plan_id)
        .order_by(plan.c.code, ind.c.code)
    ):
        indicators.setdefault(sdmx_id(code), []).append(f"{plan_code}: {name}")
        units.setdefault(sdmx_id(unit), unit)
    return {
        "CL_AREA": sorted(areas.items()),
        "CL_NAP": sorted(naps.items()),
        "CL_INDICATOR": sorted((code, "; ".join(names)) for code, names in indicators.items()),
        "CL_SEX": list(SEX_CODES),
        "CL_UNIT": sorted(units.items()),
    }


CODELIST_NAMES = {
    "CL_AREA": "Reference areas of the plans",
    "CL_NAP": "National action plans on Women, Peace and Security",
    "CL_INDICATOR": "Indicators of the plans",
    "CL_SEX": "Sex",
    "CL_UNIT": "Units of measure of the indicators",
}


def structures(conn: Connection) -> list[Any]:
    """The pysdmx artefacts: code lists, the concept scheme, the DSD and the dataflow."""
    from pysdmx.model import (
        Code,
        Codelist,
        Component,
        Concept,
        ConceptScheme,
        Dataflow,
        DataStructureDefinition,
        DataType,
        ItemReference,
    )
    from pysdmx.model.dataflow import Components, Role

    lists = {
        cid: Codelist(
            id=cid,
            name=CODELIST_NAMES[cid],
            agency=AGENCY,
            version=VERSION,
            items=[Code(id=code, name=name) for code, name in codes],
        )
        for cid, codes in codelists(conn).items()
    }
    scheme = ConceptScheme(
        id=CONCEPTS_ID,
        name="Concepts of the Women, Peace and Security indicator data",
        agency=AGENCY,
        version=VERSION,
        items=[Concept(id=cid, name=name) for cid, name, *_ in COMPONENTS],
    )
    roles = {
        "dimension": Role.DIMENSION,
        "time": Role.DIMENSION,
        "measure": Role.MEASURE,
        "attribute": Role.ATTRIBUTE,
    }
    dtypes = {"time": DataType.PERIOD, "measure": DataType.DOUBLE}
    components = [
        Component(
            id=cid,
            required=required,
            role=roles[role],
            concept=ItemReference(
                sdmx_type="Concept", agency=AGENCY, id=CONCEPTS_ID, version=VERSION, item_id=cid
            ),
            local_codes=lists[codelist] if codelist else None,
            local_dtype=None if codelist else dtypes.get(role, DataType.STRING),
            attachment_level="O" if role == "attribute" else None,
        )
        for cid, _name, role, codelist, required in COMPONENTS
    ]
    dsd = DataStructureDefinition(
        id=DSD_ID,
        name="Women, Peace and Security national action plan indicators",
        agency=AGENCY,
        version=VERSION,
        components=Components(components),
    )
    flow = Dataflow(
        id=DATAFLOW_ID,
        name="Indicator values of national action plans on Women, Peace and Security",
        description="Approved and computed values only, as the annual report counts them.",
        agency=AGENCY,
        version=VERSION,
        structure=dsd,
    )
    return [*lists.values(), scheme, dsd, flow]


def structure_message(conn: Connection, prepared: datetime | None = None) -> bytes:
    """The SDMX-ML 2.1 structure message of the indicator dataflow, as UTF-8 XML."""
    from pysdmx.io.xml.sdmx21.writer.structure import write
    from pysdmx.model import Organisation
    from pysdmx.model.message import Header

    header = Header(
        id=f"{DSD_ID}_STRUCTURE",
        prepared=prepared or datetime.now(UTC).replace(microsecond=0),
        sender=Organisation(id=AGENCY),
    )
    text = write(structures(conn), header=header)
    assert text is not None  # no output path given: the message comes back as text
    return text.encode("utf-8")
