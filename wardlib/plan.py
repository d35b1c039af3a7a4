"""The run's plan: which pages, about which units, reading which rows — as data, before anything renders.

:class:`Units` answers, for all units at once, the questions the plan asks
(names, parents, children, demo data) at the period's end (else its start);
"who is compared with whom" is :meth:`wardlib.units.UnitTable.compared_with`,
the same function the ward report opens its rows with. :func:`parent_members`
is the one answer to "which units' rows does a parent's overview and trends
page read": the runner writes those rows as the parent's cut of the table and
hashes the same rows for the page.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from wardlib.adminunits import REFORM_DATE
from wardlib.findings import WardlibError
from wardlib.loaders import Dataset
from wardlib.periods import Period

PARENTS_DIR = "analysis-parents"  # OUT/<period>/analysis-parents/<parent>.parquet


def plan_units(data: Dataset, period: Period, requested: list[str] | None,
               notes: list[tuple[str, str]] | None = None) -> list[str]:
    """The units to report on: the requested ones, or every commune-level unit with data for the period.

    A requested unit that did not exist during the period stands for the units that covered it then,
    through the crosswalk (:func:`covering`): Phường 4 (29872), asked for 2026-H1, is Phường Cao Lãnh
    (29869), which it became part of on 1 July 2025. Each such step is said in ``notes`` (English,
    Vietnamese), so that one ``--unit`` works for periods on both sides of the reform.
    """
    obs = data.observations
    with_data = sorted(set(obs.loc[obs["period"] == str(period), "unit_code"].astype(str)))
    if not requested:
        communes = set(data.units.table.loc[data.units.table["level"] == "commune", "code"])
        return [u for u in with_data if u in communes]
    have = set(with_data)
    chosen: list[str] = []
    for u in requested:
        instead = covering(data, u, period) if u not in have else []
        instead = [c for c in instead if c in have]
        if instead and notes is not None:
            after = pd.Timestamp(period.start) >= REFORM_DATE
            ours = ", ".join(f"{data.units.name(c, period.end)} ({c})" for c in instead)
            was = f"{data.units.name(u, REFORM_DATE - pd.Timedelta(days=1) if after else REFORM_DATE)} ({u})"
            notes.append((f"{was} did not exist during {period}: "
                          + ("since 1 July 2025 it is part of" if after else "before 1 July 2025 it was made of")
                          + f" {ours}, rendered instead",
                          f"{was} không tồn tại trong kỳ {period}: "
                          + ("từ 01/07/2025 thuộc" if after else "trước 01/07/2025 gồm")
                          + f" {ours}; lập báo cáo của đơn vị đó thay thế"))
        chosen += instead or [u]
    unknown = [u for u in chosen if u not in have]
    if unknown:
        listed = ", ".join(with_data[:20]) + (f" … ({len(with_data):,})" if len(with_data) > 20 else "")
        raise WardlibError(
            f"no data for unit(s) {', '.join(unknown[:20])} in {period}; units with data: {listed or 'none'}",
            f"không có số liệu của đơn vị {', '.join(unknown[:20])} trong kỳ {period}; "
            f"các đơn vị có số liệu: {listed or 'không có'}")
    return list(dict.fromkeys(chosen))


def covering(data: Dataset, code: str, period: Period) -> list[str]:
    """The units that covered unit ``code`` during ``period`` when it did not exist then: after the
    1 July 2025 reform the units it went into, before it the units it was made of (the crosswalk);
    ``[]`` when it existed, or has no link."""
    cw = data.crosswalk
    if cw is None or cw.empty or data.units.version_at(code, period.start) is not None \
            or data.units.version_at(code, period.end) is not None:
        return []
    after = pd.Timestamp(period.start) >= REFORM_DATE
    links = cw.loc[cw["old_code" if after else "new_code"].astype(str) == code, "new_code" if after else "old_code"]
    return sorted(set(links.astype(str)))


class Units:
    """Names, parents, neighbours and demo-data flags of all units at once (the period's end, else its start)."""

    def __init__(self, data: Dataset, p: Period):
        self.data, self.p = data, p
        t = data.units.table
        self._at = []
        for when in (p.end, p.start):
            ts = pd.Timestamp(when)
            v = t[(t["valid_from"] <= ts) & (t["valid_to"] >= ts)].drop_duplicates("code").set_index("code")
            self._at.append(v)
        obs = data.observations
        self._syn = obs.loc[obs["period"] == str(p)].groupby(obs["unit_code"].astype(str))["synthetic"].any()

    def _version(self, code: str, end_only: bool = False):
        for v in self._at[:1] if end_only else self._at:
            if code in v.index:
                return v.loc[code]
        return None

    def name(self, code: str) -> str:
        v = self._version(code, end_only=True)
        return str(v["name"]) if v is not None else (code or "")

    def parent_code(self, code: str) -> str:
        v = self._version(code, end_only=True)
        return str(v["parent_code"]) if v is not None and v["parent_code"] else ""

    def children(self, parent: str) -> list[str]:
        v = self._at[0]
        return v.index[v["parent_code"] == parent].tolist()

    def synthetic(self, codes: list[str]) -> dict[str, bool]:
        """Whether each unit's report shows demo data: its own rows or those of the units it is compared with."""
        syn = self._syn
        return {c: bool(syn.reindex([c, *self.data.units.compared_with(c, self.p)]).fillna(False).any()) for c in codes}


def parent_path(folder: Path, parent: str) -> Path:
    return folder / PARENTS_DIR / f"{parent}.parquet"


def parent_members(table: pd.DataFrame, parents: list[str], units: Units) -> dict[str, list[str]]:
    """Per parent, the units whose rows (of every period) its overview and trends pages read: those under
    it now or in the table. A row's unit and parent are those of its unit version (``uid``, the row of
    units.csv), so the pairs are read from the versions present rather than from the table's millions of
    rows (a national table: 9 s by its columns, a fraction of a second by its versions)."""
    if "uid" in table.columns:
        versions = units.data.units.table.reset_index(drop=True)
        present = np.unique(table["uid"].to_numpy())
        codes = versions["code"].astype(str).to_numpy()[present]
        parent_of = pd.Series(versions["parent_code"].astype(str).to_numpy()[present], dtype="string").fillna("")
    else:  # a table without unit versions: its own columns
        codes = table["unit_code"].astype(str).to_numpy()
        parent_of = pd.Series(table["parent_code"].to_numpy(), dtype="string").fillna("")
    codes_of = pd.Series(codes).groupby(parent_of.to_numpy(), sort=False).unique()
    out = {}
    for parent in parents:
        mine = set(codes_of[parent]) if parent in codes_of.index else set()
        out[parent] = sorted(mine | set(units.children(parent)))
    return out


def write_parent_cuts(table: pd.DataFrame, members: dict[str, list[str]], folder: Path) -> None:
    """Per parent, the rows of its members (:func:`parent_members`), by unit: what its pages read."""
    from wardlib.analysis import write_table

    codes_col = table["unit_code"]
    if not isinstance(codes_col.dtype, pd.CategoricalDtype):
        codes_col = codes_col.astype(str).astype("category")
    names, codes = codes_col.cat.categories.astype(str), codes_col.cat.codes.to_numpy()
    for parent, mine in members.items():
        keep = np.isin(codes, np.flatnonzero(names.isin(mine)))
        write_table(by_unit(table[keep]), parent_path(folder, parent))


def by_unit(t: pd.DataFrame) -> pd.DataFrame:
    """Rows ordered by unit (stable), so that one unit's rows sit in few Parquet row groups."""
    return t.iloc[t["unit_code"].astype(str).argsort(kind="stable")].reset_index(drop=True)


