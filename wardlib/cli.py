"""The ``wardlib`` command.

    wardlib run       [--data DIR] [--period P] [--unit CODE ...] [--out DIR] [--lang vi|en] [--no-gx]
                      [--mode single|site|inline]
    wardlib validate  [--data DIR] [--period P] [--json] [--lang vi|en] [--no-gx] [--docs DIR]

Exit codes — run: 0 every unit rendered, 1 some units failed (the others
still finished), 2 the input cannot be used (the data breaks the contract).
Content findings (a wrong stated percentage, an outlier) never block a run:
they appear on the reports. validate: 0 clean or warnings only, 1 with
errors (contract or content), 2 the input cannot be read. Bad input gets a
message, never a traceback.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from wardlib import __version__
from wardlib.findings import ContractError, Finding, WardlibError

EXIT_OK, EXIT_FINDINGS, EXIT_INPUT = 0, 1, 2
# Findings that mean a file cannot be read at all (validate exits 2), as opposed to content to correct.
UNREADABLE = {"contract.file", "contract.size", "contract.encoding", "contract.excel", "contract.settings"}


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="wardlib", description="Ward and commune socio-economic reports.")
    p.add_argument("--version", action="version", version=f"wardlib {__version__}")
    sub = p.add_subparsers(dest="command", required=True)

    def common(sp):
        sp.add_argument("--data", type=Path, default=None, help="dataset folder (default: the embedded data/)")
        sp.add_argument("--lang", choices=("vi", "en"), default="vi", help="language of messages and reports")

    r = sub.add_parser("run", help="render the HTML reports of one period")
    common(r)
    r.add_argument("--period", help="period to report on, e.g. 2024-H1 (default: the latest in the data)")
    r.add_argument("--unit", action="append", dest="units", metavar="CODE",
                   help="unit code to report on; repeat for several (default: every commune with data)")
    r.add_argument("--out", type=Path, default=None, help="output folder (default: reports/ of the project)")
    r.add_argument("--no-gx", action="store_true", help="skip the Great Expectations suites and their Data Docs")
    r.add_argument("--mode", choices=("single", "site", "inline"), default="single",
                   help="single: every page self-contained (default, ≤ 2.5 MB); site: pages share "
                        "OUT/assets/ (small pages, keep the folder together); inline: plotly as is")

    v = sub.add_parser("validate", help="check a dataset against the data contract")
    common(v)
    v.add_argument("--json", action="store_true", help="print the findings as JSON")
    v.add_argument("--period", help="check the content of this period only (default: every period)")
    v.add_argument("--locale", choices=("vi",), default=None,
                   help="read Vietnamese number writing (5.137.820.843, 55,4%%, 06/10) in every file")
    v.add_argument("--csv", type=Path, default=None, help="also write the findings as a CSV file (for a spreadsheet)")
    v.add_argument("--no-gx", action="store_true", help="skip the Great Expectations suites")
    v.add_argument("--docs", type=Path, default=None, help="build the Great Expectations Data Docs into this folder")
    return p


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return _validate(args) if args.command == "validate" else _run(args)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


def _message(exc: WardlibError, lang: str) -> str:
    return exc.message_vi if lang == "vi" else str(exc)


def _print_findings(findings: list[Finding], lang: str, limit: int = 200) -> None:
    for f in findings[:limit]:
        print(f.format(lang), file=sys.stderr)
    if len(findings) > limit:
        print(f"... {len(findings) - limit} more (use --json for all)", file=sys.stderr)


def _validate(args) -> int:
    from wardlib import quality
    from wardlib.analysis import build_table
    from wardlib.loaders import load_dataset
    from wardlib.paths import default_data_dir
    from wardlib.periods import Period, PeriodError

    data_dir = args.data or default_data_dir()
    try:
        period = str(Period.parse(args.period)) if args.period else None
        data = load_dataset(data_dir, locale=args.locale)
        findings = quality.collect(data, build_table(data), period=period, gx=not args.no_gx, docs_dir=args.docs)
    except ContractError as exc:
        findings = exc.findings
    except PeriodError as exc:
        print(f"wardlib: {_message(exc, args.lang)}", file=sys.stderr)
        return EXIT_INPUT
    except WardlibError as exc:
        print(f"wardlib: {_message(exc, args.lang)}", file=sys.stderr)
        return EXIT_INPUT
    unreadable = any(f.rule in UNREADABLE and f.severity == "error" for f in findings)
    errors = sum(f.severity == "error" for f in findings)
    if args.csv:
        quality.write_findings_csv(findings, args.csv, args.lang)
    if args.json:
        print(json.dumps([f.as_dict(args.lang) for f in findings], ensure_ascii=False, indent=2))
    else:
        _print_findings(findings, args.lang)
        print(f"{data_dir}: {errors} error(s), {len(findings) - errors} warning(s)/note(s)", file=sys.stderr)
    if unreadable:
        return EXIT_INPUT
    return EXIT_FINDINGS if errors else EXIT_OK


def _run(args) -> int:
    from wardlib.paths import PACKAGE_DIR
    from wardlib.runner import run

    out = args.out or (PACKAGE_DIR.parent / "reports")

    def progress(result, i, n):
        mark = "ok " if result.status == "ok" else "ERR"
        detail = result.output if result.status == "ok" else result.error
        print(f"[{i}/{n}] {mark} {result.unit_code} {result.name} ({result.seconds:.1f}s) {detail}", file=sys.stderr)

    try:
        summary = run(args.data, args.period, args.units, out, args.lang, progress=progress, gx=not args.no_gx,
                      mode=args.mode)
    except ContractError as exc:
        _print_findings([f for f in exc.findings if f.severity == "error"], args.lang)
        print("wardlib: the data breaks the contract; nothing was rendered (see `wardlib validate`).", file=sys.stderr)
        return EXIT_INPUT
    except WardlibError as exc:
        print(f"wardlib: {_message(exc, args.lang)}", file=sys.stderr)
        return EXIT_INPUT
    ok = len(summary.results) - len(summary.failed)
    errors = sum(c.get("error", 0) for c in summary.findings.values())
    print(f"{summary.out_dir}: {ok} report(s) written, {len(summary.failed)} failed; "
          f"data checks: {errors} error(s) (see {summary.out_dir / 'data_quality.html'}); "
          f"index: {summary.out_dir / 'index.html'}", file=sys.stderr)
    return EXIT_FINDINGS if summary.failed else EXIT_OK
