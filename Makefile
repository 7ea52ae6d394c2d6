# Two commands on a fresh machine (Python 3.11+ and make):
#   make demo   set up, then run the main job on the bundled real seasons
#   make test   set up, then run every test (lint, pytest, dbt unit and data tests)
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
export DBT_PROFILES_DIR := $(CURDIR)/profiles

.PHONY: setup demo test full lint clean

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

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

test: setup lint
	$(BIN)/python -m pytest

clean:
	rm -rf target logs warehouse landing reports
