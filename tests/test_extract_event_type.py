"""Event type: genre first, then the words that fix the form, then the lead verb."""

from __future__ import annotations

from functools import cache

import pytest
from spacy.language import Language

from wpstrack.extract.event_type import _FOLDED_INTO_ASCII, _STRONG_RES
from wpstrack.extract.model import ExtractionState, state
from wpstrack.extract.pipeline import build_pipeline, prepare

HEAD = "Women, Peace and Security\n\nMay 16, 2024\n"


@cache
def _nlp() -> Language:
    return build_pipeline(["people", "event_type"])


def _run(text: str) -> ExtractionState:
    doc = prepare(_nlp(), text)
    for _name, proc in _nlp().pipeline:
        doc = proc(doc)
    return state(doc)


LEAD = "On May 16, commencing at 3:45 p.m. for approximately 20 minutes, Ms. ODAGIRI Mayumi, "
LEAD += "Parliamentary Vice-Minister for Foreign Affairs, "


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Statement by Ms. Nadia Benali, Special Representative, on the International Day\n\n"
            "Today we honour the survivors. I call on all parties to act.",
            "statement",
        ),
        (
            "STATEMENT BY H.E. AMBASSADOR AMINA ODHIAMBO AT THE OPEN DEBATE\n\n"
            "Check against delivery\n\nMadam President,\n\nI thank the briefers.",
            "speech",
        ),
        (
            "Speech by the Minister of State, Siobhán Carragher TD, at the launch of the Plan\n\n"
            "It is a great pleasure to welcome you to the launch of the Plan today.",
            "speech",
        ),
        (
            "Press Release\n\nSigning Ceremony for the Exchange of Notes and the Grant "
            "Agreement\n\n"
            "On 14 March 2024, a ceremony was held at the Embassy for the signing of the "
            "documents.",
            "exchange_of_notes",
        ),
        (
            "Media release\n\nNorway and Chile sign Women's Leadership Partnership\n\n"
            "3 May 2025\n\nThe two ministers today signed the Norway-Chile Women's Leadership "
            "Partnership Arrangement in Santiago.",
            "signing",
        ),
        (
            "Envoy undertakes solidarity mission to Chad\n\nN'Djamena, 4 June 2025\n\n"
            "The Special Envoy, Ms. Clara Obi, is undertaking a solidarity mission to the "
            "Republic of Chad from 3 to 6 June 2025.",
            "visit",
        ),
        (
            "Press release\n\nEU and UNFPA sign EUR 10 million agreement to protect women\n\n"
            "Maputo, 19 March 2025 - The European Union and UNFPA today signed an agreement.",
            "signing",
        ),
        (
            HEAD + "State Minister Hirayama holds a telephone talk with the Deputy Executive "
            "Director of UNFPA\n\n" + LEAD + "held a telephone talk with Ms. Amaka Obi.",
            "telephone_talk",
        ),
        (
            "WPS Focal Points Network\n\nVirtual capital-level meeting\n\nThe Network held its "
            "meeting virtually on 6 June 2024 at 14:00 CEST, co-chaired by Spain and Namibia.",
            "video_conference",
        ),
        (
            HEAD + "Parliamentary Vice-Minister Odagiri receives a courtesy call from Ms. "
            "Lindiwe Maseko-Brandt\n\n" + LEAD + "received a courtesy call from Ms. Lindiwe "
            "Maseko-Brandt, Deputy Executive Director of UN Women.",
            "courtesy_call",
        ),
        (
            HEAD + "The Third Japan-Canada Policy Dialogue on Women, Peace and Security\n\n"
            "On May 28, the Third Japan-Canada Policy Dialogue on Women, Peace and Security "
            "was held in Ottawa, Canada.",
            "dialogue",
        ),
        (
            "Federal Foreign Office\n\nMinister of State Lindemann opens conference on women, "
            "peace and security\n\nMinister of State Katharina Lindemann today opened the "
            "international conference in Berlin.",
            "conference",
        ),
        (
            HEAD + "Parliamentary Vice-Minister Moriwaki visits the Centre for United Nations "
            "Peacekeeping\n\n" + LEAD + "visited the Centre and exchanged views with its "
            "instructors.",
            "visit",
        ),
        (
            "Press Release\n\nIOM and Nepal launch Japan-funded project to protect women\n\n"
            "KATHMANDU, 4 September 2024 - IOM and the Government of Nepal today launched a "
            "two-year project.",
            "other",
        ),
        (
            "News release\n\nMinister Tremblay announces $45 million to support women's "
            "organizations\n\nOTTAWA, March 8, 2024 - Today the Minister announced $45 million "
            "in new funding.",
            "other",
        ),
        (
            HEAD
            + "Deputy Minister Okudaira meets with the heads of UN agencies in Jordan\n\n"
            + LEAD
            + "held a meeting with Mr. Tomasz Wielgosz, Representative of UNHCR in Jordan.",
            "meeting",
        ),
        (
            HEAD + "Parliamentary Vice-Minister Fujieda meets with the Hon. Clare Whitfield MP, "
            "Assistant Minister for Foreign Affairs of Australia\n\nOn February 20, Mr. FUJIEDA "
            "Kohei, Parliamentary Vice-Minister for Foreign Affairs, held a meeting with the Hon. "
            "Clare Whitfield MP, Assistant Minister for Foreign Affairs of Australia.",
            "bilateral_meeting",
        ),
    ],
)
def test_event_type_follows_the_priority_rules(text: str, expected: str) -> None:
    st = _run(text)
    assert st.get("event_type") == expected
    mention = st.scalars["event_type"]
    assert 0 <= mention.start <= mention.end <= len(text)


def test_meeting_with_a_government_named_only_as_a_group_is_not_bilateral() -> None:
    text = (
        "Media release\n\nThe Hon Daniel Archer MP\nMinister for International Development\n\n"
        "Today in Suva I met women leaders from across the Pacific.\n\n"
        "I was pleased to be joined by Fiji's Minister for Women, the Hon Losana Vakacegu."
    )
    assert _run(text).get("event_type") == "meeting"


def test_lead_sentence_is_the_span_of_the_event_type() -> None:
    text = HEAD + "A headline\n\n" + LEAD + "held a dialogue with staff members of the UN."
    mention = _run(text).scalars["event_type"]
    assert text[mention.start : mention.end].startswith("On May 16")
    assert mention.value == "dialogue"


@pytest.mark.parametrize("text", ["", "   \n", "\u00e6\u00f0\u00fe\u00a7 \u00bf\u00c6\u00d8 x1"])
def test_unreadable_text_gets_no_event_type(text: str) -> None:
    assert _run(text).get("event_type") is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Parliamentary Vice-Minister X delivers a speech at the WPS Conference\n\nOn May 1, "
            "Mr. X, Parliamentary Vice-Minister for Foreign Affairs, delivered a keynote speech "
            "at the opening of the WPS Conference in Tokyo.",
            "speech",
        ),
        (
            "Foreign Minister Kamikawa participates in the G7 Foreign Ministers' Meeting\n\nOn "
            "April 18, Ms. KAMIKAWA Yoko, Minister for Foreign Affairs, participated in the G7 "
            "Foreign Ministers' Meeting held in Capri, Italy.",
            "meeting",
        ),
        (
            "Exchange of Views between Foreign Minister Kamikawa and the Female Ambassadors\n"
            "On March 25, Ms. KAMIKAWA Yoko, Minister for Foreign Affairs of Japan, visited the "
            "Embassy of Mexico and held an exchange of views with 19 female Ambassadors.",
            "dialogue",
        ),
        (
            "Visit to Japan by President Doe\n\nH.E. Mr. John Doe, President of the Republic "
            "of Y, will pay an official visit to Japan from May 1 to 3.",
            "visit",
        ),
        (
            "Japan-Tonga Summit Meeting\n\nOn May 1, Mr. KISHIDA Fumio, Prime Minister of Japan, "
            "held a summit meeting with the Hon. Siaosi Sovaleni, Prime Minister of the Kingdom "
            "of Tonga. The overview of the meeting is as follows.",
            "bilateral_meeting",
        ),
    ],
)
def test_participation_speeches_and_summit_meetings(text: str, expected: str) -> None:
    assert _run(text).get("event_type") == expected


def test_statement_delivered_at_a_meeting_is_a_speech_and_a_press_statement_is_not() -> None:
    delivered = (
        "Statement by Ambassador Barbara Woodward, UK Permanent Representative to the UN, at "
        "the UN Security Council meeting on Women, Peace and Security.\n\nThe UK is unwavering "
        "in its commitment to the agenda and to the women of the world."
    )
    press = (
        "Statement by the Press Secretary on the adoption of the resolution\n\nJapan welcomes "
        "the adoption of the resolution and the commitment of the members to the agenda."
    )
    assert _run(delivered).get("event_type") == "speech"
    assert _run(press).get("event_type") == "statement"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "河野外務大臣との会談\n\n1.  本1日午前10時00分から約15分間,河野太郎外務大臣は,訪日中の"
            "国連女性機関事務局長による表敬を受けたところ,概要は以下のとおりです。\n",
            "courtesy_call",
        ),
        ("上川外務大臣とウォン外相との電話会談\n\n令和6年3月1日\n", "telephone_talk"),
        ("上川外務大臣によるWPSに関する意見交換会の開催\n\n令和6年7月30日\n", "dialogue"),
    ],
)
def test_japanese_releases_are_typed_from_headline_and_lead(text: str, expected: str) -> None:
    assert _run(text).get("event_type") == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "報道発表\n\nＡ国に対する無償資金協力「保健計画」に関する書簡の交換\n\n"
            "令和6年5月2日\n\n1　現地時間5月1日、Ａ国の首都において、大使と先方外務大臣との間で、"
            "無償資金協力「保健計画」に関する書簡の交換が行われました。",
            "exchange_of_notes",
        ),
        (
            "Press release\n\nMinister for Asia call with the Foreign Minister of Ruritania: "
            "2 May 2025\n\nThe Minister for Asia, Jane Doe, spoke to the Foreign Minister of "
            "Ruritania, John Roe, today about the ceasefire talks.",
            "telephone_talk",
        ),
        (
            "Media release\n\nPacific peacebuilders meet in Suva\n\nToday I opened the Pacific "
            "Peacebuilders Dialogue in Suva, bringing together 30 women negotiators.",
            "dialogue",
        ),
        (
            "Press release\n\nMinister meets nurses in Tanzania and announces new funding\n\n"
            "The Minister for Development, Jane Doe, today visited a hospital in Kigoma, where "
            "refugees from Burundi receive care.",
            "visit",
        ),
        (
            "Press Release\nSC/99999\n1 May 2025\n\nSecurity Council Press Statement on the "
            "Situation in Ruritania\n\nThe following Security Council press statement was issued "
            "today by Council President Jane Doe (Ruritania):\n\nThe members of the Security "
            "Council condemned the attack on civilians in the capital.",
            "statement",
        ),
        (
            "Press Releases\n\nVice Minister Doe Delivers Opening Remarks at the 2025 "
            "International Conference on Peace\n\nDate 2025-05-01\n\n1. Vice Minister Doe "
            "delivered opening remarks at the conference held at the Grand Hotel on May 1.",
            "conference",
        ),
        (
            "Press Releases\n\nMinister Doe delivers a statement at the Security Council Open "
            "Debate on Women, Peace and Security\n\nOn May 1, Mr. DOE John, Minister for Foreign "
            "Affairs, delivered a statement at the Open Debate held in New York.",
            "speech",
        ),
    ],
)
def test_event_type_conventions_of_other_house_styles(text: str, expected: str) -> None:
    assert _run(text).get("event_type") == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Country X announces new funding for survivors\n\nThe Minister announced new "
            "funding today. The Minister made the announcement at a roundtable she hosted "
            "with survivors and partners.",
            "meeting",
        ),
        (
            "Country X announces new funding for survivors\n\nThe Minister announced new "
            "funding today. The Minister made the announcement at a press conference in the "
            "capital.",
            "other",
        ),
    ],
)
def test_an_announcement_is_typed_by_the_event_it_was_made_at(text: str, expected: str) -> None:
    assert _run(text).get("event_type") == expected


@pytest.mark.parametrize(
    "focus",
    [
        "The Exchange of Notes on a Grant Agreement",
        "Telephone Talk between the Foreign Ministers",
        "The minister spoke by telephone with her counterpart",
        "A Call with the Prime Minister",
        "The two ministers held a Videoconference",
        "The ministers met virtually",
        "An online meeting of the group",
        "A courtesy call on the minister",
        "An exchange of opinions",
        "The minister signed a Memorandum of Cooperation",
        "The Envoy undertook a solidarity mission to South Sudan",
        "外務大臣は電話会談を行いました",
        # re.IGNORECASE matches these letters with ASCII ones; lower() does not give them
        "The minister \u017figned an agreement",
        "The ministers met v\u0130rtually",
    ],
)
def test_every_strong_cue_match_holds_one_of_its_words(focus: str) -> None:
    # The words let a focus skip the cue's pattern: a match without one would be lost.
    matched = [words for regex, _kind, words in _STRONG_RES if regex.search(focus)]
    assert matched
    lower = focus.lower()
    if not _FOLDED_INTO_ASCII.intersection(focus):
        assert all(any(word in lower for word in words) for words in matched)
    else:
        assert not all(any(word in lower for word in words) for words in matched)
