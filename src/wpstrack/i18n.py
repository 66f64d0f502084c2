"""The interface in Japanese and English: message catalogues, the current language, and
dates, numbers and fiscal years written the way each language writes them.

The catalogue is ``locale/ja/LC_MESSAGES/messages.po`` in this package (``pybabel extract``
with ``babel.cfg`` refreshes its template). It is compiled the first time a process needs it,
in memory, with Babel's own ``read_po`` and ``write_mo``: the shipped ``.po`` is the only
copy, so a fresh clone, an editable install and a wheel all translate without a build step,
a committed binary that can fall out of step with its source, or a write into the install
folder (which may be read-only). Compiling takes milliseconds and happens once per process.

The language of the current request (or CLI command) lives in a context variable: one
Jinja2 environment serves every request, so its gettext callables read the language from
there instead of a translation object installed per request, which two requests in two
threads would overwrite for each other.
"""

from __future__ import annotations

import gettext as _gettext
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, datetime
from functools import cache, lru_cache
from io import BytesIO
from pathlib import Path
from typing import Any

from babel import Locale, UnknownLocaleError
from babel.dates import format_date as _format_date
from babel.dates import format_datetime as _format_datetime
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal

LOCALE_DIR = Path(__file__).parent / "locale"
LANGUAGES = ("en", "ja")
DEFAULT_LANGUAGE = "en"
# What the language switch shows: each language named in itself.
LANGUAGE_NAMES = {"en": "English", "ja": "日本語"}

_current: ContextVar[str] = ContextVar("wpstrack_language", default=DEFAULT_LANGUAGE)


def untranslated(message: str) -> str:
    """What a message without a translation shows: the English. Tests replace this to find
    every message id a page shows untranslated."""
    return message


class _Untranslated(_gettext.NullTranslations):
    """The fallback of a catalogue: a message it lacks goes through :func:`untranslated`."""

    def gettext(self, message: str) -> str:
        return untranslated(message)

    def ngettext(self, msgid1: str, msgid2: str, n: int) -> str:
        return untranslated(msgid1 if n == 1 else msgid2)


@lru_cache(maxsize=len(LANGUAGES))
def translations(language: str) -> _gettext.NullTranslations:
    """The compiled catalogue of ``language`` (English is the source: no catalogue)."""
    if language == DEFAULT_LANGUAGE:
        return _gettext.NullTranslations()
    path = LOCALE_DIR / language / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as po:
        catalog = read_po(po, locale=language)
    compiled = BytesIO()
    write_mo(compiled, catalog)  # fuzzy entries are left out: they are not translations yet
    compiled.seek(0)
    found = _gettext.GNUTranslations(compiled)
    found.add_fallback(_Untranslated())
    return found


def catalogue_messages(language: str) -> dict[str, Any]:
    """Every message id of ``language``'s catalogue with its translation ('' if none)."""
    path = LOCALE_DIR / language / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as po:
        catalog = read_po(po, locale=language)
    return {m.id if isinstance(m.id, str) else m.id[0]: m.string for m in catalog if m.id}


def current_language() -> str:
    """The language of the request or command being served."""
    return _current.get()


@contextmanager
def language(code: str) -> Iterator[str]:
    """Serve what runs inside in ``code`` (an unknown code is English)."""
    token = _current.set(code if code in LANGUAGES else DEFAULT_LANGUAGE)
    try:
        yield _current.get()
    finally:
        _current.reset(token)


def gettext(message: str, **variables: Any) -> str:
    """``message`` in the current language, with ``%(name)s`` placeholders filled."""
    text = translations(current_language()).gettext(message)
    return text % variables if variables else text


def ngettext(singular: str, plural: str, n: int, **variables: Any) -> str:
    """The singular or plural message for ``n`` in the current language (``%(num)d`` is n)."""
    text = translations(current_language()).ngettext(singular, plural, n)
    return text % {"num": n, **variables}


_ = gettext


def N_(message: str) -> str:
    """Mark ``message`` for the catalogue where it is defined; it is translated when shown."""
    return message


def choose(offered: str | None) -> str | None:
    """The language a ``?lang=`` value or cookie names, if it is one we speak."""
    if not offered:
        return None
    code = offered.strip().lower().replace("_", "-").split("-")[0]
    return code if code in LANGUAGES else None


def negotiate(accept_language: str | None) -> str:
    """The best of our languages for an ``Accept-Language`` header (English if none fits)."""
    ranked: list[tuple[float, int, str]] = []
    for order, part in enumerate((accept_language or "").split(",")):
        name, _sep, params = part.strip().partition(";")
        quality = 1.0
        for param in params.split(";"):
            key, _eq, value = param.strip().partition("=")
            if key == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        code = choose(name)
        if code and quality > 0:
            ranked.append((-quality, order, code))
    return min(ranked)[2] if ranked else DEFAULT_LANGUAGE


# The locale of each language's formats: English pages write dates the British way
# ("18 March 2024"), as the project always has.
_FORMAT_LOCALES = {"en": "en_GB", "ja": "ja_JP"}


def _locale() -> Locale:
    return _parsed_locale(current_language())


@cache
def _parsed_locale(language: str) -> Locale:
    """The Babel locale of a language, parsed once (every date and number on a page asks)."""
    try:
        return Locale.parse(_FORMAT_LOCALES.get(language, language))
    except (UnknownLocaleError, ValueError):  # pragma: no cover - LANGUAGES are all known
        return Locale.parse(_FORMAT_LOCALES[DEFAULT_LANGUAGE])


def format_day(value: date | datetime | str | None) -> str:
    """A calendar date as the language writes it: ``18 March 2024``, ``2024年3月18日``."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        try:
            day = date.fromisoformat(value)
        except ValueError:
            return value
    else:
        day = value.date() if isinstance(value, datetime) else value
    return _long_date(day, current_language())


@lru_cache(maxsize=1 << 14)
def _long_date(day: date, language: str) -> str:
    """A list page writes one date a row, from a few hundred distinct days: each is
    formatted by Babel once per language."""
    return _format_date(day, format="long", locale=_parsed_locale(language))


def format_month(value: str) -> str:
    """A ``YYYY-MM`` month as the language writes it: ``March 2024``, ``2024年3月``."""
    try:
        year, month = (int(part) for part in value.split("-")[:2])
        first = date(year, month, 1)
        return _format_date(first, "yyyy年M月" if _is_ja() else "MMM y", locale=_locale())
    except ValueError:
        return value


def format_instant(value: datetime | None) -> str:
    """A UTC instant with its zone: ``18 Mar 2024, 14:05 UTC``, ``2024/03/18 14:05 UTC``."""
    if value is None:
        return ""
    pattern = "yyyy/MM/dd HH:mm" if _is_ja() else "d MMM y, HH:mm"
    return _format_datetime(value, pattern, locale=_locale()) + " UTC"


def format_number(value: float | int | None, digits: int = 2) -> str:
    """A number with the language's grouping, at most ``digits`` decimals (``1,234.5``)."""
    if value is None:
        return ""
    return _formatted_number(value, digits, current_language())


@lru_cache(maxsize=1 << 14, typed=True)
def _formatted_number(value: float | int, digits: int, language: str) -> str:
    """Babel takes about 30 µs a number, and a page of facets and tables writes hundreds of
    counts, mostly the same few: each is formatted once per language."""
    pattern = "#,##0" + ("." + "#" * digits if digits else "")
    return format_decimal(value, format=pattern, locale=_parsed_locale(language))


def country_name(code: str, english: str = "") -> str:
    """A country (ISO 3166 alpha-2 ``code``) named in the current language: Babel's Japanese
    name on a Japanese page, else ``english`` (the caller's English name) or the code."""
    if current_language() != DEFAULT_LANGUAGE:
        found = _locale().territories.get(code.upper())
        if found:
            return str(found)
    return english or code.upper()


def _is_ja() -> bool:
    return current_language() == "ja"


# The first fiscal year (April to March) of each Japanese era the monitored plans can reach.
_ERAS = ((2019, "令和"), (1989, "平成"))


def japanese_era_year(year: int) -> str:
    """``year`` in the Japanese era that was current at its April (2024 -> 令和6)."""
    for first, era in _ERAS:
        if year >= first:
            number = year - first + 1
            return f"{era}{'元' if number == 1 else number}"
    return str(year)


def format_period(period: str | int | None) -> str:
    """A reporting period as a ministry writes it: a Japanese fiscal year ``FY2024`` is
    ``令和6年度（2024年度）`` in Japanese and ``FY2024`` in English; a calendar year
    ``2024`` is ``2024年`` in Japanese; anything else is shown as written."""
    text = "" if period is None else str(period).strip()
    if not _is_ja():
        return text
    upper = text.upper()
    if upper.startswith("FY") and upper[2:].isdigit() and len(upper) == 6:
        year = int(upper[2:])
        return f"{japanese_era_year(year)}年度（{year}年度）"
    if text.isdigit() and len(text) == 4:
        return f"{text}年"
    return text
