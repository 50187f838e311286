"""The pages' numbers are written by Python's own formatting with the locale's symbols (a
dataset page formats ten thousand of them; issue 15): the same text as Babel's patterns."""

from __future__ import annotations

import numpy as np
import pytest
from babel.numbers import format_decimal

from smartspec.services.web.i18n import Formatter

EDGES = [
    0.0,
    -0.0,
    0.005,
    -0.005,
    0.0049999,
    0.125,
    2.675,
    -1234.5,
    999999.995,
    1e13 - 0.001,
    9999999999999.995,
    1e14 + 0.5,
    1e15 - 1,
    1e15,
    123456789012345678.0,
    -1e21,
    1e-9,
]


def _values() -> list[float]:
    rng = np.random.default_rng(15)
    scale = 10.0 ** rng.integers(-6, 17, 4000)
    return [float(x) for x in rng.normal(0, 1, 4000) * scale] + EDGES


@pytest.mark.parametrize("lang", ["en", "es"])
@pytest.mark.parametrize("digits", [0, 1, 2, 3])
def test_numbers_as_babel_writes_them(lang: str, digits: int) -> None:
    fmt = Formatter(lang)
    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    for value in _values():
        rounded = round(value, digits) + 0.0
        assert fmt.number(value, digits) == format_decimal(
            rounded, format=pattern, locale=fmt.locale
        ), (lang, digits, value)


def test_spanish_symbols_and_missing_values() -> None:
    es = Formatter("es")
    assert es.number(1234567.891) == "1.234.567,89"
    assert es.number(-0.004) == "0,00"  # no "-0,00"
    assert es.integer(-98765.4) == "-98.765"
    assert es.number(None) == es.number(float("nan")) == "–"
    assert Formatter("en").auto(1234.5678) == "1,235"
