"""Write the bad-input corpus: one folder per case, each with its files and its expected outcome.

    .venv/bin/python tests/data/bad/make_corpus.py

Every case is a dataset folder made of ``_base/`` (a small valid catalog and
units table) plus the case's own files, and ``expect.toml``: the exit code of
``wardlib validate`` (and of ``wardlib run`` where it matters) and the
findings that must appear (rule, and where given file, row, column and a piece
of the English message). ``tests/test_bad_inputs.py`` runs every case. Text
cases are written here too, so that the bytes (BOMs, encodings, separators)
are exactly what they claim; the files are committed, this script only
rebuilds them.
"""

from __future__ import annotations

import codecs
import datetime as dt
import shutil
from pathlib import Path

import openpyxl

HERE = Path(__file__).resolve().parent
HEADER = "unit_code,period,indicator,value,target,reported_pct,status,unit,note,source"
GOOD_ROWS = [
    "29900,2024-H1,revenue,5137820843,9270000000,55.4,,,,test",
    "29900,2024-H1,fees,57072500,110000000,,,,,test",
    "29900,2024-H1,received,710,,,,,,test",
    "29900,2024-H1,online,699,,,,,,test",
    "29900,2024-H1,online_rate,,,98.5,,,,test",
    "29901,2024-H1,revenue,4100000000,8000000000,51.3,,,,test",
]


def csv_text(rows: list[str], header: str = HEADER, sep: str = ",") -> str:
    return "\n".join([header.replace(",", sep)] + [r.replace(",", sep) for r in rows]) + "\n"


def case(name: str, expect: str, files: dict[str, bytes | str], note: str) -> None:
    folder = HERE / name
    if folder.exists():
        shutil.rmtree(folder)
    (folder / "observations").mkdir(parents=True)
    for rel, content in files.items():
        path = folder / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, str):
            path.write_text(content, encoding="utf-8", newline="")
        else:
            path.write_bytes(content)
    (folder / "expect.toml").write_text(f"# {note}\n" + expect.strip() + "\n", encoding="utf-8")


def xlsx(path_rows: list[list], *, merged: str | None = None, hidden_sheet: bool = False,
         formula: bool = False) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Số liệu"
    for r in path_rows:
        ws.append(r)
    if merged:
        ws.merge_cells(merged)
    if formula:
        ws["D3"] = "=D2*2"  # openpyxl saves no cached value: the reader must say so
    if hidden_sheet:
        other = wb.create_sheet("Nháp")
        other.append(["ghi chú"])
        other.sheet_state = "hidden"
    import io

    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def main() -> None:
    obs = "observations/obs.csv"
    good = csv_text(GOOD_ROWS)

    case("good", 'validate_exit = 0\nrun_exit = 0', {obs: good}, "the reference: valid data, no error")

    case("missing_column", """
validate_exit = 1
run_exit = 2
[[finding]]
rule = "contract.column"
file = "observations/obs.csv"
message = "required column 'indicator' is missing"
""", {obs: csv_text([",".join(p for i, p in enumerate(r.split(",")) if i != 2) for r in GOOD_ROWS],
                    header=HEADER.replace("indicator,", ""))}, "a required column is missing")

    case("misspelt_column", """
validate_exit = 1
run_exit = 2
[[finding]]
rule = "contract.column"
message = "did you mean 'indicatr'"
""", {obs: csv_text(GOOD_ROWS, header=HEADER.replace("indicator", "indicatr"))}, "a column header with a typo")

    case("unknown_codes", """
validate_exit = 1
run_exit = 2
[[finding]]
rule = "contract.unit"
row = 2
column = "unit_code"
message = "unit code '29999' is not in units.csv"
[[finding]]
rule = "contract.indicator"
row = 3
column = "indicator"
message = "indicator 'revenu' is not in indicators.csv"
""", {obs: csv_text(["29999" + GOOD_ROWS[0][5:], GOOD_ROWS[1].replace(",fees,", ",revenu,")] + GOOD_ROWS[2:])},
         "a unit and an indicator that do not exist")

    case("duplicate_key", """
validate_exit = 1
run_exit = 2
[[finding]]
rule = "contract.duplicate"
row = 8
message = "same (unit, period, indicator) as observations/obs.csv, row 2"
""", {obs: csv_text(GOOD_ROWS + [GOOD_ROWS[0].replace("5137820843", "5137820000")])}, "the same figure twice")

    vi_rows = [GOOD_ROWS[0].replace("5137820843,9270000000,55.4", '"5.137.820.843","9270000000","55,4%"')] + GOOD_ROWS[1:]
    case("vietnamese_numbers", """
validate_exit = 1
run_exit = 2
[[finding]]
rule = "contract.number"
row = 2
column = "value"
message = "--locale vi"
""", {obs: csv_text(vi_rows)}, "Vietnamese number writing without a declared locale: refused, the option named")

    case("vietnamese_numbers_declared", """
validate_exit = 0
[values]
"29900/2024-H1/revenue" = 5137820843.0
""", {obs: csv_text(vi_rows), "dataset.toml": '[defaults]\nlocale = "vi"\n'},
         "the same file with locale = vi declared: read")

    case("result_of_target", """
validate_exit = 0
[values]
"29901/2024-H1/workers" = 6.0
[targets]
"29901/2024-H1/workers" = 10.0
""", {obs: csv_text(GOOD_ROWS + ["29901,2024-H1,workers,06/10,,,,người,,test"]),
      "dataset.toml": '[files."observations/obs.csv"]\nlocale = "vi"\n'},
         "'06/10' as the seed writes it: result 6 of target 10, with the locale declared for this file")

    case("not_available_and_dash", """
validate_exit = 1
run_exit = 2
[[finding]]
rule = "contract.not_available"
severity = "info"
row = 8
[[finding]]
rule = "contract.number"
row = 9
message = "write 0 if nothing happened"
""", {obs: csv_text(GOOD_ROWS + ["29901,2024-H1,received,N/A,,,,,,test", "29901,2024-H1,online,-,,,,,,test",
                                 "29901,2024-H1,fees,,,,,,,test"])}, "N/A is empty; a lone dash is ambiguous; a blank is fine")

    case("negative_and_impossible", """
validate_exit = 1
run_exit = 2
[[finding]]
rule = "contract.negative"
row = 4
[[finding]]
rule = "contract.percent"
row = 8
message = "outside 0–100"
""", {obs: csv_text([GOOD_ROWS[0], GOOD_ROWS[1], GOOD_ROWS[2].replace(",710,", ",-710,")] + GOOD_ROWS[3:]
                    + ["29901,2024-H1,online_rate,140,,,,,,test"])}, "a negative count and a percentage of 140")

    case("bad_targets_and_periods", """
validate_exit = 1
run_exit = 2
[[finding]]
rule = "contract.target"
row = 2
message = "is not a target"
[[finding]]
rule = "contract.period"
row = 3
message = "'H1/2024' is not a period"
""", {obs: csv_text([GOOD_ROWS[0].replace(",9270000000,", ",>>9270000000,"),
                     GOOD_ROWS[1].replace("2024-H1", "H1/2024")] + GOOD_ROWS[2:])},
         "a malformed target comparison and a period written the wrong way")

    case("period_outside_data", """
validate_exit = 0
run_exit = 2
run_args = ["--period", "2030-H1"]
run_message = "no data for period 2030-H1"
""", {obs: good}, "a run asked for a period the data does not have")

    case("utf8_bom", 'validate_exit = 0', {obs: codecs.BOM_UTF8 + good.encode("utf-8")}, "UTF-8 with a BOM: read")
    case("utf16_excel_unicode_text", 'validate_exit = 0',
         {obs: csv_text(GOOD_ROWS, sep="\t").encode("utf-16")}, "Excel's 'Unicode text': UTF-16, tab-separated: read")
    cp = csv_text(GOOD_ROWS[:2] + ["29900,2024-H1,received,710,,,,,Đơn vi thuc hiên,test"] + GOOD_ROWS[3:])
    case("windows_1258", """
validate_exit = 2
run_exit = 2
[[finding]]
rule = "contract.encoding"
file = "observations/obs.csv"
row = 4
message = "save it as 'CSV UTF-8"
""", {obs: cp.encode("cp1258")}, "Windows-1258 text, not declared: refused, never guessed")
    case("windows_1258_declared", 'validate_exit = 0',
         {obs: cp.encode("cp1258"), "dataset.toml": '[files."observations/obs.csv"]\nencoding = "cp1258"\n'},
         "the same file with its encoding declared: read")
    case("semicolons", 'validate_exit = 0', {obs: csv_text(GOOD_ROWS, sep=";")},
         "';' separators (Excel with Vietnamese regional settings): read")

    head = HEADER.split(",")
    rows = [r.split(",") for r in GOOD_ROWS]
    case("excel_merged_header", """
validate_exit = 2
run_exit = 2
[[finding]]
rule = "contract.excel"
file = "observations/obs.xlsx"
message = "merged cells"
""", {"observations/obs.xlsx": xlsx([head] + rows, merged="A1:B1")}, "a merged header cell")
    dated = [[r[0], dt.datetime(2024, 6, 1) if i == 0 else "2024-06", r[2], int(r[3]) if r[3] else None, r[4]]
             for i, r in enumerate(rows)]
    case("excel_dates_hidden_sheets_numbers", """
validate_exit = 0
[[finding]]
rule = "contract.excel"
severity = "info"
row = 2
message = "is read as 2024-06"
[[finding]]
rule = "contract.excel"
severity = "info"
message = "ignored: Nháp"
[values]
"29900/2024-06/revenue" = 5137820843.0
"29900/2024-06/fees" = 57072500.0
""", {"observations/obs.xlsx": xlsx([head[:5]] + [[str(c) if j == 3 and i == 1 and c is not None else c
                                                   for j, c in enumerate(r)] for i, r in enumerate(dated)],
                                    hidden_sheet=True)},
         "a period Excel turned into a date, a hidden sheet, a number stored as text: read")
    case("excel_formula_without_value", """
validate_exit = 0
[[finding]]
rule = "contract.excel"
severity = "warning"
message = "formulas without a saved value"
""", {"observations/obs.xlsx": xlsx([head[:5]] + [r[:5] for r in rows], formula=True)},
         "a formula written by a program that saves no value")

    case("empty_file", """
validate_exit = 2
run_exit = 2
[[finding]]
rule = "contract.file"
file = "observations/obs.csv"
message = "the file is empty"
""", {obs: b""}, "an empty file")
    case("header_only", """
validate_exit = 0
[[finding]]
rule = "contract.file"
severity = "warning"
message = "no data rows"
""", {obs: good, "observations/empty.csv": HEADER + "\n"}, "a file with a header and no rows")
    case("too_large", """
validate_exit = 2
run_exit = 2
[[finding]]
rule = "contract.size"
file = "observations/obs.csv"
message = "the file is too large"
""", {obs: csv_text(GOOD_ROWS * 40), "dataset.toml": "[defaults]\nmax_file_mb = 0.001\n"},
         "a file over the size limit (here set to 1 kB): refused before it is read")

    units = (HERE / "_base" / "units.csv").read_text(encoding="utf-8")
    case("unit_code_path", """
validate_exit = 1
run_exit = 2
[[finding]]
rule = "contract.units"
file = "units.csv"
column = "code"
message = "may only hold letters, digits"
""", {obs: good, "units.csv": units + "../../etc,Phường lạ,commune,866\n"},
         "a unit code with ../ that must never become part of a file path")

    case("html_in_text", """
validate_exit = 0
run_exit = 0
""", {obs: csv_text(GOOD_ROWS[:3] + ['29900,2024-H1,online,699,,,,,"<script>alert(1)</script><img src=x onerror=alert(2)>",test']
                    + GOOD_ROWS[4:])},
         "HTML and script in a note: read as text, shown as text in the reports (see tests/test_browser.py)")
    case("formula_in_cells", """
validate_exit = 1
run_exit = 2
csv_cell = "'=1+1"
[[finding]]
rule = "contract.unit"
row = 8
column = "unit_code"
""", {obs: csv_text(GOOD_ROWS + ["=1+1,2024-H1,revenue,1,,,,,,test"])},
         "a cell starting with = that would run as a formula when the findings are opened in a spreadsheet")

    hostile(good, units)


def hostile(good: str, units: str) -> None:
    """Issue 18's cases: files that must never pass as clean, links that go nowhere or in circles."""
    obs = "observations/obs.csv"
    catalog = (HERE / "_base" / "indicators.csv").read_text(encoding="utf-8")

    case("duplicate_header", """
validate_exit = 1
run_exit = 2
[[finding]]
rule = "contract.column"
row = 1
column = "value"
message = "column 4 (D) and column 11 (K)"
""", {obs: csv_text([r + ",1" for r in GOOD_ROWS], header=HEADER + ",value")},
         "a repeated header: pandas would rename it value.1 and drop the stated figures")
    case("full_width_digits", """
validate_exit = 0
[values]
"29900/2024-H1/received" = 710.0
""", {obs: csv_text(GOOD_ROWS[:2] + ["29900,2024-H1,received,７１０,,,,,,test"] + GOOD_ROWS[3:])},
         "full-width digits typed with an East Asian input method: read as 710, never an empty value")
    case("invisible_in_code", """
validate_exit = 1
run_exit = 2
[[finding]]
rule = "contract.invisible"
row = 3
column = "unit_code"
message = "'29900\\\\u200b' holds an invisible character (U+200B zero-width space)"
[[finding]]
rule = "contract.number"
row = 4
column = "value"
message = "'710\\\\ufeff' is not a number: the cell holds an invisible character (U+FEFF byte order mark (BOM))"
""", {obs: csv_text([GOOD_ROWS[0], "29900\u200b" + GOOD_ROWS[1][5:], GOOD_ROWS[2].replace(",710,", ",710\ufeff,")]
                    + GOOD_ROWS[3:])},
         "a zero-width space in a code and a BOM in the middle of the file: named and shown escaped")
    case("trailing_comma", """
validate_exit = 0
[[finding]]
rule = "contract.file"
severity = "warning"
message = "every data row ends with an extra ','"
[values]
"29900/2024-H1/revenue" = 5137820843.0
""", {obs: "\n".join([HEADER] + [r + "," for r in GOOD_ROWS]) + "\n"},
         "a separator after the last field of every row: one message, the columns stay in place")
    case("cr_line_ends", """
validate_exit = 0
[[finding]]
rule = "contract.file"
severity = "info"
message = "CR only"
[values]
"29901/2024-H1/revenue" = 4100000000.0
""", {obs: good.replace("\n", "\r")}, "old Mac line ends (CR only): read")
    case("toml_with_bom", """
validate_exit = 0
[values]
"29900/2024-H1/revenue" = 5137820843.0
""", {obs: csv_text(vi_rows()), "dataset.toml": codecs.BOM_UTF8 + '[defaults]\nlocale = "vi"\n'.encode()},
         "dataset.toml saved by Notepad with a BOM: read")
    case("xlsx_named_csv", """
validate_exit = 2
run_exit = 2
[[finding]]
rule = "contract.encoding"
file = "observations/obs.csv"
message = "is named .csv but is an Excel .xlsx workbook"
""", {obs: xlsx([HEADER.split(",")] + [r.split(",") for r in GOOD_ROWS])},
         "a workbook renamed .csv: said so, not diagnosed as Windows-1258")
    case("max_file_mb_bool", """
validate_exit = 2
run_exit = 2
[[finding]]
rule = "contract.settings"
message = "'defaults.max_file_mb' must be a positive number"
""", {obs: good, "dataset.toml": "[defaults]\nmax_file_mb = true\n"},
         "max_file_mb = true: a bool is an int in Python, it must not be taken as 1 MB")
    case("files_not_a_table", """
validate_exit = 2
run_exit = 2
[[finding]]
rule = "contract.settings"
message = "'files' must be tables"
""", {obs: good, "dataset.toml": 'files = "x"\n'}, "files = \"x\" in dataset.toml: a message, not a traceback")
    case("unknown_files_entry", """
validate_exit = 0
[[finding]]
rule = "contract.settings"
severity = "warning"
message = "names a file that does not exist"
""", {obs: good, "dataset.toml": '[files."observations/bao-cao.csv"]\nlocale = "vi"\n'},
         "settings for a file that is not there (a typo): warned")
    for name, code, why in (("reserved_code_index", "index", "another page of the reports ('index')"),
                            ("reserved_code_overview", "overview-866", "another page of the reports ('overview-866')"),
                            ("windows_device_code", "Con", "a Windows device name (CON)"),
                            ("windows_device_code_com1", "com1", "a Windows device name (COM1)")):
        case(name, f"""
validate_exit = 1
run_exit = 2
[[finding]]
rule = "contract.units"
file = "units.csv"
column = "code"
message = "{why}"
""", {obs: good, "units.csv": units + f"{code},Phường lạ,commune,866\n"},
             f"a unit code '{code}' whose page would overwrite another file or cannot be a file name")
    case("unit_own_parent", """
validate_exit = 1
run_exit = 2
[[finding]]
rule = "contract.units"
row = 6
column = "parent_code"
message = "unit '29902' is its own parent"
""", {obs: good, "units.csv": units + "29902,Phường Ba,commune,29902\n"}, "a unit that is its own parent")
    case("unit_parent_cycle", """
validate_exit = 1
run_exit = 2
[[finding]]
rule = "contract.units"
column = "parent_code"
message = "the parent links form a cycle (29902 → 29903 → 29902)"
""", {obs: good, "units.csv": units + "29902,Phường Ba,commune,29903\n29903,Phường Bốn,commune,29902\n"},
         "two units, each the parent of the other")
    case("rate_own_numerator", """
validate_exit = 1
run_exit = 2
[[finding]]
rule = "contract.catalog"
file = "indicators.csv"
column = "numerator"
message = "a rate cannot be its own numerator"
""", {obs: good, "indicators.csv": catalog.replace("online_rate,Tỷ lệ hồ sơ trực tuyến,Share of dossiers online,%,2,percent,none,,online,",
                                                   "online_rate,Tỷ lệ hồ sơ trực tuyến,Share of dossiers online,%,2,percent,none,,online_rate,")},
         "a rate whose numerator is itself: its line would vanish from the report")
    reform_units = (units + "29910,Phường Mới,commune,866,,,2025-01-01,,\n").replace(
        "code,name,level,parent_code", "code,name,level,parent_code,type,population,valid_from,valid_to,successor_code")
    reform_units = "\n".join(line if i == 0 or line.count(",") >= 8 else line + ",,,,," for i, line in
                             enumerate(reform_units.strip().split("\n"))) + "\n"
    case("crosswalk_not_reform", """
validate_exit = 1
run_exit = 2
[[finding]]
rule = "contract.crosswalk"
file = "crosswalk.csv"
row = 2
column = "new_code"
message = "has no version in units.csv that began on 1 July 2025"
""", {obs: good, "units.csv": reform_units, "crosswalk.csv": "old_code,new_code,whole\n29900,29910,true\n"},
         "a crosswalk whose new unit did not begin on 1 July 2025: its rebuilt history would be silently lost")
    case("future_period_negative_target", """
validate_exit = 0
[[finding]]
rule = "contract.future"
severity = "warning"
row = 8
message = "has not begun yet"
[[finding]]
rule = "contract.negative"
severity = "warning"
row = 3
column = "target"
message = "the target -110000000 is negative"
""", {obs: csv_text([GOOD_ROWS[0], GOOD_ROWS[1].replace(",110000000,", ",-110000000,")] + GOOD_ROWS[2:]
                    + ["29901,2099-H1,revenue,1,,,,,,test"])}, "a period in the future and a negative target for an amount")


def vi_rows() -> list[str]:
    return [GOOD_ROWS[0].replace("5137820843,9270000000,55.4", '"5.137.820.843","9270000000","55,4%"')] + GOOD_ROWS[1:]


if __name__ == "__main__":
    main()
