import pytest
from hypothesis import given
from hypothesis import strategies as st

from wardlib.targets import Target, TargetError, parse_target


@pytest.mark.parametrize("text,op,value", [
    (">37", ">", 37.0), (">=98.5", ">=", 98.5), ("<= 0", "<=", 0.0), ("=100", "=", 100.0),
    ("9270000000", None, 9270000000.0), (" 00 ", None, 0.0), (">82.93", ">", 82.93), (12, None, 12.0),
])
def test_parse(text, op, value):
    assert parse_target(text) == Target(op, value)


@pytest.mark.parametrize("text", ["", ">", ">>3", "=>3", "abc", "9.270.000.000", "55,4", "10%", "nan", "inf",
                                  float("nan"), None, True])
def test_rejects(text):
    with pytest.raises(TargetError):
        parse_target(text)


@pytest.mark.parametrize("target,value,direction,met", [
    (">37", 24, "up", False), (">37", 38, "up", True), (">37", 37, "up", False),
    ("100", 100, "up", True), ("0", 0, "down", True), ("0", 1, "down", False),
    ("10", 6, "up", False), (">=98", 98, "up", True), ("<5", 5, "down", False),
])
def test_is_met_honours_comparison_and_direction(target, value, direction, met):
    assert parse_target(target).is_met(value, direction) is met


def test_missing_value_is_not_judged():
    assert parse_target(">37").is_met(float("nan")) is None


@given(st.text(max_size=20))
def test_any_text_is_a_target_or_our_error(text):
    try:
        t = parse_target(text)
    except TargetError:
        return
    assert parse_target(str(t)) == t
