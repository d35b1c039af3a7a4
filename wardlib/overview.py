"""Building blocks of the city overview and trends notebooks: all the units of one parent at once.

``CityOverview`` answers what a city or province office asks after each
period: which units lead and which are behind, on which indicators and
which commitments, and how spread out they are. ``Trends`` draws indicators
over time for a unit or for every unit of a parent, across the 1 July 2025
reorganisation (earlier values of merged units are rebuilt from their
predecessors; see wardlib.derive). Everything from the data is escaped.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go

from wardlib import fmt, inputs, texts
from wardlib.calc import STATUS_CSS
from wardlib.findings import WardlibError
from wardlib.loaders import Dataset
from wardlib.periods import Period
from wardlib.report import _LAYOUT, _env, _html

STATUS_COLOURS = {"achieved": "#2e7d32", "on_track": "#66bb6a", "needs_acceleration": "#f9a825",
                  "off_track": "#c62828", "deteriorating": "#8e24aa", "no_target": "#b0bec5", "no_data": "#e0e0e0"}

_TITLE = _env.from_string("""
<header class="wl-title"><p class="wl-kicker">{{ kicker }}</p><h1>{{ title }}</h1><p class="wl-period">{{ period }}</p></header>
{% if synthetic %}<div class="wl-banner" role="note"><strong>{{ banner }}</strong> {{ synthetic }}</div>{% endif %}
""")
_GRID = _env.from_string("""
<section class="wl-section"><h2>{{ heading }}</h2>
{% if rows %}<table class="wl-table wl-grid">
<thead><tr>{% for h in head %}<th>{{ h }}</th>{% endfor %}</tr></thead>
<tbody>{% for r in rows %}<tr class="{{ r.css }}">{% for c in r.cells %}<td class="{{ c.css }}">{{ c.text }}</td>{% endfor %}</tr>{% endfor %}</tbody>
</table>{% else %}<p>{{ empty }}</p>{% endif %}
{% if footnote %}<p class="wl-footnote">{{ footnote }}</p>{% endif %}
</section>
""")


@dataclass
class CityOverview:
    """The units directly under one parent (a city, a district or, since July 2025, a province)."""

    data: Dataset
    table: pd.DataFrame
    parent: str
    period: Period
    lang: str = "vi"

    @classmethod
    def open(cls, data_dir: str | Path | None, parent: str, period: str | None = None, lang: str = "vi",
             analysis: str | Path | None = None) -> "CityOverview":
        opened = inputs.open(inputs.PageInputs(inputs.OVERVIEW, str(data_dir or ""), period or "", lang,
                                               parent=str(parent), analysis=str(analysis or "")))
        page = cls(opened.data, opened.table, str(parent), opened.period, lang)
        if page.rows.empty:
            raise WardlibError(f"no unit under {parent!r} has data for {opened.period}",
                               f"không đơn vị nào thuộc {parent!r} có số liệu kỳ {opened.period}")
        return page

    @property
    def t(self) -> texts.Texts:
        return texts.Texts("overview", self.lang)

    @cached_property
    def rows(self) -> pd.DataFrame:
        """The period's rows of the units under the parent (not rebuilt histories); computed once."""
        t = self.table
        return t[(t["parent_code"] == self.parent) & (t["period"] == str(self.period)) & t["origin"].ne("rebuilt")]

    def _name(self, code: str) -> str:
        return self.data.catalog.name(code, self.lang)

    def key_indicators(self, n: int = 6) -> list[str]:
        """The first lines of the catalog with a target for most units (commitments aside)."""
        r = self.rows[self.rows["achievement_pct"].notna() & self.rows["commitment"].eq("")
                      & self.rows["parent"].eq("")]
        counts = r.groupby("indicator", observed=True)["unit_code"].nunique()
        units = self.rows["unit_code"].nunique()
        order = r.drop_duplicates("indicator").sort_values("order")["indicator"].astype(str)
        return [c for c in order if counts.get(c, 0) >= max(1, units // 2)][:n]

    def header(self):
        parent = self.data.units.name(self.parent, self.period.end)
        synthetic = self.rows["synthetic"].any()
        return _html(_TITLE.render(kicker=parent, title=f"{self.t['overview']} — {parent}",
                                   period=self.period.label(self.lang).capitalize(), banner=self.t["banner"],
                                   synthetic=self.t["synthetic"] if synthetic else ""))

    def league(self, indicator: str):
        """Every unit on one indicator, best first: result, target, achievement, rank, change."""
        r = self.rows[self.rows["indicator"] == indicator].sort_values(["rank", "unit_code"], na_position="last")
        body = []
        for _, x in r.iterrows():
            body.append({"css": "wl-synthetic" if x["synthetic"] else "", "cells": [
                {"text": "" if pd.isna(x["rank"]) else int(x["rank"]), "css": "wl-num"},
                {"text": str(x["unit_name"]) + (" ‡" if x["synthetic"] else ""), "css": "wl-name"},
                {"text": fmt.quantity(x["ytd_value"], x["catalog_unit"], x["kind"], int(x["decimals"]), self.lang),
                 "css": "wl-num"},
                {"text": fmt.quantity(x["target_value"], x["catalog_unit"], x["kind"], int(x["decimals"]), self.lang),
                 "css": "wl-num"},
                {"text": fmt.percent(x["achievement_pct"], 1, self.lang), "css": "wl-num " + STATUS_CSS.get(x["status"], "")},
                {"text": texts.status(x["status"], self.lang), "css": STATUS_CSS.get(x["status"], "")},
            ]})
        t = self.t
        return _html(_GRID.render(heading=t("league", name=self._name(indicator)), rows=body,
                                  head=[t["rank"], t["unit"], t["value"], t["target"], t["achieved"], ""],
                                  footnote="‡ " + t["banner"].lower() if r["synthetic"].any() else ""))

    def behind(self):
        """Which units are behind on which lines (commitments included): needing acceleration or worse."""
        r = self.rows[self.rows["status"].isin(["needs_acceleration", "off_track", "deteriorating"])]
        body = []
        for _code, g in r.groupby("unit_code", observed=True, sort=True):
            names = [f"{self._name(str(i))} ({texts.status(s, self.lang).lower()})"
                     for i, s in zip(g["indicator"], g["status"])]
            body.append({"css": "wl-synthetic" if g["synthetic"].any() else "", "cells": [
                {"text": str(g["unit_name"].iloc[0]) + (" ‡" if g["synthetic"].any() else ""), "css": "wl-name"},
                {"text": len(names), "css": "wl-num"}, {"text": "; ".join(names), "css": "wl-note"}]})
        body.sort(key=lambda b: -b["cells"][1]["text"])
        return _html(_GRID.render(heading=self.t["behind"], rows=body, empty=self.t["none_behind"],
                                  head=[self.t["unit"], "", ""]))

    def commitments(self):
        """The commitments appendix as a grid: one row per unit, one column per commitment, status colours."""
        r = self.rows[self.rows["commitment"].ne("")]
        items = r.drop_duplicates("indicator").sort_values("order")
        body = []
        for _code, g in r.groupby("unit_code", observed=True, sort=True):
            by = g.set_index(g["indicator"].astype(str))
            cells = [{"text": str(g["unit_name"].iloc[0]) + (" ‡" if g["synthetic"].any() else ""), "css": "wl-name"}]
            for ind in items["indicator"].astype(str):
                if ind in by.index:
                    s = by.loc[ind, "status"]
                    cells.append({"text": texts.status(s, self.lang), "css": "wl-cell " + STATUS_CSS.get(s, "")})
                else:
                    cells.append({"text": "", "css": ""})
            body.append({"css": "", "cells": cells})
        head = [self.t["unit"]] + [str(c) for c in items["commitment"]]
        names = "; ".join(f"{c}: {self._name(str(i))}" for c, i in zip(items["commitment"], items["indicator"]))
        return _html(_GRID.render(heading=self.t["commitments"], rows=body, head=head, footnote=names))

    def status_figure(self) -> go.Figure:
        """Stacked bars: how many lines of each unit are achieved, on track, behind…"""
        r = self.rows[self.rows["status"].isin(list(STATUS_COLOURS)[:5])]
        counts = r.groupby(["unit_name", "status"], observed=True).size().unstack(fill_value=0)
        # Best first (most lines achieved or on track, then fewest off track), read from the top:
        # plotly draws the first category of a horizontal bar chart at the bottom.
        good = counts.reindex(columns=["achieved", "on_track"], fill_value=0).sum(axis=1)
        bad = counts.reindex(columns=["off_track", "deteriorating"], fill_value=0).sum(axis=1)
        order = pd.DataFrame({"good": good, "bad": bad, "name": counts.index}, index=counts.index)
        counts = counts.loc[order.sort_values(["good", "bad", "name"], ascending=[False, True, True]).index[::-1]]
        # The order is the ranking: each name carries its place (1. at the top), the axis says by what.
        labels = [f"{len(counts) - i}. {fmt.chart_text(u)}" for i, u in enumerate(counts.index)]
        fig = go.Figure()
        for status in list(STATUS_COLOURS)[:5]:
            if status in counts:
                fig.add_trace(go.Bar(y=labels, x=counts[status], orientation="h",
                                     name=texts.status(status, self.lang), marker_color=STATUS_COLOURS[status]))
        fig.update_layout(barmode="stack", title=self.t["statuses"], height=max(320, 26 * len(counts) + 140),
                          yaxis={"categoryorder": "array", "categoryarray": labels},
                          xaxis_title=self.t["statuses_order"], **{**_LAYOUT, "showlegend": True})
        return fig

    def distribution_figure(self, indicators: list[str] | None = None) -> go.Figure:
        """One strip per key indicator: each unit's achievement, the spread between the units."""
        fig = go.Figure()
        for code in indicators or self.key_indicators():
            r = self.rows[(self.rows["indicator"] == code) & self.rows["achievement_pct"].notna()]
            fig.add_trace(go.Box(x=r["achievement_pct"], name=fmt.chart_text(self._name(code)), boxpoints="all",
                                 text=[fmt.chart_text(u) for u in r["unit_name"]], orientation="h",
                                 hovertemplate="%{text}: %{x:.1f}%<extra></extra>"))
        fig.add_vline(x=self.period.year_fraction * 100, line_dash="dash", line_color="#444")
        fig.update_layout(title=self.t["distribution"], height=max(320, 60 * len(fig.data) + 120), xaxis_title="%",
                          **_LAYOUT)
        return fig


@dataclass
class Trends:
    """Indicators over time for one unit or for the units of one parent."""

    data: Dataset
    table: pd.DataFrame
    lang: str = "vi"

    @classmethod
    def open(cls, data_dir: str | Path | None, lang: str = "vi", analysis: str | Path | None = None) -> "Trends":
        opened = inputs.open(inputs.PageInputs(inputs.TRENDS, str(data_dir or ""), lang=lang,
                                               analysis=str(analysis or "")))
        return cls(opened.data, opened.table, lang)

    @property
    def t(self) -> texts.Texts:
        return texts.Texts("overview", self.lang)

    def header(self, parent: str, unit_code: str, when: Period):
        """Title naming the parent or the unit; the demo-data banner when the lines show demo data."""
        who = self.data.units.name(unit_code or parent, when.end)
        codes = [unit_code] if unit_code else self.units_of(parent, when)
        t = self.table
        shown = self._versions(codes, when)
        keys = pd.Series(list(zip(t["unit_code"].astype(str), t["unit_version"])), index=t.index)
        synthetic = t.loc[keys.isin(set(shown.items())), "synthetic"].any()
        t = self.t
        return _html(_TITLE.render(kicker=who, title=f"{t['trends']} — {who}", period=when.label(self.lang).capitalize(),
                                   banner=t["banner"], synthetic=t["synthetic"] if synthetic else ""))

    def units_of(self, parent: str, when: Period) -> list[str]:
        return self.data.units.children(parent, when.end)["code"].tolist()

    def _versions(self, codes: list[str], when: Period) -> dict[str, pd.Timestamp]:
        """code → the version of that unit at the end of ``when``: a period's page shows the units as
        they were then. Codes were reused on 1 July 2025 (29869 was Phường 1, then Phường Cao Lãnh):
        a 2024-H1 page draws Phường 1, a 2026-H1 page Phường Cao Lãnh with its rebuilt history."""
        out = {}
        for code in codes:
            v = self.data.units.version_at(code, when.end)
            if v is not None:
                out[code] = pd.Timestamp(v["valid_from"])
        return out

    def figure(self, indicator: str, units: list[str], since: str | None = None, until: str | None = None,
               kind: str = "half", when: Period | None = None) -> go.Figure:
        """One line per unit as it was at the end of ``when`` (default ``until``, else the latest
        period), periods of one length; rebuilt points hollow; targets dotted."""
        when = when or (Period.parse(until) if until else self.data.latest_period())
        fig = go.Figure()
        t = self.table
        rows = t[(t["indicator"] == indicator) & (t["period_kind"] == kind) & t["value"].notna()]
        rows = rows[["unit_code", "unit_version", "unit_name", "period", "period_end", "ytd_value", "target_value",
                     "origin", "synthetic"]]
        if since:
            rows = rows[rows["period_end"] >= pd.Timestamp(Period.parse(since).start)]
        if until:
            rows = rows[rows["period_end"] <= pd.Timestamp(Period.parse(until).end)]
        versions = self._versions(units, when)
        codes = rows["unit_code"].astype(str)
        rows = rows[rows["unit_version"].to_numpy() == codes.map(versions).to_numpy()]
        by_unit = dict(tuple(rows.groupby(codes[rows.index], sort=False)))
        for code in units:
            r = by_unit.get(code)
            if r is None or r.empty:
                continue
            r = r.sort_values("period_end")
            name = fmt.chart_text(str(r["unit_name"].iloc[0])) + (" ‡" if r["synthetic"].any() else "")
            fig.add_trace(go.Scatter(
                x=r["period"].astype(str), y=r["ytd_value"], mode="lines+markers", name=name,
                marker=dict(symbol=["circle-open" if o == "rebuilt" else "circle" for o in r["origin"]], size=9)))
            if r["target_value"].notna().any() and len(units) == 1:
                fig.add_trace(go.Scatter(x=r["period"].astype(str), y=r["target_value"], mode="lines",
                                         line_dash="dot", name=self.t["target_line"]))
        title = self.data.catalog.name(indicator, self.lang)
        if any(t.marker.symbol and "circle-open" in t.marker.symbol for t in fig.data if hasattr(t, "marker")):
            title += f" ({self.t['rebuilt']})"
        fig.update_layout(title=fmt.chart_text(title), template="plotly_white", height=420,
                          margin=dict(l=10, r=30, t=60, b=40), font=_LAYOUT["font"])
        return fig
