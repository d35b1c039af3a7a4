"""From a notebook source to a report page: execute with papermill, export with nbconvert.

The exported HTML has no code, no papermill ``injected-parameters`` cell and
no parameter metadata. plotly.js always comes from the installed plotly
package, never a CDN, so pages open offline and their charts draw. Three ways
to ship it and our stylesheet (``export_html(..., mode=...)``):

- ``inline`` (the default, as before): both inline, plotly.js raw — about 4.9 MB a page;
- ``single``: one self-contained file of about 2 MB: plotly.js is embedded
  gzip-compressed and base64-encoded and unpacked by the browser at load
  (``templates/wardlib/plotly_loader.js``), the stylesheet inline;
- ``site``: the page links ``{assets_href}/plotly.min.js`` and
  ``{assets_href}/report.css``, one shared copy per folder written by
  :func:`write_assets` — about 70 KB a page.
"""

from __future__ import annotations

import base64
import copy
import gzip
import re
from dataclasses import dataclass
from datetime import datetime, timezone
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from wardlib import __version__
from wardlib.outputs import write_atomic
from wardlib.paths import TEMPLATES_DIR

if TYPE_CHECKING:  # annotations only: importing nbformat costs ~1 s, paid where a notebook is read
    import nbformat

# Cells that never reach a report: papermill's parameters, and notes meant for the notebook reader.
HIDDEN_TAGS = {"injected-parameters", "parameters", "notebook-only"}
KERNEL = "python3"

MODES = ("single", "site", "inline")  # how pages carry plotly.js and the stylesheet (see the module docstring)
PLOTLY_ASSET = "plotly.min.js"  # the names write_assets gives the shared copies, and site pages link
CSS_ASSET = "report.css"
_URL_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")


def read_notebook(path: Path) -> nbformat.NotebookNode:
    """A notebook from its jupytext ``.py`` source (or an ``.ipynb``)."""
    import nbformat

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
    input_hash: str = ""  # written into the page's head: the page on disk says what it was made from


HASH_META = re.compile(rb'<meta name="wardlib-input-hash" content="([0-9a-f]+)">')


def page_hash(path: Path) -> str | None:
    """The input hash a page was rendered from (its head's ``wardlib-input-hash``), None without one.

    A page is written whole or not at all (:func:`~wardlib.outputs.write_atomic`), so a page with the
    hash is a finished page of those inputs, even if the run that wrote it was killed before
    recording it.
    """
    try:
        with open(path, "rb") as fh:
            m = HASH_META.search(fh.read(1024))
    except OSError:
        return None
    return m.group(1).decode() if m else None


def plotly_path() -> Path:
    """plotly.min.js as the installed plotly package ships it: the only copy wardlib uses."""
    import plotly

    return Path(plotly.__file__).parent / "package_data" / "plotly.min.js"


@lru_cache(maxsize=1)
def plotly_js() -> str:
    """The full plotly.js bundle shipped inside the plotly package (offline, no CDN), safe inside ``<script>``."""
    return plotly_path().read_text(encoding="utf-8").replace("</script", "<\\/script")


@lru_cache(maxsize=1)
def plotly_js_gzip_base64() -> str:
    """plotly.min.js gzip-compressed (level 9, no timestamp: the same bytes every run), base64-encoded.

    About 1.96 MB for plotly.js 4.1 (4.8 MB raw); computed once per process (about 0.3 s).
    Base64 has no ``<``, so it cannot end the ``<script>`` element that carries it.
    """
    return base64.b64encode(gzip.compress(plotly_path().read_bytes(), compresslevel=9, mtime=0)).decode("ascii")


@lru_cache(maxsize=1)
def plotly_banner() -> str:
    """plotly.js's leading licence comment (``/** plotly.js vX ... MIT */``), kept visible in single-file pages."""
    with plotly_path().open(encoding="utf-8") as fh:
        head = fh.read(2000)
    end = head.find("*/")
    banner = head[:end + 2] if head.startswith("/*") and end > 0 else ""
    return "" if "</" in banner else banner


@lru_cache(maxsize=1)
def plotly_loader() -> str:
    """The script that readies plotly.js in single-file and site pages (see its header comment)."""
    return (TEMPLATES_DIR / "wardlib" / "plotly_loader.js").read_text(encoding="utf-8")


@lru_cache(maxsize=1)
def stylesheet() -> str:
    """The CSS every wardlib page embeds (reports and index pages alike)."""
    return (TEMPLATES_DIR / "report.css").read_text(encoding="utf-8")


def timestamp(when: datetime | None = None) -> str:
    """Local time as page headers show it: ``2026-11-28 08:24 +0000``."""
    return (when or datetime.now(timezone.utc).astimezone()).strftime("%Y-%m-%d %H:%M %z")


_IMG_WITHOUT_ALT = re.compile(r"<img\b(?![^>]*\balt=)")


@lru_cache(maxsize=1)
def _exporter():
    from nbconvert import HTMLExporter
    from nbconvert.exporters.templateexporter import TemplateExporter

    class Exporter(HTMLExporter):
        """nbconvert's HTMLExporter without its last step, which parses the whole page with
        BeautifulSoup's pure-Python parser and prints it again: two thirds of the export's time on
        a report page. That step gives images without one a default ``alt`` (done here by pattern)
        and a ``tabindex`` to the cells inside ``.jp-Notebook``, which our template does not have,
        so it changed nothing else (``tests/test_render_modes.py`` compares the two exports)."""

        def from_notebook_node(self, nb, resources=None, **kw):
            from nbconvert.exporters.html import WidgetsDataTypeFilter
            from nbconvert.filters.highlight import Highlight2HTML

            langinfo = nb.metadata.get("language_info", {})
            lexer = langinfo.get("pygments_lexer", langinfo.get("name", None))
            self.register_filter("highlight_code",
                                 self.filters.get("highlight_code", Highlight2HTML(pygments_lexer=lexer, parent=self)))
            resources = self._init_resources(resources)
            self.register_filter("filter_data_type", WidgetsDataTypeFilter(
                notebook_metadata=self._nb_metadata, parent=self, resources=resources))
            html, resources = TemplateExporter.from_notebook_node(self, nb, resources, **kw)
            return _IMG_WITHOUT_ALT.sub('<img alt="No description has been provided for this image"', html), resources

    # Hidden cells are dropped by strip_parameters before export, so no tag preprocessor is needed.
    exporter = Exporter(template_name="wardlib", extra_template_basedirs=[str(TEMPLATES_DIR)])
    exporter.exclude_input = True
    exporter.exclude_input_prompt = True
    exporter.exclude_output_prompt = True
    return exporter


def export_html(nb: nbformat.NotebookNode, page: PageInfo, *, generated: datetime | None = None,
                mode: str = "inline", assets_href: str = "assets") -> str:
    """The report page of an executed notebook.

    ``mode``: ``"inline"`` (default) and ``"single"`` give a self-contained page, ``"site"`` a
    page that needs :func:`write_assets` to have filled the folder ``assets_href`` points to,
    a relative URL (``"assets"``, ``"../assets"``). See the module docstring.
    """
    if mode not in MODES:
        raise ValueError(f"mode must be one of {', '.join(MODES)}, not {mode!r}")
    nb = strip_parameters(nb)
    vi = page.lang == "vi"
    charts = mode == "inline" or has_charts(nb)  # inline pages keep plotly.js whatever they show, as before
    info = {
        "lang": page.lang, "version": __version__, "title": page.title, "mode": mode, "input_hash": page.input_hash,
        "css": stylesheet() if mode != "site" else "",
        "plotly_js": plotly_js() if mode == "inline" else "",
        "plotly_gzip": plotly_js_gzip_base64() if mode == "single" and charts else "",
        "plotly_banner": plotly_banner() if mode == "single" and charts else "",
        "loader_js": plotly_loader() if mode != "inline" and charts else "",
        "unit_label": page.unit_label, "period_label": page.period_label,
        "generated_label": ("Lập lúc " if vi else "Generated ") + timestamp(generated),
        "version_label": ("Phiên bản dữ liệu " if vi else "Data version ") + page.data_version,
    }
    if mode == "site":
        base = _relative_href(assets_href)
        info.update(assets_href=base, plotly_src=f"{base}/{PLOTLY_ASSET}" if charts else "")
    body, _ = _exporter().from_notebook_node(nb, resources={"wardlib": info})
    return body


def _relative_href(href: str) -> str:
    """``assets_href`` without its trailing slash; never a URL with a scheme (``https:``, ``file:``) or host."""
    href = href.strip().rstrip("/")
    if not href or _URL_SCHEME.match(href) or href.startswith(("//", "\\\\")):
        raise ValueError(f"assets_href must be a relative URL such as 'assets' or '../assets', not {href!r}")
    return href


def has_charts(nb: nbformat.NotebookNode) -> bool:
    """Whether any HTML or JavaScript output calls plotly.js (``show_figure``'s ``Plotly.newPlot``)."""
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            for mime in ("text/html", "application/javascript"):
                text = data.get(mime, "")
                if "Plotly." in ("".join(text) if isinstance(text, list) else text):
                    return True
    return False


def write_assets(folder: Path) -> None:
    """Write the shared ``plotly.min.js`` and ``report.css`` of site pages into ``folder``.

    Each file is written atomically, and only when its content differs: a second run leaves
    identical files (and their modification times) alone.
    """
    folder = Path(folder)
    for name, data in ((PLOTLY_ASSET, plotly_path().read_bytes()), (CSS_ASSET, stylesheet().encode("utf-8"))):
        path = folder / name
        try:
            if path.read_bytes() == data:
                continue
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
            pass
        write_atomic(path, data)


def strip_parameters(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """A copy without the parameter cells and papermill's metadata (which repeats the parameters).

    The copy shares the cells' sources and outputs with ``nb`` (nothing here changes them; nbconvert
    copies the notebook again before its preprocessors run): only the dicts that change are new.
    """
    import nbformat

    def without(d, *keys):
        return nbformat.NotebookNode({k: v for k, v in d.items() if k not in keys})

    out = without(nb, "cells", "metadata")
    out.metadata = without(nb.metadata, "papermill")
    out.cells = []
    for c in nb.cells:
        if HIDDEN_TAGS & set(c.get("metadata", {}).get("tags", [])):
            continue
        cell = without(c, "metadata")
        cell.metadata = without(c.get("metadata", {}), "papermill", "execution")
        out.cells.append(cell)
    return out
