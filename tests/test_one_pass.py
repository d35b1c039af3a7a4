"""Every problem in one pass, once each: a dataset with faults of many kinds gets every one of them from one
``wardlib validate``, one finding per fault, and nothing on the units nobody touched; ``run`` refuses it
and lists the same findings.

The faulty dataset is the embedded one with faults planted in a copy; its findings are compared with
those of the untouched embedded data, so the real report's own findings (Phường 4's 83,5 %) are the
baseline and everything new must be a planted fault.
"""

from __future__ import annotations

import json
import shutil

import pandas as pd
import pytest

from wardlib.cli import main
from wardlib.paths import default_data_dir

SYNTHETIC = "observations/synthetic-tp-cao-lanh.csv"
REAL = "observations/phuong-4-2024.csv"

#: (unit, period, indicator) → the rule that must find it, one finding each.
FAULTS = {
    ("29878", "2024-H1", "budget_revenue"): "check.pct_stated",  # a wrong stated percentage
    ("29881", "2024-H1", "dossiers_received"): "check.breakdown_sum",  # timeliness does not add up
    ("29884", "2024-H1", "dossiers_online"): "check.part_exceeds_whole",  # online above the total
    ("29887", "2024-H1", "rev_non_agri_land_tax"): "check.scale_slip",  # land tax ×1,000
    ("29890", "2024-H1", "jobs_created"): "contract.negative",  # a negative count
    ("29872", "2024-H1", "dengue_cases"): "check.outlier_time",  # 200 against 2 the same period last year
    ("29893", "2024-H1", "revenu"): "contract.indicator",  # an unknown indicator
    ("29896", "2024-H1", "jobs_created"): "contract.number",  # not a number
    ("29899", "2024-H1", "population"): "check.outlier_time",  # a stock jumping by 60 %
}


def _set(frame: pd.DataFrame, unit: str, period: str, indicator: str, column: str, fn) -> None:
    at = (frame["unit_code"] == unit) & (frame["period"] == period) & (frame["indicator"] == indicator)
    assert at.sum() == 1, (unit, period, indicator)
    frame.loc[at, column] = fn(frame.loc[at, column].iloc[0])


def faulty_dataset(root):
    shutil.copytree(default_data_dir(), root, ignore=shutil.ignore_patterns("generate.py", "sources", "__pycache__"))
    demo = pd.read_csv(root / SYNTHETIC, dtype=str, keep_default_na=False)
    real = pd.read_csv(root / REAL, dtype=str, keep_default_na=False)
    num = lambda f: lambda v: f"{f(float(v)):.15g}"  # noqa: E731
    _set(demo, "29878", "2024-H1", "budget_revenue", "reported_pct", num(lambda v: v + 5.4))
    _set(demo, "29881", "2024-H1", "dossiers_on_time", "value", num(lambda v: v + 5))
    received = float(demo.loc[(demo["unit_code"] == "29884") & (demo["period"] == "2024-H1")
                              & (demo["indicator"] == "dossiers_received"), "value"].iloc[0])
    _set(demo, "29884", "2024-H1", "dossiers_online", "value", lambda v: f"{received + 40:.15g}")
    _set(demo, "29887", "2024-H1", "rev_non_agri_land_tax", "value", num(lambda v: v * 1000))
    _set(demo, "29890", "2024-H1", "jobs_created", "value", num(lambda v: -v))
    _set(real, "29872", "2024-H1", "dengue_cases", "value", lambda v: "200")
    _set(demo, "29896", "2024-H1", "jobs_created", "value", lambda v: "12,5")
    _set(demo, "29899", "2024-H1", "population", "value", num(lambda v: round(v * 1.6)))
    extra = demo.iloc[[0]].assign(unit_code="29893", period="2024-H1", indicator="revenu", value="1000")
    pd.concat([demo, extra]).to_csv(root / SYNTHETIC, index=False)
    real.to_csv(root / REAL, index=False)
    return root


def validate(capsys, *args) -> tuple[int, list[dict]]:
    code = main(["validate", "--json", "--lang", "en", *args])
    return code, json.loads(capsys.readouterr().out)


def key(f: dict) -> tuple:
    return (f["rule"], f["unit_code"], f["period"], f["indicator"])


@pytest.fixture(scope="module")
def faulty(tmp_path_factory):
    return faulty_dataset(tmp_path_factory.mktemp("faults") / "data")


@pytest.fixture(scope="module")
def findings(faulty):
    """validate --no-gx on the embedded data and on the faulty copy: (exit code, clean, faulty)."""
    from wardlib import quality

    clean = [f.as_dict("en") for f in quality.check_dataset(default_data_dir(), gx=False)]
    code = main(["validate", "--no-gx", "--data", str(faulty), "--csv", str(faulty.parent / "findings.csv")])
    found = [f.as_dict("en") for f in quality.check_dataset(faulty, gx=False)]
    return code, clean, found


def test_one_validate_run_finds_every_fault_once_and_nothing_else(findings):
    code, clean, found = findings
    assert code == 1
    new = [f for f in found if key(f) not in {key(c) for c in clean}]
    assert sorted((f["unit_code"], f["period"], f["indicator"]) for f in new) == sorted(FAULTS), \
        [f["message"] for f in new]  # every fault, each once, and nothing on the untouched units
    for f in new:
        assert f["rule"] == FAULTS[(f["unit_code"], f["period"], f["indicator"])], f
    gone = [c for c in clean if key(c) not in {key(f) for f in found}]
    assert gone == []  # the real report's own findings are still there
    slip = next(f for f in new if f["rule"] == "check.scale_slip")
    assert {"check.part_exceeds_whole", "check.pct_stated"} <= set(slip["values"]["also"])  # folded in


def test_gx_runs_on_the_rows_that_passed_and_adds_no_second_finding(faulty, findings, capsys):
    _, with_gx = validate(capsys, "--data", str(faulty))
    without = findings[2]
    extra = [f for f in with_gx if key(f) not in {key(g) for g in without}]
    assert not [f for f in extra if (f["unit_code"], f["period"], f["indicator"]) in FAULTS], extra
    assert not [f for f in extra if f["severity"] == "error"], extra


def test_every_printed_line_names_the_unit_and_the_period(faulty, capsys):
    main(["validate", "--no-gx", "--lang", "en", "--data", str(faulty)])
    lines = [x for x in capsys.readouterr().err.splitlines() if x.startswith(("error:", "warning:", "note:"))]
    assert lines
    for line in lines:
        if "more rows have this same problem" in line:
            continue
        assert "(" in line.split(" — ")[0] and ", 20" in line.split(" — ")[0], line  # "Name (code), period"
    assert any(x.startswith("warning: Phường 4 (29872), 2024-H1 — observations/phuong-4-2024.csv") for x in lines)


def test_run_refuses_and_lists_every_finding(faulty, findings, tmp_path, capsys):
    code = main(["run", "--data", str(faulty), "--out", str(tmp_path / "out"), "--no-gx", "--lang", "en",
                 "--period", "2024-H1"])
    err = capsys.readouterr().err
    assert code == 2 and "Traceback" not in err
    period = [f for f in findings[2] if f["period"] in ("2024-H1", None)]
    assert len(period) > 9
    for f in period:
        assert f["message"] in err, f
    assert "nothing was rendered" in err
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").rglob("*.html"))


def test_an_unusable_file_stops_the_layers_below_and_says_so(faulty, tmp_path, capsys):
    root = tmp_path / "data"
    shutil.copytree(faulty, root)
    (root / "observations" / "broken.csv").write_text("unit_code,period\n29872,2024-H1\n", encoding="utf-8")
    code, found = validate(capsys, "--no-gx", "--data", str(root))
    assert code == 1
    rules = {f["rule"] for f in found}
    assert {"contract.column", "contract.not_checked", "contract.negative"} <= rules  # the other files' rows
    assert not any(r.startswith("check.") for r in rules)
    note = next(f for f in found if f["rule"] == "contract.not_checked")
    assert "not run" in note["message"] and "broken.csv" in note["message"]


def test_when_no_row_passes_the_contract_errors_are_all_there_is(tmp_path, capsys):
    from tests.test_bad_inputs import CORPUS

    root = tmp_path / "data"
    shutil.copytree(CORPUS / "_base", root)
    (root / "observations").mkdir()
    (root / "observations" / "obs.csv").write_text("unit_code,period,indicator,value\n29900,2024-H1,revenue,abc\n",
                                                   encoding="utf-8")
    code, found = validate(capsys, "--no-gx", "--data", str(root))
    assert code == 1 and [f["rule"] for f in found] == ["contract.number"]
    assert main(["run", "--data", str(root), "--out", str(tmp_path / "out"), "--no-gx"]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and "'abc'" in err
