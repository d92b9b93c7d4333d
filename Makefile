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

# `make serve`: the webserver's address (beyond 127.0.0.1 only behind an authenticating reverse proxy:
# docs/deployment.md) and the workspace it and the daemon load.
HOST ?= 127.0.0.1
PORT ?= 3000
WORKSPACE ?= workspace.yaml

.PHONY: install manifest instance run restore test lint format ui serve sample docs bench clean

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

# The instance (rendered each time: PostgreSQL storage when DAGSTER_PG_URL or DAGSTER_PG_HOST is set).
instance: $(BIN)/dagster
	@$(BIN)/python -m orchestration.lib.instance_config $(DAGSTER_HOME)

run: $(MANIFEST) instance
	$(BIN)/python -m orchestration run

# Rebuild an edition from the archive in another folder and compare its CSVs byte for byte:
#   make restore EDITION=20261126T041800 INTO=/tmp/restore
restore: $(MANIFEST)
	@test -n "$(EDITION)" -a -n "$(INTO)" || { echo "usage: make restore EDITION=<id> INTO=<new folder>"; exit 2; }
	DAGSTER_HOME= $(BIN)/python -m orchestration restore $(EDITION) $(INTO)

test: $(MANIFEST)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest -q -n 2 --dist loadgroup --durations=20

lint: $(BIN)/dagster
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(BIN)/dagster
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

ui: $(MANIFEST) instance
	$(BIN)/dagster dev -w workspace.yaml -h 127.0.0.1 -p $(PORT)

# Service mode: the webserver and the daemon (schedules, sensors, the run queue, run monitoring) as two
# processes on the instance of $(DAGSTER_HOME); stopping one stops both. deploy/*.service do the same
# under systemd.
serve: $(MANIFEST) instance
	@trap 'kill $$daemon 2>/dev/null; wait $$daemon' EXIT; \
	$(BIN)/dagster-daemon run -w $(WORKSPACE) & daemon=$$!; \
	$(BIN)/dagster-webserver -w $(WORKSPACE) -h $(HOST) -p $(PORT)

sample: $(BIN)/dagster
	$(BIN)/python -m tools.sample --out seeds

docs: $(MANIFEST)
	cd dbt_project && ../$(BIN)/python -m orchestration.lib.lock ../$(BIN)/dbt docs generate
	cd dbt_project && ../$(BIN)/python -c "import os,subprocess,sys; from orchestration.settings import load_settings, export_for_dbt; export_for_dbt(load_settings()); sys.exit(subprocess.call(['../$(BIN)/dbt','docs','serve','--host','127.0.0.1','--port',os.environ.get('PORT','8080')]))"

bench: $(MANIFEST)
	$(BIN)/python -m bench.run --offers $${OFFERS:-1200000} --day $${DAY:-13000} --scale $${SCALE:-4}

clean:
	rm -rf var dbt_project/target dbt_project/logs
