"""What a page reads, declared once: the runner hashes the declaration, the page opens its data through it.

A :class:`PageInputs` names one page's inputs: the notebook, the dataset
folder, the period, the language, the unit or parent it is about, the files a
run prepared for it (the analysis table's cut, ``findings.json``) and — the
part that decides when it is rendered again — which units' rows of the
analysis table it reads (:attr:`PageInputs.units`) and which findings
(:attr:`PageInputs.findings_of`).

:func:`open` is the one way in for the four entry points
(:meth:`wardlib.report.WardReport.open`, :meth:`wardlib.overview.CityOverview.open`,
:meth:`wardlib.overview.Trends.open`, :meth:`wardlib.quality_report.QualityReport.open`,
:meth:`wardlib.explore.Analysis.load`): check the language, load the dataset,
resolve the period, read (or build) the table and read (or run) the checks. A
ward report reads the rows of :meth:`wardlib.units.UnitTable.compared_with` —
the same function the runner calls to hash the page — so the hash and what
the page shows cannot disagree.

How files are read is a :class:`Readers` object: a kept kernel installs its
caching one with :func:`use_readers` (:mod:`wardlib.warm`), explicitly, instead of
replacing names inside the report modules.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import pandas as pd

from wardlib.findings import Finding, WardlibError
from wardlib.periods import Period, PeriodError, latest

LANGS = ("vi", "en")
WARD, OVERVIEW, TRENDS, QUALITY, EXPLORE = "ward_report", "city_overview", "trends", "data_quality", "explore"


@dataclass(frozen=True)
class PageInputs:
    """One page's inputs (see the module docstring); what the runner hashes and :func:`open` reads."""

    notebook: str  # WARD, OVERVIEW, TRENDS, QUALITY or EXPLORE
    data_dir: str = ""  # dataset folder; empty: the embedded data
    period: str = ""  # empty: the latest in the data (for a ward report: the latest with the unit's data)
    lang: str = "vi"
    unit_code: str = ""  # the ward report's unit
    parent: str = ""  # the overview's and trends' parent
    analysis: str = ""  # the analysis table (Parquet) or the run's cut of it; empty: built here
    findings: str = ""  # the run's findings.json; empty: the consistency rules run here
    units: tuple[str, ...] = ()  # the units whose rows of ``analysis`` the page reads (empty: all of it)
    findings_of: str = ""  # "unit": the unit's findings; "period": every finding of the period; "": none

    def with_units(self, units) -> "PageInputs":
        return replace(self, units=tuple(units))


@dataclass
class Opened:
    """What :func:`open` gives a page: the dataset, the period, the table's rows and the findings."""

    data: object  # wardlib.loaders.Dataset
    period: Period | None
    table: pd.DataFrame | None
    findings: list[Finding] = field(default_factory=list)


class Readers:
    """How :func:`open` reads the files (the kept kernel's :class:`wardlib.warm.CachedReaders` caches them)."""

    def dataset(self, path):
        from wardlib.loaders import load_dataset

        return load_dataset(path)

    def table(self, path, unit_codes=None) -> pd.DataFrame:
        from wardlib.analysis import read_table

        return read_table(path, unit_codes)

    def findings(self, path) -> list[Finding]:
        from wardlib.quality import read_findings

        return read_findings(path)


_READERS: list[Readers] = [Readers()]


def use_readers(readers: Readers) -> Readers:
    """Make :func:`open` read through ``readers`` (a kept kernel's caches); returns the previous ones."""
    previous = _READERS[0]
    _READERS[0] = readers
    return previous


def check_lang(lang: str) -> None:
    if lang not in LANGS:
        raise WardlibError(f"lang must be one of {', '.join(LANGS)}, not {lang!r}",
                           f"ngôn ngữ (lang) phải là một trong {', '.join(LANGS)}, không phải {lang!r}")


def ward_inputs(data, unit_code: str, period: Period, **fields) -> PageInputs:
    """A ward report's declaration: its rows are those of the units it is compared with."""
    code = str(unit_code)
    return PageInputs(WARD, unit_code=code, period=str(period), units=tuple(data.units.compared_with(code, period) or [code]),
                      findings_of="unit", **fields)


def open(inputs: PageInputs) -> Opened:  # noqa: A001  (the one way in; shadows the builtin only here)
    """Load what ``inputs`` declares; raises :class:`WardlibError` naming what to change."""
    from wardlib.paths import default_data_dir

    check_lang(inputs.lang)
    readers = _READERS[0]
    data = readers.dataset(inputs.data_dir or default_data_dir())
    period = _period(data, inputs)
    if inputs.notebook == WARD:
        inputs = ward_inputs(data, inputs.unit_code, period, data_dir=inputs.data_dir, lang=inputs.lang,
                             analysis=inputs.analysis, findings=inputs.findings)
    table = None
    if inputs.notebook != QUALITY:
        table = readers.table(inputs.analysis, list(inputs.units) or None) if inputs.analysis else _build(data)
    found: list[Finding] = []
    if inputs.findings_of:
        if inputs.findings:
            found = readers.findings(inputs.findings)
        else:
            from wardlib.checks import run_checks

            # without a run's findings the consistency rules run here (GX only runs in the batch step)
            checked = _build(data) if table is None else table
            found = run_checks(data, checked, str(period))
            if inputs.notebook == QUALITY:
                found = list(data.findings) + found
        if inputs.findings_of == "unit":
            found = [f for f in found if f.unit_code == inputs.unit_code]
        else:
            found = [f for f in found if f.period in (None, str(period))]
    return Opened(data, period, table, found)


def _build(data) -> pd.DataFrame:
    from wardlib.analysis import build_table

    return build_table(data)


def _period(data, inputs: PageInputs) -> Period | None:
    if inputs.period:
        try:
            return Period.parse(inputs.period)
        except PeriodError as exc:
            raise WardlibError(str(exc), exc.message_vi) from None
    if inputs.notebook in (TRENDS, EXPLORE):
        return None
    if inputs.notebook == WARD:  # the latest period with data for the unit (the dataset's latest if none)
        obs = data.observations
        periods = obs.loc[obs["unit_code"] == inputs.unit_code, "period"].astype(str).unique()
        if len(periods):
            return latest(periods)
    return data.latest_period()
