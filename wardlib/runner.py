"""A batch run: one report per unit for one period, then the period's pages, index and manifest.

``run`` works in three stages:

1. **Once per run** — load and check the dataset, build the analysis table
   (``OUT/analysis.parquet``), run the data checks (``OUT/<period>/findings.json``,
   the Great Expectations Data Docs in ``OUT/<period>/data-docs/``), and cut
   the table for the notebooks: the period's rows by unit
   (``OUT/<period>/analysis.parquet``, what a ward report reads) and, per
   parent, its units' rows of every period (``OUT/<period>/analysis-parents/``,
   what the overview and trends pages read). When the data, wardlib and the
   checks' options are those of the period's last run, these files are reused;
   after a data change the table and the checks are made again, from the kept
   checked rows of every observation file that did not change, and a parent's
   cut is written again only when its rows changed (the manifest's ``recomputed``).
2. **Pages** — every unit's ward report, the period's data-quality page and
   per parent its overview and trends, rendered by :mod:`wardlib.batch` in warm
   kernels (:mod:`wardlib.kernels`), here or on Dask workers. A page whose input
   hash (its rows and its comparators' rows, its findings, the notebook, the
   parameters, wardlib) matches its last successful output, still on disk, is
   not rendered again (``force=True`` renders everything).
3. **Index and manifest** — ``OUT/<period>/index.html`` (:mod:`wardlib.site`) and
   ``OUT/<period>/manifest.json`` (status, seconds, input hash, output and, for
   failures, the failing cell and error of every page; :mod:`wardlib.manifest`).

Every file is written atomically; one page failing never stops the others; a
lock (:mod:`wardlib.lock`) keeps a second run out of the same output folder;
Ctrl-C stops the kernels, records what was done in the manifest and leaves no
partial file, and the next run resumes. A rerun with nothing changed reads no
data at all: it compares the dataset's version with the manifest's and stops.
"""

from __future__ import annotations

import dataclasses
import json
import re
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable


from wardlib import cache, inputs, quality
from wardlib.analysis import build_table, write_table
from wardlib.batch import Settings, Task, make_executor
from wardlib.fingerprint import code_key, dataset_key, digest, file_digest, findings_digest, row_digests
from wardlib.findings import WardlibError
from wardlib.kernels import DEFAULT_RECYCLE
from wardlib.loaders import Dataset, dataset_version, input_files, load_dataset
from wardlib.lock import OutputLock
from wardlib.manifest import (DEFAULT_LANG, DONE, RunSummary, UnitResult, entry_result, manifest, pages_folder,
                              read_manifest, unchanged_run, write_manifest)
from wardlib.outputs import remove_partial, write_atomic
from wardlib.paths import TEMPLATES_DIR, default_data_dir, notebooks_dir
from wardlib.periods import Period, PeriodError
from wardlib.plan import Units, by_unit, parent_members, parent_path, plan_units, write_parent_cuts
from wardlib.render import MODES, page_hash, page_info, read_notebook, write_assets
from wardlib.site import index_page
from wardlib.units import SAFE_CODE

ANALYSIS_FILE = "analysis.parquet"  # the run's analysis table, at the top of the output folder
PERIOD_TABLE = "analysis.parquet"  # OUT/<period>/analysis.parquet: the period's rows, by unit
FINGERPRINTS_FILE = "fingerprints.json"  # OUT/<period>/: the row digests of the prepared tables, kept with them
DOCS_DIR = "data-docs"  # the Great Expectations Data Docs of a period
ASSETS_DIR = "assets"  # site mode: plotly.js and the stylesheet, shared by every period's pages
QUALITY_PAGE = "data_quality.html"
PAGE_NOTEBOOKS = (inputs.QUALITY, inputs.OVERVIEW, inputs.TRENDS)
CHECKPOINT_SECONDS = 5.0  # the manifest is rewritten at most this often while pages come in (see _render_all)
_SAFE_CODE = re.compile(f"^{SAFE_CODE}$")  # unit codes become file names


def run(data_dir: str | Path | None = None, period: str | None = None, units: list[str] | None = None,
        out_dir: str | Path = "reports", lang: str = "vi", notebook: str = "ward_report",
        progress: Callable[[UnitResult, int, int], None] | None = None, gx: bool = True,
        mode: str = "single", *, workers: int = 1, scheduler: str | None = None, isolated: bool = False,
        recycle: int = DEFAULT_RECYCLE, force: bool = False, timeout: int = 600,
        locale: str | None = None) -> RunSummary:
    """Render the reports of one period. Raises ContractError/WardlibError when the input cannot be used.

    ``gx=False`` skips the Great Expectations suites (and their Data Docs);
    the consistency rules always run. ``mode`` is how pages carry plotly.js
    and the stylesheet: ``single`` (each file self-contained and offline,
    plotly compressed inside), ``site`` (one shared copy in ``OUT/assets/``)
    or ``inline`` (plotly as is: larger files). ``locale="vi"`` reads
    Vietnamese number writing in every file (as ``validate --locale vi``).

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
    inputs.check_lang(lang)
    data_dir = Path(data_dir) if data_dir else default_data_dir()
    out = Path(out_dir)
    created = not out.exists()
    lock = OutputLock(out)
    lock.acquire()
    try:
        remove_partial(out, (f".{DOCS_DIR}.",))  # what a run killed mid-write left (we hold the lock)
        options = _Options(data_dir, period, units, out, lang, notebook, gx, mode, workers, scheduler, force, locale)
        up = "../" if lang == DEFAULT_LANG else "../../"  # OUT/<period>/ or OUT/<period>/<lang>/
        settings = Settings(recycle=recycle, isolated=isolated, mode=mode, assets_href=f"{up}{ASSETS_DIR}",
                            timeout=timeout)
        return _run(options, settings, progress)
    finally:
        lock.release()
        if created:
            try:
                out.rmdir()  # only if nothing was written (the input could not be used)
            except OSError:
                pass


@dataclass(frozen=True)
class _Options:
    data_dir: Path
    period: str | None
    units: list[str] | None
    out: Path
    lang: str
    notebook: str
    gx: bool
    mode: str
    workers: int
    scheduler: str | None
    force: bool
    locale: str | None


@dataclass
class _Job:
    """One page of the run: its result record and, unless it is unchanged, the task that renders it."""

    result: UnitResult
    task: Task | None


@dataclass
class _Prepared:
    """The once-per-run work a period's pages read: where the files are, and the digests of their rows."""

    found: list  # every finding of the run (wardlib.findings.Finding)
    rows: dict[str, str]  # unit → digest of its rows of the period table
    parents: dict[str, str]  # parent → digest of its cut's rows
    period_path: Path
    findings_path: Path
    recomputed: dict = field(default_factory=dict)  # what this run made again (the manifest's "recomputed")


def _run(o: _Options, settings: Settings, progress) -> RunSummary:
    """Load → plan → prepare (table, checks, cuts, fingerprints) → render what changed → index and manifest."""
    started = time.perf_counter()
    sources = {n: (notebooks_dir() / f"{n}.py").read_text(encoding="utf-8") for n in (o.notebook, *PAGE_NOTEBOOKS)}
    code = code_key(sources, sorted(TEMPLATES_DIR.rglob("*.*")), o.data_dir)
    run_key = digest(code, o.lang, o.mode, o.gx, o.notebook, sorted(o.units) if o.units else None, o.locale)
    if not o.force and o.data_dir.is_dir():
        unchanged = unchanged_run(o.out, o.period, run_key, dataset_version(o.data_dir.expanduser().resolve()),
                                  progress, o.lang)
        if unchanged is not None:
            unchanged.seconds = round(time.perf_counter() - started, 2)
            return unchanged

    data, loaded_parts = _load(o, settings)
    loaded = time.perf_counter()
    notes: list[tuple[str, str]] = []
    p, codes = _period_and_units(data, o, notes)
    # Dask workers and their kernels start while the data is prepared: they are ready when the pages are.
    starting = _Starting(settings, o.workers, o.scheduler) if (o.workers > 1 or o.scheduler) else None
    try:
        folder = o.out / str(p)
        pages = pages_folder(folder, o.lang)
        previous = read_manifest(pages)
        summary = RunSummary(str(p), pages, data.version, mode=o.mode, notes=notes)
        summary.stages["load"] = round(loaded - started, 2)
        if o.mode == "site":
            write_assets(o.out / ASSETS_DIR)
        where = Units(data, p)
        parents = list(dict.fromkeys(where.parent_code(c) for c in codes if where.parent_code(c)))
        stage = {"data_version": data.version, "code": code, "gx": o.gx, "locale": o.locale}
        prepared = _prepare(data, p, where, parents, folder, o, stage)
        summary.findings = quality.counts_by_unit(prepared.found)
        summary.totals = quality.period_counts(prepared.found, str(p))
        docs = folder / DOCS_DIR
        up = "" if pages == folder else "../"
        summary.docs = f"{up}{DOCS_DIR}/index.html" if o.gx and (docs / "index.html").is_file() else None

        jobs, page_jobs = _plan_pages(data, p, where, codes, parents, prepared, folder, pages, o, code,
                                      summary.docs, previous)
        summary.results = [j.result for j in jobs]
        summary.quality, summary.pages = page_jobs[0].result, [j.result for j in page_jobs[1:]]
        # A run for some units keeps the others' entries (and their parents' pages): the index still lists
        # every unit rendered into this folder, and their pages stay.
        kept = {k: v for k, v in {**previous.get("kept", {}), **previous.get("units", {})}.items()
                if k not in set(codes)}
        kept_pages = {k: v for k, v in {**previous.get("kept_pages", {}), **previous.get("pages", {})}.items()
                      if k not in {r.unit_code for r in summary.pages}}
        header = {"requested_period": o.period, "requested_units": o.units or None,
                  "data_dir": str(o.data_dir.resolve()), "lang": o.lang, "gx": o.gx, "run_key": run_key,
                  "stage": stage, "workers": o.workers, "scheduler": o.scheduler, "isolated": settings.isolated,
                  "recycle": settings.recycle, "recomputed": {**loaded_parts, **prepared.recomputed}}
        planned = time.perf_counter()
        summary.stages["prepare"] = round(planned - loaded, 2)

        def record() -> dict:
            return manifest(summary, Path(o.notebook + ".py"), o.lang, header, kept, kept_pages)

        _render_all(page_jobs + jobs, pages, summary, settings, o.workers, o.scheduler, progress, record, starting)
        rendered = time.perf_counter()
        summary.stages["render"] = round(rendered - planned, 2)

        def on_disk(key: str, e: dict) -> UnitResult:
            done = e.get("status") in DONE and e.get("output") and (pages / e["output"]).is_file()
            return entry_result(key, e, **({} if done else {"status": "pending", "output": None}))

        write_atomic(pages / "index.html", index_page(p, summary, o.lang, [on_disk(k, e) for k, e in kept.items()],
                                                      [on_disk(k, e) for k, e in kept_pages.items()]))
        summary.seconds = round(time.perf_counter() - started, 2)
        summary.stages["finish"] = round(time.perf_counter() - rendered, 2)
        write_manifest(pages, record())
        return summary
    finally:
        if starting is not None:
            starting.close()  # unless the pages were rendered with it (then it is closed already)


def _period_and_units(data: Dataset, o: _Options, notes: list | None = None) -> tuple[Period, list[str]]:
    """The period to report on and the units to render, checked against the data."""
    try:
        p = Period.parse(o.period) if o.period else data.latest_period()
    except PeriodError as exc:
        raise WardlibError(str(exc), exc.message_vi) from None
    if str(p) not in set(data.periods.index):
        raise WardlibError(f"no data for period {p}; periods in the data: {', '.join(data.periods.index)}",
                           f"không có số liệu cho kỳ {p}; các kỳ có số liệu: {', '.join(data.periods.index)}")
    codes = plan_units(data, p, o.units, notes)
    for c in codes:
        if not _SAFE_CODE.match(c):
            raise WardlibError(f"unit code {c!r} cannot be used as a file name",
                               f"mã đơn vị {c!r} không dùng được làm tên tệp")
    return p, codes


def _prepare(data: Dataset, p: Period, where: Units, parents: list[str], folder: Path, o: _Options,
             stage: dict) -> _Prepared:
    """The analysis table, the data checks, the notebooks' cuts of the table and the digests of their rows;
    reused from the period's last run when the data, the code and the options are the same (``stage``,
    kept in the fingerprints file beside them: runs in either language share these files)."""
    table_path, period_path = o.out / ANALYSIS_FILE, folder / PERIOD_TABLE
    findings_path, prints_path = folder / quality.FINDINGS_FILE, folder / FINGERPRINTS_FILE
    needed = [table_path, period_path, findings_path, prints_path, *(parent_path(folder, x) for x in parents)]
    if not o.force and all(f.is_file() for f in needed):
        try:
            prints = json.loads(prints_path.read_text(encoding="utf-8"))
            if prints.get("stage") == stage and set(parents) <= set(prints["parents"]):
                return _Prepared(quality.read_findings(findings_path), prints["rows"], prints["parents"],
                                 period_path, findings_path, {"prepare": "reused"})
        except (OSError, ValueError, KeyError):
            pass  # made again below
    table = build_table(data)
    period_rows = by_unit(table[(table["period"] == str(p)).to_numpy(dtype=bool)])
    members = parent_members(table, parents, where)
    kept = _kept_cuts(prints_path, stage["code"])
    # Writing Parquet happens mostly outside the GIL: the tables are written by a second thread
    # while this one hashes them and runs the checks (prepare stage of a one-unit national run: 63 s -> 50 s).
    with ThreadPoolExecutor(1, thread_name_prefix="wardlib-write") as pool:
        writes = [pool.submit(write_table, table, table_path), pool.submit(write_table, period_rows, period_path)]
        every = row_digests(table)
        cuts = {parent: digest([(u, every.get(u, "")) for u in mine]) for parent, mine in members.items()}
        # A parent's cut is written again only when its rows changed (same code, same rows: the same file).
        changed = {x: m for x, m in members.items() if kept.get(x) != cuts[x] or not parent_path(folder, x).is_file()}
        writes.append(pool.submit(write_parent_cuts, table, changed, folder))
        docs = folder / DOCS_DIR if o.gx else None
        found = quality.collect(data, table, period=str(p), gx=o.gx, docs_dir=docs)
        quality.write_findings(found, findings_path)
        rows = row_digests(period_rows)
        for w in writes:
            w.result()  # a failed write fails the run here, as it would have without the thread
    write_atomic(prints_path, json.dumps({"stage": stage, "code": stage["code"], "rows": rows,
                                          "parents": {**kept, **cuts}}, indent=0))
    recomputed = {"prepare": "made", "parent_cuts": sorted(changed)}
    return _Prepared(found, rows, cuts, period_path, findings_path, recomputed)


def _kept_cuts(prints_path: Path, code: str) -> dict[str, str]:
    """parent → digest of the cut the last run wrote, when it was written by the same code (else none)."""
    try:
        prints = json.loads(prints_path.read_text(encoding="utf-8"))
        return dict(prints["parents"]) if prints.get("code") == code else {}
    except (OSError, ValueError, KeyError, TypeError):
        return {}


def _plan_pages(data: Dataset, p: Period, where: Units, codes: list[str], parents: list[str], prep: _Prepared,
                folder: Path, pages: Path, o: _Options, code: str, docs_href: str | None,
                previous: dict) -> tuple[list[_Job], list[_Job]]:
    """Every page of the period as a job: its declaration, its input hash and, unless it is unchanged, its task.

    A page's hash covers what its :class:`~wardlib.inputs.PageInputs` says it reads — for a ward report
    the rows of the units it is compared with and its own findings, for a parent's pages the rows of its
    cut, for the data-quality page the period's findings — plus the catalog and units files, its
    parameters, the output mode and ``code`` (:func:`~wardlib.fingerprint.code_key`). ``folder`` is the
    period's folder (the prepared data), ``pages`` where this language's pages go.
    """
    static = file_digest([o.data_dir / n for n in ("indicators.csv", "sections.csv", "units.csv", "crosswalk.csv",
                                                   "dataset.toml")])
    mine: dict[str, list] = {}
    for f in prep.found:
        if f.unit_code:
            mine.setdefault(f.unit_code, []).append(f)
    data_dir, lang = str(o.data_dir.resolve()), o.lang
    findings = str(prep.findings_path.resolve())
    old = {**previous.get("kept", {}), **previous.get("units", {})}
    old_pages = {**({"data_quality": previous["data_quality"]} if previous.get("data_quality") else {}),
                 **previous.get("pages", {})}
    nb = _read(o.notebook)
    synthetic = where.synthetic(codes)

    jobs = []
    for c in codes:
        decl = inputs.ward_inputs(data, c, p, data_dir=data_dir, lang=lang, analysis=str(prep.period_path.resolve()),
                                  findings=findings)
        params = {"unit_code": c, "period": str(p), "data_dir": data_dir, "lang": lang, "findings": findings,
                  "analysis": decl.analysis}
        h = digest(o.notebook, code, params, o.mode, static, [(u, prep.rows.get(u, "")) for u in decl.units],
                   findings_digest(mine.get(c, [])))
        name, parent_name = where.name(c), where.name(where.parent_code(c))
        result = UnitResult(c, name, "pending", 0.0, synthetic=synthetic[c], input_hash=h, parent=parent_name)
        page = dataclasses.replace(page_info(o.notebook, params, data, where), input_hash=h)
        task = Task(c, o.notebook, nb, params, page, f"{c}.html", h, str(pages.resolve()))
        jobs.append(_job(result, old.get(c), pages, o.force, task))

    def period_page(name: str, params: dict, reads, file: str, key: str) -> _Job:
        h = digest(name, code, params, o.mode, static, reads)
        page = dataclasses.replace(page_info(name, params, data, where), input_hash=h)
        task = Task(key, name, _read(name), params, page, file, h, str(pages.resolve()))
        return _job(UnitResult(key, page.unit_label, "pending", 0.0, input_hash=h), old_pages.get(key), pages,
                    o.force, task)

    in_period = [f for f in prep.found if f.period in (None, str(p))]
    page_jobs = [period_page(inputs.QUALITY, {"period": str(p), "data_dir": data_dir, "lang": lang,
                                              "findings": findings, "docs_href": docs_href or ""},
                             findings_digest(in_period), QUALITY_PAGE, "data_quality")]
    for parent in parents:
        common = {"parent": parent, "period": str(p), "data_dir": data_dir, "lang": lang,
                  "analysis": str(parent_path(folder, parent).resolve())}
        reads = prep.parents.get(parent, "")
        page_jobs.append(period_page(inputs.OVERVIEW, common, reads, f"overview-{parent}.html", f"overview-{parent}"))
        trends = {k: v for k, v in common.items() if k != "period"} | {"until": str(p)}
        page_jobs.append(period_page(inputs.TRENDS, trends, reads, f"trends-{parent}.html", f"trends-{parent}"))
    return jobs, page_jobs


def _load(o: _Options, settings: Settings) -> tuple[Dataset, dict]:
    """The dataset: from the copy the last run kept while its files are unchanged, else loaded and kept
    (:mod:`wardlib.cache`, ``OUT/.wardlib-cache/``) for the next run and for this run's kernels; a changed
    dataset's unchanged observation files are taken from their kept checked rows (``files/``). Also what
    was made again, for the manifest's ``recomputed``."""
    root = o.data_dir.expanduser().resolve()
    index = o.out / cache.CACHE_DIR / cache.INDEX
    key = [*dataset_key(root, input_files(root)), {"locale": o.locale}] if root.is_dir() else None
    data = cache.read(index, key) if key is not None and not o.force else None
    loaded = {"load": "reused"}
    if data is None:
        pieces = cache.FilePieces(index.parent / cache.PIECES_DIR, root) if root.is_dir() and not o.force else None
        data = load_dataset(o.data_dir, locale=o.locale, pieces=pieces)
        cache.save(data, key, index.parent)
        loaded = {"load": "made", "files_checked": pieces.parsed, "files_reused": pieces.reused} if pieces else \
            {"load": "made"}
    settings.prepare = {"datasets": {key[0]: [key, str(index.resolve())]}}
    return data, loaded


def _read(name: str):
    """A notebook with cell ids made from the cells' positions (jupytext draws random ones): the same
    inputs give the same page, byte for byte, apart from the time it was made."""
    nb = read_notebook(notebooks_dir() / f"{name}.py")
    for i, cell in enumerate(nb.cells):
        cell["id"] = f"{name}-{i}"
    return nb


def _job(result: UnitResult, last: dict | None, folder: Path, force: bool, task: Task) -> _Job:
    """Skip the page when its last successful output had the same input hash and is still there, or when
    the page on disk says it was made from this input hash (:func:`~wardlib.render.page_hash`): a page
    finished after the manifest was last written (the run was killed) is not rendered again."""
    if force:
        return _Job(result, task)
    if (last and last.get("status") in DONE and last.get("input_hash") == result.input_hash
            and last.get("output") and (folder / last["output"]).is_file()):
        result.status, result.output, result.rendered = "skipped", last["output"], last.get("rendered")
        return _Job(result, None)
    path = folder / task.output
    if page_hash(path) == result.input_hash:
        when = datetime.fromtimestamp(path.stat().st_mtime, timezone.utc).isoformat(timespec="seconds")
        result.status, result.output, result.rendered = "skipped", task.output, when
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
                write_manifest(folder, checkpoint())
                # a national manifest takes a while to write: never more than 5 % of this process's time
                next_at = time.monotonic() + max(CHECKPOINT_SECONDS, 20 * (time.monotonic() - began))
    except BaseException:
        summary.interrupted = True
        raise
    finally:
        executor.close()
        if summary.interrupted:
            write_manifest(folder, checkpoint())


