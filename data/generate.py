"""Rebuild the generated parts of the embedded dataset. Seeded: the same output every run.

    python data/generate.py

Writes
- ``units.csv``: Thành phố Cao Lãnh (district 866) of Tỉnh Đồng Tháp and its 13
  wards and communes, with their 1 July 2025 successors, from the
  ``vietnamadminunits`` data (never typed by hand);
- ``observations/synthetic-tp-cao-lanh.csv``: DEMO data (``source = synthetic``)
  for the other units of TP Cao Lãnh and for the periods 2023-H1, 2023 and
  2024-H1, shaped on the real figures of Phường 4 (29872) in
  ``observations/phuong-4-2024.csv``. Real rows are never overwritten.
"""

from __future__ import annotations

from pathlib import Path

from wardlib import adminunits
from wardlib.demo import synthetic_observations
from wardlib.loaders import load_dataset

HERE = Path(__file__).resolve().parent
SEED = 20240630
DISTRICT = "866"  # Thành phố Cao Lãnh
TEMPLATE_UNIT, TEMPLATE_PERIOD = "29872", "2024-H1"  # Phường 4, the seed report
PERIODS = ["2023-H1", "2023", "2024-H1"]
SYNTHETIC_FILE = HERE / "observations" / "synthetic-tp-cao-lanh.csv"


def main() -> None:
    units = adminunits.units_table([DISTRICT])
    units.loc[units["code"].eq(TEMPLATE_UNIT) & units["valid_to"].ne(""), "population"] = ""
    units.to_csv(HERE / "units.csv", index=False)

    SYNTHETIC_FILE.unlink(missing_ok=True)  # regenerate from the real rows alone
    data = load_dataset(HERE)
    real = data.observations
    template = real[(real["unit_code"] == TEMPLATE_UNIT) & (real["period"] == TEMPLATE_PERIOD)]
    communes = units[(units["level"] == "commune") & units["valid_to"].ne("")]["code"].tolist()
    demo = synthetic_observations(template, data.catalog, communes, PERIODS, seed=SEED, existing=real)
    demo.to_csv(SYNTHETIC_FILE, index=False)
    print(f"wrote {len(units)} units and {len(demo)} synthetic rows to {SYNTHETIC_FILE.relative_to(HERE)}")


if __name__ == "__main__":
    main()
