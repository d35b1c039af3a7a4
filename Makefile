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

.PHONY: report test lab validate clean

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

test: $(STAMP)
	$(BIN)/python -m pytest $(ARGS)

lab: $(STAMP)
	$(BIN)/jupyter lab --notebook-dir=notebooks

clean:
	rm -rf reports/*/ .pytest_cache
