#!/usr/bin/env bash
# Lay out build/collections/ansible_collections/amazon/{ai,aws}: a real copy of the files git knows (tools such
# as ansible-test resolve symlinks away and refuse a collection that is not under ansible_collections/), beside
# the amazon.aws collection that the ansible package installed into the venv. scripts/compat.sh lays out another
# tree (COLLECTIONS_DIR) beside another amazon.aws (AMAZON_AWS_DIR, a directory holding that collection).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
venv_python=${VENV_PYTHON:-$root/.venv/bin/python}
collections=${COLLECTIONS_DIR:-$root/build/collections}
tree=$collections/ansible_collections/amazon
aws=${AMAZON_AWS_DIR:-$("$venv_python" -c 'import ansible_collections.amazon.aws as m, os; print(os.path.dirname(m.__file__) if m.__file__ else list(m.__path__)[0])')}

rm -rf "$tree/ai"
mkdir -p "$tree/ai"
cd "$root"
# Tracked files and new ones git does not ignore, as they are in the work tree (deleted files are skipped).
git ls-files -z --cached --others --exclude-standard | while IFS= read -r -d '' f; do
  [ -e "$f" ] && printf '%s\0' "$f"
done | tar --null -T - -cf - | tar -xf - -C "$tree/ai"
ln -sfn "$aws" "$tree/aws"
echo "$collections"
