"""Duration in minutes: a stated length, or the span of a stated range; never days."""

from __future__ import annotations

from functools import cache

import pytest
from spacy.language import Language

from wpstrack.extract.model import ExtractionState, state
from wpstrack.extract.pipeline import build_pipeline, prepare


@cache
def _nlp() -> Language:
    return build_pipeline(["release_header", "datetime", "duration"])


def _run(text: str) -> ExtractionState:
    doc = prepare(_nlp(), text)
    for _name, proc in _nlp().pipeline:
        doc = proc(doc)
    return state(doc)


HEAD = "Category\n\nMarch 18, 2024\nTitle\n\n"


@pytest.mark.parametrize(
    ("sentence", "minutes", "surface"),
    [
        (
            "On March 18, commencing at 6:05 p.m. for approximately 40 minutes, A met B.",
            40,
            "40 minutes",
        ),
        ("On March 18, commencing at 10:00 a.m. for an hour, A met B.", 60, "an hour"),
        ("On March 18, commencing at 10:00 a.m. for approximately 1 hour, A met B.", 60, "1 hour"),
        (
            "On March 18, at 5 p.m. for approximately 1 hour and 30 minutes, A met B.",
            90,
            "1 hour and 30 minutes",
        ),
        (
            "On March 18, at 5 p.m. for approximately 1 hour and 15 minutes, A met B.",
            75,
            "1 hour and 15 minutes",
        ),
        ("On March 18, at 5 p.m. for about an hour and a half, A met B.", 90, "an hour and a half"),
        ("On March 18, at 5 p.m., for half an hour, A met B.", 30, "half an hour"),
        ("On March 18, from 2:30pm to 4:30pm, the meeting was held.", 120, "2:30pm to 4:30pm"),
        (
            "On March 18, from 9:30 a.m. to 12:30 p.m. (local time), A and B met.",
            180,
            "9:30 a.m. to 12:30 p.m.",
        ),
        (
            "The meeting began at 10:05 a.m. and ended at 1:17 p.m.",
            192,
            "10:05 a.m. and ended at 1:17 p.m.",
        ),
    ],
)
def test_stated_lengths_and_ranges(sentence, minutes, surface):
    text = HEAD + sentence
    st = _run(text)
    mention = st.scalars["duration_minutes"]
    assert mention.value == minutes
    assert text[mention.start : mention.end] == surface


def test_a_conference_running_until_a_later_time_in_another_sentence_part():
    text = HEAD + "The conference began at 10:00 CET in the Weltsaal and runs until 17:30."
    assert _run(text).get("duration_minutes") == 450


def test_a_length_stated_after_the_time_sentence_counts():
    text = (
        HEAD
        + "The meeting was held on 6 June 2024 at 14:00 CEST. The two-hour meeting was co-chaired."
    )
    assert _run(text).get("duration_minutes") == 120


def test_a_meeting_that_lasted_about_an_hour():
    text = HEAD + "The meeting took place at the Ministry at 14:00 and lasted about an hour."
    assert _run(text).get("duration_minutes") == 60


@pytest.mark.parametrize(
    "sentence",
    [
        "Canada today opened the forum at 9:30 a.m. ET. The two-day forum brings together "
        "mediators.",
        "On March 18, from 1:00 p.m., the symposium was held. The programme runs for three years.",
        "On March 18, a ceremony was held.",
    ],
)
def test_no_duration_where_none_is_stated_in_minutes(sentence):
    assert _run(HEAD + sentence).get("duration_minutes") is None


def test_japanese_length():
    text = (
        "題名\n\n令和6年7月30日\n\n1　7月30日午後4時30分から約45分間、大臣は意見交換会を開催し"
        "ました。"
    )
    st = _run(text)
    mention = st.scalars["duration_minutes"]
    assert mention.value == 45
    assert text[mention.start : mention.end] == "約45分間"


@pytest.mark.parametrize(
    ("body", "minutes"),
    [
        ("1　7月30日午後4時30分から約1時間、大臣は会談を行いました。", 60),
        ("1　7月30日午後4時30分から約1時間30分間、大臣は会談を行いました。", 90),
        ("1　7月30日午後4時から午後5時まで、大臣は会談を行いました。", 60),
    ],
)
def test_japanese_lengths_and_ranges(body, minutes):
    text = "題名\n\n令和6年7月30日\n\n" + body
    assert _run(text).get("duration_minutes") == minutes


def test_a_range_written_without_spaces():
    text = HEAD + "On March 18, the meeting was held from 10:00-11:30 at the Ministry."
    st = _run(text)
    assert (st.get("start_time_local"), st.get("duration_minutes")) == ("10:00", 90)


def test_capital_am_pm():
    text = HEAD + "On March 18, from 10:00 A.M. to 11:15 A.M., the meeting was held."
    st = _run(text)
    assert (st.get("start_time_local"), st.get("duration_minutes")) == ("10:00", 75)
