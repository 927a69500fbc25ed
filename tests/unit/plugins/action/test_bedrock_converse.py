# -*- coding: utf-8 -*-

# Copyright: Contributors to the amazon.ai collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

from ansible_collections.amazon.ai.plugins.action import bedrock_converse as converse_action
from ansible_collections.amazon.ai.plugins.action import bedrock_invoke_model as action


def test_converse_runs_the_invoke_model_action():
    # The connection defaults of group/amazon.aws.aws reach bedrock_converse exactly as bedrock_invoke_model.
    assert issubclass(converse_action.ActionModule, action.ActionModule)
    assert converse_action.ActionModule.run is action.ActionModule.run


def test_converse_has_no_request_lists():
    # Its list options (messages, images, ...) are lists of one request's parts, not one entry per request.
    assert converse_action.ActionModule.request_lists == ()
