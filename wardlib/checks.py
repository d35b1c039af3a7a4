"""Consistency rules over the analysis table: wrong stated figures and implausible data, as findings.

These run beside the Great Expectations suites (``wardlib.gx``) and give the
same :class:`~wardlib.findings.Finding` records, each with the numbers
involved (``values``). Every rule is vectorised over the whole table; only
reported rows are judged (derived rows inherit their parts' problems).

=========================  ========  ==========================================================
rule                       severity  what it catches
=========================  ========  ==========================================================
check.pct_stated           error     a stated percentage its own figures do not give (83,5 % for
                                     16.699.345 / 21.145.000 = 78,98 %); a cut rather than rounded
                                     one (48,6 for 48,69) is only an ``info`` rounding note
check.breakdown_sum        error     a complete breakdown that does not add up to its total
check.part_exceeds_whole   error     a part larger than its whole
check.target_no_result     warning   a target without a result or a status
check.result_no_target     warning   a result without a target where the catalog expects one
check.unit_mismatch        warning   a unit of measure in the source that contradicts the catalog
check.outlier_peers        warning   modified z-score above 3.5 among the units of one parent
check.outlier_time         warning   a stock more than ±33 % away from the same period last year
                                     (a count also by more than 3·√ of last year's value);
                                     a flow (a count or amount added up over time) at 3 times
                                     or a third of it, and, for counts, by at least 20
check.scale_slip           warning   a value about 1,000 times its unit's or its peers' usual one
                                     (đồng against nghìn đồng or triệu đồng)
check.completeness         warning   a half-year or year report missing indicators the catalog
                                     expects (``expect``); below 90 % the unit is named
=========================  ========  ==========================================================

Thresholds follow the field's defaults (WHO data-quality review, DHIS2):
modified z-score 3.5, consistency over time ±33 %, completeness 90 %.

**Flows over time.** A flow (dengue cases, dossiers, revenue of a half-year)
moves more than a stock, and a count near zero moves a lot in relative terms
(2 cases one year, 5 the next is nothing to check). A flow is flagged when its
value is at least :data:`FLOW_RATIO` (3) times its value of the same period
last year, or at most a third of it, *and*, for counts, the two differ by at
least :data:`FLOW_MIN_CHANGE` (20): dengue 200 against 2 is flagged, 20
against 2 is not (20 against 2 would be flagged by a Poisson bound, 3.29·√2;
ratio plus minimum change keeps small counts quiet). Against a zero baseline
a count is flagged from 20 up. A ratio in the ×1,000 band is left to
``check.scale_slip``.

**One fault, one finding.** Every rule judges reported rows only, except the
breakdowns, which are judged where at least one of their lines (the total
or a part) was reported: a breakdown made only of computed rows (a roll-up
to a district or province, a half-year added up from months, a rebuilt
history) is the sum of checked breakdowns, so it adds up whenever those do,
and its failure is theirs, already reported once — or only the trace of a
unit that did not report one of the lines. A breakdown whose part exceeds
the whole is reported once, as ``check.part_exceeds_whole``. A figure that
is far from the same period last year is not flagged again, the next year,
as the baseline that the next value is far from. Where several rules flag
the same figure, :func:`wardlib.quality.collect` keeps the most specific
(see :data:`wardlib.quality.PRECEDENCE`).
"""

from __future__ import annotations

from typing import Callable

import numpy as np
import pandas as pd

from wardlib import fmt
from wardlib.analysis import breakdown_table
from wardlib.catalog import unit_text
from wardlib.findings import Finding
from wardlib.loaders import Dataset

MODIFIED_Z = 3.5  # Iglewicz and Hoaglin; DHIS2 and WHO use the same cut-off
MIN_PEERS = 5  # fewer units than this say nothing about an outlier
TIME_CHANGE = 0.33  # WHO: consistency over time ±33 %
FLOW_RATIO = 3.0  # a flow at 3× or a third of the same period last year is flagged …
FLOW_MIN_CHANGE = 20  # … and, for counts, only when it moved by at least this many (counts near zero)
SCALE = (300.0, 3000.0)  # a ratio in this band (or its inverse) looks like a ×1,000 slip
COMPLETENESS = 0.9  # WHO: 90 % of expected lines
REPORTING_KINDS = ("half", "year")  # the reports that carry the whole catalog

#: rule → severity, description (vi, en); the order reports list them in.
RULES: dict[str, tuple[str, str, str]] = {
    "check.pct_stated": ("error", "Tỷ lệ nêu trong báo cáo sai so với số liệu", "Stated percentage differs from the figures"),
    "check.breakdown_sum": ("error", "Các thành phần không cộng đúng bằng tổng", "Parts do not add up to the total"),
    "check.part_exceeds_whole": ("error", "Thành phần lớn hơn tổng", "A part exceeds its whole"),
    "check.target_no_result": ("warning", "Có chỉ tiêu nhưng không có kết quả", "Target without a result"),
    "check.result_no_target": ("warning", "Có kết quả nhưng thiếu chỉ tiêu", "Result without a target"),
    "check.unit_mismatch": ("warning", "Đơn vị tính khác danh mục", "Unit of measure contradicts the catalog"),
    "check.outlier_peers": ("warning", "Khác thường so với các đơn vị cùng cấp", "Outlier among the neighbouring units"),
    "check.outlier_time": ("warning", "Thay đổi bất thường so với cùng kỳ", "Implausible change from the same period"),
    "check.scale_slip": ("warning", "Nghi nhầm đơn vị (gấp khoảng 1.000 lần)", "Possible ×1,000 unit slip"),
    "check.completeness": ("warning", "Thiếu chỉ tiêu bắt buộc", "Expected indicators missing"),
}

# Analysis-table columns no rule's message reads: left out of the records findings are built from.
_MESSAGE_COLUMNS = {"file", "row", "unit_code", "period", "indicator", "name_vi", "name_en", "value", "ytd_value",
                    "target", "target_value", "reported_pct", "reported_decimals", "computed_pct", "pct_check",
                    "pct_diff", "unit", "catalog_unit", "catalog_unit_en", "same_period", "same_period_value", "change_pct",
                    "parent", "breakdown", "total", "parts_sum", "diff", "whole", "whole_vi", "whole_en", "z",
                    "median", "n", "reference", "ratio", "kind"}
_TABLE_ONLY = {"uid", "unit_version", "unit_valid_to", "origin", "computed", "coverage", "target_op", "status",
               "status_text", "note", "source", "synthetic", "section", "direction", "aggregation",
               "decimals", "commitment", "order", "pace", "on_track_at", "off_track_below", "expect",
               "unit_name", "level", "parent_code", "period_kind", "period_end", "period_months", "year_fraction",
               "achievement_pct", "target_met", "expected_pct", "pace_basis", "progress", "change_abs",
               "change_note", "previous_period", "previous_value", "previous_change_abs", "previous_change_pct",
               "previous_note", "rank", "rank_of", "breakdown_ok", "exceeds_parent", "provenance", "ytd_provenance",
               "same_period_provenance", "previous_provenance", "rank_provenance"}

_UNIT_ALIASES = {"đồng": "đ", "vnd": "đ", "vnđ": "đ", "phần trăm": "%", "percent": "%"}


def run_checks(data: Dataset, table: pd.DataFrame, period: str | None = None) -> list[Finding]:
    """Every rule over the analysis table (or one period of it), most severe first."""
    t = table if period is None else table[table["period"] == period]
    rep = t[t["origin"].eq("reported")]
    out: list[Finding] = []
    for rule_fn in (_pct_stated, _breakdowns, _parts, _target_no_result, _result_no_target, _unit_mismatch,
                    _outlier_peers, _outlier_time, _scale_slip):
        out += rule_fn(rep, t, data)
    out += _completeness_findings(completeness(t, data), data)
    order = {"error": 0, "warning": 1, "info": 2}
    return sorted(out, key=lambda f: (order[f.severity], list(RULES).index(f.rule) if f.rule in RULES else 99,
                                      f.unit_code or "", f.period or "", f.indicator or ""))


# -- helpers ------------------------------------------------------------------------------------
def _name(r, lang: str) -> str:
    return str(r["name_vi"] if lang == "vi" else r["name_en"])


def _findings(rows: pd.DataFrame, rule: str, vi: Callable, en: Callable, values: Callable,
              severity: str | None = None, column: str = "value") -> list[Finding]:
    """One finding per row; ``vi``/``en``/``values`` build its texts and numbers from the row."""
    sev = severity or RULES[rule][0]
    out = []
    for r in _records(rows):
        row = r.get("row")
        out.append(Finding(
            sev, rule, vi(r), en(r), file=str(r["file"]) if isinstance(r.get("file"), str) else None,
            row=int(row) if row is not None and not pd.isna(row) else None, column=column,
            unit_code=str(r["unit_code"]), period=str(r["period"]), indicator=str(r["indicator"]),
            values={k: _plain(v) for k, v in values(r).items()}))
    return out


def _records(rows: pd.DataFrame) -> list[dict]:
    """Rows as dicts, without the columns no message uses (the table is wide; findings can be many)."""
    keep = [c for c in rows.columns if c in _MESSAGE_COLUMNS or c not in _TABLE_ONLY]
    return rows[keep].to_dict("records")


def _plain(v):
    if isinstance(v, (np.floating, float)):
        return None if np.isnan(v) else float(v)
    if isinstance(v, (np.integer,)):
        return int(v)
    return v


def _pct(x, lang, d=2) -> str:
    return fmt.percent(x, d, lang)


def _num(x, lang) -> str:
    return fmt.number(x, 0 if float(x).is_integer() else 2, lang)


# -- the rules ----------------------------------------------------------------------------------------
def _pct_stated(rep: pd.DataFrame, t: pd.DataFrame, data: Dataset) -> list[Finding]:
    bad = rep[rep["pct_check"].isin(["mismatch", "truncated"])]

    def vi(r):
        base = (f"{_name(r, 'vi')}: báo cáo nêu {_pct(r['reported_pct'], 'vi', int(r['reported_decimals']))}, "
                f"nhưng {_num(r['ytd_value'], 'vi')}/{_num(r['target_value'], 'vi')} là "
                f"{_pct(r['computed_pct'], 'vi')}" if pd.notna(r["target_value"]) else
                f"{_name(r, 'vi')}: báo cáo nêu {_pct(r['reported_pct'], 'vi', int(r['reported_decimals']))}, "
                f"số liệu cho {_pct(r['computed_pct'], 'vi')}")
        if r["pct_check"] == "truncated":
            return base + " — chỉ là cắt bớt số lẻ thay vì làm tròn; nên làm tròn."
        return base + f" — hãy sửa tỷ lệ thành {_pct(r['computed_pct'], 'vi', 1)}."

    def en(r):
        base = (f"{_name(r, 'en')}: the report states {_pct(r['reported_pct'], 'en', int(r['reported_decimals']))}, "
                f"but {_num(r['ytd_value'], 'en')}/{_num(r['target_value'], 'en')} is {_pct(r['computed_pct'], 'en')}"
                if pd.notna(r["target_value"]) else
                f"{_name(r, 'en')}: the report states {_pct(r['reported_pct'], 'en', int(r['reported_decimals']))}, "
                f"its figures give {_pct(r['computed_pct'], 'en')}")
        if r["pct_check"] == "truncated":
            return base + " — only cut instead of rounded; round it."
        return base + f" — correct the percentage to {_pct(r['computed_pct'], 'en', 1)}."

    mismatch = bad[bad["pct_check"].eq("mismatch")]
    truncated = bad[bad["pct_check"].eq("truncated")]
    values = lambda r: {"stated": r["reported_pct"], "computed": r["computed_pct"], "value": r["ytd_value"],  # noqa: E731
                        "target": r["target_value"], "diff_points": r["pct_diff"]}
    return (_findings(mismatch, "check.pct_stated", vi, en, values, column="reported_pct")
            + _findings(truncated, "check.pct_stated", vi, en, values, severity="info", column="reported_pct"))


def _breakdowns(rep: pd.DataFrame, t: pd.DataFrame, data: Dataset) -> list[Finding]:
    checks = breakdown_table(t, data.catalog.table)
    # Only breakdowns with a reported line (see the module docstring: one fault, one finding).
    bad = checks[checks["holds"].eq(False).fillna(False).astype(bool) & checks["reported_lines"].gt(0)]
    if bad.empty:
        return []
    cat = data.catalog.table
    # A part larger than its whole is reported as such (check.part_exceeds_whole), not a second time here.
    over = rep[rep["exceeds_parent"].eq(True).fillna(False).astype(bool) & rep["breakdown"].ne("")]
    if len(over):
        keys = set(zip(over["uid"], over["period"].astype(str), over["parent"].astype(str), over["breakdown"].astype(str)))
        bad = bad[[k not in keys for k in zip(bad["uid"], bad["period"], bad["parent"], bad["breakdown"])]]
        if bad.empty:
            return []
    parents = t[t["origin"].eq("reported")].set_index(["uid", "period", "indicator"])[["file", "row"]]
    where = parents.reindex(pd.MultiIndex.from_arrays([bad["uid"], bad["period"], bad["parent"]]))
    bad = bad.assign(indicator=bad["parent"], file=where["file"].astype(object).to_numpy(),
                     row=where["row"].to_numpy(), name_vi=cat.loc[bad["parent"], "name_vi"].to_numpy(),
                     name_en=cat.loc[bad["parent"], "name_en"].to_numpy())
    lines = cat[cat["breakdown"].ne("")]
    names = {(lang, parent, name): " + ".join(g["name_vi" if lang == "vi" else "name_en"])
             for (parent, name), g in lines.groupby(["parent", "breakdown"]) for lang in ("vi", "en")}

    def parts(r, lang):
        return names[(lang, r["parent"], r["breakdown"])]

    return _findings(
        bad, "check.breakdown_sum",
        lambda r: (f"{_name(r, 'vi')} = {_num(r['total'], 'vi')}, nhưng {parts(r, 'vi')} = "
                   f"{_num(r['parts_sum'], 'vi')} (lệch {_num(r['diff'], 'vi')}); sửa tổng hoặc các thành phần."),
        lambda r: (f"{_name(r, 'en')} = {_num(r['total'], 'en')}, but {parts(r, 'en')} = "
                   f"{_num(r['parts_sum'], 'en')} (off by {_num(r['diff'], 'en')}); correct the total or its parts."),
        lambda r: {"total": r["total"], "parts_sum": r["parts_sum"], "diff": r["diff"], "breakdown": r["breakdown"]})


def _parts(rep: pd.DataFrame, t: pd.DataFrame, data: Dataset) -> list[Finding]:
    bad = rep[rep["exceeds_parent"].eq(True).fillna(False).astype(bool)]
    if bad.empty:
        return []
    cat = data.catalog.table
    look = t.set_index(["uid", "period", "indicator"])["value"]
    whole = look.reindex(pd.MultiIndex.from_arrays([bad["uid"], bad["period"], bad["parent"].astype(str)])).to_numpy()
    bad = bad.assign(whole=whole, whole_vi=cat.loc[bad["parent"].astype(str), "name_vi"].to_numpy(),
                     whole_en=cat.loc[bad["parent"].astype(str), "name_en"].to_numpy())
    return _findings(
        bad, "check.part_exceeds_whole",
        lambda r: (f"{_name(r, 'vi')} = {_num(r['value'], 'vi')} lớn hơn {r['whole_vi']} = {_num(r['whole'], 'vi')}; "
                   "một phần không thể lớn hơn tổng."),
        lambda r: (f"{_name(r, 'en')} = {_num(r['value'], 'en')} exceeds {r['whole_en']} = {_num(r['whole'], 'en')}; "
                   "a part cannot exceed its whole."),
        lambda r: {"value": r["value"], "whole": r["whole"]})


def _target_no_result(rep: pd.DataFrame, t: pd.DataFrame, data: Dataset) -> list[Finding]:
    bad = rep[rep["target_value"].notna() & rep["value"].isna() & rep["status_text"].eq("")]
    return _findings(
        bad, "check.target_no_result",
        lambda r: f"{_name(r, 'vi')}: có chỉ tiêu {r['target']} nhưng không có kết quả; ghi kết quả hoặc tình trạng.",
        lambda r: f"{_name(r, 'en')}: target {r['target']} but no result; give the result or a status.",
        lambda r: {"target": r["target_value"]})


def _result_no_target(rep: pd.DataFrame, t: pd.DataFrame, data: Dataset) -> list[Finding]:
    bad = rep[rep["expect"].eq("target") & rep["value"].notna() & rep["target_value"].isna()
              & rep["period_kind"].isin(REPORTING_KINDS)]
    return _findings(
        bad, "check.result_no_target",
        lambda r: f"{_name(r, 'vi')}: có kết quả nhưng thiếu chỉ tiêu kế hoạch năm; ghi cột target.",
        lambda r: f"{_name(r, 'en')}: a result without the year's target; fill in the target column.",
        lambda r: {"value": r["value"]}, column="target")


def _norm_unit(u: pd.Series) -> pd.Series:
    s = u.astype(str).str.strip().str.lower()
    return s.map(lambda x: _UNIT_ALIASES.get(x, x))


def _unit_mismatch(rep: pd.DataFrame, t: pd.DataFrame, data: Dataset) -> list[Finding]:
    given = rep["unit"].astype(str).str.strip()
    bad = rep[given.ne("") & _norm_unit(given).ne(_norm_unit(rep["catalog_unit"]))]
    return _findings(
        bad, "check.unit_mismatch",
        lambda r: (f"{_name(r, 'vi')}: nguồn ghi đơn vị tính '{r['unit']}', danh mục là '{r['catalog_unit']}'; "
                   "kiểm tra số liệu và sửa đơn vị tính."),
        lambda r: (f"{_name(r, 'en')}: the source gives the unit '{r['unit']}', the catalog "
                   f"'{unit_text(r['catalog_unit'], r.get('catalog_unit_en') or '', 'en')}'; "
                   "check the figures and correct the unit."),
        lambda r: {"source_unit": r["unit"], "catalog_unit": r["catalog_unit"], "value": r["value"],
                   "target": r["target_value"]}, column="unit")


def _outlier_peers(rep: pd.DataFrame, t: pd.DataFrame, data: Dataset) -> list[Finding]:
    pool = rep[rep["level"].eq("commune") & rep["value"].notna() & rep["kind"].isin(["count", "amount"])]
    if pool.empty:
        return []
    group = [pool["parent_code"], pool["period"], pool["indicator"]]
    g = pool.groupby(group, observed=True)["value"]
    median = g.transform("median")
    mad = (pool["value"] - median).abs().groupby(group, observed=True).transform("median")
    n = g.transform("count")
    z = 0.6745 * (pool["value"] - median) / mad.where(mad.gt(0))
    hit = (z.abs().gt(MODIFIED_Z) & n.ge(MIN_PEERS)).to_numpy()
    bad = pool[hit].assign(z=z[hit], median=median[hit], n=n[hit])  # (filtered: assigning to no rows adds rows)
    return _findings(
        bad, "check.outlier_peers",
        lambda r: (f"{_name(r, 'vi')} = {_num(r['value'], 'vi')}, khác xa trung vị {_num(r['median'], 'vi')} của "
                   f"{int(r['n'])} đơn vị cùng cấp (điểm z hiệu chỉnh {fmt.number(r['z'], 1, 'vi')}); kiểm tra lại số liệu."),
        lambda r: (f"{_name(r, 'en')} = {_num(r['value'], 'en')}, far from the median {_num(r['median'], 'en')} of "
                   f"{int(r['n'])} neighbouring units (modified z-score {fmt.number(r['z'], 1, 'en')}); check the figure."),
        lambda r: {"value": r["value"], "median": r["median"], "modified_z": r["z"], "units": r["n"]})


def _outlier_time(rep: pd.DataFrame, t: pd.DataFrame, data: Dataset) -> list[Finding]:
    base = rep["same_period_value"]
    stock = rep["aggregation"].eq("last") & base.gt(0) & (rep["change_pct"].abs() > TIME_CHANGE * 100)
    # A stock count near zero (6 officials, then 8) moves by a third without anything to check: a count is
    # flagged only beyond a Poisson bound as well, |change| > 3·√baseline.
    stock &= rep["kind"].ne("count") | (rep["value"] - base).abs().gt(3 * np.sqrt(base.where(base.gt(0))))
    flow = rep["aggregation"].eq("sum") & rep["kind"].isin(["count", "amount"]) & base.notna() & rep["value"].notna()
    hi, lo = np.maximum(rep["value"], base), np.minimum(rep["value"], base)
    ratio = hi / lo.where(lo.gt(0))
    big = ratio.ge(FLOW_RATIO) | (lo.eq(0) & hi.gt(0))
    slip = ratio.between(*SCALE) & rep["kind"].eq("amount")  # a ×1,000 slip: check.scale_slip says it
    enough = rep["kind"].ne("count") | (hi - lo).ge(FLOW_MIN_CHANGE)
    flow = flow & big.fillna(False) & enough & ~slip.fillna(False) & (rep["kind"].eq("count") | lo.gt(0))
    hit = (stock | flow).fillna(False).to_numpy(dtype=bool).copy()
    if hit.any():  # a figure flagged here is not flagged again as next year's baseline
        flagged = set(zip(rep["uid"][hit], rep["period"][hit].astype(str), rep["indicator"][hit].astype(str)))
        again = np.array([(u, str(p), str(i)) in flagged for u, p, i in
                          zip(rep["uid"][hit], rep["same_period"][hit], rep["indicator"][hit])], dtype=bool)
        hit[np.flatnonzero(hit)[again]] = False
    bad = rep[hit]
    is_flow = bad["aggregation"].eq("sum").to_numpy()
    stocks, flows = bad[~is_flow], bad[is_flow]
    values = lambda r: {"value": r["value"], "same_period_value": r["same_period_value"],  # noqa: E731
                        "change_pct": r["change_pct"]}
    out = _findings(
        stocks, "check.outlier_time",
        lambda r: (f"{_name(r, 'vi')} = {_num(r['value'], 'vi')}, cùng kỳ {r['same_period']} là "
                   f"{_num(r['same_period_value'], 'vi')} ({fmt.percent(r['change_pct'], 1, 'vi')}); "
                   "số tồn như vậy ít khi đổi quá 33% trong một năm — kiểm tra lại."),
        lambda r: (f"{_name(r, 'en')} = {_num(r['value'], 'en')} against {_num(r['same_period_value'], 'en')} in "
                   f"{r['same_period']} ({fmt.percent(r['change_pct'], 1, 'en')}); such a stock rarely moves more "
                   "than 33% in a year — check it."), values)
    out += _findings(
        flows, "check.outlier_time",
        lambda r: (f"{_name(r, 'vi')} = {_num(r['value'], 'vi')}, cùng kỳ {r['same_period']} là "
                   f"{_num(r['same_period_value'], 'vi')}: gấp 3 lần trở lên hoặc chỉ còn một phần ba trở xuống"
                   + (f" và lệch từ {FLOW_MIN_CHANGE} trở lên" if r["kind"] == "count" else "")
                   + " — kiểm tra lại số liệu."),
        lambda r: (f"{_name(r, 'en')} = {_num(r['value'], 'en')} against {_num(r['same_period_value'], 'en')} in "
                   f"{r['same_period']}: three times as much or more, or a third or less"
                   + (f", and at least {FLOW_MIN_CHANGE} apart" if r["kind"] == "count" else "")
                   + " — check the figure."), values)
    return out


def _scale_slip(rep: pd.DataFrame, t: pd.DataFrame, data: Dataset) -> list[Finding]:
    pool = rep[rep["kind"].eq("amount") & rep["value"].gt(0)]
    if pool.empty:
        return []
    group = [pool["parent_code"], pool["period"], pool["indicator"]]
    peers = pool.groupby(group, observed=True)["value"].transform("median")
    n = pool.groupby(group, observed=True)["value"].transform("count")
    reference = pool["same_period_value"].where(pool["same_period_value"].gt(0), peers.where(n.ge(3)))
    ratio = pool["value"] / reference
    lo, hi = SCALE
    hit = (ratio.between(lo, hi) | ratio.between(1 / hi, 1 / lo)).to_numpy().copy()
    if hit.any():  # a slip is not found again next year, in the figure compared with the slipped one
        flagged = set(zip(pool["uid"][hit], pool["period"][hit].astype(str), pool["indicator"][hit].astype(str)))
        against_last_year = pool["same_period_value"].gt(0).to_numpy()[hit]
        again = np.array([(u, str(p), str(i)) in flagged for u, p, i in
                          zip(pool["uid"][hit], pool["same_period"][hit], pool["indicator"][hit])], dtype=bool)
        hit[np.flatnonzero(hit)[again & against_last_year]] = False
    bad = pool[hit].assign(reference=reference[hit], ratio=ratio[hit])
    return _findings(
        bad, "check.scale_slip",
        lambda r: (f"{_name(r, 'vi')} = {_num(r['value'], 'vi')} đ, gấp khoảng {fmt.number(r['ratio'], 0, 'vi')} lần "
                   f"mức thường thấy ({_num(r['reference'], 'vi')} đ); có thể nhầm đồng / nghìn đồng / triệu đồng."),
        lambda r: (f"{_name(r, 'en')} = {_num(r['value'], 'en')} VND, about {fmt.number(r['ratio'], 0, 'en')} times "
                   f"the usual {_num(r['reference'], 'en')} VND; đồng, thousand and million đồng may be mixed up."),
        lambda r: {"value": r["value"], "reference": r["reference"], "ratio": r["ratio"]})


# -- completeness ---------------------------------------------------------------------------------------
def completeness(t: pd.DataFrame, data: Dataset) -> pd.DataFrame:
    """For each commune and half-year or year it reported: the expected indicators present and missing.

    Columns unit_code, unit_version, period, expected, present, share, missing (a tuple of codes).
    """
    cat = data.catalog.table
    expected = list(cat.index[cat["expect"].ne("")])
    rep = t[t["origin"].eq("reported") & t["level"].eq("commune") & t["period_kind"].isin(REPORTING_KINDS)]
    cols = ["unit_code", "unit_version", "period", "expected", "present", "share", "missing"]
    if rep.empty or not expected:
        return pd.DataFrame(columns=cols)
    have = rep[rep["indicator"].isin(expected) & (rep["value"].notna() | rep["status_text"].ne(""))]
    present = have.groupby(["unit_code", "unit_version", "period"], observed=True)["indicator"].agg(
        lambda s: frozenset(map(str, s)))
    keys = rep[["unit_code", "unit_version", "period"]].drop_duplicates()
    keys = keys.assign(unit_code=keys["unit_code"].astype(str), period=keys["period"].astype(str))
    present.index = present.index.set_levels([present.index.levels[0].astype(str), present.index.levels[1],
                                              present.index.levels[2].astype(str)])
    got = present.reindex(pd.MultiIndex.from_frame(keys))
    got = [g if isinstance(g, frozenset) else frozenset() for g in got]
    out = keys.reset_index(drop=True)
    out["expected"] = len(expected)
    out["present"] = [len(g) for g in got]
    out["share"] = out["present"] / len(expected)
    out["missing"] = [tuple(c for c in expected if c not in g) for g in got]
    return out[cols]


def _completeness_findings(comp: pd.DataFrame, data: Dataset) -> list[Finding]:
    cat = data.catalog.table
    out = []
    for r in comp[comp["share"].lt(COMPLETENESS)].to_dict("records"):
        names_vi = ", ".join(cat.loc[c, "name_vi"] for c in r["missing"][:8])
        names_en = ", ".join(cat.loc[c, "name_en"] for c in r["missing"][:8])
        more = len(r["missing"]) - 8
        out.append(Finding(
            "warning", "check.completeness",
            f"báo cáo chỉ có {r['present']}/{r['expected']} chỉ tiêu bắt buộc "
            f"({fmt.percent(r['share'] * 100, 0, 'vi')}, dưới 90%); thiếu: {names_vi}"
            + (f" và {more} chỉ tiêu khác" if more > 0 else "") + ".",
            f"the report gives {r['present']} of {r['expected']} expected indicators "
            f"({fmt.percent(r['share'] * 100, 0, 'en')}, under 90%); missing: {names_en}"
            + (f" and {more} more" if more > 0 else "") + ".",
            unit_code=r["unit_code"], period=r["period"],
            values={"present": r["present"], "expected": r["expected"], "share": r["share"],
                    "missing": list(r["missing"])}))
    return out
