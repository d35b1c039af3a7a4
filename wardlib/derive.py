"""Rows the analysis table adds to the observations: rates, longer periods, parent units, rebuilt histories.

Each function takes the rows so far (a list of frames: copying millions of
rows into one frame at every step would cost more than the steps) and
returns only the rows it adds, with ``origin`` saying how they were made:

==============  ===============================================================
reported        as given in the observations
rate            numerator / denominator × factor (``compute_rates``)
period_total    a quarter, half or year added up from its complete sub-periods
                by the indicator's ``aggregation`` (``over_time``)
rollup          a district or province added up from its communes (``over_hierarchy``)
rebuilt         a post-2025 unit's earlier values, the sum of its whole
                predecessors (``rebuild_history``)
==============  ===============================================================

A unit is identified by its *version*: ``uid`` is the row of ``units.csv``
(code plus validity dates) the figure belongs to. 29869 is Phường 1 until
30 June 2025 and Phường Cao Lãnh after; the rebuilt 2024 rows of Phường Cao
Lãnh must never mix with Phường 1's own, and integer ids keep the grouping of
millions of rows cheap.

Aggregation follows the catalog: ``sum`` adds flows over time and units;
``last`` takes the last sub-period over time (a stock) and adds over units;
``mean`` averages; ``none`` (percentages, scores, ranks) is never aggregated —
rates are recomputed from their aggregated numerator and denominator instead.
A sum over time is only made from a complete set of parts; a roll-up records
the share of the units below that contributed (``coverage``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from pandas.api.types import union_categoricals

from wardlib.periods import Period

#: Columns every derived row carries; the rest are left blank.
CORE = ["uid", "period", "indicator", "value", "target_op", "target_value", "synthetic", "prov", "origin"]
#: ``prov``: the provenance of a row's inputs as a number, the worst of them (see wardlib.analysis.PROVENANCE):
#: 0 real, 1 derived from the source, 2 demo. A sum of real figures and one demo figure is demo.
_PARTS = {"quarter": ("month",), "half": ("quarter", "month"), "year": ("half", "quarter", "month")}
_MONTHS = {"year": 12, "half": 6, "quarter": 3, "month": 1}


# -- rows and their categories -------------------------------------------------------
def concat_rows(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """Concatenate row frames keeping categorical columns categorical (categories are united)."""
    nonempty = [f for f in frames if len(f)]
    if not nonempty:
        return frames[0] if frames else empty()
    frames = nonempty
    if len(frames) == 1:
        return frames[0]
    cats = {c for f in frames for c in f.columns if isinstance(f[c].dtype, pd.CategoricalDtype)}
    united = {}
    for col in cats:
        parts = []
        for f in frames:
            s = f[col] if col in f else pd.Series(pd.Categorical([None] * len(f)), index=f.index)
            if not isinstance(s.dtype, pd.CategoricalDtype):
                s = s.astype("category")
            if not len(s.cat.categories):  # an all-missing column: give it the categories' type
                s = s.cat.set_categories(pd.Index([], dtype="string"))
            parts.append(s.cat.set_categories(s.cat.categories.astype("string")))
        united[col] = union_categoricals(parts, ignore_order=True)
    out = pd.concat([f.drop(columns=[c for c in cats if c in f]) for f in frames], ignore_index=True)
    for col, values in united.items():
        out[col] = values
    return out


def empty() -> pd.DataFrame:
    """No rows, with the column types of derived rows."""
    return pd.DataFrame({"uid": pd.Series(dtype=np.int64), "period": pd.Categorical([]),
                         "indicator": pd.Categorical([]), "value": pd.Series(dtype=float),
                         "target_op": pd.Categorical([]), "target_value": pd.Series(dtype=float),
                         "synthetic": pd.Series(dtype=bool), "prov": pd.Series(dtype=np.int8),
                         "origin": pd.Series(dtype=object)})


def _periods(series: pd.Series) -> dict[str, Period]:
    return {p: Period.parse(p) for p in series.cat.categories}


def _derived(frame: pd.DataFrame, origin: str) -> pd.DataFrame:
    out = frame.reset_index() if frame.index.names != [None] else frame.copy()
    out["origin"] = origin
    for col, fill in (("target_op", None), ("target_value", np.nan), ("synthetic", False), ("prov", 0)):
        if col not in out:
            out[col] = fill
    for col in ("period", "indicator", "target_op"):
        out[col] = out[col].astype("category")
    out["uid"] = out["uid"].astype(np.int64)
    return out[CORE + [c for c in out.columns if c not in CORE and c == "coverage"]]


# -- which unit version a row belongs to --------------------------------------------
def assign_uid(unit_code: pd.Series, period: pd.Series, units: pd.DataFrame) -> np.ndarray:
    """For each (unit code, period): the row of ``units`` of the version the figure belongs to.

    The version valid at the period's end, or else the latest one overlapping
    the period; -1 where none overlaps (the loader refuses such rows). Each
    distinct pair is looked up once.
    """
    uc = unit_code.astype("category")
    pc = period.astype("category")
    key = uc.cat.codes.to_numpy(np.int64) * (len(pc.cat.categories) + 1) + pc.cat.codes.to_numpy(np.int64)
    inverse, uniq = pd.factorize(key)
    n = len(pc.cat.categories) + 1
    codes = np.asarray(uc.cat.categories.astype(str))[uniq // n]
    periods = [Period.parse(p) for p in np.asarray(pc.cat.categories.astype(str))[uniq % n]]
    pairs = pd.DataFrame({"code": codes, "start": [pd.Timestamp(p.start) for p in periods],
                          "end": [pd.Timestamp(p.end) for p in periods]})
    m = pairs.reset_index(names="pair").merge(
        units[["code", "valid_from", "valid_to"]].reset_index(names="uid"), on="code")
    m = m[(m["valid_from"] <= m["end"]) & (m["valid_to"] >= m["start"])]
    m = m.assign(at_end=m["valid_to"] >= m["end"]).sort_values(
        ["pair", "at_end", "valid_from"], ascending=[True, False, False]).drop_duplicates("pair")
    per_pair = np.full(len(pairs), -1, dtype=np.int64)
    per_pair[m["pair"].to_numpy()] = m["uid"].to_numpy()
    return per_pair[inverse]


# -- over time ------------------------------------------------------------------------
def over_time(rows: pd.DataFrame, aggregation: pd.Series) -> pd.DataFrame:
    """Quarters, halves and years added up from complete sets of shorter periods.

    A half is made from its 2 quarters or its 6 months (the coarsest complete
    set wins), a year from 2 halves, 4 quarters or 12 months; only where every
    part has a value, and never where the longer period is already in ``rows``
    (reported figures win). ``sum`` adds the parts, ``last`` takes the last
    one, ``mean`` averages them; the target is the one the last part carries
    (targets are annual). ``aggregation`` is indexed by every catalog code.
    """
    use = aggregation[aggregation.isin(["sum", "last", "mean"])]
    pool = rows.loc[rows["indicator"].isin(use.index), CORE[:-1]]
    added: list[pd.DataFrame] = []
    for kind in ("quarter", "half", "year"):
        frames = [pool, *added]
        known = {str(p): Period.parse(str(p)) for f in frames for p in f["period"].unique()}
        containers = sorted({str(_container(p, kind)) for p in known.values() if _MONTHS[p.kind] < _MONTHS[kind]})
        for text in containers:
            c = Period.parse(text)
            done = pd.Index(np.concatenate([_gkey(f[f["period"] == text], aggregation) for f in frames]))
            for part_kind in _PARTS[kind]:
                parts = [str(p) for p in _split(c, part_kind)]
                if not all(p in known for p in parts):
                    continue
                sub = concat_rows([f.loc[f["period"].isin(parts), CORE[:-1]] for f in frames])
                frame = _combine(sub, parts, aggregation)
                frame = frame[~frame.index.isin(done)]
                if frame.empty:
                    continue
                done = done.append(frame.index)
                key = frame.index.to_numpy()
                frame = frame.assign(uid=key // len(aggregation), period=text, indicator=pd.Categorical.from_codes(
                    key % len(aggregation), categories=aggregation.index.astype(str))).reset_index(drop=True)
                added.append(_derived(frame, "period_total"))
    return concat_rows(added)


def _gkey(frame: pd.DataFrame, aggregation: pd.Series) -> np.ndarray:
    """An integer per (unit version, indicator): uid × catalog size + the indicator's catalog position."""
    cat_pos = aggregation.index.get_indexer(frame["indicator"].cat.categories.astype(object))
    return frame["uid"].to_numpy(np.int64) * len(aggregation) + cat_pos[frame["indicator"].cat.codes.to_numpy()]


def _combine(sub: pd.DataFrame, parts: list[str], aggregation: pd.Series) -> pd.DataFrame:
    """One row per (unit version, indicator) key whose parts are all there: the aggregate and the
    last part's target."""
    key = _gkey(sub, aggregation)
    g = pd.DataFrame({"value": sub["value"].to_numpy(), "synthetic": sub["synthetic"].to_numpy(),
                      "prov": sub["prov"].to_numpy()}).groupby(key)
    out = pd.DataFrame({"n": g["value"].count(), "sum": g["value"].sum(), "synthetic": g["synthetic"].any(),
                        "prov": g["prov"].max()})
    out = out[out["n"].eq(len(parts))]
    is_last = (sub["period"] == parts[-1]).to_numpy()
    last = pd.DataFrame({"value": sub["value"].to_numpy()[is_last],
                         "target_op": sub["target_op"].astype(object).to_numpy()[is_last],
                         "target_value": sub["target_value"].to_numpy()[is_last]}, index=key[is_last])
    last = last.reindex(out.index)
    how = aggregation.to_numpy()[out.index.to_numpy() % len(aggregation)]
    out["value"] = np.select([how == "sum", how == "last", how == "mean"],
                             [out["sum"], last["value"], out["sum"] / len(parts)], np.nan)
    out["target_op"], out["target_value"] = last["target_op"], last["target_value"]
    return out.drop(columns=["n", "sum"])


def _container(p: Period, kind: str) -> Period:
    if kind == "year":
        return Period(p.year, "year", 1)
    return Period(p.year, kind, (p.last_month - 1) // _MONTHS[kind] + 1)


def _split(p: Period, kind: str) -> list[Period]:
    first = (p.first_month - 1) // _MONTHS[kind] + 1
    return [Period(p.year, kind, first + i) for i in range(p.months // _MONTHS[kind])]


# -- over the hierarchy -------------------------------------------------------------------
def over_hierarchy(rows: list[pd.DataFrame], aggregation: pd.Series, units: pd.DataFrame) -> pd.DataFrame:
    """Districts and provinces added up from the units below them, where they did not report.

    Communes roll up to their parent (a district before the reform, a province
    after), then districts to their province. ``sum`` and ``last`` indicators
    add up over units; ``mean`` averages; others are skipped. The target is
    the sum of the children's bare targets when every contributing child has
    one. ``coverage`` is the share of the parent's units (valid during the
    period) that contributed a value.
    """
    use = aggregation[aggregation.isin(["sum", "last", "mean"])]
    level = units["level"].to_numpy()
    parent = units["parent_code"].to_numpy()
    parent_cat = pd.Categorical(parent)  # indexed by uid, grouped on cheaply
    pools = [f.loc[f["indicator"].isin(use.index) & f["origin"].ne("rebuilt"), CORE[:-1]] for f in rows]
    added: list[pd.DataFrame] = []
    for child_level in ("commune", "district"):
        frames = [*pools, *added]
        kids = concat_rows([f[level[f["uid"].to_numpy()] == child_level] for f in frames])
        kids = kids[parent[kids["uid"].to_numpy()] != ""]
        if kids.empty:
            continue
        bare = kids["target_value"].notna() & kids["target_op"].isna()
        kids = kids.assign(parent_code=parent_cat[kids["uid"].to_numpy()], t=kids["target_value"].where(bare),
                           t_missing=kids["value"].notna() & ~bare)
        g = kids.groupby(["parent_code", "period", "indicator"], sort=False, observed=True)
        frame = pd.DataFrame({"n": g["value"].count(), "value": g["value"].sum(min_count=1),
                              "target_value": g["t"].sum(min_count=1), "t_missing": g["t_missing"].any(),
                              "synthetic": g["synthetic"].any(), "prov": g["prov"].max()}).reset_index()
        frame = frame.astype({"parent_code": str, "period": str, "indicator": str})
        frame = frame[frame["n"].gt(0)]
        mean = use.reindex(frame["indicator"]).eq("mean").to_numpy()
        frame.loc[mean, "value"] = frame.loc[mean, "value"] / frame.loc[mean, "n"]
        frame.loc[frame["t_missing"], "target_value"] = np.nan
        frame["uid"] = assign_uid(frame["parent_code"], frame["period"], units)
        frame = frame[frame["uid"].ge(0)]
        frame["coverage"] = frame["n"] / _child_counts(frame, units)
        done = _keys_with_period([f[f["uid"].isin(frame["uid"].unique())] for f in frames])
        key = pd.MultiIndex.from_frame(frame[["uid", "period", "indicator"]])
        frame = frame[~key.isin(done)]
        if frame.empty:
            continue
        added.append(_derived(frame[["uid", "period", "indicator", "value", "target_value", "synthetic", "prov",
                                     "coverage"]], "rollup"))
    return concat_rows(added)


def _keys_with_period(frames: list[pd.DataFrame]) -> pd.MultiIndex:
    rows = pd.concat([f[["uid", "period", "indicator"]].astype({"period": str, "indicator": str}) for f in frames],
                     ignore_index=True)
    return pd.MultiIndex.from_frame(rows)


def _child_counts(frame: pd.DataFrame, units: pd.DataFrame) -> np.ndarray:
    """How many units lay directly under each row's unit during its period."""
    pairs = frame[["parent_code", "period"]].drop_duplicates()
    periods = {p: Period.parse(p) for p in pairs["period"]}
    pairs = pairs.assign(start=pairs["period"].map(lambda p: pd.Timestamp(periods[p].start)),
                         end=pairs["period"].map(lambda p: pd.Timestamp(periods[p].end)))
    m = pairs.merge(units[["parent_code", "valid_from", "valid_to"]], on="parent_code")
    m = m[(m["valid_from"] <= m["end"]) & (m["valid_to"] >= m["start"])]
    n = m.groupby(["parent_code", "period"]).size()
    return n.reindex(pd.MultiIndex.from_frame(frame[["parent_code", "period"]])).to_numpy(dtype=float)


# -- across the 2025 reorganisation ------------------------------------------------------
def rebuild_history(rows: list[pd.DataFrame], aggregation: pd.Series, units: pd.DataFrame,
                    lineage: pd.DataFrame, reform: pd.Timestamp) -> pd.DataFrame:
    """Earlier values of post-reform units formed only of whole predecessors: their predecessors' sum.

    Only periods that ended before the reform, only ``sum``/``last``
    indicators (which add up over units), and only where every predecessor
    has a value: a partial sum would invent a fall that never happened. The
    target is the sum of bare targets when every predecessor has one.
    """
    ok = lineage[lineage["comparable"].astype(bool)]
    if ok.empty:
        return concat_rows([])
    old = units[units["valid_to"] < reform].reset_index(names="uid").drop_duplicates("code", keep="last")
    new = units[units["valid_from"] >= reform].reset_index(names="uid").drop_duplicates("code")
    pred = ok.explode("predecessors").rename(columns={"predecessors": "old_code"})
    pred = pred.assign(old_uid=pred["old_code"].map(old.set_index("code")["uid"]),
                       new_uid=pred["new_code"].map(new.set_index("code")["uid"])).dropna(subset=["old_uid", "new_uid"])
    n_pred = pred.groupby("new_uid").size()
    successor = dict(zip(pred["old_uid"].astype(np.int64), pred["new_uid"].astype(np.int64)))
    use = aggregation[aggregation.isin(["sum", "last"])].index
    src = concat_rows([f.loc[f["indicator"].isin(use) & f["uid"].isin(list(successor)), CORE[:-1]] for f in rows])
    if src.empty:
        return concat_rows([])
    ends = {p: pd.Timestamp(q.end) for p, q in _periods(src["period"]).items()}
    src = src[src["period"].astype(str).map(ends) < reform]
    bare = src["target_value"].notna() & src["target_op"].isna()
    src = src.assign(new_uid=src["uid"].map(successor), t=src["target_value"].where(bare),
                     period=src["period"].astype(str), indicator=src["indicator"].astype(str))
    g = src.groupby(["new_uid", "period", "indicator"], sort=False)
    frame = pd.DataFrame({"value": g["value"].sum(min_count=1), "n": g["value"].count(),
                          "target_value": g["t"].sum(min_count=1), "nt": g["t"].count(),
                          "synthetic": g["synthetic"].any(), "prov": g["prov"].max()}).reset_index()
    need = frame["new_uid"].map(n_pred)
    frame = frame[frame["n"].eq(need)]
    frame.loc[frame["nt"].ne(need), "target_value"] = np.nan
    frame = frame.rename(columns={"new_uid": "uid"})
    return _derived(frame[["uid", "period", "indicator", "value", "target_value", "synthetic", "prov"]], "rebuilt")


# -- rates ----------------------------------------------------------------------------------
def compute_rates(rows: list[pd.DataFrame], rates: pd.DataFrame) -> pd.DataFrame:
    """Rate values (numerator / denominator × factor) for every unit version and period with both parts.

    Returns ``uid``, ``period``, ``indicator``, ``value``, ``synthetic``, ``prov`` and
    ``parts_origin`` (``rate`` when both parts were reported, else the origin
    of the derived part) for each rate the rows can give. A zero or missing
    denominator gives no value (never inf). ``rates`` is the catalog's rate lines.
    """
    key = ["uid", "period"]
    out = []
    for code, rate in rates.iterrows():
        pick = ["uid", "period", "value", "synthetic", "prov", "origin"]
        num, den = (pd.concat([f.loc[f["indicator"] == code, pick].astype({"period": str, "origin": str})
                               for f in rows if len(f)], ignore_index=True)
                    for code in (rate["numerator"], rate["denominator"]))
        both = num.merge(den, on=key, suffixes=("_n", "_d"))
        both = both[both["value_d"].gt(0) & both["value_n"].notna()]
        if both.empty:
            continue
        origin = np.where(both["origin_n"].eq("reported") & both["origin_d"].eq("reported"), "rate",
                          np.where(both["origin_n"].eq("reported"), both["origin_d"], both["origin_n"]))
        out.append(pd.DataFrame({"uid": both["uid"], "period": both["period"], "indicator": code,
                                 "value": both["value_n"] / both["value_d"] * rate["factor"],
                                 "synthetic": both["synthetic_n"] | both["synthetic_d"],
                                 "prov": np.maximum(both["prov_n"], both["prov_d"]), "parts_origin": origin}))
    if not out:
        return pd.DataFrame(columns=["uid", "period", "indicator", "value", "synthetic", "prov", "parts_origin"])
    return pd.concat(out, ignore_index=True)
