"""Benchmark: reading a maximal Excel sheet (1,048,576 rows × 10 observation columns), against the old way.

Requirement (issue 18): ``wardlib validate`` of a full-height .xlsx well under 60 s on this machine,
with bounded memory.

Run from the repository root::

    .venv/bin/python bench/bench_excel.py                    # full height, 3 runs of the reader
    .venv/bin/python bench/bench_excel.py --rows 100000      # quick smoke run
    .venv/bin/python bench/bench_excel.py --baseline-timeout 300 --skip-streaming

The workbook is generated once with openpyxl's write-only mode into ``--file`` (default
``/tmp/wardlib-bench-max.xlsx``, never in git) and reused while it has the asked number of rows.
Each operation runs in its own fresh process (peak memory = that process's ``ru_maxrss``); the
operations alternate per repeat so a slow spell on the machine hits all of them:

* ``old``: what ``wardlib.tables`` did before issue 18 — ``openpyxl.load_workbook`` whole, then two
  more ``read_only`` passes (``data_only=False`` and ``True``) looking for formulas without a saved
  value. Given ``--baseline-timeout`` seconds; a run that does not finish is reported as such;
* ``streaming``: one ``openpyxl.load_workbook(read_only=True, data_only=True)`` pass that only
  iterates the rows (no text conversion): the fastest openpyxl can be;
* ``read_table``: ``wardlib.tables.read_table``, what ``validate`` does with the file (zip guard,
  byte scan of the sheet XML, calamine, text columns).

Prints one line per run and a table of medians, ratios to ``read_table`` of the same run and the
verdict against the 60 s goal.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

GOAL_SECONDS = 60.0
HEADER = ["unit_code", "period", "indicator", "value", "target", "reported_pct", "status", "unit", "note", "source"]


def generate(path: Path, rows: int) -> None:
    """A sheet of ``rows`` rows (header included) of observations, as a program would write it."""
    import openpyxl

    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("Số liệu")
    ws.append(HEADER)
    for i in range(rows - 1):
        ws.append([str(29869 + i % 3000), "2026-06", f"ind{i // 3000:03d}", i * 7 % 100000, 1000, None, None,
                   None, None, "synthetic"])
    wb.save(path)
    path.with_suffix(".rows").write_text(str(rows))


def op_old(path: str) -> int:
    import openpyxl

    book = openpyxl.load_workbook(path, read_only=False, data_only=True)
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    book.close()
    formulas = openpyxl.load_workbook(path, read_only=True, data_only=False)
    values = openpyxl.load_workbook(path, read_only=True, data_only=True)
    for ws_f, ws_v in zip(formulas.worksheets, values.worksheets):
        for row_f, row_v in zip(ws_f.iter_rows(values_only=True), ws_v.iter_rows(values_only=True)):
            for f, v in zip(row_f, row_v):
                if isinstance(f, str) and f.startswith("=") and v is None:
                    break
    return len(rows)


def op_streaming(path: str) -> int:
    import openpyxl

    book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    n = sum(1 for _ in book.worksheets[0].iter_rows(values_only=True))
    book.close()
    return n


def op_read_table(path: str) -> int:
    from wardlib.tables import read_table

    p = Path(path)
    table = read_table(p, p.parent)
    errors = [f.message_en for f in table.findings if f.severity == "error"]
    if errors:
        raise RuntimeError(errors[0])
    return len(table.frame)


OPERATIONS = {"old": op_old, "streaming": op_streaming, "read_table": op_read_table}


def child(name: str, path: str) -> None:
    import resource

    started = time.perf_counter()
    n = OPERATIONS[name](path)
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    print("RESULT " + json.dumps({"seconds": seconds, "rows": n, "peak": peak}))


def measure(name: str, path: Path, timeout: float) -> dict:
    started = time.perf_counter()
    try:
        done = subprocess.run([sys.executable, __file__, "--child", name, str(path)], capture_output=True, text=True,
                              timeout=timeout)
    except subprocess.TimeoutExpired:
        return {"timeout": True, "seconds": time.perf_counter() - started}
    for line in done.stdout.splitlines():
        if line.startswith("RESULT "):
            return json.loads(line[7:])
    raise RuntimeError(f"{name} failed:\n{done.stderr[-3000:]}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rows", type=int, default=1_048_576, help="rows of the sheet, header included (default: all)")
    ap.add_argument("--file", type=Path, default=Path("/tmp/wardlib-bench-max.xlsx"))
    ap.add_argument("--repeat", type=int, default=3, help="runs of read_table (default 3)")
    ap.add_argument("--baseline-repeat", type=int, default=1, help="runs of each baseline (default 1)")
    ap.add_argument("--baseline-timeout", type=float, default=300, help="seconds given to each baseline run")
    ap.add_argument("--timeout", type=float, default=600, help="seconds given to each read_table run")
    ap.add_argument("--skip-old", action="store_true")
    ap.add_argument("--skip-streaming", action="store_true")
    ap.add_argument("--child", nargs=2, metavar=("OPERATION", "FILE"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        child(*args.child)
        return 0

    marker = args.file.with_suffix(".rows")
    if not (args.file.is_file() and marker.is_file() and marker.read_text() == str(args.rows)):
        t = time.perf_counter()
        generate(args.file, args.rows)
        print(f"generated {args.file}: {args.rows:,} rows, {args.file.stat().st_size / 1024 ** 2:.1f} MB in "
              f"{time.perf_counter() - t:.0f} s")
    print(f"{args.file}: {args.rows:,} rows × {len(HEADER)} columns, {args.file.stat().st_size / 1024 ** 2:.1f} MB; "
          f"load average {os.getloadavg()[0]:.1f}")
    plan = [("read_table", args.timeout)] * args.repeat
    baselines = [n for n, skip in (("streaming", args.skip_streaming), ("old", args.skip_old)) if not skip]
    for i in range(args.baseline_repeat):  # interleave: baseline runs between the reader's
        for j, name in enumerate(baselines):
            plan.insert(min(len(plan), 1 + 2 * (i * len(baselines) + j)), (name, args.baseline_timeout))
    results: dict[str, list[dict]] = {}
    for name, timeout in plan:
        r = measure(name, args.file, timeout)
        results.setdefault(name, []).append(r)
        if r.get("timeout"):
            print(f"  {name:<11} did not finish in {timeout:.0f} s")
        else:
            print(f"  {name:<11} {r['seconds']:7.1f} s  {r['rows']:>9,} rows  peak {r['peak'] / 1024 ** 3:.2f} GiB")

    ours = statistics.median(r["seconds"] for r in results["read_table"] if not r.get("timeout"))
    print(f"\n{'operation':<11} {'median s':>9} {'× read_table':>13} {'peak GiB':>9}")
    for name, runs in results.items():
        done = [r for r in runs if not r.get("timeout")]
        if not done:
            print(f"{name:<11} {'> ' + format(max(r['seconds'] for r in runs), '.0f'):>9} {'> ' + format(max(r['seconds'] for r in runs) / ours, '.1f'):>13} {'—':>9}  (did not finish)")
            continue
        med = statistics.median(r["seconds"] for r in done)
        print(f"{name:<11} {med:9.1f} {med / ours:13.1f} {max(r['peak'] for r in done) / 1024 ** 3:9.2f}")
    verdict = "PASS" if ours <= GOAL_SECONDS else "FAIL"
    print(f"\nread_table median {ours:.1f} s against the {GOAL_SECONDS:.0f} s goal: {verdict}")
    return 0 if verdict == "PASS" else 1


if __name__ == "__main__":
    sys.exit(main())
