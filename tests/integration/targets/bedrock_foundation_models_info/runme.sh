#!/usr/bin/env bash
# Playbook-level tests of amazon.ai.bedrock_foundation_models_info through real ansible-playbook, botocore and HTTP
# on 127.0.0.1, against the fake endpoint's model catalogue (tests/integration/harness.sh says how, and which
# playbooks).
source "$(dirname "$0")/../../harness.sh"
harness_run "$@"
