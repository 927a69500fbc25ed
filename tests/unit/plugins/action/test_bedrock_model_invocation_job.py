# -*- coding: utf-8 -*-

# Copyright: Contributors to the amazon.ai collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import pytest

from ansible_collections.amazon.ai.plugins.action import bedrock_model_invocation_job as action
from ansible_collections.amazon.ai.plugins.modules import bedrock_model_invocation_job as module


def test_the_table_is_the_module_s(check_action):
    table = check_action(action, module)
    assert set(table.numbers) == {(("timeout_hours",), "int"), (("wait_timeout",), "int")}
    assert table.request_lists == ("bodies", "records")
    # It sends no HTTP header of its own: nothing of InvokeModel's is checked here.
    assert table.headers == () and table.string_keys == ()


@pytest.mark.parametrize(
    "args, problem",
    [
        ({"wait_timeout": True}, "wait_timeout must be a whole number, not a boolean: True"),
        ({"timeout_hours": False}, "timeout_hours must be a whole number, not a boolean: False"),
        ({"bodies": "a,b"}, "bodies must be a list with one entry per request, not a single value: 'a,b'"),
        ({"records": {"record_id": "a", "body": {}}}, "records must be a list"),
    ],
)
def test_refused_naming_the_job(run_action, args, problem):
    result, sent = run_action(action.ActionModule, dict(args, name="tickets-1"))
    assert sent is None
    assert result["msg"].startswith("Invalid task for batch inference job 'tickets-1', nothing was sent: " + problem)


@pytest.mark.parametrize("args", [{"bodies": [{}]}, {"bodies": None}, {"accept": "\x00"}])
def test_lists_and_other_modules_options_pass(run_action, args):
    result, sent = run_action(action.ActionModule, dict(args, name="tickets-1"))
    assert sent == dict(args, name="tickets-1")
