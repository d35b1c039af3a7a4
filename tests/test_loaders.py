"""The data contract: what loads, and what is refused with file, row, column and what to change."""

import pandas as pd
import pytest

from tests.conftest import OBSERVATIONS, UNITS, tree_hash, write_csv
from wardlib.findings import ContractError, WardlibError
from wardlib.loaders import load_dataset


def errors_of(root):
    with pytest.raises(ContractError) as exc:
        load_dataset(root)
    return [f for f in exc.value.findings if f.severity == "error"]


def test_valid_dataset_loads_typed(make_dataset):
    data = load_dataset(make_dataset())
    obs = data.observations
    assert len(obs) == len(OBSERVATIONS)
    assert obs["value"].dtype == "float64"
    row = obs[obs["indicator"] == "budget_revenue"].iloc[0]
    assert (row["value"], row["target_value"], row["reported_pct"], row["reported_decimals"]) == (
        5137820843.0, 9270000000.0, 55.4, 1)
    assert row["file"] == "observations/obs.csv" and row["row"] == 2
    assert str(data.latest_period()) == "2025-H2"
    assert data.findings == []


def test_input_files_are_never_modified(make_dataset):
    root = make_dataset()
    before = tree_hash(root)
    load_dataset(root)
    assert tree_hash(root) == before


def test_utf8_bom_is_accepted(make_dataset):
    root = make_dataset()
    write_csv(root / "observations" / "obs.csv", OBSERVATIONS, encoding="utf-8-sig")
    assert len(load_dataset(root).observations) == len(OBSERVATIONS)


def test_vietnamese_number_is_refused_naming_file_row_column(make_dataset):
    obs = [dict(OBSERVATIONS[0], value="5.137.820.843")] + OBSERVATIONS[1:]
    [f] = errors_of(make_dataset(observations=obs))
    assert (f.rule, f.file, f.row, f.column, f.indicator) == (
        "contract.number", "observations/obs.csv", 2, "value", "budget_revenue")
    assert "5137820843" in f.message_en and "Vietnamese" in f.message_en
    assert "số" in f.message_vi


@pytest.mark.parametrize("field,bad,rule", [
    ("period", "6 tháng 2024", "contract.period"),
    ("indicator", "budget_revenu", "contract.indicator"),
    ("unit_code", "99999", "contract.unit"),
    ("target", ">>37", "contract.target"),
    ("reported_pct", "55,4%", "contract.number"),
    ("unit_code", "", "contract.required"),
])
def test_each_contract_rule_catches_its_bad_cell(make_dataset, field, bad, rule):
    obs = [dict(OBSERVATIONS[0], **{field: bad})] + OBSERVATIONS[1:]
    found = errors_of(make_dataset(observations=obs))
    assert [(f.rule, f.row, f.column) for f in found] == [(rule, 2, field)]


def test_unit_must_exist_during_the_period(make_dataset):
    # Phường 4 ended on 30 June 2025: it cannot report for 2025-H2.
    obs = OBSERVATIONS + [{"unit_code": "29872", "period": "2025-H2", "indicator": "dengue_cases", "value": "3"}]
    [f] = errors_of(make_dataset(observations=obs))
    assert f.rule == "contract.unit" and "2025-H2" in f.message_en and f.row == len(obs) + 1


def test_reused_code_resolves_by_date(make_dataset):
    # 29869 is Phường 1 before the reform and Phường Cao Lãnh after it: both periods load.
    data = load_dataset(make_dataset())
    assert data.units.name("29869", pd.Timestamp("2024-06-30")) == "Phường 1"
    assert data.units.name("29869", pd.Timestamp("2025-12-31")) == "Phường Cao Lãnh"


def test_duplicate_key_names_the_first_occurrence(make_dataset):
    obs = OBSERVATIONS + [dict(OBSERVATIONS[2], value="21")]
    [f] = errors_of(make_dataset(observations=obs))
    assert f.rule == "contract.duplicate" and f.row == len(obs) + 1
    assert "observations/obs.csv, row 4" in f.message_en


def test_missing_column_suggests_the_misspelt_one(make_dataset):
    root = make_dataset(obs_columns=["unit_code", "period", "indicator", "value"])
    text = (root / "observations" / "obs.csv").read_text(encoding="utf-8").replace("indicator", "indicater", 1)
    (root / "observations" / "obs.csv").write_text(text, encoding="utf-8")
    found = errors_of(root)
    assert found[0].rule == "contract.column" and "did you mean 'indicater'" in found[0].message_en


def test_missing_file_and_empty_observations(make_dataset):
    root = make_dataset()
    (root / "units.csv").unlink()
    assert [f.file for f in errors_of(root)] == ["units.csv"]
    root = make_dataset(name="empty")
    (root / "observations" / "obs.csv").write_text("", encoding="utf-8")
    assert "empty" in errors_of(root)[0].message_en


def test_not_utf8_says_how_to_save(make_dataset):
    root = make_dataset()
    rows = [dict(OBSERVATIONS[0], note="Đơn vị báo cáo".replace("ị", "i"))] + OBSERVATIONS[1:]  # cp1258-encodable
    write_csv(root / "observations" / "obs.csv", rows, encoding="cp1258")
    [finding] = errors_of(root)
    assert "CSV UTF-8" in finding.message_en and 'encoding = "cp1258"' in finding.message_en
    assert (finding.file, finding.row) == ("observations/obs.csv", 2)


def test_excel_unicode_text_is_read(make_dataset):
    root = make_dataset()
    write_csv(root / "observations" / "obs.csv", OBSERVATIONS, encoding="utf-16")
    assert len(load_dataset(root).observations) == len(OBSERVATIONS)


def test_missing_folder_is_our_error(tmp_path):
    with pytest.raises(WardlibError, match="not found"):
        load_dataset(tmp_path / "nope")


@pytest.mark.parametrize("change,column", [
    ({"kind": "money"}, "kind"),
    ({"parent": "no_such_code"}, "parent"),
    ({"direction": "sideways"}, "direction"),
    ({"factor": "7"}, "factor"),
])
def test_catalog_rules(make_dataset, change, column):
    from tests.conftest import CATALOG

    catalog = [dict(CATALOG[0], **change)] + CATALOG[1:]
    found = errors_of(make_dataset(catalog=catalog))
    assert [(f.file, f.row, f.column) for f in found] == [("indicators.csv", 2, column)]


def test_breakdown_needs_a_parent(make_dataset):
    from tests.conftest import CATALOG

    catalog = [dict(c) for c in CATALOG]
    catalog[2]["breakdown"] = "timeliness"
    [f] = errors_of(make_dataset(catalog=catalog))
    assert f.column == "breakdown"


def test_overlapping_unit_versions_are_refused(make_dataset):
    units = [dict(u) for u in UNITS]
    units[-1]["valid_from"] = "2025-06-01"  # overlaps Phường 1 until 2025-06-30
    found = errors_of(make_dataset(units=units))
    assert any(f.file == "units.csv" and f.column == "valid_from" for f in found)


def test_embedded_dataset_meets_the_contract(embedded_data):
    data = load_dataset(embedded_data)
    assert data.findings == []
    assert str(data.latest_period()) == "2026-H1"  # demo data for the units formed in July 2025
    assert {"2023-H1", "2023", "2024-H1", "2024-06", "2024-H2", "2025-H1", "2025-H2", "2026-H1"} == set(
        data.periods.index)


def _with_demo_file(make_dataset, demo_rows):
    root = make_dataset()
    write_csv(root / "observations" / "demo.csv", [dict(r, source="synthetic") for r in demo_rows],
              ["unit_code", "period", "indicator", "value", "target", "reported_pct", "note", "source"])
    return root


def test_real_rows_replace_the_demo_rows_of_the_same_key_with_a_note(make_dataset, capsys):
    """Issue 19 item 10: adding a ward's real figures beside the demo data needs no edit of the demo file."""
    from wardlib.cli import main

    demo = [dict(OBSERVATIONS[2], value="99"), dict(OBSERVATIONS[3], value="1"),
            dict(OBSERVATIONS[2], period="2023-H1", value="7")]  # no real row of that key: kept
    root = _with_demo_file(make_dataset, demo)
    data = load_dataset(root)
    obs = data.observations.set_index(["unit_code", "period", "indicator"])
    assert obs.loc[("29872", "2024-H1", "dengue_cases"), "value"] == 20  # the real figure, not the demo 99
    assert not obs.loc[("29872", "2024-H1", "dengue_cases"), "synthetic"]
    assert obs.loc[("29872", "2023-H1", "dengue_cases"), "value"] == 7
    assert len(obs) == len(OBSERVATIONS) + 1 and data.set_aside == 0
    [note] = [f for f in data.findings if f.rule == "contract.demo_replaced"]
    assert note.severity == "info" and note.file == "observations/obs.csv" and note.unit_code == "29872"
    assert note.message_en.startswith("2 demo rows of unit 29872 (2024-H1, in observations/demo.csv) were replaced")
    assert main(["validate", "--data", str(root), "--no-gx", "--lang", "en"]) == 0
    assert "were replaced by real ones" in capsys.readouterr().err


def test_two_real_rows_or_two_demo_rows_of_one_key_stay_duplicates(make_dataset):
    root = _with_demo_file(make_dataset, [dict(OBSERVATIONS[2], value="99"), dict(OBSERVATIONS[2], value="98"),
                                          dict(OBSERVATIONS[4], period="2023-H1"), dict(OBSERVATIONS[4], period="2023-H1")])
    errors = errors_of(root)
    assert [(f.rule, f.file, f.row) for f in errors] == [("contract.duplicate", "observations/demo.csv", 5)]
    with_real_twice = OBSERVATIONS + [dict(OBSERVATIONS[2], value="21")]
    root = make_dataset(observations=with_real_twice, name="twice")
    write_csv(root / "observations" / "demo.csv", [dict(OBSERVATIONS[2], source="synthetic")])
    errors = errors_of(root)
    assert [(f.rule, f.row) for f in errors] == [("contract.duplicate", len(with_real_twice) + 1)]
