# -*- coding: utf-8 -*-

# Copyright: Contributors to the amazon.ai collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Running a module's main() as Ansible runs it: arguments in, one JSON result out on stdout."""

from __future__ import annotations

import json

import pytest
from ansible.module_utils.testing import patch_module_args


def run_main(main, capsys, args, check_mode=False):
    """The module's result, with its exit code and raw stdout under _exit_code and _stdout."""
    args = dict(args, _ansible_check_mode=check_mode)
    with patch_module_args(args):
        with pytest.raises(SystemExit) as excinfo:
            main()
    out = capsys.readouterr().out
    result = json.loads(out)
    result["_exit_code"] = excinfo.value.code
    result["_stdout"] = out
    return result
