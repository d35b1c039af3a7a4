"""Build the Word and PDF fixtures from the made-up report text below (run from anywhere).

    python tests/data/reports/make_fixtures.py

Writes ``bao-cao-6-thang-2024-xa-my-tan.docx`` with python-docx — paragraphs, two footnotes
(python-docx has no footnote API: the ``word/footnotes.xml`` part is added as XML) and the
commitments table — and ``bao-cao-6-thang-2024-xa-my-tan.pdf`` from it with LibreOffice
(``soffice --headless --convert-to pdf``; Debian's libreoffice-writer-nogui), and
``password-protected.docx``, the same file encrypted with the password ``secret`` by
msoffcrypto-tool (``pip install msoffcrypto-tool``; only needed to rebuild this fixture).
The text is MADE UP for tests, not a real report.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import docx
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml import parse_xml

HERE = Path(__file__).resolve().parent
NAME = "bao-cao-6-thang-2024-xa-my-tan"
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
FOOTNOTES_CT = "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"

LABEL = ("VĂN BẢN TỰ SOẠN ĐỂ KIỂM THỬ wardlib — không phải báo cáo thật; mọi con số đều là số giả. "
         "(Made-up text written for wardlib's tests — not a real report; every figure is invented.)")

# (style, text, footnote) — "{fn}" marks where a footnote reference goes
BODY = [
    ("p", "ỦY BAN NHÂN DÂN XÃ MỸ TÂN", None),
    ("p", "Số: 88/BC-UBND", None),
    ("p", "Xã Mỹ Tân, ngày 18 tháng 6 năm 2024", None),
    ("h", "BÁO CÁO", None),
    ("p", "Tình hình kinh tế - xã hội 6 tháng đầu năm 2024 và nhiệm vụ trọng tâm 6 tháng cuối năm 2024", None),
    ("p", LABEL, None),
    ("h", "I. KẾT QUẢ THỰC HIỆN", None),
    ("h", "1. Về kinh tế", None),
    ("h", "1.1. Sản xuất, kinh doanh", None),
    ("p", "Trong kỳ, xã có thêm 12 hộ kinh doanh cá thể đăng ký mới; hiện có 215 cơ sở sản xuất kinh doanh "
          "đang hoạt động ổn định.", None),
    ("h", "1.2. Thu, chi ngân sách và các quỹ", None),
    ("p", "Thu ngân sách 2.154.300.000 đồng/4.100.000.000 đồng, đạt 52,5%{fn}.",
     "Gồm: thu phí, lệ phí 38.500.000 đồng/70.000.000 đồng, đạt 55%; thuế môn bài 61.000.000 đồng/66.000.000 đồng, "
     "đạt 92,4%."),
    ("p", "Chi ngân sách 1.870.000.000 đồng/4.100.000.000 đồng, đạt 45,6%. Quỹ phòng, chống thiên tai thu được "
          "9.800.000 đồng/14.000.000 đồng, đạt 75%.", None),
    ("h", "1.4. Thú y", None),
    ("p", "Tiêm phòng dại cho chó, mèo được 240 liều; cấp phát 15 lít thuốc sát trùng cho 30 hộ chăn nuôi.", None),
    ("h", "2. Văn hóa - Xã hội", None),
    ("h", "2.1. Lao động, việc làm, an sinh xã hội", None),
    ("p", "Giải quyết việc làm cho 96/150 lao động, đạt 64%.", None),
    ("h", "2.2. Y tế", None),
    ("p", "Trong 6 tháng đầu năm có 08 ca sốt xuất huyết (giảm 05 ca so với cùng kỳ){fn}; kiểm tra 27 cơ sở kinh "
          "doanh thực phẩm về an toàn vệ sinh thực phẩm.", "Cùng kỳ năm 2023 là 13 ca."),
    ("h", "3. Cải cách hành chính, quốc phòng - an ninh", None),
    ("h", "3.2. Cải cách hành chính", None),
    ("p", "Tiếp nhận 412 hồ sơ thủ tục hành chính, trong đó giải quyết sớm hạn 380 hồ sơ, đúng hạn 32 hồ sơ.", None),
    ("h", "3.4. Quốc phòng - An ninh", None),
    ("p", "Tuần tra đêm 56 lượt; triệt xóa 02 điểm đánh bạc.", None),
    ("h", "II. NHIỆM VỤ TRỌNG TÂM 6 THÁNG CUỐI NĂM 2024", None),
    ("p", "Phấn đấu hoàn thành 100% chỉ tiêu thu ngân sách; giải quyết việc làm cho 54 lao động.", None),
    ("h", "Phụ lục", None),
    ("p", "KẾT QUẢ THỰC HIỆN BẢN CAM KẾT HÀNH ĐỘNG NĂM 2024", None),
]
TABLE = [
    ("STT", "Nội dung thực hiện", "ĐVT", "Chỉ tiêu 2024", "Kết quả thực hiện"),
    ("01", "Tỷ lệ giải ngân vốn đầu tư công", "%", "100", "48,5"),
    ("02", "Hoàn thành chỉ tiêu thu ngân sách do Thành phố giao", "%", "100", "52,5"),
    ("03", "Tỷ lệ dân cư tham gia bảo hiểm y tế", "%", "95", "91,2"),
    ("05", "Có thêm sản phẩm OCOP được công nhận đạt 3 sao trở lên", "Sản phẩm", "01", "Đang thực hiện"),
]


def build_docx(path: Path) -> None:
    d = docx.Document()
    notes = []
    for style, text, note in BODY:
        par = d.add_paragraph()
        before, _, after = text.partition("{fn}")
        run = par.add_run(before)
        run.bold = style == "h"
        if note is not None:
            notes.append(note)
            ref = parse_xml(f'<w:r xmlns:w="{W}"><w:rPr><w:vertAlign w:val="superscript"/></w:rPr>'
                            f'<w:footnoteReference w:id="{len(notes)}"/></w:r>')
            par._p.append(ref)
            par.add_run(after)
    table = d.add_table(rows=0, cols=len(TABLE[0]))
    table.style = "Table Grid"
    for row in TABLE:
        cells = table.add_row().cells
        for c, text in zip(cells, row):
            c.text = text
    body = "".join(
        f'<w:footnote w:id="{i}"><w:p><w:r><w:rPr><w:vertAlign w:val="superscript"/></w:rPr><w:footnoteRef/></w:r>'
        f'<w:r><w:t xml:space="preserve"> {text}</w:t></w:r></w:p></w:footnote>' for i, text in enumerate(notes, 1))
    xml = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:footnotes xmlns:w="{W}">'
           '<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>'
           '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:r><w:continuationSeparator/></w:r></w:p>'
           f'</w:footnote>{body}</w:footnotes>')
    part = Part(PackURI("/word/footnotes.xml"), FOOTNOTES_CT, xml.encode("utf-8"), d.part.package)
    d.part.relate_to(part, RT.FOOTNOTES)
    d.core_properties.title = "Made-up report for wardlib tests (not a real report)"
    d.save(str(path))


def build_pdf(docx_path: Path, pdf_path: Path) -> None:
    soffice = shutil.which("soffice") or "/usr/bin/soffice"
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run([soffice, f"-env:UserInstallation=file://{tmp}/profile", "--headless", "--convert-to", "pdf",
                        "--outdir", tmp, str(docx_path)], check=True, capture_output=True, timeout=180)
        shutil.move(str(Path(tmp) / (docx_path.stem + ".pdf")), pdf_path)


def build_encrypted(docx_path: Path, out: Path) -> None:
    from msoffcrypto.format.ooxml import OOXMLFile

    with docx_path.open("rb") as src, out.open("wb") as dst:
        OOXMLFile(src).encrypt("secret", dst)


if __name__ == "__main__":
    out = HERE / f"{NAME}.docx"
    build_docx(out)
    build_pdf(out, HERE / f"{NAME}.pdf")
    build_encrypted(out, HERE / "password-protected.docx")
    print(f"wrote {out.name} and {NAME}.pdf", file=sys.stderr)
