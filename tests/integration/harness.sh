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
harness_launcher=$collection/tests/support/launcher.py
harness_cleanup() {
  "$python" "$harness_launcher" stop "$harness_work"
  rm -rf "$harness_work"
}
trap harness_cleanup EXIT

harness_start() {
  "$python" - "$harness_work" "$collection/tests/support" <<'PY' || exit 1
import sys
sys.path.insert(0, sys.argv[2])
from bedrock_endpoint import make_test_ca
make_test_ca(sys.argv[1])
PY
  # moto's server, recording what it serves, and the fake three times; each fake serves moto's S3 too (requests
  # signed for s3 are forwarded), as a task's endpoint_url is used by all of its clients: the batch module's s3
  # and bedrock clients share one address. The launcher waits until every one answers.
  local tls launched
  tls=$(printf '%q ' --tls-cert "$harness_work/server.pem" --tls-key "$harness_work/server.key")
  launched=$("$python" "$harness_launcher" start "$harness_work" --moto-recording "$harness_work/moto-recording.jsonl" \
    --fake plain --fake "sigv4=--verify-sigv4" --fake "tls=$tls") || exit 1
  local plain_url sigv4_url tls_url moto_url
  eval "$(grep -E '^(plain|sigv4|tls|moto)_url=' <<<"$launched")"

  cat >"$harness_work/endpoints.yml" <<YAML
plain_url: $plain_url
sigv4_url: $sigv4_url
tls_url: $tls_url
moto_url: $moto_url
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
