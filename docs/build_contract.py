"""Regenerate docs/data-contract.md from the modules' docstrings: python docs/build_contract.py"""

from pathlib import Path

import wardlib.catalog as catalog
import wardlib.crosswalk as crosswalk
import wardlib.loaders as loaders
import wardlib.numbers as numbers
import wardlib.periods as periods
import wardlib.targets as targets
import wardlib.units as units

OUT = Path(__file__).resolve().parent / "data-contract.md"


def build() -> str:
    doc = ["# The data contract", "",
           "This page is generated from the docstrings of `wardlib.loaders`, `wardlib.catalog`, `wardlib.units`,",
           "`wardlib.crosswalk`, `wardlib.periods`, `wardlib.targets` and `wardlib.numbers` (`python docs/build_contract.py`);",
           "the loaders enforce it.", ""]
    for title, mod in (("Dataset folder and observations", loaders), ("indicators.csv — the catalog", catalog),
                       ("units.csv — administrative units", units),
                       ("crosswalk.csv — the 2025 reorganisation", crosswalk), ("Periods", periods), ("Targets", targets)):
        doc += [f"## {title}", "", "```text", mod.__doc__.strip(), "```", ""]
    doc += ["## Numbers", "", "```text", numbers.__doc__.strip(), "```", "",
            "CSV files are UTF-8 (a BOM is allowed). Rows are counted as a spreadsheet shows them: the",
            "header is row 1.", ""]
    return "\n".join(doc)


if __name__ == "__main__":
    OUT.write_text(build(), encoding="utf-8")
