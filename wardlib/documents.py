"""Reading the narrative reports communes write: Word, text-layer PDF, plain text and Markdown.

A report becomes a :class:`Document`: its blocks in reading order, each a
paragraph, a footnote or a table row, with the section it belongs to
(``1.2``, ``PL`` for the appendix "Phụ lục") and its part (``I`` results,
``II`` the tasks for the next period, whose figures are plans, not results).
Every figure found later is placed by its block and its character offsets in
the block's text, so a planner can find it in the report.

- ``.docx`` with python-docx: paragraphs and tables in body order, footnotes
  from the ``word/footnotes.xml`` part (python-docx has no footnote API; the
  part is read as XML). A footnote reference becomes a superscript marker
  (``¹``) in the text, never a digit glued to an amount.
- ``.pdf`` with **pypdf**: maintained by the py-pdf project, pure Python (no
  system library, installs everywhere the rest of wardlib does), and its text
  visitor gives each run's font size, which tells a superscript footnote marker
  from a digit. pdfplumber would work too, but adds pdfminer.six for layout
  analysis these one-column reports do not need.
- ``.txt`` / ``.md``: paragraphs are separated by blank lines; a line holding
  tabs is a table row; a paragraph starting with a superscript number is a
  footnote. Markdown emphasis (``*``, ``**``) is dropped.

Files that cannot be read raise :class:`DocumentError` with a message that
says what to do (empty file, a PDF with no text layer, a password-protected
Word file, a file over :data:`MAX_BYTES`). The size is checked before reading.
"""

from __future__ import annotations

import re
import unicodedata
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from wardlib.findings import WardlibError

MAX_BYTES = 50 * 1024 * 1024  # a 40-page report is well under 1 MB; a 200 MB "report" is a mistake
SUFFIXES = (".docx", ".pdf", ".txt", ".md")
SUPERSCRIPT = "⁰¹²³⁴⁵⁶⁷⁸⁹"
_TO_SUPER = str.maketrans("0123456789", SUPERSCRIPT)
_FROM_SUPER = str.maketrans(SUPERSCRIPT, "0123456789")
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # an encrypted Office file is an OLE container, not a zip

# "1.", "1.2.", "2.3. Lĩnh vực …" — a numbered section heading; "I. KẾT QUẢ" — a part.
_SECTION = re.compile(r"^\s*(\d{1,2}(?:\.\d{1,2}){0,2})\.\s+(\D.{0,200})$|^\s*(\d{1,2}\.\d{1,2}(?:\.\d{1,2})?)\s+(\D.{0,200})$")
_PART = re.compile(r"^\s*([IVX]{1,4})\.\s+(\S.*)$")
_FOOTNOTE = re.compile(rf"^\s*([{SUPERSCRIPT}]+)\s*(.*)$", re.S)
_APPENDIX = re.compile(r"^\s*ph[uụ] l[uụ]c\b", re.I)
_PLAN_PART = re.compile(r"nhi[eệ]m v[uụ]|ph[uư][oơ]ng h[uư][oớ]ng|gi[aả]i ph[aá]p|k[eế] ho[aạ]ch", re.I)
_CLOSING = re.compile(r"^\s*(n[oơ]i nh[aậ]n|tm\.|t/m\.)", re.I)


class DocumentError(WardlibError):
    """A report file that cannot be read; the message says what to change."""


@dataclass(frozen=True)
class Block:
    """One paragraph, footnote or table row of a report."""

    kind: str  # "paragraph" | "heading" | "footnote" | "table_row"
    text: str  # as shown on the review page (NFC; Markdown emphasis removed)
    index: int  # position among the document's blocks, from 1
    section: str = ""  # section number as the report writes it ("1.2"), "PL" in the appendix
    heading: str = ""  # that section's title as the report writes it
    part: str = ""  # "I", "II" … ("" before the first part heading)
    plan: bool = False  # in a part about next period's tasks (its figures are plans)
    note: str = ""  # footnote number ("1") for a footnote
    cells: tuple[str, ...] = ()  # a table row's cells
    table: int = 0  # table number (from 1) for a table row
    row: int = 0  # row number within its table (from 1; the header is row 1)
    anchor: str = ""  # for a footnote: the words its marker follows in the text ("mô hình “Số hóa …”⁵")

    def where(self, lang: str = "vi") -> str:
        """``§1.2, chú thích 1`` / ``§PL, bảng 1 dòng 3`` / ``§2.1, đoạn 40``."""
        vi = lang == "vi"
        sec = f"§{self.section}" if self.section else ("đầu văn bản" if vi else "preamble")
        if self.kind == "footnote":
            return f"{sec} {'chú thích' if vi else 'footnote'} {self.note}"
        if self.table:
            return f"{sec} {'bảng' if vi else 'table'} {self.table} {'dòng' if vi else 'row'} {self.row}"
        return f"{sec} {'đoạn' if vi else 'paragraph'} {self.index}"


@dataclass
class Document:
    path: Path
    format: str  # "docx" | "pdf" | "txt" | "md"
    blocks: list[Block] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "\n\n".join(b.text for b in self.blocks)

    def header_text(self, blocks: int = 12) -> str:
        """The opening blocks (place and date line, title) where the unit and period are named."""
        return "\n".join(b.text for b in self.blocks[:blocks])


def _err(en: str, vi: str) -> DocumentError:
    return DocumentError(en, vi)


def read_document(path: str | Path, max_bytes: int = MAX_BYTES) -> Document:
    """Read a report; raise :class:`DocumentError` (never another exception) for a file it cannot use."""
    p = Path(path)
    name = p.name
    if not p.is_file():
        raise _err(f"{name}: file not found.", f"{name}: không tìm thấy tệp.")
    suffix = p.suffix.lower()
    if suffix not in SUFFIXES:
        raise _err(f"{name}: a report must be a {', '.join(SUFFIXES)} file; save it in one of these formats.",
                   f"{name}: báo cáo phải là tệp {', '.join(SUFFIXES)}; hãy lưu lại ở một trong các dạng đó.")
    size = p.stat().st_size  # before reading anything
    if size > max_bytes:
        raise _err(f"{name}: the file is {size / 2**20:,.0f} MB, over the {max_bytes / 2**20:,.0f} MB a report can be; "
                   "check that this is the report (a scanned or image-heavy file: save it as text or Word).",
                   f"{name}: tệp nặng {size / 2**20:,.0f} MB, quá {max_bytes / 2**20:,.0f} MB cho phép của một báo cáo; "
                   "hãy kiểm tra đúng tệp báo cáo chưa (tệp quét hoặc nhiều hình: lưu lại dạng văn bản hoặc Word).")
    if size == 0:
        raise _err(f"{name}: the file is empty; give the report's Word, PDF or text file.",
                   f"{name}: tệp rỗng; hãy đưa tệp Word, PDF hoặc văn bản của báo cáo.")
    if suffix == ".docx":
        blocks = _read_docx(p)
    elif suffix == ".pdf":
        blocks = _lines_to_blocks(_read_pdf(p))
    else:
        raw = p.read_bytes()
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise _err(f"{name}: the text is not UTF-8; save it as UTF-8 (Notepad: Save as → Encoding UTF-8).",
                       f"{name}: văn bản không ở mã UTF-8; hãy lưu lại với mã UTF-8 (Notepad: Lưu thành → UTF-8).") from None
        blocks = _lines_to_blocks(_clean(text).split("\n"))
    blocks = _place(blocks)
    if not any(b.text.strip() for b in blocks):
        raise _err(f"{name}: the file holds no text; give the report's Word, PDF or text file.",
                   f"{name}: tệp không có nội dung chữ; hãy đưa tệp Word, PDF hoặc văn bản của báo cáo.")
    return Document(p, suffix[1:], blocks)


def _clean(text: str) -> str:
    """NFC (Word on macOS and some keyboards write NFD), no zero-width characters, no Markdown emphasis."""
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    text = re.sub("[\u200b\u200c\u200d\ufeff]", "", text)
    text = re.sub(r"(?m)^#{1,6}\s+", "", text)  # Markdown headings
    return text.replace("*", "")


# -- plain text and PDF lines --------------------------------------------------------------------
def _lines_to_blocks(lines: list[str], pdf: bool = False) -> list[Block]:
    """Paragraphs (blank-line separated; for a PDF, a line ending a sentence ends a paragraph), table rows."""
    blocks: list[Block] = []
    para: list[str] = []
    table, row = 0, 0

    def flush():
        if para:
            text = " ".join(s.strip() for s in para).strip()
            if text:
                blocks.append(Block("paragraph", text, 0))
            para.clear()

    for line in lines:
        if re.match(r"^\s*\|", line) and not pdf:  # a Markdown table row
            if re.fullmatch(r"\s*\|?(\s*:?-{2,}:?\s*\|)+\s*:?-*:?\s*", line):
                continue  # the |---|---| line under the header
            line = "\t".join(c.strip() for c in line.strip().strip("|").split("|"))
            if "\t" not in line:
                line += "\t"
        if "\t" in line and line.strip():
            flush()
            cells = tuple(c.strip() for c in line.rstrip("\n").split("\t"))
            if not blocks or blocks[-1].kind != "table_row":
                table += 1
                row = 0
            row += 1
            blocks.append(Block("table_row", " | ".join(c for c in cells if c), 0, cells=cells, table=table, row=row))
            continue
        if not line.strip():
            flush()
            continue
        starts_block = bool(_SECTION.match(line) or _PART.match(line) or _FOOTNOTE.match(line)
                            or re.match(r"^\s*[-+•]\s", line))
        if pdf and starts_block:
            flush()
        para.append(line)
        if pdf and re.search(r"[.:;!?]\s*$", line):
            flush()
    flush()
    return blocks


# -- Word -------------------------------------------------------------------------------------------
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _read_docx(p: Path) -> list[Block]:
    name = p.name
    with p.open("rb") as fh:
        head = fh.read(8)
    if head == _OLE_MAGIC and "EncryptedPackage".encode("utf-16-le") not in p.read_bytes():
        raise _err(f"{name}: this is an old Word .doc file (or another Office file), not .docx; open it in Word "
                   "and save it as .docx.",
                   f"{name}: đây là tệp Word .doc cũ (hoặc tệp Office khác), không phải .docx; hãy mở bằng Word và "
                   "lưu lại dạng .docx.")
    if head == _OLE_MAGIC:
        raise _err(f"{name}: this Word file is password-protected (encrypted); open it in Word, remove the password "
                   "(File → Info → Protect Document → Encrypt with Password, clear it), save, and run again.",
                   f"{name}: tệp Word này có mật khẩu (đã mã hóa); hãy mở bằng Word, gỡ mật khẩu (Tệp → Thông tin → "
                   "Bảo vệ tài liệu → Mã hóa bằng mật khẩu, xóa trống), lưu lại rồi chạy lại.")
    if not zipfile.is_zipfile(p):
        raise _err(f"{name}: this is not a Word .docx file (an old .doc? save it as .docx).",
                   f"{name}: đây không phải tệp Word .docx (tệp .doc cũ? hãy lưu lại dạng .docx).")
    with zipfile.ZipFile(p) as z:
        unpacked = sum(i.file_size for i in z.infolist())
    if unpacked > MAX_BYTES * 4:
        raise _err(f"{name}: the Word file unpacks to {unpacked / 1e6:,.0f} MB; that is not a report.",
                   f"{name}: tệp Word giải nén ra {unpacked / 1e6:,.0f} MB; đó không phải một báo cáo.")
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        d = docx.Document(str(p))
    except Exception as exc:  # python-docx raises several kinds for a damaged package
        raise _err(f"{name}: Word cannot read this file ({type(exc).__name__}); open and save it again in Word.",
                   f"{name}: không đọc được tệp Word này ({type(exc).__name__}); hãy mở và lưu lại bằng Word.") from exc
    footnotes = _docx_footnotes(d)
    blocks: list[Block] = []
    table_no = 0
    for child in d.element.body.iterchildren():
        if child.tag == f"{_W}p":
            text = _clean(_para_text(Paragraph(child, d)))
            if text.strip():
                blocks.append(Block("paragraph", text.strip(), 0))
        elif child.tag == f"{_W}tbl":
            table_no += 1
            for r, tr in enumerate(Table(child, d).rows, start=1):
                cells = []
                for c in tr.cells:
                    cells.append(_clean(" ".join(_para_text(pp) for pp in c.paragraphs)).strip())
                cells = [c for i, c in enumerate(cells) if i == 0 or c != cells[i - 1] or c == ""]  # merged cells
                blocks.append(Block("table_row", " | ".join(c for c in cells if c), 0, cells=tuple(cells),
                                    table=table_no, row=r))
    for number, text in footnotes:
        blocks.append(Block("paragraph", f"{number.translate(_TO_SUPER)} {text}", 0))
    return blocks


def _para_text(par) -> str:
    """A paragraph's text with each footnote reference as a superscript marker."""
    out = []
    for el in par._p.iter():
        if el.tag == f"{_W}t":
            out.append(el.text or "")
        elif el.tag == f"{_W}tab":
            out.append(" ")
        elif el.tag == f"{_W}footnoteReference":
            out.append(el.get(f"{_W}id", "").translate(_TO_SUPER))
        elif el.tag == f"{_W}vertAlign" and el.get(f"{_W}val") == "superscript":
            pass  # the run's own digits follow; handled by _superscript_runs
    text = "".join(out)
    return _superscript_runs(par, text)


def _superscript_runs(par, text: str) -> str:
    """Digits typed in a superscript run (a hand-made footnote marker) become superscript characters."""
    for run in par.runs:
        if run.font.superscript and run.text.strip().isdigit() and run.text in text:
            text = text.replace(run.text, run.text.strip().translate(_TO_SUPER), 1)
    return text


def _docx_footnotes(d) -> list[tuple[str, str]]:
    """(id, text) of each real footnote in ``word/footnotes.xml`` (separators, ids −1 and 0, left out)."""
    from lxml import etree

    for rel in d.part.rels.values():
        if rel.reltype.endswith("/footnotes") and not rel.is_external:
            root = etree.fromstring(rel.target_part.blob)
            out = []
            for fn in root.iter(f"{_W}footnote"):
                fid = fn.get(f"{_W}id", "")
                if fn.get(f"{_W}type") in ("separator", "continuationSeparator", "continuationNotice"):
                    continue
                if not fid.isdigit() or int(fid) <= 0:
                    continue
                text = "".join(t.text or "" for t in fn.iter(f"{_W}t"))
                out.append((fid, _clean(text).strip()))
            return out
    return []


# -- PDF --------------------------------------------------------------------------------------------
def _read_pdf(p: Path) -> list[str]:
    name = p.name
    import pypdf
    from pypdf.errors import PdfReadError

    try:
        reader = pypdf.PdfReader(str(p))
        if reader.is_encrypted:
            raise _err(f"{name}: this PDF is password-protected; save an unprotected copy and run again.",
                       f"{name}: tệp PDF này có mật khẩu; hãy lưu một bản không có mật khẩu rồi chạy lại.")
        lines: list[str] = []
        for page in reader.pages:
            lines.extend(_pdf_page_lines(page))
            lines.append("")
    except DocumentError:
        raise
    except (PdfReadError, ValueError, KeyError, OSError) as exc:
        raise _err(f"{name}: this PDF cannot be read ({exc}); export it again from Word.",
                   f"{name}: không đọc được tệp PDF này ({exc}); hãy xuất lại từ Word.") from exc
    if not "".join(lines).strip():
        raise _err(f"{name}: this PDF has no text; it is probably a scan. Give the Word file the PDF was made from, "
                   "or run text recognition (OCR) on it first.",
                   f"{name}: tệp PDF này không có lớp chữ (có lẽ là bản quét). Hãy đưa tệp Word gốc, "
                   "hoặc nhận dạng chữ (OCR) trước.")
    return [_clean(s) for s in lines]


def _pdf_page_lines(page) -> list[str]:
    """A page's lines in reading order: a blank line where the gap between lines says a paragraph ends,
    tab-separated cells for a table row (wrapped cell text joined back), footnote markers as superscripts.

    pypdf's text visitor gives every run with its position and font size: digits in a smaller font are
    footnote markers (``52,5%¹``), a lone number opening a line of the footnote area is a footnote's number.
    """
    pieces: list[tuple[float, float, str, float]] = []  # (y, x, text, size)

    def visit(text, cm, tm, font, size):
        if text and text.strip():
            scale = abs(tm[3]) * (abs(cm[3]) or 1) or 1
            x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            for k, part in enumerate(text.split("\n")):
                if part.strip():
                    pieces.append((y - k * size * scale, x, part, size * scale))

    page.extract_text(visitor_text=visit)
    if not pieces:
        return []
    sizes = sorted(s for _, _, t, s in pieces if len(t.strip()) > 3)
    body = sizes[len(sizes) // 2] if sizes else 0.0
    # group runs into lines; a small raised run (a footnote marker) joins the line it sits on
    big = [p for p in pieces if not (body and p[3] < 0.8 * body)]
    small = [p for p in pieces if body and p[3] < 0.8 * body]
    rows: list[list[tuple[float, float, str, float]]] = []
    for piece in sorted(big, key=lambda p: (-p[0], p[1])):
        for row in rows[-3:]:
            if abs(row[0][0] - piece[0]) < 2.0:
                row.append(piece)
                break
        else:
            rows.append([piece])
    for piece in small:
        near = min(rows, key=lambda r: abs(r[0][0] - piece[0]), default=None)
        if near is not None and abs(near[0][0] - piece[0]) < 0.8 * body:
            near.append(piece)
        else:
            rows.append([piece])
    rows.sort(key=lambda r: -r[0][0])
    lines: list[tuple[float, list[tuple[float, str]]]] = []
    for row in rows:
        row.sort(key=lambda p: p[1])
        cells: list[tuple[float, str]] = []
        glued = False  # the previous run was a marker: what follows continues the same cell
        for k, (_y, x, t, size) in enumerate(row):
            digits = t.strip().isdigit() and len(t.strip()) <= 3
            if digits and body and (size < 0.8 * body or (k == 0 and len(row) > 1 and row[1][2].startswith(" "))):
                t = t.strip().translate(_TO_SUPER) + (" " if k == 0 else "")
                if cells and k:
                    cells[-1] = (cells[-1][0], cells[-1][1] + t)
                else:
                    cells.append((x, t))
                glued = True
                continue
            if cells and (glued or x - (cells[-1][0] + len(cells[-1][1]) * 0.45 * body) < body):
                cells[-1] = (cells[-1][0], cells[-1][1] + t)  # the same cell, continued
            else:
                cells.append((x, t))
            glued = False
        lines.append((row[0][0], cells))
    out: list[str] = []
    spacing = sorted(a[0] - b[0] for a, b in zip(lines, lines[1:]) if a[0] > b[0])
    usual = [d for d in spacing if d >= body]
    step = usual[len(usual) // 10] if usual else body * 1.2  # the usual distance between two lines
    columns: list[float] = []
    last_y = None
    for y, cells in lines:
        xs = [x for x, _ in cells]
        if len(cells) >= 3:  # a table row
            columns = xs
            out.append("\t".join(t.strip() for _, t in cells))
        elif columns and all(any(abs(x - c) < 2 for c in columns) for x in xs) \
                and not any(abs(xs[0] - columns[0]) < 2 for _ in [0]):
            row = out[-1].split("\t")  # the wrapped rest of the previous row's cells
            for x, t in cells:
                i = min(range(len(columns)), key=lambda j: abs(columns[j] - x))
                if i < len(row):
                    row[i] = f"{row[i]} {t.strip()}".strip()
            out[-1] = "\t".join(row)
        else:
            columns = []
            if last_y is not None and last_y - y > 1.45 * step:
                out.append("")
            out.append("".join(t for _, t in cells))
        last_y = y
    return out


# -- sections ----------------------------------------------------------------------------------------
def _place(blocks: list[Block]) -> list[Block]:
    """Number the blocks, tell headings and footnotes, give each its section, part and plan flag.

    A footnote belongs to the section where its marker appears in the text, not where the page put it.
    """
    placed: list[Block] = []
    section, heading, part, plan, appendix, closing = "", "", "", False, False, False
    marker_section: dict[str, str] = {}
    marker_anchor: dict[str, str] = {}
    for b in blocks:
        kind, note, text = b.kind, "", b.text
        if kind == "paragraph":
            fm = _FOOTNOTE.match(text)
            pm = _PART.match(text)
            sm = _SECTION.match(text)
            if fm and fm.group(2).strip():
                kind, note = "footnote", fm.group(1).translate(_FROM_SUPER)
            elif _APPENDIX.match(text):
                kind, section, heading, appendix, plan = "heading", "PL", text, True, False
            elif pm and not appendix and len(text) < 200:
                kind, part, section, heading = "heading", pm.group(1), "", pm.group(2)
                plan = bool(_PLAN_PART.search(pm.group(2))) and part != "I"
            elif sm and not appendix and len(text) < 200:
                kind, section, heading = "heading", sm.group(1) or sm.group(3), (sm.group(2) or sm.group(4)).strip()
            elif _CLOSING.match(text):
                closing = True
        sec = section
        if kind == "footnote":
            sec = marker_section.get(note, section)
        if kind in ("paragraph", "table_row") and not closing:
            for m in re.finditer(f"[{SUPERSCRIPT}]+", text):
                number = m.group().translate(_FROM_SUPER)
                marker_section.setdefault(number, section)
                before = re.split(r"[;.]\s", text[max(0, m.start() - 100):m.start()])[-1]
                marker_anchor.setdefault(number, before.strip())
        placed.append(Block(kind, text, len(placed) + 1, sec, heading if kind != "footnote" else "", part,
                            plan or (closing and not appendix and kind != "table_row"), note, b.cells, b.table, b.row,
                            marker_anchor.get(note, "") if kind == "footnote" else ""))
    return placed
