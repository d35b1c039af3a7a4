"""Any input ends in a value or in our own error type, never another exception (hypothesis)."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import REPO
from wardlib.findings import ContractError, WardlibError
from wardlib.loaders import load_dataset
from wardlib.periods import Period, PeriodError
from wardlib.tables import FileOptions, read_table
from wardlib.targets import Target, TargetError, parse_target

BASE = REPO / "tests" / "data" / "bad" / "_base"
HEADER = "unit_code,period,indicator,value,target,reported_pct,status,unit,note,source\n"
cells = st.one_of(st.sampled_from(["29900", "29901", "2024-H1", "2024-06", "revenue", "online_rate", "5.137.820.843",
                                   "55,4%", "06/10", "N/A", "-", ">37", "=1+1", "", "../x", "\x00", "1e308", "nan"]),
                  st.text(max_size=12))


@given(st.one_of(st.text(max_size=20), st.integers(), st.none(), st.floats()))
def test_period_parser_gives_a_period_or_a_period_error(text):
    try:
        assert isinstance(Period.parse(text), Period)
    except PeriodError as exc:
        assert exc.message_vi and str(exc)


@given(st.one_of(st.text(max_size=20), st.sampled_from([">37", ">=98.5", "<=0", "00", "> 5", "=1", ">>3", "1,5"])))
def test_target_parser_gives_a_target_or_a_target_error(text):
    try:
        assert isinstance(parse_target(text), Target)
    except TargetError as exc:
        assert exc.message_vi and str(exc)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(raw=st.binary(max_size=400), suffix=st.sampled_from([".csv", ".xlsx", ".parquet"]),
       locale=st.sampled_from(["", "vi"]))
def test_any_file_bytes_give_a_table_or_findings(raw, suffix, locale):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"obs{suffix}"
        path.write_bytes(raw)
        table = read_table(path, Path(tmp), FileOptions(locale=locale))
        assert table.ok or all(f.message_vi and f.message_en for f in table.findings)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=st.lists(st.lists(cells, min_size=10, max_size=10), min_size=1, max_size=4),
       locale=st.sampled_from([None, "vi"]))
def test_any_observations_give_a_dataset_or_a_contract_error(rows, locale):
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "ds"
        shutil.copytree(BASE, root)
        (root / "observations").mkdir()
        quoted = ['"' + c.replace('"', '""') + '"' for r in rows for c in r]
        body = "\n".join(",".join(quoted[i * 10:(i + 1) * 10]) for i in range(len(rows)))
        (root / "observations" / "obs.csv").write_text(HEADER + body + "\n", encoding="utf-8")
        try:
            data = load_dataset(root, locale=locale)
            assert len(data.observations) == len(rows)
        except ContractError as exc:
            assert exc.findings and all(f.file or f.rule.startswith("contract") for f in exc.findings)
        except WardlibError:
            pass
