# Two commands on a fresh machine (Python 3.11+ and make):
#   make demo   set up, then run the main job on the bundled real seasons
#   make test   set up, then run every test (gates: ruff, sqlfluff, dbt parse, dbt-bouncer;
#               then pytest: dbt unit and data tests, end to end)
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
export DBT_PROFILES_DIR := $(CURDIR)/profiles

.PHONY: setup demo test full gates lint sqlfluff dbt-parse bouncer browser docs clean

setup: $(VENV)/.installed

# Re-installs only when the dependency pins change. constraints.txt holds exact
# versions so every machine resolves the same environment (about a minute, ~2 GB).
$(VENV)/.installed: pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev]'
	touch $@

demo: setup
	$(BIN)/nba-props run

# The same job over all ten seasons from ../shared/data (full-scale run).
full: setup
	$(BIN)/nba-props run --from-shared

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

# The docs-site test opens the generated site in Debian's Chromium: installed here when
# missing (about 40 s, as root: CI and the project's machines), a no-op when present.
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" != 0 ]; then \
	    echo "make test needs Debian's chromium: sudo apt-get install --no-install-recommends chromium" >&2; \
	    exit 1; \
	  fi; \
	  apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium; \
	}

test: setup gates browser
	$(BIN)/python -m pytest

# The docs site (needs a built warehouse: make demo). One self-contained file to open, or a
# server: .venv/bin/dbt docs serve --port 8080
docs: setup
	$(BIN)/dbt docs generate --static
	@echo "docs site: $(CURDIR)/target/static_index.html"

clean:
	rm -rf target logs warehouse landing reports
