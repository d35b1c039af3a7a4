"""Fingerprints: what identifies files, rows, datasets and the code a page was made with.

Every hash wardlib compares lives here, so that "did this change?" has one answer:

- :func:`digest` — a short stable hash of JSON-able parts and bytes;
- :func:`file_digest` — the names and bytes of files;
- :func:`row_digests` — per unit, the values of its rows of a table, whatever the
  order of the table's columns (the analysis table's column order is not fixed
  from one run to the next; hashing it in order made every unit look changed);
- :func:`dataset_version` — the content of a dataset folder's input files (shown
  on pages as the data version), :func:`dataset_key` — the same files' sizes and
  modification times, cheap enough to check before every page;
- :func:`code_key` — what a page is made *with*: wardlib's version, the notebooks,
  the templates, the versions of the packages that execute and export them, and
  where the 2025 crosswalk comes from when the dataset has none.
"""

from __future__ import annotations

import hashlib
import json
from importlib import metadata
from pathlib import Path
from typing import Iterable

# The packages whose versions decide what a page shows or how it is made: an upgrade renders again.
PACKAGES = ("pandas", "numpy", "pyarrow", "plotly", "jinja2", "babel", "nbformat", "nbconvert", "nbclient",
            "papermill", "jupytext", "ipykernel", "great_expectations", "vietnamadminunits")


def digest(*parts) -> str:
    """A short stable hash of JSON-able parts and bytes."""
    h = hashlib.blake2b(digest_size=16)
    for p in parts:
        h.update(p if isinstance(p, bytes) else json.dumps(p, sort_keys=True, ensure_ascii=False,
                                                           default=str).encode("utf-8"))
        h.update(b"\x1f")
    return h.hexdigest()


def file_digest(paths: Iterable[Path]) -> str:
    """The names and bytes of ``paths`` (a missing file counts as ``-``)."""
    h = hashlib.blake2b(digest_size=16)
    for p in paths:
        h.update(str(p.name).encode())
        h.update(p.read_bytes() if p.is_file() else b"-")
    return h.hexdigest()


def row_digests(table, key: str = "unit_code") -> dict[str, str]:
    """``key`` value → hash of its rows in ``table`` (every column's values, columns by name, rows in order)."""
    import numpy as np

    if table.empty:
        return {}
    rows = row_hashes(table)
    codes = table[key].astype(str).to_numpy()
    order = np.argsort(codes, kind="stable")
    codes, rows = codes[order], rows[order]
    bounds = np.flatnonzero(codes[1:] != codes[:-1]) + 1
    starts, ends = np.r_[0, bounds], np.r_[bounds, len(codes)]
    return {codes[s]: hashlib.blake2b(rows[s:e].tobytes(), digest_size=16).hexdigest() for s, e in zip(starts, ends)}


_MIX = 0x9E3779B97F4A7C15  # odd 64-bit constant (the golden ratio): multiplying by it spreads the bits


def row_hashes(table):
    """One 64-bit hash per row of every column's value, the columns taken by name.

    Vectorised column by column on the values' bits (numbers, dates, booleans) or on the category
    codes mapped through a hash of the categories, so the analysis table of the whole country
    (7 million rows × 69 columns) is hashed in seconds rather than the minutes
    ``pandas.util.hash_pandas_object`` takes on it; text columns go through pandas' own hash.
    """
    import numpy as np
    import pandas as pd

    h = np.zeros(len(table), dtype=np.uint64)
    with np.errstate(over="ignore"):
        for col in sorted(table.columns, key=str):
            seed = np.uint64(int(digest(str(col))[:16], 16))
            h = (h ^ (_column_hash(table[col], np, pd) + seed)) * np.uint64(_MIX)
            h ^= h >> np.uint64(29)
    return h


def _column_hash(s, np, pd):
    dtype = s.dtype
    if isinstance(dtype, pd.CategoricalDtype):
        cats = pd.util.hash_array(np.asarray(s.cat.categories, dtype=object))
        codes = s.cat.codes.to_numpy()
        return np.where(codes >= 0, cats[np.maximum(codes, 0)] if len(cats) else 0, np.uint64(1)).astype(np.uint64)
    if pd.api.types.is_datetime64_any_dtype(dtype):
        v = s.to_numpy(dtype="datetime64[ns]").view(np.int64)
        return v.astype(np.uint64)
    if pd.api.types.is_bool_dtype(dtype) or pd.api.types.is_numeric_dtype(dtype):
        v = s.to_numpy(dtype=np.float64, na_value=np.nan)
        v = np.where(np.isnan(v), np.nan, v) + 0.0  # one NaN, and -0.0 as 0.0
        return v.view(np.uint64)
    return pd.util.hash_pandas_object(s, index=False).to_numpy()


def findings_digest(findings) -> str:
    """The findings (:class:`~wardlib.findings.Finding`), every field, in order."""
    return digest([f.__dict__ for f in findings])


def dataset_version(root: Path, files: Iterable[Path]) -> str:
    """Short hash of the input ``files``' paths (relative to ``root``) and content: changes whenever the
    data changes (``files``: :func:`wardlib.loaders.input_files`)."""
    h = hashlib.sha256()
    for p in files:
        h.update(p.relative_to(root).as_posix().encode())
        h.update(b"\0")
        h.update(hashlib.sha256(p.read_bytes()).digest())
    return h.hexdigest()[:12]


def _stamp(path: Path) -> list:
    st = path.stat()
    return [str(path), st.st_size, st.st_mtime_ns]


def dataset_key(root: str | Path, files: Iterable[Path]) -> list:
    """What identifies a dataset folder's content without reading it: each input file's size and mtime."""
    root = Path(root).expanduser().resolve()
    extra = [root / "dataset.toml"] if (root / "dataset.toml").is_file() else []
    return [str(root), [_stamp(p) for p in [*files, *extra]]]


def file_key(path: str | Path) -> list:
    """One file's path, size and modification time (a cache entry is stale when it differs)."""
    return _stamp(Path(path))


def package_versions() -> dict[str, str]:
    """name → installed version of :data:`PACKAGES` (``""`` when one is not installed)."""
    out = {}
    for name in PACKAGES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = ""
    return out


def crosswalk_source(data_dir: Path) -> dict:
    """Where the dataset's 2025 crosswalk comes from: its own ``crosswalk.csv`` (hashed with the
    dataset's other files), or else the ``vietnamadminunits`` package's converter, by content."""
    if (Path(data_dir) / "crosswalk.csv").is_file():
        return {"file": "crosswalk.csv"}
    from wardlib.adminunits import _package_file

    converter = _package_file("converter_2025.json")
    return {"vietnamadminunits": hashlib.blake2b(converter.read_bytes(), digest_size=16).hexdigest()}


def code_key(notebooks: dict[str, str], templates: Iterable[Path], data_dir: Path) -> str:
    """What the pages are made with: wardlib, the notebooks' sources, the templates, the packages'
    versions and the crosswalk's source."""
    from wardlib import __version__

    return digest(__version__, notebooks, file_digest(templates), package_versions(), crosswalk_source(data_dir))
