# Two commands for a fresh machine with Python 3.11+ and make: `make run`, `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
LINKED := $(VENV)/.linked
# The installed package maps convener.storage -> storage/ (and tui/, fixtures/). A strict
# editable install links each file, so a new file needs linking again: any change below
# re-links (a few seconds, no network).
PACKAGE_FILES := $(shell find storage tui fixtures -name '*.py' -o -name '*.tcss' -o -name '*.yaml' -o -name 'py.typed' -o -name '*.html' 2>/dev/null)
EDITABLE := --config-settings editable_mode=strict
CODE := storage tui tests bench scripts
# Standalone scripts, type-checked on their own (not part of the installed package).
SCRIPTS := scripts/bundle.py scripts/offline/install.py
# Convener runs on Linux, Windows and macOS: the types are checked as each platform sees them.
PLATFORMS := linux win32 darwin

.PHONY: run test lint bench bundle clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip 'setuptools>=77' wheel build
	$(BIN)/python -m pip install --quiet -e '.[dev,serve,hq]' $(EDITABLE)
	touch $(STAMP) $(LINKED)

$(LINKED): $(STAMP) $(PACKAGE_FILES)
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e . $(EDITABLE)
	touch $(LINKED)

run: $(LINKED)
	$(BIN)/convener

lint: $(LINKED)
	$(BIN)/ruff check $(CODE)
	$(BIN)/ruff format --check $(CODE)
	@for platform in $(PLATFORMS); do \
		echo "mypy --platform $$platform"; \
		$(BIN)/mypy --platform $$platform --cache-dir .mypy_cache/$$platform || exit 1; \
		$(BIN)/mypy --platform $$platform --cache-dir .mypy_cache/$$platform $(SCRIPTS) || exit 1; \
	done

# The first run includes tests/packaging (-m packaging): it builds the wheel and the offline
# bundles (needs the package registry), installs them into fresh environments and runs
# Convener from outside the repository. The second run is the storage suite again on
# SQLCipher-encrypted databases (it stops at once, passing, where sqlcipher3 has no wheel).
test: $(LINKED) lint
	$(BIN)/python -m pytest -q
	$(BIN)/python -m pytest -q --encrypted tests/unit

bench: $(LINKED)
	$(BIN)/python bench/run.py

# dist/bundle/convener-<version>-<platform>/ for linux x86_64 and win_amd64: the offline
# installer for a USB stick (needs the package registry while building).
bundle: $(LINKED)
	rm -rf dist/bundle
	$(BIN)/python scripts/bundle.py --out dist/bundle

clean:
	rm -rf $(VENV) build dist .pytest_cache .mypy_cache .ruff_cache *.egg-info
