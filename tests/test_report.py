"""The report's building blocks, without a kernel: language, escaping and parameter checks."""

import pytest

from wardlib.findings import WardlibError
from wardlib.report import WardReport


@pytest.fixture(scope="module")
def vi():
    return WardReport.open(None, "29872", "2024-H1", "vi")


def test_headline_sentence_in_the_seeds_style(vi):
    assert "Tổng thu ngân sách 5.137.820.843 đ/9.270.000.000 đ, đạt 55,4% kế hoạch." in vi.headline().data


def test_english_on_request():
    en = WardReport.open(None, "29872", "2024-H1", "en")
    assert "Total budget revenue 5,137,820,843 VND of 9,270,000,000 VND: 55.4% of plan." in en.headline().data
    assert "Appendix: action commitments" in en.commitments_table().data


def test_commitments_table_keeps_the_printed_targets_and_statuses(vi):
    table = vi.commitments_table().data
    assert "&gt;37" in table and "Đang thực hiện" in table and "06.1" in table


def test_charts_compare_with_the_units_of_the_same_parent(vi):
    fig = vi.neighbours_figure("budget_revenue")
    assert len(fig.data[0].y) == 13  # the 13 wards and communes of TP Cao Lãnh
    assert "Phường 4" in fig.data[0].y
    assert vi.achievement_figure().layout.shapes[0].x0 == 50.0  # expected pace at the end of H1


@pytest.mark.parametrize("args,match", [
    (("29872", "2024-H1", "fr"), "lang"),
    (("99999", "2024-H1", "vi"), "does not exist"),
    (("29869", "2026-Q3", "vi"), "no data"),  # Phường Cao Lãnh exists then, but has no data
])
def test_parameters_are_checked_before_anything_is_drawn(args, match):
    with pytest.raises(WardlibError, match=match):
        WardReport.open(None, *args)


def test_body_follows_the_seeds_structure(vi):
    import re

    html = vi.section_tables().data
    headings = re.findall(r"<h[23][^>]*>([^<]+)</h[23]>", html)
    groups = [h for h in headings if re.match(r"^(I\.|\d\.) ", h)]
    assert groups == ["I. Kết quả thực hiện", "1. Về kinh tế", "2. Văn hoá - Xã hội",
                      "3. Cải cách hành chính, xây dựng chính quyền, quốc phòng - an ninh, chuyển đổi số"]
    assert headings.index("1.2. Quản lý ngân sách, thu thuế và các nguồn quỹ") < headings.index("2. Văn hoá - Xã hội")
    # the seed's own sentences, computed: its wrong 83,5% shown beside the right figure
    assert "Thu Quỹ phòng, chống thiên tai 16.699.345 đ/21.145.000 đ, đạt 79,0% kế hoạch (báo cáo nêu 83,5%)." in html
    assert "Số ca sốt xuất huyết 20 ca, tăng 18 ca so với cùng kỳ." in html


def test_general_assessment_comes_from_the_statuses(vi):
    text = vi.assessment().data
    assert "4. Đánh giá chung" in text
    assert "còn chậm như" in text and "tổng chi ngân sách" in text  # 35,3% at mid-year: behind
    assert "số ca sốt xuất huyết" in text  # worse than the same period
    assert "1 lỗi" in text  # the stated 83,5%


def test_same_period_chart_colours_by_direction(vi):
    fig = vi.same_period_figure()
    bars = dict(zip(fig.data[0].y, fig.data[0].marker.color))
    assert bars["Số ca sốt xuất huyết"] == "#c62828"  # 2 → 20 cases: worse, red


def test_unit_findings_close_the_report(vi):
    text = vi.data_quality().data
    assert "83,5%" in text and "observations/phuong-4-2024.csv, dòng 9" in text
    assert "Thu Quỹ phòng, chống thiên tai" in text


# -- provenance on the page --------------------------------------------------------------------------
def _sentences(html):
    import re

    return re.findall(r"<li>([^<]*)</li>", html)


def test_a_real_report_says_its_comparisons_are_demo_and_is_never_called_demo(vi):
    """Phường 4's 2024-H1 figures are real; its 2023-H1 baselines are demo except dengue and hand-foot-mouth."""
    banner = vi.header().data
    assert "so sánh cùng kỳ dùng số liệu minh họa" in banner
    assert "Số liệu của đơn vị trong kỳ là số liệu thật" in banner
    assert "Báo cáo này có dùng số liệu tạo tự động" not in banner  # the demo report's banner
    demo = WardReport.open(None, "29875", "2024-H1", "vi").header().data  # Phường 3: demo figures
    assert "Báo cáo này có dùng số liệu tạo tự động" in demo
    en = WardReport.open(None, "29872", "2024-H1", "en").header().data
    assert "comparisons with the same period last year use demo figures" in en


def test_no_sentence_states_a_comparison_with_demo_data_without_the_mark(vi):
    said = [s for s in _sentences(vi.section_tables().data) if "so với cùng kỳ" in s]
    assert len(said) > 50
    from_seed = ("Số ca sốt xuất huyết", "Số ca tay chân miệng")  # the seed's own 2023-H1 ("tăng 18 ca")
    for s in said:
        assert ("‡" in s and "số liệu minh họa" in s) != s.startswith(from_seed), s
    r = vi.rows.set_index(vi.rows["indicator"].astype(str)).loc["new_household_businesses"]
    change = f"{'tăng' if r['change_abs'] > 0 else 'giảm'} {abs(r['change_abs']):.0f} hộ so với cùng kỳ"
    assert f"Số hộ kinh doanh cá thể thành lập mới 24 hộ, {change} ‡ (số liệu cùng kỳ là số liệu minh họa)." \
        in vi.section_tables().data


def test_every_figure_computed_from_demo_data_is_marked(vi):
    rows = vi.rows
    demo_change = rows[rows["same_period_provenance"].eq("demo") & rows["change_abs"].notna()
                       & rows["commitment"].eq("")]
    assert len(demo_change) > 100
    html = vi.section_tables().data
    for r in vi._records_of(demo_change):
        assert f"{vi._change(r)} ‡</td>" in html, r["indicator"]
    fig = vi.same_period_figure()
    labels = list(fig.data[0].y)
    assert labels and all(y.endswith("‡") for y in labels if not y.startswith(("Số ca sốt", "Số ca tay")))
    assert "Số ca sốt xuất huyết" in labels  # the seed's own baseline: no mark
    cards = vi.headline().data
    assert "trong các đơn vị cùng cấp ‡" in cards  # ranks among demo neighbours
    assert "‡ dữ liệu minh họa" in html  # and the mark is explained
    assert "Số hộ kinh doanh cá thể thành lập mới ‡" not in html  # the real figure itself is not marked


def test_each_figure_shows_its_source_and_note_as_a_tooltip(vi, hostile_data):
    html = vi.section_tables().data
    assert 'title="Nguồn: BC 6 tháng 2024 P4 §1.2"' in html
    en = WardReport.open(None, "29872", "2024-H1", "en")
    assert 'title="Source: BC 6 tháng 2024 P4 §1.2"' in en.section_tables().data
    assert "Same period 2023-H1:" in en.section_tables().data
    hover = vi.achievement_figure().data[0].customdata
    assert any("Nguồn: BC 6 tháng 2024 P4 §1.2" in h for h in hover)
    hostile = WardReport.open(hostile_data, "29872", "2024-H1", "vi").section_tables().data
    assert "<script>alert" not in hostile and "Ghi chú: &lt;script&gt;alert(&#34;xss&#34;)" in hostile


def test_met_and_not_met_are_coloured_by_what_they_say(vi):
    # "Chưa đạt" (not met) on a line that is on track was styled green (wl-met) from the pace status.
    import re

    html = str(vi.commitments_table().data) + str(vi.section_tables().data)
    cells = re.findall(r'<td[^>]*class="([^"]*)"[^>]*>(Chưa đạt|Đạt)</td>', html)
    assert any(text == "Chưa đạt" for _, text in cells) and any(text == "Đạt" for _, text in cells)
    for css, text in cells:
        assert ("wl-notmet" if text == "Chưa đạt" else "wl-met") in css.split(), (css, text)


@pytest.mark.parametrize("lang,ytd,period_label,header,households", [
    ("vi", "lũy kế từ đầu năm", "(6 tháng cuối năm 2024)", "Kết quả lũy kế từ đầu năm", "hộ"),
    ("en", "year to date", "(second half of 2024)", "Result, year to date", "households"),
])
def test_a_second_half_report_labels_the_year_to_date_and_the_periods_own_figure(lang, ytd, period_label, header,
                                                                                   households):
    """Issue 19 item 3: in H2 the bullets gave the half's figure, the table the year's: each now says which."""
    import html
    import re

    r = WardReport.open(None, "29872", "2024-H2", lang)  # the embedded demo data's second half
    rows = r.rows.set_index("indicator")
    flow = rows.loc["new_household_businesses"]
    assert flow["ytd_value"] != flow["value"]  # the case: 24 in H1 + 25 in H2
    tables = html.unescape(r.section_tables().data)
    assert f"<th>{header}</th>" in tables
    sentences = re.findall(r"<li>(.*?)</li>", tables)
    own = next(s for s in sentences if s.startswith(str(flow["name_" + lang])))
    assert f"{int(flow['value'])} {households} {period_label}" in own
    revenue = next(s for s in sentences if s.startswith("Tổng thu ngân sách" if lang == "vi" else "Total budget revenue"))
    assert revenue.split(" ", 4 if lang == "vi" else 3)[-1].startswith(ytd)
    assert f"{ytd.split()[0]}" in html.unescape(r.headline().data).split("wl-card-detail")[1][:60]
    stock = rows.loc["business_establishments"]  # a stock: its year-to-date figure is its own, no label
    assert stock["ytd_value"] == stock["value"]
    assert not any(ytd in s or period_label in s for s in sentences if s.startswith(str(stock["name_" + lang])))


def test_a_first_half_report_needs_no_year_to_date_label(vi):
    tables = vi.section_tables().data  # (the data's own notes may say "lũy kế 'đến nay'": not our label)
    assert "lũy kế từ đầu năm" not in tables and "<th>Kết quả</th>" in tables
