"""All of a dataset's findings in one table: the contract's, our consistency rules' and Great Expectations'.

``check_dataset`` is what ``wardlib validate`` (and ``run`` when it refuses
the data) does: load the dataset with the rows that break the contract set
aside, then run every layer on the rows that passed, so that one pass shows
every problem. ``collect`` then keeps **one finding per fault**:

* where several rules flag the same figure (unit, period, indicator), only
  the first of :data:`PRECEDENCE` speaks (a ×1,000 slip also makes the part
  larger than its whole, the stated percentage wrong and the figure an outlier:
  one finding, the slip, naming the others in ``values["also"]``);
* a finding on a computed row (a roll-up to a district or province, a
  rebuilt history) is folded into the findings on the rows it is computed
  from: it is dropped when a unit below it (or a predecessor) already has a
  finding on the same indicator in the same year.

Every finding gets the unit's name, so that each printed line names the
unit (name and code) and the period.

``collect`` runs once per dataset (in ``wardlib validate`` and in the batch
step of ``wardlib run``), never inside a ward notebook: the Great
Expectations import alone costs seconds. ``write_findings`` stores a
period's findings beside its reports (``findings.json``), where the ward
reports and the data-quality notebook read them.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import json
from pathlib import Path

import pandas as pd

from wardlib.checks import RULES, run_checks
from wardlib.findings import ContractError, Finding
from wardlib.loaders import Dataset
from wardlib.outputs import write_atomic

FINDINGS_FILE = "findings.json"
COLUMNS = ["severity", "rule", "unit_code", "unit_name", "period", "indicator", "file", "row", "column",
           "message_vi", "message_en", "values"]
_ORDER = {"error": 0, "warning": 1, "info": 2}

#: Rules that judge one figure, most specific first: where several flag the same (unit, period,
#: indicator), the first speaks for all. GX's analysis-table expectations come last.
PRECEDENCE = ("check.scale_slip", "check.part_exceeds_whole", "check.breakdown_sum", "check.pct_stated",
              "check.outlier_time", "check.outlier_peers", "gx.analysis.")


def check_dataset(data_dir: Path, *, locale: str | None = None, period: str | None = None, gx: bool = True,
                  docs_dir: Path | None = None) -> list[Finding]:
    """Every finding of every layer in one pass: the contract (its bad rows set aside), then the
    consistency rules and the GX suites on the rows that passed. Only a file that cannot be used stops
    the layers below (a ``contract.not_checked`` finding then says so)."""
    from wardlib.loaders import load_dataset

    try:
        data = load_dataset(data_dir, locale=locale, set_aside=True)
    except ContractError as exc:
        return exc.findings
    return check_loaded(data, period=period, gx=gx, docs_dir=docs_dir)


def check_loaded(data: Dataset, *, period: str | None = None, gx: bool = True,
                 docs_dir: Path | None = None) -> list[Finding]:
    """:func:`collect` on a loaded dataset whose bad rows were set aside (its contract errors included);
    only the contract's findings when no row passed (there is nothing for the layers below to check)."""
    from wardlib.analysis import build_table

    if data.observations.empty:
        return named(list(data.findings), data)
    return collect(data, build_table(data), period=period, gx=gx, docs_dir=docs_dir)


def collect(data: Dataset, table: pd.DataFrame, *, period: str | None = None, gx: bool = True,
            docs_dir: Path | None = None) -> list[Finding]:
    """The contract's warnings, the consistency rules and (unless ``gx=False``) the GX suites.

    ``period`` limits the rules, and the GX suite of the analysis table, to one
    period: the analysis table is derived by wardlib, and a national one holds
    millions of rows of other periods. The GX suites of the input files
    (catalog, units, observations) always validate them whole. ``docs_dir``
    receives the GX Data Docs site.
    """
    found = list(data.findings)
    found += run_checks(data, table, period)
    if gx:
        from wardlib import gx as gx_suites

        rows = table if period is None else table[(table["period"] == period).to_numpy(dtype=bool)]
        found += gx_suites.validate(data, rows, docs_dir=docs_dir)
    found = named(fold_computed(one_per_figure(found), data), data)
    return sorted(found, key=lambda f: (_ORDER[f.severity], f.rule, f.unit_code or "", f.period or "",
                                        f.indicator or "", f.row or 0))


def _rank(rule: str) -> int:
    return next((i for i, p in enumerate(PRECEDENCE) if rule == p or (p.endswith(".") and rule.startswith(p))),
                len(PRECEDENCE))


def one_per_figure(findings: list[Finding]) -> list[Finding]:
    """Where several rules of :data:`PRECEDENCE` flag the same figure, keep the most specific; the
    others are named in its ``values["also"]``."""
    groups: dict[tuple, list[int]] = {}
    for i, f in enumerate(findings):
        if f.unit_code and f.period and f.indicator and _rank(f.rule) < len(PRECEDENCE):
            groups.setdefault((f.unit_code, f.period, f.indicator), []).append(i)
    drop, replace = set(), {}
    for members in groups.values():
        if len(members) < 2:
            continue
        keep = min(members, key=lambda i: (_rank(findings[i].rule), _ORDER[findings[i].severity]))
        also = sorted({findings[i].rule for i in members if i != keep})
        drop |= {i for i in members if i != keep}
        f = findings[keep]
        replace[keep] = dataclasses.replace(f, values={**(f.values or {}), "also": also})
    return [replace.get(i, f) for i, f in enumerate(findings) if i not in drop]


def _below(data: Dataset) -> dict[str, set[str]]:
    """unit code → the codes of every unit under it or merged into it (any version, any depth)."""
    units = data.units.table
    up: dict[str, set[str]] = {}
    for code, parent in zip(units["code"].astype(str), units["parent_code"].astype(str)):
        if parent:
            up.setdefault(code, set()).add(parent)
    if data.crosswalk is not None and len(data.crosswalk):
        for old, new in zip(data.crosswalk["old_code"].astype(str), data.crosswalk["new_code"].astype(str)):
            up.setdefault(old, set()).add(new)
    below: dict[str, set[str]] = {}
    for code in list(up):
        seen, todo = set(), list(up[code])
        while todo:
            a = todo.pop()
            if a in seen or a == code:
                continue
            seen.add(a)
            below.setdefault(a, set()).add(code)
            todo += list(up.get(a, ()))
    return below


def fold_computed(findings: list[Finding], data: Dataset) -> list[Finding]:
    """Drop a finding on a computed row (no file row: a roll-up, a rebuilt history, a rate) when a unit it
    is computed from already has a finding on the same indicator (for a rate: its numerator or
    denominator) in the same year: one fault, one finding."""
    computed = [i for i, f in enumerate(findings) if f.row is None and f.unit_code and f.period and f.indicator
                and f.rule.startswith(("gx.analysis.", "check."))]
    if not computed:
        return findings
    below = _below(data)
    rates = data.catalog.rates()
    inputs = {code: {code, str(r["numerator"]), str(r["denominator"])} for code, r in rates.iterrows()}
    flagged: dict[tuple[str, str], set[str]] = {}
    for f in findings:
        if f.row is not None and f.unit_code and f.period and f.indicator:
            flagged.setdefault((f.indicator, f.period[:4]), set()).add(f.unit_code)

    def folded(f: Finding) -> bool:
        units = {f.unit_code} | below.get(f.unit_code, set())  # a rate is computed from its own unit's lines
        return any(flagged.get((ind, f.period[:4]), set()) & units for ind in inputs.get(f.indicator, {f.indicator}))

    drop = {i for i in computed if folded(findings[i])}
    return [f for i, f in enumerate(findings) if i not in drop]


def named(findings: list[Finding], data: Dataset) -> list[Finding]:
    """The findings with their unit's name (the version valid in the finding's period)."""
    from wardlib.periods import Period, PeriodError

    units = data.units.table
    latest = dict(zip(units["code"].astype(str), units["name"].astype(str)))  # the last version listed
    cache: dict[tuple[str, str | None], str | None] = {}

    def name(code: str, period: str | None) -> str | None:
        if (code, period) not in cache:
            found = None
            try:
                p = Period.parse(period) if period else None
            except PeriodError:
                p = None
            for when in ((p.end, p.start) if p else ()):
                v = data.units.version_at(code, when)
                if v is not None:
                    found = str(v["name"])
                    break
            cache[(code, period)] = found or latest.get(code)
        return cache[(code, period)]

    return [f if f.unit_name or not f.unit_code else dataclasses.replace(f, unit_name=name(f.unit_code, f.period))
            for f in findings]


def frame(findings: list[Finding]) -> pd.DataFrame:
    """The findings as one table (both languages), most severe first."""
    rows = [{c: getattr(f, c) for c in COLUMNS} for f in findings]
    return pd.DataFrame(rows, columns=COLUMNS)


def summary(findings: list[Finding]) -> pd.DataFrame:
    """Counts by rule and severity, with each rule's description."""
    df = frame(findings)
    if df.empty:
        return pd.DataFrame(columns=["rule", "severity", "count", "title_vi", "title_en"])
    out = df.groupby(["rule", "severity"]).size().rename("count").reset_index()
    out["title_vi"] = out["rule"].map(lambda r: RULES.get(r, ("", r, r))[1])
    out["title_en"] = out["rule"].map(lambda r: RULES.get(r, ("", r, r))[2])
    return out.sort_values(["severity", "count"], key=lambda s: s.map(_ORDER) if s.name == "severity" else -s)


def write_findings(findings: list[Finding], path: Path) -> None:
    """Store findings as JSON (atomically): one object per finding, both languages."""
    payload = [{c: getattr(f, c) for c in COLUMNS} for f in findings]
    write_atomic(path, json.dumps(payload, ensure_ascii=False, indent=1, default=str))


def write_findings_csv(findings: list[Finding], path: Path, lang: str = "vi") -> None:
    """The findings as CSV (UTF-8 with BOM, so Excel shows the diacritics), atomically.

    A cell that starts with ``=``, ``+``, ``-``, ``@`` or a tab would run as a
    formula when the file is opened in a spreadsheet (a note or a unit name can
    start so): such cells get a leading apostrophe, which spreadsheets show as text.
    """
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    cols = ["severity", "rule", "unit_code", "unit_name", "period", "indicator", "file", "row", "column", "message"]
    w.writerow(cols)
    for f in findings:
        d = f.as_dict(lang)
        w.writerow([_cell(d.get(c)) for c in cols])
    write_atomic(Path(path), "\ufeff" + buf.getvalue())


def _cell(v) -> str:
    text = "" if v is None else str(v)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def read_findings(path: str | Path) -> list[Finding]:
    """Findings written by :func:`write_findings`; none if the file does not exist."""
    p = Path(path)
    if not p.is_file():
        return []
    return [Finding(**d) for d in json.loads(p.read_text(encoding="utf-8"))]


def period_counts(findings: list[Finding], period: str) -> dict[str, int]:
    """Counts by severity of the findings the period's data-quality page lists (its own and those of no period)."""
    out = {"error": 0, "warning": 0, "info": 0}
    for f in findings:
        if f.period in (None, period):
            out[f.severity] += 1
    return out


def counts_by_unit(findings: list[Finding]) -> dict[str, dict[str, int]]:
    """unit code → {"error": n, "warning": n, "info": n}."""
    out: dict[str, dict[str, int]] = {}
    for f in findings:
        if f.unit_code:
            c = out.setdefault(f.unit_code, {"error": 0, "warning": 0, "info": 0})
            c[f.severity] += 1
    return out
