"""A batch run: one report per unit for one period, then the period's pages, index and manifest.

``run`` works in three stages:

1. **Once per run** — load and check the dataset, build the analysis table
   (``OUT/analysis.parquet``), run the data checks (``OUT/<period>/findings.json``,
   the Great Expectations Data Docs in ``OUT/<period>/data-docs/``), and cut
   the table for the notebooks: the period's rows by unit
   (``OUT/<period>/analysis.parquet``, what a ward report reads) and, per
   parent, its units' rows of every period (``OUT/<period>/analysis-parents/``,
   what the overview and trends pages read). When the data, wardlib and the
   checks' options are those of the period's last run, these files are reused.
2. **Pages** — every unit's ward report, the period's data-quality page and
   per parent its overview and trends, rendered by :mod:`wardlib.batch` in warm
   kernels (:mod:`wardlib.kernels`), here or on Dask workers. A page whose input
   hash (its rows and its comparators' rows, its findings, the notebook, the
   parameters, wardlib) matches its last successful output, still on disk, is
   not rendered again (``force=True`` renders everything).
3. **Index and manifest** — ``OUT/<period>/index.html`` and
   ``OUT/<period>/manifest.json`` (status, seconds, input hash, output and, for
   failures, the failing cell and error of every page).

Every file is written atomically; one page failing never stops the others; a
lock (:mod:`wardlib.lock`) keeps a second run out of the same output folder;
Ctrl-C stops the kernels, records what was done in the manifest and leaves no
partial file, and the next run resumes. A rerun with nothing changed reads no
data at all: it compares the dataset's version with the manifest's and stops.
"""

from __future__ import annotations

import json
import re
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable

import pandas as pd
from jinja2 import Environment, FileSystemLoader

from wardlib import __version__, quality
from wardlib.analysis import build_table, write_table
from wardlib.batch import (Settings, Task, digest, file_digest, make_executor, peer_map, row_digests)
from wardlib.findings import WardlibError
from wardlib.kernels import DEFAULT_RECYCLE
from wardlib.loaders import Dataset, dataset_version, load_dataset
from wardlib.lock import OutputLock
from wardlib.outputs import write_atomic
from wardlib.paths import TEMPLATES_DIR, default_data_dir, notebooks_dir
from wardlib.periods import Period, PeriodError
from wardlib.render import PageInfo, read_notebook, stylesheet, timestamp, write_assets
from wardlib import render

ANALYSIS_FILE = "analysis.parquet"  # the run's analysis table, at the top of the output folder
PERIOD_TABLE = "analysis.parquet"  # OUT/<period>/analysis.parquet: the period's rows, by unit
PARENTS_DIR = "analysis-parents"  # OUT/<period>/analysis-parents/<parent>.parquet
MANIFEST_FILE = "manifest.json"
CACHE_DIR = ".wardlib-cache"  # OUT/.wardlib-cache/dataset.pickle: the loaded dataset, for reruns and kernels
DOCS_DIR = "data-docs"  # the Great Expectations Data Docs of a period
ASSETS_DIR = "assets"  # site mode: plotly.js and the stylesheet, shared by every period's pages
MODES = ("single", "site", "inline")
QUALITY_PAGE = "data_quality.html"
PAGE_NOTEBOOKS = ("data_quality", "city_overview", "trends")
CHECKPOINT_SECONDS = 5.0  # the manifest is rewritten at most this often while pages come in (see _render_all)
PAGE_TITLES = {"data_quality": {"vi": "Kiểm tra chất lượng số liệu", "en": "Data quality checks"},
               "overview": {"vi": "Tổng quan các đơn vị", "en": "Overview of the units"},
               "trends": {"vi": "Xu hướng theo thời gian", "en": "Trends over time"}}
_SAFE_CODE = re.compile(r"^[0-9A-Za-z_-]{1,32}$")  # unit codes become file names
DONE = ("ok", "skipped")  # statuses with a valid output on disk


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
    quality: UnitResult | None = None  # the data-quality page
    pages: list[UnitResult] = field(default_factory=list)  # overview and trends pages, per parent
    docs: str | None = None  # the GX Data Docs index, relative to the period folder
    mode: str = "single"  # how the pages carry plotly.js and the stylesheet (see run)
    interrupted: bool = False
    executor: str = ""
    seconds: float = 0.0
    stages: dict = field(default_factory=dict)  # seconds: load, prepare (table, checks, hashes), render, finish

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


def execute(nb, parameters: dict, *, kernel=None, **kwargs):
    """Execute a notebook: in ``kernel`` (a :class:`~wardlib.kernels.WarmKernel`), or with papermill in a
    fresh kernel without one. Every page of a run goes through here (tests replace it)."""
    if kernel is None:
        return render.execute(nb, parameters, **kwargs)
    return kernel.execute(nb, parameters)


def plan_units(data: Dataset, period: Period, requested: list[str] | None) -> list[str]:
    """The units to report on: the requested ones, or every commune-level unit with data for the period."""
    obs = data.observations
    with_data = sorted(set(obs.loc[obs["period"] == str(period), "unit_code"].astype(str)))
    if not requested:
        communes = set(data.units.table.loc[data.units.table["level"] == "commune", "code"])
        return [u for u in with_data if u in communes]
    have = set(with_data)
    unknown = [u for u in requested if u not in have]
    if unknown:
        listed = ", ".join(with_data[:20]) + (f" … ({len(with_data):,})" if len(with_data) > 20 else "")
        raise WardlibError(
            f"no data for unit(s) {', '.join(unknown[:20])} in {period}; units with data: {listed or 'none'}",
            f"không có số liệu của đơn vị {', '.join(unknown[:20])} trong kỳ {period}; "
            f"các đơn vị có số liệu: {listed or 'không có'}")
    return list(dict.fromkeys(requested))


def run(data_dir: str | Path | None = None, period: str | None = None, units: list[str] | None = None,
        out_dir: str | Path = "reports", lang: str = "vi", notebook: str = "ward_report",
        progress: Callable[[UnitResult, int, int], None] | None = None, gx: bool = True,
        mode: str = "single", *, workers: int = 1, scheduler: str | None = None, isolated: bool = False,
        recycle: int = DEFAULT_RECYCLE, force: bool = False, timeout: int = 600) -> RunSummary:
    """Render the reports of one period. Raises ContractError/WardlibError when the input cannot be used.

    ``gx=False`` skips the Great Expectations suites (and their Data Docs);
    the consistency rules always run. ``mode`` is how pages carry plotly.js
    and the stylesheet: ``single`` (each file self-contained and offline,
    plotly compressed inside), ``site`` (one shared copy in ``OUT/assets/``)
    or ``inline`` (plotly as is: larger files).

    ``workers``: pages rendered in parallel on this machine (a Dask
    ``LocalCluster`` when above 1); ``scheduler``: the address of an existing
    Dask scheduler to send them to instead. ``recycle``: units a kernel renders
    before it is replaced by a fresh one; ``isolated``: a fresh kernel for every
    page. ``force``: render every page even when its inputs did not change.
    ``progress(result, i, n)`` is called as each page is done (or found unchanged).
    Raises :class:`~wardlib.lock.LockedError` when another run holds the output folder;
    ``KeyboardInterrupt`` after recording what was done.
    """
    if mode not in MODES:
        raise WardlibError(f"mode must be one of {', '.join(MODES)}, not {mode!r}",
                           f"mode phải là một trong {', '.join(MODES)}, không phải {mode!r}")
    if workers < 1 or recycle < 1:
        raise WardlibError("--workers and --recycle must be at least 1", "--workers và --recycle phải từ 1 trở lên")
    data_dir = Path(data_dir) if data_dir else default_data_dir()
    out = Path(out_dir)
    created = not out.exists()
    lock = OutputLock(out)
    lock.acquire()
    try:
        return _run(data_dir, period, units, out, lang, notebook, progress, gx, mode,
                    Settings(recycle=recycle, isolated=isolated, mode=mode, assets_href=f"../{ASSETS_DIR}",
                             timeout=timeout), workers, scheduler, force)
    finally:
        lock.release()
        if created:
            try:
                out.rmdir()  # only if nothing was written (the input could not be used)
            except OSError:
                pass


@dataclass
class _Job:
    """One page of the run: its result record and, unless it is unchanged, the task that renders it."""

    result: UnitResult
    task: Task | None


def _run(data_dir: Path, period, units, out: Path, lang, notebook, progress, gx, mode, settings: Settings,
         workers: int, scheduler: str | None, force: bool) -> RunSummary:
    started = time.perf_counter()
    sources = {n: (notebooks_dir() / f"{n}.py").read_text(encoding="utf-8") for n in (notebook, *PAGE_NOTEBOOKS)}
    code = digest(__version__, sources, file_digest(sorted(TEMPLATES_DIR.rglob("*.*"))))
    run_key = digest(code, lang, mode, gx, notebook, sorted(units) if units else None)
    if not force and data_dir.is_dir():
        unchanged = _unchanged_run(out, period, run_key, dataset_version(data_dir.expanduser().resolve()),
                                   progress)
        if unchanged is not None:
            unchanged.seconds = round(time.perf_counter() - started, 2)
            return unchanged

    data = _load(data_dir, out, force, settings)
    loaded = time.perf_counter()
    try:
        p = Period.parse(period) if period else data.latest_period()
    except PeriodError as exc:
        raise WardlibError(str(exc), exc.message_vi) from None
    if str(p) not in set(data.periods.index):
        raise WardlibError(f"no data for period {p}; periods in the data: {', '.join(data.periods.index)}",
                           f"không có số liệu cho kỳ {p}; các kỳ có số liệu: {', '.join(data.periods.index)}")
    codes = plan_units(data, p, units)
    for c in codes:
        if not _SAFE_CODE.match(c):
            raise WardlibError(f"unit code {c!r} cannot be used as a file name",
                               f"mã đơn vị {c!r} không dùng được làm tên tệp")
    # Dask workers and their kernels start while the data is prepared: they are ready when the pages are.
    starting = _Starting(settings, workers, scheduler) if (workers > 1 or scheduler) else None
    try:
        folder = out / str(p)
        previous = read_manifest(folder)
        summary = RunSummary(str(p), folder, data.version, mode=mode)
        summary.stages["load"] = round(loaded - started, 2)
        if mode == "site":
            write_assets(out / ASSETS_DIR)
        where = _Where(data, p)
        parents = list(dict.fromkeys(where.parent_code(c) for c in codes if where.parent_code(c)))

        # 1. Once per run: the analysis table, the data checks and the notebooks' cuts of the table.
        table_path, period_path = out / ANALYSIS_FILE, folder / PERIOD_TABLE
        findings_path, docs = folder / quality.FINDINGS_FILE, (folder / DOCS_DIR if gx else None)
        stage = {"data_version": data.version, "wardlib_version": __version__, "gx": gx}
        needed = [table_path, period_path, findings_path, *(_parent_path(folder, x) for x in parents)]
        if not force and previous.get("stage") == stage and all(f.is_file() for f in needed):
            period_rows = pd.read_parquet(period_path)
            found = quality.read_findings(findings_path)
        else:
            table = build_table(data)
            period_rows = _by_unit(table[(table["period"] == str(p)).to_numpy(dtype=bool)])
            # Writing Parquet happens mostly outside the GIL: the tables are written by a second thread
            # while this one runs the checks (prepare stage of a one-unit national run: 63 s -> 50 s).
            with ThreadPoolExecutor(1, thread_name_prefix="wardlib-write") as pool:
                writes = [pool.submit(write_table, table, table_path), pool.submit(write_table, period_rows, period_path),
                          pool.submit(_write_parent_cuts, table, parents, where, folder)]
                found = quality.collect(data, table, period=str(p), gx=gx, docs_dir=docs)
                quality.write_findings(found, findings_path)
                for w in writes:
                    w.result()  # a failed write fails the run here, as it would have without the thread
            del table
        summary.findings = quality.counts_by_unit(found)
        summary.docs = f"{DOCS_DIR}/index.html" if docs is not None and (docs / "index.html").is_file() else None

        # 2. The pages: what changed is rendered, what did not is kept.
        static = file_digest([data_dir / n for n in ("indicators.csv", "sections.csv", "units.csv", "crosswalk.csv",
                                                     "dataset.toml")])
        rows = row_digests(period_rows)
        del period_rows
        by_unit: dict[str, list] = {}
        for f in found:
            if f.unit_code and f.period in (None, str(p)):
                by_unit.setdefault(f.unit_code, []).append(f)
        shared = {"period": str(p), "data_dir": str(data_dir.resolve()), "lang": lang,
                  "findings": str(findings_path.resolve())}
        old = {**previous.get("kept", {}), **previous.get("units", {})}
        old_pages = {**({"data_quality": previous["data_quality"]} if previous.get("data_quality") else {}),
                     **previous.get("pages", {})}
        nb = _read(notebook)
        synthetic = where.synthetic(codes)
        jobs: list[_Job] = []
        for c in codes:
            name, parent_name = where.name(c), where.name(where.parent_code(c))
            params = {"unit_code": c, **shared, "analysis": str(period_path.resolve())}
            read_set = sorted({c, *where.peers(c)})
            h = digest("unit", code, notebook, params, mode, static, [(x, rows.get(x, "")) for x in read_set],
                       [f.__dict__ for f in by_unit.get(c, [])])
            page = PageInfo(title=f"{name} — {p.label(lang)}", lang=lang, unit_label=f"{name} ({c}), {parent_name}",
                            period_label=p.label(lang).capitalize(), data_version=data.version)
            result = UnitResult(c, name, "pending", 0.0, synthetic=synthetic[c], input_hash=h, parent=parent_name)
            jobs.append(_job(result, old.get(c), folder, force, Task(c, notebook, nb, params, page, f"{c}.html", h, str(folder.resolve()))))
        summary.results = [j.result for j in jobs]

        def period_page(name: str, params: dict, title: str, file: str, key: str) -> _Job:
            page = PageInfo(title=f"{title} — {p.label(lang)}", lang=lang, unit_label=title,
                            period_label=p.label(lang).capitalize(), data_version=data.version)
            h = digest("page", code, name, params, mode, static, data.version, gx)
            nb_page = _read(name)
            return _job(UnitResult(key, title, "pending", 0.0, input_hash=h), old_pages.get(key), folder, force,
                        Task(key, name, nb_page, params, page, file, h, str(folder.resolve())))

        page_jobs = [period_page("data_quality", {**shared, "docs_href": summary.docs or ""},
                                 PAGE_TITLES["data_quality"][lang], QUALITY_PAGE, "data_quality")]
        for parent in parents:
            pname = where.name(parent)
            common = {"parent": parent, "period": str(p), "data_dir": shared["data_dir"], "lang": lang,
                      "analysis": str(_parent_path(folder, parent).resolve())}
            page_jobs.append(period_page("city_overview", common, f"{PAGE_TITLES['overview'][lang]} — {pname}",
                                         f"overview-{parent}.html", f"overview-{parent}"))
            trends = {k: v for k, v in common.items() if k != "period"} | {"until": str(p)}
            page_jobs.append(period_page("trends", trends, f"{PAGE_TITLES['trends'][lang]} — {pname}",
                                         f"trends-{parent}.html", f"trends-{parent}"))
        summary.quality, summary.pages = page_jobs[0].result, [j.result for j in page_jobs[1:]]

        kept = {k: v for k, v in old.items() if k not in set(codes)}
        header = {"requested_period": period, "requested_units": units or None, "data_dir": shared["data_dir"],
                  "lang": lang, "gx": gx, "run_key": run_key, "stage": stage,
                  "workers": workers, "scheduler": scheduler, "isolated": settings.isolated,
                  "recycle": settings.recycle}
        prepared = time.perf_counter()
        summary.stages["prepare"] = round(prepared - loaded, 2)
        _render_all(page_jobs + jobs, folder, summary, settings, workers, scheduler, progress,
                    lambda: manifest(summary, Path(notebook + ".py"), lang, header, kept), starting)
        rendered = time.perf_counter()
        summary.stages["render"] = round(rendered - prepared, 2)
        write_atomic(folder / "index.html", index_page(data, p, summary, lang))
        summary.seconds = round(time.perf_counter() - started, 2)
        summary.stages["finish"] = round(time.perf_counter() - rendered, 2)
        write_atomic(folder / MANIFEST_FILE, json.dumps(manifest(summary, Path(notebook + ".py"), lang, header, kept),
                                                        ensure_ascii=False, indent=1))
        return summary
    finally:
        if starting is not None:
            starting.close()  # unless the pages were rendered with it (then it is closed already)


def _load(data_dir: Path, out: Path, force: bool, settings: Settings) -> Dataset:
    """The dataset: from the copy the last run saved while its files are unchanged, else loaded and
    saved (``OUT/.wardlib-cache/dataset.pickle``) for the next run and for this run's kernels."""
    from wardlib import warm

    saved = out / CACHE_DIR / "dataset.pickle"
    data = None
    if not force and saved.is_file() and data_dir.is_dir():
        try:
            data = warm.read_saved(saved, key=warm.dataset_key(data_dir))
        except Exception:  # unreadable or from another wardlib: load the files
            data = None
    if data is None:
        data = load_dataset(data_dir)
        key = warm.save_dataset(data, data_dir, saved)
    else:
        key = json.loads(json.dumps(warm.dataset_key(data_dir)))
    settings.prepare = {"datasets": {key[0]: [key, str(saved.resolve())]}}
    return data


def _read(name: str):
    """A notebook with cell ids made from the cells' positions (jupytext draws random ones): the same
    inputs give the same page, byte for byte, apart from the time it was made."""
    nb = read_notebook(notebooks_dir() / f"{name}.py")
    for i, cell in enumerate(nb.cells):
        cell["id"] = f"{name}-{i}"
    return nb


def _job(result: UnitResult, last: dict | None, folder: Path, force: bool, task: Task) -> _Job:
    """Skip the page when its last successful output had the same input hash and is still there."""
    if (not force and last and last.get("status") in DONE and last.get("input_hash") == result.input_hash
            and last.get("output") and (folder / last["output"]).is_file()):
        result.status, result.output, result.rendered = "skipped", last["output"], last.get("rendered")
        return _Job(result, None)
    return _Job(result, task)


class _Starting:
    """A Dask executor started in a second thread while the run prepares its data, its workers' kernels
    started at once (:meth:`~wardlib.batch.DaskExecutor.warm_up`): a cluster and a national kernel take
    about 10 s to come up, which the prepare stage's work now hides."""

    def __init__(self, settings: Settings, workers: int, scheduler: str | None):
        self._pool = ThreadPoolExecutor(1, thread_name_prefix="wardlib-cluster")
        self._future = self._pool.submit(self._start, settings, workers, scheduler)
        self._taken = False

    @staticmethod
    def _start(settings: Settings, workers: int, scheduler: str | None):
        executor = make_executor(settings, workers, scheduler)
        executor.warm_up()
        return executor

    def take(self):
        """The executor (waiting for it to start); whoever takes it closes it."""
        self._taken = True
        try:
            return self._future.result()
        finally:
            self._pool.shutdown(wait=False)

    def close(self) -> None:
        """Close the executor if nobody took it (the run stopped early, or had nothing to render)."""
        if self._taken:
            return
        self._taken = True
        try:
            executor = self._future.result()
        except Exception:  # it never started: nothing to close
            return
        finally:
            self._pool.shutdown(wait=False)
        executor.close()


def _render_all(jobs: list[_Job], folder: Path, summary: RunSummary, settings: Settings, workers: int,
                scheduler: str | None, progress, checkpoint: Callable[[], dict],
                starting: _Starting | None = None) -> None:
    """Render the jobs with tasks, write each page as it arrives, keep the manifest current."""
    total, done = len(jobs), 0
    for j in jobs:
        if j.task is None:
            done += 1
            if progress:
                progress(j.result, done, total)
    todo = {j.task.key: j for j in jobs if j.task is not None}
    if not todo:
        return
    executor = starting.take() if starting is not None else make_executor(settings, workers, scheduler)
    summary.executor = executor.name
    next_at = time.monotonic() + CHECKPOINT_SECONDS
    try:
        for outcome in executor.run([j.task for j in todo.values()]):
            job = todo[outcome.key]
            r = job.result
            r.seconds, r.worker = round(outcome.seconds, 2), outcome.worker
            if outcome.status == "ok":  # the worker wrote the page
                r.status, r.output, r.error, r.cell = "ok", job.task.output, None, None
                r.rendered = datetime.now(timezone.utc).isoformat(timespec="seconds")
            else:
                r.status, r.output, r.error, r.cell = "failed", None, outcome.error, outcome.cell
            done += 1
            if progress:
                progress(r, done, total)
            if time.monotonic() >= next_at:
                began = time.monotonic()
                write_atomic(folder / MANIFEST_FILE, json.dumps(checkpoint(), ensure_ascii=False, indent=1))
                # a national manifest takes a while to write: never more than 5 % of this process's time
                next_at = time.monotonic() + max(CHECKPOINT_SECONDS, 20 * (time.monotonic() - began))
    except BaseException:
        summary.interrupted = True
        raise
    finally:
        executor.close()
        if summary.interrupted:
            write_atomic(folder / MANIFEST_FILE, json.dumps(checkpoint(), ensure_ascii=False, indent=1))


def _unchanged_run(out: Path, period: str | None, run_key: str, version: str, progress) -> RunSummary | None:
    """The summary of a rerun with nothing changed (same data version, same options, every page done and
    on disk), written as the new manifest; ``None`` when anything needs the full run."""
    try:
        folders = [out / str(Period.parse(period))] if period else sorted(p for p in out.iterdir() if p.is_dir())
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
        summary = RunSummary(m["period"], folder, version, mode=m.get("mode", "single"), docs=m.get("data_docs"),
                             executor="none (nothing changed)")

        def result(key: str, e: dict) -> UnitResult:
            fields = {k: v for k, v in e.items() if k in UnitResult.__dataclass_fields__ and k != "unit_code"}
            return UnitResult(**{**fields, "unit_code": key, "status": "skipped", "seconds": 0.0})

        summary.results = [result(k, e) for k, e in m.get("units", {}).items()]
        summary.findings = {k: e.get("findings", {}) for k, e in m.get("units", {}).items()}
        summary.quality = result("data_quality", m["data_quality"]) if m.get("data_quality") else None
        summary.pages = [result(k, e) for k, e in m.get("pages", {}).items()]
        total = len(summary.results) + len(summary.all_pages)
        if progress:
            for i, r in enumerate([*summary.all_pages, *summary.results], 1):
                progress(r, i, total)
        header = {k: m.get(k) for k in ("requested_period", "requested_units", "data_dir", "lang", "gx",
                                        "run_key", "stage", "workers", "scheduler", "isolated", "recycle")}
        write_atomic(folder / MANIFEST_FILE, json.dumps(manifest(summary, Path(m.get("notebook") or "ward_report"),
                                                                 m.get("lang", "vi"), header, m.get("kept", {})),
                                                        ensure_ascii=False, indent=1))
        return summary
    return None


def read_manifest(folder: Path) -> dict:
    """A period folder's manifest, or ``{}`` (none, or unreadable: then everything is rendered)."""
    try:
        m = json.loads((folder / MANIFEST_FILE).read_text(encoding="utf-8"))
        return m if isinstance(m, dict) else {}
    except (OSError, ValueError):
        return {}


def _parent_path(folder: Path, parent: str) -> Path:
    return folder / PARENTS_DIR / f"{parent}.parquet"


def _write_parent_cuts(table: pd.DataFrame, parents: list[str], where: "_Where", folder: Path) -> None:
    """Per parent, the rows of every period of the units under it (now or in the table): what its
    overview and trends pages read. Rows are picked by the unit codes' integer category codes: a
    national table has millions of rows and dozens of parents."""
    import numpy as np

    units = table["unit_code"]
    if not isinstance(units.dtype, pd.CategoricalDtype):
        units = units.astype(str).astype("category")
    names = units.cat.categories.astype(str)
    codes = units.cat.codes.to_numpy()
    parent_of = pd.Series(table["parent_code"].to_numpy(), dtype="string").fillna("")
    codes_of = pd.Series(codes).groupby(parent_of.to_numpy(), sort=False).unique()
    for parent in parents:
        mine = set(names[codes_of[parent]]) if parent in codes_of.index else set()
        mine |= set(where.children(parent))
        keep = np.isin(codes, np.flatnonzero(names.isin(list(mine))))
        write_table(_by_unit(table[keep]), _parent_path(folder, parent))


def _by_unit(t: pd.DataFrame) -> pd.DataFrame:
    """Rows ordered by unit (stable), so that one unit's rows sit in few Parquet row groups."""
    return t.iloc[t["unit_code"].astype(str).argsort(kind="stable")].reset_index(drop=True)


class _Where:
    """Names, parents, neighbours and demo-data flags of all units at once (the period's end, else its start)."""

    def __init__(self, data: Dataset, p: Period):
        self.data, self.p = data, p
        t = data.units.table
        self._at = []
        for when in (p.end, p.start):
            ts = pd.Timestamp(when)
            v = t[(t["valid_from"] <= ts) & (t["valid_to"] >= ts)].drop_duplicates("code").set_index("code")
            self._at.append(v)
        self._peers = [peer_map(t, p.end), peer_map(t, p.start)]
        obs = data.observations
        self._syn = obs.loc[obs["period"] == str(p)].groupby(obs["unit_code"].astype(str))["synthetic"].any()

    def _version(self, code: str, end_only: bool = False):
        for v in self._at[:1] if end_only else self._at:
            if code in v.index:
                return v.loc[code]
        return None

    def name(self, code: str) -> str:
        v = self._version(code, end_only=True)
        return str(v["name"]) if v is not None else (code or "")

    def parent_code(self, code: str) -> str:
        v = self._version(code, end_only=True)
        return str(v["parent_code"]) if v is not None and v["parent_code"] else ""

    def peers(self, code: str) -> list[str]:
        """What the ward report compares the unit with (:meth:`UnitTable.peers` at the end, else the start)."""
        return self._peers[0].get(code) or self._peers[1].get(code) or []

    def children(self, parent: str) -> list[str]:
        v = self._at[0]
        return v.index[v["parent_code"] == parent].tolist()

    def synthetic(self, codes: list[str]) -> dict[str, bool]:
        """Whether each unit's report shows demo data: its own rows or its neighbours' (see shows_synthetic)."""
        syn = self._syn
        out = {}
        for c in codes:
            v = self._version(c, end_only=True)
            near = self.data.units.peers(c, self.p.end) if v is None else self._peers[0].get(c, [])
            out[c] = bool(syn.reindex([c, *near]).fillna(False).any())
        return out


def shows_synthetic(data: Dataset, code: str, period: Period) -> bool:
    """Whether a unit's report shows demo data: its own rows or those of the units it is compared with."""
    obs = data.observations
    rows = obs[(obs["period"] == str(period)) & obs["unit_code"].isin(data.units.peers(code, period.end) + [code])]
    return bool(rows["synthetic"].any())


def _describe(exc: Exception) -> str:
    from wardlib.batch import describe

    return describe(exc)


def manifest(summary: RunSummary, notebook: Path, lang: str, header: dict | None = None,
             kept: dict | None = None) -> dict:
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
        **(header or {}),
        "units": {r.unit_code: entry(r, True) for r in summary.results},
        "data_quality": entry(summary.quality, False) if summary.quality else None,
        "pages": {r.unit_code: entry(r, False) for r in summary.pages},
        "data_docs": summary.docs,
        "kept": kept or {},  # entries of units not in this run, from earlier runs into this folder
    }


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


def index_page(data: Dataset, period: Period, summary: RunSummary, lang: str) -> str:
    t = INDEX_TEXT[lang]
    units = []
    for r in summary.results:
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
        pages=[{"href": r.output, "label": r.name} for r in summary.pages if r.output and r.status in DONE],
        search=t["search"],
        docs_href=summary.docs, docs_label=t["docs"],
        banner=t["banner"], synthetic=t["synthetic"] if any(u["synthetic"] for u in units) else "",
        generated=f"{t['generated']} {timestamp()}", version_label=f"{t['version']} {summary.data_version}")
