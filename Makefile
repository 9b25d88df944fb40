# Two commands matter on a fresh machine: `make run` and `make test`.
# Each creates the virtual environment (.venv) when it is missing.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test browser lint typecheck format guide guide-build guide-figures bench rehearse clean help

help:  ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/'

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[guide,dev]'
	touch $(STAMP)

run: $(STAMP)  ## Run the bot (with a token) or, without one, the offline rehearsal
	$(BIN)/companion run --rehearse-without-token

test: browser $(STAMP)  ## Lint, format check, type check and the whole test suite
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/python -m pytest

browser:  ## Install Debian's chromium and fonts for the guide's tests, or say how
	@sh scripts/ensure-chromium.sh

lint: $(STAMP)  ## Lint and fix what ruff can fix
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

typecheck: $(STAMP)  ## Type-check the package (strict on companion/core)
	$(BIN)/mypy

guide: $(STAMP)  ## Serve the member guide on http://127.0.0.1:8000
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs serve

guide-build: $(STAMP)  ## Build the member guide into site/
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict

guide-figures: $(STAMP)  ## Redraw the guide's SVG figures from companion/guide_build/figures.py
	$(BIN)/python -m companion.guide_build.figures

bench: $(STAMP)  ## Run the benchmarks (print figures against the targets)
	$(BIN)/python bench/recheck.py
	$(BIN)/python bench/bot.py
	$(BIN)/python bench/exports.py
	$(BIN)/python bench/backup.py
	$(BIN)/python bench/followers.py
	$(BIN)/python bench/first_link.py
	$(BIN)/python bench/follows.py
	$(BIN)/python bench/guide.py

rehearse: $(STAMP)  ## Run the offline rehearsal of a whole campaign
	$(BIN)/companion rehearse

clean:  ## Remove the virtual environment and build output
	rm -rf $(VENV) site build rehearsal-output test-artifacts
