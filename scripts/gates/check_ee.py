#!/usr/bin/env python
# -*- coding: utf-8 -*-

# Copyright: Contributors to the amazon.ai collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The checks of scripts/gates.sh ee that read ansible-builder's files.

check_ee.py introspect REQUIREMENTS_TXT INTROSPECT_YML
    `ansible-builder introspect --sanitize` (its output in INTROSPECT_YML), run on a collections path holding
    only the installed tarball, lists exactly the requirements in REQUIREMENTS_TXT, each from amazon.ai,
    and no system package.
check_ee.py pins EE_YML
    The execution environment definition installs the ansible-core and ansible-runner this Python has.
"""

from __future__ import annotations

import sys
from importlib.metadata import version

import yaml

COLLECTION = "amazon.ai"
# How introspect --sanitize marks where each requirement comes from.
ORIGIN = "  # from collection "


def requirement_lines(path: str) -> list[str]:
    with open(path, encoding="utf-8") as handle:
        return sorted(line.strip() for line in handle if line.strip() and not line.lstrip().startswith("#"))


def check_introspect(requirements: str, introspected: str) -> list[str]:
    wanted = requirement_lines(requirements)
    with open(introspected, encoding="utf-8") as handle:
        data = yaml.safe_load(handle) or {}
    problems, listed = [], []
    for entry in data.get("python") or []:
        requirement, marked, origin = entry.partition(ORIGIN)
        if not marked or origin != COLLECTION:
            problems.append(f"introspect lists {entry!r}, which does not come from {COLLECTION}")
        listed.append(requirement.strip())
    if sorted(listed) != wanted:
        problems.append(f"introspect lists {sorted(listed)}, {requirements} has {wanted}")
    if data.get("system"):
        problems.append(f"introspect lists system packages {data['system']}; the collection needs none")
    if not problems:
        print(f"ansible-builder introspect lists exactly {', '.join(wanted)}, and no system package.")
    return problems


def check_pins(definition: str) -> list[str]:
    with open(definition, encoding="utf-8") as handle:
        dependencies = yaml.safe_load(handle)["dependencies"]
    problems = []
    for key, package in (("ansible_core", "ansible-core"), ("ansible_runner", "ansible-runner")):
        pinned = (dependencies.get(key) or {}).get("package_pip")
        tested = f"{package}=={version(package)}"
        if pinned != tested:
            problems.append(f"{definition} installs {pinned}, the tests run {tested}")
    if not problems:
        print(f"{definition} installs the ansible-core and ansible-runner the tests run.")
    return problems


def main(argv: list[str]) -> int:
    if len(argv) == 3 and argv[0] == "introspect":
        problems = check_introspect(argv[1], argv[2])
    elif len(argv) == 2 and argv[0] == "pins":
        problems = check_pins(argv[1])
    else:
        print(__doc__, file=sys.stderr)
        return 2
    for problem in problems:
        print(f"ERROR: {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
