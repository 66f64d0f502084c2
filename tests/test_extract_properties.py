"""Properties of extraction over arbitrary text: it never raises, and spans point into the text.

Random text alone rarely wakes the components up, so the strategy also mixes in fragments
written in the conventions of official releases (dates, times, JST brackets, honorifics,
organisations, resolutions, amounts), shuffled and cut at random places.
"""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from wpstrack.extract import extract_text
from wpstrack.extract.model import GOLD_FIELDS

FRAGMENTS = [
    "March 18, 2024\n",
    "On March 18, commencing at 6:05p.m. (local time; March 19, 7:05a.m. JST) ",
    "for approximately 40 minutes, ",
    "for 1 hour and 30 minutes ",
    "from 2:30 p.m. to 4:30 p.m. ",
    "at 17:30 (CEST) ",
    "Ms. KAMIKAWA Yoko, Minister for Foreign Affairs of Japan, ",
    "H.E. Ms. Retno Marsudi, Minister for Foreign Affairs of the Republic of Indonesia ",
    "who is visiting New York, the U.S., ",
    "held a meeting with Mr. Omar Haddad-Levin, Deputy Executive Director of UNICEF. ",
    "the United Nations Development Programme (UNDP), UN Women and UNDPPA ",
    "the WPSPN and the XYZQ network ",
    "UNSCR 1325 and resolution 2467 (2019) ",
    "Japan will provide USD 5.5 million and 428 million yen. ",
    "Minister Kamikawa stated that Japan would continue to support women's participation. ",
    "令和6年7月30日午後4時30分から約45分間、上川外務大臣は国連女性機関と意見交換を行いました。",
    "(Reference) Women, Peace and Security\n",
    "\n\n",
    "(local time; ",
    "JST)",
    "a.m.",
    "Mr. ",
]

official_text = st.lists(
    st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=30)), max_size=25
).map("".join)
texts = st.one_of(st.text(max_size=400), official_text)


def check_record(text: str, record: dict[str, Any]) -> None:
    for name in GOLD_FIELDS:
        assert name in record, name
    assert isinstance(record["spans"], list)
    assert isinstance(record["warnings"], list)
    for span in record["spans"]:
        start, end = span["start"], span["end"]
        assert isinstance(start, int) and isinstance(end, int), span
        assert 0 <= start < end <= len(text), span
        assert text[start:end].strip(), span
        assert span["field"] and span["method"], span


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=texts)
def test_extraction_never_raises_and_every_span_lies_inside_the_text(text: str) -> None:
    check_record(text, extract_text(text))


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=official_text)
# a lead without 。 that ends in blank lines once gave the event type an empty span
@example(text="On March 18, at 6:05p.m. (local time; March 19, 7:05a.m. JST) \n\n")
# a headline line above the date line and no lead below it: the span was the empty lead's
@example(text="0March 18, 2024\nMarch 18, 2024\n")
def test_extraction_of_japanese_tagged_text_never_raises(text: str) -> None:
    check_record(text, extract_text(text, language="ja"))


def test_extraction_of_a_release_finds_spans_that_slice_to_their_text() -> None:
    text = "".join(FRAGMENTS[:10])
    record = extract_text(text)
    assert record["spans"], "a release in the house style yields at least one span"
    check_record(text, record)
