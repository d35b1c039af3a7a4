"""The period's index page: every unit's report with its status and data-check counts, and the period pages."""

from __future__ import annotations

from jinja2 import Environment, FileSystemLoader

from wardlib import __version__, texts
from wardlib.manifest import DONE, RunSummary, UnitResult
from wardlib.paths import TEMPLATES_DIR
from wardlib.periods import Period
from wardlib.render import stylesheet, timestamp

_env = Environment(loader=FileSystemLoader(str(TEMPLATES_DIR)), autoescape=True)



def index_page(period: Period, summary: RunSummary, lang: str, kept: list[UnitResult] = (),
               kept_pages: list[UnitResult] = ()) -> str:
    """The index of the folder: the run's units and ``kept``, those of earlier runs for other units
    (a run for some units does not take the others off the index), by code; likewise the pages."""
    t = texts.Texts("index", lang)
    units = []
    for r in sorted([*summary.results, *kept], key=lambda r: r.unit_code):
        counts = summary.findings.get(r.unit_code, {})
        ok = r.status in DONE
        units.append({"code": r.unit_code, "name": r.name, "parent": r.parent, "ok": ok,
                      "status": t["ok" if ok else r.status], "href": r.output if ok else None, "error": r.error or "",
                      "synthetic": r.synthetic,
                      "errors": counts.get("error", 0),
                      "checks": t("checks", e=counts.get("error", 0), w=counts.get("warning", 0))})
    return _env.get_template("index_page.html.j2").render(
        lang=lang, version=__version__, title=t["title"], period_label=period.label(lang).capitalize(),
        css=stylesheet(), head=[t[f"col_{c}"] for c in ("code", "unit", "parent", "status", "checks", "error")], units=units,
        quality_href=summary.quality.output if summary.quality and summary.quality.status in DONE else None, quality_label=t["quality"],
        pages=[{"href": r.output, "label": r.name} for r in sorted([*summary.pages, *kept_pages], key=lambda r: r.unit_code.split("-", 1)[::-1])
               if r.output and r.status in DONE],
        search=t["search"],
        docs_href=summary.docs, docs_label=t["docs"],
        banner=t["banner"], synthetic=t["synthetic"] if any(u["synthetic"] for u in units) else "",
        generated=f"{t['generated']} {timestamp()}", version_label=f"{t['version']} {summary.data_version}")
