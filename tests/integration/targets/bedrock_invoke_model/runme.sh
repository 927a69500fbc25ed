#!/usr/bin/env bash
# Playbook-level tests of amazon.ai.bedrock_invoke_model through real ansible-playbook, botocore and HTTP on
# 127.0.0.1. Starts its own endpoints (moto's server with its recorder on, and the project's Bedrock Runtime
# fake as plain HTTP, as HTTP checking SigV4 signatures, and as HTTPS with a throwaway CA), runs every
# playbook in this folder (or those named as arguments), stops the endpoints, and ends with a count line.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
collection=$(cd "$here/../../../.." && pwd)
cd "$here" || exit 1

# Nothing may reach real AWS, whatever the environment holds: no shared files, no metadata service.
unset AWS_PROFILE AWS_DEFAULT_PROFILE AWS_URL AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN AWS_REGION
export AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null AWS_EC2_METADATA_DISABLED=true
export ANSIBLE_LOCALHOST_WARNING=false ANSIBLE_INVENTORY_UNPARSED_WARNING=false ANSIBLE_NOCOLOR=1
python=${PYTHON:-$(command -v python)}

work=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null; done
  wait 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

start_endpoint() {  # name, extra arguments...
  local name=$1; shift
  "$python" "$collection/tests/support/bedrock_endpoint.py" --port 0 --port-file "$work/$name.port" "$@" \
    >"$work/$name.log" 2>&1 &
  pids+=($!)
}

"$python" - "$work" <<'PY' || exit 1
import sys
sys.path.insert(0, "../../../support")
from bedrock_endpoint import make_test_ca
make_test_ca(sys.argv[1])
PY
start_endpoint plain
start_endpoint sigv4 --verify-sigv4
start_endpoint tls --tls-cert "$work/server.pem" --tls-key "$work/server.key"
moto_port=$("$python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
MOTO_ENABLE_RECORDING=true MOTO_RECORDER_FILEPATH="$work/moto-recording.jsonl" \
  "$(dirname "$python")/moto_server" -H 127.0.0.1 -p "$moto_port" >"$work/moto.log" 2>&1 &
pids+=($!)

for name in plain sigv4 tls; do
  for _ in $(seq 100); do [ -s "$work/$name.port" ] && break; sleep 0.1; done
  [ -s "$work/$name.port" ] || { cat "$work/$name.log"; echo "endpoint $name did not start" >&2; exit 1; }
done
"$python" - "$moto_port" <<'PY' || { cat "$work/moto.log"; echo "moto's server did not start" >&2; exit 1; }
import sys, time, urllib.request
for _ in range(150):
    try:
        urllib.request.urlopen(f"http://127.0.0.1:{sys.argv[1]}/moto-api/", timeout=1)
        sys.exit(0)
    except OSError:
        time.sleep(0.2)
sys.exit(1)
PY

cat >"$work/endpoints.yml" <<YAML
plain_url: http://127.0.0.1:$(cat "$work/plain.port")
sigv4_url: http://127.0.0.1:$(cat "$work/sigv4.port")
tls_url: https://127.0.0.1:$(cat "$work/tls.port")
moto_url: http://127.0.0.1:$moto_port
moto_recording: $work/moto-recording.jsonl
test_ca: $work/ca.pem
work_dir: $work
YAML

playbooks=("$@")
[ ${#playbooks[@]} -gt 0 ] || playbooks=(test_*.yml)
passed=0
failed=0
failures=()
for playbook in "${playbooks[@]}"; do
  echo "--- $playbook"
  if ansible-playbook -i inventory -e "@$work/endpoints.yml" "$playbook"; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    failures+=("$playbook")
  fi
done
[ $failed -eq 0 ] || { echo "failed playbooks: ${failures[*]}"; for f in "$work"/*.log; do echo "== $f"; tail -20 "$f"; done; }
echo "integration: $passed passed, $failed failed"
[ $failed -eq 0 ]
