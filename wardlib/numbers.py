"""Reading numbers out of text columns, with a finding for every cell that is not one.

The data contract asks for plain machine numbers: a dot for decimals, no
thousands separators (``5137820843``, ``55.4``). Vietnamese writing
(``5.137.820.843``, ``55,4``) is refused with a message that says how to
write it, never silently read as another number.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from wardlib.findings import Finding

# Vietnamese thousands dots (5.137.820.843) or a decimal comma (55,4): say so in the message.
_VI_NUMBER = re.compile(r"^[+-]?\d{1,3}(\.\d{3})+(,\d+)?$|^[+-]?\d+,\d+$")
_PLAIN = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")

MAX_FINDINGS_PER_COLUMN = 50  # beyond this, one summary finding: a broken column is one problem


def blank(series: pd.Series) -> pd.Series:
    """True where a text cell is empty or only spaces (or missing)."""
    return series.isna() | series.astype("string").str.strip().eq("").fillna(True)


def parse_numbers(
    series: pd.Series,
    *,
    file: str | pd.Series,
    column: str,
    rows: pd.Series,
    context: pd.DataFrame | None = None,
    rule: str = "contract.number",
) -> tuple[pd.Series, list[Finding]]:
    """Convert a column to float64; blanks become NaN; anything else not a number is a finding.

    ``file`` names the file (or gives each cell's file, for rows gathered from
    several files); ``rows`` gives each cell's row number as a person sees it; ``context`` may
    hold ``unit_code``, ``period`` and ``indicator`` columns to name in findings.
    """
    if pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series):
        values = series.astype("float64")
        bad = ~np.isfinite(values) & values.notna()
        return values.where(~bad), _findings(series, bad, file, column, rows, context, rule)
    text = series.astype("string").str.strip()
    is_blank = text.isna() | text.eq("")
    ok = text.str.fullmatch(_PLAIN.pattern).fillna(False)
    values = pd.to_numeric(text.where(ok & ~is_blank), errors="coerce").astype("float64")
    bad = ~is_blank & (~ok | ~np.isfinite(values.fillna(0)))
    return values.where(~bad), _findings(text, bad, file, column, rows, context, rule)


def _findings(text, bad, file, column, rows, context, rule) -> list[Finding]:
    idx = bad[bad].index
    out: list[Finding] = []
    for i in idx[:MAX_FINDINGS_PER_COLUMN]:
        raw = text.loc[i]
        if isinstance(raw, str) and _VI_NUMBER.match(raw):
            hint_vi = "số viết kiểu Việt Nam (dấu chấm phân cách nghìn hoặc dấu phẩy thập phân); hãy ghi số máy, ví dụ 5137820843 hoặc 55.4"
            hint_en = "this is Vietnamese number writing (thousands dots or a decimal comma); write a plain number such as 5137820843 or 55.4"
        else:
            hint_vi = "hãy ghi một số (dấu chấm thập phân, không dấu phân cách nghìn) hoặc để trống"
            hint_en = "write a number (dot for decimals, no thousands separators) or leave the cell empty"
        ctx = context.loc[i] if context is not None else {}
        out.append(Finding(
            "error", rule,
            f"'{raw}' không phải là số: {hint_vi}.",
            f"'{raw}' is not a number: {hint_en}.",
            file=file if isinstance(file, str) else str(file.loc[i]), row=int(rows.loc[i]), column=column,
            unit_code=_opt(ctx, "unit_code"), period=_opt(ctx, "period"), indicator=_opt(ctx, "indicator"),
        ))
    if len(idx) > MAX_FINDINGS_PER_COLUMN:
        more = len(idx) - MAX_FINDINGS_PER_COLUMN
        out.append(Finding(
            "error", rule,
            f"còn {more} ô khác trong cột '{column}' cũng không phải là số.",
            f"{more} more cells of column '{column}' are not numbers either.",
            file=file if isinstance(file, str) else None, column=column,
        ))
    return out


def _opt(ctx, key):
    try:
        v = ctx[key]
    except (KeyError, TypeError):
        return None
    return None if v is None or (isinstance(v, float) and np.isnan(v)) or v == "" else str(v)
