"""An incremental rerun equals a run from scratch: one figure changed, the unchanged observation files are not
checked again, only the changed parent's cut is written again, and the findings, the analysis table, its
cuts and the pages' statuses are those of a fresh run on the same data (issue 13)."""

from __future__ import annotations

import dataclasses
import json
import shutil
from pathlib import Path

import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

from wardlib import cache, runner
from wardlib.loaders import load_dataset
from wardlib.paths import default_data_dir
from wardlib.plan import PARENTS_DIR

PERIOD = "2026-H1"
LAST_YEAR = "2025-H1"
PROVINCES = ("01", "02")
NOTE = "Dữ liệu minh họa (synthetic), không phải số liệu thật — demo data, not real figures"


@pytest.fixture()
def data(tmp_path) -> Path:
    """Two provinces of four communes each, one observation file per province, two half-years."""
    root = tmp_path / "data"
    (root / "observations").mkdir(parents=True)
    for name in ("indicators.csv", "sections.csv"):
        shutil.copy(default_data_dir() / name, root / name)
    units = []
    for i, province in enumerate(PROVINCES):
        units.append({"code": province, "name": f"Tỉnh {i + 1}", "level": "province", "parent_code": ""})
        obs = []
        for k in range(4):
            code = f"{province}00{k + 1}"
            units.append({"code": code, "name": f"Xã {i + 1}.{k + 1}", "level": "commune", "parent_code": province})
            for period, shift in ((LAST_YEAR, 0), (PERIOD, 5)):
                for indicator, value, target in (("new_household_businesses", 40 + 7 * k + i + shift, 100),
                                                 ("budget_revenue", 5e9 + 1e8 * k + 1e7 * shift, 9e9),
                                                 ("dengue_cases", 10 + k + shift, None)):
                    obs.append({"unit_code": code, "period": period, "indicator": indicator, "value": value,
                                "target": "" if target is None else str(target), "note": NOTE,
                                "source": "synthetic"})
        pd.DataFrame(obs).to_parquet(root / "observations" / f"demo-{province}.parquet", index=False)
    pd.DataFrame(units).to_csv(root / "units.csv", index=False)
    return root


def bump(root: Path, unit: str, period: str = PERIOD) -> str:
    """new_household_businesses of ``unit`` + 1 in its file; the file's name in the dataset."""
    for path in sorted((root / "observations").glob("*.parquet")):
        t = pd.read_parquet(path)
        hit = (t["unit_code"] == unit) & (t["indicator"] == "new_household_businesses") & (t["period"] == period)
        if hit.any():
            t.loc[hit, "value"] += 1
            t.to_parquet(path, index=False)
            return path.relative_to(root).as_posix()
    raise AssertionError(f"no new_household_businesses figure of {unit}")


def assert_same_dataset(a, b) -> None:
    assert_frame_equal(a.observations, b.observations)
    assert_frame_equal(a.periods, b.periods)
    assert [dataclasses.asdict(f) for f in a.findings] == [dataclasses.asdict(f) for f in b.findings]
    assert a.version == b.version


def test_a_load_file_by_file_equals_a_whole_load_and_checks_only_the_changed_file(data, tmp_path):
    folder = tmp_path / "pieces"
    first = cache.FilePieces(folder, data)
    assert_same_dataset(load_dataset(data, pieces=first), load_dataset(data))
    assert first.parsed == ["observations/demo-01.parquet", "observations/demo-02.parquet"] and not first.reused

    changed = bump(data, "01001")
    again = cache.FilePieces(folder, data)
    assert_same_dataset(load_dataset(data, pieces=again), load_dataset(data))
    assert again.parsed == [changed] and again.reused == ["observations/demo-02.parquet"]

    # Another catalog: every file is checked again against it.
    cat = pd.read_csv(data / "indicators.csv", dtype=str, keep_default_na=False)
    cat.to_csv(data / "indicators.csv", index=False, lineterminator="\r\n")
    third = cache.FilePieces(folder, data)
    assert_same_dataset(load_dataset(data, pieces=third), load_dataset(data))
    assert len(third.parsed) == 2 and not third.reused


def test_a_file_with_a_finding_or_a_duplicate_across_files_is_loaded_the_whole_way(data, tmp_path):
    folder = tmp_path / "pieces"
    load_dataset(data, pieces=cache.FilePieces(folder, data))
    # A figure of 01001 given again in the other province's file: a duplicate only the whole load sees.
    other = data / "observations" / "demo-02.parquet"
    t = pd.read_parquet(other)
    one = pd.read_parquet(data / "observations" / "demo-01.parquet").iloc[[0]]
    pd.concat([t, one], ignore_index=True).to_parquet(other, index=False)
    pieces = cache.FilePieces(folder, data)
    with pytest.raises(Exception) as whole:
        load_dataset(data)
    with pytest.raises(type(whole.value)) as by_file:
        load_dataset(data, pieces=pieces)
    assert [f.message_en for f in by_file.value.findings] == [f.message_en for f in whole.value.findings]
    assert any(f.rule == "contract.duplicate" for f in by_file.value.findings)


def tables(out: Path) -> dict[str, pd.DataFrame]:
    folder = out / PERIOD
    found = {"analysis": out / runner.ANALYSIS_FILE, "period": folder / runner.PERIOD_TABLE,
             **{f"cut {p.stem}": p for p in sorted((folder / PARENTS_DIR).glob("*.parquet"))}}
    return {k: pd.read_parquet(v) for k, v in found.items()}


@pytest.mark.parametrize("gx", [False, True])
def test_a_rerun_after_one_figure_equals_a_fresh_run(data, tmp_path, gx):
    codes = [f"{p}00{k}" for p in PROVINCES for k in range(1, 5)]
    out, fresh = tmp_path / "reports", tmp_path / "fresh"
    runner.run(data, PERIOD, codes, out, gx=gx)
    changed = bump(data, "01002")
    again = runner.run(data, PERIOD, codes, out, gx=gx)
    scratch = runner.run(data, PERIOD, codes, fresh, gx=gx, force=True)

    record = json.loads((out / PERIOD / "manifest.json").read_text(encoding="utf-8"))["recomputed"]
    assert record["load"] == "made" and record["prepare"] == "made"
    assert record["files_checked"] == [changed] and record["files_reused"] == ["observations/demo-02.parquet"]
    assert record["parent_cuts"] == ["01"]  # province 02's cut has the same rows: not written again

    status = {r.unit_code: r.status for r in [*again.results, *again.pages]}
    assert status == {**{f"0100{k}": "ok" for k in range(1, 5)}, **{f"0200{k}": "skipped" for k in range(1, 5)},
                      "overview-01": "ok", "trends-01": "ok", "overview-02": "skipped", "trends-02": "skipped"}
    assert {r.unit_code: r.status for r in scratch.results} == {c: "ok" for c in codes}
    assert (out / PERIOD / "findings.json").read_bytes() == (fresh / PERIOD / "findings.json").read_bytes()
    mine, theirs = tables(out), tables(fresh)
    assert list(mine) == list(theirs) == ["analysis", "period", "cut 01", "cut 02"]
    for name in mine:
        assert_frame_equal(mine[name], theirs[name], obj=name)
    # The same digests of the rows each page reads (the input hashes differ only by the folders' paths).
    prints = [json.loads((o / PERIOD / runner.FINGERPRINTS_FILE).read_text(encoding="utf-8")) for o in (out, fresh)]
    assert prints[0]["rows"] == prints[1]["rows"] and prints[0]["parents"] == prints[1]["parents"]
