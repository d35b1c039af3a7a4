import pytest
from babel.numbers import format_decimal
from hypothesis import given, settings
from hypothesis import strategies as st

from wardlib import fmt


@pytest.mark.parametrize("call,expected", [
    (lambda: fmt.amount(5137820843), "5.137.820.843 đ"),
    (lambda: fmt.amount(9270000000), "9.270.000.000 đ"),
    (lambda: fmt.amount(5137820843, "en"), "5,137,820,843 VND"),
    (lambda: fmt.percent(55.424), "55,4%"),
    (lambda: fmt.percent(48.6894, 2), "48,69%"),
    (lambda: fmt.percent(55.424, 1, "en"), "55.4%"),
    (lambda: fmt.number(1184), "1.184"),
    (lambda: fmt.number(92.91, 2), "92,91"),
    (lambda: fmt.number(float("nan")), fmt.MISSING),
    (lambda: fmt.quantity(24, "hộ", "count", 0), "24"),
    (lambda: fmt.quantity(96.07, "%", "percent", 2), "96,07%"),
    (lambda: fmt.target(">", 37, "hộ", "count", 0), "> 37"),
    (lambda: fmt.target(None, 9270000000, "đ", "amount", 0), "9.270.000.000 đ"),
])
def test_vietnamese_and_english_formatting(call, expected):
    assert call() == expected


def test_unknown_language_names_the_valid_ones():
    with pytest.raises(ValueError, match="en.*vi"):
        fmt.number(1, lang="fr")


@settings(max_examples=400)
@given(x=st.floats(min_value=-1e13, max_value=1e13, allow_nan=False), decimals=st.integers(0, 3),
       lang=st.sampled_from(["vi", "en"]))
def test_fast_number_formatting_matches_babel(x, decimals, lang):
    if round(x, decimals) == 0:
        x = abs(x)  # Babel and Python differ only on the sign of a rounded zero, which we never show
    pattern = "#,##0" + ("." + "0" * decimals if decimals > 0 else "")
    babel = format_decimal(round(float(x), decimals), format=pattern, locale=fmt._locale(lang))
    assert fmt.number(x, decimals, lang) == babel
