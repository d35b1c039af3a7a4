"""Benchmark: validating a national dataset (analysis table, consistency rules, GX), against plain pandas checks.

Requirement: validating 3,321 units × 120 indicators × 4 periods, GX
included, in at most 60 s on this machine.

Run from the repository root::

    .venv/bin/python bench/bench_validate.py              # national size, 3 runs each
    .venv/bin/python bench/bench_validate.py --units 200  # quick smoke run

The dataset is :func:`national.national_dataset` for the four quarters
2025-Q3 … 2026-Q2 (1,594,080 observation rows at national size). The
operations, each timed in its own fresh process:

* ``baseline``: the observations' five key checks in plain pandas — keys
  not null, period strings match :data:`PERIOD_PATTERN`, (unit_code, period,
  indicator) unique, unit_code among the units table's codes, indicator in the
  catalog — returning the rows that fail any of them;
* ``validate``: ``quality.collect(data, build_table(data), gx=True)``, what
  ``wardlib validate`` does, returning the findings. Its parts are timed in
  the same call: ``build_table``, the consistency rules
  (``wardlib.checks.run_checks``), the Great Expectations import and
  ``wardlib.gx.validate``. ``collect`` itself is called; the two functions it
  calls are wrapped in this child process only, so the split costs nothing
  and the total is the real one. The GX import is timed apart because it is
  a fixed cost (a fresh process pays it once, whatever the data size).

Goal: ``validate`` median ≤ 60 s. The peak memory is reported, not judged.
How the runs are made, measured and judged is in ``_harness.py``.
"""

from __future__ import annotations

import sys

import _harness

PERIODS = ["2025-Q3", "2025-Q4", "2026-Q1", "2026-Q2"]
PERIOD_PATTERN = r"^\d{4}(-(H[12]|Q[1-4]|(0[1-9]|1[0-2])))?$"
KEYS = ["unit_code", "period", "indicator"]


def plain_checks(data):
    """The rows of ``data.observations`` failing any of the five key checks, done row by row in pandas."""
    obs = data.observations
    null_key = obs[KEYS].isna().any(axis=1)
    bad_period = ~obs["period"].astype("string").str.match(PERIOD_PATTERN).fillna(False).astype(bool)
    duplicate = obs.duplicated(KEYS, keep=False)
    unknown_unit = ~obs["unit_code"].isin(data.units.table["code"])
    unknown_indicator = ~obs["indicator"].isin(data.catalog.table.index)
    return obs[null_key | bad_period | duplicate | unknown_unit | unknown_indicator]


def _timed(name: str, func):
    """``func``, recording its seconds and output length as the phase ``name``."""
    def wrapper(*args, **kwargs):
        with _harness.phase(name) as rec:
            out = func(*args, **kwargs)
            rec["items"] = len(out)
        return out
    return wrapper


def _import_gx() -> None:
    import os
    import warnings

    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")  # as wardlib.gx.validate does before importing
    with _harness.phase("gx import"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import great_expectations  # noqa: F401


def full_validation(data):
    """``quality.collect(data, build_table(data), gx=True)``, its parts timed."""
    from wardlib import gx, quality
    from wardlib.analysis import build_table

    quality.run_checks = _timed("run_checks", quality.run_checks)
    validate_gx = _timed("gx.validate", gx.validate)

    def gx_validate(*args, **kwargs):
        _import_gx()
        return validate_gx(*args, **kwargs)

    gx.validate = gx_validate
    with _harness.phase("build_table") as rec:
        table = build_table(data)
        rec["items"] = len(table)
    findings = quality.collect(data, table, gx=True)
    seen = set(_harness.recorded_phases())
    if not {"run_checks", "gx.validate"} <= seen:
        raise RuntimeError(f"quality.collect no longer calls run_checks and gx.validate as wrapped here "
                           f"(timed: {sorted(seen)}): fix full_validation so the split stays true")
    return findings


BENCHMARK = _harness.Benchmark(
    script=__file__,
    baseline=("baseline", "bench_validate:plain_checks"),
    operation=("validate", "bench_validate:full_validation"),
    goal_seconds=60.0,
    goal_bytes=None,
    dataset_kwargs={"periods": PERIODS},
    default_budget=330,
    out_label="flagged",
    phase_note="rest = collect's own work (sorting the findings) and the wrappers; items = rows or findings out",
)


if __name__ == "__main__":
    sys.exit(_harness.main(BENCHMARK))
