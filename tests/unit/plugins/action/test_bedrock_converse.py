# -*- coding: utf-8 -*-

# Copyright: Contributors to the amazon.ai collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

from ansible_collections.amazon.ai.plugins.action import bedrock_converse as action
from ansible_collections.amazon.ai.plugins.modules import bedrock_converse as module


def test_the_table_is_the_module_s(check_action):
    table = check_action(action, module)
    assert set(table.numbers) == {(("max_tokens",), "int"), (("temperature",), "float"), (("top_p",), "float")}
    # Its list options (messages, images, ...) are parts of one request, not one entry per request.
    assert table.request_lists == ()
    # Converse sends guardrail_identifier and guardrail_version in the body, where any text may go.
    assert table.headers == ()


def test_a_boolean_temperature_is_refused_naming_the_model(run_action):
    result, sent = run_action(action.ActionModule, {"model_id": "m", "prompt": "Hi", "temperature": True})
    assert sent is None
    assert result["msg"] == (
        "Invalid task for model 'm', nothing was sent: temperature must be a number, not a boolean: True"
    )


def test_text_the_invoke_model_action_would_refuse_is_the_module_s_to_check(run_action):
    args = {"model_id": "m", "prompt": "Hi", "guardrail_identifier": "a\tb ", "guardrail_version": "1"}
    result, sent = run_action(action.ActionModule, args)
    assert sent == args
