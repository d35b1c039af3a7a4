"""Great Expectations (GX Core 1.x) checks of the input tables and the analysis table.

Four expectation suites, one per table, describe what a loaded dataset must
look like: ``catalog`` (``indicators.csv``), ``units`` (``units.csv``),
``observations`` and ``analysis`` (the table of :func:`wardlib.analysis.build_table`).
Their one source is :data:`SUITES` below: the sets they check come from the
code's own tables (``wardlib.catalog.KINDS``, ``wardlib.calc.STATUSES`` …) and
their vi/en messages sit beside them, which JSON could only copy. The JSON of
the GX file data context in the repository's ``expectations/`` folder
(``expectations/gx/expectations/<suite>.json``, what GX's own tools read) is
written from it by ``expectations/build_suites.py`` and never edited by hand:
``tests/test_gx.py`` fails when it is not what the build writes. A wheel has no
``expectations/`` folder: the suites are then built from :data:`SUITES` directly.

:func:`validate` runs the four suites on the in-memory frames and turns every
failed expectation into :class:`~wardlib.findings.Finding` records:

* rule ``gx.<suite>.<expectation type>``, e.g. ``gx.observations.expect_column_values_to_match_regex``;
* severity from the expectation's ``meta["severity"]`` (``error`` blocks
  publication, ``warning`` is shown), messages from ``meta["vi"]`` / ``meta["en"]``
  plus the column, the expectation and the number of unexpected rows;
* one finding per unexpected row GX reports (at most :data:`MAX_ROWS` per
  expectation), with ``file``, ``row``, ``unit_code``, ``period`` and
  ``indicator`` taken from that row of the frame (observations and analysis
  rows carry ``file``/``row``; computed analysis rows have none); catalog and
  units findings name ``indicators.csv`` / ``units.csv`` and the code;
* one finding for a failed table- or column-level expectation (a missing
  column, a wrong dtype).

The sets an observation's ``unit_code`` and ``indicator`` must belong to come
from the dataset being validated: the suites refer to them as GX expectation
parameters (``{"$PARAMETER": "unit_codes"}``, see :data:`PARAMETERS`), whose
values :func:`validate` passes to ``ValidationDefinition.run(expectation_parameters=...)``.

GX runs in an *ephemeral* data context: nothing is written to the committed
context, and no validation result is kept between runs. With ``docs_dir``, the
Data Docs site of this one run is built into a temporary folder beside
``docs_dir`` and then moved into place (the previous site is renamed away and
deleted), so the folder holds one run however often it is rebuilt.

Offline use of the Data Docs: GX's page templates load their scripts and styles from
public CDNs; :func:`wardlib.datadocs.make_offline` copies them into the site's
``static/vendor/`` (from the XStatic packages on PyPI, and bootstrap-table vendored from its
npm release) and points every page at the copies, so the list of results on ``index.html``
and every page work without a network.

``import wardlib.gx`` does not import great_expectations (that costs several
seconds); :func:`validate` and the suite builders import it when called.
"""

from __future__ import annotations

import json
import math
import os
import shutil
import tempfile
import uuid
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from wardlib import datadocs
from wardlib.texts import t
from wardlib.calc import STATUSES
from wardlib.catalog import AGGREGATIONS, DIRECTIONS, FACTORS, KINDS
from wardlib.findings import Finding
from wardlib.loaders import Dataset
from wardlib.paths import PACKAGE_DIR
from wardlib.units import LEVELS

CONTEXT_DIR = PACKAGE_DIR.parent / "expectations"  # the committed file data context (a checkout only)
SUITE_NAMES = ("catalog", "units", "observations", "analysis")
PERIOD_REGEX = r"^\d{4}(-(H[12]|Q[1-4]|(0[1-9]|1[0-2])))?$"
ORIGINS = ("reported", "rate", "period_total", "rollup", "rebuilt")  # see wardlib.analysis
MAX_ACHIEVEMENT_PCT = 300
MAX_ROWS = 20  # unexpected rows reported per expectation
SOURCE_FILES = {"catalog": "indicators.csv", "units": "units.csv"}
DOCS_SITE = "wardlib"
_ID_NAMESPACE = uuid.UUID("5d1c6f0e-7f57-4a55-9a3c-0c2b1f8e6a10")  # stable ids in the committed JSON

# Expectation parameters: name → what validate() passes (taken from the dataset at validation time).
PARAMETERS = {
    "unit_codes": "every unit code of units.csv",
    "indicator_codes": "every indicator code of indicators.csv",
    "indicator_codes_or_blank": "every indicator code of indicators.csv, and the empty string",
}

# dtype names that expect_column_values_to_be_in_type_list matches for pandas columns. It compares
# the column's dtype with np.dtype(name), getattr(pandas, name)() …, not with the name it reports as
# "observed_value" ("str", "CategoricalDtypeType", "int64" for Int64 …). A categorical column cannot
# be matched at all with pandas 3 (pd.CategoricalDtype() no longer equals a dtype with categories),
# nor can pandas 3's default "str" dtype: such columns get no type expectation (CATEGORICAL).
TEXT = ["StringDtype"]  # pandas "string" (the loader's text columns)
FLOAT = ["float64"]
INT = ["int64", "Int64Dtype"]
DATE = ["datetime64[ns]", "datetime64[us]", "datetime64[ms]", "datetime64[s]"]
CATEGORICAL = None  # text held as a pandas categorical: existence is checked, not the dtype


# -- the suites, as plain data -----------------------------------------------------------------

def _x(type_: str, severity: str, vi: str, en: str, **kwargs) -> dict:
    """One expectation: GX type, kwargs and a meta with our severity and bilingual description."""
    return {"type": type_, "kwargs": kwargs, "meta": {"severity": severity, "vi": vi, "en": en}}


def _when(column: str, operator: str, parameter: Any) -> dict:
    """A GX 1.x row condition (serialized ``ComparisonCondition``): ``column operator parameter``."""
    return {"type": "comparison", "column": {"name": column}, "operator": operator, "parameter": parameter}


def _all(*conditions: dict) -> dict:
    return {"type": "and", "conditions": list(conditions)}


def _param(name: str) -> dict:
    return {"$PARAMETER": name}


def _columns(columns: dict[str, list[str]]) -> list[dict]:
    """Each column exists and (unless its types are None) has one of the given dtypes."""
    out = [_x("expect_column_to_exist", "error", "bảng phải có cột này.", "the table must have this column.",
              column=c) for c in columns]
    out += [_x("expect_column_values_to_be_in_type_list", "error",
               f"kiểu dữ liệu của cột phải là một trong: {', '.join(types)}.",
               f"the column's data type must be one of: {', '.join(types)}.", column=c, type_list=types)
            for c, types in columns.items() if types]
    return out


def _not_null(*columns: str) -> list[dict]:
    return [_x("expect_column_values_to_not_be_null", "error", "ô này không được để trống.",
               "this cell must not be empty.", column=c) for c in columns]


def _in_set(column: str, values, vi: str, en: str, severity: str = "error") -> dict:
    values = list(values) if isinstance(values, (tuple, list)) else values
    return _x("expect_column_values_to_be_in_set", severity, vi, en, column=column, value_set=values)


def _allowed(column: str, values: tuple) -> dict:
    return _in_set(column, values, f"giá trị phải là một trong: {', '.join(map(str, values))}.",
                   f"the value must be one of: {', '.join(map(str, values))}.")


_PERIOD = _x("expect_column_values_to_match_regex", "error",
             "kỳ phải viết dạng 2024, 2024-H1, 2024-Q3 hoặc 2024-06.",
             "a period must be written 2024, 2024-H1, 2024-Q3 or 2024-06.", column="period", regex=PERIOD_REGEX)
_UNIT_KNOWN = _in_set("unit_code", _param("unit_codes"), "mã đơn vị không có trong units.csv.",
                      "the unit code is not in units.csv.")
_INDICATOR_KNOWN = _in_set("indicator", _param("indicator_codes"), "mã chỉ tiêu không có trong indicators.csv.",
                           "the indicator code is not in indicators.csv.")

SUITES: dict[str, dict] = {
    "catalog": {
        "notes": "The indicator catalog (indicators.csv) as wardlib.loaders loads it: one row per indicator code.",
        "expectations": [
            *_columns({"code": TEXT, "name_vi": TEXT, "name_en": TEXT, "unit": TEXT, "section": TEXT, "kind": TEXT,
                       "direction": TEXT, "aggregation": TEXT, "decimals": INT, "parent": TEXT,
                       "numerator": TEXT, "denominator": TEXT, "factor": FLOAT}),
            *_not_null("code", "name_vi", "unit", "section"),
            _x("expect_column_values_to_be_unique", "error", "mỗi mã chỉ tiêu chỉ được có một dòng.",
               "each indicator code must have one row only.", column="code"),
            _x("expect_column_value_lengths_to_be_between", "error", "tên tiếng Việt không được để trống.",
               "the Vietnamese name must not be empty.", column="name_vi", min_value=1),
            _allowed("kind", KINDS),
            _allowed("direction", DIRECTIONS),
            _allowed("aggregation", AGGREGATIONS),
            _x("expect_column_values_to_be_between", "error", "số chữ số thập phân phải từ 0 đến 6.",
               "decimals must be between 0 and 6.", column="decimals", min_value=0, max_value=6),
            _allowed("factor", FACTORS),
            *[_in_set(c, _param("indicator_codes_or_blank"),
                      "mã chỉ tiêu được tham chiếu không có trong indicators.csv.",
                      "the referenced indicator code is not in indicators.csv.")
              for c in ("parent", "numerator", "denominator")],
        ],
    },
    "units": {
        "notes": "Administrative units (units.csv) as wardlib.loaders loads them: one row per version of a unit.",
        "expectations": [
            *_columns({"code": TEXT, "name": TEXT, "level": TEXT, "parent_code": TEXT, "valid_from": DATE,
                       "valid_to": DATE, "successor_code": TEXT, "population": FLOAT}),
            *_not_null("code", "name", "level", "valid_from", "valid_to"),
            _x("expect_compound_columns_to_be_unique", "error",
               "một mã đơn vị chỉ có một phiên bản bắt đầu từ mỗi ngày (code, valid_from không trùng).",
               "a unit code has one version starting on each date ((code, valid_from) must not repeat).",
               column_list=["code", "valid_from"]),
            _allowed("level", LEVELS),
            _x("expect_column_values_to_be_between", "error", "dân số không thể âm.", "population cannot be negative.",
               column="population", min_value=0),
            _x("expect_column_pair_values_a_to_be_greater_than_b", "error",
               "ngày kết thúc hiệu lực (valid_to) không được sớm hơn ngày bắt đầu (valid_from).",
               "valid_to must not be before valid_from.", column_A="valid_to", column_B="valid_from", or_equal=True),
        ],
    },
    "observations": {
        "notes": "The observations (observations/*) as wardlib.loaders loads them: one row per "
                 "(unit_code, period, indicator); `file` and `row` say where each row was read.",
        "expectations": [
            *_columns({"unit_code": CATEGORICAL, "period": CATEGORICAL, "indicator": CATEGORICAL, "value": FLOAT,
                       "target_value": FLOAT, "reported_pct": FLOAT, "file": CATEGORICAL, "row": INT}),
            *_not_null("unit_code", "period", "indicator", "file", "row"),
            _PERIOD,
            _UNIT_KNOWN,
            _INDICATOR_KNOWN,
            _x("expect_compound_columns_to_be_unique", "error",
               "mỗi (đơn vị, kỳ, chỉ tiêu) chỉ được báo cáo một lần.",
               "each (unit, period, indicator) must be reported once only.",
               column_list=["unit_code", "period", "indicator"]),
            _x("expect_column_values_to_be_between", "warning",
               "tỷ lệ % nêu trong báo cáo không nên âm.", "a percentage stated by the source should not be negative.",
               column="reported_pct", min_value=0),
        ],
    },
    "analysis": {
        "notes": "The analysis table of wardlib.analysis.build_table: one row per "
                 "(unit_code, unit_version, period, indicator), reported and computed.",
        "expectations": [
            *_columns({"unit_code": CATEGORICAL, "unit_version": DATE, "period": CATEGORICAL,
                       "indicator": CATEGORICAL, "value": FLOAT, "origin": CATEGORICAL, "kind": CATEGORICAL,
                       "direction": CATEGORICAL, "aggregation": CATEGORICAL, "target_value": FLOAT,
                       "achievement_pct": FLOAT, "status": CATEGORICAL, "file": CATEGORICAL, "row": INT}),
            *_not_null("unit_code", "unit_version", "period", "indicator", "origin", "kind", "status"),
            _PERIOD,
            _UNIT_KNOWN,
            _INDICATOR_KNOWN,
            _allowed("origin", ORIGINS),
            _allowed("kind", KINDS),
            _allowed("direction", DIRECTIONS),
            _allowed("aggregation", AGGREGATIONS),
            _allowed("status", STATUSES),
            _x("expect_compound_columns_to_be_unique", "error",
               "mỗi (đơn vị, phiên bản đơn vị, kỳ, chỉ tiêu) chỉ được có một dòng.",
               "each (unit, unit version, period, indicator) must have one row only.",
               column_list=["unit_code", "unit_version", "period", "indicator"]),
            _x("expect_column_values_to_be_between", "error",
               "chỉ tiêu dạng tỷ lệ % được báo cáo phải nằm trong khoảng 0–100.",
               "a reported percentage indicator must lie between 0 and 100.",
               column="value", min_value=0, max_value=100,
               row_condition=_all(_when("kind", "==", "percent"), _when("origin", "==", "reported"))),
            _x("expect_column_values_to_be_between", "warning",
               "tỷ lệ % tính ra nằm ngoài khoảng 0–100: kiểm tra tử số và mẫu số (hoặc các số liệu được cộng dồn).",
               "a computed percentage lies outside 0–100: check its numerator and denominator (or the figures "
               "it adds up).",
               column="value", min_value=0, max_value=100,
               row_condition=_all(_when("kind", "==", "percent"), _when("origin", "!=", "reported"))),
            _x("expect_column_values_to_be_between", "error",
               "số lượng và số tiền không thể âm.", "counts and amounts cannot be negative.",
               column="value", min_value=0, row_condition=_when("kind", "IN", ["count", "amount"])),
            _x("expect_column_values_to_be_between", "warning",
               f"mức hoàn thành kế hoạch trên {MAX_ACHIEVEMENT_PCT}%: kiểm tra số liệu và chỉ tiêu kế hoạch.",
               f"achievement above {MAX_ACHIEVEMENT_PCT} % of the target: check the figure and the target.",
               column="achievement_pct", max_value=MAX_ACHIEVEMENT_PCT),
        ],
    },
}


def _condition_columns(condition: dict | None) -> list[str]:
    if not condition:
        return []
    if "conditions" in condition:
        return [c for sub in condition["conditions"] for c in _condition_columns(sub)]
    return [condition["column"]["name"]]


def _suite_columns(name: str) -> list[str]:
    cols: list[str] = []
    for e in SUITES[name]["expectations"]:
        kw = e["kwargs"]
        cols += [kw[k] for k in ("column", "column_A", "column_B") if k in kw]
        cols += list(kw.get("column_list", []))
        cols += _condition_columns(kw.get("row_condition"))
    return list(dict.fromkeys(cols))


# The columns each suite reads: validate() hands GX only these (a column subset copies no data).
COLUMNS = {name: _suite_columns(name) for name in SUITES}


# -- building GX objects -----------------------------------------------------------------------

def build_suite(name: str):
    """The GX ``ExpectationSuite`` ``name`` built from :data:`SUITES` (ids are stable)."""
    from great_expectations import ExpectationSuite

    spec = SUITES[name]
    configs = [{"type": e["type"], "kwargs": json.loads(json.dumps(e["kwargs"])), "meta": dict(e["meta"]),
                "id": str(uuid.uuid5(_ID_NAMESPACE, f"{name}/{i}/{e['type']}")),
                # GX's own severity field (critical | warning | info), shown in the Data Docs
                "severity": "critical" if e["meta"]["severity"] == "error" else e["meta"]["severity"]}
               for i, e in enumerate(spec["expectations"])]
    suite = ExpectationSuite(name=name, expectations=configs, notes=spec["notes"],
                             id=str(uuid.uuid5(_ID_NAMESPACE, name)),
                             meta={"wardlib": "built by expectations/build_suites.py from wardlib.gx.SUITES"})
    _check_complete(suite, len(spec["expectations"]))
    return suite


def suite_json(name: str) -> str:
    """The suite's JSON exactly as a GX file context stores it (``expectations/gx/expectations/<name>.json``)."""
    from great_expectations.core.expectation_suite import ExpectationSuiteSchema

    return ExpectationSuiteSchema().dumps(build_suite(name), indent=2, sort_keys=True)


def suite_file(context_dir: Path, name: str) -> Path:
    return Path(context_dir) / "gx" / "expectations" / f"{name}.json"


def load_suite(context_dir: Path, name: str):
    """The suite ``name`` from the JSON of the file context rooted in ``context_dir``."""
    from great_expectations import ExpectationSuite
    from great_expectations.core.expectation_suite import ExpectationSuiteSchema

    text = suite_file(context_dir, name).read_text(encoding="utf-8")
    suite = ExpectationSuite(**ExpectationSuiteSchema().loads(text))
    _check_complete(suite, len(json.loads(text).get("expectations", [])))
    return suite


def _check_complete(suite, expected: int) -> None:
    # ExpectationSuite() logs and drops an expectation it cannot parse: never validate with fewer.
    if len(suite.expectations) != expected:
        raise ValueError(f"GX suite '{suite.name}': {expected - len(suite.expectations)} of {expected} "
                         "expectations could not be read (see the log); fix the suite JSON or its definition")


def _suites(context_dir: Path | None) -> dict:
    """Suites from the committed JSON when the context exists, else from :data:`SUITES`."""
    context_dir = CONTEXT_DIR if context_dir is None else Path(context_dir)
    if all(suite_file(context_dir, n).is_file() for n in SUITE_NAMES):
        return {n: load_suite(context_dir, n) for n in SUITE_NAMES}
    return {n: build_suite(n) for n in SUITE_NAMES}


def _ephemeral_context(site_dir: Path | None):
    import great_expectations as gx
    from great_expectations.data_context.types.base import (
        DataContextConfig,
        InMemoryStoreBackendDefaults,
        ProgressBarsConfig,
    )

    config = DataContextConfig(store_backend_defaults=InMemoryStoreBackendDefaults(),
                               analytics_enabled=False, progress_bars=ProgressBarsConfig(globally=False))
    context = gx.get_context(mode="ephemeral", project_config=config)
    if site_dir is not None:
        context.add_data_docs_site(DOCS_SITE, {
            "class_name": "SiteBuilder",
            "show_how_to_buttons": False,
            "store_backend": {"class_name": "TupleFilesystemStoreBackend", "base_directory": str(site_dir)},
            "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
        })
    return context


# -- validation --------------------------------------------------------------------------------

def parameters(data: Dataset) -> dict[str, list[str]]:
    """The values of :data:`PARAMETERS` for ``data``."""
    units = sorted(set(data.units.table["code"].astype(str)))
    indicators = [str(c) for c in data.catalog.table.index]
    return {"unit_codes": units, "indicator_codes": indicators, "indicator_codes_or_blank": indicators + [""]}


def frames(data: Dataset, table: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """The four frames the suites run on: only the columns they read (plus the ones findings
    name: file, row, unit_code, period, indicator), with a 0..n-1 index so that the row labels
    GX reports locate the rows."""
    raw = {"catalog": data.catalog.table.rename_axis("code").reset_index(),
           "units": data.units.table, "observations": data.observations, "analysis": table}
    out = {}
    for name, frame in raw.items():
        keep = [c for c in dict.fromkeys(COLUMNS[name] + ["file", "row", "unit_code", "period", "indicator"])
                if c in frame.columns]
        sub = frame[keep]
        if not (isinstance(sub.index, pd.RangeIndex) and sub.index.start == 0 and sub.index.step == 1):
            sub = sub.reset_index(drop=True)
        out[name] = sub
    return out


def validate(data: Dataset, table: pd.DataFrame, docs_dir: Path | None = None, *,
             context_dir: Path | None = None, max_rows: int = MAX_ROWS) -> list[Finding]:
    """Run the four GX suites on ``data`` and its analysis ``table``; every failure as a Finding.

    The findings carry both languages (``message_vi`` / ``message_en``). ``docs_dir``:
    build the GX Data Docs of this run there (replacing what was there). ``context_dir``:
    the file data context whose suites to use (default: the repository's ``expectations/``;
    without one, the suites of :data:`SUITES`).
    """
    # No usage statistics (GX 1.24 sends none; older 1.x releases did unless told not to).
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", module=r"great_expectations(\.|$)")
        warnings.filterwarnings("ignore", message=r".*great_expectations.*")
        import great_expectations as gx

        suites = _suites(context_dir)
        docs_dir = None if docs_dir is None else Path(docs_dir)
        site_dir = None
        if docs_dir is not None:
            docs_dir.parent.mkdir(parents=True, exist_ok=True)
            site_dir = Path(tempfile.mkdtemp(prefix=f".{docs_dir.name}.", dir=docs_dir.parent))
        try:
            context = _ephemeral_context(site_dir)
            source = context.data_sources.add_pandas("wardlib")
            params = parameters(data)
            result_format = {"result_format": "SUMMARY", "partial_unexpected_count": max_rows,
                             "return_unexpected_index_query": False}  # else the result lists every unexpected row
            findings: list[Finding] = []
            for name, frame in frames(data, table).items():
                suite = context.suites.add(suites[name])
                batch = source.add_dataframe_asset(name).add_batch_definition_whole_dataframe("whole")
                definition = context.validation_definitions.add(
                    gx.ValidationDefinition(name=name, data=batch, suite=suite))
                result = definition.run(batch_parameters={"dataframe": frame}, expectation_parameters=params,
                                        result_format=result_format)
                findings += _findings(name, frame, result, max_rows)
            if site_dir is not None:
                context.build_data_docs(site_names=[DOCS_SITE])
                datadocs.make_offline(site_dir)
                umask = os.umask(0)
                os.umask(umask)
                os.chmod(site_dir, 0o777 & ~umask)  # mkdtemp made it private
                _replace_dir(site_dir, docs_dir)
                site_dir = None
        finally:
            if site_dir is not None:
                shutil.rmtree(site_dir, ignore_errors=True)
    return findings


def _replace_dir(new: Path, target: Path) -> None:
    """Put ``new`` (a sibling of ``target``) in ``target``'s place: rename, never a half-written folder."""
    old = None
    if target.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{target.name}.old.", dir=target.parent))
        os.replace(target, old / target.name)
    os.replace(new, target)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


# -- results → findings ------------------------------------------------------------------------

def _plain(v: Any) -> Any:
    """A cell as a plain Python value (None for any missing value)."""
    if v is None or v is pd.NA or v is pd.NaT:
        return None
    if isinstance(v, np.generic):
        v = v.item()
    if isinstance(v, float) and math.isnan(v):
        return None
    if isinstance(v, pd.Timestamp):
        return v.date().isoformat() if v == v.normalize() else v.isoformat()
    return v


def _text(v: Any) -> str | None:
    v = _plain(v)
    if v is None:
        return None
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    return str(v)


def _show(v: Any, lang: str) -> str:
    v = _plain(v)
    if v is None:
        return "(trống)" if lang == "vi" else "(empty)"
    if isinstance(v, float):
        return f"{v:.6g}"
    return repr(v) if isinstance(v, str) else str(v)


def _columns_of(kwargs: dict) -> list[str]:
    if "column" in kwargs:
        return [kwargs["column"]]
    if "column_list" in kwargs:
        return list(kwargs["column_list"])
    return [kwargs[k] for k in ("column_A", "column_B") if k in kwargs]


def _findings(suite: str, frame: pd.DataFrame, result, max_rows: int) -> list[Finding]:
    """One suite's validation result as findings (see the module docstring)."""
    out: list[Finding] = []
    missing = {r.expectation_config.kwargs.get("column") for r in result.results
               if r.expectation_config.type == "expect_column_to_exist" and not r.success}
    for r in result.results:
        if r.success:
            continue
        cfg = r.expectation_config
        etype, meta = cfg.type, cfg.meta or {}
        columns = _columns_of(cfg.kwargs)
        if etype != "expect_column_to_exist" and missing.intersection(columns):
            continue  # the missing column is reported once, by expect_column_to_exist
        severity = meta.get("severity") if meta.get("severity") in ("error", "warning", "info") else "error"
        col = ", ".join(columns)
        desc_vi, desc_en = meta.get("vi", etype), meta.get("en", etype)
        where_vi, where_en = f"kiểm tra GX '{etype}' trên cột '{col}'", f"GX expectation '{etype}' on column '{col}'"
        base = {"severity": severity, "rule": f"gx.{suite}.{etype}", "file": SOURCE_FILES.get(suite),
                "column": col or None}
        info = r.exception_info if isinstance(r.exception_info, dict) else {}
        res = r.result or {}
        count = int(res.get("unexpected_count") or 0)
        indexes = [i for i in res.get("partial_unexpected_index_list") or [] if i in frame.index][:max_rows]
        if info.get("raised_exception"):
            msg = (str(info.get("exception_message") or "").strip().splitlines() or [""])[0][:300]
            out.append(Finding(message_vi=f"{desc_vi} GX không đánh giá được ({where_vi}): {msg}",
                               message_en=f"{desc_en} GX could not evaluate it ({where_en}): {msg}", **base))
        elif count and indexes:
            listed_vi, listed_en = (t("gx.first_listed", lang, n=len(indexes)) if count > len(indexes) else ""
                                    for lang in ("vi", "en"))
            for _, row in frame.loc[indexes].iterrows():
                out.append(_row_finding(suite, row, columns, base, desc_vi, desc_en,
                                        f"{where_vi}: {t('gx.unexpected_rows', 'vi', n=count)}{listed_vi}",
                                        f"{where_en}: {t('gx.unexpected_rows', 'en', n=count)}{listed_en}"))
        else:
            observed = res.get("observed_value")
            if count:
                detail_vi, detail_en = (t("gx.unexpected_rows", lang, n=count) for lang in ("vi", "en"))
            elif observed is not None:
                detail_vi, detail_en = f"GX thấy: {observed}", f"GX observed: {observed}"
            else:
                detail_vi, detail_en = "không đạt", "failed"
            out.append(Finding(message_vi=f"{desc_vi} {where_vi[0].upper()}{where_vi[1:]}: {detail_vi}.",
                               message_en=f"{desc_en} {where_en}: {detail_en}.", **base))
    return out


def _row_finding(suite: str, row: pd.Series, columns: list[str], base: dict, desc_vi: str, desc_en: str,
                 tail_vi: str, tail_en: str) -> Finding:
    """A finding about one row of a frame: its place and keys from the row itself."""
    present = [c for c in columns if c in row.index]

    def shown(lang: str) -> str:
        if len(present) == 1:
            return _show(row[present[0]], lang)
        return ", ".join(f"{c} = {_show(row[c], lang)}" for c in present)

    unit = _text(row.get("unit_code", row.get("code") if suite == "units" else None))
    period = _text(row.get("period"))
    indicator = _text(row.get("indicator", row.get("code") if suite == "catalog" else None))
    file = _text(row.get("file")) or base["file"]
    line = _plain(row.get("row"))
    origin = _text(row.get("origin"))
    # A computed analysis row has no file and row: say which figure it is.
    what_vi = what_en = ""
    if suite in ("observations", "analysis") and line is None:
        what_vi = f" Dòng tính ra ({origin}): đơn vị {unit}, kỳ {period}, chỉ tiêu {indicator}."
        what_en = f" Computed row ({origin}): unit {unit}, period {period}, indicator {indicator}."
    return Finding(
        message_vi=f"{desc_vi} Giá trị: {shown('vi')}; {tail_vi}.{what_vi}",
        message_en=f"{desc_en} Value: {shown('en')}; {tail_en}.{what_en}",
        **{**base, "file": file, "row": None if line is None else int(line), "unit_code": unit, "period": period,
           "indicator": indicator, "values": {c: _plain(row[c]) for c in present}})
