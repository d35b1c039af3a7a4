"""Benchmark: the analysis table at national scale, against a floor baseline and the goals.

Requirement: computing the analysis table (``wardlib.analysis.build_table``)
for 3,321 units × 120 indicators × 12 periods takes at most 30 s and 4 GB
peak on this machine; report the median of several runs.

Run from the repository root::

    .venv/bin/python bench/bench_analysis.py              # national size, 3 runs each
    .venv/bin/python bench/bench_analysis.py --units 200  # quick smoke run

The dataset is :func:`national.national_dataset` (12 months, 2025-07 …
2026-06). The operations, each timed in its own fresh process:

* ``baseline``: a floor any analysis pays at least once — the observations
  merged with the catalog, then sorted by unit, period, indicator;
* ``build_table``: ``wardlib.analysis.build_table(data)``.

Goals: ``build_table`` median ≤ 30 s and process peak ≤ 4 GB (GiB). How the
runs are made, measured and judged (child processes, ``ru_maxrss``/``VmHWM``,
``--budget``, exit status) is in ``_harness.py``.
"""

from __future__ import annotations

import sys

import _harness


def baseline(data):
    """The floor: every analysis joins the catalog to the observations and orders them at least once."""
    merged = data.observations.merge(data.catalog.table, left_on="indicator", right_index=True)
    return merged.sort_values(["unit_code", "period", "indicator"])


BENCHMARK = _harness.Benchmark(
    script=__file__,
    baseline=("baseline", "bench_analysis:baseline"),
    operation=("build_table", "wardlib.analysis:build_table"),
    goal_seconds=30.0,
    goal_bytes=4 * 1024**3,  # 4 GB, read as GiB: the stricter reading
)


if __name__ == "__main__":
    sys.exit(_harness.main(BENCHMARK))
