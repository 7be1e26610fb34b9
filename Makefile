# Two commands on a fresh machine with Python 3.11: `make run` and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin

$(BIN)/reviews: pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e ".[dev]"
	touch $(BIN)/reviews

.PHONY: setup run test lint histories
setup: $(BIN)/reviews

run: setup
	$(BIN)/reviews dev

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy .

test: setup lint
	$(BIN)/pytest -q

# Record every scenario's history as a new set (SET=name); old sets are never overwritten.
histories: setup
	$(BIN)/python scripts/record_histories.py $(or $(SET),$(shell date +%Y-%m-%d)-$(shell git rev-parse --short HEAD))
