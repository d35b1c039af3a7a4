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

.PHONY: report test lab validate clean chromium notebooks

# Root needs no sudo; anyone else installs Debian packages through it.
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

# Reinstall only when the packaging metadata changes; the install is editable,
# so source edits need no reinstall.
$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

report: $(STAMP)
	for p in $(PERIODS); do $(BIN)/wardlib run --period $$p $(ARGS) || exit $$?; done

validate: $(STAMP)
	$(BIN)/wardlib validate $(ARGS)

test: $(STAMP) chromium
	$(BIN)/python -m pytest $(ARGS)

# The browser tests drive Debian's Chromium (a test tool's own browser download is
# blocked here). Installed when missing; in CI (CI set) a failed install fails the run,
# elsewhere the browser tests then skip and say why.
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "installing Debian's chromium for the browser tests"; \
	  $(SUDO) apt-get update -qq && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
	} || [ -z "$$CI" ]

# papermill and `jupyter nbconvert` read .ipynb files; the notebooks' sources are jupytext .py
# files. `make notebooks` writes an .ipynb (no outputs) per source into build/notebooks/,
# rebuilt whenever its source is newer, for running a notebook by hand with papermill's CLI.
NOTEBOOKS := $(patsubst notebooks/%.py,build/notebooks/%.ipynb,$(wildcard notebooks/*.py))
notebooks: $(NOTEBOOKS)
build/notebooks/%.ipynb: notebooks/%.py $(STAMP)
	@mkdir -p $(@D)
	$(BIN)/jupytext --quiet --to ipynb --output $@ $<

lab: $(STAMP)
	$(BIN)/jupyter lab --notebook-dir=notebooks

clean:
	rm -rf reports/*/ .pytest_cache
