# -*- coding: utf-8 -*-

# Copyright: Contributors to the amazon.ai collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import pytest

from ansible_collections.amazon.ai.plugins.action import bedrock_apply_guardrail as action
from ansible_collections.amazon.ai.plugins.modules import bedrock_apply_guardrail as module


def test_the_table_is_the_module_s(check_action):
    table = check_action(action, module)
    assert table.numbers == ((("max_concurrency",), "int"),)
    assert table.request_lists == ("tests",)
    # The guardrail and its version go in the URL's path, not in headers: the module checks them.
    assert table.headers == () and table.string_keys == ()


@pytest.mark.parametrize(
    "args, problem",
    [
        ({"tests": "masks, blocks"}, "tests must be a list with one entry per request, not a single value"),
        ({"tests": [{"name": "a", "text": "Hi", "expect": "none"}], "max_concurrency": True}, "max_concurrency must"),
    ],
)
def test_what_the_module_could_not_tell_apart_is_refused_naming_the_guardrail(run_action, args, problem):
    args = dict(args, guardrail_identifier="abc123", guardrail_version="DRAFT")
    result, sent = run_action(action.ActionModule, args)
    assert sent is None
    assert result["msg"].startswith("Invalid task for guardrail 'abc123', nothing was sent: " + problem)


def test_a_task_runs_the_module_with_the_aws_groups_defaults(run_action):
    defaults = [{"group/amazon.aws.aws": {"region": "eu-west-1", "wait": True}}]
    args = {"guardrail_identifier": "abc123", "guardrail_version": "1", "text": "Hi"}
    result, sent = run_action(action.ActionModule, args, defaults)
    assert result == {"changed": True} and sent == dict(args, region="eu-west-1")
