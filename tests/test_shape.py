"""The shape of a run: a page declares its inputs, the runner hashes exactly those, the page opens exactly
those; one figure changed renders its province's pages again and nothing else; an upgrade renders
everything; the import graph runs one way; the kept dataset cannot run code."""

from __future__ import annotations

import ast
import json
import pickle
import shutil
from importlib import metadata
from pathlib import Path

import pandas as pd
import pytest

from wardlib import cache, fingerprint, inputs, runner
from wardlib.findings import WardlibError
from wardlib.loaders import load_dataset
from wardlib.paths import PACKAGE_DIR, default_data_dir
from wardlib.periods import Period
from wardlib.report import WardReport

PERIOD = "2026-H1"
PROVINCES = ("01", "02")
NOTE = "Dữ liệu minh họa (synthetic), không phải số liệu thật — demo data, not real figures"


@pytest.fixture(scope="module")
def two_provinces(tmp_path_factory):
    """Demo data of two provinces of three communes each: the embedded catalog, a few figures per commune."""
    root = tmp_path_factory.mktemp("shape") / "data"
    (root / "observations").mkdir(parents=True)
    for name in ("indicators.csv", "sections.csv"):
        shutil.copy(default_data_dir() / name, root / name)
    units, obs, picked = [], [], {}
    for i, province in enumerate(PROVINCES):
        units.append({"code": province, "name": f"Tỉnh {i + 1}", "level": "province", "parent_code": ""})
        picked[province] = [f"{province}00{k}" for k in range(1, 4)]
        for k, code in enumerate(picked[province]):
            units.append({"code": code, "name": f"Xã {i + 1}.{k + 1}", "level": "commune", "parent_code": province})
            for indicator, value, target in (("new_household_businesses", 40 + 7 * k + i, 100),
                                             ("budget_revenue", 5e9 + 1e8 * k, 9e9), ("dengue_cases", 10 + k, None)):
                obs.append({"unit_code": code, "period": PERIOD, "indicator": indicator, "value": value,
                            "target": "" if target is None else str(target), "note": NOTE, "source": "synthetic"})
    pd.DataFrame(units).to_csv(root / "units.csv", index=False)
    pd.DataFrame(obs).to_parquet(root / "observations" / "demo.parquet", index=False)
    return {"root": root, "units": picked}


def statuses(summary) -> dict[str, str]:
    return {r.unit_code: r.status for r in [*summary.results, *summary.all_pages]}


def bump(root: Path, unit: str) -> None:
    """One figure of one commune corrected: new_household_businesses + 1 (the file rewritten in place)."""
    for path in sorted((root / "observations").glob("*.parquet")):
        t = pd.read_parquet(path)
        hit = (t["unit_code"] == unit) & (t["indicator"] == "new_household_businesses")
        if hit.any():
            t.loc[hit, "value"] += 1
            t.to_parquet(path, index=False)
            return
    raise AssertionError(f"no new_household_businesses figure of {unit}")


def test_one_figure_renders_its_province_again_and_an_upgrade_renders_everything(two_provinces, tmp_path,
                                                                                  monkeypatch):
    root, picked = two_provinces["root"], two_provinces["units"]
    changed_province, other = PROVINCES
    codes = [*picked[changed_province], *picked[other]]
    first = runner.run(root, PERIOD, codes, tmp_path, gx=False)
    assert set(statuses(first).values()) == {"ok"}
    findings_before = (tmp_path / PERIOD / "findings.json").read_text(encoding="utf-8")

    bump(root, picked[changed_province][0])
    again = runner.run(root, PERIOD, codes, tmp_path, gx=False)
    findings_changed = (tmp_path / PERIOD / "findings.json").read_text(encoding="utf-8") != findings_before
    expected = {c: "ok" for c in picked[changed_province]}  # the unit, and those compared with it
    expected |= {c: "skipped" for c in picked[other]}
    expected |= {f"overview-{changed_province}": "ok", f"trends-{changed_province}": "ok",
                 f"overview-{other}": "skipped", f"trends-{other}": "skipped",
                 "data_quality": "ok" if findings_changed else "skipped"}
    assert statuses(again) == expected
    assert again.data_version != first.data_version

    # An upgraded package: every page is rendered again, though no data changed .
    real = metadata.version
    monkeypatch.setattr(metadata, "version", lambda name: "99.0" if name == "plotly" else real(name))
    upgraded = runner.run(root, PERIOD, codes, tmp_path, gx=False)
    assert set(statuses(upgraded).values()) == {"ok"}
    assert len(statuses(upgraded)) == len(codes) + 5


def test_row_digests_do_not_depend_on_the_order_of_columns():
    t = pd.DataFrame({"unit_code": ["1", "1", "2"], "value": [1.0, 2.0, 3.0], "note": ["a", "b", "c"]})
    assert fingerprint.row_digests(t) == fingerprint.row_digests(t[["note", "value", "unit_code"]])
    changed = t.assign(value=[1.0, 2.0, 4.0])
    d0, d1 = fingerprint.row_digests(t), fingerprint.row_digests(changed)
    assert d0["1"] == d1["1"] and d0["2"] != d1["2"]


def test_the_runner_hashes_the_rows_the_ward_report_reads(tmp_path, monkeypatch):
    """The peers behind a ward report's input hash are the units whose rows the report opens."""
    declared = {}
    real = inputs.ward_inputs

    def spy(data, unit_code, period, **fields):
        decl = real(data, unit_code, period, **fields)
        declared.setdefault(unit_code, decl)
        return decl

    monkeypatch.setattr(inputs, "ward_inputs", spy)
    monkeypatch.setattr(runner, "_render_all", lambda *args, **kwargs: None)  # the pages are not needed here
    runner.run(None, "2024-H1", ["29872"], tmp_path, gx=False)
    decl = declared["29872"]
    data = load_dataset(default_data_dir())
    assert list(decl.units) == data.units.compared_with("29872", Period.parse("2024-H1"))
    assert len(decl.units) == 13  # TP Cao Lãnh's wards and communes
    report = WardReport.open(decl.data_dir, "29872", "2024-H1", "vi", decl.analysis, decl.findings)
    assert sorted(set(report.table["unit_code"].astype(str))) == list(decl.units)
    assert set(report.peers()["unit_code"].astype(str)) <= set(decl.units)
    assert all(f.unit_code == "29872" for f in report.findings)


def _imports(path: Path) -> set[str]:
    """The wardlib modules a module imports, at the top or inside functions."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith("wardlib.")}
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "wardlib":
            if node.module == "wardlib":
                found |= {f"wardlib.{a.name}" for a in node.names}
            else:
                found.add(node.module)
    modules = {f"wardlib.{p.stem}" for p in PACKAGE_DIR.glob("*.py")}
    return {m for m in found if m in modules}


def test_the_import_graph_has_no_cycle_and_no_arrow_from_the_kernel_side_into_report_modules():
    graph = {f"wardlib.{p.stem}": _imports(p) - {f"wardlib.{p.stem}"} for p in PACKAGE_DIR.glob("*.py")
             if p.stem != "__init__"}
    graph = {m: {d for d in deps if d in graph} for m, deps in graph.items()}
    cycles = []
    state: dict[str, int] = {}

    def visit(m, trail):
        state[m] = 1
        for d in sorted(graph[m]):
            if state.get(d) == 1:
                cycles.append(trail[trail.index(d):] + [d] if d in trail else [m, d])
            elif d not in state:
                visit(d, trail + [d])
        state[m] = 2

    for m in sorted(graph):
        if m not in state:
            visit(m, [m])
    assert not cycles, f"import cycles: {cycles}"

    def reach(m, seen=None):
        seen = set() if seen is None else seen
        for d in graph[m]:
            if d not in seen:
                seen.add(d)
                reach(d, seen)
        return seen

    kernel_side = {"wardlib.warm", "wardlib.kernels", "wardlib.batch", "wardlib.runner"}
    for page in ("wardlib.report", "wardlib.overview", "wardlib.quality_report", "wardlib.explore",
                 "wardlib.inputs"):
        assert not reach(page) & kernel_side, f"{page} reaches {reach(page) & kernel_side}"


class _Planted:
    """What an attacker with write access to the output folder could leave: unpickling creates a file."""

    def __init__(self, marker: Path):
        self.marker = str(marker)

    def __reduce__(self):
        return (open, (self.marker, "w"))


def test_a_planted_pickle_in_the_cache_is_never_unpickled(tmp_path):
    out, marker = tmp_path / "out", tmp_path / "pwned"
    kept = out / ".wardlib-cache"
    kept.mkdir(parents=True)
    (kept / "dataset.pickle").write_bytes(pickle.dumps(_Planted(marker)))
    with pytest.raises(WardlibError):  # an unknown unit: stops after loading the data, before rendering
        runner.run(None, "2024-H1", ["99999"], out, gx=False)
    assert not marker.exists()


def test_the_kept_dataset_reads_back_the_same_and_only_under_its_key(tmp_path):
    data = load_dataset(default_data_dir())
    index = cache.save(data, ["key", 1], tmp_path)
    assert cache.read(index, ["another key"]) is None
    back = cache.read(index, ["key", 1])
    for a, b in zip(cache._frames(data).values(), cache._frames(back).values()):
        pd.testing.assert_frame_equal(a, b)
    assert back.findings == data.findings and back.version == data.version
    meta = json.loads(index.read_text(encoding="utf-8"))
    assert all((tmp_path / f).is_file() and f.endswith(".parquet") for f in meta["tables"].values())


def test_every_status_has_one_style_and_the_stylesheet_defines_it():
    from wardlib import calc, overview, report
    from wardlib.paths import TEMPLATES_DIR

    assert set(calc.STATUS_CSS) <= set(calc.STATUSES)
    css = (TEMPLATES_DIR / "report.css").read_text(encoding="utf-8")
    assert all(f".{c}" in css for c in set(calc.STATUS_CSS.values()))
    assert report.STATUS_CSS is overview.STATUS_CSS is calc.STATUS_CSS
