# Village: `make run` serves the demo partnership; `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test test-browser lint bench install demo clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

# The web server and a worker (queued and scheduled work) together; Ctrl-C stops both.
run: $(STAMP)
	mkdir -p var/static
	$(BIN)/village migrate --no-input
	$(BIN)/village demo
	$(BIN)/village worker & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker' EXIT INT TERM; \
	$(BIN)/village runserver 127.0.0.1:8000

test: $(STAMP)
	$(BIN)/pytest

test-browser: $(STAMP)
	$(BIN)/pytest -m browser -p no:randomly

lint: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy
	$(BIN)/lint-imports

bench: $(STAMP)
	$(BIN)/pip install --quiet -e '.[dev,bench]'
	for script in bench/*.py; do $(BIN)/python $$script --small || exit 1; done

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
