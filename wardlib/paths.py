"""Where wardlib's own files live: the embedded dataset, the notebooks, the templates.

Paths come from the package, never from the current directory. In a checkout
(editable install) the dataset and notebooks sit beside the package; a wheel
carries copies under ``wardlib/_bundled/``.
"""

from __future__ import annotations

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
TEMPLATES_DIR = PACKAGE_DIR / "templates"


def _project_dir(name: str) -> Path:
    for candidate in (PACKAGE_DIR / "_bundled" / name, PACKAGE_DIR.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(
        f"wardlib cannot find its '{name}' folder next to the package ({PACKAGE_DIR}); "
        "install wardlib from a checkout (pip install -e .) or from a wheel"
    )


def default_data_dir() -> Path:
    """The embedded default dataset (``data/`` of the repository)."""
    return _project_dir("data")


def notebooks_dir() -> Path:
    """The report notebooks (jupytext ``.py`` sources)."""
    return _project_dir("notebooks")
