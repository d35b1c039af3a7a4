"""Benchmark: batch runs (`wardlib run`) against the naive way, at national scale.

Requirements (issue 6), on this 2-core machine:

1. per-report cost at least 10× lower per core than the naive baseline — one
   ``papermill`` CLI process plus one ``jupyter nbconvert --to html`` CLI process
   per unit, serial, same notebook, same data and the same analysis/findings
   files the run made;
2. a national run, 3,321 units, one period: at most 10 minutes wall;
3. a rerun with nothing changed: at most 15 s for the national run;
4. peak memory per worker (the Dask worker process plus its kernel): at most 1.5 GB.

Run from the repository root::

    .venv/bin/python bench/bench_batch.py                    # all 3,321 units (about 15 minutes)
    .venv/bin/python bench/bench_batch.py --units 300        # 300 units, extrapolated (about 5 min)

Unlike the other benchmarks this one measures whole commands (``wardlib run``,
``papermill``, ``jupyter nbconvert``) as child processes, so it does not use
``_harness``'s in-process operations; it shares its GiB formatting and verdicts.
The dataset is ``wardlib demo-data --scope national`` (3,321 communes × 120
indicators × the 12 months 2025-07 … 2026-06), written once to a temporary
folder unless ``--data`` names one; the period is ``2026-06``.

What is measured, in this order:

* ``stage``: one ``wardlib run`` of one unit: loading and checking the data,
  the analysis table, the data checks (GX included) — the once-per-run work,
  printed for reference; it also makes the analysis and findings files the
  baseline reads;
* ``baseline``: ``--baseline-units`` units (default 5), each ``papermill`` then
  ``jupyter nbconvert``; wall seconds and CPU seconds (children's user + system)
  per unit; the median is quoted;
* ``warm, 1 worker``: ``wardlib run --workers 1`` of ``--serial-units`` other
  units (default 30) into the same folder (the once-per-run files are reused,
  the period pages are unchanged): the render stage's wall seconds per unit (one core);
* ``national``: ``wardlib run --workers 2`` of ``--units`` units (default all)
  into a fresh folder, with GX, sampling the resident memory of each worker
  process and its kernels every second; with fewer than 3,321 units the wall
  time is extrapolated as load + prepare + render per unit × 3,321 + finish
  (and says so);
* ``rerun``: the same command again, nothing changed.

Ratios are to the baseline measured in the same run: per core, the warm run's
seconds per unit × its workers against the baseline's seconds per unit.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import _harness

REPO = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
PERIOD = "2026-06"
FULL = _harness.FULL_UNITS
GB = _harness.GB


def cpu_children() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def timed(cmd: list[str], **kw) -> tuple[float, float, subprocess.CompletedProcess]:
    c0, t0 = cpu_children(), time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, **kw)
    return time.perf_counter() - t0, cpu_children() - c0, proc


def wardlib(*args: str) -> list[str]:
    return [str(VENV_BIN / "wardlib"), "run", *args]


class MemorySampler(threading.Thread):
    """Every second: per Dask worker process (a child of the run), its RSS plus its kernels' RSS."""

    def __init__(self, root_pid: int):
        super().__init__(daemon=True)
        self.root, self.peaks, self.stop_flag = root_pid, {}, threading.Event()

    @staticmethod
    def _children(pid: int) -> list[int]:
        """Children of every thread of ``pid`` (a Dask nanny starts its worker from its event-loop thread,
        a worker its kernel from its task thread)."""
        out = []
        try:
            for task in Path(f"/proc/{pid}/task").iterdir():
                try:
                    out += [int(x) for x in (task / "children").read_text().split()]
                except OSError:
                    pass
        except OSError:
            pass
        return out

    @staticmethod
    def _rss(pid: int) -> int:
        try:
            with open(f"/proc/{pid}/status") as f:
                for line in f:
                    if line.startswith("VmRSS:"):
                        return int(line.split()[1]) * 1024
        except OSError:
            pass
        return 0

    @staticmethod
    def _cmd(pid: int) -> str:
        try:
            return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            return ""

    def run(self) -> None:
        while not self.stop_flag.wait(1.0):
            for child in self._children(self.root):
                if "spawn_main" not in self._cmd(child):  # not a Dask worker (e.g. resource tracker)
                    continue
                total = self._rss(child) + sum(self._rss(k) for k in self._children(child)
                                               if "ipykernel" in self._cmd(k))
                self.peaks[child] = max(self.peaks.get(child, 0), total)

    def stop(self) -> dict:
        self.stop_flag.set()
        self.join()
        return self.peaks


def run_measured(cmd: list[str]) -> tuple[float, dict, subprocess.CompletedProcess]:
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    sampler = MemorySampler(proc.pid)
    sampler.start()
    out, err = proc.communicate()
    wall = time.perf_counter() - t0
    peaks = sampler.stop()
    return wall, peaks, subprocess.CompletedProcess(cmd, proc.returncode, out, err)


def manifest(folder: Path) -> dict:
    return json.loads((folder / PERIOD / "manifest.json").read_text(encoding="utf-8"))


def check(proc: subprocess.CompletedProcess, what: str) -> None:
    if proc.returncode not in (0, 1):
        raise SystemExit(f"{what} failed (exit {proc.returncode}):\n{proc.stderr[-3000:]}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", type=Path, default=None, help="a national demo dataset (default: made in a temp folder)")
    ap.add_argument("--units", type=int, default=None, help=f"units in the national run (default all {FULL:,})")
    ap.add_argument("--baseline-units", type=int, default=5)
    ap.add_argument("--serial-units", type=int, default=30)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--keep", type=Path, default=None, help="keep the outputs in this folder")
    ap.add_argument("--only-national", action="store_true",
                    help="only the national run and its rerun (no stage run, baseline or serial run)")
    ns = ap.parse_args(argv)

    tmp = Path(tempfile.mkdtemp(prefix="wardlib-bench-batch-"))
    work = ns.keep or tmp
    work.mkdir(parents=True, exist_ok=True)
    try:
        data = ns.data
        if data is None:
            data = tmp / "data"
            t, _, proc = timed([str(VENV_BIN / "wardlib"), "demo-data", "--scope", "national", "--out", str(data)])
            check(proc, "demo-data")
            print(f"dataset: wardlib demo-data --scope national in {t:.1f} s ({proc.stderr.strip()})")
        import pyarrow.parquet as pq  # the units with data for the period, in code order

        codes = sorted(pq.read_table(data / "observations" / f"demo-{PERIOD}.parquet",
                                     columns=["unit_code"]).column(0).unique().to_pylist())
        units = codes if ns.units is None else codes[:ns.units]
        print(f"period {PERIOD}: {len(codes):,} units with data; national run of {len(units):,}; "
              f"{os.cpu_count()} cores")

        b_wall = b_cpu = s_unit = None
        base_wall: list[float] = []
        if not ns.only_national:
            # -- the once-per-run work, and the files the baseline reads -------------------------------
            stage_out = work / "stage"
            t, _, proc = timed(wardlib("--data", str(data), "--period", PERIOD, "--out", str(stage_out),
                                       "--unit", codes[0]))
            check(proc, "stage run")
            st = manifest(stage_out)["stages"]
            print(f"stage: one-unit run {t:.1f} s wall (load {st['load']} s, prepare {st['prepare']} s: "
                  f"analysis table, checks with GX, cuts, hashes; render {st['render']} s for 1 unit + the "
                  f"period pages; finish {st['finish']} s)")

            # -- baseline: papermill CLI + nbconvert CLI per unit, serial -------------------------------
            nb = work / "ward_report.ipynb"
            subprocess.run([str(VENV_BIN / "jupytext"), "--to", "ipynb", "-o", str(nb),
                            str(REPO / "notebooks" / "ward_report.py")], check=True, capture_output=True)
            folder = stage_out / PERIOD
            base_wall, base_cpu = [], []
            for code in codes[1:1 + ns.baseline_units]:
                executed, html = work / f"naive-{code}.ipynb", work / f"naive-{code}.html"
                t1, c1, p1 = timed([str(VENV_BIN / "papermill"), str(nb), str(executed), "--no-progress-bar",
                                    "-p", "unit_code", code, "-p", "period", PERIOD, "-p", "data_dir", str(data),
                                    "-p", "lang", "vi", "-p", "analysis", str(folder / "analysis.parquet"),
                                    "-p", "findings", str(folder / "findings.json")])
                check(p1, f"papermill {code}")
                t2, c2, p2 = timed([str(VENV_BIN / "jupyter"), "nbconvert", "--to", "html", str(executed),
                                    "--output", str(html)])
                check(p2, f"nbconvert {code}")
                base_wall.append(t1 + t2)
                base_cpu.append(c1 + c2)
                print(f"  baseline {code}: papermill {t1:.2f} s + nbconvert {t2:.2f} s = {t1 + t2:.2f} s wall, "
                      f"{c1 + c2:.2f} s CPU")
            b_wall, b_cpu = statistics.median(base_wall), statistics.median(base_cpu)

            # -- warm kernels, one worker ---------------------------------------------------------------
            serial = codes[1:1 + ns.serial_units]
            c0 = cpu_children()
            t, _, proc = timed(wardlib("--data", str(data), "--period", PERIOD, "--out", str(stage_out),
                                       "--workers", "1", *[a for c in serial for a in ("--unit", c)]))
            s_cpu = cpu_children() - c0
            check(proc, "serial run")
            m = manifest(stage_out)
            per_unit = [e["seconds"] for e in m["units"].values() if e["status"] == "ok"]
            pages_s = sum(e["seconds"] for e in [m["data_quality"], *m["pages"].values()] if e["status"] == "ok")
            s_unit = (m["stages"]["render"] - pages_s) / len(per_unit)
            print(f"  warm, 1 worker: {len(per_unit)} units, render stage {m['stages']['render']:.1f} s "
                  f"({pages_s:.1f} s of it period pages); {s_unit:.2f} s wall per unit, median {statistics.median(per_unit):.2f} s "
                  f"per unit in the manifest; whole command {t:.1f} s wall, {s_cpu:.1f} s CPU")

        # -- the national run, then a rerun with nothing changed --------------------------------------
        nat = work / "national"
        shutil.rmtree(nat, ignore_errors=True)
        args = ["--data", str(data), "--period", PERIOD, "--out", str(nat), "--workers", str(ns.workers)]
        if ns.units is not None:
            args += [a for c in units for a in ("--unit", c)]
        wall, peaks, proc = run_measured(wardlib(*args))
        check(proc, "national run")
        m = manifest(nat)
        st, counts = m["stages"], m["counts"]
        pages_n = 1 + len(m["pages"])
        per_unit_wall = st["render"] / (len(units) + pages_n)
        projected = wall if len(units) == FULL else (st["load"] + st["prepare"] + st["finish"]
                                                     + per_unit_wall * (FULL + 69) + (wall - m["seconds"]))
        print(f"  national run: {len(units):,} units + {pages_n} period pages with {ns.workers} workers: "
              f"{wall:.1f} s wall (load {st['load']} s, prepare {st['prepare']} s, render {st['render']} s, "
              f"finish {st['finish']} s); {counts}; {per_unit_wall:.3f} s wall per page")
        seconds = sorted(e["seconds"] for e in m["units"].values())
        pages_s = [e["seconds"] for e in [m["data_quality"], *m["pages"].values()] if e]
        print(f"  pages in the worker: ward report median {statistics.median(seconds):.3f} s, "
              f"90th percentile {seconds[int(0.9 * (len(seconds) - 1))]:.3f} s, sum {sum(seconds):.0f} s; "
              f"period pages sum {sum(pages_s):.0f} s")
        # the rerun rewrites the manifest (every page 'skipped'): keep the national run's
        shutil.copyfile(nat / PERIOD / "manifest.json", work / "national-manifest.json")
        rerun, _, proc2 = timed(wardlib(*args))
        check(proc2, "rerun")
        m2 = manifest(nat)
        print(f"  rerun, nothing changed: {rerun:.2f} s wall; {m2['counts']}; executor: {m2['executor']}")
        worker_peak = max(peaks.values()) if peaks else 0
        print("  peak resident memory per worker (worker process + its kernel): "
              + ", ".join(f"{v / GB:.2f} GB" for v in peaks.values()))

        # -- verdicts --------------------------------------------------------------------------------
        ours_per_core = per_unit_wall * ns.workers
        ratio_core = b_wall / ours_per_core if b_wall else float("nan")
        ratio_serial = b_wall / s_unit if b_wall else float("nan")
        rerun_projected = rerun if len(units) == FULL else rerun  # constant work apart from stat() per page
        print("\nmedian of", len(base_wall), "baseline units; the warm runs' per-unit figures are averages over "
              "their render stage")
        print(f"{'measure':38} {'value':>12} {'goal':>14}  verdict")
        print("-" * 76)
        if b_wall:
            print(f"{'baseline, s per unit (wall / CPU)':38} {b_wall:6.2f}/{b_cpu:5.2f} {'—':>14}")
            print(f"{'warm, 1 worker: s per unit':38} {s_unit:12.3f} {'—':>14}  {ratio_serial:.1f}× baseline")
            print(f"{f'warm, {ns.workers} workers: s per unit per core':38} {ours_per_core:12.3f} "
                  f"{b_wall / 10:>12.3f} s  {_harness.verdict(ratio_core >= 10)} ({ratio_core:.1f}× per core)")
        else:
            print(f"{f'warm, {ns.workers} workers: s per page per core':38} {ours_per_core:12.3f} {'—':>14}"
                  "  (no baseline: --only-national)")
        label = "national run, s wall" + ("" if len(units) == FULL else f" (projected from {len(units):,})")
        print(f"{label:38} {projected:12.1f} {600:>12} s  {_harness.verdict(projected <= 600)}")
        print(f"{'rerun, nothing changed, s wall':38} {rerun_projected:12.2f} {15:>12} s  "
              f"{_harness.verdict(rerun_projected <= 15)}")
        print(f"{'peak per worker, GiB':38} {worker_peak / GB:12.2f} {1.5:>12} G  "
              f"{_harness.verdict(worker_peak <= 1.5 * GB)}")
        if len(units) < FULL:
            print(f"note: the national run rendered {len(units):,} of {FULL:,} units; its wall time is projected "
                  f"(load + prepare + finish + {per_unit_wall:.3f} s × {FULL + 69:,} pages), and the rerun "
                  f"read a manifest of {len(units):,} units")
        ok = (not b_wall or ratio_core >= 10) and projected <= 600 and rerun_projected <= 15 and worker_peak <= 1.5 * GB
        return 0 if ok else 1
    finally:
        if ns.keep is None:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
