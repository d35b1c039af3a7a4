"""wardlib check-report: a report's own arithmetic, checked from its text alone (no dataset)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from wardlib.cli import main
from wardlib.documents import read_document
from wardlib.reportcheck import check_document

REPO = Path(__file__).resolve().parent.parent
SEED = REPO / "data" / "sources" / "bao-cao-6-thang-2024-phuong-4.txt"
FIXTURES = REPO / "tests" / "data" / "reports"


def _check(path: Path):
    return check_document(read_document(path))


def _write(tmp_path: Path, body: str) -> Path:
    p = tmp_path / "bc.txt"
    p.write_text("Phường 4, ngày 20 tháng 6 năm 2024\n\nBÁO CÁO\n\nTình hình 6 tháng đầu năm 2024\n\n"
                 f"I. KẾT QUẢ\n\n1.2. Ngân sách\n\n{body}\n", encoding="utf-8")
    return p


def test_the_seed_reports_the_wrong_share_and_notes_the_truncated_one(capsys):
    assert main(["check-report", str(SEED), "--json", "--lang", "en"]) == 1
    found = json.loads(capsys.readouterr().out)
    errors = [f for f in found if f["rule"] == "report.pct_stated"]
    assert len(errors) == 1 and errors[0]["severity"] == "error"
    e = errors[0]
    assert (e["values"]["stated"], round(e["values"]["computed"], 1)) == (83.5, 79.0)
    assert e["values"]["where"] == "§1.2 footnote 1" and "Quỹ phòng chống thiên tai" in e["values"]["sentence"]
    notes = {f["values"]["stated"]: f for f in found if f["rule"] == "report.pct_truncated"}
    assert 48.6 in notes and round(notes[48.6]["values"]["computed"], 2) == 48.69
    assert notes[48.6]["severity"] == "info"
    # item 04 of the appendix: "%" for what the text gives as 06/10 người
    assert [f["values"]["text_unit"] for f in found if f["rule"] == "report.unit_contradicts"] == ["người"]


def test_the_seed_in_vietnamese_uses_vi_vn_numbers(capsys):
    assert main(["check-report", str(SEED)]) == 1
    out = capsys.readouterr().out
    assert "báo cáo nêu 83,5%, nhưng 16.699.345/21.145.000 là 78,98%" in out
    assert "48,6%" in out and "48,69%" in out


def test_every_rule_on_the_made_up_year_report():
    found = _check(FIXTURES / "bao-cao-nam-2023-phuong-3.txt")
    by_rule = {}
    for f in found:
        by_rule.setdefault(f.rule, []).append(f.values)
    assert [v["stated"] for v in by_rule["report.pct_stated"]] == [92.8]
    assert [(v["total"], v["parts_sum"]) for v in by_rule["report.parts_sum"]] == [(27, 29)]
    assert [(v["value"], v["change"], v["last_year"]) for v in by_rule["report.change_contradicts"]] == [(25, 10, 12)]
    assert [(v["target"], v["result"]) for v in by_rule["report.unit_contradicts"]] == [(5, 4)]
    assert [v["stated"] for v in by_rule["report.pct_truncated"]] == [62.1]
    assert found[0].severity == "error" and found[-1].severity == "info"  # most severe first


@pytest.mark.parametrize("name", ["bao-cao-6-thang-2024-xa-my-tan.docx", "bao-cao-6-thang-2024-xa-my-tan.pdf"])
def test_word_and_pdf_give_the_same_finding(name):
    (f,) = _check(FIXTURES / name)
    assert (f.rule, f.values["stated"], f.values["computed"], f.values["where"]) == (
        "report.pct_stated", 75, 70, "§1.2 paragraph 13")


def test_a_clean_report_exits_0(capsys):
    assert main(["check-report", str(FIXTURES / "bao-cao-9-thang-2024-phuong-1.md")]) == 0


@pytest.mark.parametrize("body,verdict", [
    ("Thu 57.072.500đ/110.000.000đ, đạt 51.9%", None),  # 51,88 rounded
    ("Thu 57.072.500đ/110.000.000đ, đạt 51.8%", "report.pct_truncated"),
    ("Thu 57.072.500đ/110.000.000đ, đạt 52%", None),  # no decimal shown: ±0,5
    ("Thu 57.072.500đ/110.000.000đ, đạt 53%", "report.pct_stated"),
    ("Tiếp nhận 12 hồ sơ, trong đó sớm hạn 9 hồ sơ, đúng hạn 3 hồ sơ.", None),
    ("Tiếp nhận 12 hồ sơ, trong đó sớm hạn 9 hồ sơ, đúng hạn 2 hồ sơ.", "report.parts_short"),
    ("Có 06/10 người (03 lao động Nhật Bản và 04 lao động Hàn Quốc).", "report.parts_sum"),
    ("Xảy ra 20 ca sốt xuất huyết (tăng 18 ca so với cùng kỳ); cùng kỳ năm trước có 2 ca.", None),
    ("Xảy ra 20 ca sốt xuất huyết (tăng 18 ca so với cùng kỳ); cùng kỳ năm trước có 5 ca.",
     "report.change_contradicts"),
])
def test_rules_on_small_texts(tmp_path, body, verdict):
    rules = [f.rule for f in _check(_write(tmp_path, body))]
    assert rules == ([verdict] if verdict else [])


def test_a_share_in_a_table_row_is_checked(tmp_path):
    p = tmp_path / "bc.md"
    p.write_text("Phường 1, ngày 1 tháng 7 năm 2024\n\nBÁO CÁO 6 tháng đầu năm 2024\n\n## 1.2. Ngân sách\n\n"
                 "| Khoản thu | Thực hiện (triệu đồng) | Dự toán (triệu đồng) | Tỷ lệ |\n|---|---|---|---|\n"
                 "| Thuế môn bài | 171,2 | 180 | 91,5% |\n", encoding="utf-8")
    (f,) = _check(p)
    assert (f.rule, f.values["stated"], round(f.values["computed"], 2)) == ("report.pct_stated", 91.5, 95.11)
    assert f.values["where"] == "§1.2 table 1 row 2"
