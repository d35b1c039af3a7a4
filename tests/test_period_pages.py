"""The period pages (city overview, trends) of the embedded data.

A period's trends page draws the units as they were in that period (code and version).

Codes were reused on 1 July 2025: 29869 was Phường 1 and is now Phường Cao Lãnh, 29884 was Xã Mỹ
Tân and is now Phường Mỹ Ngãi, 29888 was Phường Mỹ Phú and is now Phường Mỹ Trà. A 2024-H1 page
drew the new units' lines (Phường Cao Lãnh's rebuilt 41,78 tỷ đ in place of Phường 1's own
5,58 tỷ) and lost three of TP Cao Lãnh's thirteen units.
"""

import pytest

from wardlib.overview import CityOverview, Trends
from wardlib.periods import Period


@pytest.fixture(scope="module")
def trends() -> Trends:
    return Trends.open(None)


def lines(fig) -> dict[str, list]:
    return {t.name.removesuffix(" ‡"): list(t.y) for t in fig.data}


def test_a_2024_page_draws_the_thirteen_units_of_2024(trends):
    when = Period.parse("2024-H1")
    units = trends.units_of("866", when)
    drawn = lines(trends.figure("budget_revenue", units, until="2024-H1", when=when))
    assert len(units) == 13 and len(drawn) == 13
    assert {"Phường 1", "Xã Mỹ Tân", "Phường Mỹ Phú"} <= set(drawn)
    assert not {"Phường Cao Lãnh", "Phường Mỹ Trà"} & set(drawn)
    t = trends.table
    own = t[(t["unit_code"] == "29869") & (t["unit_name"] == "Phường 1") & (t["indicator"] == "budget_revenue")
            & (t["period"] == "2024-H1")]["ytd_value"].iloc[0]
    assert drawn["Phường 1"][-1] == own  # Phường 1's own figure, not the merged ward's


def test_a_2026_page_draws_the_new_ward_with_its_rebuilt_history(trends):
    when = Period.parse("2026-H1")
    fig = trends.figure("budget_revenue", ["29869"], when=when)
    line = fig.data[0]  # then its target, dotted
    assert line.name.removesuffix(" ‡") == "Phường Cao Lãnh"
    assert list(line.x)[0] == "2023-H1" and "circle-open" in line.marker.symbol  # rebuilt points, hollow


def test_the_overview_ranks_units_best_first(trends):
    fig = CityOverview(trends.data, trends.table, "866", Period.parse("2024-H1"), "vi").status_figure()
    top_down = list(fig.layout.yaxis.categoryarray)[::-1]  # plotly draws the first category at the bottom
    good = {name: 0 for name in top_down}
    for trace in fig.data:
        if trace.name in ("Đạt", "Đúng tiến độ"):
            for name, n in zip(trace.y, trace.x):
                good[name] += n
    assert len(top_down) == 13
    assert [good[n] for n in top_down] == sorted(good.values(), reverse=True)
