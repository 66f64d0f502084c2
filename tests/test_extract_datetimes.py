"""Event date, local start time, its stated zone and the stated Japan time."""

from __future__ import annotations

import re
from functools import cache

import pytest
from hypothesis import given, settings, strategies
from spacy.language import Language

from wpstrack.extract.model import ExtractionState, state
from wpstrack.extract.patterns import paragraphs
from wpstrack.extract.pipeline import build_pipeline, prepare


@cache
def _nlp() -> Language:
    return build_pipeline(["release_header", "datetime"])


def _run(text: str) -> ExtractionState:
    doc = prepare(_nlp(), text)
    for _name, proc in _nlp().pipeline:
        doc = proc(doc)
    return state(doc)


def _fields(st: ExtractionState) -> tuple:
    return tuple(st.get(f) for f in ("date", "start_time_local", "tz_stated", "start_time_jst"))


def _assert_spans_slice(text: str, st: ExtractionState) -> None:
    for mention in st.scalars.values():
        assert 0 <= mention.start <= mention.end <= len(text)
        assert text[mention.start : mention.end].strip() == text[mention.start : mention.end]


MOFA = "Category\n\n{date}\nTitle of the release\n\n{body}\n"


def test_mofa_bracket_gives_local_time_and_next_day_jst_with_exact_spans():
    body = (
        "On March 18, commencing at 6:05p.m. (local time; March 19, 7:05a.m. JST) for "
        "approximately 40 minutes, Ms. KAMIKAWA Yoko held a dialogue."
    )
    text = MOFA.format(date="March 18, 2024", body=body)
    st = _run(text)
    assert _fields(st) == ("2024-03-18", "18:05", "local", "2024-03-19T07:05")
    spans = {name: text[m.start : m.end] for name, m in st.scalars.items()}
    assert spans == {
        "date": "March 18",
        "start_time_local": "6:05p.m.",
        "tz_stated": "local time",
        "start_time_jst": "7:05a.m.",
    }


@pytest.mark.parametrize(
    ("release", "body", "expected"),
    [
        # unqualified Tokyo time: no zone, no JST
        (
            "May 16, 2024",
            "On May 16, commencing at 3:45 p.m. for approximately 20 minutes, Ms. A met B.",
            ("2024-05-16", "15:45", None, None),
        ),
        # 24-hour clock, JST after midnight written "1:30 on June 20"
        (
            "June 19, 2024",
            "On June 19, commencing at 17:30 (local time; 1:30 on June 20, JST) for 90 minutes, "
            "A met B.",
            ("2024-06-19", "17:30", "local", "2024-06-20T01:30"),
        ),
        # the day changes backwards: Auckland is ahead of Japan
        (
            "November 21, 2024",
            "On November 21, commencing at 0:40 a.m. (local time; November 20, 8:40 p.m. JST), A "
            "called B.",
            ("2024-11-21", "00:40", "local", "2024-11-20T20:40"),
        ),
        # JST written without a date: same day when the offset allows it
        (
            "November 8, 2023",
            "On November 8, commencing at 10:00 a.m. (local time; 4:00 p.m. JST) for an hour, A "
            "met B.",
            ("2023-11-08", "10:00", "local", "2023-11-08T16:00"),
        ),
        # ... and the next day when Japan must already be there
        (
            "May 3, 2024",
            "On May 3, commencing at 10:00 p.m. (local time; 11:00 a.m. JST), A met B.",
            ("2024-05-03", "22:00", "local", "2024-05-04T11:00"),
        ),
        # "(local time)" without a Japan time
        (
            "October 3, 2023",
            "On October 3, commencing at 4:00 p.m. (local time) for approximately 1 hour, A met B.",
            ("2023-10-03", "16:00", "local", None),
        ),
        # a range with a.m./p.m. written only at its end
        (
            "February 9, 2024",
            "On February 9, from 2:30 to 4:30 p.m., the meeting was held.",
            ("2024-02-09", "14:30", None, None),
        ),
    ],
)
def test_mofa_conventions(release, body, expected):
    text = MOFA.format(date=release, body=body)
    st = _run(text)
    assert _fields(st) == expected
    _assert_spans_slice(text, st)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "News release\n\nMONTRÉAL, QC, October 11, 2023 /CNW/ - The Ambassador today opened "
            "the forum at 9:30 a.m. ET.",
            ("2023-10-11", "09:30", "ET", None),
        ),
        (
            "Government\nNews item | 16-04-2024 | 15:42\n\nThe minister opened the conference in "
            "The Hague today at 13.30.",
            ("2024-04-16", "13:30", None, None),
        ),
        (
            "Joint media release\n\n1 March 2024\n\nAustralia will host the Dialogue in "
            "Canberra, opening at 9.30am AEDT on Tuesday 5 March 2024.",
            ("2024-03-05", "09:30", "AEDT", None),
        ),
        (
            "Press release\n\nMaputo, 19 March 2025 - The EU and UNFPA today signed an "
            "agreement.\n\nThe agreement was signed at 10h00 at the EU Delegation.",
            ("2025-03-19", "10:00", None, None),
        ),
        (
            "Summary\n\nThe Network held its meeting virtually on 6 June 2024 at 14:00 CEST "
            "(8:00 EDT / 21:00 JST).",
            ("2024-06-06", "14:00", "CEST", "2024-06-06T21:00"),
        ),
        (
            "上川外務大臣による意見交換会\n\n令和6年7月30日\n\n1　7月30日午後4時30分から約45分間"
            "、上川外務大臣は意見交換会を開催しました。",
            ("2024-07-30", "16:30", None, None),
        ),
    ],
)
def test_other_official_styles(text, expected):
    st = _run(text)
    assert _fields(st) == expected
    _assert_spans_slice(text, st)


@pytest.mark.parametrize(
    ("text", "expected_date"),
    [
        (
            "News story\n\nPublished\n14 November 2023\n\nThe Minister today (Tuesday 14 "
            "November) hosted a roundtable.",
            "2023-11-14",
        ),
        (
            "Press release\n\nPublished\n6 February 2024\n\nThe Minister yesterday (Monday 5 "
            "February) visited a safe space.",
            "2024-02-05",
        ),
        (
            "Press release\n\nPublished\n6 February 2024\n\nThe Minister yesterday visited a "
            "safe space.",
            "2024-02-05",
        ),
        (
            "Press release | Date: 05.12.2023 | No: 1/23\n\nThe Minister met a delegation in "
            "Oslo on Tuesday.",
            "2023-12-05",
        ),
        (
            "News\n\nDate: Wednesday, 13 March 2024\n\nNew York - A side event held on 12 March "
            "drew donors.",
            "2024-03-12",
        ),
        ("Statement\n\nNew York, 24 October 2024\n\nMadam President, I thank you.", "2024-10-24"),
    ],
)
def test_event_date_differs_from_publication_date_where_the_text_says_so(text, expected_date):
    st = _run(text)
    assert st.get("date") == expected_date
    _assert_spans_slice(text, st)


def test_date_without_year_and_without_date_line_is_null():
    st = _run("Statement\n\nOn March 4, Ms. A received a courtesy call from Mr. B.")
    assert st.get("date") is None


def test_today_without_any_date_line_is_null():
    st = _run(
        "Statement by the Special Representative\n\nToday, on the International Day, we honour."
    )
    assert st.get("date") is None


def test_publication_time_after_a_pipe_is_not_the_event_time():
    st = _run("Government\nNews item | 16-04-2024 | 15:42\n\nThe conference opened today.")
    assert st.get("start_time_local") is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            MOFA.format(
                date="March 18, 2024",
                body="On March 18, commencing at 6:05 p.m. (local time; 7:05 a.m. on March 19, "
                "Japan time), A met B.",
            ),
            ("2024-03-18", "18:05", "local", "2024-03-19T07:05"),
        ),
        (
            MOFA.format(date="March 18, 2024", body="On March 18, at 10 a.m. local time, A met B."),
            ("2024-03-18", "10:00", "local", None),
        ),
        (
            MOFA.format(date="March 18, 2024", body="From March 17 to 19, Mr. A visited Paris."),
            ("2024-03-17", None, None, None),
        ),
        (
            "Press release\n\nGENEVA (5 June 2024) – The Office today said that it had met.",
            ("2024-06-05", None, None, None),
        ),
        (
            "Press release\nDate of publication: 5 June 2024\n\nThe Office today said so.",
            ("2024-06-05", None, None, None),
        ),
    ],
)
def test_more_official_date_and_time_styles(text, expected):
    assert _fields(_run(text)) == expected


def test_japan_time_in_a_second_bracket_after_local_time():
    text = MOFA.format(
        date="March 18, 2024",
        body="On March 18, commencing at 6:05 p.m. (local time) (7:05 a.m. on March 19, JST), "
        "A met B.",
    )
    assert _fields(_run(text)) == ("2024-03-18", "18:05", "local", "2024-03-19T07:05")


def test_japanese_local_time_written_before_the_time_with_japan_time_after():
    text = (
        "題名\n\n令和6年3月18日\n\n1　現地時間3月18日午後6時5分（日本時間19日午前7時5分）から約"
        "40分間、"
        "大臣は会談を行いました。"
    )
    st = _run(text)
    assert _fields(st) == ("2024-03-18", "18:05", "local", "2024-03-19T07:05")
    mention = st.scalars["tz_stated"]
    assert text[mention.start : mention.end] == "現地時間"


def test_a_media_advisory_date_label_gives_the_event_date():
    text = (
        "Media advisory\n\nDecember 2, 2025 - Ottawa, Ontario - Global Affairs Canada\n\n"
        "The Minister will announce new funding.\n\nDate: Wednesday, December 3, 2025\n\n"
        "Time: 10:30 a.m. EST\n"
    )
    st = _run(text)
    assert _fields(st) == ("2025-12-03", "10:30", "EST", None)
    mention = st.scalars["date"]
    assert text[mention.start : mention.end] == "Wednesday, December 3, 2025"


def test_a_closing_line_supplies_the_year():
    text = (
        "COMMUNIQUÉ\n\nThe Council, at its meeting held on 6 August, adopted this text.\n\n"
        "1. Decides to remain seized of the matter.\n\nAdopted in Addis Ababa, Ethiopia, 6 "
        "August 2025"
    )
    assert _run(text).get("date") == "2025-08-06"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "報道発表\n\n書簡の交換\n\n令和6年5月10日\n\n1　現地時間5月9日（木曜日）、Ａ国の首都に"
            "おいて、大使と先方外務大臣との間で書簡の交換が行われました。\n",
            ("2024-05-09", None, None, None),
        ),
        (
            "Press release\n\n12 June 2025\n\nThe Special Envoy visited Port Vila, Vanuatu, from "
            "8 to 11 June. It was his second visit.\n",
            ("2025-06-08", None, None, None),
        ),
        (
            "Press release\n\n12 June 2025\n\nThe Special Envoy held consultations in Apia on "
            "9-11 June with women leaders.\n",
            ("2025-06-09", None, None, None),
        ),
        (
            "Category\n\nMay 3, 2024\nTitle\n\nOn May 2, from 9:10 to 10:00 (local time; from "
            "16:10 to 17:00 JST), the Ambassador held a meeting with the Director.\n",
            ("2024-05-02", "09:10", "local", "2024-05-02T16:10"),
        ),
    ],
)
def test_local_dates_first_days_of_spans_and_japan_time_ranges(text, expected):
    assert _fields(_run(text)) == expected


@settings(max_examples=200, deadline=None)
@given(
    text=strategies.text(alphabet="ab \n\t\u3000", max_size=40), start=strategies.integers(0, 45)
)
def test_paragraphs_are_the_non_blank_lines_from_start(text: str, start: int) -> None:
    """Searched in place (and kept for the whole text), as the slice they were read from."""
    tail = text[start:]
    expected = [
        (start + m.start(), start + m.end())
        for m in re.finditer(r"[^\n]+", tail)
        if m.group().strip()
    ]
    assert paragraphs(text, start) == expected
    if start == 0:
        paragraphs(text).clear()  # a caller's list is its own, not the kept one
        assert paragraphs(text) == expected
