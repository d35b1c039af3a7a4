"""The indicator calculations, each a pure vectorised function over aligned Series.

Every function takes whole columns of the analysis table (all units, periods
and indicators at once) and returns a column; none loops over units. Missing
inputs give a missing result, never ``inf`` and never a silent zero.

============================  ================================================
achievement                   value / target × 100 (more-is-better lines)
target_met                    value against target, honouring ``>37``-style
                              comparisons and the indicator's direction
expected_pace                 the share of the annual target due by the
                              period's end: calendar or seasonal
progress                      achievement against the expected pace
classify                      the status of a row (see STATUSES)
change                        absolute and relative change against a baseline
pct_check                     a stated percentage against the computed one
rank_within                   direction-aware rank among a group, ties shared
============================  ================================================

Thresholds live in :data:`THRESHOLDS`; the catalog may override them per
indicator (columns ``on_track_at`` and ``off_track_below``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

#: Statuses of a row, best first. ``deteriorating`` is for lower-is-better lines
#: (cases, violations, late dossiers) that got worse than the same period last year.
STATUSES = ("achieved", "on_track", "needs_acceleration", "off_track", "deteriorating", "no_target", "no_data")

#: Progress (achievement ÷ expected pace) at or above ``on_track_at`` is on track;
#: below ``off_track_below`` it is off track; in between it needs acceleration.
#: The defaults follow open-sdg's progress thresholds (0.95 / 0.6).
THRESHOLDS = {"on_track_at": 0.95, "off_track_below": 0.6}


def achievement(value: pd.Series, target: pd.Series, direction: pd.Series, kind: pd.Series) -> pd.Series:
    """value / target × 100 where more is better and the target is positive; NaN elsewhere.

    For lower-is-better lines (cases, violations, ranks) a ratio to the target
    misreads progress (0 cases against a target of 0 is perfect, not 0/0), so
    only :func:`target_met` judges them. A zero target gives NaN, never inf.
    """
    ok = target.gt(0) & direction.ne("down") & kind.ne("rank")
    return (value / target.where(ok)) * 100


def target_met(value: pd.Series, op: pd.Series, target: pd.Series, direction: pd.Series) -> pd.Series:
    """Nullable boolean: whether value meets the target.

    The target's own comparison wins (``>37`` needs 38 or more); a bare target
    means "at least" where more is better and "at most" where less is better.
    NA where value or target is missing.
    """
    op = op.astype("string").fillna("")
    eff = op.where(op.ne(""), pd.Series(np.where(direction.eq("down"), "<=", ">="), index=op.index))
    results = {">": value > target, ">=": value >= target, "<": value < target,
               "<=": value <= target, "=": value == target}
    met = pd.Series(pd.NA, index=value.index, dtype="boolean")
    known = value.notna() & target.notna()
    for symbol, res in results.items():
        sel = (eff.eq(symbol) & known).to_numpy(dtype=bool)
        met[sel] = res[sel]
    return met


def expected_pace(year_fraction: pd.Series, aggregation: pd.Series, has_target: pd.Series,
                  seasonal_share: pd.Series | None = None) -> tuple[pd.Series, pd.Series]:
    """The percentage of the annual target a flow should have reached by the period's end.

    Only flows (``aggregation = sum``) measured against a target have a pace.
    Calendar pace is the share of the year elapsed (H1 → 50, Q3 → 75,
    month m → m/12 × 100). Where ``seasonal_share`` is given and known (last
    year's value at the same point ÷ last year's total), it replaces the
    calendar: revenue collected mostly in the second half is not "behind" in
    June. Returns the pace (NaN where none applies) and its basis:
    ``calendar`` | ``seasonal`` | NA.
    """
    applies = aggregation.eq("sum") & has_target
    pace = year_fraction.where(applies) * 100
    basis = pd.Series(pd.NA, index=pace.index, dtype="string")
    basis[applies.to_numpy(dtype=bool)] = "calendar"
    if seasonal_share is not None:
        seasonal = applies & seasonal_share.gt(0) & seasonal_share.le(1)
        pace = pace.where(~seasonal, seasonal_share * 100)
        basis[seasonal.to_numpy(dtype=bool)] = "seasonal"
    return pace, basis


def progress(achievement_pct: pd.Series, expected_pct: pd.Series) -> pd.Series:
    """Achievement as a fraction of what is due: achievement ÷ expected pace, or ÷ 100 without a pace.

    1.0 means exactly on schedule. NaN where there is no achievement (no
    target, a zero target, or a lower-is-better line).
    """
    due = expected_pct.where(expected_pct.gt(0), 100.0)
    return achievement_pct / due


def classify(value: pd.Series, target: pd.Series, met: pd.Series, direction: pd.Series,
             progress_: pd.Series, change_abs: pd.Series,
             on_track_at: pd.Series | float = THRESHOLDS["on_track_at"],
             off_track_below: pd.Series | float = THRESHOLDS["off_track_below"]) -> pd.Series:
    """The status of each row, one of :data:`STATUSES`.

    ==================  ========================================================
    no_data             no value (e.g. the source says only "Đang thực hiện")
    achieved            the target is met
    on_track            not yet met, progress ≥ ``on_track_at``
    needs_acceleration  progress between ``off_track_below`` and ``on_track_at``
    off_track           progress below ``off_track_below``, or a lower-is-better
                        target missed without getting worse
    deteriorating       a lower-is-better line worse than the same period last
                        year (``change_abs`` > 0) and its target, if any, missed
    no_target           a value without a target (and not deteriorating)
    ==================  ========================================================
    """
    down = direction.eq("down")
    worse = down & change_abs.gt(0)
    has_value, has_target = value.notna(), target.notna()
    met_true = met.fillna(False).astype(bool)
    conditions = [
        ~has_value,
        has_target & met_true,
        worse,
        ~has_target,
        down,
        progress_.ge(on_track_at),
        progress_.ge(off_track_below),
    ]
    choices = ["no_data", "achieved", "deteriorating", "no_target", "off_track", "on_track", "needs_acceleration"]
    out = np.select([c.to_numpy(dtype=bool) for c in conditions], choices, default="off_track")
    return pd.Series(pd.Categorical(out, categories=list(STATUSES)), index=value.index)


def change(value: pd.Series, baseline: pd.Series) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Absolute change, relative change (%) and a note, against a baseline (same period last year…).

    ``change_pct`` is NaN where the baseline is missing or zero (never inf);
    the note says why: ``no_baseline`` | ``zero_baseline`` | NA where the
    change is complete. 20 cases against 18 → (+2, +11.1 %); 5 against 0 →
    (+5, NaN, zero_baseline).
    """
    diff = value - baseline
    pct = diff / baseline.where(baseline.ne(0)).abs() * 100
    note = pd.Series(pd.NA, index=value.index, dtype="string")
    note[(value.notna() & baseline.isna()).to_numpy(dtype=bool)] = "no_baseline"
    note[(value.notna() & baseline.eq(0)).to_numpy(dtype=bool)] = "zero_baseline"
    return diff, pct, note


def pct_check(reported: pd.Series, computed: pd.Series, decimals: pd.Series) -> pd.Series:
    """ok | truncated | mismatch for each stated percentage; NA where either side is missing.

    The tolerance is half a unit of the last decimal the source wrote: 55.4
    stands for anything in [55.35, 55.45]. A figure cut rather than rounded
    (48.6 for 48.69) is ``truncated``, a rounding note rather than an error.
    """
    tol = 0.5 * 10.0 ** (-decimals.astype(float)) + 1e-9
    diff = (reported - computed).abs()
    scale = 10.0 ** decimals.astype(float)
    truncated = (np.floor(computed * scale + 1e-9) / scale - reported).abs() < 1e-9
    out = pd.Series(pd.NA, index=reported.index, dtype="string")
    both = (reported.notna() & computed.notna()).to_numpy(dtype=bool)
    out[both & diff.le(tol).to_numpy(dtype=bool)] = "ok"
    out[both & (diff.gt(tol) & truncated).to_numpy(dtype=bool)] = "truncated"
    out[both & (diff.gt(tol) & ~truncated).to_numpy(dtype=bool)] = "mismatch"
    return out


def rank_within(score: pd.Series, groups: list[pd.Series], direction: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Rank of each row among the rows of its group (1 = best) and the group's ranked count.

    Higher scores rank first where more is better, lower where less is better;
    lines with direction ``none`` get no rank. Ties share the better place
    (1, 1, 3). Rows without a score get no rank and are not counted.
    """
    ranked = score.where(direction.isin(["up", "down"]))
    signed = ranked.where(direction.ne("up"), -ranked)  # ascending rank of `signed`: 1 is best
    frame = pd.DataFrame({f"g{i}": g for i, g in enumerate(groups)})
    frame["s"] = signed
    grouped = frame.groupby([f"g{i}" for i in range(len(groups))], observed=True, sort=False, dropna=False)["s"]
    rank = grouped.rank(method="min", ascending=True)
    of = grouped.transform("count").where(rank.notna())
    return rank.astype("Float64"), of.astype("Float64")
