# Librarium developer commands. `make run` and `make test` are all a fresh machine needs.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# test processes (pytest-xdist): one per core by default; TEST_WORKERS=0 runs the suite in this process
TEST_WORKERS ?= auto

.PHONY: run test test-sqlite lint format bench clean

$(STAMP): pyproject.toml constraints.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11+ is required")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)  ## migrate and serve on http://127.0.0.1:8080 (SQLite under ./data)
	@$(BIN)/python -m compileall -q src  # bytecode kept even where PYTHONDONTWRITEBYTECODE is set: a faster start
	$(BIN)/librarium serve

test: $(STAMP)  ## every test; PostgreSQL too when LIBRARIUM_TEST_DATABASE_URL is set
	$(BIN)/python -m pytest -n $(TEST_WORKERS)

lint: $(STAMP)
	$(BIN)/ruff check src tests bench tools
	$(BIN)/ruff format --check src tests bench tools
	$(BIN)/mypy
	$(BIN)/python tools/check_layers.py

format: $(STAMP)
	$(BIN)/ruff check --fix src tests bench
	$(BIN)/ruff format src tests bench

bench: $(STAMP)
	@for script in bench/catalog.py bench/files.py bench/calibre.py bench/load.py bench/lookup.py bench/enrichment.py bench/imports.py bench/opds.py bench/throughput.py bench/startup.py bench/breakdown.py; do echo "== $$script"; $(BIN)/python $$script || exit 1; done

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
