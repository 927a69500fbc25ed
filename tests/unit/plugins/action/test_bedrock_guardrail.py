# -*- coding: utf-8 -*-

# Copyright: Contributors to the amazon.ai collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import pytest

from ansible_collections.amazon.ai.plugins.action import bedrock_guardrail as action
from ansible_collections.amazon.ai.plugins.modules import bedrock_guardrail as module


def test_the_table_is_the_module_s(check_action):
    table = check_action(action, module)
    assert set(table.numbers) == {
        (("wait_timeout",), "int"),
        (("contextual_grounding_policy", "filters", "threshold"), "float"),
        (("automated_reasoning_policy", "confidence_threshold"), "float"),
    }
    assert table.request_lists == () and table.headers == ()


@pytest.mark.parametrize(
    "args, problem",
    [
        ({"wait_timeout": True}, "wait_timeout must be a whole number, not a boolean: True"),
        (
            {
                "contextual_grounding_policy": {
                    "filters": [{"type": "GROUNDING", "threshold": 0.5}, {"threshold": True}]
                }
            },
            "contextual_grounding_policy.filters[1].threshold must be a number, not a boolean: True",
        ),
        (
            {"automated_reasoning_policy": {"confidence_threshold": False}},
            "automated_reasoning_policy.confidence_threshold must be a number, not a boolean: False",
        ),
    ],
)
def test_refused_naming_the_guardrail(run_action, args, problem):
    result, sent = run_action(action.ActionModule, dict(args, name="support"))
    assert sent is None
    assert result["msg"] == "Invalid task for guardrail 'support', nothing was sent: " + problem


def test_a_task_runs_the_module_with_the_aws_groups_defaults(run_action):
    defaults = [{"group/amazon.aws.aws": {"region": "eu-west-1"}}]
    args = {"name": "support", "word_policy": {"words": ["darn", {"text": "heck"}]}}
    result, sent = run_action(action.ActionModule, args, defaults)
    assert result == {"changed": True} and sent == dict(args, region="eu-west-1")
