"""Hostile ground (issue 18): inputs that try to exhaust the machine, read outside the dataset, overwrite
an input or a page, or pass as clean. The cases that are plain files live in tests/data/bad/; these need
a generated zip bomb, a symlink, a full or read-only disk, or a look at the loaded values."""

from __future__ import annotations

import errno
import io
import os
import shutil
import struct
import subprocess
import types
import unicodedata
import zlib
from pathlib import Path

import openpyxl
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from tests.conftest import REPO, tree_hash
from wardlib import fmt, outputs, tables
from wardlib.cli import main
from wardlib.loaders import load_dataset
from wardlib.paths import default_data_dir
from wardlib.cache import CACHE_DIR

BASE = REPO / "tests" / "data" / "bad" / "_base"
GOOD = (REPO / "tests" / "data" / "bad" / "good" / "observations" / "obs.csv").read_text(encoding="utf-8")


@pytest.fixture()
def root(tmp_path) -> Path:
    """The bad-input corpus' small valid dataset."""
    folder = tmp_path / "data"
    shutil.copytree(BASE, folder)
    (folder / "observations").mkdir()
    (folder / "observations" / "obs.csv").write_text(GOOD, encoding="utf-8")
    return folder


def validate(root: Path, capsys, *extra: str) -> tuple[int, str]:
    code = main(["validate", "--data", str(root), "--no-gx", "--lang", "en", *extra])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out + err


# --- a workbook that inflates to gigabytes -------------------------------------------------------------

def _zip(members: list[tuple[str, bytes, int, int]]) -> bytes:
    """A zip file of already-deflated members (name, raw deflate data, crc32, uncompressed size)."""
    body, central = io.BytesIO(), io.BytesIO()
    for name, data, crc, size in members:
        offset = body.tell()
        raw = name.encode()
        body.write(struct.pack("<4s5H3L2H", b"PK\x03\x04", 20, 0, 8, 0, 0x21, crc, len(data), size, len(raw), 0))
        body.write(raw + data)
        central.write(struct.pack("<4s6H3L5H2L", b"PK\x01\x02", 20, 20, 0, 8, 0, 0x21, crc, len(data), size,
                                  len(raw), 0, 0, 0, 0, 0, offset) + raw)
    cd = central.getvalue()
    end = struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, len(members), len(members), len(cd), body.tell(), 0)
    return body.getvalue() + cd + end


def _deflate(data: bytes) -> tuple[bytes, int, int]:
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    return c.compress(data) + c.flush(), zlib.crc32(data), len(data)


def bomb(path: Path, copies: int, dimension: str = "") -> Path:
    """A real workbook (openpyxl's parts) whose first sheet is ``copies`` × 8 MB of rows.

    The sheet is deflated once per 8 MB block and the block's bytes repeated (after a full flush the
    compressor's state is reset, so every copy compresses to the same bytes): 150 copies are a 4 MB
    file declaring 1.2 GB of XML, built in well under a second and never inflated.
    """
    wb = openpyxl.Workbook()
    wb.active.append(["unit_code", "period", "indicator", "value"])
    buf = io.BytesIO()
    wb.save(buf)
    with __import__("zipfile").ZipFile(buf) as zf:
        parts = {n: zf.read(n) for n in zf.namelist()}
    sheet = "xl/worksheets/sheet1.xml"
    head = (b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            + dimension.encode() + b"<sheetData>")
    row = b'<row r="2"><c r="A2" t="inlineStr"><is><t>29872</t></is></c><c r="D2"><v>1</v></c></row>'
    block, tail = row * (8 * 1024 * 1024 // len(row)), b"</sheetData></worksheet>"
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    first = c.compress(head) + c.flush(zlib.Z_FULL_FLUSH)
    repeated = c.compress(block) + c.flush(zlib.Z_FULL_FLUSH)
    last = c.compress(tail) + c.flush(zlib.Z_FINISH)
    crc = zlib.crc32(head)
    for _ in range(copies):
        crc = zlib.crc32(block, crc)
    crc = zlib.crc32(tail, crc)
    members = [(n, *_deflate(d)) for n, d in parts.items() if n != sheet]
    members.append((sheet, first + repeated * copies + last, crc, len(head) + len(block) * copies + len(tail)))
    path.write_bytes(_zip(members))
    return path


@pytest.fixture()
def no_openpyxl(monkeypatch):
    """No Excel reader may open the file: the refusal comes from the zip directory alone."""
    import python_calamine

    class Refuse:
        @classmethod
        def from_path(cls, *args, **kwargs):
            raise AssertionError("a reader opened a workbook that should have been refused")
    monkeypatch.setattr(openpyxl, "load_workbook", Refuse.from_path)
    monkeypatch.setattr(python_calamine, "CalamineWorkbook", Refuse)


@pytest.mark.parametrize("copies, message", [(150, "the workbook inflates to 1,200 MB"),
                                             (24, "compressed 294 times")])
def test_a_zip_bomb_is_refused_before_openpyxl_opens_it(root, tmp_path, capsys, no_openpyxl, copies, message):
    path = bomb(root / "observations" / "bomb.xlsx", copies)
    assert path.stat().st_size < 5 * 1024 * 1024  # a few MB on disk
    code, out = validate(root, capsys)
    assert code == 2
    assert "observations/bomb.xlsx" in out and message in out and "zip bomb" in out


def test_a_sheet_claiming_too_many_cells_is_refused(root, capsys, no_openpyxl):
    bomb(root / "observations" / "wide.xlsx", 0, dimension='<dimension ref="A1:XFD1048576"/>')
    code, out = validate(root, capsys)
    assert code == 2 and "the sheet is too large (1,048,576 × 16,384 cells" in out


def test_an_ordinary_workbook_is_still_read(root, capsys):
    wb = openpyxl.Workbook()
    for line in GOOD.strip().split("\n"):
        wb.active.append(line.split(","))
    wb.save(root / "observations" / "obs.xlsx")
    (root / "observations" / "obs.csv").unlink()
    assert validate(root, capsys)[0] == 0
    assert len(load_dataset(root).observations) == len(GOOD.strip().split("\n")) - 1


# --- links out of the dataset folder ------------------------------------------------------------------

def test_a_link_out_of_the_dataset_folder_is_not_read(root, tmp_path, capsys):
    secret = tmp_path / "secret.csv"
    secret.write_text("root-password-hash,x\n1,2\n", encoding="utf-8")
    (root / "observations" / "more.csv").symlink_to(secret)
    code, out = validate(root, capsys)
    assert code == 2
    assert "observations/more.csv" in out and "outside the dataset folder" in out
    assert "root-password-hash" not in out  # its header is never shown


def test_a_link_inside_the_dataset_folder_is_read(root, capsys):
    (root / "sources").mkdir()
    (root / "observations" / "obs.csv").rename(root / "sources" / "obs.csv")
    (root / "observations" / "obs.csv").symlink_to(root / "sources" / "obs.csv")
    assert validate(root, capsys)[0] == 0


# --- nothing lost, nothing overwritten ----------------------------------------------------------------

def test_validate_never_writes_its_csv_inside_the_dataset(root, capsys):
    before = tree_hash(root)
    code, out = validate(root, capsys, "--csv", str(root / "units.csv"))
    assert code == 2 and "--csv" in out and "inside the dataset folder" in out
    assert tree_hash(root) == before


def test_run_never_writes_inside_the_dataset(root, capsys):
    before = tree_hash(root)
    code = main(["run", "--data", str(root), "--out", str(root / "observations" / "reports"), "--no-gx", "--lang", "en"])
    err = capsys.readouterr().err
    assert code == 2 and "--out" in err and "inside the dataset folder" in err and "Traceback" not in err
    assert tree_hash(root) == before


def test_an_output_folder_that_cannot_be_made_is_a_message(root, tmp_path, capsys):
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    code = main(["run", "--data", str(root), "--out", str(blocker / "reports"), "--no-gx", "--lang", "en"])
    err = capsys.readouterr().err
    assert code == 2 and "Traceback" not in err and f"cannot use {blocker}" in err


def _tmpfs(path: Path, options: str) -> bool:
    path.mkdir(parents=True, exist_ok=True)
    return subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(path)], capture_output=True).returncode == 0


@pytest.fixture()
def disk(tmp_path, monkeypatch):
    """``disk(kind)``: an output folder on a read-only or full disk — a real tmpfs where this machine
    lets us mount one, else the writes fail as such a disk makes them fail."""
    mounted: list[Path] = []

    def make(kind: str) -> Path:
        where = tmp_path / kind
        if _tmpfs(where, "ro,size=64k" if kind == "read-only" else "size=64k"):
            mounted.append(where)
            return where / "reports"
        code = errno.EROFS if kind == "read-only" else errno.ENOSPC

        def fsync(fd):
            raise OSError(code, os.strerror(code))
        fake_os = types.SimpleNamespace(**{k: getattr(os, k) for k in dir(os) if not k.startswith("__")})
        fake_os.fsync = fsync
        monkeypatch.setattr(outputs, "os", fake_os)
        return where / "reports"

    yield make
    for m in mounted:
        subprocess.run(["umount", str(m)], check=False)


@pytest.mark.parametrize("kind, message", [("read-only", "cannot be written"), ("full", "the disk is full")])
def test_a_read_only_or_full_disk_is_a_message_and_leaves_nothing(root, disk, capsys, kind, message):
    out = disk(kind)
    code = main(["run", "--data", str(root), "--out", str(out), "--no-gx", "--lang", "en"])
    err = capsys.readouterr().err
    assert code == 2 and "Traceback" not in err and message in err and str(out) in err
    assert not (out / CACHE_DIR).exists() and not any(out.rglob("*.tmp")) if out.exists() else True


def test_a_refused_run_leaves_no_cache(root, tmp_path, capsys):
    out = tmp_path / "reports"
    code = main(["run", "--data", str(root), "--out", str(out), "--period", "2030-H1", "--no-gx", "--lang", "en"])
    assert code == 2 and "no data for period 2030-H1" in capsys.readouterr().err
    assert not out.exists()  # neither OUT/.wardlib-cache nor the folder it would sit in


# --- values read as they are meant --------------------------------------------------------------------

def test_text_is_read_in_nfc(root):
    nfd = unicodedata.normalize("NFD", "Đang thực hiện")
    lines = GOOD.strip().split("\n")
    lines[3] = lines[3].replace(",,,,,,test", f",,,{nfd},,,test")
    (root / "observations" / "obs.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    status = load_dataset(root).observations["status"].astype(str)
    assert nfd != "Đang thực hiện" and status.tolist().count("Đang thực hiện") == 1


def test_a_list_typed_parquet_note_is_text(root):
    frame = pd.read_csv(io.StringIO(GOOD), dtype=str, keep_default_na=False)
    table = pa.Table.from_pandas(frame.drop(columns="note"), preserve_index=False).append_column(
        "note", pa.array([["nguồn: UBND", "ước tính"]] + [[]] * (len(frame) - 1), type=pa.list_(pa.string())))
    pq.write_table(table, root / "observations" / "obs.parquet")
    (root / "observations" / "obs.csv").unlink()
    notes = load_dataset(root).observations["note"].astype(str).tolist()
    assert notes[0] == "nguồn: UBND; ước tính" and "[" not in "".join(notes)


def test_negative_zero_is_shown_as_zero():
    assert fmt.number(-0.0) == "0" and fmt.percent(-0.04) == "0,0%" and fmt.amount(-0.2) == "0 đ"
    assert fmt.number(-0.06, 1) == "-0,1"


def test_invisible_characters_are_written_out():
    assert tables.shown("29872\u200b") == "'29872\\u200b'"
    assert tables.invisible_names("\ufeffa\u200b")[1] == "U+FEFF byte order mark (BOM), U+200B zero-width space"


def test_the_embedded_data_has_none_of_these_problems():
    assert not [f for f in load_dataset(default_data_dir()).findings if f.severity != "info"]


@pytest.mark.parametrize("module", ["wardlib.tables", "wardlib.units", "wardlib.paths"])
def test_docstring_examples(module):
    import doctest
    import importlib

    result = doctest.testmod(importlib.import_module(module))
    assert result.attempted > 0 and result.failed == 0
