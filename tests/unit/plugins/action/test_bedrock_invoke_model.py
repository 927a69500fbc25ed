# -*- coding: utf-8 -*-

# Copyright: Contributors to the amazon.ai collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

from ansible_collections.amazon.ai.plugins.action import bedrock_invoke_model as action
from ansible_collections.amazon.ai.plugins.modules import bedrock_invoke_model as module


def test_the_table_is_the_module_s(check_action):
    table = check_action(action, module)
    assert table.numbers == ()
    assert table.request_lists == ()
    assert table.headers == (("content_type",), ("accept",), ("guardrail_identifier",), ("guardrail_version",))
    assert table.string_keys == (("request_metadata",),)


def test_a_header_option_that_is_not_visible_ascii_is_refused_naming_the_model(run_action):
    result, sent = run_action(action.ActionModule, {"model_id": "m", "body": {}, "accept": "application/json\x00"})
    assert sent is None
    assert result["msg"].startswith(
        "Invalid task for model 'm', nothing was sent: accept 'application/json\\x00' cannot be sent as an HTTP header"
    )


def test_a_valid_task_runs_the_module(run_action):
    args = {"model_id": "m", "body": {}, "accept": "application/json", "request_metadata": {"team": "ml"}}
    result, sent = run_action(action.ActionModule, args)
    assert result == {"changed": True} and sent == args
