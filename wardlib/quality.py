"""All of a dataset's findings in one table: the contract's, our consistency rules' and Great Expectations'.

``collect`` runs once per dataset (in ``wardlib validate`` and in the batch
step of ``wardlib run``), never inside a ward notebook: the Great
Expectations import alone costs seconds. ``write_findings`` stores a
period's findings beside its reports (``findings.json``), where the ward
reports and the data-quality notebook read them.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pandas as pd

from wardlib.checks import RULES, run_checks
from wardlib.findings import Finding
from wardlib.loaders import Dataset
from wardlib.outputs import write_atomic

FINDINGS_FILE = "findings.json"
COLUMNS = ["severity", "rule", "unit_code", "period", "indicator", "file", "row", "column", "message_vi",
           "message_en", "values"]
_ORDER = {"error": 0, "warning": 1, "info": 2}


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
    return sorted(found, key=lambda f: (_ORDER[f.severity], f.rule, f.unit_code or "", f.period or "",
                                        f.indicator or "", f.row or 0))


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
    cols = ["severity", "rule", "unit_code", "period", "indicator", "file", "row", "column", "message"]
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


def counts_by_unit(findings: list[Finding]) -> dict[str, dict[str, int]]:
    """unit code → {"error": n, "warning": n, "info": n}."""
    out: dict[str, dict[str, int]] = {}
    for f in findings:
        if f.unit_code:
            c = out.setdefault(f.unit_code, {"error": 0, "warning": 0, "info": 0})
            c[f.severity] += 1
    return out
