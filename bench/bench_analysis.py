"""Benchmark: the analysis table at national scale, against a floor baseline and the goals.

Requirement: computing the analysis table (``wardlib.analysis.build_table``)
for 3,321 units × 120 indicators × 12 periods takes at most 30 s and 4 GB
peak on this machine; report the median of several runs.

Run from the repository root::

    .venv/bin/python bench/bench_analysis.py              # national size, 3 runs each
    .venv/bin/python bench/bench_analysis.py --units 200  # quick smoke run

What happens:

1. A child process builds the synthetic national dataset once
   (:func:`national.national_dataset`) and pickles it to a temporary folder.
   The parent never holds the data: on Linux a child's ``ru_maxrss`` starts
   from its parent's peak (the exec inherits it), so a big parent would make
   every child's peak read as at least its own.
2. For each repeat, two fresh child processes each load the pickle and time
   one operation: the *baseline* (a floor any analysis pays at least once: the
   observations merged with the catalog, then sorted by unit, period,
   indicator) and ``build_table``. They alternate, so drift on the machine
   hits both alike.
3. Each child reports wall seconds, its resident memory once the dataset is
   loaded, and its peak (``resource.getrusage(RUSAGE_SELF).ru_maxrss``, the
   whole process: interpreter + dataset + the operation). Where the kernel
   allows, the peak is also reset after loading (``/proc/self/clear_refs``)
   and read again from ``VmHWM``: the peak while the operation ran.

The table gives medians of the seconds and the maximum of the peaks, the
ratio of ``build_table`` to the baseline measured in the same run, and the
ratios to the goals (30 s, 4 GB of process peak). The exit status is 1 if a
goal fails, 2 if a measured run crashed, 0 otherwise.

``--budget`` (default 300 s) caps the total: no further repeat starts when
the ones so far say it would not fit (at least one always runs), and the
table says how many runs its medians are of.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import traceback
from pathlib import Path

HERE = Path(__file__).resolve().parent
GOAL_SECONDS = 30.0
GOAL_PEAK_BYTES = 4 * 1024**3  # 4 GB, read as GiB: the stricter reading
FULL_UNITS = 3321
GB = 1024**3
OPERATIONS = ("baseline", "build_table")


# -- child side -------------------------------------------------------------------------------

def _status(key: str) -> int | None:
    """A ``/proc/self/status`` memory figure in bytes (``VmRSS``, ``VmHWM``), or None."""
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith(key + ":"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return None


def _maxrss() -> int:
    import resource
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # kB on Linux


def _reset_peak() -> bool:
    """Reset the process's peak resident size (Linux ≥ 4.0); whether it worked."""
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
        return True
    except OSError:
        return False


def child_build(pickle_path: str, units: int | None, n_indicators: int) -> dict:
    sys.path.insert(0, str(HERE))
    import pickle

    from national import national_dataset

    t0 = time.perf_counter()
    data = national_dataset(units=units, n_indicators=n_indicators)
    seconds = time.perf_counter() - t0
    obs = data.observations
    with open(pickle_path, "wb") as f:
        pickle.dump(data, f, protocol=5)
    return {"rows": len(obs), "seconds": seconds, "units": int(obs["unit_code"].nunique()),
            "indicators": int(obs["indicator"].nunique()), "periods": len(data.periods),
            "frame_bytes": int(obs.memory_usage(deep=True).sum()), "pickle_bytes": os.path.getsize(pickle_path)}


def baseline(data):
    """The floor: every analysis joins the catalog to the observations and orders them at least once."""
    merged = data.observations.merge(data.catalog.table, left_on="indicator", right_index=True)
    return merged.sort_values(["unit_code", "period", "indicator"])


def child_measure(operation: str, pickle_path: str) -> dict:
    import gc
    import pickle

    from wardlib.analysis import build_table

    with open(pickle_path, "rb") as f:
        data = pickle.load(f)
    func = {"baseline": baseline, "build_table": build_table}[operation]
    gc.collect()
    loaded_rss, load_peak = _status("VmRSS"), _maxrss()
    reset = _reset_peak()
    t0 = time.perf_counter()
    out = func(data)
    seconds = time.perf_counter() - t0
    return {"operation": operation, "seconds": seconds, "rows_in": len(data.observations), "rows_out": len(out),
            "loaded_rss": loaded_rss, "load_peak": load_peak, "peak": _maxrss(),
            "op_peak": _status("VmHWM") if reset else None}


def child_main(argv: list[str]) -> int:
    """``--child build PICKLE UNITS INDICATORS`` or ``--child baseline|build_table PICKLE``."""
    try:
        if argv[0] == "build":
            units = None if argv[2] == "all" else int(argv[2])
            result = child_build(argv[1], units, int(argv[3]))
        else:
            result = child_measure(argv[0], argv[1])
    except BaseException:
        traceback.print_exc()
        return 1
    print("RESULT " + json.dumps(result), flush=True)
    return 0


# -- parent side (standard library only: it must stay small) ----------------------------------

class RunFailed(Exception):
    pass


def run_child(args: list[str], timeout: float) -> dict:
    cmd = [sys.executable, str(Path(__file__).resolve()), "--child", *args]
    env = dict(os.environ, PYTHONHASHSEED="0")
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=env)
    except subprocess.TimeoutExpired as exc:
        raise RunFailed(f"{' '.join(args[:1])}: no result within {timeout:.0f} s") from exc
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("RESULT ")]
    if proc.returncode != 0 or not lines:
        raise RunFailed(f"{args[0]} failed (exit {proc.returncode}):\n{proc.stderr.strip()}")
    return json.loads(lines[-1][len("RESULT "):])


def gb(n: float | None) -> str:
    return "—" if n is None else f"{n / GB:.2f}"


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--child"]:
        return child_main(argv[1:])
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--repeat", type=int, default=3, help="runs of each operation (default 3); medians are quoted")
    ap.add_argument("--units", type=int, default=None,
                    help=f"only the first N current communes (default: all {FULL_UNITS}); for quick smoke runs")
    ap.add_argument("--indicators", type=int, default=120, help="indicators per unit and period (default 120)")
    ap.add_argument("--timeout", type=float, default=600, help="seconds allowed to one child process")
    ap.add_argument("--budget", type=float, default=300,
                    help="seconds for the whole benchmark (default 300): no further repeat is started when the "
                         "last one suggests it would not fit; at least one always runs")
    ns = ap.parse_args(argv)
    if ns.repeat < 1:
        ap.error("--repeat must be at least 1")

    tmp = Path(tempfile.mkdtemp(prefix="wardlib-bench-"))
    pickle_path = str(tmp / "dataset.pickle")
    try:
        t0 = time.perf_counter()
        built = run_child(["build", pickle_path, "all" if ns.units is None else str(ns.units), str(ns.indicators)],
                          ns.timeout)
        print(f"dataset: {built['units']:,} units × {built['indicators']} indicators × {built['periods']} periods "
              f"= {built['rows']:,} observation rows; built in {built['seconds']:.1f} s "
              f"(frame {gb(built['frame_bytes'])} GB in memory, pickle {gb(built['pickle_bytes'])} GB; "
              f"child wall {time.perf_counter() - t0:.1f} s)")
        build_wall = time.perf_counter() - t0
        runs: dict[str, list[dict]] = {op: [] for op in OPERATIONS}
        for i in range(ns.repeat):
            if i:
                elapsed = time.perf_counter() - t0
                if elapsed + (elapsed - build_wall) / i > ns.budget:
                    print(f"  stopping after {i} of {ns.repeat} repeats: another would pass the "
                          f"{ns.budget:g} s budget (--budget)", flush=True)
                    break
            for op in OPERATIONS:  # alternate, so slow spells on the machine hit both
                r = run_child([op, pickle_path], ns.timeout)
                runs[op].append(r)
                extra = "" if r["op_peak"] is None else f", peak while running {gb(r['op_peak'])} GB"
                print(f"  run {i + 1}/{ns.repeat} {op:<11} {r['seconds']:8.2f} s  rows {r['rows_in']:,} → "
                      f"{r['rows_out']:,}  process peak {gb(r['peak'])} GB "
                      f"(dataset loaded {gb(r['loaded_rss'])} GB{extra})", flush=True)
    except RunFailed as exc:
        print(f"\nbenchmark stopped: {exc}", file=sys.stderr)
        return 2
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    summary = {}
    for op, rs in runs.items():
        peaks = [r["op_peak"] for r in rs if r["op_peak"] is not None]
        summary[op] = {
            "rows_in": rs[0]["rows_in"], "rows_out": rs[0]["rows_out"],
            "median_s": statistics.median(r["seconds"] for r in rs),
            "peak": max(r["peak"] for r in rs),
            "loaded": statistics.median(r["loaded_rss"] for r in rs if r["loaded_rss"] is not None)
            if any(r["loaded_rss"] is not None for r in rs) else None,
            "op_peak": max(peaks) if peaks else None,
        }
    b, t = summary["baseline"], summary["build_table"]
    time_ok = t["median_s"] <= GOAL_SECONDS
    mem_ok = t["peak"] <= GOAL_PEAK_BYTES

    done = len(runs["build_table"])
    print(f"\nmedian of {done} run(s) each, every run in a fresh process; peaks are the max over runs")
    head = (f"{'operation':<12} {'rows in':>11} {'rows out':>11} {'median s':>9} {'× baseline':>10} "
            f"{'× 30 s':>7} {'time':>5} {'peak GB':>8} {'Δ GB':>6} {'× 4 GB':>7} {'mem':>5}")
    print(head)
    print("-" * len(head))
    for op, s in summary.items():
        ratio = s["median_s"] / b["median_s"] if b["median_s"] > 0 else float("inf")
        delta = None if s["loaded"] is None else s["peak"] - s["loaded"]
        goal_s = f"{s['median_s'] / GOAL_SECONDS:.2f}" if op == "build_table" else "—"
        goal_m = f"{s['peak'] / GOAL_PEAK_BYTES:.2f}" if op == "build_table" else "—"
        print(f"{op:<12} {s['rows_in']:>11,} {s['rows_out']:>11,} {s['median_s']:>9.2f} {ratio:>10.2f} "
              f"{goal_s:>7} {(verdict(time_ok) if op == 'build_table' else '—'):>5} {gb(s['peak']):>8} "
              f"{gb(delta):>6} {goal_m:>7} {(verdict(mem_ok) if op == 'build_table' else '—'):>5}")
    print(f"\npeak GB = ru_maxrss of the child process (interpreter + dataset + operation); "
          f"Δ GB = peak − resident size once the dataset was loaded "
          f"({gb(t['loaded'])} GB). Goals: build_table median ≤ {GOAL_SECONDS:g} s, peak ≤ 4 GB (GiB).")
    if t["op_peak"] is not None:
        print(f"peak measured only while the operation ran (VmHWM after a reset): "
              f"baseline {gb(b['op_peak'])} GB, build_table {gb(t['op_peak'])} GB")
    print(f"build_table / baseline: time {t['median_s'] / b['median_s']:.2f}×, peak {t['peak'] / b['peak']:.2f}×")
    if ns.units is not None and ns.units < FULL_UNITS or ns.indicators != 120:
        print("note: reduced size — the PASS/FAIL verdicts say nothing about the national-size requirement")
    print(f"goal time: {verdict(time_ok)}   goal memory: {verdict(mem_ok)}")
    return 0 if time_ok and mem_ok else 1


if __name__ == "__main__":
    sys.exit(main())
