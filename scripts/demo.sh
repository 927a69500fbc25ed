#!/usr/bin/env bash
# make demo: run examples/bedrock_demo.yml against the project's local Bedrock Runtime endpoint on 127.0.0.1.
# Nothing leaves the machine: the endpoint answers like the real model families do, from the request.
# DEMO_PLAYBOOK=examples/other.yml runs another example the same way (examples/bedrock_guardrail_release.yml, or
# examples/bedrock_team_setup.yml, which needs moto: not on Python 3.10).
#
# It runs on PYTHON if set (make demo PYTHON=3.10, a version or an interpreter), else in the venv (.venv) if there is
# one, else on the first Python the collection supports that scripts/find_python.sh finds (3.11, 3.12, 3.13, then
# 3.10): on 3.11 to 3.13 in the venv `make venv` builds (made now if missing), on 3.10 in a venv of the
# compatibility stage's for it (ansible-core 2.17 and amazon.aws, with the pinned boto3, under build/compat/).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
# shellcheck source=scripts/find_python.sh
source scripts/find_python.sh

if [[ "${PYTHON:-}" =~ ^3\.[0-9]+$ ]]; then
  python=$(find_python "$PYTHON")
elif [ -n "${PYTHON:-}" ]; then
  python=$PYTHON
elif [ -x .venv/bin/ansible-playbook ]; then
  python=$root/.venv/bin/python
else
  python=$(first_python 3.11 3.12 3.13 3.10)
fi
version=$("$python" -c 'import sys; print("%d.%d" % sys.version_info[:2])')
case $version in
  3.11 | 3.12 | 3.13)
    make --no-print-directory venv PYTHON="$python"
    venv=$root/.venv
    ANSIBLE_COLLECTIONS_PATH=$(scripts/collection_tree.sh)
    ;;
  *)
    combination=$(awk -v v="$version" '$1 !~ /^#/ && $2 == v { print $1; exit }' scripts/compat/combinations.txt)
    [ -n "$combination" ] || {
      echo "demo: Python $version is not one the collection supports (3.10 to 3.13)" >&2
      exit 1
    }
    # The combination's ansible-core and amazon.aws, with the boto3 the suite pins (the demo asks Converse too).
    boto3=$(sed -n 's/^boto3==//p' test-requirements.txt)
    echo "Preparing ansible-core, amazon.aws and boto3 $boto3 for Python $version in build/compat/"
    paths=$(scripts/compat.sh --prepare "$combination" "$boto3")
    venv=${paths%%$'\n'*}
    ANSIBLE_COLLECTIONS_PATH=${paths#*$'\n'}
    ;;
esac
export PATH=$venv/bin:$PATH ANSIBLE_COLLECTIONS_PATH

work=$(mktemp -d)
trap 'python tests/support/launcher.py stop "$work"; rm -rf "$work"' EXIT
# moto's server behind the same address answers S3, STS, IAM and the invocation logging configuration (for
# examples/bedrock_team_setup.yml), where the Python has moto: the venv of 3.11 to 3.13 has, 3.10's has not.
moto=()
if python -c 'import moto.server' 2>/dev/null; then
  moto=(--moto)
fi
launched=$(python tests/support/launcher.py start "$work" "${moto[@]}" --fake endpoint)
# The launcher prints endpoint_url=... (and the pids) for eval.
endpoint_url=""
eval "$launched"
echo "Local Bedrock Runtime endpoint: $endpoint_url"

# The same variables a user would set for real AWS; AWS_URL points amazon.aws modules at the local endpoint.
AWS_URL=$endpoint_url \
AWS_REGION=us-east-1 \
AWS_ACCESS_KEY_ID=AKIDAMAZONAIDEMO \
AWS_SECRET_ACCESS_KEY=amazon-ai-demo-secret \
AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null \
ANSIBLE_LOCALHOST_WARNING=false ANSIBLE_INVENTORY_UNPARSED_WARNING=false \
  ansible-playbook "${DEMO_PLAYBOOK:-examples/bedrock_demo.yml}" "$@"
