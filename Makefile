# drago: two commands get a newcomer going: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: demo test lint typecheck pytest browser bench bench-lake clean train-punches eval-punches

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
	$(BIN)/drago demo --serve

lint: $(VENV)/.installed-test
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy

# Browser tests drive Debian's Chromium (no browser downloads here); installed when root.
browser:
	@if command -v chromium >/dev/null 2>&1; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		echo "installing chromium for the browser tests"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	else echo "chromium missing and not root: browser tests will skip"; fi

pytest: $(VENV)/.installed-test browser
	$(BIN)/python -m pytest -n 2 -q

test: lint pytest

bench: $(VENV)/.installed-dev
	$(BIN)/python bench/bench_fit.py
	$(BIN)/python bench/bench_startup.py
	$(BIN)/python bench/bench_import.py
	$(BIN)/python bench/bench_load.py
	$(BIN)/python bench/bench_punches.py
	$(BIN)/python bench/bench_camp.py
	$(BIN)/python bench/bench_web.py
	$(MAKE) bench-lake

# 1,000 athletes x 5 years on the local, Dask and Spark engines (needs Java 17 for Spark).
bench-lake: $(VENV)/.installed-dev
	$(BIN)/python bench/bench_lake.py 1000 5

train-punches: $(VENV)/.installed-dev
	@test -n "$(PUNCH_DATA)" || { echo "usage: make train-punches PUNCH_DATA=DIR"; exit 2; }
	$(BIN)/python scripts/train_punches.py $(PUNCH_DATA)

eval-punches: $(VENV)/.installed-dev
	@test -n "$(PUNCH_DATA)" || { echo "usage: make eval-punches PUNCH_DATA=DIR"; exit 2; }
	$(BIN)/python scripts/eval_punches.py $(PUNCH_DATA)

clean:
	rm -rf $(VENV) build dist .pytest_cache .mypy_cache .ruff_cache
