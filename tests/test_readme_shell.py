"""The README's shell examples, as written: every one is a command the project has, and the
ones that run on the embedded data in seconds are run.

tests/test_readme.py runs the README's Python blocks; this file reads its ```sh blocks and the
commands (``$ …``) of its ```console blocks:

- every ``wardlib`` command line (``.venv/bin/wardlib``, ``python -m wardlib``, inside a cron
  line too) parses with the current command line: an option the README names and the program
  lacks (``run --locale`` once) fails here;
- every ``make`` target named exists, and so does every ``dask`` subcommand;
- a ``wardlib`` example with no placeholder (``DIR``, ``SCHEDULER``) and not at national scale
  is executed, its ``/tmp/...`` paths moved into the test's own folder, in the order of its
  block, and must exit as the README says (0, or 1 for ``validate``/``check-report`` on the seed,
  whose report has a wrong percentage).
"""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO

BIN = Path(sys.executable).parent
# Words that stand for a value the reader fills in.
PLACEHOLDER = re.compile(r"\b(DIR|SCHEDULER|HOST|PORT|CODE|FORM|REPORT|PAGE|DRAFT|P|N|K|S)\b|\.\.\.")
# Examples that are real but too large for the suite: national scale is measured in bench/.
NOT_RUN = ("--scope national", "/tmp/vietnam", "/srv/", "/shared/")
# Exit codes the README documents for an example on the embedded data (the seed states 83,5% for 79,0%).
WRITES_DATA = {"import"}
EXPECTED_EXIT = {"validate": {0, 1}, "check-report": {1}}


def shell_blocks() -> list[list[str]]:
    """Each ```sh block of the README as its command lines (continuations joined, comments cut)."""
    text = (REPO / "README.md").read_text(encoding="utf-8")
    blocks = []
    for kind, block in re.findall(r"```(sh|bash|shell|console)\n(.*?)```", text, flags=re.S):
        lines = []
        for line in block.replace("\\\n", " ").splitlines():
            if kind == "console":  # a session: `$ ` before a command, the rest is what it printed
                if not line.startswith("$ "):
                    continue
                line = line[2:]
            line = re.sub(r"(^|\s)#\s.*$", "", line).strip()
            if line:
                lines.append(line)
        blocks.append(lines)
    return blocks


def wardlib_argv(line: str) -> list[str] | None:
    """The arguments of the ``wardlib`` command in ``line`` (after ``cd … &&``, before ``>>``), or None."""
    for part in re.split(r"&&|\|\||;", line):
        part = re.split(r"\s>>?\s|\s2>&1", part)[0].strip()
        words = shlex.split(part.replace("\\%", "%"), posix=True) if part else []
        for i, w in enumerate(words):
            if w.endswith("bin/wardlib") or (w == "wardlib" and i == 0):  # not `--template wardlib`
                return words[i + 1:]
            if w == "-m" and i + 1 < len(words) and words[i + 1] == "wardlib":
                return words[i + 2:]
    return None


def synopsis(line: str) -> bool:
    return "[" in line or line.endswith("...")


COMMANDS = [line for block in shell_blocks() for line in block]


def test_the_readme_has_shell_examples():
    assert any(wardlib_argv(c) for c in COMMANDS) and any(c.startswith("make ") for c in COMMANDS)


@pytest.mark.parametrize("line", [c for c in COMMANDS if wardlib_argv(c) is not None and not synopsis(c)])
def test_every_wardlib_example_parses(line):
    from wardlib.cli import _parser

    argv = wardlib_argv(line)
    try:
        _parser().parse_args(argv)
    except SystemExit as exc:
        pytest.fail(f"README example does not parse with the current command line ({exc.code}): {line}")


@pytest.mark.parametrize("target", sorted({w for c in COMMANDS if c.startswith("make ")
                                           for w in shlex.split(c)[1:2]}))
def test_every_make_target_exists(target):
    rules = (REPO / "Makefile").read_text(encoding="utf-8")
    assert re.search(rf"^{re.escape(target)}\s*:", rules, flags=re.M), f"the README names `make {target}`"


def test_every_dask_subcommand_exists():
    subs = {shlex.split(c)[1] for c in COMMANDS if c.startswith("dask ")}
    dask = shutil.which("dask", path=str(BIN))
    assert dask, "the dask command comes with wardlib's distributed dependency"
    for sub in subs:
        done = subprocess.run([dask, sub, "--help"], capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, f"`dask {sub}` from the README: {done.stderr[-500:]}"


def runnable(line: str) -> bool:
    argv = wardlib_argv(line)
    if argv is None or synopsis(line) or PLACEHOLDER.search(" ".join(argv)) or any(s in line for s in NOT_RUN):
        return False
    # a command that writes into a dataset runs only on one under /tmp (moved into the test's folder)
    if argv[0] in WRITES_DATA:
        return "--data" in argv and argv[argv.index("--data") + 1].startswith("/tmp/")
    return True


@pytest.mark.e2e
@pytest.mark.parametrize("block", [b for b in shell_blocks() if any(runnable(c) for c in b)],
                         ids=lambda b: next(c for c in b if runnable(c))[:60])
def test_runnable_examples_run(block, tmp_path):
    # The README's commands run from the checkout (`data/sources/…`); here from a folder of the
    # test's own with a link to the checkout's data/, so what they write stays in that folder.
    (tmp_path / "data").symlink_to(REPO / "data", target_is_directory=True)
    for line in filter(runnable, block):
        argv = [a.replace("/tmp/", f"{tmp_path}/") for a in wardlib_argv(line)]
        if argv[0] == "run" and "--out" not in argv:
            argv += ["--out", str(tmp_path / "reports")]  # never into the checkout's reports/
        done = subprocess.run([str(BIN / "wardlib"), *argv], capture_output=True, text=True, timeout=600,
                              cwd=tmp_path)
        assert done.returncode in EXPECTED_EXIT.get(argv[0], {0}), f"{line}\n{done.stdout[-800:]}{done.stderr[-800:]}"
