"""The report page's output modes: single file (self-contained, ≤ 2.5 MB) and site (shared assets, ≤ 150 KB).

The ward report of Phường 4 (29872) is executed once for the module and exported
in each mode. The browser tests open the pages in headless Chromium with every
non-file request blocked and wait for the charts to draw; they need the
``browser`` marker registered in pyproject.toml, Chromium at /usr/bin/chromium
(or ``$WARDLIB_CHROMIUM``) and the ``playwright`` package (never ``playwright
install``). Without them they skip, except when ``CI`` is set: then they fail.
"""

from __future__ import annotations

import base64
import gzip
import os
import re
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import pytest

from tests.browser import chromium, need_browser  # noqa: F401 (a fixture)
from wardlib.paths import notebooks_dir
from wardlib.exporter import export_html
from wardlib.render import (PageInfo, execute, plotly_path, read_notebook, stylesheet,
                            write_assets)

SINGLE_MAX = 2_500_000
SITE_MAX = 150_000
CHARTS = ("chart-achievement", "chart-neighbours")  # at least these; chart_ids() finds them all
PAGE = PageInfo(title="Phường 4 — 6 tháng đầu năm 2024", lang="vi",
                unit_label="Phường 4 (29872), Thành phố Cao Lãnh", period_label="6 tháng đầu năm 2024",
                data_version="test")


class Tags(HTMLParser):
    """The ``<script>`` and ``<link>`` tags of a page with their attributes, and the text of its scripts."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.scripts: list[tuple[dict, str]] = []
        self._open: dict | None = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "link", "div", "img", "iframe", "source", "embed", "object"):
            self.tags.append((tag, dict(attrs)))
        if tag == "script":
            self._open = dict(attrs)
            self.scripts.append((self._open, ""))

    def handle_data(self, data):
        if self._open is not None:
            attrs, text = self.scripts[-1]
            self.scripts[-1] = (attrs, text + data)

    def handle_endtag(self, tag):
        if tag == "script":
            self._open = None


def external_urls(html: str) -> list[str]:
    """Every src/href of a script, link or embedded resource that points off the page's folder."""
    found = []
    for tag, attrs in Tags(html).tags:
        for name in ("src", "href", "data"):
            url = (attrs.get(name) or "").strip()
            if re.match(r"(?i)^(https?:|//|ftp:)", url):
                found.append(f"<{tag} {name}={url}>")
    return found


def chart_ids(html: str) -> list[str]:
    """The ids of the page's plotly chart divs, in page order."""
    ids = [a.get("id") for t, a in Tags(html).tags if t == "div" and "plotly-graph-div" in a.get("class", "").split()]
    assert set(CHARTS) <= set(ids), ids
    return ids


def plotly_sample() -> str:
    """A piece of plotly.js's own code: found in a page only where plotly.js is inline, uncompressed."""
    return plotly_path().read_text(encoding="utf-8")[100_000:100_200].replace("</script", "<\\/script")


def head_of(html: str) -> str:
    return html[:html.index("</head>")]


@pytest.fixture(scope="module")
def executed():
    nb = read_notebook(notebooks_dir() / "ward_report.py")
    return execute(nb, {"unit_code": "29872", "period": "2024-H1", "data_dir": "", "lang": "vi"})


@pytest.fixture(scope="module")
def pages(executed, tmp_path_factory):
    """The report in each mode, as a reader gets it: ``single/2024-H1/29872.html`` alone; the site page
    in ``site/2024-H1/`` with the shared assets in ``site/assets/``; a site page without its assets."""
    root = tmp_path_factory.mktemp("modes")
    paths = {"single": root / "single" / "2024-H1" / "29872.html",
             "site": root / "site" / "2024-H1" / "29872.html",
             "orphan": root / "orphan" / "2024-H1" / "29872.html"}
    single = export_html(executed, PAGE, mode="single")
    site = export_html(executed, PAGE, mode="site", assets_href="../assets")
    for key, html in (("single", single), ("site", site), ("orphan", site)):
        paths[key].parent.mkdir(parents=True)
        paths[key].write_text(html, encoding="utf-8")
    write_assets(root / "site" / "assets")
    return paths


def _page_within(path, limit: int):
    """A page's text and tags, after checking its size in bytes against ``limit``."""
    raw = path.read_bytes()
    assert len(raw) <= limit, f"{path.name} ({path.parent.name}) is {len(raw):,} bytes, over {limit:,}"
    html = raw.decode("utf-8")
    return html, Tags(html)


@pytest.mark.e2e
def test_single_file_is_self_contained_and_under_2_5_mb(pages):
    html, tags = _page_within(pages["single"], SINGLE_MAX)
    assert not [a for t, a in tags.tags if t == "script" and "src" in a], "a single file loads no script"
    assert not re.search(r"<script\b[^>]*\bsrc\s*=", html, re.I)
    assert not [a for t, a in tags.tags if t == "link" and a.get("href")], "a single file links no stylesheet"
    assert external_urls(html) == []
    # plotly.js is there, compressed, byte for byte the copy the plotly package ships
    payload = [text for attrs, text in tags.scripts if attrs.get("id") == "wardlib-plotly"]
    assert len(payload) == 1 and tags.scripts[0][0].get("type") == "application/x-wardlib-gzip-base64"
    assert gzip.decompress(base64.b64decode(payload[0])) == plotly_path().read_bytes()
    head = head_of(html)
    assert "* plotly.js v" in head and head.count("* plotly.js v") == 1  # its licence banner stays readable
    assert plotly_sample() not in html  # no raw plotly.js inline
    # the stylesheet, print rules included, is inline
    assert stylesheet() in html and "@media print" in head
    body = html[html.index("<body"):]
    for div in chart_ids(html):
        assert re.search(rf'Plotly\.newPlot\(\s*"{div}"', body), div


@pytest.mark.e2e
def test_site_page_links_the_shared_assets_and_is_under_150_kb(pages):
    html, tags = _page_within(pages["site"], SITE_MAX)
    scripts = [a["src"] for t, a in tags.tags if t == "script" and "src" in a]
    sheets = [a["href"] for t, a in tags.tags if t == "link" and "stylesheet" in a.get("rel", "")]
    assert scripts == ["../assets/plotly.min.js"] and sheets == ["../assets/report.css"]
    assert external_urls(html) == []
    head = head_of(html)
    assert "<style" not in head and "@media print" not in head  # the CSS is the shared file's
    assert "* plotly.js v" not in html and plotly_sample() not in html  # no plotly.js of its own
    assert 'id="wardlib-plotly"' not in html
    assert (pages["site"].parent / "../assets/plotly.min.js").resolve().read_bytes() == plotly_path().read_bytes()
    assert "@media print" in (pages["site"].parent / "../assets/report.css").resolve().read_text(encoding="utf-8")


@pytest.mark.e2e
def test_default_mode_is_unchanged_inline(executed):
    html = export_html(executed, PAGE)
    head = head_of(html)
    assert head.count("* plotly.js v") == 1 and plotly_sample() in head  # raw plotly.js, as before
    assert "<script src=" not in html and "wardlib-plotly" not in html and stylesheet() in head


@pytest.mark.e2e
def test_assets_href_must_be_relative(executed):
    html = export_html(executed, PAGE, mode="site", assets_href="../../assets/")
    assert 'src="../../assets/plotly.min.js"' in html and 'href="../../assets/report.css"' in html
    for bad in ("https://cdn.example.org/plotly", "//cdn.example.org", "file:///srv/assets", "", "C:/assets"):
        with pytest.raises(ValueError, match="relative URL"):
            export_html(executed, PAGE, mode="site", assets_href=bad)
    with pytest.raises(ValueError, match="mode"):
        export_html(executed, PAGE, mode="cdn")


@pytest.mark.e2e
@pytest.mark.parametrize("mode", ["single", "site", "inline"])
def test_export_is_nbconverts_html_exporter_s_without_its_reprint(executed, mode):
    """wardlib's exporter (a TemplateExporter, see wardlib.exporter) must give the page nbconvert's own
    HTMLExporter gives with the same template, up to BeautifulSoup re-printing it, and an image
    without ``alt`` must still get nbconvert's default one."""
    from datetime import datetime, timezone

    from bs4 import BeautifulSoup
    from nbconvert import HTMLExporter

    from wardlib.paths import TEMPLATES_DIR

    when = datetime(2026, 1, 1, tzinfo=timezone.utc)
    img = nbformat.v4.new_code_cell(outputs=[nbformat.v4.new_output(
        "display_data", data={"image/png": base64.b64encode(b"\x89PNG\r\n").decode()})])
    nb = nbformat.from_dict({**executed, "cells": [*executed.cells, img]})
    ours = export_html(nb, PAGE, mode=mode, generated=when, assets_href="../assets")
    asked = {"page": PAGE, "mode": mode, "assets_href": "../assets", "generated": when}
    html = HTMLExporter(template_name="wardlib", extra_template_basedirs=[str(TEMPLATES_DIR)])
    theirs, _ = html.from_notebook_node(nb, resources={"wardlib_page": asked})
    assert ours != theirs  # the reprint does change the bytes: the comparison below is not vacuous
    assert BeautifulSoup(ours, "html.parser").decode() == BeautifulSoup(theirs, "html.parser").decode()
    assert 'alt="No description has been provided for this image"' in ours
    assert "injected-parameters" not in ours and "jp-InputArea" not in ours[ours.index("<body"):]


def test_pages_without_charts_carry_no_plotly_and_escape_the_header():
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("Kiểm tra số liệu")])
    page = PageInfo(title="A <b>x</b> & y", lang="vi", unit_label="Phường 3 <b>in đậm</b>",
                    period_label="6 tháng", data_version="</title><script>alert(1)</script>")
    single = export_html(nb, page, mode="single")
    site = export_html(nb, page, mode="site")
    assert len(single.encode()) < 50_000 and "wardlib-plotly" not in single and "<script" not in single
    assert "plotly.min.js" not in site and 'href="assets/report.css"' in site
    for html in (single, site, export_html(nb, page)):
        assert "<b>" not in html and "&lt;b&gt;in đậm&lt;/b&gt;" in html
        assert "<script>alert" not in html


def test_write_assets_writes_both_files_once(tmp_path):
    folder = tmp_path / "reports" / "assets"
    write_assets(folder)
    js, css = folder / "plotly.min.js", folder / "report.css"
    assert js.read_bytes() == plotly_path().read_bytes()
    assert css.read_text(encoding="utf-8") == stylesheet()
    # identical files are left alone: an old modification time survives a second call
    for path in (js, css):
        os.utime(path, ns=(1_000_000_000_000_000_000, 1_000_000_000_000_000_000))
    write_assets(folder)
    assert js.stat().st_mtime_ns == css.stat().st_mtime_ns == 1_000_000_000_000_000_000
    # a file that differs is replaced, atomically (no temporary file left behind)
    css.write_text("/* stale */", encoding="utf-8")
    write_assets(folder)
    assert css.read_text(encoding="utf-8") == stylesheet()
    assert js.stat().st_mtime_ns == 1_000_000_000_000_000_000
    assert sorted(p.name for p in folder.iterdir()) == ["plotly.min.js", "report.css"]


# ---- in a real browser, offline ---------------------------------------------------------------

CHARTS_DRAWN = "ids => ids.every(id => document.querySelector('#' + id + ' svg.main-svg'))"


def open_offline(browser, path: Path, init_script: str | None = None):
    """Open ``path`` with every request that is not a file:// URL refused; returns the page and its logs."""
    context = browser.new_context()
    page = context.new_page()
    log = {"errors": [], "requests": [], "blocked": []}
    page.on("console", lambda m: m.type == "error" and log["errors"].append(m.text))
    page.on("pageerror", lambda e: log["errors"].append(f"page error: {e}"))

    def route(r):
        url = r.request.url
        log["requests"].append(url)
        if url.startswith("file://"):
            r.continue_()
        else:
            log["blocked"].append(url)
            r.abort()

    page.route("**/*", route)
    if init_script:
        page.add_init_script(init_script)
    page.goto(path.as_uri())
    return context, page, log


@pytest.mark.e2e
@pytest.mark.browser
@pytest.mark.parametrize("mode, init_script", [
    ("single", None),
    ("site", None),
], ids=["single", "site"])
def test_charts_draw_offline_in_chromium(chromium, request, mode, init_script):
    browser = need_browser(chromium)
    pages = request.getfixturevalue("pages")  # only now: no notebook run for a test that skips
    context, page, log = open_offline(browser, pages[mode], init_script)
    try:
        page.wait_for_function(CHARTS_DRAWN, arg=chart_ids(pages[mode].read_text(encoding="utf-8")),
                               timeout=60_000)
        assert page.evaluate("() => document.querySelectorAll('.wl-chart-failed').length") == 0
        ready_ms = page.evaluate("() => performance.getEntriesByName('wardlib-plotly').map(m => m.duration)")
        assert len(ready_ms) == 1, "the loader never made plotly.js ready"
        # the print stylesheet applies: the report drops its screen width on paper
        assert page.evaluate("() => getComputedStyle(document.querySelector('.wl-report')).maxWidth") != "none"
        page.emulate_media(media="print")
        assert page.evaluate("() => getComputedStyle(document.querySelector('.wl-report')).maxWidth") == "none"
    finally:
        context.close()
    assert log["errors"] == []
    assert log["blocked"] == []
    expected = {pages[mode].as_uri()}
    if mode == "site":
        assets = (pages[mode].parent.parent / "assets").resolve()
        expected |= {(assets / "plotly.min.js").as_uri(), (assets / "report.css").as_uri()}
    assert set(log["requests"]) == expected


@pytest.mark.e2e
@pytest.mark.browser
def test_single_file_without_decompressionstream_says_so_in_place_of_the_charts(chromium, request):
    """A browser without DecompressionStream (Safari < 16.4, Firefox < 113) cannot unpack plotly.js:
    each chart says so instead of staying blank (there is no decoder of our own to fall back on)."""
    browser = need_browser(chromium)
    pages = request.getfixturevalue("pages")
    context, page, log = open_offline(browser, pages["single"], "delete window.DecompressionStream;")
    try:
        charts = chart_ids(pages["single"].read_text(encoding="utf-8"))
        page.wait_for_function("n => document.querySelectorAll('.wl-chart-failed').length === n",
                               arg=len(charts), timeout=30_000)
        text = page.evaluate(f"() => document.getElementById('{CHARTS[0]}').textContent")
        drawn = page.evaluate("() => document.querySelectorAll('svg.main-svg').length")
    finally:
        context.close()
    assert "Không vẽ được biểu đồ" in text and drawn == 0
    assert log["blocked"] == [] and any("DecompressionStream" in e for e in log["errors"])


@pytest.mark.e2e
@pytest.mark.browser
def test_site_page_without_its_assets_says_so_in_place_of_the_charts(chromium, request):
    browser = need_browser(chromium)
    pages = request.getfixturevalue("pages")
    context, page, log = open_offline(browser, pages["orphan"])
    try:
        charts = chart_ids(pages["orphan"].read_text(encoding="utf-8"))
        page.wait_for_function("n => document.querySelectorAll('.wl-chart-failed').length === n",
                               arg=len(charts), timeout=30_000)
        text = page.evaluate(f"() => document.getElementById('{CHARTS[0]}').textContent")
    finally:
        context.close()
    assert "plotly.min.js" in text and "Không vẽ được biểu đồ" in text
    assert log["blocked"] == [] and any("plotly.min.js is missing" in e for e in log["errors"])
