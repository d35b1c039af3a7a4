"""End to end: papermill runs the notebook per unit, nbconvert renders the HTML a planner opens."""

import json
import re

import pytest

from tests.conftest import tree_hash
from wardlib.cli import main
from wardlib.paths import default_data_dir

pytestmark = pytest.mark.e2e


def html_of(rendered, unit):
    return (rendered["dir"] / f"{unit}.html").read_text(encoding="utf-8")


def visible_text(html):
    body = html[html.index("<body"):]
    body = re.sub(r"<script.*?</script>", " ", body, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body))


def test_batch_succeeds_and_writes_manifest_and_index(rendered):
    assert rendered["exit"] == 0
    manifest = json.loads((rendered["dir"] / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["period"] == "2024-H1"
    assert {u: m["status"] for u, m in manifest["units"].items()} == {"29872": "ok", "29875": "ok"}
    assert manifest["units"]["29872"]["output"] == "29872.html"
    index = (rendered["dir"] / "index.html").read_text(encoding="utf-8")
    assert 'href="29872.html"' in index and 'href="29875.html"' in index
    assert "Dữ liệu minh họa" in index


def test_data_checks_run_once_and_show_on_the_reports(rendered):
    folder = rendered["dir"]
    findings = json.loads((folder / "findings.json").read_text(encoding="utf-8"))
    errors = [f for f in findings if f["severity"] == "error"]
    assert [(f["unit_code"], f["indicator"]) for f in errors] == [("29872", "fund_disaster_prevention")]
    # the ward report ends with its unit's findings, in Vietnamese, with the place to correct
    text = visible_text(html_of(rendered, "29872"))
    assert "Kiểm tra số liệu" in text
    assert "báo cáo nêu 83,5%, nhưng 16.699.345/21.145.000 là 78,98%" in text
    assert "observations/phuong-4-2024.csv, dòng 9, cột reported_pct" in text
    # the period's data-quality page and the GX Data Docs, linked from the index
    quality = visible_text((folder / "data_quality.html").read_text(encoding="utf-8"))
    assert "Tỷ lệ nêu trong báo cáo sai so với số liệu" in quality and "Phường 4" in quality
    assert (folder / "data-docs" / "index.html").is_file()
    index = (folder / "index.html").read_text(encoding="utf-8")
    assert 'href="data_quality.html"' in index and 'href="data-docs/index.html"' in index
    assert "1 lỗi" in visible_text(index)
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["units"]["29872"]["findings"]["error"] == 1 and manifest["data_quality"]["status"] == "ok"


def test_overview_and_trends_of_the_parent(rendered):
    folder = rendered["dir"]
    overview = visible_text((folder / "overview-866.html").read_text(encoding="utf-8"))
    assert "Tổng quan các đơn vị — Thành phố Cao Lãnh" in overview
    assert "Xếp hạng: Tổng thu ngân sách" in overview and "Phường 4" in overview
    assert "Bản cam kết hành động: tình trạng theo đơn vị" in overview and "Dữ liệu minh họa" in overview
    trends = (folder / "trends-866.html").read_text(encoding="utf-8")
    assert 'id="chart-trend-0"' in trends and "Xu hướng theo thời gian" in visible_text(trends)
    index = (folder / "index.html").read_text(encoding="utf-8")
    assert 'href="overview-866.html"' in index and 'href="trends-866.html"' in index
    assert 'id="wl-search"' in index


def test_input_data_is_not_modified_by_a_run(rendered):
    assert tree_hash(default_data_dir()) == rendered["data_hash_before"]


def test_seed_figures_in_vietnamese_format(rendered):
    text = visible_text(html_of(rendered, "29872"))
    assert "Tổng thu ngân sách 5.137.820.843 đ/9.270.000.000 đ, đạt 55,4% kế hoạch." in text
    # the report's own wrong 83.5% is shown with the recomputed figure next to it
    assert "83,5% (tính lại 78,98%)" in text
    assert "6 tháng đầu năm 2024" in text and 'lang="vi"' in html_of(rendered, "29872")


def test_every_figure_of_the_seed_is_in_the_report(rendered):
    from wardlib import fmt
    from wardlib.loaders import load_dataset

    text = visible_text(html_of(rendered, "29872"))
    data = load_dataset(default_data_dir())
    obs = data.observations
    seed = obs[(obs["unit_code"] == "29872") & (obs["period"] == "2024-H1") & ~obs["synthetic"]]
    cat = data.catalog.table
    missing = []
    for _, r in seed.iterrows():
        if r["value"] == r["value"]:  # not NaN
            c = cat.loc[str(r["indicator"])]
            shown = fmt.quantity(r["value"], c["unit"], c["kind"], int(c["decimals"]))
            if shown not in text:
                missing.append((str(r["indicator"]), shown))
        if r["status"] and str(r["status"]) not in text:
            missing.append((str(r["indicator"]), str(r["status"])))
    assert not missing, missing


def test_no_code_no_parameters_in_the_html(rendered):
    html = html_of(rendered, "29872")
    for leaked in ("WardReport.open", "injected-parameters", "unit_code: str", "from wardlib", "papermill",
                   "notebook-only", "jp-InputArea"):
        assert leaked not in html, leaked


def test_charts_draw_offline_from_one_small_file(rendered):
    html = html_of(rendered, "29872")
    head, body = html.split("<body", 1)
    # single mode (the default): plotly.js travels compressed inside the page, no CDN, no require.js
    assert 'id="wardlib-plotly"' in head and "application/x-wardlib-gzip-base64" in head
    assert len(html.encode("utf-8")) <= 2_500_000
    assert "<script src=" not in html
    assert "require.min.js" not in html and "tex-chtml" not in html  # lab template's CDN scripts
    for div in ("chart-achievement", "chart-same-period", "chart-neighbours"):
        assert f'id="{div}"' in body and re.search(rf'Plotly\.newPlot\(\s*"{div}"', body), div
    # the figure data is there (plotly encodes the numbers in base64; its labels are text)
    assert re.search(r'"text":\[[^\]]*"55,4%"', body) and '"bdata"' in body
    manifest = json.loads((rendered["dir"] / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["mode"] == "single"


def test_site_mode_shares_one_copy_of_plotly(tmp_path):
    assert main(["run", "--period", "2024-H1", "--unit", "29875", "--out", str(tmp_path), "--mode", "site",
                 "--no-gx"]) == 0
    page = (tmp_path / "2024-H1" / "29875.html").read_text(encoding="utf-8")
    assert len(page.encode("utf-8")) <= 150_000
    assert 'src="../assets/plotly.min.js"' in page and 'href="../assets/report.css"' in page
    assert (tmp_path / "assets" / "plotly.min.js").stat().st_size > 1_000_000


def test_demo_data_is_labelled_on_every_report_that_shows_it(rendered):
    for unit in ("29872", "29875"):  # 29872 compares itself with demo neighbours
        assert "Dữ liệu minh họa" in visible_text(html_of(rendered, unit))
    assert "‡" in visible_text(html_of(rendered, "29875"))


def test_data_is_escaped_not_injected(hostile_data, tmp_path):
    code = main(["run", "--data", str(hostile_data), "--period", "2024-H1", "--unit", "29872", "--out", str(tmp_path)])
    assert code == 0
    html = (tmp_path / "2024-H1" / "29872.html").read_text(encoding="utf-8")
    assert "<script>alert(" not in html and "<img src=x" not in html
    # shown as text (Jinja writes a quote as &#34;)
    assert '&lt;script&gt;alert(&#34;xss&#34;)&lt;/script&gt;&lt;img src=x' in html.replace('"', "&#34;")
    # the hostile unit name reaches the neighbours chart escaped, so plotly shows it as typed
    assert "<b>in" not in html and "&lt;b&gt;in" in html


def test_one_failing_unit_does_not_stop_the_batch(monkeypatch, tmp_path):
    import wardlib.kernels as kernels
    import wardlib.runner as runner

    real = kernels.execute

    def flaky(nb, params, **kw):
        if params["unit_code"] == "29875":
            raise RuntimeError("simulated kernel failure")
        return real(nb, params, **kw)

    monkeypatch.setattr(kernels, "execute", flaky)
    summary = runner.run(None, "2024-H1", ["29875", "29872"], tmp_path)
    assert [r.status for r in summary.results] == ["failed", "ok"]
    assert "simulated kernel failure" in summary.results[0].error
    manifest = json.loads((tmp_path / "2024-H1" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["units"]["29875"]["status"] == "failed"
    assert (tmp_path / "2024-H1" / "29872.html").exists() and not (tmp_path / "2024-H1" / "29875.html").exists()
    assert not list((tmp_path / "2024-H1").glob(".*.tmp"))
