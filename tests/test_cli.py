"""The command-line contract later issues rely on: arguments, outputs and exit codes."""

import json
import subprocess
import sys

from tests.conftest import OBSERVATIONS
from wardlib.cli import main


def test_validate_embedded_data_finds_the_seeds_own_error(capsys):
    assert main(["validate", "--no-gx", "--json", "--lang", "en"]) == 1  # an error: exit 1
    found = json.loads(capsys.readouterr().out)
    errors = [f for f in found if f["severity"] == "error"]
    assert [(f["rule"], f["unit_code"], f["indicator"]) for f in errors] == [
        ("check.pct_stated", "29872", "fund_disaster_prevention")]
    assert errors[0]["values"]["stated"] == 83.5


def test_validate_warnings_only_exits_0(make_dataset, capsys):
    data = str(make_dataset())
    assert main(["validate", "--data", data, "--no-gx"]) == 0
    summary = capsys.readouterr().err.strip().splitlines()[-1]
    assert summary.endswith(": 0 lỗi, 1 cảnh báo/ghi chú"), summary  # Vietnamese by default, the summary too
    assert main(["validate", "--data", data, "--no-gx", "--lang", "en"]) == 0
    summary = capsys.readouterr().err.strip().splitlines()[-1]
    assert summary.endswith(": 0 errors, 1 warning or note"), summary  # one plural form, not "error(s)"


def test_validate_one_period(capsys):
    assert main(["validate", "--no-gx", "--period", "2026-H1", "--json"]) == 0  # demo period: no error
    assert {f["period"] for f in json.loads(capsys.readouterr().out)} <= {"2026-H1", None}


def test_validate_json_lists_findings_with_their_fields(make_dataset, capsys):
    obs = [dict(OBSERVATIONS[0], value="55,4")] + OBSERVATIONS[1:]
    assert main(["validate", "--data", str(make_dataset(observations=obs)), "--json", "--no-gx"]) == 1
    found = json.loads(capsys.readouterr().out)
    [finding] = [f for f in found if f["severity"] == "error"]
    # The row is set aside and the rules still ran on the others: the app rate's cut percentage is noted.
    assert ("check.pct_stated", "app_rate") in {(f["rule"], f["indicator"]) for f in found}
    assert {"severity", "rule", "unit_code", "unit_name", "period", "indicator", "file", "row",
            "message"} <= set(finding)
    assert (finding["row"], finding["column"], finding["unit_code"]) == (2, "value", "29872")
    assert "số" in finding["message"]  # Vietnamese by default


def test_validate_unreadable_input_exits_2(make_dataset, capsys):
    root = make_dataset()
    (root / "indicators.csv").unlink()
    assert main(["validate", "--data", str(root), "--lang", "en"]) == 2
    assert "indicators.csv" in capsys.readouterr().err


def test_run_refuses_contract_errors_without_rendering(make_dataset, tmp_path, capsys):
    obs = [dict(OBSERVATIONS[0], period="H1/2024")] + OBSERVATIONS[1:]
    out = tmp_path / "out"
    assert main(["run", "--data", str(make_dataset(observations=obs)), "--out", str(out), "--lang", "en"]) == 2
    err = capsys.readouterr().err
    assert "observations/obs.csv, row 2, column period" in err and "Traceback" not in err
    assert not out.exists()


def test_run_unknown_unit_or_period_exits_2(tmp_path, capsys):
    assert main(["run", "--unit", "00000", "--out", str(tmp_path)]) == 2
    assert "00000" in capsys.readouterr().err
    assert main(["run", "--period", "2030-H1", "--out", str(tmp_path)]) == 2
    assert "2030-H1" in capsys.readouterr().err


def test_python_dash_m_and_console_script_agree():
    out = subprocess.run([sys.executable, "-m", "wardlib", "--version"], capture_output=True, text=True, check=True)
    assert out.stdout.startswith("wardlib ")
