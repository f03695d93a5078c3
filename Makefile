# govcrawl — `make demo` and `make test` work on a fresh Debian machine with Python 3.11.
VENV    ?= .venv
PY      := $(VENV)/bin/python
STAMP   := $(VENV)/.installed
SYSDEPS := $(VENV)/.system-deps
PYTHON  ?= python3

.PHONY: install demo test bench lint format clean

install: $(STAMP) $(SYSDEPS)

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[dev]'
	touch $@

$(SYSDEPS): scripts/install-system-deps.sh
	@mkdir -p $(VENV)
	./scripts/install-system-deps.sh
	touch $@

demo: install
	$(PY) -m govcrawl demo --out data/demo

test: install
	$(PY) -m pytest -q -n 2 --dist loadgroup

bench: install
	$(PY) -m bench

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

clean:
	rm -rf data/demo data/out data/replay .pytest_cache
