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
provenance             where ``value`` comes from, the worst of all its
                       inputs: real | derived (from the source's own
                       words, e.g. last year's figure implied by "tăng 18
                       ca so với cùng kỳ") | demo (generated demo data)
ytd_provenance         the same for ``ytd_value`` and what is judged on it
                       (achievement, status, computed_pct)
same_period_provenance the comparison with the same period last year: the
                       worst of the value's and the baseline's
previous_provenance    the same for the comparison with the previous period
rank_provenance        the rank: the worst over every unit ranked with it
=====================  ======================================================

**Provenance is carried, not guessed.** A reported row is ``demo`` when
its source is ``synthetic``, ``derived`` when its note starts with
``derived:``, else ``real``. Every computed row takes the worst of its
inputs (a roll-up of twelve real communes and one demo commune is demo; a
rate of a real numerator and a demo denominator is demo; a rebuilt history
of predecessors, a half-year added up from months the same), and every
comparison the worst of both sides: Phường 4's real 2024-H1 revenue
compared with a demo 2023-H1 value has ``same_period_provenance = demo``.

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
                   "parent", "breakdown", "commitment", "order", "pace", "on_track_at", "off_track_below", "expect"]
_CARRIED = ["target", "reported_pct", "reported_decimals", "status", "unit", "note", "source", "file", "row"]
#: Provenance labels, best first; a figure's is the worst of its inputs'.
PROVENANCE = ("real", "derived", "demo")
DERIVED_NOTE = "derived:"  # a note saying the figure is implied by the source's own words


def build_table(data: Dataset) -> pd.DataFrame:
    """The analysis table of a dataset (see the module docstring for its columns)."""
    cat = data.catalog.table
    units = data.units.table.reset_index(drop=True)
    obs = data.observations
    base = obs.drop(columns="unit_code").assign(uid=derive.assign_uid(obs["unit_code"], obs["period"], units),
                                                origin="reported", prov=reported_provenance(obs))
    aggregation = cat["aggregation"]
    pieces = [base, derive.over_time(base, aggregation)]
    lin = lineage(data.crosswalk if data.crosswalk is not None else pd.DataFrame(columns=["old_code", "new_code", "whole"]))
    pieces.append(derive.rebuild_history(pieces, aggregation, units, lin, REFORM_DATE))
    pieces.append(derive.over_hierarchy(pieces, aggregation, units))
    pieces.append(_fill_rates(base, derive.compute_rates(pieces, data.catalog.rates())))
    rows = derive.concat_rows(pieces)
    del base, pieces  # the pieces are copied into `rows`: free them before the table grows wide
    rows = _sorted(_categorise(rows), cat, units)
    rows["provenance"] = _labelled_provenance(rows["prov"].to_numpy())

    out = _labels(rows, cat, units)
    out["status_text"] = out.pop("status")
    look = _Lookup(out)
    _judge(out, data, lin, look)
    _breakdowns(out, cat, look)
    return out.drop(columns="prov")  # its labels are in the provenance columns


# -- assembling rows ---------------------------------------------------------------
def _fill_rates(base: pd.DataFrame, rates: pd.DataFrame) -> pd.DataFrame:
    """Give reported rate rows without a value the computed one (in place); return the rate rows to add."""
    base["computed"] = False
    if rates.empty:
        return rates
    key = ["uid", "period", "indicator"]
    is_rate = base["indicator"].isin(rates["indicator"].unique()).to_numpy()
    have = base.loc[is_rate, key].astype({"period": str, "indicator": str}).reset_index(names="pos")
    m = rates.merge(have, on=key, how="left")
    found = m["pos"].notna()
    pos = m.loc[found, "pos"].astype(np.int64).to_numpy()
    fill = np.isnan(base["value"].to_numpy()[pos])  # the source gave no value, only perhaps a stated %
    base.loc[pos[fill], "value"] = m.loc[found, "value"].to_numpy()[fill]
    base.loc[pos[fill], "computed"] = True
    base.loc[pos[fill], "prov"] = np.maximum(base["prov"].to_numpy()[pos[fill]],
                                             m.loc[found, "prov"].to_numpy(dtype=np.int8)[fill])
    new = m[~found]
    added = pd.DataFrame({"uid": new["uid"].astype(np.int64), "period": new["period"], "indicator": new["indicator"],
                          "value": new["value"], "synthetic": new["synthetic"].astype(bool),
                          "prov": new["prov"].astype(np.int8),
                          "origin": new["parts_origin"], "computed": True,
                          "source": np.where(new["parts_origin"].eq("rate"), "computed", new["parts_origin"])})
    for col in ("period", "indicator", "origin", "source"):
        added[col] = added[col].astype("category")
    return added


def reported_provenance(obs: pd.DataFrame) -> np.ndarray:
    """0 real, 1 derived, 2 demo for each observation (see the module docstring)."""
    note = obs["note"]
    if isinstance(note.dtype, pd.CategoricalDtype):  # each distinct note once, not millions of strings
        per = pd.Series(note.cat.categories.astype(str)).str.lower().str.startswith(DERIVED_NOTE).to_numpy(dtype=bool)
        codes = note.cat.codes.to_numpy()
        derived = (per[np.maximum(codes, 0)] & (codes >= 0)) if len(per) else np.zeros(len(note), dtype=bool)
    else:
        derived = note.astype(str).str.lower().str.startswith(DERIVED_NOTE).to_numpy(dtype=bool)
    return np.where(obs["synthetic"].to_numpy(dtype=bool), 2, np.where(derived, 1, 0)).astype(np.int8)


def _labelled_provenance(codes: np.ndarray) -> pd.Categorical:
    return pd.Categorical.from_codes(np.asarray(codes, dtype=np.int64), categories=list(PROVENANCE))


def _categorise(rows: pd.DataFrame) -> pd.DataFrame:
    """Blanks for what derived rows lack; texts and codes as categories."""
    for col in ("target", "status", "unit", "note", "note_en", "source"):
        if col not in rows:
            rows[col] = ""
        s = rows[col].astype("category")
        rows[col] = s.cat.add_categories([""]).fillna("") if "" not in s.cat.categories else s.fillna("")
    derived = (rows["source"].eq("") & rows["origin"].ne("reported")).to_numpy()
    if derived.any():  # a derived row's source says how it was made
        origins = rows.loc[derived, "origin"].astype("category")
        rows["source"] = rows["source"].cat.add_categories(
            [o for o in origins.cat.categories if o not in rows["source"].cat.categories])
        rows.loc[derived, "source"] = origins.to_numpy()
    rows["reported_decimals"] = rows["reported_decimals"].fillna(0).astype("int64")
    rows["synthetic"] = rows["synthetic"].fillna(False).astype(bool)
    rows["prov"] = rows["prov"].fillna(0).astype(np.int8)
    rows["computed"] = rows["computed"].fillna(True).astype(bool)
    rows["row"] = rows["row"].astype("Int64")
    for col in ("period", "indicator", "origin", "target_op", "file"):
        rows[col] = rows[col].astype("category")
    if "coverage" not in rows:
        rows["coverage"] = np.nan
    rows["uid"] = rows["uid"].astype(np.int64)
    return rows


def _sorted(rows: pd.DataFrame, cat: pd.DataFrame, units: pd.DataFrame) -> pd.DataFrame:
    """Rows by unit code, unit version, period (by end, then length) and catalog order.

    Sorted while the frame is still narrow: one unit's rows then sit together
    in the Parquet file, and the labels added afterwards need no reordering.
    """
    # One integer per row whose order is the wanted one: unit rank, then period rank, then catalog order.
    unit_rank = np.lexsort([units["valid_from"].to_numpy(), units["code"].astype(str).to_numpy()]).argsort()
    periods = [Period.parse(p) for p in rows["period"].cat.categories]
    period_rank = np.array(sorted(range(len(periods)), key=lambda i: periods[i].sort_key())).argsort()
    order = cat["order"].reindex(rows["indicator"].cat.categories).fillna(len(cat)).to_numpy(np.int64)
    key = ((unit_rank[rows["uid"].to_numpy()] * len(periods) + period_rank[rows["period"].cat.codes.to_numpy()])
           * (len(cat) + 1) + order[rows["indicator"].cat.codes.to_numpy()])
    return rows.take(np.argsort(key, kind="stable")).reset_index(drop=True)


def _take(per_category: pd.Series, codes: np.ndarray):
    """Broadcast one value per category to every row (cheap: no per-row hashing); texts become categories."""
    safe = np.where(codes < 0, 0, codes)
    if per_category.dtype == object or isinstance(per_category.dtype, pd.StringDtype):
        uniq_codes, uniq = pd.factorize(per_category)
        return pd.Categorical.from_codes(np.where(codes < 0, -1, uniq_codes[safe]),
                                         categories=pd.Index(uniq).astype(str))
    return per_category.to_numpy()[safe]


def _labels(rows: pd.DataFrame, cat: pd.DataFrame, units: pd.DataFrame) -> pd.DataFrame:
    """Catalog labels, unit names and period facts, broadcast per category or per unit version."""
    codes = rows["indicator"].cat.codes.to_numpy()
    per = cat.reindex(rows["indicator"].cat.categories)
    for col in CATALOG_COLUMNS:
        rows[col] = _take(per[col], codes)
    rows["catalog_unit"] = _take(per["unit"], codes)
    rows["catalog_unit_en"] = _take(per["unit_en"], codes)  # "person|people": English pages' units
    rows["decimals"] = rows["decimals"].astype("int64")
    rows["order"] = rows["order"].astype("int64")

    uid = rows["uid"].to_numpy()
    for col, name in (("code", "unit_code"), ("name", "unit_name"), ("level", "level"), ("parent_code", "parent_code")):
        rows[name] = pd.Categorical(units[col].astype(str))[uid]
    rows["unit_version"] = units["valid_from"].to_numpy()[uid]
    rows["unit_valid_to"] = units["valid_to"].to_numpy()[uid]

    pcodes = rows["period"].cat.codes.to_numpy()
    periods = [Period.parse(p) for p in rows["period"].cat.categories]
    rows["period_kind"] = _take(pd.Series([p.kind for p in periods], dtype=object), pcodes)
    rows["period_end"] = _take(pd.Series([pd.Timestamp(p.end) for p in periods], dtype="datetime64[ns]"), pcodes)
    rows["period_months"] = _take(pd.Series([p.months for p in periods], dtype="int64"), pcodes)
    rows["year_fraction"] = _take(pd.Series([p.year_fraction for p in periods], dtype="float64"), pcodes)
    return rows


class _Lookup:
    """Find, for every row, the row of the same unit version in another period or for another indicator.

    Keys are integers built from the unit version id and category codes, so a
    lookup over millions of rows is one hash probe rather than a merge of
    string columns.
    """

    #: Above this many possible keys the position map is a hash index instead of a dense array.
    DENSE_LIMIT = 300_000_000

    def __init__(self, t: pd.DataFrame):
        self.uid = t["uid"].to_numpy(np.int64)
        self.periods = list(t["period"].cat.categories)
        self.indicators = list(t["indicator"].cat.categories)
        self.pcode = t["period"].cat.codes.to_numpy(np.int64)
        self.icode = t["indicator"].cat.codes.to_numpy(np.int64)
        keys = self._key(self.pcode, self.icode)
        size = (int(self.uid.max(initial=0)) + 1) * len(self.periods) * len(self.indicators)
        if size <= self.DENSE_LIMIT:  # one int32 per possible key: a gather instead of a hash probe
            self.dense = np.full(size, -1, dtype=np.int32)
            self.dense[keys] = np.arange(len(keys), dtype=np.int32)
            self.index = None
        else:
            self.dense, self.index = None, pd.Index(keys)

    def _key(self, pcode: np.ndarray, icode: np.ndarray) -> np.ndarray:
        return (self.uid * len(self.periods) + pcode) * len(self.indicators) + icode

    @staticmethod
    def _recode(names: list[str], other: dict[str, str | None]) -> np.ndarray:
        where = {p: i for i, p in enumerate(names)}
        return np.array([where.get(other.get(p) or "", -1) for p in names], dtype=np.int64)

    def positions(self, periods: dict[str, str | None] | None = None,
                  indicators: dict[str, str | None] | None = None, rows: np.ndarray | None = None) -> np.ndarray:
        """Row position of the same unit version with the period ``periods[p]`` and/or the
        indicator ``indicators[i]`` (identity where not given); -1 where there is none.
        ``rows`` limits the answer to those row positions."""
        sel = slice(None) if rows is None else rows
        pcode, icode = self.pcode[sel], self.icode[sel]
        pc = self._recode(self.periods, periods)[pcode] if periods is not None else pcode
        ic = self._recode(self.indicators, indicators)[icode] if indicators is not None else icode
        missing = (pc < 0) | (ic < 0)
        keys = (self.uid[sel] * len(self.periods) + np.where(missing, 0, pc)) * len(self.indicators) \
            + np.where(missing, 0, ic)
        pos = self.dense[keys].astype(np.int64) if self.dense is not None else self.index.get_indexer(keys)
        pos[missing] = -1
        return pos

    def key_of(self, uid: np.ndarray, periods: pd.Series, indicators: pd.Series) -> np.ndarray:
        """Row positions of explicit (uid, period, indicator) triples; -1 where absent."""
        pc = pd.Index(self.periods).get_indexer(periods.astype(object))
        ic = pd.Index(self.indicators).get_indexer(indicators.astype(object))
        missing = (pc < 0) | (ic < 0)
        keys = (uid.astype(np.int64) * len(self.periods) + np.where(missing, 0, pc)) * len(self.indicators) \
            + np.where(missing, 0, ic)
        pos = self.dense[keys].astype(np.int64) if self.dense is not None else self.index.get_indexer(keys)
        pos[missing] = -1
        return pos


def _period_column(look: _Lookup, mapping: dict[str, str]) -> pd.Categorical:
    """A categorical column naming, for each row, the period ``mapping`` gives for its own."""
    names = [mapping[p] for p in look.periods]
    uniq = sorted(set(names))
    where = {n: i for i, n in enumerate(uniq)}
    return pd.Categorical.from_codes(np.array([where[n] for n in names], dtype=np.int64)[look.pcode], categories=uniq)


def _at(series: pd.Series, pos: np.ndarray) -> np.ndarray:
    values = series.to_numpy(dtype=float, na_value=np.nan)
    return np.where(pos >= 0, values[np.where(pos < 0, 0, pos)], np.nan)


def _judge(t: pd.DataFrame, data: Dataset, lin: pd.DataFrame, look: _Lookup) -> None:
    """Achievement, pace, comparisons, ranks, status and the stated-percentage check, in place."""
    rates = data.catalog.rates().index
    periods = {p: Period.parse(p) for p in look.periods}
    t["ytd_value"], ytd_prov = _year_to_date(t, look, periods)
    prov = t["prov"].to_numpy(np.int64)
    t["ytd_provenance"] = _labelled_provenance(ytd_prov)
    t["achievement_pct"] = calc.achievement(t["ytd_value"], t["target_value"], t["direction"], t["kind"])
    t["target_met"] = calc.target_met(t["ytd_value"], t["target_op"], t["target_value"], t["direction"])

    split = t["unit_code"].isin(lin.loc[~lin["comparable"].astype(bool), "new_code"]).to_numpy() if len(lin) else False
    pcodes = look.pcode
    for name, other in (("same_period", lambda p: p.same_period_last_year()), ("previous", lambda p: p.previous())):
        mapping = {k: str(other(p)) for k, p in periods.items()}
        pos = look.positions(mapping)
        base = pd.Series(_at(t["value"], pos), index=t.index)
        diff, pct, note = calc.change(t["value"], base)
        prefix = "" if name == "same_period" else "previous_"
        t["same_period" if not prefix else "previous_period"] = _period_column(look, mapping)
        t["same_period_value" if not prefix else "previous_value"] = base
        t[f"{prefix}change_abs"], t[f"{prefix}change_pct"] = diff, pct
        ends = np.array([np.datetime64(other(periods[p]).end, "ns") for p in look.periods])[pcodes]
        before_unit = ends < t["unit_version"].to_numpy()
        note[(base.isna() & t["value"].notna()).to_numpy() & before_unit & split] = "not_comparable"
        t[f"{prefix}note" if prefix else "change_note"] = note
        # The comparison's provenance: the worst of the value's and the baseline's (where there is one).
        base_prov = np.where(pos >= 0, prov[np.where(pos < 0, 0, pos)], 0)
        t[f"{name}_provenance"] = _labelled_provenance(np.maximum(prov, base_prov))

    # Seasonal pace: last year's share of its total reached by the same point of the year.
    last_total = pd.Series(_at(t["value"], look.positions({k: str(p.year - 1) for k, p in periods.items()})),
                           index=t.index)
    pos_same = look.positions({k: str(p.same_period_last_year()) for k, p in periods.items()})
    last_ytd = pd.Series(_at(t["ytd_value"], pos_same), index=t.index)
    share = (last_ytd / last_total.where(last_total.gt(0))).where(t["pace"].eq("seasonal"))
    t["expected_pct"], t["pace_basis"] = calc.expected_pace(t["year_fraction"], t["aggregation"],
                                                            t["target_value"].notna(), share, t["pace"])
    t["progress"] = calc.progress(t["achievement_pct"], t["expected_pct"])
    t["status"] = calc.classify(t["value"], t["target_value"], t["target_met"], t["direction"], t["progress"],
                                t["change_abs"], t["on_track_at"], t["off_track_below"])

    # Units compete with the other units of their parent, per period and indicator.
    group = pd.Series((t["parent_code"].cat.codes.to_numpy(np.int64) * len(look.periods) + look.pcode)
                      * len(look.indicators) + look.icode, index=t.index)
    has_achievement = t["achievement_pct"].notna().groupby(group).transform("any")
    score = t["achievement_pct"].where(has_achievement, t["value"])
    t["rank"], t["rank_of"] = calc.rank_within(score, [group], t["direction"])
    # A rank depends on every unit ranked with it: the worst provenance of the scores of its group.
    ranked = t["rank"].notna().to_numpy()
    judged = np.where(has_achievement.to_numpy(dtype=bool), ytd_prov, prov)
    worst = pd.Series(np.where(ranked, judged, 0), index=t.index).groupby(group).transform("max").to_numpy()
    t["rank_provenance"] = _labelled_provenance(np.where(ranked, worst, prov))

    is_rate = t["indicator"].isin(rates)
    t["computed_pct"] = t["value"].where(is_rate, t["achievement_pct"])
    t["pct_diff"] = t["reported_pct"] - t["computed_pct"]
    t["pct_check"] = calc.pct_check(t["reported_pct"], t["computed_pct"], t["reported_decimals"])


def _year_to_date(t: pd.DataFrame, look: _Lookup, periods: dict[str, Period]) -> tuple[pd.Series, np.ndarray]:
    """For flows: the total from 1 January to the period's end; for other lines, the value.

    Annual targets are judged on what has accumulated: a second-half report
    of budget revenue is measured by H1 + H2, not H2 alone. A period that
    does not start in January adds the year-to-date of the period just
    before it (H2 ← H1, Q3 ← H1 or Q2, month 8 ← month 7 …), found among the
    unit's own rows; NaN where that earlier part is missing. Also returns the
    provenance codes of the year to date: the worst of the periods it adds.
    """
    flow = t["aggregation"].eq("sum").to_numpy()
    value = t["value"].to_numpy(dtype=float, na_value=np.nan)
    starts_jan = np.array([periods[p].first_month == 1 for p in look.periods])[look.pcode]
    ytd = np.where(~flow | starts_jan, value, np.nan)
    prov = t["prov"].to_numpy(np.int64).copy()
    before = {}
    for kind, months in (("half", 6), ("quarter", 3), ("month", 1)):
        before[kind] = {code: str(Period(p.year, kind, (p.first_month - 1) // months))
                        for code, p in periods.items()
                        if p.first_month > 1 and (p.first_month - 1) % months == 0}
    for _ in range(12):  # each pass reaches one period further back
        todo = np.flatnonzero(np.isnan(ytd) & flow & ~np.isnan(value))
        if not len(todo):
            break
        earlier = np.full(len(todo), np.nan)
        earlier_prov = np.zeros(len(todo), dtype=np.int64)
        for mapping in before.values():
            pos = look.positions(mapping, rows=todo)
            found = np.where(pos >= 0, ytd[np.where(pos < 0, 0, pos)], np.nan)
            take = np.isnan(earlier) & ~np.isnan(found)
            earlier = np.where(take, found, earlier)
            earlier_prov = np.where(take, prov[np.where(pos < 0, 0, pos)], earlier_prov)
        filled = ~np.isnan(earlier)
        if not filled.any():
            break
        ytd[todo[filled]] = value[todo[filled]] + earlier[filled]
        prov[todo[filled]] = np.maximum(prov[todo[filled]], earlier_prov[filled])
    return pd.Series(ytd, index=t.index), prov


def breakdown_table(t: pd.DataFrame, cat: pd.DataFrame) -> pd.DataFrame:
    """Every breakdown of a total for each unit version and period: the parts' sum against the total.

    Columns: unit_code, unit_version, period, parent, breakdown, parts (how
    many lines of the breakdown have a value), expected (how many it has),
    parts_sum, total, diff (parts_sum − total) and ``holds`` (NA unless every
    part and the total are present, or the parts present already exceed the
    total; the tolerance is half a unit of the total's decimals, so rounded
    figures still add up); ``reported_lines``
    counts the lines (total and parts) that were reported rather than computed.
    """
    columns = ["uid", *UNIT_KEY, "period", "parent", "breakdown", "parts", "expected", "parts_sum", "total", "diff",
               "holds", "reported_lines"]
    lines = cat[cat["breakdown"].ne("")]
    parts = t[t["indicator"].isin(lines.index)]
    if parts.empty:
        return pd.DataFrame(columns=columns)
    parts = parts[["uid", *UNIT_KEY, "period", "indicator", "value"]].assign(
        indicator=parts["indicator"].astype(str), period=parts["period"].astype(str),
        reported=parts["origin"].eq("reported").to_numpy() if "origin" in parts else True)
    parts = parts.assign(parent=parts["indicator"].map(lines["parent"]), breakdown=parts["indicator"].map(lines["breakdown"]))
    g = parts.groupby(["uid", *UNIT_KEY, "period", "parent", "breakdown"], sort=False)
    out = pd.DataFrame({"parts": g["value"].count(), "parts_sum": g["value"].sum(min_count=1),
                        "parts_reported": g["reported"].sum()}).reset_index()
    expected = lines.groupby(["parent", "breakdown"]).size().rename("expected")
    out = out.join(expected, on=["parent", "breakdown"])
    totals = t[t["indicator"].isin(lines["parent"].unique())]
    totals = pd.DataFrame({"uid": totals["uid"], "period": totals["period"].astype(str),
                           "parent": totals["indicator"].astype(str), "total": totals["value"],
                           "decimals": totals["decimals"],
                           "total_reported": totals["origin"].eq("reported").to_numpy() if "origin" in totals
                           else True})
    out = out.merge(totals, on=["uid", "period", "parent"], how="left")
    # How many of the lines (total and parts) were reported rather than computed here.
    out["reported_lines"] = out["parts_reported"].astype("int64") + out["total_reported"].eq(True).astype("int64")
    out["diff"] = out["parts_sum"] - out["total"]
    complete = out["parts"].eq(out["expected"]) & out["total"].notna()
    tol = 0.5 * 10.0 ** (-out["decimals"].fillna(0).astype(float)) + 1e-9
    out["holds"] = pd.Series(pd.NA, index=out.index, dtype="boolean")
    out.loc[complete, "holds"] = out.loc[complete, "diff"].abs().le(tol[complete])
    # Parts that already exceed the total without the missing ones cannot add up to it (counts and
    # amounts are never negative): judged too.
    over = ~complete & out["total"].notna() & out["diff"].gt(tol)
    out.loc[over, "holds"] = False
    return out[columns]


def _breakdowns(t: pd.DataFrame, cat: pd.DataFrame, look: _Lookup) -> None:
    """``breakdown_ok`` on totals and ``exceeds_parent`` on parts, in place."""
    checks = breakdown_table(t, cat)
    verdict = checks.dropna(subset=["holds"]).groupby(["uid", "period", "parent"])["holds"].all().reset_index()
    ok = pd.array(np.full(len(t), pd.NA), dtype="boolean")
    if len(verdict):
        pos = look.key_of(verdict["uid"].to_numpy(), verdict["period"], verdict["parent"])
        ok[pos[pos >= 0]] = verdict["holds"].to_numpy(dtype=bool)[pos >= 0]
    t["breakdown_ok"] = ok

    parents = cat["parent"]
    pos = look.positions(indicators={i: parents.get(i) or None for i in look.indicators})
    parent_value = _at(t["value"], pos)
    value = t["value"].to_numpy(dtype=float, na_value=np.nan)
    known = (pos >= 0) & ~np.isnan(parent_value) & ~np.isnan(value)
    exceeds = pd.Series(pd.NA, index=t.index, dtype="boolean")
    exceeds[known] = value[known] > parent_value[known]
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
