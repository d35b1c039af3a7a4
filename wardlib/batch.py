"""Rendering many pages: the task, where it runs (here or on Dask workers), and progress.

One :class:`Task` is one page to render (a unit's report, a period page):
the notebook, its parameters, the page header, the file to write and an
input hash. Whatever runs the tasks calls the same :func:`render_task`, which
executes the notebook in the calling thread's
:class:`~wardlib.kernels.WarmKernel`, exports the HTML in-process and writes
the page (atomically: a temporary file beside it, then a rename); only the
outcome (status, seconds, error) goes back to the process that started the
run, which keeps the manifest.

Where the tasks run:

- ``workers=1``, no scheduler: here, one after another (:class:`SerialExecutor`);
- ``workers=N`` (N > 1): a ``distributed.LocalCluster`` of N worker processes
  with one thread each, started for the run and closed after it;
- ``scheduler="tcp://host:8786"``: an existing Dask cluster; its workers
  need wardlib installed and the same paths (the data folder and the output
  folder, e.g. on a shared disk) — they read the inputs, and send the pages back.

Both Dask cases are :class:`DaskExecutor`: tasks are submitted with
``client.map`` and collected with ``as_completed``; Dask does the scheduling.
Ward reports go to Dask in small groups (:func:`chunks`), so that a national
run does not pay Dask's per-task cost 3,321 times.
"""

from __future__ import annotations

import os
import sys
import threading
import time
import traceback
from dataclasses import dataclass, field
from typing import Callable, Iterator

from wardlib import kernels
from wardlib.kernels import DEFAULT_RECYCLE, KernelStartError, NotebookFailed, WarmKernel


@dataclass
class Task:
    key: str  # a unit code, or a period page's key ("data_quality", "overview-82")
    notebook: str  # the notebook's name, e.g. "ward_report"
    nb: object  # the notebook (nbformat node), as read once by the run
    params: dict
    page: object  # wardlib.render.PageInfo
    output: str  # file name in the period folder
    input_hash: str = ""
    folder: str = ""  # the period folder (absolute), where the worker writes the page


@dataclass
class Outcome:
    key: str
    status: str  # "ok" or "failed"
    seconds: float
    error: str | None = None
    cell: dict | None = None  # the failing cell: index, execution count, first lines of its source
    worker: str = ""  # host:pid of the process that rendered it


@dataclass
class Settings:
    """How workers render: the same for every task of a run."""

    recycle: int = DEFAULT_RECYCLE
    isolated: bool = False
    mode: str = "single"
    assets_href: str = "../assets"
    timeout: int = 600
    prepare: dict = field(default_factory=dict)  # for wardlib.warm.start in each kernel (saved datasets)


# -- the worker side -------------------------------------------------------------------------------

_LOCAL = threading.local()
_KERNELS: list[WarmKernel] = []  # every kernel of this process, to shut them all down
_KERNELS_LOCK = threading.Lock()


def _kernel(settings: Settings) -> WarmKernel:
    k = getattr(_LOCAL, "kernel", None)
    wanted = (settings.recycle, settings.isolated, settings.timeout, settings.prepare)
    if k is None or (k.recycle, k.isolated, k.timeout, k.prepare) != wanted:
        if k is not None:
            k.shutdown()
        k = WarmKernel(recycle=settings.recycle, isolated=settings.isolated, timeout=settings.timeout,
                       prepare=settings.prepare)
        _LOCAL.kernel = k
        with _KERNELS_LOCK:
            _KERNELS.append(k)
    return k


def warm_kernel(settings: Settings) -> int:
    """Start this thread's kernel now, if it has none (a worker's first task then finds it ready)."""
    k = _kernel(settings)
    if not k.alive and not settings.isolated:
        k.start()
    return os.getpid()


def shutdown_kernels() -> int:
    """Stop every kernel this process started (on a Dask worker: ``client.run(shutdown_kernels)``)."""
    with _KERNELS_LOCK:
        kernels = list(_KERNELS)
        _KERNELS.clear()
    for k in kernels:
        k.shutdown()
    _LOCAL.__dict__.pop("kernel", None)
    return len(kernels)


def _ignore_interrupts() -> None:
    """Run on each local worker's event loop (its main thread): ignore SIGINT."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)


def render_task(task: Task, settings: Settings) -> Outcome:
    """Execute one task's notebook in this thread's kernel and export its page; failures are returned."""
    from pathlib import Path

    from wardlib.outputs import write_atomic
    from wardlib.exporter import export_html

    start = time.perf_counter()
    out = Outcome(task.key, "ok", 0.0, worker=f"{os.uname().nodename}:{os.getpid()}")
    try:
        executed = kernels.execute(task.nb, task.params, kernel=_kernel(settings))
        html = export_html(executed, task.page, mode=settings.mode, assets_href=settings.assets_href)
        write_atomic(Path(task.folder) / task.output, html)
    except NotebookFailed as exc:
        out.status, out.error, out.cell = "failed", exc.error, exc.cell
    except KernelStartError as exc:
        out.status, out.error = "failed", str(exc)
    except Exception as exc:  # one page's failure is recorded, the batch goes on
        out.status, out.error = "failed", describe(exc)
    out.seconds = round(time.perf_counter() - start, 3)
    return out


def render_chunk(tasks: list[Task], settings: Settings) -> list[Outcome]:
    """:func:`render_task` for several tasks in turn (one Dask task): each page's failure is its own."""
    return [render_task(task, settings) for task in tasks]


def chunks(tasks: list[Task], workers: int, most: int = 8) -> list[list[Task]]:
    """The tasks in groups for Dask: ward reports by up to ``most`` (in order), every other page alone.

    A Dask task costs its worker and the scheduler about 50 ms on top of the page (measured at
    national scale: more than a sixth of a ward report's 0.3 s); groups of a few pages pay it once
    while keeping at least four groups per worker, so the pages still spread evenly. The heavier
    period pages (overview, trends, data quality) stay single.
    """
    counts: dict[str, int] = {}
    for t in tasks:
        counts[t.notebook] = counts.get(t.notebook, 0) + 1
    common = max(counts, key=counts.get) if counts else None
    many = [t for t in tasks if t.notebook == common]
    size = max(1, min(most, len(many) // (4 * max(workers, 1))))
    out = [[t] for t in tasks if t.notebook != common]
    out += [many[i:i + size] for i in range(0, len(many), size)]
    return out


def describe(exc: BaseException) -> str:
    """A short error: a cell error's name and value, otherwise the exception's last line."""
    ename, evalue = getattr(exc, "ename", None), getattr(exc, "evalue", None)
    if ename:
        return f"{ename}: {evalue}"
    return traceback.format_exception_only(type(exc), exc)[-1].strip()[:2000]


# -- executors ---------------------------------------------------------------------------------------

class SerialExecutor:
    """Tasks one after another in this process, in one warm kernel."""

    name = "serial"

    def __init__(self, settings: Settings):
        self.settings = settings

    def warm_up(self) -> None:
        """Nothing ahead of time: the kernel belongs to the thread that renders."""

    def run(self, tasks: list[Task]) -> Iterator[Outcome]:
        for task in tasks:
            yield render_task(task, self.settings)

    def close(self) -> None:
        shutdown_kernels()


class DaskExecutor:
    """Tasks on Dask workers: a LocalCluster of ``workers`` processes, or the cluster at ``scheduler``."""

    def __init__(self, settings: Settings, workers: int = 2, scheduler: str | None = None):
        import logging

        from distributed import Client, LocalCluster

        self.settings = settings
        self.workers = workers
        self.cluster = None
        self._futures: list = []
        self._warm: list = []
        if scheduler:
            self.client = Client(scheduler, timeout="30s")
            self.name = f"dask {scheduler}"
        else:
            import dask

            # No statistical profiler in the workers: it samples the task thread every 10 ms.
            with dask.config.set({"distributed.worker.profile.enabled": False}):
                self.cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                            dashboard_address=None, silence_logs=logging.ERROR)
            self.client = Client(self.cluster)
            # Ctrl-C in a terminal reaches every process of the group: the workers leave it to this
            # process, which cancels the tasks and shuts the kernels and the workers down in order.
            self.client.run(_ignore_interrupts)
            self.name = f"dask local, {workers} workers"

    def warm_up(self) -> None:
        """On a local cluster, start each worker's kernel now with a task pinned to it (not waited for:
        the pages queue behind it). An existing cluster's workers start theirs with their first page."""
        if self.cluster is None or self.settings.isolated:
            return
        self._warm = [self.client.submit(warm_kernel, self.settings, workers=[w], allow_other_workers=False,
                                         pure=False, key=f"wardlib-warm-{os.getpid()}-{time.time_ns()}-{i}")
                      for i, w in enumerate(self.client.nthreads())]

    def run(self, tasks: list[Task]) -> Iterator[Outcome]:
        from distributed import as_completed

        if not tasks:
            return
        prefix = f"wardlib-{os.getpid()}-{time.time_ns()}"
        workers = self.workers
        if self.cluster is None:  # an existing cluster: as many groups as its worker threads allow
            workers = max(1, sum(self.client.nthreads().values()))
        groups = chunks(tasks, workers)
        self._futures = self.client.map(render_chunk, groups, settings=self.settings, pure=False,
                                        key=[f"{prefix}-{i}" for i in range(len(groups))])
        index = {f.key: g for f, g in zip(self._futures, groups)}
        for fut in as_completed(self._futures):
            group = index[fut.key]
            try:
                outcomes = fut.result()
            except Exception as exc:  # the worker died (KilledWorker) or the task could not run
                outcomes = [Outcome(task.key, "failed", 0.0, error=describe(exc)) for task in group]
            fut.release()
            yield from outcomes

    def close(self) -> None:
        try:
            if self._futures or self._warm:
                self.client.cancel(self._futures + self._warm)
            self.client.run(shutdown_kernels)
        except Exception:  # workers already gone: their kernels stop with them
            pass
        finally:
            self.client.close()
            if self.cluster is not None:
                self.cluster.close()


def make_executor(settings: Settings, workers: int = 1, scheduler: str | None = None):
    if scheduler or workers > 1:
        return DaskExecutor(settings, workers, scheduler)
    return SerialExecutor(settings)


# -- progress -------------------------------------------------------------------------------------------

@dataclass
class Progress:
    """A text progress bar with rate and ETA on ``stream`` (stderr); plain lines when it is not a terminal."""

    total: int
    stream: object = None
    label: str = "pages"
    every: float = 10.0  # seconds between lines when not a terminal
    counts: dict = field(default_factory=lambda: {"ok": 0, "skipped": 0, "failed": 0})
    start: float = field(default_factory=time.perf_counter)
    _last: float = 0.0
    _width: int = 0

    def __post_init__(self):
        self.stream = self.stream or sys.stderr
        self.tty = hasattr(self.stream, "isatty") and self.stream.isatty()

    @property
    def done(self) -> int:
        return sum(self.counts.values())

    def line(self) -> str:
        elapsed = time.perf_counter() - self.start
        rendered = self.counts["ok"] + self.counts["failed"]
        rate = rendered / elapsed if elapsed >= 1 else 0.0
        left = self.total - self.done
        eta = _clock(left / rate) if rate > 0 else "--:--"
        frac = self.done / self.total if self.total else 1.0
        bar = "#" * int(frac * 24) + "." * (24 - int(frac * 24))
        return (f"[{bar}] {self.done}/{self.total} {frac:4.0%}  {rate:.2f} {self.label}/s  "
                f"ETA {eta}  elapsed {_clock(elapsed)}  ok {self.counts['ok']}, "
                f"unchanged {self.counts['skipped']}, failed {self.counts['failed']}")

    def update(self, status: str, message: str | None = None) -> None:
        self.counts[status] = self.counts.get(status, 0) + 1
        now = time.perf_counter()
        if message:
            self._clear()
            print(message, file=self.stream)
        if self.tty:
            text = self.line()
            self.stream.write("\r" + text + " " * max(0, self._width - len(text)))
            self._width = len(text)
            self.stream.flush()
        elif now - self._last >= self.every or self.done == self.total:
            print(self.line(), file=self.stream)
            self._last = now

    def _clear(self) -> None:
        if self.tty and self._width:
            self.stream.write("\r" + " " * self._width + "\r")
            self._width = 0

    def close(self) -> None:
        if self.tty and self._width:
            self.stream.write("\n")
            self.stream.flush()
            self._width = 0


def _clock(seconds: float) -> str:
    seconds = int(round(seconds))
    h, rest = divmod(seconds, 3600)
    m, s = divmod(rest, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m:02d}:{s:02d}"


ProgressCallback = Callable[[object, int, int], None]
