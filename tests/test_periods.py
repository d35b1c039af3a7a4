from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from wardlib.periods import Period, PeriodError, latest, period_table

PARSE = [
    # text, canonical, start, end, months, year_fraction
    ("2024", "2024", date(2024, 1, 1), date(2024, 12, 31), 12, 1.0),
    ("2024-H1", "2024-H1", date(2024, 1, 1), date(2024, 6, 30), 6, 0.5),
    ("2024-h2", "2024-H2", date(2024, 7, 1), date(2024, 12, 31), 6, 1.0),
    (" 2024-Q3 ", "2024-Q3", date(2024, 7, 1), date(2024, 9, 30), 3, 0.75),
    ("2024-02", "2024-02", date(2024, 2, 1), date(2024, 2, 29), 1, 2 / 12),
    ("2023-02", "2023-02", date(2023, 2, 1), date(2023, 2, 28), 1, 2 / 12),
]


@pytest.mark.parametrize("text,canonical,start,end,months,fraction", PARSE)
def test_parse(text, canonical, start, end, months, fraction):
    p = Period.parse(text)
    assert (str(p), p.start, p.end, p.months) == (canonical, start, end, months)
    assert p.year_fraction == pytest.approx(fraction)


@pytest.mark.parametrize("text", ["", "2024-H3", "2024-Q5", "2024-13", "2024-00", "2024-6", "24-H1",
                                  "6 tháng đầu năm 2024", "2024H1", "2024-S1", None, 2024.5])
def test_parse_rejects_with_the_accepted_forms(text):
    with pytest.raises(PeriodError, match="YYYY-H1"):
        Period.parse(text)


@pytest.mark.parametrize("text,last_year,previous", [
    ("2024-H1", "2023-H1", "2023-H2"), ("2024-H2", "2023-H2", "2024-H1"), ("2024-Q1", "2023-Q1", "2023-Q4"),
    ("2024-01", "2023-01", "2023-12"), ("2024-07", "2023-07", "2024-06"), ("2024", "2023", "2023"),
])
def test_neighbours(text, last_year, previous):
    p = Period.parse(text)
    assert str(p.same_period_last_year()) == last_year
    assert str(p.previous()) == previous


@pytest.mark.parametrize("outer,inner,expected", [
    ("2024", "2024-H1", True), ("2024-H1", "2024-06", True), ("2024-H1", "2024-07", False),
    ("2024-H1", "2024-Q2", True), ("2024-Q2", "2024-H1", False), ("2024-H1", "2024-H1", True),
    ("2024", "2023-12", False),
])
def test_contains(outer, inner, expected):
    assert Period.parse(outer).contains(Period.parse(inner)) is expected


def test_latest_prefers_the_longest_of_those_ending_together():
    assert str(latest(["2023", "2024-06", "2024-H1", "2023-H1"])) == "2024-H1"
    assert str(latest(["2024-H2", "2024", "2024-12"])) == "2024"


def test_labels():
    assert Period.parse("2024-H1").label("vi") == "6 tháng đầu năm 2024"
    assert Period.parse("2024-H1").label("en") == "first half of 2024"
    assert Period.parse("2024-06").label("vi") == "tháng 6/2024"


def test_period_table_canonicalises_and_skips_invalid():
    t = period_table(["2024-h1", "2024-H1", "oops", "2023"])
    assert list(t["period"]) == ["2024-H1", "2024-H1", "2023"]
    assert set(t["months"]) == {6, 12}


periods = st.builds(
    lambda y, k, n: Period(y, k, min(n, {"year": 1, "half": 2, "quarter": 4, "month": 12}[k])),
    st.integers(1900, 2200), st.sampled_from(["year", "half", "quarter", "month"]), st.integers(1, 12))


@given(periods)
def test_round_trip_and_calendar_properties(p):
    assert Period.parse(str(p)) == p
    assert p.start <= p.end
    assert p.same_period_last_year().same_period_last_year() == Period(p.year - 2, p.kind, p.number)
    assert p.previous().end < p.start
    assert Period(p.year, "year", 1).contains(p)


@given(st.text(max_size=12))
def test_any_text_is_a_period_or_our_error(text):
    try:
        p = Period.parse(text)
    except PeriodError:
        return
    assert str(p) == text.strip().upper() or Period.parse(str(p)) == p
