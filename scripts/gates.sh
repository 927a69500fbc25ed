#!/usr/bin/env bash
# The gates an Ansible collection is judged by, each failing on any problem, nothing ignored:
#
#   scripts/gates.sh [all|format|sanity|units|lint|docs|docs-check|changelog|galaxy|ee]...
#
#   format      black and isort in check mode over plugins, tests and scripts (`make format` fixes what they
#               report), and yamllint --strict over the collection's YAML (.yamllint).
#   sanity      ansible-test sanity, every test, on the controller Python 3.11; compile and import (the only
#               tests that depend on the target's Python) also on 3.10, 3.12 and 3.13. No ignore files.
#   units       ansible-test units on the controller Python 3.11 (scripts/compat.sh runs them on 3.10, 3.12 and
#               3.13, with the other ansible-cores).
#   lint        ansible-lint, production profile, strict, offline.
#   docs        (re)write docs/<fqcn>_module.rst for every module with antsibull-docs (what `make docs` runs).
#   docs-check  docs/ is what `docs` would write, byte for byte, docutils finds nothing to report in it, and
#               antsibull-docs lint-collection-docs --plugin-docs passes.
#   changelog   antsibull-changelog lint (fragments, changelog.yaml); CHANGELOG.rst is what changelog.yaml gives.
#   galaxy      ansible-galaxy collection build; the tarball installs into an empty collections path and
#               ansible-doc shows its module; galaxy-importer (Galaxy's own checks) reports no ERROR or WARNING.
#   ee          execution environments: ansible-builder introspect on the installed tarball lists exactly
#               requirements.txt (and no system package), and ansible-builder create accepts
#               examples/execution-environment.yml and writes its build context (no container engine needed).
#   all         all of them but docs, the quick ones first (format docs-check changelog lint galaxy ee sanity
#               units), each to the end even when one fails, then a summary with each gate's time (the default).
#
# Needs the venv that `make venv` builds ($ROOT/.venv, from test-requirements.txt) and Pythons 3.10 to 3.13
# (found on PATH or under pyenv, or named by GATES_PYTHON_3_10 and so on). Everything else it installs itself,
# into build/gates/ and ansible-test's own cache (~/.ansible/test). It runs on a copy of the collection,
# build/collections/ansible_collections/amazon/ai (scripts/collection_tree.sh), never on the work tree;
# GATES_TREE_READY=1 runs the gates on that copy as it is, to try a change there without touching the repo.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
GATES_DIR=$ROOT/scripts/gates
VENV=${GATES_VENV:-$ROOT/.venv}
WORK=$ROOT/build/gates
# scripts/compat.sh runs sanity and units on another ansible-core: its venv, its tree, its Pythons.
COLLECTIONS=${GATES_COLLECTIONS:-$ROOT/build/collections}
TREE=$COLLECTIONS/ansible_collections/amazon/ai
COLLECTION=amazon.ai
CONTROLLER_VERSION=${GATES_CONTROLLER_VERSION:-3.11}
read -ra TARGET_VERSIONS <<<"${GATES_TARGET_VERSIONS:-3.10 3.11 3.12 3.13}"
# Units on the pinned ansible-core run on the controller Python only: the compatibility stage runs them on the
# other Pythons (3.10 with ansible-core 2.17, 3.13 with 2.18, 3.12 with 2.20 and 2.21; scripts/compat/
# combinations.txt), so that running them there too does not lengthen `make test`.
read -ra UNITS_TARGET_VERSIONS <<<"${GATES_TARGET_VERSIONS:-$CONTROLLER_VERSION}"
ALL_GATES=(format docs-check changelog lint galaxy ee sanity units)

declare -A PYTHON=()

say() { printf '%s\n' "$*"; }
die() {
  printf 'gates: %s\n' "$*" >&2
  exit 1
}

# pip on this kind of machine warns about every index location it is configured with but cannot find; those
# lines say nothing about the collection, so they are dropped to keep the output readable.
tidy() { sed -u -e "/^WARNING: Location 'file:.*' is ignored: it is neither a file nor a directory\.$/d"; }

# find_python X.Y: the real interpreter of Python X.Y, as ansible-test wants it.
# shellcheck source=scripts/find_python.sh
source "$ROOT/scripts/find_python.sh"

setup_environment() {
  [ -x "$VENV/bin/ansible-test" ] || die "no venv at $VENV: run 'make venv' first"
  export PATH=$VENV/bin:$WORK/bin:$PATH
  # Nothing here may reach AWS, or depend on the caller's Ansible configuration.
  unset ANSIBLE_CONFIG AWS_PROFILE AWS_DEFAULT_PROFILE AWS_URL AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN
}

# The Pythons that sanity and units test on (the other gates need none but the venv's).
find_target_pythons() {
  local version dirs=""
  for version in "${TARGET_VERSIONS[@]}"; do
    [ -n "${PYTHON[$version]:-}" ] || PYTHON[$version]=$(find_python "$version")
    case ":$dirs:" in
      *":$(dirname "${PYTHON[$version]}"):"*) ;;
      *) dirs=$dirs:$(dirname "${PYTHON[$version]}") ;;
    esac
  done
  # ansible-test creates the venvs of the import test from the "pythonX.Y" it finds on PATH, whatever
  # --target-python says, and a pyenv shim there fails; so the real interpreters' directories come right
  # after the venv's (whose python3 and pip they must not shadow) and build/gates/bin (shellcheck).
  PATH=$VENV/bin:$WORK/bin${dirs}:${PATH#"$VENV/bin:$WORK/bin:"}
}

# The copy of the collection that the gates run on, laid out once per run (GATES_TREE_READY is set for the
# gates that `all` runs as child processes).
lay_out_tree() {
  [ "${GATES_TREE_READY:-}" = 1 ] && return 0
  VENV_PYTHON=$VENV/bin/python COLLECTIONS_DIR=$COLLECTIONS "$ROOT/scripts/collection_tree.sh" >/dev/null
  # The copy sits in the repo's ignored build/, and tools that ask git which files belong to the collection
  # (ansible-test, ansible-lint, antsibull-docs) would find none; a repository of its own (nothing committed:
  # they list untracked files that its .gitignore does not exclude) makes them see exactly the collection.
  git -C "$TREE" init --quiet
  export GATES_TREE_READY=1
}

# A venv under build/gates/ holding a requirements file's packages, rebuilt when that file changes.
ensure_venv() {
  local dir=$1 requirements=$2
  if [ -x "$dir/bin/python" ] && cmp -s "$requirements" "$dir/.requirements"; then
    return 0
  fi
  say "Installing $(basename "$requirements") into ${dir#"$ROOT"/}"
  rm -rf "$dir"
  [ -n "${PYTHON[$CONTROLLER_VERSION]:-}" ] || PYTHON[$CONTROLLER_VERSION]=$(find_python "$CONTROLLER_VERSION")
  "${PYTHON[$CONTROLLER_VERSION]}" -m venv "$dir"
  "$dir/bin/python" -m pip install --quiet --disable-pip-version-check -r "$requirements" 2>&1 | tidy
  cp "$requirements" "$dir/.requirements"
}

# ansible-test bootstraps pip into each venv it makes with a get-pip.py that it downloads, once, into its
# cache; the host it comes from is not reachable from CI. Where the cache has none, put a stand-in there that
# uses Python's own ensurepip instead. Where the download works, or was done before, nothing changes.
install_get_pip_standin() {
  local pip_version cache
  pip_version=$(python -c 'import types
from ansible_test._internal.python_requirements import get_venv_packages
print(get_venv_packages(types.SimpleNamespace(version="'"$CONTROLLER_VERSION"'"))["pip"])') ||
    die "cannot tell which pip ansible-test bootstraps (ansible_test._internal changed?)"
  cache=$HOME/.ansible/test/cache/get_pip_${pip_version//./_}.py
  # A stand-in put there by an older version of this script is brought up to date; a real get-pip.py stays.
  if [ ! -e "$cache" ] || { grep -q "^\"\"\"Offline stand-in for the get-pip.py" "$cache" &&
    ! cmp -s "$GATES_DIR/get_pip_standin.py" "$cache"; }; then
    mkdir -p "$(dirname "$cache")"
    cp "$GATES_DIR/get_pip_standin.py" "$cache"
    say "Installed the offline pip $pip_version bootstrap stand-in: $cache"
  fi
}

# ansible-test runs pip with an environment of its own (PIP_QUIET would not reach it) and shows every package
# it installs into each venv; those progress lines go, pip's warnings and errors stay.
ansible_test() {
  (cd "$TREE" && ansible-test "$@" --color no --requirements) 2>&1 | tidy | sed -u -E \
    -e '/^(Looking in (indexes|links)|Collecting |  Downloading |Processing |Installing collected packages|Successfully installed )/d' \
    -e '/^ +[━╸ ]+ [0-9.]+\/[0-9.]+ [kMG]?B /d'
}

# Sets the array named $2 to ansible-test's --controller (a venv of the controller Python) and one
# --target-python per version, each prefixed by $1 ("venv/" for a venv of that Python, "" for the Python itself).
python_args() {
  local prefix=$1 version
  local -n into=$2
  into=(--controller "origin:python=venv/$CONTROLLER_VERSION@${PYTHON[$CONTROLLER_VERSION]}")
  for version in "${TARGET_VERSIONS[@]}"; do
    into+=(--target-python "$prefix$version@${PYTHON[$version]}")
  done
}

gate_sanity() {
  lay_out_tree
  local ignores
  ignores=$(cd "$TREE" && find tests/sanity -maxdepth 1 -type f \( -name 'ignore-*.txt' -o -name 'skip-*.txt' \) 2>/dev/null || true)
  [ -z "$ignores" ] || die "sanity ignore files are not allowed, fix the code instead: $ignores"
  find_target_pythons
  local args lock
  python_args "" args
  # ansible-test keeps the venvs of its sanity tests in ~/.ansible/test/venv, shared by every run of any
  # ansible-core, and removes and rebuilds one it finds unfinished, with no lock; scripts/compat.sh runs
  # combinations side by side, each with this gate. So they are made (--prime-venvs, quick once they exist), and
  # build/gates/tools with them, by one run at a time; the tests themselves then run side by side.
  mkdir -p "$HOME/.ansible/test"
  exec {lock}>"$HOME/.ansible/test/.amazon-ai-sanity.lock"
  flock "$lock"
  install_get_pip_standin
  ensure_venv "$WORK/tools" "$GATES_DIR/tools-requirements.txt"
  mkdir -p "$WORK/bin"
  ln -sfn "$WORK/tools/bin/shellcheck" "$WORK/bin/shellcheck"
  say "--- preparing ansible-test's sanity venvs (--prime-venvs: it names each test, and runs none)"
  ansible_test sanity --prime-venvs "${args[@]}"
  exec {lock}>&-
  say "--- the sanity tests"

  # One run: the tests that do not depend on the target run once, on the controller; compile and import run
  # on every --target-python. Nothing is skipped (pslint has no PowerShell to check, so it passes at once).
  ansible_test sanity "${args[@]}"
}

gate_units() {
  lay_out_tree
  TARGET_VERSIONS=("${UNITS_TARGET_VERSIONS[@]}")
  find_target_pythons
  install_get_pip_standin
  local args
  python_args venv/ args
  ansible_test units "${args[@]}"
}

gate_format() {
  lay_out_tree
  # Each tool runs to the end, so that one run shows everything to fix.
  local failed=()
  (cd "$TREE" && black --check --diff --quiet plugins tests scripts) || failed+=(black)
  (cd "$TREE" && isort --check-only --diff --quiet plugins tests scripts) || failed+=(isort)
  (cd "$TREE" && yamllint --strict .) || failed+=(yamllint)
  [ ${#failed[@]} = 0 ] || die "problems found by: ${failed[*]} (above); 'make format' fixes black's and isort's"
  say "black, isort and yamllint: no problems."
}

gate_lint() {
  lay_out_tree
  (cd "$TREE" && ANSIBLE_COLLECTIONS_PATH=$COLLECTIONS ansible-lint --offline --profile production --strict --nocolor)
}

# docs/<fqcn>_module.rst for every module in plugins/modules, written by antsibull-docs into the directory $1
# (emptied first) and checked with docutils, which must report nothing: a construct it cannot parse would show
# as raw text on GitHub and Galaxy. The output is byte-stable for a given antsibull-docs (pinned in
# test-requirements.txt) and amazon.aws (whose doc fragments the pages include).
render_docs() {
  lay_out_tree
  local out=$1 module page modules=()
  for module in "$TREE"/plugins/modules/*.py; do
    module=$(basename "$module" .py)
    [ "$module" = __init__ ] || modules+=("$module")
  done
  [ ${#modules[@]} -gt 0 ] || die "no modules in plugins/modules"
  rm -rf "$out"
  mkdir -p "$out"
  for module in "${modules[@]}"; do
    ANSIBLE_COLLECTIONS_PATH=$COLLECTIONS ANSIBLE_COLLECTIONS_SCAN_SYS_PATH=false \
      antsibull-docs plugin --plugin-type module --output-format simplified-rst --no-add-antsibull-docs-version \
      --fail-on-error --dest-dir "$out" "$COLLECTION.$module"
    page=$out/$COLLECTION.${module}_module.rst
    [ -s "$page" ] || die "antsibull-docs wrote no $(basename "$page")"
    python -m docutils --report=warning --halt=warning "$page" /dev/null ||
      die "docutils reports problems in the generated $(basename "$page") (above)"
  done
}

# The pages docs/ holds (docs/benchmarks.md comes from make bench, not from here).
committed_pages() { find "$ROOT/docs" -maxdepth 1 -name '*_module.rst' -printf '%f\n' 2>/dev/null | sort; }

gate_docs() {
  local generated=$WORK/docs page
  render_docs "$generated"
  mkdir -p "$ROOT/docs"
  for page in $(committed_pages); do
    [ -e "$generated/$page" ] || { rm "$ROOT/docs/$page" && say "removed docs/$page (no such module any more)"; }
  done
  for page in "$generated"/*_module.rst; do
    cp "$page" "$ROOT/docs/"
    say "wrote docs/$(basename "$page")"
  done
}

gate_docs_check() {
  lay_out_tree
  # antsibull-docs copies the collection and its dependencies, each with `git ls-files` when it is in a git
  # work tree; amazon.aws lives in the venv, inside this repo's work tree where git ignores it, and would be
  # copied empty. Git must not look above amazon.aws's own directory.
  local aws
  aws=$(cd "$COLLECTIONS/ansible_collections/amazon/aws" && pwd -P)
  (cd "$TREE" && ANSIBLE_COLLECTIONS_PATH=$COLLECTIONS GIT_CEILING_DIRECTORIES=$(dirname "$aws") \
    antsibull-docs lint-collection-docs --plugin-docs --validate-collection-refs dependent \
    --disallow-unknown-collection-refs .)
  say "antsibull-docs lint-collection-docs: no problems."

  # docs/ must be exactly what antsibull-docs writes now: no page missing, none left over, none edited.
  local generated=$WORK/docs page stale=0
  render_docs "$generated"
  for page in $(committed_pages); do
    [ -e "$generated/$page" ] || { say "docs/$page: no module has this page any more"; stale=1; }
  done
  for page in "$generated"/*_module.rst; do
    page=$(basename "$page")
    if [ ! -e "$ROOT/docs/$page" ]; then
      say "docs/$page: missing"
      stale=1
    elif ! cmp -s "$ROOT/docs/$page" "$generated/$page"; then
      diff -u --label "docs/$page (committed)" --label "docs/$page (generated)" "$ROOT/docs/$page" \
        "$generated/$page" | head -80 || true
      stale=1
    fi
  done
  [ "$stale" = 0 ] || die "docs/ is not what antsibull-docs generates: run 'make docs' and commit the result; never edit docs/ by hand"
  say "docs/ is what antsibull-docs generates ($(cd "$generated" && echo *_module.rst))."
}

gate_changelog() {
  lay_out_tree
  (cd "$TREE" && antsibull-changelog lint && antsibull-changelog lint-changelog-yaml changelogs/changelog.yaml)
  say "antsibull-changelog: fragments and changelogs/changelog.yaml are valid."
  # CHANGELOG.rst is generated from changelogs/changelog.yaml (unreleased fragments do not show in it).
  local cache_existed=0 rc=0
  [ -e "$TREE/changelogs/.plugin-cache.yaml" ] && cache_existed=1
  (cd "$TREE" && antsibull-changelog generate) || rc=$?
  [ "$cache_existed" = 1 ] || rm -f "$TREE/changelogs/.plugin-cache.yaml"
  [ "$rc" = 0 ] || die "antsibull-changelog generate fails"
  if ! cmp -s "$ROOT/CHANGELOG.rst" "$TREE/CHANGELOG.rst"; then
    diff -u --label "CHANGELOG.rst (committed)" --label "CHANGELOG.rst (generated)" \
      "$ROOT/CHANGELOG.rst" "$TREE/CHANGELOG.rst" || true
    cp "$ROOT/CHANGELOG.rst" "$TREE/CHANGELOG.rst"
    die "CHANGELOG.rst is not what changelogs/changelog.yaml gives: run 'antsibull-changelog generate' and commit it"
  fi
  say "CHANGELOG.rst is what changelogs/changelog.yaml gives."
}

# Builds the collection's tarball into $1/dist (setting TARBALL) and installs it, alone (no amazon.aws), into
# the empty collections path $1/installed.
build_and_install() {
  local dir=$1
  rm -rf "$dir/dist" "$dir/installed"
  mkdir -p "$dir/dist"
  (cd "$TREE" && ansible-galaxy collection build --output-path "$dir/dist" .)
  TARBALL=$(ls "$dir"/dist/amazon-ai-*.tar.gz)
  ANSIBLE_COLLECTIONS_PATH=$dir/installed ANSIBLE_COLLECTIONS_SCAN_SYS_PATH=false \
    ansible-galaxy collection install --no-deps -p "$dir/installed" "$TARBALL"
}

gate_galaxy() {
  lay_out_tree
  local installed=$WORK/installed tarball aws log
  build_and_install "$WORK"
  tarball=$TARBALL

  # Nothing but the collection in the tarball (galaxy.yml's build_ignore).
  local junk
  junk=$(tar -tzf "$tarball" | grep -E '(^|/)(\.git|\.venv|build|dist|tests/output|__pycache__|\.pytest_cache|\.ansible)(/|$)|\.tar\.gz$' || true)
  [ -z "$junk" ] || die "the tarball holds files that are not part of the collection:"$'\n'"$junk"

  # Installed into an empty collections path, beside amazon.aws only, ansible-doc shows the module.
  aws=$(cd "$COLLECTIONS/ansible_collections/amazon/aws" && pwd -P)
  ln -sfn "$aws" "$installed/ansible_collections/amazon/aws"
  local module doc_out doc_err
  for module in $(tar -tzf "$tarball" | sed -n 's|^plugins/modules/\([a-z0-9_]*\)\.py$|\1|p'); do
    doc_err=$(mktemp)
    doc_out=$(ANSIBLE_COLLECTIONS_PATH=$installed ANSIBLE_COLLECTIONS_SCAN_SYS_PATH=false ANSIBLE_NOCOLOR=1 \
      ansible-doc "$COLLECTION.$module" 2>"$doc_err") || {
      cat "$doc_err" >&2
      die "ansible-doc $COLLECTION.$module fails on the installed tarball"
    }
    if [ -s "$doc_err" ] || ! grep -q "^> MODULE $COLLECTION.$module " <<<"$doc_out" || ! grep -q "^OPTIONS" <<<"$doc_out"; then
      cat "$doc_err" >&2
      printf '%s\n' "$doc_out" | head -20 >&2
      die "ansible-doc $COLLECTION.$module does not render cleanly from the installed tarball"
    fi
    rm -f "$doc_err"
    say "ansible-doc $COLLECTION.$module renders from the installed tarball ($(wc -l <<<"$doc_out") lines)."
  done

  # Galaxy's importer. amazon.aws goes beside it, as it is wherever this collection is installed (it is a
  # dependency): without it, ansible-doc cannot resolve the module's amazon.aws doc fragments.
  ensure_venv "$WORK/importer" "$GATES_DIR/importer-requirements.txt"
  local site
  site=$("$WORK/importer/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
  mkdir -p "$site/ansible_collections/amazon"
  ln -sfn "$aws" "$site/ansible_collections/amazon/aws"
  log=$WORK/importer.log
  rm -rf "$WORK/importer-run"
  mkdir -p "$WORK/importer-run/tmp"
  # It reports problems as log lines and still exits 0 for most of them (a failed ansible-doc, every
  # ansible-lint finding): any ERROR or WARNING line fails the gate, as Galaxy would show it to users.
  local rc=0
  (cd "$WORK/importer-run" && PATH=$WORK/importer/bin:$PATH GALAXY_IMPORTER_CONFIG=$GATES_DIR/galaxy-importer.cfg \
    GALAXY_IMPORTER_TMP_ROOT_DIR=$WORK/importer-run/tmp GALAXY_IMPORTER_ANSIBLE_LOCAL_TMP=$WORK/importer-run/tmp \
    python -m galaxy_importer.main "$tarball") 2>&1 | tidy | tee "$log" || rc=$?
  if [ "$rc" != 0 ] || grep -qE '^(ERROR|WARNING|CRITICAL)' "$log" ||
    ! grep -q "^Importer processing completed successfully" "$log"; then
    die "galaxy-importer rejects the tarball or reports problems (above; log in ${log#"$ROOT"/})"
  fi
}

gate_ee() {
  lay_out_tree
  local ee=$WORK/ee file files
  build_and_install "$ee"
  # ansible-builder reads these from the installed collection, so they must be in the tarball.
  files=$(tar -tzf "$TARBALL")
  for file in meta/execution-environment.yml requirements.txt bindep.txt; do
    grep -qx "$file" <<<"$files" || die "$file is not in the tarball (galaxy.yml's build_ignore?)"
  done

  # What an EE build installs for this collection: ansible-builder introspect over the installed tarball, as the
  # build runs it over the collections it installs, must list exactly requirements.txt, and no system package.
  ansible-builder introspect --sanitize "$ee/installed" >"$ee/introspect.yml"
  cat "$ee/introspect.yml"
  python "$GATES_DIR/check_ee.py" introspect "$TREE/requirements.txt" "$ee/introspect.yml" ||
    die "ansible-builder introspect does not list exactly the runtime requirements (meta/execution-environment.yml)"

  # The example EE: ansible-builder accepts it and writes its build context (building the image needs podman or
  # docker, which CI does not have), and it pins the ansible-core and ansible-runner the tests run with.
  rm -rf "$ee/context"
  ansible-builder create -f "$TREE/examples/execution-environment.yml" --context "$ee/context" \
    --output-filename Containerfile
  [ -s "$ee/context/Containerfile" ] || die "ansible-builder create wrote no Containerfile"
  grep -qx -- "- name: $COLLECTION" "$ee/context/_build/requirements.yml" ||
    die "the build context does not install $COLLECTION (_build/requirements.yml)"
  (cd "$TREE" && python "$GATES_DIR/check_ee.py" pins examples/execution-environment.yml) ||
    die "examples/execution-environment.yml pins other versions than the tests use"
  say "ansible-builder create: the build context for examples/execution-environment.yml is in ${ee#"$ROOT"/}/context."
}

run_gate() {
  local gate=$1
  case $gate in
    format) gate_format ;;
    sanity) gate_sanity ;;
    units) gate_units ;;
    lint) gate_lint ;;
    docs) gate_docs ;;
    docs-check) gate_docs_check ;;
    changelog) gate_changelog ;;
    galaxy) gate_galaxy ;;
    ee) gate_ee ;;
    *) die "unknown gate: $gate (use all, format, sanity, units, lint, docs, docs-check, changelog, galaxy or ee)" ;;
  esac
}

run_all() {
  lay_out_tree
  local gate start rc failed=() summary=()
  for gate in "${ALL_GATES[@]}"; do
    say "=== gate: $gate ==="
    start=$SECONDS
    # A child process, so that `set -e` still stops the gate at its first failing command.
    rc=0
    "$BASH" "${BASH_SOURCE[0]}" "$gate" || rc=$?
    if [ "$rc" = 0 ]; then
      summary+=("$(printf '  %-11s passed  %4ds' "$gate" $((SECONDS - start)))")
    else
      summary+=("$(printf '  %-11s FAILED  %4ds' "$gate" $((SECONDS - start)))")
      failed+=("$gate")
    fi
  done
  say "=== gates summary ==="
  printf '%s\n' "${summary[@]}"
  say "gates: $((${#ALL_GATES[@]} - ${#failed[@]})) passed, ${#failed[@]} failed"
  [ ${#failed[@]} = 0 ] || die "failed: ${failed[*]}"
}

main() {
  [ $# -gt 0 ] || set -- all
  mkdir -p "$WORK"
  setup_environment
  local gate
  for gate in "$@"; do
    if [ "$gate" = all ]; then
      run_all
    else
      [ "${GATES_TREE_READY:-}" = 1 ] || say "=== gate: $gate ==="
      run_gate "$gate"
    fi
  done
}

main "$@"
