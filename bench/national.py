"""A synthetic national-scale Dataset, built in memory for benchmarks.

:func:`national_dataset` gives every current commune of Vietnam (3,321 since
the 1 July 2025 reform) × 120 indicators × 12 months (2025-07 … 2026-06) —
4,782,240 observation rows — in the exact shape
:func:`wardlib.loaders.load_dataset` returns, without writing them to disk.

The catalog and the units go through the real loading code: a temporary
dataset folder holds the embedded ``indicators.csv`` / ``sections.csv``, a
``units.csv`` made by :func:`wardlib.adminunits.units_table` and a tiny
observations file, and :func:`~wardlib.loaders.load_dataset` reads it. The
big observation frame is then generated with numpy (no per-unit loops) and
checked column by column against the dtypes of the tiny frame the loader
returned, so a change to the data contract fails here instead of silently
benchmarking a differently typed frame.

Every row is labelled as demo data (``source = synthetic``, ``synthetic =
True``, the demo note).

The generator itself lives in :mod:`wardlib.demo` (``wardlib demo-data``
writes the same data to a dataset folder); this module keeps the names the
benchmarks use.
"""

from __future__ import annotations

from wardlib.demo import (  # noqa: F401  (the benchmarks' names)
    DEFAULT_PERIODS, PENDING, PLANTED_ERRORS, default_periods, national_dataset, national_units_table,
    select_indicators,
)
