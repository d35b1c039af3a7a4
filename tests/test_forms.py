"""Excel forms: written per unit and period, filled as an officer's spreadsheet saves them, read back checked.

The forms are filled through openpyxl the way Excel leaves them: some numbers
typed as Vietnamese text, a formula with the value the spreadsheet saved, a
row sorted out of place, a blank row inserted, a comment column added. The
LibreOffice tests open, convert and re-save the forms in a real spreadsheet
application (skipped with a reason outside CI when soffice is missing; in CI
they fail).
"""

from __future__ import annotations

import csv
import datetime
import json
import os
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from wardlib import cli, forms
from wardlib.analysis import build_table
from wardlib.formimport import read_form
from wardlib.loaders import load_dataset

UNIT, PERIOD = "29872", "2024-H1"
SEED = "phuong-4-2024.csv"
SOFFICE = os.environ.get("WARDLIB_SOFFICE", shutil.which("soffice") or "/usr/bin/soffice")
IN_CI = os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")
# Figures an officer types as text, the Vietnamese way (indicator → column → text).
AS_TEXT = {
    ("budget_revenue", "value"): "5.137.820.843", ("budget_revenue", "reported_pct"): "55,4",
    ("rev_fees", "target"): "110.000.000", ("admin_reform_score", "value"): "92,91",
    ("health_app_rate", "reported_pct"): "48,6%", ("commit_labour_export", "value"): "06/10",
    ("commit_admin_reform_index", "target"): ">82,93", ("e_document_processing_rate", "value"): "96,07",
}
# Typed "90%" in Excel: the cell holds 0.9 with a percent format.
AS_PERCENT = {("rev_business_license_tax", "reported_pct"): 0.9}
FORMULA = ("tet_gift_amount", "=123000000+15500000")  # 138.500.000 đ, saved with its value


# -- fixtures ----------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def dataset_without_seed(tmp_path_factory, embedded_data) -> Path:
    """The embedded dataset without Phường 4's real figures: the form brings them back."""
    root = tmp_path_factory.mktemp("forms") / "data"
    shutil.copytree(embedded_data, root, ignore=shutil.ignore_patterns("sources", "*.py", "__pycache__"))
    (root / "observations" / SEED).unlink()
    return root


@pytest.fixture(scope="module")
def blank_form(dataset_without_seed, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("blank")
    paths = forms.write_forms(dataset_without_seed, PERIOD, units=[UNIT], out=out)
    return paths[0]


@pytest.fixture
def data_copy(dataset_without_seed, tmp_path) -> Path:
    """A fresh copy of the dataset per test, so imports do not leak from one test into another."""
    root = tmp_path / "data"
    shutil.copytree(dataset_without_seed, root)
    return root


def seed_rows(embedded_data) -> list[dict]:
    with (embedded_data / "observations" / SEED).open(encoding="utf-8") as fh:
        return [r for r in csv.DictReader(fh) if r["period"] == PERIOD and r["unit_code"] == UNIT]


def header_columns(ws, period: str = PERIOD) -> dict[str, int]:
    labels = {text: key for key, text in forms.headers(forms.Period.parse(period), "vi").items()}
    for row in ws.iter_rows(min_row=1, max_row=20):
        found = {labels[c.value]: c.column for c in row if c.value in labels}
        if "code" in found:
            return found
    raise AssertionError("no header row")


def rows_by_code(ws, col: dict[str, int]) -> dict[str, int]:
    head = next(r for r in range(1, 30) if ws.cell(r, col["code"]).value == "Mã chỉ tiêu")
    return {ws.cell(r, col["code"]).value: r for r in range(head + 1, ws.max_row + 1) if ws.cell(r, col["code"]).value}


def fill(blank: Path, out: Path, rows: list[dict], *, officer_edits: bool = True, text: dict | None = None,
         period: str = PERIOD) -> Path:
    """Fill ``blank`` with ``rows`` (data-contract dicts) as an officer's spreadsheet would save it."""
    text = AS_TEXT if text is None else text
    wb = openpyxl.load_workbook(blank)
    ws = wb[forms.DATA_SHEET["vi"]]
    col = header_columns(ws, period)
    at = rows_by_code(ws, col)
    for r in rows:
        row = at[r["indicator"]]
        computed = ws.cell(row, col["value"]).protection.locked
        for key in ("value", "target", "reported_pct", "status", "note"):
            cell = ws.cell(row, col[key])
            v = r.get(key, "")
            if (key == "value" and computed) or (key == "target" and cell.protection.locked):
                continue
            if (r["indicator"], key) in text:
                cell.value = text[(r["indicator"], key)]
            elif (r["indicator"], key) in AS_PERCENT and text:
                cell.value, cell.number_format = AS_PERCENT[(r["indicator"], key)], "0%"
            elif v == "":
                continue
            elif key in ("value", "target", "reported_pct") and re.fullmatch(r"-?\d+(\.\d+)?", v):
                cell.value = float(v) if "." in v else int(v)
            else:
                cell.value = v
        if (r["indicator"], "value") == ("commit_labour_export", "value"):
            ws.cell(row, col["target"]).value = None  # "06/10" carries the target
    formula_cell = None
    if officer_edits:
        # The formula first (its row moves with the edits below); its saved value is added after saving.
        fr = at[FORMULA[0]]
        ws.cell(fr, col["value"]).value = FORMULA[1]
        # Sorted out of order: two lines swap places, every cell with its style (as a sort moves them).
        a, b = at["rev_fees"], at["rev_registration_fee"]
        for c in range(1, ws.max_column + 1):
            ca, cb = ws.cell(a, c), ws.cell(b, c)
            (ca.value, cb.value), (ca._style, cb._style) = (cb.value, ca.value), (cb._style, ca._style)
        ws.insert_rows(at["budget_expenditure"])  # a blank row
        ws.insert_cols(col["value"])  # a comment column, before the results: every input column moves
        head = forms.HEADER_ROW
        ws.cell(head, col["value"]).value = "Ý kiến của phường"
        ws.cell(head + 3, col["value"]).value = "đã đối chiếu với sổ kế toán"
        formula_cell = ws.cell(fr if fr < at["budget_expenditure"] else fr + 1, col["value"] + 1).coordinate
    wb.save(out)
    if formula_cell:
        _save_formula_value(out, ws.title, formula_cell, 138500000)
    return out


def _save_formula_value(path: Path, title: str, coordinate: str, value: float) -> None:
    """Write the value a spreadsheet saves with a formula (openpyxl writes formulas without one)."""
    with zipfile.ZipFile(path) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    book = parts["xl/workbook.xml"].decode()
    index = re.findall(r'<sheet [^>]*name="([^"]+)"', book).index(title) + 1
    name = f"xl/worksheets/sheet{index}.xml"
    xml = parts[name].decode()
    xml, n = re.subn(rf'(<c r="{coordinate}"[^>]*>)(<f>[^<]*</f>)(<v\s*/>|<v></v>)?', rf"\1\2<v>{value}</v>", xml)
    assert n == 1, f"formula cell {coordinate} not found"
    parts[name] = xml.encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for n_, data in parts.items():
            z.writestr(n_, data)


def set_saved(path: Path, when: str) -> None:
    """Set when the spreadsheet saved the file (docProps/core.xml), as Excel records it."""
    with zipfile.ZipFile(path) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    core = parts["docProps/core.xml"].decode()
    parts["docProps/core.xml"] = re.sub(r"(<dcterms:modified[^>]*>)[^<]*(<)", rf"\g<1>{when}\2", core).encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for n, data in parts.items():
            z.writestr(n, data)


def run_import(capsys, *args) -> tuple[int, str]:
    code = cli.main(["import", *map(str, args)])
    return code, capsys.readouterr().err


def files_of(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


# -- the form as written -------------------------------------------------------------------------------
def test_form_layout_protection_and_metadata(blank_form, dataset_without_seed):
    data = load_dataset(dataset_without_seed)
    wb = openpyxl.load_workbook(blank_form)
    assert blank_form.name == f"{UNIT}.xlsx" and blank_form.parent.name == PERIOD
    assert wb.sheetnames == ["Số liệu", "Hướng dẫn", forms.META_SHEET]
    ws, meta = wb["Số liệu"], wb[forms.META_SHEET]
    assert meta.sheet_state == "veryHidden" and meta.protection.sheet and ws.protection.sheet
    assert ws.protection.password is None and ws.protection.sort is False and ws.protection.insertRows is False
    col = header_columns(ws)
    at = rows_by_code(ws, col)
    entered = [c for c in data.catalog.table.index]
    assert list(at) == entered  # every catalog line, in the catalog's order
    budget = at["budget_revenue"]
    assert ws.cell(budget, col["name"]).value == "Tổng thu ngân sách"
    assert ws.cell(budget, col["required"]).value == "*" and ws.cell(at["land_dossiers_correction"], col["required"]).value is None
    assert ws.cell(budget, col["name"]).protection.locked and not ws.cell(budget, col["value"]).protection.locked
    assert ws.cell(at["health_app_rate"], col["value"]).protection.locked  # a computed rate: no result cell
    assert ws.cell(budget, col["value"]).number_format.endswith("#,##0")
    assert ws.freeze_panes == f"C{forms.HEADER_ROW + 1}" and ws.print_title_rows == f"${forms.HEADER_ROW}:${forms.HEADER_ROW}"
    assert int(ws.page_setup.paperSize) == 9 and ws.page_setup.fitToWidth == 1  # 9: A4
    # Last year's figure is the demo data's, and labelled as such.
    obs = data.observations
    demo = obs[(obs["unit_code"] == UNIT) & (obs["period"] == "2023-H1") & (obs["indicator"] == "budget_revenue")]
    assert demo["source"].eq("synthetic").all() and len(demo) == 1
    assert ws.cell(budget, col["last_year"]).value == demo["value"].iloc[0] and "MINH HỌA" in ws["B5"].value
    rules = {dv.type: dv for dv in ws.data_validations.dataValidation}
    assert {"decimal", "list", "whole", "textLength"} <= set(rules)
    assert "Đang thực hiện" in rules["list"].formula1 and rules["list"].prompt
    assert any(ws.cell(budget, col["value"]).coordinate in str(dv.sqref) and dv.operator == "greaterThanOrEqual"
               and "≥ 0" in dv.prompt for dv in ws.data_validations.dataValidation)
    pct = [dv for dv in ws.data_validations.dataValidation if dv.operator == "between"][0]
    assert (pct.formula1, pct.formula2) == ("0", "100")
    assert ws.cell(at["e_document_processing_rate"], col["value"]).coordinate in str(pct.sqref)
    values = {r[1]: r[2] for r in meta.iter_rows(values_only=True) if r[0] == "meta"}
    assert (values["unit_code"], values["period"], values["unit_version"]) == (UNIT, PERIOD, "1900-01-01")
    assert values["catalog_hash"] == forms.catalog_hash(data.catalog)
    help_text = " ".join(str(c.value) for c in wb["Hướng dẫn"]["A"])
    assert "5.137.820.843" in help_text and "Thành phố Cao Lãnh" in help_text


def test_form_in_english_and_unknown_unit(dataset_without_seed, tmp_path, capsys):
    code = cli.main(["form", "--data", str(dataset_without_seed), "--period", PERIOD, "--unit", UNIT,
                     "--out", str(tmp_path), "--lang", "en"])
    assert code == 0
    wb = openpyxl.load_workbook(tmp_path / PERIOD / f"{UNIT}.xlsx")
    assert wb.sheetnames[:2] == ["Figures", "Instructions"]
    assert "Total budget revenue" in [c.value for c in wb["Figures"]["B"]]
    code = cli.main(["form", "--data", str(dataset_without_seed), "--period", "2026-H1", "--unit", UNIT,
                     "--out", str(tmp_path / "x")])
    assert code == 2 and "không tồn tại trong kỳ 2026-H1" in capsys.readouterr().err
    assert not (tmp_path / "x").exists()


def test_forms_for_every_commune_under_a_parent(dataset_without_seed, tmp_path):
    paths = forms.write_forms(dataset_without_seed, "2026-H1", parent="82", out=tmp_path)
    assert sorted(p.stem for p in paths) == ["29869", "29884", "29888"]
    meta = openpyxl.load_workbook(paths[0])[forms.META_SHEET]
    assert {r[1]: r[2] for r in meta.iter_rows(values_only=True) if r[0] == "meta"}["unit_version"] == "2025-07-01"


# -- the round trip ------------------------------------------------------------------------------------
def test_round_trip_gives_the_embedded_analysis(blank_form, data_copy, embedded_data, tmp_path, capsys):
    rows = seed_rows(embedded_data)
    filled = fill(blank_form, tmp_path / f"{UNIT}.xlsx", rows)
    before = filled.read_bytes()
    code, err = run_import(capsys, filled, "--data", data_copy, "--as-reported")
    assert code == 0, err
    assert filled.read_bytes() == before  # the form is only read
    written = data_copy / "observations" / "forms" / PERIOD / f"{UNIT}.csv"
    assert f"observations/forms/{PERIOD}/{UNIT}.csv" in err and written.is_file()
    # The wrong stated 83,5% is shown at its cell, and kept as reported.
    assert re.search(r"ô J\d+ \(Thu Quỹ phòng, chống thiên tai\): .*83,5", err)  # I moved to J
    out = pd.read_csv(written, dtype=str, keep_default_na=False)
    assert set(out["source"]) == {filled.name} and out["note"].str.contains(r"\[ô Số liệu!I\d+").any()

    expected = build_table(load_dataset(embedded_data))
    got = build_table(load_dataset(data_copy))
    carried = sorted({r["indicator"] for r in rows})
    cols = ["value", "ytd_value", "target_value", "target_op", "reported_pct", "reported_decimals", "status_text",
            "achievement_pct", "target_met", "computed_pct", "pct_check", "breakdown_ok", "exceeds_parent"]

    def pick(t):
        s = t[(t["unit_code"] == UNIT) & (t["period"] == PERIOD) & t["indicator"].isin(carried)]
        s = s.assign(indicator=s["indicator"].astype(str)).set_index("indicator").sort_index()
        return s[cols].astype(object).where(s[cols].notna(), None)

    exp, act = pick(expected), pick(got)
    assert list(act.index) == carried == list(exp.index)
    pd.testing.assert_frame_equal(act, exp, check_dtype=False)
    # The figures typed as text, the formula and the moved rows came through.
    v = act["value"]
    assert v["budget_revenue"] == 5137820843 and v["tet_gift_amount"] == 138500000 and v["rev_fees"] == 57072500
    assert act.loc["commit_labour_export", "target_value"] == 10 and v["commit_labour_export"] == 6
    assert act.loc["commit_admin_reform_index", ["target_op", "target_value"]].tolist() == [">", 82.93]


def test_import_again_changes_nothing_and_dry_run_writes_nothing(blank_form, data_copy, embedded_data, tmp_path,
                                                                capsys):
    rows = [r for r in seed_rows(embedded_data) if r["indicator"] != "fund_disaster_prevention"]
    filled = fill(blank_form, tmp_path / f"{UNIT}.xlsx", rows, officer_edits=False, text={})
    before = files_of(data_copy)
    code, err = run_import(capsys, filled, "--data", data_copy, "--dry-run")
    assert code == 0, err
    assert files_of(data_copy) == before and "--dry-run" in err and re.search(r"\d+ mới", err)
    code, err = run_import(capsys, filled, "--data", data_copy)
    assert code == 0, err
    first = files_of(data_copy)
    assert len(first) == len(before) + 2  # the CSV and its record of the form
    written = data_copy / "observations" / "forms" / PERIOD / f"{UNIT}.csv"
    mtime = written.stat().st_mtime_ns
    code, err = run_import(capsys, filled, "--data", data_copy)
    assert code == 0 and "không có gì thay đổi" in err
    assert files_of(data_copy) == first and written.stat().st_mtime_ns == mtime
    # validate reads the imported form like any other observations file (observations/** is read).
    data = load_dataset(data_copy)
    assert (data.observations["file"].astype(str) == f"observations/forms/{PERIOD}/{UNIT}.csv").sum() == len(
        pd.read_csv(written))


def test_newer_form_replaces_older_and_older_is_refused(blank_form, data_copy, embedded_data, tmp_path, capsys):
    rows = [r for r in seed_rows(embedded_data) if r["indicator"] in ("budget_revenue", "dengue_cases", "jobs_created")]
    old = fill(blank_form, tmp_path / "old" / f"{UNIT}.xlsx", rows, officer_edits=False, text={}) \
        if (tmp_path / "old").mkdir() is None else None
    set_saved(old, "2024-07-05T08:00:00Z")
    changed = [dict(r, value="21") if r["indicator"] == "dengue_cases" else r for r in rows
               if r["indicator"] != "jobs_created"]
    (tmp_path / "new").mkdir()
    new = fill(blank_form, tmp_path / "new" / f"{UNIT}-v2.xlsx", changed, officer_edits=False, text={})
    set_saved(new, "2024-07-09T08:00:00Z")
    assert run_import(capsys, old, "--data", data_copy)[0] == 0
    code, err = run_import(capsys, new, "--data", data_copy)
    assert code == 0, err
    assert f"thay cho số liệu từ {UNIT}.xlsx (2024-07-05T08:00:00)" in err
    assert re.search(r"sửa: Số ca sốt xuất huyết: kết quả 20 → 21", err)
    assert re.search(r"bỏ: Số lao động được giải quyết việc làm", err)
    out = pd.read_csv(data_copy / "observations" / "forms" / PERIOD / f"{UNIT}.csv", dtype=str)
    assert dict(zip(out["indicator"], out["value"])) == {"budget_revenue": "5137820843", "dengue_cases": "21"}
    record = json.loads((data_copy / "observations" / "forms" / PERIOD / f"{UNIT}.form.json").read_text())
    assert record["form"] == new.name
    before = files_of(data_copy)
    code, err = run_import(capsys, old, "--data", data_copy)
    assert code == 1 and "lưu sau biểu mẫu này" in err and files_of(data_copy) == before


# -- what is refused, and how it is said ---------------------------------------------------------------
def _edit(src: Path, dst: Path, edit) -> Path:
    wb = openpyxl.load_workbook(src)
    edit(wb)
    wb.save(dst)
    return dst


def _swap_names(wb, a, b):
    """What sorting the visible columns only does: the names move, the hidden codes stay."""
    ca, cb = _value_cell(wb, a, "name"), _value_cell(wb, b, "name")
    ca.value, cb.value = cb.value, ca.value
    _value_cell(wb, a).value = 5


def _value_cell(wb, code, key="value"):
    ws = wb["Số liệu"]
    col = header_columns(ws)
    return ws.cell(rows_by_code(ws, col)[code], col[key])


@pytest.mark.parametrize("case,edit,expect", [
    ("locked name", lambda wb: (setattr(_value_cell(wb, "budget_revenue"), "value", 5),
                                setattr(_value_cell(wb, "budget_revenue", "name"), "value", "Tổng thu")),
     r"ô B\d+ \(Tổng thu ngân sách\): ô đã khóa bị sửa: 'Tổng thu' thay cho 'Tổng thu ngân sách'"),
    ("metadata", lambda wb: (setattr(_value_cell(wb, "budget_revenue"), "value", 5),
                             setattr(wb[forms.META_SHEET]["C6"], "value", "2023-H1")),
     r"trang '_wardlib': trang ẩn '_wardlib' đã bị sửa"),
    ("unreadable value", lambda wb: setattr(_value_cell(wb, "dengue_cases"), "value", "hai mươi"),
     r"ô H\d+ \(Số ca sốt xuất huyết\): 'hai mươi' không phải là số"),
    ("dash", lambda wb: setattr(_value_cell(wb, "dengue_cases"), "value", "-"),
     r"ô H\d+ \(Số ca sốt xuất huyết\): '-' không phải là số: không rõ nghĩa"),
    ("empty form", lambda wb: None, r"biểu mẫu chưa có số liệu nào"),
    ("sorted without column A", lambda wb: _swap_names(wb, "dengue_cases", "hfmd_cases"),
     r"'Số ca tay chân miệng' thay cho 'Số ca sốt xuất huyết' — đây là tên của chỉ tiêu khác: có lẽ bảng được sắp xếp"),
    ("a date", lambda wb: setattr(_value_cell(wb, "labour_export"), "value", datetime.datetime(2024, 10, 6)),
     r"ô H\d+ \(Số người lao động .*\): Excel đã đổi nội dung ô thành ngày \(06/10/2024\)"),
    ("formula without its value", lambda wb: setattr(_value_cell(wb, "dengue_cases"), "value", "=18+2"),
     r"ô H\d+ \(Số ca sốt xuất huyết\): ô có công thức =18\+2 nhưng chưa có giá trị đã lưu"),
    ("negative", lambda wb: setattr(_value_cell(wb, "dengue_cases"), "value", -3),
     r"ô H\d+ \(Số ca sốt xuất huyết\): -3 là số âm"),
])
def test_bad_forms_get_a_message_at_the_cell_and_write_nothing(blank_form, data_copy, tmp_path, capsys, case, edit,
                                                              expect):
    bad = _edit(blank_form, tmp_path / f"{UNIT}.xlsx", edit)
    before = files_of(data_copy)
    code, err = run_import(capsys, bad, "--data", data_copy)
    assert code == 1, err
    assert re.search(expect, err), err
    assert "chưa ghi gì" in err and "Traceback" not in err
    assert files_of(data_copy) == before


def test_wrong_period_and_older_catalog(blank_form, data_copy, tmp_path, capsys):
    filled = _edit(blank_form, tmp_path / f"{UNIT}.xlsx",
                   lambda wb: setattr(_value_cell(wb, "budget_revenue"), "value", 5137820843))
    before = files_of(data_copy)
    code, err = run_import(capsys, filled, "--data", data_copy, "--period", "2024-H2")
    assert code == 1 and "biểu mẫu là của kỳ 2024-H1" in err and "không phải kỳ 2024-H2" in err
    # The catalog changed since the form was made: budget revenue is now counted in million đồng.
    cat = (data_copy / "indicators.csv").read_text(encoding="utf-8")
    (data_copy / "indicators.csv").write_text(cat.replace("budget_revenue,Tổng thu ngân sách,Total budget revenue,đ,",
                                                          "budget_revenue,Tổng thu ngân sách,Total budget revenue,triệu đ,"),
                                              encoding="utf-8")
    before = files_of(data_copy)
    code, err = run_import(capsys, filled, "--data", data_copy, "--lang", "en")
    assert code == 1, err
    assert re.search(r"cell B\d+ \(Tổng thu ngân sách\): the line budget_revenue changed in the catalog .*"
                     r"unit 'triệu đ'", err)
    assert err.count("changed in the catalog") == 1 and files_of(data_copy) == before


def test_not_a_form_is_unreadable_and_does_not_stop_the_others(blank_form, data_copy, tmp_path, capsys,
                                                              embedded_data):
    junk = tmp_path / "junk.xlsx"
    junk.write_bytes(b"not a zip")
    plain = tmp_path / "plain.xlsx"
    openpyxl.Workbook().save(plain)
    rows = [r for r in seed_rows(embedded_data) if r["indicator"] == "dengue_cases"]
    good = fill(blank_form, tmp_path / f"{UNIT}.xlsx", rows, officer_edits=False, text={})
    code, err = run_import(capsys, junk, plain, good, "--data", data_copy)
    assert code == 2
    assert "junk.xlsx: không phải tệp Excel" in err and "plain.xlsx: không phải biểu mẫu của wardlib" in err
    assert (data_copy / "observations" / "forms" / PERIOD / f"{UNIT}.csv").is_file()


def test_decomposed_vietnamese_as_excel_on_macos_writes_it_is_the_same_text(blank_form, data_copy, tmp_path, capsys):
    import unicodedata

    def edit(wb):
        name = _value_cell(wb, "commit_ocop_products", "name")
        name.value = unicodedata.normalize("NFD", name.value)
        _value_cell(wb, "commit_ocop_products", "status").value = unicodedata.normalize("NFD", "Đang thực hiện")

    filled = _edit(blank_form, tmp_path / f"{UNIT}.xlsx", edit)
    code, err = run_import(capsys, filled, "--data", data_copy)
    assert code == 0, err
    got = pd.read_csv(data_copy / "observations" / "forms" / PERIOD / f"{UNIT}.csv", dtype=str, keep_default_na=False)
    assert got["status"].tolist() == ["Đang thực hiện"]  # NFC, as the catalog and the reports write it


def test_a_vi_number_the_locale_would_misread_is_written_unambiguously():
    from wardlib.formimport import _plain
    from wardlib.numbers import parse_numbers

    for x in (1.125, 92.91, 5137820843.0, 0.5, 123.456):
        text = _plain(x)
        vals, found = parse_numbers(pd.Series([text]), file="f", column="value", rows=pd.Series([2]), vi=True)
        assert not found and vals[0] == x, text


# -- LibreOffice, a real spreadsheet application --------------------------------------------------------
def need_soffice() -> str:
    if not Path(SOFFICE).is_file():
        reason = f"LibreOffice not found at {SOFFICE} (make test installs libreoffice-calc-nogui; or set WARDLIB_SOFFICE)"
        if IN_CI:
            pytest.fail(f"LibreOffice check cannot run in CI: {reason}")
        pytest.skip(reason)
    return SOFFICE


def soffice(args: list[str], tmp_path: Path) -> None:
    profile = (tmp_path / "lo-profile").as_uri()
    done = subprocess.run([need_soffice(), f"-env:UserInstallation={profile}", "--headless", *args],
                          capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr


def test_libreoffice_opens_converts_and_keeps_validation_and_protection(blank_form, data_copy, embedded_data,
                                                                        tmp_path, capsys):
    need_soffice()
    rows = [r for r in seed_rows(embedded_data) if r["indicator"] in ("budget_revenue", "dengue_cases",
                                                                    "admin_reform_score", "commit_sipas")]
    filled = fill(blank_form, tmp_path / "in" / f"{UNIT}.xlsx", rows, officer_edits=False) \
        if (tmp_path / "in").mkdir() is None else None
    blank = shutil.copy(blank_form, tmp_path / "in" / "blank.xlsx")
    out = tmp_path / "out"
    # One soffice call converts both to CSV, one re-saves the filled form as xlsx (LibreOffice's own writer).
    soffice(["--convert-to", "csv:Text - txt - csv (StarCalc):44,34,76,1", "--outdir", str(out), str(blank),
             str(filled)], tmp_path)
    soffice(["--convert-to", "xlsx:Calc MS Excel 2007 XML", "--outdir", str(out / "xlsx"), str(filled)], tmp_path)
    text = (out / f"{UNIT}.csv").read_text(encoding="utf-8")
    assert "Tổng thu ngân sách" in text and "5137820843" in text.replace(".", "").replace(",", "")
    assert "Tổng thu ngân sách" in (out / "blank.csv").read_text(encoding="utf-8")
    resaved = out / "xlsx" / f"{UNIT}.xlsx"
    wb = openpyxl.load_workbook(resaved)
    ws = wb["Số liệu"]
    assert ws.protection.sheet and wb[forms.META_SHEET].sheet_state in ("hidden", "veryHidden")
    col = header_columns(ws)
    at = rows_by_code(ws, col)
    cell = ws.cell(at["budget_revenue"], col["value"])
    assert not cell.protection.locked and ws.cell(at["budget_revenue"], col["name"]).protection.locked
    kinds = {dv.type for dv in ws.data_validations.dataValidation}
    assert {"decimal", "list"} <= kinds
    assert any(cell.coordinate in str(dv.sqref) and dv.prompt for dv in ws.data_validations.dataValidation)
    code, err = run_import(capsys, resaved, "--data", data_copy)
    assert code == 0, err
    got = pd.read_csv(data_copy / "observations" / "forms" / PERIOD / f"{UNIT}.csv", dtype=str, keep_default_na=False)
    assert dict(zip(got["indicator"], got["value"])) == {"budget_revenue": "5137820843", "dengue_cases": "20",
                                                         "admin_reform_score": "92.91", "commit_sipas": ""}
    assert read_form(resaved).saved  # LibreOffice records when it saved
