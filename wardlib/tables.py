"""Reading one tabular input file (CSV, Excel, Parquet) into text columns, and checking its columns.

Every reader returns the cells as text (Parquet keeps its numeric columns),
plus the row number a person sees when opening the file (the header is row 1
in CSV and Excel), so that every later finding can name file, row and column.
Files made by hand on office PCs are read when what they mean is unambiguous,
and refused with a message saying what to change when it is not:

- CSV in UTF-8 (with or without a BOM) or UTF-16 with a BOM (Excel's
  "Unicode text"); any other encoding only when declared (``encoding`` in
  ``dataset.toml``), never guessed — Windows-1258, TCVN3 and VNI text all
  decode to *something*;
- the separator is found from the header: comma, semicolon (Excel with
  Vietnamese regional settings) or tab;
- Excel: the first visible sheet (or the one ``sheet`` names), formulas by
  the value Excel saved with them, dates in the period column written back
  as ``YYYY-MM`` when Excel turned a typed ``2024-06`` into 1 June 2024;
  merged header cells and hidden sheets are named in the message;
- a file above the size limit is refused before it is read (no out-of-memory
  crash); the limit is ``max_file_mb`` in ``dataset.toml``.

Per-file settings come from ``dataset.toml`` in the dataset folder::

    [defaults]
    locale = "vi"            # Vietnamese numbers: 5.137.820.843 and 55,4%
    [files."observations/phuong-4.csv"]
    encoding = "cp1258"      # declared, never guessed
    [files."observations/bao-cao.xlsx"]
    sheet = "Số liệu"
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import difflib
import io
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from wardlib.findings import Finding

SUFFIXES = (".csv", ".xlsx", ".parquet")
SETTINGS_FILE = "dataset.toml"
LOCALES = ("", "vi")
MAX_FILE_MB = {".csv": 512, ".xlsx": 64, ".parquet": 2048}  # openpyxl needs ~50× an xlsx's size in memory
SEPARATORS = (",", ";", "\t")


@dataclass(frozen=True)
class FileOptions:
    """How to read one file: declared locale, encoding, sheet, size limit."""

    locale: str = ""  # "vi": Vietnamese number writing is read (see wardlib.numbers)
    encoding: str = ""  # a declared text encoding for CSV (e.g. cp1258); empty: UTF-8 or UTF-16 with BOM
    sheet: str = ""  # Excel sheet to read; empty: the first visible one
    max_file_mb: float = 0  # 0: the default for the file type


@dataclass
class Settings:
    """``dataset.toml``: defaults and per-file options; the command line's ``--locale`` wins."""

    defaults: FileOptions = field(default_factory=FileOptions)
    files: dict[str, FileOptions] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)

    def options(self, name: str, locale: str | None = None) -> FileOptions:
        base = self.files.get(name, self.defaults)
        return FileOptions(locale if locale is not None else base.locale, base.encoding, base.sheet,
                           base.max_file_mb)


def read_settings(root: Path) -> Settings:
    """Read ``dataset.toml`` (optional); a problem in it is a finding naming the key to fix."""
    path = root / SETTINGS_FILE
    if not path.is_file():
        return Settings()
    out = Settings()
    try:
        doc = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        out.findings.append(_error(SETTINGS_FILE, f"không đọc được {SETTINGS_FILE}: {exc}.",
                                   f"cannot read {SETTINGS_FILE}: {exc}.", rule="contract.settings"))
        return out

    def options(table: object, where: str, base: FileOptions) -> FileOptions:
        if not isinstance(table, dict):
            out.findings.append(_error(SETTINGS_FILE, f"'{where}' phải là một bảng khóa = giá trị.",
                                       f"'{where}' must be a table of key = value.", rule="contract.settings"))
            return base
        values = {}
        for key, value in table.items():
            if key not in FileOptions.__dataclass_fields__:
                out.findings.append(_error(
                    SETTINGS_FILE, f"khóa '{where}.{key}' không được hỗ trợ; dùng locale, encoding, sheet, max_file_mb.",
                    f"key '{where}.{key}' is not supported; use locale, encoding, sheet, max_file_mb.",
                    rule="contract.settings"))
            elif key == "locale" and value not in LOCALES:
                out.findings.append(_error(SETTINGS_FILE, f"'{where}.locale' phải là \"vi\" hoặc \"\".",
                                           f"'{where}.locale' must be \"vi\" or \"\".", rule="contract.settings"))
            elif key == "encoding" and not _known_encoding(str(value)):
                out.findings.append(_error(SETTINGS_FILE, f"bảng mã '{value}' không tồn tại (ví dụ: utf-8, cp1258).",
                                           f"'{value}' is not a text encoding (e.g. utf-8, cp1258).",
                                           rule="contract.settings"))
            elif key == "max_file_mb" and not (isinstance(value, (int, float)) and value > 0):
                out.findings.append(_error(SETTINGS_FILE, f"'{where}.max_file_mb' phải là số dương.",
                                           f"'{where}.max_file_mb' must be a positive number.",
                                           rule="contract.settings"))
            else:
                values[key] = value
        return FileOptions(**{**base.__dict__, **values})

    out.defaults = options(doc.get("defaults", {}), "defaults", FileOptions())
    for name, table in (doc.get("files") or {}).items():
        out.files[name] = options(table, f"files.{name}", out.defaults)
    return out


def _known_encoding(name: str) -> bool:
    try:
        codecs.lookup(name)
        return True
    except LookupError:
        return False


@dataclass
class RawTable:
    file: str  # path relative to the dataset folder, as findings show it
    frame: pd.DataFrame  # one column per header, text cells; plus "_row"
    findings: list[Finding] = field(default_factory=list)
    options: FileOptions = field(default_factory=FileOptions)

    @property
    def ok(self) -> bool:
        return not any(f.severity == "error" for f in self.findings)


def _error(file: str, vi: str, en: str, rule: str = "contract.file", **loc) -> Finding:
    return Finding("error", rule, vi, en, file=file, **loc)


class _Refused(Exception):
    """A file that cannot be read as it is: its findings say why."""

    def __init__(self, *findings: Finding):
        self.findings = list(findings)


def read_table(path: Path, root: Path, options: FileOptions | None = None) -> RawTable:
    """Read ``path``; problems with the file as a whole become findings, never exceptions."""
    name = path.relative_to(root).as_posix() if path.is_relative_to(root) else str(path)
    options = options or FileOptions()
    suffix = path.suffix.lower()
    notes: list[Finding] = []
    try:
        if suffix not in SUFFIXES:
            raise _Refused(_error(name, f"định dạng tệp '{suffix}' không được hỗ trợ: dùng .csv, .xlsx hoặc .parquet.",
                                  f"file type '{suffix}' is not supported: use .csv, .xlsx or .parquet."))
        limit = options.max_file_mb or MAX_FILE_MB[suffix]
        size = path.stat().st_size
        if size > limit * 1024 * 1024:
            raise _Refused(_error(
                name, f"tệp quá lớn ({size / 1024 / 1024:,.0f} MB, giới hạn {limit:g} MB): hãy chia thành nhiều tệp "
                      f"trong observations/ hoặc lưu dạng .parquet; có thể nâng giới hạn bằng max_file_mb trong {SETTINGS_FILE}.",
                f"the file is too large ({size / 1024 / 1024:,.0f} MB, the limit is {limit:g} MB): split it into several "
                f"files in observations/ or save it as .parquet; the limit can be raised with max_file_mb in {SETTINGS_FILE}.",
                rule="contract.size"))
        if size == 0:
            raise _Refused(_error(name, "tệp rỗng: cần một dòng tiêu đề và các dòng số liệu.",
                                  "the file is empty: it needs a header row and data rows."))
        if suffix == ".csv":
            frame, first_row = _read_csv(path, name, options, notes), 2
        elif suffix == ".xlsx":
            frame, first_row = _read_xlsx(path, name, options, notes), 2
        else:
            frame, first_row = pd.read_parquet(path), 1
    except _Refused as refused:
        return RawTable(name, pd.DataFrame(), refused.findings, options)
    except pd.errors.EmptyDataError:
        return RawTable(name, pd.DataFrame(), [_error(
            name, "tệp rỗng: cần một dòng tiêu đề và các dòng số liệu.",
            "the file is empty: it needs a header row and data rows.")], options)
    except pd.errors.ParserError as exc:
        return RawTable(name, pd.DataFrame(), [_error(
            name, f"không đọc được tệp CSV ({exc}); kiểm tra số cột của từng dòng và dấu ngoặc kép.",
            f"cannot parse the CSV file ({exc}); check each row's number of fields and the quotes.")], options)
    except MemoryError:
        return RawTable(name, pd.DataFrame(), [_error(
            name, "không đủ bộ nhớ để đọc tệp: hãy chia thành nhiều tệp nhỏ hơn.",
            "not enough memory to read the file: split it into smaller files.", rule="contract.size")], options)
    except Exception as exc:  # a corrupt xlsx/parquet: say which file, keep going with the others
        return RawTable(name, pd.DataFrame(), [_error(
            name, f"không đọc được tệp ({type(exc).__name__}: {exc}).",
            f"cannot read the file ({type(exc).__name__}: {exc}).")], options)
    frame = frame.rename(columns=lambda c: str(c).strip().lstrip("\ufeff").lower())
    frame = frame.reset_index(drop=True)
    frame["_row"] = range(first_row, first_row + len(frame))
    if frame.empty:
        notes.append(Finding("warning", "contract.file", "tệp chỉ có dòng tiêu đề, không có dòng số liệu nào.",
                             "the file has a header row but no data rows.", file=name))
    return RawTable(name, frame, notes, options)


def _decode(raw: bytes, name: str, options: FileOptions) -> str:
    """Text of a CSV file: UTF-8 (BOM optional), UTF-16 with a BOM, or the declared encoding."""
    if options.encoding:
        try:
            return raw.decode(options.encoding)
        except UnicodeDecodeError as exc:
            raise _Refused(_error(
                name, f"tệp không đọc được bằng bảng mã khai báo '{options.encoding}' (byte {exc.start}).",
                f"the file cannot be read with its declared encoding '{options.encoding}' (byte {exc.start}).",
                rule="contract.encoding")) from None
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return raw.decode("utf-16")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[:exc.start].count(b"\n") + 1
        raise _Refused(_error(
            name, f"tệp không phải UTF-8 (dòng {line}); có thể là Windows-1258, TCVN3 hoặc VNI. Trong Excel hãy lưu "
                  f"bằng 'CSV UTF-8 (Comma delimited)', hoặc khai báo encoding = \"cp1258\" cho tệp này trong {SETTINGS_FILE}.",
            f"the file is not UTF-8 text (line {line}); it may be Windows-1258, TCVN3 or VNI. In Excel, save it as "
            f"'CSV UTF-8 (Comma delimited)', or declare encoding = \"cp1258\" for this file in {SETTINGS_FILE}.",
            row=line, rule="contract.encoding")) from None


def _read_csv(path: Path, name: str, options: FileOptions, notes: list[Finding]) -> pd.DataFrame:
    text = _decode(path.read_bytes(), name, options)
    if "\x00" in text:
        raise _Refused(_error(name, "tệp có ký tự NUL: không phải tệp văn bản CSV.",
                              "the file contains NUL characters: it is not CSV text.", rule="contract.encoding"))
    header = text.lstrip("\ufeff").split("\n", 1)[0]
    counts = {sep: next(csv.reader([header], delimiter=sep), []).__len__() for sep in SEPARATORS}
    sep = max(SEPARATORS, key=lambda s: counts[s])
    if counts[sep] < 2:
        sep = ","
    return pd.read_csv(io.StringIO(text), sep=sep, dtype=str, keep_default_na=False, na_filter=False,
                       skipinitialspace=False)


def _read_xlsx(path: Path, name: str, options: FileOptions, notes: list[Finding]) -> pd.DataFrame:
    import openpyxl

    book = openpyxl.load_workbook(path, read_only=False, data_only=True)
    try:
        visible = [ws for ws in book.worksheets if ws.sheet_state == "visible"]
        hidden = [ws.title for ws in book.worksheets if ws.sheet_state != "visible"]
        if options.sheet:
            if options.sheet not in book.sheetnames:
                raise _Refused(_error(
                    name, f"không có trang tính '{options.sheet}'; các trang: {', '.join(book.sheetnames)}.",
                    f"there is no sheet '{options.sheet}'; the sheets are: {', '.join(book.sheetnames)}.",
                    rule="contract.excel"))
            ws = book[options.sheet]
        elif visible:
            ws = visible[0]
        else:
            raise _Refused(_error(name, "tệp Excel không có trang tính nào đang hiện.",
                                  "the workbook has no visible sheet.", rule="contract.excel"))
        if hidden or len(visible) > 1:
            others = [t for t in book.sheetnames if t != ws.title]
            notes.append(Finding(
                "info", "contract.excel",
                f"chỉ đọc trang tính '{ws.title}'; bỏ qua: {', '.join(others)} (chọn trang khác bằng sheet trong {SETTINGS_FILE}).",
                f"only the sheet '{ws.title}' is read; ignored: {', '.join(others)} (choose another with sheet in {SETTINGS_FILE}).",
                file=name))
        merged = [r for r in ws.merged_cells.ranges if r.min_row == 1]
        if merged:
            raise _Refused(_error(
                name, f"dòng tiêu đề có ô gộp ({', '.join(str(r) for r in merged[:3])}): mỗi cột cần một ô tiêu đề "
                      "riêng ở dòng 1 (unit_code, period, indicator, value…); hãy bỏ gộp ô.",
                f"the header row has merged cells ({', '.join(str(r) for r in merged[:3])}): each column needs its "
                "own header cell in row 1 (unit_code, period, indicator, value…); unmerge them.",
                row=1, rule="contract.excel"))
        rows = list(ws.iter_rows(values_only=True))
    finally:
        book.close()
    if not rows:
        raise _Refused(_error(name, "trang tính rỗng: cần một dòng tiêu đề và các dòng số liệu.",
                              "the sheet is empty: it needs a header row and data rows."))
    header = ["" if h is None else str(h) for h in rows[0]]
    width = max(len(header), 1)
    body = [list(r) + [None] * (width - len(r)) for r in rows[1:] if any(c not in (None, "") for c in r)]
    columns = [h.strip().lower() for h in header]
    out = []
    for i, r in enumerate(body, start=2):
        out.append([_cell_text(v, columns[j] if j < len(columns) else "", name, i, notes)
                    for j, v in enumerate(r[:width])])
    if _formulas_without_values(path):
        notes.append(Finding(
            "warning", "contract.excel",
            "tệp có công thức mà Excel chưa lưu giá trị (tệp tạo bằng chương trình khác): ô đó được đọc là trống; "
            "hãy mở và lưu lại bằng Excel.",
            "the file has formulas without a saved value (it was written by another program): those cells read as "
            "empty; open and save it in Excel.", file=name))
    return pd.DataFrame(out, columns=header[:width])


def _cell_text(v, column: str, name: str, row: int, notes: list[Finding]) -> str:
    """An Excel cell as the text the contract reads; dates only where their meaning is plain."""
    if v is None:
        return ""
    if isinstance(v, dt.datetime):
        if column == "period" and v.day == 1 and v.hour == v.minute == v.second == 0:
            notes.append(Finding(
                "info", "contract.excel", f"Excel đã đổi kỳ '{v:%Y-%m}' thành ngày {v:%d/%m/%Y}; được đọc là {v:%Y-%m}.",
                f"Excel turned the period '{v:%Y-%m}' into the date {v:%Y-%m-%d}; it is read as {v:%Y-%m}.",
                file=name, row=row, column=column))
            return f"{v:%Y-%m}"
        return v.isoformat(sep=" ") if (v.hour, v.minute, v.second) != (0, 0, 0) else f"{v:%Y-%m-%d}"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        return repr(int(v)) if v.is_integer() and abs(v) < 1e15 else repr(v)
    return str(v)


def _formulas_without_values(path: Path) -> bool:
    """Whether the workbook has formula cells with no cached value."""
    import openpyxl

    formulas = openpyxl.load_workbook(path, read_only=True, data_only=False)
    values = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        for ws_f, ws_v in zip(formulas.worksheets, values.worksheets):
            for row_f, row_v in zip(ws_f.iter_rows(values_only=True), ws_v.iter_rows(values_only=True)):
                for f, v in zip(row_f, row_v):
                    if isinstance(f, str) and f.startswith("=") and v is None:
                        return True
        return False
    finally:
        formulas.close()
        values.close()


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
