"""Topics from the weighted lexicon."""

from __future__ import annotations

from functools import cache

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from spacy.language import Language

from wpstrack.extract import topics
from wpstrack.extract.model import state
from wpstrack.extract.pipeline import build_pipeline, prepare


@cache
def _nlp() -> Language:
    return build_pipeline(["resolutions", "topics"])


def _topics(text: str) -> set[str]:
    doc = prepare(_nlp(), text)
    for _name, proc in _nlp().pipeline:
        doc = proc(doc)
    mentions = state(doc).lists.get("topics", [])
    for mention in mentions:
        assert 0 <= mention.start < mention.end <= len(text)
    return {m.value for m in mentions}


@pytest.mark.parametrize(
    ("text", "topic"),
    [
        ("Japan promotes Women, Peace and Security (WPS) as a pillar of diplomacy.", "WPS"),
        ("the 25th anniversary of UNSCR 1325 in 2025", "WPS"),
        ("the meaningful participation of women in peace processes", "participation"),
        ("training women mediators in Southeast Asia", "prevention"),
        ("the prevention of conflict-related sexual violence", "prevention"),
        ("shelters for survivors of gender-based violence", "protection"),
        ("linking humanitarian aid with development and peace", "relief_recovery"),
        ("promoting gender equality and the empowerment of women", "gender_equality"),
        ("Japan has decided to provide USD 3.2 million to UNFPA", "funding"),
        ("in accordance with the concept of human security", "human_security"),
        ("women in Pacific island communities respond when cyclones strike", "disaster"),
        ("refugee and internally displaced women and girls", "refugees"),
        ("women peacekeepers in United Nations peace operations", "peacekeeping"),
        ("the links between climate change and security", "other"),
    ],
)
def test_each_topic_has_cues(text, topic):
    assert topic in _topics(text)


@pytest.mark.parametrize(
    ("text", "topic"),
    [
        (
            "Ms. B, Deputy Executive Director of the UN Entity for Gender Equality and the "
            "Empowerment of Women, visited.",
            "gender_equality",
        ),
        ("international peace and conflict prevention and resolution require action", "prevention"),
        ("a contribution to the Women's Peace and Humanitarian Fund", "relief_recovery"),
        ("Japan's leadership in Asia on this agenda", "participation"),
        (
            "resolutions 1820 (2008) and 1888 (2009) recognised sexual violence as a tactic of war",
            "WPS",
        ),
        ("young migrant women", "funding"),
        (
            ("Foreign Minister KAMIKAWA’s participation in the Focal Points Network event"),
            "participation",
        ),
        (
            "which stated that international peace, conflict prevention, and conflict resolution "
            "require the equal participation of women",
            "prevention",
        ),
    ],
)
def test_names_and_collocations_that_do_not_make_the_topic(text, topic):
    assert topic not in _topics(text)


def test_two_weak_cues_make_a_topic_but_one_does_not():
    assert "relief_recovery" not in _topics("psychosocial counselling for women")
    assert "relief_recovery" in _topics("psychosocial counselling in the refugee camps")


def test_curly_apostrophes_are_apostrophes():
    assert "participation" in _topics("promote women’s economic empowerment and participation")


def test_wps_from_a_participation_strand_resolution():
    assert "WPS" in _topics("resolution 2242 (2015) addressed counter-terrorism")


def _topics_with_header(text: str) -> set[str]:
    nlp = build_pipeline(["release_header", "resolutions", "topics"])
    doc = prepare(nlp, text)
    for _name, proc in nlp.pipeline:
        doc = proc(doc)
    return {m.value for m in state(doc).lists.get("topics", [])}


def test_the_section_label_above_the_date_line_is_not_content():
    text = "女性の参画推進\n\n令和7年6月18日\n\n1　6月17日、政務官は事務局次長と会談を行いました。"
    assert "participation" not in _topics_with_header(text)
    assert "participation" in _topics_with_header(
        text + "和平プロセスへの女性の参画を確認しました。"
    )


@pytest.mark.parametrize(
    ("text", "present", "absent"),
    [
        ("参加者からは以下の意見が出されました。", set(), {"participation"}),
        ("紛争下の性的暴力の防止と被害者支援を重視している。", {"prevention", "protection"}, set()),
        ("日本の継続的な資金協力に謝意が表明された。", {"funding"}, set()),
        ("避難所運営において女性の視点が不可欠であった。", {"gender_equality"}, set()),
        ("女性の医師として説明した。", set(), {"gender_equality"}),
    ],
)
def test_japanese_cues(text, present, absent):
    found = _topics(text)
    assert present <= found
    assert not absent & found


@pytest.mark.parametrize(
    ("text", "topic"),
    [
        ("The National Action Plan on Women, Peace, and Security guides our work.", "WPS"),
        ("Funds will go to mine action and the clearing of farmland.", "other"),
        ("Landmines still kill farmers in the border districts.", "other"),
        ("They discussed population ageing in East Asia and its effects.", "other"),
        ("Ministers discussed the impact of climate change on security in the region.", "other"),
        ("両国は少子高齢化の課題について意見交換を行いました。", "other"),
        (
            "UNHCR is strengthening the prevention of, risk mitigation of and response to "
            "gender-based violence in the camps.",
            "prevention",
        ),
    ],
)
def test_oxford_comma_and_more_named_themes_outside_the_list(text, topic):
    assert topic in _topics(text)


def test_determine_action_is_not_mine_action():
    assert "other" not in _topics("The parties will determine action on the draft next week.")


def test_a_peacekeeping_operation_whose_work_is_discussed_makes_the_topic() -> None:
    discussed = (
        "The Minister met the Special Representative. They discussed the role of the United "
        "Nations Mission in South Sudan (UNMISS) in protecting civilians."
    )
    cited = (
        "The Minister met the Special Representative. According to the United Nations "
        "Mission in South Sudan (UNMISS), reported cases have risen."
    )
    nlp = build_pipeline(["organisations", "topics"])

    def topics(text: str) -> set[str]:
        doc = prepare(nlp, text)
        for _name, proc in nlp.pipeline:
            doc = proc(doc)
        return {m.value for m in state(doc).lists.get("topics", [])}

    assert "peacekeeping" in topics(discussed)
    assert "peacekeeping" not in topics(cited)


def test_to_finance_is_funding_but_a_ministry_of_finance_is_not() -> None:
    assert "funding" in _topics("The call asks States to finance women's organizations.")
    assert "funding" not in _topics("The Ministry of Finance hosted the meeting.")


def test_people_fleeing_are_refugees_and_prevention_work_is_prevention() -> None:
    assert "refugees" in _topics("Families fleeing the fighting reached the border town.")
    assert "prevention" in _topics("The project funds community-based prevention activities.")
    assert "prevention" not in _topics("The project funds community-based activities.")


def test_promoting_gender_equality_security_sector_reform_and_prevent_and_respond() -> None:
    assert "gender_equality" in _topics(
        "She presented the Plan for the Promotion of Gender Equality."
    )
    assert "other" in _topics("The talks turned to security sector reform in the region.")
    found = _topics("Police must prevent and respond to domestic and gender-based violence.")
    assert "prevention" in found
    assert "prevention" not in _topics("Police must respond to reports quickly.")


def _found_one_by_one(lower: str, needle: str, start: int) -> list[int]:
    out, at = [], lower.find(needle, start)
    while at >= 0:
        out.append(at)
        at = lower.find(needle, at + 1)
    return out


@settings(max_examples=200, deadline=None)
@given(
    words=st.lists(st.sampled_from(sorted(topics._NEEDLES)), max_size=8),
    glue=st.text(alphabet=" .s'\n", max_size=3),
    start=st.integers(0, 20),
)
def test_needle_places_in_one_pass_are_those_found_one_by_one(words, glue, start):
    """Overlapping and nested needles included ("women's" holds "women")."""
    lower = glue.join(w + w[: len(w) // 2] for w in words)
    places = topics.NeedlePlaces(lower, start)
    for needle in sorted(topics._NEEDLES):
        assert places(needle) == _found_one_by_one(lower, needle, start), needle
    assert places("zzq") == _found_one_by_one(lower, "zzq", start)  # not a cue's needle
    # the cues with none of these are passed over unread
    assert set(places.present) == {n for n in topics._NEEDLES if lower.find(n, start) >= 0}
