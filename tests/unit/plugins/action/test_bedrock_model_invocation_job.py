# -*- coding: utf-8 -*-

# Copyright: Contributors to the amazon.ai collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import pytest

from ansible_collections.amazon.ai.plugins.action import bedrock_invoke_model as base
from ansible_collections.amazon.ai.plugins.action import bedrock_model_invocation_job as job_action
from ansible_collections.amazon.ai.plugins.action import bedrock_model_invocation_job_info as info_action


def test_both_actions_are_the_aws_defaults_action():
    assert issubclass(job_action.ActionModule, base.ActionModule)
    assert issubclass(info_action.ActionModule, base.ActionModule)
    assert job_action.ActionModule.request_lists == ("bodies", "records")
    assert info_action.ActionModule.request_lists == ()


@pytest.mark.parametrize(
    "args, problem",
    [
        ({"bodies": "a,b"}, "bodies must be a list with one entry per request, not a single value: 'a,b'"),
        ({"records": {"record_id": "a", "body": {}}}, "records must be a list"),
        ({"bodies": [{}]}, None),
        ({"bodies": None}, None),
    ],
)
def test_bodies_and_records_must_be_lists(args, problem):
    result = base.not_a_list(args, job_action.ActionModule.request_lists)
    if problem is None:
        assert result is None
    else:
        assert result.startswith(problem)
