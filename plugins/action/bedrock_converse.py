# -*- coding: utf-8 -*-

# Copyright: Contributors to the amazon.ai collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Runs amazon.ai.bedrock_converse with the AWS connection defaults users set for every AWS module.

The same action as amazon.ai.bedrock_invoke_model's (see there why it exists).
"""

from __future__ import annotations

from ansible_collections.amazon.ai.plugins.action.bedrock_invoke_model import ActionModule as InvokeModelAction


class ActionModule(InvokeModelAction):
    """Fills in the connection options from the AWS groups' module_defaults, then runs the module."""

    # Converse sends its options in the request body, none as HTTP headers; the module checks them itself.
    header_options = ()
    integer_options = ("max_tokens",)
