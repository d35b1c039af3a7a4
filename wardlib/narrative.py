"""Sentences a ward report says about its figures, in the seed report's own style.

"Tổng thu ngân sách 5.137.820.843 đ/9.270.000.000 đ, đạt 55,4% dự toán"; "Số ca
sốt xuất huyết 20 ca, tăng 18 ca so với cùng kỳ"; and the general assessment
("4. Đánh giá chung") built from the rows' statuses: what is on track, what
is behind ("còn chậm"), what got worse than last year. Every number is
formatted by :mod:`wardlib.fmt`; the text is plain (the report escapes it).

A sentence never states as a fact what rests on demo data: a figure whose
inputs include demo data (its row's ``ytd_provenance`` or, for a change
against the same period last year, ``same_period_provenance`` is ``demo``)
is written with the mark ``‡`` and says so ("cùng kỳ là số liệu minh họa").

>>> row = {"name_vi": "Tổng thu ngân sách", "name_en": "Total budget revenue", "value": 5137820843.0,
...        "ytd_value": 5137820843.0, "target_value": 9270000000.0, "target_op": None,
...        "achievement_pct": 55.424, "kind": "amount", "catalog_unit": "đ", "decimals": 0,
...        "same_period_value": float("nan"), "change_abs": float("nan"), "direction": "up",
...        "status_text": "", "period_months": 6, "aggregation": "sum"}
>>> sentence(row, "vi")
'Tổng thu ngân sách 5.137.820.843 đ/9.270.000.000 đ, đạt 55,4% kế hoạch.'
>>> sentence(row, "en")
'Total budget revenue 5,137,820,843 VND of 9,270,000,000 VND: 55.4% of plan.'
"""

from __future__ import annotations

import pandas as pd

from wardlib import fmt, texts
from wardlib.analysis import DERIVED_NOTE
from wardlib.catalog import unit_text
from wardlib.periods import Period



def _missing(x) -> bool:
    return x is None or bool(pd.isna(x)) if not isinstance(x, (list, tuple)) else False


def _name(r, lang: str) -> str:
    return str(r["name_en"] if lang == "en" else r["name_vi"])


def quantity(r, value, lang: str) -> str:
    """A value with its unit as the seed writes it: 5.137.820.843 đ, 20 ca, 55,4%; in English 20 cases."""
    return with_unit(r, fmt.quantity(value, r["catalog_unit"], r["kind"], int(r["decimals"]), lang), lang, value)


def with_unit(r, text: str, lang: str = "vi", n: float | None = None) -> str:
    """``text`` followed by the row's unit in ``lang`` (the English one's singular or plural for ``n``),
    unless the number format already says it (đ, %)."""
    if text == fmt.MISSING or r["kind"] in ("amount", "percent") or r["catalog_unit"] in ("đ", "%"):
        return text
    return f"{text} {unit_of(r, lang, n)}"


def unit_of(r, lang: str, n: float | None = None) -> str:
    """The row's unit of measure in ``lang`` (see ``wardlib.catalog.unit_text``)."""
    unit_en = r.get("catalog_unit_en") if hasattr(r, "get") else None
    return unit_text(r["catalog_unit"], "" if _missing(unit_en) else str(unit_en), lang, n)


def note(r, lang: str) -> str:
    """The row's note for a reader of ``lang``: ``note_en`` in English when the data gives one, else
    ``note`` as written; the ``derived:`` marker of a derived figure in words. Demo rows have none:
    their mark and source say what they are."""
    if r.get("synthetic"):
        return ""
    en = r.get("note_en") if lang == "en" else None
    text = str(en if en and not _missing(en) else r.get("note") or "")
    if text.lower().startswith(DERIVED_NOTE):
        text = texts.t("narrative.derived", lang) + text[len(DERIVED_NOTE):]
    return text


def source(code: str, lang: str) -> str:
    """A row's ``source`` for a reader: the codes wardlib writes (``synthetic``, ``computed``) in words."""
    return texts.t(f"source.{code}", lang) if f"source.{code}" in texts.TEXTS else code


MARK = "‡"  # a figure whose inputs include demo data


def demo(r, column: str = "ytd_provenance") -> bool:
    """Whether the row's figure (by ``column``: ytd_provenance, same_period_provenance …) rests on demo data."""
    value = r.get(column) if hasattr(r, "get") else r[column]
    return value == "demo"


def year_to_date_differs(r) -> bool:
    """Whether the row's year-to-date figure is not its period's own (a flow after the year's first period)."""
    v, y = r.get("value"), r.get("ytd_value")
    return not (_missing(v) or _missing(y)) and float(v) != float(y)


def _period_label(r, lang: str) -> str:
    return Period.parse(str(r["period"])).label(lang)


def sentence(r, lang: str = "vi") -> str:
    """One line of the report about one row (a dict or Series of the analysis table)."""
    w = texts.Texts("narrative", lang)
    name = _name(r, lang)
    if _missing(r["value"]):
        return f"{name}: {texts.written_status(r['status_text'], lang)}." if r.get("status_text") else ""
    # After the year's first period a flow's year-to-date total (what targets are judged on, what the
    # table shows) is not the period's own figure: each is labelled, so "18 hộ" and "42 hộ" agree.
    ytd = "" if not year_to_date_differs(r) else w["ytd"]
    value = quantity(r, r["value"], lang) + ("" if not ytd else w("in_period", period=_period_label(r, lang)))
    mark = w["demo_value"] if demo(r) else ""
    if not _missing(r.get("achievement_pct")) and _missing(r.get("target_op")):
        done = ytd + quantity(r, r["ytd_value"], lang)
        text = f"{name} {done}{'/' if lang == 'vi' else ' of '}{quantity(r, r['target_value'], lang)}"
        text += ", " if lang == "vi" else ": "
        text += w("of_plan", pct=fmt.percent(r["achievement_pct"], 1, lang))
        stated = r.get("reported_pct")
        if not _missing(stated) and r.get("pct_check") == "mismatch":
            text += w("stated", pct=fmt.percent(stated, int(r.get("reported_decimals", 1)), lang))
        return text + mark + "."
    if not _missing(r.get("target_value")):
        target = fmt.target(r.get("target_op"), r["target_value"], r["catalog_unit"], r["kind"], int(r["decimals"]), lang)
        met = r.get("target_met")
        verdict = "" if met is None or _missing(met) else f", {w['met'] if bool(met) else w['not_met']}"
        judged = ytd + quantity(r, r["ytd_value"], lang) if ytd else value  # the target is met or not on this
        return f"{name} {judged} ({w('target', target=target)}){verdict}{mark}."
    change = r.get("change_abs")
    if not _missing(change) and r["kind"] in ("count", "amount") and r.get("aggregation") == "sum":
        if demo(r, "provenance"):
            tail = w["demo_value"]
        elif demo(r, "same_period_provenance"):
            tail = w["demo_baseline"]  # a real figure against a demo baseline: said, with the mark
        else:
            tail = ""
        if change == 0:
            return f"{name} {value}, {w['same']}{tail}."
        return f"{name} {value}, {w('up' if change > 0 else 'down', n=quantity(r, abs(change), lang))}{tail}."
    return f"{name} {value}{w['demo_value'] if demo(r, 'provenance') else ''}."


def _listing(names: list[str], lang: str, limit: int = 5) -> str:
    w = texts.Texts("narrative", lang)
    if len(names) > limit:
        return ", ".join(names[:limit]) + w("more", n=len(names) - limit)
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + w["and"] + names[-1]


def assessment(rows, lang: str = "vi", errors: int = 0) -> list[str]:
    """The general assessment: achieved or on track, behind ("còn chậm"), worse than last year.

    ``rows`` is one unit's rows of the analysis table for the period (an
    iterable of dicts); ``errors`` the number of data-check errors.
    """
    rows = list(rows)

    def item(r, column="ytd_provenance"):  # a status resting on demo data keeps the mark
        name = _name(r, lang).lower() if lang == "vi" else _name(r, lang)
        return name + f" {MARK}" if demo(r, column) else name

    good = [item(r) for r in rows if r["status"] in ("achieved", "on_track") and not _missing(r.get("target_value"))]
    slow = [item(r) for r in rows if r["status"] in ("needs_acceleration", "off_track")]
    # "worse than last year" is a comparison with the same period: its provenance is the comparison's
    worse = [item(r, "same_period_provenance") for r in rows if r["status"] == "deteriorating"]
    w = texts.Texts("narrative", lang)
    out = []
    if good:
        out.append(w("good", items=_listing(good, lang)))
    if slow:
        out.append(w("slow", items=_listing(slow, lang)))
    if worse:
        out.append(w("worse", items=_listing(worse, lang)))
    if not (good or slow):
        out.append(w["none"])
    if errors:
        out.append(w("errors", n=errors))
    return out
