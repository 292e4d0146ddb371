# Two commands for a fresh machine with Python 3.11+ and make: `make run`, `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/convener

lint: $(STAMP)
	$(BIN)/ruff check storage tui tests bench
	$(BIN)/ruff format --check storage tui tests bench
	$(BIN)/mypy

# The second run is the storage suite again on SQLCipher-encrypted databases (it stops at
# once, passing, where sqlcipher3 has no wheel).
test: $(STAMP) lint
	$(BIN)/python -m pytest -q
	$(BIN)/python -m pytest -q --encrypted tests/unit

bench: $(STAMP)
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
