"""Vietnam's official administrative units before and after the 1 July 2025 reform.

Read from the data files shipped by the ``vietnamadminunits`` package (MIT):
``dataset.db`` (tables ``admin_units_legacy``: 63 provinces, 10,040 communes
under districts; ``admin_units``: 34 provinces, 3,321 communes) and
``converter_2025.json`` (which old communes each new one was formed from,
keyed by name slugs). Only the files are read: importing the package's
converter would pull in geocoding libraries we do not need.
"""

from __future__ import annotations

import json
import sqlite3
from functools import lru_cache
from importlib import resources

import pandas as pd

REFORM_DATE = pd.Timestamp("2025-07-01")  # two-tier local government takes effect
LAST_LEGACY_DAY = "2025-06-30"


def _package_file(name: str):
    return resources.files("vietnamadminunits") / "data" / name


@lru_cache(maxsize=1)
def legacy_units() -> pd.DataFrame:
    """Communes before the reform with their district and province (10,040 rows)."""
    with resources.as_file(_package_file("dataset.db")) as db, sqlite3.connect(db) as con:
        df = pd.read_sql_query(
            "SELECT provinceCode AS province_code, province, provinceKey AS province_key, "
            "districtCode AS district_code, district, districtType AS district_type, districtKey AS district_key, "
            "wardCode AS ward_code, ward, wardType AS ward_type, wardKey AS ward_key "
            "FROM admin_units_legacy", con)
    return df


@lru_cache(maxsize=1)
def current_units() -> pd.DataFrame:
    """Communes since 1 July 2025 with their province (3,321 rows)."""
    with resources.as_file(_package_file("dataset.db")) as db, sqlite3.connect(db) as con:
        df = pd.read_sql_query(
            "SELECT provinceCode AS province_code, province, provinceKey AS province_key, "
            "wardCode AS ward_code, ward, wardType AS ward_type, wardKey AS ward_key FROM admin_units", con)
    return df


@lru_cache(maxsize=1)
def _converter() -> dict:
    return json.loads(_package_file("converter_2025.json").read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def crosswalk() -> pd.DataFrame:
    """Old commune → new commune, one row per pair.

    ``whole`` is True where the old commune went entirely into the new one
    (a new unit formed only by whole merges can have its history rebuilt by
    adding up its predecessors); False where the old commune was split among
    several new ones (``default`` marks the one the package assigns by default).
    """
    conv = _converter()
    old = legacy_units()
    old_code = dict(zip(old["province_key"] + "_" + old["district_key"] + "_" + old["ward_key"], old["ward_code"]))
    new = current_units()
    new_code = dict(zip(zip(new["province_key"], new["ward_key"]), new["ward_code"]))
    rows = []
    for prov, wards in conv["DICT_PROVINCE_WARD_NO_DIVIDED"].items():
        for ward, olds in wards.items():
            for key in olds:
                rows.append((old_code.get(key), new_code.get((prov, ward)), True, True))
    for prov, olds in conv["DICT_PROVINCE_WARD_DIVIDED"].items():
        for key, targets in olds.items():
            for t in targets:
                rows.append((old_code.get(key), new_code.get((prov, t["newWardKey"])), False,
                             bool(t.get("isDefaultNewWard"))))
    cw = pd.DataFrame(rows, columns=["old_code", "new_code", "whole", "default"])
    return cw.dropna(subset=["old_code", "new_code"]).drop_duplicates().reset_index(drop=True)


@lru_cache(maxsize=1)
def province_successors() -> dict[str, str]:
    """Old province code → new province code."""
    old = legacy_units().drop_duplicates("province_key").set_index("province_key")["province_code"]
    new = current_units().drop_duplicates("province_key").set_index("province_key")["province_code"]
    return {old[o]: new[n] for n, olds in _converter()["DICT_PROVINCE"].items() for o in olds if o in old.index}


def units_table(district_codes: list[str] | None = None) -> pd.DataFrame:
    """A ``units.csv`` table: the legacy units (optionally of some districts only), valid until
    30 June 2025, and the post-reform communes and provinces they became part of.

    For the whole country (``district_codes=None``) that is the 10,035 legacy
    communes and all 3,321 current ones: the five special zones (đặc khu)
    formed from former island districts without communes (Bạch Long Vĩ, Cồn
    Cỏ, Hoàng Sa, Lý Sơn, Côn Đảo) are not in the 2025 crosswalk and are added
    as well. Those five districts had no communes: the package gives each a
    commune row with no code and no name, which is left out (the district rows stay).
    """
    old = legacy_units()
    old_districts = old.drop_duplicates("district_code")
    old = old[old["ward_code"].notna() & old["ward_code"].astype(str).str.strip().ne("")]
    if district_codes is not None:
        old = old[old["district_code"].isin(district_codes)]
        old_districts = old_districts[old_districts["district_code"].isin(district_codes)]
    cw = crosswalk()
    cw = cw[cw["old_code"].isin(old["ward_code"])]
    successor = cw.sort_values(["whole", "default"], ascending=False).drop_duplicates("old_code")
    successor = dict(zip(successor["old_code"], successor["new_code"]))
    prov_next = province_successors()
    new = current_units()
    if district_codes is not None:
        new = new[new["ward_code"].isin(cw["new_code"])]

    def row(code, name, level, parent, typ, valid_from="", valid_to="", succ=""):
        return {"code": code, "name": name, "level": level, "parent_code": parent, "type": typ,
                "population": "", "valid_from": valid_from, "valid_to": valid_to, "successor_code": succ}

    rows = []
    for _, p in old.drop_duplicates("province_code").iterrows():
        rows.append(row(p["province_code"], p["province"], "province", "", p["province"].split(" ")[0].lower(),
                        valid_to=LAST_LEGACY_DAY, succ=prov_next.get(p["province_code"], "")))
    for _, d in old_districts.iterrows():
        rows.append(row(d["district_code"], d["district"], "district", d["province_code"],
                        str(d["district_type"]).lower(), valid_to=LAST_LEGACY_DAY))
    for _, w in old.iterrows():
        rows.append(row(w["ward_code"], w["ward"], "commune", w["district_code"], str(w["ward_type"]).lower(),
                        valid_to=LAST_LEGACY_DAY, succ=successor.get(w["ward_code"], "")))
    for _, p in new.drop_duplicates("province_code").iterrows():
        rows.append(row(p["province_code"], p["province"], "province", "", p["province"].split(" ")[0].lower(),
                        valid_from=REFORM_DATE.date().isoformat()))
    for _, w in new.iterrows():
        rows.append(row(w["ward_code"], w["ward"], "commune", w["province_code"], str(w["ward_type"]).lower(),
                        valid_from=REFORM_DATE.date().isoformat()))
    return pd.DataFrame(rows)
