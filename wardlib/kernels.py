"""Executing report notebooks one after another in a kept Jupyter kernel.

A fresh kernel costs about two seconds before the first cell runs (process
start, then importing pandas, plotly and wardlib); the cells of a ward
report take a fraction of that. :class:`WarmKernel` starts a kernel once,
prepares it (:func:`wardlib.warm.start`: imports, caches, a record of the
process state) and then, for each unit:

1. papermill injects the unit's parameters into a copy of the notebook
   (:func:`papermill.parameterize.parameterize_notebook`, the same cell a
   ``papermill`` run adds);
2. the kernel forgets the previous unit (:func:`wardlib.warm.reset`: a new
   IPython session, the process state put back), silently, outside the notebook;
3. nbclient executes the cells in the kept kernel, with the same timeout and
   error handling as papermill: ``NotebookClient(nb, km=...)`` with the
   ``jupyter_client`` kernel manager this class owns (nbclient shuts down only
   kernels whose manager it made), on public APIs only.

The kernel is replaced by a fresh one every ``recycle`` units and after any
failure (a cell that raised, a timeout, a kernel that died), so a failure
never leaves state for the next unit. ``isolated=True`` gives every unit a
fresh kernel that is not prepared at all: what ``papermill`` does. A kernel
that does not start is tried again (``start_retries`` times, with a pause);
after that the unit fails with the reason.
"""

from __future__ import annotations

import atexit
import copy
import json
import os
import shutil
import socket
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from wardlib.render import KERNEL

if TYPE_CHECKING:  # annotations only: importing nbformat costs ~1 s, paid where a notebook is read
    import nbformat
# A restart costs ~5 s at national scale (start, imports, the run's data). A kernel's memory stays
# flat over 600 national ward reports (0.74-0.75 GiB, measured), so a restart every 1,000 units is
# a precaution costing 0.5 % of the time, not a cure for a leak.
DEFAULT_RECYCLE = 1000
START_RETRIES = 3

_START = "import json as _wl_json, wardlib.warm as _wl_warm\n_wl_warm.start(**_wl_json.loads({options!r}))\ndel _wl_warm, _wl_json"
_RESET = "import wardlib.warm as _wl_warm\n_wl_warm.reset()"  # the reset clears the name itself

# Every kernel of a process keeps its ipc sockets and its connection file in one folder of the
# temporary folder, $TMPDIR/wardlib-<pid>-<random>/, whose OWNER file names the process (pid, its
# start time, host). A process killed with kill -9 cannot remove it: the next process that starts a
# kernel removes every such folder whose owner is dead. Unix sockets, not TCP: two kernels starting
# at once cannot race for a port (papermill #511), and nothing listens on the network; a connection
# file in jupyter's runtime folder would be left behind just the same. Names stay short: a socket's
# path is limited to 107 bytes.
RUN_PREFIX = "wardlib-"
OWNER = "OWNER"
_RUN_DIR: Path | None = None


def _started(pid: int) -> str:
    """When process ``pid`` started (clock ticks since boot, Linux), "" where unknown or it is gone."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            return fh.read().rsplit(b")", 1)[1].split()[19].decode()
    except (OSError, IndexError):
        return ""


def _alive(owner: dict) -> bool:
    pid = owner.get("pid")
    if not isinstance(pid, int) or pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's live process
        return True
    start = _started(pid)
    return not (start and owner.get("started") and start != owner["started"])  # a reused pid is not the owner


def sweep(tmp: str | None = None) -> list[str]:
    """Remove the kernel folders of dead processes of this host from the temporary folder; their names."""
    removed = []
    host = socket.gethostname()
    for d in Path(tmp or tempfile.gettempdir()).glob(f"{RUN_PREFIX}*"):
        try:
            owner = json.loads((d / OWNER).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue  # not ours, or its owner is still writing the file
        if not isinstance(owner, dict) or owner.get("host") != host or _alive(owner) or d == _RUN_DIR:
            continue
        shutil.rmtree(d, ignore_errors=True)
        removed.append(d.name)
    return removed


def run_dir() -> Path:
    """This process's folder for its kernels' sockets and connection files (made, after a sweep, on first use)."""
    global _RUN_DIR
    if _RUN_DIR is None or not _RUN_DIR.is_dir():
        sweep()
        d = Path(tempfile.mkdtemp(prefix=f"{RUN_PREFIX}{os.getpid()}-"))
        owner = {"pid": os.getpid(), "started": _started(os.getpid()), "host": socket.gethostname()}
        (d / OWNER).write_text(json.dumps(owner), encoding="utf-8")
        if _RUN_DIR is None:
            atexit.register(lambda: _RUN_DIR and shutil.rmtree(_RUN_DIR, ignore_errors=True))
        _RUN_DIR = d
    return _RUN_DIR


def execute(nb, parameters: dict, *, kernel: "WarmKernel | None" = None, **kwargs):
    """Execute a notebook: in ``kernel`` (a :class:`WarmKernel`), or with papermill in a fresh kernel
    without one. Every page of a run goes through here (tests replace it)."""
    if kernel is None:
        from wardlib import render

        return render.execute(nb, parameters, **kwargs)
    return kernel.execute(nb, parameters)


class KernelStartError(RuntimeError):
    """The kernel did not start after the retries."""


class NotebookFailed(Exception):
    """A notebook stopped with an error; names the cell and the error."""

    def __init__(self, error: str, cell: dict | None = None, restart: bool = True):
        super().__init__(error)
        self.error = error
        self.cell = cell  # {"index": i, "execution_count": n, "source": first lines}, when a cell raised
        self.restart = restart


@dataclass
class KernelStats:
    started: int = 0  # kernels started (including restarts)
    start_failures: int = 0  # attempts that failed and were retried
    units: int = 0  # notebooks executed


def _cell_info(nb, index: int) -> dict:
    cell = nb.cells[index]
    lines = cell.source.strip().splitlines()
    source = "\n".join(lines[:3]) + ("\n…" if len(lines) > 3 else "")
    return {"index": index, "execution_count": cell.get("execution_count"), "source": source}


class WarmKernel:
    """One kernel, kept for unit after unit. Not thread-safe: one per worker thread."""

    def __init__(self, *, recycle: int = DEFAULT_RECYCLE, isolated: bool = False, timeout: int = 600,
                 startup_timeout: int = 60, start_retries: int = START_RETRIES, cwd: str | None = None,
                 prepare: dict | None = None):
        if recycle < 1:
            raise ValueError("recycle must be at least 1")
        self.recycle, self.isolated = recycle, isolated
        self.timeout, self.startup_timeout, self.start_retries = timeout, startup_timeout, start_retries
        self.cwd = cwd
        self.prepare = dict(prepare or {})  # keyword arguments of wardlib.warm.start
        self.stats = KernelStats()
        self._km = None  # the jupyter_client AsyncKernelManager of the current kernel: ours, so it stays up
        self._kc = None  # our client of it, shared with each notebook's NotebookClient
        self._sockets: str | None = None  # the folder of the kernel's ipc sockets
        self._used = 0  # units executed by the current kernel

    # -- kernel life ------------------------------------------------------------------------------
    @property
    def alive(self) -> bool:
        return self._km is not None

    def start(self) -> None:
        """Start (and prepare, unless isolated) a kernel; retried ``start_retries`` times.

        The kernel manager is ours, not nbclient's: a ``NotebookClient(nb, km=...)`` given a manager
        it does not own leaves the kernel running after the notebook, for the next unit.
        """
        from jupyter_client import AsyncKernelManager
        from jupyter_core.utils import run_sync

        last: BaseException | None = None
        for attempt in range(self.start_retries + 1):
            if attempt:
                self.stats.start_failures += 1
                time.sleep(min(0.5 * 2 ** (attempt - 1), 5))
            try:
                # Unix sockets and the connection file in the process's kernel folder (see run_dir)
                self._sockets = tempfile.mkdtemp(prefix="k-", dir=run_dir())
                self._km = AsyncKernelManager(kernel_name=KERNEL, transport="ipc",
                                              ip=os.path.join(self._sockets, "k"),
                                              connection_file=os.path.join(self._sockets, "kernel.json"))
                run_sync(self._km.start_kernel)(**({"cwd": self.cwd} if self.cwd else {}))
                self._kc = self._km.client()
                self._kc.start_channels()
                run_sync(self._kc.wait_for_ready)(timeout=self.startup_timeout)
                self._kc.allow_stdin = False
                if not self.isolated:
                    self._silent(_START.format(options=json.dumps(self.prepare)))
                self.stats.started += 1
                self._used = 0
                return
            except KeyboardInterrupt:
                self.shutdown()
                raise
            except Exception as exc:  # a kernel that does not come up: try again
                last = exc
                self.shutdown()
        raise KernelStartError(f"the kernel did not start after {self.start_retries + 1} attempts: "
                               f"{type(last).__name__}: {last}")

    def shutdown(self) -> None:
        """Stop the kernel (if any); safe to call twice."""
        from jupyter_core.utils import run_sync

        km, kc, self._km, self._kc = self._km, self._kc, None, None
        sockets, self._sockets = self._sockets, None
        try:
            if kc is not None:
                kc.stop_channels()
            if km is not None and km.has_kernel:
                run_sync(km.shutdown_kernel)(now=True)
        except Exception:  # already dead: nothing more to stop
            pass
        finally:
            if sockets:
                shutil.rmtree(sockets, ignore_errors=True)

    def _silent(self, code: str) -> None:
        """Run code in the kernel outside any notebook (no output, no history, no execution count)."""
        from jupyter_core.utils import run_sync

        async def request():
            return await self._kc.execute(code, silent=True, store_history=False, reply=True,
                                          timeout=self.startup_timeout)

        reply = run_sync(request)()
        content = (reply or {}).get("content", {})
        if content.get("status") != "ok":
            raise RuntimeError(f"kernel preparation failed: {content.get('ename')}: {content.get('evalue')}")

    # -- notebooks --------------------------------------------------------------------------------
    def execute(self, nb: nbformat.NotebookNode, parameters: dict) -> nbformat.NotebookNode:
        """The notebook executed with ``parameters``; raises :class:`NotebookFailed` or :class:`KernelStartError`."""
        from nbclient import NotebookClient
        from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError
        from papermill.parameterize import parameterize_notebook

        nb = copy.deepcopy(nb)
        nb.metadata.setdefault("papermill", {"parameters": {}})  # as papermill's own loading does
        for cell in nb.cells:
            cell.metadata.setdefault("tags", [])
        nb = parameterize_notebook(nb, parameters, kernel_name=KERNEL, language="python")
        if self.alive and (self.isolated or self._used >= self.recycle):
            self.shutdown()
        if not self.alive:
            self.start()
        elif not self.isolated:
            try:
                self._silent(_RESET)
            except Exception:  # a kernel that cannot reset is replaced
                self.shutdown()
                self.start()
        self._used += 1
        self.stats.units += 1
        current = [-1]  # the index of the cell running, for the failure's record

        def started(cell, cell_index, **_):
            current[0] = cell_index

        client = NotebookClient(nb, km=self._km, kernel_name=KERNEL, timeout=self.timeout,
                                startup_timeout=self.startup_timeout, on_cell_start=started,
                                resources={"metadata": {"path": self.cwd}} if self.cwd else {})
        client.kc = self._kc  # the kept kernel's client (nbclient makes one only when it has none)
        try:
            nb = client.execute()
        except CellExecutionError as exc:
            self.shutdown()  # a fresh kernel after any failure
            raise NotebookFailed(f"{exc.ename}: {exc.evalue}", _cell_info(nb, current[0])) from None
        except CellTimeoutError:
            self.shutdown()
            raise NotebookFailed(f"CellTimeoutError: a cell ran longer than {self.timeout} s",
                                 _cell_info(nb, current[0])) from None
        except DeadKernelError as exc:
            self.shutdown()
            raise NotebookFailed(f"DeadKernelError: {exc}", _cell_info(nb, current[0]) if current[0] >= 0 else None) \
                from None
        except BaseException:
            self.shutdown()
            raise
        finally:
            if self.isolated:
                self.shutdown()
        return nb

    def __enter__(self) -> "WarmKernel":
        return self

    def __exit__(self, *exc) -> None:
        self.shutdown()
