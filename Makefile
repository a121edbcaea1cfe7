# redisops.sentinel: every command the README gives, and the CI entry point.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.requirements-installed

.PHONY: test test-modules sanity prerequisites venv clean

## make test: every test the repository has (CI runs exactly this).
test: test-modules sanity

venv: $(STAMP)

$(STAMP): requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

prerequisites:
	scripts/install-test-prerequisites

## Modules against real redis-server and redis-sentinel processes on loopback.
test-modules: venv prerequisites
	$(BIN)/pytest tests/modules

## ansible-test sanity on the built collection.
sanity: venv
	VENV_BIN=$(CURDIR)/$(BIN) scripts/run-sanity

clean:
	rm -rf $(VENV) .build tests/output
