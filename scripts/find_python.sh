# shellcheck shell=bash
# Sourced by the Makefile and scripts/{gates,compat,demo,test}.sh: find_python X.Y prints the real interpreter of
# Python X.Y (not a venv, not a pyenv shim: ansible-test, venvs made from it and ansible_python_interpreter all
# need the real one), found as GATES_PYTHON_X_Y, on PATH, under pyenv, or in /usr/local/bin or /usr/bin; fails,
# saying so, if none. first_python X.Y... prints the first of those versions it finds; python_report X.Y... says
# where each is, or that it is missing, and fails if one is.
# Where find_python looks, as the messages name it (a description, not expanded).
# shellcheck disable=SC2016
PYTHON_PLACES='GATES_PYTHON_X_Y, pythonX.Y on PATH, ${PYENV_ROOT:-~/.pyenv}/versions/X.Y.*, /usr/local/bin, /usr/bin'
find_python() {
  local version=$1 var candidate found
  var=GATES_PYTHON_${version/./_}
  for candidate in "${!var:-}" "$(command -v "python$version" || true)" \
    "${PYENV_ROOT:-$HOME/.pyenv}"/versions/"$version".*/bin/"python$version" \
    "/usr/local/bin/python$version" "/usr/bin/python$version"; do
    [ -n "$candidate" ] && [ -x "$candidate" ] || continue
    found=$("$candidate" -c "import sys
if '%d.%d' % sys.version_info[:2] == '$version':
    print(getattr(sys, '_base_executable', None) or sys.executable)" 2>/dev/null) || continue
    if [ -n "$found" ]; then
      printf '%s\n' "$found"
      return 0
    fi
  done
  printf 'no Python %s found: install it, or set %s to its path\n' "$version" "$var" >&2
  return 1
}

first_python() {
  local version wanted=$*
  for version in "$@"; do
    find_python "$version" 2>/dev/null && return 0
  done
  printf 'no Python %s found (looked at %s): install one, or set PYTHON to its path\n' "${wanted// /, }" \
    "$PYTHON_PLACES" >&2
  return 1
}

python_report() {
  local version found missing=0
  for version in "$@"; do
    if found=$(find_python "$version" 2>/dev/null); then
      printf '  Python %-5s %s\n' "$version" "$found"
    else
      printf '  Python %-5s MISSING\n' "$version"
      missing=1
    fi
  done
  return "$missing"
}
