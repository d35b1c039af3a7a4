"""Kernel messaging over ipc (Unix sockets, what wardlib uses) against tcp on 127.0.0.1: the median
round trip of an ``execute`` request, and what each leaves on disk after the kernel is killed with
SIGKILL and its manager never cleans up (what kill -9 of a run does).

    .venv/bin/python bench/bench_transport.py [requests]
"""

from __future__ import annotations

import os
import signal
import statistics
import sys
import tempfile
import time
from pathlib import Path

from jupyter_client import KernelManager


def trial(transport: str, requests: int, root: Path) -> tuple[float, list[str]]:
    folder = Path(tempfile.mkdtemp(prefix=f"{transport}-", dir=root))
    extra = {"ip": str(folder / "k")} if transport == "ipc" else {"ip": "127.0.0.1"}
    km = KernelManager(kernel_name="python3", transport=transport, connection_file=str(folder / "kernel.json"),
                       **extra)
    km.start_kernel()
    kc = km.client()
    kc.start_channels()
    kc.wait_for_ready(timeout=60)
    times = []
    for _ in range(requests):
        t = time.perf_counter()
        kc.execute_interactive("pass", timeout=30, output_hook=lambda m: None)
        times.append(time.perf_counter() - t)
    kc.stop_channels()
    os.kill(km.provisioner.process.pid, signal.SIGKILL)  # no shutdown: what kill -9 leaves
    time.sleep(0.5)
    return statistics.median(times), sorted(p.name for p in folder.iterdir())


def main() -> None:
    requests = int(sys.argv[1]) if len(sys.argv) > 1 else 300
    root = Path(tempfile.mkdtemp(prefix="bench-transport-"))
    results: dict[str, list[float]] = {"ipc": [], "tcp": []}
    left = {}
    for _ in range(3):  # alternated, so that a busy moment hits both
        for transport in results:
            median, files = trial(transport, requests, root)
            results[transport].append(median)
            left[transport] = files
    for transport, medians in results.items():
        print(f"{transport}: median round trip {statistics.median(medians) * 1000:.2f} ms "
              f"(runs: {', '.join(f'{m * 1000:.2f}' for m in medians)}); left on disk: {left[transport]}")
    ratio = statistics.median(results["tcp"]) / statistics.median(results["ipc"])
    print(f"tcp / ipc: {ratio:.2f}")


if __name__ == "__main__":
    main()
