"""The national demo data: what the benchmarks and scale tests run on must look like real reports."""

from __future__ import annotations

import pytest

from wardlib.analysis import build_table
from wardlib.checks import run_checks
from wardlib.demo import national_dataset


@pytest.mark.parametrize("periods", [None, ["2025-Q3", "2025-Q4", "2026-Q1", "2026-Q2"]])
def test_stated_percentages_are_of_the_year_to_date_with_a_tenth_planted_wrong(periods):
    """The demo states "đạt X% kế hoạch" as reports do, of the year to date: the checks find about the
    tenth it plants wrong (+2 points), not every month after January (when it was of the month alone)."""
    data = national_dataset(periods=periods, units=40, n_indicators=40)
    table = build_table(data)
    stated = table[table["reported_pct"].notna() & table["origin"].eq("reported")]
    assert len(stated) > 200
    # months (or quarters) after the first of 2026 state percentages too: their year to date is known
    later = stated[stated["period"].astype(str).str.match(r"2026-(0[2-6]|Q2)")]
    assert len(later) > 50
    errors = [f for f in run_checks(data, table) if f.rule == "check.pct_stated" and f.severity == "error"]
    share = len(errors) / len(stated)
    assert 0.05 < share < 0.15, (len(errors), len(stated))
