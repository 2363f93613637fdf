# Two commands do all the set-up: `make run` and `make test` (both create .venv when missing).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
CONSTRAINTS := requirements/constraints.txt
EXTRAS ?= dev

.PHONY: run test lab bench lint hooks sample clean-venv constraints

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): $(BIN)/python pyproject.toml $(CONSTRAINTS)
	$(BIN)/python -m pip install --quiet -c $(CONSTRAINTS) -e ".[$(EXTRAS)]"
	touch $(STAMP)

run: $(STAMP) ## run the monthly cycle on the bundled sample company
	$(BIN)/sop run $(ARGS)

test: $(STAMP) ## run the test suite
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lab: $(STAMP) ## JupyterLab on the notebooks
	$(BIN)/python -m pip install --quiet -c $(CONSTRAINTS) -e ".[dev,lab]"
	$(BIN)/jupyter lab notebooks/

REFERENCE := .venv-reference

$(REFERENCE)/bin/python: ## statsforecast (needs pandas < 3) in its own virtualenv, for the accuracy reference
	$(PYTHON) -m venv $(REFERENCE)
	$(REFERENCE)/bin/python -m pip install --quiet "statsforecast==2.1.1" "pandas<3"

bench: $(STAMP) $(REFERENCE)/bin/python ## accuracy (M1, Tourism), scale and whole-cycle benchmarks -> docs/performance.md
	$(BIN)/python -m pip install --quiet -c $(CONSTRAINTS) -e ".[dev,bench]"
	$(BIN)/python -m benchmarks.accuracy $(ACCURACY_ARGS)  # ACCURACY_ARGS=--m3: also the M3 holdout
	$(BIN)/python -m benchmarks.scale
	$(BIN)/python -m benchmarks.cycle --floor --runs 3
	$(BIN)/python -m benchmarks.cycle --runs 3
	$(BIN)/python -m benchmarks.cycle --skus 10000
	$(BIN)/python -m benchmarks.cycle --skus 100000
	$(BIN)/python -m benchmarks.cycle --skus 100000 --backfilled

lint: $(STAMP) ## ruff (lint and import order) on library, tests, benchmarks and notebooks; notebooks without outputs
	$(BIN)/ruff check sop_lib tests benchmarks notebooks
	$(BIN)/nbstripout --keep-id --verify notebooks/*.ipynb

hooks: $(STAMP) ## the same checks on every commit (pre-commit: ruff, nbstripout)
	$(BIN)/pre-commit install

sample: $(STAMP) ## regenerate data/sample with the default seed, and its SQLite form
	$(BIN)/sop sample data/sample
	$(BIN)/python -m sop_lib.data.database data/sample data/sample-database

constraints: $(BIN)/python ## re-pin requirements/constraints.txt to what resolves today
	$(BIN)/python -m pip install --quiet -e ".[dev,lab,bench]"
	$(BIN)/python -m pip freeze --exclude-editable | grep -v '^sop-workbooks' > $(CONSTRAINTS)

clean-venv:
	rm -rf $(VENV)
