#!/usr/bin/env bash
# Playbook-level tests of amazon.ai.bedrock_model_invocation_job and its _info module through real
# ansible-playbook, botocore and HTTP on 127.0.0.1: the fake batch control plane and moto's S3 behind one
# endpoint_url (tests/integration/harness.sh says how, and which playbooks).
source "$(dirname "$0")/../../harness.sh"
harness_run "$@"
