# shellcheck shell=bash
# A small pool of jobs side by side, sourced by scripts/test.sh:
#
#   add_job NAME COMMAND [ARGUMENT...]    queue a job (the pool starts them in the order queued)
#   run_jobs LOG_DIR WIDTH                run them, at most WIDTH at once; each one's output goes to
#                                         LOG_DIR/NAME.log and is printed whole when it ends, so that the
#                                         outputs of jobs running together never interleave; then a line per job
#                                         with its result and time. Returns non-zero when any job failed.
#
# Most of the suite's integration and compatibility jobs wait on model latencies, backoff sleeps and endpoints
# rather than compute, so two of them share a 2-core machine well; queue the longest first.

JOB_NAMES=()
JOB_COMMANDS=()
JOB_SUMMARY=()

add_job() {
  local name=$1
  shift
  JOB_NAMES+=("$name")
  JOB_COMMANDS+=("$(printf '%q ' "$@")")
}

# _job_ended LOG_DIR INDEX: print the ended job's output and record its line in JOB_SUMMARY; returns its status.
_job_ended() {
  local logs=$1 index=$2 name rc seconds status=passed
  name=${JOB_NAMES[index]}
  rc=$(cat "$logs/$name.rc")
  seconds=$(($(cat "$logs/$name.end") - $(cat "$logs/$name.start")))
  [ "$rc" = 0 ] || status=FAILED
  printf '=== %s (%s, %ds) ===\n' "$name" "$status" "$seconds"
  cat "$logs/$name.log"
  JOB_SUMMARY+=("$(printf '  %-46s %-6s %4ds' "$name" "$status" "$seconds")")
  [ "$rc" = 0 ]
}

run_jobs() {
  local logs=$1 width=$2 next=0 running=0 index failed=0
  local -a ended=()
  rm -rf "$logs"
  mkdir -p "$logs"
  JOB_SUMMARY=()
  while [ "$next" -lt ${#JOB_NAMES[@]} ] || [ "$running" -gt 0 ]; do
    while [ "$running" -lt "$width" ] && [ "$next" -lt ${#JOB_NAMES[@]} ]; do
      local name=${JOB_NAMES[next]} command=${JOB_COMMANDS[next]}
      printf -- '--- started: %s\n' "$name"
      # The status file is written last: a job is over once it exists.
      (
        date +%s >"$logs/$name.start"
        rc=0
        bash -c "$command" </dev/null >"$logs/$name.log" 2>&1 || rc=$?
        date +%s >"$logs/$name.end"
        echo "$rc" >"$logs/$name.rc"
      ) &
      next=$((next + 1))
      running=$((running + 1))
    done
    # Any child's end wakes the loop; the status files say which ones ended (two may end together).
    wait -n || true
    for ((index = 0; index < next; index++)); do
      [ -z "${ended[index]:-}" ] && [ -s "$logs/${JOB_NAMES[index]}.rc" ] || continue
      ended[index]=1
      running=$((running - 1))
      _job_ended "$logs" "$index" || failed=$((failed + 1))
    done
  done
  printf '=== jobs: %d run, %d at a time ===\n' ${#JOB_NAMES[@]} "$width"
  printf '%s\n' "${JOB_SUMMARY[@]}"
  printf 'jobs: %d passed, %d failed\n' $((${#JOB_NAMES[@]} - failed)) "$failed"
  [ "$failed" = 0 ]
}
