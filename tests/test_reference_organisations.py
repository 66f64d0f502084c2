"""The organisation reference file: well formed, complete where plans rely on it, resolvable."""

from __future__ import annotations

import re
from importlib import resources

import pycountry
import pytest
from sqlalchemy import Connection, select

from wpstrack import schema
from wpstrack.reference import (
    is_japanese,
    normalise_name,
    organisation_aliases,
    organisations,
    resolve_organisation,
)

TYPES = {
    "un_principal_organ", "un_subsidiary_body", "un_secretariat", "un_fund_programme",
    "un_specialized_agency", "un_related", "un_peace_operation", "un_fund", "network",
    "ministry", "government_agency", "regional", "intergovernmental", "financial_institution",
    "ngo", "academic", "other",
}  # fmt: skip
KEYS = {"code", "name", "acronym", "name_ja", "aliases", "type", "parent", "country"}
# Codes that plans and other modules refer to by name.
REQUIRED_CODES = {
    "un", "unsc", "unga", "ecosoc", "un-secretariat", "unhrc", "csw", "pbc", "unicef",
    "unwomen", "dppa", "dpo", "dos", "pbso", "pbf", "undp", "unfpa", "unhcr", "ocha", "iom",
    "wfp", "ohchr", "unodc", "unoct", "unocc", "osrsg-svc", "wphf", "unops", "unu", "unesco",
    "who", "ilo", "unrwa", "un-habitat", "unep", "unido", "fao", "unitar", "unmiss", "monusco",
    "unifil", "au", "au-psc", "asean", "eu", "osce", "nato", "g7", "g20", "world-bank", "adb",
    "afdb", "jp-mofa", "jica", "jp-cao", "jp-mod", "jp-npa", "jp-moj", "jp-mhlw", "uk-fcdo",
    "gac", "au-dfat", "de-ffo", "no-mfa", "nl-mfa", "ie-dfa", "usaid", "us-state", "koica",
    "sida", "wps-fpn", "ngowg-wps",
}  # fmt: skip


def test_the_file_holds_at_least_80_organisations_with_the_required_keys() -> None:
    entries = organisations()
    assert len(entries) >= 80
    for entry in entries:
        assert set(entry) <= KEYS, entry["code"]
        assert entry["name"] and entry["type"] in TYPES, entry["code"]


def test_codes_are_unique_lowercase_slugs_and_include_those_plans_use() -> None:
    codes = [entry["code"] for entry in organisations()]
    assert len(codes) == len(set(codes))
    assert all(re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", code) for code in codes)
    assert set(codes) >= REQUIRED_CODES


def test_every_parent_exists_and_no_parent_chain_loops() -> None:
    parents = {entry["code"]: entry.get("parent") for entry in organisations()}
    for code in parents:
        seen = {code}
        parent = parents[code]
        while parent:
            assert parent in parents, f"{code} names unknown parent {parent}"
            assert parent not in seen, f"parent loop through {code}"
            seen.add(parent)
            parent = parents[parent]


def test_no_written_form_belongs_to_two_organisations() -> None:
    owner: dict[str, str] = {}
    for entry in organisations():
        for form in organisation_aliases(entry):
            key = normalise_name(form)
            assert owner.setdefault(key, entry["code"]) == entry["code"], form


def test_countries_are_iso_codes_and_japanese_names_are_japanese() -> None:
    for entry in organisations():
        if entry.get("country"):
            assert pycountry.countries.get(alpha_2=entry["country"]), entry["code"]
        if entry.get("name_ja"):
            assert is_japanese(entry["name_ja"]), entry["code"]


def test_the_header_comment_documents_every_type_in_use() -> None:
    reference = resources.files("wpstrack.reference")
    text = reference.joinpath("organisations.yaml").read_text(encoding="utf-8")
    comment = " ".join(line for line in text.splitlines() if line.startswith("#"))
    assert all(kind in comment for kind in TYPES)


@pytest.mark.parametrize(
    ("written", "code"),
    [
        ("UNDPPA", "dppa"),
        ("UN Department of Political and Peacebuilding Affairs", "dppa"),
        ("UNOCC", "unocc"),
        ("United Nations Operations and Crisis Centre", "unocc"),
        ("the Peacebuilding Fund", "pbf"),
        ("United Nations Children’s Fund", "unicef"),
        ("UN-Women", "unwomen"),
        ("Women, Peace and Security Focal Points Network", "wps-fpn"),
        ("外務省", "jp-mofa"),
        ("国際協力機構", "jica"),
        ("内閣府男女共同参画局", "jp-cao-geb"),
        ("Agencia Presidencial de Cooperacion Internacional de Colombia", "co-apc"),
        ("OSRSG-SVC", "osrsg-svc"),
        ("RAMSI", "ramsi"),
        ("AU Executive Council", "au-executive-council"),
        ("Commission of the Economic Community of West African States", "ecowas-commission"),
        ("UN Office to the African Union", "unoau"),
        ("Office of the UN Special Envoy for Syria", "oses"),
    ],
)
def test_written_forms_resolve_to_their_organisation(written: str, code: str) -> None:
    assert resolve_organisation(written) == code


def test_an_unknown_name_does_not_resolve() -> None:
    assert resolve_organisation("Thameside Institute for Gender and Security") is None


def test_loaded_organisations_keep_parents_and_aliases(conn: Connection) -> None:
    org, alias = schema.organisation, schema.organisation_alias
    rows = dict(conn.execute(select(org.c.code, org.c.id)).all())
    assert len(rows) >= 80
    jica_parent = conn.execute(select(org.c.parent_id).where(org.c.code == "jica")).scalar_one()
    assert jica_parent == rows["jp-mofa"]
    owner = conn.execute(
        select(alias.c.organisation_id, alias.c.lang).where(alias.c.alias == "UNDPPA")
    ).one()
    assert owner == (rows["dppa"], "en")
    lang = conn.execute(select(alias.c.lang).where(alias.c.alias == "外務省")).scalar_one()
    assert lang == "ja"
