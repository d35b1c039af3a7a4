"""From a notebook source to a report page: execute with papermill, export with nbconvert.

The exported HTML has no code, no papermill ``injected-parameters`` cell and
no parameter metadata; it embeds our stylesheet and plotly.js (from the
installed plotly package, never a CDN), so it opens offline and its charts
draw.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from datetime import datetime, timezone
from functools import lru_cache
from pathlib import Path

import nbformat

from wardlib import __version__
from wardlib.paths import TEMPLATES_DIR

# Cells that never reach a report: papermill's parameters, and notes meant for the notebook reader.
HIDDEN_TAGS = {"injected-parameters", "parameters", "notebook-only"}
KERNEL = "python3"


def read_notebook(path: Path) -> nbformat.NotebookNode:
    """A notebook from its jupytext ``.py`` source (or an ``.ipynb``)."""
    if path.suffix == ".py":
        import jupytext

        nb = jupytext.read(path)
    else:
        nb = nbformat.read(path, as_version=4)
    # papermill needs to know the language of a jupytext notebook.
    nb.metadata.setdefault("kernelspec", {"name": KERNEL, "display_name": "Python 3", "language": "python"})
    nb.metadata.setdefault("language_info", {"name": "python"})
    return nb


def notebook_parameters(nb: nbformat.NotebookNode) -> dict[str, dict]:
    """The typed parameters of a notebook, as papermill reads them (name → type, default, help)."""
    import papermill

    return papermill.inspect_notebook(nb)


def execute(nb: nbformat.NotebookNode, parameters: dict, *, cwd: Path | None = None,
            timeout: int = 600) -> nbformat.NotebookNode:
    """Run a notebook with papermill; raises ``PapermillExecutionError`` naming the failing cell."""
    import papermill

    return papermill.execute_notebook(
        copy.deepcopy(nb), None, parameters=parameters, kernel_name=KERNEL, language="python",
        cwd=str(cwd) if cwd else None, progress_bar=False, log_output=False, execution_timeout=timeout,
    )


@dataclass(frozen=True)
class PageInfo:
    """What the page header says about the report."""

    title: str
    lang: str
    unit_label: str
    period_label: str
    data_version: str


@lru_cache(maxsize=1)
def plotly_js() -> str:
    """The full plotly.js bundle shipped inside the plotly package (offline, no CDN)."""
    import plotly

    path = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
    return path.read_text(encoding="utf-8").replace("</script", "<\\/script")


@lru_cache(maxsize=1)
def stylesheet() -> str:
    """The CSS every wardlib page embeds (reports and index pages alike)."""
    return (TEMPLATES_DIR / "report.css").read_text(encoding="utf-8")


def timestamp(when: datetime | None = None) -> str:
    """Local time as page headers show it: ``2026-11-28 08:24 +0000``."""
    return (when or datetime.now(timezone.utc).astimezone()).strftime("%Y-%m-%d %H:%M %z")


@lru_cache(maxsize=1)
def _exporter():
    from nbconvert import HTMLExporter

    # Hidden cells are dropped by strip_parameters before export, so no tag preprocessor is needed.
    exporter = HTMLExporter(template_name="wardlib", extra_template_basedirs=[str(TEMPLATES_DIR)])
    exporter.exclude_input = True
    exporter.exclude_input_prompt = True
    exporter.exclude_output_prompt = True
    return exporter


def export_html(nb: nbformat.NotebookNode, page: PageInfo, *, generated: datetime | None = None) -> str:
    """The report page of an executed notebook, self-contained."""
    nb = strip_parameters(nb)
    vi = page.lang == "vi"
    resources = {"wardlib": {
        "lang": page.lang, "version": __version__, "title": page.title,
        "css": stylesheet(),
        "plotly_js": plotly_js(),
        "unit_label": page.unit_label, "period_label": page.period_label,
        "generated_label": ("Lập lúc " if vi else "Generated ") + timestamp(generated),
        "version_label": ("Phiên bản dữ liệu " if vi else "Data version ") + page.data_version,
    }}
    body, _ = _exporter().from_notebook_node(nb, resources=resources)
    return body


def strip_parameters(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """A copy without the parameter cells and papermill's metadata (which repeats the parameters)."""
    nb = copy.deepcopy(nb)
    nb.metadata.pop("papermill", None)
    nb.cells = [c for c in nb.cells if not HIDDEN_TAGS & set(c.get("metadata", {}).get("tags", []))]
    for c in nb.cells:
        c.metadata.pop("papermill", None)
        c.metadata.pop("execution", None)
    return nb
