# -*- coding: utf-8 -*-

# Copyright: Contributors to the amazon.ai collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

from ansible_collections.amazon.ai.plugins.action import bedrock_inference_profile_info as action
from ansible_collections.amazon.ai.plugins.modules import bedrock_inference_profile_info as module


def test_the_table_is_the_module_s(check_action):
    table = check_action(action, module)
    assert table.numbers == () and table.request_lists == () and table.headers == ()
    assert table.names[("identifier",)] == ("identifier", "id", "arn")


def test_a_task_runs_the_module_with_the_aws_groups_defaults(run_action):
    defaults = [{"group/amazon.aws.aws": {"region": "eu-west-1"}}]
    result, sent = run_action(action.ActionModule, {"type": "application"}, defaults)
    assert result == {"changed": True} and sent == {"type": "application", "region": "eu-west-1"}
