"""``wardlib run --scheduler`` on a real Dask cluster: a scheduler and two workers started with the
installed ``dask`` command, one of them killed part-way through the run.

The cluster is what the README's "On a Dask cluster" section starts on several machines, here on
127.0.0.1 with free ports: ``dask scheduler`` and two ``dask worker --nthreads 1`` (each with its
nanny, as by default). The run renders the embedded data's 2024-H1 (13 ward reports and the
period's pages) into a temporary folder; when the first ward report is on disk, the first worker
is killed with SIGKILL together with everything it started (its nanny and its Jupyter kernel),
as when its machine goes down. Dask then runs that worker's pages on the other one: every page
must end ``ok`` in the manifest, the run exits 0, and no page is left half-written. Everything the
test started is stopped at the end, also when it fails.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

from tests.conftest import free_port

pytestmark = pytest.mark.e2e

BIN = Path(sys.executable).parent
PERIOD = "2024-H1"


def _sigkill(procs: list[psutil.Process], timeout: float) -> None:
    """SIGKILL each of ``procs`` still there, and wait for them to go."""
    for p in procs:
        try:
            p.kill()
        except psutil.NoSuchProcess:
            pass
    psutil.wait_procs(procs, timeout=timeout)


class Cluster:
    """The processes of a local Dask cluster, each in its own process group, and all they start."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.port = free_port()
        self.address = f"tcp://127.0.0.1:{self.port}"
        self.procs: dict[str, subprocess.Popen] = {}
        self.seen: dict[int, psutil.Process] = {}  # every process of the cluster ever seen, to stop at the end

    def start(self, name: str, *args: str) -> None:
        log = open(self.folder / f"{name}.log", "wb")
        self.procs[name] = subprocess.Popen([str(BIN / "dask"), *args], stdout=log, stderr=subprocess.STDOUT,
                                            cwd=self.folder, start_new_session=True)
        log.close()

    def tree(self, name: str) -> list[psutil.Process]:
        """The process ``name`` and its descendants now (a worker: nanny, worker process, kernel)."""
        try:
            root = psutil.Process(self.procs[name].pid)
            found = [root, *root.children(recursive=True)]
        except psutil.NoSuchProcess:
            return []
        self.seen.update((p.pid, p) for p in found)
        return found

    def kill(self, name: str) -> list[int]:
        procs = self.tree(name)
        _sigkill(procs, timeout=10)
        return [p.pid for p in procs]

    def stop(self) -> None:
        for name in self.procs:
            self.tree(name)
        for name in reversed(list(self.procs)):  # workers before the scheduler
            proc = self.procs[name]
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
        gone, alive = psutil.wait_procs(list(self.seen.values()), timeout=10)
        _sigkill(alive, timeout=5)

    def log(self, name: str) -> str:
        return (self.folder / f"{name}.log").read_text(encoding="utf-8", errors="replace")[-3000:]


@pytest.fixture
def cluster(tmp_path):
    c = Cluster(tmp_path / "cluster")
    c.folder.mkdir()
    try:
        c.start("scheduler", "scheduler", "--host", "127.0.0.1", "--port", str(c.port), "--no-dashboard")
        for w in ("worker-1", "worker-2"):
            c.start(w, "worker", c.address, "--nthreads", "1", "--name", w, "--host", "127.0.0.1",
                    "--no-dashboard", "--local-directory", str(c.folder / w), "--death-timeout", "60")
        deadline = time.monotonic() + 60
        while not all("Registered to:" in c.log(w)
                      for w in ("worker-1", "worker-2")):
            dead = [n for n, p in c.procs.items() if p.poll() is not None]
            assert not dead, f"{dead} exited: {[c.log(n) for n in dead]}"
            assert time.monotonic() < deadline, f"the workers did not join: {c.log('worker-1')}"
            time.sleep(0.2)
        yield c
    finally:
        c.stop()
    leftover = [p.pid for p in c.seen.values() if p.is_running() and p.status() != psutil.STATUS_ZOMBIE]
    assert leftover == [], f"processes of the cluster still running: {leftover}"


def test_run_on_a_dask_cluster_survives_a_killed_worker(cluster, tmp_path):
    out = tmp_path / "reports"
    folder = out / PERIOD
    run = subprocess.Popen([str(BIN / "wardlib"), "run", "--period", PERIOD, "--out", str(out), "--no-gx",
                            "--scheduler", cluster.address],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, cwd=tmp_path)
    try:
        # part-way: the first ward report is on disk, and the first worker has a kernel at work
        deadline = time.monotonic() + 120
        while not (folder.is_dir() and any(re.fullmatch(r"\d+\.html", p.name) for p in folder.iterdir())):
            assert run.poll() is None, run.stdout.read().decode()
            assert time.monotonic() < deadline, "no page was written in 120 s"
            time.sleep(0.05)
        assert len(cluster.tree("worker-1")) >= 3, "worker-1 runs no kernel: it is not rendering"
        killed = cluster.kill("worker-1")
        output, _ = run.communicate(timeout=240)
    finally:
        if run.poll() is None:
            run.kill()
            run.wait()
    text = output.decode("utf-8", errors="replace")
    assert len(killed) >= 3
    assert not psutil.pid_exists(cluster.procs["worker-1"].pid) or cluster.procs["worker-1"].poll() is not None
    assert run.returncode == 0, text

    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    units = manifest["units"]
    assert len(units) == 13
    statuses = {code: e["status"] for code, e in units.items()}
    statuses |= {f"page {k}": e["status"] for k, e in manifest["pages"].items()}
    statuses["data_quality"] = manifest["data_quality"]["status"]
    assert set(statuses.values()) == {"ok"}, statuses
    # every page was rendered by one of the two workers' processes, the later ones by the survivor
    workers = {int(e["worker"].rsplit(":", 1)[1]) for e in units.values()}
    survivor = {p.pid for p in cluster.tree("worker-2")}
    assert workers <= set(killed) | survivor and workers & survivor, (workers, killed, survivor)
    # nothing half-written: each page the manifest names is a whole HTML document
    outputs = [e["output"] for e in [*units.values(), *manifest["pages"].values(), manifest["data_quality"]]]
    for name in outputs:
        html = (folder / name).read_text(encoding="utf-8")
        assert html.lstrip().startswith("<!DOCTYPE html>") and html.rstrip().endswith("</html>"), name
    # a worker killed in the middle of write_atomic leaves its temporary file (never the page itself,
    # which stays absent or whole): at most the one it was writing
    temporary = [p.name for p in folder.iterdir() if p.name.endswith(".tmp")]
    assert len(temporary) <= 1, temporary
