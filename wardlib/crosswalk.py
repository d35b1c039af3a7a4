"""Which units became which in the 1 July 2025 reorganisation, and which histories can be rebuilt.

A dataset may carry ``crosswalk.csv``, one row per (old unit, new unit) pair:

=========  ================================================================
old_code   a unit that ended on 30 June 2025 (required)
new_code   a unit that began on 1 July 2025 and took over part or all of it (required)
whole      true if the old unit went entirely into the new one; false if it was
           split among several new units (required: true/false, 1/0, yes/no)
=========  ================================================================

Without the file, the official crosswalk from ``vietnamadminunits`` is used
for the units of ``units.csv``. A new unit formed only of whole predecessors
(each going nowhere else) is *comparable*: its earlier values are rebuilt by
adding up its predecessors' (Phường Cao Lãnh, 29869, from its nine
predecessors). A new unit with any split predecessor is not: its comparisons
with periods before the reform are marked ``not_comparable``.
"""

from __future__ import annotations

import pandas as pd

from wardlib import adminunits
from wardlib.findings import Finding
from wardlib.tables import RawTable, check_columns, text_column

REQUIRED = ("old_code", "new_code", "whole")
COLUMNS = ["old_code", "new_code", "whole"]
_TRUE, _FALSE = {"true", "1", "yes", "có", "x"}, {"false", "0", "no", "không", ""}


def build_crosswalk(raw: RawTable | None, units: pd.DataFrame) -> pd.DataFrame:
    """The crosswalk of a dataset: ``crosswalk.csv`` if given (checked), else the official one.

    ``units`` is the units table; findings go to ``raw.findings``.
    """
    if raw is None:
        cw = adminunits.crosswalk()
        ended = set(units.loc[units["valid_to"] < adminunits.REFORM_DATE, "code"])
        began = set(units.loc[units["valid_from"] >= adminunits.REFORM_DATE, "code"])
        cw = cw[cw["old_code"].isin(ended) & cw["new_code"].isin(began)]
        return cw[COLUMNS].reset_index(drop=True)
    if not check_columns(raw, REQUIRED, ()):
        return pd.DataFrame(columns=COLUMNS)
    f = raw.frame
    out = pd.DataFrame({c: text_column(f, c) for c in REQUIRED})
    flag = out["whole"].str.lower()
    codes = set(units["code"])
    bad = pd.Series(False, index=out.index)
    for i in out.index[~flag.isin(_TRUE | _FALSE)]:
        bad[i] = True
        raw.findings.append(Finding(
            "error", "contract.crosswalk", f"'whole' phải là true hoặc false, không phải '{out.at[i, 'whole']}'.",
            f"'whole' must be true or false, not '{out.at[i, 'whole']}'.", file=raw.file,
            row=int(f.at[i, "_row"]), column="whole", unit_code=out.at[i, "old_code"] or None))
    for col in ("old_code", "new_code"):
        for i in out.index[~out[col].isin(codes)]:
            bad[i] = True
            raw.findings.append(Finding(
                "error", "contract.crosswalk", f"mã '{out.at[i, col]}' không có trong units.csv.",
                f"code '{out.at[i, col]}' is not a unit of units.csv.", file=raw.file,
                row=int(f.at[i, "_row"]), column=col, unit_code=out.at[i, col] or None))
    # A link must join a unit that ended on 30 June 2025 to one that began on 1 July 2025: any other
    # pair would silently drop (or mis-date) the new unit's rebuilt history.
    began = set(units.loc[units["valid_from"] == adminunits.REFORM_DATE, "code"])
    ended = set(units.loc[units["valid_to"] == adminunits.REFORM_DATE - pd.Timedelta(days=1), "code"])
    for col, ok, vi, en in (
            ("new_code", began, "không có phiên bản bắt đầu hiệu lực ngày 01/07/2025 trong units.csv (valid_from = 2025-07-01)",
             "has no version in units.csv that began on 1 July 2025 (valid_from = 2025-07-01)"),
            ("old_code", ended, "không có phiên bản kết thúc ngày 30/06/2025 trong units.csv (valid_to = 2025-06-30)",
             "has no version in units.csv that ended on 30 June 2025 (valid_to = 2025-06-30)")):
        for i in out.index[~bad & out[col].isin(codes) & ~out[col].isin(ok)]:
            bad[i] = True
            raw.findings.append(Finding(
                "error", "contract.crosswalk", f"đơn vị '{out.at[i, col]}' ở cột {col} {vi}: sửa mã hoặc ngày hiệu lực.",
                f"unit '{out.at[i, col]}' in column {col} {en}: correct the code or its validity dates.",
                file=raw.file, row=int(f.at[i, "_row"]), column=col, unit_code=out.at[i, col] or None))
    out["whole"] = flag.isin(_TRUE)
    return out[~bad][COLUMNS].drop_duplicates().reset_index(drop=True)


def lineage(cw: pd.DataFrame) -> pd.DataFrame:
    """One row per new unit: its predecessors and whether its history can be rebuilt.

    Columns ``new_code``, ``predecessors`` (tuple of old codes), ``comparable``
    (every predecessor went wholly into it and nowhere else).
    """
    if cw.empty:
        return pd.DataFrame(columns=["new_code", "predecessors", "comparable"])
    destinations = cw.groupby("old_code")["new_code"].nunique()
    single = cw["old_code"].map(destinations).eq(1)
    cw = cw.assign(clean=cw["whole"].astype(bool) & single)
    g = cw.groupby("new_code", sort=True)
    return pd.DataFrame({
        "predecessors": g["old_code"].agg(lambda s: tuple(sorted(s))),
        "comparable": g["clean"].all(),
    }).reset_index()
