"""Kana in the Latin alphabet: Hepburn without macrons, from a table of our own.

The analyser (:mod:`wpstrack.japanese`) already says how every word reads, in katakana
(上川陽子 → カミカワ ヨウコ), so turning a name into Latin letters needs only the kana: no
second dictionary of kanji readings. That second dictionary (pykakasi's, about 120 MB
resident) was what pushed a server reading its first Japanese document, and each ingestion
worker, over their memory limits (bench/RESULTS.md, stop 11).

The spelling is the one English texts use for Japanese names, which is also what the gold
sets hold: revised Hepburn (シ shi, チ chi, ツ tsu, フ fu, ジ and ヂ ji, ン always n),
without macrons or apostrophes (ケンイチ → kenichi). A long vowel stays spelled as the kana
spell it (トウキョウ → toukyou, ー repeats the vowel: ノーリ → noori): whether it loses its
doubling depends on the use (:func:`name_romaji` for names). Katakana for foreign sounds
follows the common transcriptions (ティ ti, ディ di, ファ fa, ウィ wi, ヴァ va). jaconv's
``kana2alphabet`` was the alternative; it writes ー as "-", ッチ as "xtsuchi" and チェ as
"chie", so it would have needed as many fixes as this table has lines.
"""

from __future__ import annotations

import re
from functools import lru_cache

__all__ = ["name_romaji", "romaji"]

# One kana (katakana; hiragana is shifted onto it first). Small kana on their own read as
# their vowel or syllable.
_SINGLE = {
    kana: roman
    for row, romans in (
        ("アイウエオ", ("a", "i", "u", "e", "o")),
        ("カキクケコ", ("ka", "ki", "ku", "ke", "ko")),
        ("サシスセソ", ("sa", "shi", "su", "se", "so")),
        ("タチツテト", ("ta", "chi", "tsu", "te", "to")),
        ("ナニヌネノ", ("na", "ni", "nu", "ne", "no")),
        ("ハヒフヘホ", ("ha", "hi", "fu", "he", "ho")),
        ("マミムメモ", ("ma", "mi", "mu", "me", "mo")),
        ("ヤユヨ", ("ya", "yu", "yo")),
        ("ラリルレロ", ("ra", "ri", "ru", "re", "ro")),
        ("ワヰヱヲン", ("wa", "i", "e", "o", "n")),
        ("ガギグゲゴ", ("ga", "gi", "gu", "ge", "go")),
        ("ザジズゼゾ", ("za", "ji", "zu", "ze", "zo")),
        ("ダヂヅデド", ("da", "ji", "zu", "de", "do")),
        ("バビブベボ", ("ba", "bi", "bu", "be", "bo")),
        ("パピプペポ", ("pa", "pi", "pu", "pe", "po")),
        ("ヴ", ("vu",)),
        ("ァィゥェォ", ("a", "i", "u", "e", "o")),
        ("ャュョヮ", ("ya", "yu", "yo", "wa")),
        ("ヵヶ", ("ka", "ke")),
    )
    for kana, roman in zip(row, romans, strict=True)
}

# A kana and the small kana after it, read as one syllable.
_YOON = {"ャ": "a", "ュ": "u", "ョ": "o"}
_PAIRS: dict[str, str] = {
    # キャ kya ... : the i-column kana whose consonant takes a y before the small ya, yu, yo.
    **{
        kana + small: consonant + "y" + vowel
        for kana, consonant in zip("キギニヒビピミリ", "kgnhbpmr", strict=True)
        for small, vowel in _YOON.items()
    },
    # シャ sha, チャ cha, ジャ ja, ヂャ ja: the consonant is already palatal.
    **{
        kana + small: consonant + vowel
        for kana, consonant in zip("シチジヂ", ("sh", "ch", "j", "j"), strict=True)
        for small, vowel in _YOON.items()
    },
    "シェ": "she",
    "チェ": "che",
    "ジェ": "je",
    "ヂェ": "je",
    "イェ": "ye",
    "スィ": "si",
    "ズィ": "zi",
    "ティ": "ti",
    "ディ": "di",
    "トゥ": "tu",
    "ドゥ": "du",
    "テュ": "tyu",
    "デュ": "dyu",
    "ツァ": "tsa",
    "ツィ": "tsi",
    "ツェ": "tse",
    "ツォ": "tso",
    "ファ": "fa",
    "フィ": "fi",
    "フェ": "fe",
    "フォ": "fo",
    "フュ": "fyu",
    "ウィ": "wi",
    "ウェ": "we",
    "ウォ": "wo",
    "ヴァ": "va",
    "ヴィ": "vi",
    "ヴェ": "ve",
    "ヴォ": "vo",
    "ヴュ": "vyu",
    "クァ": "kwa",
    "クィ": "kwi",
    "クェ": "kwe",
    "クォ": "kwo",
    "グァ": "gwa",
}

_SOKUON = "ッ"  # doubles the consonant after it
_CHOON = "ー"  # lengthens the vowel before it
_VOWELS = frozenset("aeiou")
_CONSONANTS = frozenset("bcdfghjkmnprstvwyz")
# Hiragana ぁ..ゖ sit 0x60 below their katakana.
_HIRAGANA = {code: code + 0x60 for code in range(0x3041, 0x3097)}


def romaji(kana: str) -> str:
    """Kana in Hepburn, lower case, long vowels spelled as the kana spell them
    (``トウキョウ`` → ``toukyou``, ``ノーリ`` → ``noori``); anything else passes unchanged."""
    text = kana.translate(_HIRAGANA)
    out: list[str] = []
    double = False  # a ッ waits for the consonant it doubles
    i = 0
    while i < len(text):
        char = text[i]
        if char == _SOKUON:
            double, i = True, i + 1
            continue
        syllable = _PAIRS.get(text[i : i + 2])
        width = 2 if syllable else 1
        if syllable is None:
            syllable = _SINGLE.get(char)
        if syllable is None:
            if char == _CHOON and out and out[-1][-1:] in _VOWELS:
                syllable = out[-1][-1]
            else:
                syllable = "" if char == _CHOON else char
        if double and syllable[:1] in _CONSONANTS and syllable != "n":
            syllable = ("t" if syllable.startswith("ch") else syllable[0]) + syllable
        double = False
        out.append(syllable)
        i += width
    return "".join(out)


# A long o or u written oo, ou or uu loses its doubling before a consonant or at the end,
# as it loses its macron in English spellings (Ōtsuka → Otsuka, Kōno → Kono, Yūko → Yuko).
_LONG_VOWEL = re.compile(r"(o)[ou](?=[^aeiou]|$)|(u)u(?=[^aeiou]|$)")


@lru_cache(maxsize=4096)
def name_romaji(kana: str) -> str:
    """A Japanese name's reading as English texts spell it (``オオツカ`` → ``otsuka``,
    ``トウキョウ`` → ``tokyo``); a long i, e or a stays doubled (``イイダ`` → ``iida``).

    Kept per reading: the same names recur from release to release, and the substitution's
    group template is expanded in Python each time it runs.
    """
    return _LONG_VOWEL.sub(r"\1\2", romaji(kana))
