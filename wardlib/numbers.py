"""Reading numbers out of text columns, with a finding for every cell that is not one.

The data contract asks for plain machine numbers: a dot for decimals, no
thousands separators (``5137820843``, ``55.4``). Vietnamese writing
(``5.137.820.843``, ``55,4``, ``55,4%``) is read only where the file's locale
is declared ``vi`` (``--locale vi`` or ``dataset.toml``); without it such text
is an error that suggests the option — never silently read as another number.
The locale is read in every numeric field: values, stated percentages and
targets (``>9.270.000.000`` is 9270000000 under ``vi``).

A count or an amount (the catalog's ``kind``) written with one dot and exactly
three digits after it (``9.702``, ``>1.250``) is ambiguous where no locale is
declared: 9702 in Vietnamese writing, 9.702 in English. It is refused, naming
file, row and column, unless the locale is declared: write ``9702``, or
``9.7020`` if a decimal is meant, or declare ``--locale vi`` (``locale = "vi"``
in ``dataset.toml``). Rates, percentages and scores are not counted: ``55.125``
there can only be a decimal.

Cells that say there is no figure: ``N/A``, ``NA``, ``n/a`` are read as
empty (a note says so). A lone ``-`` is refused: in Vietnamese statistics it
means "nothing happened" (0) as often as "not available", so the file must say
which.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from wardlib.findings import Finding
from wardlib.tables import INVISIBLE, invisible_names, shown

# Vietnamese thousands dots (5.137.820.843) or a decimal comma (55,4), perhaps with a % sign.
_VI_NUMBER = re.compile(r"^[+-]?(\d{1,3}(\.\d{3})+(,\d+)?|\d+,\d+|\d+)\s*%?$")
_VI_GROUPED = re.compile(r"^[+-]?\d{1,3}(\.\d{3})+(,\d+)?\s*%?$|^[+-]?\d+,\d+\s*%?$|^[+-]?\d+(\.\d+)?\s*%$")
_PLAIN = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
NOT_AVAILABLE = ("n/a", "na", "#n/a")  # read as empty
AMBIGUOUS = ("-", "–", "—", "x", "...", "…")  # 0 or "not available"? the file must say

# One dot and exactly three digits after it, the first group 1–3 digits not starting with 0: a
# thousands group in Vietnamese writing (9.702 = 9702) or a decimal in English (9.702).
_ONE_GROUP = re.compile(r"^[+-]?[1-9]\d{0,2}\.\d{3}$")
AMBIGUOUS_KINDS = ("count", "amount")  # kinds whose figures are often thousands: people, households, đồng

MAX_FINDINGS_PER_COLUMN = 50  # beyond this, one summary finding: a broken column is one problem


def blank(series: pd.Series) -> pd.Series:
    """True where a text cell is empty or only spaces (or missing)."""
    return series.isna() | series.astype("string").str.strip().eq("").fillna(True)


def one_thousands_group(text: pd.Series) -> pd.Series:
    """True where a text reads as a number with one dot and three digits after it (``9.702``).

    >>> one_thousands_group(pd.Series(["9.702", "9702", "0.125", "1234.567", "9.70", "-1.250"])).tolist()
    [True, False, False, False, False, True]
    """
    return text.astype("string").str.strip().str.fullmatch(_ONE_GROUP.pattern).fillna(False).astype(bool)


def ambiguous_messages(text: str) -> tuple[str, str]:
    """What to say (vi, en) of a count or amount ``text`` such as ``9.702`` read without a locale."""
    digits = text.strip().lstrip("+-")
    whole, frac = digits.split(".")
    return (
        f"'{text}' (số đếm hoặc số tiền) không rõ nghĩa khi tệp chưa khai báo cách viết số: có thể là {whole}{frac} (dấu chấm "
        f"phân cách nghìn, kiểu Việt Nam) hoặc {digits} (dấu chấm thập phân). Hãy ghi {whole}{frac}, hoặc "
        f"{digits}0 nếu đúng là số thập phân, hoặc khai báo cách viết Việt Nam bằng --locale vi "
        "(hay locale = \"vi\" trong dataset.toml).",
        f"'{text}' is ambiguous for a count or amount in a file with no declared locale: {whole}{frac} in "
        f"Vietnamese writing (a thousands dot) or {digits} with a decimal dot. Write {whole}{frac}, or {digits}0 "
        "if a decimal is meant, or declare Vietnamese writing with --locale vi (or locale = \"vi\" in dataset.toml).",
    )


def parse_numbers(
    series: pd.Series,
    *,
    file: str | pd.Series,
    column: str,
    rows: pd.Series,
    context: pd.DataFrame | None = None,
    rule: str = "contract.number",
    vi: bool | pd.Series = False,
) -> tuple[pd.Series, list[Finding]]:
    """Convert a column to float64; blanks become NaN; anything else not a number is a finding.

    ``file`` names the file (or gives each cell's file, for rows gathered from
    several files); ``rows`` gives each cell's row number as a person sees it; ``context`` may
    hold ``unit_code``, ``period`` and ``indicator`` columns to name in findings.
    ``vi`` (for the whole column or per cell) reads Vietnamese number writing.
    """
    if pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series):
        values = series.astype("float64")
        bad = ~np.isfinite(values) & values.notna()
        return values.where(~bad), _findings(series, bad, file, column, rows, context, rule)
    text = series.astype("string").str.strip()
    vi = pd.Series(vi, index=text.index) if isinstance(vi, bool) else vi.reindex(text.index).fillna(False)
    vi = vi.astype(bool)
    # Each distinct (text, locale) once: a column of millions of cells holds a few thousand texts.
    t_codes, t_uniques = pd.factorize(text, use_na_sentinel=False)
    codes, keys = pd.factorize(t_codes.astype(np.int64) * 2 + vi.to_numpy(dtype=np.int64))
    u_text = pd.Series(t_uniques, dtype="string").take(keys // 2).reset_index(drop=True)
    u_values, u_bad, u_na = _parse_text(u_text, pd.Series(keys % 2 == 1))
    values = pd.Series(u_values.to_numpy()[codes], index=text.index, dtype="float64")
    bad = pd.Series(u_bad.to_numpy()[codes], index=text.index)
    na = pd.Series(u_na.to_numpy()[codes], index=text.index)
    found = _findings(text, bad, file, column, rows, context, rule)
    found += _not_available_notes(text, na, file, column, rows, context)
    return values.where(~bad), found


# Full-width forms (U+FF01–U+FF5E: "２４", "５５，４％") that East Asian input methods type: the ASCII
# character they stand for. Only this block: NFKC would also turn a footnote "¹" into a digit.
_FULL_WIDTH = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}


def _parse_text(text: pd.Series, vi: pd.Series) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Values, not-a-number flags and "N/A" flags of stripped texts (``vi``: Vietnamese writing per text)."""
    wide = text.str.contains("[\uff01-\uff5e\u3000]", regex=True).fillna(False)
    if wide.any():
        text = text.where(~wide, text.str.translate(_FULL_WIDTH).str.strip())
    lowered = text.str.lower()
    na = lowered.isin(NOT_AVAILABLE).fillna(False)
    is_blank = text.isna() | text.eq("") | na
    ok = text.str.fullmatch(_PLAIN.pattern).fillna(False)
    cleaned = text.where(ok)
    # Declared Vietnamese: dots group thousands (1.234 is 1234), a comma is the decimal mark.
    grouped = text.str.fullmatch(r"[+-]?\d{1,3}(\.\d{3})+(,\d+)?\s*%?").fillna(False)
    local = vi & ~is_blank & (grouped | (~ok & text.str.fullmatch(_VI_NUMBER.pattern).fillna(False)))
    # A plain number with a % sign (the seed's "55.4%"): only the sign goes.
    percent = vi & ~is_blank & ~local & text.str.fullmatch(r"[+-]?\d+(\.\d+)?\s*%").fillna(False)
    if local.any() or percent.any():
        bare = text.str.replace(r"\s*%$", "", regex=True)
        cleaned = cleaned.where(~local, bare.str.replace(".", "", regex=False).str.replace(",", ".", regex=False))
        cleaned = cleaned.where(~percent, bare)
        ok = ok | local | percent
    values = pd.to_numeric(cleaned.where(ok & ~is_blank), errors="coerce").astype("float64")
    bad = (~is_blank & (~ok | ~np.isfinite(values.fillna(0)))).astype(bool)
    return values.where(~bad), bad, na.astype(bool)


def _not_available_notes(text, na, file, column, rows, context) -> list[Finding]:
    idx = na[na].index
    out = []
    for i in idx[:MAX_FINDINGS_PER_COLUMN]:
        ctx = context.loc[i] if context is not None else {}
        out.append(Finding(
            "info", "contract.not_available", f"'{text.loc[i]}' được đọc là ô trống (chưa có số liệu).",
            f"'{text.loc[i]}' is read as an empty cell (no figure).",
            file=file if isinstance(file, str) else str(file.loc[i]), row=int(rows.loc[i]), column=column,
            unit_code=_opt(ctx, "unit_code"), period=_opt(ctx, "period"), indicator=_opt(ctx, "indicator")))
    return out


def _findings(text, bad, file, column, rows, context, rule) -> list[Finding]:
    idx = bad[bad].index
    out: list[Finding] = []
    for i in idx[:MAX_FINDINGS_PER_COLUMN]:
        raw = text.loc[i]
        if isinstance(raw, str) and _VI_GROUPED.match(raw):
            hint_vi = ("số viết kiểu Việt Nam (dấu chấm phân cách nghìn, dấu phẩy thập phân hoặc dấu %); hãy ghi số máy, "
                       "ví dụ 5137820843 hoặc 55.4, hoặc khai báo cách viết này bằng --locale vi "
                       "(hay locale = \"vi\" trong dataset.toml)")
            hint_en = ("this is Vietnamese number writing (thousands dots, a decimal comma or a % sign); write a plain "
                       "number such as 5137820843 or 55.4, or declare this writing with --locale vi "
                       "(or locale = \"vi\" in dataset.toml)")
        elif isinstance(raw, str) and raw.strip().lower() in AMBIGUOUS:
            hint_vi = "không rõ nghĩa: ghi 0 nếu không có phát sinh, hoặc để trống nếu chưa có số liệu"
            hint_en = "it is ambiguous: write 0 if nothing happened, or leave the cell empty if the figure is not available"
        else:
            hint_vi = "hãy ghi một số (dấu chấm thập phân, không dấu phân cách nghìn) hoặc để trống"
            hint_en = "write a number (dot for decimals, no thousands separators) or leave the cell empty"
        ctx = context.loc[i] if context is not None else {}
        if isinstance(raw, str) and INVISIBLE.search(raw):
            names_vi, names_en = invisible_names(raw)
            hint_vi = f"ô có ký tự vô hình ({names_vi}): hãy xóa nó"
            hint_en = f"the cell holds an invisible character ({names_en}): delete it"
        out.append(Finding(
            "error", rule,
            f"{shown(raw)} không phải là số: {hint_vi}.",
            f"{shown(raw)} is not a number: {hint_en}.",
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
