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
"""

from __future__ import annotations

import dataclasses
import shutil
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

from wardlib.adminunits import REFORM_DATE, current_units, units_table
from wardlib.demo import NOTE
from wardlib.loaders import SYNTHETIC_SOURCE, Dataset, load_dataset
from wardlib.paths import default_data_dir
from wardlib.periods import period_table

DEFAULT_PERIODS = [f"2025-{m:02d}" for m in range(7, 13)] + [f"2026-{m:02d}" for m in range(1, 7)]
PENDING = "Đang thực hiện"  # status of a row whose value is not reported yet


def default_periods() -> list[str]:
    """The 12 months after the reform: 2025-07 … 2026-06."""
    return list(DEFAULT_PERIODS)


def national_units_table() -> pd.DataFrame:
    """``units.csv`` for all of Vietnam: :func:`~wardlib.adminunits.units_table` plus the current
    communes it leaves out.

    ``units_table()`` lists only post-reform communes that appear in the 2025
    crosswalk (3,316); the five special zones (đặc khu) formed from former
    island districts without communes — Bạch Long Vĩ, Cồn Cỏ, Hoàng Sa, Lý
    Sơn, Côn Đảo — are added here so that all 3,321 current communes exist.

    Those five former districts had no communes: the legacy database gives
    each one a commune row with no code and no name, which ``units_table()``
    passes on and the loader rejects ("column 'code' must not be empty");
    such rows are dropped here (their district rows stay).
    """
    table = units_table()
    table = table[table["code"].notna() & table["code"].astype(str).str.strip().ne("")]
    new = current_units()
    missing = new[~new["ward_code"].isin(table["code"])]
    extra = pd.DataFrame({
        "code": missing["ward_code"], "name": missing["ward"], "level": "commune",
        "parent_code": missing["province_code"], "type": missing["ward_type"].astype(str).str.lower(),
        "population": "", "valid_from": REFORM_DATE.date().isoformat(), "valid_to": "", "successor_code": "",
    })
    return pd.concat([table, extra], ignore_index=True)


def _categorical(codes_in_order: np.ndarray, labels: list[str]) -> pd.Categorical:
    """What ``Series(labels[codes], dtype="string").astype("category")`` gives: categories sorted."""
    labels = np.asarray(labels, dtype=object)
    order = np.argsort(labels, kind="stable")
    rank = np.empty(len(labels), dtype=np.int64)
    rank[order] = np.arange(len(labels))
    cats = pd.Index(labels[order].tolist(), dtype="string")
    return pd.Categorical.from_codes(rank[codes_in_order], dtype=pd.CategoricalDtype(cats))


def select_indicators(catalog: pd.DataFrame, n_indicators: int) -> list[str]:
    """``n_indicators`` non-rate indicators in catalog order: every rate's numerator and
    denominator (so rates get computed), then the first other non-rate ones."""
    inputs = catalog[catalog["numerator"].eq("")]
    if not 1 <= n_indicators <= len(inputs):
        raise ValueError(f"n_indicators must be between 1 and {len(inputs)}, not {n_indicators}")
    rates = catalog[catalog["numerator"].ne("")]
    parts = list(dict.fromkeys(rates["numerator"].tolist() + rates["denominator"].tolist()))
    parts = [p for p in parts if p in inputs.index][:n_indicators]
    others = [c for c in inputs.index if c not in parts][: n_indicators - len(parts)]
    chosen = set(parts) | set(others)
    return [c for c in inputs.index if c in chosen]


def _skeleton(root: Path, units_csv: pd.DataFrame, first_unit: str, first_period: str,
              indicators: list[str]) -> None:
    """A dataset folder: embedded catalog, national units, a few observation rows that exercise
    every typed column (targets with and without an operator, a stated percentage)."""
    src = default_data_dir()
    for name in ("indicators.csv", "sections.csv"):
        if (src / name).is_file():
            shutil.copyfile(src / name, root / name)
    units_csv.to_csv(root / "units.csv", index=False)
    (root / "observations").mkdir()
    rows = []
    for j, code in enumerate(indicators[:4]):
        target = ["", "10", ">5", "2e+09"][j]
        rows.append({"unit_code": first_unit, "period": first_period, "indicator": code,
                     "value": str(j + 1), "target": target, "reported_pct": "55.4" if j == 1 else "",
                     "status": "", "unit": "", "note": NOTE, "source": SYNTHETIC_SOURCE})
    pd.DataFrame(rows).to_csv(root / "observations" / "skeleton.csv", index=False)


def _check_like(obs: pd.DataFrame, reference: pd.DataFrame) -> None:
    """Same columns, in the same order, with the same dtypes as the loader's frame."""
    if list(obs.columns) != list(reference.columns):
        raise AssertionError(f"columns differ from the loader's: {list(obs.columns)} != {list(reference.columns)}")
    for col in obs.columns:
        mine, theirs = obs[col].dtype, reference[col].dtype
        if isinstance(theirs, pd.CategoricalDtype):
            same = (isinstance(mine, pd.CategoricalDtype)
                    and mine.categories.dtype == theirs.categories.dtype and mine.ordered == theirs.ordered)
        else:
            same = mine == theirs
        if not same:
            raise AssertionError(f"column {col!r}: dtype {mine!r} differs from the loader's {theirs!r}")


PLANTED_ERRORS = 0.002  # share of breakdown totals given a slip for the checks to find


def national_dataset(periods: list[str] | None = None, n_indicators: int = 120, seed: int = 20240630,
                     units: int | None = None) -> Dataset:
    """A synthetic Dataset: current communes × ``n_indicators`` indicators × ``periods``.

    ``units`` keeps only the first that many current communes (in code order);
    ``None`` keeps all 3,321. Periods default to the 12 months 2025-07 … 2026-06;
    every period must lie after the 1 July 2025 reform (the current communes
    exist only since then). The rows are ordered period, unit, indicator, as
    if each month came in one file. ``root`` names the temporary folder the
    catalog and units were loaded from; it is gone once this returns.
    """
    periods = default_periods() if periods is None else list(periods)
    ptab = period_table(periods)
    if len(ptab) != len(periods):
        raise ValueError(f"not all of {periods} are periods")
    period_codes = list(dict.fromkeys(ptab["period"]))
    rng = np.random.default_rng(seed)

    units_csv = national_units_table()
    current = units_csv[units_csv["level"].eq("commune") & units_csv["valid_from"].ne("")]
    unit_codes = sorted(current["code"])
    if units is not None:
        if not 1 <= units <= len(unit_codes):
            raise ValueError(f"units must be between 1 and {len(unit_codes)}, not {units}")
        unit_codes = unit_codes[:units]

    with tempfile.TemporaryDirectory(prefix="wardlib-bench-") as tmp:
        root = Path(tmp)
        listed = pd.read_csv(default_data_dir() / "indicators.csv", dtype=str, keep_default_na=False)
        plain = listed.loc[listed["numerator"].str.strip().eq(""), "code"].str.strip().tolist()
        _skeleton(root, units_csv, unit_codes[0], period_codes[0], plain)
        base = load_dataset(root)
    cat = base.catalog.table
    indicators = select_indicators(cat, n_indicators)

    # Every (unit, period) must exist according to units.csv: the loader's own check.
    pt = ptab.drop_duplicates("period").set_index("period")
    pairs = pd.DataFrame({"unit_code": np.repeat(unit_codes, len(period_codes)),
                          "period": np.tile(period_codes, len(unit_codes))})
    keys = pd.DataFrame({"unit_code": pairs["unit_code"], "start": pairs["period"].map(pt["start"]),
                         "end": pairs["period"].map(pt["end"])})
    exists = base.units.match_periods(keys)
    if not exists.all():
        bad = pairs[~exists.to_numpy()].iloc[0]
        raise ValueError(f"unit {bad['unit_code']} does not exist in {bad['period']}: "
                         f"use periods after {REFORM_DATE.date()}")

    P, U, I = len(period_codes), len(unit_codes), len(indicators)
    info = cat.loc[indicators]
    kind = info["kind"].to_numpy(dtype=object)
    agg = info["aggregation"].to_numpy(dtype=object)
    direction = info["direction"].to_numpy(dtype=object)

    # -- values: a grid [period, unit, indicator] --------------------------------------------
    size = rng.lognormal(0.0, 0.35, U)[None, :, None]  # how big each commune is
    noise = rng.lognormal(0.0, 0.15, (P, U, I))
    count_scale = np.round(rng.lognormal(np.log(60), 1.2, I))  + 1  # a typical month of each count
    amount_scale = rng.lognormal(np.log(2e9), 1.0, I)
    level = np.select([kind == "count", kind == "amount"], [count_scale, amount_scale], 1.0)
    value = level[None, None, :] * size * noise
    value = np.where(kind == "count", np.round(value), value)
    value = np.where(kind == "amount", np.round(value / 1000) * 1000, value)
    pct_mean = rng.uniform(40, 95, I)
    pct = np.clip(pct_mean[None, None, :] + rng.normal(0, 5, (P, U, I)), 0, 100)
    value = np.where(kind == "percent", np.round(pct, 1), value)
    value = np.where(np.isin(kind, ["score", "ratio"]), np.round(np.clip(pct, 0, 100), 2), value)
    if (kind == "rank").any():  # places 1..U among the communes, each period
        places = rng.random((P, U)).argsort(axis=1).argsort(axis=1) + 1
        value = np.where(kind == "rank", places[:, :, None].astype(float), value)
    # Rate parts: denominators sized like a commune, numerators a share of them.
    pos = {code: j for j, code in enumerate(indicators)}
    for _, rate in cat[cat["numerator"].ne("")].iterrows():  # a handful of rates, not units
        j_num, j_den = pos.get(rate["numerator"]), pos.get(rate["denominator"])
        if j_num is None or j_den is None:
            continue
        den_level = 15000.0 if agg[j_den] == "last" else 400.0
        den = np.round(den_level * size[..., 0] * noise[:, :, j_den]) + 1
        value[:, :, j_den] = den
        value[:, :, j_num] = np.round(den * rng.uniform(0.3, 0.95, (P, U)))
    # Breakdowns add up and parts stay within their whole, as in real reports, except for a few
    # planted slips (PLANTED_ERRORS of the totals) that the consistency checks must catch.
    rate_parts = set()
    for _, rate in cat[cat["numerator"].ne("")].iterrows():
        rate_parts |= {rate["numerator"], rate["denominator"]}
    lines = info[info["parent"].isin(indicators)]
    for parent, group in lines.groupby("parent", sort=False):
        j_total = pos[parent]
        total = None
        for name, parts in group.groupby("breakdown", sort=False):
            idx = [pos[c] for c in parts.index]
            if name == "":  # parts of no complete breakdown: each within the whole
                for j in idx:
                    value[:, :, j] = np.minimum(value[:, :, j], value[:, :, j_total])
                continue
            if total is None:
                total = value[:, :, idx].sum(axis=2)
                value[:, :, j_total] = total
                continue
            share = value[:, :, idx] / value[:, :, idx].sum(axis=2, keepdims=True)
            scaled = np.round(share * total[:, :, None])
            scaled[:, :, -1] += total - scaled.sum(axis=2)
            value[:, :, idx] = scaled
        if total is not None:
            slip = rng.random((P, U)) < PLANTED_ERRORS
            value[:, :, j_total] = np.where(slip, np.round(value[:, :, j_total] * 1.05) + 1, value[:, :, j_total])
    missing = rng.random((P, U, I)) < 0.01  # not reported yet
    value[missing] = np.nan

    # -- targets: one per (unit, indicator) on about half of them, for the whole run --------
    no_target = np.array([c in rate_parts for c in indicators])  # a population has no target
    has_target = (rng.random((U, I)) < 0.5) & ~no_target[None, :]
    yearly = np.where(agg == "sum", 12.0, 1.0)
    tgt = level[None, :] * size[0] * yearly[None, :] * rng.uniform(0.8, 1.2, (U, I))
    tgt = np.where(kind == "count", np.ceil(tgt), tgt)
    tgt = np.where(kind == "amount", np.round(tgt / 1e6) * 1e6, tgt)
    tgt = np.where(np.isin(kind, ["percent", "score", "ratio"]), np.round(rng.uniform(50, 100, (U, I))), tgt)
    tgt = np.where(kind == "rank", np.round(rng.uniform(1, max(U // 10, 1), (U, I))), tgt)
    tgt = np.where(has_target, tgt, np.nan)
    strict = has_target & (rng.random((U, I)) < 0.2) & (direction == "up")[None, :]  # ">37"-style
    uniq, inverse = np.unique(np.nan_to_num(tgt, nan=-1.0), return_inverse=True)
    inverse = inverse.reshape(U, I)
    texts = [f"{v:g}" for v in uniq]  # the loader writes targets back as op + f"{value:g}"
    # codes into [""] + bare texts + ">" texts
    pair_target = np.where(has_target, 1 + inverse + np.where(strict, len(uniq), 0), 0)
    target_labels = [""] + texts + [">" + t for t in texts]

    # -- one row per (period, unit, indicator) -------------------------------------------------
    n = P * U * I
    p_idx = np.repeat(np.arange(P), U * I)
    pair = np.tile(np.arange(U * I), P)  # unit * I + indicator
    u_idx, i_idx = pair // I, pair % I
    flat_value = value.reshape(n)
    target_value = tgt.reshape(U * I)[pair]
    row_target = pair_target.reshape(U * I)[pair]
    row_strict = strict.reshape(U * I)[pair]

    # A stated percentage on about a third of the bare-target count/amount rows: mostly right,
    # some truncated (48.69 → 48.6), some plainly off.
    stated = (np.isin(kind, ["count", "amount"])[i_idx] & ~np.isnan(target_value) & ~row_strict
              & (target_value > 0) & ~np.isnan(flat_value) & (rng.random(n) < 0.33))
    achieved = np.divide(flat_value, target_value, out=np.full(n, np.nan), where=stated) * 100
    how = rng.random(n)
    reported = np.where(how < 0.8, np.round(achieved, 1),
                        np.where(how < 0.9, np.floor(achieved * 10) / 10, np.round(achieved + 2.0, 1)))
    reported = np.where(stated, reported, np.nan)
    decimals = np.where(stated & (reported != np.round(reported)), 1, 0).astype("int64")

    file_labels = [f"observations/national-{p}.parquet" for p in period_codes]
    op = pd.Categorical.from_codes(np.where(row_strict, 0, -1), dtype=pd.CategoricalDtype(
        pd.Index([">"] if row_strict.any() else [], dtype="string")))
    obs = pd.DataFrame({
        "unit_code": _categorical(u_idx, unit_codes),
        "period": _categorical(p_idx, period_codes),
        "indicator": _categorical(i_idx, indicators),
        "value": flat_value,
        "target": _categorical(row_target, target_labels),
        "target_op": op,
        "target_value": target_value,
        "reported_pct": reported,
        "reported_decimals": decimals,
        "status": _categorical(missing.reshape(n).astype(np.int8), ["", PENDING]),
        "unit": _categorical(np.zeros(n, dtype=np.int8), [""]),
        "note": _categorical(np.zeros(n, dtype=np.int8), [NOTE]),
        "source": _categorical(np.zeros(n, dtype=np.int8), [SYNTHETIC_SOURCE]),
        "synthetic": np.ones(n, dtype=bool),
        "file": _categorical(p_idx, file_labels),
        "row": np.tile(np.arange(1, U * I + 1, dtype=np.int64), P),
    })
    _check_like(obs, base.observations)

    periods_frame = pt.drop(columns="text").sort_values(["end", "months"])  # as the loader leaves it
    # Everything else (catalog, units, and whatever the loader adds) as load_dataset gave it.
    return dataclasses.replace(base, observations=obs, periods=periods_frame, version="bench-national",
                               findings=[])
