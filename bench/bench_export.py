"""Exporting a report page: wardlib's exporter against nbconvert's HTMLExporter on the same template.

The ward report of Phường 4 (29872, embedded data, 2024-H1) is executed once with papermill; then,
in one process, the two exports alternate ``--repeat`` times (default 30) in each output mode:

- ``wardlib``: :class:`wardlib.exporter.WardlibExporter`, what ``wardlib run`` uses (a
  ``TemplateExporter``);
- ``html``: nbconvert's ``HTMLExporter`` with ``template_name="wardlib"``, what
  ``jupyter nbconvert --to html --template wardlib`` runs: the same template and preprocessor,
  then BeautifulSoup's parse and re-print of the page.

Prints the median seconds of each, their ratio, and per page of a national run (3,390 pages) the
core-seconds the difference is worth. Both outputs are checked to be the same page once
re-printed by BeautifulSoup. Run: ``.venv/bin/python bench/bench_export.py [--repeat N]``.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from datetime import datetime, timezone

NATIONAL_PAGES = 3390


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=30)
    args = ap.parse_args()

    from bs4 import BeautifulSoup
    from nbconvert import HTMLExporter

    from wardlib.exporter import WardlibExporter
    from wardlib.paths import TEMPLATES_DIR, notebooks_dir
    from wardlib.render import PageInfo, execute, read_notebook

    nb = execute(read_notebook(notebooks_dir() / "ward_report.py"),
                 {"unit_code": "29872", "period": "2024-H1", "data_dir": "", "lang": "vi"})
    page = PageInfo("Phường 4 — 6 tháng đầu năm 2024", "vi", "Phường 4 (29872), Thành phố Cao Lãnh",
                    "6 tháng đầu năm 2024", "bench")
    when = datetime(2026, 1, 1, tzinfo=timezone.utc)
    exporters = {"wardlib": WardlibExporter(),
                 "html": HTMLExporter(template_name="wardlib", extra_template_basedirs=[str(TEMPLATES_DIR)])}
    print(f"{'mode':8} {'wardlib s':>10} {'html s':>10} {'ratio':>7} {'national core-s saved':>22}")
    for mode in ("single", "site", "inline"):
        resources = {"wardlib_page": {"page": page, "mode": mode, "assets_href": "../assets", "generated": when}}
        times: dict[str, list[float]] = {k: [] for k in exporters}
        pages = {}
        for _ in range(args.repeat):
            for name, exporter in exporters.items():
                start = time.perf_counter()
                pages[name], _ = exporter.from_notebook_node(nb, resources=dict(resources))
                times[name].append(time.perf_counter() - start)
        same = BeautifulSoup(pages["wardlib"], "html.parser").decode() == BeautifulSoup(pages["html"], "html.parser").decode()
        if not same:
            print(f"{mode}: the two exports are not the same page", file=sys.stderr)
            return 1
        ours, theirs = statistics.median(times["wardlib"]), statistics.median(times["html"])
        print(f"{mode:8} {ours:10.4f} {theirs:10.4f} {ours / theirs:7.2f} {(theirs - ours) * NATIONAL_PAGES:22.0f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
