# -*- coding: utf-8 -*-

# Copyright: Contributors to the amazon.ai collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

from ansible_collections.amazon.ai.plugins.action import bedrock_inference_profile as action
from ansible_collections.amazon.ai.plugins.modules import bedrock_inference_profile as module


def test_the_table_is_the_module_s(check_action):
    table = check_action(action, module)
    assert table.numbers == () and table.request_lists == () and table.headers == ()
    assert table.names[("tags",)] == ("tags", "resource_tags")


def test_a_task_runs_the_module_with_the_aws_groups_defaults(run_action):
    defaults = [{"group/amazon.aws.aws": {"region": "eu-west-1", "endpoint_url": "http://127.0.0.1:1"}}]
    result, sent = run_action(action.ActionModule, {"name": "team-a", "region": "us-west-2"}, defaults)
    assert result == {"changed": True}
    assert sent == {"name": "team-a", "region": "us-west-2", "endpoint_url": "http://127.0.0.1:1"}
