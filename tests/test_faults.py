"""Faults during a batch: a full disk and a kernel killed mid-unit. The rest finishes, nothing half-written
is left, earlier good reports survive, and the failure is reported."""

from __future__ import annotations

import errno
import json
import os
import shutil
import types

import pytest

from wardlib import outputs
from wardlib.cli import main
from wardlib.paths import default_data_dir

pytestmark = pytest.mark.e2e
PERIOD = "2024-H1"


def leftovers(root) -> list[str]:
    return [p.name for p in root.rglob("*") if p.name.endswith(".tmp")]


@pytest.fixture()
def data(tmp_path):
    root = tmp_path / "data"
    shutil.copytree(default_data_dir(), root)
    return root


def test_a_full_disk_fails_one_page_and_keeps_the_earlier_report(data, tmp_path, monkeypatch, capsys):
    out = tmp_path / "out"
    args = ["run", "--data", str(data), "--period", PERIOD, "--unit", "29875", "--unit", "29872", "--out", str(out),
            "--no-gx", "--lang", "en"]
    assert main(args) == 0
    earlier = (out / PERIOD / "en" / "29875.html").read_bytes()

    def fsync(fd):  # the disk fills up while 29875's page is being written
        if "29875.html" in os.readlink(f"/proc/self/fd/{fd}"):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return os.fsync(fd)

    fake_os = types.SimpleNamespace(**{k: getattr(os, k) for k in dir(os) if not k.startswith("__")})
    fake_os.fsync = fsync
    monkeypatch.setattr(outputs, "os", fake_os)
    assert main(args + ["--force"]) == 1
    err = capsys.readouterr().err
    assert "No space left on device" in err and "Traceback" not in err
    folder = out / PERIOD / "en"
    assert (folder / "29875.html").read_bytes() == earlier  # the good report of the earlier run is kept
    assert (folder / "29872.html").is_file()
    assert leftovers(out) == []
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["units"]["29875"]["status"] == "failed" and manifest["units"]["29872"]["status"] == "ok"


def test_a_kernel_killed_mid_unit_is_replaced_and_the_batch_goes_on(data, tmp_path, ward_report_with, capsys):
    ward_report_with("if unit_code == '29875':\n    import os, signal\n    os.kill(os.getpid(), signal.SIGKILL)")
    out = tmp_path / "out"
    code = main(["run", "--data", str(data), "--period", PERIOD, "--unit", "29875", "--unit", "29872",
                 "--out", str(out), "--no-gx", "--lang", "en"])
    assert code == 1
    assert "Traceback" not in capsys.readouterr().err
    manifest = json.loads((out / PERIOD / "en" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["units"]["29875"]["status"] == "failed"
    assert manifest["units"]["29872"]["status"] == "ok" and (out / PERIOD / "en" / "29872.html").is_file()
    assert not (out / PERIOD / "en" / "29875.html").exists() and leftovers(out) == []
