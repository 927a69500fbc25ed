# -*- coding: utf-8 -*-

# Copyright: Contributors to the amazon.ai collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

from ansible_collections.amazon.ai.plugins.action import bedrock_model_invocation_logging as action
from ansible_collections.amazon.ai.plugins.modules import bedrock_model_invocation_logging as module


def test_the_table_is_the_module_s(check_action):
    table = check_action(action, module)
    assert table.numbers == () and table.request_lists == () and table.headers == ()


def test_a_task_runs_the_module_with_the_aws_groups_defaults(run_action):
    defaults = [{"group/amazon.aws.aws": {"region": "eu-west-1", "endpoint_url": "http://127.0.0.1:1"}}]
    args = {"s3": {"bucket_name": "my-logs"}, "region": "us-east-1"}
    result, sent = run_action(action.ActionModule, args, defaults)
    assert result == {"changed": True}
    assert sent == {"s3": {"bucket_name": "my-logs"}, "region": "us-east-1", "endpoint_url": "http://127.0.0.1:1"}
