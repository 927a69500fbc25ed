#!/usr/bin/env bash
# Playbook-level tests of amazon.ai.bedrock_model_invocation_logging through real ansible-playbook, botocore and HTTP
# on 127.0.0.1: moto's server keeps the configuration, behind the fake endpoint (tests/integration/harness.sh says
# how, and which playbooks).
source "$(dirname "$0")/../../harness.sh"
harness_run "$@"
