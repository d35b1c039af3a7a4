"""Questions a planner asks in JupyterLab, each in a line or two, answered as DataFrames and charts.

>>> from wardlib.explore import Analysis
>>> a = Analysis.load()                                   # the embedded data
>>> behind = a.behind("budget_revenue", parent="866", period="2024-H1")
>>> list(behind.data.columns)[:4]                         # .data: the raw table behind what is shown
['unit_code', 'unit_name', 'value', 'target']
>>> a.trend("dengue", unit="29872").data[["period", "value"]].to_dict("records")[:2]
[{'period': '2023-H1', 'value': 2.0}, {'period': '2024-H1', 'value': 20.0}]
>>> shown = a.league("budget_revenue", parent="866", period="2024-H1").to_html()
>>> "Đơn vị" in shown and "5.137.820.843" in shown and "needs_acceleration" not in shown
True

The question methods answer with a pandas ``Styler``: JupyterLab shows it with Vietnamese (or,
with ``Analysis.load(lang="en")``, English) headers, statuses and number formatting, and its
``.data`` is the raw table, codes and floats, for further pandas work.

Indicators may be given by code or by a piece of their name, with or
without Vietnamese accents (``"sốt xuất huyết"``, ``"sot xuat huyet"``,
``"dengue"``). Units are given by code; a unit whose code names two units
over time (29869 was Phường 1 and is Phường Cao Lãnh) means its latest
version unless ``when`` says otherwise, and a unit formed in July 2025 has
its earlier history rebuilt from its predecessors where that is possible.
Every figure carries the ``synthetic`` flag of the rows it comes from.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go
from pandas.io.formats.style import Styler

from wardlib import fmt, inputs, texts
from wardlib.analysis import unit_rows
from wardlib.findings import WardlibError
from wardlib.loaders import Dataset
from wardlib.periods import Period

#: Columns the question methods return, in order.
LEAGUE_COLUMNS = ["unit_code", "unit_name", "value", "target", "achievement_pct", "expected_pct", "status",
                  "rank", "rank_of", "change_pct", "synthetic"]
TREND_COLUMNS = ["period", "value", "target_value", "achievement_pct", "status", "change_abs", "change_pct",
                 "change_note", "origin", "synthetic"]
BEHIND = ("needs_acceleration", "off_track", "deteriorating")



def _fold(text: str) -> str:
    """Lower case without accents: "Sốt xuất huyết" → "sot xuat huyet" (đ → d)."""
    decomposed = unicodedata.normalize("NFD", str(text).replace("đ", "d").replace("Đ", "D"))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


@dataclass
class Analysis:
    """The analysis table of a dataset with the questions planners ask of it."""

    data: Dataset
    table: pd.DataFrame
    lang: str = "vi"  # of the headers, statuses and numbers the question methods show

    @classmethod
    def load(cls, data_dir: str | Path | None = None, table: str | Path | None = None,
             lang: str = "vi") -> "Analysis":
        """Load a dataset (default: the embedded one) and its analysis table.

        ``table`` is a Parquet analysis table written by ``wardlib run``
        (``reports/analysis.parquet``); without it the table is computed.
        """
        fmt.number(0, lang=lang)  # an unknown language is an error now, not at the first question
        opened = inputs.open(inputs.PageInputs(inputs.EXPLORE, str(data_dir or ""), analysis=str(table or "")))
        return cls(opened.data, opened.table, lang)

    def shown(self, rows: pd.DataFrame, indicator: str) -> Styler:
        """``rows`` (columns of ``LEAGUE_COLUMNS`` or ``TREND_COLUMNS``) for a person: headers in words,
        statuses in words, numbers in the language's writing with the indicator's decimals. The
        ``Styler``'s ``.data`` is ``rows`` itself."""
        lang = self.lang
        cat = self.data.catalog.table.loc[indicator]
        decimals, unit = int(cat["decimals"]), self.data.catalog.unit(indicator, lang)

        def num(x, d=decimals):
            return fmt.number(x, d, lang)

        formats = {"value": num, "target": num, "target_value": num, "rank": lambda x: num(x, 0),
                   "rank_of": lambda x: num(x, 0),
                   "change_abs": lambda x: fmt.MISSING if pd.isna(x) else fmt.signed(x, decimals, lang),
                   "achievement_pct": lambda x: fmt.percent(x, 1, lang), "expected_pct": lambda x: fmt.percent(x, 1, lang),
                   "change_pct": lambda x: fmt.MISSING if pd.isna(x) else fmt.signed(x, 1, lang) + "%",
                   "status": lambda x: texts.status(x, lang) if pd.notna(x) else fmt.MISSING,
                   "origin": lambda x: texts.t(f"explore.origin.{x}", lang),
                   "change_note": lambda x: texts.t(f"explore.origin.{x}", lang) if pd.notna(x) else "",
                   "synthetic": lambda x: texts.t("explore.synthetic", lang) if x else ""}
        headers = [texts.t(f"explore.header.{c}", lang, unit=unit) for c in rows.columns]
        return (rows.style.format({c: f for c, f in formats.items() if c in rows.columns})
                .relabel_index(headers, axis="columns").hide(axis="index"))

    # -- names ---------------------------------------------------------------
    def find(self, text: str) -> pd.DataFrame:
        """Indicators whose code or name (Vietnamese or English) contains ``text``, accents ignored."""
        cat = self.data.catalog.table
        needle = _fold(text)
        hay = (cat.index.to_series() + " " + cat["name_vi"] + " " + cat["name_en"]).map(_fold)
        return cat.loc[hay.str.contains(needle, regex=False), ["name_vi", "name_en", "unit", "section"]]

    def indicator(self, text: str) -> str:
        """The code of the one indicator ``text`` names; an error listing the candidates otherwise."""
        if text in self.data.catalog:
            return text
        hits = self.find(text)
        exact = hits[hits["name_vi"].map(_fold).eq(_fold(text)) | hits["name_en"].map(_fold).eq(_fold(text))]
        if len(exact) == 1:
            return exact.index[0]
        if len(hits) == 1:
            return hits.index[0]
        if hits.empty:
            raise WardlibError(f"no indicator matches {text!r}; try Analysis.find() with a shorter word",
                               f"không có chỉ tiêu nào khớp {text!r}; thử Analysis.find() với từ ngắn hơn")
        listed = ", ".join(f"{c} ({n})" for c, n in hits["name_vi"].head(8).items())
        raise WardlibError(f"{text!r} matches {len(hits)} indicators: {listed}; give one code",
                           f"{text!r} khớp {len(hits)} chỉ tiêu: {listed}; hãy chọn một mã")

    def _period(self, period: str | None) -> str:
        return str(Period.parse(period)) if period else str(self.data.latest_period())

    # -- questions -------------------------------------------------------------
    def league(self, indicator: str, parent: str, period: str | None = None) -> Styler:
        """Every unit directly under ``parent`` for one indicator and period, best first."""
        return self.shown(self._league(indicator, parent, period), self.indicator(indicator))

    def behind(self, indicator: str, parent: str, period: str | None = None) -> Styler:
        """The units under ``parent`` behind on ``indicator``: needing acceleration, off track or worse."""
        league = self._league(indicator, parent, period)
        return self.shown(league[league["status"].isin(BEHIND)].reset_index(drop=True), self.indicator(indicator))

    def trend(self, indicator: str, unit: str, since: str | None = None, kind: str | None = None,
              when: str | None = None) -> Styler:
        """One unit's values of one indicator over time, oldest first.

        Periods of one length only (``kind``: year | half | quarter | month;
        default the length of the unit's latest period with a value), from
        ``since`` on. ``when`` picks the unit version for a reused code.
        """
        return self.shown(self._trend(indicator, unit, since, kind, when), self.indicator(indicator))

    def _league(self, indicator: str, parent: str, period: str | None = None) -> pd.DataFrame:
        code, p = self.indicator(indicator), self._period(period)
        t = self.table
        rows = t[(t["indicator"] == code) & (t["period"] == p) & (t["parent_code"] == parent)
                 & t["origin"].ne("rebuilt")]
        out = rows.assign(target=rows["target_value"])
        return out.sort_values(["rank", "unit_code"], na_position="last")[LEAGUE_COLUMNS].reset_index(drop=True)

    def _trend(self, indicator: str, unit: str, since: str | None = None, kind: str | None = None,
               when: str | None = None) -> pd.DataFrame:
        code = self.indicator(indicator)
        rows = unit_rows(self.table, str(unit), pd.Timestamp(when) if when else None)
        if rows.empty:
            raise WardlibError(f"unit {unit!r} has no rows in the analysis table",
                               f"đơn vị {unit!r} không có dòng nào trong bảng phân tích")
        rows = rows[(rows["indicator"] == code) & rows["value"].notna()].sort_values(["period_end", "period_months"])
        if kind is None and len(rows):
            kind = rows["period_kind"].iloc[-1]
        rows = rows[rows["period_kind"] == kind] if kind else rows
        if since:
            rows = rows[rows["period_end"] >= pd.Timestamp(Period.parse(since).start)]
        return rows[TREND_COLUMNS].assign(period=rows["period"].astype(str)).reset_index(drop=True)

    # -- charts -------------------------------------------------------------------
    def league_figure(self, indicator: str, parent: str, period: str | None = None, lang: str = "vi") -> go.Figure:
        """Bars of achievement (or value, without targets) for the units under ``parent``."""
        league = self._league(indicator, parent, period)
        code = self.indicator(indicator)
        use = "achievement_pct" if league["achievement_pct"].notna().any() else "value"
        league = league.sort_values(use)
        names = [fmt.chart_text(n) + (" ‡" if s else "") for n, s in zip(league["unit_name"], league["synthetic"])]
        fig = go.Figure(go.Bar(x=league[use], y=names, orientation="h"))
        title = f"{self.data.catalog.name(code, lang)} — {self.data.units.name(parent, Period.parse(self._period(period)).end)}"
        fig.update_layout(title=fmt.chart_text(title), xaxis_title="%" if use == "achievement_pct" else "",
                          template="plotly_white", height=max(320, 28 * len(league) + 120))
        return fig

    def trend_figure(self, indicator: str, unit: str, since: str | None = None, lang: str = "vi") -> go.Figure:
        """A line of one unit's values over time with its targets; rebuilt points drawn hollow."""
        code = self.indicator(indicator)
        tr = self._trend(code, unit, since)
        fig = go.Figure()
        fig.add_trace(go.Scatter(
            x=tr["period"], y=tr["value"], mode="lines+markers", name=fmt.chart_text(self.data.catalog.name(code, lang)),
            marker=dict(symbol=["circle-open" if o == "rebuilt" else "circle" for o in tr["origin"]], size=9)))
        if tr["target_value"].notna().any():
            fig.add_trace(go.Scatter(x=tr["period"], y=tr["target_value"], mode="lines", line_dash="dot",
                                     name="kế hoạch" if lang == "vi" else "target"))
        # The unit as it was at the last point drawn: 29869 is Phường Cao Lãnh from July 2025, Phường 1 before.
        last = Period.parse(tr["period"].iloc[-1]).end if len(tr) else pd.Timestamp.today()
        name = self.data.units.name(str(unit), last)
        fig.update_layout(title=fmt.chart_text(f"{self.data.catalog.name(code, lang)} — {name}"),
                          template="plotly_white")
        return fig
