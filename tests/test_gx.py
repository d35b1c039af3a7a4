"""The Great Expectations suites (wardlib.gx, expectations/): committed JSON, findings, Data Docs."""

from __future__ import annotations

import dataclasses
import importlib.util
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from wardlib import gx as wgx
from wardlib.analysis import build_table
from wardlib.loaders import load_dataset

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def embedded(embedded_data):
    data = load_dataset(embedded_data)
    return data, build_table(data)


@pytest.fixture(scope="module")
def embedded_findings(embedded):
    data, table = embedded
    return wgx.validate(data, table)


def _build_suites_module():
    spec = importlib.util.spec_from_file_location("build_suites", REPO / "expectations" / "build_suites.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _with_category(series: pd.Series, value) -> pd.Series:
    if isinstance(series.dtype, pd.CategoricalDtype) and value not in series.cat.categories:
        return series.cat.add_categories([value])
    return series


def _set(frame: pd.DataFrame, index, column: str, value) -> None:
    frame[column] = _with_category(frame[column], value)
    frame.loc[index, column] = value


def _rules(findings, rule):
    return [f for f in findings if f.rule == rule]


def test_import_does_not_import_great_expectations():
    code = "import sys, wardlib.gx; assert 'great_expectations' not in sys.modules, 'imported'"
    subprocess.run([sys.executable, "-c", code], check=True, cwd=REPO)


def test_committed_suites_match_their_definitions():
    build_suites = _build_suites_module()
    assert build_suites.stale(wgx.CONTEXT_DIR) == [], "run: python expectations/build_suites.py"
    assert (wgx.CONTEXT_DIR / "gx" / "great_expectations.yml").is_file()
    for name in wgx.SUITE_NAMES:
        suite = json.loads(wgx.suite_file(wgx.CONTEXT_DIR, name).read_text(encoding="utf-8"))
        assert suite["name"] == name
        for e in suite["expectations"]:
            assert e["meta"]["severity"] in ("error", "warning") and e["meta"]["vi"] and e["meta"]["en"]
    observations = wgx.suite_file(wgx.CONTEXT_DIR, "observations").read_text(encoding="utf-8")
    assert '"$PARAMETER": "unit_codes"' in observations and '"$PARAMETER": "indicator_codes"' in observations


@pytest.mark.skipif(shutil.which("git") is None or not (REPO / ".git").exists(), reason="needs a git checkout")
def test_uncommitted_is_ignored_by_git():
    ignored = subprocess.run(["git", "check-ignore", "-q", "expectations/gx/uncommitted/validations/x.json"],
                             cwd=REPO)
    assert ignored.returncode == 0


def test_embedded_data_passes_every_suite(embedded_findings):
    errors = [f.format("en") for f in embedded_findings if f.severity == "error"]
    assert errors == []
    for f in embedded_findings:  # any warning must still be actionable in both languages
        assert f.rule.startswith("gx.") and f.message_vi and f.message_en


def test_bad_observations_are_caught_row_by_row(embedded, tmp_path):
    data, table = embedded
    obs = data.observations.copy()
    first, second, third = obs.index[0], obs.index[1], obs.index[2]
    _set(obs, first, "period", "2024-H3")
    _set(obs, second, "unit_code", "99999")
    obs = pd.concat([obs, obs.loc[[third]]], ignore_index=True)  # the same key twice
    bad = dataclasses.replace(data, observations=obs)
    # An empty context folder: the suites come from wardlib.gx.SUITES (as in a wheel).
    findings = wgx.validate(bad, table, context_dir=tmp_path)

    period = _rules(findings, "gx.observations.expect_column_values_to_match_regex")
    assert [(f.severity, f.file, f.row, f.period, f.column) for f in period] == [
        ("error", obs.at[first, "file"], obs.at[first, "row"], "2024-H3", "period")]
    assert "1 unexpected row" in period[0].message_en and "1 dòng không đạt" in period[0].message_vi
    assert "expect_column_values_to_match_regex" in period[0].message_vi and "2024-H3" in period[0].message_en

    unknown = [f for f in _rules(findings, "gx.observations.expect_column_values_to_be_in_set")
               if f.column == "unit_code"]
    assert [(f.severity, f.row, f.unit_code) for f in unknown] == [("error", obs.at[second, "row"], "99999")]

    dup = _rules(findings, "gx.observations.expect_compound_columns_to_be_unique")
    assert {f.row for f in dup} == {obs.at[third, "row"]} and len(dup) == 2
    assert all(f.severity == "error" and f.indicator == obs.at[third, "indicator"] for f in dup)
    assert "2 unexpected rows" in dup[0].message_en


def test_bad_analysis_rows_are_errors_or_warnings(embedded):
    data, table = embedded
    t = table.copy()
    pct = t.index[(t["kind"] == "percent") & (t["origin"] == "reported") & t["value"].notna()][0]
    count = t.index[(t["kind"] == "count") & (t["origin"] == "reported")][0]
    ach = t.index[t["achievement_pct"].notna() & (t["origin"] == "reported")][1]
    t.loc[pct, "value"] = 140.0
    t.loc[count, "value"] = -3.0
    t.loc[ach, "achievement_pct"] = 450.0
    findings = wgx.validate(data, t)

    between = _rules(findings, "gx.analysis.expect_column_values_to_be_between")
    by_row = {(f.column, f.file, f.row): f for f in between}
    assert len(by_row) == len(between) == 3
    assert by_row[("value", t.at[pct, "file"], t.at[pct, "row"])].severity == "error"
    assert by_row[("value", t.at[count, "file"], t.at[count, "row"])].severity == "error"
    warning = by_row[("achievement_pct", t.at[ach, "file"], t.at[ach, "row"])]
    assert warning.severity == "warning" and warning.values == {"achievement_pct": 450.0}
    assert (warning.unit_code, warning.period, warning.indicator) == (
        t.at[ach, "unit_code"], t.at[ach, "period"], t.at[ach, "indicator"])
    assert "450" in warning.message_en and "300" in warning.message_vi
    assert all(f.rule.startswith("gx.analysis.") for f in findings)


def test_bad_catalog_and_units_name_their_files(embedded):
    data, table = embedded
    cat = data.catalog.table.copy()
    code = cat.index[3]
    cat.loc[code, "kind"] = "percentage"
    units = data.units.table.copy()
    units.loc[1, "level"] = "ward"
    units = pd.concat([units, units.iloc[[2]]], ignore_index=True)  # (code, valid_from) twice
    bad = dataclasses.replace(data, catalog=dataclasses.replace(data.catalog, table=cat),
                              units=dataclasses.replace(data.units, table=units))
    findings = wgx.validate(bad, table)

    kind = _rules(findings, "gx.catalog.expect_column_values_to_be_in_set")
    assert [(f.severity, f.file, f.indicator, f.column) for f in kind] == [("error", "indicators.csv", code, "kind")]
    level = _rules(findings, "gx.units.expect_column_values_to_be_in_set")
    assert [(f.file, f.unit_code, f.column) for f in level] == [("units.csv", units.at[1, "code"], "level")]
    dup = _rules(findings, "gx.units.expect_compound_columns_to_be_unique")
    assert len(dup) == 2 and {f.unit_code for f in dup} == {units.at[2, "code"]}
    assert not [f for f in findings if f.rule.startswith(("gx.observations.", "gx.analysis."))]


def test_missing_column_is_one_finding(embedded):
    data, table = embedded
    findings = wgx.validate(data, table.drop(columns="achievement_pct"))
    assert [(f.rule, f.column, f.severity) for f in findings] == [
        ("gx.analysis.expect_column_to_exist", "achievement_pct", "error")]


def test_data_docs_are_built_once_and_do_not_grow(embedded, tmp_path):
    data, table = embedded
    docs = tmp_path / "2024-H1" / "data-docs"

    def size() -> int:
        return sum(p.stat().st_size for p in docs.rglob("*") if p.is_file())

    sizes = []
    for _ in range(3):
        wgx.validate(data, table, docs_dir=docs)
        assert (docs / "index.html").is_file()
        sizes.append(size())
    assert sizes[2] <= sizes[0] * 1.05
    pages = sorted(p.relative_to(docs).parts[1] for p in (docs / "validations").rglob("*.html"))
    assert pages == sorted(wgx.SUITE_NAMES)  # one run per suite, not three
    assert [p.name for p in docs.parent.iterdir()] == ["data-docs"]  # no temporary folder left behind
