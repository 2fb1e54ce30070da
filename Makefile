# Two commands on a fresh clone: `make run` and `make test`. Everything else is a helper.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
STAMP_RUN := $(VENV)/.installed-run
STAMP_DEV := $(VENV)/.installed-dev
DEPS := pyproject.toml constraints.txt

.PHONY: run test lint typecheck layers migrations-check pytest openapi contract-schema clean

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(STAMP_RUN): $(PY) $(DEPS)
	$(PY) -m pip install --quiet -c constraints.txt -e .
	touch $@

$(STAMP_DEV): $(PY) $(DEPS)
	$(PY) -m pip install --quiet -c constraints.txt -e '.[dev]'
	touch $@ $(STAMP_RUN)

## run: set up, migrate, load demo data on first run, serve API on 127.0.0.1:8000
run: $(STAMP_RUN)
	$(BIN)/pactline db upgrade
	$(BIN)/pactline demo --key-file var/demo-api-key > /dev/null
	$(BIN)/pactline serve --demo-key-file var/demo-api-key

## test: lint, type checks, layer contracts, model/migration check, all tests
test: $(STAMP_DEV) lint typecheck layers migrations-check pytest

lint: $(STAMP_DEV)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks

typecheck: $(STAMP_DEV)
	$(BIN)/mypy

layers: $(STAMP_DEV)
	$(BIN)/lint-imports

migrations-check: $(STAMP_DEV)
	PACTLINE_DATABASE_URL=sqlite:///$(CURDIR)/var/migrations-check.db $(BIN)/pactline db check
	rm -f var/migrations-check.db var/migrations-check.db-wal var/migrations-check.db-shm

pytest: $(STAMP_DEV)
	$(BIN)/pytest

## openapi: regenerate the committed openapi.json from the code
openapi: $(STAMP_DEV)
	PACTLINE_DATABASE_URL=sqlite:///:memory: $(BIN)/pactline openapi > openapi.json

## contract-schema: regenerate docs/contract-draft.schema.json from the draft model
contract-schema: $(STAMP_DEV)
	$(BIN)/pactline contracts schema > docs/contract-draft.schema.json

clean:
	rm -rf $(VENV) var/*.db var/*.db-wal var/*.db-shm .pytest_cache .mypy_cache .ruff_cache
