"""(Re)write the expectation suites of this GX file data context from ``wardlib.gx.SUITES``.

Run from the repository root after changing a suite definition in ``wardlib/gx.py``::

    .venv/bin/python expectations/build_suites.py           # rewrite gx/expectations/*.json
    .venv/bin/python expectations/build_suites.py --check   # exit 1 if the JSON is out of date

The first run creates the context (``gx/great_expectations.yml`` …) with
``gx.get_context(mode="file", project_root_dir=<this folder>)``, turns analytics
and progress bars off in ``great_expectations.yml``, and writes one JSON file
per suite in exactly the form the context's expectations store writes
(``ExpectationSuiteSchema().dumps(suite, indent=2, sort_keys=True)``), with
stable ids so that an unchanged definition gives an unchanged file. The
suites are then read back through the file context to make sure GX accepts
them. ``tests/test_gx.py`` checks that the committed JSON equals what this
script writes.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def _comparable(text: str) -> dict:
    """A suite's JSON without the GX version stamp (a GX upgrade alone does not stale the suites)."""
    d = json.loads(text)
    d.get("meta", {}).pop("great_expectations_version", None)
    return d


def stale(context_dir: Path = HERE) -> list[str]:
    """Names of the suites whose JSON in ``context_dir`` differs from ``wardlib.gx.SUITES``."""
    from wardlib import gx as wgx

    out = []
    for name in wgx.SUITE_NAMES:
        path = wgx.suite_file(context_dir, name)
        if not path.is_file() or _comparable(path.read_text(encoding="utf-8")) != _comparable(wgx.suite_json(name)):
            out.append(name)
    return out


def build(context_dir: Path = HERE) -> list[Path]:
    """Create or update the file context in ``context_dir`` and write the four suites."""
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    from wardlib import gx as wgx

    context = gx.get_context(mode="file", project_root_dir=context_dir)
    if context.variables.analytics_enabled is not False:
        context.enable_analytics(False)  # saves great_expectations.yml
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    context.variables.save()
    written = []
    for name in wgx.SUITE_NAMES:
        path = wgx.suite_file(context_dir, name)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(wgx.suite_json(name), encoding="utf-8")
        written.append(path)
    # Read every suite back through the file context: GX must accept what was written.
    context = gx.get_context(mode="file", project_root_dir=context_dir)
    for name in wgx.SUITE_NAMES:
        suite = context.suites.get(name)
        expected = len(wgx.SUITES[name]["expectations"])
        if len(suite.expectations) != expected:
            raise SystemExit(f"suite {name}: GX read {len(suite.expectations)} of {expected} expectations")
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only report suites whose JSON is out of date")
    args = parser.parse_args(argv)
    if args.check:
        names = stale()
        for name in names:
            print(f"out of date: {name} (run: python expectations/build_suites.py)")
        return 1 if names else 0
    for path in build():
        print(f"wrote {path.relative_to(HERE.parent)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
