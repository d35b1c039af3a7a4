"""Benchmark of ``wardlib extract``: a 40-page Word report in under 5 s, and recall/precision on the reports.

    .venv/bin/python bench/bench_extract.py [--repeat 5] [--pages 40]

Not a ``_harness`` benchmark: that harness builds a synthetic *dataset* and times operations on it;
this one times a *document*. The same rules hold: fresh processes, baseline and operation alternating,
medians, a ratio to the baseline of the same run next to the goal.

1. **The document**: a ``.docx`` of about ``--pages`` pages (3,300 characters a page, a dense Word
   page of 13-pt text) built with python-docx from the seed report and the made-up reports of
   ``tests/data/reports/`` repeated (their paragraphs, footnotes become plain paragraphs, tables
   stay tables), in a temporary folder deleted at the end.
2. **Timing**: each run is a fresh ``wardlib extract BIG.docx --out DRAFT.csv`` process (what a
   planner waits for: start-up, imports, reading, finding, mapping, writing); the baseline is a fresh
   ``wardlib check-report --json`` of the same file (start-up, reading and finding the figures,
   no catalog, no mapping), so the ratio is what mapping to the catalog costs. Medians of
   ``--repeat`` runs; goal 5 s for the operation. An in-process split (read / figures and mapping)
   follows.
3. **Recall and precision** of ``extract`` on the seed against ``data/observations/phuong-4-2024.csv``
   (29872, 2024-H1) and on each made-up report against its expected draft; goals 90 % / 97 %.

Exit status 0 when every goal is met, 1 otherwise.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WARDLIB = Path(sys.executable).with_name("wardlib")
SEED = ROOT / "data" / "sources" / "bao-cao-6-thang-2024-phuong-4.txt"
FIXTURES = ROOT / "tests" / "data" / "reports"
CHARS_PER_PAGE = 3300
GOAL_SECONDS = 5.0
RECALL_GOAL, PRECISION_GOAL = 0.90, 0.97


def build_docx(path: Path, pages: int) -> tuple[int, int]:
    """A Word report of about ``pages`` pages; returns (characters, tables rows)."""
    import docx

    sys.path.insert(0, str(ROOT))
    from wardlib.documents import read_document

    sources = [read_document(SEED)] + [read_document(FIXTURES / n) for n in (
        "bao-cao-9-thang-2024-phuong-1.md", "bao-cao-nam-2023-phuong-3.txt", "bao-cao-6-thang-2024-xa-my-tan.docx")]
    head = [b.text for b in sources[0].blocks[:6]]  # the seed's header: Phường 4, 6 tháng đầu năm 2024
    d = docx.Document()
    for text in head:
        d.add_paragraph(text)
    chars, rows = sum(map(len, head)), 0
    while chars < pages * CHARS_PER_PAGE:
        for doc in sources:
            table = None
            for b in doc.blocks[6:]:
                if b.kind == "table_row":
                    if table is None or len(b.cells) != len(table.columns):
                        table = d.add_table(rows=0, cols=len(b.cells))
                    for c, t in zip(table.add_row().cells, b.cells):
                        c.text = t
                    rows += 1
                else:
                    table = None
                    d.add_paragraph(b.text)
                chars += len(b.text)
    d.save(str(path))
    return chars, rows


def timed(cmd: list[str]) -> tuple[float, float]:
    """Wall seconds and CPU seconds (user + system) of one fresh process running ``cmd``."""
    import resource

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    subprocess.run(cmd, check=False, capture_output=True)
    wall = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def accuracy() -> list[tuple[str, dict]]:
    import pandas as pd

    sys.path.insert(0, str(ROOT))
    from wardlib.extract import extract, score_draft

    out = []
    truth = pd.read_csv(ROOT / "data" / "observations" / "phuong-4-2024.csv", dtype=str, keep_default_na=False)
    out.append((SEED.name, score_draft(extract(SEED).draft, truth, "29872", "2024-H1")))
    for name, expected in (("bao-cao-9-thang-2024-phuong-1.md", "bao-cao-9-thang-2024-phuong-1"),
                           ("bao-cao-6-thang-2024-xa-my-tan.docx", "bao-cao-6-thang-2024-xa-my-tan"),
                           ("bao-cao-6-thang-2024-xa-my-tan.pdf", "bao-cao-6-thang-2024-xa-my-tan"),
                           ("bao-cao-nam-2023-phuong-3.txt", "bao-cao-nam-2023-phuong-3")):
        ex = extract(FIXTURES / name)
        t = pd.read_csv(FIXTURES / f"{expected}.expected.csv", dtype=str, keep_default_na=False)
        out.append((name, score_draft(ex.draft, t, ex.unit_code, str(ex.period))))
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--pages", type=int, default=40)
    args = ap.parse_args()
    ok = True
    with tempfile.TemporaryDirectory() as tmp:
        big = Path(tmp) / "bao-cao-40-trang.docx"
        chars, rows = build_docx(big, args.pages)
        print(f"document: {big.name}, {chars:,} characters (~{chars / CHARS_PER_PAGE:.0f} pages), "
              f"{rows} table rows, {big.stat().st_size / 1024:.0f} KiB")
        base, op = [], []
        for i in range(args.repeat):
            base.append(timed([str(WARDLIB), "check-report", str(big), "--json"]))
            op.append(timed([str(WARDLIB), "extract", str(big), "--out", str(Path(tmp) / "draft.csv")]))
            print(f"  run {i + 1}: baseline check-report {base[-1][0]:.2f} s wall ({base[-1][1]:.2f} s CPU), "
                  f"extract {op[-1][0]:.2f} s wall ({op[-1][1]:.2f} s CPU)")
        b, o = statistics.median(w for w, _ in base), statistics.median(w for w, _ in op)
        bc, oc = statistics.median(c for _, c in base), statistics.median(c for _, c in op)
        sys.path.insert(0, str(ROOT))
        from wardlib.documents import read_document
        from wardlib.extract import extract

        t0 = time.perf_counter()
        read_document(big)
        t1 = time.perf_counter()
        ex = extract(big)
        t2 = time.perf_counter()
        verdict = "PASS" if o < GOAL_SECONDS else "FAIL"
        ok &= o < GOAL_SECONDS
        print(f"\nmedians of {args.repeat}: baseline (check-report) {b:.2f} s wall ({bc:.2f} s CPU), extract "
              f"{o:.2f} s wall ({oc:.2f} s CPU), ratio {o / b:.2f}×; goal {GOAL_SECONDS:.0f} s wall: {verdict}")
        with open("/proc/loadavg") as fh:
            print(f"load average at the end: {fh.read().split()[0]} (2 cores: above 2, other work shares the CPU)")
        print(f"in-process split: read {t1 - t0:.2f} s; extract (read + figures + mapping) {t2 - t1:.2f} s; "
              f"{len(ex.mappings):,} figures, {len(ex.draft):,} draft rows")
    print(f"\n{'report':42} {'recall':>14} {'precision':>14}  verdict")
    for name, s in accuracy():
        good = s["recall"] >= RECALL_GOAL and s["precision"] >= PRECISION_GOAL
        ok &= good
        print(f"{name:42} {s['recall']:7.1%} {s['right']:3}/{s['truth']:<3} {s['precision']:7.1%} "
              f"{s['right']:3}/{s['draft']:<3}  {'PASS' if good else 'FAIL'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
