"""The period's index page: every unit's report with its status and data-check counts, and the period pages."""

from __future__ import annotations

from jinja2 import Environment, FileSystemLoader

from wardlib import __version__
from wardlib.manifest import DONE, RunSummary, UnitResult
from wardlib.paths import TEMPLATES_DIR
from wardlib.periods import Period
from wardlib.render import stylesheet, timestamp

_env = Environment(loader=FileSystemLoader(str(TEMPLATES_DIR)), autoescape=True)

INDEX_TEXT = {
    "vi": {"title": "Báo cáo các đơn vị", "head": ["Mã", "Đơn vị", "Trực thuộc", "Trạng thái", "Kiểm tra số liệu", "Lỗi"],
           "checks": "{e} lỗi, {w} cảnh báo", "quality": "Kiểm tra chất lượng số liệu của kỳ",
           "docs": "Kết quả Great Expectations (Data Docs)", "search": "Tìm đơn vị…",
           "ok": "đã lập", "failed": "lỗi", "pending": "chưa lập", "banner": "Dữ liệu minh họa",
           "synthetic": "Các báo cáo đánh dấu ‡ dùng số liệu tạo tự động để minh họa, không phải số liệu thật.",
           "generated": "Lập lúc", "version": "Phiên bản dữ liệu"},
    "en": {"title": "Unit reports", "head": ["Code", "Unit", "Parent", "Status", "Data checks", "Error"],
           "checks": "{e} error(s), {w} warning(s)", "quality": "Data quality checks of the period",
           "docs": "Great Expectations results (Data Docs)", "search": "Find a unit…",
           "ok": "done", "failed": "failed", "pending": "not rendered", "banner": "Demo data",
           "synthetic": "Reports marked ‡ use generated figures for illustration, not real data.",
           "generated": "Generated", "version": "Data version"},
}


def index_page(period: Period, summary: RunSummary, lang: str, kept: list[UnitResult] = (),
               kept_pages: list[UnitResult] = ()) -> str:
    """The index of the folder: the run's units and ``kept``, those of earlier runs for other units
    (a run for some units does not take the others off the index), by code; likewise the pages."""
    t = INDEX_TEXT[lang]
    units = []
    for r in sorted([*summary.results, *kept], key=lambda r: r.unit_code):
        counts = summary.findings.get(r.unit_code, {})
        ok = r.status in DONE
        units.append({"code": r.unit_code, "name": r.name, "parent": r.parent, "ok": ok,
                      "status": t["ok" if ok else r.status], "href": r.output if ok else None, "error": r.error or "",
                      "synthetic": r.synthetic,
                      "errors": counts.get("error", 0),
                      "checks": t["checks"].format(e=counts.get("error", 0), w=counts.get("warning", 0))})
    return _env.get_template("index_page.html.j2").render(
        lang=lang, version=__version__, title=t["title"], period_label=period.label(lang).capitalize(),
        css=stylesheet(), head=t["head"], units=units,
        quality_href=summary.quality.output if summary.quality and summary.quality.status in DONE else None, quality_label=t["quality"],
        pages=[{"href": r.output, "label": r.name} for r in sorted([*summary.pages, *kept_pages], key=lambda r: r.unit_code.split("-", 1)[::-1])
               if r.output and r.status in DONE],
        search=t["search"],
        docs_href=summary.docs, docs_label=t["docs"],
        banner=t["banner"], synthetic=t["synthetic"] if any(u["synthetic"] for u in units) else "",
        generated=f"{t['generated']} {timestamp()}", version_label=f"{t['version']} {summary.data_version}")
