"""Reading filled forms back: checked, compared with the dataset, written as observations.

``wardlib import FORM.xlsx … --data DIR`` reads each form written by
:mod:`wardlib.forms` and, per form:

1. checks its metadata: a wardlib form whose hidden sheet is intact, the
   period asked for (``--period``), a unit that exists in that period with
   the same version, a catalog that still matches (or the lines that changed,
   named), locked cells unchanged;
2. reads every input cell as officers type them — numbers, or text such as
   ``5.137.820.843``, ``55,4%``, ``06/10`` (result/target), ``N/A`` — with
   :func:`wardlib.numbers.parse_numbers` (the loaders' rules and messages);
   formulas by the value the spreadsheet saved; a cell Excel turned into a
   date is refused with the reason;
3. runs the data contract and the consistency rules — the same
   :func:`wardlib.loaders.load_dataset` and :func:`wardlib.quality.collect`
   as ``wardlib validate`` — on the dataset as it would be with the form's
   figures, and maps every finding back to the form's sheet and cell;
4. shows what changes against the dataset (new, changed old → new, removed)
   and, unless ``--dry-run`` or an error, writes
   ``DIR/observations/forms/<period>/<unit_code>.csv`` atomically, in the
   data contract's format (``source`` = the form's file name, ``note`` naming
   the sheet and cells), with ``<unit_code>.form.json`` beside it recording
   which form it came from and when that form was saved.

The form itself is only ever read. Importing the same form again changes
nothing; a form saved later than the one imported replaces it (the message
names both); one saved earlier is refused. Consistency errors (a stated
percentage the figures do not give) block the import unless
``--as-reported``, which keeps the figures as the ward reported them, for the
checks and the reports to show — as the embedded seed data does.

Exit codes, as ``validate``: 0 every form imported (or unchanged, or checked
with ``--dry-run``), warnings at most; 1 errors found in a form, which was
not written; 2 a form (or the dataset) cannot be read. A bad form never
stops the others.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import sys
import tempfile
import unicodedata
import zipfile
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import pandas as pd

from wardlib import fmt, texts
from wardlib.findings import ContractError, Finding, WardlibError
from wardlib.forms import META_SHEET, catalog_fingerprints, catalog_hash, meta_checksum
from wardlib.loaders import OPTIONAL, REQUIRED, Dataset, load_dataset
from wardlib.numbers import parse_numbers
from wardlib.outputs import write_atomic
from wardlib.periods import Period, PeriodError

EXIT_OK, EXIT_FINDINGS, EXIT_INPUT = 0, 1, 2
FORMS_DIR = "observations/forms"
MAX_FORM_MB = 20  # a form of a few hundred lines is ~30 KB; a bigger file is not one of ours
_SLASH = re.compile(r"^\s*([^/\s]+)\s*/\s*([^/\s]+)\s*$")  # "06/10": result 6 of target 10
_OP = re.compile(r"^\s*(>=|<=|≥|≤|>|<|=)?\s*(.*?)\s*$")
_READ = ("target", "value", "reported_pct", "status", "note")


class FormUnreadable(WardlibError):
    """A file that is not a readable wardlib form (exit 2)."""


@dataclass(frozen=True)
class Problem:
    """A finding placed in the form: which file, sheet and cell the officer must change."""

    finding: Finding
    form: str
    sheet: str | None = None
    cell: str | None = None
    line: str | None = None  # the indicator's name as the form shows it

    @property
    def severity(self) -> str:
        return self.finding.severity

    def format(self, lang: str = "vi") -> str:
        vi = lang == "vi"
        label = {"error": "lỗi", "warning": "cảnh báo", "info": "ghi chú"}[self.severity] if vi else \
            {"error": "error", "warning": "warning", "info": "note"}[self.severity]
        where = [self.form]
        if self.sheet:
            where.append(f"{'trang' if vi else 'sheet'} '{self.sheet}'")
        if self.cell:
            where.append(f"{'ô' if vi else 'cell'} {self.cell}")
        line = f" ({self.line})" if self.line else ""
        return f"{label}: {', '.join(where)}{line}: {self.finding.message(lang)}"


@dataclass
class FormLine:
    """One line as read: its indicator, the row it is on now, and its input cells."""

    code: str
    row: int
    name: str
    computed: bool
    prefilled_target: str
    cells: dict[str, tuple[str, object, str]] = field(default_factory=dict)  # key → (coordinate, value, format)


@dataclass
class FilledForm:
    path: Path
    meta: dict[str, str]
    sheet: str
    lines: list[FormLine]
    declared: dict[str, list[str]]  # code → the metadata's line record
    saved: str  # when the spreadsheet last saved it (ISO, UTC), "" if unknown
    sha256: str
    problems: list[Problem]
    columns_at: dict[str, str] = field(default_factory=dict)  # column key → its letter in the filled form

    @property
    def name(self) -> str:
        return self.path.name


@dataclass
class Outcome:
    """What importing one form did."""

    form: str
    status: str  # written | unchanged | checked | refused | unreadable | failed (the dataset folder is not writable)
    exit_code: int
    problems: list[Problem] = field(default_factory=list)
    changes: dict[str, list] = field(default_factory=dict)  # new / changed / removed / unchanged
    target: Path | None = None
    replaced: str | None = None  # the form whose figures were replaced


def _problem(form: str, severity: str, rule: str, vi: str, en: str, sheet=None, cell=None, line=None,
             **loc) -> Problem:
    return Problem(Finding(severity, rule, vi, en, file=form, **loc), form, sheet, cell, line)


# -- reading the workbook --------------------------------------------------------------------------
def read_form(path: str | Path) -> FilledForm:
    """Open a filled form and gather its metadata and input cells; :class:`FormUnreadable` if it cannot be."""
    import openpyxl

    path = Path(path)
    name = path.name
    if not path.is_file():
        raise FormUnreadable(f"{path}: file not found", f"{path}: không tìm thấy tệp")
    raw = path.read_bytes()
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as z:
            size = sum(i.file_size for i in z.infolist())
    except zipfile.BadZipFile:
        raise FormUnreadable(
            f"{name}: not an Excel workbook (.xlsx); save the form as 'Excel Workbook (.xlsx)'",
            f"{name}: không phải tệp Excel (.xlsx); hãy lưu biểu mẫu dạng 'Excel Workbook (.xlsx)'") from None
    if size > MAX_FORM_MB * 1024 * 1024:
        raise FormUnreadable(f"{name}: {size / 2**20:,.0f} MB unpacked: too large for a form",
                             f"{name}: {size / 2**20:,.0f} MB khi giải nén: quá lớn đối với một biểu mẫu")
    try:
        values = openpyxl.load_workbook(io.BytesIO(raw), data_only=True)
        formulas = openpyxl.load_workbook(io.BytesIO(raw), data_only=False)
    except Exception as exc:  # a damaged file: say which, go on with the other forms
        raise FormUnreadable(f"{name}: cannot read the workbook ({type(exc).__name__}: {exc})",
                             f"{name}: không đọc được tệp Excel ({type(exc).__name__}: {exc})") from None
    if META_SHEET not in values.sheetnames:
        raise FormUnreadable(
            f"{name}: not a wardlib form (it has no '{META_SHEET}' sheet); fill the form made by `wardlib form`",
            f"{name}: không phải biểu mẫu của wardlib (không có trang '{META_SHEET}'); hãy điền biểu mẫu do "
            "`wardlib form` tạo ra")
    problems: list[Problem] = []
    meta, declared, columns = _read_meta(values[META_SHEET], name, problems)
    saved = values.properties.modified
    form = FilledForm(path, meta, meta.get("sheet", ""), [], declared,
                      saved.replace(microsecond=0).isoformat() if isinstance(saved, datetime) else "",
                      hashlib.sha256(raw).hexdigest(), problems)
    if any(p.severity == "error" for p in problems):
        return form
    sheet = form.sheet
    if sheet not in values.sheetnames:
        problems.append(_problem(name, "error", "form.sheet",
                                 f"không còn trang tính '{sheet}' (trang bị đổi tên hoặc xóa); hãy đặt lại tên '{sheet}'.",
                                 f"the sheet '{sheet}' is gone (renamed or deleted); name it '{sheet}' again."))
        return form
    _read_lines(form, values[sheet], formulas[sheet], columns)
    return form


def _read_meta(ws, name: str, problems: list[Problem]):
    rows = [["" if v is None else str(v) for v in r] for r in ws.iter_rows(values_only=True)]
    rows = [r[:next((i for i in range(len(r), 0, -1) if r[i - 1] != ""), 0)] for r in rows]
    body = [r for r in rows if r and r[0] != "checksum"]
    stored = next((r[1] for r in rows if r and r[0] == "checksum" and len(r) > 1), "")
    if stored != meta_checksum(body):
        problems.append(_problem(
            name, "error", "form.metadata",
            f"trang ẩn '{META_SHEET}' đã bị sửa: không thể biết biểu mẫu thuộc đơn vị, kỳ và danh mục nào; "
            "hãy điền lại vào biểu mẫu mới do `wardlib form` tạo ra.",
            f"the hidden sheet '{META_SHEET}' was changed: the form's unit, period and catalog cannot be trusted; "
            "fill a new form made by `wardlib form`.", sheet=META_SHEET))
    meta = {r[1]: (r[2] if len(r) > 2 else "") for r in body if r[0] == "meta" and len(r) > 1}
    columns = {r[1]: (r[2] if len(r) > 2 else "") for r in body if r[0] == "column" and len(r) > 1}
    declared = {r[1]: r + [""] * (9 - len(r)) for r in body if r[0] == "line" and len(r) > 1}
    return meta, declared, columns


def _read_lines(form: FilledForm, ws, ws_formulas, columns: dict[str, str]) -> None:
    """Find the header row and each column by its text, then every line by its indicator code."""
    name, problems = form.name, form.problems
    wanted = {_nfc(text): key for key, text in columns.items()}
    header_row, found = None, {}
    for r in range(1, min(ws.max_row, 40) + 1):
        cells = {_nfc(c.value): c.column for c in ws[r] if c.value is not None}
        hits = {wanted[t]: col for t, col in cells.items() if t in wanted}
        if "code" in hits and "value" in hits:
            header_row, found = r, hits
            break
    if header_row is None:
        problems.append(_problem(name, "error", "form.header",
                                 f"không tìm thấy dòng tiêu đề (các cột '{columns.get('code')}', '{columns.get('value')}'): "
                                 "tiêu đề cột đã bị sửa hoặc xóa; hãy khôi phục (Ctrl+Z) hoặc dùng biểu mẫu mới.",
                                 f"the header row (columns '{columns.get('code')}', '{columns.get('value')}') is gone: a "
                                 "header was changed or deleted; undo it (Ctrl+Z) or use a new form.", sheet=form.sheet))
        return
    for key, text in columns.items():
        if key not in found:
            problems.append(_problem(name, "error", "form.header",
                                     f"cột '{text}' không còn ở dòng tiêu đề {header_row} (tiêu đề bị sửa hoặc cột bị "
                                     "xóa); hãy khôi phục tiêu đề đúng như cũ.",
                                     f"the column '{text}' is no longer in the header row {header_row} (renamed or "
                                     "deleted); restore its header exactly.", sheet=form.sheet))
    if any(p.severity == "error" for p in problems):
        return
    from openpyxl.utils import get_column_letter

    by_name = {_nfc(d[2]): code for code, d in form.declared.items()}
    seen: dict[str, int] = {}
    for r in range(header_row + 1, ws.max_row + 1):
        def cell(key, r=r):
            c = ws.cell(r, found[key])
            return c, ws_formulas.cell(r, found[key]).value

        code_cell, _ = cell("code")
        code = "" if code_cell.value is None else str(code_cell.value).strip()
        if not code:
            filled = [cell(k)[0].coordinate for k in ("value", "reported_pct") if cell(k)[0].value not in (None, "")]
            name_text = _nfc(cell("name")[0].value)
            if filled and name_text in by_name:
                problems.append(_problem(name, "error", "form.sorted",
                                         f"dòng {r} là chỉ tiêu '{name_text}' nhưng mất mã ở cột A (ẩn): có lẽ bảng được "
                                         "sắp xếp mà không gồm cột A; hãy hoàn tác (Ctrl+Z) và sắp xếp cả bảng.",
                                         f"row {r} is the line '{name_text}' but lost its code in (hidden) column A: the "
                                         "table was probably sorted without column A; undo (Ctrl+Z) and sort the whole "
                                         "table.", sheet=form.sheet, cell=f"A{r}"))
            elif filled:
                problems.append(_problem(name, "warning", "form.stray",
                                         f"dòng {r} có số liệu ({', '.join(filled)}) nhưng không thuộc chỉ tiêu nào của "
                                         "biểu mẫu: bị bỏ qua.",
                                         f"row {r} has figures ({', '.join(filled)}) but is no line of the form: ignored.",
                                         sheet=form.sheet, cell=filled[0]))
            continue
        if code not in form.declared:
            problems.append(_problem(name, "error", "form.locked",
                                     f"ô {code_cell.coordinate} có mã '{code}' không thuộc biểu mẫu (ô đã khóa bị sửa); "
                                     "hãy khôi phục hoặc xóa dòng này.",
                                     f"cell {code_cell.coordinate} holds the code '{code}', which is not a line of this "
                                     "form (a locked cell was changed); restore it or delete the row.",
                                     sheet=form.sheet, cell=code_cell.coordinate))
            continue
        decl = form.declared[code]
        if code in seen:
            problems.append(_problem(name, "error", "form.duplicate",
                                     f"chỉ tiêu có ở cả dòng {seen[code]} và dòng {r}: mỗi chỉ tiêu chỉ ghi một dòng; "
                                     "hãy xóa dòng chép thêm.",
                                     f"the line is on both row {seen[code]} and row {r}: keep one; delete the copy.",
                                     sheet=form.sheet, cell=code_cell.coordinate, line=decl[2]))
            continue
        seen[code] = r
        line = FormLine(code, r, decl[2], decl[7] == "1", decl[8])
        for key, shown in (("name", decl[2]), ("unit", decl[3])):
            c, _ = cell(key)
            now = _nfc(c.value)
            if now != _nfc(shown):
                other = by_name.get(now)
                hint_vi = (" — đây là tên của chỉ tiêu khác: có lẽ bảng được sắp xếp mà không gồm cột A; hãy hoàn tác "
                           "(Ctrl+Z) và sắp xếp cả bảng" if other and other != code else "")
                hint_en = (" — that is another line's name: the table was probably sorted without column A; undo "
                           "(Ctrl+Z) and sort the whole table" if other and other != code else "")
                problems.append(_problem(name, "error", "form.locked",
                                         f"ô đã khóa bị sửa: '{now}' thay cho '{shown}'{hint_vi}; hãy khôi phục nội dung cũ.",
                                         f"a locked cell was changed: '{now}' instead of '{shown}'{hint_en}; restore it.",
                                         sheet=form.sheet, cell=c.coordinate, line=shown))
        for key in _READ:
            c, formula = cell(key)
            value = c.value
            if isinstance(formula, str) and formula.startswith("=") and value is None:
                problems.append(_problem(name, "error", "form.formula",
                                         f"ô có công thức {formula} nhưng chưa có giá trị đã lưu (tệp được tạo bằng "
                                         "chương trình khác): hãy mở và lưu lại bằng Excel hoặc LibreOffice, hoặc ghi số.",
                                         f"the cell holds the formula {formula} without a saved value (written by another "
                                         "program): open and save it in Excel or LibreOffice, or type the number.",
                                         sheet=form.sheet, cell=c.coordinate, line=line.name))
            line.cells[key] = (c.coordinate, value, c.number_format or "")
        form.lines.append(line)
    form.columns_at = {k: get_column_letter(v) for k, v in found.items()}


# -- checking the metadata against the dataset ---------------------------------------------------
def check_metadata(form: FilledForm, data: Dataset, period: str | None = None) -> None:
    """Right period, a unit of this dataset that exists then, the catalog the form was made from."""
    m, name, out = form.meta, form.name, form.problems
    try:
        p = Period.parse(m.get("period", ""))
    except PeriodError:
        out.append(_problem(name, "error", "form.metadata", "biểu mẫu không ghi kỳ báo cáo hợp lệ.",
                            "the form names no valid period.", sheet=META_SHEET))
        return
    if period and str(Period.parse(period)) != str(p):
        out.append(_problem(name, "error", "form.period",
                            f"biểu mẫu là của kỳ {p} ({p.label('vi')}), không phải kỳ {Period.parse(period)} đang nhập; "
                            "hãy gửi đúng biểu mẫu của kỳ này.",
                            f"the form is for {p} ({p.label('en')}), not {Period.parse(period)}, the period being "
                            "imported; send the form of this period.", period=str(p)))
    code = m.get("unit_code", "")
    version = data.units.version_at(code, p.end)
    if version is None:
        version = data.units.version_at(code, p.start)
    if version is None:
        out.append(_problem(name, "error", "form.unit",
                            f"đơn vị '{code}' ({m.get('unit_name')}) không tồn tại trong kỳ {p} theo units.csv của "
                            f"bộ dữ liệu này: biểu mẫu của bộ dữ liệu khác hoặc sai kỳ.",
                            f"unit '{code}' ({m.get('unit_name')}) did not exist during {p} according to this dataset's "
                            "units.csv: a form of another dataset or of the wrong period.", unit_code=code, period=str(p)))
    elif pd.Timestamp(version["valid_from"]).date().isoformat() != m.get("unit_version") or \
            str(version["name"]) != m.get("unit_name"):
        out.append(_problem(name, "error", "form.unit",
                            f"biểu mẫu làm cho {m.get('unit_name')} (mã {code}, hiệu lực từ {m.get('unit_version')}), "
                            f"nhưng units.csv nay ghi {version['name']} (từ {pd.Timestamp(version['valid_from']).date()}): "
                            "hãy tạo biểu mẫu mới.",
                            f"the form was made for {m.get('unit_name')} (code {code}, valid from {m.get('unit_version')}), "
                            f"but units.csv now says {version['name']} (from {pd.Timestamp(version['valid_from']).date()}): "
                            "make a new form.", unit_code=code, period=str(p)))
    if m.get("catalog_hash") != catalog_hash(data.catalog):
        current = catalog_fingerprints(data.catalog)
        where = {line.code: line for line in form.lines}
        changed = 0
        for code_, decl in form.declared.items():
            line = where.get(code_)
            cell = f"{form.columns_at.get('name', 'B')}{line.row}" if line else None
            if code_ not in current:
                changed += 1
                out.append(_problem(name, "error", "form.catalog",
                                    f"chỉ tiêu '{decl[2]}' ({code_}) không còn trong danh mục indicators.csv: biểu mẫu "
                                    "làm theo danh mục cũ; hãy tạo biểu mẫu mới.",
                                    f"the line '{decl[2]}' ({code_}) is no longer in indicators.csv: the form was made "
                                    "from an older catalog; make a new form.", sheet=form.sheet, cell=cell,
                                    line=decl[2], indicator=code_))
            elif current[code_] != decl[5]:
                changed += 1
                now = data.catalog.table.loc[code_]
                out.append(_problem(name, "error", "form.catalog",
                                    f"chỉ tiêu {code_} đã đổi trong danh mục từ khi tạo biểu mẫu (nay: '{now['name_vi']}', "
                                    f"đơn vị '{now['unit']}'): hãy điền biểu mẫu mới.",
                                    f"the line {code_} changed in the catalog since the form was made (now: "
                                    f"'{now['name_en']}', unit '{now['unit']}'): fill a new form.", sheet=form.sheet,
                                    cell=cell, line=decl[2], indicator=code_))
        added = [c for c in current if c not in form.declared]
        if added:
            out.append(_problem(name, "warning", "form.catalog",
                                f"danh mục có thêm {len(added)} chỉ tiêu mà biểu mẫu này không có ({', '.join(added[:5])}"
                                f"{'…' if len(added) > 5 else ''}): lần sau hãy dùng biểu mẫu mới.",
                                f"the catalog has {len(added)} lines this form lacks ({', '.join(added[:5])}"
                                f"{'…' if len(added) > 5 else ''}): use a new form next time."))
        if not changed and not added:
            out.append(_problem(name, "info", "form.catalog",
                                "danh mục đã thay đổi (tiêu đề mục) nhưng các dòng của biểu mẫu vẫn như cũ.",
                                "the catalog changed (section titles) but the form's lines are the same."))


# -- the cells as observations -------------------------------------------------------------------
def _plain(x: float) -> str:
    """A machine number for the CSV; never text a ``vi`` locale would read as thousands (1.125 → 1.1250)."""
    text = repr(float(x)) if not float(x).is_integer() else str(int(x))
    return text + "0" if re.fullmatch(r"[+-]?\d{1,3}(\.\d{3})+", text) else text


def _decimals(text: str) -> int | None:
    m = re.search(r"[.,](\d+)\s*%?$", text.strip())
    return len(m.group(1)) if m and not re.fullmatch(r"\s*\d{1,3}(\.\d{3})+\s*%?", text) else None


def observations(form: FilledForm) -> tuple[pd.DataFrame, dict[int, FormLine]]:
    """The form's figures as rows of the data contract, and CSV row → form line (the provenance)."""
    name, sheet, problems = form.name, form.sheet, form.problems
    lang = form.meta.get("lang", "vi")
    texts: dict[str, dict[int, str]] = {k: {} for k in ("value", "target", "reported_pct")}
    numbers: dict[str, dict[int, float]] = {k: {} for k in texts}
    ops: dict[int, str] = {}
    where: dict[tuple[int, str], str] = {}
    for i, line in enumerate(form.lines):
        for key in ("value", "target", "reported_pct"):
            coord, v, number_format = line.cells[key]
            where[(i, key)] = coord
            if key == "value" and line.computed:
                if v not in ("(tự tính)", "(computed)", None, ""):
                    problems.append(_problem(name, "error", "form.locked",
                                             "dòng này là tỷ lệ tự tính: không ghi kết quả, chỉ ghi tỷ lệ báo cáo nêu.",
                                             "this line is a computed rate: give no result, only the stated percentage.",
                                             sheet=sheet, cell=coord, line=line.name))
                continue
            if key == "target" and line.prefilled_target:
                shown = v if isinstance(v, str) else (None if v is None else _plain(v))
                if shown is None or _same_target(shown, line.prefilled_target) is False:
                    problems.append(_problem(name, "error", "form.locked",
                                             f"chỉ tiêu đã giao {line.prefilled_target} bị sửa thành '{v}': ô đã khóa; "
                                             "hãy khôi phục (chỉ tiêu sai thì báo người tổng hợp).",
                                             f"the given target {line.prefilled_target} was changed to '{v}': a locked "
                                             "cell; restore it (report a wrong target to the compiling office).",
                                             sheet=sheet, cell=coord, line=line.name))
                op, rest = _OP.match(line.prefilled_target).groups()
                ops[i], texts[key][i] = op or "", rest
                continue
            if v is None or (isinstance(v, str) and not v.strip()):
                continue
            if isinstance(v, bool) or isinstance(v, datetime) or hasattr(v, "isoformat"):
                problems.append(_problem(name, "error", "form.date",
                                         f"Excel đã đổi nội dung ô thành ngày ({v:%d/%m/%Y}): nếu là «kết quả/chỉ tiêu» "
                                         "hãy ghi kết quả vào cột Kết quả và chỉ tiêu vào cột Chỉ tiêu; nếu là số thì ghi lại số."
                                         if hasattr(v, "strftime") else f"'{v}' không phải là số.",
                                         f"Excel turned the cell into a date ({v:%Y-%m-%d}): if it meant result/target, "
                                         "put the result in the Result column and the target in the Target column; "
                                         "otherwise type the number again." if hasattr(v, "strftime") else
                                         f"'{v}' is not a number.", sheet=sheet, cell=coord, line=line.name))
                continue
            if isinstance(v, (int, float)):
                # A typed "55,4%" becomes 0.554 in a %-formatted cell: the figure is the percentage.
                numbers[key][i] = float(v) * (100 if "%" in number_format else 1)
                continue
            text = _nfc(v)
            if key == "value" and _SLASH.match(text):
                result, target = _SLASH.match(text).groups()
                texts["value"][i] = result
                tcoord, tv, _f = line.cells["target"]
                if tv in (None, "") and i not in texts["target"] and i not in numbers["target"]:
                    texts["target"][i], ops[i] = target, ""
                    where[(i, "target")] = coord
                continue
            if key == "target":
                op, rest = _OP.match(text).groups()
                ops[i], text = {"≥": ">=", "≤": "<="}.get(op or "", op or ""), rest
            texts[key][i] = text
    columns = {}
    for key in ("value", "target", "reported_pct"):
        idx = sorted(set(texts[key]) | set(numbers[key]))
        parsed = pd.Series(float("nan"), index=idx, dtype="float64")
        if texts[key]:
            t_idx = sorted(texts[key])
            series = pd.Series([texts[key][i] for i in t_idx], index=t_idx, dtype="object")
            rows = pd.Series([form.lines[i].row for i in t_idx], index=t_idx)
            vals, found = parse_numbers(series, file=name, column=key, rows=rows, vi=True)
            parsed.loc[t_idx] = vals
            by_row = {form.lines[i].row: i for i in t_idx}
            for f in found:
                i = by_row.get(f.row)
                problems.append(Problem(f, name, sheet, where.get((i, key)) if i is not None else None,
                                        form.lines[i].name if i is not None else None))
        for i, x in numbers[key].items():
            parsed.loc[i] = x
        columns[key] = parsed
    provenance: dict[int, FormLine] = {}
    out = []
    unit_code, period = form.meta.get("unit_code", ""), form.meta.get("period", "")
    for i, line in enumerate(form.lines):
        status = _text(line.cells["status"][1])
        note = _text(line.cells["note"][1])
        typed = [k for k in ("value", "reported_pct") if i in columns[k].index and not pd.isna(columns[k].get(i))]
        typed_target = i in columns["target"].index and not line.prefilled_target and \
            not pd.isna(columns["target"].get(i))
        if not (typed or typed_target or status or note):
            continue
        cells = [line.cells[k][0] for k in _READ if _text(line.cells[k][1]) and not (k == "value" and line.computed)
                 and not (k == "target" and line.prefilled_target)]
        ref = f"{sheet}!{','.join(cells)}"
        provenance[len(out) + 2] = line
        target = columns["target"].get(i) if i in columns["target"].index else None
        pct_text = texts["reported_pct"].get(i)
        pct = columns["reported_pct"].get(i) if i in columns["reported_pct"].index else None
        d = _decimals(pct_text) if pct_text else None
        out.append({
            "unit_code": unit_code, "period": period, "indicator": line.code,
            "value": "" if i not in columns["value"].index or pd.isna(columns["value"].get(i)) else _plain(columns["value"][i]),
            "target": "" if target is None or pd.isna(target) else f"{ops.get(i, '')}{_plain(target)}",
            "reported_pct": "" if pct is None or pd.isna(pct) else (f"{pct:.{d}f}" if d else _plain(pct)),
            "status": status, "unit": "",
            "note": (f"{note} " if note else "") + (f"[ô {ref}]" if lang == "vi" else f"[cell {ref}]"),
            "source": name,
        })
    return pd.DataFrame(out, columns=list(REQUIRED + OPTIONAL)), provenance


def _text(v) -> str:
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return _nfc(v)


def _nfc(v) -> str:
    """Cell text in NFC: Excel on macOS writes Vietnamese decomposed (NFD), which looks the same and compares unequal."""
    return "" if v is None else unicodedata.normalize("NFC", str(v)).strip()


def _same_target(shown: str, given: str) -> bool | None:
    norm = lambda s: re.sub(r"\s+", "", s).replace("≥", ">=").replace("≤", "<=")  # noqa: E731
    try:
        op1, n1 = _OP.match(norm(shown)).groups()
        op2, n2 = _OP.match(norm(given)).groups()
        return (op1 or "") == (op2 or "") and float(n1) == float(n2)
    except (ValueError, TypeError):
        return norm(shown) == norm(given)


def csv_text(rows: pd.DataFrame) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(list(REQUIRED + OPTIONAL))
    w.writerows(rows[list(REQUIRED + OPTIONAL)].itertuples(index=False, name=None))
    return buf.getvalue()


# -- checking the dataset with the form's figures ---------------------------------------------------
def dataset_findings(form: FilledForm, data: Dataset, rel: str, text: str, provenance: dict[int, FormLine],
                     gx: bool = False) -> list[Problem]:
    """The contract and the consistency rules on the dataset with the form's figures, placed in the form."""
    from wardlib import quality

    unit, period = form.meta["unit_code"], form.meta["period"]
    with tempfile.TemporaryDirectory(prefix="wardlib-import-") as tmp:
        # The form's CSV in a folder of its own, read by the loader as if it were in the dataset
        # (which is never written before the checks pass); then every layer, as `validate` runs them.
        draft = Path(tmp) / rel
        draft.parent.mkdir(parents=True)
        draft.write_text(text, encoding="utf-8")
        try:
            d = load_dataset(data.root, set_aside=True, overlay=(rel, Path(tmp)))
            found = quality.check_loaded(d, period=period, gx=gx)
        except ContractError as exc:
            found = exc.findings
    cols = form.columns_at
    out = []
    for f in found:
        if f.file == rel:
            line = provenance.get(f.row)
            key = {"indicator": "name", "unit_code": "name", "period": "name"}.get(f.column or "", f.column or "value")
            cell = f"{cols.get(key, cols.get('value', ''))}{line.row}" if line else None
            # The loader names the CSV file and row: the officer needs the sheet and cell.
            out.append(Problem(_relocate(f, form.name), form.name, form.sheet, cell, line.name if line else None))
        elif f.unit_code == unit and f.period == period:
            out.append(Problem(_relocate(f, form.name), form.name, form.sheet, None, None))
        elif f.severity == "error" and f.rule.startswith("contract."):
            out.append(Problem(f, f.file or "", None, None, None))  # the dataset's own: validate names it
    return out


def _relocate(f: Finding, form: str) -> Finding:
    return Finding(f.severity, f.rule, f.message_vi, f.message_en, file=form, unit_code=f.unit_code,
                   period=f.period, indicator=f.indicator, values=f.values)


# -- one form, end to end --------------------------------------------------------------------------
def import_form(path: str | Path, data: Dataset, *, period: str | None = None, dry_run: bool = False,
                as_reported: bool = False, gx: bool = False) -> Outcome:
    """Check one form against ``data`` and, unless ``dry_run`` or an error, write its observations."""
    path = Path(path)
    try:
        form = read_form(path)
    except FormUnreadable as exc:
        return Outcome(path.name, "unreadable", EXIT_INPUT,
                       [Problem(Finding("error", "form.file", exc.message_vi, str(exc), file=path.name), path.name)])
    if not any(p.severity == "error" for p in form.problems):
        check_metadata(form, data, period)
    problems = form.problems
    if any(p.severity == "error" for p in problems):
        return Outcome(form.name, "refused", EXIT_FINDINGS, problems)
    rows, provenance = observations(form)
    if rows.empty and not any(p.severity == "error" for p in problems):
        problems.append(_problem(form.name, "error", "form.empty",
                                 "biểu mẫu chưa có số liệu nào (các ô màu vàng đều trống): không có gì để nhập.",
                                 "the form holds no figures (every yellow cell is empty): nothing to import.",
                                 sheet=form.sheet))
    else:
        _required(form, rows)
    unit, p = form.meta["unit_code"], str(Period.parse(form.meta["period"]))
    rel = f"{FORMS_DIR}/{p}/{unit}.csv"
    target = data.root / rel
    current = data.observations
    current = current[(current["unit_code"] == unit).to_numpy(dtype=bool) & (current["period"] == p).to_numpy(dtype=bool)]
    problems += _conflicts(form, rows, provenance, current, rel)
    if any(pr.severity == "error" for pr in problems):
        return Outcome(form.name, "refused", EXIT_FINDINGS, problems)
    text = csv_text(rows)
    problems += dataset_findings(form, data, rel, text, provenance, gx)
    changes = diff(rows, current, rel)
    outcome = Outcome(form.name, "checked", EXIT_OK, problems, changes, target)
    blocking = [pr for pr in problems if pr.severity == "error"
                and not (as_reported and pr.finding.rule.startswith("check."))]
    if blocking:
        outcome.status, outcome.exit_code = "refused", EXIT_FINDINGS
        return outcome
    sidecar = target.with_name(f"{unit}.form.json")
    before = json.loads(sidecar.read_text(encoding="utf-8")) if sidecar.is_file() else {}
    if before and before.get("form_saved") and form.saved and form.saved < before["form_saved"]:
        problems.append(_problem(
            form.name, "error", "form.older",
            f"đã nhập một biểu mẫu lưu sau biểu mẫu này ({before.get('form')}, lưu lúc {before['form_saved']}; biểu "
            f"mẫu này lưu lúc {form.saved}): không ghi đè số liệu mới hơn bằng số liệu cũ.",
            f"a form saved later than this one was already imported ({before.get('form')}, saved {before['form_saved']}; "
            f"this one was saved {form.saved}): newer figures are not replaced by older ones."))
        outcome.status, outcome.exit_code = "refused", EXIT_FINDINGS
        return outcome
    record = json.dumps({"form": form.name, "form_sha256": form.sha256, "form_saved": form.saved,
                         "unit_code": unit, "period": p, "rows": len(rows)}, ensure_ascii=False, indent=1) + "\n"
    if target.is_file() and target.read_text(encoding="utf-8") == text:
        if not dry_run and before.get("form_sha256") != form.sha256:
            write_atomic(sidecar, record)  # the same figures from another copy: remember the newest
        outcome.status = "unchanged"
        return outcome
    if before and before.get("form_sha256") != form.sha256:
        outcome.replaced = f"{before.get('form')} ({before.get('form_saved') or '?'})"
    elif target.is_file() and not before:
        outcome.replaced = rel
    if dry_run:
        return outcome
    write_atomic(target, text)
    write_atomic(sidecar, record)
    outcome.status = "written"
    return outcome


def _required(form: FilledForm, rows: pd.DataFrame) -> None:
    """Required lines left empty, at their cells (the completeness rule only counts them); one warning when many."""
    given = dict(zip(rows["indicator"], zip(rows["value"], rows["target"], rows["status"])))
    missing = []
    for line in form.lines:
        need = form.declared[line.code][6]
        if not need or line.computed:
            continue
        value, target, status = given.get(line.code, ("", "", ""))
        if not (value or status):
            missing.append((line, "value"))
        if need == "target" and not target and not line.prefilled_target:
            missing.append((line, "target"))
    if len(missing) <= 5:
        for line, key in missing:
            form.problems.append(_problem(
                form.name, "warning", "form.required",
                "chỉ tiêu bắt buộc chưa có " + ("kết quả (hoặc tình trạng)." if key == "value" else "chỉ tiêu năm."),
                "a required line has no " + ("result (or status)." if key == "value" else "annual target."),
                sheet=form.sheet, cell=line.cells[key][0], line=line.name, indicator=line.code))
    elif missing:
        cells = ", ".join(line.cells[key][0] for line, key in missing[:12]) + ("…" if len(missing) > 12 else "")
        form.problems.append(_problem(
            form.name, "warning", "form.required",
            f"{len(missing)} ô bắt buộc còn trống (kết quả hoặc chỉ tiêu năm của dòng có dấu *): {cells}.",
            f"{len(missing)} required cells are empty (result or annual target of the lines marked *): {cells}.",
            sheet=form.sheet))


def _conflicts(form, rows, provenance, current, rel) -> list[Problem]:
    """Figures of the form the dataset already has from another file: the same key twice breaks the contract."""
    others = current[current["file"].astype(str) != rel]
    other = dict(zip(others["indicator"].astype(str), zip(others["file"].astype(str), others["row"])))
    out = []
    for line in provenance.values():
        if line.code in other:
            f, r = other[line.code]
            out.append(_problem(form.name, "error", "form.conflict",
                                f"bộ dữ liệu đã có số liệu này cho đơn vị và kỳ trong {f}, dòng {r}: mỗi chỉ tiêu chỉ ghi "
                                "một lần; bỏ trống dòng này trong biểu mẫu hoặc xóa dòng đó trong tệp kia.",
                                f"the dataset already has this figure for the unit and period in {f}, row {r}: each "
                                "figure is given once; leave this line empty or delete that row.",
                                sheet=form.sheet, cell=line.cells["value"][0], line=line.name, indicator=line.code))
    return out


def diff(rows: pd.DataFrame, current: pd.DataFrame, rel: str) -> dict[str, list]:
    """new / changed (field: old → new) / removed / unchanged, against the dataset's rows of the unit and period."""
    now = {r["indicator"]: r for r in rows.to_dict("records")}
    cur = {str(r["indicator"]): r for r in current.to_dict("records")}
    out: dict[str, list] = {"new": [], "changed": [], "removed": [], "unchanged": []}
    for code, r in now.items():
        if code not in cur:
            out["new"].append((code, r))
            continue
        c = cur[code]
        old = {"value": c["value"], "target": "" if pd.isna(c["target_value"]) else str(c["target"]),
               "reported_pct": c["reported_pct"], "status": "" if pd.isna(c["status"]) else str(c["status"])}
        changes = []
        for key in ("value", "target", "reported_pct", "status"):
            a, b = old[key], r[key]
            if key in ("value", "reported_pct"):
                a = None if pd.isna(a) else float(a)
                b = None if b == "" else float(b)
            else:
                a, b = a or "", b or ""
                if key == "target" and a and b:
                    a, b = (a, b) if not _same_target(a, b) else (b, b)
            if a != b:
                changes.append((key, a, b))
        out["changed" if changes else "unchanged"].append((code, changes if changes else r))
    for code, c in cur.items():
        if code not in now and str(c["file"]) == rel:
            out["removed"].append((code, c))
    return out


# -- the command ---------------------------------------------------------------------------------------
def add_parser(sub) -> None:
    i = sub.add_parser("import", help="read filled Excel forms back into the dataset, checked")
    i.add_argument("forms", nargs="+", type=Path, metavar="FORM.xlsx", help="filled forms written by `wardlib form`")
    i.add_argument("--data", type=Path, default=None, help="dataset folder (default: the embedded data/)")
    i.add_argument("--period", default=None, help="refuse forms of any other period")
    i.add_argument("--dry-run", action="store_true", help="check and show the changes; write nothing")
    i.add_argument("--as-reported", action="store_true",
                   help="write the figures even when the consistency rules find errors in them (a stated percentage "
                        "its figures do not give): they stay in the data for validate and the reports to show")
    i.add_argument("--gx", action="store_true", help="also run the Great Expectations suites (a few seconds more)")
    i.add_argument("--lang", choices=("vi", "en"), default="vi", help="language of messages")


def main(args) -> int:
    from wardlib.paths import default_data_dir

    lang = args.lang
    try:
        if args.period:
            Period.parse(args.period)
        data = load_dataset(args.data or default_data_dir())
    except ContractError as exc:
        for f in [f for f in exc.findings if f.severity == "error"][:50]:
            print(f.format(lang), file=sys.stderr)
        print("wardlib: the dataset breaks the contract; fix it first (see `wardlib validate`); nothing was imported."
              if lang == "en" else "wardlib: bộ dữ liệu vi phạm hợp đồng dữ liệu; hãy sửa trước (xem `wardlib "
              "validate`); chưa nhập gì.", file=sys.stderr)
        return EXIT_INPUT
    except WardlibError as exc:
        print(f"wardlib: {exc.message_vi if lang == 'vi' else exc}", file=sys.stderr)
        return EXIT_INPUT
    # Oldest saved first: of two forms for the same unit and period, the newer one is imported last and stays.
    paths = sorted(args.forms, key=_saved_key)
    codes = []
    for n, path in enumerate(paths, start=1):
        try:
            outcome = import_form(path, data, period=args.period, dry_run=args.dry_run,
                                  as_reported=args.as_reported, gx=args.gx)
        except OSError as exc:  # the dataset folder cannot be written: say so, go on with the other forms
            outcome = Outcome(path.name, "failed", EXIT_INPUT, [Problem(Finding(
                "error", "form.write", f"không ghi được {exc.filename}: {exc.strerror}",
                f"cannot write {exc.filename}: {exc.strerror}", file=path.name), path.name)])
        report(outcome, data, lang)
        codes.append(outcome.exit_code)
        if outcome.status == "written" and n < len(paths):
            data = load_dataset(data.root)  # the next form of the same unit sees this one
    return max(codes) if codes else EXIT_OK


def _saved_key(path: Path) -> str:
    try:
        with zipfile.ZipFile(path) as z:
            core = z.read("docProps/core.xml").decode("utf-8", "replace")
        m = re.search(r"<dcterms:modified[^>]*>([^<]+)<", core)
        return m.group(1) if m else ""
    except (OSError, KeyError, zipfile.BadZipFile):
        return ""


def report(o: Outcome, data: Dataset, lang: str) -> None:
    """Print what a form import found and did, every finding first."""
    vi = lang == "vi"
    for p in sorted(o.problems, key=lambda p: {"error": 0, "warning": 1, "info": 2}[p.severity]):
        print(p.format(lang), file=sys.stderr)
    cat = data.catalog

    def name(code):
        return cat.name(code, lang) if code in cat else code

    def show(key, x, code):
        if x in (None, ""):
            return "–"
        if key == "status" or key == "target" and not re.fullmatch(r"[0-9.e+-]+", str(x)):
            return str(x)
        r = cat.table.loc[code] if code in cat else None
        if key == "reported_pct":
            text = str(x)
            return fmt.percent(float(x), len(text.split(".")[1]) if "." in text else 0, lang)
        return fmt.quantity(float(x), r["unit"], r["kind"], int(r["decimals"]), lang) if r is not None else str(x)

    words = {"value": ("kết quả", "result"), "target": ("chỉ tiêu", "target"),
             "reported_pct": ("tỷ lệ nêu", "stated %"), "status": ("tình trạng", "status")}
    ch = o.changes
    shown = 40  # per kind of change: a first import of a whole form lists a hundred lines

    def more(kind):
        if len(ch.get(kind, [])) > shown:
            print(f"  … {len(ch[kind]) - shown} {'dòng nữa' if vi else 'more'}", file=sys.stderr)

    for code, r in ch.get("new", [])[:shown]:
        parts = [f"{words[k][0 if vi else 1]} {show(k, r[k], code)}" for k in ("value", "target", "reported_pct", "status")
                 if r[k]]
        print(f"  {'mới' if vi else 'new'}: {name(code)}: {', '.join(parts)}", file=sys.stderr)
    more("new")
    for code, changes in ch.get("changed", [])[:shown]:
        parts = [f"{words[k][0 if vi else 1]} {show(k, a, code)} → {show(k, b, code)}" for k, a, b in changes]
        print(f"  {'sửa' if vi else 'changed'}: {name(code)}: {', '.join(parts)}", file=sys.stderr)
    more("changed")
    for code, c in ch.get("removed", [])[:shown]:
        print(f"  {'bỏ' if vi else 'removed'}: {name(code)} ({'đã có' if vi else 'was'} "
              f"{show('value', c['value'] if not pd.isna(c['value']) else '', code)})", file=sys.stderr)
    more("removed")
    n = {k: len(v) for k, v in ch.items()}
    counts = (f"{n.get('new', 0)} mới, {n.get('changed', 0)} sửa, {n.get('removed', 0)} bỏ, {n.get('unchanged', 0)} "
              "không đổi" if vi else f"{n.get('new', 0)} new, {n.get('changed', 0)} changed, {n.get('removed', 0)} "
              f"removed, {n.get('unchanged', 0)} unchanged")
    errors = sum(p.severity == "error" for p in o.problems)
    where = o.target.relative_to(data.root).as_posix() if o.target else ""
    msg = {
        "written": (f"đã ghi {where} ({counts})" + (f"; thay cho số liệu từ {o.replaced}" if o.replaced else ""),
                    f"wrote {where} ({counts})" + (f"; replaces the figures from {o.replaced}" if o.replaced else "")),
        "unchanged": (f"đã nhập trước đây, không có gì thay đổi ({where})",
                      f"already imported, nothing changed ({where})"),
        "checked": (f"kiểm tra xong, chưa ghi (--dry-run): sẽ ghi {where} ({counts})"
                    + (f", thay cho {o.replaced}" if o.replaced else ""),
                    f"checked, nothing written (--dry-run): would write {where} ({counts})"
                    + (f", replacing {o.replaced}" if o.replaced else "")),
        "refused": (texts.t("cli.import_refused", "vi", n=errors), texts.t("cli.import_refused", "en", n=errors)),
        "unreadable": ("không đọc được: chưa ghi gì", "cannot be read: nothing written"),
        "failed": ("không ghi được vào thư mục dữ liệu", "could not be written into the dataset folder"),
    }[o.status]
    print(f"{o.form}: {msg[0 if vi else 1]}", file=sys.stderr)
