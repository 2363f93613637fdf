# Two commands do all the set-up: `make run` and `make test` (both create .venv when missing).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
CONSTRAINTS := requirements/constraints.txt
EXTRAS ?= dev

.PHONY: run test lab notebook-filter bench lint hooks sample clean-venv constraints

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

lab: $(STAMP) notebook-filter ## JupyterLab at the project root: notebooks, company folders (data/), reports/
	@# the kernel named as the committed notebooks name it, so a session leaves their metadata alone
	@$(BIN)/python -m ipykernel install --sys-prefix --name python3 --display-name "Python 3" >/dev/null
	$(BIN)/jupyter lab --ServerApp.root_dir=. --LabApp.default_url=/lab/tree/notebooks \
	    $(if $(filter 0,$(shell id -u)),--allow-root) $(LAB_ARGS)

# nbstripout as this checkout's git filter: git stores and diffs notebooks without their outputs
# (cell ids kept, as `make lint` wants), while the files on disk keep them. Idempotent; outside a
# git checkout of the project (a tarball) it says so and does nothing. Undo: see the README.
NBSTRIPOUT := "$(CURDIR)/$(BIN)/python" -m nbstripout --keep-id
NBSTRIPOUT_KEYS := $(addprefix metadata.language_info.,codemirror_mode file_extension mimetype \
                     nbconvert_exporter pygments_lexer version)
notebook-filter: $(STAMP) ## keep analysts' notebook outputs out of git (nbstripout git filter)
	@if ! command -v git >/dev/null 2>&1 \
	    || [ "$$(git rev-parse --show-toplevel 2>/dev/null)" != "$$(pwd -P)" ]; then \
	  echo "Not a git checkout of the project: no git filter installed (notebooks keep their outputs)."; \
	else \
	  $(BIN)/nbstripout --install >/dev/null \
	  && git config filter.nbstripout.clean '$(NBSTRIPOUT)' \
	  && git config diff.ipynb.textconv '$(NBSTRIPOUT) -t' \
	  && git config filter.nbstripout.extrakeys '$(NBSTRIPOUT_KEYS)' \
	  && echo "git filter nbstripout: notebooks' outputs stay on disk, out of git (.git/config, .git/info/attributes)."; \
	fi

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

lint: $(STAMP) ## ruff (lint and import order) on library, tests, benchmarks, notebooks, docs scripts; notebooks without outputs
	$(BIN)/ruff check sop_lib tests benchmarks notebooks docs
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
