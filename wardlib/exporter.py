"""The report page's nbconvert parts: the ``wardlib`` template's preprocessor and exporter, public API only.

Every report page is made by these two classes and the template in ``templates/wardlib/``:

- :class:`WardlibResources`, the preprocessor the template declares in its ``conf.json``: it
  drops the cells a report never shows (papermill's parameters, notes for the notebook's reader)
  and fills ``resources["wardlib"]``, all the template's header needs (:func:`wardlib.render.header_resources`);
- :class:`WardlibExporter`, a ``TemplateExporter`` (nbconvert's documented base of custom
  exporters) with the ``wardlib`` template, used in-process by ``wardlib run``
  (:func:`export_html`) and by ``jupyter nbconvert --to wardlib`` (its
  ``nbconvert.exporters`` entry point).

``jupyter nbconvert --to html --template wardlib executed.ipynb`` runs the same template and
preprocessor through nbconvert's ``HTMLExporter`` (the template is installed where nbconvert looks:
``share/jupyter/nbconvert/templates/wardlib``): the same page, which HTMLExporter then parses and
prints again with BeautifulSoup (``tests/test_nbconvert_cli.py`` compares them).

Why not ``HTMLExporter`` for ``wardlib run``: that last step, BeautifulSoup's pure-Python parser
reading and re-printing the whole page, makes an export 8 times slower: 0.11 s against 0.014 s
for the single-file ward report of 29872, medians of 30 in one run (``bench/bench_export.py``),
about 330 core-seconds of a national run's 3,390 pages. It only gives images without one a default
``alt`` (done here by pattern) and a ``tabindex`` to cells inside ``.jp-Notebook``, which the
template has none of, and it changes the page's bytes. What else the template uses
from HTMLExporter is public: its display priority (:attr:`WardlibExporter.default_config`), and
nbconvert's default ``markdown2html`` filter, which gives HTMLExporter's HTML for markdown
without attachments (the report notebooks have none). Code, prompts and the parameters stay
out of the page whichever exporter runs: the template itself turns them off.
"""

from __future__ import annotations

import ast
from datetime import datetime
from functools import lru_cache
from pathlib import Path

from nbconvert.exporters import TemplateExporter
from nbconvert.filters import Highlight2HTML
from nbconvert.preprocessors import Preprocessor
from traitlets import Enum, Unicode, default
from traitlets.config import Config

from wardlib.paths import TEMPLATES_DIR
from wardlib.render import (HIDDEN_TAGS, IMG_WITHOUT_ALT, MODES, NO_ALT, PageInfo, header_resources,
                            notebook_parameters, page_info, relative_href)

# HTMLExporter's display priority, in its order: a cell's output is shown in the same format as
# `jupyter nbconvert --to html` shows it (tests/test_nbconvert_cli.py compares the pages).
DISPLAY_PRIORITY = ["application/vnd.jupyter.widget-view+json", "application/javascript", "text/html",
                    "text/markdown", "image/svg+xml", "text/vnd.mermaid", "text/latex", "image/png", "image/jpeg",
                    "text/plain"]


class WardlibResources(Preprocessor):
    """Hides the cells tagged ``HIDDEN_TAGS`` and papermill's metadata; fills ``resources["wardlib"]``.

    Whoever exports says which page it is: :func:`export_html` (so ``wardlib run``)
    passes ``resources={"wardlib_page": {"page": PageInfo, "mode": …, "assets_href": …, "generated": …}}``.
    Without it (``jupyter nbconvert``) the header comes from the parameters papermill recorded in the
    notebook (:func:`page_of_parameters`), the mode and the assets folder from the configuration
    (``--WardlibResources.mode=site --WardlibResources.assets_href=../assets``).
    """

    mode = Enum(MODES, default_value=MODES[0], help="how the page carries plotly.js and the stylesheet: single "
                "(one self-contained file), site (links assets_href), inline (plotly.js as is)").tag(config=True)
    assets_href = Unicode("../assets", help="site mode: the relative URL of the folder holding the shared "
                          "plotly.min.js and report.css (wardlib run writes them in OUT/assets/)").tag(config=True)

    def preprocess(self, nb, resources):
        asked = resources.get("wardlib_page") or {}
        page = asked.get("page") or page_of_parameters(nb)
        nb.metadata.pop("papermill", None)
        nb.cells = [c for c in nb.cells if not HIDDEN_TAGS & set(c.get("metadata", {}).get("tags", []))]
        for cell in nb.cells:
            for key in ("papermill", "execution"):
                cell.get("metadata", {}).pop(key, None)
            if "outputs" in cell:  # an output for JupyterLab only (wardlib.report.NotebookStyle): the page has its own
                cell.outputs = [o for o in cell.outputs if "notebook-only" not in o.get("metadata", {}).get("tags", ())]
        resources["wardlib"] = header_resources(nb, page, asked.get("mode", self.mode),
                                                asked.get("assets_href", self.assets_href), asked.get("generated"))
        return nb, resources


def page_of_parameters(nb) -> PageInfo:
    """The header of a page papermill executed outside wardlib, from what papermill recorded in the notebook.

    The page is named by papermill's input notebook (``build/notebooks/ward_report.ipynb``: a ward
    report), its parameters are those papermill injected over the notebook's defaults, its dataset
    that of the ``data_dir`` parameter, else the embedded one.
    """
    from wardlib.loaders import load_dataset
    from wardlib.paths import default_data_dir

    recorded = nb.metadata.get("papermill", {})
    params, source = recorded.get("parameters"), recorded.get("input_path") or ""
    if params is None or not source:
        raise ValueError("the notebook has no record of a papermill run (metadata.papermill.parameters and "
                         "input_path), so the wardlib template cannot tell which page it is: execute it with "
                         "papermill first, e.g. papermill build/notebooks/ward_report.ipynb out.ipynb -r unit_code 29872")
    defaults = {name: _literal(spec.get("default")) for name, spec in notebook_parameters(nb).items()}
    params = {**defaults, **params}
    data = load_dataset(params.get("data_dir") or default_data_dir(), set_aside=True)
    return page_info(Path(str(source)).stem, params, data)


def _literal(text):
    """A parameter's default as papermill's inspection gives it, Python source (``'"29872"'``), as a value."""
    try:
        return ast.literal_eval(text) if isinstance(text, str) else text
    except (ValueError, SyntaxError):
        return text


class WardlibExporter(TemplateExporter):
    """The report page of an executed notebook: the ``wardlib`` template through ``TemplateExporter``
    (see the module docstring), images without ``alt`` given HTMLExporter's default one."""

    export_from_notebook = "wardlib report"
    output_mimetype = "text/html"

    @default("file_extension")
    def _file_extension_default(self):
        return ".html"

    @default("template_name")
    def _template_name_default(self):
        return "wardlib"

    @default("extra_template_basedirs")
    def _extra_template_basedirs_default(self):
        # The package's own copy first (the one a checkout edits); the installed share/jupyter copy,
        # found by `jupyter nbconvert`, holds the same files (tests/test_nbconvert_cli.py checks).
        return [str(TEMPLATES_DIR)]

    @property
    def default_config(self):
        c = Config({"NbConvertBase": {"display_data_priority": DISPLAY_PRIORITY}})
        base = super().default_config
        if base:
            base = base.copy()
            base.merge(c)
            return base
        return c

    def default_filters(self):
        yield from super().default_filters()
        # lab's input block, which the template compiles but never shows (no code in a report), names it.
        yield ("highlight_code", Highlight2HTML(parent=self))

    def from_notebook_node(self, nb, resources=None, **kw):
        html, resources = super().from_notebook_node(nb, resources, **kw)
        return IMG_WITHOUT_ALT.sub(NO_ALT, html), resources


@lru_cache(maxsize=1)
def _exporter() -> WardlibExporter:
    return WardlibExporter()


def export_html(nb, page: PageInfo, *, generated: datetime | None = None,
                mode: str = "inline", assets_href: str = "assets") -> str:
    """The report page of an executed notebook.

    ``mode``: ``"inline"`` (default) and ``"single"`` give a self-contained page, ``"site"`` a
    page that needs :func:`write_assets` to have filled the folder ``assets_href`` points to,
    a relative URL (``"assets"``, ``"../assets"``). See :mod:`wardlib.render`'s docstring.
    """
    if mode not in MODES:
        raise ValueError(f"mode must be one of {', '.join(MODES)}, not {mode!r}")
    if mode == "site":
        relative_href(assets_href)
    asked = {"page": page, "mode": mode, "assets_href": assets_href, "generated": generated}
    body, _ = _exporter().from_notebook_node(nb, resources={"wardlib_page": asked})
    return body
