"""The GX Data Docs made to work offline: their scripts and styles served from the site itself.

GX 1.24's page templates load jQuery, Popper, Bootstrap 4, bootstrap-table (with its
filter-control extension), bootstrap-datepicker, Font Awesome, Vega and a dark-mode stylesheet
from public CDNs, and the logo from an S3 bucket. Offline, ``index.html`` then lists nothing
(bootstrap-table draws its lists in the browser) and every page logs failed requests.

:func:`make_offline` runs on a freshly built site: it copies the assets into
``static/vendor/`` and points every page's ``<script>``/``<link>``/``<img>`` at them. The files
come from maintained packages:

* jQuery 3.7.1, Bootstrap 4.5 (its ``bootstrap.bundle`` carries Popper), bootstrap-datepicker
  and Font Awesome 6 from their XStatic packages on PyPI (dependencies of wardlib, locked);
* bootstrap-table 1.19.1 and its filter-control extension, which no PyPI package ships: the
  four files of the npm release GX names, vendored in ``wardlib/templates/vendor/`` with its
  licence, version and checksums recorded in ``VENDOR.json`` (a test checks them).

Dropped rather than served: the dark-mode stylesheet (the pages stay light) and Vega, which draws
only the charts of distribution expectations; wardlib's suites have none (a test checks that
no page calls it). The logo is GX's own copy in ``static/images/``.
"""

from __future__ import annotations

import importlib
import json
import re
import shutil
from pathlib import Path

from wardlib.paths import PACKAGE_DIR

VENDOR_DIR = PACKAGE_DIR / "templates" / "vendor"

# vendored file (under static/vendor/) -> (where it comes from: an XStatic module or "wardlib", its path there)
ASSETS = {
    "jquery/jquery.min.js": ("jquery", "jquery.min.js"),
    "bootstrap/js/bootstrap.bundle.min.js": ("bootstrap", "js/bootstrap.bundle.min.js"),
    "bootstrap/css/bootstrap.min.css": ("bootstrap", "css/bootstrap.min.css"),
    "bootstrap-datepicker/bootstrap-datepicker.js": ("bootstrap_datepicker", "bootstrap-datepicker.js"),
    "bootstrap-datepicker/bootstrap-datepicker3.standalone.css":
        ("bootstrap_datepicker", "bootstrap-datepicker3.standalone.css"),
    "font-awesome/css/all.min.css": ("font_awesome", "css/all.min.css"),
    "font-awesome/webfonts": ("font_awesome", "webfonts"),  # all.min.css loads ../webfonts/*
    "bootstrap-table/bootstrap-table.min.js": ("wardlib", "bootstrap-table/bootstrap-table.min.js"),
    "bootstrap-table/bootstrap-table.min.css": ("wardlib", "bootstrap-table/bootstrap-table.min.css"),
    "bootstrap-table/bootstrap-table-filter-control.min.js":
        ("wardlib", "bootstrap-table/bootstrap-table-filter-control.min.js"),
    "bootstrap-table/bootstrap-table-filter-control.min.css":
        ("wardlib", "bootstrap-table/bootstrap-table-filter-control.min.css"),
}

# every remote address GX 1.24's templates use -> the vendored file that replaces it, or None: drop the tag
_BT = "https://unpkg.com/bootstrap-table@1.19.1/dist/"
_BT0 = "https://unpkg.com/bootstrap-table@1.19.0/dist/"
_DP = "https://cdnjs.cloudflare.com/ajax/libs/bootstrap-datepicker/1.9.0/"
CDN = {
    "https://code.jquery.com/jquery-3.7.1.min.js": "jquery/jquery.min.js",
    "https://cdnjs.cloudflare.com/ajax/libs/popper.js/1.12.9/umd/popper.min.js": None,  # in bootstrap.bundle
    "https://stackpath.bootstrapcdn.com/bootstrap/4.3.1/js/bootstrap.min.js": "bootstrap/js/bootstrap.bundle.min.js",
    "https://maxcdn.bootstrapcdn.com/bootstrap/4.3.1/css/bootstrap.min.css": "bootstrap/css/bootstrap.min.css",
    _BT + "bootstrap-table.min.js": "bootstrap-table/bootstrap-table.min.js",
    _BT + "bootstrap-table.min.css": "bootstrap-table/bootstrap-table.min.css",
    _BT + "extensions/filter-control/bootstrap-table-filter-control.min.js":
        "bootstrap-table/bootstrap-table-filter-control.min.js",
    _BT0 + "extensions/filter-control/bootstrap-table-filter-control.min.css":
        "bootstrap-table/bootstrap-table-filter-control.min.css",
    _BT0 + "extensions/filter-control/bootstrap-table-filter-control.css":
        "bootstrap-table/bootstrap-table-filter-control.min.css",
    _DP + "js/bootstrap-datepicker.min.js": "bootstrap-datepicker/bootstrap-datepicker.js",
    _DP + "css/bootstrap-datepicker.min.css": "bootstrap-datepicker/bootstrap-datepicker3.standalone.css",
    "https://cdnjs.cloudflare.com/ajax/libs/font-awesome/6.6.0/css/all.min.css": "font-awesome/css/all.min.css",
    "https://cdn.jsdelivr.net/npm/@forevolve/bootstrap-dark@1.1.0/dist/css/bootstrap-prefers-dark.css": None,
    "https://cdn.jsdelivr.net/npm/vega@5": None,
    "https://cdn.jsdelivr.net/npm/vega-lite@5": None,
    "https://cdn.jsdelivr.net/npm/vega-embed@6": None,
}
_LOGO = re.compile(r"https://great-expectations-web-assets\.s3\.[a-z0-9-]+\.amazonaws\.com/([A-Za-z0-9_.-]+)(\?[^\"']*)?")
_TAG = re.compile(r"<(script|link|img)\b[^>]*>(\s*</script>)?", re.IGNORECASE)
_URL = re.compile(r"""\b(src|href)\s*=\s*(["'])(https?://[^"']*)\2""", re.IGNORECASE)
_SRI = re.compile(r"""\s+(integrity|crossorigin)(\s*=\s*(["'])[^"']*\3)?""", re.IGNORECASE)


def source(name: str) -> Path:
    """The installed file (or folder) behind ``static/vendor/<name>``."""
    package, path = ASSETS[name]
    if package == "wardlib":
        return VENDOR_DIR / path
    return Path(importlib.import_module(f"xstatic.pkg.{package}").BASE_DIR) / path


def vendored() -> dict:
    """``VENDOR.json``: what is vendored from outside PyPI, with its licence, version and checksums."""
    return json.loads((VENDOR_DIR / "VENDOR.json").read_text(encoding="utf-8"))


def offline_html(html: str, prefix: str) -> tuple[str, list[str]]:
    """``html`` with every remote script, stylesheet and image replaced by its copy under
    ``prefix`` + ``static/`` (or dropped); also the remote addresses it did not know (dropped too,
    so that an offline page never waits on them)."""
    unknown: list[str] = []

    def tag(m: re.Match) -> str:
        text = m.group(0)
        url = _URL.search(text)
        if url is None:
            return text
        address = url.group(3)
        if m.group(1).lower() == "img":
            logo = _LOGO.fullmatch(address)
            if logo:
                return text.replace(address, f"{prefix}static/images/{logo.group(1)}")
            unknown.append(address)
            return ""
        if address not in CDN:
            unknown.append(address)
            return ""
        local = CDN[address]
        if local is None:
            return ""
        # a subresource-integrity hash names the CDN's file, not ours: without it the copy loads
        return _SRI.sub("", text.replace(address, f"{prefix}static/vendor/{local}"))

    return _TAG.sub(tag, html), unknown


def make_offline(site: Path) -> list[str]:
    """Make the Data Docs site in ``site`` (just built by GX) work without a network; returns the
    remote addresses found that this module does not know (dropped from the pages)."""
    site = Path(site)
    vendor = site / "static" / "vendor"
    for name in ASSETS:
        src, dst = source(name), vendor / name
        dst.parent.mkdir(parents=True, exist_ok=True)
        if src.is_dir():
            shutil.copytree(src, dst, dirs_exist_ok=True)
        else:
            shutil.copyfile(src, dst)
    unknown: list[str] = []
    for page in sorted(site.rglob("*.html")):
        if vendor in page.parents:
            continue
        prefix = "../" * (len(page.relative_to(site).parts) - 1)
        html, missed = offline_html(page.read_text(encoding="utf-8"), prefix)
        unknown += missed
        page.write_text(html, encoding="utf-8")  # inside the site's temporary folder: renamed into place later
    return sorted(set(unknown))
