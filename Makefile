# Everything here sets itself up: a fresh machine needs only make and a Python the collection supports.
SHELL := /bin/bash
# The venv's Python (venv, test, bench, gates): 3.11, 3.12 or 3.13, which the pinned ansible 12 of
# test-requirements.txt needs; the first that scripts/find_python.sh finds, unless given (PYTHON=python3.12).
# `make demo` also runs on 3.10 (scripts/demo.sh); `make test` needs all four (scripts/test.sh says where it looks).
PYTHON ?= $(shell source scripts/find_python.sh && first_python 3.11 3.12 3.13)
VENV := .venv

.PHONY: help venv tree demo test pythons unit integration compat gates docs bench format clean

help:
	@echo "make demo   - run examples/bedrock_demo.yml against a local Bedrock endpoint, on any Python 3.10 to 3.13"
	@echo "make test   - the whole test suite: unit, endpoint, integration, ansible-runner, compat, format, sanity, lint, docs, changelog, galaxy, ee"
	@echo "make compat - the main path, sanity and units on ansible-core 2.17, 2.18, 2.20 and 2.21 (docs/compatibility.md)"
	@echo "make bench  - measure per-call cost, fan-out, many prompts in one task, bedrock_converse against bedrock_invoke_model, batch jobs of 1,000 to 50,000 records, and 1,000 guardrail test cases in one task; writes docs/benchmarks.md"
	@echo "make unit | integration | compat | gates | docs | format | clean"

$(VENV)/.installed: requirements.txt test-requirements.txt
	@python="$(PYTHON)"; [ -n "$$python" ] || { echo "make: the venv needs Python 3.11, 3.12 or 3.13" >&2; exit 1; }; \
	  echo "$$python -m venv $(VENV)" && "$$python" -m venv $(VENV)
	$(VENV)/bin/python -m pip install --quiet --upgrade pip
	$(VENV)/bin/python -m pip install --quiet -r test-requirements.txt
	touch $@

venv: $(VENV)/.installed

tree: venv
	@scripts/collection_tree.sh >/dev/null

demo:
	scripts/demo.sh

# The Pythons the whole suite needs, said (and checked) before the venv is built.
pythons:
	@scripts/test.sh pythons

test: pythons venv
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
