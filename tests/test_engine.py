"""The indicator engine on tiny named datasets: each calculation against a table of expected values.

The fixture ``tiny`` is a made-up district: communes A (29001) and B (29002)
merged whole on 1 July 2025 into N (29100); commune C (29003) was split
between S (29200) and T (29300). Every figure below can be checked by hand.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import write_csv
from wardlib import calc, derive
from wardlib.analysis import breakdown_table, build_table, read_table, unit_rows, write_table
from wardlib.loaders import load_dataset

CATALOG = [
    # code, kind, direction, aggregation, parent, breakdown, numerator, denominator, pace, on_track_at
    dict(code="revenue", kind="amount", aggregation="sum"),
    dict(code="revenue_fees", kind="amount", aggregation="sum", parent="revenue"),
    dict(code="seasonal_revenue", kind="amount", aggregation="sum", pace="seasonal"),
    dict(code="cases", direction="down", aggregation="sum"),
    dict(code="households", aggregation="last"),
    dict(code="score", kind="score", aggregation="mean"),
    dict(code="received", aggregation="sum", direction="none"),
    dict(code="early", aggregation="sum", parent="received", breakdown="timeliness"),
    dict(code="late", aggregation="sum", parent="received", breakdown="timeliness", direction="down"),
    dict(code="online", aggregation="sum", parent="received"),
    dict(code="online_rate", kind="percent", numerator="online", denominator="received", factor="100"),
    dict(code="jobs", aggregation="sum", on_track_at="0.9", off_track_below="0.5"),
]
UNITS = [
    dict(code="01", name="Tỉnh Một", level="province", valid_to="2025-06-30"),
    dict(code="101", name="Huyện Một", level="district", parent_code="01", valid_to="2025-06-30"),
    dict(code="29001", name="Xã A", level="commune", parent_code="101", valid_to="2025-06-30"),
    dict(code="29002", name="Xã B", level="commune", parent_code="101", valid_to="2025-06-30"),
    dict(code="29003", name="Xã C", level="commune", parent_code="101", valid_to="2025-06-30"),
    dict(code="02", name="Tỉnh Mới", level="province", valid_from="2025-07-01"),
    dict(code="29100", name="Xã N", level="commune", parent_code="02", valid_from="2025-07-01"),
    dict(code="29200", name="Xã S", level="commune", parent_code="02", valid_from="2025-07-01"),
    dict(code="29300", name="Xã T", level="commune", parent_code="02", valid_from="2025-07-01"),
]
CROSSWALK = [
    dict(old_code="29001", new_code="29100", whole="true"),
    dict(old_code="29002", new_code="29100", whole="true"),
    dict(old_code="29003", new_code="29200", whole="false"),
    dict(old_code="29003", new_code="29300", whole="false"),
]


def obs(unit, period, indicator, value, target="", reported_pct=""):
    return dict(unit_code=unit, period=period, indicator=indicator, value=value, target=target,
                reported_pct=reported_pct)


OBSERVATIONS = [
    # revenue by month for A in Q1 2024 (sums to a quarter), H1 and H2 for A, B, C
    obs("29001", "2024-01", "revenue", "10"), obs("29001", "2024-02", "revenue", "20"),
    obs("29001", "2024-03", "revenue", "30"),
    obs("29002", "2024-01", "revenue", "5"), obs("29002", "2024-02", "revenue", "5"),  # March missing
    obs("29001", "2024-H1", "revenue", "60", "200", "30.0"), obs("29001", "2024-H2", "revenue", "150", "200"),
    obs("29002", "2024-H1", "revenue", "40", "100", "41.0"), obs("29002", "2024-H2", "revenue", "50", "100"),
    obs("29003", "2024-H1", "revenue", "0", "50"), obs("29003", "2024-H2", "revenue", "10", "50"),
    obs("29001", "2024-H1", "revenue_fees", "70"),  # larger than its whole
    # households: a stock, last over time, summed over units
    obs("29001", "2024-Q1", "households", "100"), obs("29001", "2024-Q2", "households", "104"),
    obs("29001", "2024-H1", "score", "80"), obs("29002", "2024-H1", "score", "90"),
    # cases: lower is better; a zero baseline for B
    obs("29001", "2023-H1", "cases", "2"), obs("29001", "2024-H1", "cases", "20"),
    obs("29002", "2023-H1", "cases", "0"), obs("29002", "2024-H1", "cases", "3"),
    obs("29003", "2023-H1", "cases", "9"), obs("29003", "2024-H1", "cases", "4", "<=5"),
    # dossiers: early + late = received; online ⊂ received
    obs("29001", "2024-H1", "received", "100"), obs("29001", "2024-H1", "early", "70"),
    obs("29001", "2024-H1", "late", "30"), obs("29001", "2024-H1", "online", "25"),
    obs("29002", "2024-H1", "received", "50"), obs("29002", "2024-H1", "early", "40"),
    obs("29002", "2024-H1", "late", "5"), obs("29002", "2024-H1", "online", "50"),
    # seasonal pace: last year A collected 30 of 120 by June
    obs("29001", "2023-H1", "seasonal_revenue", "30"), obs("29001", "2023", "seasonal_revenue", "120"),
    obs("29001", "2024-H1", "seasonal_revenue", "30", "120"),
    # thresholds overridden in the catalog: 0.9 / 0.5
    obs("29001", "2024-H1", "jobs", "46", "100"), obs("29002", "2024-H1", "jobs", "24", "100"),
    obs("29003", "2024-H1", "jobs", "20", "100"),
    # after the reform
    obs("29100", "2025-H2", "cases", "30"), obs("29200", "2025-H2", "cases", "1"),
    obs("29001", "2024-H2", "cases", "4"), obs("29002", "2024-H2", "cases", "2"),
]


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    root = tmp_path_factory.mktemp("tiny")
    cols = ["code", "name_vi", "unit", "section", "kind", "direction", "aggregation", "parent", "breakdown",
            "numerator", "denominator", "factor", "pace", "on_track_at", "off_track_below"]
    write_csv(root / "indicators.csv", [dict(name_vi=r["code"], unit="x", section="1", **r) for r in CATALOG], cols)
    write_csv(root / "units.csv", UNITS, ["code", "name", "level", "parent_code", "valid_from", "valid_to"])
    write_csv(root / "crosswalk.csv", CROSSWALK)
    write_csv(root / "observations" / "obs.csv", OBSERVATIONS)
    return build_table(load_dataset(root))


def row(t, unit, period, indicator, version=None):
    sel = t[(t["unit_code"] == unit) & (t["period"] == period) & (t["indicator"] == indicator)]
    if version is not None:
        sel = sel[sel["unit_version"] == pd.Timestamp(version)]
    assert len(sel) == 1, (unit, period, indicator, len(sel))
    return sel.iloc[0]


# -- the seed report's own figures -------------------------------------------------------
@pytest.fixture(scope="module")
def seed(embedded_data):
    t = build_table(load_dataset(embedded_data))
    return t[(t["unit_code"] == "29872") & (t["period"] == "2024-H1")].set_index("indicator")


@pytest.mark.parametrize("indicator,pct,stated,check", [
    ("budget_revenue", 55.42, 55.4, "ok"),             # 5.137.820.843 / 9.270.000.000
    ("budget_expenditure", 35.33, 35.0, "ok"),         # 3.275.454.681 / 9.270.000.000, stated "35%"
    ("fund_disaster_prevention", 78.98, 83.5, "mismatch"),  # 16.699.345 / 21.145.000
    ("jobs_created", 56.73, 56.73, "ok"),              # 177 / 312
])
def test_seed_percentages(seed, indicator, pct, stated, check):
    r = seed.loc[indicator]
    assert round(r["computed_pct"], 2) == pct
    assert r["reported_pct"] == stated and r["pct_check"] == check


def test_seed_dengue_is_deteriorating_against_the_same_period(seed):
    r = seed.loc["dengue_cases"]  # "20 ca, tăng 18 ca so với cùng kỳ"
    assert (r["value"], r["same_period_value"], r["change_abs"], r["status"]) == (20, 2, 18, "deteriorating")


def test_seed_budget_is_on_track_at_mid_year(seed):
    r = seed.loc["budget_revenue"]
    assert r["expected_pct"] == 50 and r["pace_basis"] == "calendar"
    assert r["progress"] == pytest.approx(55.424 / 50, abs=1e-4) and r["status"] == "on_track"


# -- over time ------------------------------------------------------------------------------
def test_months_add_up_to_a_quarter_only_when_complete(tiny):
    q = row(tiny, "29001", "2024-Q1", "revenue")
    assert (q["value"], q["origin"]) == (60, "period_total")
    assert tiny[(tiny["unit_code"] == "29002") & (tiny["period"] == "2024-Q1")].empty  # March is missing


def test_reported_periods_win_over_sums_and_halves_make_a_year(tiny):
    assert row(tiny, "29001", "2024-H1", "revenue")["origin"] == "reported"
    y = row(tiny, "29001", "2024", "revenue")
    assert (y["value"], y["origin"], y["target_value"]) == (210, "period_total", 200)


def test_stocks_take_the_last_part_and_scores_average(tiny):
    assert row(tiny, "29001", "2024-H1", "households")["value"] == 104  # Q2, not Q1 + Q2
    assert row(tiny, "101", "2024-H1", "score")["value"] == 85  # mean over units


def test_annual_targets_are_judged_on_the_year_to_date(tiny):
    h2 = row(tiny, "29001", "2024-H2", "revenue")
    assert h2["ytd_value"] == 210 and h2["achievement_pct"] == pytest.approx(105)
    assert h2["status"] == "achieved"


# -- over the hierarchy ----------------------------------------------------------------------
def test_rollup_sums_children_and_records_coverage(tiny):
    d = row(tiny, "101", "2024-H1", "revenue")
    assert (d["value"], d["target_value"], d["origin"], d["coverage"]) == (100, 350, "rollup", 1.0)
    p = row(tiny, "01", "2024-H1", "revenue")
    assert p["value"] == 100  # province from its district
    cases = row(tiny, "101", "2024-H1", "received")
    assert cases["coverage"] == pytest.approx(2 / 3)  # C reported no dossiers


def test_rates_are_recomputed_from_rolled_up_parts_never_summed(tiny):
    assert row(tiny, "29001", "2024-H1", "online_rate")["value"] == 25
    d = row(tiny, "101", "2024-H1", "online_rate")
    assert d["value"] == pytest.approx(75 / 150 * 100)  # not 25 + 100


def test_ranks_are_direction_aware_with_ties_sharing(tiny):
    ranks = {u: row(tiny, u, "2024-H1", "cases")["rank"] for u in ("29001", "29002", "29003")}
    assert ranks == {"29001": 3, "29002": 1, "29003": 2}  # fewer cases is better
    jobs = {u: row(tiny, u, "2024-H1", "jobs")["rank"] for u in ("29001", "29002", "29003")}
    assert jobs == {"29001": 1, "29002": 2, "29003": 3}
    assert row(tiny, "29001", "2024-H1", "jobs")["rank_of"] == 3


def test_rank_within_ties():
    rank, of = calc.rank_within(pd.Series([5.0, 7.0, 7.0, np.nan]), [pd.Series(["g"] * 4)],
                                pd.Series(["up"] * 4))
    assert rank.tolist() == [3, 1, 1, pd.NA] and of.tolist()[:3] == [3, 3, 3]


# -- the 2025 reorganisation -------------------------------------------------------------------
def test_a_unit_of_whole_merges_gets_its_history_rebuilt(tiny):
    r = row(tiny, "29100", "2024-H2", "cases", version="2025-07-01")
    assert (r["origin"], r["value"]) == ("rebuilt", 6)  # A 4 + B 2
    n = row(tiny, "29100", "2025-H2", "cases")
    assert (n["same_period_value"], n["change_abs"], n["status"]) == (6, 24, "deteriorating")
    h1 = row(tiny, "29100", "2024-H1", "revenue", version="2025-07-01")
    assert (h1["value"], h1["target_value"]) == (100, 300)  # A + B


def test_a_split_unit_is_not_comparable_across_the_reform(tiny):
    s = row(tiny, "29200", "2025-H2", "cases")
    assert s["change_note"] == "not_comparable" and pd.isna(s["change_abs"])
    assert tiny[(tiny["unit_code"] == "29200") & (tiny["origin"] == "rebuilt")].empty


def test_rebuilt_rows_never_mix_with_a_reused_codes_old_unit(tiny):
    old = unit_rows(tiny, "29001", pd.Timestamp("2024-06-30"))
    assert set(old["unit_name"]) == {"Xã A"}


# -- comparisons, status, breakdowns -------------------------------------------------------------
def test_changes_handle_zero_and_missing_baselines(tiny):
    a = row(tiny, "29001", "2024-H1", "cases")
    assert (a["change_abs"], a["change_pct"]) == (18, 900)
    b = row(tiny, "29002", "2024-H1", "cases")
    assert (b["change_abs"], b["change_note"]) == (3, "zero_baseline") and pd.isna(b["change_pct"])
    assert row(tiny, "29001", "2024-H1", "jobs")["change_note"] == "no_baseline"


def test_lower_is_better_statuses(tiny):
    assert row(tiny, "29001", "2024-H1", "cases")["status"] == "deteriorating"  # 2 → 20, no target
    c = row(tiny, "29003", "2024-H1", "cases")
    assert (c["target_met"], c["status"]) == (True, "achieved")  # 4 cases against at most 5


def test_thresholds_come_from_the_catalog(tiny):
    # progress = achievement / 50: 46 → 0.92 (≥ 0.9), 24 → 0.48 (< 0.5), 20 → 0.4
    statuses = {u: row(tiny, u, "2024-H1", "jobs")["status"] for u in ("29001", "29002", "29003")}
    assert statuses == {"29001": "on_track", "29002": "off_track", "29003": "off_track"}
    # revenue keeps the defaults 0.95 / 0.6: 40 % of the year's target at mid-year is progress 0.8
    assert row(tiny, "29002", "2024-H1", "revenue")["status"] == "needs_acceleration"


def test_seasonal_pace_uses_last_years_share(tiny):
    r = row(tiny, "29001", "2024-H1", "seasonal_revenue")
    assert (r["expected_pct"], r["pace_basis"]) == (25, "seasonal")  # 30 of 120 by June last year
    assert r["progress"] == pytest.approx(1.0) and r["status"] == "on_track"


def test_breakdowns_and_parts_within_whole(tiny):
    checks = breakdown_table(tiny, pd.DataFrame(
        {"parent": ["received", "received"], "breakdown": ["timeliness", "timeliness"]}, index=["early", "late"]))
    a = checks[checks["unit_code"] == "29001"].iloc[0]
    assert (a["parts_sum"], a["total"], bool(a["holds"])) == (100, 100, True)
    b = checks[checks["unit_code"] == "29002"].iloc[0]
    assert (b["diff"], bool(b["holds"])) == (-5, False)
    assert bool(row(tiny, "29001", "2024-H1", "received")["breakdown_ok"])
    assert not bool(row(tiny, "29002", "2024-H1", "received")["breakdown_ok"])
    assert bool(row(tiny, "29001", "2024-H1", "revenue_fees")["exceeds_parent"])  # 70 of 60


def test_stated_percentages_are_checked_on_every_row(tiny):
    assert row(tiny, "29001", "2024-H1", "revenue")["pct_check"] == "ok"  # 60 / 200 = 30.0
    r = row(tiny, "29002", "2024-H1", "revenue")
    assert r["pct_check"] == "mismatch" and r["pct_diff"] == pytest.approx(1.0)


def test_parquet_round_trip_reads_one_units_rows(tiny, tmp_path):
    path = write_table(tiny, tmp_path / "analysis.parquet")
    back = read_table(path, ["29001"])
    assert set(back["unit_code"]) == {"29001"}
    assert len(back) == (tiny["unit_code"] == "29001").sum()
    assert back["status"].tolist() == tiny.loc[tiny["unit_code"] == "29001", "status"].tolist()


# -- calculation tables ---------------------------------------------------------------------------
STATUS_TABLE = [
    # value, target, met, direction, progress, change_abs → status
    (np.nan, 10.0, pd.NA, "up", np.nan, np.nan, "no_data"),
    (12.0, 10.0, True, "up", 1.2, np.nan, "achieved"),
    (5.0, 10.0, False, "up", 1.0, np.nan, "on_track"),
    (4.0, 10.0, False, "up", 0.8, np.nan, "needs_acceleration"),
    (2.0, 10.0, False, "up", 0.4, np.nan, "off_track"),
    (9.0, np.nan, pd.NA, "down", np.nan, 3.0, "deteriorating"),
    (9.0, 5.0, False, "down", np.nan, -1.0, "off_track"),
    (9.0, np.nan, pd.NA, "up", np.nan, 3.0, "no_target"),
]


def test_status_table():
    v, t, met, d, pr, ch, want = zip(*STATUS_TABLE)
    got = calc.classify(pd.Series(v), pd.Series(t), pd.Series(met, dtype="boolean"), pd.Series(d),
                        pd.Series(pr), pd.Series(ch))
    assert got.tolist() == list(want)


def test_expected_pace_table():
    pace, basis = calc.expected_pace(pd.Series([0.5, 0.75, 8 / 12, 0.5, 0.5]),
                                     pd.Series(["sum", "sum", "sum", "last", "sum"]),
                                     pd.Series([True, True, True, True, False]),
                                     pd.Series([np.nan, 0.6, np.nan, 0.3, 0.3]))
    np.testing.assert_allclose(pace.to_numpy(), [50, 60, 200 / 3, np.nan, np.nan])
    assert basis.tolist() == ["calendar", "seasonal", "calendar", np.nan, np.nan]


def test_change_table():
    diff, pct, note = calc.change(pd.Series([20.0, 5.0, 5.0, np.nan]), pd.Series([18.0, 0.0, np.nan, 3.0]))
    np.testing.assert_allclose(diff.to_numpy(), [2, 5, np.nan, np.nan])
    np.testing.assert_allclose(pct.to_numpy(), [200 / 18, np.nan, np.nan, np.nan])
    assert note.tolist() == [np.nan, "zero_baseline", "no_baseline", np.nan]
    assert not np.isinf(pct).any()


# -- properties ----------------------------------------------------------------------------------
finite = st.floats(min_value=0, max_value=1e12, allow_nan=False)


@given(value=finite, target=st.floats(min_value=1e-3, max_value=1e12), k=st.floats(min_value=1e-3, max_value=1e3))
def test_achievement_is_unchanged_when_value_and_target_scale_together(value, target, k):
    one = calc.achievement(pd.Series([value]), pd.Series([target]), pd.Series(["up"]), pd.Series(["count"]))
    two = calc.achievement(pd.Series([value * k]), pd.Series([target * k]), pd.Series(["up"]), pd.Series(["count"]))
    assert two.iloc[0] == pytest.approx(one.iloc[0], rel=1e-9)


@given(value=finite, target=finite)
def test_flipping_direction_swaps_good_and_bad(value, target):
    if value == target:
        return
    statuses = {}
    for direction in ("up", "down"):
        met = calc.target_met(pd.Series([value]), pd.Series([None], dtype="string"), pd.Series([target]),
                              pd.Series([direction]))
        statuses[direction] = calc.classify(pd.Series([value]), pd.Series([target]), met, pd.Series([direction]),
                                            pd.Series([np.nan]), pd.Series([np.nan])).iloc[0]
    assert (statuses["up"] == "achieved") != (statuses["down"] == "achieved")


@settings(max_examples=40, deadline=None)
@given(values=st.lists(st.integers(min_value=0, max_value=10**9), min_size=3, max_size=3),
       more=st.lists(st.integers(min_value=0, max_value=10**9), min_size=3, max_size=3))
def test_summing_over_the_hierarchy_is_additive(values, more):
    units = pd.DataFrame(UNITS).fillna("")
    units["valid_from"] = pd.to_datetime(units["valid_from"].replace("", "1900-01-01"))
    units["valid_to"] = pd.to_datetime(units["valid_to"].replace("", "2262-01-01"))
    aggregation = pd.Series({"revenue": "sum"})

    def rollup(vals):
        rows = pd.DataFrame({"uid": [2, 3, 4], "period": pd.Categorical(["2024-H1"] * 3),
                             "indicator": pd.Categorical(["revenue"] * 3), "value": np.array(vals, dtype=float),
                             "target_op": pd.Categorical([None] * 3), "target_value": np.nan, "synthetic": False,
                             "prov": 0,
                             "origin": "reported"})
        out = derive.over_hierarchy([rows], aggregation, units)
        return dict(zip(out["uid"], out["value"]))

    a, b = rollup(values), rollup(more)
    both = rollup([x + y for x, y in zip(values, more)])
    assert both == {k: a[k] + b[k] for k in a}
    assert a[1] == sum(values) and a[0] == sum(values)  # district, then province
