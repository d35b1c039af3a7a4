"""kill -9 of a run, a run for some units, a run in the other language (issues 18 and 19): what was
finished stays finished, nothing is left in the temporary folder, and no run takes pages off another's
index or overwrites another language's pages."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import REPO
from wardlib import kernels
from wardlib.cli import main

pytestmark = pytest.mark.e2e
BIN = Path(sys.executable).parent
PERIOD = "2024-H1"


def manifest(folder: Path) -> dict:
    return json.loads((folder / "manifest.json").read_text(encoding="utf-8"))


def descendants(pid: int) -> list[int]:
    """Every process below ``pid`` (kernels start in their own session: a process group misses them)."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    out, todo = [], [pid]
    while todo:
        for c in children.get(todo.pop(), []):
            out.append(c)
            todo.append(c)
    return out


def gone(pids: list[int], timeout: float = 30) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if not [p for p in pids if Path(f"/proc/{p}").exists() and "Z" not in _state(p)]:
            return True
        time.sleep(0.2)
    return False


def _state(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return "X"


def _some_unrecorded(folder: Path, least: int) -> bool:
    pages = [p.name for p in folder.glob("*.html")]
    try:
        recorded = sum(e.get("status") == "ok" for e in manifest(folder).get("units", {}).values())
    except (OSError, ValueError):
        recorded = 0
    return len(pages) >= least and recorded < len([n for n in pages if n[0].isdigit()])


@pytest.fixture
def short_tmp():
    """A TMPDIR of the test's own, short: a kernel's ipc socket path must fit in 107 bytes (AF_UNIX),
    which pytest's tmp_path under an xdist worker (``…/popen-gw0/test_kill_9_keeps…/``) does not."""
    import shutil
    import tempfile

    tmp = Path(tempfile.mkdtemp(prefix="wk-", dir="/tmp"))
    yield tmp
    shutil.rmtree(tmp, ignore_errors=True)


def test_kill_9_keeps_every_finished_page_and_leaves_nothing_in_tmp(tmp_path, short_tmp):
    tmp = short_tmp  # the run's TMPDIR: what is left there is exactly what the runs left
    out = tmp_path / "out"
    folder = out / PERIOD
    env = {**os.environ, "TMPDIR": str(tmp)}
    cmd = [str(BIN / "wardlib"), "run", "--period", PERIOD, "--out", str(out), "--no-gx", "--lang", "vi"]
    run = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
    try:
        end = time.monotonic() + 480
        while not _some_unrecorded(folder, 4):  # the data-quality page and a few reports, not all in the manifest
            assert run.poll() is None, run.stderr.read().decode()[-2000:]
            assert time.monotonic() < end, "no pages after 480 s"
            time.sleep(0.05)
        tree = descendants(run.pid)
        assert tree, "the run's kernel is one of its processes"
        os.killpg(run.pid, signal.SIGKILL)
        for p in tree:
            try:
                os.kill(p, signal.SIGKILL)
            except ProcessLookupError:
                pass
        run.wait(timeout=60)
        assert gone(tree)
    finally:
        if run.poll() is None:
            os.killpg(run.pid, signal.SIGKILL)
            run.wait()
    finished = {p.name: p.read_bytes() for p in folder.glob("*.html")}
    assert "index.html" not in finished  # written at the end: the run really was cut short
    for name, page in finished.items():  # nothing half-written under a page's name
        assert page.rstrip().endswith(b"</html>"), name
    before = manifest(folder) if (folder / "manifest.json").is_file() else {}
    recorded = {k for k, e in before.get("units", {}).items() if e.get("status") == "ok"}
    assert len(recorded) < len([n for n in finished if n[0].isdigit()]), \
        "some reports were finished after the last manifest write (the case this test is about)"
    assert [d.name for d in tmp.iterdir() if d.name.startswith(kernels.RUN_PREFIX)], \
        "the killed run's kernel folder is there (else this test shows nothing)"

    again = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=900)
    assert again.returncode == 0, again.stderr[-2000:]
    m = manifest(folder)
    entries = {**{f"{k}.html": e for k, e in m["units"].items()}, "data_quality.html": m["data_quality"],
               **{f"{k}.html": e for k, e in m["pages"].items()}}
    assert set(finished) <= set(entries)
    for name, page in finished.items():
        assert entries[name]["status"] == "skipped", (name, entries[name])
        assert (folder / name).read_bytes() == page, f"{name} was rendered again"
    rendered = [n for n, e in entries.items() if e["status"] == "ok"]
    assert rendered and not set(rendered) & set(finished)  # the rest was rendered now, and only the rest
    assert all(e["status"] in ("ok", "skipped") for e in entries.values())
    assert not [p for p in out.rglob("*") if p.name.endswith(".tmp")]
    assert sorted(p.name for p in tmp.iterdir()) == [], "left in the temporary folder"


def test_the_kernel_folder_of_a_dead_process_is_swept_and_a_live_ones_is_not(tmp_path):
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    pid = int(dead.stdout)
    host = os.uname().nodename
    for name, owner in (("wardlib-1-dead", {"pid": pid, "started": "1", "host": host}),
                        ("wardlib-2-live", {"pid": os.getpid(), "started": kernels._started(os.getpid()), "host": host}),
                        ("wardlib-3-reused", {"pid": os.getpid(), "started": "not-its-start", "host": host}),
                        ("wardlib-4-elsewhere", {"pid": pid, "started": "1", "host": "another-host"})):
        (tmp_path / name / "k-x").mkdir(parents=True)
        (tmp_path / name / kernels.OWNER).write_text(json.dumps(owner))
    (tmp_path / "wardlib-5-someone-elses").mkdir()  # no owner file: not ours to judge
    assert sorted(kernels.sweep(str(tmp_path))) == ["wardlib-1-dead", "wardlib-3-reused"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["wardlib-2-live", "wardlib-4-elsewhere",
                                                           "wardlib-5-someone-elses"]


def _two_units(make_dataset):
    from tests.conftest import OBSERVATIONS

    extra = [{**r, "unit_code": "29869"} for r in OBSERVATIONS if r["unit_code"] == "29872"]
    return make_dataset(observations=OBSERVATIONS + extra)


def _index_links(folder: Path) -> set[str]:
    return set(re.findall(r'href="([^"#]+\.html)"', (folder / "index.html").read_text(encoding="utf-8")))


def test_a_run_for_one_unit_keeps_the_full_index_and_the_other_pages(make_dataset, tmp_path, capsys):
    data, out = _two_units(make_dataset), tmp_path / "out"
    folder = out / PERIOD
    assert main(["run", "--data", str(data), "--period", PERIOD, "--out", str(out), "--no-gx"]) == 0
    full = _index_links(folder)
    assert {"29869.html", "29872.html", "overview-866.html", "data_quality.html"} <= full
    other = (folder / "29869.html").read_bytes()
    assert main(["run", "--data", str(data), "--period", PERIOD, "--unit", "29872", "--out", str(out), "--no-gx",
                 "--force"]) == 0
    assert _index_links(folder) == full  # the subset run lists every unit still
    assert (folder / "29869.html").read_bytes() == other
    m = manifest(folder)
    assert list(m["units"]) == ["29872"] and m["units"]["29872"]["status"] == "ok"
    assert m["kept"]["29869"]["output"] == "29869.html"


def test_english_and_vietnamese_pages_live_side_by_side(make_dataset, tmp_path, capsys):
    data, out = _two_units(make_dataset), tmp_path / "out"
    folder = out / PERIOD
    assert main(["run", "--data", str(data), "--period", PERIOD, "--out", str(out), "--no-gx"]) == 0
    vi = {p.name: p.read_bytes() for p in folder.glob("*.html")}
    assert main(["run", "--data", str(data), "--period", PERIOD, "--unit", "29872", "--out", str(out), "--no-gx",
                 "--lang", "en", "--mode", "site"]) == 0
    assert {p.name: p.read_bytes() for p in folder.glob("*.html")} == vi  # not one Vietnamese page touched
    en = folder / "en"
    assert '<html lang="en">' in (en / "29872.html").read_text(encoding="utf-8")
    assert '<html lang="vi">' in (folder / "29872.html").read_text(encoding="utf-8")
    assert manifest(en)["lang"] == "en" and manifest(folder)["lang"] == "vi"
    assert "Unit reports" in (en / "index.html").read_text(encoding="utf-8")
    assert 'href="../../assets/report.css"' in (en / "29872.html").read_text(encoding="utf-8")
    assert (out / "assets" / "report.css").is_file()
    # both are current: a rerun of either renders nothing
    assert main(["run", "--data", str(data), "--period", PERIOD, "--out", str(out), "--no-gx"]) == 0
    assert {e["status"] for e in manifest(folder)["units"].values()} == {"skipped"}


def test_a_unit_asked_for_a_period_after_the_reform_is_the_unit_it_became(tmp_path, capsys):
    code = main(["run", "--period", "2026-H1", "--unit", "29872", "--out", str(tmp_path), "--no-gx", "--lang", "en"])
    err = capsys.readouterr().err
    assert code == 0, err
    assert ("Phường 4 (29872) did not exist during 2026-H1: since 1 July 2025 it is part of Phường Cao Lãnh "
            "(29869), rendered instead") in err
    assert list(manifest(tmp_path / "2026-H1" / "en")["units"]) == ["29869"]


def test_the_readme_make_report_example_runs_as_written(tmp_path):
    """``make report ARGS="--unit 29872 --lang en"``, the real make target, into a folder of the test's own
    (``-o`` keeps make from reinstalling the venv the suite runs in)."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert 'make report ARGS="--unit 29872 --lang en"' in readme
    done = subprocess.run(["make", "-C", str(REPO), "-o", ".venv/.wardlib-installed", f"BIN={BIN}", "report",
                           f"ARGS=--unit 29872 --lang en --no-gx --out {tmp_path}"],
                          capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stderr[-2000:]
    assert (tmp_path / "2024-H1" / "en" / "29872.html").is_file()
    assert (tmp_path / "2026-H1" / "en" / "29869.html").is_file()
    assert not (tmp_path / "2024-H1" / "index.html").exists()  # no Vietnamese index was replaced
