# smartspec: two commands. `make run` sets up and runs the main job on bundled real data;
# `make test` sets up (with test dependencies) and runs the whole suite.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test
OUT ?= out/nz

.PHONY: run demo test lint venv install install-test system-deps clean

# Debian packages the tests need: Chromium (browser tests) and PostgreSQL (the second database).
# Installed with apt-get when missing (CI and developer machines run as root); elsewhere,
# install them yourself or the tests that need them are skipped with a message saying so.
system-deps:
	@if [ ! -x /usr/bin/chromium ] || [ ! -d /usr/lib/postgresql ]; then \
	  if [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null; then \
	    echo "installing chromium and postgresql (apt-get)"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium postgresql >/dev/null; \
	  else \
	    echo "note: chromium and/or postgresql missing and not root: browser/PostgreSQL tests will be skipped"; \
	  fi; \
	fi

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[all]'
	touch $@

$(TEST_STAMP): $(STAMP) requirements-test.txt
	$(BIN)/pip install --quiet -r requirements-test.txt
	touch $@

install: $(STAMP)
install-test: $(TEST_STAMP) system-deps

# The main job: analyse a bundled real dataset, show a region's profile, then start the
# platform (API + dashboard) on every bundled dataset; Ctrl-C stops it.
run: $(STAMP)
	$(BIN)/smartspec datasets
	$(BIN)/smartspec analyse --dataset nz-urban-industry --out $(OUT)
	$(BIN)/smartspec profile --dataset nz-urban-industry --region Wellington
	$(BIN)/smartspec serve --data-dir out/platform

# The same analysis without starting the server.
demo: $(STAMP)
	$(BIN)/smartspec analyse --dataset nz-urban-industry --out $(OUT)
	$(BIN)/smartspec profile --dataset nz-urban-industry --region Wellington

test: $(TEST_STAMP) system-deps
	$(BIN)/ruff check src tests benchmarks tools
	$(BIN)/python -m pytest -n 2 tests
	$(BIN)/python -m pytest --doctest-modules src/smartspec -q

lint: $(TEST_STAMP)
	$(BIN)/ruff check src tests benchmarks tools

clean:
	rm -rf $(VENV) out .pytest_cache
