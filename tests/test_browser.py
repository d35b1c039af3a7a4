"""The rendered pages in a real browser, offline: charts draw, the index searches and sorts, the print
layout holds on A4, and hostile data stays text.

One headless Chromium for the module (Debian's, at /usr/bin/chromium or ``$WARDLIB_CHROMIUM``, driven by
the ``playwright`` package; never ``playwright install``). Every request that is not a ``file://`` URL is
refused, as for an official who opens a report from a chat attachment without a network. Without
Chromium or playwright the tests skip and say why, except when ``CI`` is set: then they fail (the policy
of tests/test_render_modes.py, whose few launch lines are repeated here so that each module stands alone).

The pages are the ``rendered`` batch of conftest.py (units 29872 and 29875, 2024-H1, single-file mode),
each opened once, in a 1280 px wide window (a desktop screen), and shared by the tests of the module.

Print: Chromium lays a printed page out at the width of the A4 page less the ``@page`` margins of
report.css (210 - 2 x 12 = 186 mm, about 703 px; printable height 297 - 2 x 15 = 267 mm, about 1009 px).
The layout is measured at that width by giving ``<html>`` the printable width under print media.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.browser import chromium, need_browser  # noqa: F401 (a fixture)
from wardlib.render import stylesheet

pytestmark = [pytest.mark.browser, pytest.mark.e2e]

DESKTOP = {"width": 1280, "height": 900}

PAGES = ("29872.html", "29875.html", "overview-866.html", "trends-866.html", "data_quality.html", "index.html")
# charts each page draws at least (the source of each page gives the full list)
MIN_CHARTS = {"29872.html": {"chart-achievement", "chart-same-period", "chart-neighbours"},
              "29875.html": {"chart-achievement", "chart-same-period", "chart-neighbours"},
              "overview-866.html": {"chart-statuses", "chart-distribution"},
              "trends-866.html": {"chart-trend-0"},
              "data_quality.html": {"chart-rules"},
              "index.html": set()}
CHART_IDS = "() => Array.from(document.querySelectorAll('div[id^=\"chart-\"]'), d => d.id)"
CHARTS_DRAWN = "ids => ids.every(id => document.getElementById(id).querySelector('svg.main-svg'))"

NOTE = '<script>alert("xss")</script><img src=x onerror=alert(1)>'
UNIT_NAME = "Phường 3 <b>in đậm</b>"

# ---- the browser ------------------------------------------------------------------------------


@dataclass
class Tab:
    """An opened page with what it did: console and page errors, requests, refused requests, dialogs."""

    path: Path
    context: object
    page: object
    charts: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)  # requests that got no answer (a missing file too)


def open_offline(browser, path: Path) -> Tab:
    """Open ``path`` with every non-file:// request refused, and wait until each of its charts has drawn."""
    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    tab = Tab(path, context, page)
    page.on("console", lambda m: m.type == "error" and tab.errors.append(m.text))
    page.on("pageerror", lambda e: tab.errors.append(f"page error: {e}"))
    page.on("requestfailed", lambda r: tab.failed.append(r.url))

    def on_dialog(dialog):
        tab.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    page.on("dialog", on_dialog)

    def route(r):
        url = r.request.url
        tab.requests.append(url)
        if url.startswith("file://"):
            r.continue_()
        else:
            tab.blocked.append(url)
            r.abort()

    page.route("**/*", route)
    page.goto(path.as_uri(), wait_until="load")
    tab.charts = page.evaluate(CHART_IDS)
    if tab.charts:
        page.wait_for_function(CHARTS_DRAWN, arg=tab.charts, timeout=60_000)
    return tab


def opener(browser, folder: Path):
    """``get(name)``: the page ``folder/name``, opened once; ``close()`` closes them all."""
    tabs: dict[str, Tab] = {}

    def get(name: str) -> Tab:
        if name not in tabs:
            tabs[name] = open_offline(browser, folder / name)
        return tabs[name]

    def close():
        for tab in tabs.values():
            tab.context.close()

    return get, close


@pytest.fixture(scope="module")
def tabs(chromium, request):
    """The pages of the ``rendered`` batch, each opened once for the module."""
    browser = need_browser(chromium)
    rendered = request.getfixturevalue("rendered")  # only now: no batch run for tests that skip
    assert rendered["exit"] == 0
    get, close = opener(browser, rendered["dir"])
    yield get
    close()


@pytest.fixture(scope="module")
def hostile_tabs(chromium, request, tmp_path_factory):
    """The pages of one batch run on ``hostile_data`` (a script in a note, tags in a unit name)."""
    from wardlib.cli import main

    browser = need_browser(chromium)
    data = request.getfixturevalue("hostile_data")
    out = tmp_path_factory.mktemp("hostile-run")
    assert main(["run", "--data", str(data), "--period", "2024-H1", "--unit", "29872", "--unit", "29875",
                 "--out", str(out), "--no-gx"]) == 0
    get, close = opener(browser, out / "2024-H1")
    yield get
    close()


def source_chart_ids(path: Path) -> list[str]:
    """The ids of the page's chart divs as its markup writes them (attributes in any order)."""
    ids = []
    for tag in re.findall(r"<div\b[^>]*>", path.read_text(encoding="utf-8")):
        klass, ident = re.search(r'\bclass="([^"]*)"', tag), re.search(r'\bid="(chart-[^"]+)"', tag)
        if klass and ident and "plotly-graph-div" in klass.group(1).split():
            ids.append(ident.group(1))
    return ids


# ---- 1. charts draw offline -------------------------------------------------------------------


@pytest.mark.parametrize("name", PAGES)
def test_every_chart_draws_offline_without_errors(chromium, request, name):
    need_browser(chromium)
    tab = request.getfixturevalue("tabs")(name)
    assert set(tab.charts) >= MIN_CHARTS[name]
    assert tab.charts == source_chart_ids(tab.path)
    drawn = tab.page.evaluate("""ids => ids.map(id => {
        const svg = document.getElementById(id).querySelector('svg.main-svg'), r = svg.getBoundingClientRect();
        return [id, r.width > 0 && r.height > 0 && svg.querySelectorAll('path, rect, text').length > 0];
    })""", tab.charts)
    assert [id for id, ok in drawn if not ok] == [], "charts with an empty or zero-size SVG"
    assert tab.page.evaluate("() => document.querySelectorAll('.wl-chart-failed').length") == 0
    assert tab.errors == []
    assert tab.blocked == [] and [u for u in tab.requests if not u.startswith("file://")] == []
    assert set(tab.requests) == {tab.path.as_uri()}  # a single-file page loads nothing but itself
    assert tab.dialogs == []


# ---- 2. the index: search and sort ------------------------------------------------------------


def visible_codes(page) -> list[str]:
    """The unit codes of the index rows a reader sees, top to bottom."""
    rows = page.locator("#wl-units tbody tr")
    return [rows.nth(i).locator("td").first.inner_text().strip()
            for i in range(rows.count()) if rows.nth(i).is_visible()]


def test_index_search_and_sort(chromium, request):
    need_browser(chromium)
    page = request.getfixturevalue("tabs")("index.html").page
    assert visible_codes(page) == ["29872", "29875"]  # the run's order
    search = page.locator("#wl-search")
    search.press_sequentially("phuong 4")  # typed without accents, as on a phone keyboard
    assert visible_codes(page) == ["29872"]
    assert page.locator("#wl-units tbody tr:visible td:nth-child(2)").inner_text().startswith("Phường 4")
    search.fill("")
    assert visible_codes(page) == ["29872", "29875"]
    search.press_sequentially("PHƯỜNG 3")
    assert visible_codes(page) == ["29875"]
    search.fill("")
    assert visible_codes(page) == ["29872", "29875"]

    unit = page.locator('#wl-units th[data-sort="1"]')
    assert unit.inner_text().strip() == "Đơn vị"
    unit.click()  # Phường 3 before Phường 4
    assert unit.get_attribute("aria-sort") == "ascending" and visible_codes(page) == ["29875", "29872"]
    unit.click()
    assert unit.get_attribute("aria-sort") == "descending" and visible_codes(page) == ["29872", "29875"]
    # a numeric column sorts by its value: Phường 4 has 1 data error, Phường 3 none
    checks = page.locator('#wl-units th[data-sort="4"]')
    checks.click()
    assert checks.get_attribute("aria-sort") == "ascending" and unit.get_attribute("aria-sort") is None
    assert visible_codes(page) == ["29875", "29872"]
    # sorting keeps the search: a filtered row stays hidden
    search.press_sequentially("phuong 4")
    checks.click()
    assert visible_codes(page) == ["29872"]
    search.fill("")


# ---- 3. print -------------------------------------------------------------------------------

MM = 96 / 25.4  # CSS px per mm


def printable_mm() -> tuple[float, float]:
    """The printable A4 area (width, height) in mm: the page less report.css's ``@page`` margins."""
    m = re.search(r"@page\s*{[^}]*\bsize:\s*A4\b[^}]*\bmargin:\s*([\d.]+)mm\s+([\d.]+)mm\s*;", stylesheet())
    assert m, "report.css no longer has '@page { size: A4; margin: <v>mm <h>mm; }'"
    vertical, horizontal = float(m.group(1)), float(m.group(2))
    return 210 - 2 * horizontal, 297 - 2 * vertical


def pdf_pages(pdf: bytes) -> int:
    """The number of pages of a PDF: its ``/Type /Page`` objects, checked against the page tree's count."""
    pages = len(re.findall(rb"/Type\s*/Page(?![A-Za-z])", pdf))
    counts = [int(c) for c in re.findall(rb"/Type\s*/Pages\b[^>]*?/Count\s+(\d+)", pdf)
              + re.findall(rb"/Count\s+(\d+)[^>]*?/Type\s*/Pages\b", pdf)]
    assert pages > 0 and (not counts or max(counts) == pages), (pages, counts)
    return pages


# Measured in print media with <html> at the printable width. A "run" is the stretch between two
# forced page breaks (the start of the page, then each element with break-before: page); an "unbreakable"
# block is an outermost element with break-inside: avoid.
PRINT_LAYOUT = """() => {
  const root = document.documentElement, W = root.getBoundingClientRect().width, y = window.scrollY;
  const name = el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
      ((el.getAttribute('class') || '').trim() ? '.' + el.getAttribute('class').trim().split(/\\s+/).join('.') : '');
  const all = Array.from(document.body.querySelectorAll('*'));
  const isWide = el => { const r = el.getBoundingClientRect(); return r.width > 0 && r.right > W + 1; };
  const wide = all.filter(el => isWide(el) && !(el.parentElement && isWide(el.parentElement)))  // outermost only
                  .slice(0, 10).map(el => [name(el), Math.round(el.getBoundingClientRect().right)]);
  const avoids = el => getComputedStyle(el).breakInside.startsWith('avoid');
  const blocks = Array.from(document.querySelectorAll('table.wl-table, div[id^="chart-"]'), el => {
    const r = el.getBoundingClientRect();
    return {name: name(el), height: r.height, avoid: avoids(el),
            thead: el.tHead ? getComputedStyle(el.tHead).display : null,
            rows: el.rows ? Array.from(el.rows, row => ({avoid: avoids(row), height: row.getBoundingClientRect().height})) : []};
  });
  const insideAvoid = el => { for (let a = el.parentElement; a && a !== document.body; a = a.parentElement)
                                if (avoids(a)) return true;
                              return false; };
  const unbreakable = all.filter(el => avoids(el) && el.getBoundingClientRect().height > 0 && !insideAvoid(el))
                         .map(el => ({top: el.getBoundingClientRect().top + y, height: el.getBoundingClientRect().height}));
  const forced = all.filter(el => getComputedStyle(el).breakBefore === 'page' && el.getBoundingClientRect().height > 0)
                    .map(el => el.getBoundingClientRect().top + y);
  return {width: W, wide, blocks, unbreakable, forced, bottom: document.body.getBoundingClientRect().bottom + y};
}"""
SLACK = 40  # px: margins kept or dropped at a break, rounding; about two lines of text


def page_bounds(layout: dict, height: float) -> tuple[int, int, list[tuple[int, int, int]]]:
    """The fewest and the most pages the measured layout can print on, and (run height, least, most) per run.

    A run starts a new page; it needs at least ceil(h / H) pages. It cannot need more than
    ceil((h + U) / H), U the height of its unbreakable blocks: a page ends early only to push one such
    block whole to the next page, which wastes less than that block's height. A run that fits on a page
    takes exactly one page.
    """
    starts = sorted({0.0, *(t for t in layout["forced"] if t > 1)})
    ends = starts[1:] + [max(layout["bottom"], starts[-1] + 1)]
    runs = []
    for start, end in zip(starts, ends):
        h = end - start
        pushable = sum(b["height"] for b in layout["unbreakable"] if start <= b["top"] < end)
        least = max(1, math.ceil((h - SLACK) / height))
        most = 1 if h + SLACK <= height else math.ceil((h + pushable + SLACK) / height)
        runs.append((round(h), least, most))
    return sum(r[1] for r in runs), sum(r[2] for r in runs), runs


@pytest.mark.parametrize("name", PAGES)
def test_print_layout_on_a4(chromium, request, name):
    """Printed from a desktop window: the expected number of A4 pages, nothing cut or shrunk.

    Page count: at least one page per run (so at least 1 + the number of sections that start a page) and
    between the bounds page_bounds() derives from the measured layout. The lower bound is what a layout
    without wasted space needs: a PDF with fewer pages means Chromium shrank the page to fit something too
    wide, or a forced break was lost.
    No cut tables or charts: nothing is wider than the printable width; every table.wl-table and chart
    container avoids breaks inside and fits in the printable height, so Chromium keeps it on one page;
    a longer table (allowed to continue) avoids breaks inside its rows and repeats its header row.
    """
    need_browser(chromium)
    tab = request.getfixturevalue("tabs")(name)
    page = tab.page
    width_mm, height_mm = printable_mm()
    height = height_mm * MM
    page.emulate_media(media="print")
    try:
        pdf = page.pdf(format="A4")  # at the window's width and with the charts as drawn on screen
        page.evaluate("w => document.documentElement.style.width = w", f"{width_mm}mm")
        layout = page.evaluate(PRINT_LAYOUT)
    finally:
        page.evaluate("() => document.documentElement.style.removeProperty('width')")
        page.emulate_media(media="screen")
    assert abs(layout["width"] - width_mm * MM) < 1

    assert not layout["wide"], f"wider than the printable {width_mm} mm ({width_mm * MM:.0f} px): {layout['wide']}"
    for block in layout["blocks"]:
        assert block["avoid"], f"{block['name']} may be cut across pages"
        if block["height"] > height:  # a long table continues on the next page, row by row, header repeated
            assert block["rows"], f"{block['name']} is {block['height']:.0f} px tall, taller than a page"
            assert block["thead"] == "table-header-group", block["name"]
            bad = [i for i, row in enumerate(block["rows"]) if not row["avoid"] or row["height"] > height]
            assert bad == [], f"rows of {block['name']} that can be cut: {bad}"

    pages = pdf_pages(pdf)
    least, most, runs = page_bounds(layout, height)
    sections = len(layout["forced"])
    if name in ("29872.html", "29875.html"):
        assert sections >= 5  # its major parts each start a page: I., 2., 3., 4., the appendix, the checks
    assert pages >= 1 + sections  # the first page, then one more at least per forced break
    assert least <= pages <= most, f"{pages} pages; bounds {least}..{most}; runs (height, least, most): {runs}"
    print(f"{name}: {pages} A4 pages, {sections} forced breaks, bounds {least}..{most}")


# ---- 4. hostile data stays text ---------------------------------------------------------------

# an element made from the name's tags: HTML <b>, or the bold <tspan> plotly makes of <b> in a label
BOLD_FROM_NAME = """() => Array.from(document.querySelectorAll('b, strong, tspan'))
    .filter(el => el.textContent.trim() === 'in đậm').map(el => el.outerHTML.slice(0, 200))"""


@pytest.mark.parametrize("name", ["29872.html", "index.html", "overview-866.html", "29875.html"])
def test_injected_script_does_not_run(chromium, request, name):
    need_browser(chromium)
    tab = request.getfixturevalue("hostile_tabs")(name)
    tab.page.wait_for_timeout(200)  # a late onerror handler would have fired by now
    assert tab.dialogs == [], "a script from the data ran"
    assert tab.errors == [] and tab.blocked == []
    assert set(tab.requests) == {tab.path.as_uri()}, "the page requested something (img src=x?)"
    assert tab.page.evaluate("""() => Array.from(document.scripts).filter(s => s.text.includes('alert("xss")')).length
                                 + document.querySelectorAll('img[src="x"], img[onerror]').length""") == 0
    if name == "29872.html":  # the note is shown as typed, visibly
        note = tab.page.get_by_text(NOTE, exact=True)
        assert note.count() == 1 and note.is_visible()
        assert note.evaluate("el => el.children.length") == 0


@pytest.mark.parametrize("name", ["29875.html", "index.html", "overview-866.html"])
def test_tags_in_a_unit_name_show_as_text(chromium, request, name):
    need_browser(chromium)
    tab = request.getfixturevalue("hostile_tabs")(name)
    page = tab.page
    shown = page.get_by_text(UNIT_NAME)
    assert shown.count() >= 1 and shown.first.is_visible()
    assert UNIT_NAME in page.evaluate("() => document.body.innerText")
    assert page.evaluate(BOLD_FROM_NAME) == [], "the name's <b> became markup"
    if name == "29875.html":
        assert page.title().startswith(UNIT_NAME)
        assert page.locator("h1").inner_text().strip().endswith(UNIT_NAME)
    # plotly shows the name as typed too (its labels would turn <b> into bold)
    labels = page.evaluate("() => Array.from(document.querySelectorAll('.plotly-graph-div svg text'), t => t.textContent)")
    named = [t for t in labels if "Phường 3" in t]
    if name != "index.html":
        assert named and all("<b>in đậm</b>" in t for t in named), named
    assert tab.dialogs == [] and tab.errors == []


# ---- the GX Data Docs, offline ------------------------------------------------------------------

DOCS_ROWS = "sel => Array.from(document.querySelectorAll(sel + ' tbody tr'), r => r.innerText.replace(/\\s+/g, ' ').trim())"


def test_data_docs_list_their_results_offline(chromium, request):
    """The Data Docs index draws its lists (bootstrap-table, from the site's own static/vendor/)
    with no request leaving the machine and none failing; so does every other page of the site."""
    need_browser(chromium)
    get = request.getfixturevalue("tabs")
    tab = get("data-docs/index.html")
    page = tab.page
    page.wait_for_function("() => document.querySelectorAll('.bootstrap-table tbody tr').length >= 8", timeout=30_000)
    results = page.evaluate(DOCS_ROWS, "#section-1-content-block-2-1-body-table")
    suites = page.evaluate(DOCS_ROWS, "#section-1-content-block-2-2-body-table")
    assert sorted(r.split()[-1] for r in results) == ["analysis", "catalog", "observations", "units"]
    assert sorted(suites) == ["analysis", "catalog", "observations", "units"]
    assert page.locator("#section-1-content-block-2-1-body-table").is_visible()
    # Font Awesome drew the status icons: its font loaded from static/vendor/font-awesome/webfonts
    assert page.evaluate("() => document.fonts.check('900 16px \"Font Awesome 6 Free\"')")
    docs = tab.path.parent
    pages = [p.relative_to(tab.path.parent.parent) for p in sorted(docs.rglob("*.html"))
             if "vendor" not in p.relative_to(docs).parts]
    assert len(pages) == 9  # index, 4 suites, 4 validation results
    for name in pages:
        other = get(str(name))
        assert (other.blocked, other.failed, other.errors, other.dialogs) == ([], [], [], []), name
        assert all(u.startswith("file://") for u in other.requests)
        assert any("static/vendor/bootstrap" in u for u in other.requests), name


# ---- the index page: Vietnamese order, its own stylesheet ---------------------------------------

# names as a city's wards are written: numbered wards, then named ones whose first letters carry marks
INDEX_NAMES = ["Phường 10", "Phường 2", "Xã Tân Thuận Đông", "Phường An Hòa", "Phường 1", "Phường Ấp Bắc",
               "Xã Mỹ Tân", "Phường Đông Hồ", "Phường Bình Thành"]
INDEX_ORDER = ["Phường 1", "Phường 2", "Phường 10", "Phường An Hòa", "Phường Ấp Bắc", "Phường Bình Thành",
               "Phường Đông Hồ", "Xã Mỹ Tân", "Xã Tân Thuận Đông"]  # Vietnamese: a < ă < â < b < … < d < đ


@pytest.fixture(scope="module")
def index_with_many_units(embedded_data, tmp_path_factory):
    from wardlib.manifest import RunSummary, UnitResult
    from wardlib.periods import Period
    from wardlib.site import index_page

    summary = RunSummary(period="2024-H1", out_dir=Path("."), data_version="test", results=[
        UnitResult(unit_code=f"{29900 + i}", name=name, status="ok", seconds=0.1, output=f"{29900 + i}.html")
        for i, name in enumerate(INDEX_NAMES)])
    path = tmp_path_factory.mktemp("index") / "index.html"
    path.write_text(index_page(Period.parse("2024-H1"), summary, "vi"), encoding="utf-8")
    return path


def test_index_sorts_names_in_vietnamese_order_with_numbers_by_value(chromium, index_with_many_units):
    browser = need_browser(chromium)
    tab = open_offline(browser, index_with_many_units)
    try:
        page = tab.page
        names = "() => Array.from(document.querySelectorAll('#wl-units tbody tr td:nth-child(2)'), td => td.innerText.trim())"
        assert page.evaluate(names) == INDEX_NAMES  # the run's order
        unit = page.locator('#wl-units th[data-sort="1"]')
        unit.click()
        assert page.evaluate(names) == INDEX_ORDER
        unit.click()
        assert page.evaluate(names) == INDEX_ORDER[::-1]
        # the code column still sorts as numbers
        code = page.locator('#wl-units th[data-sort="0"]')
        code.click()
        assert visible_codes(page) == sorted(visible_codes(page), key=int)
        # its stylesheet reaches the browser as written: the report font, not the default serif
        family = page.evaluate("() => getComputedStyle(document.body).fontFamily")
        assert family.startswith('"Noto Sans"'), family
    finally:
        tab.context.close()
    assert (tab.blocked, tab.failed, tab.errors) == ([], [], [])
    html = index_with_many_units.read_text(encoding="utf-8")
    assert "&#34;Noto Sans&#34;" not in html and '"Noto Sans"' in html
