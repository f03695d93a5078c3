# govcrawl — `make demo` and `make test` work on a fresh Debian machine with Python 3.11.
VENV    ?= .venv
PY      := $(VENV)/bin/python
STAMP   := $(VENV)/.installed
SYSDEPS := $(VENV)/.system-deps
PYTHON  ?= python3
# pywb pins redis 2.x while scrapy-redis needs redis 4+: pywb gets a venv of its own and runs
# as a separate server process (`wayback`), which is how it is used anyway.
PYWB_VENV := .venv-pywb
PYWB      := $(PYWB_VENV)/bin/wayback

# scrapy-webarchive (the archive benchmark's baseline) pins Scrapy<2.12 and warcio 1.7.4: it is
# installed without its dependencies into .venv-bench, which sees .venv's packages beneath it.
BENCH_VENV  := .venv-bench
BENCH_STAMP := $(BENCH_VENV)/.installed

.PHONY: install demo test bench lint format clean

install: $(STAMP) $(SYSDEPS) $(PYWB)

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[dev]'
	touch $@

$(PYWB):
	test -x $(PYWB_VENV)/bin/python || $(PYTHON) -m venv $(PYWB_VENV)
	$(PYWB_VENV)/bin/python -m pip install -q pywb==2.10.0
	touch $@

$(SYSDEPS): scripts/install-system-deps.sh
	@mkdir -p $(VENV)
	./scripts/install-system-deps.sh
	touch $@

demo: install
	$(PY) -m govcrawl demo --out data/demo

# PYTHONFAULTHANDLER reaches every crawl the tests start: a native crash prints its stack.
test: install
	PYTHONFAULTHANDLER=1 $(PY) -m pytest -q -n 2 --dist loadgroup

$(BENCH_STAMP): $(STAMP)
	test -x $(BENCH_VENV)/bin/python || $(PYTHON) -m venv $(BENCH_VENV)
	$(BENCH_VENV)/bin/python -m pip install -q --no-deps scrapy-webarchive==0.5.3 warc-knot==0.2.5
	echo "import site; site.addsitedir('$$($(PY) -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')')" \
	  > "$$($(BENCH_VENV)/bin/python -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')/govcrawl-venv.pth"
	touch $@

bench: install $(BENCH_STAMP)
	$(PY) -m bench

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

clean:
	rm -rf data/demo data/out data/replay .pytest_cache
