# shellcheck shell=bash
# The shared harness of every integration target: sourced by tests/integration/targets/<target>/runme.sh.
#
#   runme.sh [--compat] [playbook.yml...]
#
# Starts the endpoints on 127.0.0.1 (moto's server with its recorder on, and the project's fake Bedrock endpoint,
# tests/support/bedrock_endpoint.py, as plain HTTP, as HTTP checking SigV4 signatures, and as HTTPS with a throwaway
# CA, each also serving moto's S3 by forwarding the requests signed for s3), runs the target's playbooks through
# ansible-playbook with their addresses as extra vars, stops the endpoints, and ends with a count line. Which
# playbooks: those named, or with --compat those listed in the target's compat.txt (one file name per line: its main
# path, for the compatibility stage), or else every test_*.yml of the target.
#
# The environment it reads:
#   AMAZON_AI_TOOLS_PYTHON  the Python that runs the endpoints and moto (default: python on PATH); ansible-playbook
#                           is the one on PATH, and the modules run with its Python (ansible_playbook_python)
#   AMAZON_AI_EXTRA_VARS    a YAML file passed to every playbook as -e @file, for example by the compatibility stage
set -uo pipefail
target_dir=$(cd "$(dirname "${BASH_SOURCE[1]}")" && pwd)
collection=$(cd "$target_dir/../../../.." && pwd)
cd "$target_dir" || exit 1

# Nothing may reach real AWS, whatever the environment holds: no shared files, no metadata service.
unset AWS_PROFILE AWS_DEFAULT_PROFILE AWS_URL AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN AWS_REGION
export AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null AWS_EC2_METADATA_DISABLED=true
export ANSIBLE_LOCALHOST_WARNING=false ANSIBLE_INVENTORY_UNPARSED_WARNING=false ANSIBLE_NOCOLOR=1
python=${AMAZON_AI_TOOLS_PYTHON:-${PYTHON:-$(command -v python)}}

harness_work=$(mktemp -d)
harness_pids=()
harness_cleanup() {
  for pid in "${harness_pids[@]}"; do kill "$pid" 2>/dev/null; done
  wait 2>/dev/null
  rm -rf "$harness_work"
}
trap harness_cleanup EXIT

harness_start_endpoint() {  # name, extra arguments...
  local name=$1
  shift
  "$python" "$collection/tests/support/bedrock_endpoint.py" --port 0 --port-file "$harness_work/$name.port" "$@" \
    >"$harness_work/$name.log" 2>&1 &
  harness_pids+=($!)
}

harness_start() {
  "$python" - "$harness_work" "$collection/tests/support" <<'PY' || exit 1
import sys
sys.path.insert(0, sys.argv[2])
from bedrock_endpoint import make_test_ca
make_test_ca(sys.argv[1])
PY
  moto_port=$("$python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  MOTO_ENABLE_RECORDING=true MOTO_RECORDER_FILEPATH="$harness_work/moto-recording.jsonl" \
    "$(dirname "$python")/moto_server" -H 127.0.0.1 -p "$moto_port" >"$harness_work/moto.log" 2>&1 &
  harness_pids+=($!)
  # Each endpoint serves moto's S3 too (requests signed for s3 are forwarded), as a task's endpoint_url is used by
  # all of its clients: the batch module's s3 and bedrock clients share one address.
  local s3=(--s3-upstream "http://127.0.0.1:$moto_port")
  harness_start_endpoint plain "${s3[@]}"
  harness_start_endpoint sigv4 --verify-sigv4 "${s3[@]}"
  harness_start_endpoint tls --tls-cert "$harness_work/server.pem" --tls-key "$harness_work/server.key" "${s3[@]}"

  local name
  for name in plain sigv4 tls; do
    for _ in $(seq 100); do [ -s "$harness_work/$name.port" ] && break; sleep 0.1; done
    [ -s "$harness_work/$name.port" ] || { cat "$harness_work/$name.log"; echo "endpoint $name did not start" >&2; exit 1; }
  done
  "$python" - "$moto_port" <<'PY' || { cat "$harness_work/moto.log"; echo "moto's server did not start" >&2; exit 1; }
import sys, time, urllib.request
for _ in range(150):
    try:
        urllib.request.urlopen(f"http://127.0.0.1:{sys.argv[1]}/moto-api/", timeout=1)
        sys.exit(0)
    except OSError:
        time.sleep(0.2)
sys.exit(1)
PY

  cat >"$harness_work/endpoints.yml" <<YAML
plain_url: http://127.0.0.1:$(cat "$harness_work/plain.port")
sigv4_url: http://127.0.0.1:$(cat "$harness_work/sigv4.port")
tls_url: https://127.0.0.1:$(cat "$harness_work/tls.port")
moto_url: http://127.0.0.1:$moto_port
moto_recording: $harness_work/moto-recording.jsonl
test_ca: $harness_work/ca.pem
work_dir: $harness_work
YAML
}

# Run the playbooks the arguments ask for (see the top of this file); exits with the result.
harness_run() {
  local playbooks=() extra=() playbook
  if [ "${1:-}" = "--compat" ]; then
    shift
    [ -s compat.txt ] || { echo "$(basename "$target_dir"): no compat.txt" >&2; exit 1; }
    while IFS= read -r playbook; do
      [ -n "$playbook" ] && [ "${playbook:0:1}" != "#" ] && playbooks+=("$playbook")
    done <compat.txt
  fi
  playbooks+=("$@")
  [ ${#playbooks[@]} -gt 0 ] || playbooks=(test_*.yml)
  [ -n "${AMAZON_AI_EXTRA_VARS:-}" ] && extra=(-e "@$AMAZON_AI_EXTRA_VARS")
  harness_start

  local passed=0 failed=0 failures=()
  for playbook in "${playbooks[@]}"; do
    echo "--- $playbook"
    if ansible-playbook -i inventory -e "@$harness_work/endpoints.yml" "${extra[@]}" "$playbook"; then
      passed=$((passed + 1))
    else
      failed=$((failed + 1))
      failures+=("$playbook")
    fi
  done
  if [ $failed -ne 0 ]; then
    echo "failed playbooks: ${failures[*]}"
    for f in "$harness_work"/*.log; do echo "== $f"; tail -20 "$f"; done
  fi
  echo "$(basename "$target_dir"): $passed passed, $failed failed"
  [ $failed -eq 0 ]
}
