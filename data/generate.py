"""Rebuild the generated parts of the embedded dataset. Seeded: the same output every run.

    python data/generate.py

Writes
- ``units.csv``: Thành phố Cao Lãnh (district 866) of Tỉnh Đồng Tháp and its 13
  wards and communes, with their 1 July 2025 successors, from the
  ``vietnamadminunits`` data (never typed by hand);
- ``crosswalk.csv``: which of those units went into which new unit on
  1 July 2025, whole or split (from ``vietnamadminunits``);
- ``observations/synthetic-tp-cao-lanh.csv``: DEMO data (``source = synthetic``)
  shaped on the real figures of Phường 4 (29872) in
  ``observations/phuong-4-2024.csv``: the 13 units of TP Cao Lãnh for
  2023-H1, 2023, 2024-H1, 2024-H2 and 2025-H1, and the three units they
  became on 1 July 2025 for 2025-H2 and 2026-H1, each sized as the sum of its
  predecessors so that trends across the reform look plausible. Real rows are
  never overwritten.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from wardlib import adminunits
from wardlib.demo import synthetic_observations
from wardlib.loaders import load_dataset

HERE = Path(__file__).resolve().parent
SEED = 20240630
DISTRICT = "866"  # Thành phố Cao Lãnh
TEMPLATE_UNIT, TEMPLATE_PERIOD = "29872", "2024-H1"  # Phường 4, the seed report
PERIODS = ["2023-H1", "2023", "2024-H1", "2024-H2", "2025-H1"]  # before the reform
NEW_PERIODS = ["2025-H2", "2026-H1"]  # the units formed on 1 July 2025
SYNTHETIC_FILE = HERE / "observations" / "synthetic-tp-cao-lanh.csv"


def main() -> None:
    units = adminunits.units_table([DISTRICT])
    units.loc[units["code"].eq(TEMPLATE_UNIT) & units["valid_to"].ne(""), "population"] = ""
    units.to_csv(HERE / "units.csv", index=False)
    old = units.loc[units["valid_to"].ne(""), "code"]
    crosswalk = adminunits.crosswalk()
    crosswalk = crosswalk[crosswalk["old_code"].isin(old)][["old_code", "new_code", "whole"]]
    crosswalk.assign(whole=crosswalk["whole"].map({True: "true", False: "false"})).to_csv(
        HERE / "crosswalk.csv", index=False)

    SYNTHETIC_FILE.unlink(missing_ok=True)  # regenerate from the real rows alone
    demo = synthetic_rows(load_dataset(HERE))
    demo.to_csv(SYNTHETIC_FILE, index=False)
    print(f"wrote {len(units)} units, {len(crosswalk)} crosswalk pairs and {len(demo)} synthetic rows")


def synthetic_rows(data) -> pd.DataFrame:
    """The demo rows for ``data``, made from its real (non-synthetic) rows only."""
    real = data.observations[~data.observations["synthetic"]]
    template = real[(real["unit_code"] == TEMPLATE_UNIT) & (real["period"] == TEMPLATE_PERIOD)]
    units = data.units.table
    communes = units[(units["level"] == "commune") & (units["valid_to"] < "2025-07-01")]["code"].tolist()
    rng = np.random.default_rng(SEED)
    sizes = {code: 1.0 if code == TEMPLATE_UNIT else float(rng.uniform(0.85, 1.2)) for code in communes}
    before = synthetic_observations(template, data.catalog, communes, PERIODS, seed=SEED, existing=real,
                                    sizes=sizes)
    new_units = units[(units["level"] == "commune") & (units["valid_from"] >= "2025-07-01")]["code"].tolist()
    # A merged unit is the size of its predecessors together: its trend runs on across the reform.
    whole = data.crosswalk[data.crosswalk["whole"].astype(bool)]
    merged = {new: sum(sizes.get(old, 1.0) for old in g["old_code"]) for new, g in whole.groupby("new_code")}
    after = synthetic_observations(template, data.catalog, new_units, NEW_PERIODS, seed=SEED + 1,
                                   sizes={code: float(merged.get(code, 1.0)) for code in new_units})
    return pd.concat([before, after], ignore_index=True)

if __name__ == "__main__":
    main()
