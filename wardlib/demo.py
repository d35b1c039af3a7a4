"""Synthetic demo data: plausible, seeded, and always labelled as such.

Demo rows take the shape of a real unit's figures (the template unit) and
scale them to other units and periods with seeded noise, keeping complete
breakdowns adding up to their parent and parts within their whole. Every row
has ``source = synthetic`` and a note saying it is not real, and reports
that show such rows carry the "Dữ liệu minh họa" banner.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from wardlib.catalog import Catalog
from wardlib.loaders import KEY, SYNTHETIC_SOURCE
from wardlib.periods import Period

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
    sizes = {**dict(zip(unit_codes, rng.lognormal(0.0, 0.35, len(unit_codes)))), **(sizes or {})}
    for period_text in periods:
        period = Period.parse(period_text)
        # A year report covers about twice what a half-year does; earlier years were a little smaller.
        span = {"year": 2.0, "half": 1.0, "quarter": 0.5, "month": 1 / 6}[period.kind]
        trend = 1.0 - 0.08 * (2024 - period.year)
        for code in unit_codes:
            size = sizes[code]
            noise = rng.lognormal(0.0, 0.15, len(base))
            scale = np.where(agg.eq("sum"), span, 1.0) * trend * size * noise
            value = base["value"].to_numpy() * np.where(kind.isin(["count", "amount"]), scale, 1.0)
            pct_like = kind.isin(["percent", "score"]).to_numpy()
            value = np.where(pct_like, np.clip(base["value"].to_numpy() + rng.normal(0, 4, len(base)), 0, 100), value)
            target = base["target_value"].to_numpy() * np.where(kind.isin(["count", "amount"]), trend * size, 1.0)
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
            place = order.map(lambda k: free[k - 1])
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
