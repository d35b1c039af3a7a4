"""Issue 19 item 9: bar labels are never clipped nor run into the names, and one extreme bar does not
squash the others, checked where it shows: plotly.js drawing the charts in Chromium.

The ward report's three bar charts get an extreme figure (+900 % against last year, 100 % and 1,000 %
of plan, a large fall), the overview's ranking chart its real data; each is drawn in a page of its
own at a narrow width (760 px, a laptop's half screen), and every bar label's box must lie inside
the plot area and clear of every name on the axis.
"""

from __future__ import annotations

import plotly.graph_objects as go
import plotly.offline
import pytest

from tests.browser import chromium, need_browser  # noqa: F401 (a fixture)
from wardlib.overview import CityOverview
from wardlib.report import WardReport

pytestmark = [pytest.mark.browser]

MEASURE = """() => [...document.querySelectorAll('.js-plotly-plot')].map(gd => {
  const s = gd._fullLayout._size, b = gd.getBoundingClientRect();
  const area = {l: b.left + s.l, r: b.left + s.l + s.w, t: b.top + s.t, b: b.top + s.t + s.h};
  const boxes = sel => [...gd.querySelectorAll(sel)].map(e => {
    const r = e.getBoundingClientRect(); return {text: e.textContent, l: r.left, r: r.right, t: r.top, b: r.bottom};
  }).filter(r => r.text && r.r > r.l);
  return {id: gd.id, area, labels: boxes('.bartext'), names: boxes('.ytick text'),
          svg: (r => ({l: r.left, r: r.right, t: r.top, b: r.bottom}))(gd.querySelector('svg.main-svg').getBoundingClientRect()),
          notes: boxes('.annotation-text')};
})"""


def _extreme_report() -> WardReport:
    r = WardReport.open(None, "29872", "2024-H1", "vi")
    rows = r.rows.copy()
    changes = rows.index[rows["change_pct"].notna() & rows["kind"].isin(["count", "amount"]) & rows["direction"].ne("none")]
    rows.loc[changes[0], "change_pct"] = 900.0
    rows.loc[changes[1], "change_pct"] = -85.0
    targets = rows.index[rows["achievement_pct"].notna()]
    rows.loc[targets[0], "achievement_pct"] = 100.0
    rows.loc[targets[1], "achievement_pct"] = 1000.0
    r.__dict__["rows"] = rows
    return r


@pytest.fixture(scope="module")
def figures() -> dict[str, go.Figure]:
    r = _extreme_report()
    overview = CityOverview.open(None, "866", "2024-H1", "vi")
    return {"achievement": r.achievement_figure(), "same-period": r.same_period_figure(),
            "neighbours": r.neighbours_figure(), "statuses": overview.status_figure()}


def test_one_extreme_bar_is_cut_at_the_cap_and_labelled_with_its_value(figures):
    fig = figures["same-period"]
    bar = fig.data[0]
    i = list(bar.text).index("+900,0%")
    assert bar.x[i] < 200 and bar.marker.pattern.shape[i] == "/"  # drawn to the cap, hatched
    others = [abs(x) for j, x in enumerate(bar.x) if j != i]
    assert max(others) / fig.layout.xaxis.range[1] > 0.4  # the other bars keep a readable length
    assert any("bị cắt ở" in a.text for a in fig.layout.annotations)
    assert list(figures["achievement"].data[0].text).count("1.000,0%") == 1


def test_the_ranking_chart_shows_its_order(figures):
    fig = figures["statuses"]
    top_down = list(fig.layout.yaxis.categoryarray)[::-1]
    assert [n.split(". ", 1)[0] for n in top_down] == [str(i) for i in range(1, len(top_down) + 1)]
    assert "xếp hạng" in fig.layout.xaxis.title.text


def test_no_bar_label_is_clipped_or_runs_into_a_name(chromium, figures, tmp_path):
    browser = need_browser(chromium)
    page = browser.new_page(viewport={"width": 760, "height": 900})
    body = "".join(f.to_html(full_html=False, include_plotlyjs=False, div_id=f"chart-{k}") for k, f in figures.items())
    path = tmp_path / "charts.html"
    path.write_text(f"<!DOCTYPE html><meta charset='utf-8'><script>{plotly.offline.get_plotlyjs()}</script>{body}",
                    encoding="utf-8")
    page.goto(path.as_uri())
    page.wait_for_function("() => document.querySelectorAll('.js-plotly-plot .main-svg').length >= 4")
    charts = page.evaluate(MEASURE)
    page.close()
    assert len(charts) == 4
    problems = []
    for c in charts:
        a = c["area"]
        for lab in c["labels"]:
            if lab["l"] < a["l"] - 1 or lab["r"] > a["r"] + 1 or lab["t"] < a["t"] - 1 or lab["b"] > a["b"] + 1:
                problems.append(f"{c['id']}: label {lab['text']!r} leaves the plot area")
            for n in c["names"]:
                if lab["l"] < n["r"] and n["l"] < lab["r"] and lab["t"] < n["b"] and n["t"] < lab["b"]:
                    problems.append(f"{c['id']}: label {lab['text']!r} runs into {n['text']!r}")
        for n in c["notes"]:
            if n["l"] < c["svg"]["l"] - 1 or n["r"] > c["svg"]["r"] + 1 or n["b"] > c["svg"]["b"] + 1:
                problems.append(f"{c['id']}: note {n['text']!r} is cut")
    assert sum(len(c["labels"]) for c in charts) > 20
    assert problems == []
