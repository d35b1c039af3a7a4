"""wardlib extract: figures out of narrative reports, mapped to the catalog, measured against hand-typed drafts.

The seed report is measured against ``data/observations/phuong-4-2024.csv`` (typed by hand, 29872 2024-H1);
the made-up reports of ``tests/data/reports/`` against their hand-written ``*.expected.csv``.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from tests.browser import chromium, need_browser  # noqa: F401 (a fixture)
from wardlib.cli import main
from wardlib.documents import Block, read_document
from wardlib.extract import extract, find_period, score_draft
from wardlib.figures import find_figures, read_number
from wardlib.paths import default_data_dir

REPO = Path(__file__).resolve().parent.parent
SEED = REPO / "data" / "sources" / "bao-cao-6-thang-2024-phuong-4.txt"
TRUTH = REPO / "data" / "observations" / "phuong-4-2024.csv"
FIXTURES = REPO / "tests" / "data" / "reports"
RECALL_GOAL, PRECISION_GOAL = 0.90, 0.97


def _block(text: str, section: str = "1.2") -> Block:
    return Block("paragraph", text, 1, section)


def _figs(text: str):
    return find_figures(_block(text))


@pytest.fixture(scope="module")
def seed():
    return extract(SEED)


# ---- measured: the seed against the observations typed by hand ---------------------------------------------
def test_seed_recall_and_precision_meet_the_goal(seed):
    truth = pd.read_csv(TRUTH, dtype=str, keep_default_na=False)
    s = score_draft(seed.draft, truth, "29872", "2024-H1")
    print(f"\nseed report: recall {s['recall']:.1%} ({s['right']}/{s['truth']}), "
          f"precision {s['precision']:.1%} ({s['right']}/{s['draft']}); missed {s['missed']}; wrong {s['wrong']}")
    assert s["truth"] == 138
    assert s["recall"] >= RECALL_GOAL, s["missed"]
    assert s["precision"] >= PRECISION_GOAL, s["wrong"]


def test_score_draft_counts_a_wrong_value_and_a_missing_target():
    truth = pd.DataFrame([{"unit_code": "1", "period": "2024-H1", "indicator": "a", "value": "5", "target": "10"},
                          {"unit_code": "1", "period": "2024-H1", "indicator": "b", "value": "", "target": ""}])
    draft = pd.DataFrame([{"unit_code": "1", "period": "2024-H1", "indicator": "a", "value": "5", "target": ""},
                          {"unit_code": "1", "period": "2024-H1", "indicator": "b", "value": "", "target": ""},
                          {"unit_code": "1", "period": "2024-H1", "indicator": "c", "value": "1", "target": ""}])
    s = score_draft(draft, truth, "1", "2024-H1")
    assert (s["right"], s["wrong"], s["missed"]) == (1, ["a", "c"], ["a"])


def test_seed_unit_period_and_what_the_draft_says(seed):
    assert (seed.unit_code, str(seed.period)) == ("29872", "2024-H1")
    d = seed.draft.set_index(["period", "indicator"])
    row = d.loc[("2024-H1", "budget_revenue")]
    assert (row["value"], row["target"], row["reported_pct"]) == ("5137820843", "9270000000", "55.4")
    assert row["source"] == "bao-cao-6-thang-2024-phuong-4.txt §1.2 đoạn 12"
    fund = d.loc[("2024-H1", "fund_disaster_prevention")]
    assert "chú thích 1" in fund["source"] and fund["reported_pct"] == "83.5"
    # "Trong tháng" (in the month): June, not the half-year
    assert d.loc[("2024-06", "medical_visits"), "value"] == "102"
    # the change against the same period last year gives last year's figure, marked derived
    assert d.loc[("2023-H1", "dengue_cases"), "value"] == "2"
    assert d.loc[("2023-H1", "dengue_cases"), "note"].startswith("derived: 20 − 18")
    assert d.loc[("2023-H1", "hfmd_cases"), "value"] == "9"
    # a share of a base: the rate gets the stated share, its numerator and denominator the figures
    assert d.loc[("2024-H1", "health_app_rate"), "reported_pct"] == "48.6"
    assert d.loc[("2024-H1", "population"), "value"] == "9690"
    # the appendix: targets with comparisons, statuses
    assert d.loc[("2024-H1", "commit_new_household_businesses"), "target"] == ">37"
    assert d.loc[("2024-H1", "commit_ocop_products"), "status"] == "Đang thực hiện"
    assert d.loc[("2024-H1", "commit_city_reprimands"), "value"] == "0"


def test_no_figure_is_dropped(seed):
    """Every figure found is in the draft or in the unmapped list, with its sentence."""
    mapped = sum(m.indicator is not None for m in seed.mappings)
    assert mapped + len(seed.unmapped) == len(seed.mappings)
    assert seed.unmapped["sentence"].str.len().gt(0).all()
    assert set(seed.unmapped["reason"]) <= {"no match", "ambiguous", "taken", "plan", "last year"}


# ---- robustness: the made-up reports ------------------------------------------------------------------------
CASES = [("bao-cao-9-thang-2024-phuong-1.md", "bao-cao-9-thang-2024-phuong-1", "29869", "2024-Q3"),
         ("bao-cao-6-thang-2024-xa-my-tan.docx", "bao-cao-6-thang-2024-xa-my-tan", "29884", "2024-H1"),
         ("bao-cao-6-thang-2024-xa-my-tan.pdf", "bao-cao-6-thang-2024-xa-my-tan", "29884", "2024-H1"),
         ("bao-cao-nam-2023-phuong-3.txt", "bao-cao-nam-2023-phuong-3", "29875", "2023")]


@pytest.mark.parametrize("report,expected,unit,period", CASES, ids=[c[0] for c in CASES])
def test_made_up_reports_against_their_expected_drafts(report, expected, unit, period):
    ex = extract(FIXTURES / report)
    assert (ex.unit_code, str(ex.period)) == (unit, period)
    truth = pd.read_csv(FIXTURES / f"{expected}.expected.csv", dtype=str, keep_default_na=False)
    s = score_draft(ex.draft, truth, unit, period)
    print(f"\n{report}: recall {s['recall']:.1%}, precision {s['precision']:.1%}")
    assert s["recall"] >= RECALL_GOAL, s["missed"]
    assert s["precision"] >= PRECISION_GOAL, s["wrong"]


def test_docx_footnotes_are_read_and_placed_where_their_marker_is():
    doc = read_document(FIXTURES / "bao-cao-6-thang-2024-xa-my-tan.docx")
    notes = [b for b in doc.blocks if b.kind == "footnote"]
    assert [(b.note, b.section) for b in notes] == [("1", "1.2"), ("2", "2.2")]
    body = next(b for b in doc.blocks if b.text.startswith("Thu ngân sách"))
    assert "52,5%¹" in body.text  # the marker is a superscript, not a digit
    rows = [b for b in doc.blocks if b.kind == "table_row"]
    assert rows[1].cells == ("01", "Tỷ lệ giải ngân vốn đầu tư công", "%", "100", "48,5")


def test_pdf_gives_the_same_figures_as_its_docx():
    def figures(name):
        ex = extract(FIXTURES / name)
        return sorted(zip(ex.draft["indicator"], ex.draft["value"], ex.draft["target"]))

    assert figures("bao-cao-6-thang-2024-xa-my-tan.pdf") == figures("bao-cao-6-thang-2024-xa-my-tan.docx")


# ---- the prose tokenizer --------------------------------------------------------------------------------------
@pytest.mark.parametrize("raw,after,value", [
    ("5.137.820.843", "đ", 5137820843), ("55.4", "%", 55.4), ("04", " hồ sơ", 4), ("31.34", "%", 31.34),
    ("43,854", " tỷ", 43.854), ("1.184", " lượt", 1184), ("92.91", " điểm", 92.91), ("1,184", " người", 1184),
    ("6.812,5", " triệu", 6812.5), ("00", "", 0)])
def test_read_number(raw, after, value):
    assert read_number(raw, after) == pytest.approx(value)


def test_a_footnote_marker_is_never_a_digit_of_the_amount():
    (f,) = _figs("- Tổng thu ngân sách 5.137.820.843đ/9.270.000.000đ¹, tỉ lệ 55.4%")
    assert (f.kind, f.value, f.target, f.share_raw) == ("pair", 5137820843, 9270000000, "55.4")


@pytest.mark.parametrize("text,value", [
    ("thu được 43,854 tỷ đồng", 43_854_000_000), ("kinh phí 8,5 triệu đồng", 8_500_000),
    ("trị giá 250 nghìn đồng", 250_000), ("số tiền 3.000.000đ", 3_000_000), ("với 1.800.000 VNĐ", 1_800_000)])
def test_amounts_in_dong_nghin_trieu_ty(text, value):
    (f,) = _figs(text)
    assert f.money and f.value == pytest.approx(value)


def test_bounds_ranks_changes_and_parts():
    f = _figs("ủng hộ với số tiền trên 119.000.000 đồng")[0]
    assert f.bound == "trên" and f.value == 119_000_000
    assert _figs("đã tổ chức được 05 lớp với hơn 150 học sinh tham gia")[1].bound == "hơn"
    (rank, score) = _figs("Phường 4 xếp hạng 01/15 xã, phường, đạt 92.91 điểm, xếp loại: Xuất sắc.")
    assert (rank.kind, rank.value, rank.target, score.value, score.status) == ("rank", 1, 15, 92.91, "Xuất sắc")
    (dengue, hfmd) = _figs("xảy ra 20 ca sốt xuất huyết (tăng 18 ca so với cùng kỳ), 05 ca tay chân miệng "
                           "(giảm 04 ca so với cùng kỳ).")
    assert (dengue.change, hfmd.change) == (18, -4)
    total, early, on_time = _figs("Tổng số hồ sơ tiếp nhận 710 hồ sơ trong đó, giải quyết sớm hạn là 709 hồ sơ, "
                                  "đúng hạn 01 hồ sơ; Hồ sơ trực tuyến: 699 hồ sơ.")[:3]
    assert (total.parts_of, early.parts_of, on_time.parts_of) == (None, 0, 0)
    (pair,) = [f for f in _figs("theo hợp đồng có 06/10 người (03 lao động Nhật Bản và 03 lao động Hàn Quốc), "
                                "đạt tỷ lệ 60% (tăng 31.34% so với cùng kỳ).") if f.kind == "pair"]
    assert (pair.share, pair.change, pair.change_pct) == (60, 31.34, True)


@pytest.mark.parametrize("text", [
    "Thực hiện Kế hoạch số 146/KH-UBND ngày 21 tháng 02 năm 2024 của Ủy ban nhân dân Phường",
    "Nghị định số 144/2021/NĐ-CP ngày 31/12/2021 của Chính phủ",
    "trực chỉ huy 24/24; kỷ niệm 49 năm Ngày Giải phóng (30/4/1975 - 30/4/2024)",
    "mô hình “6 thủ tục - 6 giải quyết tại chỗ” và năm học 2023 - 2024",
    "hộ bà Vân, ngụ tổ 25, khóm 3, phường 4, TP Cao Lãnh"])
def test_dates_document_numbers_years_and_places_are_not_figures(text):
    assert _figs(text) == []


@pytest.mark.parametrize("title,period", [
    ("Tình hình phát triển kinh tế - xã hội 6 tháng đầu năm; Nhiệm vụ, giải pháp 6 tháng cuối năm 2024", "2024-H1"),
    ("Kết quả thực hiện nhiệm vụ 9 tháng đầu năm 2024 và phương hướng 3 tháng cuối năm", "2024-Q3"),
    ("Tình hình kinh tế - xã hội quý II năm 2024", "2024-Q2"),
    ("Tình hình thực hiện nhiệm vụ phát triển kinh tế - xã hội năm 2023; phương hướng năm 2024", "2023")])
def test_the_period_comes_from_the_title(tmp_path, title, period):
    p = tmp_path / "r.txt"
    p.write_text(f"Phường 4, ngày 10 tháng 6 năm 2024\n\nBÁO CÁO\n\n{title}\n", encoding="utf-8")
    assert str(find_period(read_document(p))) == period


# ---- the command: draft, validation, bad input ------------------------------------------------------------------
def test_extract_writes_a_draft_that_validates_in_place_of_the_typed_file(tmp_path, capsys):
    data = tmp_path / "data"
    shutil.copytree(default_data_dir(), data)
    out = data / "observations" / "phuong-4-2024.csv"
    before = SEED.read_bytes()
    assert main(["extract", str(SEED), "--out", str(out)]) == 0
    assert SEED.read_bytes() == before  # the input is never modified
    unmapped = out.with_name("phuong-4-2024.unmapped.csv")
    assert unmapped.is_file() and len(pd.read_csv(unmapped)) > 0
    unmapped.unlink()  # not an observations file
    capsys.readouterr()
    code = main(["validate", "--data", str(data), "--no-gx", "--json", "--lang", "en"])
    import json

    findings = json.loads(capsys.readouterr().out)
    contract = [f for f in findings if f["severity"] == "error" and f["rule"].startswith("contract.")]
    assert contract == []
    # the only error is the report's own: 83,5 % stated for 79,0 %
    errors = [f for f in findings if f["severity"] == "error"]
    assert [f["indicator"] for f in errors] == ["fund_disaster_prevention"] and code == 1


def _scanned_pdf(path: Path) -> Path:
    """A one-page PDF holding only an 8×8 grey image: what a scanner gives (no text layer)."""
    img = bytes(range(0, 256, 4))
    objs = [b"<</Type/Catalog/Pages 2 0 R>>", b"<</Type/Pages/Kids[3 0 R]/Count 1>>",
            b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]/Resources<</XObject<</Im0 4 0 R>>>>/Contents 5 0 R>>",
            b"<</Type/XObject/Subtype/Image/Width 8/Height 8/ColorSpace/DeviceGray/BitsPerComponent 8/Length 64>>"
            b"stream\n" + img + b"\nendstream",
            b"<</Length 31>>stream\nq 200 0 0 200 0 0 cm /Im0 Do Q\nendstream"]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for i, o in enumerate(objs, 1):
        offsets.append(len(out))
        out += f"{i} 0 obj\n".encode() + o + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objs) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    out += f"trailer<</Size {len(objs) + 1}/Root 1 0 R>>\nstartxref\n{xref}\n%%EOF\n".encode()
    path.write_bytes(bytes(out))
    return path


def _bad_inputs(tmp_path: Path) -> dict[str, tuple[Path, str]]:
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    big = tmp_path / "big.docx"
    with big.open("wb") as fh:  # sparse: 200 MB on paper, nothing on disk
        fh.truncate(200 * 1024 * 1024)
    other = tmp_path / "other-unit.txt"
    other.write_text(SEED.read_text(encoding="utf-8").replace("Phường 4, ngày", "Phường 27, ngày"), encoding="utf-8")
    return {"empty": (empty, "empty"), "scanned": (_scanned_pdf(tmp_path / "scan.pdf"), "this PDF has no text"),
            "password": (FIXTURES / "password-protected.docx", "password-protected"),
            "unit": (other, "Phường 27"), "big": (big, "200 MB")}


# check-report needs no units.csv: a report of any unit is checked, so "unit" is extract's alone
BAD = [("extract", c) for c in ("empty", "scanned", "password", "unit", "big")] + [
    ("check-report", c) for c in ("empty", "scanned", "password", "big")]


@pytest.mark.parametrize("command,case", BAD, ids=[f"{a}-{b}" for a, b in BAD])
def test_bad_input_is_a_clear_message_and_exit_2_with_nothing_written(tmp_path, capsys, case, command):
    path, words = _bad_inputs(tmp_path)[case]
    out = tmp_path / "out" / "draft.csv"
    args = [command, str(path), "--lang", "en"] + (["--out", str(out), "--review", str(tmp_path / "p.html")]
                                                    if command == "extract" else [])
    assert main(args) == 2
    err = capsys.readouterr().err
    assert words in err and path.name in err and "Traceback" not in err
    assert not (tmp_path / "out").exists() and not (tmp_path / "p.html").exists()


def test_bad_input_messages_are_vietnamese_by_default(tmp_path, capsys):
    path, _ = _bad_inputs(tmp_path)["scanned"]
    assert main(["extract", str(path)]) == 2
    assert "không có lớp chữ" in capsys.readouterr().err


def test_a_given_unit_not_in_units_csv_is_refused(capsys):
    assert main(["extract", str(SEED), "--unit", "99999", "--lang", "en"]) == 2
    assert "99999 is not in units.csv" in capsys.readouterr().err


# ---- the review page ---------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def review_page(tmp_path_factory):
    """The review page of a copy of the seed with a script and tags in its text (they must show as text)."""
    tmp = tmp_path_factory.mktemp("review")
    hostile = tmp / "bao-cao-<i>&x.txt"
    text = SEED.read_text(encoding="utf-8").replace(
        "Tổng chi ngân sách", "Tổng chi ngân sách <script>window.__pwned = 1</script><img src=x onerror=alert(1)>")
    hostile.write_text(text, encoding="utf-8")
    page = tmp / "review.html"
    assert main(["extract", str(hostile), "--out", str(tmp / "draft.csv"), "--review", str(page)]) == 0
    return page


@pytest.mark.e2e
def test_review_page_shows_figures_mappings_and_checks_with_everything_escaped(review_page):
    html = review_page.read_text(encoding="utf-8")
    assert "<script>window.__pwned" not in html and "&lt;script&gt;window.__pwned" in html
    assert "<img src=x" not in html
    assert 'class="wl-fig wl-mapped"' in html and 'class="wl-fig wl-unmapped"' in html
    assert "budget_revenue" in html and "83,5%" in html  # the mapping and the wrong share, vi_VN formatted
    assert "5.137.820.843" in html


@pytest.mark.browser
@pytest.mark.e2e
def test_review_page_opens_offline_in_chromium(chromium, review_page):
    from tests.test_browser import open_offline

    browser = need_browser(chromium)
    tab = open_offline(browser, review_page)
    try:
        assert tab.blocked == [] and tab.errors == [] and tab.dialogs == []
        page = tab.page
        assert page.evaluate("window.__pwned === undefined")
        assert page.locator("mark.wl-fig").count() > 100
        assert page.locator("#wl-figures tbody tr").count() == page.locator("mark.wl-fig").count()
        assert "<script>" in page.inner_text("body")  # shown as text
    finally:
        tab.context.close()


def test_the_figures_docstring_examples():
    import doctest

    import wardlib.figures

    result = doctest.testmod(wardlib.figures)
    assert result.attempted > 0 and result.failed == 0


def test_a_unit_name_shared_by_two_cities_is_settled_by_the_city_the_report_names(tmp_path, capsys):
    data = tmp_path / "data"
    shutil.copytree(default_data_dir(), data, ignore=shutil.ignore_patterns("observations"))
    with (data / "units.csv").open("a", encoding="utf-8") as fh:  # another Phường 4, in another city
        fh.write("867,Thành phố Sa Đéc,district,87,thành phố,,,2025-06-30,\n"
                 "29902,Phường 4,commune,867,phường,,,2025-06-30,\n")
    assert extract(SEED, data).unit_code == "29872"  # the seed names "Thành phố Cao Lãnh"
    bare = tmp_path / "bc.txt"
    bare.write_text("Phường 4, ngày 20 tháng 6 năm 2024\n\nBÁO CÁO\n\nTình hình 6 tháng đầu năm 2024\n\n"
                    "1.1. Sản xuất kinh doanh\n\nThành lập mới 24 hộ kinh doanh cá thể.\n", encoding="utf-8")
    assert main(["extract", str(bare), "--data", str(data), "--lang", "en"]) == 2
    assert "matches no single commune" in capsys.readouterr().err
    assert main(["extract", str(bare), "--data", str(data), "--unit", "29902"]) == 0


def test_a_word_report_opening_with_the_usual_header_table(tmp_path):
    """Word reports usually open with a two-column table (the committee | the national motto, date)."""
    import docx

    d = docx.Document()
    t = d.add_table(rows=2, cols=2)
    for cell, text in zip(t.rows[0].cells + t.rows[1].cells,
                          ["ỦY BAN NHÂN DÂN PHƯỜNG 4", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
                           "Số: 12/BC-UBND", "Phường 4, ngày 20 tháng 6 năm 2024"]):
        cell.text = text
    for text in ["BÁO CÁO", "Tình hình kinh tế - xã hội 6 tháng đầu năm 2024", "I. KẾT QUẢ",
                 "1.1. Sản xuất kinh doanh", "Thành lập mới 24 hộ kinh doanh cá thể.",
                 "2.2. Y tế", "Từ đầu năm xảy ra 20 ca sốt xuất huyết."]:
        d.add_paragraph(text)
    path = tmp_path / "bc.docx"
    d.save(str(path))
    ex = extract(path)
    assert (ex.unit_code, str(ex.period)) == ("29872", "2024-H1")
    got = dict(zip(ex.draft["indicator"], zip(ex.draft["value"], ex.draft["source"])))
    assert got["new_household_businesses"][0] == "24" and "§1.1" in got["new_household_businesses"][1]
    assert got["dengue_cases"] == ("20", "bc.docx §2.2 đoạn 9")  # blocks: 2 table rows, then paragraphs
