"""Building blocks of the data-quality notebook: every finding of a period, by rule and by unit.

The page a city or province officer reads before the ward reports go out:
how many problems of each kind, which units have them, each problem with
its place in the files, and a link to the Great Expectations Data Docs the
batch run built beside it. A demo dataset lists the faults it plants for the
checks to show (``planted.csv``, see :func:`wardlib.demo.plant_faults`): the
page names each, and whether the checks found it, so that a newcomer can
tell the planted faults from anything else. Everything from the data is escaped.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import plotly.graph_objects as go

from wardlib import fmt, inputs, texts
from wardlib.checks import RULES
from wardlib.findings import Finding
from wardlib.loaders import Dataset
from wardlib.periods import Period
from wardlib.report import _env, _html, _names, findings_section

_COUNTS = _env.from_string("""
<section class="wl-section"><h2>{{ heading }}</h2>
<table class="wl-table"><thead><tr>{% for h in head %}<th>{{ h }}</th>{% endfor %}</tr></thead>
<tbody>{% for r in rows %}<tr>{% for c in r %}<td>{{ c }}</td>{% endfor %}</tr>{% endfor %}</tbody></table>
</section>
""")

_PLANTED = _env.from_string("""
<section class="wl-section wl-planted"><h2>{{ heading }}</h2><p>{{ intro }}</p>
<table class="wl-table"><thead><tr>{% for h in head %}<th>{{ h }}</th>{% endfor %}</tr></thead>
<tbody>{% for r in rows %}<tr>{% for c in r %}<td>{{ c }}</td>{% endfor %}</tr>{% endfor %}</tbody></table>
</section>
""")

_HEADER = _env.from_string("""
<header class="wl-title"><h1>{{ title }}</h1><p class="wl-period">{{ period }}</p></header>
{% if docs %}<p class="wl-docs"><a href="{{ docs }}">{{ docs_label }}</a></p>{% endif %}
""")


@dataclass
class QualityReport:
    """The findings of one period of a dataset."""

    data: Dataset
    period: Period
    findings: list[Finding]
    lang: str = "vi"
    docs_href: str = ""  # link to the GX Data Docs, relative to the page

    @classmethod
    def open(cls, data_dir: str | Path | None, period: str | None = None, lang: str = "vi",
             findings: str | Path | None = None, docs_href: str = "") -> "QualityReport":
        """Load the data; read the run's ``findings.json`` or, without it, run the consistency rules."""
        opened = inputs.open(inputs.PageInputs(inputs.QUALITY, str(data_dir or ""), period or "", lang,
                                               findings=str(findings or ""), findings_of="period"))
        return cls(opened.data, opened.period, opened.findings, lang, docs_href)

    @property
    def t(self) -> texts.Texts:
        return texts.Texts("quality", self.lang)

    def header(self):
        return _html(_HEADER.render(title=self.t["title"], period=self.period.label(self.lang).capitalize(),
                                    docs=self.docs_href, docs_label=self.t["docs"]))

    def _rule_title(self, rule: str) -> str:
        sev, vi, en = RULES.get(rule, ("", rule, rule))
        return vi if self.lang == "vi" else en

    def by_rule(self):
        counts: dict[tuple[str, str], int] = {}
        for f in self.findings:
            counts[(f.severity, f.rule)] = counts.get((f.severity, f.rule), 0) + 1
        sev = {s: texts.t(f"severity.{s}", self.lang) for s in ("error", "warning", "info")}
        rows = [(sev[s], self._rule_title(r), r, fmt.number(n, 0, self.lang))
                for (s, r), n in sorted(counts.items(), key=lambda kv: ({"error": 0, "warning": 1, "info": 2}[kv[0][0]],
                                                                         -kv[1]))]
        return _html(_COUNTS.render(heading=self.t["by_rule"], rows=rows,
                                    head=[texts.t("report.level", self.lang), self.t["rule"], "", self.t["count"]]))

    def rules_figure(self) -> go.Figure:
        counts: dict[str, int] = {}
        for f in self.findings:
            counts[f.rule] = counts.get(f.rule, 0) + 1
        items = sorted(counts.items(), key=lambda kv: kv[1])
        fig = go.Figure(go.Bar(x=[n for _, n in items], y=[fmt.chart_text(self._rule_title(r)) for r, _ in items],
                               orientation="h"))
        fig.update_layout(title=self.t["chart"], template="plotly_white", height=max(300, 30 * len(items) + 120),
                          margin=dict(l=10, r=30, t=60, b=40))
        return fig

    def by_unit(self):
        counts: dict[str, dict[str, int]] = {}
        for f in self.findings:
            if f.unit_code:
                c = counts.setdefault(f.unit_code, {"error": 0, "warning": 0, "info": 0})
                c[f.severity] += 1
        sev = {s: texts.t(f"severity.{s}", self.lang) for s in ("error", "warning", "info")}
        rows = [(code, self.data.units.name(code, self.period.end), c["error"], c["warning"], c["info"])
                for code, c in sorted(counts.items(), key=lambda kv: (-kv[1]["error"], -kv[1]["warning"], kv[0]))]
        return _html(_COUNTS.render(heading=self.t["by_unit"], rows=rows,
                                    head=["", self.t["unit"], sev["error"], sev["warning"], sev["info"]]))

    def planted(self):
        """The faults planted in demo data (the dataset's planted.csv), each with whether it was found;
        nothing when the dataset plants none."""
        from wardlib.demo import read_planted

        planted = read_planted(self.data.root)
        if planted is None or planted.empty:
            return _html("")
        found = {(f.unit_code, f.period, f.indicator, f.rule) for f in self.findings}
        names = _names(self.data, self.lang)
        t = self.t
        rows = [(f"{self.data.units.name(r['unit_code'], self.period.end)} ({r['unit_code']})", r["period"],
                 names.get(r["indicator"], r["indicator"]), r["what_vi"] if self.lang == "vi" else r["what_en"],
                 self._rule_title(r["rule"]),
                 t["yes"] if (r["unit_code"], r["period"], r["indicator"], r["rule"]) in found else t["no"])
                for r in planted.to_dict("records")]
        return _html(_PLANTED.render(heading=t["planted"], intro=t("planted_intro", n=len(rows)), rows=rows,
                                     head=[t["unit"], t["period"], t["indicator"], t["what"], t["rule"], t["found"]]))

    def details(self, limit: int = 500):
        return _html(findings_section(self.findings, self.lang, self.t["details"], limit=limit,
                                      names=_names(self.data, self.lang)))
