# Observatoire emploi-formation. `make run` and `make test` work on a fresh machine with Python 3.11.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
MANIFEST := dbt_project/target/manifest.json
DBT_SOURCES := $(shell find dbt_project -path dbt_project/target -prune -o \( -name '*.sql' -o -name '*.yml' \) -print 2>/dev/null)
DAGSTER_HOME ?= $(abspath $(or $(OBS_DATA_DIR),var))/dagster_home
export DAGSTER_HOME
export PATH := $(CURDIR)/$(VENV)/bin:$(PATH)

.PHONY: install manifest run test lint format ui sample docs bench clean

$(BIN)/dagster: pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "$(PYTHON) not found: install Python 3.11 (or run make PYTHON=python3)"; exit 1; }
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

install: $(BIN)/dagster

# dbt's manifest, needed before the definitions load (dagster-dbt reads it at import).
$(MANIFEST): $(BIN)/dagster $(DBT_SOURCES)
	$(BIN)/dagster-dbt project prepare-and-package --file orchestration/defs/transform/project.py >/dev/null
	touch $@

manifest: $(MANIFEST)

$(DAGSTER_HOME)/dagster.yaml: deploy/dagster.yaml
	mkdir -p $(DAGSTER_HOME)
	cp deploy/dagster.yaml $@

run: $(MANIFEST) $(DAGSTER_HOME)/dagster.yaml
	$(BIN)/python -m orchestration run

test: $(MANIFEST)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest -q

lint: $(BIN)/dagster
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(BIN)/dagster
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

ui: $(MANIFEST) $(DAGSTER_HOME)/dagster.yaml
	$(BIN)/dagster dev -w workspace.yaml -h 127.0.0.1 -p $${PORT:-3000}

sample: $(BIN)/dagster
	$(BIN)/python -m tools.sample --out seeds

docs: $(MANIFEST)
	cd dbt_project && ../$(BIN)/python -c "import os,subprocess,sys; from orchestration.settings import load_settings, export_for_dbt; export_for_dbt(load_settings()); sys.exit(subprocess.call(['../$(BIN)/dbt','docs','generate']) or subprocess.call(['../$(BIN)/dbt','docs','serve','--host','127.0.0.1','--port',os.environ.get('PORT','8080')]))"

bench: $(MANIFEST)
	$(BIN)/python -m bench.run --offers $${OFFERS:-1200000} --day $${DAY:-13000} --scale $${SCALE:-4}

clean:
	rm -rf var dbt_project/target dbt_project/logs
