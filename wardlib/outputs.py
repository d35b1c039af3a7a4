"""Writing outputs so that a reader never sees half a file: write beside, then rename."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path


def write_atomic(path: Path, data: str | bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder and an atomic rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    raw = data.encode("utf-8") if isinstance(data, str) else data
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(raw)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def remove_partial(root: Path, dir_prefixes: tuple[str, ...] = ()) -> list[Path]:
    """Remove what writers killed mid-write left under ``root``: :func:`write_atomic`'s temporaries
    (``.<name>.<random>.tmp``) and folders being built beside their target (``dir_prefixes``, e.g.
    ``.data-docs.``). Only for a folder this process holds the lock of (:mod:`wardlib.lock`): no live
    writer can own them then."""
    removed = []
    if not root.is_dir():
        return removed
    for dirpath, dirnames, filenames in os.walk(root):
        for d in [d for d in dirnames if d.startswith(dir_prefixes)] if dir_prefixes else []:
            shutil.rmtree(Path(dirpath) / d, ignore_errors=True)
            dirnames.remove(d)
            removed.append(Path(dirpath) / d)
        for f in filenames:
            if f.startswith(".") and f.endswith(".tmp"):
                (Path(dirpath) / f).unlink(missing_ok=True)
                removed.append(Path(dirpath) / f)
    return removed
