"""Japanese releases read through the analyser's words: people, roles, office-holders,
romanisation, the event's place, date and kind. Every text here is made up in MOFA style."""

from __future__ import annotations

from datetime import date
from functools import cache
from typing import Any

import pytest
from spacy.language import Language

from wpstrack.extract import japanese_names, people_ja
from wpstrack.extract.model import ExtractionState, state
from wpstrack.extract.pipeline import build_pipeline, prepare

HEAD = "報道発表\n\n{headline}\n\n令和7年5月20日\n\n"


@cache
def _nlp() -> Language:
    return build_pipeline()


def _run(text: str) -> ExtractionState:
    doc = prepare(_nlp(), text)
    for _name, proc in _nlp().pipeline:
        doc = proc(doc)
    return state(doc)


def _people(st: ExtractionState, field: str) -> dict[str, dict[str, Any]]:
    return {p["name"]: p for p in st.items(field)}


def test_subject_leads_and_the_partner_of_to_takes_part() -> None:
    text = HEAD.format(headline="日・ペルー外相会談") + (
        "1　5月19日午後3時から約40分間、森田和夫外務大臣は、訪日中のルシア・ベガ・ペルー外務大臣と"
        "会談を行いました。\n2　森田大臣から、女性の参画の重要性を述べました。\n"
    )
    st = _run(text)
    assert _people(st, "principal_actors") == {
        "Kazuo MORITA": {
            "name": "Kazuo MORITA",
            "title": "Minister for Foreign Affairs",
            "organisation_or_country": "Japan",
        }
    }
    assert set(_people(st, "other_participants")) == {"Rusia Bega"}
    assert st.get("event_type") == "bilateral_meeting"
    assert st.get("date") == "2025-05-19"  # the lead's date, not the page's 5月20日


def test_co_chairs_lead_together() -> None:
    text = HEAD.format(headline="第3回日・チリWPS対話の開催") + (
        "1　5月18日、サンティアゴにおいて、第3回日・チリWPS対話が開催されました。日本側からは"
        "石川奈緒外務省総合外交政策局審議官が、チリ側からはカミラ・ロハス外務省次官補が共同議長を"
        "務めました。\n"
    )
    st = _run(text)
    leads = _people(st, "principal_actors")
    assert set(leads) == {"Nao ISHIKAWA", "Kamira Rohas"}
    assert leads["Nao ISHIKAWA"]["title"] == "Deputy Director-General, Foreign Policy Bureau"
    assert leads["Nao ISHIKAWA"]["organisation_or_country"] == "Ministry of Foreign Affairs"
    assert (st.get("city"), st.get("country"), st.get("event_type")) == (
        "Santiago",
        "CL",
        "dialogue",
    )


def test_both_sides_of_an_exchange_of_notes_lead_and_a_foreign_ministry_is_translated() -> None:
    text = HEAD.format(headline="タンザニアに対する無償資金協力に関する書簡の交換") + (
        "5月16日（現地時間同日）、ドドマにおいて、吉田健駐タンザニア日本国特命全権大使と、"
        "ピーター・ムワカ・タンザニア財務・計画省事務次官との間で、書簡の交換が行われました。\n"
    )
    st = _run(text)
    leads = _people(st, "principal_actors")
    assert leads["Ken YOSHIDA"]["organisation_or_country"] == "Japan"
    assert leads["Piitaa Muwaka"]["organisation_or_country"] == "Ministry of Finance and Planning"
    assert leads["Piitaa Muwaka"]["title"] == "Permanent Secretary"
    assert st.get("event_type") == "exchange_of_notes"
    assert st.get("date") == "2025-05-16"


def test_katakana_name_of_an_office_holder_takes_her_own_spelling() -> None:
    text = HEAD.format(headline="国連女性機関事務局長による表敬") + (
        "1　本20日、森田和夫外務大臣は、訪日中のシマ・バフース国連女性機関（UN Women）事務局長"
        "による表敬を受けました。\n2　バフース事務局長から、日本の支援に謝意が表明されました。\n"
    )
    st = _run(text)
    guest = _people(st, "other_participants")["Sima BAHOUS"]
    assert (guest["title"], guest["organisation_or_country"]) == ("Executive Director", "UN Women")
    assert st.get("event_type") == "courtesy_call"


def test_family_name_alone_resolves_only_to_a_holder_in_office_that_day() -> None:
    holder = japanese_names.find_holder("バフース", "事務局長", date(2024, 3, 1))
    assert holder is not None and holder.name == "Sima BAHOUS"
    assert japanese_names.find_holder("バフース", "大使", date(2024, 3, 1)) is None
    kishida = japanese_names.find_holder("岸田", "外務大臣", date(2016, 5, 1))
    assert kishida is not None and kishida.office == "Minister for Foreign Affairs"
    assert japanese_names.find_holder("岸田", "外務大臣", date(2023, 5, 1)) is None  # PM then


def test_statement_signed_at_its_foot_names_its_author() -> None:
    text = (
        "談話\n\n外務大臣談話\n\n令和7年5月20日\n\n1　本日、WPSに関する決議の採択を歓迎します。"
        "\n\n外務大臣　森田 和夫\n"
    )
    st = _run(text)
    assert set(_people(st, "principal_actors")) == {"Kazuo MORITA"}
    assert st.get("event_type") == "statement"


@pytest.mark.parametrize(
    ("lead", "city", "country"),
    [
        ("5月19日、ニューヨークの国連本部において、公開討論が開催されました。", "New York", "US"),
        ("5月19日、ヨルダンを訪問中の森田和夫外務大臣は、難民キャンプを視察しました。", None, "JO"),
        ("5月19日、外務省において、協力覚書への署名が行われました。", None, "JP"),
        (
            "5月19日、国際連合大学（東京都渋谷区）において、シンポジウムを開催しました。",
            "Tokyo",
            "JP",
        ),
    ],
)
def test_place_comes_from_the_lead_phrase(lead: str, city: str | None, country: str) -> None:
    st = _run(HEAD.format(headline="WPSに関する取組") + "1　" + lead + "\n")
    assert (st.get("city"), st.get("country")) == (city, country)


def test_background_place_after_the_lead_is_not_the_event_place() -> None:
    text = HEAD.format(headline="日・ペルー外相電話会談") + (
        "1　5月19日、森田和夫外務大臣は、ルシア・ベガ・ペルー外務大臣と電話会談を行いました。\n"
        "2　両外相は、スーダンにおいて女性が置かれている状況に懸念を表明しました。\n"
    )
    st = _run(text)
    assert (st.get("city"), st.get("country")) == (None, None)
    assert st.get("event_type") == "telephone_talk"


def test_josei_marks_only_the_person_it_describes() -> None:
    text = HEAD.format(headline="日・ペルー外相会談") + (
        "1　5月19日、森田和夫外務大臣は、ルシア・ベガ・ペルー外務大臣と会談を行いました。\n"
        "2　ベガ外相から、ペルーの国別行動計画の下で女性警察官の派遣を増やす考えが示されました。\n"
    )
    assert int(_run(text).get("women_count_named") or 0) == 0


@pytest.mark.parametrize(
    ("written", "expected"), [("サントス", "Santos"), ("ロッシ", "Rossi"), ("ムテシ", "Mutesi")]
)
def test_katakana_foreign_names_follow_transcription_conventions(
    written: str, expected: str
) -> None:
    assert japanese_names.romanise_foreign(written) == expected


def test_kanji_name_is_read_from_the_dictionary_reading() -> None:
    records, _women = people_ja.extract("1　河野太郎外務大臣は、会談を行いました。")
    assert records[0][1]["name"] == "Taro KONO"  # コウノ: the long vowel loses its doubling


def test_scrambled_japanese_gives_people_with_exact_spans_or_none() -> None:
    import random

    pieces = [
        *"岡田直美外務大臣はとのが、。・（）氏ニャラジムテシ国連女性機関事務局次長共同議長駐日本大使",
        "ケニア共和国",
        "において",
        "訪問中",
        "\n1\u3000",
        "女性である両",
        "（H.E. Ms. Ana Lopez, Minister）",
    ]
    rng = random.Random(7)
    for _ in range(300):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 80)))
        records, women = people_ja.extract(text)
        for _field, value, start, end in records:
            assert 0 <= start < end <= len(text) and value["name"].strip()
        assert all(0 <= s < e <= len(text) for s, e in women)
