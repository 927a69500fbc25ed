#!/usr/bin/env bash
# The whole test suite, or some stages of it: scripts/test.sh [unit|integration|compat [name...]|gates]...
# (compat's names, if any, pick combinations of scripts/compat/combinations.txt).
# Expects the venv that `make venv` builds; everything else it needs it sets up itself.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
export PATH=$root/.venv/bin:$PATH
stages=()
compat_names=()
for arg in "$@"; do
  case $arg in
    unit | integration | compat | gates) stages+=("$arg") ;;
    *)
      if [ ${#stages[@]} -gt 0 ] && [ "${stages[-1]}" = compat ]; then
        compat_names+=("$arg")
      else
        echo "unknown stage: $arg" >&2
        exit 2
      fi
      ;;
  esac
done
[ ${#stages[@]} -gt 0 ] || stages=(unit integration compat gates)

collections=$(scripts/collection_tree.sh)
export ANSIBLE_COLLECTIONS_PATH=$collections
# Never let a test reach real AWS, whatever the machine's environment holds.
unset AWS_PROFILE AWS_DEFAULT_PROFILE AWS_URL AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN
export AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null AWS_EC2_METADATA_DISABLED=true

for stage in "${stages[@]}"; do
  echo "=== $stage ==="
  case $stage in
    unit)
      # The module's unit tests, the test endpoint's own tests and the benchmark's arithmetic, against the
      # laid-out collection.
      PYTHONPATH=$collections python -m pytest -p no:cacheprovider --import-mode=importlib -q \
        "$collections/ansible_collections/amazon/ai/tests/unit" "$collections/ansible_collections/amazon/ai/tests/support" \
        "$collections/ansible_collections/amazon/ai/scripts/bench"
      ;;
    integration)
      # The playbook tests, then the demo and a failing playbook run as AWX and the automation controller run a
      # job (ansible-runner, credentials injected as environment variables); both run, either failing fails.
      rc=0
      for runme in tests/integration/targets/*/runme.sh; do
        "$runme" || rc=1
      done
      python tests/integration/runner/run_as_controller.py || rc=1
      [ "$rc" = 0 ]
      ;;
    compat)
      # The main path on every supported ansible-core / amazon.aws / boto3 besides the pinned ones, each in a
      # venv and a collections tree of its own under build/compat/, and ansible-test sanity on the newest.
      scripts/compat.sh "${compat_names[@]}"
      ;;
    gates)
      scripts/gates.sh all
      ;;
    *)
      echo "unknown stage: $stage" >&2
      exit 2
      ;;
  esac
done
