"""Computed figures of the analysis table, on hand-made rows and on the seed's own cases."""

import numpy as np
import pandas as pd
import pytest

from wardlib.analysis import achievement, build_table, pct_check, target_met
from wardlib.loaders import load_dataset


@pytest.fixture(scope="module")
def seed_rows(embedded_data):
    t = build_table(load_dataset(embedded_data))
    return t[(t["unit_code"] == "29872") & (t["period"] == "2024-H1")].set_index("indicator")


def test_budget_revenue_matches_the_report(seed_rows):
    r = seed_rows.loc["budget_revenue"]
    assert r["achievement_pct"] == pytest.approx(55.424, abs=1e-3)
    assert r["pct_check"] == "ok"
    assert r["expected_pct"] == 50.0  # half the year has passed at the end of H1


def test_disaster_fund_stated_percentage_is_a_mismatch(seed_rows):
    r = seed_rows.loc["fund_disaster_prevention"]
    assert r["reported_pct"] == 83.5
    assert r["computed_pct"] == pytest.approx(78.975, abs=1e-3)
    assert r["pct_check"] == "mismatch"


def test_health_app_rate_is_computed_and_its_truncation_is_only_a_note(seed_rows):
    r = seed_rows.loc["health_app_rate"]
    assert r["value"] == pytest.approx(4718 / 9690 * 100)
    assert bool(r["computed"]) and r["pct_check"] == "truncated"


def test_rate_rows_are_added_where_the_source_has_none(seed_rows):
    r = seed_rows.loc["dossier_online_rate"]
    assert r["value"] == pytest.approx(699 / 710 * 100) and r["source"] == "computed"


def test_commitment_with_comparison_target(seed_rows):
    r = seed_rows.loc["commit_new_household_businesses"]
    assert (r["target"], r["value"], bool(r["target_met"])) == (">37", 24.0, False)
    assert bool(seed_rows.loc["commit_city_reprimands", "target_met"])  # 0 of at most 0


EXPECTED = pd.DataFrame([
    # value, target, direction, kind, achievement
    (50.0, 100.0, "up", "count", 50.0),
    (5.0, 0.0, "up", "count", np.nan),  # zero target: no ratio, never inf
    (np.nan, 10.0, "up", "count", np.nan),
    (20.0, 10.0, "down", "count", np.nan),  # lower is better: judged by target_met only
    (1.0, 3.0, "down", "rank", np.nan),
], columns=["value", "target", "direction", "kind", "achievement"])


def test_achievement_table():
    got = achievement(EXPECTED["value"], EXPECTED["target"], EXPECTED["direction"], EXPECTED["kind"])
    np.testing.assert_allclose(got.to_numpy(dtype=float), EXPECTED["achievement"].to_numpy(), equal_nan=True)
    assert not np.isinf(got).any()


def test_target_met_table():
    value = pd.Series([24.0, 38.0, 0.0, 2.0, np.nan])
    op = pd.Series([">", ">", None, None, ">="], dtype="string")
    target = pd.Series([37.0, 37.0, 0.0, 0.0, 5.0])
    direction = pd.Series(["up", "up", "down", "down", "up"])
    assert target_met(value, op, target, direction).tolist() == [False, True, True, False, pd.NA]


@pytest.mark.parametrize("reported,computed,decimals,expected", [
    (55.4, 55.424, 1, "ok"), (83.5, 78.975, 1, "mismatch"), (48.6, 48.689, 1, "truncated"),
    (90.0, 90.17, 0, "ok"), (35.0, 35.33, 0, "ok"), (56.73, 56.7307, 2, "ok"), (51.3, 51.269, 1, "ok"),
])
def test_pct_check_uses_the_decimals_shown(reported, computed, decimals, expected):
    got = pct_check(pd.Series([reported]), pd.Series([computed]), pd.Series([decimals]))
    assert got.iloc[0] == expected
