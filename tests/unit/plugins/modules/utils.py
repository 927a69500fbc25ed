# -*- coding: utf-8 -*-

# Copyright: Contributors to the amazon.ai collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Running a module's main() as Ansible runs it: arguments in, one JSON result out on stdout.

The unit tests run on every ansible-core the collection supports (2.17 to 2.21), and ansible-core 2.19 changed how
a module reads its arguments and writes its result. What differs between those versions is here, once:
patch_module_args and to_the_controller do on each ansible-core what that ansible-core does.
"""

from __future__ import annotations

import contextlib
import json
from unittest import mock

import pytest
from ansible.module_utils.ansible_release import __version__ as ANSIBLE_CORE_VERSION

# (major, minor) of the ansible-core the tests run with.
ANSIBLE_CORE = tuple(int(part) for part in ANSIBLE_CORE_VERSION.split(".")[:2])

if ANSIBLE_CORE >= (2, 19):
    # ansible-core's own: the arguments through its controller-to-module JSON profile, and the module's result
    # through the module-to-controller one that AnsibleModule and the controller use from 2.19 on. The imports are
    # unconditional on these versions, so that a later ansible-core moving them fails here rather than falling back.
    from ansible.module_utils._internal._json._profiles import _module_legacy_m2c
    from ansible.module_utils.testing import patch_module_args

    def to_the_controller(result):
        """(the JSON a module prints for result, what the controller reads from it)."""
        wire = json.dumps(result, cls=_module_legacy_m2c.Encoder)
        return wire, json.loads(wire, cls=_module_legacy_m2c.Decoder)

else:
    from ansible.module_utils import basic
    from ansible.module_utils.common.json import AnsibleJSONEncoder
    from ansible.module_utils.common.text.converters import jsonify

    @contextlib.contextmanager
    def patch_module_args(args=None):
        """Before 2.19 (which added ansible.module_utils.testing), AnsibleModule reads its arguments from
        basic._ANSIBLE_ARGS when it is set: the JSON the controller sends, encoded with AnsibleJSONEncoder."""
        if not isinstance(args, (dict, type(None))):
            raise TypeError("The `args` arg must be a dict or None.")
        sent = json.dumps({"ANSIBLE_MODULE_ARGS": args or {}}, cls=AnsibleJSONEncoder).encode("utf-8")
        with mock.patch.object(basic, "_ANSIBLE_ARGS", sent):
            yield

    def to_the_controller(result):
        """(the JSON a module prints for result, what the controller reads from it): before 2.19, AnsibleModule
        prints jsonify(result) (bytes decoded as UTF-8 with surrogateescape, sets and dates by its fallback), and
        the controller reads it with json.loads (ActionBase._parse_returned_data)."""
        wire = jsonify(result)
        return wire, json.loads(wire)


def run_main(main, capsys, args, check_mode=False):
    """The module's result, with its exit code and raw output under _exit_code, _stdout and _stderr.

    Once controller code is imported in the same process (the action plugin's tests import it), ansible-core 2.19
    and later show a module's warnings on stderr instead of returning them: look for a warning's text in both.
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
