# Local stack, tests and figures. `make run` and `make test` work on a fresh clone.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

WHEELS := $(VENV)/lambda-wheels
WHEELS_STAMP := $(WHEELS)/.downloaded

.PHONY: run test bench reset browser clean synth deploy messages

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $(STAMP)

## run: start the local stack on http://127.0.0.1:8000 (AWS endpoint on :4566)
run: $(STAMP)
	$(PY) -m infra.local.server

# the Lambda runtime's wheels (Linux x86_64, CPython 3.11), fetched once: synth then packages offline
$(WHEELS_STAMP): requirements.txt | $(STAMP)
	rm -rf $(WHEELS) && mkdir -p $(WHEELS)
	$(PY) -m pip download --quiet --disable-pip-version-check --no-deps -r requirements.txt -d $(WHEELS) \
	  --platform manylinux2014_x86_64 --python-version 3.11 --implementation cp --only-binary=:all:
	touch $@

## test: every test (unit, API, concurrency, sweep, real browser, synth + cfn-lint of every store)
test: $(STAMP) $(WHEELS_STAMP) browser
	$(PY) -m pytest

## synth: CloudFormation of every store under infra/out/<store>/ (offline), checked by cfn-lint
synth: $(STAMP) $(WHEELS_STAMP)
	$(PY) -m infra.synth --lint

## deploy: deploy one store: make deploy STORE=gz-tianhe (AWS credentials needed; see infra/README.md)
deploy: $(STAMP) $(WHEELS_STAMP)
	@test -n "$(STORE)" || { echo "usage: make deploy STORE=<store id> (a file in infra/stores/)"; exit 2; }
	$(PY) -m infra.deploy $(STORE)

## bench: DynamoDB requests per path, cold import time, page weight, deployment sizes
bench: $(STAMP) $(WHEELS_STAMP)
	$(PY) -m tests.bench

## browser: Debian's Chromium for the browser tests (installed when missing and we are root)
browser:
	@if [ ! -x /usr/bin/chromium ]; then \
	  if [ "$$(id -u)" = "0" ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null; \
	  else echo "Chromium is missing: run 'sudo apt-get install -y chromium fonts-noto-cjk'"; exit 1; fi; \
	fi

## messages: the server's message catalogue: extract the texts (babel.cfg), add the new ones to
## the Chinese catalogue (translate them there: msgstr), compile it (the .mo is committed)
LOCALES := chalicelib/i18n/locale
messages: $(STAMP)
	pot=$$(mktemp) && \
	$(VENV)/bin/pybabel -q extract -F babel.cfg --no-location --sort-output --no-wrap \
	  --project=aftersales --add-comments=NOTE: -o $$pot . && \
	$(VENV)/bin/pybabel -q update -i $$pot -d $(LOCALES) -D messages -l zh_CN \
	  --no-fuzzy-matching --ignore-obsolete --ignore-pot-creation-date --no-wrap; status=$$?; rm -f $$pot; exit $$status
	$(VENV)/bin/pybabel compile --statistics -d $(LOCALES) -D messages -l zh_CN

## reset: forget the local stack's saved data
reset:
	rm -rf .local

clean: reset
	rm -rf $(VENV) .pytest_cache test-artifacts
