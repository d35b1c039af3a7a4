"""nbconvert's own command line makes the page `wardlib run` makes, as the README shows it.

`wardlib run` renders Phường 4's report (29872, 2024-H1); papermill's CLI executes
build/notebooks/ward_report.ipynb (`make notebooks`) with the parameters the run gave it; then

- `jupyter nbconvert --to html --template wardlib` (nbconvert's HTMLExporter, the template found
  where the package installed it, share/jupyter/nbconvert/templates/wardlib) gives the same page:
  the same document once both are parsed, as HTMLExporter prints its pages again with
  BeautifulSoup — no code, no parameters, plotly.js inside, our header;
- `jupyter nbconvert --to wardlib` (wardlib's exporter, its entry point) gives the same bytes.

Pages are compared without what differs between two renders of the same inputs: the time they
were made and the cells' ids (new ones each time a notebook is read from its jupytext source).
"""

from __future__ import annotations

import filecmp
import re
import subprocess
import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from tests.test_papermill_cli import BIN, ROOT, notebooks, papermill  # noqa: F401 (a fixture)
from wardlib.paths import TEMPLATES_DIR, default_data_dir

pytestmark = pytest.mark.e2e
UNIT, PERIOD = "29872", "2024-H1"


def normalised(html: str) -> str:
    """The page without what only ``wardlib run`` knows: its time, and the input hash it planned the page with
    (a page made outside the run has none; a page with one is skipped by the next run while the hash holds)."""
    html = re.sub(r'id="cell-id=[^"]*"', 'id="cell-id="', html)
    html = re.sub(r'\n?<meta name="wardlib-input-hash" content="[0-9a-f]+">', "", html)
    return re.sub(r"(Lập lúc|Generated) [0-9: +-]+", r"\1 —", html)


def jupyter_nbconvert(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(BIN / "jupyter"), "nbconvert", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=300)


@pytest.fixture(scope="module")
def run_and_executed(notebooks, tmp_path_factory):  # noqa: F811
    """The page `wardlib run` wrote, and the notebook papermill's CLI executed with the same parameters."""
    root = tmp_path_factory.mktemp("cli")
    out = root / "reports"
    done = subprocess.run([str(BIN / "wardlib"), "run", "--period", PERIOD, "--unit", UNIT, "--out", str(out),
                           "--no-gx"], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    folder = (out / PERIOD).resolve()
    params = {"unit_code": UNIT, "period": PERIOD, "data_dir": str(default_data_dir().resolve()), "lang": "vi",
              "findings": str(folder / "findings.json"), "analysis": str(folder / "analysis.parquet")}
    args = [a for k, v in params.items() for a in ("-r", k, v)]
    executed = papermill(str(notebooks / "ward_report.ipynb"), str(root / "executed.ipynb"), *args,
                         "--no-progress-bar", cwd=root)
    assert executed.returncode == 0, executed.stderr
    return folder / f"{UNIT}.html", root / "executed.ipynb"


def test_the_installed_template_is_the_packages():
    installed = Path(sys.prefix) / "share" / "jupyter" / "nbconvert" / "templates" / "wardlib"
    names = sorted(p.name for p in (TEMPLATES_DIR / "wardlib").iterdir())
    assert installed.is_dir(), f"{installed} is missing: install wardlib (pip install --no-deps -e .; make does it)"
    match, mismatch, errors = filecmp.cmpfiles(TEMPLATES_DIR / "wardlib", installed, names, shallow=False)
    assert mismatch == [] and errors == [], (f"{installed} is older than wardlib/templates/wardlib ({mismatch + errors}):"
                                             " run pip install --no-deps -e . again (make does it)")


def test_nbconvert_to_html_with_the_wardlib_template_gives_the_run_s_page(run_and_executed):
    page, executed = run_and_executed
    done = jupyter_nbconvert("--to", "html", "--template", "wardlib", executed.name, "--output", "cli",
                             cwd=executed.parent)
    assert done.returncode == 0, done.stderr
    ours, theirs = page.read_text(encoding="utf-8"), (executed.parent / "cli.html").read_text(encoding="utf-8")
    assert ours != theirs  # HTMLExporter prints the page again: the comparison below is not of identical files
    assert 'name="wardlib-input-hash"' in ours and 'name="wardlib-input-hash"' not in theirs
    assert BeautifulSoup(normalised(ours), "html.parser").decode() == \
        BeautifulSoup(normalised(theirs), "html.parser").decode()
    # and the page is a report: our header, no code, no parameters, plotly.js inside, nothing from a CDN
    assert "Phường 4 (29872)" in theirs and 'class="wl-meta"' in theirs and 'id="wardlib-plotly"' in theirs
    body = theirs[theirs.index("<body"):]
    for absent in ("jp-InputArea", "jp-InputPrompt", "jp-OutputPrompt", "injected-parameters", 'unit_code = "'):
        assert absent not in body, absent
    for absent in ("cdnjs", "https://cdn", "require.min.js", "<script src="):
        assert absent not in theirs, absent


def test_nbconvert_to_wardlib_gives_the_run_s_bytes(run_and_executed):
    page, executed = run_and_executed
    done = jupyter_nbconvert("--to", "wardlib", executed.name, "--output", "exporter", cwd=executed.parent)
    assert done.returncode == 0, done.stderr
    assert normalised((executed.parent / "exporter.html").read_text(encoding="utf-8")) == \
        normalised(page.read_text(encoding="utf-8"))
    # the output mode is the preprocessor's configuration, as --mode is the run's
    done = jupyter_nbconvert("--to", "wardlib", "--WardlibResources.mode=site", "--WardlibResources.assets_href=../assets",
                             executed.name, "--output", "site", cwd=executed.parent)
    assert done.returncode == 0, done.stderr
    site = (executed.parent / "site.html").read_text(encoding="utf-8")
    assert '<script src="../assets/plotly.min.js">' in site and 'id="wardlib-plotly"' not in site


def test_a_notebook_papermill_did_not_run_is_refused_with_what_to_do(notebooks, tmp_path):  # noqa: F811
    done = jupyter_nbconvert("--to", "html", "--template", "wardlib", str(notebooks / "ward_report.ipynb"),
                             "--output-dir", str(tmp_path), cwd=tmp_path)
    assert done.returncode != 0
    assert "execute it with papermill first" in done.stderr
    assert list(tmp_path.iterdir()) == []
