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


def inside(path: str | Path, folder: str | Path) -> bool:
    """Whether ``path`` (which need not exist yet) is ``folder`` or lies under it, links resolved.

    >>> inside("/data/obs/../findings.csv", "/data"), inside("/data-2/x", "/data")
    (True, False)
    """
    return Path(path).expanduser().resolve().is_relative_to(Path(folder).expanduser().resolve())


def refuse_output_in_data(outputs: dict[str, str | Path | None], data_dir: str | Path) -> tuple[str, str] | None:
    """A message (English, Vietnamese) if an output path lies inside the dataset folder, else ``None``.

    ``outputs`` maps option names (``--out``, ``--csv``) to their paths. Writing there could overwrite an
    input file, and the next run would read its own outputs as data (every row twice).
    """
    for option, path in outputs.items():
        if path is not None and inside(path, data_dir):
            return (f"{option} {path} is inside the dataset folder {data_dir}: wardlib never writes there (it could "
                    "overwrite an input file, and the next run would read its outputs as data); choose a folder "
                    "outside it.",
                    f"{option} {path} nằm trong thư mục dữ liệu {data_dir}: wardlib không bao giờ ghi vào đó (có thể ghi "
                    "đè tệp đầu vào, và lần chạy sau sẽ đọc kết quả như số liệu); hãy chọn thư mục bên ngoài.")
    return None
