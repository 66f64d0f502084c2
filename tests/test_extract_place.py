"""City, country and IANA zone of the event, from the gazetteer of world cities."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from functools import cache

import pytest
from spacy.language import Language

from wpstrack.extract.gazetteer import gazetteer, normalise
from wpstrack.extract.model import ExtractionState, state
from wpstrack.extract.pipeline import build_pipeline, prepare


@cache
def _nlp() -> Language:
    return build_pipeline(["release_header", "datetime", "place"])


def _run(text: str) -> ExtractionState:
    doc = prepare(_nlp(), text)
    for _name, proc in _nlp().pipeline:
        doc = proc(doc)
    return state(doc)


HEAD = "Category\n\nMarch 18, 2024\nTitle of the release\n\n"


@pytest.mark.parametrize(
    ("body", "city", "country", "zone"),
    [
        (
            "On March 18, commencing at 6:05p.m. (local time), Ms. A, who is visiting "
            "New York, the U.S. to attend a meeting, held a dialogue.",
            "New York",
            "US",
            "America/New_York",
        ),
        (
            "On March 18, at 3:45 p.m., Ms. A received Ms. B, who is visiting Japan. The overview.",
            None,
            "JP",
            "Asia/Tokyo",
        ),
        (
            "On March 18, at 10:00 a.m., Ms. A met Ms. B, who is visiting Japan, at the Ministry "
            "of Foreign Affairs in Tokyo.",
            "Tokyo",
            "JP",
            "Asia/Tokyo",
        ),
        (
            "On March 18, at 8:05 p.m. (local time), Mr. A, who is visiting Washington, D.C., "
            "the United States, held a dialogue.",
            "Washington, D.C.",
            "US",
            "America/New_York",
        ),
        (
            "On March 18, from 1:00 p.m., the symposium was held in Sendai City, Miyagi "
            "Prefecture.",
            "Sendai",
            "JP",
            "Asia/Tokyo",
        ),
        (
            "The Minister today hosted a roundtable at Lancaster House in London with "
            "peacebuilders.",
            "London",
            "GB",
            "Europe/London",
        ),
        (
            "Today in Suva I met women leaders from across the Pacific who work on peace.",
            "Suva",
            "FJ",
            "Pacific/Fiji",
        ),
        (
            "On March 18, at 0:40 a.m. (local time), Ms. A, who is visiting Auckland, New Zealand, "
            "held a telephone talk with Ms. B, who is in New York.",
            "Auckland",
            "NZ",
            "Pacific/Auckland",
        ),
        (
            "On March 18, at 7:30 p.m. (local time), Ms. A, who is visiting Sao Paulo, the "
            "Federative Republic of Brazil, held a dialogue.",
            "Sao Paulo",
            "BR",
            "America/Sao_Paulo",
        ),
        (
            "On March 18, at 9:00 a.m. (local time), Mr. A, who is visiting Ulaanbaatar, Mongolia, "
            "met the Foreign Minister.",
            "Ulaanbaatar",
            "MN",
            "Asia/Ulaanbaatar",
        ),
        (
            "On March 18, from 8:05 p.m. for about 50 minutes, Mr. A held a video conference from "
            "Tokyo with Dr. B of UNFPA.",
            "Tokyo",
            "JP",
            "Asia/Tokyo",
        ),
    ],
)
def test_event_place_from_the_event_and_lead_paragraphs(body, city, country, zone):
    text = HEAD + body
    st = _run(text)
    assert (st.get("city"), st.get("country"), st.get("timezone")) == (city, country, zone)
    mention = st.scalars["country"]
    if city is not None:
        assert text[mention.start : mention.end].startswith(city.split(",")[0])


@pytest.mark.parametrize(
    ("text", "city", "country"),
    [
        (
            "News release\n\nMONTRÉAL, QC, October 11, 2023 /CNW/ - Canada today opened a forum.",
            "Montreal",
            "CA",
        ),
        (
            "Press Release\n\nGENEVA/KATHMANDU, 4 September 2024 - IOM today launched a "
            "project.\n\n"
            "The launch ceremony took place in Kathmandu at 11:00 NPT.",
            "Kathmandu",
            "NP",
        ),
        (
            "News\n\nDate: Wednesday, 13 March 2024\n\nNew York - Local women's organizations "
            "receive little.",
            "New York",
            "US",
        ),
        (
            "PEACE AND SECURITY COUNCIL\nADDIS ABABA, ETHIOPIA\n8 MARCH 2024\n\nCOMMUNIQUÉ",
            "Addis Ababa",
            "ET",
        ),
        (
            "Speech by the Minister\n\nIveagh House, Dublin\n\nTuesday, 11 March 2025\n\nFriends,",
            "Dublin",
            "IE",
        ),
        (
            "News release\n\nOTTAWA, ON, March 8, 2024 /CNW/ - Today the Minister announced "
            "funding. "
            "The Minister made the announcement at an event in Gatineau, Quebec, where she spoke.",
            "Gatineau",
            "CA",
        ),
    ],
)
def test_dateline_when_the_body_names_no_place(text, city, country):
    st = _run(text)
    assert (st.get("city"), st.get("country")) == (city, country)


@pytest.mark.parametrize(
    "text",
    [
        HEAD + "On April 16, from 9:15 p.m. for 20 minutes, Ms. A held a telephone talk with "
        "Ms. B, Minister of the Kingdom of Sweden.",
        "Summary\n\nThe Network held its meeting virtually on 6 June 2024 at 14:00 CEST.",
        "PSC\n\n8 March 2024\n\nThe open session on Women's Participation in Political Transitions "
        "in Africa was held with speakers from many countries.",
    ],
)
def test_no_place_where_none_is_stated(text):
    st = _run(text)
    assert (st.get("city"), st.get("country")) == (None, None)


def test_japanese_release_place():
    text = (
        "題名\n\n令和6年7月30日\n\n1　7月30日午後4時30分から、大臣は外務省（東京都千代田区）に"
        "おいて会を開催しました。"
    )
    st = _run(text)
    assert (st.get("city"), st.get("country")) == ("Tokyo", "JP")
    mention = st.scalars["city"]
    assert text[mention.start : mention.end] == "東京都"


def test_gazetteer_is_built_once_and_covers_world_cities():
    assert gazetteer() is gazetteer()
    assert gazetteer().city("Kinshasa").country == "CD"
    assert gazetteer().city("Cox's Bazar").country == "BD"
    assert gazetteer().country("the Hashemite Kingdom of Jordan") == "JO"
    assert normalise("MONTRÉAL") == normalise("Montreal")


def test_a_name_shared_by_cities_gives_the_most_populous_unless_a_country_is_stated():
    gaz = gazetteer()
    assert (gaz.city("Cambridge").country, gaz.city("Cambridge", "US").country) == ("GB", "US")
    assert gaz.city("Cambridge", "JP") is None
    assert gaz.city("London").population > gaz.city("London", "CA").population
    assert gaz.cjk_city("ジュネーヴ") == gaz.cjk_city("ジュネーブ")
    assert gaz.cjk_city("ジュネーブ").name == "Geneva"
    assert "Kinshasa" in gaz.city_names() and len(gaz.city_names()) > 30_000


def test_a_place_is_sought_in_the_tables_once_while_remembered(monkeypatch):
    from wpstrack.extract import gazetteer as gazetteer_module

    gaz = gazetteer()
    queries: list[tuple[str, ...]] = []

    class Counting:
        def __init__(self, db):
            self.db = db

        def execute(self, sql, values=()):
            queries.append(tuple(values))
            return self.db.execute(sql, values)

    monkeypatch.setattr(gaz, "_db", Counting(gaz._db))
    monkeypatch.setattr(gaz, "_found", {})
    monkeypatch.setattr(gazetteer_module, "_LOOKUPS_KEPT", 2)
    assert gaz.city("Geneva").country == gaz.city("Geneva").country == "CH"
    assert gaz.city("Minister") is None and gaz.city("Minister") is None
    assert queries == [("geneva",), ("minister",)]
    assert gaz.city("Cambridge", "US").country == "US"  # a third: the memory starts afresh
    assert gaz.city("Geneva").country == "CH"
    assert queries[2:] == [("cambridge", "US"), ("geneva",)]


def test_threads_look_places_up_at_once():
    """A web server extracts in threads: they share the process's one gazetteer."""
    names = ["Geneva", "Nairobi", "Cambridge", "Minister", "Tokyo"] * 200
    alone = [gazetteer().city(name) for name in names]
    with ThreadPoolExecutor(8) as pool:
        assert list(pool.map(gazetteer().city, names)) == alone


def test_japanese_release_city_in_katakana():
    text = (
        "題名\n\n令和6年3月18日\n\n1　3月18日午後6時5分（現地時間）から、ニューヨーク訪問中の"
        "大臣は会談を行いました。"
    )
    st = _run(text)
    assert (st.get("city"), st.get("country")) == ("New York", "US")
    mention = st.scalars["city"]
    assert text[mention.start : mention.end] == "ニューヨーク"


@pytest.mark.parametrize(
    ("text", "city", "country"),
    [
        (
            HEAD + "On March 18, at 9:00 a.m., Mr. A, who is visiting the United States, met B.",
            None,
            "US",
        ),
        (HEAD + "From March 17 to 19, Mr. A visited Paris, France, and met B.", "Paris", "FR"),
        (
            ("Press release\n\nGENEVA (5 June 2024) – The Office today said that it had met."),
            "Geneva",
            "CH",
        ),
        (
            ("Press release\n\nNEW YORK, 24 October -- The Security Council today met."),
            "New York",
            "US",
        ),
    ],
)
def test_more_official_place_phrases(text, city, country):
    st = _run(text)
    assert (st.get("city"), st.get("country")) == (city, country)


@pytest.mark.parametrize(
    ("written", "city", "country"),
    [("Mexico City", "Mexico City", "MX"), ("New York City", "New York", "US")],
)
def test_city_keeps_city_only_where_the_rest_names_a_country(written, city, country):
    text = HEAD + f"On March 18, at 9:00 a.m., Mr. A, who is visiting {written}, met B."
    st = _run(text)
    assert (st.get("city"), st.get("country")) == (city, country)


@pytest.mark.parametrize(
    ("text", "city", "country"),
    [
        (
            "Speech\n\nPublished 23 October 2025\nLocation: New York\n\nThank you, President.",
            "New York",
            "US",
        ),
        (
            "Media advisory\n\nDecember 2, 2025 - Ottawa, Ontario - Global Affairs Canada\n\n"
            "The Minister will meet women's organisations based in Port-au-Prince.\n\n"
            "Location:\nLester B. Pearson Building\n125 Sussex Drive\nOttawa, Ontario\n",
            "Ottawa",
            "CA",
        ),
        (
            "COMMUNIQUÉ\n\nThe Council, at its meeting held on 6 August, adopted this text.\n\n"
            "1. Decides to remain seized of the matter.\n\n"
            "Adopted in Addis Ababa, Ethiopia, 6 August 2025",
            "Addis Ababa",
            "ET",
        ),
    ],
)
def test_labelled_location_and_closing_line(text, city, country):
    st = _run(text)
    assert (st.get("city"), st.get("country")) == (city, country)


def test_a_long_last_paragraph_is_not_a_closing_line():
    text = (
        HEAD + "On April 16, from 9:15 p.m., Ms. A held a telephone talk with Ms. B.\n\n"
        "Both sides exchanged views on the humanitarian situation and on further cooperation.\n\n"
        "They agreed to keep in close contact on women, peace and security in the months ahead.\n\n"
        "(1) The two sides discussed the conference on Sudan held in Paris the previous day "
        "and shared serious concern about the situation of women and girls on 15 April 2024."
    )
    assert _run(text).get("city") is None


@pytest.mark.parametrize(
    ("text", "city", "country"),
    [
        (
            HEAD + "On March 18, from 4:00 p.m. to 4:30 p.m. (JST), Mr. A, Minister for Foreign "
            "Affairs, held a video conference with Ms. B, Executive Director of UNICEF, who was "
            "in Geneva, Switzerland, after her visit to the region.",
            None,
            None,
        ),
        (
            HEAD + "On March 18, Mr. A, Minister for Foreign Affairs, held a telephone talk with "
            "Mr. B, Foreign Minister of Fiji, who is in Suva, on the regional situation.",
            None,
            None,
        ),
        (
            "報道発表\n\n外務大臣とＡ氏との会談\n\n2024年3月18日\n\n1　3月18日午後3時から約30分間、"
            "外務大臣は、来日中のＡ国連機関事務局次長の表敬を受けました。",
            None,
            "JP",
        ),
        (
            HEAD + "1. The Vice Minister delivered opening remarks at the forum co-hosted by the "
            "Ministry at the Grand Hotel Bangkok on March 18 (Mon.), attended by 100 guests.",
            "Bangkok",
            "TH",
        ),
        (
            HEAD + "The Council held its meeting at the Hilton Nairobi on 18 March 2024, with "
            "representatives of the Member States and partners.",
            "Nairobi",
            "KE",
        ),
    ],
)
def test_remote_counterparts_visiting_japan_and_hotels_named_with_their_city(text, city, country):
    st = _run(text)
    assert (st.get("city"), st.get("country")) == (city, country)
