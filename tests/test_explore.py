"""wardlib.explore answers for people (headers, statuses, numbers in words) with the raw table one attribute away."""

import re

import pandas as pd
import pytest

from wardlib.explore import LEAGUE_COLUMNS, TREND_COLUMNS, Analysis


@pytest.fixture(scope="module")
def a() -> Analysis:
    return Analysis.load()


def cells(styler) -> list[list[str]]:
    """The table a person sees: header row then body rows, as text."""
    html = styler.to_html()
    rows = re.findall(r"<tr>(.*?)</tr>", html, flags=re.S)
    return [[re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", r, flags=re.S)]
            for r in rows]


def test_league_is_shown_in_vietnamese_with_the_raw_table_behind_it(a):
    shown = a.league("budget_revenue", parent="866", period="2024-H1")
    raw = shown.data
    assert isinstance(raw, pd.DataFrame) and list(raw.columns) == LEAGUE_COLUMNS
    header, *body = cells(shown)
    assert header[:4] == ["Mã", "Đơn vị", "Kết quả (đ)", "Kế hoạch (đ)"]
    phuong4 = next(r for r in body if r[0] == "29872")
    # the seed's figures, in vi_VN writing; no float repr, no status code, no snake_case left
    assert phuong4[2:5] == ["5.137.820.843", "9.270.000.000", "55,4%"]
    assert phuong4[header.index("Đánh giá")] == "Đúng tiến độ"
    text = " ".join(" ".join(r) for r in [header, *body])
    assert not re.search(r"e\+0\d|_pct|on_track|needs_acceleration|unit_name", text)
    # demo rows say so, in words
    assert any(r[-1] == "‡ số liệu minh họa" for r in body) and phuong4[-1] == ""


def test_english_answers(a):
    en = Analysis(a.data, a.table, "en")
    header, *body = cells(en.league("budget_revenue", parent="866", period="2024-H1"))
    assert header[1] == "Unit" and header[6] == "Status"
    assert next(r for r in body if r[0] == "29872")[2] == "5,137,820,843"
    with pytest.raises(ValueError, match="lang must be one of"):
        Analysis.load(lang="fr")


def test_trend_and_behind_keep_their_raw_columns(a):
    trend = a.trend("dengue", unit="29872")
    assert list(trend.data.columns) == TREND_COLUMNS
    header, *body = cells(trend)
    dengue_2024 = next(r for r in body if r[0] == "2024-H1")
    assert dengue_2024[header.index("So với cùng kỳ")] == "+900,0%"
    assert set(a.behind("budget_revenue", parent="866", period="2024-H1").data["status"]) <= {
        "needs_acceleration", "off_track", "deteriorating"}


def test_chart_titles_name_the_unit(a):
    # 29869 is Phường Cao Lãnh since July 2025 (and was Phường 1 before): the title says the name, not the code.
    assert a.trend_figure("budget_revenue", unit="29869").layout.title.text == "Tổng thu ngân sách — Phường Cao Lãnh"
