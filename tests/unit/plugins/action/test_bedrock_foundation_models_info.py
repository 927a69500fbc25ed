# -*- coding: utf-8 -*-

# Copyright: Contributors to the amazon.ai collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

from ansible_collections.amazon.ai.plugins.action import bedrock_foundation_models_info as action
from ansible_collections.amazon.ai.plugins.modules import bedrock_foundation_models_info as module


def test_the_table_is_the_module_s(check_action):
    table = check_action(action, module)
    assert table.numbers == () and table.request_lists == () and table.headers == ()


def test_a_task_runs_the_module_with_the_aws_groups_defaults(run_action):
    defaults = [{"group/amazon.aws.aws": {"aws_region": "us-west-2"}}]
    result, sent = run_action(action.ActionModule, {"by_provider": "Anthropic"}, defaults)
    assert result == {"changed": True}
    assert sent == {"by_provider": "Anthropic", "aws_region": "us-west-2"}
