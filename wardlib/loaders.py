"""Loading a dataset folder and enforcing the data contract.

A dataset is a folder::

    indicators.csv      the indicator catalog            (see wardlib.catalog)
    sections.csv        optional: report section titles  (code, title_vi, title_en)
    units.csv           administrative units             (see wardlib.units)
    crosswalk.csv       optional: old → new units of the 2025 reform (see wardlib.crosswalk)
    observations/       one or more .csv / .xlsx / .parquet files, long format

Observation columns — one row per (``unit_code``, ``period``, ``indicator``):

============== ==============================================================
unit_code      code of a unit in units.csv that exists during the period (required)
period         2024, 2024-H1, 2024-Q3 or 2024-06 (required)
indicator      code of an indicator in indicators.csv (required)
value          the result: a plain number, or empty (e.g. "Đang thực hiện") (required)
target         the target of the indicator's year: a number, optionally after >, >=, <, <=, =
reported_pct   the percentage exactly as the source report states it
status         qualitative result as written, e.g. "Đang thực hiện"
unit           unit of measure as the source writes it, when it does
note           free text; shown as text, never as HTML
source         where the figure comes from; ``synthetic`` marks generated demo data
============== ==============================================================

:func:`load_dataset` reads everything, collects every contract problem as a
:class:`~wardlib.findings.Finding` (file, row, column, what to change) and
raises :class:`~wardlib.findings.ContractError` if any is an error. Input files
are only ever read.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from wardlib.catalog import Catalog, build_catalog
from wardlib.crosswalk import build_crosswalk
from wardlib.findings import ContractError, Finding, WardlibError, has_errors
from wardlib.numbers import parse_numbers
from wardlib.periods import Period, PeriodError, latest, period_table
from wardlib.tables import SUFFIXES, RawTable, check_columns, read_table, text_column
from wardlib.targets import TargetError, parse_target
from wardlib.units import UnitTable, build_units

REQUIRED = ("unit_code", "period", "indicator", "value")
OPTIONAL = ("target", "reported_pct", "status", "unit", "note", "source")
KEY = ["unit_code", "period", "indicator"]
SYNTHETIC_SOURCE = "synthetic"  # the `source` of generated demo data
MAX_FINDINGS_PER_RULE = 50


@dataclass
class Dataset:
    root: Path
    catalog: Catalog
    units: UnitTable
    observations: pd.DataFrame  # typed, one row per KEY; see the module docstring
    periods: pd.DataFrame  # one row per period in the data: year, kind, number, start, end, months
    version: str  # short hash of every input file: changes whenever the data changes
    findings: list[Finding] = field(default_factory=list)  # warnings that did not stop loading
    crosswalk: pd.DataFrame | None = None  # old_code, new_code, whole (see wardlib.crosswalk)

    def latest_period(self) -> Period:
        """The period of the data that ends last (the longest of those ending the same day)."""
        return latest(self.periods.index)

    def rows(self, unit_code: str | None = None, period: str | None = None) -> pd.DataFrame:
        obs = self.observations
        mask = pd.Series(True, index=obs.index)
        if unit_code is not None:
            mask &= obs["unit_code"] == unit_code
        if period is not None:
            mask &= obs["period"] == str(Period.parse(period))
        return obs[mask]


def input_files(root: Path) -> list[Path]:
    """Every file a dataset consists of, in a stable order."""
    files = [root / n for n in ("indicators.csv", "sections.csv", "units.csv", "crosswalk.csv")
             if (root / n).is_file()]
    obs = root / "observations"
    if obs.is_dir():
        files += sorted(p for p in obs.rglob("*") if p.is_file() and p.suffix.lower() in SUFFIXES
                        and not p.name.startswith((".", "~$")))
    return files


def dataset_version(root: Path) -> str:
    h = hashlib.sha256()
    for p in input_files(root):
        h.update(p.relative_to(root).as_posix().encode())
        h.update(b"\0")
        h.update(hashlib.sha256(p.read_bytes()).digest())
    return h.hexdigest()[:12]


def load_dataset(path: str | Path) -> Dataset:
    """Read and check a dataset folder; raise ContractError listing every problem found."""
    root = Path(path).expanduser().resolve()
    if not root.is_dir():
        raise WardlibError(f"data folder not found: {root}")
    findings: list[Finding] = []

    def need(name: str) -> RawTable | None:
        p = root / name
        if not p.is_file():
            findings.append(Finding("error", "contract.file", f"thiếu tệp bắt buộc '{name}'.",
                                    f"the required file '{name}' is missing.", file=name))
            return None
        t = read_table(p, root)
        return t

    cat_raw, unit_raw = need("indicators.csv"), need("units.csv")
    sec_raw = read_table(root / "sections.csv", root) if (root / "sections.csv").is_file() else None
    catalog = build_catalog(cat_raw, sec_raw) if cat_raw is not None and cat_raw.ok else None
    units = build_units(unit_raw) if unit_raw is not None and unit_raw.ok else None
    cw_raw = read_table(root / "crosswalk.csv", root) if (root / "crosswalk.csv").is_file() else None
    crosswalk = build_crosswalk(cw_raw if cw_raw is None or cw_raw.ok else None, units.table) if units else None
    for t in (cat_raw, sec_raw, unit_raw, cw_raw):
        if t is not None:
            findings.extend(t.findings)

    obs_files = [p for p in input_files(root) if p.parent != root]
    if not obs_files:
        findings.append(Finding(
            "error", "contract.file",
            "thư mục 'observations/' không có tệp số liệu .csv, .xlsx hoặc .parquet nào.",
            "the folder 'observations/' holds no .csv, .xlsx or .parquet file.", file="observations/"))
    if has_errors(findings):
        raise ContractError(findings)

    tables = [read_table(p, root) for p in obs_files]
    frames = []
    for t in tables:
        if t.ok and check_columns(t, REQUIRED, OPTIONAL):
            frame = t.frame
            frame["_file"] = t.file
            frames.append(frame)
        findings.extend(t.findings)
    raw = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=[*REQUIRED, "_row", "_file"])
    observations, periods = _check_observations(raw, catalog, units, findings)
    if has_errors(findings):
        raise ContractError(findings)
    return Dataset(root, catalog, units, observations, periods, dataset_version(root), findings, crosswalk)


def _check_observations(raw: pd.DataFrame, catalog: Catalog, units: UnitTable,
                        findings: list[Finding]) -> tuple[pd.DataFrame, pd.DataFrame]:
    obs = pd.DataFrame({c: text_column(raw, c) for c in REQUIRED + OPTIONAL if c not in ("value", "reported_pct")})
    obs["file"], obs["row"] = raw["_file"].astype("string"), raw["_row"].astype("int64")
    counts: dict[str, int] = {}

    def add(mask: pd.Series, rule: str, column: str, vi, en):
        """One finding per offending row; ``vi``/``en`` take the row and return the message."""
        for i in obs.index[mask.to_numpy(dtype=bool)]:
            counts[rule] = counts.get(rule, 0) + 1
            if counts[rule] > MAX_FINDINGS_PER_RULE:
                continue
            r = obs.loc[i]
            findings.append(Finding("error", rule, vi(r), en(r), file=r["file"], row=int(r["row"]),
                                    column=column, unit_code=r["unit_code"] or None,
                                    period=r["period"] or None, indicator=r["indicator"] or None))

    for col in KEY:
        add(obs[col].eq(""), "contract.required", col,
            lambda r, c=col: f"cột '{c}' không được để trống.", lambda r, c=col: f"column '{c}' must not be empty.")

    # Periods: parse each distinct text once, then map back.
    ptab = period_table(obs["period"])
    canon = dict(zip(ptab["text"], ptab["period"]))
    bad_period = obs["period"].ne("") & ~obs["period"].isin(list(canon))
    add(bad_period, "contract.period", "period",
        lambda r: PeriodError(r["period"]).message_vi, lambda r: str(PeriodError(r["period"])))
    obs["period"] = obs["period"].map(canon).fillna(obs["period"]).astype("string")

    known = obs["indicator"].ne("") & ~obs["indicator"].isin(list(catalog.table.index))
    add(known, "contract.indicator", "indicator",
        lambda r: f"chỉ tiêu '{r['indicator']}' không có trong indicators.csv: thêm nó vào danh mục hoặc sửa mã.",
        lambda r: f"indicator '{r['indicator']}' is not in indicators.csv: add it to the catalog or correct the code.")

    pt = ptab.drop_duplicates("period").set_index("period")
    dated = obs[~bad_period & obs["unit_code"].ne("") & obs["period"].ne("")]
    keys = pd.DataFrame({"unit_code": dated["unit_code"], "start": dated["period"].map(pt["start"]),
                         "end": dated["period"].map(pt["end"])}, index=dated.index)
    exists = units.match_periods(keys) if len(keys) else pd.Series(dtype=bool)
    never = set(obs["unit_code"]) - set(units.table["code"])
    add(obs.index.isin(exists.index[~exists]) & ~obs["unit_code"].isin(never), "contract.unit", "unit_code",
        lambda r: f"đơn vị '{r['unit_code']}' không tồn tại trong kỳ {r['period']} theo units.csv (xem valid_from/valid_to).",
        lambda r: f"unit '{r['unit_code']}' did not exist during {r['period']} according to units.csv (see valid_from/valid_to).")
    add(obs["unit_code"].isin(never) & obs["unit_code"].ne(""), "contract.unit", "unit_code",
        lambda r: f"mã đơn vị '{r['unit_code']}' không có trong units.csv: thêm đơn vị hoặc sửa mã.",
        lambda r: f"unit code '{r['unit_code']}' is not in units.csv: add the unit or correct the code.")

    ctx = obs[KEY]
    for col in ("value", "reported_pct"):
        series = raw[col] if col in raw.columns else pd.Series("", index=raw.index)
        obs[col], fs = parse_numbers(series, file=obs["file"], column=col, rows=obs["row"], context=ctx)
        findings.extend(fs)
    # The decimals the source wrote (55.4 → 1) set the tolerance when its percentage is checked.
    stated = text_column(raw, "reported_pct")
    obs["reported_decimals"] = stated.str.extract(r"\.(\d+)$")[0].str.len().fillna(0).astype("int64")

    # Targets: parse each distinct text once.
    parsed: dict[str, tuple[str | None, float] | None] = {}
    for t in obs["target"].unique():
        if t == "":
            continue
        try:
            tg = parse_target(t)
            parsed[t] = (tg.op, tg.value)
        except TargetError:
            parsed[t] = None
    bad_target = obs["target"].map(lambda t: t != "" and parsed.get(t) is None)
    add(bad_target, "contract.target", "target",
        lambda r: TargetError(r["target"]).message_vi, lambda r: str(TargetError(r["target"])))
    obs["target_op"] = obs["target"].map(lambda t: (parsed.get(t) or (None, None))[0]).astype("string")
    obs["target_value"] = obs["target"].map(lambda t: (parsed.get(t) or (None, float("nan")))[1]).astype("float64")
    obs["target"] = obs["target"].map(
        lambda t: t if parsed.get(t) is None else f"{parsed[t][0] or ''}{parsed[t][1]:g}").astype("string")

    dup = obs.duplicated(KEY, keep=False) & obs[KEY].ne("").all(axis=1)
    if dup.any():
        first = obs[dup].groupby(KEY, observed=True)[["file", "row"]].first()
        add(obs.duplicated(KEY, keep="first") & dup, "contract.duplicate", "indicator",
            lambda r: "trùng khóa (đơn vị, kỳ, chỉ tiêu) với {}, dòng {}: mỗi chỉ tiêu chỉ ghi một lần cho mỗi đơn vị và kỳ.".format(
                *first.loc[(r["unit_code"], r["period"], r["indicator"])]),
            lambda r: "same (unit, period, indicator) as {}, row {}: give each indicator once per unit and period.".format(
                *first.loc[(r["unit_code"], r["period"], r["indicator"])]))

    for rule, n in counts.items():
        if n > MAX_FINDINGS_PER_RULE:
            findings.append(Finding("error", rule, f"còn {n - MAX_FINDINGS_PER_RULE} dòng khác cùng lỗi này.",
                                    f"{n - MAX_FINDINGS_PER_RULE} more rows have this same problem."))

    obs["synthetic"] = obs["source"].str.lower().eq(SYNTHETIC_SOURCE).fillna(False).astype(bool)
    # Codes and repeated texts as categories: a national dataset has millions of rows.
    for col in ("unit_code", "period", "indicator", "file", "target_op", "target", "status", "unit", "note", "source"):
        obs[col] = obs[col].astype("category")
    periods = pt[pt.index.isin(obs["period"].astype(str))].drop(columns="text").sort_values(["end", "months"])
    cols = ["unit_code", "period", "indicator", "value", "target", "target_op", "target_value",
            "reported_pct", "reported_decimals", "status", "unit", "note", "source", "synthetic", "file", "row"]
    return obs[cols].reset_index(drop=True), periods
