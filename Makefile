# smartspec: two commands. `make run` sets up and runs the main job on bundled real data;
# `make test` sets up (with test dependencies) and runs the whole suite.
#
# Both install from constraints.txt, the versions the suite last passed on, so what users run is
# what the tests checked. `make test-latest` runs the suite on the newest releases instead (drift
# shows there before users meet it); `make lock` rewrites constraints.txt from those releases.
# The peer packages (py-ecomplexity, economic-complexity) pin old pandas: they live in their own
# environment (.venv-peers, requirements-peers.txt), never in the one the suite checks.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test
PEERS_VENV ?= .venv-peers
LATEST_VENV ?= .venv-latest
CONSTRAINTS ?= constraints.txt
OUT ?= out/nz
PORT ?= 8000
HOST ?= 127.0.0.1
PIP_QUIET ?= --quiet --disable-pip-version-check
PYTEST_ARGS ?= -n 2

.PHONY: run demo test test-suite quality test-peers test-latest latest-venv lock check-env lint venv install \
	install-test system-deps report-deps clean

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

$(STAMP): pyproject.toml $(CONSTRAINTS) | $(BIN)/python
	$(BIN)/python -m pip install $(PIP_QUIET) -c $(CONSTRAINTS) pip
	$(BIN)/python -m pip install $(PIP_QUIET) -c $(CONSTRAINTS) -e '.[all]'
	touch $@

$(TEST_STAMP): $(STAMP) requirements-test.txt
	$(BIN)/python -m pip install $(PIP_QUIET) -c $(CONSTRAINTS) -r requirements-test.txt
	touch $@

# Debian packages the PDF reports need (WeasyPrint draws text with Pango) and a font to draw
# with; installed with apt-get when missing and root, else `smartspec report --format pdf` says
# which package is missing.
report-deps:
	@if ! ldconfig -p 2>/dev/null | grep -q libpangoft2-1.0.so.0 || ! fc-list 2>/dev/null | grep -q .; then \
	  if [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null; then \
	    echo "installing pango and fonts for the PDF reports (apt-get)"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libpango-1.0-0 libpangoft2-1.0-0 fontconfig fonts-dejavu-core >/dev/null; \
	  else \
	    echo "note: pango or fonts missing and not root: PDF reports (and their tests) are unavailable"; \
	  fi; \
	fi

install: $(STAMP) report-deps
install-test: $(TEST_STAMP) system-deps report-deps

# Fails when the environment holds other versions than constraints.txt (a package installed by
# hand, or a test-only package that moved a runtime dependency).
check-env: $(TEST_STAMP)
	$(BIN)/python tools/check_env.py $(CONSTRAINTS)

# The main job: analyse a bundled real dataset, show a region's profile, then start the
# platform (API + dashboard) on every bundled dataset; Ctrl-C stops it.
# `make run PORT=8010` picks another port; HOST=0.0.0.0 listens on every address.
run: $(STAMP) report-deps
	$(BIN)/smartspec datasets
	$(BIN)/smartspec analyse --dataset nz-urban-industry --out $(OUT)
	$(BIN)/smartspec profile --dataset nz-urban-industry --region Wellington
	$(BIN)/smartspec serve --data-dir out/platform --host $(HOST) --port $(PORT)

# The same analysis without starting the server.
demo: $(STAMP)
	$(BIN)/smartspec analyse --dataset nz-urban-industry --out $(OUT)
	$(BIN)/smartspec profile --dataset nz-urban-industry --region Wellington

test: test-suite test-peers

test-suite: $(TEST_STAMP) system-deps check-env quality
	$(BIN)/ruff check src tests benchmarks tools
	$(BIN)/python -m pytest $(PYTEST_ARGS) tests
	$(BIN)/python -m pytest --doctest-modules src/smartspec -q

# The differential tests that run the peer packages themselves, in their own environment.
$(PEERS_VENV)/.installed: pyproject.toml requirements-peers.txt
	$(PYTHON) -m venv $(PEERS_VENV)
	$(PEERS_VENV)/bin/python -m pip install $(PIP_QUIET) -r requirements-peers.txt -e .
	touch $@

test-peers: $(PEERS_VENV)/.installed
	$(PEERS_VENV)/bin/python -m pytest -q -m peers -p no:cacheprovider tests/reference \
	  tests/core/test_peer_bugs.py tests/core/test_relatedness_measures.py

# A new environment with the newest releases of every dependency (no constraints).
latest-venv:
	rm -rf $(LATEST_VENV)
	$(PYTHON) -m venv $(LATEST_VENV)
	$(LATEST_VENV)/bin/python -m pip install $(PIP_QUIET) --upgrade pip
	$(LATEST_VENV)/bin/python -m pip install $(PIP_QUIET) --upgrade -e '.[all]' -r requirements-test.txt

# The suite on the newest releases.
test-latest: system-deps latest-venv
	$(LATEST_VENV)/bin/python -m pip freeze --exclude-editable > $(LATEST_VENV)/versions.txt
	@echo "versions under test: $(LATEST_VENV)/versions.txt"
	$(LATEST_VENV)/bin/ruff check src tests benchmarks tools
	$(LATEST_VENV)/bin/python -m pytest $(PYTEST_ARGS) -p no:cacheprovider tests
	$(LATEST_VENV)/bin/python -m pytest --doctest-modules -p no:cacheprovider src/smartspec -q

# Rewrite constraints.txt from the newest releases; run `make test` on it before committing.
lock: latest-venv
	$(LATEST_VENV)/bin/python tools/check_env.py --write $(CONSTRAINTS)

lint: $(TEST_STAMP)
	$(BIN)/ruff check src tests benchmarks tools

# Quality gates (docs/architecture.md): formatting, types (zero mypy errors), no module over 800
# lines and no import cycle in the package.
quality: $(TEST_STAMP)
	$(BIN)/ruff format --check src tests benchmarks tools
	$(BIN)/mypy
	$(BIN)/python tools/check_quality.py

clean:
	rm -rf $(VENV) $(PEERS_VENV) $(LATEST_VENV) out .pytest_cache
