"""Each consistency rule catches its known-bad case and passes its known-good one; the seed's cases stay caught."""

from __future__ import annotations

import pytest

from tests.conftest import write_csv
from wardlib.analysis import build_table
from wardlib.checks import RULES, completeness, run_checks
from wardlib.loaders import load_dataset

CATALOG = [
    dict(code="revenue", kind="amount", unit="đ", expect="target"),
    dict(code="fees", kind="amount", unit="đ", parent="revenue"),
    dict(code="received", unit="hồ sơ", expect="value"),
    dict(code="online", unit="hồ sơ", parent="received", breakdown="channel"),
    dict(code="in_person", unit="hồ sơ", parent="received", breakdown="channel"),
    dict(code="households", unit="hộ", aggregation="last"),
    dict(code="workers", unit="người"),
]
UNITS = [dict(code="87", name="Tỉnh", level="province"), dict(code="866", name="Thành phố", level="district",
                                                                parent_code="87")] + [
    dict(code=f"2990{i}", name=f"Phường {i}", level="commune", parent_code="866") for i in range(6)]
GOOD = [
    dict(unit_code="29900", period="2024-H1", indicator="revenue", value="5137820843", target="9270000000",
         reported_pct="55.4"),
    dict(unit_code="29900", period="2024-H1", indicator="fees", value="57072500"),
    dict(unit_code="29900", period="2024-H1", indicator="received", value="710"),
    dict(unit_code="29900", period="2024-H1", indicator="online", value="699"),
    dict(unit_code="29900", period="2024-H1", indicator="in_person", value="11"),
    dict(unit_code="29900", period="2023-H1", indicator="revenue", value="4900000000", target="8800000000"),
    dict(unit_code="29900", period="2023-H1", indicator="received", value="650"),
    dict(unit_code="29900", period="2023-H1", indicator="households", value="1000"),
    dict(unit_code="29900", period="2024-H1", indicator="households", value="1100"),
    dict(unit_code="29900", period="2024-H1", indicator="workers", value="6", target="10", unit="người"),
]


def findings(tmp_path, rows, name="ds"):
    root = tmp_path / name
    write_csv(root / "indicators.csv",
              [dict(name_vi=r["code"], name_en=r["code"], unit_en=r["unit"], section="1", **r) for r in CATALOG],
              ["code", "name_vi", "name_en", "unit", "unit_en", "section", "kind", "aggregation", "parent", "breakdown",
               "expect"])
    write_csv(root / "units.csv", UNITS, ["code", "name", "level", "parent_code"])
    write_csv(root / "observations" / "obs.csv", rows,
              ["unit_code", "period", "indicator", "value", "target", "reported_pct", "status", "unit"])
    data = load_dataset(root)
    return run_checks(data, build_table(data)), data


def replace(rows, indicator, period="2024-H1", **changes):
    """The rows with the 29900 row of ``indicator`` in ``period`` (default 2024-H1) changed."""
    out = [dict(r) for r in rows]
    for r in out:
        if (r["indicator"], r["unit_code"], r["period"]) == (indicator, "29900", period):
            r.update(changes)
    return out


def rules(found):
    return {(f.rule, f.severity) for f in found}


def test_good_data_has_no_findings(tmp_path):
    found, _ = findings(tmp_path, GOOD)
    assert found == []


@pytest.mark.parametrize("case,rows,rule,severity", [
    ("stated % its figures do not give", replace(GOOD, "revenue", reported_pct="83.5"), "check.pct_stated", "error"),
    ("stated % cut not rounded", replace(replace(replace(GOOD, "revenue", value="4518", target="9280",
                                                         reported_pct="48.6"), "fees", value="100"),
                                         "revenue", "2023-H1", value="4400"),  # (not 4518 against 4.9 billion)
     "check.pct_stated", "info"),  # 48.685 %
    ("channels do not add up", replace(GOOD, "in_person", value="21"), "check.breakdown_sum", "error"),
    ("part above its whole", replace(GOOD, "fees", value="6000000000"), "check.part_exceeds_whole", "error"),
    ("target, no result", replace(GOOD, "workers", value=""), "check.target_no_result", "warning"),
    ("result, no target", replace(GOOD, "revenue", target="", reported_pct=""), "check.result_no_target", "warning"),
    ("unit contradicts catalog", replace(GOOD, "workers", unit="%"), "check.unit_mismatch", "warning"),
    ("stock jumps 50 %", replace(GOOD, "households", value="1500"), "check.outlier_time", "warning"),
])
def test_each_rule_catches_its_bad_case(tmp_path, case, rows, rule, severity):
    found, _ = findings(tmp_path, rows)
    assert (rule, severity) in rules(found), case
    assert {f.rule for f in found} == {rule}, f"{case}: only its own rule fires"


def test_a_finding_names_file_row_column_and_numbers(tmp_path):
    found, _ = findings(tmp_path, replace(GOOD, "revenue", reported_pct="83.5"))
    [f] = found
    assert (f.file, f.row, f.column, f.unit_code, f.period, f.indicator) == (
        "observations/obs.csv", 2, "reported_pct", "29900", "2024-H1", "revenue")
    assert f.values["stated"] == 83.5 and round(f.values["computed"], 2) == 55.42
    assert "55,4%" in f.message("vi") and "55.4%" in f.message("en")


def peers(values, indicator="received"):
    return [dict(unit_code=f"2990{i}", period="2024-H1", indicator=indicator, value=str(v))
            for i, v in enumerate(values)]


def test_outliers_among_peers_by_modified_z_score(tmp_path):
    found, _ = findings(tmp_path, peers([700, 710, 690, 720, 705, 9000]), "bad")
    hits = [f for f in found if f.rule == "check.outlier_peers"]
    assert [f.unit_code for f in hits] == ["29905"] and hits[0].values["modified_z"] > 3.5
    found, _ = findings(tmp_path, peers([700, 710, 690, 720, 705, 730]), "good")
    assert not [f for f in found if f.rule == "check.outlier_peers"]


def test_scale_slip_of_a_thousand(tmp_path):
    rows = [dict(unit_code=f"2990{i}", period="2024-H1", indicator="revenue", value=str(v), target="9000000000")
            for i, v in enumerate([5.1e9, 4.9e9, 5.0e9, 5.2e9, 4.8e9, 5.0e6])]  # the last in nghìn đồng
    found, _ = findings(tmp_path, rows, "bad")
    assert [f.unit_code for f in found if f.rule == "check.scale_slip"] == ["29905"]
    found, _ = findings(tmp_path, rows[:-1], "good")
    assert not [f for f in found if f.rule == "check.scale_slip"]


def test_completeness_names_missing_expected_lines(tmp_path):
    rows = [r for r in GOOD if r["indicator"] != "received"]  # 1 of 2 expected lines
    found, data = findings(tmp_path, rows)
    [f] = [f for f in found if f.rule == "check.completeness" and f.period == "2024-H1"]
    assert f.values["missing"] == ["received"] and f.values["share"] == 0.5
    comp = completeness(build_table(data), data)
    assert comp.loc[comp["period"] == "2024-H1", "share"].tolist() == [0.5]


def test_every_rule_is_described_in_both_languages():
    assert all(sev in ("error", "warning", "info") and vi and en for sev, vi, en in RULES.values())


# -- the seed report's own cases, as regression tests ------------------------------------------------
@pytest.fixture(scope="module")
def seed_findings(embedded_data):
    data = load_dataset(embedded_data)
    return [f for f in run_checks(data, build_table(data)) if f.unit_code == "29872" and f.period == "2024-H1"]


def test_seed_disaster_fund_is_an_error(seed_findings):
    [f] = [f for f in seed_findings if f.indicator == "fund_disaster_prevention"]
    assert (f.severity, f.rule) == ("error", "check.pct_stated")
    assert "83,5%" in f.message("vi") and "78,98%" in f.message("vi")


def test_seed_health_app_is_only_a_rounding_note(seed_findings):
    [f] = [f for f in seed_findings if f.indicator == "health_app_rate"]
    assert (f.severity, f.rule) == ("info", "check.pct_stated")
    assert "48,6%" in f.message("vi") and "48,69%" in f.message("vi")


def test_seed_labour_export_unit_is_flagged(seed_findings):
    [f] = [f for f in seed_findings if f.rule == "check.unit_mismatch"]
    assert f.indicator == "commit_labour_export" and f.values["source_unit"] == "%"


def test_seed_has_no_other_error(seed_findings):
    assert [f.indicator for f in seed_findings if f.severity == "error"] == ["fund_disaster_prevention"]


def test_a_breakdown_error_is_one_finding_not_one_per_level_it_is_rolled_up_to(tmp_path):
    """Rule: breakdowns are judged where a line was reported; the district's and province's roll-ups of a
    commune's broken breakdown (computed rows only) are not reported again."""
    from wardlib import quality

    rows = replace(GOOD, "in_person", value="21") + [
        dict(unit_code="29901", period="2024-H1", indicator=i, value=v)
        for i, v in (("received", "500"), ("online", "450"), ("in_person", "50"))]
    _, data = findings(tmp_path, rows)
    table = build_table(data)
    assert (table["origin"].eq("rollup") & table["indicator"].eq("received")).any()  # there are roll-ups
    found = quality.collect(data, table, gx=False)
    found = [f for f in found if f.rule != "check.completeness"]  # (29901 reports three lines only)
    assert [(f.rule, f.unit_code, f.period) for f in found] == [("check.breakdown_sum", "29900", "2024-H1")]
    assert found[0].unit_name == "Phường 0" and found[0].format("en").startswith("error: Phường 0 (29900), 2024-H1")


@pytest.mark.parametrize("last_year,this_year,flagged", [
    ("2", "200", True),  # dengue 200 against 2
    ("2", "20", False),  # the seed's own 20 against 2: a count near zero, changed by fewer than 20
    ("0", "25", True),  # from nothing to 25
    ("100", "250", False),  # two and a half times: not yet
    ("100", "300", True),
    ("300", "90", True),  # a third or less
])
def test_a_flow_far_from_the_same_period_last_year_is_a_warning(tmp_path, last_year, this_year, flagged):
    rows = GOOD + [dict(unit_code="29900", period="2023-H1", indicator="workers", value=last_year)]
    found, _ = findings(tmp_path, replace(rows, "workers", value=this_year))
    hits = [f for f in found if f.rule == "check.outlier_time" and f.indicator == "workers"]
    assert bool(hits) == flagged, [f.message_en for f in found]
    assert all(f.severity == "warning" for f in hits)
