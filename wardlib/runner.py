"""A batch run: one report per unit for one period, then the period's index page and manifest.

``run`` loads and checks the dataset once, builds the analysis table once
(``OUT/analysis.parquet``, which every notebook only filters), runs the data
checks once (``OUT/<period>/findings.json``, and the Great Expectations Data
Docs in ``OUT/<period>/data-docs/``), renders every unit's notebook and the
period's data-quality page, and writes ``OUT/<period>/<unit_code>.html``,
``OUT/<period>/data_quality.html``, ``OUT/<period>/index.html`` and
``OUT/<period>/manifest.json``, each atomically. One unit failing never
stops the others: its error goes to the manifest and the run's exit status.
"""

from __future__ import annotations

import json
import re
import time
import traceback
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable

from jinja2 import Environment, FileSystemLoader

from wardlib import __version__, quality
from wardlib.analysis import build_table, write_table
from wardlib.findings import WardlibError
from wardlib.loaders import Dataset, load_dataset
from wardlib.outputs import write_atomic
from wardlib.paths import TEMPLATES_DIR, default_data_dir, notebooks_dir
from wardlib.periods import Period, PeriodError
from wardlib.render import PageInfo, execute, export_html, read_notebook, stylesheet, timestamp, write_assets

ANALYSIS_FILE = "analysis.parquet"  # the run's analysis table, at the top of the output folder
DOCS_DIR = "data-docs"  # the Great Expectations Data Docs of a period
ASSETS_DIR = "assets"  # site mode: plotly.js and the stylesheet, shared by every period's pages
MODES = ("single", "site", "inline")
QUALITY_PAGE = "data_quality.html"
PAGE_TITLES = {"data_quality": {"vi": "Kiểm tra chất lượng số liệu", "en": "Data quality checks"},
               "overview": {"vi": "Tổng quan các đơn vị", "en": "Overview of the units"},
               "trends": {"vi": "Xu hướng theo thời gian", "en": "Trends over time"}}
_SAFE_CODE = re.compile(r"^[0-9A-Za-z_-]{1,32}$")  # unit codes become file names


@dataclass
class UnitResult:
    unit_code: str
    name: str
    status: str  # "ok" or "failed"
    seconds: float
    output: str | None = None  # path relative to the period folder
    error: str | None = None  # what went wrong, for failures
    synthetic: bool = False  # whether the report shows demo data


@dataclass
class RunSummary:
    period: str
    out_dir: Path
    data_version: str
    results: list[UnitResult] = field(default_factory=list)
    findings: dict[str, dict[str, int]] = field(default_factory=dict)  # unit → counts by severity
    quality: UnitResult | None = None  # the data-quality page
    pages: list[UnitResult] = field(default_factory=list)  # overview and trends pages, per parent
    docs: str | None = None  # the GX Data Docs index, relative to the period folder
    mode: str = "single"  # how the pages carry plotly.js and the stylesheet (see run)

    @property
    def failed(self) -> list[UnitResult]:
        return [r for r in self.results if r.status != "ok"]


def plan_units(data: Dataset, period: Period, requested: list[str] | None) -> list[str]:
    """The units to report on: the requested ones, or every commune-level unit with data for the period."""
    obs = data.observations
    with_data = sorted(set(obs.loc[obs["period"] == str(period), "unit_code"].astype(str)))
    if not requested:
        communes = set(data.units.table.loc[data.units.table["level"] == "commune", "code"])
        return [u for u in with_data if u in communes]
    unknown = [u for u in requested if u not in with_data]
    if unknown:
        raise WardlibError(
            f"no data for unit(s) {', '.join(unknown)} in {period}; units with data: {', '.join(with_data) or 'none'}",
            f"không có số liệu của đơn vị {', '.join(unknown)} trong kỳ {period}; "
            f"các đơn vị có số liệu: {', '.join(with_data) or 'không có'}")
    return list(dict.fromkeys(requested))


def run(data_dir: str | Path | None = None, period: str | None = None, units: list[str] | None = None,
        out_dir: str | Path = "reports", lang: str = "vi", notebook: str = "ward_report",
        progress: Callable[[UnitResult, int, int], None] | None = None, gx: bool = True,
        mode: str = "single") -> RunSummary:
    """Render the reports of one period. Raises ContractError/WardlibError when the input cannot be used.

    ``gx=False`` skips the Great Expectations suites (and their Data Docs);
    the consistency rules always run. ``mode`` is how pages carry plotly.js
    and the stylesheet: ``single`` (each file self-contained and offline,
    plotly compressed inside), ``site`` (one shared copy in ``OUT/assets/``)
    or ``inline`` (plotly as is: larger files).
    """
    if mode not in MODES:
        raise WardlibError(f"mode must be one of {', '.join(MODES)}, not {mode!r}",
                           f"mode phải là một trong {', '.join(MODES)}, không phải {mode!r}")
    data_dir = Path(data_dir) if data_dir else default_data_dir()
    data = load_dataset(data_dir)
    try:
        p = Period.parse(period) if period else data.latest_period()
    except PeriodError as exc:
        raise WardlibError(str(exc), exc.message_vi) from None
    if str(p) not in set(data.periods.index):
        raise WardlibError(f"no data for period {p}; periods in the data: {', '.join(data.periods.index)}",
                           f"không có số liệu cho kỳ {p}; các kỳ có số liệu: {', '.join(data.periods.index)}")
    codes = plan_units(data, p, units)
    for code in codes:
        if not _SAFE_CODE.match(code):
            raise WardlibError(f"unit code {code!r} cannot be used as a file name",
                               f"mã đơn vị {code!r} không dùng được làm tên tệp")
    nb_path = notebooks_dir() / f"{notebook}.py"
    nb = read_notebook(nb_path)
    folder = Path(out_dir) / str(p)
    summary = RunSummary(str(p), folder, data.version, mode=mode)
    if mode == "site":
        write_assets(Path(out_dir) / ASSETS_DIR)

    # Once per run: the analysis table and the data checks, which every notebook only reads.
    table = build_table(data)
    table_path = write_table(table, Path(out_dir) / ANALYSIS_FILE)
    docs = folder / DOCS_DIR if gx else None
    found = quality.collect(data, table, period=str(p), gx=gx, docs_dir=docs)
    del table
    findings_path = folder / quality.FINDINGS_FILE
    quality.write_findings(found, findings_path)
    summary.findings = quality.counts_by_unit(found)
    summary.docs = f"{DOCS_DIR}/index.html" if docs is not None and (docs / "index.html").is_file() else None

    shared = {"period": str(p), "data_dir": str(data_dir.resolve()), "lang": lang,
              "findings": str(findings_path.resolve())}
    for i, code in enumerate(codes, 1):
        name = data.units.name(code, p.end)
        version = data.units.version_at(code, p.end)
        parent_name = data.units.name(version["parent_code"], p.end) if version is not None else ""
        page = PageInfo(title=f"{name} — {p.label(lang)}", lang=lang, unit_label=f"{name} ({code}), {parent_name}",
                        period_label=p.label(lang).capitalize(), data_version=data.version)
        result = _render(nb, {"unit_code": code, **shared, "analysis": str(table_path.resolve())}, page,
                         folder / f"{code}.html", UnitResult(code, name, "ok", 0.0,
                                                            synthetic=shows_synthetic(data, code, p)), mode)
        summary.results.append(result)
        if progress:
            progress(result, i, len(codes))
    # Once per period: the data-quality page, and per parent of the reported units its overview and trends.
    def period_page(notebook: str, params: dict, title: str, file: str, key: str) -> UnitResult:
        page = PageInfo(title=f"{title} — {p.label(lang)}", lang=lang, unit_label=title,
                        period_label=p.label(lang).capitalize(), data_version=data.version)
        return _render(read_notebook(notebooks_dir() / f"{notebook}.py"), params, page, folder / file,
                       UnitResult(key, title, "ok", 0.0), mode)

    summary.quality = period_page("data_quality", {**shared, "docs_href": summary.docs or ""},
                                  PAGE_TITLES["data_quality"][lang], QUALITY_PAGE, "data_quality")
    parents = dict.fromkeys(v["parent_code"] for c in codes
                            if (v := data.units.version_at(c, p.end)) is not None and v["parent_code"])
    for parent in parents:
        name = data.units.name(parent, p.end)
        common = {"parent": parent, "period": str(p), "data_dir": shared["data_dir"], "lang": lang,
                  "analysis": str(table_path.resolve())}
        summary.pages.append(period_page("city_overview", common, f"{PAGE_TITLES['overview'][lang]} — {name}",
                                         f"overview-{parent}.html", f"overview-{parent}"))
        trends = {k: v for k, v in common.items() if k != "period"} | {"until": str(p)}
        summary.pages.append(period_page("trends", trends, f"{PAGE_TITLES['trends'][lang]} — {name}",
                                         f"trends-{parent}.html", f"trends-{parent}"))
    write_atomic(folder / "index.html", index_page(data, p, summary, lang))
    write_atomic(folder / "manifest.json", json.dumps(manifest(summary, nb_path, lang), ensure_ascii=False, indent=2))
    return summary


def shows_synthetic(data: Dataset, code: str, period: Period) -> bool:
    """Whether a unit's report shows demo data: its own rows or those of the units it is compared with."""
    obs = data.observations
    rows = obs[(obs["period"] == str(period)) & obs["unit_code"].isin(data.units.peers(code, period.end) + [code])]
    return bool(rows["synthetic"].any())


def _render(nb, params: dict, page: PageInfo, path: Path, result: UnitResult, mode: str) -> UnitResult:
    """Execute ``nb`` with ``params`` and write its HTML to ``path``; failures are recorded, not raised."""
    start = time.perf_counter()
    try:
        write_atomic(path, export_html(execute(nb, params), page, mode=mode, assets_href=f"../{ASSETS_DIR}"))
        result.output = path.name
    except Exception as exc:  # one page's failure is recorded, the batch goes on
        result.status, result.error = "failed", _describe(exc)
    result.seconds = round(time.perf_counter() - start, 2)
    return result


def _describe(exc: Exception) -> str:
    """A short error: papermill's names the failing cell's exception, others their last line."""
    ename, evalue = getattr(exc, "ename", None), getattr(exc, "evalue", None)
    if ename:
        return f"{ename}: {evalue}"
    last = traceback.format_exception_only(type(exc), exc)[-1].strip()
    return last[:2000]


def manifest(summary: RunSummary, notebook: Path, lang: str) -> dict:
    return {
        "wardlib_version": __version__,
        "generated": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "period": summary.period,
        "data_version": summary.data_version,
        "notebook": notebook.name,
        "lang": lang,
        "mode": summary.mode,
        "units": {r.unit_code: {**{k: v for k, v in asdict(r).items() if k != "unit_code"},
                                "findings": summary.findings.get(r.unit_code, {})} for r in summary.results},
        "data_quality": asdict(summary.quality) if summary.quality else None,
        "pages": {r.unit_code: {k: v for k, v in asdict(r).items() if k != "unit_code"} for r in summary.pages},
        "data_docs": summary.docs,
    }


_env = Environment(loader=FileSystemLoader(str(TEMPLATES_DIR)), autoescape=True)

INDEX_TEXT = {
    "vi": {"title": "Báo cáo các đơn vị", "head": ["Mã", "Đơn vị", "Trực thuộc", "Trạng thái", "Kiểm tra số liệu", "Lỗi"],
           "checks": "{e} lỗi, {w} cảnh báo", "quality": "Kiểm tra chất lượng số liệu của kỳ",
           "docs": "Kết quả Great Expectations (Data Docs)", "search": "Tìm đơn vị…",
           "ok": "đã lập", "failed": "lỗi", "banner": "Dữ liệu minh họa",
           "synthetic": "Các báo cáo đánh dấu ‡ dùng số liệu tạo tự động để minh họa, không phải số liệu thật.",
           "generated": "Lập lúc", "version": "Phiên bản dữ liệu"},
    "en": {"title": "Unit reports", "head": ["Code", "Unit", "Parent", "Status", "Data checks", "Error"],
           "checks": "{e} error(s), {w} warning(s)", "quality": "Data quality checks of the period",
           "docs": "Great Expectations results (Data Docs)", "search": "Find a unit…",
           "ok": "done", "failed": "failed", "banner": "Demo data",
           "synthetic": "Reports marked ‡ use generated figures for illustration, not real data.",
           "generated": "Generated", "version": "Data version"},
}


def index_page(data: Dataset, period: Period, summary: RunSummary, lang: str) -> str:
    t = INDEX_TEXT[lang]
    units = []
    for r in summary.results:
        v = data.units.version_at(r.unit_code, period.end)
        parent = data.units.name(v["parent_code"], period.end) if v is not None else ""
        counts = summary.findings.get(r.unit_code, {})
        units.append({"code": r.unit_code, "name": r.name, "parent": parent, "ok": r.status == "ok",
                      "status": t[r.status], "href": r.output, "error": r.error or "", "synthetic": r.synthetic,
                      "errors": counts.get("error", 0),
                      "checks": t["checks"].format(e=counts.get("error", 0), w=counts.get("warning", 0))})
    return _env.get_template("index_page.html.j2").render(
        lang=lang, version=__version__, title=t["title"], period_label=period.label(lang).capitalize(),
        css=stylesheet(), head=t["head"], units=units,
        quality_href=summary.quality.output if summary.quality else None, quality_label=t["quality"],
        pages=[{"href": r.output, "label": r.name} for r in summary.pages if r.output],
        search=t["search"],
        docs_href=summary.docs, docs_label=t["docs"],
        banner=t["banner"], synthetic=t["synthetic"] if any(u["synthetic"] for u in units) else "",
        generated=f"{t['generated']} {timestamp()}", version_label=f"{t['version']} {summary.data_version}")
