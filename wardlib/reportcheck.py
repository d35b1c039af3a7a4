"""The arithmetic of a narrative report, checked from its own text: no dataset, no data entry.

``wardlib check-report REPORT`` reads the report (:mod:`wardlib.documents`),
finds its figures (:mod:`wardlib.figures`) and checks what the report states
against what its own figures give. Each problem is a
:class:`~wardlib.findings.Finding` naming the report, the place
(``§1.2 chú thích 1``), the sentence and the numbers involved.

===========================  ========  ======================================================
rule                         severity  what it catches
===========================  ========  ======================================================
report.pct_stated            error     a share stated next to its result and plan that they do
                                       not give (``16.699.345đ/21.145.000đ, đạt tỷ lệ 83.5%``
                                       is 79,0 %); the decimals shown set the tolerance, as in
                                       :func:`wardlib.calc.pct_check`
report.pct_truncated         info      a share cut instead of rounded (48,6 for 48,69)
report.parts_sum             error     parts ("trong đó …", or in brackets) adding up to more
                                       than their stated total
report.parts_short           warning   two or more parts adding up to less than their total
report.change_contradicts    error     ``tăng N so với cùng kỳ`` (against the same period last
                                       year) that the same report's last-year figure contradicts
report.unit_contradicts      warning   an appendix line whose unit (ĐVT) says % while the text
                                       gives the same figures as a count (``06/10 người``)
===========================  ========  ======================================================

Exit codes: 0 nothing wrong (notes only), 1 something wrong, 2 the file cannot be read.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np
import pandas as pd

from wardlib import fmt, texts
from wardlib.calc import pct_check
from wardlib.documents import Document, DocumentError, read_document
from wardlib.figures import Figure, appendix_rows, cell_number, decimals_of, find_figures, table_texts
from wardlib.findings import Finding

RULES = {
    "report.pct_stated": "error",
    "report.pct_truncated": "info",
    "report.parts_sum": "error",
    "report.parts_short": "warning",
    "report.change_contradicts": "error",
    "report.unit_contradicts": "warning",
}


def report_figures(doc: Document) -> list[list[Figure]]:
    """The figures of each block that reports results (the tasks for next period and the closing left out)."""

    blocks = [find_figures(b) for b in doc.blocks if b.kind in ("paragraph", "footnote") and not b.plan]
    return blocks + [find_figures(b) for b in table_texts(doc) if not b.plan]


def check_document(doc: Document) -> list[Finding]:
    """Every rule over one report, most severe first, then in reading order."""
    blocks = report_figures(doc)
    flat = [f for figs in blocks for f in figs]
    out = _shares(doc, flat) + _parts(doc, blocks) + _changes(doc, blocks) + _units(doc, flat)
    order = {"error": 0, "warning": 1, "info": 2}
    return sorted(out, key=lambda f: (order[f.severity], (f.values or {}).get("block", 0),
                                      (f.values or {}).get("start", 0)))


def _finding(doc: Document, rule: str, f: Figure, vi: str, en: str, numbers: dict) -> Finding:
    where_vi, where_en = f.block.where("vi"), f.block.where("en")
    values = {"where": where_en, "block": f.block.index, "start": f.start, "end": f.end, "figure": f.raw.strip(),
              "sentence": f.sentence, **{k: _plain(v) for k, v in numbers.items()}}
    return Finding(RULES[rule], rule, f"{where_vi}: {vi} — «{_short(f.sentence)}»",
                   f"{where_en}: {en} — «{_short(f.sentence)}»", file=doc.path.name, values=values)


def _short(text: str, n: int = 160) -> str:
    return text if len(text) <= n else text[:n - 1] + "…"


def _plain(v):
    if isinstance(v, (np.floating,)):
        return float(v)
    if isinstance(v, (np.integer,)):
        return int(v)
    return v


def _num(x: float, lang: str) -> str:
    return fmt.number(x, 0 if float(x).is_integer() else 2, lang)


def _shares(doc: Document, figs: list[Figure]) -> list[Finding]:
    pairs = [f for f in figs if f.kind == "pair" and f.share is not None and f.target]
    if not pairs:
        return []
    computed = pd.Series([f.value / f.target * 100 for f in pairs], dtype="float64")
    stated = pd.Series([f.share for f in pairs], dtype="float64")
    decimals = pd.Series([decimals_of(f.share_raw) for f in pairs])
    verdict = pct_check(stated, computed, decimals)
    out = []
    for f, c, d, v in zip(pairs, computed, decimals, verdict):
        if v not in ("mismatch", "truncated"):
            continue
        s_vi, s_en = fmt.percent(f.share, int(d), "vi"), fmt.percent(f.share, int(d), "en")
        base_vi = f"báo cáo nêu {s_vi}, nhưng {_num(f.value, 'vi')}/{_num(f.target, 'vi')} là {fmt.percent(c, 2, 'vi')}"
        base_en = f"the report states {s_en}, but {_num(f.value, 'en')}/{_num(f.target, 'en')} is {fmt.percent(c, 2, 'en')}"
        numbers = {"stated": f.share, "computed": round(c, 4), "value": f.value, "target": f.target}
        if v == "truncated":
            out.append(_finding(doc, "report.pct_truncated", f, base_vi + " — chỉ cắt bớt số lẻ thay vì làm tròn; nên "
                                f"ghi {fmt.percent(c, int(d), 'vi')}.", base_en + " — cut instead of rounded; "
                                f"write {fmt.percent(c, int(d), 'en')}.", numbers))
        else:
            out.append(_finding(doc, "report.pct_stated", f, base_vi + f" — hãy sửa thành {fmt.percent(c, 1, 'vi')}.",
                                base_en + f" — correct it to {fmt.percent(c, 1, 'en')}.", numbers))
    return out


def _parts(doc: Document, blocks: list[list[Figure]]) -> list[Finding]:
    out = []
    for figs in blocks:
        for k, total in enumerate(figs):
            parts = [g for g in figs if g.parts_of == k and g.value is not None]
            if not parts or total.value is None:
                continue
            for side, get in (("value", lambda g: g.value), ("target", lambda g: g.target)):
                if side == "target" and (total.target is None or any(g.target is None for g in parts)):
                    continue
                whole, s = get(total), sum(get(g) for g in parts)
                listed_vi = " + ".join(_num(get(g), "vi") for g in parts)
                listed_en = " + ".join(_num(get(g), "en") for g in parts)
                numbers = {"total": whole, "parts_sum": s, "parts": [get(g) for g in parts], "side": side}
                if s > whole + 1e-9:
                    out.append(_finding(doc, "report.parts_sum", total,
                                        f"các thành phần {listed_vi} = {_num(s, 'vi')} lớn hơn tổng {_num(whole, 'vi')}; "
                                        "sửa tổng hoặc các thành phần.",
                                        f"the parts {listed_en} = {_num(s, 'en')} exceed the total {_num(whole, 'en')}; "
                                        "correct the total or its parts.", numbers))
                elif len(parts) >= 2 and s < whole - 1e-9:
                    out.append(_finding(doc, "report.parts_short", total,
                                        f"các thành phần {listed_vi} = {_num(s, 'vi')}, ít hơn tổng {_num(whole, 'vi')} "
                                        f"(thiếu {_num(whole - s, 'vi')}); kiểm tra có thiếu thành phần nào không.",
                                        f"the parts {listed_en} = {_num(s, 'en')} fall short of the total "
                                        f"{_num(whole, 'en')} (by {_num(whole - s, 'en')}); check for a missing part.",
                                        numbers))
    return out


def _changes(doc: Document, blocks: list[list[Figure]]) -> list[Finding]:
    """A stated change against last year's figure stated in the same report, same section and unit of measure."""
    out = []
    flat = [f for figs in blocks for f in figs]
    last = [f for f in flat if f.last_year and f.value is not None]
    for f in flat:
        if f.change is None or f.change_pct or f.value is None or f.last_year:
            continue
        head = (f.measure.split(" ") or [""])[0].lower()
        same = [g for g in last if g.block.section == f.block.section and g.start != f.start
                and (g.measure.split(" ") or [""])[0].lower() == head]
        if not same:
            continue
        g = min(same, key=lambda g: (g.block.index != f.block.index, abs(g.block.index - f.block.index),
                                     abs(g.start - f.end)))
        implied = f.value - g.value
        if abs(implied - f.change) > 1e-9:
            word_vi = "tăng" if f.change > 0 else "giảm"
            word_en = "up" if f.change > 0 else "down"
            out.append(_finding(
                doc, "report.change_contradicts", f,
                f"báo cáo ghi {_num(f.value, 'vi')} ({word_vi} {_num(abs(f.change), 'vi')} so với cùng kỳ), nhưng cùng kỳ "
                f"được nêu là {_num(g.value, 'vi')} ({g.block.where('vi')}), tức chênh {_num(implied, 'vi')}; "
                "sửa một trong hai số.",
                f"the report gives {_num(f.value, 'en')} ({word_en} {_num(abs(f.change), 'en')} on the same period last "
                f"year), but states last year's figure as {_num(g.value, 'en')} ({g.block.where('en')}), a change of "
                f"{_num(implied, 'en')}; correct one of them.",
                {"value": f.value, "change": f.change, "last_year": g.value, "implied_change": implied}))
    return out


def _units(doc: Document, figs: list[Figure]) -> list[Finding]:
    """Appendix lines in % whose figures the text gives as a count (target "10" meaning 10 people)."""

    out = []
    pairs = [f for f in figs if f.kind == "pair" and not f.money and f.measure]
    for b, row in appendix_rows(doc):
        if row["unit"].strip() != "%":
            continue
        _, tv = cell_number(row["target"])
        _, rv = cell_number(row["result"])
        if tv is None or rv is None:
            continue
        for f in pairs:
            if f.value == rv and f.target == tv:
                fig = Figure(b, 0, len(b.text), b.text, "cell", rv, target=tv)
                fig.sentence = b.text
                measure = f.measure.split(" ")[0]
                out.append(_finding(
                    doc, "report.unit_contradicts", fig,
                    f"mục {row['item']} ghi đơn vị tính '%', nhưng chỉ tiêu {row['target']} và kết quả {row['result']} "
                    f"là số {measure} như {f.block.where('vi')} viết ({f.raw.strip()} {measure}); sửa đơn vị tính.",
                    f"item {row['item']} gives the unit '%', but its target {row['target']} and result {row['result']} "
                    f"are a count of {measure}, as {f.block.where('en')} writes ({f.raw.strip()} {measure}); "
                    "correct the unit.", {"target": tv, "result": rv, "text_unit": measure}))
                break
    return out


# -- the command ------------------------------------------------------------------------------------------
def add_parser(sub) -> None:
    c = sub.add_parser("check-report", help="check a narrative report's own arithmetic (no dataset needed)")
    c.add_argument("report", type=Path, help="the report: .docx, .pdf (with a text layer), .txt or .md")
    c.add_argument("--json", action="store_true", help="print the findings as JSON")
    c.add_argument("--lang", choices=("vi", "en"), default="vi", help="language of the messages")


def main(args: argparse.Namespace) -> int:
    lang = args.lang
    try:
        doc = read_document(args.report)
    except DocumentError as exc:
        print(f"wardlib: {exc.message_vi if lang == 'vi' else exc}", file=sys.stderr)
        return 2
    findings = check_document(doc)
    if args.json:
        print(json.dumps([f.as_dict(lang) for f in findings], ensure_ascii=False, indent=2))
    else:
        for f in findings:
            print(f.format(lang))
    wrong = sum(f.severity != "info" for f in findings)
    notes = len(findings) - wrong
    print(texts.t("cli.report_check", lang, name=doc.path.name, wrong=wrong, notes=notes), file=sys.stderr)
    return 1 if wrong else 0
