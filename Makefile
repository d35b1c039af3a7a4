# The README's two commands are `make report` and `make test`. Both bootstrap
# a virtual environment in .venv on first use, so a fresh clone needs nothing else.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.wardlib-installed

# Extra arguments for `wardlib run`, e.g. make report ARGS="--unit 29872"
ARGS ?=
# The embedded data's periods to render: the seed report's half-year (real
# figures for Phường 4) and the latest, after the 2025 reorganisation (demo).
PERIODS ?= 2024-H1 2026-H1

.PHONY: report test lab validate clean chromium libreoffice lock lint notebooks

# Root needs no sudo; anyone else installs Debian packages through it.
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

# The tested set of packages is locked in requirements-lock.txt: every package at one version with
# the sha256 of each of its files on PyPI, so a fresh machine installs exactly what the tests ran
# with and pip refuses a file that differs. It is a hashed requirements file made by `uv pip
# compile` (see `lock` below), not uv's own uv.lock, because plain pip installs it: a fresh clone
# needs only python3 (venv + pip), and conda's pip or a Dockerfile can use the same file.
# The project itself goes in afterwards, editable and without dependencies (they are all in the
# lock). Reinstalled when the lock, the packaging metadata or the report template changes (an editable
# install copies the template into .venv/share/jupyter/nbconvert/templates/ for `jupyter nbconvert`);
# other source edits need none.
LOCK := requirements-lock.txt

$(STAMP): pyproject.toml $(LOCK) $(wildcard wardlib/templates/wardlib/*)
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --require-hashes --no-deps -r $(LOCK)
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $(STAMP)

# `make lock` rewrites requirements-lock.txt from pyproject.toml (dependencies + the test extra)
# for every platform and Python >= 3.11.5 (--universal; pip skips what a marker excludes). It keeps
# the version of every package already in the lock and resolves only what is new or no longer
# fits, so after adding a dependency it changes just those lines (a few seconds, no download of
# the packages themselves); `make lock UPGRADE=--upgrade` moves everything to the newest release.
# Then `make test` installs the new lock. uv is pinned so that the same inputs give the same file.
UV_VERSION ?= 0.13.9
UPGRADE ?=
lock:
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet "uv==$(UV_VERSION)"
	$(BIN)/uv pip compile pyproject.toml --extra test --universal --python-version 3.11.5 \
	  --generate-hashes --custom-compile-command "make lock" --quiet $(UPGRADE) -o $(LOCK)

# ruff's lint rules (pyproject.toml, [tool.ruff]); never `ruff format`, which would rewrite
# every file at once.
lint: $(STAMP)
	$(BIN)/ruff check --quiet .

report: $(STAMP)
	for p in $(PERIODS); do $(BIN)/wardlib run --period $$p $(ARGS) || exit $$?; done

validate: $(STAMP)
	$(BIN)/wardlib validate $(ARGS)

# The suite runs on both cores (pytest-xdist), a test file to a worker (its fixtures are made once);
# `make test JOBS=0` runs it in this one process, e.g. to debug a test.
JOBS ?= 2
test: $(STAMP) chromium libreoffice
	$(BIN)/ruff check --quiet .
	$(BIN)/python -m pytest $(if $(filter 0,$(JOBS)),,-n $(JOBS) --dist loadfile) $(ARGS)

# The browser tests drive Debian's Chromium (a test tool's own browser download is
# blocked here). Installed when missing; in CI (CI set) a failed install fails the run,
# elsewhere the browser tests then skip and say why.
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "installing Debian's chromium for the browser tests"; \
	  $(SUDO) apt-get update -qq && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
	} || [ -z "$$CI" ]

# The form tests open the Excel forms in LibreOffice Calc (headless, no GUI libraries).
# Installed when missing, like Chromium: in CI a failed install fails the run,
# elsewhere those tests then skip and say why.
libreoffice:
	@command -v soffice >/dev/null 2>&1 || { \
	  echo "installing Debian's libreoffice-calc-nogui for the form tests"; \
	  $(SUDO) apt-get update -qq && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libreoffice-calc-nogui; \
	} || [ -z "$$CI" ]

# papermill and `jupyter nbconvert` read .ipynb files; the notebooks' sources are jupytext .py
# files. `make notebooks` writes an .ipynb (no outputs) per source into build/notebooks/,
# rebuilt whenever its source is newer, for running a notebook by hand with papermill's CLI.
NOTEBOOKS := $(patsubst notebooks/%.py,build/notebooks/%.ipynb,$(wildcard notebooks/*.py))
notebooks: $(NOTEBOOKS)
build/notebooks/%.ipynb: notebooks/%.py $(STAMP)
	@mkdir -p $(@D)
	$(BIN)/jupytext --quiet --to ipynb --output $@ $<

# JupyterLab with the project's settings (jupyter-config/ on JUPYTER_CONFIG_PATH): a double click
# opens a jupytext .py notebook as a notebook (jupytext's documented default_setting_overrides.json).
# Jupyter refuses to run as root without --allow-root (a container, a fresh VM): given when uid is 0.
LAB_ROOT := $(shell [ "$$(id -u)" = 0 ] && echo --allow-root)
lab: $(STAMP)
	JUPYTER_CONFIG_PATH="$(CURDIR)/jupyter-config$${JUPYTER_CONFIG_PATH:+:$$JUPYTER_CONFIG_PATH}" $(BIN)/jupyter lab --notebook-dir=notebooks $(LAB_ROOT)

clean:
	rm -rf reports/*/ .pytest_cache
