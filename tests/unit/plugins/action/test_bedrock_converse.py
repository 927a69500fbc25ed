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


def test_converse_has_no_request_lists_and_no_header_options():
    # Its list options (messages, images, ...) are lists of one request's parts, not one entry per request.
    assert converse_action.ActionModule.request_lists == ()
    # Converse sends guardrail_identifier and guardrail_version in the body, where any text may go.
    assert converse_action.ActionModule.header_options == ()
    assert (
        action.bad_header_value({"guardrail_identifier": "a\tb "}, converse_action.ActionModule.header_options) is None
    )


def test_a_boolean_max_tokens_is_refused():
    # ansible-core's int type would take true as 1.
    assert converse_action.ActionModule.integer_options == ("max_tokens",)
    assert action.not_an_integer({"max_tokens": True}, converse_action.ActionModule.integer_options) == (
        "max_tokens must be a whole number, not a boolean: True"
    )
