# Two commands on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: demo test lint bench install clean

$(BIN)/gongkai: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip==25.3
	$(BIN)/pip install --quiet -e '.[test,bench]'
	touch $@

install: $(BIN)/gongkai

demo: install
	$(BIN)/gongkai demo

test: install
	$(BIN)/ruff check reading archive crawler reports ocr indexer search_web gongkai tests bench
	$(BIN)/python -m pytest -q

bench: install
	$(BIN)/python bench/index_bench.py

clean:
	rm -rf $(VENV) index_data/*.sqlite3 index_data/index index_data/sample_site
