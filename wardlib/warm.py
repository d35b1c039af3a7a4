"""What a warm kernel keeps between units, and how it forgets everything else.

This module runs *inside* the Jupyter kernels of a batch run (see
:mod:`wardlib.kernels`), never in the process that drives them:

- :func:`start` is executed once when a kernel starts: it imports the report
  modules (the imports are most of a fresh kernel's cost), records the
  process state a notebook could change (working folder, ``sys.path``,
  environment, warning filters, pandas and plotly options) and makes the one
  way in of every page (:func:`wardlib.inputs.open`) read the dataset, the
  analysis table and the findings through :class:`CachedReaders`
  (:func:`wardlib.inputs.use_readers`: an explicit hook, not names replaced
  inside the report modules);
- :func:`reset` is executed before every unit: IPython's namespace is
  cleared as in a new session (``get_ipython().reset(new_session=True)``:
  user variables, ``In``/``Out``, the execution counter back to 1) and the
  recorded process state is put back, so that nothing one unit's notebook
  did can show in the next one's report.

What stays is only what is keyed by its inputs: imported modules (code), the
``lru_cache``\\ s of wardlib (keyed by their arguments) and the three caches
of :class:`CachedReaders`, keyed by the files' paths, sizes and modification
times, so a changed file is read again. The cached objects are shared by the units a kernel
renders: notebooks must treat a loaded ``Dataset``, table or findings list as
read-only (wardlib's own report code does). ``tests/test_batch.py`` renders
units in one reused kernel and in fresh kernels and compares the pages.
"""

from __future__ import annotations

import copy
import gc
import os
import sys
import warnings
from pathlib import Path

from wardlib import fingerprint
from wardlib.inputs import Readers, use_readers

_STATE: dict = {}
_CACHE: dict = {}  # kind → (key, value): one entry per kind, the latest


def _cached(kind: str, key, load):
    hit = _CACHE.get(kind)
    if hit is not None and hit[0] == key:
        return hit[1]
    _CACHE.pop(kind, None)  # drop the old value before loading the new one: one at a time in memory
    gc.collect()
    value = load()
    _CACHE[kind] = (key, value)
    return value


class CachedReaders(Readers):
    """:class:`wardlib.inputs.Readers` that keep what they read while the files are unchanged.

    ``datasets``: data folder → (its key, the run's kept copy, :mod:`wardlib.cache`). While the
    folder's files are those the copy was made from, the copy is read instead of the files: a second
    instead of a minute for a national dataset, and without the loader's peak memory in every kernel.
    """

    def __init__(self, datasets: dict | None = None):
        self.datasets = dict(datasets or {})

    def dataset(self, path):
        from wardlib import cache
        from wardlib.loaders import input_files

        root = Path(path).expanduser().resolve()
        key = fingerprint.dataset_key(root, input_files(root))
        saved = self.datasets.get(key[0])
        if saved and saved[0][:2] == key:  # the run's key also names the options it loaded with (locale)
            kept = _cached("dataset", saved[0], lambda: cache.read(saved[1], saved[0]))
            if kept is not None:
                return kept
        return _cached("dataset", key, lambda: super(CachedReaders, self).dataset(root))

    def findings(self, path):
        """The findings, parsed once per kernel while the file is unchanged (a new list each time)."""
        p = Path(path)
        if not p.is_file():
            return []
        return list(_cached("findings", fingerprint.file_key(p), lambda: super(CachedReaders, self).findings(p)))

    def table(self, path, unit_codes=None):
        """:func:`wardlib.analysis.read_table` from one in-memory copy of the file, indexed by unit.

        The result equals what ``read_table`` returns (same rows in the same
        order, same dtypes, the key columns' categories made from the rows read).
        """
        import numpy as np
        import pandas as pd

        p = Path(path)

        def load():
            t = pd.read_parquet(p)
            codes = t["unit_code"].astype(str)
            return t, {c: np.asarray(ix) for c, ix in codes.groupby(codes, sort=False).indices.items()}

        if not unit_codes:
            return super().table(p)
        table, where = _cached("table", fingerprint.file_key(p), load)
        rows = [where[c] for c in dict.fromkeys(unit_codes) if c in where]
        pos = np.sort(np.concatenate(rows)) if rows else np.array([], dtype=np.int64)
        t = table.iloc[pos].reset_index(drop=True)
        for col in ("unit_code", "period", "indicator"):
            t[col] = t[col].astype(str).astype("category")
        return t


def _pandas_options() -> dict:
    """Every pandas option and its value, found by walking the public ``pd.options`` tree."""
    import pandas as pd

    group = type(pd.options)  # a branch of the tree (``pd.options.display``); anything else is a value

    def walk(branch, prefix: str):
        for name in dir(branch):
            value = getattr(branch, name)
            if isinstance(value, group):
                yield from walk(value, f"{prefix}{name}.")
            else:
                yield f"{prefix}{name}", value

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # reading a deprecated option warns (future.infer_string, …)
        return dict(walk(pd.options, ""))


def start(datasets: dict | None = None) -> None:
    """Import the report modules, remember the process state, install the caches. Once per kernel.

    ``datasets``: data folder → (its key, the index of its kept copy, :mod:`wardlib.cache`), from the run.
    """
    import importlib

    import plotly.io as pio

    for name in ("wardlib.report", "wardlib.overview", "wardlib.quality_report", "wardlib.explore"):
        importlib.import_module(name)
    use_readers(CachedReaders(datasets))
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
    # resetwarnings() empties the filters and, as every public change of them does, makes the "once" and
    # "default" registries forget which warnings they have shown; then the recorded filters go back in place.
    warnings.resetwarnings()
    warnings.filters[:] = _STATE["filters"]
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
