"""One batch run at a time per output folder.

``OUT/.wardlib.lock`` is created when a run starts and removed when it ends.
The running process holds an exclusive ``flock`` on it, so the operating
system releases the lock when the process dies, however it dies: a second
run finds the file locked only while the first one is really running, and
then stops with a message naming it (pid, host, start time). A lock file left
by a dead run is stale and is taken over. The file also says who holds it, for
people: ``{"pid": 1234, "host": "…", "started": "…", "command": "…"}``.

``flock`` works on local disks and most network file systems; where it does
not (some NFS setups) the lock still stops a run on the same machine.
"""

from __future__ import annotations

import fcntl
import json
import os
import socket
import sys
from datetime import datetime, timezone
from pathlib import Path

from wardlib.findings import WardlibError

LOCK_FILE = ".wardlib.lock"


class LockedError(WardlibError):
    """Another run is writing into the same output folder."""


class OutputLock:
    """``with OutputLock(out_dir): ...`` — raises :class:`LockedError` when another live run holds it."""

    def __init__(self, folder: str | Path):
        self.folder = Path(folder)
        self.path = self.folder / LOCK_FILE
        self._fd: int | None = None
        self.took_over: dict | None = None  # the stale lock's content, when one was taken over

    def acquire(self) -> "OutputLock":
        self.folder.mkdir(parents=True, exist_ok=True)
        for _ in range(20):  # the file may be replaced between open and flock: try again
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                holder = _read(fd)
                os.close(fd)
                raise LockedError(*_messages(self.folder, holder)) from None
            try:
                same = os.fstat(fd).st_ino == os.stat(self.path).st_ino
            except FileNotFoundError:
                same = False
            if not same:  # the holder removed the file as we opened it: lock the new one
                os.close(fd)
                continue
            previous = _read(fd)
            if previous:
                self.took_over = previous
            info = {"pid": os.getpid(), "host": socket.gethostname(),
                    "started": datetime.now(timezone.utc).isoformat(timespec="seconds"),
                    "command": " ".join(sys.argv)[:500]}
            os.ftruncate(fd, 0)
            os.pwrite(fd, json.dumps(info).encode("utf-8"), 0)
            self._fd = fd
            return self
        raise LockedError(f"cannot lock {self.path}: it keeps being replaced",
                          f"không khóa được {self.path}: tệp liên tục bị thay")

    def release(self) -> None:
        fd, self._fd = self._fd, None
        if fd is None:
            return
        try:
            self.path.unlink(missing_ok=True)
        finally:
            os.close(fd)  # closing releases the flock

    @property
    def held(self) -> bool:
        return self._fd is not None

    def __enter__(self) -> "OutputLock":
        return self.acquire()

    def __exit__(self, *exc) -> None:
        self.release()


def _read(fd: int) -> dict:
    try:
        raw = os.pread(fd, 4096, 0)
        return json.loads(raw.decode("utf-8")) if raw.strip() else {}
    except (OSError, ValueError):
        return {}


def _messages(folder: Path, holder: dict) -> tuple[str, str]:
    who = f"pid {holder.get('pid', '?')} on {holder.get('host', '?')}, started {holder.get('started', '?')}"
    ai = f"pid {holder.get('pid', '?')} trên máy {holder.get('host', '?')}, bắt đầu lúc {holder.get('started', '?')}"
    return (f"another wardlib run is writing into {folder} ({who}); wait for it to finish or use another --out "
            f"folder",
            f"một lần chạy wardlib khác đang ghi vào {folder} ({ai}); hãy chờ nó xong hoặc dùng thư mục --out khác")
