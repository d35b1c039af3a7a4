"""The ``wardlib extract`` command: a narrative report in, a draft of observations and its review page out.

The reading and the mapping are :mod:`wardlib.extract`'s, the page :mod:`wardlib.review`'s; the
command lives apart from both because the review page shows what extract found (review imports
extract), so extract itself never imports the page.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from wardlib.documents import DocumentError
from wardlib.extract import ExtractError, extract, to_csv
from wardlib.findings import WardlibError
from wardlib.outputs import write_atomic
from wardlib.periods import Period, PeriodError


def add_parser(sub) -> None:
    e = sub.add_parser("extract", help="read a narrative report (Word, PDF, text) into a draft of observations")
    e.add_argument("report", type=Path, help="the report: .docx, .pdf (with a text layer), .txt or .md")
    e.add_argument("--data", type=Path, default=None, help="dataset folder whose catalog and units to use "
                                                          "(default: the embedded data/)")
    e.add_argument("--unit", default=None, metavar="CODE", help="unit code (default: found in the report's header)")
    e.add_argument("--period", default=None, metavar="P", help="period, e.g. 2024-H1 (default: from the title)")
    e.add_argument("--out", type=Path, default=None, metavar="DRAFT.csv",
                   help="draft to write (default: print it); unmapped figures go to DRAFT.unmapped.csv beside it")
    e.add_argument("--review", type=Path, default=None, metavar="PAGE.html",
                   help="also write the review page: the report with every figure highlighted and mapped")
    e.add_argument("--lang", choices=("vi", "en"), default="vi", help="language of messages and the review page")


def main(args: argparse.Namespace) -> int:
    lang = args.lang
    try:
        if args.period:
            Period.parse(args.period)
        ex = extract(args.report, args.data, args.unit, args.period)
        html = None
        if args.review:
            from papermill.exceptions import PapermillExecutionError

            from wardlib.review import render_review

            try:
                html = render_review(ex, args.report, args.data, lang)
            except PapermillExecutionError as exc:  # a bug of ours, said without a traceback; nothing written
                print(f"wardlib: the review page failed in its cell {exc.cell_index} ({exc.ename}: {exc.evalue}); "
                      "nothing was written", file=sys.stderr)
                return 1
    except (DocumentError, ExtractError, PeriodError, WardlibError) as exc:
        print(f"wardlib: {exc.message_vi if lang == 'vi' else exc}", file=sys.stderr)
        return 2
    mapped = len(ex.draft)
    if args.out:
        write_atomic(args.out, to_csv(ex.draft))
        unmapped_path = args.out.with_name(args.out.stem + ".unmapped.csv")
        write_atomic(unmapped_path, to_csv(ex.unmapped))
    else:
        sys.stdout.write(to_csv(ex.draft))
    if html is not None:
        write_atomic(args.review, html)
    n_unmapped = len(ex.unmapped)
    if lang == "vi":
        msg = (f"{ex.document.path.name}: {ex.unit_name} ({ex.unit_code}), {ex.period}: {mapped} dòng nháp, "
               f"{n_unmapped} số chưa gán chỉ tiêu" + (f" (xem {args.out.stem}.unmapped.csv)" if args.out else ""))
    else:
        msg = (f"{ex.document.path.name}: {ex.unit_name} ({ex.unit_code}), {ex.period}: {mapped} draft rows, "
               f"{n_unmapped} figures not mapped" + (f" (see {args.out.stem}.unmapped.csv)" if args.out else ""))
    print(msg, file=sys.stderr)
    return 0
