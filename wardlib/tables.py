"""Reading one tabular input file (CSV, Excel, Parquet) into text columns, and checking its columns.

Every reader returns the cells as text (Parquet keeps its numeric columns),
plus the row number a person sees when opening the file (the header is row 1
in CSV and Excel), so that every later finding can name file, row and column.
"""

from __future__ import annotations

import difflib
import io
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from wardlib.findings import Finding

SUFFIXES = (".csv", ".xlsx", ".parquet")


@dataclass
class RawTable:
    file: str  # path relative to the dataset folder, as findings show it
    frame: pd.DataFrame  # one column per header, text cells; plus "_row"
    findings: list[Finding] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not any(f.severity == "error" for f in self.findings)


def _error(file: str, vi: str, en: str, rule: str = "contract.file", **loc) -> Finding:
    return Finding("error", rule, vi, en, file=file, **loc)


def read_table(path: Path, root: Path) -> RawTable:
    """Read ``path``; problems with the file as a whole become findings, never exceptions."""
    name = path.relative_to(root).as_posix() if path.is_relative_to(root) else str(path)
    suffix = path.suffix.lower()
    try:
        if suffix == ".csv":
            frame, first_row = _read_csv(path), 2
        elif suffix == ".xlsx":
            frame = pd.read_excel(path, dtype=str, keep_default_na=False, engine="openpyxl")
            first_row = 2
        elif suffix == ".parquet":
            frame, first_row = pd.read_parquet(path), 1
        else:
            return RawTable(name, pd.DataFrame(), [_error(
                name, f"định dạng tệp '{suffix}' không được hỗ trợ: dùng .csv, .xlsx hoặc .parquet.",
                f"file type '{suffix}' is not supported: use .csv, .xlsx or .parquet.")])
    except UnicodeDecodeError:
        return RawTable(name, pd.DataFrame(), [_error(
            name, "tệp không phải UTF-8: trong Excel hãy lưu bằng 'CSV UTF-8 (Comma delimited)'.",
            "the file is not UTF-8 text: in Excel, save it as 'CSV UTF-8 (Comma delimited)'.")])
    except pd.errors.EmptyDataError:
        return RawTable(name, pd.DataFrame(), [_error(
            name, "tệp rỗng: cần một dòng tiêu đề và các dòng số liệu.",
            "the file is empty: it needs a header row and data rows.")])
    except pd.errors.ParserError as exc:
        return RawTable(name, pd.DataFrame(), [_error(
            name, f"không đọc được tệp CSV ({exc}); kiểm tra số cột của từng dòng và dấu ngoặc kép.",
            f"cannot parse the CSV file ({exc}); check each row's number of fields and the quotes.")])
    except Exception as exc:  # a corrupt xlsx/parquet: say which file, keep going with the others
        return RawTable(name, pd.DataFrame(), [_error(
            name, f"không đọc được tệp ({type(exc).__name__}: {exc}).",
            f"cannot read the file ({type(exc).__name__}: {exc}).")])
    frame = frame.rename(columns=lambda c: str(c).strip().lstrip("\ufeff").lower())
    frame = frame.reset_index(drop=True)
    frame["_row"] = range(first_row, first_row + len(frame))
    return RawTable(name, frame)


def _read_csv(path: Path) -> pd.DataFrame:
    text = path.read_bytes().decode("utf-8-sig")  # BOM allowed, UnicodeDecodeError otherwise
    return pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, na_filter=False,
                       skipinitialspace=False)


def check_columns(table: RawTable, required: tuple[str, ...], optional: tuple[str, ...]) -> bool:
    """Add a finding per missing required column (error) and unknown column (warning).

    Returns whether all required columns are present.
    """
    cols = [c for c in table.frame.columns if c != "_row"]
    known = set(required) | set(optional)
    ok = True
    for col in required:
        if col not in cols:
            ok = False
            guess = _did_you_mean(col, [c for c in cols if c not in known])
            table.findings.append(_error(
                table.file,
                f"thiếu cột bắt buộc '{col}'{guess[0]}.",
                f"required column '{col}' is missing{guess[1]}.", rule="contract.column"))
    for col in cols:
        if col not in known:
            guess = _did_you_mean(col, [k for k in known if k not in cols])
            table.findings.append(Finding(
                "warning", "contract.column",
                f"cột '{col}' không thuộc hợp đồng dữ liệu và bị bỏ qua{guess[0]}.",
                f"column '{col}' is not part of the data contract and is ignored{guess[1]}.",
                file=table.file, column=col))
    return ok


def _did_you_mean(word: str, candidates: list[str]) -> tuple[str, str]:
    match = difflib.get_close_matches(word, candidates, n=1, cutoff=0.6)
    if not match:
        return "", ""
    return f" (có phải là '{match[0]}'?)", f" (did you mean '{match[0]}'?)"


def check_allowed(table: RawTable, column: str, allowed: tuple[str, ...], rule: str) -> pd.Series:
    """Lower-cased, stripped values of ``column``; an error for each non-blank one not in ``allowed``."""
    values = table.frame[column].astype("string").str.strip().str.lower().fillna("")
    bad = values.ne("") & ~values.isin(allowed)
    for i in bad[bad].index[:50]:
        table.findings.append(_error(
            table.file,
            f"giá trị '{table.frame.at[i, column]}' không hợp lệ; chọn một trong: {', '.join(allowed)}.",
            f"'{table.frame.at[i, column]}' is not allowed; use one of: {', '.join(allowed)}.",
            rule=rule, row=int(table.frame.at[i, '_row']), column=column))
    return values


def text_column(frame: pd.DataFrame, column: str) -> pd.Series:
    """A text column with surrounding spaces removed; empty string where the file has no such column."""
    if column not in frame.columns:
        return pd.Series("", index=frame.index, dtype="string")
    return frame[column].astype("string").str.strip().fillna("")
