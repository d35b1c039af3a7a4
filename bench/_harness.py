"""The machinery shared by the benchmarks: fresh child processes, timing, peak memory, budget, verdicts.

A benchmark file only declares a :class:`Benchmark` — how to build its
dataset, a baseline and the measured operation (as ``"module:function"``
names, imported in the child only), and its goals — and ends with::

    if __name__ == "__main__":
        sys.exit(_harness.main(BENCHMARK))

What :func:`main` does with it:

1. A child process builds the dataset once (``dataset`` called with
   ``units=`` and ``n_indicators=`` from the command line plus the declared
   ``dataset_kwargs``) and pickles it to a temporary folder, deleted at the end.
   The parent never holds the data and never imports pandas: on Linux a
   child's ``ru_maxrss`` starts from its parent's peak (the exec inherits
   it), so a big parent would make every child's peak read as at least its own.
2. For each repeat, one fresh child per operation loads the pickle and times
   one call (``time.perf_counter``); baseline and operation alternate, so a
   slow spell on the machine hits both.
3. Each child reports wall seconds, its resident size once the dataset is
   loaded (``VmRSS``), its peak (``resource.getrusage(RUSAGE_SELF).ru_maxrss``:
   interpreter + dataset + operation) and, where the kernel allows resetting
   the peak (``/proc/self/clear_refs``), the peak while the operation alone
   ran (``VmHWM``). An operation may time its parts with :func:`phase`; the
   child reports them and the parent prints their medians as a split.
4. The table gives, per operation, median seconds, max peak, the ratio to the
   baseline of the same run and to the goals, and PASS/FAIL. Exit status: 0
   every goal met, 1 a goal failed, 2 a run crashed (its traceback is printed).

``--budget`` caps the whole benchmark: no further repeat starts when the
ones so far say it would not fit (at least one always runs); the table says
how many runs its medians are of.

The child protocol: ``SCRIPT --child build PICKLE UNITS INDICATORS`` and
``SCRIPT --child measure OPERATION PICKLE``; a child prints one
``RESULT {json}`` line on success.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import importlib
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
GB = 1024**3
FULL_UNITS = 3321  # every current commune
FULL_INDICATORS = 120


@dataclasses.dataclass(frozen=True)
class Benchmark:
    """What a benchmark file declares; everything else is here.

    ``baseline`` and ``operation`` are ``(label, "module:function")``: the
    function takes the loaded ``Dataset`` and returns something with a length
    (reported as ``out_label``). Modules are imported in the child, with
    ``bench/`` on ``sys.path``. ``goal_bytes=None``: the peak is reported,
    not judged.
    """

    script: str  # the benchmark file: children run it again with --child
    baseline: tuple[str, str]
    operation: tuple[str, str]
    goal_seconds: float
    goal_bytes: int | None = None
    dataset: str = "national:national_dataset"
    dataset_kwargs: dict = dataclasses.field(default_factory=dict)
    default_budget: float = 300
    default_timeout: float = 600
    out_label: str = "rows out"
    phase_note: str = ""  # printed under the split, if the operation records phases

    @property
    def description(self) -> str:
        """The first paragraph of the benchmark file's docstring (its ``--help``)."""
        import ast

        doc = ast.get_docstring(ast.parse(Path(self.script).read_text(encoding="utf-8"))) or ""
        return doc.split("\n\n")[0]

    @property
    def labels(self) -> tuple[str, str]:
        return self.baseline[0], self.operation[0]


# -- child side ---------------------------------------------------------------------------------

_PHASES: list[dict] = []


@contextlib.contextmanager
def phase(name: str):
    """Time a part of the measured operation: ``with phase("build_table") as rec: ...``.

    ``rec`` is a dict; setting ``rec["items"]`` (say, findings produced) shows it in the split.
    """
    rec: dict = {"name": name}
    t0 = time.perf_counter()
    try:
        yield rec
    finally:
        rec["seconds"] = time.perf_counter() - t0
        _PHASES.append(rec)


def recorded_phases() -> list[str]:
    """The names of the phases recorded so far in the operation being measured."""
    return [p["name"] for p in _PHASES]


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


def _resolve(ref: str):
    """``"module:function"`` → the function (``bench/`` is importable)."""
    if str(HERE) not in sys.path:
        sys.path.insert(0, str(HERE))
    module, _, name = ref.partition(":")
    return getattr(importlib.import_module(module), name)


def child_build(bench: Benchmark, pickle_path: str, units: int | None, n_indicators: int) -> dict:
    import pickle

    build = _resolve(bench.dataset)
    t0 = time.perf_counter()
    data = build(units=units, n_indicators=n_indicators, **bench.dataset_kwargs)
    seconds = time.perf_counter() - t0
    obs = data.observations
    with open(pickle_path, "wb") as f:
        pickle.dump(data, f, protocol=5)
    return {"rows": len(obs), "seconds": seconds, "units": int(obs["unit_code"].nunique()),
            "indicators": int(obs["indicator"].nunique()), "periods": len(data.periods),
            "frame_bytes": int(obs.memory_usage(deep=True).sum()), "pickle_bytes": os.path.getsize(pickle_path)}


def child_measure(bench: Benchmark, label: str, pickle_path: str) -> dict:
    import gc
    import pickle

    func = _resolve(dict((bench.baseline, bench.operation))[label])
    with open(pickle_path, "rb") as f:
        data = pickle.load(f)
    gc.collect()
    loaded_rss, load_peak = _status("VmRSS"), _maxrss()
    reset = _reset_peak()
    _PHASES.clear()
    t0 = time.perf_counter()
    out = func(data)
    seconds = time.perf_counter() - t0
    return {"operation": label, "seconds": seconds, "rows_in": len(data.observations), "rows_out": len(out),
            "loaded_rss": loaded_rss, "load_peak": load_peak, "peak": _maxrss(),
            "op_peak": _status("VmHWM") if reset else None, "phases": list(_PHASES)}


def child_main(bench: Benchmark, argv: list[str]) -> int:
    """``build PICKLE UNITS|all INDICATORS`` or ``measure LABEL PICKLE``."""
    try:
        if argv[0] == "build":
            units = None if argv[2] == "all" else int(argv[2])
            result = child_build(bench, argv[1], units, int(argv[3]))
        else:
            result = child_measure(bench, argv[1], argv[2])
    except BaseException:
        traceback.print_exc()
        return 1
    print("RESULT " + json.dumps(result), flush=True)
    return 0


# -- parent side (standard library only: it must stay small) ------------------------------------

class RunFailed(Exception):
    pass


def run_child(script: str, args: list[str], timeout: float) -> dict:
    cmd = [sys.executable, str(Path(script).resolve()), "--child", *args]
    env = dict(os.environ, PYTHONHASHSEED="0")
    what = args[0] if args[0] == "build" else args[1]
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=env)
    except subprocess.TimeoutExpired as exc:
        raise RunFailed(f"{what}: no result within {timeout:.0f} s") from exc
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("RESULT ")]
    if proc.returncode != 0 or not lines:
        raise RunFailed(f"{what} failed (exit {proc.returncode}):\n{proc.stderr.strip()}")
    return json.loads(lines[-1][len("RESULT "):])


def gb(n: float | None) -> str:
    return "—" if n is None else f"{n / GB:.2f}"


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def parse_args(bench: Benchmark, argv: list[str]) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=bench.description)
    ap.add_argument("--repeat", type=int, default=3, help="runs of each operation (default 3); medians are quoted")
    ap.add_argument("--units", type=int, default=None,
                    help=f"only the first N current communes (default: all {FULL_UNITS}); for quick smoke runs")
    ap.add_argument("--indicators", type=int, default=FULL_INDICATORS,
                    help=f"indicators per unit and period (default {FULL_INDICATORS})")
    ap.add_argument("--timeout", type=float, default=bench.default_timeout,
                    help=f"seconds allowed to one child process (default {bench.default_timeout:g})")
    ap.add_argument("--budget", type=float, default=bench.default_budget,
                    help=f"seconds for the whole benchmark (default {bench.default_budget:g}): no further repeat "
                         "is started when the last one suggests it would not fit; at least one always runs")
    ns = ap.parse_args(argv)
    if ns.repeat < 1:
        ap.error("--repeat must be at least 1")
    return ns


def measure(bench: Benchmark, ns: argparse.Namespace) -> dict[str, list[dict]]:
    """Build the dataset once, then run baseline and operation alternately; the runs per label."""
    tmp = Path(tempfile.mkdtemp(prefix="wardlib-bench-"))
    pickle_path = str(tmp / "dataset.pickle")
    width = max(11, *map(len, bench.labels))
    try:
        t0 = time.perf_counter()
        built = run_child(bench.script, ["build", pickle_path, "all" if ns.units is None else str(ns.units),
                                         str(ns.indicators)], ns.timeout)
        print(f"dataset: {built['units']:,} units × {built['indicators']} indicators × {built['periods']} periods "
              f"= {built['rows']:,} observation rows; built in {built['seconds']:.1f} s "
              f"(frame {gb(built['frame_bytes'])} GB in memory, pickle {gb(built['pickle_bytes'])} GB; "
              f"child wall {time.perf_counter() - t0:.1f} s)")
        build_wall = time.perf_counter() - t0
        runs: dict[str, list[dict]] = {label: [] for label in bench.labels}
        for i in range(ns.repeat):
            if i:
                elapsed = time.perf_counter() - t0
                if elapsed + (elapsed - build_wall) / i > ns.budget:
                    print(f"  stopping after {i} of {ns.repeat} repeats: another would pass the "
                          f"{ns.budget:g} s budget (--budget)", flush=True)
                    break
            for label in bench.labels:  # alternate, so slow spells on the machine hit both
                r = run_child(bench.script, ["measure", label, pickle_path], ns.timeout)
                runs[label].append(r)
                extra = "" if r["op_peak"] is None else f", peak while running {gb(r['op_peak'])} GB"
                print(f"  run {i + 1}/{ns.repeat} {label:<{width}} {r['seconds']:8.2f} s  rows {r['rows_in']:,} → "
                      f"{r['rows_out']:,}  process peak {gb(r['peak'])} GB "
                      f"(dataset loaded {gb(r['loaded_rss'])} GB{extra})", flush=True)
                if r["phases"]:
                    print("      " + ", ".join(_phase_text(p) for p in r["phases"]), flush=True)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return runs


def _phase_text(p: dict) -> str:
    items = f" → {p['items']:,}" if p.get("items") is not None else ""
    return f"{p['name']} {p['seconds']:.2f} s{items}"


def summarize(rs: list[dict]) -> dict:
    peaks = [r["op_peak"] for r in rs if r["op_peak"] is not None]
    loaded = [r["loaded_rss"] for r in rs if r["loaded_rss"] is not None]
    return {
        "rows_in": rs[0]["rows_in"], "rows_out": rs[0]["rows_out"],
        "median_s": statistics.median(r["seconds"] for r in rs),
        "peak": max(r["peak"] for r in rs),
        "loaded": statistics.median(loaded) if loaded else None,
        "op_peak": max(peaks) if peaks else None,
    }


def print_split(bench: Benchmark, rs: list[dict]) -> None:
    """Medians of the phases the operation recorded, and what the phases leave out."""
    names = list(dict.fromkeys(p["name"] for r in rs for p in r["phases"]))
    if not names:
        return
    total = statistics.median(r["seconds"] for r in rs)
    label = bench.operation[0]
    print(f"\n{label}: how the time splits (median over runs of each part; share of the {label} median)")
    head = f"  {'part':<22} {'median s':>9} {'share':>6} {'items':>10}"
    print(head)
    print("  " + "-" * (len(head) - 2))
    for name in names:
        recs = [p for r in rs for p in r["phases"] if p["name"] == name]
        med = statistics.median(p["seconds"] for p in recs)
        items = recs[0].get("items")
        print(f"  {name:<22} {med:>9.2f} {med / total:>6.0%} {'—' if items is None else f'{items:,}':>10}")
    missing = [n for n in names if sum(1 for r in rs for p in r["phases"] if p["name"] == n) < len(rs)]
    rest = statistics.median(r["seconds"] - sum(p["seconds"] for p in r["phases"]) for r in rs)
    print(f"  {'rest':<22} {rest:>9.2f} {rest / total:>6.0%} {'—':>10}")
    print(f"  {'total':<22} {total:>9.2f} {1:>6.0%} {'—':>10}")
    if bench.phase_note:
        print(f"  {bench.phase_note}")
    if missing:
        print(f"  note: not every run recorded {', '.join(missing)}")


def report(bench: Benchmark, ns: argparse.Namespace, runs: dict[str, list[dict]]) -> int:
    """The summary table and the verdicts; the exit status (0 goals met, 1 a goal failed)."""
    base_label, op_label = bench.labels
    summary = {label: summarize(rs) for label, rs in runs.items()}
    b, t = summary[base_label], summary[op_label]
    time_ok = t["median_s"] <= bench.goal_seconds
    judged = bench.goal_bytes is not None
    mem_ok = not judged or t["peak"] <= bench.goal_bytes
    goal_gb = f"{bench.goal_bytes / GB:g} GB" if judged else ""
    goal_time = f"× {bench.goal_seconds:g} s"
    width = max(12, *(len(label) + 1 for label in bench.labels))

    print(f"\nmedian of {len(runs[op_label])} run(s) each, every run in a fresh process; peaks are the max over runs")
    head = (f"{'operation':<{width}} {'rows in':>11} {bench.out_label:>11} {'median s':>9} {'× baseline':>10} "
            f"{goal_time:>7} {'time':>5} {'peak GB':>8} {'Δ GB':>6}")
    if judged:
        head += f" {'× ' + goal_gb:>7} {'mem':>5}"
    print(head)
    print("-" * len(head))
    for label, s in summary.items():
        mine = label == op_label
        ratio = s["median_s"] / b["median_s"] if b["median_s"] > 0 else float("inf")
        delta = None if s["loaded"] is None else s["peak"] - s["loaded"]
        goal_s = f"{s['median_s'] / bench.goal_seconds:.2f}" if mine else "—"
        line = (f"{label:<{width}} {s['rows_in']:>11,} {s['rows_out']:>11,} {s['median_s']:>9.2f} {ratio:>10.2f} "
                f"{goal_s:>7} {verdict(time_ok) if mine else '—':>5} {gb(s['peak']):>8} {gb(delta):>6}")
        if judged:
            goal_m = f"{s['peak'] / bench.goal_bytes:.2f}" if mine else "—"
            line += f" {goal_m:>7} {verdict(mem_ok) if mine else '—':>5}"
        print(line)

    goals = f"{op_label} median ≤ {bench.goal_seconds:g} s, " + (
        f"peak ≤ {goal_gb} (GiB)." if judged else "no memory goal (peak reported only).")
    print(f"\npeak GB = ru_maxrss of the child process (interpreter + dataset + operation); "
          f"Δ GB = peak − resident size once the dataset was loaded ({gb(t['loaded'])} GB). Goals: {goals}")
    if t["op_peak"] is not None:
        print(f"peak measured only while the operation ran (VmHWM after a reset): "
              f"{base_label} {gb(b['op_peak'])} GB, {op_label} {gb(t['op_peak'])} GB")
    print(f"{op_label} / {base_label}: time {t['median_s'] / b['median_s']:.2f}×, peak {t['peak'] / b['peak']:.2f}×")
    print_split(bench, runs[op_label])
    if ns.units is not None and ns.units < FULL_UNITS or ns.indicators != FULL_INDICATORS:
        print("note: reduced size — the PASS/FAIL verdicts say nothing about the national-size requirement")
    print(f"goal time: {verdict(time_ok)}   " + (f"goal memory: {verdict(mem_ok)}" if judged
                                                 else f"memory (no goal): peak {gb(t['peak'])} GB"))
    return 0 if time_ok and mem_ok else 1


def main(bench: Benchmark, argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--child"]:
        return child_main(bench, argv[1:])
    ns = parse_args(bench, argv)
    try:
        runs = measure(bench, ns)
    except RunFailed as exc:
        print(f"\nbenchmark stopped: {exc}", file=sys.stderr)
        return 2
    return report(bench, ns, runs)
