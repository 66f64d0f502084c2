"""The tree-shaped alternation matches what the longest-first alternation it replaces does."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from wpstrack.extract.alternation import literal_alternation
from wpstrack.extract.gazetteer import country_names_re


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
