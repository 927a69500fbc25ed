#!/usr/bin/python
# -*- coding: utf-8 -*-

# Copyright: Contributors to the amazon.ai collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
module: bedrock_guardrail_info
short_description: Describe Amazon Bedrock guardrails
version_added: 1.1.0
description:
  - Describes one Bedrock guardrail, by O(name) or O(guardrail_identifier), optionally one of its versions, or every
    guardrail of the account and Region.
  - Each guardrail is shaped as M(amazon.ai.bedrock_guardrail) returns
    RV(amazon.ai.bedrock_guardrail#module:guardrail), with its configuration in the shape of that module's options,
    its tags and the numbers of its published versions.
  - Every page of C(ListGuardrails) is read. Busy answers are retried with the same jittered backoff as
    M(amazon.ai.bedrock_invoke_model).
  - Requires boto3 >= 1.34.90.
author:
  - amazon.ai maintainers (@ansible-collections)
options:
  name:
    description:
      - The name of the guardrail to describe.
      - Mutually exclusive with O(guardrail_identifier). With neither, every guardrail is described.
    type: str
  guardrail_identifier:
    description:
      - The ID or ARN of the guardrail to describe.
    type: str
  version:
    description:
      - The version to describe, V(DRAFT) (the default) or a number. Needs O(name) or O(guardrail_identifier).
    type: str
notes:
  - Describing every guardrail reads each one (C(GetGuardrail)), its versions (C(ListGuardrails)) and tags
    (C(ListTagsForResource)); the caller needs those three permissions.
seealso:
  - module: amazon.ai.bedrock_guardrail
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Describe one guardrail
  amazon.ai.bedrock_guardrail_info:
    name: support-assistant
  register: found

- name: Show its versions
  ansible.builtin.debug:
    msg: "{{ found.guardrails[0].versions if found.guardrails else 'no such guardrail' }}"

- name: Describe version 2 of a guardrail by its ID
  amazon.ai.bedrock_guardrail_info:
    guardrail_identifier: abcdefgh1234
    version: "2"

- name: Describe every guardrail
  amazon.ai.bedrock_guardrail_info:
  register: every

- name: Show each one's status by name
  ansible.builtin.debug:
    msg: "{{ every.guardrails | items2dict(key_name='name', value_name='status') }}"
"""

RETURN = r"""
guardrails:
  description:
    - The guardrails found, oldest first, each as M(amazon.ai.bedrock_guardrail) returns
      RV(amazon.ai.bedrock_guardrail#module:guardrail); with O(version), that version (its C(version) is the
      number).
    - Empty when there is no such guardrail or version.
  returned: always
  type: list
  elements: dict
  sample: [{"name": "support-assistant", "guardrail_id": "abcdefgh1234", "version": "DRAFT", "status": "READY",
            "guardrail_arn": "arn:aws:bedrock:us-east-1:123456789012:guardrail/abcdefgh1234",
            "blocked_input_messaging": "Sorry, I cannot help with that.",
            "blocked_outputs_messaging": "Sorry, I cannot answer that.",
            "word_policy": {"words": [], "managed_word_lists": [{"type": "PROFANITY", "input_action": "BLOCK",
                            "output_action": "BLOCK", "input_enabled": true, "output_enabled": true}]},
            "tags": {"team": "support"}, "versions": ["1", "2"]}]
"""

from ansible_collections.amazon.ai.plugins.module_utils.guardrail import describe_guardrails
from ansible_collections.amazon.ai.plugins.module_utils.guardrail_options import info_argument_spec
from ansible_collections.amazon.ai.plugins.module_utils.modules import AnsibleAmazonAIModule


def main():
    module = AnsibleAmazonAIModule(
        argument_spec=info_argument_spec(),
        mutually_exclusive=[["name", "guardrail_identifier"]],
        supports_check_mode=True,
    )
    module.run(describe_guardrails)


if __name__ == "__main__":
    main()
