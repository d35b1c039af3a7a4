"""environment.yml and pyproject.toml declare the same dependencies; the notebook declares its parameters."""

import re
import tomllib

import pytest
import yaml

from tests.conftest import REPO
from wardlib.paths import notebooks_dir
from wardlib.render import notebook_parameters, read_notebook


def _split(spec: str) -> tuple[str, str]:
    m = re.match(r"^\s*([A-Za-z0-9_.-]+)\s*(.*)$", spec)
    return m.group(1).lower().replace("_", "-"), m.group(2).replace(" ", "")


def test_environment_yml_matches_pyproject():
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    wanted = dict(_split(s) for s in project["dependencies"] + project["optional-dependencies"]["test"])
    env = yaml.safe_load((REPO / "environment.yml").read_text(encoding="utf-8"))
    conda, pip = [], []
    for dep in env["dependencies"]:
        (pip.extend(dep["pip"]) if isinstance(dep, dict) else conda.append(dep))
    declared = dict(_split(s) for s in conda + [p for p in pip if not p.startswith("-e")]
                    if _split(s)[0] not in ("python", "pip"))
    assert declared == wanted
    assert "-e ." in pip and "conda-forge" in env["channels"]


@pytest.mark.parametrize("notebook,expected", [
    ("ward_report", {"unit_code", "period", "data_dir", "lang", "analysis", "findings"}),
    ("data_quality", {"period", "data_dir", "lang", "findings", "docs_href"}),
])
def test_notebook_parameters_are_typed_and_documented(notebook, expected):
    params = notebook_parameters(read_notebook(notebooks_dir() / f"{notebook}.py"))
    assert set(params) == expected
    assert all(p["inferred_type_name"] == "str" for p in params.values())
    assert all(p["help"] for p in params.values())


def test_no_executed_notebooks_or_reports_are_tracked():
    import subprocess

    tracked = subprocess.run(["git", "ls-files"], cwd=REPO, capture_output=True, text=True).stdout.split()
    if not tracked:  # not a git checkout (e.g. an unpacked sdist): nothing to check
        return
    assert not [f for f in tracked if f.endswith(".ipynb") or (f.startswith("reports/") and f != "reports/README.md")]


def test_data_contract_doc_is_current():
    import importlib.util

    spec = importlib.util.spec_from_file_location("build_contract", REPO / "docs" / "build_contract.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    assert (REPO / "docs" / "data-contract.md").read_text(encoding="utf-8") == mod.build(), \
        "run: python docs/build_contract.py"
