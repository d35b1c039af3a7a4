"""Finding the figures in Vietnamese report prose, with their positions and what kind of figure each is.

Reports write numbers for people, not machines. :func:`read_number` reads one
token as these reports write it (thousands dots ``5.137.820.843``, a decimal
comma ``43,854`` or a decimal dot ``55.4``, leading zeros ``04``);
:func:`find_figures` walks a block of text and returns each :class:`Figure`:

==========  =======================================================================
kind        what the text says
==========  =======================================================================
value       ``24 hộ kinh doanh``, ``5.000.000đ``, ``96.07 %``, ``hơn 150 học sinh``
pair        a result over its plan (dự toán, kế hoạch): ``5.137.820.843đ/9.270.000.000đ``,
            ``177/312``, ``19/119 hộ``, with the share stated next to it
            (``đạt tỷ lệ 55.4%``) when there is one
rank        ``xếp hạng 01/15``: place 1 of 15
change      ``tăng 18 ca so với cùng kỳ`` (against the same period last year, "cùng kỳ"),
            attached to the figure it qualifies; ``tăng 31.34%`` as a percent change
==========  =======================================================================

Amounts are in đồng: ``nghìn``/``triệu``/``tỷ (đồng)`` multiply the number and
the text is kept (``43,854 tỷ`` → 43 854 000 000). ``hơn``/``trên`` (more
than) mark a lower bound, ``khoảng`` (about) an approximate figure.
Footnote markers (``9.270.000.000đ¹``) are superscript characters, never
digits. Dates, document numbers (``146/KH-UBND``), years, hours (``24/24h``),
and place numbers (``Phường 4``, ``khóm 2``) are not figures.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from wardlib.documents import SUPERSCRIPT, Block, Document

_NUM = r"(?<![0-9A-Za-zÀ-ỹ.,])(\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d{1,3}(?:,\d{3}){2,}|\d+[.,]\d+|\d+)(?![0-9])"
NUMBER = re.compile(_NUM)
SCALES = {"nghìn": 1e3, "ngàn": 1e3, "triệu": 1e6, "tỷ": 1e9, "tỉ": 1e9}
_MONEY = re.compile(r"^\s*(?:(nghìn|ngàn|triệu|tỷ|tỉ)\s*)?(đồng|đ|vnđ|vnd)(?![a-zà-ỹ])(?!\s+chí)|^\s*(nghìn|ngàn|triệu|tỷ|tỉ)(?![a-zà-ỹ])",
                    re.I)
_PCT = re.compile(r"^\s*%")
_SHARE = re.compile(r"^[\s,;:(]*(?:và\s+)?(?:đạt\s+)?(?:(?:tỷ|tỉ)\s+lệ\s*(?:đạt\s*)?)?(?:là\s+)?:?\s*"
                    r"(\d+(?:[.,]\d+)?)\s*%", re.I)
_CHANGE = re.compile(r"^[\s,;(]*(tăng|giảm)\s+(\d+(?:[.,]\d+)?)\s*(%?)\s*([a-zà-ỹ ]{0,20}?)\s*so\s+với\s+cùng\s+kỳ", re.I)
_BOUND = re.compile(r"(hơn|trên|gần|khoảng|ít nhất|tối thiểu)\s*$", re.I)
_RANK = re.compile(r"xếp\s+(?:hạng|thứ)\s*(?:thứ\s*)?$", re.I)
_LAST_YEAR = re.compile(r"cùng\s+kỳ\s+năm\s+(?:trước|ngoái|\d{4})|năm\s+(?:trước|ngoái)", re.I)
_MONTH_ONLY = re.compile(r"^\s*trong\s+tháng\b", re.I)
# A number followed by these is not a figure of the report: dates, document numbers, times, years.
_NOT_AFTER = re.compile(
    r"^(?:/\s*(?:\d{1,2}/)?\d{4}|/[A-ZĐa-zđ]|/\d+/|/\s*(?:ngày|tuần|tháng|năm)\b|/24|[.:]\d|h\b|\s*giờ\b"
    r"|\s+(?:năm\s+ngày|năm\s+Ngày|sao\b|tháng\s+(?:đầu|cuối)|tháng\s+năm|tuổi\b|lớp\b(?=.{0,3}$)))", re.S)
_NOT_BEFORE = re.compile(
    r"\b(?:ngày|tháng|năm|số|khóm|khom|tổ|ấp|nhóm|khối|phường|xã|quận|huyện|quý|giai đoạn|lần thứ|thông tư|"
    r"nghị định|quyết định|chỉ thị|kế hoạch|phiên bản|điều|khoản|mục|phụ lục|thời hạn là|lãi suất|tuổi|"
    r"kỷ niệm|năm học|thủ tục|cấp độ|loại|mức|hạng|giai đoạn|lớp)\s*$|[-–]\s*$", re.I)
_YEAR = re.compile(r"^(19|20)\d{2}$")
_BOUNDARY = re.compile(r"[;.!?]\s|[;!?]$|\(|\)|—|\n")
_NONE = re.compile(r"\b(?:không có|không xảy ra|chưa phát hiện)(?=\s+(?:trường hợp|ca|vụ|cơ sở|hộ|người|điểm)\b)", re.I)
_RIGHT_STOP = re.compile(r"[;.!?:()]|—|\n|\s(?:và|với|trong đó|qua đó|kết quả|đạt)(?=[\s,])", re.I)
_RIGHT_STOP_UNIT = re.compile(_RIGHT_STOP.pattern + r"|,", re.I)
_MEASURE = re.compile(r"^\s*([a-zà-ỹA-ZÀ-Ỹ]+(?:\s+[a-zà-ỹA-ZÀ-Ỹ]+){0,3})")


@dataclass
class Figure:
    """One figure of a report and where it is."""

    block: Block
    start: int  # character offsets of the whole figure in block.text
    end: int
    raw: str  # the text as written, e.g. "5.137.820.843đ/9.270.000.000đ¹, tỉ lệ 55.4%"
    kind: str  # value | pair | rank | percent
    value: float | None
    target: float | None = None
    share: float | None = None  # stated percentage next to the figure
    share_raw: str = ""  # as written: "55.4" (its decimals set the tolerance)
    money: bool = False  # an amount in đồng (after any nghìn/triệu/tỷ)
    percent: bool = False  # the figure itself is a percentage
    measure: str = ""  # the words after the number: "hộ kinh doanh cá thể", "hồ sơ"
    bound: str = ""  # "hơn", "trên", "khoảng" … as written before the number
    change: float | None = None  # signed change against the same period last year
    change_pct: bool = False  # the change is in percent
    change_raw: str = ""
    last_year: bool = False  # the clause says it is last year's figure ("cùng kỳ năm trước có …")
    month_only: bool = False  # the sentence is about the month only ("Trong tháng, …")
    topic: str = ""  # what the paragraph is about: its lead ("Hội Người cao tuổi Phường:"), a footnote's anchor
    left: str = ""  # the words before the figure, back to the previous figure or clause start
    right: str = ""  # the words after it, up to the next figure or clause end
    sentence: str = ""
    parts_of: int | None = None  # index (in the block's figures) of a stated total this is a part of
    status: str = ""  # a qualitative result written with it ("xếp loại: Xuất sắc")
    cells: dict = field(default_factory=dict)  # a table row's fields
    normalised: tuple | None = field(default=None, repr=False)  # (left, right, topic) as extract compares them

    @property
    def where(self) -> str:
        return self.block.where()


def read_number(raw: str, context_after: str = "") -> float:
    """The value of one number token as Vietnamese reports write it.

    >>> read_number("5.137.820.843"), read_number("55.4"), read_number("04"), read_number("43,854", " tỷ")
    (5137820843.0, 55.4, 4.0, 43.854)
    >>> read_number("1.184"), read_number("96.07"), read_number("1,184"), read_number("12.345", "%")
    (1184.0, 96.07, 1184.0, 12.345)
    """
    s = raw.strip()
    after = context_after.lstrip().lower()
    pct = after.startswith("%")
    scaled = any(after.startswith(w) for w in SCALES)
    if re.fullmatch(r"\d{1,3}(\.\d{3})+(,\d+)?", s):
        if s.count(".") == 1 and "," not in s and pct:
            return float(s)  # 12.345% is a decimal share
        return float(s.replace(".", "").replace(",", "."))
    if re.fullmatch(r"\d{1,3}(,\d{3}){2,}", s):
        return float(s.replace(",", ""))
    if re.fullmatch(r"\d+,\d+", s):
        whole, frac = s.split(",")
        if len(frac) == 3 and not (pct or scaled) and len(whole) <= 3:
            return float(whole + frac)  # 1,184 người: English thousands
        return float(s.replace(",", "."))
    return float(s)


def decimals_of(raw: str) -> int:
    m = re.search(r"[.,](\d+)$", raw.strip())
    return len(m.group(1)) if m else 0


def _sentence_bounds(text: str, pos: int, stops: str = ".!?;") -> tuple[int, int]:
    """Start and end of the clause (``;`` ends one) or, with ``stops=".!?"``, the sentence around ``pos``."""
    clause = r";\s+|" if ";" in stops else ""
    starts = [m.end() for m in re.finditer(rf"{clause}[.!?]\s+(?=[A-ZĐÀ-Ỹ0-9\-+])|^", text[:pos])]
    start = starts[-1] if starts else 0
    m = re.search(rf"[{stops}](?:\s|$)", text[pos:])
    end = pos + m.end() if m else len(text)
    return start, end


def _unit_after(text: str) -> tuple[float, bool, bool, int]:
    """(multiplier, is money, is percent, characters eaten) for what follows a number."""
    m = _MONEY.match(text)
    if m:
        scale = SCALES.get((m.group(1) or m.group(3) or "").lower(), 1.0)
        return scale, True, False, m.end()
    m = _PCT.match(text)
    if m:
        return 1.0, False, True, m.end()
    return 1.0, False, False, 0


def _in_quotes(before: str) -> bool:
    """Inside a quoted name (“6 thủ tục - 6 giải quyết tại chỗ”, "4 tại nhà"): not a figure."""
    if before.rfind("“") > before.rfind("”"):
        return True
    return before.count('"') % 2 == 1


def _skip_marker(text: str, i: int) -> int:
    while i < len(text) and text[i] in SUPERSCRIPT:
        i += 1
    return i


def _tokens(text: str) -> list[tuple[int, int, str]]:
    """Number tokens that are figures (start, end, raw), in order."""
    out = []
    for m in NUMBER.finditer(text):
        raw, s, e = m.group(1), m.start(1), m.end(1)
        before, after = text[max(0, s - 30):s], text[e:e + 25]
        if _NOT_AFTER.match(after) or _in_quotes(text[max(0, s - 60):s]):
            continue
        if re.search(r"/\s*$", before) and re.match(r"\d", raw):
            pass  # the second half of a pair: kept, joined below
        if _NOT_BEFORE.search(before) and not _RANK.search(before) and not re.match(r"\s*(?:%|đ|đồng|triệu|tỷ|nghìn)", after):
            if not re.search(r"(?:số tiền|trị giá|tổng số|số)\s*(?:là\s*)?$", before, re.I) or _YEAR.match(raw):
                continue
        if _YEAR.match(raw) and not re.match(r"\s*(?:%|đ|đồng|người|hộ|hồ sơ|lượt|trường hợp|ca|việc)", after):
            continue
        if raw in ("24", "7") and re.search(r"\b24\s*/\s*$", before):  # "24/24", "24/7": round the clock
            continue
        if re.search(r"\d\s*[-–]\s*$", before):  # "2023 - 2024", "2021 - 2030": a range of years
            continue
        out.append((s, e, raw))
    return out


def find_figures(block: Block) -> list[Figure]:
    """Every figure of one block of text, in order."""
    if block.kind in ("table_row", "heading"):
        return []  # table rows are read by their columns (wardlib.extract)
    text = block.text
    toks = _tokens(text)
    figs: list[Figure] = []
    i = 0
    while i < len(toks):
        s, e, raw = toks[i]
        scale, money, pct, eat = _unit_after(text[_skip_marker(text, e):])
        e2 = _skip_marker(text, e) + eat if eat else e
        value = read_number(raw, text[e:e + 8]) * scale
        fig = Figure(block, s, e2, "", "percent" if pct else "value", value, money=money, percent=pct)
        # a result over its plan: X/Y (each perhaps with đ), never a date (caught in _tokens)
        j = _skip_marker(text, e2)
        nxt = toks[i + 1] if i + 1 < len(toks) else None
        if nxt and re.fullmatch(r"\s*/\s*", text[j:nxt[0]]):
            s2, e3, raw2 = nxt
            scale2, money2, _, eat2 = _unit_after(text[_skip_marker(text, e3):])
            e4 = _skip_marker(text, e3) + eat2 if eat2 else e3
            target = read_number(raw2, text[e3:e3 + 8]) * (scale2 if money2 else scale)
            if money2 and not money:
                fig.value = read_number(raw, "") * scale2
            fig.kind, fig.target, fig.end, fig.money = "pair", target, e4, money or money2
            i += 1
            if _RANK.search(text[max(0, s - 20):s]):
                fig.kind = "rank"
        fig.end = _skip_marker(text, fig.end)
        # a stated share right after the figure
        m = _SHARE.match(text[fig.end:fig.end + 40])
        if m and not fig.percent and fig.kind == "pair":
            fig.share_raw = m.group(1).replace(",", ".")
            fig.share = float(fig.share_raw)
            fig.end = fig.end + m.end()
            while i + 1 < len(toks) and toks[i + 1][0] < fig.end:
                i += 1
        bm = _BOUND.search(text[max(0, s - 15):s])
        if bm:
            fig.bound = bm.group(1).lower()
        figs.append(fig)
        i += 1
    for m in _NONE.finditer(text):  # "Không có trường hợp vi phạm": a zero
        if not any(f.start <= m.start() < f.end for f in figs):
            figs.append(Figure(block, m.start(), m.end(), m.group(), "value", 0.0))
    figs.sort(key=lambda f: f.start)
    _attach_changes(text, figs)
    _context(block, figs)
    _attach_shares(text, figs)
    return figs


def _attach_changes(text: str, figs: list[Figure]) -> None:
    """``20 ca (tăng 18 ca so với cùng kỳ)``: the change qualifies the figure before it, and is no figure itself."""
    keep: list[Figure] = []
    for f in figs:
        before = text[max(0, f.start - 8):f.start]
        m = re.search(r"(tăng|giảm)\s*$", before, re.I)
        cm = _CHANGE.match(text[f.start - len(m.group(0)) if m else f.start:]) if m else None
        if cm and keep and keep[-1].change is None:
            prev = keep[-1]
            amount = f.value if f.value is not None else 0.0
            prev.change = amount if cm.group(1).lower() == "tăng" else -amount
            prev.change_pct = bool(cm.group(3)) or f.percent
            prev.change_raw = cm.group(0).strip(" ,;(")
            continue
        keep.append(f)
    figs[:] = keep


def _context(block: Block, figs: list[Figure]) -> None:
    text = block.text
    for k, f in enumerate(figs):
        ss, se = _sentence_bounds(text, f.start)
        f.sentence = text[ss:se].strip()
        full_start, _ = _sentence_bounds(text, f.start, ".!?")
        f.month_only = bool(_MONTH_ONLY.match(text[full_start:f.start]))
        prev_end = figs[k - 1].end if k else 0
        lo = max(prev_end, ss, f.start - 160)
        if k and len(re.sub(r"\W+", "", text[lo:f.start])) < 9:
            # "… được 03 điểm với 108 người dự": too few words of its own; the clause's earlier words count
            lo = max(figs[k - 2].end if k > 1 else 0, ss, f.start - 160)
        left = text[lo:f.start]
        cut = [m.end() for m in _BOUNDARY.finditer(left)]
        f.left = left[cut[-1]:] if cut else left
        nxt = figs[k + 1].start if k + 1 < len(figs) else len(text)
        right = text[f.end:min(nxt, f.end + 90)]
        m = (_RIGHT_STOP_UNIT if f.money or f.percent or f.kind == "pair" else _RIGHT_STOP).search(right)
        if m and m.group() == ":" and "," in right[:m.start()]:
            right = right[:right.rfind(",", 0, m.start())]  # "699 hồ sơ, trực tiếp: 11": after the comma, the next's
        elif m:
            right = right[:m.start()]
        elif k + 1 < len(figs) and f.end + len(right) >= nxt and "," in right:
            right = right[:right.rfind(",")]  # "699 hồ sơ, trực tiếp: 11": the words after the comma are the next's
        f.right = right
        f.left = re.split(r"\btrong\s+đó\b", f.left, flags=re.I)[-1]
        if f.money and k and re.search(r"(?:số tiền|trị giá|kinh phí)\s*(?:là\s*)?$", f.left, re.I):
            prev = figs[k - 1]
            if not prev.money and prev.start >= ss:  # "51 phần quà … với tổng số tiền 24.250.000 đồng"
                f.left = f"{prev.left} {text[prev.start:f.start]}"
        mm = _MEASURE.match(text[f.end:f.end + 40]) if not f.money and not f.percent else None
        f.measure = mm.group(1).strip() if mm else ""
        f.last_year = bool(_LAST_YEAR.search(f.left))
        f.raw = text[f.start:f.end]
        f.topic = _topic(block, text, ss)
        st = re.match(r"^\s*[a-zà-ỹ]{0,8}\s*[,;]?\s*xếp\s+loại\s*:?\s*([A-ZĐÀ-Ỹa-zđà-ỹ ]{2,20}?)\s*(?:[.;,]|$)", text[f.end:])
        if st:
            f.status = st.group(1).strip()
        if f.bound and f.bound != "khoảng":
            pass
    # "TOTAL … trong đó A …, B …" or "TOTAL … (A …, B …)": the parts, up to the clause's end
    for k, f in enumerate(figs):
        if f.parts_of is not None:
            continue
        after = text[f.end:f.end + 60]
        m = re.match(r"^[^;]{0,40}?\btrong\s+đó\b", after, re.I)
        paren = re.match(r"^[^;(.]{0,25}\(", after)
        if not m and not paren:
            continue
        at = f.end + (m.end() if m else paren.end())
        opened = m is None or "(" in after[:m.start() + 12]
        stops = [i for i in (text.find(";", at), text.find(")", at) if opened else -1,
                 _find_sentence_end(text, at)) if i >= 0]
        stop = min(stops) if stops else len(text)
        parts = [g for g in figs[k + 1:] if g.start < stop and g.money == f.money and g.percent == f.percent]
        for g in parts:
            g.parts_of = k


def _find_sentence_end(text: str, at: int) -> int:
    m = re.search(r"[.!?](?:\s|$)", text[at:])
    return at + m.start() if m else -1


def _attach_shares(text: str, figs: list[Figure]) -> None:
    """``06/10 người (…), đạt tỷ lệ 60%``: a share stated after the words of a pair belongs to that pair.

    The pair is the nearest one before it that is not a part of another figure ("trong đó …"): the report
    states the share of the total (``07/07 công dân. Trong đó, có 04/04 … và 03/03 …, đạt tỷ lệ 100%``).
    """
    keep: list[Figure] = []
    for f in figs:
        if f.percent and re.search(r"(?:đạt|tỷ lệ|tỉ lệ)\s*(?:đạt\s*)?:?\s*$", text[max(0, f.start - 16):f.start], re.I):
            owner = next((g for g in reversed(keep) if g.parts_of is None), None)
            between = text[owner.end:f.start] if owner else ""
            if owner is not None and owner.kind == "pair" and owner.share is None and len(between) < 250 \
                    and not re.search(r"[.;]\s+(?!trong đó)", between, re.I) or (
                    owner is not None and owner.kind == "pair" and owner.share is None
                    and re.match(r"^[^;]*?\.\s+trong đó", between, re.I)):
                owner.share_raw = re.sub(r"\s*%$", "", f.raw.strip()).replace(",", ".")
                owner.share = f.value
                if f.change is not None and owner.change is None:
                    owner.change, owner.change_pct, owner.change_raw = f.change, f.change_pct, f.change_raw
                for g in figs:
                    if g.parts_of is not None and figs.index(g) > figs.index(f):
                        pass
                continue
        keep.append(f)
    # parts_of indexes point into the full list: re-point them to the kept figures
    index = {id(g): i for i, g in enumerate(keep)}
    for g in keep:
        if g.parts_of is not None:
            target = figs[g.parts_of]
            g.parts_of = index.get(id(target))
    figs[:] = keep


def _topic(block: Block, text: str, sentence_start: int) -> str:
    """The words that say what a figure's paragraph is about, beyond its own clause.

    A footnote is about the words its marker follows; a paragraph with a lead ("Tổ hòa giải nhóm: …",
    "+ Đường Phạm Hữu Lầu (…): …") about that lead; a sentence opening with "Qua đó" (thereby) about the
    sentence before it.
    """
    if block.kind == "footnote":
        return block.anchor
    m = re.match(r"^[-+•\s]*([^:;.]{3,110}?):", text)
    if m and m.end() <= sentence_start + 1 or (m and sentence_start == 0):
        return m.group(1)
    if re.match(r"\s*(?:qua đó|kết quả|từ đó)\b", text[sentence_start:], re.I) and sentence_start:
        prev = text[:sentence_start].rstrip()
        return re.split(r"[.;]\s", prev)[-1][-140:]
    return ""


def norm(text: str) -> str:
    """Lower case, NFC, punctuation to spaces: what phrases are compared as."""
    t = unicodedata.normalize("NFC", text).lower()
    t = re.sub(r"[^\w%]+", " ", t)
    return re.sub(r"\s+", " ", t).strip()


# -- tables: the commitments appendix and tables of figures, read by extract and check-report --------------
def appendix_rows(doc: Document) -> list[tuple[Block, dict]]:
    """Data rows of tables with STT / nội dung / ĐVT / chỉ tiêu / kết quả columns, with their item numbers."""
    out = []
    cols = None
    item, sub = "", 0
    for b in doc.blocks:
        if b.kind != "table_row":
            continue
        low = [norm(c) for c in b.cells]
        if any(c.startswith("nội dung") for c in low) and any(c.startswith("chỉ tiêu") for c in low):
            cols = {"stt": next((i for i, c in enumerate(low) if c in ("stt", "tt", "số tt")), 0),
                    "content": next(i for i, c in enumerate(low) if c.startswith("nội dung")),
                    "unit": next((i for i, c in enumerate(low) if c in ("đvt", "đơn vị tính", "đơn vị")), None),
                    "target": next(i for i, c in enumerate(low) if c.startswith("chỉ tiêu")),
                    "result": next((i for i, c in enumerate(low) if c.startswith("kết quả")), len(low) - 1)}
            continue
        if cols is None:
            continue

        def cell(k, cols=cols, b=b):  # this row's cell (bound now: the loop moves on)
            i = cols.get(k)
            return b.cells[i].strip() if i is not None and i < len(b.cells) else ""

        stt = cell("stt")
        if re.fullmatch(r"\d{1,3}", stt):
            item, sub = stt, 0
            number = stt
        else:
            sub += 1
            number = f"{item}.{sub}" if item else str(sub)
        content, unit, target, result = cell("content"), cell("unit"), cell("target"), cell("result")
        if not content or (not target and not result and not unit):
            if re.fullmatch(r"\d{1,3}", stt):
                sub = 0
            continue  # a group heading ("06 Số doanh nghiệp … gồm:")
        out.append((b, {"item": number, "content": content, "unit": unit, "target": target, "result": result}))
    return out


_RESULT_HEAD = re.compile(r"^(thực hiện|kết quả|số lượng|giá trị|số liệu|ước thực hiện)", re.I)
_TARGET_HEAD = re.compile(r"^(dự toán|kế hoạch|chỉ tiêu)", re.I)
_PCT_HEAD = re.compile(r"^(tỷ lệ|tỉ lệ|%|so với)", re.I)


def table_texts(doc: Document) -> list[Block]:
    """Rows of other tables (not the commitments appendix) as the sentence they stand for.

    ``| Phí, lệ phí | 96,4 | 150 | 64,3% |`` under ``Khoản thu | Thực hiện (triệu đồng) | Dự toán (triệu đồng) |
    Tỷ lệ`` reads as ``Phí, lệ phí 96,4 triệu đồng/150 triệu đồng, đạt 64,3%``; the figure keeps the row's place.
    """
    out: list[Block] = []
    head: dict | None = None
    for b in doc.blocks:
        if b.kind != "table_row":
            continue
        low = [norm(c) for c in b.cells]
        if b.row == 1:
            head = None
            if any(c.startswith("nội dung") for c in low) and any(c.startswith("chỉ tiêu") for c in low):
                continue  # the commitments appendix: read by its columns
            res = next((i for i, c in enumerate(low) if _RESULT_HEAD.match(c)), None)
            if res is None:
                continue
            unit = lambda c: (re.search(r"\(([^)]*)\)", c) or [None, ""])[1]  # noqa: E731
            head = {"result": res, "target": next((i for i, c in enumerate(low) if _TARGET_HEAD.match(c)), None),
                    "pct": next((i for i, c in enumerate(low) if _PCT_HEAD.match(c)), None),
                    "units": [unit(c) for c in b.cells]}
            continue
        if head is None:
            continue
        cells = list(b.cells)
        label = next((c for i, c in enumerate(cells) if i not in (head["result"], head["target"], head["pct"])
                      and c and not re.fullmatch(r"[\d.,%\s]+", c)), "")

        def cell(i, cells=cells):  # this row's cell (bound now: the loop moves on)
            return cells[i].strip() if i is not None and i < len(cells) else ""

        res, tgt, pct = cell(head["result"]), cell(head["target"]), cell(head["pct"])
        if not res:
            continue
        u_res = head["units"][head["result"]]
        text = f"{label} {res} {u_res}".rstrip()
        if tgt:
            u_t = head["units"][head["target"]] if head["target"] is not None else ""
            text += f"/{tgt} {u_t}".rstrip()
        if pct:
            text += f", đạt {pct}" + ("" if pct.endswith("%") else "%")
        out.append(Block("row_text", text, b.index, b.section, b.heading, b.part, b.plan, "", b.cells, b.table,
                         b.row))
    return out


def cell_number(text: str) -> tuple[str, float | None]:
    """(operator, number) of a target or result cell: ``>37`` → (">", 37), ``01`` → ("", 1), text → ("", None)."""
    m = re.fullmatch(r"\s*(>=|<=|≥|≤|>|<|=)?\s*(\d+(?:[.,]\d+)?)\s*%?\s*", text)
    if not m:
        return "", None
    op = {"≥": ">=", "≤": "<="}.get(m.group(1) or "", m.group(1) or "")
    return op, float(m.group(2).replace(",", "."))
