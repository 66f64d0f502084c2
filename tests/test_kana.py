"""Kana in Hepburn from our own table, and no second dictionary of readings in the process.

Every name here is made up (no gold document holds it)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

import wpstrack
from wpstrack import kana
from wpstrack.extract.organisation_japanese import translate
from wpstrack.extract.people_ja import romanise_name
from wpstrack.search_index import names_romaji


@pytest.mark.parametrize(
    ("reading", "expected"),
    [
        ("サクラギ", "sakuragi"),
        ("シンイチ", "shinichi"),  # ン before a vowel: no apostrophe
        ("キョウコ", "kyouko"),  # long vowels spelled as the kana spell them
        ("ハットリ", "hattori"),  # ッ doubles the consonant after it
        ("コッチ", "kotchi"),  # ... and is a t before ch
        ("ジュンペイ", "junpei"),  # ン before p stays n
        ("ツヅキ", "tsuzuki"),
        ("チヂワ", "chijiwa"),
        ("ふじしろ", "fujishiro"),  # hiragana too
        ("ノーマ", "nooma"),  # ー repeats the vowel
        ("ティナ", "tina"),
        ("ヴィオラ", "viora"),
        ("ジェシカ", "jeshika"),
        ("ウェンディ", "wendi"),
        ("フォルテ", "forute"),
        ("ABC", "ABC"),  # not kana: unchanged
    ],
)
def test_kana_are_spelled_in_hepburn(reading: str, expected: str) -> None:
    assert kana.romaji(reading) == expected


@pytest.mark.parametrize(
    ("reading", "expected"),
    [
        ("オオノ", "ono"),
        ("ユウキ", "yuki"),
        ("コウタロウ", "kotaro"),
        ("ショウヘイ", "shohei"),
        ("イイダ", "iida"),  # a long i keeps its doubling
        ("イノウエ", "inoue"),  # o and u of two syllables before a vowel: not a long o
    ],
)
def test_names_lose_the_doubling_of_long_o_and_u(reading: str, expected: str) -> None:
    assert kana.name_romaji(reading) == expected


@pytest.mark.parametrize(
    ("written", "family_length", "expected"),
    [
        ("大野雄太", 2, "Yuta ONO"),
        ("佐々木健太", 3, "Kenta SASAKI"),
        ("河合翔平", None, "Shohei KAWAI"),
        ("新田俊介", 2, "Shunsuke NITTA"),  # read as one name: 新田 alone reads シンタ
    ],
)
def test_kanji_names_are_romanised_from_the_analysers_reading(
    written: str, family_length: int | None, expected: str
) -> None:
    assert romanise_name(written, family_length) == expected


@pytest.mark.parametrize(
    ("japanese", "expected"),
    [
        ("北斗平和研究所", "Hokuto Peace Institute"),
        ("若葉教育財団", "Wakaba Education Foundation"),
        ("札幌国際協力センター", "Sapporo International Cooperation Centre"),
    ],
)
def test_an_unknown_organisation_is_romanised_word_by_word(japanese: str, expected: str) -> None:
    assert translate(japanese) == expected


def test_search_words_spell_names_from_their_readings() -> None:
    found = dict(names_romaji("大野外務副大臣は札幌市で湘南太郎氏と会談しました。"))
    assert found["大野"] == ["ono"]
    assert found["札幌市"] == ["sapporo"]  # the place's name, without its 市
    assert found["湘南"] == ["shonan"]


def test_extracting_and_indexing_japanese_loads_no_second_reading_dictionary() -> None:
    """pykakasi (≈120 MB of kanji readings) pushed a server past its memory limit: the
    analyser's readings are all romanisation needs, so nothing may import it again."""
    code = (
        "import sys\n"
        "from wpstrack.extract.pipeline import extract_text\n"
        "from wpstrack.search_index import text_words\n"
        "text = '1　大野雄太外務副大臣は、北斗平和研究所の秋山純子所長及び"
        "ジェシカ・ノーマ国連女性機関事務局次長と会談を行いました。'\n"
        "record = extract_text(text)\n"
        "assert record['principal_actors'], record\n"
        "assert '大野|ono' in text_words(text).split()\n"
        "print(sorted(m for m in sys.modules if 'kakasi' in m or m == 'jaconv'))\n"
    )
    env = os.environ | {"PYTHONPATH": str(Path(wpstrack.__file__).parents[1])}
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
