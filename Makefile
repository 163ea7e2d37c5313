# Convention: `make run` serves the demo on SQLite, `make test` runs the whole suite.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PO := $(wildcard convention/translations/*/LC_MESSAGES/messages.po)
MO := $(PO:.po=.mo)
DEV_ENV := CONVENTION_ENV=development FLASK_APP=wsgi
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run test lint install install-dev translations translations-update db-upgrade db-check bench clean

run: install $(MO) db-upgrade ## create the venv, migrate, load the demo and serve it
	$(DEV_ENV) $(BIN)/flask seed-demo
	@echo "Serving on http://$(HOST):$(PORT)"
	$(DEV_ENV) $(BIN)/flask run --host $(HOST) --port $(PORT)

test: install-dev $(MO) tests/browser/node_modules/.installed ## install test tools and run the suite
	$(BIN)/python -m pytest -n auto $(PYTEST_ARGS)

lint: install-dev ## style, format, types and import layers (pyproject.toml configures each)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements-dev.txt $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

# axe-core for the accessibility checks of the browser tests, when npm is available.
tests/browser/node_modules/.installed: tests/browser/package.json tests/browser/package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
	  npm ci --prefix tests/browser --no-audit --no-fund --silent && touch $@; \
	else echo "npm not found: the browser accessibility test will be skipped"; fi

%.mo: %.po | $(VENV)/.installed
	$(BIN)/pybabel compile --use-fuzzy -i $< -o $@

translations: $(MO) ## compile the message catalogues

translations-update: install ## extract messages and merge them into the catalogues
	$(DEV_ENV) $(BIN)/flask translate update

db-upgrade: install
	@mkdir -p instance
	$(DEV_ENV) $(BIN)/flask db upgrade

db-check: install
	$(DEV_ENV) $(BIN)/flask db check

bench: install-dev ## run every benchmark (each prints a table and one line of JSON)
	@for script in bench/[!_]*.py; do echo "== $$script"; $(BIN)/python $$script $(BENCH_ARGS) || exit 1; done

clean:
	rm -rf $(VENV) tests/browser/node_modules $(MO)
