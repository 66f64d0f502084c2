"""People: names in Given FAMILY order, offices, principals vs others, and named women."""

from __future__ import annotations

import re
from functools import cache
from typing import Any

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from spacy.language import Language

from wpstrack.extract.model import ExtractionState, state
from wpstrack.extract.names import parse_name
from wpstrack.extract.offices import parse_office
from wpstrack.extract.people import _lower_copy, _mentions, _scan_text
from wpstrack.extract.people_ja import romanise_name
from wpstrack.extract.people_roles import (
    _HONORIFIC_FORMS,
    _HONORIFIC_RE,
    _PRONOUN_RE,
    _alone_after_honorific,
    _pronouns,
)
from wpstrack.extract.pipeline import build_pipeline, prepare

HEAD = "Women, Peace and Security\n\nMay 16, 2024\nA headline about the event\n\n"


@cache
def _nlp() -> Language:
    return build_pipeline(["people"])


def _run(text: str) -> ExtractionState:
    doc = prepare(_nlp(), text)
    for _name, proc in _nlp().pipeline:
        doc = proc(doc)
    return state(doc)


def _people(st: ExtractionState, field: str) -> dict[str, dict[str, Any]]:
    return {p["name"]: p for p in st.items(field)}


def _span_text(text: str, st: ExtractionState, field: str, name: str) -> str:
    mention = next(m for m in st.lists[field] if m.value["name"] == name)
    return text[mention.start : mention.end]


def test_mofa_family_name_in_capitals_is_turned_to_given_family_order() -> None:
    text = HEAD + (
        "On May 16, commencing at 3:45 p.m. for approximately 20 minutes, Ms. ODAGIRI Mayumi, "
        "Parliamentary Vice-Minister for Foreign Affairs, received a courtesy call from Ms. "
        "Lindiwe Maseko-Brandt, Deputy Executive Director of the United Nations Entity for "
        "Gender Equality and the Empowerment of Women (UN Women), who is visiting Japan.\n"
        "1. Parliamentary Vice-Minister Odagiri welcomed Deputy Executive Director "
        "Maseko-Brandt."
    )
    st = _run(text)
    principal = _people(st, "principal_actors")["Mayumi ODAGIRI"]
    assert principal["title"] == "Parliamentary Vice-Minister for Foreign Affairs"
    assert principal["organisation_or_country"] == "Japan"
    assert _span_text(text, st, "principal_actors", "Mayumi ODAGIRI") == "ODAGIRI Mayumi"
    other = _people(st, "other_participants")["Lindiwe Maseko-Brandt"]
    assert other["title"] == "Deputy Executive Director"
    assert other["organisation_or_country"] == (
        "United Nations Entity for Gender Equality and the Empowerment of Women"
    )
    assert st.get("women_count_named") == 2


def test_excellency_and_country_of_office_give_title_and_country() -> None:
    text = HEAD + (
        "On May 16, Mr. KISHIDA Fumio, Minister for Foreign Affairs of Japan, held a meeting "
        "with H.E. Ms. Retno Marsudi, Minister for Foreign Affairs of the Republic of "
        "Indonesia. The overview is as follows."
    )
    st = _run(text)
    other = _people(st, "other_participants")["Retno Marsudi"]
    assert other == {
        "name": "Retno Marsudi",
        "title": "Minister for Foreign Affairs",
        "organisation_or_country": "Indonesia",
        "gender": "f",
    }
    assert _span_text(text, st, "other_participants", "Retno Marsudi") == "Retno Marsudi"


def test_person_referred_to_later_by_title_and_family_name_is_one_person() -> None:
    text = HEAD + (
        "On March 18, Ms. KAMIKAWA Yoko, Minister for Foreign Affairs, held a dialogue with "
        "staff members of the United Nations.\n"
        "1. Minister Kamikawa stated that she would like to hear frank opinions.\n"
        "2. Minister Kamikawa had a lively exchange of views with them."
    )
    st = _run(text)
    assert [p["name"] for p in st.items("principal_actors")] == ["Yoko KAMIKAWA"]
    assert st.items("other_participants") == []
    assert st.get("women_count_named") == 1


def test_quoted_pseudonymous_and_background_people_are_not_participants() -> None:
    text = (
        "News story\n\nMinister hosts peacebuilders\n\n"
        "The Minister for Development, Anna Pendleton, today hosted a roundtable in London "
        "with women peacebuilders.\n\n"
        "Amna Osman, who coordinates a network of women's groups, told the Minister that she "
        "had been forced to move her work.\n\n"
        'Hasina Begum (not her real name), 34, said that she could learn. "Here, I can '
        'learn," she said.\n\n'
        "Background\n\n * Dr. Peter Grant, who wrote the report, was thanked.\n"
    )
    st = _run(text)
    assert list(_people(st, "principal_actors")) == ["Anna Pendleton"]
    assert _people(st, "principal_actors")["Anna Pendleton"]["title"] == (
        "Minister for Development"
    )
    assert list(_people(st, "other_participants")) == ["Amna Osman"]
    # Osman (she) and Begum (her) are named women; Pendleton has no marker here.
    assert st.get("women_count_named") == 2


@pytest.mark.parametrize(
    ("sentence", "counted"),
    [
        ("Dr. Miriam Castellanos presented data on peace agreements.", 0),
        ("Professor Amy Lindholm said that she was concerned about online abuse.", 1),
        ("Mr. Jonathan Pierce-Adeyemi said that he would write a report.", 0),
        ("Baroness Amos, a member of the House of Lords, spoke on funding.", 1),
        ("Mrs. Helen Clark, a former Prime Minister, spoke on funding.", 1),
    ],
)
def test_women_are_counted_only_where_the_text_marks_them(sentence: str, counted: int) -> None:
    text = HEAD + (
        "On May 16, Mr. OGURA Shinsuke, Director-General for Foreign Policy, held a dialogue "
        "with experts. " + sentence
    )
    assert int(_run(text).get("women_count_named") or 0) == counted


def _genders(st: ExtractionState) -> dict[str, str | None]:
    listed = [*st.items("principal_actors"), *st.items("other_participants")]
    return {p["name"]: p.get("gender") for p in listed}


def test_people_carry_the_gender_the_text_marks_and_the_women_are_those_counted() -> None:
    text = HEAD + (
        "On May 16, Mr. KISHIDA Fumio, Minister for Foreign Affairs of Japan, held a meeting "
        "with Ms. Retno Marsudi, Minister for Foreign Affairs of Indonesia, and Regula "
        "Baumgartner, State Secretary of Switzerland. Amna Osman, who coordinates a network "
        "of women's groups, attended the meeting and said that she would help."
    )
    st = _run(text)
    assert _genders(st) == {
        "Fumio KISHIDA": "m",  # Mr.
        "Retno Marsudi": "f",  # Ms.
        "Regula Baumgartner": None,  # nothing in the text says
        "Amna Osman": "f",  # she
    }
    assert "gender" not in _people(st, "other_participants")["Regula Baumgartner"]
    assert st.get("women_count_named") == 2


def test_japanese_release_marks_the_woman_that_josei_describes() -> None:
    text = (
        "上川外務大臣とアフガニスタン女性との意見交換\n\n本18日、上川陽子外務大臣は、"
        "アフガニスタン出身の女性人権活動家であるファリダ・ノーリ氏と意見交換を行いました。\n"
    )
    st = _run(text)
    assert _genders(st) == {"Yoko KAMIKAWA": None, "Farida Noori": "f"}
    assert st.get("women_count_named") == 1


def test_no_named_women_gives_no_span_and_a_zero_count() -> None:
    st = _run("The Council adopted a resolution on women, peace and security.")
    assert "women_count_named" not in st.extra  # nothing in the text to point at
    assert int(st.get("women_count_named") or 0) == 0
    assert st.items("principal_actors") == []


def test_women_count_span_is_the_first_named_woman() -> None:
    text = HEAD + "On May 16, Mr. OGURA Shinsuke held a dialogue with Ms. Hannah Sorensen."
    mention = _run(text).extra["women_count_named"]
    assert text[mention.start : mention.end] == "Hannah Sorensen"


def test_military_rank_is_the_title_when_no_post_is_given() -> None:
    text = HEAD + (
        "On January 30, Mr. MORIWAKI Tatsuya, Parliamentary Vice-Minister for Foreign "
        "Affairs, visited the Centre for United Nations Peacekeeping (CUNPK).\n"
        "1. Lieutenant Colonel Priya Nair, who leads the course, explained that her team "
        "trains women officers.\n"
        "2. Commander Sofia Mendoza of the Philippine Navy said that she hoped to deploy."
    )
    others = _people(_run(text), "other_participants")
    assert others["Priya Nair"]["title"] == "Lieutenant Colonel"
    assert others["Sofia Mendoza"]["title"] == "Commander"
    assert others["Sofia Mendoza"]["organisation_or_country"] == "Philippine Navy"


def test_hyphenated_rank_is_a_title_and_a_peer_named_in_full_later_keeps_the_given_name() -> None:
    text = HEAD + (
        "Trade Minister Baroness Whitmore visited a clinic in Kisumu today. Baroness Whitmore "
        "was joined by Major-General Tomas Lindqvist of the Swedish Armed Forces, who spoke "
        "about the training of women officers.\n"
        'Trade Minister Baroness Helena Whitmore said: "We will keep listening."'
    )
    st = _run(text)
    principal = _people(st, "principal_actors")["Helena Whitmore"]
    assert principal["title"] == "Trade Minister"
    other = _people(st, "other_participants")["Tomas Lindqvist"]
    assert other["title"] == "Major-General"
    assert st.get("women_count_named") == 1


def test_people_joined_by_met_or_of_a_body_are_found_with_their_posts() -> None:
    text = HEAD + (
        "The workshop in Accra was opened by UNICEF Deputy Director (Operations) Kofi Mensah. "
        "He was joined by Special Adviser for Liberia Grace Tamba and by Ruth Owusu, Senior "
        "Gender Officer at the U.K. Department for Health (DfH). Later he met Adjoa Boateng, "
        "coordinator of the Accra Women's Hub. Efua Asante of Market Women Voices said that "
        "traders needed safe transport."
    )
    st = _run(text)
    assert _people(st, "principal_actors")["Kofi Mensah"]["title"] == "Deputy Director (Operations)"
    others = _people(st, "other_participants")
    assert others["Grace Tamba"]["title"] == "Special Adviser for Liberia"
    assert others["Ruth Owusu"]["organisation_or_country"].startswith("U.K. Department for Health")
    assert others["Adjoa Boateng"]["title"] == "coordinator"
    assert others["Efua Asante"]["organisation_or_country"] == "Market Women Voices"


def test_posts_ending_in_any_word_movements_quoted_ngos_and_presence_of() -> None:
    text = HEAD + (
        "The forum in Quito was opened by Ecuador's Minister of Housing and Solidarity, Rosa "
        "Quishpe, in the presence of the Bolivian journalist Elena Mamani. Ms. Lucia Torres, Head "
        'of the Andean Mothers Movement, and Mr. Pablo Ruiz, Director of the NGO "Casa '
        'Segura Quito", took part.'
    )
    st = _run(text)
    principal = _people(st, "principal_actors")["Rosa Quishpe"]
    assert principal["title"] == "Minister of Housing and Solidarity"
    assert principal["organisation_or_country"] == "Ecuador"
    others = _people(st, "other_participants")
    assert others["Elena Mamani"]["title"] == "journalist"
    assert others["Lucia Torres"]["organisation_or_country"] == "Andean Mothers Movement"
    assert others["Pablo Ruiz"]["organisation_or_country"] == "Casa Segura Quito"
    assert len(others) == 3


def test_a_pronoun_opening_a_sentence_refers_to_the_last_sentence_subject() -> None:
    text = HEAD + (
        "In Lusaka, Ms. Hanna Berg met Zambia's Minister of Health, Joseph Banda, and toured a "
        "clinic. She also met Mary Phiri, coordinator of the Lusaka Women's Forum."
    )
    st = _run(text)
    assert _people(st, "other_participants")["Joseph Banda"].get("gender") != "f"
    assert st.get("women_count_named") == 1


def test_the_minister_who_spoke_to_a_counterpart_leads_the_call() -> None:
    text = HEAD + (
        "The Minister for Asia, Ruth Calloway, spoke with the Special Envoy of the UN "
        "Secretary-General for Myanmar, Pedro Alvarez, today."
    )
    st = _run(text)
    assert set(_people(st, "principal_actors")) == {"Ruth Calloway"}
    assert set(_people(st, "other_participants")) == {"Pedro Alvarez"}


def test_statement_issued_by_a_named_author_is_led_by_that_author() -> None:
    text = (
        "Press Release\n\n2 March 2025\n\nPress Statement on Displacement\n\n"
        "The following press statement was issued today by Council President Omar Haddadi "
        "(Malta):\n\n"
        "The members of the Council expressed deep concern at the displacement of civilians "
        "and called on all parties to protect women and girls.\n"
    )
    principal = _people(_run(text), "principal_actors")
    assert set(principal) == {"Omar Haddadi"}
    assert principal["Omar Haddadi"]["organisation_or_country"] == "Malta"


def test_first_person_author_takes_the_post_under_the_name_and_co_chairs_lead() -> None:
    text = (
        "Media release\n\nThe Hon Peter Lowe MP\nMinister for International Development\n\n"
        "3 May 2024\n\nWomen leaders meet in Darwin\n\n"
        "Today I opened a regional forum in Darwin on women's leadership in disaster response.\n"
        "I co-chaired the first session with the Director of the Pacific Disaster Centre, Mele "
        "Tupou, who said she wanted practical outcomes.\n"
    )
    st = _run(text)
    principals = _people(st, "principal_actors")
    assert principals["Peter Lowe"]["title"] == "Minister for International Development"
    assert "Mele Tupou" in principals


def test_an_official_who_joins_the_principal_speaks_for_the_same_government() -> None:
    text = HEAD + (
        "Norway will fund women's shelters in Chad. Ambassador Ingrid Solberg of Norway held a "
        "meeting with Chadian women leaders in N'Djamena. Ambassador Solberg was joined by "
        "Special Envoy for Mali Erik Dahl and by Ms. Halima Oumar, a local lawyer.\n"
    )
    others = _people(_run(text), "other_participants")
    assert others["Erik Dahl"]["organisation_or_country"] == "Norway"
    assert others["Halima Oumar"]["organisation_or_country"] is None


def test_a_pronoun_that_points_forward_does_not_mark_the_person_before_it() -> None:
    text = HEAD + (
        "The agreement was signed in Manila by Secretary Jose Ramos and Director Maria Cruz. "
        "It was witnessed by Commissioner Pilar Santos and by officials of the Office of the "
        "Ombudsman.\n"
        "In her remarks, Director Cruz said that the agreement would help women diplomats.\n"
    )
    st = _run(text)
    assert _people(st, "other_participants")["Pilar Santos"].get("gender") != "f"
    assert st.get("women_count_named") == 1


def test_korean_and_vietnamese_names_keep_their_family_name() -> None:
    text = HEAD + (
        "The meeting was opened by H.E. Ms. KIM Hye-jin, Deputy Permanent Representative of "
        "the Republic of Korea to the United Nations.\n"
        "Members elected Ms. Rosalind Tupou of Tonga and Ms. Nguyen Thi Lan of Viet Nam as "
        "co-chairs. Ms. Nguyen said that she would work for cooperation."
    )
    st = _run(text)
    principal = _people(st, "principal_actors")["Hye-jin KIM"]
    assert principal["organisation_or_country"] == "Republic of Korea"
    assert principal["title"] == "Deputy Permanent Representative to the United Nations"
    assert "Thi Lan Nguyen" in _people(st, "other_participants")


def test_korean_name_without_capitals_is_family_first_and_its_later_mentions_link() -> None:
    text = (
        "Press Releases\n\nDate 2024-05-02\n\n"
        "1. Deputy Minister for Foreign Affairs Park Ji-won held a seminar in Busan on the "
        "Republic of Korea's support to women peacebuilders, which the Republic of Korea has "
        "funded since 2020.\n"
        "2. In her closing remarks, Deputy Minister Park thanked the participants.\n"
    )
    st = _run(text)
    principal = _people(st, "principal_actors")["Ji-won Park"]
    assert principal["organisation_or_country"] == "Republic of Korea"
    assert st.get("women_count_named") == 1


def test_co_chairs_are_principals_and_those_who_took_part_are_others() -> None:
    text = HEAD + (
        "On May 28, the Third Japan-Canada Policy Dialogue was held in Ottawa, Canada. The "
        "Dialogue was co-chaired by Ms. KANZAKI Haruna, Director-General for Global Issues, "
        "and Ms. Genevieve Lapointe, Director General for International Security Policy at "
        "Global Affairs Canada. Mr. ISHIGURO Takumi of the Ministry of Defense of Japan also "
        "took part."
    )
    st = _run(text)
    principals = _people(st, "principal_actors")
    assert set(principals) == {"Haruna KANZAKI", "Genevieve Lapointe"}
    assert principals["Genevieve Lapointe"]["organisation_or_country"] == "Global Affairs Canada"
    others = _people(st, "other_participants")
    assert others["Takumi ISHIGURO"]["organisation_or_country"] == "Ministry of Defense of Japan"


def test_first_person_release_is_led_by_the_author_named_in_its_header() -> None:
    text = (
        "Media release\n\nThe Hon Daniel Archer MP\nMinister for International Development and "
        "the Pacific\n\n27 June 2024\n\nSupporting Pacific women\n\n"
        "Today in Suva I met women leaders from across the Pacific.\n\n"
        "I was pleased to be joined by Fiji's Minister for Women, Children and Social "
        "Protection, the Hon Losana Vakacegu, who spoke about her Government's work."
    )
    st = _run(text)
    assert list(_people(st, "principal_actors")) == ["Daniel Archer"]
    other = _people(st, "other_participants")["Losana Vakacegu"]
    assert other["title"] == "Minister for Women, Children and Social Protection"
    assert other["organisation_or_country"] == "Fiji"
    assert _span_text(text, st, "principal_actors", "Daniel Archer") == "Daniel Archer"


def test_signatories_of_a_joint_statement_are_all_principals() -> None:
    text = (
        "Joint Statement on Resolution 1325\n\nMadrid, 31 October 2025\n\n"
        "We, the Ministers for Foreign Affairs of Chile and Norway, mark today the "
        "anniversary of resolution 1325.\n\nSigned:\n\n"
        "H.E. Ms. Carolina Valdés Ruiz, Minister of Foreign Affairs of the Republic of Chile\n"
        "Mr. Erik Solbakken, Minister of Foreign Affairs of Norway\n"
    )
    principals = _people(_run(text), "principal_actors")
    assert principals["Carolina Valdés Ruiz"]["organisation_or_country"] == "Chile"
    assert principals["Erik Solbakken"]["title"] == "Minister of Foreign Affairs"


def test_descriptions_give_title_and_nationality() -> None:
    text = HEAD + (
        "Canada's Ambassador for Women, Peace and Security, Danielle Okafor-Roy, today opened "
        "the forum. The keynote speech was delivered by Maria Elena Quispe, a Peruvian "
        "mediator who has worked on land disputes. Mr. Lars Östberg, a member of parliament "
        "from Sweden, also spoke."
    )
    st = _run(text)
    principal = _people(st, "principal_actors")["Danielle Okafor-Roy"]
    assert principal["title"] == "Ambassador for Women, Peace and Security"
    assert principal["organisation_or_country"] == "Canada"
    others = _people(st, "other_participants")
    assert others["Maria Elena Quispe"]["title"] == "mediator"
    assert others["Maria Elena Quispe"]["organisation_or_country"] == "Peru"
    assert others["Lars Östberg"]["organisation_or_country"] == "Sweden"


def test_japanese_release_is_romanised_with_family_name_in_capitals() -> None:
    text = (
        "上川外務大臣によるWPSに関する意見交換会の開催\n\n令和6年7月30日\n\n"
        "1　7月30日午後4時30分から約45分間、上川陽子外務大臣は、外務省において、有識者との"
        "意見交換会を開催しました。\n"
        "2　冒頭、上川大臣から、自らも女性の外務大臣として、WPSを推進してきた旨述べました。\n"
        "3（1）東洋国際大学の大塚健一教授から、好事例の紹介がありました。\n"
    )
    st = _run(text)
    principal = _people(st, "principal_actors")["Yoko KAMIKAWA"]
    assert principal["title"] == "Minister for Foreign Affairs"
    assert principal["organisation_or_country"] == "Japan"
    other = _people(st, "other_participants")["Kenichi OTSUKA"]
    assert other["organisation_or_country"] == "Toyo International University"
    assert _span_text(text, st, "principal_actors", "Yoko KAMIKAWA") == "上川陽子"
    assert st.get("women_count_named") == 1


def test_japanese_exchange_of_notes_is_led_by_both_sides_and_a_visitor_takes_part() -> None:
    text = (
        "報道発表\n\nケニアに対する無償資金協力に関する書簡の交換\n\n令和6年2月5日\n\n"
        "1　2月5日、ナイロビにおいて、岡田健一駐ケニア日本国特命全権大使と、"
        "マリア・ロペス国連児童基金（UNICEF）ケニア常駐代表（Ms. Maria Lopez, Resident "
        "Representative, UNICEF Kenya）との間で、書簡の交換が行われました。\n"
        "2　同日、来日中のサラ・カマウ国連人口基金（UNFPA）事務局次長も出席しました。\n"
    )
    st = _run(text)
    principals = _people(st, "principal_actors")
    assert principals["Kenichi OKADA"]["title"] == "Ambassador Extraordinary and Plenipotentiary"
    assert principals["Maria Lopez"]["title"] == "Resident Representative"
    assert "Sara Kamau" in _people(st, "other_participants")
    assert st.get("women_count_named") == 1


@pytest.mark.parametrize(
    ("written", "family_length", "expected"),
    [("上川陽子", 2, "Yoko KAMIKAWA"), ("大塚健一", None, "Kenichi OTSUKA")],
)
def test_japanese_names_drop_long_vowel_doubling(
    written: str, family_length: int | None, expected: str
) -> None:
    assert romanise_name(written, family_length) == expected


@pytest.mark.parametrize(
    ("phrase", "title", "affiliation"),
    [
        ("Minister for Foreign Affairs of Japan", "Minister for Foreign Affairs", "Japan"),
        (
            "Ambassador Extraordinary and Plenipotentiary, Permanent Representative of Japan to "
            "the United Nations",
            "Permanent Representative to the United Nations",
            "Japan",
        ),
        (
            "Special Envoy of the Chairperson of the African Union Commission on Women, Peace "
            "and Security",
            "Special Envoy of the Chairperson of the African Union Commission on Women, Peace "
            "and Security",
            "African Union Commission",
        ),
        ("the UNFPA Representative in Mozambique", "Representative in Mozambique", "UNFPA"),
        (
            "State Secretary of the Federal Department of Foreign Affairs of Switzerland",
            "State Secretary of the Federal Department of Foreign Affairs",
            "Switzerland",
        ),
        ("a youth activist from Shan State in Myanmar", "youth activist", "Myanmar"),
        ("a volunteer leader from Wajima City, Ishikawa Prefecture", "volunteer leader", None),
        ("an Afro-Colombian leader from Chocó", "Afro-Colombian leader", "Colombia"),
        ("a Dutch-Moroccan mediator", "mediator", None),
        ("Marshall Islands' Minister for Culture", "Minister for Culture", "Marshall Islands"),
        ("the Friends' Council Chair", "Chair", "Friends' Council"),
        ("a Chadian midwife", "midwife", "Chad"),
        (
            "Deputy Director of the Caribbean Community Secretariat",
            "Deputy Director",
            "Caribbean Community Secretariat",
        ),
        ("Director of the Gender Unit", "Director of the Gender Unit", None),
        (
            "Minister of State at the Ministry of Trade",
            "Minister of State at the Ministry of Trade",
            None,
        ),
        ("Trinidad and Tobago's Minister of Health", "Minister of Health", "Trinidad and Tobago"),
        (
            "Director for Arctic Affairs, Ministry of Foreign Affairs",
            "Director for Arctic Affairs",
            None,
        ),
        (
            "National Commission on Women (NCW) Chairperson",
            "Chairperson",
            "National Commission on Women",
        ),
        ("UNDP Kenya Country Director", "Country Director", "UNDP"),
        ("a nurse running mobile clinics in Kassala", "nurse", None),
        ("a youth training coordinator", "youth training coordinator", None),
        ("the school's head teacher", "head teacher", None),
        (
            "a member of a mediating team in the Nile talks",
            "member of a mediating team in the Nile talks",
            None,
        ),
        ("Senegalese mediator", "mediator", "Senegal"),
        (
            "Special Representative of the OSCE Chairpersonship on Gender",
            "Special Representative of the OSCE Chairpersonship on Gender",
            "OSCE",
        ),
    ],
)
def test_office_phrase_gives_post_and_affiliation(
    phrase: str, title: str, affiliation: str | None
) -> None:
    office = parse_office(phrase)
    assert (office.title, office.affiliation) == (title, affiliation)


def test_postnominals_are_not_part_of_the_name() -> None:
    parsed = parse_name("Clare Whitfield MP")
    assert parsed is not None
    assert parsed.display == "Clare Whitfield"


def test_peer_is_named_by_title_and_territorial_designation_is_no_affiliation() -> None:
    text = (
        "Press release\n\nForeign Secretary meets women leaders\n\n"
        "Foreign Secretary David Lammy met women leaders today in London.\n\n"
        "He was joined by the Minister for Development, Baroness Chapman of Darlington, who "
        "announced new funding."
    )
    st = _run(text)
    other = _people(st, "other_participants")["Baroness Chapman"]
    assert other["title"] == "Minister for Development"
    assert other["organisation_or_country"] != "Darlington"
    assert st.get("women_count_named") == 1


def test_speaker_who_reports_a_past_meeting_is_not_the_principal() -> None:
    text = (
        "Security Council Debate\n\nThe Security Council today held an open debate on women "
        "and peace and security.\n\nMs. Sima Bahous, Executive Director of UN Women, said "
        "that she had met survivors in Sudan.\n\nMr. Ian Martin, representative of the NGO "
        "Working Group, said that funding was falling."
    )
    st = _run(text)
    assert st.items("principal_actors") == []
    others = _people(st, "other_participants")
    assert others["Ian Martin"]["title"] == "representative"
    assert others["Ian Martin"]["organisation_or_country"] == "NGO Working Group"
    assert others["Sima Bahous"]["organisation_or_country"] == "UN Women"


def test_middle_initial_and_slashed_office_are_read() -> None:
    text = (
        "Press release\n\nEU announces support\n\nHigh Representative/Vice-President Josep "
        "Borrell and Secretary of State Antony J. Blinken today met in Brussels."
    )
    principals = _people(_run(text), "principal_actors")
    assert principals["Josep Borrell"]["title"] == "High Representative/Vice-President"
    assert principals["Antony J. Blinken"]["title"] == "Secretary of State"


def test_japanese_body_names_come_from_the_reference_data() -> None:
    text = (
        "国連日本人職員との意見交換\n\n令和6年3月18日\n\n"
        "1　3月18日，ニューヨークを訪問中の上川陽子外務大臣は，国連日本人職員との意見交換を"
        "実施しました。\n3（1）国連女性機関の山田花子氏から，取組の紹介がありました。\n"
    )
    other = _people(_run(text), "other_participants")["Hanako YAMADA"]
    assert other["organisation_or_country"] == (
        "United Nations Entity for Gender Equality and the Empowerment of Women"
    )


def test_back_reference_to_a_body_and_lower_case_office_before_the_name() -> None:
    text = HEAD + (
        "On February 9, the Seventh Meeting of the Evaluation Committee on Japan's National "
        "Action Plan on Women, Peace and Security was held. The meeting was chaired by Dr. "
        "KUNIMOTO Yuriko, Professor at Shinonome Women's University and Chair of the "
        "Committee.\n(1) The rapporteur of the Forum, Dr. Emily Hartmann of the United Nations "
        "University, presented a summary."
    )
    st = _run(text)
    principal = _people(st, "principal_actors")["Yuriko KUNIMOTO"]
    assert principal["title"] == "Chair of the Committee"
    assert principal["organisation_or_country"] == (
        "Evaluation Committee on Japan's National Action Plan on Women, Peace and Security"
    )
    other = _people(st, "other_participants")["Emily Hartmann"]
    assert (other["title"], other["organisation_or_country"]) == (
        "rapporteur",
        "United Nations University",
    )


def test_people_elected_as_co_chairs_hold_that_post() -> None:
    text = HEAD + (
        "The Network held its annual general meeting on 4 September 2024. Members elected Ms. "
        "Rosalind Tupou of Tonga and Ms. Nguyen Thi Lan of Viet Nam as co-chairs. Ms. Tupou "
        "said that the Network would focus on climate. Ms. Nguyen said that she would work "
        "with other networks."
    )
    others = _people(_run(text), "other_participants")
    assert others["Rosalind Tupou"]["title"] == "co-chair"
    assert others["Rosalind Tupou"]["organisation_or_country"] == "Tonga"
    assert others["Thi Lan Nguyen"]["title"] == "co-chair"


def test_a_name_spelt_two_ways_in_one_release_is_one_person() -> None:
    text = HEAD + (
        "On March 18, Ms. KAMIKAWA Yoko, Minister for Foreign Affairs of Japan, held a meeting "
        "with Mr. Sergiy Kiyslytsya, Permanent Representative of Ukraine to the UN.\n"
        "3. Mr. Sergiy Kyslytsya, Permanent Representative of Ukraine to the UN, introduced "
        "himself."
    )
    assert list(_people(_run(text), "other_participants")) == ["Sergiy Kiyslytsya"]


def test_capitalised_office_ends_where_the_sentence_goes_on() -> None:
    text = HEAD + (
        "On 15 September, Baroness Stern, Vice-Chair of the All Party Parliamentary Group on "
        "Women, Peace and Security chaired a meeting at the Foreign Office.\n"
        "In attendance were Baroness Verma, International Development Minister and Baroness "
        "Anelay, Special Representative on Preventing Sexual Violence in Conflict."
    )
    st = _run(text)
    principal = _people(st, "principal_actors")["Baroness Stern"]
    assert principal["organisation_or_country"] == (
        "All Party Parliamentary Group on Women, Peace and Security"
    )
    assert _people(st, "other_participants")["Baroness Verma"]["title"] == (
        "International Development Minister"
    )
    assert st.get("women_count_named") == 3


def test_future_launch_by_several_ministers_makes_them_all_principals() -> None:
    text = HEAD + (
        "At an event today, International Development Secretary Penny Mordaunt and Defence "
        "Minister Mark Lancaster will launch the fourth national action plan."
    )
    assert set(_people(_run(text), "principal_actors")) == {"Penny Mordaunt", "Mark Lancaster"}


def test_both_signatories_lead_and_a_quoted_speaker_named_after_said_is_found() -> None:
    text = (
        "SCW signs memo with UPEACE\n\nSecretary General of the Supreme Council for Women "
        "(SCW), Hala Al-Ansari, signed today a memorandum of understanding (MoU) with Dr. David "
        "Fernandez Puyana, the Permanent Observer of the United Nations University for Peace "
        "(UPEACE) to the United Nations.\n\n"
        '"Women lead," said UN Women Executive Director Sima Bahous, opening the event.'
    )
    st = _run(text)
    principals = _people(st, "principal_actors")
    assert principals["Hala Al-Ansari"]["organisation_or_country"] == "Supreme Council for Women"
    assert principals["David Fernandez Puyana"]["title"] == "Permanent Observer"
    # the signing came first, so the later speaker is another participant
    assert _people(st, "other_participants")["Sima Bahous"] == {
        "name": "Sima Bahous",
        "title": "Executive Director",
        "organisation_or_country": "UN Women",
    }


def test_official_opening_a_council_debate_leads_it() -> None:
    text = (
        "9158th Meeting (AM & PM)\n\nAt Security Council Debate, Delegates Call for Inclusion\n\n"
        "Many of the challenges are connected to the trampling of women's rights, United Nations "
        "Deputy Secretary-General Amina Mohammed told the Security Council today, opening its "
        "annual open debate on women, peace and security.\n\n“Women must lead,” she said."
    )
    st = _run(text)
    assert _people(st, "principal_actors")["Amina Mohammed"] == {
        "name": "Amina Mohammed",
        "title": "Deputy Secretary-General",
        "organisation_or_country": "United Nations",
        "gender": "f",
    }
    assert st.get("women_count_named") == 1


def test_counterpart_without_stated_country_gets_no_home_country() -> None:
    text = (
        "Australia's newly elected Foreign Minister Penny Wong will be visiting Fiji tomorrow "
        "to strengthen the partnership with Australia.\n\nAustralia will listen to its "
        "partners. She will be meeting Prime Minister and Minister for Foreign Affairs Voreqe "
        "Bainimarama."
    )
    st = _run(text)
    principal = _people(st, "principal_actors")["Penny Wong"]
    assert (principal["title"], principal["organisation_or_country"]) == (
        "Foreign Minister",
        "Australia",
    )
    other = _people(st, "other_participants")["Voreqe Bainimarama"]
    assert other["organisation_or_country"] is None


def test_japanese_release_keeps_a_guest_named_in_english_in_brackets() -> None:
    text = (
        "河野外務大臣への表敬\n\n1.  本1日午前10時00分から約15分間,河野太郎外務大臣は,訪日中の"
        "国連女性機関(UN Women)事務局長(H. E. Ms. Phumzile Mlambo-Ngcuka, Executive Director "
        "of UN Women)による表敬を受けたところ,概要は以下のとおりです。\n"
    )
    st = _run(text)
    assert _people(st, "principal_actors")["Taro KONO"]["title"] == "Minister for Foreign Affairs"
    assert _people(st, "other_participants")["Phumzile Mlambo-Ngcuka"] == {
        "name": "Phumzile Mlambo-Ngcuka",
        "title": "Executive Director",
        "organisation_or_country": "UN Women",
        "gender": "f",
    }
    assert st.get("women_count_named") == 1


def test_minister_who_issued_the_statement_is_its_author() -> None:
    text = (
        "Statement on the publication of Canada's National Action Plan\n\nMarch 28, 2024 – "
        "Ottawa, Ontario – Global Affairs Canada\n\nThe Honorable Mélanie Joly, Minister of "
        "Foreign Affairs, together with eleven other ministers, issued the following statement "
        "today:\n\n“Gender equality is a fundamental human right. It is the foundation of a "
        "more peaceful world.”"
    )
    principal = _people(_run(text), "principal_actors")["Mélanie Joly"]
    assert (principal["title"], principal["organisation_or_country"]) == (
        "Minister of Foreign Affairs",
        "Canada",
    )


def test_headline_verb_event_phrase_and_office_unit_are_not_people() -> None:
    text = (
        "Women, Peace and Security\n\nMay 16, 2024\n"
        "Minister Harcourt Meets Delegates as Nations Mark Tenth Anniversary of the Plan\n\n"
        "Minister for Trade and Development Aid Petra van Loon met Ms. Sara Quell, Director of"
        " the Fund.\n\nPress Unit, Lusaka\n"
    )
    st = _run(text)
    names = set(_people(st, "principal_actors")) | set(_people(st, "other_participants"))
    assert names == {"Petra van Loon", "Sara Quell"}


def test_irish_particle_stays_in_the_family_name() -> None:
    assert parse_name("Niamh Ó Briain").family == "Ó Briain"  # type: ignore[union-attr]


def test_family_name_with_particle_mentioned_alone_is_the_same_person() -> None:
    text = HEAD + (
        "Minister for Foreign Trade Anneke van Dijk met Ms. Sara Quell, Director of the Fund."
        " Minister Van Dijk thanked her.\n"
    )
    st = _run(text)
    names = set(_people(st, "principal_actors")) | set(_people(st, "other_participants"))
    assert names == {"Anneke van Dijk", "Sara Quell"}


def test_comma_separated_ministry_title_is_one_office_not_people() -> None:
    text = HEAD + (
        "H.E. Mr. Osei Mensah, Minister of Foreign Affairs, Regional Integration and Ghanaians"
        " Abroad of the Republic of Ghana, met Ms. Sara Quell, Director of the Fund.\n"
    )
    st = _run(text)
    people = _people(st, "principal_actors") | _people(st, "other_participants")
    assert set(people) == {"Osei Mensah", "Sara Quell"}
    assert people["Osei Mensah"]["title"] == (
        "Minister of Foreign Affairs, Regional Integration and Ghanaians Abroad"
    )


def test_japanese_foreign_minister_joined_to_her_country_by_a_nakaguro() -> None:
    text = (
        "日ケニア外相電話会談\n\n令和6年7月30日\n\n"
        "　本日午後4時から約20分間、上川陽子外務大臣は、メアリー・ジョイ・ワンジク・ケニア共和国"
        "外務大臣と電話会談を行いました。\n"
    )
    st = _run(text)
    people = _people(st, "principal_actors") | _people(st, "other_participants")
    assert len(people) == 2
    guest = next(p for name, p in people.items() if name.endswith("Joi Wanjiku"))
    assert guest["organisation_or_country"] == "Kenya"


def test_country_name_with_and_is_not_cut_before_an_office() -> None:
    text = HEAD + (
        "Ms. Sara Quell, Director of the Fund, met Antigua and Barbuda's Minister of Health,"
        " Mr. Colin Baptiste.\n"
    )
    guest = _people(_run(text), "other_participants")["Colin Baptiste"]
    assert (guest["title"], guest["organisation_or_country"]) == (
        "Minister of Health",
        "Antigua and Barbuda",
    )


def test_japanese_katakana_body_and_bare_kanji_word_before_an_office_are_no_people() -> None:
    text = (
        "日・ノルウェー外相会談\n\n本3日、田村健二外務大臣は、訪日中のイングリッド・ベルゲ・"
        "ノルウェー王国外務大臣（H.E. Ms. Ingrid Berge, Minister for Foreign Affairs of the "
        "Kingdom of Norway）と会談を行いました。田村大臣から、グリーン・ピース・フォーラムの"
        "共同議長を務めたノルウェーと連携したい旨述べました。\n"
    )
    st = _run(text)
    assert _people(st, "principal_actors").keys() == {"Kenji TAMURA"}
    others = _people(st, "other_participants")
    assert others.keys() == {"Ingrid Berge"}
    assert others["Ingrid Berge"]["organisation_or_country"] == "Norway"


def test_a_body_named_like_a_person_and_an_unnamed_post_are_no_people() -> None:
    text = HEAD + (
        "Ms. Amina Kallon, Chair of the Youth Situation Room in Liberia, described the "
        "monitoring work.\n\nFor enquiries: Programme Specialist, Regional Office for Asia\n"
    )
    st = _run(text)
    people = {**_people(st, "principal_actors"), **_people(st, "other_participants")}
    assert people.keys() == {"Amina Kallon"}


def test_statement_header_under_a_section_line_names_its_author_as_principal() -> None:
    text = (
        "Press Releases\n\nJune 2, 2025\nStatement by Press Secretary MORI Kenta on the "
        "Tenth Anniversary of the National Action Plan on Women, Peace and Security\n\n"
        "1. Today marks the tenth anniversary of the plan, and Japan renews its resolve to "
        "advance women's participation in peace processes.\n"
    )
    st = _run(text)
    principals = _people(st, "principal_actors")
    assert principals.keys() == {"Kenta MORI"}
    assert principals["Kenta MORI"]["title"] == "Press Secretary"
    assert principals["Kenta MORI"]["organisation_or_country"] == "Japan"


def test_openers_named_after_a_clock_time_lead_the_conference() -> None:
    text = HEAD + (
        "Women officers from the region met in Almaty on 4 June at a forum on policing.\n\n"
        "The forum was opened at 10:00 a.m. by Ambassador Peter Lindqvist, Head of the Centre, "
        "and Ms. Dana Omarova, Deputy Minister of Interior.\n\n"
        "Ms. Sara Novak, Senior Adviser at the Secretariat, presented the plan.\n"
    )
    st = _run(text)
    assert _people(st, "principal_actors").keys() == {"Peter Lindqvist", "Dana Omarova"}
    assert _people(st, "other_participants").keys() == {"Sara Novak"}


def test_a_country_named_as_a_place_is_not_the_home_of_an_unplaced_official() -> None:
    text = HEAD + (
        "Deputy Secretary of State Laura Quinn met today in Geneva with the Special "
        "Representative on Children and Armed Conflict, Omar Haidari. They discussed "
        "violence in the Democratic Republic of the Congo and aid to the Democratic Republic "
        "of the Congo. Deputy Secretary Quinn said that the United States expects progress.\n"
    )
    st = _run(text)
    quinn = _people(st, "principal_actors")["Laura Quinn"]
    assert quinn["organisation_or_country"] == "United States"


def test_a_kind_word_and_nationality_before_a_body_are_not_its_name() -> None:
    text = HEAD + (
        "The Minister met Ms. Irena Petrova, Director of the Kenyan NGO Safe Harbour Trust, "
        "who described shelters for survivors.\n"
    )
    st = _run(text)
    people = {**_people(st, "principal_actors"), **_people(st, "other_participants")}
    assert people["Irena Petrova"]["organisation_or_country"] == "Safe Harbour Trust"


def test_family_name_in_capitals_does_not_make_an_official_japanese() -> None:
    text = HEAD + (
        "On May 16, Mr. DUPONT Marc, Minister for Trade, who is visiting Nairobi, Kenya, "
        "held a meeting with Ms. Wanjiru Achieng, Cabinet Secretary for Gender of Kenya. "
        "France will support the Kenyan programme. Kenya welcomed the support."
    )
    st = _run(text)
    assert _people(st, "principal_actors")["Marc DUPONT"]["organisation_or_country"] == "France"
    assert (
        _people(st, "other_participants")["Wanjiru Achieng"]["organisation_or_country"] == "Kenya"
    )


def test_own_official_without_a_country_in_the_title_gets_the_home_government() -> None:
    text = HEAD + (
        "On May 16, Ms. Ana Silva, Minister for Foreign Affairs, hosted a dialogue on women, "
        "peace and security, attended by Mr. Rui Costa, Secretary of State for Defence. "
        "Portugal will fund the new network."
    )
    st = _run(text)
    assert _people(st, "other_participants")["Rui Costa"]["organisation_or_country"] == "Portugal"


_FAMILIES = ["Smith", "KAMIKAWA", "O'Neil", "al-Sabah", "Li", "Kim", "Kimura", "-Ab", "2Pac"]
_FAMILIES += ["van der Berg", "Berg", "Müller"]  # several words; not ASCII
_AROUND_FAMILIES = [" ", "-", "'", "’", "a", "smith", "KIM", "kimura", ".", "_", "é", "MÜLLER"]
# Kelvin sign, long s, dotless i, dotted capital I, full-width S
_CASE_ODDITIES = ["\u212a", "\u017f", "\u0131", "\u0130", "Ｓ"]


@settings(max_examples=300, deadline=None)
@given(
    families=st.lists(st.sampled_from(_FAMILIES), min_size=1, max_size=4, unique=True),
    pieces=st.lists(
        st.sampled_from([*_FAMILIES, *_AROUND_FAMILIES, *_CASE_ODDITIES]),
        max_size=8,
    ),
)
@example(families=["Smith"], pieces=["\u017f", "mith"])  # the long s is an s to the search
@example(families=["Li"], pieces=["\u0130", " ", "Li"])  # İ is two characters in lower case
def test_family_names_are_found_as_a_case_insensitive_search_finds_them(families, pieces):
    """The search of the lower-case copy and the case-insensitive one agree."""
    scan = "".join(pieces)
    lower = _lower_copy(scan)
    for family in families:
        pattern = rf"(?<![\w'’\-]){re.escape(family)}(?![\w'’\-])"
        expected = [m.span() for m in re.finditer(pattern, scan, re.I)]
        assert _mentions(scan, lower, family) == expected


_PRONOUN_PIECES = ["she", "She", "HER", "hers", "Herself", "he", "His", "HIM", "himself"]


@settings(max_examples=300, deadline=None)
@given(
    pieces=st.lists(
        st.sampled_from(
            [*_PRONOUN_PIECES, "hiss", "shed", "the", "h", "s", " ", ".", "_", "-", "1", "é"]
        ),
        max_size=8,
    )
)
def test_pronouns_are_read_as_the_case_insensitive_pattern_reads_them(pieces):
    """In an ASCII text from its lower-case copy, in another with the pattern itself."""
    text = "".join(pieces)
    expected = [(m.start(), m.group("her") is not None) for m in _PRONOUN_RE.finditer(text)]
    assert _pronouns(text) == expected


def test_only_lines_of_capitals_are_read_title_cased() -> None:
    heading = "STATEMENT BY H.E. MR. SATO KENJI, PERMANENT REPRESENTATIVE OF JAPAN"
    japanese = "2　石井大使は、安保理決議第1325号の採択25周年に触れ、WPSの履行を求めた。"
    scanned = _scan_text(f"{heading}\n{japanese}\nUN Women (UNDP)")
    assert scanned.split("\n") == [
        "Statement by H.E. Mr. Sato Kenji, Permanent Representative of Japan",
        japanese,  # its kanji are no capitals: "WPS" stays as written
        "UN Women (UNDP)",
    ]


def _alone_by_the_pattern(scan: str, word: str) -> bool:
    """'Ms. <word>' without a capitalised word after it, by the pattern itself."""
    pattern = re.compile(rf"\b(?:{_HONORIFIC_FORMS})\.?\s+{re.escape(word)}\b([ \xa0]\w)?")
    return any(not (m.group(1) or "")[-1:].isupper() for m in pattern.finditer(scan))


_HONORIFIC_PIECES = ["Ms", "Mr", "Mrs", "Dr", "Professor", "Nguyen", "Li", "Kim", "Kimura"]
_OTHER_PIECES = ["O'Neil", "Thi", "thi", "X", " ", "  ", "\xa0", "\n", ".", ",", "-", "_", "é"]


@settings(max_examples=400, deadline=None)
@given(
    word=st.sampled_from(["Nguyen", "Li", "Kim", "O'Neil"]),
    pieces=st.lists(st.sampled_from([*_HONORIFIC_PIECES, *_OTHER_PIECES, "1", "É"]), max_size=10),
)
@example(word="Kim", pieces=["Ms", ".", " ", "Kimura", " ", "said"])  # a longer word
@example(word="Li", pieces=["Dr", " ", "Li", " ", "Kim", " ", "Ms", " ", "Li", ","])
def test_a_name_alone_after_an_honorific_is_read_as_the_pattern_reads_it(word, pieces):
    scan = "".join(pieces)
    honorifics = [m.span() for m in _HONORIFIC_RE.finditer(scan)]
    assert _alone_after_honorific(scan, honorifics, word) == _alone_by_the_pattern(scan, word)
