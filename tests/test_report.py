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
    assert "Total budget revenue 5,137,820,843 VND/9,270,000,000 VND: 55.4% of plan." in en.headline().data
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
