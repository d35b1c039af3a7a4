"""papermill's own command line on our notebooks, as the README shows it.

papermill reads .ipynb files; `make notebooks` builds them from the jupytext .py sources into
build/notebooks/. papermill's CLI turns `-p parent 866` into the integer 866: the notebooks
check their parameters' types (wardlib.params) and take a number's digits for a code, so the
page is the same as with `-r parent 866`; a value of another type stops the notebook loudly.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def notebooks() -> Path:
    # The Makefile's own target, with this interpreter's tools.
    subprocess.run(["make", "-s", "-C", str(ROOT), "notebooks", f"BIN={BIN}"], check=True, capture_output=True)
    folder = ROOT / "build" / "notebooks"
    assert sorted(p.stem for p in folder.glob("*.ipynb")) >= sorted(p.stem for p in (ROOT / "notebooks").glob("*.py"))
    return folder


def papermill(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(BIN / "papermill"), *args], cwd=cwd, capture_output=True, text=True, timeout=300)


def chart_traces(path: Path) -> list[str]:
    """The names of the plotly traces drawn by an executed notebook's outputs."""
    nb = nbformat.read(path, as_version=4)
    names = []
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            plot = out.get("data", {}).get("application/vnd.plotly.v1+json")
            if plot:
                names += [t.get("name", "") for t in plot["data"]]
    return names


def test_help_notebook_lists_the_typed_parameters(notebooks, tmp_path):
    done = papermill("--help-notebook", str(notebooks / "ward_report.ipynb"), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "unit_code: str (default \"29872\")" in done.stdout
    assert "mã đơn vị trong units.csv" in done.stdout


def test_a_code_passed_as_a_number_draws_the_same_page(notebooks, tmp_path):
    args = ["-p", "until", "2024-H1", "--no-progress-bar"]
    as_number = papermill(str(notebooks / "trends.ipynb"), "number.ipynb", "-p", "parent", "866", *args, cwd=tmp_path)
    as_text = papermill(str(notebooks / "trends.ipynb"), "text.ipynb", "-r", "parent", "866", *args, cwd=tmp_path)
    assert as_number.returncode == 0 and as_text.returncode == 0, as_number.stderr + as_text.stderr
    traces = chart_traces(tmp_path / "number.ipynb")
    # TP Cao Lãnh's wards in 2024-H1, in every chart: not an empty page.
    assert any("Phường 4" in name for name in traces), traces
    assert traces == chart_traces(tmp_path / "text.ipynb")


def test_a_parameter_of_the_wrong_type_fails_loudly(notebooks, tmp_path):
    done = papermill(str(notebooks / "trends.ipynb"), "out.ipynb", "-y", json.dumps({"lang": ["vi"]}),
                     "--no-progress-bar", cwd=tmp_path)
    assert done.returncode != 0
    assert "parameter 'lang' of notebooks/trends.py must be text (str), not ['vi'] (list)" in done.stderr


def test_the_ward_report_with_its_defaults_is_the_seeds_real_report_with_styled_cards(notebooks, tmp_path):
    """Issue 19 item 7: run as it opens in JupyterLab (no parameters), the notebook shows Phường 4's
    real 2024-H1 report, not a demo period, and its headline cards carry their style."""
    done = papermill(str(notebooks / "ward_report.ipynb"), "out.ipynb", "--no-progress-bar", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    nb = nbformat.read(tmp_path / "out.ipynb", as_version=4)
    outputs = [o for c in nb.cells for o in c.get("outputs", []) if "text/html" in o.get("data", {})]
    html = [o["data"]["text/html"] for o in outputs]
    header = next(h for h in html if "wl-title" in h and "<style" not in h)
    assert "Phường 4" in header and "6 tháng đầu năm 2024" in header
    cards = next(h for h in html if "wl-card" in h and "<style" not in h)
    [style] = [o for o in outputs if "<style" in o["data"]["text/html"]]
    assert outputs.index(style) < outputs.index(next(o for o in outputs if o["data"]["text/html"] == cards))
    css = style["data"]["text/html"]
    for cls in re.findall(r'class="(wl-card[\w-]*)', cards):
        assert f".{cls} {{" in css, cls  # every class of the cards is styled
    assert "body {" not in css and "html {" not in css  # JupyterLab itself is not restyled
    assert style["metadata"]["tags"] == ["notebook-only"]  # left out of the exported page


def test_the_exported_page_carries_the_stylesheet_once_and_no_notebook_style(rendered):
    page = (rendered["dir"] / "29872.html").read_text(encoding="utf-8")
    assert "wl-notebook-style" not in page
    assert page.count(".wl-card-value {") == 1
