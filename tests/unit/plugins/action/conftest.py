# -*- coding: utf-8 -*-

# Copyright: Contributors to the amazon.ai collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""What every action plugin's test checks: its table against the argument spec its module really uses."""

from __future__ import annotations

from unittest.mock import patch

import pytest

from ansible_collections.amazon.ai.plugins.module_utils.modules import AnsibleAmazonAIModule


class Captured(Exception):
    """Raised in place of building the module object, carrying the argument spec main() built."""


def module_spec(module):
    """The argument spec module's main() hands to its module object (main() stops there)."""

    def capture(self, **kwargs):
        raise Captured(kwargs["argument_spec"])

    with patch.object(AnsibleAmazonAIModule, "__init__", capture), pytest.raises(Captured) as excinfo:
        module.main()
    return excinfo.value.args[0]


def number_options(spec, prefix=()):
    """(path, type) of every int and float option of spec, suboptions included, in any order."""
    found = set()
    for name, option in spec.items():
        if option.get("type") in ("int", "float"):
            found.add((prefix + (name,), option["type"]))
        found |= number_options(option.get("options") or {}, prefix + (name,))
    return found


def args_setting(path, value, lists):
    """Task arguments that set the option at path to value (in the second entry of each list on the way)."""
    if len(path) == 1:
        return {path[0]: value}
    inner = args_setting(path[1:], value, {key[1:]: kind for key, kind in lists.items() if key[:1] == path[:1]})
    return {path[0]: [{}, inner] if lists[path[:1]] else inner}


@pytest.fixture(name="check_action")
def fixture_check_action(run_action):
    """check_action(action_module, module): the action's table follows the module's own spec, and each int or
    float option of it refuses true and false naming the option, without running the module."""

    def check(action_module, module):
        table = action_module.ActionModule.table
        spec = module_spec(module)
        assert set(table.numbers) == number_options(spec)
        assert {path for path in table.names if len(path) == 1} == {(name,) for name in spec}
        for path, dummy in table.numbers:
            for value in (True, False):
                result, sent = run_action(action_module.ActionModule, args_setting(path, value, table.lists))
                assert sent is None, "the module ran"
                assert result["failed"] is True and "nothing was sent: " in result["msg"]
                assert path[-1] in result["msg"] and f"not a boolean: {value}" in result["msg"]
        return table

    return check
