#!/usr/bin/env bash
# Playbook-level tests of amazon.ai.bedrock_apply_guardrail through real ansible-playbook, botocore and HTTP on
# 127.0.0.1 (tests/integration/harness.sh says how, and which playbooks).
source "$(dirname "$0")/../../harness.sh"
harness_run "$@"
