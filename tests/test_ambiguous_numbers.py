"""Issue 19 item 2: a count or amount written 9.702 is never read silently as 9.702 or as 9702.

Through ``wardlib validate`` (exit code and message), on real .xlsx files written by openpyxl and on
CSV: without a declared locale such a figure is refused, naming file, row, field and the way out;
with ``--locale vi`` or ``dataset.toml`` ``locale = "vi"`` it is read as 9702, and so is every
numeric field of the file, targets included (``9.270.000.000``).
"""

from __future__ import annotations

import openpyxl
import pytest

from tests.conftest import OBSERVATIONS, write_csv
from wardlib.cli import main
from wardlib.loaders import load_dataset

COLUMNS = ["unit_code", "period", "indicator", "value", "target", "reported_pct", "note", "source"]


def _rows(population, target="9270000000"):
    rows = [dict(r) for r in OBSERVATIONS]
    pop = next(r for r in rows if r["indicator"] == "population")
    pop["value"] = population
    next(r for r in rows if r["indicator"] == "budget_revenue")["target"] = target
    return rows


def _write_xlsx(path, rows):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(COLUMNS)
    for r in rows:
        ws.append([r.get(c, "") or None for c in COLUMNS])
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)


def _dataset(make_dataset, kind, rows, toml=None):
    root = make_dataset()
    (root / "observations" / "obs.csv").unlink()
    name = "observations/bao-cao." + kind
    if kind == "xlsx":
        _write_xlsx(root / name, rows)
    else:
        write_csv(root / name, rows, COLUMNS)
    if toml:
        (root / "dataset.toml").write_text(toml, encoding="utf-8")
    return root, name


def _validate(capsys, root, *extra):
    code = main(["validate", "--data", str(root), "--no-gx", "--lang", "en", *extra])
    return code, capsys.readouterr().err


@pytest.mark.parametrize(("kind", "population"), [("xlsx", "9.702"), ("xlsx", 9.702), ("csv", "9.702")],
                         ids=["xlsx-text", "xlsx-number", "csv"])
def test_a_count_with_one_dot_group_is_refused_without_a_locale(make_dataset, capsys, kind, population):
    root, name = _dataset(make_dataset, kind, _rows(population))
    code, err = _validate(capsys, root)
    assert code == 1
    line = next(ln for ln in err.splitlines() if "9.702" in ln)
    assert f"{name}, row 5, column value" in line
    assert "ambiguous" in line and "9702" in line and "9.7020" in line
    assert "--locale vi" in line and 'locale = "vi" in dataset.toml' in line


@pytest.mark.parametrize("kind", ["xlsx", "csv"])
def test_a_target_with_one_dot_group_is_refused_too(make_dataset, capsys, kind):
    root, name = _dataset(make_dataset, kind, _rows("9702", target=">9.270"))
    code, err = _validate(capsys, root)
    assert code == 1
    assert f"{name}, row 2, column target: '9.270' is ambiguous" in err


@pytest.mark.parametrize("kind", ["xlsx", "csv"])
@pytest.mark.parametrize("how", ["--locale", "dataset.toml"])
def test_a_declared_locale_reads_values_and_targets_in_vietnamese(make_dataset, capsys, kind, how):
    root, _ = _dataset(make_dataset, kind, _rows("9.702", target="9.270.000.000"),
                       toml='[defaults]\nlocale = "vi"\n' if how == "dataset.toml" else None)
    code, err = _validate(capsys, root, *(["--locale", "vi"] if how == "--locale" else []))
    assert code == 0, err
    data = load_dataset(root, locale="vi" if how == "--locale" else None)
    obs = data.observations.set_index("indicator")
    assert obs.loc["population", "value"] == 9702
    assert obs.loc["budget_revenue", "target_value"] == 9_270_000_000


def test_vietnamese_target_without_a_locale_names_the_option(make_dataset, capsys):
    root, name = _dataset(make_dataset, "csv", _rows("9702", target="9.270.000.000"))
    code, err = _validate(capsys, root)
    assert code == 1
    line = next(ln for ln in err.splitlines() if "9.270.000.000" in ln)
    assert f"{name}, row 2, column target" in line and "--locale vi" in line


@pytest.mark.parametrize("value", ["9702", "9.7020", "1234.567", "0.125"])
def test_plain_numbers_stay_plain(make_dataset, value):
    """Not one thousands group: read as written, no finding."""
    root, _ = _dataset(make_dataset, "csv", _rows(value))
    data = load_dataset(root)
    assert data.findings == []
    assert data.observations.set_index("indicator").loc["population", "value"] == float(value)


def test_rates_with_three_decimals_are_not_ambiguous(make_dataset):
    rows = _rows("9702")
    next(r for r in rows if r["indicator"] == "app_rate")["value"] = "48.625"
    root, _ = _dataset(make_dataset, "csv", rows)
    data = load_dataset(root)
    assert data.findings == []
    assert data.observations.set_index("indicator").loc["app_rate", "value"] == 48.625
