"""The demo data: clean unless a fault was planted, and each planted fault found once, where it was planted."""

from __future__ import annotations

import dataclasses

import pytest

from wardlib import quality
from wardlib.analysis import build_table
from wardlib.demo import PLANTED, national_dataset, plant_faults


@pytest.mark.parametrize("periods", [None, ["2025-Q3", "2025-Q4", "2026-Q1", "2026-Q2"]])
def test_clean_demo_data_passes_every_rule_with_year_to_date_percentages(periods):
    """The demo states "đạt X% kế hoạch" as reports do, of the year to date, and every stated percentage
    agrees with its figures: no rule finds anything in demo data nobody planted a fault in."""
    data = national_dataset(periods=periods, units=40, n_indicators=40)
    table = build_table(data)
    stated = table[table["reported_pct"].notna() & table["origin"].eq("reported")]
    assert len(stated) > 200
    # months (or quarters) after the first of 2026 state percentages too: their year to date is known
    later = stated[stated["period"].astype(str).str.match(r"2026-(0[2-6]|Q2)")]
    assert len(later) > 50
    assert not stated["pct_check"].isin(["mismatch", "truncated"]).any()
    found = quality.collect(data, table, gx=False)
    assert [f.format("en") for f in found] == []


def test_each_planted_fault_is_found_once_where_it_was_planted():
    data = national_dataset(units=40, n_indicators=60)
    obs, planted = plant_faults(data.observations, data.catalog.table, seed=1)
    assert sorted(planted["kind"]) == sorted(PLANTED) and planted["unit_code"].is_unique
    dirty = dataclasses.replace(data, observations=obs)
    found = quality.collect(dirty, build_table(dirty), gx=False)
    got = sorted((f.unit_code, f.period, f.indicator, f.rule) for f in found)
    want = sorted(zip(planted["unit_code"], planted["period"], planted["indicator"], planted["rule"]))
    assert got == want, [f.format("en") for f in found]


def test_a_demo_folder_lists_its_planted_faults_and_the_quality_page_names_them(tmp_path):
    from wardlib.demo import PLANTED_FILE, read_planted, write_dataset
    from wardlib.quality_report import QualityReport

    root = tmp_path / "demo"
    write_dataset(root, scope="province", province="82", periods=["2026-05", "2026-06"], n_indicators=60)
    planted = read_planted(root)
    assert (root / PLANTED_FILE).is_file() and len(planted) == len(PLANTED)
    found = quality.check_dataset(root, gx=False)
    assert sorted((f.unit_code, f.period, f.indicator, f.rule) for f in found) == sorted(
        zip(planted["unit_code"], planted["period"], planted["indicator"], planted["rule"]))
    page = QualityReport.open(root, "2026-06", "en").planted().data
    assert "Faults planted in the demo data" in page and page.count("<td>yes</td>") == len(PLANTED)
    assert QualityReport.open(None, "2024-H1").planted().data == ""  # real data plants nothing
