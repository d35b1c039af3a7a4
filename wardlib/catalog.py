"""The indicator catalog: what each indicator is, how it is measured, judged and added up.

Indicators are data (``indicators.csv``), not code. One row per indicator:

=============  ===========================================================
code           key used by observations (required)
name_vi        Vietnamese name as reports show it (required)
unit           unit of measure: ``đ`` (đồng), ``người``, ``hồ sơ``, ``%`` … (required)
unit_en        the unit in English, singular and plural: ``person|people``,
               ``dossier|dossiers``; one form (``VND``, ``%``) when it has no plural.
               Empty: English pages show ``unit`` (a note says so)
section        report section code, e.g. ``1.2`` (required; titles in ``sections.csv``)
name_en        English name (defaults to ``name_vi``)
kind           count | amount | percent | score | rank | ratio (default count)
direction      up | down | none — whether more is better (default up; rank → down)
aggregation    sum | last | mean | none — over time and over units (default by kind)
decimals       decimals to show (default by kind)
parent         code of the total this line is a part of
breakdown      name of a complete breakdown of ``parent`` (its lines add up to it)
numerator      for a rate: code of the numerator …
denominator    … and of the denominator
factor         for a rate: 1, 100, 1000, 10000 or 100000 (default 100)
commitment     item number in the commitments appendix ("Bản cam kết hành động")
pace           calendar | seasonal | none — how the share of an annual target due
               by a period's end is judged; empty: calendar for flows
               (aggregation sum), no pace for other lines (see wardlib.calc)
on_track_at    progress from which a line is on track (default 0.95)
off_track_below  progress under which a line is off track (default 0.6)
expect         what every commune's half-year and year report should give:
               ``value``, ``target`` (a value and a target) or empty (optional
               line); the completeness and missing-target checks use it
aliases        phrases reports use for the indicator, separated by ``|``
               (``thành lập mới hộ kinh doanh|hộ kinh doanh mới``); ``wardlib
               extract`` matches a report's figures to them as well as to name_vi
=============  ===========================================================

The catalog's row order is the order reports show the indicators in.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import pandas as pd

from wardlib.calc import THRESHOLDS
from wardlib.findings import Finding
from wardlib.numbers import parse_numbers
from wardlib.tables import RawTable, check_allowed, check_columns, text_column
from wardlib.texts import plural_form

REQUIRED = ("code", "name_vi", "unit", "section")
OPTIONAL = ("name_en", "unit_en", "kind", "direction", "aggregation", "decimals", "parent", "breakdown",
            "numerator", "denominator", "factor", "commitment", "pace", "on_track_at", "off_track_below", "expect",
            "aliases")
KINDS = ("count", "amount", "percent", "score", "rank", "ratio")
DIRECTIONS = ("up", "down", "none")
AGGREGATIONS = ("sum", "last", "mean", "none")
PACES = ("calendar", "seasonal", "none")
EXPECTS = ("value", "target")
FACTORS = (1, 100, 1000, 10000, 100000)

DEFAULT_AGGREGATION = {"count": "sum", "amount": "sum", "percent": "none", "score": "none",
                       "rank": "none", "ratio": "none"}
DEFAULT_DECIMALS = {"count": 0, "amount": 0, "percent": 1, "score": 2, "rank": 0, "ratio": 2}

SECTION_COLUMNS = ("code", "title_vi", "title_en")


@dataclass(frozen=True)
class Catalog:
    """The catalog table (index ``code``, in report order) and the section titles."""

    table: pd.DataFrame
    sections: pd.DataFrame  # index code; title_vi, title_en; in report order

    def __contains__(self, code: str) -> bool:
        return code in self.table.index

    @cached_property
    def _names(self) -> dict[str, tuple[str, str]]:
        """code → (name_vi, name_en): pages name hundreds of lines, and ``.loc`` costs per call."""
        return dict(zip(self.table.index, zip(self.table["name_vi"], self.table["name_en"])))

    def name(self, code: str, lang: str = "vi") -> str:
        vi, en = self._names[code]  # KeyError for an unknown code, as .loc gave
        return en if lang == "en" and en else vi

    def unit(self, code: str, lang: str = "vi", n: float | None = None) -> str:
        """The indicator's unit in ``lang``; in English the singular or plural of ``unit_en`` for ``n``
        (``None``: the plural, as a column of units shows it)."""
        r = self.table.loc[code]
        return unit_text(r["unit"], r["unit_en"], lang, n)

    def section_title(self, section: str, lang: str = "vi") -> str:
        if section in self.sections.index:
            row = self.sections.loc[section]
            title = row["title_en"] if lang == "en" and row["title_en"] else row["title_vi"]
            return f"{section}. {title}" if section[:1].isdigit() else title
        return section

    def rates(self) -> pd.DataFrame:
        """Indicators computed as numerator / denominator × factor."""
        return self.table[self.table["numerator"].ne("")]


def build_catalog(raw: RawTable, sections: RawTable | None) -> Catalog | None:
    """Validate the catalog and apply defaults; findings go to ``raw.findings``. ``None`` if unusable."""
    if not check_columns(raw, REQUIRED, OPTIONAL):
        return None
    f = raw.frame
    out = pd.DataFrame({c: text_column(f, c) for c in REQUIRED + OPTIONAL})
    out["_row"] = f["_row"]

    def err(i, column, vi, en, rule="contract.catalog"):
        raw.findings.append(Finding("error", rule, vi, en, file=raw.file, row=int(f.at[i, "_row"]),
                                    column=column, indicator=out.at[i, "code"] or None))

    for col in REQUIRED:
        for i in out.index[out[col].eq("")]:
            err(i, col, f"cột '{col}' không được để trống.", f"column '{col}' must not be empty.")
    dup = out["code"].ne("") & out["code"].duplicated(keep="first")
    for i in out.index[dup]:
        err(i, "code", f"mã chỉ tiêu '{out.at[i, 'code']}' bị trùng; mỗi mã chỉ xuất hiện một lần.",
            f"indicator code '{out.at[i, 'code']}' is repeated; each code appears once.")

    kind = check_allowed(raw, "kind", KINDS, "contract.catalog") if "kind" in f else out["kind"]
    out["kind"] = kind.where(kind.isin(KINDS), "count")
    for col, allowed in (("direction", DIRECTIONS), ("aggregation", AGGREGATIONS)):
        if col in f:
            out[col] = check_allowed(raw, col, allowed, "contract.catalog")
    out["direction"] = out["direction"].where(out["direction"].isin(DIRECTIONS), "")
    out.loc[out["direction"].eq(""), "direction"] = out["kind"].map(lambda k: "down" if k == "rank" else "up")
    out["aggregation"] = out["aggregation"].where(out["aggregation"].isin(AGGREGATIONS), "")
    out.loc[out["aggregation"].eq(""), "aggregation"] = out["kind"].map(DEFAULT_AGGREGATION)

    expect = check_allowed(raw, "expect", EXPECTS, "contract.catalog") if "expect" in f else out["expect"]
    out["expect"] = expect.where(expect.isin(EXPECTS), "")
    pace = check_allowed(raw, "pace", PACES, "contract.catalog") if "pace" in f else out["pace"]
    out["pace"] = pace.where(pace.isin(PACES), "")
    for col, default in THRESHOLDS.items():
        share, fs = parse_numbers(out[col], file=raw.file, column=col, rows=out["_row"])
        raw.findings.extend(fs)
        bad = share.notna() & ~share.between(0, 2)
        for i in out.index[bad]:
            err(i, col, f"'{col}' là một tỷ số từ 0 đến 2 (ví dụ 0.95).", f"'{col}' is a ratio from 0 to 2 (e.g. 0.95).")
        out[col] = share.where(~bad).fillna(default)
    for i in out.index[out["on_track_at"] < out["off_track_below"]]:
        err(i, "on_track_at", "'on_track_at' không được nhỏ hơn 'off_track_below'.",
            "'on_track_at' must not be below 'off_track_below'.")

    decimals, fs = parse_numbers(out["decimals"], file=raw.file, column="decimals", rows=out["_row"])
    raw.findings.extend(fs)
    bad = decimals.notna() & ~decimals.isin(range(0, 7))
    for i in out.index[bad]:
        err(i, "decimals", "số chữ số thập phân phải là số nguyên từ 0 đến 6.",
            "decimals must be a whole number from 0 to 6.")
    out["decimals"] = decimals.where(~bad).fillna(out["kind"].map(DEFAULT_DECIMALS)).astype("int64")

    factor, fs = parse_numbers(out["factor"], file=raw.file, column="factor", rows=out["_row"])
    raw.findings.extend(fs)
    bad = factor.notna() & ~factor.isin(FACTORS)
    for i in out.index[bad]:
        err(i, "factor", f"hệ số phải là một trong {FACTORS}.", f"factor must be one of {FACTORS}.")
    out["factor"] = factor.where(~bad)

    codes = set(out["code"])
    for col in ("parent", "numerator", "denominator"):
        for i in out.index[out[col].ne("") & ~out[col].isin(codes)]:
            err(i, col, f"'{out.at[i, col]}' không có trong danh mục chỉ tiêu.",
                f"'{out.at[i, col]}' is not an indicator code of the catalog.")
    for i in out.index[out["parent"].ne("") & out["parent"].eq(out["code"])]:
        err(i, "parent", "một chỉ tiêu không thể là tổng của chính nó.", "an indicator cannot be its own parent.")
    for i in out.index[out["breakdown"].ne("") & out["parent"].eq("")]:
        err(i, "breakdown", "có 'breakdown' thì phải có 'parent' (tổng mà các dòng này cộng lại thành).",
            "a 'breakdown' needs a 'parent' (the total its lines add up to).")
    half = out["numerator"].eq("") != out["denominator"].eq("")
    for i in out.index[half]:
        err(i, "denominator", "tỷ lệ cần cả 'numerator' và 'denominator'.",
            "a rate needs both 'numerator' and 'denominator'.")
    for col in ("numerator", "denominator"):  # the rate would be computed from itself: its line vanishes
        for i in out.index[out[col].ne("") & out[col].eq(out["code"])]:
            err(i, col, f"tỷ lệ không thể lấy chính nó làm '{col}'.", f"a rate cannot be its own {col}.")
    is_rate = out["numerator"].ne("") & out["denominator"].ne("")
    out.loc[is_rate & out["factor"].isna(), "factor"] = 100.0
    for i in out.index[_in_cycle(out)]:
        err(i, "parent", "chuỗi 'parent' tạo thành vòng lặp.", "the 'parent' links form a cycle.")

    out["order"] = range(len(out))
    out = out[out["code"].ne("") & ~dup].set_index("code")
    out.loc[out["name_en"].eq(""), "name_en"] = out["name_vi"]
    _english_units(raw, out)
    return Catalog(out.drop(columns="_row"), _build_sections(sections, out))


def unit_text(unit: str, unit_en: str, lang: str, n: float | None = None) -> str:
    """``unit`` in Vietnamese; in English ``unit_en``'s singular (``n`` is 1) or plural, ``unit`` if none.

    >>> unit_text("người", "person|people", "en", 1), unit_text("người", "person|people", "en", 24)
    ('person', 'people')
    >>> unit_text("người", "person|people", "vi", 24), unit_text("hộ", "", "en", 2)
    ('người', 'hộ')
    """
    if lang != "en" or not unit_en:
        return unit
    one, _, other = unit_en.partition("|")
    if not other:
        return one
    return one if n is not None and plural_form("en", n) == "one" else other


def _english_units(raw: RawTable, out: pd.DataFrame) -> None:
    """A note when English pages would show Vietnamese units: a catalog without ``unit_en`` (an older
    dataset: it still loads), or lines whose ``unit_en`` is empty."""
    missing = out["unit_en"].eq("") & out["unit"].ne("")
    if not missing.any():
        return
    if "unit_en" not in raw.frame.columns:
        vi = ("danh mục chưa có cột 'unit_en' (đơn vị tính tiếng Anh): báo cáo tiếng Anh ghi đơn vị tiếng Việt; "
              "hãy thêm cột, ví dụ 'person|people' cho 'người'.")
        en = ("the catalog has no 'unit_en' column (the unit in English): English pages show the Vietnamese "
              "units; add the column, e.g. 'person|people' for 'người'.")
        raw.findings.append(Finding("info", "contract.catalog", vi, en, file=raw.file, column="unit_en"))
        return
    codes = ", ".join(out.loc[missing, "code"].head(8)) + (" …" if missing.sum() > 8 else "")
    raw.findings.append(Finding(
        "info", "contract.catalog",
        f"{missing.sum()} chỉ tiêu chưa có 'unit_en' ({codes}): báo cáo tiếng Anh ghi đơn vị tiếng Việt của chúng.",
        f"{missing.sum()} indicators have no 'unit_en' ({codes}): English pages show their Vietnamese units.",
        file=raw.file, column="unit_en"))


def _in_cycle(out: pd.DataFrame) -> pd.Series:
    parent = dict(zip(out["code"], out["parent"]))
    flags = []
    for code in out["code"]:
        seen, cur = set(), code
        while cur and cur not in seen:
            seen.add(cur)
            cur = parent.get(cur, "")
        flags.append(bool(cur) and cur == code and len(seen) > 1)
    return pd.Series(flags, index=out.index)


def _build_sections(raw: RawTable | None, catalog: pd.DataFrame) -> pd.DataFrame:
    """Section titles from ``sections.csv``; sections it does not list are titled by their code."""
    rows = []
    if raw is not None and check_columns(raw, ("code", "title_vi"), ("title_en",)):
        for _, r in raw.frame.iterrows():
            code = str(r["code"]).strip()
            rows.append((code, str(r["title_vi"]).strip(), str(r.get("title_en", "") or "").strip()))
    known = {r[0] for r in rows}
    for section in catalog["section"].drop_duplicates():
        if section not in known:
            rows.append((section, section, section))
    return pd.DataFrame(rows, columns=list(SECTION_COLUMNS)).set_index("code")
