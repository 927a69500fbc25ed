#!/usr/bin/env bash
# make bench: measure how fast many prompts go with amazon.ai.bedrock_invoke_models, what a user pays per call of
# amazon.ai.bedrock_invoke_model and of amazon.ai.bedrock_converse, how batch inference jobs
# (amazon.ai.bedrock_model_invocation_job) grow with their records, and how fast a guardrail's test cases go in one
# task of amazon.ai.bedrock_apply_guardrail, against the project's Bedrock fake on 127.0.0.1
# (and moto's S3 behind it), and write docs/benchmarks.md. A benchmark, not a test: it fails only when a
# measurement cannot be taken, never because a number misses its goal.
#
#   scripts/bench.sh            BENCH_ROUNDS=N (default 3) rounds, about 5 minutes each on 2 cores, then the
#                               100-prompt comparison of amazon.ai.bedrock_invoke_models, the 50,000-record batch
#                               job and 1,000 embeddings once (about 8 minutes)
#   BENCH_ONLY=many scripts/bench.sh
#                               only the scenario families named, comma-separated: many (many prompts in one
#                               task, about 7 minutes), one (one call per task), converse (bedrock_converse
#                               against bedrock_invoke_model, under a minute a round), batch (batch inference
#                               jobs of 1,000 to 50,000 records and 1,000 embeddings, with moto's S3 behind the
#                               fake's address: about 3 minutes with BENCH_ROUNDS=1) or guardrail (1,000 test
#                               cases of a guardrail in one task, under a minute a round); their report goes to
#                               build/bench/benchmarks.md and docs/benchmarks.md is left alone. How the families
#                               are laid out, and how to add one: scripts/bench/README.md
#
# Needs the venv that `make venv` builds. Nothing leaves the machine: the module, the bare boto3 calls and the
# endpoint talk over 127.0.0.1 only, with dummy credentials. Logs and raw samples stay in build/bench/.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
[ -x "$root/.venv/bin/ansible-playbook" ] || {
  echo "bench: no venv at $root/.venv: run 'make venv' (or 'make bench') first" >&2
  exit 1
}
export PATH=$root/.venv/bin:$PATH
export ANSIBLE_COLLECTIONS_PATH
ANSIBLE_COLLECTIONS_PATH=$(scripts/collection_tree.sh)

work=$root/build/bench
rm -rf "$work"
mkdir -p "$work"
# moto's server, and the fake with moto's S3 behind its address (the batch family's S3) and the listen backlog that
# a benchmark of many new connections at once needs (tests/support/fake_bedrock/server.py says why).
trap 'python tests/support/launcher.py stop "$work"' EXIT
launched=$(python tests/support/launcher.py start "$work" --moto --fake "endpoint=--listen-backlog 128")
# The launcher prints endpoint_url=... and endpoint_pid=... (and moto_url=... with --moto).
endpoint_url="" endpoint_pid=""
eval "$launched"

# Whatever the environment holds, the calls go to the local endpoint only, with dummy credentials.
unset AWS_PROFILE AWS_DEFAULT_PROFILE AWS_SESSION_TOKEN AWS_DEFAULT_REGION ANSIBLE_CONFIG
export AWS_URL=$endpoint_url
export AWS_REGION=us-east-1
export AWS_ACCESS_KEY_ID=AKIDAMAZONAIBENCH
export AWS_SECRET_ACCESS_KEY=amazon-ai-bench-secret
export AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null AWS_EC2_METADATA_DISABLED=true
echo "Local Bedrock Runtime endpoint: $AWS_URL; work directory: ${work#"$root"/}"

output=docs/benchmarks.md
[ -z "${BENCH_ONLY:-}" ] || output=$work/benchmarks.md
python scripts/bench/run.py --collections-path "$ANSIBLE_COLLECTIONS_PATH" --output "$output" \
  --rounds "${BENCH_ROUNDS:-3}" --work-dir "$work" --endpoint-pid "$endpoint_pid" ${BENCH_ONLY:+--only "$BENCH_ONLY"}
