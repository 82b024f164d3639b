# Local stack, tests and figures. `make run` and `make test` work on a fresh clone.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test bench reset browser clean

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $(STAMP)

## run: start the local stack on http://127.0.0.1:8000 (AWS endpoint on :4566)
run: $(STAMP)
	$(PY) -m infra.local.server

## test: every test (unit, API, concurrency, sweep, real browser)
test: $(STAMP) browser
	$(PY) -m pytest

## bench: DynamoDB requests per booking path, cold import time, page weight
bench: $(STAMP)
	$(PY) -m tests.bench

## browser: Debian's Chromium for the browser tests (installed when missing and we are root)
browser:
	@if [ ! -x /usr/bin/chromium ]; then \
	  if [ "$$(id -u)" = "0" ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null; \
	  else echo "Chromium is missing: run 'sudo apt-get install -y chromium fonts-noto-cjk'"; exit 1; fi; \
	fi

## reset: forget the local stack's saved data
reset:
	rm -rf .local

clean: reset
	rm -rf $(VENV) .pytest_cache test-artifacts
