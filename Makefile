# redisops.sentinel: every command the README gives, and the CI entry point.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.requirements-installed
TEST_STAMP := $(VENV)/.test-requirements-installed
# galaxy-importer needs packages the test virtualenv pins otherwise: its own.
IMPORTER_VENV ?= .venv-importer
IMPORTER_STAMP := $(IMPORTER_VENV)/.requirements-installed

LOCAL_VERSION := 8.0.2
LOCAL_SOURCE := .local/source-redis-$(LOCAL_VERSION).yml
LOCAL_SECURE_INVENTORY := inventories/local-secure
# Which of the two local deployments runs: make local-secure records its
# inventory there, so that make status and make local-clean log in as it does.
LOCAL_INVENTORY_FILE := .local/inventory
LOCAL_INVENTORY = $(shell cat $(LOCAL_INVENTORY_FILE) 2>/dev/null || echo inventories/local/hosts.yml)

.PHONY: local-source local local-secure status local-clean test test-scripts test-modules test-roles test-collection test-scenarios test-hosts sanity lint prerequisites venv test-venv importer-venv clean

# The verified source both local deployments build (cached: no download once fetched).
local-source: venv
	@mkdir -p .local
	scripts/fetch-source --flavor redis --version $(LOCAL_VERSION) --vars-file $(LOCAL_SOURCE) >/dev/null

## make local: a primary, 2 replicas and 3 Sentinels on this machine's loopback.
## LOCAL_ARGS passes more arguments to ansible-playbook, e.g. LOCAL_ARGS=-v.
local: local-source
	rm -f $(LOCAL_INVENTORY_FILE)
	$(BIN)/ansible-playbook site.yml $(LOCAL_ARGS)
	$(BIN)/ansible-playbook playbooks/status.yml

## make local-secure: the same on TLS only, with the default user off, the
## built-in ACL users and an application user app (DEVELOPMENT.md).
local-secure: local-source
	$(BIN)/ansible localhost -o -m redisops.sentinel.tls_certificates \
	  -a '{"dir": "$(abspath .local/tls)", "ca_common_name": "redisops.sentinel local CA", "certificates": [{"name": "local", "ip_addresses": ["127.0.0.1"], "dns_names": ["localhost"]}]}'
	echo $(LOCAL_SECURE_INVENTORY) > $(LOCAL_INVENTORY_FILE)
	$(BIN)/ansible-playbook -i $(LOCAL_SECURE_INVENTORY) site.yml $(LOCAL_ARGS)
	$(BIN)/ansible-playbook -i $(LOCAL_SECURE_INVENTORY) playbooks/status.yml

## make status: the table of the local deployment (either of the two).
status: venv
	$(BIN)/ansible-playbook -i $(LOCAL_INVENTORY) playbooks/status.yml

## make local-clean: stop and remove the local deployment (its data too).
local-clean: venv
	$(BIN)/ansible-playbook -i $(LOCAL_INVENTORY) playbooks/remove.yml -e redisops_remove_confirm=yes
	rm -f $(LOCAL_INVENTORY_FILE)

## make test: every test the repository has (CI runs exactly this). The
## scenarios run beside the other tests (see scripts/run-tests); what both
## install with apt is installed first.
test: test-venv prerequisites test-hosts
	VENV_BIN=$(abspath $(BIN)) scripts/run-tests

venv: $(STAMP)

$(STAMP): requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

test-venv: $(TEST_STAMP)

$(TEST_STAMP): $(STAMP) requirements-test.txt
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-test.txt
	touch $@

importer-venv: $(IMPORTER_STAMP)

$(IMPORTER_STAMP): requirements-importer.txt
	$(PYTHON) -m venv $(IMPORTER_VENV)
	$(IMPORTER_VENV)/bin/pip install --quiet --disable-pip-version-check -r requirements-importer.txt
	touch $@

prerequisites:
	scripts/install-test-prerequisites

## The repository's scripts (scripts/fetch-source), without the network.
test-scripts: test-venv
	$(BIN)/pytest tests/scripts

## The built collection as Galaxy receives it: galaxy-importer, its contents, its documents.
test-collection: test-venv importer-venv
	REDISOPS_IMPORTER_PYTHON=$(abspath $(IMPORTER_VENV))/bin/python $(BIN)/pytest tests/collection

## Modules against real redis-server and redis-sentinel processes on loopback,
## on two workers (each test starts its own servers on free ports; a file's tests
## stay on one worker). MODULE_WORKERS=0 runs them in this process.
## MODULE_TESTS and ROLE_TESTS take pytest's arguments (files, --ignore=...) for a part of them.
MODULE_WORKERS ?= 2
MODULE_TESTS ?= tests/modules
test-modules: test-venv prerequisites
	$(BIN)/pytest -n $(MODULE_WORKERS) --dist loadfile $(MODULE_TESTS)

## Roles and playbooks: real builds and deployments on this machine.
ROLE_TESTS ?= tests/roles
test-roles: test-venv prerequisites
	$(BIN)/pytest $(ROLE_TESTS)

## Molecule scenarios: separate hosts as podman containers, real failovers.
## SCENARIOS=default runs one (or a few, space-separated).
test-scenarios: test-venv test-hosts
	VENV_BIN=$(abspath $(BIN)) scripts/run-scenarios $(SCENARIOS)

## Podman, the base images and the scenarios' source tarballs.
test-hosts:
	scripts/prepare-test-hosts

## ansible-test sanity on the built collection.
sanity: test-venv
	VENV_BIN=$(abspath $(BIN)) scripts/run-sanity

## ansible-lint, production profile, on the roles and playbooks.
lint: test-venv
	$(BIN)/ansible-lint --offline --profile production

clean:
	rm -rf $(VENV) $(IMPORTER_VENV) .build tests/output
