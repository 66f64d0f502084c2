"""The field catalogue covers every field, and every kind of value renders on every page.

A money value once reached a template that read ``value.speaker`` and the review and activity
pages of every release mentioning an amount answered 500. These tests build a draft carrying
a value of every extracted field of the catalogue and render the pages that show it.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from sqlalchemy import Connection, select

from review_fixtures import add_release
from wpstrack import fields, register, schema, search_index
from wpstrack.activities import ActivityDetail, ActivitySummary, ActivityUpdate
from wpstrack.extract.model import GOLD_FIELDS

if TYPE_CHECKING:
    from conftest import WebSite

# One value of every extracted field, with the words of the release it was read from.
SAMPLES: dict[str, tuple[Any, str]] = {
    "title": ("Minister Quartz held talks on WPS", "Minister Quartz held talks on WPS"),
    "release_date": ("2024-03-19", "March 19, 2024"),
    "date": ("2024-03-18", "On March 18"),
    "start_time_local": ("18:05", "6:05 p.m."),
    "end_time_local": ("18:45", "6:05 p.m."),
    "dropped_number": (
        {"field": "duration_minutes", "value": "1e+20"},
        "approximately 40 minutes",
    ),
    "tz_stated": ("local", "(local time"),
    "start_time_jst": ("2024-03-19T07:05", "7:05 a.m. JST"),
    "timezone": ("America/New_York", "New York"),
    "start_utc": ("2024-03-18T22:05:00+00:00", "6:05 p.m. (local time"),
    "duration_minutes": (40, "approximately 40 minutes"),
    "city": ("New York", "New York"),
    "country": ("US", "New York"),
    "event_type": ("bilateral_meeting", "held talks"),
    "principal_actors": (
        {"name": "Zenobia QUARTZ", "title": "Minister for Foreign Affairs", "gender": "f"},
        "Ms. Zenobia QUARTZ",
    ),
    "other_participants": (
        {"name": "Orla Vantongeren", "organisation_or_country": "UN Women"},
        "Ms. Orla Vantongeren",
    ),
    "organisations": ("UN Women", "UN Women"),
    "organisation_codes": ("UNWOMEN", "UN Women"),
    "resolutions": (1325, "1325"),
    "topics": ("protection", "protection"),
    "pillars": ("protection", "protection"),
    "money": ({"amount": 5000000.0, "currency": "USD", "text": "USD 5 million"}, "USD 5 million"),
    "commitments": (
        {"speaker": "Minister Quartz", "text": "Japan will keep supporting women"},
        "Japan will keep supporting women",
    ),
    "women_count_named": (2, "Ms. Zenobia QUARTZ"),
    "acting_country": ("JP", "Japan pledged"),
    "organisation_roles": ({"name": "UN Women", "role": "recipient"}, "UN Women"),
    "funding_countries": ("JP", "Japan pledged"),
    "work_countries": ("AF", "Japan pledged"),
}
RELEASE = (
    "Press Release\nMarch 19, 2024\nMinister Quartz held talks on WPS\n"
    "On March 18, commencing at 6:05 p.m. (local time; March 19, 7:05 a.m. JST) for "
    "approximately 40 minutes, Ms. Zenobia QUARTZ, Minister for Foreign Affairs, visiting New "
    "York, held talks with Ms. Orla Vantongeren of UN Women on resolution 1325 and the "
    "protection of women. Japan pledged USD 5 million. Minister Quartz stated that Japan will "
    "keep supporting women.\n"
)
# Fields of an extraction record that no field of the catalogue holds, and why.
NOT_FIELDS = set(fields.RECORD_META)


def _every_value() -> list[tuple[str, Any, str, float | None]]:
    return [(name, value, words, 0.9) for name, (value, words) in SAMPLES.items()]


def test_every_extracted_field_of_the_catalogue_has_a_sample_here() -> None:
    # A field added to the catalogue must be rendered by the page test below.
    assert set(SAMPLES) == set(fields.BY_EXTRACTION)


def test_every_activity_column_is_in_the_catalogue() -> None:
    catalogued = {f.activity_column for f in fields.FIELDS}
    # The search index's words are derived from the catalogued texts, not a field.
    derived = {search_index.WORDS_COLUMN}
    assert {c.name for c in schema.activity.c} - derived <= catalogued


def test_every_field_of_the_extractor_model_is_in_the_catalogue() -> None:
    assert set(GOLD_FIELDS) <= set(fields.BY_EXTRACTION)


def test_every_field_the_extractor_writes_is_in_the_catalogue(corpus_dir: Path) -> None:
    from wpstrack.extract import extract_text

    seen: set[str] = set()
    for path in sorted(corpus_dir.glob("*.txt"))[:25]:
        record = extract_text(path.read_text(encoding="utf-8"))
        seen |= set(record) | {span["field"] for span in record["spans"]}
    assert seen - NOT_FIELDS <= set(fields.BY_EXTRACTION), seen - set(fields.BY_EXTRACTION)


def test_types_and_widths_are_read_from_the_schema() -> None:
    city = fields.BY_NAME["city"]
    assert (city.type, city.width) == ("str", schema.activity.c.city.type.length)
    assert fields.BY_NAME["date"].type == "date"
    assert fields.BY_NAME["duration_minutes"].type == "int"
    name = schema.activity_participant.c.name
    assert fields.BY_NAME["principal_actors"].width == name.type.length


def test_the_models_and_form_carry_the_catalogue_fields() -> None:
    from wpstrack.web.pages.activities import ActivityForm

    columns = {f.name for f in fields.activity_fields()} - {"place_id"}
    detail = set(ActivityDetail.model_fields)
    assert columns <= detail
    assert set(ActivitySummary.model_fields) <= detail
    editable = {f.name for f in fields.editable_fields()}
    assert set(ActivityUpdate.model_fields) == editable
    assert set(ActivityForm.model_fields) - {"version"} == editable


def test_a_draft_holds_over_long_values_cut_to_the_column_widths(conn: Connection) -> None:
    # PostgreSQL refuses a value longer than its column: the draft cuts each to its width.
    record: dict[str, Any] = {
        f.extracted_as: "x" * 500
        for f in fields.column_fields()
        if f.type == "str" and f.width and f.name != "type"
    }
    record["principal_actors"] = [{"name": "N" * 500, "title": "T" * 500}]
    document_id, first = add_release(conn, values=[])
    # A document is the source of one activity: the fixture's own draft makes way.
    conn.execute(schema.activity.delete().where(schema.activity.c.id == first))
    activity_id = register.create_draft(conn, document_id, record)
    act = schema.activity
    row = conn.execute(select(act).where(act.c.id == activity_id)).mappings().one()
    for f in fields.column_fields():
        if f.type == "str" and f.width and f.name != "type":
            assert row[f.name] == "x" * f.width


@pytest.fixture(scope="module")
def everything(web: WebSite) -> tuple[int, int]:
    with web.engine.begin() as conn:
        return add_release(conn, text=RELEASE, values=_every_value(), title="Every field")


def test_the_review_page_shows_every_kind_of_value(web: WebSite, everything: Any) -> None:
    document_id, _ = everything
    page = web.login("reviewer").get(f"/review/{document_id}")
    assert page.status_code == 200, page.text[:500]
    shown = set(re.findall(r'<li id="value-\d+" data-field="([a-z_]+)"', page.text))
    assert shown == set(SAMPLES)
    for name in SAMPLES:
        assert fields.label_of(name) in page.text
    assert "USD 5,000,000" in page.text and "Minister Quartz: Japan will keep" in page.text
    assert 'value="Zenobia QUARTZ"' in page.text  # the part of a person a correction edits
    document = web.login("reviewer").get(f"/documents/{document_id}")
    assert document.status_code == 200 and "USD 5,000,000" in document.text


def test_the_activity_page_shows_every_kind_of_value(web: WebSite, everything: Any) -> None:
    document_id, activity_id = everything
    editor = web.login("editor")
    page = editor.get(f"/activities/{activity_id}")
    assert page.status_code == 200, page.text[:500]
    assert "USD 5,000,000" in page.text and "Zenobia QUARTZ" in page.text
    for f in fields.editable_fields():
        assert f'name="{f.name}"' in page.text
    token = web.csrf(editor, f"/review/{document_id}")
    accepted = editor.post(
        f"/review/{document_id}/accept", data={"version": 1, "csrf_token": token}
    )
    assert accepted.status_code == 303
    published = editor.post(
        f"/activities/{activity_id}/publish", data={"version": 2, "csrf_token": token}
    )
    assert published.status_code == 303
    public = web.client().get(f"/activities/{activity_id}")
    assert public.status_code == 200, public.text[:500]
    assert "USD 5,000,000" in public.text and "resolution 1325" in public.text


def test_the_api_models_take_their_labels_from_the_catalogue() -> None:
    properties = ActivityDetail.model_json_schema()["properties"]
    for f in fields.activity_fields():
        if f.name in properties:
            assert properties[f.name]["title"] == f.label_en
            assert properties[f.name]["x-label-ja"] == f.label_ja
