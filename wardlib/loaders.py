"""Loading a dataset folder and enforcing the data contract.

A dataset is a folder::

    indicators.csv      the indicator catalog            (see wardlib.catalog)
    sections.csv        optional: report section titles  (code, title_vi, title_en)
    units.csv           administrative units             (see wardlib.units)
    crosswalk.csv       optional: old → new units of the 2025 reform (see wardlib.crosswalk)
    observations/       one or more .csv / .xlsx / .parquet files, long format
    planted.csv         demo data only: the faults planted for the checks to show
                        (unit_code, period, indicator, kind, rule, what_vi, what_en);
                        not part of the data, listed on the data-quality page

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
note           free text for readers, as the source writes it (Vietnamese); shown as
               text, never as HTML; ``derived:`` at its start marks a derived figure
note_en        the same note in English, for English pages (empty: they show ``note``)
source         where the figure comes from; ``synthetic`` marks generated demo data
============== ==============================================================

:func:`load_dataset` reads everything and collects every contract problem as a
:class:`~wardlib.findings.Finding` (file, row, column, what to change). A row
that breaks the contract (a bad number, a negative count, an unknown unit or
indicator, a bad period or target, a duplicate key) is reported and **set
aside**: the dataset keeps every row that passed, so the consistency rules and
the Great Expectations suites below can still run on them and one
``wardlib validate`` shows every problem at once. Only a file that cannot be
used at all (missing, unreadable, undecodable, a merged header, a required
column missing) — or a broken catalog or units file, which every later check
needs — stops the layers below, and a finding then says that they were not
run. By default :func:`load_dataset` raises
:class:`~wardlib.findings.ContractError` when there is any error (``run``
refuses such data); the error carries the dataset of the rows that passed.
``set_aside=True`` returns that dataset instead, its ``findings`` holding the
errors. Input files are only ever read.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from wardlib import fingerprint
from wardlib.catalog import Catalog, build_catalog
from wardlib.crosswalk import build_crosswalk
from wardlib.findings import ContractError, Finding, WardlibError, has_errors
from wardlib.numbers import AMBIGUOUS_KINDS, NOT_AVAILABLE, ambiguous_messages, one_thousands_group, parse_numbers
from wardlib.periods import Period, PeriodError, latest, period_table
from wardlib.tables import LOCALES, SUFFIXES, RawTable, check_columns, read_settings, read_table, text_column
from wardlib.targets import TargetError, parse_target
from wardlib.units import UnitTable, build_units

REQUIRED = ("unit_code", "period", "indicator", "value")
OPTIONAL = ("target", "reported_pct", "status", "unit", "note", "note_en", "source")
KEY = ["unit_code", "period", "indicator"]
SYNTHETIC_SOURCE = "synthetic"  # the `source` of generated demo data
MAX_FINDINGS_PER_RULE = 50
#: The columns of the observations, in order, and those kept as categories.
COLUMNS = ["unit_code", "period", "indicator", "value", "target", "target_op", "target_value",
           "reported_pct", "reported_decimals", "status", "unit", "note", "note_en", "source", "synthetic", "file",
           "row"]
CATEGORIES = ("unit_code", "period", "indicator", "file", "target_op", "target", "status", "unit", "note", "note_en",
              "source")


@dataclass
class Dataset:
    root: Path
    catalog: Catalog
    units: UnitTable
    observations: pd.DataFrame  # typed, one row per KEY; see the module docstring
    periods: pd.DataFrame  # one row per period in the data: year, kind, number, start, end, months
    version: str  # short hash of every input file: changes whenever the data changes
    findings: list[Finding] = field(default_factory=list)  # the contract's findings (errors: rows set aside)
    crosswalk: pd.DataFrame | None = None  # old_code, new_code, whole (see wardlib.crosswalk)
    set_aside: int = 0  # observation rows left out because they break the contract

    @property
    def contract_errors(self) -> list[Finding]:
        """The contract errors found while loading (their rows are not in ``observations``)."""
        return [f for f in self.findings if f.severity == "error"]

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
    files = [root / n for n in ("dataset.toml", "indicators.csv", "sections.csv", "units.csv", "crosswalk.csv")
             if (root / n).is_file()]
    obs = root / "observations"
    if obs.is_dir():
        files += sorted(p for p in obs.rglob("*") if p.is_file() and p.suffix.lower() in SUFFIXES
                        and not p.name.startswith((".", "~$")))
    return files


def dataset_version(root: Path) -> str:
    """The data version of a dataset folder (see :func:`wardlib.fingerprint.dataset_version`)."""
    return fingerprint.dataset_version(root, input_files(root))


def load_dataset(path: str | Path, *, locale: str | None = None, set_aside: bool = False,
                 overlay: tuple[str, Path] | None = None, pieces=None) -> Dataset:
    """Read and check a dataset folder; raise ContractError listing every problem found.

    Rows that break the contract are set aside (see the module docstring).
    Without ``set_aside`` any contract error raises ContractError (its
    ``dataset`` holds the rows that passed); with it the dataset of the rows
    that passed is returned, the errors in its ``findings``. A file that cannot
    be used always raises, with ``dataset = None``.

    ``locale="vi"`` reads Vietnamese number writing (5.137.820.843, 55,4%, and
    "06/10" as result 6 of target 10) in every file; without it each file's
    ``locale`` in ``dataset.toml`` decides (see wardlib.tables).

    ``overlay=(name, folder)``: the dataset as it would be with ``folder / name`` at ``name``
    (in place of the file there, if any), for checking a file before it is written into the
    folder (``wardlib import``). The folder itself is only read.

    ``pieces`` (a :class:`wardlib.cache.FilePieces`): each observation file's checked rows, kept between
    runs; a file whose content, options and checking context are unchanged is not read again.
    """
    root = Path(path).expanduser().resolve()
    if not root.is_dir():
        raise WardlibError(f"data folder not found: {root}", f"không tìm thấy thư mục dữ liệu: {root}")
    if locale not in (None, *LOCALES):
        raise WardlibError(f"locale must be 'vi' or empty, not {locale!r}",
                           f"locale phải là 'vi' hoặc để trống, không phải {locale!r}")
    settings = read_settings(root)
    findings: list[Finding] = list(settings.findings)

    def read(name: str) -> RawTable:
        return read_table(root / name, root, settings.options(name, locale))

    def need(name: str) -> RawTable | None:
        p = root / name
        if not p.is_file():
            findings.append(Finding("error", "contract.file", f"thiếu tệp bắt buộc '{name}'.",
                                    f"the required file '{name}' is missing.", file=name))
            return None
        return read(name)

    cat_raw, unit_raw = need("indicators.csv"), need("units.csv")
    sec_raw = read("sections.csv") if (root / "sections.csv").is_file() else None
    catalog = build_catalog(cat_raw, sec_raw) if cat_raw is not None and cat_raw.ok else None
    units = build_units(unit_raw) if unit_raw is not None and unit_raw.ok else None
    cw_raw = read("crosswalk.csv") if (root / "crosswalk.csv").is_file() else None
    crosswalk = build_crosswalk(cw_raw if cw_raw is None or cw_raw.ok else None, units.table) if units else None
    for t in (cat_raw, sec_raw, unit_raw, cw_raw):
        if t is not None:
            findings.extend(t.findings)

    obs_files = [p for p in input_files(root) if p.parent != root]
    if overlay is not None:  # read from its own folder, named as it would be in the dataset
        name, folder = overlay
        obs_files = [p for p in obs_files if p.relative_to(root).as_posix() != name] + [Path(folder).resolve() / name]
    if not obs_files:
        findings.append(Finding(
            "error", "contract.file",
            "thư mục 'observations/' không có tệp số liệu .csv, .xlsx hoặc .parquet nào.",
            "the folder 'observations/' holds no .csv, .xlsx or .parquet file.", file="observations/"))
    if has_errors(findings):
        stopped = sorted({f.file for f in findings if f.severity == "error" and f.file})
        raise ContractError(findings + [_not_checked(stopped)])

    if pieces is not None and overlay is None:
        got = _by_file(root, obs_files, settings, locale, catalog, units, pieces)
        if got is not None:
            return Dataset(root, catalog, units, *got, dataset_version(root), findings, crosswalk, 0)
    tables = [read(p.relative_to(root).as_posix()) if p.is_relative_to(root) else
              read_table(p, Path(overlay[1]).resolve(), settings.options(overlay[0], locale)) for p in obs_files]
    frames, unusable = [], []
    for t in tables:
        if t.ok and check_columns(t, REQUIRED, OPTIONAL):
            frame = t.frame
            frame["_file"] = t.file
            frame["_vi"] = t.options.locale == "vi"
            frames.append(frame)
        else:
            unusable.append(t.file)
        findings.extend(t.findings)
    raw = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=[*REQUIRED, "_row", "_file"])
    observations, pt, n_aside = _check_observations(raw, catalog, units, findings)
    observations, periods = _finish(observations, pt)
    if unusable:  # the rows of the other files were checked above; the layers below need every file
        raise ContractError(findings + [_not_checked(unusable)])
    data = Dataset(root, catalog, units, observations, periods, dataset_version(root), findings, crosswalk, n_aside)
    if has_errors(findings) and not set_aside:
        raise ContractError(findings, data)
    return data


def _not_checked(files: list[str]) -> Finding:
    """Said when a file cannot be used: the consistency rules and GX suites did not run."""
    names = ", ".join(files) or "?"
    return Finding(
        "warning", "contract.not_checked",
        f"chưa chạy các kiểm tra tiếp theo (quy tắc nhất quán, bộ kiểm tra Great Expectations) vì không dùng được "
        f"tệp {names}: sửa tệp rồi chạy lại để thấy các vấn đề còn lại.",
        f"further checks (the consistency rules and the Great Expectations suites) were not run because "
        f"{names} cannot be used: correct it and run again to see the remaining problems.",
        file=files[0] if len(files) == 1 else None)


_SLASH = r"^\s*([^/\s]+)\s*/\s*([^/\s]+)\s*$"


def _per_value(column: pd.Series, fn):
    """``fn`` applied once to each distinct value of ``column`` and spread back over its rows.

    ``fn`` takes the distinct values (a Series indexed 0…n-1) and returns a Series or a DataFrame
    with the same index; the result has ``column``'s index and keeps ``fn``'s dtypes. A column of
    millions of observations holds a few thousand distinct texts, and pandas' text methods and
    ``map`` cost per row.
    """
    codes, uniques = pd.factorize(column, use_na_sentinel=False)
    out = fn(pd.Series(uniques, dtype=column.dtype))
    spread = out.take(codes)
    spread.index = column.index
    return spread


def _result_of_target(value: pd.Series, obs: pd.DataFrame, vi: pd.Series, add) -> tuple[pd.Series, pd.Series]:
    """Vietnamese "06/10" in the value column means result 6 of target 10 (as the seed writes it).

    Read so only where the locale is ``vi`` and the target column is empty or
    says the same; otherwise the value is left to be refused as not a number.
    """
    target = obs["target"].copy()
    if pd.api.types.is_numeric_dtype(value) or not vi.any():  # numbers (Parquet, Excel), or not Vietnamese
        return value, target
    text = value.astype("string").fillna("")
    parts = _per_value(text, lambda u: u.str.extract(_SLASH))
    slash = parts[0].notna() & vi
    if not slash.any():
        return value, target
    agree = target.eq("") | target.eq(parts[1])
    use = slash & agree
    add(slash & ~agree, "contract.value_target", "value",
        lambda r: "giá trị dạng 'kết quả/chỉ tiêu' khác với cột target; ghi kết quả vào value, chỉ tiêu vào target.",
        lambda r: "the value is written 'result/target' but differs from the target column; put the result in "
                  "value and the target in target.")
    new_value = text.where(~use, parts[0])
    return new_value.where(~(slash & ~agree), text), target.where(~use | target.ne(""), parts[1])


def _impossible_values(obs: pd.DataFrame, catalog: Catalog, add) -> None:
    """Negative counts and amounts, percentages outside 0–100, negative stated percentages: errors."""
    labels = _per_value(obs["indicator"], lambda u: pd.DataFrame({
        "kind": u.map(catalog.table["kind"]).fillna(""), "unit": u.map(catalog.table["unit"]).fillna("")}))
    kind, unit = labels["kind"], labels["unit"]
    add(kind.isin(["count", "amount"]) & obs["value"].lt(0), "contract.negative", "value",
        lambda r: f"{r['value']:g} là số âm: số đếm và số tiền không thể âm; kiểm tra dấu trừ.",
        lambda r: f"{r['value']:g} is negative: counts and amounts cannot be; check the minus sign.")
    add((kind.eq("percent") | unit.eq("%")) & ~obs["value"].between(0, 100) & obs["value"].notna(),
        "contract.percent", "value",
        lambda r: f"{r['value']:g}% nằm ngoài 0–100: tỷ lệ phần trăm phải từ 0 đến 100; kiểm tra số liệu.",
        lambda r: f"{r['value']:g}% is outside 0–100: a percentage must be from 0 to 100; check the figure.")
    add(obs["reported_pct"].lt(0), "contract.percent", "reported_pct",
        lambda r: f"tỷ lệ báo cáo nêu {r['reported_pct']:g}% là số âm; kiểm tra số liệu.",
        lambda r: f"the stated percentage {r['reported_pct']:g}% is negative; check the figure.")


def _ambiguous(obs: pd.DataFrame, column: str, text: pd.Series, hit: pd.Series, vi: pd.Series, catalog: Catalog,
               add) -> None:
    """Counts and amounts written ``9.702`` in a file with no declared locale: errors (see wardlib.numbers).

    9.702 people is 9702 in Vietnamese writing: it is never read silently as either. ``hit`` marks the
    cells written so (``text``, as the message quotes them); the catalog's kind is looked up for those
    rows only, so a national table pays for the text test alone.
    """
    rows = np.flatnonzero(np.asarray(hit, dtype=bool) & ~vi.to_numpy(dtype=bool))
    if not len(rows):
        return
    mask = np.zeros(len(obs), dtype=bool)
    mask[rows] = obs["indicator"].iloc[rows].map(catalog.table["kind"]).isin(list(AMBIGUOUS_KINDS)).to_numpy(dtype=bool)
    add(mask, "contract.ambiguous_number", column,
        lambda r: ambiguous_messages(str(text.loc[r.name]))[0], lambda r: ambiguous_messages(str(text.loc[r.name]))[1])


def _implausible(obs: pd.DataFrame, periods: pd.DataFrame, catalog: Catalog,
                 today: pd.Timestamp | None = None) -> list[Finding]:
    """Warnings for what is possible but probably a slip: a period that has not begun yet (one per file
    and period), a negative target for a count or an amount (one per row, 50 at most)."""
    out: list[Finding] = []
    today = today if today is not None else pd.Timestamp.today().normalize()
    future = set(periods.index[periods["start"] > today])
    if future:
        seen = obs[obs["period"].isin(list(future))].drop_duplicates(["file", "period"])
        for _, r in seen.head(MAX_FINDINGS_PER_RULE).iterrows():
            out.append(Finding(
                "warning", "contract.future", f"kỳ {r['period']} chưa bắt đầu (hôm nay là {today:%d/%m/%Y}): kiểm tra năm.",
                f"the period {r['period']} has not begun yet (today is {today:%Y-%m-%d}): check the year.",
                file=r["file"], row=int(r["row"]), column="period", period=r["period"]))
    kind = _per_value(obs["indicator"], lambda u: u.map(catalog.table["kind"]).astype("string").fillna(""))
    negative = kind.isin(["count", "amount"]) & obs["target_value"].lt(0)
    for _, r in obs[negative.to_numpy(dtype=bool)].head(MAX_FINDINGS_PER_RULE).iterrows():
        out.append(Finding(
            "warning", "contract.negative", f"chỉ tiêu kế hoạch {r['target_value']:.15g} là số âm, trong khi số đếm và số "
            "tiền không thể âm: kiểm tra dấu trừ.",
            f"the target {r['target_value']:.15g} is negative, but counts and amounts cannot be: check the minus sign.",
            file=r["file"], row=int(r["row"]), column="target", unit_code=r["unit_code"] or None,
            period=r["period"] or None, indicator=r["indicator"] or None))
    return out


def _check_observations(raw: pd.DataFrame, catalog: Catalog, units: UnitTable,
                        findings: list[Finding]) -> tuple[pd.DataFrame, pd.DataFrame, int]:
    """The typed rows that pass the contract, the periods they cover and how many rows were set aside."""
    obs = pd.DataFrame({c: text_column(raw, c) for c in REQUIRED + OPTIONAL if c not in ("value", "reported_pct")})
    obs["file"], obs["row"] = raw["_file"].astype("string"), raw["_row"].astype("int64")
    counts: dict[str, int] = {}
    aside = np.zeros(len(obs), dtype=bool)  # rows with a contract error: reported, then left out

    def add(mask: pd.Series, rule: str, column: str, vi, en):
        """One finding per offending row; ``vi``/``en`` take the row and return the message."""
        hit = np.asarray(mask, dtype=bool) if not isinstance(mask, pd.Series) else mask.to_numpy(dtype=bool)
        aside[hit] = True
        for i in obs.index[hit]:
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
    mapped = (_per_value(obs["period"], lambda u: u.map(canon).astype("string")) if canon
              else pd.Series(pd.NA, index=obs.index, dtype="string"))
    obs["period"] = mapped.fillna(obs["period"]).astype("string")

    known = obs["indicator"].ne("") & ~obs["indicator"].isin(list(catalog.table.index))
    add(known, "contract.indicator", "indicator",
        lambda r: f"chỉ tiêu '{r['indicator']}' không có trong indicators.csv: thêm nó vào danh mục hoặc sửa mã.",
        lambda r: f"indicator '{r['indicator']}' is not in indicators.csv: add it to the catalog or correct the code.")

    pt = ptab.drop_duplicates("period").set_index("period")
    dated = obs[~bad_period & obs["unit_code"].ne("") & obs["period"].ne("")]
    bounds = _per_value(dated["period"], lambda u: pd.DataFrame({"start": u.map(pt["start"]), "end": u.map(pt["end"])}))
    keys = pd.DataFrame({"unit_code": dated["unit_code"], "start": bounds["start"], "end": bounds["end"]},
                        index=dated.index)
    exists = units.match_periods(keys) if len(keys) else pd.Series(dtype=bool)
    never = set(obs["unit_code"].unique()) - set(units.table["code"])
    add(obs.index.isin(exists.index[~exists]) & ~obs["unit_code"].isin(never), "contract.unit", "unit_code",
        lambda r: f"đơn vị '{r['unit_code']}' không tồn tại trong kỳ {r['period']} theo units.csv (xem valid_from/valid_to).",
        lambda r: f"unit '{r['unit_code']}' did not exist during {r['period']} according to units.csv (see valid_from/valid_to).")
    add(obs["unit_code"].isin(never) & obs["unit_code"].ne(""), "contract.unit", "unit_code",
        lambda r: f"mã đơn vị '{r['unit_code']}' không có trong units.csv: thêm đơn vị hoặc sửa mã.",
        lambda r: f"unit code '{r['unit_code']}' is not in units.csv: add the unit or correct the code.")

    ctx = obs[KEY]
    vi = raw["_vi"].fillna(False).astype(bool) if "_vi" in raw.columns else pd.Series(False, index=raw.index)
    value_text = raw["value"] if "value" in raw.columns else pd.Series("", index=raw.index)
    value_text, obs["target"] = _result_of_target(value_text, obs, vi, add)
    for col, series in (("value", value_text),
                        ("reported_pct", raw["reported_pct"] if "reported_pct" in raw.columns else None)):
        series = series if series is not None else pd.Series("", index=raw.index)
        obs[col], fs = parse_numbers(series, file=obs["file"], column=col, rows=obs["row"], context=ctx, vi=vi)
        findings.extend(fs)
        aside[(obs[col].isna() & ~_blank_text(series)).to_numpy(dtype=bool)] = True  # not a number
    _impossible_values(obs, catalog, add)
    if not pd.api.types.is_numeric_dtype(value_text):  # Parquet and Excel numbers: machine numbers or text as typed
        text = value_text.astype("string")
        _ambiguous(obs, "value", text, _per_value(text, one_thousands_group), vi, catalog, add)
    # The decimals the source wrote (55.4 → 1) set the tolerance when its percentage is checked.
    stated = text_column(raw, "reported_pct")
    obs["reported_decimals"] = _per_value(stated, lambda u: u.str.extract(r"\.(\d+)$")[0].str.len().fillna(0).astype("int64"))

    # Targets: parse each distinct text once per locale (a trailing "\x01" marks a file read as vi).
    keyed = obs["target"].astype("string") + pd.Series(np.where(vi.to_numpy(dtype=bool), "\x01", ""), index=obs.index)
    parsed: dict[str, tuple[str | None, float] | None] = {}
    for t in keyed.unique():
        if t in ("", "\x01"):
            continue
        try:
            tg = parse_target(t.rstrip("\x01"), vi=t.endswith("\x01"))
            parsed[t] = (tg.op, tg.value)
        except TargetError:
            parsed[t] = None
    targets = _per_value(keyed, lambda u: pd.DataFrame({
        "bad": u.map(lambda t: t not in ("", "\x01") and parsed.get(t) is None).astype(bool),
        "op": u.map(lambda t: (parsed.get(t) or (None, None))[0]).astype("string"),
        "value": u.map(lambda t: (parsed.get(t) or (None, float("nan")))[1]).astype("float64"),
        "text": u.map(lambda t: t.rstrip("\x01") if parsed.get(t) is None
                      else f"{parsed[t][0] or ''}{parsed[t][1]:g}").astype("string"),
        # ">9.702" without a declared locale (vi texts end in \x01 and never match)
        "number": u.str.replace(r"^\s*(>=|<=|>|<|=)\s*", "", regex=True),
        "ambiguous": one_thousands_group(u.str.replace(r"^\s*(>=|<=|>|<|=)\s*", "", regex=True)),
    }))
    _ambiguous(obs, "target", targets["number"], targets["ambiguous"], vi, catalog, add)
    add(targets["bad"], "contract.target", "target",
        lambda r: TargetError(r["target"]).message_vi, lambda r: str(TargetError(r["target"])))
    obs["target_op"], obs["target_value"], obs["target"] = targets["op"], targets["value"], targets["text"]
    findings.extend(_implausible(obs, pt, catalog))

    key_codes = pd.DataFrame({k: pd.factorize(obs[k])[0] for k in KEY}, index=obs.index)  # integers: faster
    replaced = _demo_replaced(obs, key_codes, aside, findings)
    key_codes = key_codes[~replaced]
    dup = (key_codes.duplicated(keep=False) & obs[KEY].ne("").all(axis=1)).reindex(obs.index, fill_value=False)
    if dup.any():
        first = obs[dup].groupby(KEY, observed=True)[["file", "row"]].first()
        add(key_codes.duplicated(keep="first").reindex(obs.index, fill_value=False) & dup, "contract.duplicate", "indicator",
            lambda r: "trùng khóa (đơn vị, kỳ, chỉ tiêu) với {}, dòng {}: mỗi chỉ tiêu chỉ ghi một lần cho mỗi đơn vị và kỳ.".format(
                *first.loc[(r["unit_code"], r["period"], r["indicator"])]),
            lambda r: "same (unit, period, indicator) as {}, row {}: give each indicator once per unit and period.".format(
                *first.loc[(r["unit_code"], r["period"], r["indicator"])]))

    for rule, n in counts.items():
        if n > MAX_FINDINGS_PER_RULE:
            findings.append(Finding("error", rule, f"còn {n - MAX_FINDINGS_PER_RULE} dòng khác cùng lỗi này.",
                                    f"{n - MAX_FINDINGS_PER_RULE} more rows have this same problem."))

    n_aside = int(aside.sum())
    obs = obs[~aside & ~replaced.to_numpy(dtype=bool)]
    obs["synthetic"] = _per_value(obs["source"], lambda u: u.str.lower().eq(SYNTHETIC_SOURCE).fillna(False).astype(bool))
    return obs[COLUMNS], pt, n_aside


def _finish(obs: pd.DataFrame, pt: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The checked rows (of one file or of all) as the dataset keeps them, and the periods they cover."""
    # Codes and repeated texts as categories: a national dataset has millions of rows.
    obs = obs.copy()
    for col in CATEGORIES:
        obs[col] = obs[col].astype("category")
    periods = pt[pt.index.isin([str(x) for x in obs["period"].unique()])].drop(columns="text").sort_values(["end", "months"])
    return obs[COLUMNS].reset_index(drop=True), periods


def _by_file(root: Path, obs_files: list[Path], settings, locale: str | None, catalog: Catalog, units: UnitTable,
             pieces) -> tuple[pd.DataFrame, pd.DataFrame] | None:
    """The observations checked file by file, a file whose content is unchanged taken from ``pieces``
    (:class:`wardlib.cache.FilePieces`) instead of being read and checked again; ``None`` when any file
    has a finding, or two files give the same (unit, period, indicator): then every file is checked
    together (:func:`load_dataset`'s own way), so the findings and their order are those of one pass."""
    frames, pts = [], []
    for path in obs_files:
        name = path.relative_to(root).as_posix()
        options = settings.options(name, locale)
        key = pieces.key(name, path, options)
        piece = pieces.get(name, key)
        if piece is None:
            t = read_table(path, root, options)
            if not t.ok or not check_columns(t, REQUIRED, OPTIONAL) or t.findings:
                return None
            raw = t.frame
            raw["_file"], raw["_vi"] = t.file, t.options.locale == "vi"
            found: list[Finding] = []
            obs, pt, n_aside = _check_observations(raw.reset_index(drop=True), catalog, units, found)
            if found or n_aside:
                return None
            piece = obs.reset_index(drop=True), pt
            pieces.put(name, key, *piece)
            pieces.parsed.append(name)
        else:
            pieces.reused.append(name)
        frames.append(piece[0])
        pts.append(piece[1])
    obs = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    periods_of = [set(f["period"].unique()) for f in frames]
    if sum(len(x) for x in periods_of) != len(set().union(*periods_of)):  # files share a period: duplicates?
        key_codes = pd.DataFrame({k: pd.factorize(obs[k])[0] for k in KEY})
        if key_codes.duplicated().any():
            return None
    pt = pd.concat(pts) if len(pts) > 1 else pts[0]
    return _finish(obs, pt[~pt.index.duplicated()])


def _demo_replaced(obs: pd.DataFrame, key_codes: pd.DataFrame, aside: np.ndarray, findings: list[Finding]) -> pd.Series:
    """Demo rows (``source`` = synthetic) whose key a real row also gives: True, and one note per real file and unit.

    The embedded data holds demo rows for every ward; a planner adding a ward's real figures in a file
    of their own should not have to edit the generated demo file (raw data is never edited by hand),
    so a real row that passed the contract replaces the demo row of the same (unit, period, indicator).
    Two real rows of one key, or two demo rows, stay a duplicate-key error.
    """
    demo = obs["source"].str.lower().eq(SYNTHETIC_SOURCE).fillna(False).to_numpy(dtype=bool)
    if not demo.any() or demo.all():
        return pd.Series(False, index=obs.index)
    real = ~demo & ~aside
    real_keys = key_codes[real].drop_duplicates()
    hit = key_codes.merge(real_keys.assign(_real=True), how="left", on=KEY)["_real"].fillna(False).to_numpy(dtype=bool)
    replaced = pd.Series(demo & hit, index=obs.index)
    if not replaced.any():
        return replaced
    # the real row that replaces each demo row: the first real row of its key
    firsts = obs[real].assign(**{f"_{k}": key_codes[real][k] for k in KEY}).drop_duplicates([f"_{k}" for k in KEY])
    by_key = firsts.set_index([f"_{k}" for k in KEY])["file"]
    gone = key_codes[replaced]
    files = by_key.reindex(pd.MultiIndex.from_frame(gone)).to_numpy()
    notes = pd.DataFrame({"file": files, "unit_code": obs.loc[replaced, "unit_code"].to_numpy(),
                          "period": obs.loc[replaced, "period"].to_numpy(),
                          "demo_file": obs.loc[replaced, "file"].to_numpy()})
    for (file, unit), g in notes.groupby(["file", "unit_code"], sort=True):
        n, periods, demo_files = len(g), sorted(set(g["period"])), ", ".join(sorted(set(g["demo_file"])))
        findings.append(Finding(
            "info", "contract.demo_replaced",
            f"{n} dòng dữ liệu minh họa của đơn vị {unit} ({', '.join(periods)}, trong {demo_files}) được thay bằng "
            f"số liệu thật cùng khóa (đơn vị, kỳ, chỉ tiêu) từ {file}.",
            f"{n} demo {'row' if n == 1 else 'rows'} of unit {unit} ({', '.join(periods)}, in {demo_files}) "
            f"{'was' if n == 1 else 'were'} replaced by real ones of the same (unit, period, indicator) from {file}.",
            file=file, unit_code=unit, period=periods[0] if len(periods) == 1 else None,
            values={"replaced": n, "demo_file": demo_files}))
    return replaced


def _blank_text(series: pd.Series) -> pd.Series:
    """Cells the number parser reads as empty: blank, or a "not available" word such as N/A."""
    if pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series):
        return series.isna()
    text = series.astype("string").str.strip()
    return (text.isna() | text.eq("") | text.str.lower().isin(NOT_AVAILABLE)).fillna(True).astype(bool)
