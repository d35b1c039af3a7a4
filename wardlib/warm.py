"""What a warm kernel keeps between units, and how it forgets everything else.

This module runs *inside* the Jupyter kernels of a batch run (see
:mod:`wardlib.kernels`), never in the process that drives them:

- :func:`start` is executed once when a kernel starts: it imports the report
  modules (the imports are most of a fresh kernel's cost), records the
  process state a notebook could change (working folder, ``sys.path``,
  environment, warning filters, pandas and plotly options) and routes the
  report modules' reads of the dataset, the analysis table and the findings
  through the caches below;
- :func:`reset` is executed before every unit: IPython's namespace is
  cleared as in a new session (``get_ipython().reset(new_session=True)``:
  user variables, ``In``/``Out``, the execution counter back to 1) and the
  recorded process state is put back, so that nothing one unit's notebook
  did can show in the next one's report.

What stays is only what is keyed by its inputs: imported modules (code), the
``lru_cache``\\ s of wardlib (keyed by their arguments) and the three caches
here, keyed by the files' paths, sizes and modification times, so a changed
file is read again. The cached objects are shared by the units a kernel
renders: notebooks must treat a loaded ``Dataset``, table or findings list as
read-only (wardlib's own report code does). ``tests/test_batch.py`` renders
units in one reused kernel and in fresh kernels and compares the pages.
"""

from __future__ import annotations

import copy
import gc
import json
import os
import sys
import warnings
from pathlib import Path

_STATE: dict = {}
_CACHE: dict = {}  # kind → (key, value): one entry per kind, the latest
PATCHED = {  # module → names replaced by the cached readers below
    "wardlib.report": ("load_dataset", "read_table", "read_findings"),
    "wardlib.overview": ("load_dataset",),
    "wardlib.quality_report": ("load_dataset", "read_findings"),
}


def _stamp(path: Path) -> tuple:
    st = path.stat()
    return (str(path), st.st_size, st.st_mtime_ns)


def dataset_key(root: str | Path) -> tuple:
    """What identifies a dataset folder's content without reading it: each input file's size and mtime."""
    from wardlib.loaders import input_files

    root = Path(root).expanduser().resolve()
    extra = [root / "dataset.toml"] if (root / "dataset.toml").is_file() else []
    return (str(root), tuple(_stamp(p) for p in [*input_files(root), *extra]))


def _cached(kind: str, key, load):
    hit = _CACHE.get(kind)
    if hit is not None and hit[0] == key:
        return hit[1]
    _CACHE.pop(kind, None)  # drop the old value before loading the new one: one at a time in memory
    gc.collect()
    value = load()
    _CACHE[kind] = (key, value)
    return value


def load_dataset(path, **kwargs):
    """:func:`wardlib.loaders.load_dataset`, loaded once per kernel while the folder's files are unchanged.

    When the run registered a saved copy of this folder's dataset (see :func:`save_dataset`) whose
    files are still those it was loaded from, the copy is read instead: a second instead of a minute
    for a national dataset, and without the loader's peak memory in every kernel.
    """
    from wardlib import loaders

    if kwargs:
        return loaders.load_dataset(path, **kwargs)
    key = dataset_key(path)
    saved = _STATE.get("datasets", {}).get(key[0])
    if saved and _same_key(saved[0], key):
        return _cached("dataset", key, lambda: read_saved(saved[1]))
    return _cached("dataset", key, lambda: loaders.load_dataset(path))


def _same_key(a, b) -> bool:
    return json.loads(json.dumps(a)) == json.loads(json.dumps(b))


def save_dataset(data, root, path: Path) -> list:
    """Save a loaded dataset for the kernels of a run (pickle, atomically); returns its key."""
    import io
    import pickle

    from wardlib.outputs import write_atomic

    key = dataset_key(root)
    buf = io.BytesIO()
    pickle.dump((json.loads(json.dumps(key)), data), buf, protocol=pickle.HIGHEST_PROTOCOL)
    write_atomic(Path(path), buf.getvalue())
    return json.loads(json.dumps(key))


def read_saved(path, key=None):
    """The dataset saved by :func:`save_dataset`; ``None`` when ``key`` is given and differs."""
    import pickle

    with open(path, "rb") as fh:
        saved_key, data = pickle.load(fh)
    if key is not None and not _same_key(saved_key, key):
        return None
    return data


def read_findings(path):
    """:func:`wardlib.quality.read_findings`, parsed once per kernel while the file is unchanged (a new list)."""
    from wardlib import quality

    p = Path(path)
    if not p.is_file():
        return []
    return list(_cached("findings", _stamp(p), lambda: quality.read_findings(p)))


def read_table(path, unit_codes=None):
    """:func:`wardlib.analysis.read_table` from one in-memory copy of the file, indexed by unit.

    The result equals what ``read_table`` returns (same rows in the same
    order, same dtypes, the key columns' categories made from the rows read).
    """
    import numpy as np
    import pandas as pd

    from wardlib import analysis

    p = Path(path)

    def load():
        t = pd.read_parquet(p)
        codes = t["unit_code"].astype(str)
        return t, {c: np.asarray(ix) for c, ix in codes.groupby(codes, sort=False).indices.items()}

    table, where = _cached("table", _stamp(p), load)
    if not unit_codes:
        return analysis.read_table(p)
    rows = [where[c] for c in dict.fromkeys(unit_codes) if c in where]
    pos = np.sort(np.concatenate(rows)) if rows else np.array([], dtype=np.int64)
    t = table.iloc[pos].reset_index(drop=True)
    for col in ("unit_code", "period", "indicator"):
        t[col] = t[col].astype(str).astype("category")
    return t


def _pandas_options() -> dict:
    import pandas as pd

    out = {}
    for key in pd._config.config._registered_options:  # every option pandas knows
        try:
            out[key] = pd.get_option(key)
        except Exception:  # deprecated or not readable
            pass
    return out


def start(datasets: dict | None = None) -> None:
    """Import the report modules, remember the process state, install the caches. Once per kernel.

    ``datasets``: data folder → (its key, the path of its saved copy), from the run.
    """
    import importlib

    import plotly.io as pio

    for name in ("wardlib.report", "wardlib.overview", "wardlib.quality_report", "wardlib.explore"):
        importlib.import_module(name)
    for module, names in PATCHED.items():
        mod = sys.modules[module]
        for name in names:
            if hasattr(mod, name):
                setattr(mod, name, globals()[name])
    _STATE.update(cwd=os.getcwd(), path=list(sys.path), environ=dict(os.environ),
                  filters=copy.copy(warnings.filters), pandas=_pandas_options(),
                  plotly=(pio.templates.default, pio.renderers.default), datasets=dict(datasets or {}))


def reset(shell=None) -> None:
    """Forget the previous unit: a new IPython session and the process state recorded by :func:`start`."""
    import pandas as pd
    import plotly.io as pio

    shell = shell or get_ipython()  # noqa: F821  (defined inside a kernel)
    # IPython's %reset, with the execution counter back to 1 as in a new session; without its
    # gc.collect() (a tenth of a second with a dataset in memory; reference counting frees the
    # namespace, the collector runs as usual) and without ending the history session (sqlite).
    collect = gc.collect
    gc.collect = lambda *args, **kwargs: 0
    try:
        shell.reset(new_session=False)
    finally:
        gc.collect = collect
    shell.execution_count = 1
    if not _STATE:
        return
    os.chdir(_STATE["cwd"])
    sys.path[:] = _STATE["path"]
    if dict(os.environ) != _STATE["environ"]:
        os.environ.clear()
        os.environ.update(_STATE["environ"])
    warnings.filters[:] = _STATE["filters"]
    warnings._filters_mutated()
    for key, value in _STATE["pandas"].items():
        try:
            if pd.get_option(key) != value:
                pd.set_option(key, value)
        except Exception:
            pass
    # Setting plotly's default template validates it again (a deep copy, ~35 ms): only on a change.
    template, renderer = _STATE["plotly"]
    if pio.templates.default != template:
        pio.templates.default = template
    if pio.renderers.default != renderer:
        pio.renderers.default = renderer
