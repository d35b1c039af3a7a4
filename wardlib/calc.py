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
#: How pages colour a status (classes of ``templates/report.css``): met, not (yet) met — behind the pace
#: counts as not met, as the ward report's cards show it — and awaiting data; ``no_target`` stays plain.
STATUS_CSS = {"achieved": "wl-met", "on_track": "wl-met", "needs_acceleration": "wl-notmet", "off_track": "wl-notmet",
              "deteriorating": "wl-notmet", "no_data": "wl-pending"}
#: Their words, in each language, are ``status.<code>`` of ``wardlib.texts`` (``texts.status(code, lang)``).

#: Progress (achievement ÷ expected pace) at or above ``on_track_at`` is on track;
#: below ``off_track_below`` it is off track; in between it needs acceleration.
#: The defaults follow open-sdg's progress thresholds (0.95 / 0.6).
THRESHOLDS = {"on_track_at": 0.95, "off_track_below": 0.6}

#: Why a change against a baseline is missing or partial.
CHANGE_NOTES = ("no_baseline", "zero_baseline", "not_comparable")


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
    symbols = [">", ">=", "<", "<=", "="]
    code = _codes(op, symbols)
    bare = np.where(_codes(direction, ["down"]) == 0, symbols.index("<="), symbols.index(">="))
    code = np.where(code < 0, bare, code)
    v, t = _floats(value), _floats(target)
    with np.errstate(invalid="ignore"):
        met = np.select([code == 0, code == 1, code == 2, code == 3, code == 4],
                        [v > t, v >= t, v < t, v <= t, v == t], False)
    out = pd.array(met, dtype="boolean")
    out[np.isnan(v) | np.isnan(t)] = pd.NA
    return pd.Series(out, index=value.index)


def _codes(series: pd.Series, choices: list[str]) -> np.ndarray:
    """Position of each value in ``choices`` (-1 for anything else); cheap on categorical columns."""
    if isinstance(series.dtype, pd.CategoricalDtype):
        per_category = pd.Index(choices).get_indexer(series.cat.categories.astype(object))
        codes = series.cat.codes.to_numpy(np.int64)
        return np.where(codes < 0, -1, per_category[np.where(codes < 0, 0, codes)]) if len(per_category) else \
            np.full(len(series), -1, dtype=np.int64)
    return pd.Index(choices).get_indexer(series.astype(object).to_numpy()).astype(np.int64)


def _floats(series: pd.Series) -> np.ndarray:
    return series.to_numpy(dtype=float, na_value=np.nan)


def _labelled(codes: np.ndarray, labels: list[str], index: pd.Index) -> pd.Series:
    """A categorical column from label positions (-1 = missing)."""
    return pd.Series(pd.Categorical.from_codes(codes, categories=labels), index=index)


def expected_pace(year_fraction: pd.Series, aggregation: pd.Series, has_target: pd.Series,
                  seasonal_share: pd.Series | None = None,
                  pace: pd.Series | None = None) -> tuple[pd.Series, pd.Series]:
    """The percentage of the annual target a flow should have reached by the period's end.

    Flows (``aggregation = sum``) measured against a target have a pace, and
    so does any line whose catalog ``pace`` is set (a completion percentage
    such as "share of the city's revenue target collected" grows over the
    year like a flow); ``pace = none`` turns it off.
    Calendar pace is the share of the year elapsed (H1 → 50, Q3 → 75,
    month m → m/12 × 100). Where ``seasonal_share`` is given and known (last
    year's value at the same point ÷ last year's total), it replaces the
    calendar: revenue collected mostly in the second half is not "behind" in
    June. Returns the pace (NaN where none applies) and its basis:
    ``calendar`` | ``seasonal`` | NA.
    """
    explicit = pace.isin(["calendar", "seasonal"]).to_numpy(dtype=bool) if pace is not None else False
    off = pace.eq("none").to_numpy(dtype=bool) if pace is not None else False
    applies = ((aggregation.eq("sum").to_numpy(dtype=bool) | explicit) & ~off) & has_target.to_numpy(dtype=bool)
    pace = np.where(applies, _floats(year_fraction) * 100, np.nan)
    basis = np.where(applies, 0, -1)
    if seasonal_share is not None:
        share = _floats(seasonal_share)
        with np.errstate(invalid="ignore"):
            seasonal = applies & (share > 0) & (share <= 1)
        pace = np.where(seasonal, share * 100, pace)
        basis = np.where(seasonal, 1, basis)
    return pd.Series(pace, index=year_fraction.index), _labelled(basis, ["calendar", "seasonal"], year_fraction.index)


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
    down = _codes(direction, ["down"]) == 0
    v, t, pr, ch = _floats(value), _floats(target), _floats(progress_), _floats(change_abs)
    on, off = (np.broadcast_to(_floats(x) if isinstance(x, pd.Series) else np.float64(x), v.shape)
               for x in (on_track_at, off_track_below))
    met_true = met.fillna(False).to_numpy(dtype=bool)
    with np.errstate(invalid="ignore"):
        conditions = [np.isnan(v), ~np.isnan(t) & met_true, down & (ch > 0), np.isnan(t), down, pr >= on, pr >= off]
    choices = ["no_data", "achieved", "deteriorating", "no_target", "off_track", "on_track", "needs_acceleration"]
    code = np.select(conditions, [STATUSES.index(c) for c in choices], default=STATUSES.index("off_track"))
    return _labelled(code, list(STATUSES), value.index)


def change(value: pd.Series, baseline: pd.Series) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Absolute change, relative change (%) and a note, against a baseline (same period last year…).

    ``change_pct`` is NaN where the baseline is missing or zero (never inf);
    the note says why: ``no_baseline`` | ``zero_baseline`` | NA where the
    change is complete. 20 cases against 18 → (+2, +11.1 %); 5 against 0 →
    (+5, NaN, zero_baseline).
    """
    diff = value - baseline
    pct = diff / baseline.where(baseline.ne(0)).abs() * 100
    v, b = _floats(value), _floats(baseline)
    code = np.select([~np.isnan(v) & np.isnan(b), ~np.isnan(v) & (b == 0)], [0, 1], -1)
    return diff, pct, _labelled(code, list(CHANGE_NOTES), value.index)


def pct_check(reported: pd.Series, computed: pd.Series, decimals: pd.Series) -> pd.Series:
    """ok | truncated | mismatch for each stated percentage; NA where either side is missing.

    The tolerance is half a unit of the last decimal the source wrote: 55.4
    stands for anything in [55.35, 55.45]. A figure cut rather than rounded
    (48.6 for 48.69) is ``truncated``, a rounding note rather than an error.
    """
    dec = decimals.to_numpy(dtype=float)
    r, c = _floats(reported), _floats(computed)
    tol = 0.5 * 10.0 ** (-dec) + 1e-9
    scale = 10.0 ** dec
    with np.errstate(invalid="ignore"):
        close = np.abs(r - c) <= tol
        truncated = np.abs(np.floor(c * scale + 1e-9) / scale - r) < 1e-9
    both = ~np.isnan(r) & ~np.isnan(c)
    code = np.select([both & close, both & truncated], [0, 1], np.where(both, 2, -1))
    return _labelled(code, ["ok", "truncated", "mismatch"], reported.index)


def rank_within(score: pd.Series, groups: list[pd.Series], direction: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Rank of each row among the rows of its group (1 = best) and the group's ranked count.

    Higher scores rank first where more is better, lower where less is better;
    lines with direction ``none`` get no rank. Ties share the better place
    (1, 1, 3). Rows without a score get no rank and are not counted.
    """
    way = _codes(direction, ["up", "down"])
    s = _floats(score)
    use = (way >= 0) & ~np.isnan(s)
    rank = np.full(len(s), np.nan)
    of = np.full(len(s), np.nan)
    if use.any():
        signed = np.where(way[use] == 0, -s[use], s[use])  # ascending order of `signed`: best first
        group = pd.MultiIndex.from_arrays([np.asarray(g)[use] for g in groups]).codes if len(groups) > 1 \
            else [pd.factorize(np.asarray(groups[0])[use])[0]]
        gid = np.zeros(int(use.sum()), dtype=np.int64)
        for codes in group:
            gid = gid * (int(codes.max(initial=0)) + 1) + codes
        order = np.lexsort((signed, gid))
        g, v = gid[order], signed[order]
        i = np.arange(len(order))
        new_group = np.r_[True, g[1:] != g[:-1]]
        new_value = new_group | np.r_[True, v[1:] != v[:-1]]
        group_start = np.maximum.accumulate(np.where(new_group, i, 0))
        tie_start = np.maximum.accumulate(np.where(new_value, i, 0))  # ties share the first place
        starts = np.flatnonzero(new_group)
        sizes = np.diff(np.r_[starts, len(order)])
        sorted_rank = tie_start - group_start + 1
        sorted_of = np.repeat(sizes, sizes)
        r, o = np.empty(len(order)), np.empty(len(order))
        r[order], o[order] = sorted_rank, sorted_of
        rank[use], of[use] = r, o
    return (pd.Series(pd.array(rank, dtype="Float64"), index=score.index),
            pd.Series(pd.array(of, dtype="Float64"), index=score.index))
