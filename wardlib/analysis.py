"""The analysis table: every unit × period × indicator with what a planner asks of it.

Built once per dataset (vectorised over all units; no per-unit loops) and
written as Parquet for the notebooks, which only filter it. The rows are the
observations plus what :mod:`wardlib.derive` adds (rates, period totals,
roll-ups to districts and provinces, rebuilt pre-2025 histories of merged
units; see ``origin``). A unit is its code *and* version (``unit_version``):
filter on both, or use :func:`unit_rows`.

=====================  ======================================================
value                  the result (for a rate: numerator / denominator × factor)
ytd_value              for flows, the total from 1 January to the period's end
                       (what annual targets are judged on); else the value
origin                 reported | rate | period_total | rollup | rebuilt
computed               True where ``value`` was computed here, not reported
coverage               for roll-ups: share of the units below that contributed
target_value/_op       the annual target and its comparison (``>37`` → ``>``, 37)
achievement_pct        ytd_value / target × 100 (more-is-better lines)
target_met             the target is met, honouring comparison and direction
expected_pct           the share of the annual target due by the period's end (%)
pace_basis             calendar | seasonal
progress               achievement ÷ expected pace (1.0 = on schedule)
status                 achieved | on_track | needs_acceleration | off_track |
                       deteriorating | no_target | no_data (see wardlib.calc)
status_text            the qualitative result as the source wrote it
same_period …          the same period last year, its value, change_abs,
                       change_pct and change_note (no_baseline |
                       zero_baseline | not_comparable)
previous_period …      the period just before: previous_value, previous_change_abs,
                       previous_change_pct, previous_note
rank, rank_of          place among the units with the same parent (1 = best)
computed_pct           the percentage the source should have stated
pct_diff, pct_check    stated − computed (points); ok | truncated | mismatch
breakdown_ok           for a total: its complete breakdowns add up to it
exceeds_parent         for a part: it is larger than its whole
=====================  ======================================================

Plus the catalog's labels (``name_vi``, ``name_en``, ``section``, ``kind``,
``direction``, ``aggregation``, ``decimals``, ``catalog_unit`` …) and the
unit's (``unit_name``, ``level``, ``parent_code``).
"""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pandas as pd

from wardlib import calc, derive
from wardlib.adminunits import REFORM_DATE
from wardlib.crosswalk import lineage
from wardlib.loaders import Dataset
from wardlib.outputs import write_atomic
from wardlib.periods import Period

# Re-exported: the calculations are documented in wardlib.calc.
achievement, target_met, pct_check = calc.achievement, calc.target_met, calc.pct_check

UNIT_KEY = ["unit_code", "unit_version"]
CATALOG_COLUMNS = ["name_vi", "name_en", "section", "kind", "direction", "aggregation", "decimals",
                   "parent", "breakdown", "commitment", "order", "pace", "on_track_at", "off_track_below"]
_CARRIED = ["target", "reported_pct", "reported_decimals", "status", "unit", "note", "source", "file", "row"]


def build_table(data: Dataset) -> pd.DataFrame:
    """The analysis table of a dataset (see the module docstring for its columns)."""
    cat = data.catalog.table
    units = data.units.table
    obs = data.observations
    base = obs.assign(unit_version=derive.unit_version(obs, units), origin="reported")
    aggregation = cat["aggregation"]
    rows = _concat([base, derive.over_time(base, aggregation)])
    lin = lineage(data.crosswalk if data.crosswalk is not None else pd.DataFrame(columns=["old_code", "new_code", "whole"]))
    rows = _concat([rows, derive.rebuild_history(rows, aggregation, units, lin, REFORM_DATE)])
    rows = _concat([rows, derive.over_hierarchy(rows, aggregation, units)])
    rows = _with_rates(rows, derive.compute_rates(rows, data.catalog.rates()))
    rows = _categorise(rows)

    out = _labels(rows, cat, units)
    out["status_text"] = out.pop("status").fillna("")
    _judge(out, data, lin)
    _breakdowns(out, cat)
    return out.sort_values(["unit_code", "unit_version", "period_end", "period_months", "order"],
                           kind="stable").reset_index(drop=True)


# -- assembling rows ---------------------------------------------------------------
def _concat(frames: list[pd.DataFrame]) -> pd.DataFrame:
    frames = [f for f in frames if len(f)]
    if len(frames) == 1:
        return frames[0]
    for f in frames:
        for col in ("unit_code", "period", "indicator"):
            if col in f and isinstance(f[col].dtype, pd.CategoricalDtype):
                f[col] = f[col].astype(str)
    return pd.concat(frames, ignore_index=True)


def _with_rates(rows: pd.DataFrame, rates: pd.DataFrame) -> pd.DataFrame:
    """Fill rate values: a reported rate row gets the computed value, a missing one is added."""
    rows["computed"] = rows["origin"].ne("reported")
    if rates.empty:
        return rows
    key = ["unit_code", "unit_version", "period", "indicator"]
    for col in ("unit_code", "period", "indicator"):
        rows[col] = rows[col].astype(str)
    merged = rows.merge(rates, on=key, how="outer", suffixes=("", "_rate"), indicator="_m")
    fill = merged["value"].isna() & merged["value_rate"].notna()
    merged.loc[fill, "value"] = merged.loc[fill, "value_rate"]
    merged.loc[fill, "computed"] = True
    new = merged["_m"].eq("right_only")
    merged.loc[new, "synthetic"] = merged.loc[new, "synthetic_rate"]
    merged.loc[new, "origin"] = merged.loc[new, "parts_origin"]
    merged.loc[new, "computed"] = True
    merged.loc[new & merged["parts_origin"].eq("rate"), "source"] = "computed"
    return merged.drop(columns=["value_rate", "synthetic_rate", "parts_origin", "_m"])


def _categorise(rows: pd.DataFrame) -> pd.DataFrame:
    for col, blank in (("target", ""), ("status", ""), ("unit", ""), ("note", ""), ("source", "")):
        rows[col] = rows[col].astype("string").fillna(blank) if col in rows else pd.Series("", index=rows.index, dtype="string")
    rows["source"] = rows["source"].where(rows["source"].ne("") | rows["origin"].eq("reported"), rows["origin"])
    rows["reported_decimals"] = rows["reported_decimals"].fillna(0).astype("int64")
    rows["synthetic"] = rows["synthetic"].fillna(False).astype(bool)
    rows["computed"] = rows["computed"].fillna(True).astype(bool)
    rows["row"] = rows["row"].astype("Int64")
    for col in ("unit_code", "period", "indicator", "origin", "target_op", "file", "source"):
        rows[col] = rows[col].astype("category")
    if "coverage" not in rows:
        rows["coverage"] = np.nan
    return rows


def _take(per_category: pd.Series, codes: np.ndarray) -> pd.Series | np.ndarray:
    """Broadcast one value per category to every row (cheap: no per-row hashing)."""
    values = per_category.to_numpy()
    taken = values[np.where(codes < 0, 0, codes)]
    if values.dtype == object or isinstance(per_category.dtype, pd.StringDtype):
        uniq_codes, uniq = pd.factorize(per_category)
        cat_codes = np.where(codes < 0, -1, uniq_codes[np.where(codes < 0, 0, codes)])
        return pd.Categorical.from_codes(cat_codes, categories=pd.Index(uniq).astype(str))
    return taken


def _labels(rows: pd.DataFrame, cat: pd.DataFrame, units: pd.DataFrame) -> pd.DataFrame:
    """Catalog labels, unit names and period facts, broadcast per category."""
    codes = rows["indicator"].cat.codes.to_numpy()
    per = cat.reindex(rows["indicator"].cat.categories)
    for col in CATALOG_COLUMNS:
        rows[col] = _take(per[col], codes)
    rows["catalog_unit"] = _take(per["unit"], codes)
    rows["decimals"] = rows["decimals"].astype("int64")
    rows["order"] = rows["order"].astype("int64")

    versions = units.drop_duplicates(["code", "valid_from"]).set_index(["code", "valid_from"])
    uv = rows[UNIT_KEY].drop_duplicates()
    info = versions.reindex(pd.MultiIndex.from_frame(uv))
    uv = uv.assign(unit_name=info["name"].to_numpy(), level=info["level"].to_numpy(),
                   parent_code=info["parent_code"].to_numpy(), unit_valid_to=info["valid_to"].to_numpy())
    rows = rows.merge(uv, on=UNIT_KEY, how="left")
    for col in ("unit_name", "level", "parent_code"):
        rows[col] = rows[col].astype("category")

    pcodes = rows["period"].cat.codes.to_numpy()
    periods = [Period.parse(p) for p in rows["period"].cat.categories]
    rows["period_kind"] = _take(pd.Series([p.kind for p in periods], dtype="string"), pcodes)
    rows["period_end"] = _take(pd.Series([pd.Timestamp(p.end) for p in periods], dtype="datetime64[ns]"), pcodes)
    rows["period_months"] = _take(pd.Series([p.months for p in periods], dtype="int64"), pcodes)
    rows["year_fraction"] = _take(pd.Series([p.year_fraction for p in periods], dtype="float64"), pcodes)
    return rows


class _Lookup:
    """Find, for every row, the row of the same unit version and indicator in another period.

    Keys are integers built from category codes, so a lookup over millions of
    rows is one hash join rather than a merge of string columns.
    """

    def __init__(self, t: pd.DataFrame):
        self.uid = t.groupby(UNIT_KEY, observed=True, sort=False, dropna=False).ngroup().to_numpy(np.int64)
        self.periods = list(t["period"].cat.categories)
        self.pcode = t["period"].cat.codes.to_numpy(np.int64)
        self.icode = t["indicator"].cat.codes.to_numpy(np.int64)
        self.n_i = len(t["indicator"].cat.categories)
        self.index = pd.Index(self._key(self.pcode))

    def _key(self, pcode: np.ndarray) -> np.ndarray:
        return (self.uid * len(self.periods) + pcode) * self.n_i + self.icode

    def positions(self, other: dict[str, str | None]) -> tuple[np.ndarray, np.ndarray]:
        """Row positions of the period ``other[p]`` for each row (-1 where absent), and that period's code."""
        where = {p: i for i, p in enumerate(self.periods)}
        target = np.array([where.get(other.get(p) or "", -1) for p in self.periods], dtype=np.int64)
        names = np.array([other.get(p) or "" for p in self.periods], dtype=object)
        pc = target[self.pcode]
        key = self._key(np.where(pc < 0, 0, pc))
        pos = self.index.get_indexer(key)
        pos[pc < 0] = -1
        return pos, names[self.pcode]


def _at(series: pd.Series, pos: np.ndarray) -> np.ndarray:
    values = series.to_numpy(dtype=float, na_value=np.nan)
    return np.where(pos >= 0, values[np.where(pos < 0, 0, pos)], np.nan)


def _judge(t: pd.DataFrame, data: Dataset, lin: pd.DataFrame) -> None:
    """Achievement, pace, comparisons, ranks, status and the stated-percentage check, in place."""
    rates = data.catalog.rates().index
    look = _Lookup(t)
    periods = {p: Period.parse(p) for p in look.periods}
    t["ytd_value"] = _year_to_date(t, look, periods)
    t["achievement_pct"] = calc.achievement(t["ytd_value"], t["target_value"], t["direction"], t["kind"])
    t["target_met"] = calc.target_met(t["ytd_value"], t["target_op"], t["target_value"], t["direction"])
    for name, other in (("same_period", lambda p: p.same_period_last_year()), ("previous", lambda p: p.previous())):
        pos, names = look.positions({k: str(other(p)) for k, p in periods.items()})
        base = pd.Series(_at(t["value"], pos), index=t.index)
        diff, pct, note = calc.change(t["value"], base)
        col = "same_period" if name == "same_period" else "previous_period"
        prefix = "" if name == "same_period" else "previous_"
        t[col] = pd.Categorical(names)
        t[f"{'same_period' if not prefix else 'previous'}_value"] = base
        t[f"{prefix}change_abs"], t[f"{prefix}change_pct"] = diff, pct
        ends = pd.Series({k: pd.Timestamp(other(p).end) for k, p in periods.items()})
        before_unit = t["period"].map(ends).astype("datetime64[ns]") < t["unit_version"]
        split = t["unit_code"].astype(str).isin(lin.loc[~lin["comparable"].astype(bool), "new_code"]) if len(lin) else False
        note[(base.isna() & before_unit & split & t["value"].notna()).to_numpy(dtype=bool)] = "not_comparable"
        t[f"{prefix}note" if prefix else "change_note"] = note

    # Seasonal pace: last year's share of its total reached by the same point of the year.
    pos_year, _ = look.positions({k: str(p.year - 1) for k, p in periods.items()})
    last_total = pd.Series(_at(t["value"], pos_year), index=t.index)
    pos_same, _ = look.positions({k: str(p.same_period_last_year()) for k, p in periods.items()})
    last_ytd = pd.Series(_at(t["ytd_value"], pos_same), index=t.index)
    share = (last_ytd / last_total.where(last_total.gt(0))).where(t["pace"].eq("seasonal"))
    t["expected_pct"], t["pace_basis"] = calc.expected_pace(t["year_fraction"], t["aggregation"],
                                                            t["target_value"].notna(), share)
    t["progress"] = calc.progress(t["achievement_pct"], t["expected_pct"])
    t["status"] = calc.classify(t["value"], t["target_value"], t["target_met"], t["direction"], t["progress"],
                                t["change_abs"], t["on_track_at"], t["off_track_below"])

    score = t["achievement_pct"].where(
        t.groupby(["parent_code", "period", "indicator"], observed=True)["achievement_pct"].transform("count").gt(0),
        t["value"])
    t["rank"], t["rank_of"] = calc.rank_within(score, [t["parent_code"], t["period"], t["indicator"]], t["direction"])

    is_rate = t["indicator"].isin(rates)
    t["computed_pct"] = t["value"].where(is_rate, t["achievement_pct"])
    t["pct_diff"] = t["reported_pct"] - t["computed_pct"]
    t["pct_check"] = calc.pct_check(t["reported_pct"], t["computed_pct"], t["reported_decimals"])


def _year_to_date(t: pd.DataFrame, look: _Lookup, periods: dict[str, Period]) -> pd.Series:
    """For flows: the total from 1 January to the period's end; for other lines, the value.

    Annual targets are judged on what has accumulated: a second-half report
    of budget revenue is measured by H1 + H2, not H2 alone. A period that
    does not start in January adds the year-to-date of the period just
    before it (H2 ← H1, Q3 ← H1 or Q2, month 8 ← month 7 …), found among the
    unit's own rows; NaN where that earlier part is missing.
    """
    flow = t["aggregation"].eq("sum").to_numpy()
    value = t["value"].to_numpy(dtype=float, na_value=np.nan)
    starts_jan = np.array([periods[p].first_month == 1 for p in look.periods])[look.pcode]
    ytd = np.where(~flow | starts_jan, value, np.nan)
    before = {}
    for kind, months in (("half", 6), ("quarter", 3), ("month", 1)):
        before[kind] = {code: str(Period(p.year, kind, (p.first_month - 1) // months))
                        for code, p in periods.items()
                        if p.first_month > 1 and (p.first_month - 1) % months == 0}
    for _ in range(12):  # each pass reaches one period further back
        todo = np.isnan(ytd) & flow & ~np.isnan(value)
        if not todo.any():
            break
        earlier = np.full(len(t), np.nan)
        for mapping in before.values():
            pos, _ = look.positions(mapping)
            cand = np.where(pos >= 0, ytd[np.where(pos < 0, 0, pos)], np.nan)
            earlier = np.where(np.isnan(earlier), cand, earlier)
        filled = todo & ~np.isnan(earlier)
        if not filled.any():
            break
        ytd = np.where(filled, value + earlier, ytd)
    return pd.Series(ytd, index=t.index)


def breakdown_table(t: pd.DataFrame, cat: pd.DataFrame) -> pd.DataFrame:
    """Every complete breakdown of a total for each unit version and period: parts' sum against the total.

    Columns: unit_code, unit_version, period, parent, breakdown, parts (how
    many lines of the breakdown have a value), expected (how many it has),
    parts_sum, total, diff (parts_sum − total) and ``holds`` (NA unless every
    part and the total are present; the tolerance is half a unit of the
    total's decimals, so rounded figures still add up).
    """
    lines = cat[cat["breakdown"].ne("")]
    if lines.empty:
        return pd.DataFrame(columns=[*UNIT_KEY, "period", "parent", "breakdown", "parts", "expected",
                                     "parts_sum", "total", "diff", "holds"])
    expected = lines.groupby(["parent", "breakdown"]).size().rename("expected")
    parts = t[t["indicator"].isin(lines.index)][[*UNIT_KEY, "period", "indicator", "value"]].copy()
    parts["indicator"] = parts["indicator"].astype(str)
    parts["parent"] = parts["indicator"].map(lines["parent"])
    parts["breakdown"] = parts["indicator"].map(lines["breakdown"])
    g = parts.groupby([*UNIT_KEY, "period", "parent", "breakdown"], observed=True)
    out = pd.DataFrame({"parts": g["value"].count(), "parts_sum": g["value"].sum(min_count=1)}).reset_index()
    out = out.merge(expected.reset_index(), on=["parent", "breakdown"])
    totals = t[t["indicator"].isin(lines["parent"])][[*UNIT_KEY, "period", "indicator", "value", "decimals"]]
    totals = totals.rename(columns={"indicator": "parent", "value": "total"})
    totals["parent"] = totals["parent"].astype(str)
    out["period"] = out["period"].astype(str)
    totals = totals.assign(period=totals["period"].astype(str))
    out = out.merge(totals, on=[*UNIT_KEY, "period", "parent"], how="left")
    out["diff"] = out["parts_sum"] - out["total"]
    complete = out["parts"].eq(out["expected"]) & out["total"].notna()
    tol = 0.5 * 10.0 ** (-out["decimals"].fillna(0).astype(float)) + 1e-9
    out["holds"] = pd.Series(pd.NA, index=out.index, dtype="boolean")
    out.loc[complete, "holds"] = out.loc[complete, "diff"].abs().le(tol[complete])
    return out.drop(columns="decimals")


def _breakdowns(t: pd.DataFrame, cat: pd.DataFrame) -> None:
    """``breakdown_ok`` on totals and ``exceeds_parent`` on parts, in place."""
    checks = breakdown_table(t, cat)
    key = [*UNIT_KEY, "period", "indicator"]
    t_key = t[key].assign(period=t["period"].astype(str), indicator=t["indicator"].astype(str))
    ok = checks.dropna(subset=["holds"]).groupby([*UNIT_KEY, "period", "parent"])["holds"].all()
    ok.index = ok.index.set_names(key)
    t["breakdown_ok"] = pd.array(ok.reindex(pd.MultiIndex.from_frame(t_key)).to_numpy(), dtype="boolean")

    has_parent = t["parent"].astype(str).ne("")
    look = t_key.assign(value=t["value"]).set_index(key)["value"]
    parent_key = t_key.assign(indicator=t["parent"].astype(str))[has_parent.to_numpy()]
    parent_value = look.reindex(pd.MultiIndex.from_frame(parent_key)).to_numpy()
    exceeds = pd.Series(pd.NA, index=t.index, dtype="boolean")
    child_value = t.loc[has_parent, "value"].to_numpy()
    known = ~np.isnan(parent_value) & ~np.isnan(child_value)
    sel = t.index[has_parent.to_numpy()][known]
    exceeds[sel] = child_value[known] > parent_value[known]
    t["exceeds_parent"] = exceeds


# -- one unit's rows, Parquet ------------------------------------------------------
def unit_rows(t: pd.DataFrame, unit_code: str, when: pd.Timestamp | None = None) -> pd.DataFrame:
    """The rows of one unit version: the one valid on ``when`` (default: its latest version)."""
    rows = t[t["unit_code"] == unit_code]
    if rows.empty:
        return rows
    versions = rows["unit_version"].drop_duplicates().sort_values()
    if when is None:
        version = versions.iloc[-1]
    else:
        ok = versions[versions <= pd.Timestamp(when)]
        version = ok.iloc[-1] if len(ok) else versions.iloc[0]
    return rows[rows["unit_version"] == version]


def write_table(t: pd.DataFrame, path: str | Path) -> Path:
    """Write the analysis table as Parquet, atomically, in row groups so one unit's rows read fast."""
    buf = io.BytesIO()
    t.to_parquet(buf, index=False, row_group_size=50_000)
    write_atomic(Path(path), buf.getvalue())
    return Path(path)


def read_table(path: str | Path, unit_codes: list[str] | None = None) -> pd.DataFrame:
    """Read an analysis table written by :func:`write_table`, optionally only some units' rows."""
    filters = [("unit_code", "in", list(unit_codes))] if unit_codes else None
    t = pd.read_parquet(path, filters=filters)
    for col in ("unit_code", "period", "indicator"):
        t[col] = t[col].astype(str).astype("category")
    return t
