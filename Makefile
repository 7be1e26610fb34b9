# Two commands on a fresh machine with Python 3.11: `make run` and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin

$(BIN)/reviews: pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e ".[dev]"
	touch $(BIN)/reviews

.PHONY: setup browser run test test-core test-loaded lint histories mutate bench
# GOV.UK Frontend, MOJ Frontend and swagger-ui-dist for the pages and /docs, and axe-core
# for the tests: from the npm registry (package-lock.json), served by the app itself.
node_modules/.installed: package.json package-lock.json
	@command -v npm >/dev/null 2>&1 || { echo "The pages need GOV.UK Frontend from the npm registry: install npm (Debian: apt-get install npm), then run make again." >&2; exit 1; }
	npm ci --silent --no-audit --no-fund --ignore-scripts
	touch $@

setup: $(BIN)/reviews node_modules/.installed

run: setup
	$(BIN)/reviews dev

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy .

# The pure core's tests: seconds, no server (docs/testing.md).
test-core: setup
	$(BIN)/pytest -q --confcutdir=tests/domain tests/domain

# The browser tests drive Debian's chromium with Playwright (no browser download) and
# check pages with axe-core from the npm registry; the letter tests read PDFs with
# pdftotext (Debian's poppler-utils); the virus scan tests run ClamAV's clamscan (Debian's
# clamav, with a signature file the test makes: nothing is downloaded).
browser: node_modules/.installed
	@command -v chromium >/dev/null 2>&1 && command -v pdftotext >/dev/null 2>&1 && command -v clamscan >/dev/null 2>&1 || { \
	  echo "The tests need Debian's chromium, poppler-utils and clamav: installing them with apt-get (needs root)."; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium poppler-utils fonts-dejavu-core clamav) \
	  || { echo "Could not install them: run 'apt-get install chromium poppler-utils clamav' as root, then 'make test' again." >&2; exit 1; }; }

# The core first: a broken rule fails in seconds, before lint and the servers.
# Two test processes (pytest-xdist), one file each at a time: the suite waits on servers
# far more than it computes, so two cores run it in about half the time.
test: setup browser test-core lint
	$(BIN)/pytest -q --ignore=tests/domain -n 2 --dist loadfile

# The suite on a loaded machine: one core kept busy by Debian's stress-ng while `make test`
# runs twice in a row (docs/testing.md). Not part of CI (it takes two runs' time).
test-loaded: setup
	@command -v stress-ng >/dev/null 2>&1 || { \
	  echo "The loaded run needs Debian's stress-ng: installing it with apt-get (needs root)."; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq stress-ng) \
	  || { echo "Could not install it: run 'apt-get install stress-ng' as root, then 'make test-loaded' again." >&2; exit 1; }; }
	stress-ng --cpu 1 --timeout 3600s --quiet & pid=$$!; \
	trap 'kill $$pid 2>/dev/null' EXIT; \
	$(MAKE) test && $(MAKE) test

# Mutation testing of the pure core: break a rule in domain/, a fast test must fail.
mutate: setup
	rm -rf mutants
	$(BIN)/mutmut run > mutants.log 2>&1 || (tail -c 2000 mutants.log; exit 1)
	$(BIN)/mutmut export-cicd-stats > /dev/null
	$(BIN)/python scripts/mutation_score.py mutants/mutmut-cicd-stats.json 90

# Record every scenario's history as a new set (SET=name); old sets are never overwritten.
histories: setup
	$(BIN)/python scripts/record_histories.py $(or $(SET),$(shell date +%Y-%m-%d)-$(shell git rev-parse --short HEAD))

# Ratios against a floor measured in the same run (issue 14); writes docs/performance.md.
bench: setup
	$(BIN)/pip install -q -e ".[dev,bench]"
	$(BIN)/python -m bench.run
