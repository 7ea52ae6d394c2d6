# Two commands on a fresh machine (Python 3.11+ and make):
#   make demo   set up, then run the main job on the bundled real seasons
#   make test   set up, then run every test (gates: ruff, sqlfluff, dbt parse, dbt-bouncer;
#               then pytest: dbt unit and data tests, end to end)
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
export DBT_PROFILES_DIR := $(CURDIR)/profiles

.PHONY: setup demo test full gates lint sqlfluff dbt-parse bouncer clean

setup: $(VENV)/.installed

# Re-installs only when the dependency pins change. constraints.txt holds exact
# versions so every machine resolves the same environment (about a minute, ~2 GB).
$(VENV)/.installed: pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev]'
	touch $@

demo: setup
	$(BIN)/python -m pipeline run

# The same job over all ten seasons from ../shared/data (full-scale run).
full: setup
	$(BIN)/python -m pipeline run --from-shared

# The CI gates, fast ones first: Python lint, SQL lint, dbt parse, metadata check.
gates: lint sqlfluff dbt-parse bouncer

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# SQL lint (.sqlfluff). The dbt templater compiles every model for DuckDB; it gets a
# throwaway warehouse file and target folder under target/, never a real warehouse.
SQL_PATHS := models tests/dbt/singular $(wildcard analyses)
sqlfluff: setup
	mkdir -p target/sqlfluff
	NBA_DUCKDB_PATH=target/sqlfluff/lint.duckdb DBT_TARGET_PATH=target/sqlfluff \
		$(BIN)/sqlfluff lint $(SQL_PATHS)

dbt-parse: setup
	NBA_DUCKDB_PATH=target/sqlfluff/lint.duckdb $(BIN)/dbt parse --target-path target

# Metadata check (dbt-bouncer.yml) on the manifest `dbt parse` just wrote to target/.
bouncer: setup
	$(BIN)/dbt-bouncer run --config-file dbt-bouncer.yml

test: setup gates
	$(BIN)/python -m pytest

clean:
	rm -rf target logs warehouse landing reports
