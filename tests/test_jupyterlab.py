"""JupyterLab as a planner meets it: ``make lab``'s server opens our jupytext ``.py`` notebooks as
notebooks, and ``notebooks/explore.py`` runs in it with its charts and tables as outputs.

The test starts ``jupyter lab`` the way ``make lab`` does (the project's ``jupyter-config/`` on
``JUPYTER_CONFIG_PATH``, ``--allow-root`` as root), on a free port of 127.0.0.1 with a token and a
private config, runtime and settings folder, and then talks to it as the JupyterLab page does:

* the settings API gives the document manager's default viewer for Python files as jupytext's
  notebook ("Jupytext Notebook"), so a double click opens ``explore.py`` as a notebook;
* the contents API (jupytext's contents manager) gives ``explore.py`` as a notebook;
* a session starts a kernel, and each code cell is sent as an ``execute_request`` on the kernel's
  websocket; the outputs that come back are what JupyterLab would draw: plotly's MIME bundle
  (``application/vnd.plotly.v1+json``, drawn by the jupyterlab-plotly extension) for the charts,
  and HTML tables with the units' Vietnamese names for the DataFrames.

The server works on a copy of ``notebooks/`` (JupyterLab saves an open notebook by itself), and
it is stopped at the end.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import time
import urllib.request
import shutil
import uuid
from pathlib import Path

import pytest

from tests.browser import chromium, need_browser  # noqa: F401 (a fixture)
from tests.conftest import REPO, free_port

pytestmark = pytest.mark.e2e

BIN = Path(sys.executable).parent
TOKEN = uuid.uuid4().hex


class Lab:
    def __init__(self, port: int):
        self.base = f"http://127.0.0.1:{port}"
        self.notebooks: Path | None = None

    def request(self, method: str, path: str, body: dict | None = None) -> dict:
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.base + path, data=data, method=method,
                                     headers={"Authorization": f"token {TOKEN}", "Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=30) as r:
            text = r.read()
        return json.loads(text) if text else {}


def lab_command() -> list[str]:
    """``make lab``'s command, as the Makefile writes it (so that the test runs what it runs)."""
    out = subprocess.run(["make", "-s", "-n", "lab", "STAMP=Makefile"], cwd=REPO, capture_output=True, text=True,
                         check=True).stdout.strip().splitlines()[-1]
    return out


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    home = tmp_path_factory.mktemp("lab-home")
    port = free_port()
    env = {**os.environ, "JUPYTER_CONFIG_DIR": str(home / "config"), "JUPYTER_RUNTIME_DIR": str(home / "runtime"),
           "JUPYTERLAB_SETTINGS_DIR": str(home / "settings"), "JUPYTERLAB_WORKSPACES_DIR": str(home / "workspaces"),
           "IPYTHONDIR": str(home / "ipython"), "JUPYTER_PLATFORM_DIRS": "1"}
    command = lab_command()
    assert "JUPYTER_CONFIG_PATH=" in command and "jupyter-config" in command, command
    # a copy of notebooks/: JupyterLab saves an open notebook by itself (autosave, its metadata)
    notebooks = home / "notebooks"
    shutil.copytree(REPO / "notebooks", notebooks)
    assert " --notebook-dir=notebooks" in command, command
    command = command.replace(" --notebook-dir=notebooks", f" --notebook-dir={notebooks}")
    args = ["--no-browser", f"--ServerApp.port={port}", "--ServerApp.port_retries=0", "--ServerApp.ip=127.0.0.1",
            f"--IdentityProvider.token={TOKEN}", "--ServerApp.open_browser=False"]
    log = open(home / "lab.log", "wb")
    proc = subprocess.Popen(["sh", "-c", command + ' "$@"', "make-lab", *args], cwd=REPO, env=env,
                            stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    server = Lab(port)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                server.request("GET", "/api/status")
                break
            except OSError:
                assert proc.poll() is None, (home / "lab.log").read_text(errors="replace")[-3000:]
                assert time.monotonic() < deadline, (home / "lab.log").read_text(errors="replace")[-3000:]
                time.sleep(0.25)
        server.notebooks = notebooks
        yield server
    finally:
        os.killpg(proc.pid, 15)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, 9)
            proc.wait()
        log.close()


def test_python_files_open_as_notebooks_by_default(lab):
    settings = lab.request("GET", "/lab/api/settings/@jupyterlab/docmanager-extension:plugin")
    viewers = settings["schema"]["properties"]["defaultViewers"]["default"]
    assert viewers.get("python") == "Jupytext Notebook", viewers
    # the jupytext extension that provides that viewer is installed in this environment
    page = urllib.request.urlopen(urllib.request.Request(lab.base + "/lab", headers={
        "Authorization": f"token {TOKEN}"}), timeout=30).read().decode()
    assert "jupyterlab-jupytext" in page and "jupyterlab-plotly" in page


async def _execute(lab: Lab, kernel_id: str, sources: list[str]) -> list[list[dict]]:
    """Run each source in the kernel over its websocket, as JupyterLab does; the outputs of each."""
    from tornado.httpclient import HTTPRequest
    from tornado.websocket import websocket_connect

    url = lab.base.replace("http", "ws") + f"/api/kernels/{kernel_id}/channels"
    ws = await websocket_connect(HTTPRequest(url, headers={"Authorization": f"token {TOKEN}"}))
    session = uuid.uuid4().hex
    results = []
    try:
        for source in sources:
            msg_id = uuid.uuid4().hex
            await ws.write_message(json.dumps({
                "header": {"msg_id": msg_id, "msg_type": "execute_request", "username": "test", "session": session,
                           "date": "", "version": "5.3"},
                "parent_header": {}, "metadata": {}, "channel": "shell", "buffers": [],
                "content": {"code": source, "silent": False, "store_history": True, "user_expressions": {},
                            "allow_stdin": False, "stop_on_error": True}}))
            outputs, idle, reply = [], False, None
            while not (idle and reply):
                raw = await asyncio.wait_for(ws.read_message(), timeout=120)
                assert raw is not None, "the kernel websocket closed"
                msg = json.loads(raw)
                if msg.get("parent_header", {}).get("msg_id") != msg_id:
                    continue
                kind = msg["header"]["msg_type"]
                if kind in ("execute_result", "display_data", "stream", "error"):
                    outputs.append({"output_type": kind, **msg["content"]})
                elif kind == "status" and msg["content"]["execution_state"] == "idle":
                    idle = True
                elif kind == "execute_reply":
                    reply = msg["content"]
            assert reply["status"] == "ok", (source, reply, outputs)
            results.append(outputs)
    finally:
        ws.close()
    return results


def test_explore_runs_in_jupyterlab_with_its_charts_and_tables(lab):
    before = (lab.notebooks / "explore.py").read_bytes()
    model = lab.request("GET", "/api/contents/explore.py?type=notebook&content=1")
    assert model["type"] == "notebook"  # jupytext's contents manager: the .py as a notebook
    cells = [c for c in model["content"]["cells"] if c["cell_type"] == "code"]
    assert any("parameters" in c["metadata"].get("tags", []) for c in cells)
    session = lab.request("POST", "/api/sessions", {"path": "explore.py", "type": "notebook", "name": "explore.py",
                                                     "kernel": {"name": "python3"}})
    try:
        outputs = asyncio.run(_execute(lab, session["kernel"]["id"], [c["source"] for c in cells]))
    finally:
        lab.request("DELETE", f"/api/sessions/{session['id']}")
    flat = [o for cell in outputs for o in cell]
    assert not [o for o in flat if o["output_type"] == "error"]
    charts = [o for o in flat if "application/vnd.plotly.v1+json" in o.get("data", {})]
    assert len(charts) == 2  # league_figure and trend_figure
    assert all(c["data"]["application/vnd.plotly.v1+json"]["data"] for c in charts)  # traces, not an empty figure
    tables = [o["data"]["text/html"] for o in flat if "<table" in o.get("data", {}).get("text/html", "")]
    assert len(tables) >= 4  # find, behind, league, trend (and the last cell's Series, as text)
    assert any("Phường 4" in t for t in tables) and any("Thu ngân sách" in t or "ngân sách" in t for t in tables)
    assert (lab.notebooks / "explore.py").read_bytes() == before  # only read, never saved


@pytest.mark.browser
def test_the_lab_page_opens_explore_as_a_notebook_and_draws_its_charts(lab, chromium):
    """In Chromium, JupyterLab's own page: explore.py opened with its default viewer (what a double
    click does) is a notebook; Run All draws both plotly charts and the tables with Vietnamese names.
    Nothing is requested from outside the machine."""

    browser = need_browser(chromium)
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    blocked, errors = [], []
    page.on("pageerror", lambda e: errors.append(str(e)))

    def route(r):
        if r.request.url.startswith(lab.base):
            r.continue_()
        else:
            blocked.append(r.request.url)
            r.abort()

    page.route("**/*", route)
    try:
        page.goto(f"{lab.base}/lab/tree/explore.py?token={TOKEN}", wait_until="domcontentloaded")
        page.wait_for_selector(".jp-NotebookPanel .jp-Cell", timeout=90_000)
        assert page.locator(".jp-FileEditor").count() == 0  # not opened as text
        # the kernel is up (the status bar says so) before Run All, else the run is lost
        page.wait_for_selector(".jp-StatusBar-Item :text('| Idle')", timeout=90_000)
        page.locator(".jp-NotebookPanel .jp-Cell").first.click()
        page.get_by_role("menuitem", name="Run", exact=True).click()
        page.get_by_text("Run All Cells", exact=True).click()
        page.wait_for_function("() => document.querySelectorAll('.jp-NotebookPanel .js-plotly-plot .main-svg').length >= 2",
                               timeout=120_000)
        tables = page.evaluate("() => Array.from(document.querySelectorAll('.jp-OutputArea-output table'), t => t.innerText)")
    except Exception:
        page.screenshot(path="/tmp/eco-lab-fail.png")
        raise
    finally:
        context.close()
    assert any("Phường 4" in t for t in tables)
    assert blocked == [] and errors == []
