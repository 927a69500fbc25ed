# Everything here sets itself up: a fresh machine needs only Python 3.11 and make.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv

.PHONY: help venv tree demo test unit integration compat gates docs bench format clean

help:
	@echo "make demo   - run examples/bedrock_demo.yml against a local Bedrock endpoint (AWS_URL unset: see README)"
	@echo "make test   - the whole test suite: unit, endpoint, integration, ansible-runner, compat, format, sanity, lint, docs, changelog, galaxy, ee"
	@echo "make compat - the main path on ansible-core 2.17, 2.18, 2.20 and 2.21 (docs/compatibility.md)"
	@echo "make bench  - measure per-call cost, fan-out, many prompts in one task, bedrock_converse against bedrock_invoke_model, and batch jobs of 1,000 to 50,000 records; writes docs/benchmarks.md"
	@echo "make unit | integration | compat | gates | docs | format | clean"

$(VENV)/.installed: requirements.txt test-requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/python -m pip install --quiet --upgrade pip
	$(VENV)/bin/python -m pip install --quiet -r test-requirements.txt
	touch $@

venv: $(VENV)/.installed

tree: venv
	@scripts/collection_tree.sh >/dev/null

demo: venv
	scripts/demo.sh

test: venv
	scripts/test.sh

unit: venv
	scripts/test.sh unit

integration: venv
	scripts/test.sh integration

compat: venv
	scripts/test.sh compat

gates: venv
	scripts/gates.sh all

docs: venv
	scripts/gates.sh docs

bench: venv
	scripts/bench.sh

format: venv
	$(VENV)/bin/isort plugins tests scripts
	$(VENV)/bin/black plugins tests scripts

clean:
	rm -rf build dist tests/output
