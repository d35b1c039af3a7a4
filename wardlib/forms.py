"""Excel data-entry forms: one workbook per unit and period, for the ward officer to fill.

``wardlib form`` writes ``OUT/<period>/<unit_code>.xlsx`` (openpyxl) with three sheets:

- **Số liệu** (*Figures* with ``--lang en``): one row per catalog line, in the
  catalog's order under its section headings (one sheet rather than one per
  section: an officer scrolls and prints one table, and a reader need not
  chase sheets); the name, the unit of measure, whether the line is required
  (``expect`` in the catalog), the annual target where the data already has
  one (else an input cell), the same period last year (*cùng kỳ*) and the
  previous period for reference, and input cells for the result, the stated
  percentage, the status and a note. A rate the catalog computes (numerator /
  denominator) has no result cell, only the stated percentage.
- **Hướng dẫn** (*Instructions*): how to fill the form, what not to change,
  who to send it to.
- **_wardlib**: very hidden and protected; what :mod:`wardlib.formimport`
  needs to read the form back — unit code and version, period, the catalog's
  hash, each header's text and each line's indicator code and fingerprint —
  plus a checksum of all that, so a changed metadata cell is noticed.

Input cells are unlocked, everything else locked; the sheet protection has no
password (a guide, not a lock-in) and allows sorting, inserting rows and
columns. Rows are found again by the indicator code in the (hidden) column A
and columns by their header text, so a form stays readable after an officer
sorts it, inserts a blank row or adds a comment column.
"""

from __future__ import annotations

import hashlib
import io
import json
import sys
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import pandas as pd

from wardlib import __version__, texts
from wardlib.catalog import Catalog
from wardlib.findings import WardlibError
from wardlib.loaders import Dataset
from wardlib.outputs import write_atomic
from wardlib.periods import Period

FORMAT_VERSION = "1"
META_SHEET = "_wardlib"
DATA_SHEET = {"vi": "Số liệu", "en": "Figures"}
HELP_SHEET = {"vi": "Hướng dẫn", "en": "Instructions"}
HEADER_ROW = 6  # rows 1–5: title, unit, period, legend, (demo-data label)
STATUSES = ("Đang thực hiện", "Hoàn thành", "Đạt", "Vượt", "Không đạt", "Chưa thực hiện",
            "Xuất sắc", "Tốt", "Khá", "Trung bình")

#: The form's columns, in order: key, header (vi, en), width, input?
COLUMNS: list[tuple[str, str, str, float]] = [
    ("code", "Mã chỉ tiêu", "Indicator code", 12),
    ("name", "Tên chỉ tiêu", "Indicator", 58),
    ("unit", "Đơn vị tính", "Unit", 10),
    ("required", "Bắt buộc", "Required", 8),
    ("target", "Chỉ tiêu năm {year}", "Target {year}", 17),
    ("last_year", "Cùng kỳ {last_year}", "Same period {last_year}", 16),
    ("previous", "Kỳ trước {previous}", "Previous period {previous}", 16),
    ("value", "Kết quả {period}", "Result {period}", 18),
    ("reported_pct", "Tỷ lệ % nêu trong báo cáo", "Stated %", 11),
    ("status", "Tình trạng", "Status", 16),
    ("note", "Ghi chú", "Note", 30),
]
INPUTS = ("target", "value", "reported_pct", "status", "note")  # target only where the data has none
_LETTER = {key: chr(ord("A") + i) for i, (key, *_rest) in enumerate(COLUMNS)}
_WIDTH = {key: width for key, _vi, _en, width in COLUMNS}

# Colours: input cells yellow (as office forms mark them), headings light blue, computed lines grey.
_INPUT_FILL, _HEAD_FILL, _SECTION_FILL, _COMPUTED_FILL = "FFF2CC", "1F4E78", "DDEBF7", "EDEDED"
_VI_LOCALE = "[$-42A]"  # Vietnamese (LCID 0x042A): LibreOffice shows 5.137.820.843 whatever its own locale


class FormError(WardlibError):
    """A form cannot be written (unknown unit, no such period …)."""


@dataclass(frozen=True)
class FormLine:
    """One line of the form: a catalog indicator with what the form shows about it."""

    code: str
    name: str
    unit: str
    kind: str
    decimals: int
    section: str
    required: str  # "" | "value" | "target" (the catalog's ``expect``)
    computed: bool  # a rate the catalog computes: no result cell
    target: str  # the annual target already in the data ("" → an input cell)
    last_year: float | None
    previous: float | None
    demo_reference: bool  # the reference figures are demo (synthetic) data


def line_fingerprint(code: str, name_vi: str, unit: str, kind: str, computed: bool) -> str:
    """What a form line means: a changed name, unit of measure or kind makes another question."""
    text = "\x1f".join([code, name_vi, unit, kind, "rate" if computed else ""])
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


def catalog_fingerprints(catalog: Catalog) -> dict[str, str]:
    """code → fingerprint of every catalog line, in the catalog's order."""
    t = catalog.table
    rates = set(catalog.rates().index)
    return {code: line_fingerprint(code, r["name_vi"], r["unit"], r["kind"], code in rates)
            for code, r in zip(t.index, t.to_dict("records"))}


def catalog_hash(catalog: Catalog) -> str:
    """The catalog's version as a form sees it: its lines' fingerprints in order (and its sections)."""
    h = hashlib.sha256()
    for code, fp in catalog_fingerprints(catalog).items():
        h.update(f"{code}={fp};".encode())
    for code, r in catalog.sections.iterrows():
        h.update(f"§{code}={r['title_vi']};".encode())
    return h.hexdigest()[:16]


def meta_checksum(rows: list[list[str]]) -> str:
    """Checksum over the metadata sheet's cells: a hand-edited metadata sheet is noticed.

    Trailing empty cells do not count: a spreadsheet does not store them.
    """
    cells = [[str(c) for c in r][:max((i + 1 for i, c in enumerate(r) if str(c) != ""), default=0)] for r in rows]
    return hashlib.sha256(json.dumps(cells, ensure_ascii=False).encode("utf-8")).hexdigest()[:16]


def headers(period: Period, lang: str) -> dict[str, str]:
    """Header text of each column for this period (the reader finds columns by it)."""
    words = {"year": period.year, "period": str(period), "last_year": str(period.same_period_last_year()),
             "previous": str(period.previous())}
    return {key: (vi if lang == "vi" else en).format(**words) for key, vi, en, _w in COLUMNS}


# -- what a form shows -------------------------------------------------------------------------------
def unit_version(data: Dataset, unit_code: str, period: Period) -> pd.Series:
    """The version of ``unit_code`` valid during ``period`` (at its end, else at its start)."""
    version = data.units.version_at(unit_code, period.end)
    if version is None:
        version = data.units.version_at(unit_code, period.start)
    if version is None:
        known = unit_code in set(data.units.table["code"])
        raise FormError(
            f"unit '{unit_code}' did not exist during {period} according to units.csv" if known
            else f"unit code '{unit_code}' is not in units.csv",
            f"đơn vị '{unit_code}' không tồn tại trong kỳ {period} theo units.csv" if known
            else f"mã đơn vị '{unit_code}' không có trong units.csv")
    return version


def form_lines(data: Dataset, table: pd.DataFrame, unit_code: str, period: Period, lang: str = "vi") -> list[FormLine]:
    """The lines of the form for one unit and period, in the catalog's order.

    Targets: an annual target (*chỉ tiêu*, *dự toán*) already stated for the
    unit in an earlier report of the same year is shown, locked; the others get
    an input cell. References come from the analysis table, so a unit formed in
    2025 shows the history rebuilt from its predecessors.
    """
    cat = data.catalog
    version = unit_version(data, unit_code, period)
    rates = set(cat.rates().index)
    t = table[(table["unit_code"] == unit_code).to_numpy(dtype=bool)]
    t = t[(t["unit_version"] == version["valid_from"]).to_numpy(dtype=bool)]
    # A reported row wins over a derived one for the same indicator and period.
    t = t.assign(_rank=t["origin"].ne("reported").astype(int)).sort_values("_rank")

    def reference(p: Period) -> pd.DataFrame:
        rows = t[(t["period"] == str(p)).to_numpy(dtype=bool)].drop_duplicates("indicator")
        return rows.set_index(rows["indicator"].astype(str))[["value", "synthetic"]]

    last, prev = reference(period.same_period_last_year()), reference(period.previous())
    targets = _known_targets(data, unit_code, period)
    lines = []
    for code, r in zip(cat.table.index, cat.table.to_dict("records")):
        def ref(frame, code=code):
            if code not in frame.index or pd.isna(frame.at[code, "value"]):
                return None, False
            return float(frame.at[code, "value"]), bool(frame.at[code, "synthetic"])

        ly, ly_demo = ref(last)
        pv, pv_demo = ref(prev)
        lines.append(FormLine(code, cat.name(code, lang), r["unit"], r["kind"], int(r["decimals"]), r["section"],
                              r["expect"], code in rates, targets.get(code, ""), ly, pv, ly_demo or pv_demo))
    return lines


def _known_targets(data: Dataset, unit_code: str, period: Period) -> dict[str, str]:
    """indicator → target text stated for the unit in another report of the same year, ending by ``period``'s end.

    Only real figures count: a target of demo data is not offered as the ward's plan.
    """
    obs = data.observations
    # Demo (synthetic) targets are no ward's plan: the officer gives the real one.
    rows = obs[(obs["unit_code"] == unit_code).to_numpy(dtype=bool) & obs["target_value"].notna().to_numpy()
               & ~obs["synthetic"].to_numpy(dtype=bool)]
    out: dict[str, str] = {}
    for p, ind, text in zip(rows["period"].astype(str), rows["indicator"].astype(str), rows["target"].astype(str)):
        q = Period.parse(p)
        if q.year == period.year and q != period and q.end <= period.end:
            out.setdefault(ind, text)
    return out


# -- writing -------------------------------------------------------------------------------------------
def write_form(data: Dataset, table: pd.DataFrame, unit_code: str, period: str | Period, path: Path,
               lang: str = "vi", contact: str | None = None) -> Path:
    """Write the form of one unit and period to ``path`` (atomically)."""
    p = Period.parse(period)
    version = unit_version(data, unit_code, p)
    lines = form_lines(data, table, unit_code, p, lang)
    write_atomic(Path(path), _workbook_bytes(data, version, p, lines, lang, contact))
    return Path(path)


def _workbook_bytes(data: Dataset, version: pd.Series, period: Period, lines: list[FormLine], lang: str,
                    contact: str | None) -> bytes:
    from openpyxl import Workbook
    from openpyxl.workbook.protection import WorkbookProtection

    wb = Workbook()
    ws = wb.active
    ws.title = DATA_SHEET[lang]
    heads = headers(period, lang)
    parent = data.units.name(str(version["parent_code"]), period.end) if version["parent_code"] else ""
    first_row = _data_sheet(ws, data, version, period, lines, heads, lang, parent)
    office = (f"bộ phận tổng hợp báo cáo của {parent}" if lang == "vi" else f"the reporting office of {parent}") \
        if parent else ""
    _help_sheet(wb.create_sheet(HELP_SHEET[lang]), version, period, lang, contact or office)
    _meta_sheet(wb.create_sheet(META_SHEET), data, version, period, lines, heads, lang, first_row)
    # Sheets cannot be deleted, renamed or unhidden by accident; without a password it is only a guide.
    wb.security = WorkbookProtection(lockStructure=True)
    wb.active = 0
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _number_format(kind: str, decimals: int, lang: str) -> str:
    body = "#,##0" + ("." + "0" * decimals if decimals > 0 else "")
    return (_VI_LOCALE if lang == "vi" else "") + body


def _data_sheet(ws, data, version, period, lines, heads, lang, parent) -> int:
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
    from openpyxl.worksheet.datavalidation import DataValidation

    vi = lang == "vi"
    thin = Side(style="thin", color="A6A6A6")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    unlocked = Protection(locked=False)
    input_fill = PatternFill("solid", fgColor=_INPUT_FILL)
    wrap = Alignment(wrap_text=True, vertical="top")

    title = (f"BIỂU NHẬP SỐ LIỆU BÁO CÁO {period.label('vi').upper()}" if vi
             else f"DATA-ENTRY FORM, REPORT FOR THE {period.label('en').upper()}")
    ws["B1"] = title
    ws["B1"].font = Font(bold=True, size=14, color=_HEAD_FILL)
    name = str(version["name"])
    ws["B2"] = (f"Đơn vị: {name} (mã {version['code']})" + (f" — {parent}" if parent else "") if vi
                else f"Unit: {name} (code {version['code']})" + (f" — {parent}" if parent else ""))
    ws["B2"].font = Font(bold=True, size=12)
    ws["B3"] = (f"Kỳ báo cáo: {period} ({period.start:%d/%m/%Y} – {period.end:%d/%m/%Y})" if vi
                else f"Reporting period: {period} ({period.start:%Y-%m-%d} – {period.end:%Y-%m-%d})")
    ws["B4"] = ("Ô màu vàng: nhập số liệu. * : chỉ tiêu bắt buộc. Xem trang «Hướng dẫn» trước khi điền." if vi
                else "Yellow cells: enter the figures. * : required line. Read the «Instructions» sheet first.")
    ws["B4"].fill = input_fill
    if any(line.demo_reference for line in lines):
        ws["B5"] = ("Số in nghiêng màu xám ở cột cùng kỳ và kỳ trước là DỮ LIỆU MINH HỌA (không phải số liệu thật)."
                    if vi else "Grey italic figures in the reference columns are DEMO DATA (not real figures).")
        ws["B5"].font = Font(bold=True, color="C00000")

    head_font = Font(bold=True, color="FFFFFF")
    head_fill = PatternFill("solid", fgColor=_HEAD_FILL)
    for i, (key, _vi, _en, width) in enumerate(COLUMNS):
        c = ws.cell(HEADER_ROW, i + 1, heads[key])
        c.font, c.fill, c.border = head_font, head_fill, border
        c.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
        ws.column_dimensions[_LETTER[key]].width = width
    ws.row_dimensions[HEADER_ROW].height = 45
    ws.column_dimensions["A"].hidden = True  # the codes: the reader needs them, the officer does not

    msgs = _validation_texts(lang)
    dvs = {k: DataValidation(**v) for k, v in msgs.items()}
    for dv in dvs.values():
        ws.add_data_validation(dv)

    row = HEADER_ROW + 1
    section = None
    for line in lines:
        if line.section != section:
            section = line.section
            heading = ws.cell(row, 2, data.catalog.section_title(section, lang))
            heading.font, heading.alignment = Font(bold=True), wrap
            ws.row_dimensions[row].height = _height(heading.value, _WIDTH["name"])
            for col in range(1, len(COLUMNS) + 1):
                ws.cell(row, col).fill = PatternFill("solid", fgColor=_SECTION_FILL)
                ws.cell(row, col).border = border
            row += 1
        values = {"code": line.code, "name": line.name, "unit": line.unit, "required": "*" if line.required else "",
                  "target": _target_cell(line.target), "last_year": line.last_year, "previous": line.previous}
        for key, value in values.items():
            c = ws.cell(row, ord(_LETTER[key]) - 64, value)
            c.border = border
            c.alignment = wrap if key == "name" else Alignment(vertical="top")
        ws.row_dimensions[row].height = _height(line.name, _WIDTH["name"])
        ws.cell(row, 4).alignment = Alignment(horizontal="center", vertical="top")
        ws.cell(row, 4).font = Font(bold=True, color="C00000")
        fmt = _number_format(line.kind, line.decimals, lang)
        for key in ("last_year", "previous"):
            c = ws[f"{_LETTER[key]}{row}"]
            c.number_format = fmt
            c.font = Font(italic=True, color="808080") if line.demo_reference else Font(color="595959")
        rule = "percent" if line.kind == "percent" else "rank" if line.kind == "rank" else "number"
        for key in INPUTS:
            c = ws[f"{_LETTER[key]}{row}"]
            c.border = border
            if key == "target" and line.target:
                c.number_format = fmt
                continue  # known target: shown, locked
            if key == "value" and line.computed:
                c.value = "(tự tính)" if vi else "(computed)"
                c.fill = PatternFill("solid", fgColor=_COMPUTED_FILL)
                c.font = Font(italic=True, color="808080")
                continue
            c.protection, c.fill = unlocked, input_fill
            if key in ("value", "target"):
                c.number_format = fmt
                dvs[rule if key == "value" else "target"].add(c.coordinate)
            elif key == "reported_pct":
                c.number_format = "0.0#"
                dvs["reported_pct"].add(c.coordinate)
            elif key == "status":
                dvs["status"].add(c.coordinate)
            else:
                c.alignment = wrap
                dvs["note"].add(c.coordinate)
        row += 1

    ws.freeze_panes = f"C{HEADER_ROW + 1}"
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = ws.ORIENTATION_LANDSCAPE
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.print_options.horizontalCentered = True
    ws.oddFooter.center.text = "&P / &N"
    ws.oddFooter.left.text = f"{version['code']} {period}"
    _protect(ws)
    return HEADER_ROW + 1


def _height(text: str, width: float, line: float = 15.0) -> float:
    """Row height for wrapped text: spreadsheets do not grow rows written by openpyxl (LibreOffice overlaps them)."""
    per_line = max(width * 0.95, 1)
    return line * max(1, -(-len(str(text)) // int(per_line)))


def _target_cell(text: str):
    """A known target as the form shows it: a number when it is one, the text (``>37``) otherwise."""
    if not text:
        return None
    try:
        return float(text) if float(text) != int(float(text)) else int(float(text))
    except ValueError:
        return text


def _protect(ws) -> None:
    """Locked cells protected without a password; sorting, filters and inserting rows and columns allowed."""
    p = ws.protection
    p.sheet = True
    p.formatColumns = p.formatRows = p.formatCells = False
    p.insertRows = p.insertColumns = p.sort = p.autoFilter = False


def _validation_texts(lang: str) -> dict[str, dict]:
    """The data validations of the input cells, with their input and error messages (≤ 255 characters)."""
    vi = lang == "vi"

    def dv(kind, op, f1, f2, ptitle, prompt, etitle, error, style="stop"):
        return dict(type=kind, operator=op, formula1=f1, formula2=f2, allow_blank=True, showInputMessage=True,
                    showErrorMessage=True, promptTitle=ptitle, prompt=prompt, errorTitle=etitle, error=error,
                    errorStyle=style)

    if vi:
        return {
            "number": dv("decimal", "greaterThanOrEqual", "0", None, "Kết quả", "Nhập số ≥ 0, ví dụ 5.137.820.843. "
                         "Ghi 0 nếu không phát sinh; để trống nếu chưa có số liệu.", "Số không hợp lệ",
                         "Ô này cần một số lớn hơn hoặc bằng 0 (số đếm, số tiền). Không ghi chữ hay dấu -."),
            "percent": dv("decimal", "between", "0", "100", "Tỷ lệ (%)", "Nhập tỷ lệ phần trăm từ 0 đến 100, "
                          "ví dụ 96,07.", "Tỷ lệ không hợp lệ", "Tỷ lệ phần trăm phải từ 0 đến 100."),
            "rank": dv("whole", "greaterThanOrEqual", "1", None, "Xếp hạng", "Nhập thứ hạng (số nguyên ≥ 1).",
                       "Hạng không hợp lệ", "Thứ hạng là số nguyên từ 1 trở lên."),
            "target": dv("decimal", "greaterThanOrEqual", "0", None, "Chỉ tiêu năm",
                         "Nhập chỉ tiêu (kế hoạch, dự toán) cả năm, ví dụ 9.270.000.000. Có thể ghi dấu so sánh: >37.",
                         "Chỉ tiêu", "Chỉ tiêu là một số ≥ 0. Nếu chỉ tiêu có dấu so sánh (ví dụ >37), chọn «Có/Yes» "
                         "để giữ.", "warning"),
            "reported_pct": dv("decimal", "greaterThanOrEqual", "0", None, "Tỷ lệ nêu trong báo cáo",
                               "Tỷ lệ % mà báo cáo nêu (ví dụ 55,4). Không bắt buộc: phần mềm tự kiểm tra.",
                               "Tỷ lệ không hợp lệ", "Tỷ lệ phải là số ≥ 0, ví dụ 55,4."),
            "status": dv("list", None, '"' + ",".join(STATUSES) + '"', None, "Tình trạng",
                         "Chọn trong danh sách, ví dụ «Đang thực hiện» khi chưa có kết quả.", "Tình trạng",
                         "Giá trị không có trong danh sách. Chọn «Có/Yes» để giữ.", "warning"),
            "note": dv("textLength", "lessThanOrEqual", "500", None, "Ghi chú",
                       "Ghi chú ngắn: nguồn số liệu, «từ đầu năm đến nay», «ước tính»…", "Ghi chú quá dài",
                       "Ghi chú tối đa 500 ký tự."),
        }
    return {
        "number": dv("decimal", "greaterThanOrEqual", "0", None, "Result", "A number ≥ 0, e.g. 5137820843. "
                     "Write 0 if nothing happened; leave empty if the figure is not known.", "Not a valid number",
                     "This cell needs a number of 0 or more (a count or an amount). No words, no dash."),
        "percent": dv("decimal", "between", "0", "100", "Percentage", "A percentage from 0 to 100, e.g. 96.07.",
                      "Not a valid percentage", "A percentage must be from 0 to 100."),
        "rank": dv("whole", "greaterThanOrEqual", "1", None, "Rank", "A rank (a whole number ≥ 1).",
                   "Not a valid rank", "A rank is a whole number from 1."),
        "target": dv("decimal", "greaterThanOrEqual", "0", None, "Annual target",
                     "The year's target (plan, budget), e.g. 9270000000. A comparison is allowed: >37.", "Target",
                     "A target is a number ≥ 0. If it has a comparison (e.g. >37), choose Yes to keep it.", "warning"),
        "reported_pct": dv("decimal", "greaterThanOrEqual", "0", None, "Stated percentage",
                           "The percentage the report states (e.g. 55.4). Optional: wardlib checks it.",
                           "Not a valid percentage", "A percentage is a number ≥ 0, e.g. 55.4."),
        "status": dv("list", None, '"' + ",".join(STATUSES) + '"', None, "Status",
                     "Choose from the list, e.g. «Đang thực hiện» (in progress) when there is no result yet.",
                     "Status", "The value is not in the list. Choose Yes to keep it.", "warning"),
        "note": dv("textLength", "lessThanOrEqual", "500", None, "Note",
                   "A short note: source, «year to date», «estimate»…", "Note too long", "500 characters at most."),
    }


def _help_sheet(ws, version, period, lang, send_to) -> None:
    from openpyxl.styles import Alignment, Font

    code, name = version["code"], version["name"]
    if lang == "vi":
        lines = [
            ("HƯỚNG DẪN ĐIỀN BIỂU MẪU", True),
            (f"Biểu mẫu số liệu {period.label('vi')} của {name} (mã {code}).", False),
            ("1. Chỉ nhập vào các ô màu vàng ở trang «Số liệu»: Kết quả, Tỷ lệ % nêu trong báo cáo, Tình trạng, "
             "Ghi chú, và Chỉ tiêu năm khi ô đó còn trống.", False),
            ("2. Số viết kiểu Việt Nam được chấp nhận: 5.137.820.843 (dấu chấm ngăn cách nghìn), 55,4 (dấu phẩy thập "
             "phân), 55,4%, «06/10» (kết quả 6 trên chỉ tiêu 10). Ghi N/A hoặc để trống nếu chưa có số liệu; ghi 0 nếu "
             "không phát sinh. Không ghi «-»: không rõ là 0 hay chưa có số liệu.", False),
            ("3. Chỉ tiêu đánh dấu * là bắt buộc trong báo cáo 6 tháng và báo cáo năm; các dòng khác ghi khi có.", False),
            ("4. Các dòng «(tự tính)» là tỷ lệ phần mềm tự tính từ các dòng khác: chỉ ghi tỷ lệ mà báo cáo nêu (nếu có).",
             False),
            ("5. Không sửa các ô đã khóa: tên chỉ tiêu, đơn vị tính, chỉ tiêu đã giao, số liệu tham khảo, tiêu đề cột; "
             "không đổi tên, xóa hay hiện các trang tính ẩn. Được phép: sắp xếp dòng, chèn dòng trống, thêm cột ghi chú.",
             False),
            ("6. Bảo vệ trang tính không đặt mật khẩu; nếu cần sắp xếp, chọn Review/Xem lại → Unprotect Sheet/Bỏ bảo vệ, "
             "sắp xếp cả bảng (kể cả cột A ẩn), rồi bảo vệ lại.", False),
            ("7. Cột «Cùng kỳ» và «Kỳ trước» là số liệu đã có để đối chiếu; số in nghiêng màu xám là dữ liệu minh họa.",
             False),
            (f"8. Lưu tệp dạng Excel (.xlsx), giữ tên tệp {code}.xlsx, và gửi về: {send_to or 'bộ phận tổng hợp báo cáo cấp trên'}. "
             "Người tổng hợp nhập biểu mẫu bằng lệnh «wardlib import» và gửi lại các ô cần sửa (trang, ô, nội dung) nếu có.",
             False),
        ]
    else:
        lines = [
            ("HOW TO FILL THIS FORM", True),
            (f"Figures form, {period.label('en')}, {name} (code {code}).", False),
            ("1. Type only into the yellow cells of the «Figures» sheet: Result, Stated %, Status, Note, and the annual "
             "Target where it is empty.", False),
            ("2. Vietnamese number writing is accepted: 5.137.820.843, 55,4, 55,4%, «06/10» (result 6 of target 10). "
             "Write N/A or leave the cell empty when the figure is not known; 0 when nothing happened. Never «-».", False),
            ("3. Lines marked * are required in half-year and annual reports; give the others when you have them.", False),
            ("4. «(computed)» lines are rates wardlib computes from other lines: only give the percentage the report "
             "states, if any.", False),
            ("5. Do not change locked cells (names, units, given targets, reference figures, headers); do not rename, "
             "delete or unhide sheets. Allowed: sorting rows, inserting blank rows, adding a comment column.", False),
            ("6. The sheet protection has no password: to sort, unprotect the sheet, sort the whole table (hidden "
             "column A included), then protect it again.", False),
            ("7. «Same period» and «Previous period» are figures already in the data, for comparison; grey italic ones "
             "are demo data.", False),
            (f"8. Save as Excel (.xlsx), keep the file name {code}.xlsx and send it to: "
             f"{send_to or 'the office that compiles the reports'}. It is read with «wardlib import»; "
             "any cell to correct is named by sheet and cell.", False),
        ]
    ws.column_dimensions["A"].width = 72
    for i, (text, bold) in enumerate(lines, start=1):
        c = ws.cell(i, 1, text)
        c.alignment = Alignment(wrap_text=True, vertical="top")
        c.font = Font(bold=bold, size=13 if bold else 11)
        ws.row_dimensions[i].height = _height(text, 72, 16) + (4 if i > 1 else 8)
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.protection.sheet = True


def _meta_sheet(ws, data, version, period, lines, heads, lang, first_row) -> None:
    fps = catalog_fingerprints(data.catalog)
    rows: list[list[str]] = [
        ["meta", "format_version", FORMAT_VERSION],
        ["meta", "wardlib_version", __version__],
        ["meta", "unit_code", str(version["code"])],
        ["meta", "unit_version", pd.Timestamp(version["valid_from"]).date().isoformat()],
        ["meta", "unit_name", str(version["name"])],
        ["meta", "period", str(period)],
        ["meta", "catalog_hash", catalog_hash(data.catalog)],
        ["meta", "lang", lang],
        ["meta", "sheet", DATA_SHEET[lang]],
        ["meta", "dataset", data.root.name],
        ["meta", "created", datetime.now(timezone.utc).replace(microsecond=0).isoformat()],
    ]
    rows += [["column", key, heads[key]] for key, *_rest in COLUMNS]
    rows += [["line", line.code, line.name, line.unit, line.kind, fps[line.code], line.required,
              "1" if line.computed else "", line.target] for line in lines]
    rows.append(["checksum", meta_checksum(rows)])
    for r in rows:
        ws.append(r)
    ws.sheet_state = "veryHidden"
    ws.protection.sheet = True


# -- many forms --------------------------------------------------------------------------------------------
def select_units(data: Dataset, period: Period, units: list[str] | None, parent: str | None) -> list[str]:
    """The commune-level units to write forms for: those given, or those under ``parent``, or all in the period."""
    t = data.units.table
    if units:
        for code in units:
            unit_version(data, code, period)  # an unknown unit is refused before anything is written
        return list(dict.fromkeys(units))
    live = t[(t["valid_from"] <= pd.Timestamp(period.end)) & (t["valid_to"] >= pd.Timestamp(period.start))]
    if parent:
        if parent not in set(live["code"]):
            raise FormError(f"unit '{parent}' did not exist during {period} according to units.csv",
                            f"đơn vị '{parent}' không tồn tại trong kỳ {period} theo units.csv")
        below, frontier = set(), {parent}
        while frontier:
            kids = set(live[live["parent_code"].isin(frontier)]["code"]) - below
            below |= kids
            frontier = kids
        live = live[live["code"].isin(below)]
    codes = live[live["level"] == "commune"]["code"].drop_duplicates().sort_values().tolist()
    if not codes:
        raise FormError(f"no commune-level unit existed during {period}" + (f" under '{parent}'" if parent else ""),
                        f"không có đơn vị cấp xã nào trong kỳ {period}" + (f" thuộc '{parent}'" if parent else ""))
    return codes


def write_forms(data_dir: Path | None, period: str, units: list[str] | None = None, parent: str | None = None,
                *, out: Path, lang: str = "vi", contact: str | None = None) -> list[Path]:
    """One form per unit: ``out/<period>/<unit_code>.xlsx``; returns the paths written."""
    from wardlib.analysis import build_table
    from wardlib.loaders import load_dataset
    from wardlib.paths import default_data_dir

    p = Period.parse(period)
    data = load_dataset(data_dir or default_data_dir())
    codes = select_units(data, p, units, parent)
    table = build_table(data)
    folder = Path(out) / str(p)
    return [write_form(data, table, code, p, folder / f"{code}.xlsx", lang, contact) for code in codes]


# -- the command ---------------------------------------------------------------------------------------
def add_parser(sub) -> None:
    f = sub.add_parser("form", help="write an Excel data-entry form per unit for the ward officers to fill")
    f.add_argument("--data", type=Path, default=None, help="dataset folder (default: the embedded data/)")
    f.add_argument("--period", required=True, help="the reporting period of the forms, e.g. 2024-H1")
    f.add_argument("--unit", action="append", dest="units", metavar="CODE",
                   help="unit code; repeat for several (default: every commune of the period, or under --parent)")
    f.add_argument("--parent", metavar="CODE", default=None, help="every commune under this district or province")
    f.add_argument("--out", type=Path, required=True, help="output folder: the forms go to OUT/<period>/<unit_code>.xlsx")
    f.add_argument("--contact", default=None,
                   help="who the officers send the filled form to (default: the unit above theirs)")
    f.add_argument("--lang", choices=("vi", "en"), default="vi", help="language of the forms and messages")


def main(args) -> int:
    from wardlib.findings import ContractError

    try:
        paths = write_forms(args.data, args.period, args.units, args.parent, out=args.out, lang=args.lang,
                            contact=args.contact)
    except ContractError as exc:
        for f in [f for f in exc.findings if f.severity == "error"][:50]:
            print(f.format(args.lang), file=sys.stderr)
        print("wardlib: the data breaks the contract; no form was written (see `wardlib validate`).",
              file=sys.stderr)
        return 2
    except WardlibError as exc:
        print(f"wardlib: {exc.message_vi if args.lang == 'vi' else exc}", file=sys.stderr)
        return 2
    except OSError as exc:  # an output folder that cannot be written
        print(f"wardlib: {'không ghi được' if args.lang == 'vi' else 'cannot write'} {exc.filename}: {exc.strerror}",
              file=sys.stderr)
        return 2
    folder = paths[0].parent if paths else args.out
    print(texts.t("cli.forms_written", args.lang, folder=folder, n=len(paths)), file=sys.stderr)
    return 0
