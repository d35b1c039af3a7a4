"""Building blocks of the report notebooks: header, tables, charts and banners, as escaped HTML.

Notebooks stay thin: they create a :class:`WardReport` and call its methods,
one per part of the report. Everything taken from the data (names, notes,
statuses) is escaped by Jinja2's autoescape before it reaches the HTML, so a
note containing ``<script>`` shows as text. Charts are shown through
:func:`show_figure`, which gives JupyterLab plotly's own renderer and the
exported HTML a plain ``div`` drawn by the plotly.js that the report template
embeds once per page (plotly 6's default renderer draws nothing in nbconvert
output).

**Provenance on the page.** Every figure shown (table cell, sentence, card,
chart label and hover) whose inputs include demo data carries the mark ``‡``,
read from the analysis table's provenance columns: the result and what is
judged on it from ``ytd_provenance``, the change against the same period
from ``same_period_provenance``, the rank from ``rank_provenance``. The
banner says which parts are demo: the whole report when the unit's own
figures are, else only the comparisons ("so sánh cùng kỳ dùng số liệu minh
họa"); a real report is never called demo because its neighbours are. Each
figure's ``source`` and ``note`` show as a tooltip (``title``) on its table
cells and in its chart hover, in the report's language.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from jinja2 import Environment

from wardlib import fmt, inputs, narrative, texts
from wardlib.calc import STATUS_CSS
from wardlib.findings import Finding, WardlibError
from wardlib.loaders import Dataset
from wardlib.periods import Period

_env = Environment(autoescape=True, trim_blocks=True, lstrip_blocks=True)

_HEADER = _env.from_string("""
<header class="wl-title">
  <p class="wl-kicker">{{ parent }}</p>
  <h1>{{ title }} — {{ unit }}</h1>
  <p class="wl-period">{{ period }}</p>
</header>
{% if synthetic %}
<div class="wl-banner" role="note"><strong>{{ banner }}</strong> {{ synthetic }}</div>
{% endif %}
""")

_HEADLINE = _env.from_string("""
<section class="wl-headline"><h2>{{ heading }}</h2>
<div class="wl-cards">
{% for c in cards %}
  <div class="wl-card {{ c.css }}"{% if c.title %} title="{{ c.title }}"{% endif %}><div class="wl-card-name">{{ c.name }}{% if c.synthetic %} ‡{% endif %}</div>
  <div class="wl-card-value">{{ c.pct }}</div><div class="wl-card-detail">{{ c.detail }}</div>
  {% if c.rank %}<div class="wl-card-rank">{{ c.rank }}</div>{% endif %}</div>
{% endfor %}
</div>
{% for s in sentences %}<p class="wl-sentence">{{ s }}</p>{% endfor %}
</section>
""")

_GROUP = _env.from_string("""<h{{ level }} class="wl-group">{{ heading }}</h{{ level }}>""")

_PARAGRAPHS = _env.from_string("""
<section class="wl-section wl-assessment"><h2>{{ heading }}</h2>
{% for p in paragraphs %}<p>{{ p }}</p>{% endfor %}
</section>
""")

_TABLE = _env.from_string("""
<section class="wl-section"><h{{ level|default(2) }}>{{ heading }}</h{{ level|default(2) }}>
{% if sentences %}<ul class="wl-sentences">{% for s in sentences %}<li>{{ s }}</li>{% endfor %}</ul>{% endif %}
<table class="wl-table">
<thead><tr>{% for h in head %}<th>{{ h }}</th>{% endfor %}</tr></thead>
<tbody>
{% for r in rows %}
<tr class="{{ r.css }}">{% for c in r.cells %}<td class="{{ c.css }}"{% if c.title %} title="{{ c.title }}"{% endif %}>{{ c.text }}</td>{% endfor %}</tr>
{% endfor %}
</tbody></table>
{% if footnote %}<p class="wl-footnote">{{ footnote }}</p>{% endif %}
</section>
""")


@dataclass
class WardReport:
    """One unit's report for one period, with the data it is drawn from."""

    data: Dataset
    table: pd.DataFrame  # the analysis table of the whole dataset
    unit_code: str
    period: Period
    lang: str = "vi"
    findings: list[Finding] = field(default_factory=list)  # the data checks' findings for the run

    @classmethod
    def open(cls, data_dir: str | Path | None, unit_code: str, period: str | None = None,
             lang: str = "vi", analysis: str | Path | None = None,
             findings: str | Path | None = None) -> "WardReport":
        """Load the data and check the parameters; a clear error names what to change.

        ``analysis`` is the Parquet analysis table a batch run wrote once for
        all units (only this unit's and its neighbours' rows are read);
        without it the table is built here. ``findings`` is the run's
        ``findings.json``; without it the consistency rules run here (the
        Great Expectations suites only run in the batch step).
        """
        opened = inputs.open(inputs.PageInputs(inputs.WARD, str(data_dir or ""), period or "", lang, str(unit_code),
                                               analysis=str(analysis or ""), findings=str(findings or "")))
        data, p = opened.data, opened.period
        report = cls(data, opened.table, str(unit_code), p, lang, opened.findings)
        if report.unit is None:
            raise WardlibError(f"unit {unit_code!r} does not exist in {p} according to {data.root / 'units.csv'}")
        if report.rows.empty:
            raise WardlibError(f"no data for unit {unit_code!r} in {p} in {data.root}")
        return report

    # -- data views -----------------------------------------------------------
    # Computed once per report (a report's parts ask for them a couple of dozen times): a report is
    # a view of data that does not change while it is drawn.
    @property
    def t(self) -> texts.Texts:
        return texts.Texts("report", self.lang)

    @cached_property
    def rows(self) -> pd.DataFrame:
        """This unit's rows for the period, in catalog order."""
        tb, unit = self.table, self.unit
        if unit is None:
            return tb.iloc[:0]
        return tb[(tb["unit_code"] == self.unit_code) & (tb["unit_version"] == unit["valid_from"])
                  & (tb["period"] == str(self.period))].reset_index(drop=True)

    @cached_property
    def unit(self) -> pd.Series:
        """The version of the unit valid at the period's end (or, if it ended within it, at its start)."""
        units = self.data.units
        version = units.version_at(self.unit_code, self.period.end)
        return version if version is not None else units.version_at(self.unit_code, self.period.start)

    def peers(self) -> pd.DataFrame:
        """Rows of the period for the units sharing this unit's parent (including this one)."""
        return self._peer_rows

    @cached_property
    def _peer_rows(self) -> pd.DataFrame:
        tb, unit = self.table, self.unit
        return tb[(tb["period"] == str(self.period)) & (tb["parent_code"] == unit["parent_code"])
                  & (tb["level"] == unit["level"]) & tb["origin"].ne("rebuilt")]

    @cached_property
    def _row_records(self) -> list[dict]:
        """``rows`` as dicts, converted once: the parts below each format a subset of them."""
        return _records(self.rows)

    def _records_of(self, subset: pd.DataFrame) -> list[dict]:
        """The dicts of ``subset``, rows of :attr:`rows` (any order, e.g. sorted or reversed)."""
        return [self._row_records[i] for i in self.rows.index.get_indexer(subset.index)]

    @cached_property
    def _own_findings(self) -> list[Finding]:
        """This unit's findings (a national run has tens of thousands: they are scanned once per report;
        :meth:`open` sets ``findings`` before any part is drawn)."""
        return [f for f in self.findings if f.unit_code == self.unit_code]

    def _name(self, r) -> str:
        return r["name_en"] if self.lang == "en" else r["name_vi"]

    def _value(self, r, col="value") -> str:
        return narrative.quantity(r, r[col], self.lang)

    # -- parts of the report ----------------------------------------------------
    def header(self):
        parent = self.data.units.name(self.unit["parent_code"], self.period.end)
        banner, text = self.demo_banner()
        return _html(_HEADER.render(
            title=self.t["title"], unit=self.unit["name"], parent=parent,
            period=self.period.label(self.lang).capitalize(), banner=banner, synthetic=text,
        ))

    def demo_banner(self) -> tuple[str, str]:
        """The banner's title and text: which parts of this page are demo ("" when none is).

        The unit's own figures decide whether the report is demo; demo figures that reach the page only
        through comparisons (last year's values, the neighbours' figures in ranks and charts) are named
        as such, so a real report is never called demo."""
        rows, t = self.rows, self.t
        own = int((rows["provenance"].eq("demo") | rows["ytd_provenance"].eq("demo")).sum())
        if own:
            return t["synthetic_banner"], t("synthetic_text", n=own)
        same = int((rows["same_period_provenance"].eq("demo") & rows["change_abs"].notna()).sum())
        ranked = rows["rank"].notna() & rows["rank_of"].gt(1)
        peers = self.peers()
        demo_peers = bool((peers["ytd_provenance"].eq("demo") & peers["achievement_pct"].notna()).any())
        parts = ([t("demo_same_period", n=same)] if same else []) + (
            [t["demo_rank"]] if demo_peers or bool((rows["rank_provenance"].eq("demo") & ranked).any()) else [])
        if not parts:
            return t["synthetic_banner"], ""
        return t["demo_parts_banner"], t["demo_parts_intro"] + "; ".join(parts) + t["demo_parts_end"]

    def _tip(self, r, *extra: str) -> str:
        """A figure's tooltip: its row's source and note (and ``extra`` lines), in the report's language."""
        t = self.t
        note = narrative.note(r, self.lang)
        lines = [t("tip_source", s=narrative.source(r["source"], self.lang)) if r.get("source") else "",
                 t("tip_note", s=note) if note else "", *extra]
        return " · ".join(x for x in lines if x)

    def _same_period_tip(self, r) -> str:
        if pd.isna(r.get("same_period_value")):
            return ""
        tip = self.t("tip_same_period", p=r["same_period"], v=self._value(r, "same_period_value"))
        return tip + (f" ({self.t['tip_demo']} ‡)" if narrative.demo(r, "same_period_provenance") else "")

    def headline(self, n: int = 4):
        """The first lines with an annual target, as cards (with the unit's rank) and as sentences."""
        rows = self.rows[self.rows["achievement_pct"].notna() & self.rows["commitment"].eq("")
                         & self.rows["parent"].eq("")].head(n)
        cards, sentences = [], []
        for r in self._records_of(rows):
            rank = (self.t("rank", rank=int(r["rank"]), of=int(r["rank_of"]))
                    + (" ‡" if narrative.demo(r, "rank_provenance") else "")
                    if pd.notna(r["rank"]) and r["rank_of"] > 1 else "")
            cards.append({"name": self._name(r), "pct": fmt.percent(r["achievement_pct"], 1, self.lang),
                          "synthetic": narrative.demo(r), "css": _status_css(r), "rank": rank,
                          "detail": (self.t["ytd_short"] if narrative.year_to_date_differs(r) else "")
                          + f"{self._value(r, 'ytd_value')} / {self._value(r, 'target_value')}",
                          "title": self._tip(r)})
            sentences.append(narrative.sentence(r, self.lang))
        return _html(_HEADLINE.render(heading=self.t["headline"], cards=cards, sentences=sentences))

    def section_tables(self):
        """The report's body in the seed's order: a heading per group (1. Kinh tế …), and per section
        its sentences and its table of result against target (commitments come in the appendix)."""
        t = self.t
        parts = [_GROUP.render(heading=t["results"], level=2)]
        by_section: dict[str, list[dict]] = {}
        for r in self._records_of(self.rows[self.rows["commitment"].eq("")]):
            by_section.setdefault(str(r["section"]), []).append(r)
        sections = self.data.catalog.sections.index
        for section in sections:
            if "." not in section and any(s.startswith(section + ".") for s in sections):
                if any(s.startswith(section + ".") for s in by_section):
                    parts.append(_GROUP.render(heading=self.data.catalog.section_title(section, self.lang), level=2))
                continue
            records = by_section.get(section)
            if not records:
                continue
            body = []
            marked = False
            for r in records:
                note = " · ".join(x for x in (texts.written_status(r["status_text"], self.lang),
                                              narrative.note(r, self.lang)) if x and not r["synthetic"])
                value_demo, change_demo = narrative.demo(r), narrative.demo(r, "same_period_provenance")
                change = self._change(r)
                change_demo = change_demo and change != ""
                marked |= value_demo or change_demo
                tip = self._tip(r)
                body.append({"css": "wl-synthetic" if value_demo else "", "cells": [
                    {"text": self._name(r) + (" ‡" if value_demo else ""),
                     "css": "wl-name" + (" wl-child" if r["parent"] else ""), "title": tip},
                    {"text": self._value(r, "ytd_value") + (" ‡" if value_demo else ""), "css": "wl-num",
                     "title": tip},
                    {"text": "" if pd.isna(r["target_value"]) else narrative.with_unit(r, fmt.target(
                        r["target_op"] if pd.notna(r["target_op"]) else None, r["target_value"],
                        r["catalog_unit"], r["kind"], int(r["decimals"]), self.lang), self.lang, r["target_value"]),
                     "css": "wl-num"},
                    {"text": fmt.percent(r["achievement_pct"], 1, self.lang) if pd.notna(r["achievement_pct"])
                     else _met_text(r, t), "css": "wl-num " + (_status_css(r) if pd.notna(r["achievement_pct"])
                                                               else _met_css(r))},
                    {"text": self._stated(r), "css": "wl-num wl-check-" + str(r["pct_check"]).lower()},
                    {"text": change + (" ‡" if change_demo else ""), "css": "wl-num " + _change_css(r),
                     "title": self._same_period_tip(r)},
                    {"text": note, "css": "wl-note"},
                ]})
            sentences = [x for x in (narrative.sentence(r, self.lang) for r in records) if x]
            parts.append(_TABLE.render(
                heading=self.data.catalog.section_title(section, self.lang), sentences=sentences, level=3,
                head=[t["indicator"], t["result_ytd"] if self.period.first_month > 1 else t["result"], t["target"], t["achieved"], t["stated"], t["change"], t["note"]],
                rows=body, footnote=t["synthetic_mark"] if marked or any("‡" in x for x in sentences) else ""))
        return _html("\n".join(parts))

    def _change(self, r) -> str:
        """Change against the same period last year, as the table shows it: +18, −4,4%."""
        if pd.isna(r["change_abs"]):
            return self.t["not_comparable"] if r["change_note"] == "not_comparable" else ""
        if r["kind"] in ("percent", "score", "rank"):
            return fmt.signed(r["change_abs"], int(r["decimals"]), self.lang)
        if pd.isna(r["change_pct"]):
            return fmt.signed(r["change_abs"], 0, self.lang)
        return fmt.signed(r["change_pct"], 1, self.lang) + "%"

    def assessment(self):
        """"4. Đánh giá chung": what is on track, what is behind, what got worse — from the statuses."""
        rows = self._records_of(self.rows[self.rows["commitment"].eq("")])
        errors = sum(f.severity == "error" for f in self._own_findings)
        return _html(_PARAGRAPHS.render(heading=self.t["assessment"],
                                        paragraphs=narrative.assessment(rows, self.lang, errors)))

    def _stated(self, r) -> str:
        if pd.isna(r["reported_pct"]):
            return ""
        stated = fmt.percent(r["reported_pct"], int(r["reported_decimals"]), self.lang)
        if r["pct_check"] in ("mismatch", "truncated"):
            return f"{stated} ({self.t('recomputed', pct=fmt.percent(r['computed_pct'], 2, self.lang))})"
        return stated

    def commitments_table(self):
        """The commitments appendix: item, content, unit, target, result, status."""
        t = self.t
        rows = self.rows[self.rows["commitment"].ne("")]
        body = []
        for r in self._records_of(rows):
            result = self._value(r) if pd.notna(r["value"]) else ""
            status = (texts.written_status(r["status_text"], self.lang)
                      or (_met_text(r, t) if pd.notna(r["target_value"]) else ""))
            status_css = _status_css(r) if r["status_text"] else _met_css(r)
            demo = narrative.demo(r)
            body.append({"css": "wl-synthetic" if demo else "", "cells": [
                {"text": r["commitment"], "css": "wl-stt"},
                {"text": self._name(r) + (" ‡" if demo else ""), "css": "wl-name", "title": self._tip(r)},
                {"text": self._unit_as_written(r), "css": ""},
                {"text": fmt.written(r["target"], self.lang), "css": "wl-num"},
                {"text": result, "css": "wl-num"},
                {"text": status, "css": status_css},
            ]})
        return _html(_TABLE.render(
            heading=t["commitments"],
            head=[t["stt"], t["indicator"], t["unit"], t["commitment_target"], t["result"], t["commitment_status"]],
            rows=body, footnote=t["synthetic_mark"] if rows["ytd_provenance"].eq("demo").any() else ""))

    def _unit_as_written(self, r) -> str:
        """The unit the source gives (as written) when it differs from the catalog's, else the catalog's in
        the report's language."""
        given = str(r["unit"] or "")
        if given and given.strip().casefold() != str(r["catalog_unit"]).casefold():
            return given
        return narrative.unit_of(r, self.lang)

    def achievement_figure(self) -> go.Figure:
        """Horizontal bars: achievement of each line with a target, with the expected-pace mark."""
        rows = self.rows[self.rows["achievement_pct"].notna()].iloc[::-1]
        pace = self.period.year_fraction * 100
        records = self._records_of(rows)
        names = [fmt.chart_text(self._name(r) + (" ‡" if narrative.demo(r) else "")) for r in records]
        labels = [fmt.percent(v, 1, self.lang) for v in rows["achievement_pct"]]
        axis = BarAxis.of(rows["achievement_pct"], labels, also=pace)
        fig = go.Figure(go.Bar(
            x=np.asarray(axis.lengths, dtype=float), y=names, orientation="h",
            marker=dict(color=[_STATUS_COLOURS[_status_css(r)] for r in records], pattern_shape=axis.patterns),
            text=labels, textposition="outside",
            customdata=[fmt.chart_text(self._tip(r)) for r in records],
            hovertemplate="%{y}: %{text}<br>%{customdata}<extra></extra>",
        ))
        fig.add_vline(x=pace, line_dash="dash", line_color="#444",
                      annotation_text=f"{self.t['expected']} {fmt.percent(pace, 0, self.lang)}")
        fig.update_layout(title=self.t("chart_achievement", pace=fmt.percent(pace, 0, self.lang)),
                          height=max(320, 28 * len(rows) + 120), xaxis_title="%", **_BAR_LAYOUT)
        axis.apply(fig, self.t["capped"], lambda v: fmt.percent(v, 0, self.lang))
        return fig

    def same_period_figure(self, n: int = 14) -> go.Figure:
        """Change from the same period last year, % per line, coloured by whether it is good or bad."""
        rows = self.rows[self.rows["change_pct"].notna() & self.rows["direction"].ne("none")
                         & self.rows["commitment"].eq("") & self.rows["kind"].isin(["count", "amount"])]
        rows = rows.reindex(rows["change_pct"].abs().sort_values(ascending=False).index).head(n).iloc[::-1]
        records = self._records_of(rows)
        demo = [narrative.demo(r, "same_period_provenance") for r in records]
        labels = [fmt.signed(v, 1, self.lang) + "%" + (" ‡" if d else "") for v, d in zip(rows["change_pct"], demo)]
        axis = BarAxis.of(rows["change_pct"], labels)
        fig = go.Figure(go.Bar(
            x=np.asarray(axis.lengths, dtype=float),  # an array: plotly writes it compactly (bdata)
            y=[fmt.chart_text(self._name(r) + (" ‡" if d else "")) for r, d in zip(records, demo)],
            orientation="h", marker=dict(color=[_STATUS_COLOURS[_change_css(r)] for r in records],
                                         pattern_shape=axis.patterns),
            text=labels, textposition="outside",
            customdata=[fmt.chart_text(" · ".join(x for x in (self._same_period_tip(r), self._tip(r)) if x))
                        for r in records],
            hovertemplate="%{y}: %{text}<br>%{customdata}<extra></extra>"))
        fig.update_layout(title=self.t["chart_same_period"], height=max(320, 28 * len(rows) + 120),
                          xaxis_title="%", **_BAR_LAYOUT)
        axis.apply(fig, self.t["capped"], lambda v: fmt.signed(v, 0, self.lang) + "%")
        return fig

    def neighbours_figure(self, indicator: str | None = None) -> go.Figure:
        """Achievement of one indicator across the units of the same parent, this unit highlighted."""
        peers = self.peers()
        peers = peers[peers["achievement_pct"].notna()]
        if indicator is None:
            own = self.rows[self.rows["achievement_pct"].notna()]
            indicator = own["indicator"].iloc[0] if len(own) else (peers["indicator"].iloc[0] if len(peers) else None)
        rows = peers[peers["indicator"] == indicator].sort_values("achievement_pct")
        codes = [str(c) for c in rows["unit_code"]]
        known = self.data.units.names(codes, self.period.end)
        names = [fmt.chart_text(known[c]) + (" ‡" if p == "demo" else "")
                 for c, p in zip(codes, rows["ytd_provenance"].astype(str))]
        sources = [fmt.chart_text(self.t("tip_source", s=narrative.source(s, self.lang))) if s else ""
                   for s in rows["source"].astype(str)]
        labels = [fmt.percent(v, 1, self.lang) for v in rows["achievement_pct"]]
        axis = BarAxis.of(rows["achievement_pct"], labels)
        fig = go.Figure(go.Bar(
            x=np.asarray(axis.lengths, dtype=float), y=names, orientation="h",
            marker=dict(color=["#b5121b" if c == self.unit_code else "#8aa1b4" for c in rows["unit_code"]],
                        pattern_shape=axis.patterns),
            text=labels, textposition="outside",
            customdata=sources, hovertemplate="%{y}: %{text}<br>%{customdata}<extra></extra>",
        ))
        name = self.data.catalog.name(indicator, self.lang) if indicator else ""
        parent = self.data.units.name(self.unit["parent_code"], self.period.end)
        fig.update_layout(title=fmt.chart_text(self.t("chart_neighbours", name=name, parent=parent)),
                          height=max(320, 28 * len(rows) + 120), xaxis_title="%", **_BAR_LAYOUT)
        axis.apply(fig, self.t["capped"], lambda v: fmt.percent(v, 0, self.lang))
        return fig

    def data_quality(self):
        """The unit's findings for the period: what the checks found, where, and what to change."""
        mine = [f for f in self._own_findings if f.period in (None, str(self.period))]
        return _html(findings_section(mine, self.lang, self.t["quality"], names=_names(self.data, self.lang)))

    def footer(self):
        sources = sorted({narrative.source(s, self.lang) for s in self.rows["source"] if s})
        return _html(_env.from_string(
            '<footer class="wl-footer"><p>{{ s }}: {{ sources }}</p><p>{{ v }}: {{ version }}</p></footer>'
        ).render(s=self.t["source"], sources="; ".join(sources), v=self.t["version"], version=self.data.version))


_FINDINGS = _env.from_string("""
<section class="wl-section wl-quality"><h2>{{ heading }}</h2>
{% if rows %}<p>{{ intro }}</p>
<table class="wl-table">
<thead><tr><th>{{ t.level }}</th><th>{{ t.indicator }}</th><th>{{ t.problem }}</th><th>{{ t.where }}</th></tr></thead>
<tbody>
{% for r in rows %}
<tr class="wl-finding-{{ r.severity }}"><td>{{ r.level }}</td><td>{{ r.indicator }}</td><td>{{ r.message }}</td>
<td class="wl-note">{{ r.where }}</td></tr>
{% endfor %}
</tbody></table>
{% if more %}<p class="wl-footnote">{{ more }}</p>{% endif %}
{% else %}<p>{{ t.quality_none }}</p>{% endif %}
</section>
""")


def _names(data: Dataset, lang: str) -> dict[str, str]:
    cat = data.catalog.table
    return dict(zip(cat.index, cat["name_en" if lang == "en" else "name_vi"]))


def findings_section(findings: list[Finding], lang: str, heading: str, limit: int = 200,
                     names: dict[str, str] | None = None) -> str:
    """A table of findings (most severe first), escaped; at most ``limit`` rows; ``names`` of indicators."""
    t = texts.Texts("report", lang)
    names = names or {}
    counts = {s: sum(f.severity == s for f in findings) for s in ("error", "warning", "info")}
    rows = [{"severity": f.severity, "level": texts.t(f"severity.{f.severity}", lang),
             "indicator": names.get(f.indicator or "", f.indicator or ""),
             "message": f.message(lang), "where": f.location(lang)} for f in findings[:limit]]
    more = t("more_findings", n=len(findings) - limit) if len(findings) > limit else ""
    return _FINDINGS.render(heading=heading, rows=rows, t=t, more=more,
                            intro=t("quality_intro", e=counts["error"], w=counts["warning"], i=counts["info"]))


_STATUS_COLOURS = {"wl-met": "#2e7d32", "wl-notmet": "#c62828", "wl-pending": "#9e9e9e", "": "#5b7fa3"}
_LAYOUT = dict(template="plotly_white", margin=dict(l=10, r=40, t=60, b=40), showlegend=False,
               font=dict(family="Noto Sans, Segoe UI, Arial, sans-serif", size=12))


def _bar_template() -> go.layout.Template:
    """plotly's "plotly_white" as it applies to bar charts: its layout (without the polar, ternary,
    geo, 3-D and colour-scale parts) and its bar style. The full template styles 24 trace types and
    plotly copies it into every figure: half the cost of building a ward report's chart."""
    import plotly.io as pio

    white = pio.templates["plotly_white"]
    keep = ("autotypenumbers", "colorway", "font", "hovermode", "hoverlabel", "paper_bgcolor", "plot_bgcolor",
            "title", "xaxis", "yaxis", "annotationdefaults", "shapedefaults")
    layout = {k: v for k, v in white.layout.to_plotly_json().items() if k in keep}
    return go.layout.Template(layout=layout, data={"bar": white.data.bar})


_BAR_LAYOUT = {**_LAYOUT, "template": _bar_template()}  # the ward report's charts are all bar charts


@dataclass
class BarAxis:
    """The value axis of a horizontal bar chart whose labels sit outside the bars.

    plotly sizes the axis to the bars, not to their labels: a label beyond the longest bar was
    clipped ("100,0‹") and one left of a negative bar ran into the names. The range here leaves
    room for the longest label on each side, in a plot area as narrow as ``PLOT_PX``. And one bar far longer than
    the rest (+900% among ±20%) squashed them: the axis is **capped** — not a log scale, which
    cannot show the negative changes, nor a symmetric-log one, whose distances nobody reads.
    A bar of at least ``EXTREME`` and more than ``OUTLIER`` times the next longest is drawn to the cap
    (1.5 times that next bar), hatched, its label
    the true value, and a note under the chart says where the axis was cut.

    >>> a = BarAxis.of(pd.Series([900.0, 12.0, -8.0, 5.0]))
    >>> a.cap, a.lengths, a.patterns
    (18.0, [18.0, 12.0, -8.0, 5.0], ['/', '', '', ''])
    >>> BarAxis.of(pd.Series([104.0, 55.0])).cap is None
    True
    """

    lengths: list[float]
    patterns: list[str]  # "/" for a bar cut at the cap
    cap: float | None
    range: tuple[float, float]

    OUTLIER = 4.0
    PLOT_PX = 260  # the narrowest plot area planned for: a 760 px window less the long names beside it
    CHAR_PX = 7.5  # the width of a label's character at 12 px Noto Sans (digits, comma, %), generously
    EXTREME = 200.0  # % (achievement or change): below it no bar is cut, however the others compare

    @classmethod
    def of(cls, values: pd.Series, labels: list[str] | None = None, also: float | None = None) -> "BarAxis":
        """``labels``: the texts written beside the bars (their lengths decide the room left for them)."""
        v = [float(x) for x in values if pd.notna(x)]
        size = sorted((abs(x) for x in v), reverse=True)
        cap = None
        for k in range(min(len(size) - 1, max(1, len(size) // 3))):  # a third of the bars at most are cut
            if size[k] >= cls.EXTREME and size[k + 1] > 0 and size[k] > cls.OUTLIER * size[k + 1]:
                cap = round(size[k + 1] * 1.5, 10)  # the bars from k on keep their lengths
                break
        lengths = [x if cap is None or abs(x) <= cap else (cap if x > 0 else -cap) for x in v]
        hi = max([0.0, *lengths, *([also] if also is not None else [])])
        lo = min([0.0, *lengths])
        span = (hi - lo) or 1.0
        texts = list(labels) if labels is not None else [f"{x:.1f}%" for x in v]
        px = [cls.CHAR_PX * len(t) + 8 for t in texts]
        right = max([p for p, x in zip(px, lengths) if x >= 0], default=0.0)
        left = max([p for p, x in zip(px, lengths) if x < 0], default=0.0)
        per_px = span / max(cls.PLOT_PX - left - right, cls.PLOT_PX * 0.3)  # data units a pixel of the bars
        return cls(lengths, ["/" if cap is not None and abs(x) > cap else "" for x in v], cap,
                   (lo - left * per_px if lo < 0 else 0.0, hi + right * per_px))

    def apply(self, fig: go.Figure, note: str, shown) -> None:
        """Set the range, and say where the axis was cut (``note`` takes ``{cap}``, ``shown`` formats it)."""
        if self.range[1] > self.range[0]:  # no bars: plotly's own axis
            fig.update_xaxes(range=list(self.range), autorange=False)
        if self.cap is not None:
            fig.add_annotation(text=fmt.chart_text(note.format(cap=shown(self.cap))), xref="paper", yref="paper",
                               x=1, y=0, yshift=-36, xanchor="right", yanchor="top", showarrow=False,
                               font=dict(size=11, color="#5d6b7a"))
            fig.update_layout(margin=dict(_LAYOUT["margin"], b=70))


def _status_css(r) -> str:
    """Colour class from the row's status (see wardlib.calc.classify)."""
    if r["status"] == "no_data":
        return "wl-pending" if pd.notna(r["target_value"]) else ""
    return STATUS_CSS.get(r["status"], "")


def _change_css(r) -> str:
    """Green where the change is good for the indicator's direction, red where it is bad."""
    if pd.isna(r["change_abs"]) or r["change_abs"] == 0 or r["direction"] == "none":
        return ""
    better = (r["change_abs"] > 0) == (r["direction"] == "up")
    return "wl-met" if better else "wl-notmet"


def _met_css(r) -> str:
    """Colour class of a met / not met / no data text: it says whether the target was reached, so
    it is coloured by that, not by the pace status ("Chưa đạt" on track was shown green)."""
    met = r["target_met"]
    if pd.isna(met):
        return "wl-pending" if pd.notna(r["target_value"]) else ""
    return "wl-met" if bool(met) else "wl-notmet"


def _met_text(r, t) -> str:
    met = r["target_met"]
    if pd.isna(met):
        return t["no_data"] if pd.notna(r["target_value"]) else ""
    return t["met"] if bool(met) else t["not_met"]


def _records(rows: pd.DataFrame) -> list[dict]:
    """The rows as plain dicts (values as ``tolist`` gives them), for the per-line formatting:
    ``iterrows`` builds a Series per row and ``to_dict("records")`` reads each cell through ``iloc``,
    both many times slower, and a report formats a few hundred lines."""
    columns = list(rows.columns)
    values = [rows[c].tolist() for c in columns]  # one conversion per column, not per cell
    return [dict(zip(columns, line)) for line in zip(*values)]


def _html(markup: str):
    from IPython.display import HTML

    return HTML(markup)


NOTEBOOK_ONLY = "notebook-only"  # the tag of cells and outputs that never reach an exported page (wardlib.render)


def _scoped_rules(css: str) -> str:
    """The screen rules of ``css`` that only style wardlib's own classes (``.wl-…``), and its variables.

    The page's rules for ``html``, ``body``, bare ``h2``, nbconvert's wrappers, ``@page`` and print
    would restyle JupyterLab itself; they are left out. The stylesheet is flat: top-level rules and
    at-rules, one level of nesting inside ``@media``.
    """
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    out, depth, start, prelude = [], 0, 0, ""
    for i, ch in enumerate(css):
        if ch == "{":
            if depth == 0:
                prelude, start = css[start:i].strip(), i + 1
            depth += 1
        elif ch == "}":
            depth -= 1
            if depth == 0:
                selectors = [x.strip() for x in prelude.split(",")]
                if not prelude.startswith("@") and (prelude == ":root" or all("wl-" in x for x in selectors)):
                    out.append(f"{prelude} {{ {' '.join(css[start:i].split())} }}")
                start = i + 1
    return "\n".join(out)


class NotebookStyle:
    """The report's stylesheet for JupyterLab, where no page template adds it: headline cards, tables
    and statuses look as on the page. Its output is tagged ``notebook-only``, so the exported page,
    which carries the whole stylesheet in its head, stays as it was (one source: templates/report.css)."""

    def _repr_mimebundle_(self, include=None, exclude=None):
        return {"text/html": _notebook_css()}, {"tags": [NOTEBOOK_ONLY]}


@lru_cache(maxsize=1)
def _notebook_css() -> str:
    """Read and filtered once per process (1.9 ms a report otherwise, in every unit of a batch)."""
    from wardlib.paths import TEMPLATES_DIR

    css = _scoped_rules((TEMPLATES_DIR / "report.css").read_text(encoding="utf-8"))
    return f'<style class="wl-notebook-style">\n{css}\n</style>'


def show_figure(fig: go.Figure, div_id: str) -> None:
    """Display a chart so that it draws both in JupyterLab and in the exported HTML.

    The bundle carries plotly's JSON (JupyterLab's plotly renderer) and an HTML
    ``div`` with its ``Plotly.newPlot`` call and no plotly.js (the report
    template embeds plotly.js once). ``div_id`` is fixed, so the same data
    gives the same HTML.
    """
    from IPython.display import display

    markup = fig.to_html(full_html=False, include_plotlyjs=False, div_id=div_id,
                         config={"displaylogo": False, "responsive": True})
    bundle = json.loads(fig.to_json(validate=False))
    display({"application/vnd.plotly.v1+json": bundle, "text/html": markup}, raw=True)
