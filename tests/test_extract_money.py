"""Amounts of money with their currency."""

from __future__ import annotations

from functools import cache

import pytest
from spacy.language import Language

from wpstrack.extract.model import state
from wpstrack.extract.pipeline import build_pipeline, prepare


@cache
def _nlp() -> Language:
    return build_pipeline(["release_header", "datetime", "place", "money"])


def _money(text: str) -> list[dict]:
    doc = prepare(_nlp(), text)
    for _name, proc in _nlp().pipeline:
        doc = proc(doc)
    found = state(doc).lists.get("money", [])
    for mention in found:
        assert text[mention.start : mention.end] == mention.value["text"]
    return [m.value for m in found]


@pytest.mark.parametrize(
    ("text", "amount", "currency", "surface"),
    [
        (
            "Japan extended a grant of 500 million yen through UNFPA.",
            500e6,
            "JPY",
            "500 million yen",
        ),
        ("a contribution of JPY 2.3 million to the project", 2.3e6, "JPY", "JPY 2.3 million"),
        ("Japan will contribute US$1.5 million to UNFPA.", 1.5e6, "USD", "US$1.5 million"),
        ("Japan has decided to provide USD 3.2 million", 3.2e6, "USD", "USD 3.2 million"),
        (
            "its contribution of 2 million US dollars to the Fund",
            2e6,
            "USD",
            "2 million US dollars",
        ),
        ("the UK pledges £12 million for women's organisations", 12e6, "GBP", "£12 million"),
        (
            "a grant of 428 million Japanese yen for the project",
            428e6,
            "JPY",
            "428 million Japanese yen",
        ),
        ("EU and UNFPA sign EUR 10 million agreement", 10e6, "EUR", "EUR 10 million"),
        ("NOK 40 million in additional support", 40e6, "NOK", "NOK 40 million"),
        ("a further 1 billion yen through JICA", 1e9, "JPY", "1 billion yen"),
        ("日本政府は約5億円の無償資金協力を行う", 5e8, "JPY", "5億円"),
    ],
)
def test_amount_and_currency(text, amount, currency, surface):
    found = _money(text)
    assert found[0] == {"amount": amount, "currency": currency, "text": surface}


def test_an_amount_and_its_conversion_are_two_amounts():
    found = _money("a contribution of JPY 280 million (approximately USD 1.8 million) from Japan")
    assert [(m["amount"], m["currency"]) for m in found] == [(280e6, "JPY"), (1.8e6, "USD")]


def test_a_bare_dollar_takes_the_dollar_of_the_event_country():
    text = (
        "News release\n\nOTTAWA, ON, March 8, 2024 /CNW/ - Today the Minister announced $45 "
        "million in new funding at an event in Gatineau, Quebec, for women's organizations."
    )
    assert _money(text)[0]["currency"] == "CAD"


def test_numbers_without_currency_are_not_money():
    assert _money("more than 40 speakers from 25 countries and 30 per cent of seats") == []
