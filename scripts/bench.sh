#!/usr/bin/env bash
# make bench: measure how fast many prompts go with amazon.ai.bedrock_invoke_models, what a user pays per call of
# amazon.ai.bedrock_invoke_model and of amazon.ai.bedrock_converse, and how batch inference jobs
# (amazon.ai.bedrock_model_invocation_job) grow with their records, against the project's Bedrock fake on 127.0.0.1
# (and moto's S3 behind it), and write docs/benchmarks.md. A benchmark, not a test: it fails only when a
# measurement cannot be taken, never because a number misses its goal.
#
#   scripts/bench.sh            BENCH_ROUNDS=N (default 3) rounds, about 5 minutes each on 2 cores, then the
#                               100-prompt comparison of amazon.ai.bedrock_invoke_models, the 50,000-record batch
#                               job and 1,000 embeddings once (about 8 minutes)
#   BENCH_ONLY=many scripts/bench.sh
#                               only the scenario families named, comma-separated: many (many prompts in one
#                               task, about 7 minutes), one (one call per task), converse (bedrock_converse
#                               against bedrock_invoke_model, under a minute a round) or batch (batch inference
#                               jobs of 1,000 to 50,000 records and 1,000 embeddings, with moto's S3 behind the
#                               fake's address: about 3 minutes with BENCH_ROUNDS=1); their report goes to
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
# moto's S3 server, which the fake serves behind its own address when it can (the batch family's S3).
s3=()
if python scripts/bench/endpoint.py --help | grep -q -- --s3-upstream; then
  moto_port=$(python -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  "$root/.venv/bin/moto_server" -H 127.0.0.1 -p "$moto_port" >"$work/moto.log" 2>&1 &
  moto=$!
  s3=(--s3-upstream "http://127.0.0.1:$moto_port")
fi
# The fake, with the two socket settings that a benchmark of many requests in flight needs (see endpoint.py).
python scripts/bench/endpoint.py --port 0 --port-file "$work/port" "${s3[@]}" >"$work/endpoint.log" 2>&1 &
endpoint=$!
trap 'kill "$endpoint" ${moto:-} 2>/dev/null; wait "$endpoint" ${moto:-} 2>/dev/null || true' EXIT
if [ -n "${moto:-}" ]; then
  for _ in $(seq 100); do (exec 3<>"/dev/tcp/127.0.0.1/$moto_port") 2>/dev/null && break; sleep 0.1; done
fi
for _ in $(seq 100); do [ -s "$work/port" ] && break; sleep 0.1; done
[ -s "$work/port" ] || {
  cat "$work/endpoint.log" >&2
  echo "bench: the local endpoint did not start" >&2
  exit 1
}

# Whatever the environment holds, the calls go to the local endpoint only, with dummy credentials.
unset AWS_PROFILE AWS_DEFAULT_PROFILE AWS_SESSION_TOKEN AWS_DEFAULT_REGION ANSIBLE_CONFIG
AWS_URL=http://127.0.0.1:$(cat "$work/port")
export AWS_URL
export AWS_REGION=us-east-1
export AWS_ACCESS_KEY_ID=AKIDAMAZONAIBENCH
export AWS_SECRET_ACCESS_KEY=amazon-ai-bench-secret
export AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null AWS_EC2_METADATA_DISABLED=true
echo "Local Bedrock Runtime endpoint: $AWS_URL; work directory: ${work#"$root"/}"

output=docs/benchmarks.md
[ -z "${BENCH_ONLY:-}" ] || output=$work/benchmarks.md
python scripts/bench/run.py --collections-path "$ANSIBLE_COLLECTIONS_PATH" --output "$output" \
  --rounds "${BENCH_ROUNDS:-3}" --work-dir "$work" --endpoint-pid "$endpoint" ${BENCH_ONLY:+--only "$BENCH_ONLY"}
