#!/usr/bin/env bash
# Playbook-level tests of amazon.ai.bedrock_guardrail and its _info module through real ansible-playbook, botocore
# and HTTP on 127.0.0.1: the fake guardrail control plane (tests/integration/harness.sh says how, and which
# playbooks).
source "$(dirname "$0")/../../harness.sh"
harness_run "$@"
