# The two commands of the README, and what they need. Each builds its own virtual environment
# from the hashed lock file on first use (and again when the lock or pyproject changes).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-from-lock
CHROMIUM := /usr/bin/chromium

.PHONY: demo serve test faults soak bench lock clean

## demo: the main job on the embedded default (SQLite under var/demo): init, import, a lifecycle, report.
## It starts its own store again each time (--reset), but never one mieux serve is using, nor one it did not create.
demo: $(STAMP)
	MIEUX_DATA_DIR=var/demo $(BIN)/mieux demo --reset

## test: the whole test suite (SQLite, a PostgreSQL server it starts itself, real processes, headless
## Chromium; Debian's chromium package is installed first when missing), on up to four workers
## (pytest-xdist, one per CPU): each file runs on one worker, each worker starts its own servers
test: $(STAMP) $(CHROMIUM)
	DO_NOT_TRACK=1 PREFECT_SERVER_ANALYTICS_ENABLED=false $(BIN)/python -m pytest -n auto --maxprocesses 4 --dist loadfile

## faults: the long fault campaigns (kills mid-round, fuzzed CLI input); `make test` runs a small sample
faults: $(STAMP)
	DO_NOT_TRACK=1 PREFECT_SERVER_ANALYTICS_ENABLED=false MIEUX_FAULT_CAMPAIGN=1 $(BIN)/python -m pytest -m faults

## soak: a simulated year of a programme ten times MIEUX's size through the engine; `make test` runs a sample
soak: $(STAMP)
	DO_NOT_TRACK=1 $(BIN)/python bench/soak.py

## serve: the running engine on the demo store, with the Prefect UI, until Ctrl-C
serve: $(STAMP)
	MIEUX_DATA_DIR=var/demo $(BIN)/mieux serve

## bench: the performance benchmarks; each prints its figures
bench: $(STAMP)
	$(BIN)/python bench/run_all.py

$(CHROMIUM):
	@echo "installing Debian's chromium for the browser tests (once)..."
	@if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -q chromium >/dev/null \
	  || { echo "could not install chromium: run 'apt-get install chromium' as root"; exit 1; }

# pip is pinned first: the pip that venv ships (23.2) rejects hash-pinned requirements with
# extras, such as prefect's sqlalchemy[asyncio]
$(STAMP): requirements.lock pyproject.toml
	@echo "setting up $(VENV) from requirements.lock (once; about a minute)..."
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check pip==25.3
	@echo "installing the locked packages (hash-checked)..."
	$(BIN)/pip install --quiet --disable-pip-version-check --require-hashes -r requirements.lock
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $(STAMP)
	@echo "$(VENV) is ready"

## lock: re-resolve requirements.lock from pyproject.toml (needs network; commit the result)
lock:
	$(PYTHON) -m venv /tmp/mieux-uv && /tmp/mieux-uv/bin/pip install --quiet uv
	/tmp/mieux-uv/bin/uv pip compile pyproject.toml --extra test --python-version 3.11 \
	  --python-platform x86_64-unknown-linux-gnu --generate-hashes --no-strip-extras -o requirements.lock

clean:
	rm -rf $(VENV) var .pytest_cache .hypothesis
