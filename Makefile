# drago: two commands get a newcomer going: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: demo test lint typecheck pytest bench clean train-punches eval-punches

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(VENV)/.installed $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(VENV)/.installed $(VENV)/.installed-test $@

demo: $(VENV)/.installed
	$(BIN)/drago demo

lint: $(VENV)/.installed-test
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy

pytest: $(VENV)/.installed-test
	$(BIN)/python -m pytest -n 2 -q

test: lint pytest

bench: $(VENV)/.installed-dev
	$(BIN)/python bench/bench_fit.py
	$(BIN)/python bench/bench_import.py
	$(BIN)/python bench/bench_load.py
	$(BIN)/python bench/bench_punches.py
	$(BIN)/python bench/bench_camp.py

train-punches: $(VENV)/.installed-dev
	@test -n "$(PUNCH_DATA)" || { echo "usage: make train-punches PUNCH_DATA=DIR"; exit 2; }
	$(BIN)/python scripts/train_punches.py $(PUNCH_DATA)

eval-punches: $(VENV)/.installed-dev
	@test -n "$(PUNCH_DATA)" || { echo "usage: make eval-punches PUNCH_DATA=DIR"; exit 2; }
	$(BIN)/python scripts/eval_punches.py $(PUNCH_DATA)

clean:
	rm -rf $(VENV) build dist .pytest_cache .mypy_cache .ruff_cache
