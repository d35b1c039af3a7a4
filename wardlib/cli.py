"""The ``wardlib`` command.

    wardlib run       [--data DIR] [--period P] [--unit CODE ...] [--out DIR] [--lang vi|en] [--no-gx]
                      [--mode single|site|inline] [--workers N | --scheduler tcp://HOST:PORT]
                      [--recycle K] [--isolated] [--force] [--locale vi]
    wardlib demo-data --out DIR [--scope province|national] [--province CODE] [--before-reform] [--seed S]
    wardlib validate  [--data DIR] [--period P] [--json] [--lang vi|en] [--no-gx] [--docs DIR]
    wardlib form      --period P --out DIR [--data DIR] [--unit CODE ...] [--parent CODE] [--lang vi|en]
    wardlib import    FORM.xlsx [FORM.xlsx ...] [--data DIR] [--period P] [--dry-run] [--as-reported] [--lang vi|en]
    wardlib extract   REPORT [--data DIR] [--unit CODE] [--period P] [--out DRAFT.csv] [--review PAGE.html]
    wardlib check-report REPORT [--json] [--lang vi|en]

Exit codes — run: 0 every page rendered (or unchanged), 1 some pages failed
(the others still finished), 2 the input cannot be used (the data breaks the
contract: every finding of every layer is printed, as validate gives them) or
another run is writing into the same output folder, 130
interrupted (Ctrl-C: what was done is in the manifest; run again to resume).
Content findings (a wrong stated percentage, an outlier) never block a run:
they appear on the reports. validate: 0 clean or warnings only, 1 with
errors (contract or content), 2 the input cannot be read. validate reports
every layer in one pass: rows breaking the contract are set aside and the
consistency rules and GX suites run on the rest. form and import: as validate
(wardlib.forms, wardlib.formimport). extract: 0 draft written, 1 the review page
failed, 2 the report cannot be used; check-report: 0 nothing wrong, 1 something
wrong, 2 unreadable (wardlib.drafts, wardlib.reportcheck). Bad input gets a
message, never a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import json
import sys
from pathlib import Path

from wardlib import __version__
from wardlib.findings import ContractError, Finding, WardlibError
from wardlib.kernels import DEFAULT_RECYCLE
from wardlib.render import MODES
from wardlib.texts import t

EXIT_OK, EXIT_FINDINGS, EXIT_INPUT = 0, 1, 2
# Commands that live in a module of their own, with its add_parser(subparsers) and main(args).
OWN_MODULE = {"form": "forms", "import": "formimport", "extract": "drafts", "check-report": "reportcheck"}
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
                   help="the units before 1 July 2025 (10,035 communes with codes nationally) instead of the current ones (3,321)")
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
    for module in dict.fromkeys(OWN_MODULE.values()):
        importlib.import_module(f"wardlib.{module}").add_parser(sub)
    return p


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.command == "demo-data":
            return _demo_data(args)
        if args.command in OWN_MODULE:
            return importlib.import_module(f"wardlib.{OWN_MODULE[args.command]}").main(args)
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
    from wardlib.paths import default_data_dir
    from wardlib.periods import Period, PeriodError

    data_dir = args.data or default_data_dir()
    if _output_in_data({"--csv": args.csv, "--docs": args.docs}, data_dir, args.lang):
        return EXIT_INPUT
    try:
        period = str(Period.parse(args.period)) if args.period else None
        # One pass: rows breaking the contract are set aside and every layer runs on the rest.
        findings = quality.check_dataset(data_dir, locale=args.locale, period=period, gx=not args.no_gx,
                                         docs_dir=args.docs)
    except PeriodError as exc:
        print(f"wardlib: {_message(exc, args.lang)}", file=sys.stderr)
        return EXIT_INPUT
    except WardlibError as exc:
        print(f"wardlib: {_message(exc, args.lang)}", file=sys.stderr)
        return EXIT_INPUT
    except OSError as exc:
        print(_os_message(exc, data_dir, args.lang), file=sys.stderr)
        return EXIT_INPUT
    unreadable = any(f.rule in UNREADABLE and f.severity == "error" for f in findings)
    errors = sum(f.severity == "error" for f in findings)
    if args.csv:
        try:
            quality.write_findings_csv(findings, args.csv, args.lang)
        except OSError as exc:
            print(_os_message(exc, args.csv, args.lang), file=sys.stderr)
            return EXIT_INPUT
    if args.json:
        print(json.dumps([f.as_dict(args.lang) for f in findings], ensure_ascii=False, indent=2))
    else:
        _print_findings(findings, args.lang)
        print(t("cli.validate_summary", args.lang, path=data_dir, e=errors, w=len(findings) - errors), file=sys.stderr)
    if unreadable:
        return EXIT_INPUT
    return EXIT_FINDINGS if errors else EXIT_OK


def _refusal(exc: ContractError, args) -> list[Finding]:
    """Every finding of the data ``run`` refuses, as ``validate`` gives them: the contract errors
    and what the consistency rules and GX suites find on the rows that passed."""
    from wardlib import quality
    from wardlib.periods import Period, PeriodError

    if exc.dataset is None:  # a file could not be used: the layers below did not run
        return exc.findings
    try:
        period = str(Period.parse(args.period)) if args.period else None
    except PeriodError:
        period = None
    return quality.check_loaded(exc.dataset, period=period, gx=not args.no_gx)


def _run(args) -> int:
    from wardlib import fmt
    from wardlib.batch import Progress
    from wardlib.lock import LockedError
    from wardlib.paths import PACKAGE_DIR, default_data_dir
    from wardlib.runner import run

    out = args.out or (PACKAGE_DIR.parent / "reports")
    if _output_in_data({"--out": out}, args.data or default_data_dir(), args.lang):
        return EXIT_INPUT
    leftovers = _Leftovers(out)
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
        leftovers.remove()
        findings = _refusal(exc, args)
        _print_findings(findings, args.lang)
        errors = sum(f.severity == "error" for f in findings)
        contract = sum(f.severity == "error" and f.rule.startswith("contract.") for f in findings)
        print(t("cli.contract_refused", args.lang, contract=contract, n=len(findings), e=errors), file=sys.stderr)
        return EXIT_INPUT
    except WardlibError as exc:
        _close(bar)
        if not isinstance(exc, LockedError):  # the other run's cache is not ours to remove
            leftovers.remove()
        print(f"wardlib: {_message(exc, args.lang)}", file=sys.stderr)
        return EXIT_INPUT
    except OSError as exc:  # a read-only or full output folder, a path that is a file: a message, not a traceback
        _close(bar)
        leftovers.remove()
        print(_os_message(exc, out, args.lang), file=sys.stderr)
        return EXIT_INPUT
    except KeyboardInterrupt:
        _close(bar)
        where = "" if args.lang == "vi" else f"{args.lang}/"  # wardlib.manifest.pages_folder
        print(t("cli.interrupted", args.lang, out=out, where=where), file=sys.stderr)
        return 130
    _close(bar)
    for en, vi in summary.notes:
        print(f"wardlib: {vi if args.lang == 'vi' else en}", file=sys.stderr)
    rendered = sum(r.status == "ok" for r in summary.results)
    errors = summary.totals.get("error", 0)
    pages = summary.failed_pages
    lang = args.lang
    failed_pages = t("cli.pages_failed", lang, n=len(pages), codes=", ".join(r.unit_code for r in pages)) if pages else ""
    print(t("cli.run_summary", lang, out=summary.out_dir, rendered=rendered, skipped=len(summary.skipped),
            failed=len(summary.failed), pages=failed_pages, e=errors, quality=summary.out_dir / "data_quality.html",
            index=summary.out_dir / "index.html", seconds=fmt.number(summary.seconds, 1, lang)), file=sys.stderr)
    for r in summary.failed[:20]:
        where = t("cli.in_cell", lang, i=r.cell["index"], source=r.cell["source"].splitlines()[0]) if r.cell else ""
        print(t("cli.failed_unit", lang, code=r.unit_code, name=r.name, where=where, error=r.error), file=sys.stderr)
    if len(summary.failed) > 20:
        print(t("cli.more_failed", lang, n=len(summary.failed) - 20, path=summary.out_dir / "manifest.json"),
              file=sys.stderr)
    return EXIT_FINDINGS if summary.failed or pages else EXIT_OK


def _output_in_data(outputs: dict, data_dir: Path, lang: str) -> bool:
    """Print why and return True when an output path lies inside the dataset folder."""
    from wardlib.paths import refuse_output_in_data

    refused = refuse_output_in_data(outputs, data_dir)
    if refused:
        print(f"wardlib: {refused[1] if lang == 'vi' else refused[0]}", file=sys.stderr)
    return refused is not None


def _os_message(exc: OSError, fallback: Path, lang: str) -> str:
    """An operating-system error as one line naming the path and what to do."""
    import errno

    path = exc.filename or fallback
    what = exc.strerror or str(exc)
    if exc.errno == errno.ENOSPC:
        hint = ("the disk is full: free some space or choose another output folder",
                "ổ đĩa đã đầy: giải phóng dung lượng hoặc chọn thư mục kết quả khác")
    elif exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
        hint = ("the folder cannot be written (read-only or not yours): choose another output folder",
                "không ghi được vào thư mục (chỉ đọc hoặc không có quyền): hãy chọn thư mục kết quả khác")
    else:
        hint = ("check the path, or choose another output folder", "kiểm tra đường dẫn, hoặc chọn thư mục kết quả khác")
    if lang == "vi":
        return f"wardlib: không dùng được {path} ({what}): {hint[1]}."
    return f"wardlib: cannot use {path} ({what}): {hint[0]}."


class _Leftovers:
    """What a refused run must not leave behind: the dataset cache it created (``OUT/.wardlib-cache``),
    and the output folder itself when the run created it."""

    def __init__(self, out: Path):
        from wardlib.cache import CACHE_DIR

        self.out, self.cache = Path(out), Path(out) / CACHE_DIR
        self.had_out, self.had_cache = self.out.exists(), self.cache.exists()

    def remove(self) -> None:
        import shutil

        if not self.had_cache and self.cache.is_dir() and not self.cache.is_symlink():
            shutil.rmtree(self.cache, ignore_errors=True)
        if not self.had_out:
            try:
                self.out.rmdir()  # only if empty: never anything else the run wrote
            except OSError:
                pass


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
