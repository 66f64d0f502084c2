"""Component ``money``: amounts of money with their currency ("500 million yen", "JPY 2.3
million", "US$1.5 million", "£12 million", "2 million US dollars", "約5億円").

Each amount is stored as ``{"amount": float, "currency": ISO 4217 code, "text": surface}``.
A bare "$" names no country: it takes the dollar of the event's country where that country
uses one (Canada, Australia...), else the US dollar, with a lower confidence.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from spacy.language import Language
from spacy.tokens import Doc

from wpstrack.extract.gazetteer import gazetteer
from wpstrack.extract.model import ExtractionState, doc_text, state

_SYMBOLS = {
    "US$": "USD",
    "USD": "USD",
    "JPY": "JPY",
    "EUR": "EUR",
    "GBP": "GBP",
    "NOK": "NOK",
    "SEK": "SEK",
    "DKK": "DKK",
    "CHF": "CHF",
    "CAD": "CAD",
    "AUD": "AUD",
    "NZD": "NZD",
    "CNY": "CNY",
    "KRW": "KRW",
    "INR": "INR",
    "A$": "AUD",
    "AU$": "AUD",
    "C$": "CAD",
    "CA$": "CAD",
    "NZ$": "NZD",
    "€": "EUR",
    "£": "GBP",
    "¥": "JPY",
    "$": "",
}
_WORDS = {
    "us dollars": "USD",
    "u.s. dollars": "USD",
    "united states dollars": "USD",
    "dollars": "",
    "japanese yen": "JPY",
    "yen": "JPY",
    "euros": "EUR",
    "euro": "EUR",
    "pounds sterling": "GBP",
    "pounds": "GBP",
    "norwegian kroner": "NOK",
    "kroner": "NOK",
    "swiss francs": "CHF",
    "canadian dollars": "CAD",
    "australian dollars": "AUD",
}
_SCALES = {
    "thousand": 1e3,
    "k": 1e3,
    "million": 1e6,
    "m": 1e6,
    "mn": 1e6,
    "billion": 1e9,
    "bn": 1e9,
}
_AMOUNT = r"(?P<amount>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
_SCALE = r"(?:\s*(?P<scale>million|billion|thousand|mn|bn|m|k)\b)?"
_SYMBOL_ALT = "|".join(re.escape(s) for s in sorted(_SYMBOLS, key=len, reverse=True))
_WORD_ALT = "|".join(
    w.replace(" ", r"\s+").replace(".", r"\.") for w in sorted(_WORDS, key=len, reverse=True)
)
PREFIX_RE = re.compile(rf"(?P<cur>{_SYMBOL_ALT})\s?{_AMOUNT}{_SCALE}")
SUFFIX_RE = re.compile(rf"\b{_AMOUNT}{_SCALE}\s+(?P<cur>{_WORD_ALT})\b", re.IGNORECASE)
# What must occur (in the lower-cased text) for each pattern to match: a cheap prefilter.
MONEY_NEEDLES = {
    PREFIX_RE: tuple(symbol.lower() for symbol in _SYMBOLS),
    SUFFIX_RE: ("dollar", "yen", "euro", "pound", "kroner", "franc"),
}
# Every part before the currency is optional: the leading lookahead names what a match starts
# with (a digit, or the currency's first character), so that the regex engine passes over the
# other characters fast instead of trying each optional part at each.
JAPANESE_RE = re.compile(
    r"(?=[\d円米ドユ])"
    r"(?:(?P<oku>\d[\d,]*(?:\.\d+)?)億)?(?:(?P<man>\d[\d,]*(?:\.\d+)?)万)?(?P<units>\d[\d,]*)?"
    r"(?P<cur>円|(?:米)?ドル|ユーロ)"
)
_JA_CURRENCY = {"円": "JPY", "ドル": "USD", "米ドル": "USD", "ユーロ": "EUR"}


def _number(text: str | None) -> float:
    return float(text.replace(",", "")) if text else 0.0


def _bare_dollar(st: ExtractionState) -> str:
    country = st.get("country")
    currency = gazetteer().country_currency.get(country or "", "")
    return currency if currency.endswith("D") and currency != "USD" else "USD"


def create(nlp: Language, name: str) -> Callable[[Doc], Doc]:
    """The money component."""

    def component(doc: Doc) -> Doc:
        text = doc_text(doc)
        st = state(doc)
        taken: list[tuple[int, int]] = []
        found: list[tuple[int, int, float, str, float]] = []

        def add(start: int, end: int, amount: float, currency: str, confidence: float) -> None:
            if amount <= 0 or any(s < end and start < e for s, e in taken):
                return
            taken.append((start, end))
            found.append((start, end, amount, currency, confidence))

        lower = text.lower()
        for regex, table in ((PREFIX_RE, _SYMBOLS), (SUFFIX_RE, _WORDS)):
            if not any(needle in lower for needle in MONEY_NEEDLES[regex]):
                continue
            for match in regex.finditer(text):
                scale = _SCALES.get((match.group("scale") or "").lower(), 1.0)
                currency = table[
                    match.group("cur").lower() if table is _WORDS else match.group("cur")
                ]
                confidence = 1.0 if currency else 0.5
                currency = currency or _bare_dollar(st)
                amount = _number(match.group("amount")) * scale
                add(match.start(), match.end(), amount, currency, confidence)
        japanese = "円" in text or "ドル" in text or "ユーロ" in text
        for match in JAPANESE_RE.finditer(text) if japanese else ():
            if not (match.group("oku") or match.group("man") or match.group("units")):
                continue
            amount = (
                _number(match.group("oku")) * 1e8
                + _number(match.group("man")) * 1e4
                + _number(match.group("units"))
            )
            add(match.start(), match.end(), amount, _JA_CURRENCY[match.group("cur")], 1.0)
        for start, end, amount, currency, confidence in sorted(found):
            value = {"amount": amount, "currency": currency, "text": text[start:end]}
            st.add("money", value, start, end, "money.amount", confidence)
        return doc

    return component
