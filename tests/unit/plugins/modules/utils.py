# -*- coding: utf-8 -*-

# Copyright: Contributors to the amazon.ai collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Running a module's main() as Ansible runs it: arguments in, one JSON result out on stdout."""

from __future__ import annotations

import json

import pytest
from ansible.module_utils.testing import patch_module_args


def run_main(main, capsys, args, check_mode=False):
    """The module's result, with its exit code and raw output under _exit_code, _stdout and _stderr.

    Once controller code is imported in the same process (the action plugin's tests import it), ansible-core
    shows a module's warnings on stderr instead of returning them: look for a warning's text in both.
    """
    args = dict(args, _ansible_check_mode=check_mode)
    with patch_module_args(args):
        with pytest.raises(SystemExit) as excinfo:
            main()
    captured = capsys.readouterr()
    result = json.loads(captured.out)
    result["_exit_code"] = excinfo.value.code
    result["_stdout"] = captured.out
    result["_stderr"] = captured.err
    return result
