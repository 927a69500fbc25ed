#!/usr/bin/env bash
# make demo: run examples/bedrock_demo.yml against the project's local Bedrock Runtime endpoint on 127.0.0.1.
# Nothing leaves the machine: the endpoint answers like the real model families do, from the request.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
export PATH=$root/.venv/bin:$PATH
export ANSIBLE_COLLECTIONS_PATH
ANSIBLE_COLLECTIONS_PATH=$(scripts/collection_tree.sh)

workdir=$(mktemp -d)
python tests/support/bedrock_endpoint.py --port 0 --port-file "$workdir/port" >"$workdir/endpoint.log" 2>&1 &
endpoint=$!
trap 'kill "$endpoint" 2>/dev/null; wait "$endpoint" 2>/dev/null; rm -rf "$workdir"' EXIT
for _ in $(seq 100); do [ -s "$workdir/port" ] && break; sleep 0.1; done
[ -s "$workdir/port" ] || { cat "$workdir/endpoint.log"; echo "the local endpoint did not start" >&2; exit 1; }
echo "Local Bedrock Runtime endpoint: http://127.0.0.1:$(cat "$workdir/port")"

# The same variables a user would set for real AWS; AWS_URL points amazon.aws modules at the local endpoint.
AWS_URL=http://127.0.0.1:$(cat "$workdir/port") \
AWS_REGION=us-east-1 \
AWS_ACCESS_KEY_ID=AKIDAMAZONAIDEMO \
AWS_SECRET_ACCESS_KEY=amazon-ai-demo-secret \
AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null \
ANSIBLE_LOCALHOST_WARNING=false ANSIBLE_INVENTORY_UNPARSED_WARNING=false \
  ansible-playbook examples/bedrock_demo.yml "$@"
