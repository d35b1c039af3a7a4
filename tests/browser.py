"""Headless Chromium for the browser tests: Debian's package driven by playwright, never a downloaded browser.

Without Chromium or playwright the browser tests skip and say why, except in CI
(the variable ``CI`` set, as ``.ci/run`` does), where they fail: a missing
browser must not pass for a green run.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("WARDLIB_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
IN_CI = os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


@pytest.fixture(scope="module")
def chromium():
    """A headless Chromium driven by playwright, or the reason there is none."""
    if not Path(CHROMIUM).is_file():
        yield f"Chromium not found at {CHROMIUM} (apt-get install chromium, or set WARDLIB_CHROMIUM)"
        return
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        yield "the playwright package is not installed (pip install playwright; no 'playwright install' needed)"
        return
    with sync_playwright() as pw:
        try:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        except Exception as exc:  # a browser that does not start is reported like a missing one
            yield f"Chromium at {CHROMIUM} did not start: {exc}"
            return
        yield browser
        browser.close()


def need_browser(chromium):
    if isinstance(chromium, str):
        if IN_CI:
            pytest.fail(f"browser check cannot run in CI: {chromium}")
        pytest.skip(chromium)
    return chromium
