#!/usr/bin/env bash
# The whole test suite, or some stages of it: scripts/test.sh [unit|integration|compat [name...]|gates]...
# (compat's names, if any, pick combinations of scripts/compat/combinations.txt); scripts/test.sh pythons only
# says which Pythons the whole suite needs and where they are.
# Expects the venv that `make venv` builds (Python 3.11 to 3.13); the gates and compat stages also need the real
# interpreters of Python 3.10 to 3.13, which it looks for first. Everything else it sets up itself.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
# shellcheck source=scripts/find_python.sh
source scripts/find_python.sh
stages=()
compat_names=()
for arg in "$@"; do
  case $arg in
    unit | integration | compat | gates | pythons) stages+=("$arg") ;;
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

# The Pythons the stages need besides the venv's, said up front: a missing one fails the run now, not an hour in.
pythons=()
for stage in "${stages[@]}"; do
  case $stage in
    gates | pythons) pythons+=(3.10 3.11 3.12 3.13) ;;
    compat)
      while read -r name version rest; do
        [ -n "$name" ] && [ "${name#\#}" = "$name" ] || continue
        if [ ${#compat_names[@]} = 0 ] || [[ " ${compat_names[*]} " == *" $name "* ]]; then
          pythons+=("$version")
        fi
      done <scripts/compat/combinations.txt
      ;;
  esac
done
if [ ${#pythons[@]} -gt 0 ]; then
  read -ra pythons <<<"$(printf '%s\n' "${pythons[@]}" | sort -uV | tr '\n' ' ')"
  echo "Pythons needed (${pythons[*]}), looked for as $PYTHON_PLACES:"
  python_report "${pythons[@]}" || {
    echo "test: install the missing Python, or set GATES_PYTHON_X_Y to its interpreter" >&2
    exit 1
  }
fi
[ "${stages[*]}" != pythons ] || exit 0

export PATH=$root/.venv/bin:$PATH
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
      # The playbook tests, then the demo, the team set-up example (twice: the second run must change nothing) and
      # a failing playbook run as AWX and the automation controller run a job (ansible-runner, credentials injected
      # as environment variables); both run, either failing fails.
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
    pythons) ;;
    *)
      echo "unknown stage: $stage" >&2
      exit 2
      ;;
  esac
done
