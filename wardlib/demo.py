"""Synthetic demo data: plausible, seeded, and always labelled as such.

Demo rows take the shape of a real unit's figures (the template unit) and
scale them to other units and periods with seeded noise, keeping complete
breakdowns adding up to their parent and parts within their whole. Every row
has ``source = synthetic`` and a note saying it is not real, and reports
that show such rows carry the "Dữ liệu minh họa" banner.
"""

from __future__ import annotations

import dataclasses
import shutil
import tempfile
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

from wardlib.adminunits import REFORM_DATE, units_table
from wardlib.catalog import Catalog
from wardlib.loaders import KEY, SYNTHETIC_SOURCE, Dataset, load_dataset
from wardlib.paths import default_data_dir
from wardlib.periods import Period, period_table

NOTE = "Dữ liệu minh họa (synthetic), không phải số liệu thật — demo data, not real figures"
DEMO_STATUSES = ("Đang thực hiện", "Hoàn thành")


def synthetic_observations(
    template: pd.DataFrame,
    catalog: Catalog,
    unit_codes: list[str],
    periods: list[str],
    *,
    seed: int,
    existing: pd.DataFrame | None = None,
    sizes: dict[str, float] | None = None,
) -> pd.DataFrame:
    """Demo observations for ``unit_codes`` × ``periods``, shaped on ``template``.

    ``template`` holds one real unit's rows for one half-year period
    (columns indicator, value, target, reported_pct, status, unit). Keys
    present in ``existing`` are skipped, so real figures are never shadowed.
    Each unit's size relative to the template is drawn at random unless
    ``sizes`` fixes it (the template unit itself is 1; a merged unit the sum
    of its predecessors).
    """
    rng = np.random.default_rng(seed)
    cat = catalog.table
    base = template.set_index("indicator")
    base = base[base.index.isin(cat.index) & cat.reindex(base.index)["numerator"].eq("")]
    kind = cat.loc[base.index, "kind"]
    agg = cat.loc[base.index, "aggregation"]
    decimals = cat.loc[base.index, "decimals"]
    frames = []
    # Units' sizes and the figures' noise are spread so that no clean figure trips a check: none an
    # outlier among its neighbours, no stock moving by a third in a year, no flow tripling. A stock
    # (aggregation "last") keeps its unit's own level from period to period.
    sizes = {**dict(zip(unit_codes, rng.uniform(0.85, 1.2, len(unit_codes)))), **(sizes or {})}
    stock = agg.eq("last").to_numpy()
    level = {code: rng.lognormal(0.0, 0.05, len(base)) for code in unit_codes}  # the unit's own, kept
    counted = kind.isin(["count", "amount"]).to_numpy()
    for period_text in periods:
        period = Period.parse(period_text)
        # A year report covers about twice what a half-year does; earlier years were a little smaller.
        span = {"year": 2.0, "half": 1.0, "quarter": 0.5, "month": 1 / 6}[period.kind]
        trend = 1.0 - 0.08 * (2024 - period.year)
        grid = np.empty((len(unit_codes), len(base)))
        for u, code in enumerate(unit_codes):
            noise = level[code] * rng.lognormal(0.0, np.where(stock, 0.01, 0.05))
            scale = np.where(agg.eq("sum"), span, 1.0) * trend * sizes[code] * noise
            grid[u] = base["value"].to_numpy() * np.where(counted, scale, 1.0)
        if len(unit_codes) >= 5:  # enough neighbours for the outlier check to judge them
            _near_peers(grid[None], np.where(counted, kind.to_numpy(), ""), list(range(len(base))))
        for u, code in enumerate(unit_codes):
            size = sizes[code]
            value = grid[u]
            pct_like = kind.isin(["percent", "score"]).to_numpy()
            value = np.where(pct_like, np.clip(base["value"].to_numpy() + rng.normal(0, 4, len(base)), 0, 100), value)
            target = base["target_value"].to_numpy() * np.where(counted, trend * size, 1.0)
            frame = pd.DataFrame({
                "unit_code": code, "period": str(period), "indicator": base.index,
                "value": value, "target_value": target, "status": base["status"].to_numpy(),
                "target_op": base["target_op"].astype("string").fillna("").to_numpy(),
            })
            frame = _round(frame, kind.to_numpy(), decimals.to_numpy())
            frame = _respect_breakdowns(frame, cat)
            undone = frame["status"].ne("") & frame["value"].isna()
            frame.loc[undone, "status"] = rng.choice(DEMO_STATUSES, int(undone.sum()))
            frames.append(frame)
    out = pd.concat(frames, ignore_index=True)
    out = _rank(out, cat, existing)
    out = _finish(out, cat)
    if existing is not None and len(existing):
        have = pd.MultiIndex.from_frame(existing[KEY].astype(str))
        out = out[~pd.MultiIndex.from_frame(out[KEY].astype(str)).isin(have)]
    return out.reset_index(drop=True)


def _round(frame: pd.DataFrame, kind, decimals) -> pd.DataFrame:
    money = kind == "amount"
    frame["value"] = np.where(money, np.round(frame["value"] / 1000) * 1000,
                              [round(v, int(d)) if pd.notna(v) else v for v, d in zip(frame["value"], decimals)])
    frame["target_value"] = np.where(money, np.round(frame["target_value"] / 1e6) * 1e6,
                                     np.ceil(frame["target_value"].fillna(np.nan)))
    return frame


def _respect_breakdowns(frame: pd.DataFrame, cat: pd.DataFrame) -> pd.DataFrame:
    """Parents of breakdowns become the sum of their parts; parts never exceed their whole.

    A total with several breakdowns (dossiers by timeliness and by channel)
    takes the first one's sum; the parts of the others are rescaled to it,
    whole numbers kept, the rounding remainder going to the last part.
    """
    f = frame.set_index("indicator")
    info = cat.reindex(f.index)
    complete = info[info["breakdown"].ne("") & info["parent"].isin(f.index)]
    for parent, lines in complete.groupby("parent", sort=False):
        total = None
        for _, parts in lines.groupby("breakdown", sort=False):
            values = f.loc[parts.index, "value"]
            if values.isna().all():
                continue
            if total is None:
                total = values.sum()
                f.loc[parent, "value"] = total
                continue
            scaled = (values / values.sum() * total).round() if values.sum() > 0 else values
            scaled.iloc[-1] += total - scaled.sum()
            f.loc[parts.index, "value"] = scaled
    partial = info[info["breakdown"].eq("") & info["parent"].isin(f.index)]
    for code, parent in partial["parent"].items():
        f.loc[code, "value"] = min(f.loc[code, "value"], f.loc[parent, "value"])
    return f.reset_index()


def _rank(out: pd.DataFrame, cat: pd.DataFrame, existing: pd.DataFrame | None) -> pd.DataFrame:
    """Rank lines are made consistent: the best paired score gets the best free place.

    Places a real unit already holds in ``existing`` (Phường 4 ranked 1st) stay
    its own; the demo units share the others in the order of their scores.
    """
    ranks = cat.index[cat["kind"].eq("rank")]
    scores = cat.index[cat["kind"].eq("score")]
    for rank in ranks:
        score = next((s for s in scores if s.split("_")[:2] == rank.split("_")[:2]), None)
        if score is None:
            continue
        for period, grp in out[out["indicator"].eq(score)].groupby("period"):
            taken = set()
            if existing is not None and len(existing):
                real = existing[(existing["indicator"].astype(str) == rank) & (existing["period"].astype(str) == period)]
                taken = set(real["value"].dropna().astype(int))
                grp = grp[~grp["unit_code"].isin(set(real["unit_code"].astype(str)))]
            free = [r for r in range(1, len(grp) + len(taken) + 1) if r not in taken]
            order = grp.set_index("unit_code")["value"].rank(ascending=False, method="first").astype(int)
            place = order.map(lambda k: free[k - 1])  # noqa: B023 (mapped here, within this iteration)
            sel = out["indicator"].eq(rank) & out["period"].eq(period)
            out.loc[sel, "value"] = out.loc[sel, "unit_code"].map(place).to_numpy()
    return out


def _finish(out: pd.DataFrame, cat: pd.DataFrame) -> pd.DataFrame:
    has_target = out["target_value"].notna()
    out["target"] = np.where(has_target, out["target_op"] + out["target_value"].map(lambda v: f"{v:.15g}"), "")
    achieved = out["value"] / out["target_value"] * 100
    # Reports state "đạt X% dự toán" of the year-to-date: only periods starting in January have it alone.
    from_january = out["period"].map(lambda p: Period.parse(p).first_month == 1)
    stated = (has_target & out["target_op"].eq("") & from_january
              & cat.reindex(out["indicator"])["kind"].isin(["amount"]).to_numpy())
    out["reported_pct"] = np.where(stated & out["target_value"].gt(0), achieved.round(1), np.nan)
    out["unit"] = ""
    out["note"] = NOTE
    out["source"] = SYNTHETIC_SOURCE
    out["value"] = out["value"].map(lambda v: "" if pd.isna(v) else f"{v:.15g}")
    out["reported_pct"] = out["reported_pct"].map(lambda v: "" if pd.isna(v) else f"{v:g}")
    return out[["unit_code", "period", "indicator", "value", "target", "reported_pct", "status", "unit", "note", "source"]]


# -- national scale: every commune of Vietnam, generated with numpy --------------------------------------

DEFAULT_PERIODS = [f"2025-{m:02d}" for m in range(7, 13)] + [f"2026-{m:02d}" for m in range(1, 7)]
PENDING = "Đang thực hiện"  # status of a row whose value is not reported yet


def default_periods() -> list[str]:
    """The 12 months after the reform: 2025-07 … 2026-06."""
    return list(DEFAULT_PERIODS)


def national_units_table() -> pd.DataFrame:
    """``units.csv`` for all of Vietnam: :func:`wardlib.adminunits.units_table` for every district
    (10,035 legacy communes valid until 30 June 2025, all 3,321 current ones since 1 July 2025)."""
    return units_table()


LEGACY_PERIODS = [f"2024-{m:02d}" for m in range(7, 13)] + [f"2025-{m:02d}" for m in range(1, 7)]


def _categorical(codes_in_order: np.ndarray, labels: list[str]) -> pd.Categorical:
    """What ``Series(labels[codes], dtype="string").astype("category")`` gives: categories sorted."""
    labels = np.asarray(labels, dtype=object)
    order = np.argsort(labels, kind="stable")
    rank = np.empty(len(labels), dtype=np.int64)
    rank[order] = np.arange(len(labels))
    cats = pd.Index(labels[order].tolist(), dtype="string")
    return pd.Categorical.from_codes(rank[codes_in_order], dtype=pd.CategoricalDtype(cats))


def select_indicators(catalog: pd.DataFrame, n_indicators: int) -> list[str]:
    """``n_indicators`` non-rate indicators in catalog order: every rate's numerator and
    denominator (so rates get computed), then the first other non-rate ones."""
    inputs = catalog[catalog["numerator"].eq("")]
    if not 1 <= n_indicators <= len(inputs):
        raise ValueError(f"n_indicators must be between 1 and {len(inputs)}, not {n_indicators}")
    rates = catalog[catalog["numerator"].ne("")]
    parts = list(dict.fromkeys(rates["numerator"].tolist() + rates["denominator"].tolist()))
    parts = [p for p in parts if p in inputs.index][:n_indicators]
    others = [c for c in inputs.index if c not in parts][: n_indicators - len(parts)]
    chosen = set(parts) | set(others)
    return [c for c in inputs.index if c in chosen]


def _skeleton(root: Path, units_csv: pd.DataFrame, first_unit: str, first_period: str,
              indicators: list[str]) -> None:
    """A dataset folder: embedded catalog, national units, a few observation rows that exercise
    every typed column (targets with and without an operator, a stated percentage)."""
    src = default_data_dir()
    for name in ("indicators.csv", "sections.csv"):
        if (src / name).is_file():
            shutil.copyfile(src / name, root / name)
    units_csv.to_csv(root / "units.csv", index=False)
    (root / "observations").mkdir()
    rows = []
    for j, code in enumerate(indicators[:4]):
        target = ["", "10", ">5", "2e+09"][j]
        rows.append({"unit_code": first_unit, "period": first_period, "indicator": code,
                     "value": str(j + 1), "target": target, "reported_pct": "55.4" if j == 1 else "",
                     "status": "", "unit": "", "note": NOTE, "source": SYNTHETIC_SOURCE})
    pd.DataFrame(rows).to_csv(root / "observations" / "skeleton.csv", index=False)


def _check_like(obs: pd.DataFrame, reference: pd.DataFrame) -> None:
    """Same columns, in the same order, with the same dtypes as the loader's frame."""
    if list(obs.columns) != list(reference.columns):
        raise AssertionError(f"columns differ from the loader's: {list(obs.columns)} != {list(reference.columns)}")
    for col in obs.columns:
        mine, theirs = obs[col].dtype, reference[col].dtype
        if isinstance(theirs, pd.CategoricalDtype):
            same = (isinstance(mine, pd.CategoricalDtype)
                    and mine.categories.dtype == theirs.categories.dtype and mine.ordered == theirs.ordered)
        else:
            same = mine == theirs
        if not same:
            raise AssertionError(f"column {col!r}: dtype {mine!r} differs from the loader's {theirs!r}")


#: The faults write_dataset plants in demo data for the checks to show (one of each, in the last period,
#: each in its own commune), listed in the dataset's planted.csv: kind → the rule that must find it.
PLANTED = {"pct_stated": "check.pct_stated", "breakdown_sum": "check.breakdown_sum",
           "part_exceeds_whole": "check.part_exceeds_whole", "scale_slip": "check.scale_slip",
           "outlier_peers": "check.outlier_peers"}
PLANTED_ERRORS = len(PLANTED)  # how many faults a demo dataset holds (the benchmarks' name)
PLANTED_FILE = "planted.csv"
PLANTED_COLUMNS = ["unit_code", "period", "indicator", "kind", "rule", "what_vi", "what_en"]


def read_planted(root: str | Path) -> pd.DataFrame | None:
    """The faults a demo dataset lists in its planted.csv; None when it has none (real data)."""
    path = Path(root) / PLANTED_FILE
    if not path.is_file():
        return None
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def plant_faults(obs: pd.DataFrame, catalog: pd.DataFrame, seed: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A few faults planted in demo observations, one of each :data:`PLANTED` kind, each in its own
    commune in the last period; returns the changed observations and the list of what was planted.

    The rows chosen are ones where only the planted rule can fire: a stated percentage moved by 5
    points; a complete breakdown's total raised by 7; a part with no breakdown set to twice its whole;
    an amount ×1,000; a count ×10 among its neighbours.
    """
    rng = np.random.default_rng(seed + 7)
    obs = obs.copy()
    last = obs["period"].cat.categories[-1] if isinstance(obs["period"].dtype, pd.CategoricalDtype) \
        else sorted(obs["period"].unique())[-1]
    in_last = (obs["period"] == last).to_numpy()
    units = sorted(obs.loc[in_last, "unit_code"].astype(str).unique())
    order = [units[i] for i in rng.permutation(len(units))]
    indicator = obs["indicator"].astype(str)
    unit = obs["unit_code"].astype(str)
    value = obs["value"].to_numpy(dtype=float, na_value=np.nan).copy()
    stated = obs["reported_pct"].to_numpy(dtype=float, na_value=np.nan).copy()
    present = set(indicator[in_last].unique())
    cat = catalog
    complete = cat[cat["breakdown"].ne("") & cat["parent"].isin(present)]
    complete = complete[complete.index.isin(present)]
    partial = cat[cat["breakdown"].eq("") & cat["parent"].ne("") & cat.index.isin(present)
                  & cat["parent"].isin(present) & ~cat["parent"].isin(complete["parent"])]
    amounts = [c for c in cat.index[cat["kind"].eq("amount") & cat["parent"].eq("")] if c in present]
    counts = [c for c in cat.index[cat["kind"].eq("count") & cat["parent"].eq("") & ~cat.index.isin(cat["parent"])
                                  & cat["numerator"].eq("")] if c in present
              and c not in set(cat["numerator"]) | set(cat["denominator"])]
    planted = []
    judged = indicator.map(cat["direction"]).ne("down").to_numpy()  # a lower-is-better line's % is not judged

    def at(code: str, ind: str) -> int | None:
        hit = np.flatnonzero(in_last & (unit == code).to_numpy() & (indicator == ind).to_numpy())
        return int(hit[0]) if len(hit) and not np.isnan(value[hit[0]]) else None

    def record(code, ind, kind, vi, en):
        planted.append({"unit_code": code, "period": str(last), "indicator": ind, "kind": kind,
                        "rule": PLANTED[kind], "what_vi": vi, "what_en": en})

    free = iter(order)
    for kind in PLANTED:
        for code in free:
            if kind == "pct_stated":
                rows = np.flatnonzero(in_last & (unit == code).to_numpy() & ~np.isnan(stated) & judged)
                if not len(rows):
                    continue
                i = int(rows[0])
                stated[i] = round(stated[i] + 5.0, 1)
                record(code, indicator.iloc[i], kind, "tỷ lệ nêu trong báo cáo tăng thêm 5 điểm",
                       "the stated percentage raised by 5 points")
            elif kind == "breakdown_sum":
                parent = complete["parent"].iloc[0] if len(complete) else None
                i = at(code, parent) if parent else None
                if i is None:
                    continue
                value[i] += 7
                record(code, parent, kind, "tổng tăng thêm 7 nên các thành phần không cộng đúng",
                       "the total raised by 7, so its parts no longer add up")
            elif kind == "part_exceeds_whole":
                if not len(partial):
                    break
                part, whole = partial.index[0], partial["parent"].iloc[0]
                i, j = at(code, part), at(code, whole)
                if i is None or j is None:
                    continue
                value[i] = value[j] * 2
                record(code, part, kind, "thành phần bằng hai lần tổng", "the part set to twice its whole")
            elif kind == "scale_slip":
                i = at(code, amounts[0]) if amounts else None
                if i is None:
                    continue
                value[i] *= 1000
                stated[i] = np.nan  # the slip alone, not also a stated percentage to correct
                record(code, amounts[0], kind, "số tiền ghi gấp 1.000 lần (nhầm đồng và nghìn đồng)",
                       "the amount written 1,000 times too large (đồng and thousand đồng mixed up)")
            elif kind == "outlier_peers":
                i = at(code, counts[0]) if counts else None
                if i is None:
                    continue
                value[i] = value[i] * 10
                stated[i] = np.nan
                record(code, counts[0], kind, "số đếm gấp 10 lần các đơn vị cùng cấp",
                       "the count made 10 times its neighbours'")
            break
    obs["value"] = value
    obs["reported_pct"] = stated
    return obs, pd.DataFrame(planted, columns=PLANTED_COLUMNS)


def _near_peers(value: np.ndarray, kind: np.ndarray, columns: list[int], groups: np.ndarray | None = None) -> None:
    """Bring counts and amounts of the grid [period, unit, indicator] within a modified z-score of 1.5
    of the period's median, in place, so that no clean figure is flagged as an outlier (3.5).

    Small counts rounded to whole numbers stray easily (the median absolute deviation of 17, 18,
    19 … is 1), and the check sees a slightly different MAD than this one once a few figures are
    missing: hence the margin.
    """
    free = [j for j in columns if kind[j] in ("count", "amount")]
    if not free:
        return
    if groups is not None:  # the check compares the units of one parent: so is each group brought in
        for g in np.unique(groups):
            units = np.flatnonzero(groups == g)
            part = value[:, units, :]
            _near_peers(part, kind, columns)
            value[:, units, :] = part
        return
    v = value[:, :, free]
    with warnings.catch_warnings():  # a line no unit has a figure for has no median: left as it is
        warnings.simplefilter("ignore", RuntimeWarning)
        med = np.nanmedian(v, axis=1, keepdims=True)
        mad = np.nanmedian(np.abs(v - med), axis=1, keepdims=True)
    counts = kind[free] == "count"
    # A count's MAD is taken smaller (half of it below 2, else one less): a few missing figures can move
    # it from 2 to 1, or from 1 to 0.5, at the check; and its bounds are rounded inwards.
    m = np.where(counts, np.where(mad < 2, mad / 2, mad - 1), mad)
    reach = 1.5 * m / 0.6745
    lo, hi = med - reach, med + reach
    clipped = np.clip(v, lo, hi)
    whole = np.where(counts, np.where(v < lo, np.ceil(clipped), np.where(v > hi, np.floor(clipped), v)),
                     np.where(v < lo, np.ceil(clipped / 1000) * 1000,
                              np.where(v > hi, np.floor(clipped / 1000) * 1000, v)))  # amounts: whole thousands
    value[:, :, free] = np.where(np.isnan(med), v, whole)  # a MAD of 0 too: the check's can be 0.5


def national_dataset(periods: list[str] | None = None, n_indicators: int = 120, seed: int = 20240630,
                     units: int | None = None, *, before_reform: bool = False,
                     unit_codes: list[str] | None = None) -> Dataset:
    """A synthetic Dataset: current communes × ``n_indicators`` indicators × ``periods``.

    ``units`` keeps only the first that many current communes (in code order);
    ``None`` keeps all 3,321. Periods default to the 12 months 2025-07 … 2026-06;
    every period must lie after the 1 July 2025 reform (the current communes
    exist only since then). ``before_reform=True``: the 10,035 communes before
    the reform instead, periods by default the 12 months 2024-07 … 2025-06.
    ``unit_codes`` names the communes to generate (one province's, say)
    instead. The rows are ordered period, unit, indicator, as if each month
    came in one file. ``root`` names the temporary folder the catalog and
    units were loaded from; it is gone once this returns.
    """
    if periods is None:
        periods = list(LEGACY_PERIODS) if before_reform else default_periods()
    periods = list(periods)
    ptab = period_table(periods)
    if len(ptab) != len(periods):
        raise ValueError(f"not all of {periods} are periods")
    period_codes = list(dict.fromkeys(ptab["period"]))
    rng = np.random.default_rng(seed)

    units_csv = national_units_table()
    communes = units_csv["level"].eq("commune")
    current = units_csv[communes & (units_csv["valid_to"].ne("") if before_reform else units_csv["valid_from"].ne(""))]
    unit_codes = sorted(current["code"]) if unit_codes is None else sorted(set(unit_codes))
    if units is not None:
        if not 1 <= units <= len(unit_codes):
            raise ValueError(f"units must be between 1 and {len(unit_codes)}, not {units}")
        unit_codes = unit_codes[:units]

    with tempfile.TemporaryDirectory(prefix="wardlib-bench-") as tmp:
        root = Path(tmp)
        listed = pd.read_csv(default_data_dir() / "indicators.csv", dtype=str, keep_default_na=False)
        plain = listed.loc[listed["numerator"].str.strip().eq(""), "code"].str.strip().tolist()
        _skeleton(root, units_csv, unit_codes[0], period_codes[0], plain)
        base = load_dataset(root)
    cat = base.catalog.table
    indicators = select_indicators(cat, n_indicators)

    # Every (unit, period) must exist according to units.csv: the loader's own check.
    pt = ptab.drop_duplicates("period").set_index("period")
    pairs = pd.DataFrame({"unit_code": np.repeat(unit_codes, len(period_codes)),
                          "period": np.tile(period_codes, len(unit_codes))})
    keys = pd.DataFrame({"unit_code": pairs["unit_code"], "start": pairs["period"].map(pt["start"]),
                         "end": pairs["period"].map(pt["end"])})
    exists = base.units.match_periods(keys)
    if not exists.all():
        bad = pairs[~exists.to_numpy()].iloc[0]
        raise ValueError(f"unit {bad['unit_code']} does not exist in {bad['period']}: use periods "
                         + (f"before {REFORM_DATE.date()}" if before_reform else f"after {REFORM_DATE.date()}"))

    P, U, I = len(period_codes), len(unit_codes), len(indicators)
    info = cat.loc[indicators]
    kind = info["kind"].to_numpy(dtype=object)
    agg = info["aggregation"].to_numpy(dtype=object)
    direction = info["direction"].to_numpy(dtype=object)

    # -- values: a grid [period, unit, indicator] --------------------------------------------
    # How big each commune is, and each figure's noise: spread so that no clean figure is an outlier
    # among its neighbours (modified z-score 3.5): the checks find what write_dataset plants, nothing else.
    size = rng.uniform(0.85, 1.2, U)[None, :, None]
    noise = rng.lognormal(0.0, 0.05, (P, U, I))
    count_scale = np.round(rng.lognormal(np.log(60), 1.2, I))  + 1  # a typical month of each count
    amount_scale = rng.lognormal(np.log(2e9), 1.0, I)
    level = np.select([kind == "count", kind == "amount"], [count_scale, amount_scale], 1.0)
    value = level[None, None, :] * size * noise
    value = np.where(kind == "count", np.round(value), value)
    value = np.where(kind == "amount", np.round(value / 1000) * 1000, value)
    pct_mean = rng.uniform(40, 95, I)
    pct = np.clip(pct_mean[None, None, :] + rng.normal(0, 5, (P, U, I)), 0, 100)
    value = np.where(kind == "percent", np.round(pct, 1), value)
    value = np.where(np.isin(kind, ["score", "ratio"]), np.round(np.clip(pct, 0, 100), 2), value)
    if (kind == "rank").any():  # places 1..U among the communes, each period
        places = rng.random((P, U)).argsort(axis=1).argsort(axis=1) + 1
        value = np.where(kind == "rank", places[:, :, None].astype(float), value)
    # Rate parts: denominators sized like a commune, numerators a share of them.
    pos = {code: j for j, code in enumerate(indicators)}
    parents = current.drop_duplicates("code").set_index("code")["parent_code"]  # the version in use
    groups = parents.reindex(unit_codes).fillna("").to_numpy()  # the units the outlier check compares
    for _, rate in cat[cat["numerator"].ne("")].iterrows():  # a handful of rates, not units
        j_num, j_den = pos.get(rate["numerator"]), pos.get(rate["denominator"])
        if j_num is None or j_den is None:
            continue
        den_level = 15000.0 if agg[j_den] == "last" else 400.0
        den = np.round(den_level * size * noise[:, :, [j_den]]) + 1
        _near_peers(den, np.array(["count"], dtype=object), [0], groups)  # no denominator an outlier
        den = den[:, :, 0]
        value[:, :, j_den] = den
        share = rng.uniform(0.3, 0.95) * rng.uniform(0.97, 1.03, (P, U))  # about the same in every commune
        value[:, :, j_num] = np.round(den * np.minimum(share, 1.0))
    # Breakdowns add up and parts stay within their whole, as in real reports (write_dataset plants the
    # few faults the checks are shown to find, listed in planted.csv).
    rate_parts = set()
    for _, rate in cat[cat["numerator"].ne("")].iterrows():
        rate_parts |= {rate["numerator"], rate["denominator"]}
    lines = info[info["parent"].isin(indicators)]
    tied = set(info["parent"]) | set(lines.index[lines["breakdown"].ne("")]) | rate_parts
    _near_peers(value, kind, [j for j, c in enumerate(indicators) if c not in rate_parts], groups)  # totals: sums
    for parent, group in lines.groupby("parent", sort=False):
        j_total = pos[parent]
        total = None
        for name, parts in group.groupby("breakdown", sort=False):
            idx = [pos[c] for c in parts.index]
            if name == "":  # parts of no complete breakdown: each within the whole
                for j in idx:
                    value[:, :, j] = np.minimum(value[:, :, j], value[:, :, j_total])
                continue
            if total is None:
                total = value[:, :, idx].sum(axis=2)
                value[:, :, j_total] = total
                continue
            share = value[:, :, idx] / value[:, :, idx].sum(axis=2, keepdims=True)
            scaled = np.round(share * total[:, :, None])
            scaled[:, :, -1] += total - scaled.sum(axis=2)
            value[:, :, idx] = scaled
    _near_peers(value, kind, [j for j, c in enumerate(indicators) if c not in tied], groups)  # after the sums
    for code, whole in lines.loc[lines["breakdown"].eq(""), "parent"].items():  # parts stay within their whole
        value[:, :, pos[code]] = np.minimum(value[:, :, pos[code]], value[:, :, pos[whole]])
    missing = rng.random((P, U, I)) < 0.01  # not reported yet
    value[missing] = np.nan

    # -- targets: one per (unit, indicator) on about half of them, for the whole run --------
    no_target = np.array([c in rate_parts for c in indicators])  # a population has no target
    has_target = (rng.random((U, I)) < 0.5) & ~no_target[None, :]
    yearly = np.where(agg == "sum", 12.0, 1.0)
    tgt = level[None, :] * size[0] * yearly[None, :] * rng.uniform(0.8, 1.2, (U, I))
    tgt = np.where(kind == "count", np.ceil(tgt), tgt)
    tgt = np.where(kind == "amount", np.round(tgt / 1e6) * 1e6, tgt)
    tgt = np.where(np.isin(kind, ["percent", "score", "ratio"]), np.round(rng.uniform(50, 100, (U, I))), tgt)
    tgt = np.where(kind == "rank", np.round(rng.uniform(1, max(U // 10, 1), (U, I))), tgt)
    tgt = np.where(has_target, tgt, np.nan)
    strict = has_target & (rng.random((U, I)) < 0.2) & (direction == "up")[None, :]  # ">37"-style
    uniq, inverse = np.unique(np.nan_to_num(tgt, nan=-1.0), return_inverse=True)
    inverse = inverse.reshape(U, I)
    texts = [f"{v:g}" for v in uniq]  # the loader writes targets back as op + f"{value:g}"
    # codes into [""] + bare texts + ">" texts
    pair_target = np.where(has_target, 1 + inverse + np.where(strict, len(uniq), 0), 0)
    target_labels = [""] + texts + [">" + t for t in texts]

    # -- one row per (period, unit, indicator) -------------------------------------------------
    n = P * U * I
    p_idx = np.repeat(np.arange(P), U * I)
    pair = np.tile(np.arange(U * I), P)  # unit * I + indicator
    u_idx, i_idx = pair // I, pair % I
    flat_value = value.reshape(n)
    target_value = tgt.reshape(U * I)[pair]
    row_target = pair_target.reshape(U * I)[pair]
    row_strict = strict.reshape(U * I)[pair]

    # A stated percentage on about a third of the bare-target count/amount rows, rounded to one decimal
    # as reports do (a wrong one is planted by write_dataset, listed in planted.csv). Of the year to date, as reports state it
    # ("đạt X% kế hoạch", and as wardlib.analysis judges it): a flow's months from January add up,
    # so a period whose earlier periods of the year are not in the data states none.
    flow = agg == "sum"
    ytd = np.where(flow[None, None, :], np.nan, value)
    months = [Period.parse(p) for p in period_codes]
    for k, m in enumerate(months):
        prev = months[k - 1] if k else None
        if m.first_month == 1:
            ytd[k] = value[k]
        elif prev is not None and (prev.year, prev.kind, prev.number + 1) == (m.year, m.kind, m.number):
            ytd[k] = np.where(flow[None, :], value[k] + ytd[k - 1], value[k])
    flat_ytd = ytd.reshape(n)
    stated = (np.isin(kind, ["count", "amount"])[i_idx] & ~np.isnan(target_value) & ~row_strict
              & (target_value > 0) & ~np.isnan(flat_ytd) & (rng.random(n) < 0.33))
    achieved = np.divide(flat_ytd, target_value, out=np.full(n, np.nan), where=stated) * 100
    reported = np.where(stated, np.round(achieved, 1), np.nan)
    decimals = np.where(stated & (reported != np.round(reported)), 1, 0).astype("int64")

    file_labels = [f"observations/national-{p}.parquet" for p in period_codes]
    op = pd.Categorical.from_codes(np.where(row_strict, 0, -1), dtype=pd.CategoricalDtype(
        pd.Index([">"] if row_strict.any() else [], dtype="string")))
    obs = pd.DataFrame({
        "unit_code": _categorical(u_idx, unit_codes),
        "period": _categorical(p_idx, period_codes),
        "indicator": _categorical(i_idx, indicators),
        "value": flat_value,
        "target": _categorical(row_target, target_labels),
        "target_op": op,
        "target_value": target_value,
        "reported_pct": reported,
        "reported_decimals": decimals,
        "status": _categorical(missing.reshape(n).astype(np.int8), ["", PENDING]),
        "unit": _categorical(np.zeros(n, dtype=np.int8), [""]),
        "note": _categorical(np.zeros(n, dtype=np.int8), [NOTE]),
        "note_en": _categorical(np.zeros(n, dtype=np.int8), [""]),
        "source": _categorical(np.zeros(n, dtype=np.int8), [SYNTHETIC_SOURCE]),
        "synthetic": np.ones(n, dtype=bool),
        "file": _categorical(p_idx, file_labels),
        "row": np.tile(np.arange(1, U * I + 1, dtype=np.int64), P),
    })
    _check_like(obs, base.observations)

    periods_frame = pt.drop(columns="text").sort_values(["end", "months"])  # as the loader leaves it
    # Everything else (catalog, units, and whatever the loader adds) as load_dataset gave it.
    return dataclasses.replace(base, observations=obs, periods=periods_frame, version="bench-national",
                               findings=[])


def write_dataset(out: str | Path, *, scope: str = "province", province: str = "82", before_reform: bool = False,
                  periods: list[str] | None = None, n_indicators: int = 120, seed: int = 20240630) -> dict:
    """Write a complete synthetic dataset folder (``wardlib demo-data``); returns what it holds.

    The folder gets the embedded catalog (``indicators.csv``, ``sections.csv``),
    the official units of the whole country (``units.csv``, from
    ``vietnamadminunits``), the 2025 ``crosswalk.csv`` and one Parquet file of
    observations per period (``observations/demo-<period>.parquet``) for every
    commune of the ``scope``: ``national`` (3,321 current communes, or the
    10,035 before the reform with ``before_reform``) or ``province`` (the
    communes of ``province``: a current province code such as 82, Đồng Tháp;
    with ``before_reform`` a former one such as 87). Periods default to the 12
    months 2025-07 … 2026-06 (2024-07 … 2025-06 before the reform). Every row
    says it is demo data (``source = synthetic`` and the demo note); the same
    seed writes the same files.
    """
    from wardlib.adminunits import crosswalk
    from wardlib.findings import WardlibError
    from wardlib.outputs import write_atomic

    root = Path(out)
    if root.exists() and (not root.is_dir() or any(root.iterdir())):
        raise WardlibError(f"{root} exists and is not an empty folder: choose a new one",
                           f"{root} đã có và không phải thư mục rỗng: hãy chọn thư mục mới")
    if scope not in ("province", "national"):
        raise WardlibError(f"scope must be province or national, not {scope!r}",
                           f"scope phải là province hoặc national, không phải {scope!r}")
    units_csv = national_units_table()
    communes = units_csv[units_csv["level"].eq("commune")
                         & (units_csv["valid_to"].ne("") if before_reform else units_csv["valid_from"].ne(""))]
    codes = None
    if scope == "province":
        if before_reform:  # communes → districts → province
            districts = units_csv.loc[units_csv["level"].eq("district") & units_csv["parent_code"].eq(province), "code"]
            codes = communes.loc[communes["parent_code"].isin(districts), "code"].tolist()
        else:
            codes = communes.loc[communes["parent_code"].eq(province), "code"].tolist()
        if not codes:
            provinces = units_csv[units_csv["level"].eq("province")
                                  & (units_csv["valid_to"].ne("") if before_reform else units_csv["valid_from"].ne(""))]
            listing = ", ".join(f"{c} {n}" for c, n in zip(provinces["code"], provinces["name"]))
            raise WardlibError(f"no province {province!r} {'before' if before_reform else 'since'} the reform; "
                               f"provinces: {listing}",
                               f"không có tỉnh {province!r} {'trước' if before_reform else 'sau'} sắp xếp; "
                               f"các tỉnh: {listing}")
    data = national_dataset(periods, n_indicators, seed, before_reform=before_reform, unit_codes=codes)
    obs, planted = plant_faults(data.observations, data.catalog.table, seed)
    root.mkdir(parents=True, exist_ok=True)
    src = default_data_dir()
    for name in ("indicators.csv", "sections.csv"):
        shutil.copyfile(src / name, root / name)
    write_atomic(root / "units.csv", units_csv.to_csv(index=False))
    cw = crosswalk()[["old_code", "new_code", "whole"]]
    write_atomic(root / "crosswalk.csv", cw.assign(whole=cw["whole"].map({True: "true", False: "false"}))
                 .to_csv(index=False))
    write_atomic(root / PLANTED_FILE, planted.to_csv(index=False))
    (root / "observations").mkdir(exist_ok=True)
    for period in obs["period"].cat.categories:
        part = obs[obs["period"] == period]
        stated = part["reported_pct"]
        frame = pd.DataFrame({
            "unit_code": part["unit_code"].astype(str).to_numpy(),
            "period": str(period),
            "indicator": part["indicator"].astype(str).to_numpy(),
            "value": part["value"].to_numpy(),
            "target": part["target"].astype(str).to_numpy(),
            # as text, so that the loader reads the decimals the "report" stated (55.4 → 1)
            "reported_pct": np.where(stated.notna(), stated.map(lambda v: f"{v:g}", na_action="ignore"), ""),
            "status": part["status"].astype(str).to_numpy(),
            "unit": "",
            "note": NOTE,
            "source": SYNTHETIC_SOURCE,
        })
        import io

        buf = io.BytesIO()
        frame.to_parquet(buf, index=False, row_group_size=200_000)
        write_atomic(root / "observations" / f"demo-{period}.parquet", buf.getvalue())
    return {"units": int(obs["unit_code"].nunique()), "indicators": int(obs["indicator"].nunique()),
            "periods": len(data.periods), "rows": len(obs), "folder": str(root)}
