"""The embedded dataset: real figures trace to the seed report, demo data is labelled, units are official."""

import re

import pandas as pd
import pytest

from wardlib import adminunits
from wardlib.loaders import load_dataset

SEED = "sources/bao-cao-6-thang-2024-phuong-4.txt"


@pytest.fixture(scope="module")
def data(embedded_data):
    return load_dataset(embedded_data)


def seed_numbers(text: str) -> set[float]:
    """Every number the report writes, read both ways: 5.137.820.843 → 5137820843, 55.4 → 55.4, 06 → 6."""
    found = set()
    for token in re.findall(r"\d[\d.,]*\d|\d", text):
        if re.fullmatch(r"\d{1,3}(\.\d{3})+", token):
            found.add(float(token.replace(".", "")))
        found.add(float(token.replace(",", ".")) if token.count(",") == 1 and "." not in token else
                   float(token) if re.fullmatch(r"\d+(\.\d+)?", token) else float("nan"))
    return found


def test_every_real_figure_of_phuong_4_is_in_the_report(data, embedded_data):
    numbers = seed_numbers((embedded_data / SEED).read_text(encoding="utf-8"))
    real = data.observations[(data.observations["unit_code"] == "29872") & ~data.observations["synthetic"]]
    assert len(real) > 140
    derived = real["note"].str.startswith("derived:")
    assert set(real.loc[derived, "period"].astype(str)) <= {"2023-H1", "2023"}  # figures implied for last year
    untraced = []
    for _, r in real[~derived].iterrows():
        for col in ("value", "target_value", "reported_pct"):
            if pd.notna(r[col]) and r[col] not in numbers:
                untraced.append((r["indicator"], col, r[col]))
        assert r["source"].startswith("BC 6 tháng 2024 P4"), r["indicator"]
    assert untraced == []


def test_the_reports_own_mistake_is_kept(data):
    obs = data.observations.set_index(["unit_code", "period", "indicator"])
    assert obs.loc[("29872", "2024-H1", "fund_disaster_prevention"), "reported_pct"] == 83.5
    assert obs.loc[("29872", "2024-H1", "commit_labour_export"), "unit"] == "%"  # printed "%" for 10 people
    assert obs.loc[("29872", "2023-H1", "dengue_cases"), "value"] == 2  # 20 cases, "tăng 18 ca so với cùng kỳ"


def test_demo_rows_are_labelled_and_never_shadow_real_ones(data):
    obs = data.observations
    syn = obs[obs["synthetic"]]
    assert len(syn) > 1000
    assert syn["note"].str.contains("Dữ liệu minh họa").all()
    assert syn["file"].astype(str).eq("observations/synthetic-tp-cao-lanh.csv").all()
    assert not ((syn["unit_code"] == "29872") & (syn["period"] == "2024-H1")).any()
    assert set(syn["period"].astype(str)) == {"2023-H1", "2023", "2024-H1", "2024-H2", "2025-H1",
                                              "2025-H2", "2026-H1"}


def test_demo_data_is_reproducible(data, embedded_data):
    import importlib.util

    spec = importlib.util.spec_from_file_location("generate", embedded_data / "generate.py")
    gen = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gen)
    again = gen.synthetic_rows(data)
    committed = pd.read_csv(gen.SYNTHETIC_FILE, dtype=str, keep_default_na=False)
    pd.testing.assert_frame_equal(again.astype(str).reset_index(drop=True), committed, check_dtype=False)


def test_units_come_from_the_official_lists(data):
    units = data.units.table
    legacy = adminunits.legacy_units()
    cao_lanh = legacy[legacy["district_code"] == "866"]
    ours = units[(units["level"] == "commune") & (units["parent_code"] == "866")]
    assert dict(zip(ours["code"], ours["name"])) == dict(zip(cao_lanh["ward_code"], cao_lanh["ward"]))
    assert data.units.name("29872", pd.Timestamp("2024-06-30")) == "Phường 4"
    p4 = units[units["code"] == "29872"].iloc[0]
    assert p4["successor_code"] == "29869" and p4["valid_to"] == pd.Timestamp("2025-06-30")
    assert data.units.name("29869", pd.Timestamp("2025-07-01")) == "Phường Cao Lãnh"


def test_crosswalk_knows_phuong_cao_lanh_was_formed_from_nine_whole_units():
    cw = adminunits.crosswalk()
    whole = cw[(cw["new_code"] == "29869") & cw["whole"]]
    assert sorted(whole["old_code"]) == ["29869", "29872", "29875", "29878", "29890", "29892", "29893",
                                         "29896", "29899"]
    assert adminunits.province_successors()["87"] == "82"


def test_ranks_are_a_permutation_in_every_period(data):
    obs = data.observations
    for period, grp in obs[obs["indicator"] == "admin_reform_rank"].groupby("period", observed=True):
        assert sorted(grp["value"]) == list(range(1, len(grp) + 1)), period
