#!/usr/bin/env bash
# The whole test suite, or some stages of it: scripts/test.sh [unit|integration|compat [name...]|gates]...
# (compat's names, if any, pick combinations of scripts/compat/combinations.txt); scripts/test.sh pythons only
# says which Pythons the whole suite needs and where they are.
# Expects the venv that `make venv` builds (Python 3.11 to 3.13); the gates and compat stages also need the real
# interpreters of Python 3.10 to 3.13, which it looks for first. Everything else it sets up itself.
# The integration and compat stages run together, as jobs side by side (TEST_JOBS at a time, default 2; their
# logs stay in build/test-logs/). Every stage runs even when an earlier one failed; a summary ends the run.
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

# shellcheck source=scripts/jobs.sh
source scripts/jobs.sh
# The integration targets, the ansible-runner check and the compatibility combinations run as jobs side by side,
# TEST_JOBS at a time (default 2; 1 runs them one after the other), the longest first: the target with the most
# playbooks, then the combinations (the newest first), then the other targets.
queue_jobs() {
  local integration=false compat=false count runme name rest targets=()
  [[ " $* " != *" integration "* ]] || integration=true
  [[ " $* " != *" compat "* ]] || compat=true
  if [ "$integration" = true ]; then
    while read -r count runme; do
      targets+=("$runme")
    done < <(for runme in tests/integration/targets/*/runme.sh; do
      count=$(find "$(dirname "$runme")" -maxdepth 1 -name 'test_*.yml' | wc -l)
      echo "$count $runme"
    done | sort -k1,1nr -k2,2)
    [ ${#targets[@]} -gt 0 ] || { echo "no integration target" >&2; return 1; }
    add_job "integration-$(basename "$(dirname "${targets[0]}")")" "${targets[0]}"
  fi
  if [ "$compat" = true ]; then
    while read -r name rest; do
      [ -n "$name" ] && [ "${name#\#}" = "$name" ] || continue
      if [ ${#compat_names[@]} = 0 ] || [[ " ${compat_names[*]} " == *" $name "* ]]; then
        add_job "compat-$name" scripts/compat.sh "$name"
      fi
    done < <(sort -k3,3Vr scripts/compat/combinations.txt)
  fi
  if [ "$integration" = true ]; then
    for runme in "${targets[@]:1}"; do
      add_job "integration-$(basename "$(dirname "$runme")")" "$runme"
    done
    # The demo, the team set-up example (twice: the second run must change nothing) and a failing playbook, run as
    # AWX and the automation controller run a job (ansible-runner, credentials injected as environment variables).
    add_job integration-ansible-runner python tests/integration/runner/run_as_controller.py
  fi
}

summary=()
failed=()
pooled=false
for stage in "${stages[@]}"; do
  start=$SECONDS
  case $stage in
    unit)
      echo "=== unit ==="
      # The module's unit tests, the test endpoint's own tests and the benchmark's arithmetic, against the
      # laid-out collection.
      PYTHONPATH=$collections python -m pytest -p no:cacheprovider --import-mode=importlib -q \
        "$collections/ansible_collections/amazon/ai/tests/unit" "$collections/ansible_collections/amazon/ai/tests/support" \
        "$collections/ansible_collections/amazon/ai/scripts/bench" || failed+=(unit)
      ;;
    integration | compat)
      # Both stages run in one pool, where the first of them stands.
      [ "$pooled" = false ] || continue
      pooled=true
      pool=()
      [[ " ${stages[*]} " != *" integration "* ]] || pool+=(integration)
      [[ " ${stages[*]} " != *" compat "* ]] || pool+=(compat)
      stage=$(IFS=+ && echo "${pool[*]}")
      echo "=== $stage ==="
      queue_jobs "${pool[@]}"
      run_jobs "$root/build/test-logs" "${TEST_JOBS:-2}" || failed+=("$stage")
      ;;
    gates)
      echo "=== gates ==="
      scripts/gates.sh all || failed+=(gates)
      ;;
    pythons) continue ;;
    *)
      echo "unknown stage: $stage" >&2
      exit 2
      ;;
  esac
  summary+=("$(printf '  %-20s %4ds' "$stage" $((SECONDS - start)))")
done
echo "=== test summary ==="
printf '%s\n' "${summary[@]}"
[ ${#JOB_SUMMARY[@]} = 0 ] || printf '  jobs:\n%s\n' "$(printf '  %s\n' "${JOB_SUMMARY[@]}")"
if [ ${#failed[@]} -gt 0 ]; then
  echo "test: failed: ${failed[*]} (each stage's output above; the jobs' logs are in build/test-logs/)"
  exit 1
fi
echo "test: every stage passed"
