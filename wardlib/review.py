"""Building blocks of the review page of ``wardlib extract --review PAGE.html``, and its rendering.

The page a planner reads before putting a draft into ``observations/``: the
report's own text with every figure highlighted (green: mapped, amber: not
mapped), the figures as a table with what each was mapped to and how sure the
match is, and what ``check-report`` found in the report's arithmetic.
Everything taken from the report is escaped (Jinja2 autoescape): a report
containing ``<script>`` shows it as text. The page goes through the project's
notebook → nbconvert path (``notebooks/review.py``, :func:`render_review`),
self-contained and offline like every report page.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from jinja2 import Environment

from wardlib import fmt, texts
from wardlib.extract import Extraction, Mapping, extract
from wardlib.findings import Finding
from wardlib.reportcheck import check_document


STYLE = """
.wl-review mark.wl-fig { padding: 0 2px; border-radius: 2px; }
.wl-review mark.wl-mapped { background: #d7f0d9; }
.wl-review mark.wl-unmapped { background: #ffe6b3; }
.wl-review mark.wl-fig sup { font-size: 0.65em; color: #5d6b7a; }
.wl-review .wl-block { margin: 0.35em 0; }
.wl-review .wl-where { color: #5d6b7a; font-size: 0.75rem; margin-right: 0.5em; }
.wl-review .wl-sev-error { color: #c62828; font-weight: 600; }
.wl-review .wl-sev-warning { color: #b26a00; }
"""

_env = Environment(autoescape=True, trim_blocks=True, lstrip_blocks=True)

_HEADER = _env.from_string("""
<style>{{ style }}</style>
<header class="wl-title wl-review"><h1>{{ t.title }}</h1>
<p class="wl-period">{{ unit }} — {{ period }}</p>
<p class="wl-note">{{ t.file }}: {{ file }} · {{ counts }}</p>
<p class="wl-banner"><strong>{{ t.draft }}</strong></p></header>
""")

_CHECKS = _env.from_string("""
<section class="wl-section wl-review"><h2>{{ t.checks }}</h2>
{% if not rows %}<p>{{ t.none }}</p>{% else %}
<table class="wl-table"><thead><tr><th>{{ t.severity }}</th><th>{{ t.message }}</th></tr></thead><tbody>
{% for sev, label, msg in rows %}<tr><td class="wl-sev-{{ sev }}">{{ label }}</td><td>{{ msg }}</td></tr>{% endfor %}
</tbody></table>{% endif %}</section>
""")

_FIGURES = _env.from_string("""
<section class="wl-section wl-review"><h2>{{ t.figures }}</h2>
<table class="wl-table" id="wl-figures"><thead><tr><th>#</th><th>{{ t.where }}</th><th>{{ t.figure }}</th>
<th>{{ t.value }}</th><th>{{ t.target }}</th><th>{{ t.pct }}</th><th>{{ t.period }}</th><th>{{ t.indicator }}</th>
<th>{{ t.confidence }}</th></tr></thead><tbody>
{% for r in rows %}<tr id="fig-row-{{ r.n }}" class="{{ 'wl-mapped' if r.code else 'wl-unmapped' }}">
<td><a href="#fig-{{ r.n }}">{{ r.n }}</a></td><td>{{ r.where }}</td><td>{{ r.raw }}</td><td>{{ r.value }}</td>
<td>{{ r.target }}</td><td>{{ r.pct }}</td><td>{{ r.period }}</td>
<td>{% if r.code %}<code>{{ r.code }}</code> {{ r.name }}{% else %}<em>{{ r.reason }}</em>{% if r.cands %}
<br><span class="wl-note">{{ r.cands }}</span>{% endif %}{% endif %}</td><td>{{ r.conf }}</td></tr>
{% endfor %}</tbody></table></section>
""")

_TEXT = _env.from_string("""
<section class="wl-section wl-review"><h2>{{ t.text }}</h2>
{% for b in blocks %}<p class="wl-block"><span class="wl-where">{{ b.where }}</span>
{% for s in b.segments %}{% if s.n %}<mark class="wl-fig {{ 'wl-mapped' if s.code else 'wl-unmapped' }}" id="fig-{{ s.n }}"
 title="{{ s.title }}">{{ s.text }}<sup><a href="#fig-row-{{ s.n }}">{{ s.n }}</a></sup></mark>{% else %}{{ s.text }}{% endif %}{% endfor %}
</p>{% endfor %}</section>
""")


@dataclass
class ReviewPage:
    """One extraction and its checks, shown for review."""

    extraction: Extraction
    findings: list[Finding]
    names: dict[str, str]
    lang: str = "vi"

    @classmethod
    def open(cls, report: str | Path, data_dir: str | Path | None = None, unit: str = "", period: str = "",
             lang: str = "vi") -> "ReviewPage":
        from wardlib.extract import load_reference
        from wardlib.paths import default_data_dir

        texts.Texts("review", lang)  # an unknown language is refused before the report is read
        ex = extract(report, data_dir or None, unit or None, period or None)
        catalog, _ = load_reference(Path(data_dir) if data_dir else default_data_dir())
        col = "name_en" if lang == "en" else "name_vi"
        return cls(ex, check_document(ex.document), dict(zip(catalog.table.index, catalog.table[col])), lang)

    @property
    def t(self) -> texts.Texts:
        return texts.Texts("review", self.lang)

    def _numbered(self) -> list[tuple[int, Mapping]]:
        """The figures in reading order, numbered from 1 (the number links text and table)."""
        maps = sorted(self.extraction.mappings, key=lambda m: (m.figure.block.index, m.figure.start))
        return list(enumerate(maps, start=1))

    def header(self):
        ex = self.extraction
        mapped = sum(m.indicator is not None for m in ex.mappings)
        counts = self.t("counts", mapped=fmt.number(mapped, 0, self.lang),
                        unmapped=fmt.number(len(ex.mappings) - mapped, 0, self.lang))
        return _html(_HEADER.render(style=STYLE, t=self.t, unit=f"{ex.unit_name} ({ex.unit_code})",
                                    period=ex.period.label(self.lang), file=ex.document.path.name, counts=counts))

    def checks(self):
        rows = [(f.severity, texts.t(f"finding.{f.severity}", self.lang), f.message(self.lang)) for f in self.findings]
        return _html(_CHECKS.render(t=self.t, rows=rows))

    def figures_table(self):
        rows = []
        for n, m in self._numbered():
            f = m.figure
            rows.append({"n": n, "where": f.block.where(self.lang), "raw": f.raw.strip()[:80],
                         "value": _fmt(f.value, self.lang), "target": _fmt(f.target, self.lang),
                         "pct": fmt.percent(f.share, _dec(f.share_raw), self.lang) if f.share is not None else "",
                         "period": m.period, "code": m.indicator or "", "name": self.names.get(m.indicator or "", ""),
                         "conf": fmt.percent(m.confidence * 100, 0, self.lang) if m.indicator else "",
                         "reason": texts.TEXTS.get(f"review.reason.{m.reason}", {}).get(self.lang, m.reason),
                         "cands": ", ".join(f"{c} ({s:.0f})" for c, s in m.candidates[:3])})
        return _html(_FIGURES.render(t=self.t, rows=rows))

    def report_text(self):
        by_block: dict[int, list[tuple[int, int, int, Mapping]]] = {}  # block → (n, start, end, mapping)
        lengths = {b.index: len(b.text) for b in self.extraction.document.blocks}
        for n, m in self._numbered():
            f = m.figure
            if f.block.kind == "row_text":  # a table row read as a sentence: the whole row is the figure
                span = (0, lengths.get(f.block.index, 0))
            else:
                span = (f.start, f.end)
            by_block.setdefault(f.block.index, []).append((n, *span, m))
        blocks = []
        for b in self.extraction.document.blocks:
            segments, at = [], 0
            for n, start, end, m in sorted(by_block.get(b.index, []), key=lambda x: x[1]):
                if start < at:
                    continue
                segments.append({"text": b.text[at:start], "n": 0})
                title = (f"{m.indicator} — {self.names.get(m.indicator, '')} "
                         f"({fmt.percent(m.confidence * 100, 0, self.lang)})" if m.indicator
                         else texts.TEXTS.get(f"review.reason.{m.reason}", {}).get(self.lang, m.reason))
                segments.append({"text": b.text[start:end], "n": n, "code": m.indicator, "title": title})
                at = end
            segments.append({"text": b.text[at:], "n": 0})
            blocks.append({"where": b.where(self.lang), "segments": segments})
        return _html(_TEXT.render(t=self.t, blocks=blocks))


def _fmt(v, lang: str) -> str:
    if v is None:
        return ""
    return fmt.number(v, 0 if float(v).is_integer() else 2, lang)


def _dec(raw: str) -> int:
    return len(raw.split(".")[1]) if "." in raw else 0


def _html(markup: str):
    from IPython.display import HTML

    return HTML(markup)


# -- the page, through the project's notebook → nbconvert path ----------------------------------------------
def render_review(ex: Extraction, report: str | Path, data_dir: str | Path | None, lang: str = "vi") -> str:
    """The review page's HTML: ``notebooks/review.py`` executed with papermill, exported by nbconvert.

    The one place this module calls :mod:`wardlib.render` (execute) and :mod:`wardlib.exporter` (export):
    adapt here if their API changes.
    """
    from wardlib import render
    from wardlib.exporter import export_html
    from wardlib.paths import notebooks_dir

    nb = render.read_notebook(notebooks_dir() / "review.py")
    params = {"report": str(Path(report).resolve()), "data_dir": str(Path(data_dir).resolve()) if data_dir else "",
              "unit_code": ex.unit_code, "period": str(ex.period), "lang": lang}
    executed = render.execute(nb, params, timeout=300)
    import hashlib

    title = texts.t("review.title", lang)
    digest = hashlib.sha256(Path(report).read_bytes()).hexdigest()[:12]  # which version of the report was read
    page = render.PageInfo(title=f"{title} — {ex.document.path.name}", lang=lang,
                           unit_label=f"{ex.unit_name} ({ex.unit_code})", period_label=ex.period.label(lang),
                           data_version=f"{ex.document.path.name} {digest}")
    return export_html(executed, page, mode="single")
