# -*- coding: utf-8 -*-

# Copyright: Contributors to the amazon.ai collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Runs amazon.ai.bedrock_apply_guardrail with the AWS groups' connection defaults, once the controller's checks pass.

plugin_utils/action.py says why, and what its table (derived from the module's argument spec) checks.
"""

from __future__ import annotations

from ansible_collections.amazon.ai.plugins.module_utils.apply_guardrail import argument_spec
from ansible_collections.amazon.ai.plugins.module_utils.apply_guardrail import task_subject
from ansible_collections.amazon.ai.plugins.plugin_utils.action import ActionTable
from ansible_collections.amazon.ai.plugins.plugin_utils.action import AmazonAIAction


class ActionModule(AmazonAIAction):
    table = ActionTable.from_spec(argument_spec(), task_subject, request_lists=("tests",))
