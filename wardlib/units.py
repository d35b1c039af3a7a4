"""Administrative units (tỉnh/thành phố, quận/huyện, phường/xã/thị trấn) and their hierarchy over time.

``units.csv`` has one row per *version* of a unit: codes are reused (since
1 July 2025 code 29869 is Phường Cao Lãnh; before, it was Phường 1), so a
unit is keyed by its code together with its validity dates, never by name
("Phường 4" exists in dozens of cities).

=============== =========================================================
code            official code (required), kept as text: leading zeros count
name            official name, e.g. "Phường 4" (required)
level           province | district | commune (required)
parent_code     code of the unit above; empty for a province (required column)
type            phường, xã, thị trấn, đặc khu, thành phố, tỉnh …
population      number of inhabitants, if known
valid_from      first day the unit existed (YYYY-MM-DD); empty = always
valid_to        last day it existed; empty = still exists
successor_code  the unit it became part of when it ended
=============== =========================================================
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cached_property

import numpy as np
import pandas as pd

from wardlib.findings import Finding
from wardlib.numbers import parse_numbers
from wardlib.tables import RawTable, check_allowed, check_columns, text_column

REQUIRED = ("code", "name", "level", "parent_code")
OPTIONAL = ("type", "population", "valid_from", "valid_to", "successor_code")
LEVELS = ("province", "district", "commune")
SAFE_CODE = r"[0-9A-Za-z_-]{1,32}"  # unit codes become file names
# Names of a period's other pages and folders (OUT/<period>/index.html, overview-866.html, data-docs/ …):
# a unit with such a code would overwrite them. Compared without case: Windows and macOS disks ignore it.
RESERVED_PAGES = ("index", "data_quality", "assets", "analysis", "analysis-parents", "manifest", "findings",
                  "data-docs")
RESERVED_PREFIXES = ("overview-", "trends-")
# Windows device names, which no file may be called, whatever its extension (CON, CON.txt, nul …).
WINDOWS_DEVICES = ("con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)), *(f"lpt{i}" for i in range(10)))
_MIN, _MAX = pd.Timestamp("1900-01-01"), pd.Timestamp("2262-01-01")


@dataclass(frozen=True)
class UnitTable:
    """All unit versions; ``valid_from``/``valid_to`` are filled (open ends become far dates)."""

    table: pd.DataFrame

    @cached_property
    def _by_code(self) -> dict[str, np.ndarray]:
        """code → positions of its versions in ``table`` (built on first use; a national table has
        10,000+ rows and a report asks for a few dozen units)."""
        codes = self.table["code"].astype(str)
        return {c: np.asarray(ix) for c, ix in codes.groupby(codes, sort=False).indices.items()}

    def version_at(self, code: str, when: date | pd.Timestamp) -> pd.Series | None:
        """The version of unit ``code`` valid on ``when``, or ``None``."""
        pos = self._by_code.get(code)
        if pos is None:
            return None
        t = self.table.iloc[pos]
        ts = pd.Timestamp(when)
        hit = t[(t["valid_from"] <= ts) & (t["valid_to"] >= ts)]
        return None if hit.empty else hit.iloc[0]

    def name(self, code: str, when: date | pd.Timestamp) -> str:
        v = self.version_at(code, when)
        return str(v["name"]) if v is not None else code

    def names(self, codes, when: date | pd.Timestamp) -> dict[str, str]:
        """code → name on ``when`` for many codes at once (a code without a version then keeps itself)."""
        t = self.table
        ts = pd.Timestamp(when)
        valid = t[(t["valid_from"] <= ts) & (t["valid_to"] >= ts) & t["code"].isin(list(codes))]
        found = dict(zip(valid["code"].astype(str), valid["name"].astype(str)))
        return {c: found.get(c, c) for c in codes}

    def children(self, code: str, when: date | pd.Timestamp) -> pd.DataFrame:
        """Units directly under ``code`` on ``when``, in code order."""
        t = self.table
        ts = pd.Timestamp(when)
        return t[(t["parent_code"] == code) & (t["valid_from"] <= ts) & (t["valid_to"] >= ts)].sort_values("code")

    def peers(self, code: str, when: date | pd.Timestamp) -> list[str]:
        """Codes of the units sharing ``code``'s parent on ``when``, ``code`` included (its neighbours)."""
        version = self.version_at(code, when)
        if version is None:
            return []
        return self.children(version["parent_code"], when)["code"].tolist()

    def compared_with(self, code: str, period) -> list[str]:
        """The units a report on ``code`` for ``period`` compares it with, itself included, in code order:
        those sharing its parent at the period's end or, for a unit that ended within the period, at
        its start. The one answer to "who is compared with whom": the runner hashes these units' rows
        for the page and the page reads exactly these rows (:mod:`wardlib.inputs`)."""
        return self._peer_map(period.end).get(code) or self._peer_map(period.start).get(code) or []

    def _peer_map(self, when) -> dict[str, list[str]]:
        """unit code → the codes sharing its parent on ``when``, for all units at once (kept per date)."""
        ts = pd.Timestamp(when)
        maps = self.__dict__.setdefault("_peer_maps", {})  # frozen dataclass: a cache beside the fields
        if ts not in maps:
            t = self.table
            v = t[(t["valid_from"] <= ts) & (t["valid_to"] >= ts)].drop_duplicates("code")
            children = v.sort_values("code").groupby("parent_code", sort=False)["code"].agg(list)
            maps[ts] = {c: children.get(p, []) for c, p in zip(v["code"], v["parent_code"])}
        return maps[ts]

    def match_periods(self, keys: pd.DataFrame) -> pd.Series:
        """For rows with ``unit_code``, ``start``, ``end``: whether a version of the unit overlaps the period."""
        t = self.table[["code", "valid_from", "valid_to"]]
        k = keys[["unit_code", "start", "end"]].drop_duplicates()
        m = k.merge(t, left_on="unit_code", right_on="code", how="left")
        m["ok"] = (m["valid_from"] <= m["end"]) & (m["valid_to"] >= m["start"])
        ok = m.groupby(["unit_code", "start", "end"], observed=True)["ok"].any()
        idx = pd.MultiIndex.from_frame(keys[["unit_code", "start", "end"]])
        return pd.Series(ok.reindex(idx).fillna(False).to_numpy(dtype=bool), index=keys.index)


def build_units(raw: RawTable) -> UnitTable | None:
    """Validate ``units.csv``; findings go to ``raw.findings``. ``None`` if unusable."""
    if not check_columns(raw, REQUIRED, OPTIONAL):
        return None
    f = raw.frame
    out = pd.DataFrame({c: text_column(f, c) for c in REQUIRED + OPTIONAL if c not in ("population",)})
    out["_row"] = f["_row"]

    def err(i, column, vi, en):
        raw.findings.append(Finding("error", "contract.units", vi, en, file=raw.file,
                                    row=int(f.at[i, "_row"]), column=column, unit_code=out.at[i, "code"] or None))

    for col in ("code", "name", "level"):
        for i in out.index[out[col].eq("")]:
            err(i, col, f"cột '{col}' không được để trống.", f"column '{col}' must not be empty.")
    # A unit code becomes a file name (reports/<period>/<code>.html): letters, digits, - and _ only.
    for i in out.index[out["code"].ne("") & ~out["code"].str.fullmatch(SAFE_CODE).fillna(False)]:
        err(i, "code", f"mã đơn vị {out.at[i, 'code']!r} chỉ được gồm chữ, số, - và _ (tối đa 32 ký tự).",
            f"unit code {out.at[i, 'code']!r} may only hold letters, digits, - and _ (32 at most).")
    for i in out.index[out["code"].ne("")]:
        why = reserved_code(out.at[i, "code"])
        if why:
            err(i, "code", f"mã đơn vị {out.at[i, 'code']!r} không dùng được: {why[0]}; hãy dùng mã chính thức.",
                f"unit code {out.at[i, 'code']!r} cannot be used: {why[1]}; use the official code.")
    lower = out["code"].str.lower()
    clash = out["code"].ne("") & lower.duplicated(keep=False) & ~out["code"].duplicated(keep=False)
    for i in out.index[clash & ~lower.duplicated(keep="first")]:
        others = sorted(set(out.loc[lower.eq(lower[i]), "code"]) - {out.at[i, "code"]})
        err(i, "code", f"mã {out.at[i, 'code']!r} và {', '.join(map(repr, others))} chỉ khác chữ hoa/thường: trên Windows "
                       "và macOS hai trang báo cáo sẽ ghi đè lên nhau; hãy dùng mã chính thức.",
            f"codes {out.at[i, 'code']!r} and {', '.join(map(repr, others))} differ only in case: on Windows and macOS "
            "their report pages would overwrite each other; use the official codes.")
    out["level"] = check_allowed(raw, "level", LEVELS, "contract.units")
    if "population" in f:
        pop, fs = parse_numbers(f["population"], file=raw.file, column="population", rows=f["_row"])
        raw.findings.extend(fs)
        for i in out.index[pop < 0]:
            err(i, "population", "dân số không thể âm.", "population cannot be negative.")
        out["population"] = pop
    else:
        out["population"] = float("nan")

    for col, fill in (("valid_from", _MIN), ("valid_to", _MAX)):
        parsed = pd.to_datetime(out[col].where(out[col].ne("")), format="%Y-%m-%d", errors="coerce")
        for i in out.index[out[col].ne("") & parsed.isna()]:
            err(i, col, f"'{out.at[i, col]}' không phải ngày dạng YYYY-MM-DD (ví dụ 2025-06-30).",
                f"'{out.at[i, col]}' is not a date written YYYY-MM-DD (e.g. 2025-06-30).")
        out[col] = parsed.fillna(fill)
    for i in out.index[out["valid_from"] > out["valid_to"]]:
        err(i, "valid_to", "ngày kết thúc sớm hơn ngày bắt đầu hiệu lực.", "valid_to is before valid_from.")

    # Versions of one code must not overlap in time.
    s = out[out["code"].ne("")].sort_values(["code", "valid_from"])
    overlap = s["code"].eq(s["code"].shift()) & (s["valid_from"] <= s["valid_to"].shift())
    for i in s.index[overlap]:
        err(i, "valid_from",
            f"mã '{out.at[i, 'code']}' có hai phiên bản cùng hiệu lực; hãy đặt valid_to/valid_from để không chồng lấn.",
            f"code '{out.at[i, 'code']}' has two versions valid at the same time; set valid_to/valid_from so they do not overlap.")
    codes = set(out["code"])
    for col in ("parent_code", "successor_code"):
        for i in out.index[out[col].ne("") & ~out[col].isin(codes)]:
            err(i, col, f"mã '{out.at[i, col]}' không có trong danh sách đơn vị.",
                f"code '{out.at[i, col]}' is not a unit of this table.")
    for i in out.index[out["parent_code"].ne("") & out["parent_code"].eq(out["code"])]:
        err(i, "parent_code", f"đơn vị '{out.at[i, 'code']}' là cấp trên của chính nó: sửa 'parent_code'.",
            f"unit '{out.at[i, 'code']}' is its own parent: correct 'parent_code'.")
    for i, loop in _parent_cycles(out):
        err(i, "parent_code", f"chuỗi cấp trên tạo thành vòng lặp ({' → '.join(loop)}): sửa 'parent_code'.",
            f"the parent links form a cycle ({' → '.join(loop)}): correct 'parent_code'.")
    for i in out.index[out["level"].ne("province") & out["parent_code"].eq("") & out["level"].isin(LEVELS)]:
        err(i, "parent_code", "đơn vị cấp huyện và cấp xã phải có 'parent_code'.",
            "district- and commune-level units need a 'parent_code'.")
    return UnitTable(out.drop(columns="_row").reset_index(drop=True))


def reserved_code(code: str) -> tuple[str, str] | None:
    """Why ``code`` cannot name a report page (Vietnamese, English), or ``None`` if it can.

    >>> reserved_code("29872") is None, reserved_code("Index")[1], reserved_code("com1")[1]
    (True, "it is the name of another page of the reports ('index')", 'it is a Windows device name (COM1)')
    """
    low = code.lower()
    stem = low.split(".", 1)[0]
    if low in RESERVED_PAGES or low.startswith(RESERVED_PREFIXES):
        return (f"trùng tên một trang khác của báo cáo ('{low}')", f"it is the name of another page of the reports ('{low}')")
    if stem in WINDOWS_DEVICES:
        return (f"là tên thiết bị của Windows ({stem.upper()})", f"it is a Windows device name ({stem.upper()})")
    return None


def _parent_cycles(out: pd.DataFrame) -> list[tuple[int, list[str]]]:
    """Rows whose parent links lead back to themselves through other units: one finding per cycle,
    on the row of its smallest code (a unit that is its own parent is reported apart)."""
    parents: dict[str, set[str]] = {}
    for code, parent in zip(out["code"], out["parent_code"]):
        if code and parent and parent != code:
            parents.setdefault(code, set()).add(parent)
    found: list[tuple[int, list[str]]] = []
    seen_cycles: set[frozenset[str]] = set()
    for start in sorted(parents):
        stack = [(start, [start])]
        visited: set[str] = set()
        while stack:
            node, path = stack.pop()
            for nxt in sorted(parents.get(node, ())):
                if nxt == start:
                    key = frozenset(path)
                    if key not in seen_cycles and min(path) == start:
                        seen_cycles.add(key)
                        row = out.index[out["code"].eq(start)][0]
                        found.append((row, [*path, start]))
                elif nxt not in visited and nxt not in path:
                    visited.add(nxt)
                    stack.append((nxt, [*path, nxt]))
    return found
