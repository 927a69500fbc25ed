#!/usr/bin/env bash
# The compatibility stage of `make test`: the collection on every ansible-core / amazon.aws / boto3 combination
# of scripts/compat/combinations.txt, each in a venv and a collections tree of its own.
#
#   scripts/compat.sh [name...]        every combination, or those named (scripts/test.sh compat [name...])
#   scripts/compat.sh --prepare name [boto3]
#                                      only lay out that combination's venv and tree (below; with another boto3,
#                                      under build/compat/<name>-boto3-<version>/) and print the two paths, one a
#                                      line; needs no main .venv (scripts/demo.sh on Python 3.10)
#
# For each combination, under build/compat/<name>/:
#   venv/         its Python with its ansible-core, boto3 and botocore and the collection's requirements.txt;
#                 reused while that set is unchanged (venv/.stamp), otherwise built afresh (pip's cache helps)
#   amazon.aws/   that collection, unpacked from the `ansible` package's wheel (downloaded once, into
#                 ~/.cache/amazon-ai/wheels, or $AMAZON_AI_CACHE/wheels)
#   collections/  ansible_collections/amazon/{ai,aws}, laid out by scripts/collection_tree.sh
#   extra_vars.yml  what the playbooks may read about the combination (tests/integration/README.md)
# then checks that Ansible runs exactly that combination, runs every integration target's compat playbooks
# (tests/integration/targets/<target>/compat.txt, through `runme.sh --compat`) with the venv's ansible-playbook
# (so the modules run with its boto3) while the test endpoints run on the main .venv, then ansible-test sanity and
# ansible-test units with its ansible-core on its Python (scripts/gates.sh sanity and units, nothing ignored; the
# unit tests' own requirements, boto3 among them, come from tests/unit/requirements.txt as ansible-test installs
# them, not from the combination's pins).
# Ends with a line per combination and "compat: N passed, N failed"; exits non-zero when any failed.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
table=$root/scripts/compat/combinations.txt
work=$root/build/compat
cache=${AMAZON_AI_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/amazon-ai}
# The test endpoints and moto's server need the packages of test-requirements.txt, which no combination has.
tools_python=$root/.venv/bin/python
# shellcheck source=scripts/find_python.sh
source "$root/scripts/find_python.sh"

say() { printf '%s\n' "$*"; }
die() {
  printf 'compat: %s\n' "$*" >&2
  exit 1
}
# pip's warnings about index locations this kind of machine is configured with but lacks say nothing here.
tidy() { sed -u -e "/^WARNING: Location 'file:.*' is ignored: it is neither a file nor a directory\.$/d"; }

declare -A ROWS=()
NAMES=()
load_table() {
  local name rest
  while read -r name rest; do
    [ -n "$name" ] && [ "${name#\#}" = "$name" ] || continue
    NAMES+=("$name")
    ROWS[$name]=$rest
  done <"$table"
  [ ${#NAMES[@]} -gt 0 ] || die "no combinations in ${table#"$root"/}"
}

# The venv of a combination: rebuilt when its Python, its pins or requirements.txt change.
ensure_venv() {
  local venv=$1 python=$2 core=$3 boto3=$4 requirements stamp
  requirements="-r $root/requirements.txt
ansible-core==$core
boto3==$boto3
botocore==$boto3"
  stamp=$({ "$python" -VV; printf '%s\n' "$python" "$requirements"; cat "$root/requirements.txt"; } | sha256sum | cut -c1-64)
  if [ -x "$venv/bin/python" ] && [ "$(cat "$venv/.stamp" 2>/dev/null)" = "$stamp" ]; then
    say "venv: ${venv#"$root"/} is up to date"
    return 0
  fi
  say "venv: building ${venv#"$root"/} (ansible-core $core, boto3 $boto3)"
  rm -rf "$venv"
  "$python" -m venv "$venv"
  printf '%s\n' "$requirements" >"$venv/requirements.txt"
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$venv/requirements.txt" 2>&1 | tidy
  # Written last: a venv whose install broke off is never taken for a finished one.
  printf '%s\n' "$stamp" >"$venv/.stamp"
}

# amazon.aws from the `ansible` package's wheel (only ansible_collections/amazon/aws of it) into $2, with the
# Python $3 (its pip downloads the wheel); prints its version (MANIFEST.json).
ensure_amazon_aws() {
  local ansible=$1 dest=$2 tools_python=$3 wheel lock
  wheel=$cache/wheels/ansible-$ansible-py3-none-any.whl
  mkdir -p "$cache/wheels"
  # Combinations run side by side (scripts/test.sh) may want the same wheel: one downloads it, the others wait.
  exec {lock}>"$cache/wheels/.lock"
  flock "$lock"
  if [ ! -s "$wheel" ]; then
    # Not installed anywhere, only unpacked: its Python requirement and dependencies do not apply.
    "$tools_python" -m pip download --quiet --disable-pip-version-check --no-deps --only-binary :all: \
      --ignore-requires-python -d "$cache/wheels" "ansible==$ansible" 2>&1 | tidy >&2
    [ -s "$wheel" ] || die "pip download ansible==$ansible wrote no $wheel"
  fi
  exec {lock}>&-
  if [ "$(cat "$dest.stamp" 2>/dev/null)" != "$(basename "$wheel")" ] || [ ! -s "$dest/MANIFEST.json" ]; then
    rm -f "$dest.stamp"
    "$tools_python" - "$wheel" "$dest" <<'PY' >&2
import os
import shutil
import sys
import zipfile

wheel, dest = sys.argv[1:]
prefix = "ansible_collections/amazon/aws/"
partial = dest + ".partial"
shutil.rmtree(partial, ignore_errors=True)
with zipfile.ZipFile(wheel) as archive:
    members = [name for name in archive.namelist() if name.startswith(prefix) and not name.endswith("/")]
    if not members:
        sys.exit(f"{wheel} holds no {prefix}")
    for name in members:
        relative = name[len(prefix) :]
        if ".." in relative.split("/"):
            sys.exit(f"{wheel}: refusing to unpack {name}")
        target = os.path.join(partial, relative)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        with archive.open(name) as source, open(target, "wb") as copy:
            shutil.copyfileobj(source, copy)
shutil.rmtree(dest, ignore_errors=True)
os.rename(partial, dest)
PY
    basename "$wheel" >"$dest.stamp"
  fi
  "$tools_python" -c 'import json, sys; print(json.load(open(sys.argv[1]))["collection_info"]["version"])' \
    "$dest/MANIFEST.json"
}

# The versions Ansible really runs with this combination's venv and tree, as "name version" lines.
installed_versions() {
  local venv=$1
  "$venv/bin/python" -c 'import platform, ansible.release, boto3, botocore
print("python", platform.python_version())
print("ansible-core", ansible.release.__version__)
print("boto3", boto3.__version__)
print("botocore", botocore.__version__)'
  "$venv/bin/ansible-galaxy" collection list --format json 2>/dev/null | "$venv/bin/python" -c 'import json, sys
found = {}
for collections in json.load(sys.stdin).values():
    for name, info in collections.items():
        found.setdefault(name, []).append(info["version"])
for name in ("amazon.aws", "amazon.ai"):
    print(name, ",".join(found.get(name, ["missing"])))'
}

# The venv, amazon.aws and collections tree of combination $1 in $work/$3, each reused while unchanged; amazon.aws
# is fetched with the Python $2 (the main .venv's, or with none there the combination's); $4: another boto3.
prepare_combination() {
  local name=$1 tools=$2 dir=$work/$3 pyver core ansible aws_expected boto3 extra python aws_version
  read -r pyver core ansible aws_expected boto3 extra <<<"${ROWS[$name]}"
  [ -n "$boto3" ] && [ -z "$extra" ] || die "$name: a line of ${table#"$root"/} needs exactly 6 fields"
  boto3=${4:-$boto3}
  mkdir -p "$dir"
  python=$(find_python "$pyver")
  ensure_venv "$dir/venv" "$python" "$core" "$boto3"
  [ -x "$tools" ] || tools=$dir/venv/bin/python
  aws_version=$(ensure_amazon_aws "$ansible" "$dir/amazon.aws" "$tools")
  [ "$aws_version" = "$aws_expected" ] ||
    die "$name: the ansible $ansible wheel carries amazon.aws $aws_version, the table says $aws_expected"
  COLLECTIONS_DIR=$dir/collections AMAZON_AWS_DIR=$dir/amazon.aws "$root/scripts/collection_tree.sh" >/dev/null
}

run_combination() {
  local name=$1 pyver core ansible aws_expected boto3
  read -r pyver core ansible aws_expected boto3 <<<"${ROWS[$name]}"
  local dir=$work/$name python
  local venv=$dir/venv collections=$dir/collections aws=$dir/amazon.aws extra=$dir/extra_vars.yml
  prepare_combination "$name" "$tools_python" "$name"
  python=$(find_python "$pyver")

  # Ansible must find this tree's collections only, and run this venv's ansible-core and boto3.
  export ANSIBLE_COLLECTIONS_PATH=$collections ANSIBLE_COLLECTIONS_SCAN_SYS_PATH=false
  unset ANSIBLE_CONFIG GATES_TREE_READY
  local versions expected
  versions=$(PATH=$venv/bin:$PATH installed_versions "$venv")
  expected="python $("$python" -c 'import platform; print(platform.python_version())')
ansible-core $core
boto3 $boto3
botocore $boto3
amazon.aws $aws_expected
amazon.ai $(sed -n 's/^version: *//p' "$root/galaxy.yml")"
  if [ "$versions" != "$expected" ]; then
    diff <(say "$expected") <(say "$versions") >&2 || true
    die "$name: Ansible does not run the combination it should (expected <, found >)"
  fi
  say "$name: $(tr '\n' ' ' <<<"$versions")"

  cat >"$extra" <<YAML
compat_name: "$name"
compat_python_version: "$pyver"
compat_ansible_core_version: "$core"
compat_amazon_aws_version: "$aws_expected"
boto3_version: "$boto3"
botocore_version: "$boto3"
YAML

  local compat_list target targets=() failed=()
  for compat_list in "$root"/tests/integration/targets/*/compat.txt; do
    [ -e "$compat_list" ] || continue
    targets+=("$(dirname "$compat_list")")
  done
  [ ${#targets[@]} -gt 0 ] || die "no integration target has a compat.txt: nothing would be tested"
  for target in "${targets[@]}"; do
    say "--- $name: $(basename "$target") ($(grep -c -v -e '^$' -e '^#' "$target/compat.txt") playbooks)"
    PATH=$venv/bin:$PATH AMAZON_AI_TOOLS_PYTHON=$tools_python AMAZON_AI_EXTRA_VARS=$extra \
      "$target/runme.sh" --compat || failed+=("$(basename "$target")")
  done

  local gate
  for gate in sanity units; do
    say "--- $name: ansible-test $gate (ansible-core $core, Python $pyver)"
    GATES_VENV=$venv GATES_COLLECTIONS=$collections AMAZON_AWS_DIR=$aws GATES_CONTROLLER_VERSION=$pyver \
      GATES_TARGET_VERSIONS=$pyver "$root/scripts/gates.sh" "$gate" || failed+=("$gate")
  done
  [ ${#failed[@]} = 0 ] || die "$name: failed: ${failed[*]}"
}

main() {
  load_table
  if [ "${1:-}" = --prepare ]; then
    [ -n "${ROWS[${2:-}]:-}" ] || die "no combination named '${2:-}'"
    local dir=$2${3:+-boto3-$3}
    # What it says goes to stderr: stdout is the two paths.
    prepare_combination "$2" "$tools_python" "$dir" "${3:-}" >&2
    printf '%s\n' "$work/$dir/venv" "$work/$dir/collections"
    return
  fi
  if [ "${1:-}" = --one ]; then
    [ -n "${ROWS[${2:-}]:-}" ] || die "no combination named '${2:-}'"
    run_combination "$2"
    return
  fi
  local names=("$@") name
  [ ${#names[@]} -gt 0 ] || names=("${NAMES[@]}")
  for name in "${names[@]}"; do
    [ -n "${ROWS[$name]:-}" ] || die "no combination named '$name' (${table#"$root"/} has: ${NAMES[*]})"
  done
  [ -x "$tools_python" ] || die "no venv at $root/.venv: run 'make venv' first"
  local start rc status summary=() passed=0 broken=0 pyver core ansible aws boto3 rest
  for name in "${names[@]}"; do
    say "=== compat: $name ==="
    start=$SECONDS
    # A child process, so that `set -e` still stops a combination at its first failing command.
    rc=0
    "$BASH" "${BASH_SOURCE[0]}" --one "$name" || rc=$?
    read -r pyver core ansible aws boto3 rest <<<"${ROWS[$name]}"
    status=passed
    if [ "$rc" = 0 ]; then
      passed=$((passed + 1))
    else
      status=FAILED
      broken=$((broken + 1))
    fi
    summary+=("$(printf '  %-10s %-6s  %4ds  Python %s, ansible-core %s, amazon.aws %s, boto3 %s' \
      "$name" "$status" $((SECONDS - start)) "$pyver" "$core" "$aws" "$boto3")")
  done
  say "=== compat summary ==="
  printf '%s\n' "${summary[@]}"
  say "compat: $passed passed, $broken failed"
  [ "$broken" = 0 ]
}

main "$@"
