# Two commands on a fresh machine (Python 3.11+ and make):
#   make demo   set up, then run the main job on the bundled real seasons
#   make test   set up, then run every test (lint, pytest, dbt unit and data tests)
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
export DBT_PROFILES_DIR := $(CURDIR)/profiles

.PHONY: setup demo test full lint browser docs clean

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

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

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

test: setup lint browser
	$(BIN)/python -m pytest

# The docs site (needs a built warehouse: make demo). One self-contained file to open, or a
# server: .venv/bin/dbt docs serve --port 8080
docs: setup
	$(BIN)/dbt docs generate --static
	@echo "docs site: $(CURDIR)/target/static_index.html"

clean:
	rm -rf target logs warehouse landing reports
