"""The UTC instant of the start, and the check against a stated JST time."""

from __future__ import annotations

from functools import cache

from spacy.language import Language

from wpstrack.extract.instant import _zone_named
from wpstrack.extract.model import ExtractionState, state
from wpstrack.extract.pipeline import build_pipeline, prepare


@cache
def _nlp() -> Language:
    return build_pipeline(["release_header", "datetime", "duration", "place", "instant"])


def _run(text: str) -> ExtractionState:
    doc = prepare(_nlp(), text)
    for _name, proc in _nlp().pipeline:
        doc = proc(doc)
    return state(doc)


HEAD = "Category\n\n{}\nTitle of the release\n\n"


def test_utc_from_the_local_time_and_the_place_zone_agrees_with_stated_jst():
    text = HEAD.format("March 18, 2024") + (
        "On March 18, commencing at 6:05p.m. (local time; March 19, 7:05a.m. JST), Ms. A, "
        "who is visiting New York, the U.S., held a dialogue."
    )
    st = _run(text)
    assert st.get("start_utc") == "2024-03-18T22:05:00+00:00"
    assert st.warnings == []
    mention = st.extra["start_utc"]
    assert text[mention.start : mention.end] == "6:05p.m."


def test_summer_time_of_the_place_is_used():
    text = HEAD.format("April 24, 2024") + (
        "On April 24, commencing at 9:20 a.m. (local time; 3:20 p.m. JST), Mr. A, who is "
        "visiting Kyiv, Ukraine, held a meeting."
    )
    st = _run(text)
    assert st.get("start_utc") == "2024-04-24T06:20:00+00:00"
    assert st.warnings == []


def test_a_contradicting_jst_is_kept_and_flagged_never_fixed():
    text = HEAD.format("September 24, 2024") + (
        "On September 24, commencing at 10:30 a.m. (local time; September 25, 11:30 a.m. JST), "
        "Mr. A, who is visiting New York, the United States, held a meeting."
    )
    st = _run(text)
    assert st.get("start_time_local") == "10:30"
    assert st.get("start_time_jst") == "2024-09-25T11:30"
    assert st.get("start_utc") == "2024-09-24T14:30:00+00:00"
    assert len(st.warnings) == 1
    assert "2024-09-25T11:30" in st.warnings[0]


def test_a_stated_fixed_offset_abbreviation_wins_over_the_place():
    text = (
        "Summary\n\nThe Network met virtually on 6 June 2024 at 14:00 CEST (8:00 EDT / 21:00 JST)."
    )
    st = _run(text)
    assert st.get("start_utc") == "2024-06-06T12:00:00+00:00"
    assert st.warnings == []


def test_a_time_without_any_zone_gives_no_instant_and_says_so():
    text = HEAD.format("April 16, 2024") + (
        "On April 16, from 9:15 p.m. for approximately 20 minutes, Ms. A held a telephone talk."
    )
    st = _run(text)
    assert st.get("start_utc") is None
    assert st.warnings and "zone" in st.warnings[0]


def test_zones_are_kept_by_name_and_an_unknown_name_is_no_zone():
    assert _zone_named("Europe/Oslo") is _zone_named("Europe/Oslo")
    assert str(_zone_named("Europe/Oslo")) == "Europe/Oslo"
    assert _zone_named("Atlantis/Poseidonia") is None
