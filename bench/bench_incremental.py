"""Benchmark: one corrected figure, then a rerun — what is rendered again and what it costs (issue 13).

Goal: after ``new_household_businesses`` of one commune changes, only that commune's province
pages (its ward reports and those compared with it, its overview and trends), the data-quality
page if its findings changed, and the index are rendered again, and the rerun takes at most 15 %
of the full run's wall time (the prepare stage included).

Run from the repository root::

    .venv/bin/python bench/bench_incremental.py                         # national demo data, --workers 2
    .venv/bin/python bench/bench_incremental.py --data /tmp/vietnam     # reuse a demo-data folder

The dataset is ``wardlib demo-data --scope national`` (about 2 minutes to make; reused when
``--data`` names an existing folder). It is copied to a scratch folder first, since the
benchmark changes one figure in it. Both runs are ``wardlib run --workers 2`` child processes
into the same output folder, with GX (as a real run); the machine's load average is printed
beside the times, since other work on the machine changes them.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
GOAL = 0.15


def wardlib(*args: str) -> tuple[float, subprocess.CompletedProcess]:
    t0 = time.perf_counter()
    proc = subprocess.run([str(VENV_BIN / "wardlib"), *args], capture_output=True, text=True)
    return time.perf_counter() - t0, proc


def bump(data: Path, unit: str, period: str) -> str:
    """``new_household_businesses`` of ``unit`` in ``period`` + 1, in the file that holds it; its name."""
    import pandas as pd

    for path in sorted((data / "observations").glob("*.parquet")):
        t = pd.read_parquet(path)
        hit = (t["unit_code"] == unit) & (t["indicator"] == "new_household_businesses") & (t["period"] == period)
        if hit.any():
            before = float(t.loc[hit, "value"].iloc[0])
            t.loc[hit, "value"] = before + 1
            t.to_parquet(path, index=False)
            return f"{path.name}: {before:g} -> {before + 1:g}"
    raise SystemExit(f"no new_household_businesses figure of unit {unit} in {period}")


def pages(manifest: dict) -> dict[str, dict]:
    return {**manifest["units"], **({"data_quality": manifest["data_quality"]} if manifest.get("data_quality") else {}),
            **manifest["pages"]}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, default=Path(tempfile.gettempdir()) / "wardlib-bench-national",
                    help="national demo-data folder (made when missing)")
    ap.add_argument("--period", default="2026-06")
    ap.add_argument("--unit", default="18001", help="the commune whose figure is corrected")
    ap.add_argument("--workers", default="2")
    ap.add_argument("--only-unit", action="store_true",
                    help="render only --unit's pages (its report, its province's two pages, data quality): the "
                         "load and prepare stages are still the whole country's, the render stage is not")
    ap.add_argument("--scratch", type=Path, default=None, help="where the copy and the reports go (default: a temp folder)")
    args = ap.parse_args(argv)

    if not (args.data / "units.csv").is_file():
        print(f"making national demo data in {args.data} …", flush=True)
        seconds, proc = wardlib("demo-data", "--out", str(args.data), "--scope", "national")
        if proc.returncode:
            sys.exit(proc.stderr)
        print(f"  {seconds:.0f} s")
    scratch = args.scratch or Path(tempfile.mkdtemp(prefix="wardlib-incremental-"))
    data, out = scratch / "data", scratch / "reports"
    shutil.rmtree(data, ignore_errors=True)
    shutil.rmtree(out, ignore_errors=True)
    shutil.copytree(args.data, data)
    run = ["run", "--data", str(data), "--period", args.period, "--workers", args.workers, "--out", str(out),
           *(["--unit", args.unit] if args.only_unit else [])]
    folder = out / args.period

    load = os.getloadavg()
    full_s, proc = wardlib(*run)
    if proc.returncode not in (0, 1):
        sys.exit(proc.stderr[-3000:])
    full = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    changed = bump(data, args.unit, args.period)
    rerun_s, proc = wardlib(*run)
    if proc.returncode not in (0, 1):
        sys.exit(proc.stderr[-3000:])
    rerun = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    load_after = os.getloadavg()

    rendered = sorted(k for k, e in pages(rerun).items() if e["status"] == "ok")
    parent_of = {k: e.get("parent", "") for k, e in rerun["units"].items()}
    ratio = rerun_s / full_s
    commit = subprocess.run(["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"], capture_output=True,
                            text=True).stdout.strip() or "unknown (not a git checkout)"
    print(f"commit {commit}, data {args.data}, period {args.period}, --workers {args.workers}")
    print(f"load average before/after: {load[0]:.1f} / {load_after[0]:.1f} (1 min), 2 cores")
    print(f"full run : {full_s:7.1f} s wall; pages {full['counts']}; stages {full['stages']}")
    print(f"changed  : unit {args.unit}, new_household_businesses in {changed}")
    print(f"rerun    : {rerun_s:7.1f} s wall; pages {rerun['counts']}; stages {rerun['stages']}")
    print(f"rendered again: {len(rendered)} pages — ward reports of "
          f"{sorted({parent_of[k] for k in rendered if k in parent_of})}, "
          f"other pages {[k for k in rendered if k not in parent_of]}")
    before = full["stages"]["load"] + full["stages"]["prepare"]
    after = rerun["stages"]["load"] + rerun["stages"]["prepare"]
    print(f"load + prepare: full {before:.1f} s, rerun {after:.1f} s, ratio {after / before:.1%}")
    if args.only_unit:
        print(f"ratio rerun/full: {ratio:.1%} — of runs of one unit's pages, not the national run the goal "
              f"({GOAL:.0%}) is about")
        return 0
    print(f"ratio rerun/full: {ratio:.1%} (goal at most {GOAL:.0%}) — {'met' if ratio <= GOAL else 'NOT met'}")
    return 0 if ratio <= GOAL else 1


if __name__ == "__main__":
    sys.exit(main())
