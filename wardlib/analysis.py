"""The analysis table: every observation with its catalog labels and computed figures.

One row per unit × period × indicator, computed for all units at once
(vectorised; no per-unit loops) so that notebooks only filter it:

=================  ==========================================================
value              the result; for a rate line, numerator / denominator × factor
computed           True where ``value`` was computed here rather than reported
achievement_pct    value / target × 100, for lines where more is better and the target is > 0
target_met         whether the value meets the target, honouring ``>37``-style
                   comparisons and the indicator's direction
expected_pct       share of the year elapsed at the period's end × 100, for flows
                   (``aggregation = sum``) measured against an annual target
computed_pct       the percentage the source should have stated: the rate itself
                   for rate lines, else ``achievement_pct``
pct_diff           reported_pct − computed_pct, in percentage points
pct_check          ok | truncated | mismatch, judged with the tolerance implied by
                   the decimals the source wrote (55.4 means ±0.05); a truncated
                   48.6 for 48.69 is a rounding note, not an error
=================  ==========================================================
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from wardlib.loaders import KEY, Dataset

CATALOG_COLUMNS = ["name_vi", "name_en", "section", "kind", "direction", "aggregation", "decimals",
                   "parent", "breakdown", "commitment", "order"]


def build_table(data: Dataset) -> pd.DataFrame:
    """The analysis table of a dataset (see the module docstring for its columns)."""
    obs = data.observations.copy()
    for col in KEY:
        obs[col] = obs[col].astype(str)
    obs["computed"] = False
    obs = compute_rates(obs, data.catalog.table)
    cat = data.catalog.table[CATALOG_COLUMNS + ["unit"]].rename(columns={"unit": "catalog_unit"})
    out = obs.merge(cat, left_on="indicator", right_index=True, how="left")
    pt = data.periods
    year_fraction = out["period"].map(pt["number"] * pt["months"] / 12)

    out["achievement_pct"] = achievement(out["value"], out["target_value"], out["direction"], out["kind"])
    out["target_met"] = target_met(out["value"], out["target_op"], out["target_value"], out["direction"])
    out["expected_pct"] = np.where(out["aggregation"].eq("sum") & out["target_value"].notna(),
                                   year_fraction * 100, np.nan)
    is_rate = out["indicator"].isin(data.catalog.rates().index)
    out["computed_pct"] = np.where(is_rate, out["value"], out["achievement_pct"])
    out["pct_diff"] = out["reported_pct"] - out["computed_pct"]
    out["pct_check"] = pct_check(out["reported_pct"], out["computed_pct"], out["reported_decimals"])
    return out.sort_values(["unit_code", "period", "order"]).reset_index(drop=True)


def compute_rates(obs: pd.DataFrame, catalog: pd.DataFrame) -> pd.DataFrame:
    """Fill rate lines (numerator / denominator × factor) for every unit and period that has both parts.

    A reported rate row keeps its stated ``reported_pct`` and gets the computed
    value; a missing one is added with ``source = computed``. A zero or missing
    denominator gives no value (never inf).
    """
    values = obs.set_index(KEY)["value"]
    synthetic = obs.set_index(KEY)["synthetic"]
    added = []
    for code, rate in catalog[catalog["numerator"].ne("")].iterrows():
        num = values.xs(rate["numerator"], level="indicator")
        den = values.xs(rate["denominator"], level="indicator")
        both = num.to_frame("num").join(den.to_frame("den"), how="inner")
        both = both[both["den"].gt(0) & both["num"].notna()]
        if both.empty:
            continue
        both["value"] = both["num"] / both["den"] * rate["factor"]
        syn = (synthetic.xs(rate["numerator"], level="indicator").reindex(both.index).fillna(False).astype(bool)
               | synthetic.xs(rate["denominator"], level="indicator").reindex(both.index).fillna(False).astype(bool))
        both["synthetic"] = syn
        both["indicator"] = code
        added.append(both.reset_index()[KEY + ["value", "synthetic"]])
    if not added:
        return obs
    rates = pd.concat(added, ignore_index=True)
    merged = obs.merge(rates, on=KEY, how="outer", suffixes=("", "_rate"), indicator="_m")
    fill = merged["value"].isna() & merged["value_rate"].notna()
    merged.loc[fill, "value"] = merged.loc[fill, "value_rate"]
    merged.loc[fill, "computed"] = True
    new = merged["_m"].eq("right_only")
    merged.loc[new, "synthetic"] = merged.loc[new, "synthetic_rate"]
    merged.loc[new, "source"] = "computed"
    for col, blank in (("target", ""), ("status", ""), ("unit", ""), ("note", "")):
        merged[col] = merged[col].fillna(blank)
    merged["reported_decimals"] = merged["reported_decimals"].fillna(0).astype("int64")
    merged["synthetic"] = merged["synthetic"].fillna(False).astype(bool)
    merged["computed"] = merged["computed"].fillna(False).astype(bool)
    return merged.drop(columns=["value_rate", "synthetic_rate", "_m"])


def achievement(value: pd.Series, target: pd.Series, direction: pd.Series, kind: pd.Series) -> pd.Series:
    """value / target × 100 where more is better and the target is positive; NaN elsewhere.

    For lower-is-better lines (cases, violations, ranks) a ratio to the target
    misreads progress, so only ``target_met`` judges them.
    """
    ok = target.gt(0) & direction.ne("down") & kind.ne("rank")
    return (value / target.where(ok)) * 100


def target_met(value: pd.Series, op: pd.Series, target: pd.Series, direction: pd.Series) -> pd.Series:
    """Nullable boolean: whether value meets the target (``>37``, or ≥/≤ by direction when bare)."""
    op = op.astype("string").fillna("")
    eff = op.where(op.ne(""), np.where(direction.eq("down"), "<=", ">="))
    results = {">": value > target, ">=": value >= target, "<": value < target,
               "<=": value <= target, "=": value == target}
    met = pd.Series(pd.NA, index=value.index, dtype="boolean")
    for symbol, res in results.items():
        sel = eff.eq(symbol) & value.notna() & target.notna()
        met[sel] = res[sel]
    return met


def pct_check(reported: pd.Series, computed: pd.Series, decimals: pd.Series) -> pd.Series:
    """ok | truncated | mismatch for each stated percentage; NA where either side is missing."""
    tol = 0.5 * 10.0 ** (-decimals.astype(float)) + 1e-9
    diff = (reported - computed).abs()
    scale = 10.0 ** decimals.astype(float)
    truncated = (np.floor(computed * scale + 1e-9) / scale - reported).abs() < 1e-9
    out = pd.Series(pd.NA, index=reported.index, dtype="string")
    both = reported.notna() & computed.notna()
    out[both & diff.le(tol)] = "ok"
    out[both & diff.gt(tol) & truncated] = "truncated"
    out[both & diff.gt(tol) & ~truncated] = "mismatch"
    return out
