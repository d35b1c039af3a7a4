"""From a notebook source to a report page: execute with papermill, export with nbconvert.

The exported HTML has no code, no papermill ``injected-parameters`` cell and
no parameter metadata. plotly.js always comes from the installed plotly
package, never a CDN, so pages open offline and their charts draw. Three ways
to ship it and our stylesheet (:func:`wardlib.exporter.export_html` ``(..., mode=...)``):

- ``inline`` (the default, as before): both inline, plotly.js raw — about 4.9 MB a page;
- ``single``: one self-contained file of about 2 MB: plotly.js is embedded
  gzip-compressed and base64-encoded and unpacked by the browser at load
  (``templates/wardlib/plotly_loader.js``), the stylesheet inline;
- ``site``: the page links ``{assets_href}/plotly.min.js`` and
  ``{assets_href}/report.css``, one shared copy per folder written by
  :func:`write_assets` — about 70 KB a page.

The export itself is :mod:`wardlib.exporter`'s, on nbconvert's public API only: the ``wardlib``
template, its preprocessor (which fills the header from :func:`page_info` and drops the
parameter cells) and a ``TemplateExporter`` — that module says why not ``HTMLExporter``. The
same template and preprocessor serve ``jupyter nbconvert --to html --template wardlib``.
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

from wardlib import __version__, texts
from wardlib.outputs import write_atomic
from wardlib.paths import TEMPLATES_DIR

if TYPE_CHECKING:  # annotations only: importing nbformat costs ~1 s, paid where a notebook is read
    import nbformat

# Cells that never reach a report: papermill's parameters, and notes meant for the notebook reader
# (an output tagged notebook-only is left out too).
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


IMG_WITHOUT_ALT = re.compile(r"<img\b(?![^>]*\balt=)")
NO_ALT = '<img alt="No description has been provided for this image"'

# PAGE_TITLES names the period pages by their notebook (inputs.QUALITY, OVERVIEW, TRENDS).
# Their titles are keys of the text catalog (wardlib.texts).
PAGE_TITLES = {"data_quality": "quality.title", "city_overview": "overview.overview", "trends": "overview.trends"}


def page_info(notebook: str, params: dict, data, where=None) -> PageInfo:
    """The header of the page ``notebook`` draws with ``params`` from ``data`` (a loaded Dataset).

    The runner asks here for every page it plans, and :func:`wardlib.exporter.page_of_parameters` for a notebook that
    papermill executed on its own (from ``metadata.papermill.parameters``), so both say the same.
    ``where``: the period's :class:`wardlib.plan.Units`, when the caller has it already.
    """
    from wardlib.periods import Period
    from wardlib.plan import Units

    lang = params.get("lang", "vi")
    p = Period.parse(str(params.get("period") or params.get("until")))
    where = where if where is not None else Units(data, p)
    label = p.label(lang)
    if notebook in PAGE_TITLES:
        title = texts.t(PAGE_TITLES[notebook], lang)
        if params.get("parent"):
            title = f"{title} — {where.name(str(params['parent']))}"
        unit_label = title
    elif params.get("unit_code"):
        code = str(params["unit_code"])
        title = where.name(code)
        unit_label = f"{title} ({code}), {where.name(where.parent_code(code))}"
    else:
        raise ValueError(f"{notebook!r} is not a wardlib page: a ward report has a unit_code parameter, the period "
                         f"pages are {', '.join(PAGE_TITLES)}")
    return PageInfo(title=f"{title} — {label}", lang=lang, unit_label=unit_label,
                    period_label=label.capitalize(), data_version=data.version)


def header_resources(nb, page: PageInfo, mode: str, assets_href: str, generated: datetime | None) -> dict:
    """``resources["wardlib"]``: what the template's head and header show (see its header comment)."""
    if mode not in MODES:
        raise ValueError(f"mode must be one of {', '.join(MODES)}, not {mode!r}")
    charts = mode == "inline" or has_charts(nb)  # inline pages keep plotly.js whatever they show, as before
    info = {
        "lang": page.lang, "version": __version__, "title": page.title, "mode": mode, "input_hash": page.input_hash,
        "css": stylesheet() if mode != "site" else "",
        "plotly_js": plotly_js() if mode == "inline" else "",
        "plotly_gzip": plotly_js_gzip_base64() if mode == "single" and charts else "",
        "plotly_banner": plotly_banner() if mode == "single" and charts else "",
        "loader_js": plotly_loader() if mode != "inline" and charts else "",
        "unit_label": page.unit_label, "period_label": page.period_label,
        "generated_label": f"{texts.t('index.generated', page.lang)} {timestamp(generated)}",
        "version_label": f"{texts.t('page.data_version', page.lang)} {page.data_version}",
    }
    if mode == "site":
        base = relative_href(assets_href)
        info.update(assets_href=base, plotly_src=f"{base}/{PLOTLY_ASSET}" if charts else "")
    return info


def relative_href(href: str) -> str:
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
