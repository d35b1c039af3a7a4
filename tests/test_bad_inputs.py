"""The bad-input corpus (tests/data/bad/): every case gets its documented outcome, and nothing is lost.

Each case folder holds the files that differ from ``_base/`` and ``expect.toml``
(see make_corpus.py). For every case: ``wardlib validate`` exits as expected
with no traceback, the expected findings name file, row and column, ``wardlib
run`` refuses contract errors with exit 2 before rendering anything, values
read under a declared locale are the intended numbers, and the input files are
byte for byte the same afterwards.
"""

from __future__ import annotations

import json
import shutil
import tomllib
from pathlib import Path

import pytest

from tests.conftest import REPO, tree_hash
from wardlib.cli import main
from wardlib.loaders import load_dataset

CORPUS = REPO / "tests" / "data" / "bad"
CASES = sorted(p.name for p in CORPUS.iterdir() if p.is_dir() and not p.name.startswith("_"))


def dataset(tmp_path: Path, name: str) -> Path:
    root = tmp_path / name
    shutil.copytree(CORPUS / "_base", root)
    for p in (CORPUS / name).rglob("*"):
        if p.is_file() and p.name != "expect.toml":
            target = root / p.relative_to(CORPUS / name)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(p, target)
    return root


def test_the_corpus_covers_the_issue():
    assert len(CASES) >= 20
    for needed in ("missing_column", "misspelt_column", "unknown_codes", "duplicate_key", "vietnamese_numbers",
                   "not_available_and_dash", "negative_and_impossible", "bad_targets_and_periods", "utf8_bom",
                   "utf16_excel_unicode_text", "windows_1258", "semicolons", "excel_merged_header",
                   "excel_formula_without_value", "excel_dates_hidden_sheets_numbers", "empty_file", "too_large",
                   "unit_code_path", "html_in_text", "formula_in_cells",
                   # issue 18, hostile ground
                   "duplicate_header", "full_width_digits", "invisible_in_code", "trailing_comma", "cr_line_ends",
                   "toml_with_bom", "xlsx_named_csv", "max_file_mb_bool", "files_not_a_table", "unknown_files_entry",
                   "reserved_code_index", "reserved_code_overview", "windows_device_code", "unit_own_parent",
                   "unit_parent_cycle", "rate_own_numerator", "crosswalk_not_reform", "future_period_negative_target"):
        assert needed in CASES, needed


@pytest.mark.parametrize("name", CASES)
def test_case_gets_its_outcome(name, tmp_path, capsys):
    expect = tomllib.loads((CORPUS / name / "expect.toml").read_text(encoding="utf-8"))
    root = dataset(tmp_path, name)
    before = tree_hash(root)

    csv_path = tmp_path / "findings.csv"
    code = main(["validate", "--data", str(root), "--no-gx", "--json", "--lang", "en", "--csv", str(csv_path)])
    out, err = capsys.readouterr()
    assert "Traceback" not in err and "Traceback" not in out
    findings = json.loads(out)
    assert code == expect["validate_exit"], [f["message"] for f in findings if f["severity"] == "error"]
    for want in expect.get("finding", []):
        hits = [f for f in findings if f["rule"] == want["rule"]
                and f["severity"] == want.get("severity", "error")
                and all(f.get(k) == want[k] for k in ("file", "row", "column") if k in want)
                and want.get("message", "") in f["message"]]
        assert hits, f"{name}: expected {want}, got {[(f['rule'], f['row'], f['message']) for f in findings]}"
    if "csv_cell" in expect:
        assert expect["csv_cell"] in csv_path.read_text(encoding="utf-8-sig").split(","), "formula not neutralised"

    if expect.get("values") or expect.get("targets"):
        obs = load_dataset(root).observations.astype({"unit_code": str, "period": str, "indicator": str})
        key = obs["unit_code"] + "/" + obs["period"] + "/" + obs["indicator"]
        for k, v in expect.get("values", {}).items():
            assert obs.loc[key == k, "value"].tolist() == [v], k
        for k, v in expect.get("targets", {}).items():
            assert obs.loc[key == k, "target_value"].tolist() == [v], k

    if expect.get("run_exit") == 2:  # refused before anything is rendered
        out_dir = tmp_path / "reports"
        code = main(["run", "--data", str(root), "--out", str(out_dir), "--no-gx", "--lang", "en",
                     *expect.get("run_args", [])])
        err = capsys.readouterr().err
        assert code == 2 and "Traceback" not in err
        assert expect.get("run_message", "") in err
        assert not any(out_dir.rglob("*.html")) if out_dir.exists() else True

    assert tree_hash(root) == before, "an input file was modified"
