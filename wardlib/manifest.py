"""The run's record: one entry per page (status, seconds, input hash, output, error) in ``manifest.json``.

``OUT/<period>/manifest.json`` is what the next run compares with (a page whose
input hash matches its last successful output, still on disk, is skipped) and
what a person reads to see what failed and why. :func:`unchanged_run` is the
rerun that finds nothing changed and reads no data at all.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from wardlib import __version__
from wardlib.outputs import write_atomic
from wardlib.periods import Period, PeriodError

MANIFEST_FILE = "manifest.json"
DONE = ("ok", "skipped")  # statuses with a valid output on disk
DEFAULT_LANG = "vi"


def pages_folder(period_folder: Path, lang: str) -> Path:
    """Where a language's pages, index and manifest go: Vietnamese ones in the period folder, another
    language's in its subfolder (``OUT/<period>/en/``), so that the two never overwrite each other. The
    period's prepared data (the cuts of the table, ``findings.json``, the Data Docs) stay shared."""
    return period_folder if lang == DEFAULT_LANG else period_folder / lang


@dataclass
class UnitResult:
    unit_code: str
    name: str
    status: str  # "ok" (rendered now), "skipped" (unchanged, the last output stands), "failed", "pending"
    seconds: float
    output: str | None = None  # path relative to the period folder
    error: str | None = None  # what went wrong, for failures
    synthetic: bool = False  # whether the report shows demo data
    input_hash: str = ""  # see wardlib.runner's docstring
    cell: dict | None = None  # the failing cell (index, execution_count, source), for failures
    rendered: str | None = None  # when the output on disk was rendered (UTC)
    parent: str = ""  # the parent unit's name
    worker: str = ""  # host:pid that rendered it


@dataclass
class RunSummary:
    period: str
    out_dir: Path
    data_version: str
    results: list[UnitResult] = field(default_factory=list)
    findings: dict[str, dict[str, int]] = field(default_factory=dict)  # unit → counts by severity
    # Counts by severity of the period's findings, as the data-quality page lists them (every unit and
    # none, not only the rendered units): what the run reports, the same on an unchanged rerun.
    totals: dict[str, int] = field(default_factory=dict)
    quality: UnitResult | None = None  # the data-quality page
    pages: list[UnitResult] = field(default_factory=list)  # overview and trends pages, per parent
    docs: str | None = None  # the GX Data Docs index, relative to the period folder
    mode: str = "single"  # how the pages carry plotly.js and the stylesheet (see run)
    interrupted: bool = False
    executor: str = ""
    seconds: float = 0.0
    stages: dict = field(default_factory=dict)  # seconds: load, prepare (table, checks, hashes), render, finish
    notes: list = field(default_factory=list)  # (English, Vietnamese) remarks for the person running, e.g. a unit mapped

    @property
    def failed(self) -> list[UnitResult]:
        return [r for r in self.results if r.status == "failed"]

    @property
    def skipped(self) -> list[UnitResult]:
        return [r for r in self.results if r.status == "skipped"]

    @property
    def all_pages(self) -> list[UnitResult]:
        return ([self.quality] if self.quality else []) + self.pages

    @property
    def failed_pages(self) -> list[UnitResult]:
        return [r for r in self.all_pages if r.status == "failed"]


def entry_result(key: str, e: dict, **changes) -> UnitResult:
    """A manifest entry as a :class:`UnitResult` (``changes`` replace fields, e.g. ``status``)."""
    fields = {k: v for k, v in e.items() if k in UnitResult.__dataclass_fields__ and k != "unit_code"}
    fields.setdefault("status", "pending")
    fields.setdefault("seconds", 0.0)
    fields.setdefault("name", key)
    return UnitResult(**{**fields, **changes, "unit_code": key})


def unchanged_run(out: Path, period: str | None, run_key: str, version: str, progress,
                  lang: str = DEFAULT_LANG) -> RunSummary | None:
    """The summary of a rerun with nothing changed (same data version, same options, every page done and
    on disk), written as the new manifest; ``None`` when anything needs the full run."""
    try:
        folders = ([out / str(Period.parse(period))] if period else sorted(p for p in out.iterdir() if p.is_dir()))
        folders = [pages_folder(f, lang) for f in folders]
    except (PeriodError, OSError):
        return None  # the full run says what is wrong
    for folder in folders:
        m = read_manifest(folder)
        if not m or m.get("run_key") != run_key or m.get("data_version") != version or m.get("interrupted"):
            continue
        if period is None and m.get("requested_period") is not None:
            continue
        entries = [*m.get("units", {}).values(), *([m["data_quality"]] if m.get("data_quality") else []),
                   *m.get("pages", {}).values()]
        if not all(e.get("status") in DONE and e.get("output") and (folder / e["output"]).is_file() for e in entries):
            continue
        if not isinstance(m.get("findings"), dict):  # written before the totals were kept: the full run counts them
            continue
        summary = RunSummary(m["period"], folder, version, mode=m.get("mode", "single"), docs=m.get("data_docs"),
                             executor="none (nothing changed)")

        def result(key: str, e: dict) -> UnitResult:
            return entry_result(key, e, status="skipped", seconds=0.0)

        summary.results = [result(k, e) for k, e in m.get("units", {}).items()]
        summary.findings = {k: e.get("findings", {}) for k, e in m.get("units", {}).items()}
        summary.totals = m["findings"]
        summary.quality = result("data_quality", m["data_quality"]) if m.get("data_quality") else None
        summary.pages = [result(k, e) for k, e in m.get("pages", {}).items()]
        total = len(summary.results) + len(summary.all_pages)
        if progress:
            for i, r in enumerate([*summary.all_pages, *summary.results], 1):
                progress(r, i, total)
        header = {k: m.get(k) for k in ("requested_period", "requested_units", "data_dir", "lang", "gx",
                                        "run_key", "stage", "workers", "scheduler", "isolated", "recycle")}
        write_manifest(folder, manifest(summary, Path(m.get("notebook") or "ward_report"), m.get("lang", "vi"),
                                        header, m.get("kept", {}), m.get("kept_pages", {})))
        return summary
    return None


def read_manifest(folder: Path) -> dict:
    """A period folder's manifest, or ``{}`` (none, or unreadable: then everything is rendered)."""
    try:
        m = json.loads((folder / MANIFEST_FILE).read_text(encoding="utf-8"))
        return m if isinstance(m, dict) else {}
    except (OSError, ValueError):
        return {}


def manifest(summary: RunSummary, notebook: Path, lang: str, header: dict | None = None,
             kept: dict | None = None, kept_pages: dict | None = None) -> dict:
    """The run's record: options, data version, and per page its status, seconds, input hash, output, error."""
    def entry(r: UnitResult, findings: bool) -> dict:
        d = {k: v for k, v in asdict(r).items() if k != "unit_code"}
        if findings:
            d["findings"] = summary.findings.get(r.unit_code, {})
        return d

    units = [*summary.results, *summary.all_pages]
    counts = {s: sum(r.status == s for r in units) for s in ("ok", "skipped", "failed", "pending")}
    return {
        "wardlib_version": __version__,
        "generated": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "period": summary.period,
        "data_version": summary.data_version,
        "notebook": notebook.name,
        "lang": lang,
        "mode": summary.mode,
        "executor": summary.executor,
        "seconds": summary.seconds,
        "stages": summary.stages,
        "interrupted": summary.interrupted,
        "counts": counts,
        "findings": summary.totals,  # the period's findings by severity (see RunSummary.totals)
        **(header or {}),
        "units": {r.unit_code: entry(r, True) for r in summary.results},
        "data_quality": entry(summary.quality, False) if summary.quality else None,
        "pages": {r.unit_code: entry(r, False) for r in summary.pages},
        "data_docs": summary.docs,
        "kept": kept or {},  # entries of units not in this run, from earlier runs into this folder
        "kept_pages": kept_pages or {},  # the same for overview and trends pages of parents not in this run
    }


def write_manifest(folder: Path, record: dict) -> None:
    write_atomic(folder / MANIFEST_FILE, json.dumps(record, ensure_ascii=False, indent=1))
