"""Batch runs: warm kernels render what fresh ones do, in parallel as serially, only what changed, one run
at a time per folder, failures and Ctrl-C recorded and resumed."""

from __future__ import annotations

import json
import os
import re
import shutil

import nbformat
import pytest

from wardlib import batch, runner
from wardlib.kernels import NotebookFailed, WarmKernel
from wardlib.lock import LOCK_FILE, LockedError, OutputLock
from wardlib.paths import default_data_dir, notebooks_dir
from wardlib.exporter import export_html
from wardlib.render import PageInfo, read_notebook

pytestmark = pytest.mark.e2e

UNITS = ["29872", "29875"]
PERIOD = "2024-H1"


def normalised(html: str) -> str:
    """A page without what may differ between two renders of the same inputs: when it was made, cell ids,
    and its input hash (it covers the parameters, which name the output folder)."""
    html = re.sub(r'id="cell-id=[^"]*"', 'id="cell-id="', html)
    html = re.sub(r'<meta name="wardlib-input-hash" content="[0-9a-f]+">', "", html)
    return re.sub(r"(Lập lúc|Generated) [0-9: +-]+", r"\1 —", html)


def pages(folder) -> dict[str, str]:
    return {p.name: normalised(p.read_text(encoding="utf-8")) for p in sorted(folder.glob("*.html"))}


def manifest(folder) -> dict:
    return json.loads((folder / "manifest.json").read_text(encoding="utf-8"))


def no_temp_files(root) -> bool:
    return not [p for p in root.rglob("*") if p.name.endswith(".tmp")]


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    """A copy of the embedded data that tests may change."""
    root = tmp_path_factory.mktemp("batch") / "data"
    shutil.copytree(default_data_dir(), root)
    return root


@pytest.fixture(scope="module")
def serial(data, tmp_path_factory):
    out = tmp_path_factory.mktemp("serial")
    summary = runner.run(data, PERIOD, UNITS, out, gx=False)
    return {"out": out, "folder": out / PERIOD, "summary": summary, "pages": pages(out / PERIOD)}


# -- warm kernels -------------------------------------------------------------------------------------

def test_a_reused_kernel_renders_what_fresh_kernels_render(serial):
    """Units one after another in one kernel (in an order where state could carry over) give the same pages
    as each unit in a fresh kernel; and a notebook that changes the process cannot reach the next one."""
    nb = read_notebook(notebooks_dir() / "ward_report.py")
    folder = serial["folder"]
    params = lambda u: {"unit_code": u, "period": PERIOD, "data_dir": str(default_data_dir()), "lang": "vi",  # noqa
                        "analysis": str(folder / "analysis.parquet"), "findings": str(folder / "findings.json")}
    page = PageInfo("t", "vi", "u", "p", "v")
    order = ["29875", "29872", "29875"]
    with WarmKernel(recycle=50) as warm:
        reused = [normalised(export_html(warm.execute(nb, params(u)), page)) for u in order]
        assert warm.stats.started == 1 and warm.stats.units == 3
        # a notebook that leaves variables, options, a changed folder, environment and warning filter behind …
        dirty = read_notebook(notebooks_dir() / "ward_report.py")
        dirty.cells = dirty.cells[:2] + [nbformat.v4.new_code_cell(
            "import os, warnings, pandas as pd, plotly.io as pio\nLEAK = 1\npd.set_option('display.max_rows', 3)\n"
            "os.chdir('/')\nos.environ['WARDLIB_LEAK'] = '1'\npio.templates.default = 'ggplot2'\n"
            "warnings.simplefilter('error')")]
        warm.execute(dirty, params("29872"))
        # … leaves nothing: the next notebook sees what it sees in a fresh kernel
        probe = read_notebook(notebooks_dir() / "ward_report.py")
        probe.cells = probe.cells[:2] + [nbformat.v4.new_code_cell(
            "import os, warnings, pandas as pd, plotly.io as pio\nprint('LEAK' in globals(), pd.get_option('display.max_rows'), "
            "os.getcwd() == '/', 'WARDLIB_LEAK' in os.environ, pio.templates.default == 'ggplot2', "
            "('error', None, Warning, None, 0) in warnings.filters, get_ipython().execution_count)")]
        seen = warm.execute(probe, params("29872")).cells[-1].outputs[0]["text"]
        assert warm.stats.started == 1
    with WarmKernel(isolated=True) as k:
        assert k.execute(probe, params("29872")).cells[-1].outputs[0]["text"] == seen
    assert seen.split()[:6] == ["False", "60", "False", "False", "False", "False"]
    fresh = {}
    for u in dict.fromkeys(order):
        with WarmKernel(isolated=True) as k:
            fresh[u] = normalised(export_html(k.execute(nb, params(u)), page))
    assert reused == [fresh[u] for u in order]
    assert reused[0] == reused[2] and reused[0] != reused[1]


def test_a_failing_cell_is_named_and_the_kernel_replaced(serial):
    nb = read_notebook(notebooks_dir() / "ward_report.py")
    nb.cells[3].source = "raise ValueError('boom')\n" + nb.cells[3].source
    with WarmKernel() as k:
        with pytest.raises(NotebookFailed) as err:
            k.execute(nb, {"unit_code": "29872", "period": PERIOD})
        assert err.value.error == "ValueError: boom"
        assert err.value.cell["index"] == 4  # after papermill's injected-parameters cell
        assert err.value.cell["source"].startswith("raise ValueError")
        assert not k.alive  # a fresh kernel for whatever comes next


# -- parallel, incremental, forced ---------------------------------------------------------------------

def test_parallel_run_writes_what_the_serial_run_writes(serial, data, tmp_path):
    assert serial["summary"].executor == "serial"
    assert {r.unit_code: r.status for r in serial["summary"].results} == {"29872": "ok", "29875": "ok"}
    summary = runner.run(data, PERIOD, UNITS, tmp_path, gx=False, workers=2)
    assert summary.executor.startswith("dask local, 2 workers")
    assert pages(tmp_path / PERIOD) == serial["pages"]
    m = manifest(tmp_path / PERIOD)
    assert len({e["worker"] for e in [*m["units"].values(), *m["pages"].values()]}) >= 1
    assert not batch._KERNELS


def test_rerun_skips_what_did_not_change_and_force_redoes_it(serial, data):
    out, folder = serial["out"], serial["folder"]
    first = manifest(folder)
    again = runner.run(data, PERIOD, UNITS, out, gx=False)
    assert [r.status for r in again.results] == ["skipped", "skipped"]
    assert again.executor == "none (nothing changed)"  # not even the data was read
    m = manifest(folder)
    assert {u: e["input_hash"] for u, e in m["units"].items()} == \
        {u: e["input_hash"] for u, e in first["units"].items()}
    assert m["counts"] == {"ok": 0, "skipped": 5, "failed": 0, "pending": 0}

    # A figure of a later period changes: the data version does, the period's reports do not.
    obs = data / "observations" / "synthetic-tp-cao-lanh.csv"
    text = obs.read_text(encoding="utf-8")
    row = next(line for line in text.splitlines() if line.startswith("29875,2025-H1,business_establishments,"))
    obs.write_text(text.replace(row, row.replace(",business_establishments,", ",business_establishments,1", 1)),
                   encoding="utf-8")
    changed = runner.run(data, PERIOD, UNITS, out, gx=False)
    assert changed.data_version != again.data_version
    assert [r.status for r in changed.results] == ["skipped", "skipped"]
    # the data-quality page shows the period's findings, and those did not change
    assert changed.quality.status == "skipped"
    now = pages(folder)
    assert all(now[f"{u}.html"] == serial["pages"][f"{u}.html"] for u in UNITS)

    # A figure of the period changes for one unit: it and the units compared with it are rendered again.
    text = obs.read_text(encoding="utf-8")
    row = next(line for line in text.splitlines() if line.startswith("29875,2024-H1,business_establishments,"))
    obs.write_text(text.replace(row, row.replace(",business_establishments,", ",business_establishments,1", 1)),
                   encoding="utf-8")
    changed = runner.run(data, PERIOD, UNITS, out, gx=False)
    assert [r.status for r in changed.results] == ["ok", "ok"]  # neighbours: each compares itself with the other
    hashes = manifest(folder)["units"]
    assert all(hashes[u]["input_hash"] != first["units"][u]["input_hash"] for u in UNITS)

    forced = runner.run(data, PERIOD, UNITS, out, gx=False, force=True)
    assert [r.status for r in forced.results] == ["ok", "ok"] and forced.quality.status == "ok"


def test_a_unit_whose_notebook_raises_does_not_stop_the_batch(data, tmp_path, ward_report_with, capsys):
    ward_report_with("if unit_code == '29875':\n    raise RuntimeError('no table for this unit')")
    from wardlib.cli import main

    code = main(["run", "--data", str(data), "--period", PERIOD, "--unit", "29875", "--unit", "29872",
                 "--out", str(tmp_path / "out"), "--no-gx", "--lang", "en"])
    assert code == 1
    err = capsys.readouterr().err
    assert "1 failed" in err and "no table for this unit" in err
    m = manifest(tmp_path / "out" / PERIOD / "en")
    failed = m["units"]["29875"]
    assert failed["status"] == "failed" and failed["error"] == "RuntimeError: no table for this unit"
    assert "raise RuntimeError" in failed["cell"]["source"] and failed["output"] is None
    assert m["units"]["29872"]["status"] == "ok" and m["counts"]["failed"] == 1
    assert (tmp_path / "out" / PERIOD / "en" / "29872.html").is_file()
    assert not (tmp_path / "out" / PERIOD / "en" / "29875.html").exists()
    index = (tmp_path / "out" / PERIOD / "en" / "index.html").read_text(encoding="utf-8")
    assert 'href="29872.html"' in index and 'href="29875.html"' not in index


# -- one run per folder, Ctrl-C ---------------------------------------------------------------------------

def test_a_second_run_into_the_same_folder_stops_with_exit_2(tmp_path, capsys):
    from wardlib.cli import main

    with OutputLock(tmp_path):
        with pytest.raises(LockedError):
            OutputLock(tmp_path).acquire()
        assert main(["run", "--period", PERIOD, "--unit", "29872", "--out", str(tmp_path), "--no-gx",
                     "--lang", "en"]) == 2
        err = capsys.readouterr().err
        assert "another wardlib run is writing into" in err and f"pid {os.getpid()}" in err
    assert not (tmp_path / LOCK_FILE).exists()


def test_a_stale_lock_of_a_dead_run_is_taken_over(tmp_path):
    (tmp_path / LOCK_FILE).write_text(json.dumps({"pid": 999999, "host": "elsewhere", "started": "yesterday"}))
    with OutputLock(tmp_path) as lock:
        assert lock.took_over["pid"] == 999999
        assert json.loads((tmp_path / LOCK_FILE).read_text())["pid"] == os.getpid()
    assert not (tmp_path / LOCK_FILE).exists()


def test_interrupt_stops_cleanly_and_the_rerun_resumes(data, tmp_path):
    seen = []

    def progress(result, i, n):
        seen.append((result.unit_code, result.status))
        if len(seen) == 2:  # Ctrl-C after the second page
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        runner.run(data, PERIOD, UNITS, tmp_path, gx=False, progress=progress)
    folder = tmp_path / PERIOD
    m = manifest(folder)
    assert m["interrupted"] is True
    done = {k for k, e in [*m["units"].items(), *m["pages"].items(), ("data_quality", m["data_quality"])]
            if e["status"] == "ok"}
    assert len(done) == 2 and m["counts"]["pending"] == 3
    assert no_temp_files(tmp_path) and not (tmp_path / LOCK_FILE).exists()
    assert not batch._KERNELS  # the kernels were shut down
    assert not (folder / "index.html").exists()

    resumed = runner.run(data, PERIOD, UNITS, tmp_path, gx=False)
    statuses = {r.unit_code: r.status for r in [*resumed.results, *resumed.all_pages]}
    assert sorted(statuses.values()).count("skipped") == 2 and list(statuses.values()).count("ok") == 3
    assert {k for k, s in statuses.items() if s == "skipped"} == done
    assert manifest(folder)["interrupted"] is False and (folder / "index.html").is_file()
    assert no_temp_files(tmp_path)


def test_ward_reports_go_to_dask_in_groups_and_other_pages_alone():
    def task(key, notebook):
        return batch.Task(key, notebook, None, {}, None, f"{key}.html")

    pages = [task("data_quality", "data_quality"), task("overview-82", "city_overview"), task("trends-82", "trends")]
    units = [task(f"{i:05d}", "ward_report") for i in range(3321)]
    groups = batch.chunks(pages + units, workers=2)
    assert groups[:3] == [[p] for p in pages]
    assert [t for g in groups[3:] for t in g] == units  # every unit once, in order
    assert {len(g) for g in groups[3:-1]} == {8}
    few = batch.chunks([task(f"{i:05d}", "ward_report") for i in range(13)], workers=2)
    assert [len(g) for g in few] == [1] * 13  # a small run keeps every page its own task
    assert batch.chunks([], workers=2) == []
