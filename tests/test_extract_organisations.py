"""The `organisations` component on small hand-written texts."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

import pytest
import spacy
from hypothesis import given, settings
from hypothesis import strategies as st
from spacy.tokens import Doc

from wpstrack.extract import organisations
from wpstrack.extract.model import ExtractionState, ensure_extension, state

Find = Callable[..., ExtractionState]


@cache
def _pipeline() -> tuple[spacy.Language, Callable[[Doc], Doc]]:
    """Only this component, over a blank English pipeline (built once)."""
    ensure_extension()
    nlp = spacy.blank("en")
    return nlp, organisations.create(nlp, "organisations")


def _run(text: str, language: str | None = None) -> ExtractionState:
    nlp, component = _pipeline()
    doc = nlp.make_doc(text)
    if language:
        state(doc).language = language
    return state(component(doc))


@pytest.fixture
def find() -> Find:
    return _run


def names(found: ExtractionState) -> list[str]:
    return found.items("organisations")


def test_acronym_and_full_name_give_the_full_name_once(find: Find) -> None:
    found = find(
        "Japan will contribute through UNDP. The United Nations Development Programme "
        "(UNDP) thanked Japan, and UNDP will report back."
    )
    assert names(found) == ["United Nations Development Programme"]
    assert found.items("organisation_codes") == ["undp"]


def test_mofa_spelling_and_japanese_name_resolve_to_the_canonical_codes(find: Find) -> None:
    found = find("Officials of UNICEF, UNDPPA and UNOCC met the Minister.")
    assert names(found) == ["UNICEF", "UNDPPA", "UNOCC"]
    assert found.items("organisation_codes") == ["unicef", "dppa", "unocc"]


def test_unknown_acronym_is_kept_as_an_unresolved_mention(find: Find) -> None:
    found = find("She met the coordinator of the WPSPN and representatives of ESCAP in Bangkok.")
    assert names(found) == ["WPSPN", "ESCAP"]
    methods = {m.value: m.method for m in found.lists["organisations"]}
    assert methods["WPSPN"] == "unresolved_acronym"
    assert found.items("organisation_codes") == ["escap"]


@pytest.mark.parametrize(
    "sentence",
    [
        "The Minister briefed journalists at UNHQ after the debate.",
        "MICHAEL CARR: We continue to support women in the region.",
        "The XQZT will publish its findings next week.",
    ],
)
def test_unknown_acronym_without_definition_or_office_is_no_organisation(
    find: Find, sentence: str
) -> None:
    assert names(find(sentence)) == []


def test_a_name_defining_an_acronym_is_one_organisation(find: Find) -> None:
    found = find(
        "The Coastal Women Mediators Alliance (CWMA) held its meeting. CWMA members spoke."
    )
    assert names(found) == ["Coastal Women Mediators Alliance"]


def test_united_nations_as_a_modifier_counts_as_the_un(find: Find) -> None:
    found = find("India has long contributed to United Nations peacekeeping.")
    assert names(found) == ["United Nations"]
    assert found.items("organisation_codes") == ["un"]


def test_joint_name_is_split_into_both_departments(find: Find) -> None:
    found = find(
        "Khalid Mansour, Assistant Secretary-General in the Departments of Political and "
        "Peacebuilding Affairs and Peace Operations, said that teams include women."
    )
    assert names(found) == [
        "Department of Political and Peacebuilding Affairs",
        "Department of Peace Operations",
    ]
    assert found.items("organisation_codes") == ["dppa", "dpo"]


def test_japanese_names_give_the_official_english_name(find: Find) -> None:
    text = "上川大臣は、外務省において、UN Women（国連女性機関）や国連人口基金（UNFPA）と連携した。"
    found = find(text, language="ja")
    assert names(found) == [
        "Ministry of Foreign Affairs of Japan",
        "United Nations Entity for Gender Equality and the Empowerment of Women",
        "United Nations Population Fund",
    ]
    assert found.items("organisation_codes") == ["jp-mofa", "unwomen", "unfpa"]


def test_unknown_japanese_bodies_are_translated_word_by_word(find: Find) -> None:
    text = "特定非営利活動法人「平和と女性のネットワーク」代表と早稲田大学の教授が外務省を訪れた。"
    found = find(text, language="ja")
    assert names(found) == [
        "Peace and Women Network",
        "Waseda University",
        "Ministry of Foreign Affairs of Japan",
    ]
    assert found.items("organisation_codes") == ["jp-mofa"]


@pytest.mark.parametrize(
    "text",
    [
        "The Government of Japan will provide a grant of USD 2 million.",
        "A ceremony was held at the Embassy of Japan in Kinshasa at 11:00 a.m. JST.",
        "The Permanent Mission of Japan to the International Organizations in Vienna hosted it.",
        "The event was held at UN Headquarters and at the United Nations Conference Centre.",
        "They followed up on the pledges made at the Global Refugee Forum on WPS.",
        "It is delivered through the Women's Voice and Leadership Program.",
        "Mr. YAMADA Taro, Director-General, attended. He met the heads of UN agencies.",
        "Minister of Foreign Affairs, European Union and Cooperation of Spain",
        "Deputy United Nations High Commissioner for Human Rights Thabo Mokoena spoke.",
        "a new Multi-Purpose Women's Centre was inaugurated in the camp",
    ],
)
def test_governments_missions_venues_events_programmes_and_titles_are_not_organisations(
    find: Find, text: str
) -> None:
    assert names(find(text)) == []


@pytest.mark.parametrize(
    "misspelt",
    ["UN Wmen", "UN Wommen", "UN Womne"],  # a letter less, one more, two swapped
)
def test_a_misspelt_known_name_is_kept_as_written(find: Find, misspelt: str) -> None:
    found = find(f"She met the regional office of {misspelt} for Asia and the Pacific.")
    assert names(found) == [misspelt]
    assert found.items("organisation_codes") == []


@pytest.mark.parametrize("text", ["UN Wo", "UN Wooomen", "UN Wmn"])
def test_a_name_two_edits_away_is_no_misspelling(find: Find, text: str) -> None:
    assert text not in names(find(f"She met the office of {text} for Asia."))


def test_unknown_bodies_are_found_by_the_shape_of_their_names(find: Find) -> None:
    found = find(
        "Ms. Wanjiru Kamau, Executive Director of the Amani Mashinani Women's Network, "
        "and Mr. Oliver Brandreth, Director of the Thameside Institute for Gender and "
        "Security, met the Secretary of the Ministry of Labour, Employment and Social "
        "Welfare and a professor at Hokuriku Institute of Technology."
    )
    assert names(found) == [
        "Amani Mashinani Women's Network",
        "Thameside Institute for Gender and Security",
        "Ministry of Labour, Employment and Social Welfare",
        "Hokuriku Institute of Technology",
    ]


def test_a_name_in_a_capitals_heading_is_written_in_its_canonical_form(find: Find) -> None:
    found = find("STATEMENT AT THE UNITED NATIONS SECURITY COUNCIL OPEN DEBATE\n\nThank you.")
    assert names(found) == ["United Nations Security Council"]


def test_a_known_generic_name_inside_a_longer_name_gives_the_longer_name(find: Find) -> None:
    found = find(
        "Officials of the National Security Council briefed members of the Security Council "
        "this morning."
    )
    assert names(found) == ["National Security Council", "Security Council"]
    assert found.items("organisation_codes") == ["unsc"]


def test_a_title_case_headline_is_not_read_as_names(find: Find) -> None:
    found = find(
        "Women Still Shut Out of Peace Tables as Anniversary Nears, Speakers Tell Security "
        "Council\n\nThe Security Council held its annual open debate."
    )
    assert names(found) == ["Security Council"]


def test_another_countrys_ministry_is_not_linked_to_mofa_japan(find: Find) -> None:
    found = find(
        "He met officials of the Ministry of Foreign Affairs of Ukraine, then returned to the "
        "Ministry of Foreign Affairs in Tokyo."
    )
    assert names(found) == ["Ministry of Foreign Affairs of Ukraine", "Ministry of Foreign Affairs"]
    assert found.items("organisation_codes") == ["jp-mofa"]


def test_an_acronym_written_inside_a_known_name_does_not_hide_it(find: Find) -> None:
    found = find("She attended the Women, Peace and Security (WPS) Focal Points Network meeting.")
    assert names(found) == ["Women, Peace and Security Focal Points Network"]
    assert found.items("organisation_codes") == ["wps-fpn"]


def test_a_website_section_label_above_the_date_is_not_a_mention(find: Find) -> None:
    label = "Japan and the United Nations\n\nSeptember 24, 2024\n"
    assert names(find(label + "The Minister met the Chair of the Board.")) == []
    assert names(find(label + "The Minister met officials of UNICEF.")) == ["UNICEF"]


def test_a_back_to_section_link_at_the_foot_is_not_a_mention(find: Find) -> None:
    text = "The Minister met officials of UNICEF.\n\nBack to Japan and the United Nations\n"
    assert names(find(text)) == ["UNICEF"]


def test_un_written_before_a_un_body_belongs_to_its_name(find: Find) -> None:
    found = find("The Network thanked the UN Department of Political and Peacebuilding Affairs.")
    assert names(found) == ["UN Department of Political and Peacebuilding Affairs"]


def test_spans_slice_to_the_surface_text(find: Find) -> None:
    text = (
        "On 5 May, the Japan International Cooperation Agency (JICA) and\u00a0UN\u00a0Women "
        "met the Bangsamoro Transition Authority (BTA), the WO=MEN Dutch Gender Platform "
        "and the XQZT.  JICA and the United Nations Children’s Fund spoke."
    )
    found = find(text)
    assert len(found.lists["organisations"]) == 5  # "the XQZT" alone is no body (see below)
    for mention in found.lists["organisations"] + found.lists["organisation_codes"]:
        surface = text[mention.start : mention.end]
        assert surface.strip() == surface and surface
        if mention.field == "organisations":
            assert mention.value == " ".join(surface.split())


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            ["UN", "Women", "UNDP", "XQZT", "Office of", "the", "(", ")", "外務省", "\n"]
        )
        | st.text(alphabet="ABCDEFUNWmen ,.-'", max_size=6),
        max_size=20,
    ).map(" ".join)
)
def test_never_raises_and_every_span_lies_in_the_text(text: str) -> None:
    found = _run(text)
    for mention in found.lists.get("organisations", []):
        assert 0 <= mention.start < mention.end <= len(text)
        assert text[mention.start : mention.end].strip()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Diplomats will be trained at the Police Service Academy (PSA) in the capital.",
            ["Police Service Academy"],
        ),
        (
            "The Council heard Ms. Awa Diallo, Coordinator of the Malian Women for Peace Network, "
            "on the talks.",
            ["Malian Women for Peace Network"],
        ),
        ("The Council met on 3 May via video teleconference (VTC), on the theme of aid.", []),
        (
            "Report\n\nLAPU-LAPU CITY - The Commission on Audit (COA) and UNICEF signed an MOU.",
            ["Commission on Audit", "UNICEF"],
        ),
    ],
)
def test_head_words_in_a_row_women_for_peace_common_acronyms_and_capital_datelines(
    find: Find, text: str, expected: list[str]
) -> None:
    assert names(find(text)) == expected


def test_un_before_a_title_that_owns_a_body_is_a_mention_of_the_un(find: Find) -> None:
    owned = names(find("The Minister thanked the UN Secretary-General's Peacebuilding Fund."))
    assert "UN" in owned and len(owned) == 2
    assert names(find("The Minister met the UN Secretary-General in New York.")) == []


def test_a_quoted_name_after_the_kind_of_body_is_an_organisation(find: Find) -> None:
    text = 'Ms. Olha Bondar, head of the NGO "Bright Future Lviv", spoke about shelters.'
    assert names(find(text)) == ["Bright Future Lviv"]
    assert names(find('The charity called it "a turning point" for women.')) == []


def test_a_body_named_inside_a_programme_name_is_not_a_mention(find: Find) -> None:
    text = "The partners will promote the UNICEF Girls for Peace Registry in the region."
    assert names(find(text)) == []
    assert names(find("The partners will work with UNICEF in the region.")) == ["UNICEF"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Ms. Jane Doe, Coordinator of the Women's Situation Room in Ghana, spoke.",
         ["Women's Situation Room"]),
        ("The talks were held in the Conference Room.", []),
        ("Ms Ann Lee, Director of the Ukrainian NGO Women's Hope Centre, spoke.",
         ["Women's Hope Centre"]),
        ("She leads the Global Alliance of Farmers and Fishers to End Rural Poverty.",
         ["Global Alliance of Farmers and Fishers to End Rural Poverty"]),
        ("Assistant Secretary for International Organization Affairs John Smith spoke.", []),
    ],
)  # fmt: skip
def test_owned_rooms_kind_words_to_clauses_and_portfolios(
    find: Find, text: str, expected: list[str]
) -> None:
    assert names(find(text)) == expected


def test_a_katakana_loanword_name_is_left_out_not_romanised(find: Find) -> None:
    assert names(find("山田氏はアジア・ピース・センターの代表です。", "ja")) == []
    assert names(find("山田氏は東洋国際大学の教授です。", "ja")) == [
        "Toyo International University"
    ]


def test_a_body_whose_name_opens_with_ngo_keeps_it(find: Find) -> None:
    assert names(find("Mr Ian Bell, representative of the NGO Working Group, spoke.")) == [
        "NGO Working Group"
    ]


def test_a_photo_credit_names_a_body_only_when_it_ends_in_a_head_word(find: Find) -> None:
    credit = "Photograph: Northern Public Affairs Office\n\nThe Minister met the envoy."
    assert names(find(credit)) == ["Northern Public Affairs Office"]
    assert names(find("Photo: Panelists of the side event\n\nThe Minister spoke.")) == []


def test_latin_forms_in_japanese_text_are_whole_words(find: Find) -> None:
    text = "UNICEF及びUN Womenの代表は、xUNDP社とUNFPAs社の職員（1325）と会談した。"
    found = find(text, language="ja")
    assert found.items("organisation_codes") == ["unicef", "unwomen"]
