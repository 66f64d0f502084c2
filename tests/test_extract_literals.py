"""The tree-shaped alternation matches what the longest-first alternation it replaces does."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wpstrack.extract.gazetteer import country_names_re
from wpstrack.extract.literals import at_word_start, literal_alternation, written_at


def _plain(words: list[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


def _matches(source: str, text: str) -> list[tuple[int, int]]:
    return [m.span() for m in re.finditer(source, text)]


def test_the_longer_word_is_tried_first():
    source = literal_alternation(["Niger", "Nigeria", "N"])
    assert re.fullmatch(source, "Nigeria")
    assert [m.group() for m in re.finditer(source, "Nigeria and Niger, Nauru")] == [
        "Nigeria",
        "Niger",
        "N",
    ]


def test_a_following_pattern_backs_off_to_the_shorter_word():
    source = literal_alternation(["New York", "New York City"])
    found = re.finditer(rf"(?:{source})(?! Hall)", "New York City Hall, New York City")
    assert [m.group() for m in found] == ["New York", "New York City"]


def test_special_characters_are_literal():
    source = literal_alternation(["U.S.", "U.K.", "(UN)", "a+b", "日本"])
    assert _matches(source, "UxSx U.S. (UN) a+b 日本") == [(5, 9), (10, 14), (15, 18), (19, 21)]


def test_no_words_match_nothing():
    assert list(written_at("anything", "")) == []
    assert _matches(literal_alternation([]), "anything") == []
    assert _matches(literal_alternation([""]), "anything") == []


def test_country_names_end_at_a_word_boundary():
    found = [m.group() for m in country_names_re().finditer("Nigerian aid to the Niger, Japan")]
    assert found == ["the Niger", "Japan"]


WORDS = st.lists(st.text(alphabet="abAB.-日 ", min_size=1, max_size=6), min_size=1, max_size=12)


@settings(max_examples=300, deadline=None)
@given(words=WORDS, text=st.text(alphabet="abAB.-日 x", max_size=60))
def test_same_matches_as_the_longest_first_alternation(words, text):
    for tail in ("", r"(?![a-z])", r"(?=\s|$)"):
        assert _matches(f"(?:{literal_alternation(words)}){tail}", text) == _matches(
            f"(?:{_plain(words)}){tail}", text
        )


@pytest.mark.parametrize(
    ("text", "word", "word_char"),
    [
        ("UN Women and the UN, UNDP", "UN", r"\w"),  # inside a longer word or name
        ("(UN)UN_UN2 UN.UN", "UN", r"\w"),  # brackets and full stops bound, _ and digits do not
        ("aaaa aa", "aa", r"\w"),  # matches do not overlap
        ("éUNDP UNDPé UNDP", "UNDP", r"\w"),  # accented letters are word characters
        ("EU-Japan EU, EU", "EU", r"[\w-]"),  # a hyphenated name, where asked
        ("EU-Japan EU", "EU", r"\w"),
    ],
)
def test_a_word_is_found_where_the_bounded_pattern_finds_it(text, word, word_char):
    escaped = re.escape(word)
    bounded = rf"(?<!{word_char}){escaped}(?!{word_char})"
    expected = [m.span() for m in re.finditer(bounded, text)]
    assert expected
    assert list(written_at(text, word, re.compile(word_char))) == expected


@settings(max_examples=300, deadline=None)
@given(
    text=st.text(alphabet="ab_-. é", max_size=30),
    word=st.text(alphabet="ab-.", min_size=1, max_size=3),
)
def test_written_at_agrees_with_the_bounded_pattern(text, word):
    expected = [m.span() for m in re.finditer(rf"(?<!\w){re.escape(word)}(?!\w)", text)]
    assert list(written_at(text, word)) == expected


_ALTERNATIVES = [
    "[sh]e",
    "s",
    "she",
    "said",
    "sa[iy]d?",
    "[Ww]e",
    "we will",
    "é[a-z]+",
    "a(?:b|bb)+",
    "b",
]


@settings(max_examples=300, deadline=None)
@given(
    text=st.text(alphabet="sheaidybWwé .\n-_1", max_size=40),
    chosen=st.lists(st.sampled_from(_ALTERNATIVES), min_size=1, max_size=5, unique=True),
    start=st.integers(0, 10),
)
def test_at_word_start_finds_what_the_bounded_alternation_finds(text, chosen, start):
    """Same matches, in the same order of trial, from any start (the letter before it
    counts as it does for a word boundary)."""
    alternation = "|".join(chosen)
    plain = re.compile(rf"\b(?:{alternation})")
    rewritten = re.compile(at_word_start(alternation))
    assert [m.span() for m in rewritten.finditer(text, start)] == [
        m.span() for m in plain.finditer(text, start)
    ]
    found, expected = rewritten.search(text, start), plain.search(text, start)
    assert (found and found.span()) == (expected and expected.span())


@pytest.mark.parametrize("alternation", ["s?he", "(?:she|he)", "1st", "\\bhe", "[s-z]e"])
def test_at_word_start_refuses_an_alternative_without_a_first_letter(alternation):
    with pytest.raises(ValueError):
        at_word_start(alternation)
