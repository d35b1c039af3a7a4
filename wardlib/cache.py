"""The loaded dataset kept between runs and shared with a run's kernels, in a format that cannot run code.

``OUT/.wardlib-cache/dataset.json`` holds the key (each input file's path,
size and modification time: :func:`wardlib.fingerprint.dataset_key`), the
data version, the loader's findings and the names of the tables, each a
Parquet file beside it (catalog, sections, units, observations, periods,
crosswalk). The key is checked before any table is read, and nothing here
executes what it reads: anyone able to write into the output folder could
plant a pickle, never code (a pickle's ``__reduce__`` runs on loading).
"""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

import pandas as pd

from wardlib.fingerprint import digest
from wardlib.outputs import write_atomic

CACHE_DIR = ".wardlib-cache"  # under the output folder
INDEX = "dataset.json"
FORMAT = 1  # bumped when the layout changes: an older cache is then ignored


def _frames(data) -> dict[str, pd.DataFrame | None]:
    return {"catalog": data.catalog.table, "sections": data.catalog.sections, "units": data.units.table,
            "observations": data.observations, "periods": data.periods, "crosswalk": data.crosswalk}


def _plain(x):
    """numpy scalars in a finding's values as JSON numbers."""
    item = getattr(x, "item", None)
    return item() if callable(item) else str(x)


def save(data, key: list, folder: Path) -> Path:
    """Keep ``data`` (a :class:`~wardlib.loaders.Dataset`) under ``folder``; returns the index file.

    The tables are written under names made from the key, then the index, atomically: a reader
    finds either the previous complete copy or this one.
    """
    folder = Path(folder)
    token = digest(key)[:16]
    names, dtypes = {}, {}
    for name, frame in _frames(data).items():
        if frame is None:
            continue
        path = folder / f"dataset-{token}-{name}.parquet"
        folder.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.tmp")
        frame.to_parquet(tmp)
        tmp.replace(path)
        names[name] = path.name
        dtypes[name] = _dtypes(frame)
    index = {"format": FORMAT, "key": key, "root": str(data.root), "version": data.version, "tables": names,
             "dtypes": dtypes, "findings": [asdict(f) for f in data.findings]}
    write_atomic(folder / INDEX, json.dumps(index, ensure_ascii=False, default=_plain))
    for old in folder.glob("dataset-*.parquet"):  # copies of earlier data
        if old.name not in names.values():
            old.unlink(missing_ok=True)
    for stale in folder.glob("dataset.pickle"):  # the format before this one
        stale.unlink(missing_ok=True)
    return folder / INDEX


def read(index: Path, key: list | None = None):
    """The dataset kept by :func:`save`, or ``None`` when the index is missing, unreadable, of another
    format, or its key differs from ``key`` (then no table is read at all)."""
    from wardlib.catalog import Catalog
    from wardlib.findings import Finding
    from wardlib.loaders import Dataset
    from wardlib.units import UnitTable

    try:
        meta = json.loads(Path(index).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(meta, dict) or meta.get("format") != FORMAT:
        return None
    if key is not None and json.loads(json.dumps(key)) != meta.get("key"):
        return None
    folder = Path(index).parent
    tables = meta["tables"]
    frames = {name: _typed(pd.read_parquet(folder / Path(file).name), meta["dtypes"][name])
              for name, file in tables.items()}
    return Dataset(Path(meta["root"]), Catalog(frames["catalog"], frames["sections"]), UnitTable(frames["units"]),
                   frames["observations"], frames["periods"], meta["version"],
                   [Finding(**f) for f in meta["findings"]], frames.get("crosswalk"))


def _typed(frame: pd.DataFrame, dtypes: dict) -> pd.DataFrame:
    """Each column's (and the index's) own type again: Parquet gives text back as one string type and
    dates at its own resolution, and the pages must see what the loader gave them."""
    for col, want in dtypes["columns"].items():
        if str(frame[col].dtype) != want and not want.startswith("category"):
            frame[col] = frame[col].astype(want)
    for col, want in dtypes["categories"].items():
        cats = frame[col].cat.categories
        if str(cats.dtype) != want:
            frame[col] = frame[col].cat.rename_categories(cats.astype(want))
    if str(frame.index.dtype) != dtypes["index"]:
        frame.index = frame.index.astype(dtypes["index"])
    return frame


PIECES_DIR = "files"  # under CACHE_DIR: one observation file's checked rows each


def loader_key() -> str:
    """What the checked rows of a file are made with: wardlib's modules and the packages' versions."""
    from wardlib.fingerprint import file_digest, package_versions

    return digest(file_digest(sorted(Path(__file__).parent.glob("*.py"))), package_versions())


class FilePieces:
    """Per observation file, its rows as the data contract checked them, kept between runs
    (:func:`wardlib.loaders.load_dataset`'s ``pieces``): a Parquet file and a JSON index each, keyed by
    the file's name and content (sha256), its reading options, the catalog and units files the rows were
    checked against, and :func:`loader_key`. Only files without any finding are kept. ``parsed`` and
    ``reused`` name the files of the last load that were read and checked, or taken from here."""

    def __init__(self, folder: Path, root: Path):
        from wardlib.fingerprint import file_digest

        self.folder = Path(folder)
        self.context = digest(loader_key(), file_digest([Path(root) / n for n in
                                                         ("indicators.csv", "sections.csv", "units.csv")]))
        self.parsed: list[str] = []
        self.reused: list[str] = []

    def key(self, name: str, path: Path, options) -> list:
        import hashlib

        return [self.context, name, hashlib.sha256(Path(path).read_bytes()).hexdigest(), asdict(options)]

    def _paths(self, name: str) -> tuple[Path, Path, Path]:
        token = digest(name)[:16]
        return (self.folder / f"{token}.json", self.folder / f"{token}-rows.parquet",
                self.folder / f"{token}-periods.parquet")

    def get(self, name: str, key: list):
        """``(rows, periods)`` kept for ``name`` under ``key``, or ``None`` (then nothing is read)."""
        index, rows, periods = self._paths(name)
        try:
            meta = json.loads(index.read_text(encoding="utf-8"))
            if meta.get("format") != FORMAT or meta.get("key") != json.loads(json.dumps(key)):
                return None
            return (_typed(pd.read_parquet(rows), meta["dtypes"]["rows"]),
                    _typed(pd.read_parquet(periods), meta["dtypes"]["periods"]))
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def put(self, name: str, key: list, rows: pd.DataFrame, periods: pd.DataFrame) -> None:
        """Keep ``rows`` and ``periods`` for ``name`` under ``key``: the tables first, then the index."""
        index, rows_path, periods_path = self._paths(name)
        self.folder.mkdir(parents=True, exist_ok=True)
        index.unlink(missing_ok=True)  # a reader never pairs the new tables with the old index
        dtypes = {}
        for frame, path, label in ((rows, rows_path, "rows"), (periods, periods_path, "periods")):
            tmp = path.with_name(f".{path.name}.tmp")
            frame.to_parquet(tmp)
            tmp.replace(path)
            dtypes[label] = _dtypes(frame)
        write_atomic(index, json.dumps({"format": FORMAT, "key": key, "name": name, "dtypes": dtypes},
                                       ensure_ascii=False))


def _dtypes(frame: pd.DataFrame) -> dict:
    return {"index": str(frame.index.dtype), "columns": {str(c): str(t) for c, t in frame.dtypes.items()},
            "categories": {str(c): str(t.categories.dtype) for c, t in frame.dtypes.items()
                           if isinstance(t, pd.CategoricalDtype)}}
