"""Languages of the dashboard: gettext catalogues read at runtime, Babel number formats.

A language is one file, ``locales/<code>/LC_MESSAGES/messages.po``: the catalogue is read with
:func:`babel.messages.pofile.read_po` and turned into :class:`babel.support.Translations` in
memory, so there is no compile step and a new ``.po`` file is a new language (it appears in the
switcher at the next start).

Examples
--------
>>> "es" in languages() and "en" in languages()
True
>>> Formatter("es").number(12345.678, 2), Formatter("en").number(12345.678, 2)
('12.345,68', '12,345.68')
>>> Formatter("es").number(-0.001, 2)
'0,00'
>>> translations("es").gettext("Region profile")
'Perfil de la región'
>>> Formatter("es").date("2024-03-01T10:00:00+00:00")
'1 de marzo de 2024'
"""

from __future__ import annotations

import io
import math
from datetime import date, datetime
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from babel import Locale, UnknownLocaleError
from babel.dates import format_date
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal, format_percent
from babel.support import Translations

LOCALES = Path(__file__).parent / "locales"
DEFAULT = "en"
COOKIE = "smartspec_lang"


@lru_cache(maxsize=1)
def languages() -> tuple[str, ...]:
    """The language codes that have a catalogue, the default first."""
    found = sorted(p.parent.parent.name for p in LOCALES.glob("*/LC_MESSAGES/messages.po"))
    return tuple(sorted(found, key=lambda code: code != DEFAULT))


def catalogue_path(lang: str) -> Path:
    return LOCALES / lang / "LC_MESSAGES" / "messages.po"


@cache
def translations(lang: str) -> Translations:
    """The catalogue of ``lang`` as gettext translations (empty ones for the default language)."""
    path = catalogue_path(lang)
    if not path.exists():
        return Translations()
    with path.open("rb") as fh:
        catalog = read_po(fh, locale=lang)
    buf = io.BytesIO()
    write_mo(buf, catalog)
    buf.seek(0)
    return Translations(fp=buf)


def language_name(lang: str) -> str:
    """The language's own name (``English``, ``Español``)."""
    try:
        name = Locale.parse(lang).get_display_name(lang) or lang
    except (UnknownLocaleError, ValueError):
        return lang
    return name[:1].upper() + name[1:]


def negotiate(query: str | None, cookie: str | None, accept: str | None) -> str:
    """The page language: ``?lang=`` first, then the cookie, then ``Accept-Language``."""
    available = languages()
    for choice in (query, cookie):
        if choice and choice.lower() in available:
            return choice.lower()
    for item, _q in _accept_language(accept or ""):
        base = item.split("-")[0].lower()
        if base in available:
            return base
    return DEFAULT


def _accept_language(header: str) -> list[tuple[str, float]]:
    items = []
    for part in header.split(","):
        lang, _, params = part.strip().partition(";")
        q = 1.0
        if params.strip().startswith("q="):
            try:
                q = float(params.strip()[2:])
            except ValueError:
                q = 0.0
        if lang and lang != "*":
            items.append((lang, q))
    return sorted(items, key=lambda item: -item[1])


def N_(message: str) -> str:  # noqa: N802 (the gettext convention)
    """Mark a string for the catalogue; it is translated where it is shown."""
    return message


class Formatter:
    """Numbers and dates in one locale's conventions (Babel / CLDR)."""

    def __init__(self, lang: str):
        self.lang = lang
        self.locale = Locale.parse(lang)
        symbols = self.locale.number_symbols.get("latn", self.locale.number_symbols)
        # Python's own formatting with the locale's symbols: what Babel writes for the patterns
        # below, fifty times faster (a dataset page formats ten thousand numbers)
        self._symbols = str.maketrans(
            {",": symbols.get("group", ","), ".": symbols.get("decimal", ".")}
        )
        self._minus = symbols.get("minusSign", "-")

    def number(self, value: Any, digits: int = 2) -> str:
        """A decimal with ``digits`` decimals; an en dash for a missing value."""
        if _missing(value):
            return "–"
        value = round(float(value), digits) + 0.0  # no "-0,00"
        if abs(value) < 10.0 ** (15 - digits):  # 15 digits at most, all exact: as Babel
            text = f"{abs(value):,.{digits}f}".translate(self._symbols)
            return self._minus + text if value < 0 else text
        pattern = "#,##0" + ("." + "0" * digits if digits else "")
        return format_decimal(value, format=pattern, locale=self.locale)

    def integer(self, value: Any) -> str:
        return self.number(value, 0)

    def auto(self, value: Any) -> str:
        """A value with as many decimals as its size calls for (0 for large, 3 for small)."""
        if _missing(value):
            return "–"
        size = abs(float(value))
        if float(value).is_integer() and size >= 1:
            return self.number(value, 0)
        digits = 0 if size >= 1000 else 1 if size >= 100 else 2 if size >= 1 else 3
        return self.number(value, digits)

    def percent(self, value: Any, digits: int = 1) -> str:
        """A share as a percentage with ``digits`` decimals (``12.8%``, ``12,8 %``)."""
        if _missing(value):
            return "–"
        pattern = "#,##0" + ("." + "0" * digits if digits else "") + "%"
        return format_percent(value, format=pattern, locale=self.locale)

    def date(self, value: date | datetime | str) -> str:
        if isinstance(value, str):
            text = value
            try:
                value = datetime.fromisoformat(text)
            except ValueError:
                return text
        if isinstance(value, datetime):
            value = value.date()
        return format_date(value, format="long", locale=self.locale)

    def d3_locale(self) -> dict[str, Any]:
        """The d3-format locale for Vega charts, so chart axes match the page's numbers."""
        symbols = self.locale.number_symbols.get("latn", self.locale.number_symbols)
        return {
            "decimal": symbols.get("decimal", "."),
            "thousands": symbols.get("group", ","),
            "grouping": [3],
            "currency": ["", ""],
            "minus": "-",
        }

    def d3_time_locale(self) -> dict[str, Any]:
        """The d3-time-format locale (month and day names) for time axes."""
        loc = self.locale
        months = loc.months["format"]
        days = loc.days["format"]
        order = [6, 0, 1, 2, 3, 4, 5]  # d3: Sunday first; CLDR: Monday = 0
        return {
            "dateTime": "%x, %X",
            "date": "%d/%m/%Y" if self.lang != "en" else "%m/%d/%Y",
            "time": "%H:%M:%S",
            "periods": ["AM", "PM"],
            "days": [days["wide"][i] for i in order],
            "shortDays": [days["abbreviated"][i] for i in order],
            "months": [months["wide"][i] for i in range(1, 13)],
            "shortMonths": [months["abbreviated"][i] for i in range(1, 13)],
        }


def _missing(value: Any) -> bool:
    if value is None:
        return True
    try:
        return math.isnan(float(value))
    except (TypeError, ValueError):
        return True
