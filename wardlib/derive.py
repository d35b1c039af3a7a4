"""Rows the analysis table adds to the observations: rates, longer periods, parent units, rebuilt histories.

Each function takes the rows so far and returns only the rows it adds, with
``origin`` saying how they were made:

==============  ===============================================================
reported        as given in the observations
rate            numerator / denominator × factor (``compute_rates``)
period_total    a quarter, half or year added up from its complete sub-periods
                by the indicator's ``aggregation`` (``over_time``)
rollup          a district or province added up from its communes (``over_hierarchy``)
rebuilt         a post-2025 unit's earlier values, the sum of its whole
                predecessors (``rebuild_history``)
==============  ===============================================================

Units are identified by code *and* version (``unit_version``, the version's
``valid_from``): 29869 is Phường 1 until 30 June 2025 and Phường Cao Lãnh
after, and the rebuilt 2024 rows of Phường Cao Lãnh must never mix with
Phường 1's own.

Aggregation follows the catalog: ``sum`` adds flows over time and units;
``last`` takes the last sub-period over time (a stock) and adds over units;
``mean`` averages; ``none`` (percentages, scores, ranks) is never aggregated —
rates are recomputed from their aggregated numerator and denominator instead.
A sum is only made from a complete set of parts; a roll-up records the share
of child units that contributed (``coverage``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from wardlib.periods import Period, period_table

#: Columns every derived row carries; the rest are filled with blanks.
CORE = ["unit_code", "unit_version", "period", "indicator", "value", "target_op", "target_value",
        "synthetic", "origin"]
_FINER = {"quarter": ("month",), "half": ("quarter", "month"), "year": ("half", "quarter", "month")}


def periods_of(values) -> pd.DataFrame:
    """Period facts for the distinct period codes in ``values``, indexed by code."""
    return period_table(pd.Series(pd.unique(pd.Series(values, dtype="string").dropna()))).set_index("period")


def unit_version(rows: pd.DataFrame, units: pd.DataFrame) -> pd.Series:
    """For each row's (unit_code, period): the ``valid_from`` of the unit version it belongs to.

    The version valid at the period's end, or else the latest one overlapping
    the period. NaT where none overlaps (the loader refuses such rows).
    """
    uc = rows["unit_code"].astype("category")
    pc = rows["period"].astype("category")
    key = uc.cat.codes.to_numpy(np.int64) * max(len(pc.cat.categories), 1) + pc.cat.codes.to_numpy(np.int64)
    uniq, inverse = np.unique(key, return_inverse=True)
    n = max(len(pc.cat.categories), 1)
    pairs = pd.DataFrame({"unit_code": np.asarray(uc.cat.categories)[uniq // n],
                          "period": np.asarray(pc.cat.categories)[uniq % n]})
    pt = periods_of(pairs["period"])
    pairs["start"], pairs["end"] = pairs["period"].map(pt["start"]), pairs["period"].map(pt["end"])
    m = pairs.reset_index().merge(units[["code", "valid_from", "valid_to"]], left_on="unit_code",
                                  right_on="code", how="left")
    m = m[(m["valid_from"] <= m["end"]) & (m["valid_to"] >= m["start"])]
    m["at_end"] = m["valid_to"] >= m["end"]
    m = m.sort_values(["index", "at_end", "valid_from"], ascending=[True, False, False]).drop_duplicates("index")
    version = m.set_index("index")["valid_from"].reindex(range(len(pairs)))
    return pd.Series(version.to_numpy()[inverse], index=rows.index, name="unit_version")


def _derived(frame: pd.DataFrame, origin: str) -> pd.DataFrame:
    frame = frame.copy()
    frame["origin"] = origin
    if "target_op" not in frame:
        frame["target_op"] = pd.NA
    if "target_value" not in frame:
        frame["target_value"] = np.nan
    return frame[CORE]


def _aggregate(grouped, aggregation: pd.Series, indicator: pd.Series) -> pd.Series:
    """Sum, last or mean of ``value`` per group, by each group's indicator's aggregation."""
    out = pd.Series(np.nan, index=grouped.size().index)
    how = aggregation.reindex(indicator).to_numpy()
    for name, fn in (("sum", "sum"), ("last", "last"), ("mean", "mean")):
        if (how == name).any():
            res = getattr(grouped["value"], fn)()
            sel = how == name
            out[sel] = res.to_numpy()[sel]
    return out


def _target(grouped) -> tuple[pd.Series, pd.Series]:
    """The annual target carried by a group of sub-periods: the last one given."""
    return grouped["target_op"].last(), grouped["target_value"].last()


def over_time(rows: pd.DataFrame, aggregation: pd.Series) -> pd.DataFrame:
    """Quarters, halves and years added up from complete sets of shorter periods.

    A half is made from its 2 quarters or its 6 months (the coarsest complete
    set wins), a year from 2 halves, 4 quarters or 12 months; only where every
    part has a value, and never where the longer period is already in ``rows``
    (reported figures win). ``aggregation`` maps indicator → sum|last|mean|none.
    The target is the last one the parts carry (targets are annual).
    """
    use = aggregation[aggregation.isin(["sum", "last", "mean"])].index
    pool = rows.loc[rows["indicator"].isin(use), CORE[:-1]].copy()
    pool["period"] = pool["period"].astype(str)
    pool["indicator"] = pool["indicator"].astype(str)
    pool["unit_code"] = pool["unit_code"].astype(str)
    added = []
    for kind in ("quarter", "half", "year"):
        pt = periods_of(pool["period"])
        pool["kind"] = pool["period"].map(pt["kind"])
        pool["end"] = pool["period"].map(pt["end"])
        candidates = []
        for part_kind in _FINER[kind]:  # coarsest first
            parts = pool[pool["kind"].eq(part_kind)]
            if parts.empty:
                continue
            need = {"quarter": 3, "half": 6, "year": 12}[kind] // {"quarter": 3, "half": 6, "month": 1}[part_kind]
            container = {p: str(_container(Period.parse(p), kind)) for p in parts["period"].unique()}
            parts = parts.assign(container=parts["period"].map(container)).sort_values("end")
            g = parts.groupby(["unit_code", "unit_version", "indicator", "container"], observed=True, sort=False)
            counts = g["value"].count()
            value = _aggregate(g, aggregation, counts.index.get_level_values("indicator"))
            op, target = _target(g)
            frame = pd.DataFrame({"value": value.to_numpy(), "target_op": op.to_numpy(),
                                  "target_value": target.to_numpy(), "synthetic": g["synthetic"].any().to_numpy(),
                                  "n": counts.to_numpy()}, index=counts.index)
            frame = frame[frame["n"].eq(need)].drop(columns="n")
            frame["rank"] = len(candidates)
            candidates.append(frame.reset_index().rename(columns={"container": "period"}))
        if not candidates:
            continue
        new = pd.concat(candidates, ignore_index=True).sort_values("rank")
        new = new.drop_duplicates(["unit_code", "unit_version", "indicator", "period"]).drop(columns="rank")
        have = pd.MultiIndex.from_frame(pool[["unit_code", "unit_version", "indicator", "period"]])
        new = new[~pd.MultiIndex.from_frame(new[["unit_code", "unit_version", "indicator", "period"]]).isin(have)]
        if new.empty:
            continue
        added.append(_derived(new, "period_total"))
        pool = pd.concat([pool.drop(columns=["kind", "end"]), new[CORE[:-1]]], ignore_index=True)
    return pd.concat(added, ignore_index=True) if added else pd.DataFrame(columns=CORE)


def _container(p: Period, kind: str) -> Period:
    if kind == "year":
        return Period(p.year, "year", 1)
    months = {"half": 6, "quarter": 3}[kind]
    return Period(p.year, kind, (p.last_month - 1) // months + 1)


def over_hierarchy(rows: pd.DataFrame, aggregation: pd.Series, units: pd.DataFrame) -> pd.DataFrame:
    """Districts and provinces added up from the units below them, where they did not report.

    Communes roll up to their parent (a district before the reform, a province
    after), then districts to their province. ``sum`` and ``last`` indicators
    add up over units; ``mean`` averages; others are skipped. The target is
    the sum of the children's targets when every contributing child has a
    bare one. ``coverage`` is the share of the parent's units (valid during
    the period) that contributed a value.
    """
    use = aggregation[aggregation.isin(["sum", "last", "mean"])].index
    versions = units.set_index(["code", "valid_from"])
    pool = rows.loc[rows["indicator"].isin(use) & rows["origin"].ne("rebuilt"), CORE[:-1]].copy()
    for col in ("unit_code", "period", "indicator"):
        pool[col] = pool[col].astype(str)
    added = []
    for level in ("commune", "district"):
        idx = pd.MultiIndex.from_frame(pool[["unit_code", "unit_version"]])
        info = versions.reindex(idx)
        kids = pool[(info["level"].to_numpy() == level) & info["parent_code"].fillna("").ne("").to_numpy()].copy()
        if kids.empty:
            continue
        kids["parent_code"] = versions.reindex(pd.MultiIndex.from_frame(kids[["unit_code", "unit_version"]]))[
            "parent_code"].to_numpy()
        bare = kids["target_value"].notna() & kids["target_op"].isna()
        kids["t"] = kids["target_value"].where(bare)
        kids["t_missing"] = kids["value"].notna() & ~bare
        g = kids.groupby(["parent_code", "period", "indicator"], observed=True, sort=False)
        counts = g["value"].count()
        value = _aggregate(g, aggregation, counts.index.get_level_values("indicator"))
        frame = pd.DataFrame({"value": value.to_numpy(), "n": counts.to_numpy(),
                              "target_value": g["t"].sum(min_count=1).to_numpy(),
                              "t_missing": g["t_missing"].any().to_numpy(),
                              "synthetic": g["synthetic"].any().to_numpy()}, index=counts.index).reset_index()
        frame = frame[frame["n"].gt(0)]
        frame.loc[frame["t_missing"], "target_value"] = np.nan
        frame = frame.rename(columns={"parent_code": "unit_code"})
        frame["unit_version"] = unit_version(frame, units).to_numpy()
        frame = frame[frame["unit_version"].notna()]
        frame["coverage"] = frame["n"] / _child_counts(frame, units)
        have = pd.MultiIndex.from_frame(pool[["unit_code", "unit_version", "indicator", "period"]])
        frame = frame[~pd.MultiIndex.from_frame(frame[["unit_code", "unit_version", "indicator", "period"]]).isin(have)]
        if frame.empty:
            continue
        out = _derived(frame, "rollup")
        out["coverage"] = frame["coverage"].to_numpy()
        added.append(out)
        pool = pd.concat([pool, out[CORE[:-1]]], ignore_index=True)
    return pd.concat(added, ignore_index=True) if added else pd.DataFrame(columns=CORE + ["coverage"])


def _child_counts(frame: pd.DataFrame, units: pd.DataFrame) -> np.ndarray:
    """How many units lay directly under each row's unit during its period."""
    pt = periods_of(frame["period"])
    pairs = frame[["unit_code", "period"]].drop_duplicates()
    m = pairs.merge(units[["parent_code", "valid_from", "valid_to"]], left_on="unit_code", right_on="parent_code")
    m = m[(m["valid_from"] <= m["period"].map(pt["end"])) & (m["valid_to"] >= m["period"].map(pt["start"]))]
    n = m.groupby(["unit_code", "period"]).size()
    return n.reindex(pd.MultiIndex.from_frame(frame[["unit_code", "period"]])).to_numpy(dtype=float)


def rebuild_history(rows: pd.DataFrame, aggregation: pd.Series, units: pd.DataFrame,
                    lineage: pd.DataFrame, reform: pd.Timestamp) -> pd.DataFrame:
    """Earlier values of post-reform units formed only of whole predecessors: their predecessors' sum.

    Only periods that ended before the reform, only ``sum``/``last``
    indicators (which add up over units), and only where every predecessor
    has a value: a partial sum would invent a fall that never happened. The
    target is the sum of bare targets when every predecessor has one.
    """
    ok = lineage[lineage["comparable"].astype(bool)]
    if ok.empty:
        return pd.DataFrame(columns=CORE)
    pred = ok.explode("predecessors").rename(columns={"predecessors": "old_code"})[["new_code", "old_code"]]
    n_pred = pred.groupby("new_code").size()
    new_version = units[units["valid_from"] >= reform].drop_duplicates("code").set_index("code")["valid_from"]
    use = aggregation[aggregation.isin(["sum", "last"])].index
    src = rows[rows["indicator"].isin(use) & rows["unit_version"].lt(reform)
               & rows["unit_code"].isin(pred["old_code"])].copy()
    if src.empty:
        return pd.DataFrame(columns=CORE)
    for col in ("unit_code", "period", "indicator"):
        src[col] = src[col].astype(str)
    pt = periods_of(src["period"])
    src = src[src["period"].map(pt["end"]) < reform]
    src = src.merge(pred, left_on="unit_code", right_on="old_code")
    bare = src["target_value"].notna() & src["target_op"].isna()
    src["t"] = src["target_value"].where(bare)
    g = src.groupby(["new_code", "period", "indicator"], observed=True, sort=False)
    frame = pd.DataFrame({"value": g["value"].sum(min_count=1), "n": g["value"].count(),
                          "target_value": g["t"].sum(min_count=1), "nt": g["t"].count(),
                          "synthetic": g["synthetic"].any()}).reset_index()
    need = frame["new_code"].map(n_pred)
    frame = frame[frame["n"].eq(need)]
    frame.loc[frame["nt"].ne(need), "target_value"] = np.nan
    frame = frame.rename(columns={"new_code": "unit_code"})
    frame["unit_version"] = frame["unit_code"].map(new_version)
    return _derived(frame, "rebuilt")


def compute_rates(rows: pd.DataFrame, rates: pd.DataFrame) -> pd.DataFrame:
    """Rate values (numerator / denominator × factor) for every unit version and period with both parts.

    Returns KEY + ``unit_version``, ``value``, ``synthetic``, ``parts_origin``
    for each rate the rows can give. A zero or missing denominator gives no
    value (never inf). ``rates`` is the catalog's rate lines.
    """
    key = ["unit_code", "unit_version", "period"]
    out = []
    for code, rate in rates.iterrows():
        num = rows.loc[rows["indicator"].eq(rate["numerator"]), key + ["value", "synthetic", "origin"]]
        den = rows.loc[rows["indicator"].eq(rate["denominator"]), key + ["value", "synthetic", "origin"]]
        if num.empty or den.empty:
            continue
        both = num.merge(den, on=key, suffixes=("_n", "_d"))
        both = both[both["value_d"].gt(0) & both["value_n"].notna()]
        if both.empty:
            continue
        origin = np.where(both["origin_n"].eq("reported") & both["origin_d"].eq("reported"), "rate",
                          np.where(both["origin_n"].eq("reported"), both["origin_d"], both["origin_n"]))
        out.append(pd.DataFrame({
            **{k: both[k].astype(str) if k != "unit_version" else both[k] for k in key},
            "indicator": code, "value": both["value_n"] / both["value_d"] * rate["factor"],
            "synthetic": both["synthetic_n"] | both["synthetic_d"], "parts_origin": origin}))
    if not out:
        return pd.DataFrame(columns=key + ["indicator", "value", "synthetic", "parts_origin"])
    return pd.concat(out, ignore_index=True)
