#!/usr/bin/env bash
# Playbook-level tests of amazon.ai.bedrock_inference_profile and its _info module through real ansible-playbook,
# botocore and HTTP on 127.0.0.1: the fake endpoint's inference profiles and foundation models
# (tests/integration/harness.sh says how, and which playbooks).
source "$(dirname "$0")/../../harness.sh"
harness_run "$@"
