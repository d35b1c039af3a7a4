"""Every notebook runs as it is, with its default parameters, the way JupyterLab or papermill would run it."""

import pytest

from wardlib.paths import notebooks_dir
from wardlib.render import execute, notebook_parameters, read_notebook

NOTEBOOKS = sorted(p.stem for p in notebooks_dir().glob("*.py"))

pytestmark = pytest.mark.e2e


def test_the_notebooks_are_the_ones_the_reports_need():
    assert {"ward_report", "data_quality", "city_overview", "trends", "explore"} <= set(NOTEBOOKS)


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_notebook_runs_with_its_defaults(name):
    nb = read_notebook(notebooks_dir() / f"{name}.py")
    assert notebook_parameters(nb), f"{name} declares no papermill parameters"
    done = execute(nb, {})
    errors = [o for c in done.cells for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert not errors, errors[:1]
    shown = [o for c in done.cells if c.cell_type == "code" for o in c.get("outputs", [])]
    assert shown, f"{name} shows nothing"
