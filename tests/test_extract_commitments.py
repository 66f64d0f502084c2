"""Commitments: who said they would do what, with the span of what they undertook."""

from __future__ import annotations

from functools import cache

import pytest
from spacy.language import Language

from wpstrack.extract.commitments import find_commitments
from wpstrack.extract.model import ExtractionState, state
from wpstrack.extract.pipeline import build_pipeline, prepare

HEAD = "Women, Peace and Security\n\nMarch 18, 2024\nA headline\n\n"


@cache
def _nlp() -> Language:
    return build_pipeline(["people", "commitments"])


def _run(text: str) -> ExtractionState:
    doc = prepare(_nlp(), text)
    for _name, proc in _nlp().pipeline:
        doc = proc(doc)
    return state(doc)


def _spans_are_exact(text: str, st: ExtractionState) -> None:
    for mention in st.lists.get("commitments", []):
        assert text[mention.start : mention.end] == mention.value["text"]


def test_reported_undertaking_is_attributed_to_the_named_speaker() -> None:
    text = HEAD + (
        "On March 18, Ms. KAMIKAWA Yoko, Minister for Foreign Affairs, held a dialogue with "
        "staff of the United Nations.\n"
        "3. In closing, Minister Kamikawa stated that she would like to utilize the network "
        "of embassies to promote integrated activities."
    )
    st = _run(text)
    assert st.items("commitments") == [
        {
            "speaker": "Yoko KAMIKAWA",
            "text": "she would like to utilize the network of embassies to promote integrated "
            "activities",
        }
    ]
    _spans_are_exact(text, st)


def test_pronoun_speaker_is_the_previous_speaker() -> None:
    text = HEAD + (
        "On March 18, Mr. MINEGISHI Daisuke, State Minister for Foreign Affairs, held a meeting "
        "with Ms. Ingrid Halvorsen, Assistant High Commissioner for Protection of UNHCR.\n"
        "1. State Minister Minegishi stated that women are exposed to heightened risks. He "
        "explained that Japan would continue to support UNHCR's activities."
    )
    st = _run(text)
    assert st.items("commitments") == [
        {
            "speaker": "Daisuke MINEGISHI",
            "text": "Japan would continue to support UNHCR's activities",
        }
    ]
    _spans_are_exact(text, st)


def test_stance_verbs_and_the_two_sides_are_commitments() -> None:
    found = find_commitments(
        "3. The two sides agreed to work together on the pledges made at the Forum.", []
    )
    assert [(speaker, words) for speaker, words, _s, _e in found] == [
        ("The two sides", "agreed to work together on the pledges made at the Forum")
    ]


def test_listed_undertakings_after_commit_to_are_each_a_commitment() -> None:
    text = (
        "Joint Statement\n\nWe therefore commit to:\n"
        "1. ensure the full participation of women in all peace processes;\n"
        "2. increase our support for local women's organizations; and\n"
        "3. work together to translate these commitments into results.\n"
    )
    st = _run(text)
    assert [c["speaker"] for c in st.items("commitments")] == ["We", "We", "We"]
    assert (
        st.items("commitments")[1]["text"] == "increase our support for local women's organizations"
    )
    _spans_are_exact(text, st)


@pytest.mark.parametrize(
    "sentence",
    [
        "Professor Vanderberg said that he hoped the Forum would strengthen research links.",
        "The programme will provide medical care to survivors.",
        "Ms. Qureshi briefed on the situation of women in displacement sites.",
    ],
)
def test_hopes_descriptions_and_briefings_are_not_commitments(sentence: str) -> None:
    assert find_commitments(sentence, []) == []


def test_first_person_pledge_in_a_statement() -> None:
    text = "Statement by the Minister\n\nI will double our funding for women's organizations."
    st = _run(text)
    assert st.items("commitments") == [
        {"speaker": "I", "text": "will double our funding for women's organizations"}
    ]
    _spans_are_exact(text, st)
