"""Issue 19 item 10: an unchanged rerun reports the same data-check counts as the first run.

The first run counted the findings of every unit with a code (districts and units outside the
run included), the rerun only those of the rendered units, read back from the manifest: 4,791
against 4,593 errors nationally. Both now report the period's findings as the data-quality page
lists them, kept in ``manifest.json``.
"""

from __future__ import annotations

import json
import re
import shutil

from wardlib import quality
from wardlib.cli import main
from wardlib.paths import default_data_dir


def _errors(err: str) -> int:
    return int(re.search(r"data checks: (\d+) error", err).group(1))


def test_an_unchanged_rerun_reports_the_first_runs_error_count(tmp_path, capsys):
    data = tmp_path / "data"
    shutil.copytree(default_data_dir(), data)
    demo = data / "observations" / "synthetic-tp-cao-lanh.csv"
    text = demo.read_text(encoding="utf-8")
    wrong = text.replace("29875,2024-H1,rev_fees,66781000,107000000,62.4,", "29875,2024-H1,rev_fees,66781000,107000000,92.4,")
    assert wrong != text
    demo.write_text(wrong, encoding="utf-8")  # a neighbour's error: outside the one unit rendered
    out = tmp_path / "out"
    args = ["run", "--data", str(data), "--period", "2024-H1", "--unit", "29872", "--out", str(out), "--no-gx",
            "--lang", "en"]
    assert main(args) == 0
    first = capsys.readouterr().err
    assert main(args) == 0
    again = capsys.readouterr().err
    assert "1 unchanged" in again
    assert _errors(again) == _errors(first)
    # the count is the data-quality page's: every error of the period, not only the rendered unit's
    listed = [f for f in quality.read_findings(out / "2024-H1" / quality.FINDINGS_FILE)
              if f.period in (None, "2024-H1")]
    assert _errors(first) == sum(f.severity == "error" for f in listed)
    assert sum(f.severity == "error" and f.unit_code != "29872" for f in listed) > 0  # the case that differed
    m = json.loads((out / "2024-H1" / "en" / "manifest.json").read_text(encoding="utf-8"))
    assert m["findings"]["error"] == _errors(first)
