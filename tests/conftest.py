"""Shared fixtures: the embedded dataset, small hand-made datasets, and one rendered batch."""

from __future__ import annotations

import csv
import hashlib
import shutil
import socket
from pathlib import Path

import pytest

from wardlib.paths import default_data_dir

REPO = Path(__file__).resolve().parent.parent

CATALOG = [
    {"code": "budget_revenue", "name_vi": "Tổng thu ngân sách", "unit": "đ", "unit_en": "VND", "section": "1.2",
     "kind": "amount"},
    {"code": "rev_fees", "name_vi": "Thu phí, lệ phí", "unit": "đ", "unit_en": "VND", "section": "1.2",
     "kind": "amount", "parent": "budget_revenue"},
    {"code": "dengue_cases", "name_vi": "Số ca sốt xuất huyết", "unit": "ca", "unit_en": "case|cases",
     "section": "2.2", "direction": "down"},
    {"code": "population", "name_vi": "Dân số", "unit": "người", "unit_en": "person|people", "section": "2.2",
     "aggregation": "last"},
    {"code": "app_installs", "name_vi": "Số người cài app", "unit": "người", "unit_en": "person|people",
     "section": "2.2"},
    {"code": "app_rate", "name_vi": "Tỷ lệ cài app", "unit": "%", "unit_en": "%", "section": "2.2", "kind": "percent",
     "numerator": "app_installs", "denominator": "population", "factor": "100"},
]
UNITS = [
    {"code": "87", "name": "Tỉnh Đồng Tháp", "level": "province", "parent_code": "", "valid_to": "2025-06-30"},
    {"code": "866", "name": "Thành phố Cao Lãnh", "level": "district", "parent_code": "87", "valid_to": "2025-06-30"},
    {"code": "29872", "name": "Phường 4", "level": "commune", "parent_code": "866", "valid_to": "2025-06-30",
     "successor_code": "29869"},
    {"code": "29869", "name": "Phường 1", "level": "commune", "parent_code": "866", "valid_to": "2025-06-30",
     "successor_code": "29869"},
    {"code": "82", "name": "Tỉnh Đồng Tháp", "level": "province", "parent_code": "", "valid_from": "2025-07-01"},
    {"code": "29869", "name": "Phường Cao Lãnh", "level": "commune", "parent_code": "82", "valid_from": "2025-07-01"},
]
OBSERVATIONS = [
    {"unit_code": "29872", "period": "2024-H1", "indicator": "budget_revenue", "value": "5137820843",
     "target": "9270000000", "reported_pct": "55.4"},
    {"unit_code": "29872", "period": "2024-H1", "indicator": "rev_fees", "value": "57072500", "target": "110000000"},
    {"unit_code": "29872", "period": "2024-H1", "indicator": "dengue_cases", "value": "20"},
    {"unit_code": "29872", "period": "2024-H1", "indicator": "population", "value": "9690"},
    {"unit_code": "29872", "period": "2024-H1", "indicator": "app_installs", "value": "4718"},
    {"unit_code": "29872", "period": "2024-H1", "indicator": "app_rate", "value": "", "reported_pct": "48.6"},
    {"unit_code": "29869", "period": "2025-H2", "indicator": "dengue_cases", "value": "31"},
]


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now (for the servers a test starts)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def write_csv(path: Path, rows: list[dict], columns: list[str] | None = None, encoding: str = "utf-8") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    columns = columns or list(dict.fromkeys(k for r in rows for k in r))
    with path.open("w", newline="", encoding=encoding) as fh:
        w = csv.DictWriter(fh, fieldnames=columns, extrasaction="ignore")
        w.writeheader()
        w.writerows(rows)
    return path


@pytest.fixture
def make_dataset(tmp_path):
    """Write a small valid dataset, with any table replaced: make_dataset(observations=[...])."""

    def make(catalog=None, units=None, observations=None, obs_columns=None, name="ds") -> Path:
        root = tmp_path / name
        write_csv(root / "indicators.csv", CATALOG if catalog is None else catalog,
                  ["code", "name_vi", "unit", "unit_en", "section", "kind", "direction", "aggregation", "parent",
                   "numerator", "denominator", "factor"] if catalog is None else None)
        write_csv(root / "units.csv", UNITS if units is None else units,
                  ["code", "name", "level", "parent_code", "valid_from", "valid_to", "successor_code"]
                  if units is None else None)
        write_csv(root / "observations" / "obs.csv", OBSERVATIONS if observations is None else observations,
                  obs_columns or ["unit_code", "period", "indicator", "value", "target", "reported_pct", "note",
                                  "source"])
        return root

    return make


@pytest.fixture(scope="session")
def embedded_data() -> Path:
    return default_data_dir()


def tree_hash(root: Path) -> str:
    h = hashlib.sha256()
    for p in sorted(root.rglob("*")):
        if p.is_file():
            h.update(p.relative_to(root).as_posix().encode())
            h.update(p.read_bytes())
    return h.hexdigest()


@pytest.fixture(scope="session")
def hostile_data(tmp_path_factory) -> Path:
    """The embedded data with HTML and script in a unit name and in notes."""
    root = tmp_path_factory.mktemp("hostile") / "data"
    shutil.copytree(default_data_dir(), root)
    units = (root / "units.csv").read_text(encoding="utf-8")
    (root / "units.csv").write_text(units.replace(",Phường 3,", ",Phường 3 <b>in đậm</b>,"), encoding="utf-8")
    obs = root / "observations" / "phuong-4-2024.csv"
    text = obs.read_text(encoding="utf-8").replace(
        "29872,2024-H1,business_establishments,629,,,,,,",
        '29872,2024-H1,business_establishments,629,,,,,"<script>alert(""xss"")</script><img src=x onerror=alert(1)>",')
    assert "<script>alert" in text
    obs.write_text(text, encoding="utf-8")
    return root


@pytest.fixture(scope="session")
def rendered(tmp_path_factory):
    """One real batch through the CLI: Phường 4 (real figures) and Phường 3 (demo data)."""
    from wardlib.cli import main

    out = tmp_path_factory.mktemp("reports")
    before = tree_hash(default_data_dir())
    code = main(["run", "--period", "2024-H1", "--unit", "29872", "--unit", "29875", "--out", str(out)])
    return {"exit": code, "dir": out / "2024-H1", "data_hash_before": before}


@pytest.fixture(scope="session")
def rendered_en(tmp_path_factory):
    """The same batch as ``rendered``, in English (the language checks read both)."""
    from wardlib.cli import main

    out = tmp_path_factory.mktemp("reports-en")
    code = main(["run", "--period", "2024-H1", "--unit", "29872", "--unit", "29875", "--lang", "en", "--out", str(out)])
    return {"exit": code, "dir": out / "2024-H1" / "en"}  # another language has its own folder


@pytest.fixture
def ward_report_with(tmp_path, monkeypatch):
    """Make the runner use a copy of the notebooks whose ward report runs ``code`` just before its
    section tables (where a unit's notebook can be made to fail on purpose)."""
    def patch(code: str) -> Path:
        from wardlib import runner
        from wardlib.paths import notebooks_dir

        books = tmp_path / "notebooks"
        shutil.copytree(notebooks_dir(), books)
        nb = books / "ward_report.py"
        nb.write_text(nb.read_text(encoding="utf-8").replace(
            "display(report.section_tables())", code + "\ndisplay(report.section_tables())"), encoding="utf-8")
        monkeypatch.setattr(runner, "notebooks_dir", lambda: books)
        return books

    return patch
