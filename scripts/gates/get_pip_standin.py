# -*- coding: utf-8 -*-

# Copyright: Contributors to the amazon.ai collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Offline stand-in for the get-pip.py that ansible-test downloads to bootstrap pip into its venvs.

ansible-test creates its venvs with ``--without-pip`` and then runs
``~/.ansible/test/cache/get_pip_<version>.py --disable-pip-version-check pip==<version> --no-setuptools --no-wheel``,
downloading that file first from a host that this CI cannot reach.  The file is only downloaded when it is not
cached, so scripts/gates.sh puts this one there when there is none.  It bootstraps pip with Python's own
``ensurepip`` (no network), then lets that pip install the pinned pip from the package index, and removes the
setuptools and wheel that some ``ensurepip`` versions bring along when get-pip.py was told not to install them.
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys

GET_PIP_ONLY_OPTIONS = ("--no-setuptools", "--no-wheel")


def main() -> None:
    args = sys.argv[1:]
    unwanted = [option[len("--no-") :] for option in GET_PIP_ONLY_OPTIONS if option in args]
    present_before = {name for name in unwanted if importlib.util.find_spec(name.replace("-", "_")) is not None}
    pip_args = [arg for arg in args if arg not in GET_PIP_ONLY_OPTIONS]

    subprocess.run([sys.executable, "-m", "ensurepip", "--default-pip"], check=True, stdout=subprocess.DEVNULL)
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", *pip_args], check=True)

    leftovers = [name for name in unwanted if name not in present_before]
    if leftovers:
        # Uninstalling a package that is not installed only warns; keep that quiet.
        subprocess.run(
            [sys.executable, "-m", "pip", "uninstall", "--yes", "--quiet", *leftovers],
            check=True,
            stderr=subprocess.DEVNULL,
        )


if __name__ == "__main__":
    main()
