# Two commands for a fresh machine: `make run` serves the app, `make test` runs the suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run test lint format bench loadtest clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Stamps record which set of packages is installed; they are redone when pyproject.toml changes.
$(VENV)/.installed-app: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --editable .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --editable '.[dev,postgres,redis]'
	touch $@ $(VENV)/.installed-app

run: $(VENV)/.installed-app
	$(FLASK) db upgrade
	$(FLASK) seed-demo --if-empty
	@echo "Serving Safe Spaces on http://$(HOST):$(PORT)/"
	SITE_URL=$${SITE_URL:-http://$(HOST):$(PORT)} $(FLASK) run --host $(HOST) --port $(PORT)

# On every core, a module's tests on one worker (they share module-scoped fixtures). TEST_JOBS=0
# runs in this process alone, e.g. to use a debugger.
TEST_JOBS ?= auto
test: $(VENV)/.installed-dev
	$(BIN)/python -m pytest -n $(TEST_JOBS) --dist loadscope $(PYTEST_ARGS)

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.installed-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Seeds a large forum under bench/.work/, serves it with gunicorn and loads it with wrk (installed
# from Debian's packages when missing). BENCH_DURATION, BENCH_WARMUP, BENCH_POSTS... (bench/run.py).
bench: $(VENV)/.installed-app
	$(BIN)/python -m pip install --quiet --editable '.[production]'
	$(BIN)/python -m bench.run

# Floods login, registration, posting, flagging and search past their limits for LOADTEST_SECONDS
# (60) while members read and reply, on gunicorn with 2 workers sharing a private redis-server
# (installed from Debian's packages when missing); checks that no accepted post was lost.
# Not part of `make test` (bench/load.py).
loadtest: $(VENV)/.installed-app
	$(BIN)/python -m pip install --quiet --editable '.[production]'
	$(BIN)/python -m bench.load

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
