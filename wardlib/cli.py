"""The ``wardlib`` command.

    wardlib run       [--data DIR] [--period P] [--unit CODE ...] [--out DIR] [--lang vi|en] [--no-gx]
                      [--mode single|site|inline] [--workers N | --scheduler tcp://HOST:PORT]
                      [--recycle K] [--isolated] [--force] [--locale vi]
    wardlib demo-data --out DIR [--scope province|national] [--province CODE] [--before-reform] [--seed S]
    wardlib validate  [--data DIR] [--period P] [--json] [--lang vi|en] [--no-gx] [--docs DIR]

Exit codes — run: 0 every page rendered (or unchanged), 1 some pages failed
(the others still finished), 2 the input cannot be used (the data breaks the
contract) or another run is writing into the same output folder, 130
interrupted (Ctrl-C: what was done is in the manifest; run again to resume).
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
from wardlib.kernels import DEFAULT_RECYCLE
from wardlib.render import MODES

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
    r.add_argument("--mode", choices=MODES, default=MODES[0],
                   help="single: every page self-contained (default, ≤ 2.5 MB); site: pages share "
                        "OUT/assets/ (small pages, keep the folder together); inline: plotly as is")
    r.add_argument("--workers", type=int, default=1, metavar="N",
                   help="render N pages at a time on this machine (a Dask LocalCluster of N processes; default 1)")
    r.add_argument("--scheduler", metavar="tcp://HOST:PORT", default=None,
                   help="send the pages to this Dask scheduler's workers instead (they need wardlib and the same "
                        "paths to the data and output folders)")
    r.add_argument("--recycle", type=int, default=None, metavar="K",
                   help=f"units a kernel renders before a fresh one replaces it (default {DEFAULT_RECYCLE:,})")
    r.add_argument("--isolated", action="store_true", help="a fresh kernel for every page (slower)")
    r.add_argument("--force", action="store_true", help="render every page, even those whose inputs did not change")
    r.add_argument("--locale", choices=("vi",), default=None,
                   help="read Vietnamese number writing (5.137.820.843, 55,4%%) in every file, as validate does")

    d = sub.add_parser("demo-data", help="write a synthetic (demo) dataset for every unit of a province or the country")
    d.add_argument("--out", type=Path, required=True, help="dataset folder to create (must not exist or be empty)")
    d.add_argument("--scope", choices=("province", "national"), default="province",
                   help="one province (default) or the whole country")
    d.add_argument("--province", default="82", help="province code for --scope province (default 82, Đồng Tháp)")
    d.add_argument("--before-reform", action="store_true",
                   help="the units before 1 July 2025 (10,040 communes nationally) instead of the current ones (3,321)")
    d.add_argument("--periods", default=None,
                   help="comma-separated periods (default: the 12 months 2025-07…2026-06, or 2024-07…2025-06 "
                        "with --before-reform)")
    d.add_argument("--indicators", type=int, default=120, help="indicators per unit and period (default 120)")
    d.add_argument("--seed", type=int, default=20240630, help="random seed (default 20240630): same seed, same files")
    d.add_argument("--lang", choices=("vi", "en"), default="vi", help="language of messages")

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
        if args.command == "demo-data":
            return _demo_data(args)
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
    from wardlib.batch import Progress
    from wardlib.paths import PACKAGE_DIR
    from wardlib.runner import run

    out = args.out or (PACKAGE_DIR.parent / "reports")
    bar: list[Progress] = []

    def progress(result, i, n):
        if not bar:
            bar.append(Progress(n))
        message = None
        if result.status == "failed":
            cell = f" (cell {result.cell['index']}: {result.cell['source'].splitlines()[0]})" if result.cell else ""
            message = f"ERR {result.unit_code} {result.name}{cell}: {result.error}"
        bar[0].update(result.status if result.status in ("ok", "skipped", "failed") else "ok", message)

    try:
        summary = run(args.data, args.period, args.units, out, args.lang, progress=progress, gx=not args.no_gx,
                      mode=args.mode, workers=args.workers, scheduler=args.scheduler, isolated=args.isolated,
                      recycle=args.recycle or DEFAULT_RECYCLE, force=args.force, locale=args.locale)
    except ContractError as exc:
        _close(bar)
        _print_findings([f for f in exc.findings if f.severity == "error"], args.lang)
        print("wardlib: the data breaks the contract; nothing was rendered (see `wardlib validate`).", file=sys.stderr)
        return EXIT_INPUT
    except WardlibError as exc:
        _close(bar)
        print(f"wardlib: {_message(exc, args.lang)}", file=sys.stderr)
        return EXIT_INPUT
    except KeyboardInterrupt:
        _close(bar)
        print(f"wardlib: interrupted; what was done is recorded in {out}/<period>/manifest.json — "
              "run the same command again to resume", file=sys.stderr)
        return 130
    _close(bar)
    rendered = sum(r.status == "ok" for r in summary.results)
    errors = sum(c.get("error", 0) for c in summary.findings.values())
    pages = summary.failed_pages
    print(f"{summary.out_dir}: {rendered} report(s) written, {len(summary.skipped)} unchanged, "
          f"{len(summary.failed)} failed"
          + (f"; {len(pages)} period page(s) failed ({', '.join(r.unit_code for r in pages)})" if pages else "")
          + f"; data checks: {errors} error(s) (see {summary.out_dir / 'data_quality.html'}); "
          f"index: {summary.out_dir / 'index.html'}; {summary.seconds:.1f} s", file=sys.stderr)
    for r in summary.failed[:20]:
        where = f" in cell {r.cell['index']} ({r.cell['source'].splitlines()[0]})" if r.cell else ""
        print(f"  failed: {r.unit_code} {r.name}{where}: {r.error}", file=sys.stderr)
    if len(summary.failed) > 20:
        print(f"  … {len(summary.failed) - 20} more in {summary.out_dir / 'manifest.json'}", file=sys.stderr)
    return EXIT_FINDINGS if summary.failed or pages else EXIT_OK


def _close(bar) -> None:
    if bar:
        bar[0].close()


def _demo_data(args) -> int:
    from wardlib import demo

    periods = [p.strip() for p in args.periods.split(",") if p.strip()] if args.periods else None
    try:
        info = demo.write_dataset(args.out, scope=args.scope, province=args.province,
                                  before_reform=args.before_reform, periods=periods, n_indicators=args.indicators,
                                  seed=args.seed)
    except (WardlibError, ValueError) as exc:
        print(f"wardlib: {_message(exc, args.lang) if isinstance(exc, WardlibError) else exc}", file=sys.stderr)
        return EXIT_INPUT
    print(f"{args.out}: {info['units']:,} units × {info['indicators']} indicators × {info['periods']} periods = "
          f"{info['rows']:,} synthetic rows (demo data, source = synthetic)", file=sys.stderr)
    return EXIT_OK
