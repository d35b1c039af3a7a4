"""From a narrative report to a draft of observations: each figure mapped to a catalog indicator.

``wardlib extract REPORT`` reads the report (:mod:`wardlib.documents`), finds
its figures (:mod:`wardlib.figures`), names the unit and period from the
report's own header (or ``--unit`` / ``--period``), and maps every figure to
an indicator of the catalog:

- the phrase around the figure (the words before it back to the previous
  figure, and the words after it, where Vietnamese puts the noun: ``24 hộ kinh
  doanh``) is compared with the indicator's name and its ``aliases`` (the
  phrases reports use, a catalog column) with rapidfuzz's ``partial_ratio``;
- an amount in đồng only maps to an indicator counted in đồng, a percentage
  only to one in %; the unit of measure written after the number (``hồ sơ``,
  ``lượt``) and the report's section (matched to ``sections.csv`` by its title,
  so a report numbered differently still lands) add to the score;
- every indicator takes at most one figure of a period and every figure one
  indicator: pairs are taken best first. A figure under :data:`THRESHOLD`, or
  within :data:`MARGIN` of another indicator, stays unmapped with its
  sentence and its best candidates — never dropped, never guessed silently.

The appendix of commitments ("Bản cam kết hành động": STT, nội dung, ĐVT,
chỉ tiêu, kết quả) is read by its columns: targets such as ``>37``, results or
statuses such as ``Đang thực hiện``.

The draft (``DRAFT.csv``) has the data contract's columns: ``source`` is the
file and the figure's place (``§1.2 chú thích 1``), ``note`` its sentence,
``reported_pct`` the share as printed, and figures for the same period last
year that a stated change implies are added as ``derived:`` rows, as in
``data/observations/phuong-4-2024.csv``. Unmapped figures go to
``DRAFT.unmapped.csv`` beside it. Input files are never modified; outputs
are written atomically.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
from rapidfuzz import fuzz

from wardlib.catalog import Catalog, build_catalog
from wardlib.documents import Document, read_document
from wardlib.figures import Figure, appendix_rows, cell_number, find_figures, norm, table_texts
from wardlib.findings import WardlibError
from wardlib.periods import Period
from wardlib.tables import read_table
from wardlib.units import UnitTable, build_units

THRESHOLD = 74.0  # score (0–100) from which a figure is mapped
MARGIN = 2.0  # a runner-up for another indicator this close makes the mapping ambiguous (below 90)
DRAFT_COLUMNS = ["unit_code", "period", "indicator", "value", "target", "reported_pct", "status", "unit", "note",
                 "source"]
UNMAPPED_COLUMNS = ["where", "start", "end", "figure", "value", "target", "reported_pct", "reason", "candidates",
                    "sentence"]

_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}
_NUMWORDS = {"sáu": 6, "chín": 9, "ba": 3}


class ExtractError(WardlibError):
    """The report or the options cannot be used (exit 2)."""


@dataclass
class Mapping:
    figure: Figure
    indicator: str | None = None
    confidence: float = 0.0
    candidates: list[tuple[str, float]] = field(default_factory=list)  # best first
    reason: str = ""  # why unmapped: "no match", "ambiguous", "taken", "plan"
    period: str = ""


@dataclass
class Extraction:
    document: Document
    unit_code: str
    unit_name: str
    period: Period
    mappings: list[Mapping]
    draft: pd.DataFrame
    unmapped: pd.DataFrame
    notes: list[str] = field(default_factory=list)  # how the unit and period were found


# -- loading the catalog and units without the observations ---------------------------------------------
def load_reference(data_dir: Path) -> tuple[Catalog, UnitTable]:
    """The catalog (with its aliases) and the units of a dataset folder; observations are not read."""
    root = Path(data_dir).expanduser().resolve()
    missing = [n for n in ("indicators.csv", "units.csv") if not (root / n).is_file()]
    if missing:
        raise ExtractError(f"{root}: {', '.join(missing)} not found; give the dataset folder with --data.",
                           f"{root}: không có {', '.join(missing)}; hãy chỉ thư mục dữ liệu bằng --data.")
    cat_raw = read_table(root / "indicators.csv", root)
    sec_raw = read_table(root / "sections.csv", root) if (root / "sections.csv").is_file() else None
    unit_raw = read_table(root / "units.csv", root)
    catalog = build_catalog(cat_raw, sec_raw) if cat_raw.ok else None
    units = build_units(unit_raw) if unit_raw.ok else None
    errors = [f for t in (cat_raw, unit_raw) for f in t.findings if f.severity == "error"]
    if catalog is None or units is None or errors:
        first = errors[0] if errors else None
        raise ExtractError(f"the dataset's catalog or units cannot be used: {first.format('en') if first else ''}",
                           f"danh mục chỉ tiêu hoặc danh sách đơn vị không dùng được: "
                           f"{first.format('vi') if first else ''}")
    return catalog, units


# -- text helpers -----------------------------------------------------------------------------------------
def _fold(text: str) -> str:
    """Without diacritics (đ → d): for matching names typed without them."""
    t = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(c for c in t if unicodedata.category(c) != "Mn")


# -- unit and period from the header -------------------------------------------------------------------
# "Phường 4, ngày … tháng 6 năm 2024" — a line of its own, or a cell of the header table Word reports open with
_PLACE_DATE = re.compile(r"(?:^|\|)\s*((?:phường|xã|thị trấn|đặc khu)\s+[^,\n|]{1,40}?)\s*,\s*ngày", re.I | re.M)
_UNIT_IN_TEXT = re.compile(r"(?:ủy ban nhân dân|ubnd)\s+((?:phường|xã|thị trấn|đặc khu)\s+[\wÀ-ỹ ]{1,30}?)(?=[./,;:\n]|\s*$)",
                           re.I)


def find_period(doc: Document) -> Period | None:
    """The report's period from its title: ``6 tháng đầu năm 2024`` → 2024-H1, ``9 tháng`` → 2024-Q3 …"""
    head = doc.header_text(8)
    years = re.findall(r"năm\s+((?:19|20)\d{2})", head, re.I)
    year = int(years[0]) if years else None

    def y(m):
        return int(m) if m else year

    title = next((b.text for b in doc.blocks[:10] if re.search(r"tháng|quý|năm", b.text, re.I)
                  and not _PLACE_DATE.match(b.text) and not re.match(r"\s*số\s*:", b.text, re.I)), head)
    for text in (title, head):
        m = re.search(r"(?:(06|6|sáu)\s+tháng\s+đầu\s+năm|(?:báo cáo\s+)?6 tháng)(?:\s+((?:19|20)\d{2}))?", text, re.I)
        if m and y(m.group(2) or (re.search(r"(?:19|20)\d{2}", text[m.end():m.end() + 40]) or [None])[0]):
            yy = y(m.group(2)) or y(re.search(r"(?:19|20)\d{2}", text[m.end():]).group())
            return Period(yy, "half", 1)
        m = re.search(r"(?:09|9|chín)\s+tháng(?:\s+đầu)?\s+năm(?:\s+((?:19|20)\d{2}))?", text, re.I)
        if m and y(m.group(1)):
            return Period(y(m.group(1)), "quarter", 3)
        m = re.search(r"quý\s+(I{1,3}|IV|[1-4])(?:\s+năm\s+((?:19|20)\d{2}))?", text, re.I)
        if m and y(m.group(2)):
            q = m.group(1)
            return Period(y(m.group(2)), "quarter", int(q) if q.isdigit() else _ROMAN[q.lower()])
        m = re.search(r"(?:tình hình|kết quả)[^\n]{0,80}?\bnăm\s+((?:19|20)\d{2})", text, re.I)
        if m and not re.search(r"tháng", text[:m.start(1)], re.I):
            return Period(int(m.group(1)), "year", 1)
    return None


def find_unit(doc: Document, units: UnitTable, when: date) -> tuple[str | None, str | None, list[str]]:
    """(code, name, candidates) of the commune the header names ("Phường 4, ngày …"), checked against units.csv.

    A name shared by several communes ("Phường 4" is in dozens of cities) is settled by the name of
    the district or city the report mentions; without one it stays unsettled.
    """
    head = doc.header_text(12)
    m = _PLACE_DATE.search(head)
    name = m.group(1).strip() if m else None
    if not name:
        m2 = _UNIT_IN_TEXT.search(doc.text[:20000])
        name = m2.group(1).strip() if m2 else None
    if not name:
        return None, None, []
    t = units.table
    ts = pd.Timestamp(when)
    live = t[(t["valid_from"] <= ts) & (t["valid_to"] >= ts)]
    communes = live[live["level"].eq("commune")]
    key = _fold(norm(name))
    hit = communes[communes["name"].map(lambda n: _fold(norm(str(n))) == key)]
    if len(hit) > 1:
        body = _fold(norm(doc.text[:60000]))
        parents = live.set_index("code")["name"]

        def mentioned(code):
            pname = _fold(norm(str(parents.get(code, ""))))
            short = re.sub(r"^(thanh pho|tp|quan|huyen|thi xa|tinh)\s+", "", pname)
            return bool(short) and short in body

        hit = hit[hit["parent_code"].map(mentioned)]
    if len(hit) == 1:
        return str(hit.iloc[0]["code"]), str(hit.iloc[0]["name"]), [name]
    return None, name, [name]


# -- scoring ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Indicator:
    code: str
    section: str
    unit: str
    kind: str
    money: bool
    percent: bool
    phrases: tuple[str, ...]
    commitment: str


def _indicators(catalog: Catalog) -> list[_Indicator]:
    t = catalog.table
    aliases = t["aliases"] if "aliases" in t.columns else pd.Series("", index=t.index)
    out = []
    for code, r in t.iterrows():
        phrases = [norm(str(r["name_vi"]))] + [norm(a) for a in str(aliases.get(code, "") or "").split("|") if a.strip()]
        phrases = [re.sub(r"^(số|lượng)\s+", "", p) for p in phrases]
        unit = str(r["unit"]).strip().lower()
        out.append(_Indicator(str(code), str(r["section"]), unit, str(r["kind"]), unit in ("đ", "đồng", "vnđ"),
                              unit == "%", tuple(dict.fromkeys(p for p in phrases if p)), str(r.get("commitment", ""))))
    return out


def _phrase_score(phrases: tuple[str, ...], left: str, right: str, topic: str = "") -> float:
    """How well the indicator's phrases match the words around a figure (0–100).

    The words after the number weigh most (Vietnamese writes ``24 hộ kinh doanh``); the words before
    count a little less the further back they match.
    """
    best = 0.0
    for p in phrases:
        both = f"{left[-70:]} {right}".strip()
        for window, weight, from_end in ((right, 1.0, False), (left, 0.97, True), (both, 0.96, True),
                                         (topic, 0.85, False)):
            if len(window) < 3:
                continue
            if len(window) >= len(p):
                al = fuzz.partial_ratio_alignment(p, window, score_cutoff=50)
                if al is None:
                    continue
                score = al.score
                dist = (len(window) - al.dest_end) if from_end else al.dest_start
            else:
                score = fuzz.ratio(p, window) * (0.6 + 0.4 * len(window) / len(p))
                dist = 0
            score = score * weight - min(dist, 120) * 0.06
            # a long phrase matched says more than a two-word one
            score += min(len(p), 40) * 0.1
            best = max(best, score)
    return best


def _windows(fig: Figure) -> tuple[str, str, str]:
    """The figure's words before, after and its paragraph's topic, normalised (once per figure)."""
    if fig.normalised is None:  # bounded: the words far from the number say little, and cost the most
        fig.normalised = (norm(fig.left)[-100:], norm(fig.right)[:70], norm(fig.topic)[:110])
    return fig.normalised


_WINDOWS = ((1.0, "right"), (0.97, "left"), (0.96, "both"), (0.85, "topic"))  # weights as in _phrase_score
_MAX_BONUS = 13.0  # the most _score adds to the phrase score (section +8, unit of measure +5)


def _upper_bounds(inds: list[_Indicator], figs: list[Figure]) -> np.ndarray:
    """For each figure and indicator, a bound on :func:`_phrase_score` from above, for all pairs at once.

    rapidfuzz's ``process.cdist`` scores every phrase against every window in C++; the exact score
    (:func:`_phrase_score`, with the distance of the match from the number) is then computed only for
    the pairs whose bound could reach a mapping — a 40-page report has a thousand figures and the
    catalog some four hundred phrases. Only pairs the unit of measure allows (:func:`_gate`: amounts
    with amounts, percentages with percentages, ranks with ranks) are scored; the others get −1.
    """
    out = np.full((len(figs), len(inds)), -1.0, dtype=np.float32)
    groups: dict[tuple, tuple[list[int], list[int]]] = {}
    for j, i in enumerate(inds):
        groups.setdefault((i.money, i.percent, i.kind == "rank"), ([], []))[1].append(j)
    for k, f in enumerate(figs):
        key = (f.money, f.percent, f.kind == "rank")
        if key in groups:
            groups[key][0].append(k)
    for fig_ix, ind_ix in groups.values():
        if fig_ix and ind_ix:
            out[np.ix_(fig_ix, ind_ix)] = _bounds([inds[j] for j in ind_ix], [figs[k] for k in fig_ix])
    return out


def _bounds(inds: list[_Indicator], figs: list[Figure]) -> np.ndarray:
    from rapidfuzz import process

    phrases = sorted({p for i in inds for p in i.phrases})
    pos = {p: n for n, p in enumerate(phrases)}
    windows = []
    for f in figs:
        left, right, topic = _windows(f)
        windows += [right, left, f"{left[-70:]} {right}".strip(), topic]
    uniq = sorted(set(windows))
    w_pos = {w: n for n, w in enumerate(uniq)}
    partial = process.cdist(phrases, uniq, scorer=fuzz.partial_ratio, score_cutoff=50, dtype=np.float32, workers=-1)
    whole = process.cdist(phrases, uniq, scorer=fuzz.ratio, dtype=np.float32, workers=-1)
    lp = np.array([len(p) for p in phrases], dtype=np.float32)[:, None]
    lw = np.array([len(w) for w in uniq], dtype=np.float32)[None, :]
    m = np.where(lw >= lp, partial, whole * (0.6 + 0.4 * lw / lp))
    m = np.where(lw < 3, 0.0, m) + np.minimum(lp, 40) * 0.1
    per_ind = np.stack([m[[pos[p] for p in i.phrases]].max(axis=0) for i in inds])  # (indicators, windows)
    cols = np.array([w_pos[w] for w in windows]).reshape(len(figs), len(_WINDOWS))
    weights = np.array([w for w, _ in _WINDOWS], dtype=np.float32)
    return (per_ind[:, cols] * weights[None, None, :]).max(axis=2).T  # (figures, indicators)


def _sections(doc: Document, catalog: Catalog) -> dict[str, str]:
    """The report's section numbers → the catalog's section codes, by title where they are named alike."""
    titles = {code: norm(str(r["title_vi"])) for code, r in catalog.sections.iterrows()}
    out: dict[str, str] = {}
    for b in doc.blocks:
        if b.kind != "heading" or not b.section or b.section in out or b.plan:
            continue
        h = norm(b.heading)
        scored = sorted(((fuzz.token_set_ratio(h, t), c) for c, t in titles.items() if c[:1].isdigit()), reverse=True)
        if scored and scored[0][0] >= 80 and (len(scored) == 1 or scored[0][0] - scored[1][0] >= 3):
            out[b.section] = scored[0][1]
        elif b.section in titles:
            out[b.section] = b.section
    out["PL"] = "PL"
    return out


def _gate(ind: _Indicator, fig: Figure) -> bool:
    """Whether the unit of measure lets ``fig`` be a value of ``ind`` at all."""
    if fig.money != ind.money:
        return False
    if fig.percent != ind.percent:
        return False  # a pair is a result and its plan; its share goes with the result's indicator
    return (fig.kind == "rank") == (ind.kind == "rank")


def _score(ind: _Indicator, fig: Figure, section: str) -> float | None:
    """Score of ``fig`` as a value of ``ind``; ``None`` where the unit of measure rules it out."""
    if not _gate(ind, fig):
        return None
    left, right, topic = _windows(fig)
    s = _phrase_score(ind.phrases, left, right, topic)
    if s <= 0:
        return None
    if section and ind.section == section:
        s += 8
    elif section and ind.section.split(".")[0] == section.split(".")[0]:
        s -= 4
    elif section:
        s -= 15
    measure = norm(fig.measure)
    if ind.unit and not ind.money and not ind.percent and measure:
        if measure.startswith(ind.unit):
            s += 5
        elif measure.split(" ")[0] in _MEASURE_WORDS and not ind.unit.startswith(measure.split(" ")[0]):
            s -= 6
    return s


_MEASURE_WORDS = {"hộ", "người", "lượt", "hồ", "ca", "con", "liều", "lít", "cơ", "trường", "phần", "suất", "thẻ",
                  "lớp", "học", "em", "xe", "cuộc", "vụ", "điểm", "camera", "việc", "ý", "cá", "đồng", "công",
                  "cán", "sản", "dự", "sáng", "lao"}


def _num_text(v: float | None) -> str:
    if v is None or pd.isna(v):
        return ""
    return str(int(v)) if float(v).is_integer() else repr(float(v))


# -- the extraction ----------------------------------------------------------------------------------------
def extract(report: str | Path, data_dir: str | Path | None = None, unit: str | None = None,
            period: str | None = None) -> Extraction:
    """Read a report and map its figures; raises :class:`ExtractError` / ``DocumentError`` for bad input."""
    from wardlib.paths import default_data_dir

    doc = read_document(report)
    catalog, units = load_reference(Path(data_dir) if data_dir else default_data_dir())
    notes = []
    p = Period.parse(period) if period else find_period(doc)
    if p is None:
        raise ExtractError(f"{doc.path.name}: the report's period is not named in its title "
                           "(e.g. '6 tháng đầu năm 2024'); give it with --period 2024-H1.",
                           f"{doc.path.name}: tiêu đề báo cáo không nêu kỳ báo cáo (ví dụ '6 tháng đầu năm 2024'); "
                           "hãy ghi --period 2024-H1.")
    if unit:
        if units.version_at(unit, p.end) is None:
            raise ExtractError(f"unit {unit} is not in units.csv for {p}; check the code (--unit).",
                               f"đơn vị {unit} không có trong units.csv cho kỳ {p}; hãy kiểm tra mã (--unit).")
        code, name = unit, units.name(unit, p.end)
    else:
        code, name, _ = find_unit(doc, units, p.end)
        if code is None:
            said = f"'{name}'" if name else "no unit"
            raise ExtractError(
                f"{doc.path.name}: the header names {said}, which matches no single commune of units.csv "
                f"valid in {p}; add the unit to units.csv or give its code with --unit.",
                f"{doc.path.name}: phần đầu báo cáo ghi {said if name else 'không có tên đơn vị'}, không khớp đúng một "
                f"đơn vị cấp xã trong units.csv của kỳ {p}; hãy thêm đơn vị vào units.csv hoặc ghi mã bằng --unit.")
    notes.append(f"{name} ({code}), {p.label('vi')} ({p})")
    mappings = _map(doc, catalog, p)
    draft, unmapped = _tables(doc, catalog, mappings, code, p)
    if p.kind == "quarter" and p.number == 3 and re.search(r"(?:09|9|chín)\s+tháng", doc.header_text(8), re.I):
        # the contract has no nine-month period: the figures are stored at Q3 and say they run from 1 January
        ytd = "9 tháng đầu năm (lũy kế 1/1–30/9, not Q3 alone)"
        draft["note"] = draft["note"].map(lambda n: f"{ytd}; {n}" if n else ytd)
        notes.append(ytd)
    return Extraction(doc, code, name, p, mappings, draft, unmapped, notes)


def _map(doc: Document, catalog: Catalog, p: Period) -> list[Mapping]:
    inds = _indicators(catalog)
    sec_map = _sections(doc, catalog)
    month = Period(p.year, "month", p.last_month) if p.kind != "month" else p
    figures: list[Figure] = []
    for b in doc.blocks:
        if b.kind in ("paragraph", "footnote"):
            figures.extend(find_figures(b))
    figures.extend(f for b in table_texts(doc) for f in find_figures(b))
    maps = [Mapping(f, period=str(month if f.month_only else p)) for f in figures]
    prose = [i for i in inds if i.section != "PL"]
    bounds = _upper_bounds(prose, figures)
    pairs = []
    for k, m in enumerate(maps):
        f = m.figure
        if f.block.plan:
            m.reason = "plan"
            continue
        if f.last_year:
            m.reason = "last year"
            continue
        section = sec_map.get(f.block.section, f.block.section)
        scored = []
        ub = bounds[k]
        worth = np.flatnonzero(ub + _MAX_BONUS >= THRESHOLD - MARGIN)
        for j in worth:
            ind = prose[j]
            s = _score(ind, f, section)
            if s is not None:
                scored.append((s, ind.code))
        if len(scored) < 3:  # for the review: the nearest indicators, by their bound (never mapped)
            near = [j for j in np.argsort(-ub)[:6] if j not in set(worth)]
            scored += [(float(ub[j]), prose[j].code) for j in near if ub[j] >= 0][:3 - len(scored)]
        scored.sort(reverse=True)
        m.candidates = [(c, round(s, 1)) for s, c in scored[:3]]
        for s, c in scored[:6]:
            if s >= THRESHOLD:
                pairs.append((s, k, c))
    # best first; one figure per indicator and period, one indicator per figure
    taken: set[tuple[str, str]] = set()
    done: set[int] = set()
    for s, k, c in sorted(pairs, key=lambda x: (-x[0], x[1])):
        m = maps[k]
        if k in done or (c, m.period) in taken:
            continue
        rivals = [rs for rc, rs in m.candidates if rc != c and (rc, m.period) not in taken]
        if rivals and s < 90 and s - rivals[0] < MARGIN:
            m.reason = "ambiguous"
            done.add(k)
            continue
        m.indicator, m.confidence = c, round(min(s, 100.0) / 100, 2)
        taken.add((c, m.period))
        done.add(k)
    for m in maps:
        if m.indicator is None and not m.reason:
            m.reason = "taken" if m.candidates and m.candidates[0][1] >= THRESHOLD else "no match"
    # the appendix of commitments, by its columns
    pl = [i for i in inds if i.section == "PL"]
    for b, row in appendix_rows(doc):
        text = norm(row["content"])
        scored = sorted(((fuzz.partial_ratio(ph, text) if len(text) >= len(ph) else fuzz.ratio(ph, text))
                         + (6 if i.commitment and i.commitment == row["item"] else 0), i.code)
                        for i in pl for ph in i.phrases)
        best: dict[str, float] = {}
        for s, c in scored:
            best[c] = max(best.get(c, 0), s)
        ranked = sorted(((s, c) for c, s in best.items()), reverse=True)
        op, tv = cell_number(row["target"])
        _, rv = cell_number(row["result"])
        fig = Figure(b, 0, len(b.text), b.text, "cell", rv, target=tv, cells=dict(row, target_op=op))
        fig.sentence = b.text
        m = Mapping(fig, period=str(p), candidates=[(c, round(s, 1)) for s, c in ranked[:3]])
        if ranked and ranked[0][0] >= THRESHOLD and (ranked[0][1], str(p)) not in taken:
            m.indicator, m.confidence = ranked[0][1], round(min(ranked[0][0], 100.0) / 100, 2)
            taken.add((m.indicator, str(p)))
        else:
            m.reason = "no match"
        maps.append(m)
    # the share of a result over a base: a rate of the catalog takes the share, its parts the figures
    _rates(maps, catalog)
    return maps


def _rates(maps: list[Mapping], catalog: Catalog) -> None:
    rates = catalog.rates()
    num_of = {str(r["numerator"]): (str(code), str(r["denominator"])) for code, r in rates.iterrows()}
    for m in maps:
        if m.indicator in num_of and m.figure.kind == "pair":
            rate, den = num_of[m.indicator]
            m.figure.cells = {"rate": rate, "denominator": den}


def _tables(doc: Document, catalog: Catalog, maps: list[Mapping], unit_code: str, p: Period):
    rows: list[dict] = []
    seen: set[tuple[str, str]] = set()
    name = doc.path.name

    def add(period, indicator, value, target="", pct="", status="", unit="", note="", where=""):
        key = (period, indicator)
        if key in seen:
            return
        seen.add(key)
        rows.append({"unit_code": unit_code, "period": period, "indicator": indicator, "value": value,
                     "target": target, "reported_pct": pct, "status": status, "unit": unit, "note": note,
                     "source": f"{name} {where}"})

    for m in maps:
        f = m.figure
        if m.indicator is None:
            continue
        where = f.block.where("vi")
        note = _note(f)
        if f.kind == "cell":
            c = f.cells
            op, tv = c.get("target_op", ""), f.target
            _, rv = cell_number(c["result"])
            status = "" if rv is not None else c["result"]
            add(m.period, m.indicator, _num_text(rv), (op + _num_text(tv)) if tv is not None else "", "", status,
                c["unit"], "", f"{where} (mục {c['item']})")
            continue
        rate = f.cells.get("rate") if f.kind == "pair" else None
        if rate:
            add(m.period, m.indicator, _num_text(f.value), "", "", "", "", note, where)
            add(m.period, f.cells["denominator"], _num_text(f.target), "", "", "", "", note, where)
            add(m.period, rate, "", "", f.share_raw, "", "", note, where)
        elif f.kind == "rank":
            add(m.period, m.indicator, _num_text(f.value), "", "", f.status, "", f"{f.raw.strip()}; {note}", where)
        else:
            target = _num_text(f.target) if f.kind == "pair" else ""
            add(m.period, m.indicator, _num_text(f.value), target, f.share_raw, f.status, "", note, where)
        if f.change is not None and not f.change_pct and f.value is not None:
            last = str(Period.parse(m.period).same_period_last_year())
            base = f.value - f.change
            sign = "−" if f.change > 0 else "+"
            add(last, m.indicator, _num_text(base), "", "", "", "",
                f"derived: {_num_text(f.value)} {sign} {_num_text(abs(f.change))} ({where} \"{f.change_raw}\")", where)
    draft = pd.DataFrame(rows, columns=DRAFT_COLUMNS)
    un = []
    for m in maps:
        if m.indicator is not None:
            continue
        f = m.figure
        un.append({"where": f.block.where("vi"), "start": f.start, "end": f.end, "figure": f.raw.strip(),
                   "value": _num_text(f.value), "target": _num_text(f.target), "reported_pct": f.share_raw,
                   "reason": m.reason, "candidates": "; ".join(f"{c} {s:.0f}" for c, s in m.candidates),
                   "sentence": f.sentence[:400]})
    return draft, pd.DataFrame(un, columns=UNMAPPED_COLUMNS)


def _note(f: Figure) -> str:
    extra = []
    if f.bound:
        extra.append(f"{f.bound} {f.raw.strip()} ({'approximate' if f.bound == 'khoảng' else 'lower bound'})")
    if f.change is not None and f.change_pct:
        extra.append(f"{f.change_raw} (as printed; nothing derived)")
    text = f.sentence if len(f.sentence) <= 300 else f.sentence[:297] + "…"
    return "; ".join([text] + extra)


def to_csv(frame: pd.DataFrame) -> str:
    buf = io.StringIO()
    frame.to_csv(buf, index=False, quoting=csv.QUOTE_MINIMAL, lineterminator="\n")
    return buf.getvalue()


# -- measuring a draft against observations typed by hand ---------------------------------------------------
def score_draft(draft: pd.DataFrame, truth: pd.DataFrame, unit_code: str, period: str) -> dict:
    """Recall and precision of a draft's rows of one unit and period against hand-typed observations.

    A draft row is right when the truth has the same indicator with the same value (both empty counts as the
    same) and, where the truth has a target, the same target. Returns counts, the two ratios and the rows
    missed and wrong.
    """
    def key_rows(frame):
        f = frame[(frame["unit_code"].astype(str) == unit_code) & (frame["period"].astype(str) == period)]
        out = {}
        for r in f.to_dict("records"):
            out[str(r["indicator"])] = (_num(r.get("value")), str(r.get("target", "") or "").strip())
        return out

    t, d = key_rows(truth), key_rows(draft)

    def same(code):
        tv, tt = t[code]
        dv, dt = d[code]
        value_ok = (tv is None and dv is None) or (tv is not None and dv is not None and abs(tv - dv) < 1e-9)
        target_ok = not tt or _target_key(tt) == _target_key(dt)
        return value_ok and target_ok

    right = [c for c in d if c in t and same(c)]
    wrong = [c for c in d if c not in right]
    missed = [c for c in t if c not in right]
    return {"truth": len(t), "draft": len(d), "right": len(right),
            "recall": len(right) / len(t) if t else 1.0, "precision": len(right) / len(d) if d else 1.0,
            "missed": missed, "wrong": wrong}


def _num(v) -> float | None:
    try:
        s = str(v).strip()
        return None if s in ("", "nan", "None") else float(s)
    except ValueError:
        return None


def _target_key(text: str) -> tuple[str, float | None]:
    op, v = cell_number(str(text))
    return op, v
