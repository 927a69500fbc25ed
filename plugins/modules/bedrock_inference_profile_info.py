#!/usr/bin/python
# -*- coding: utf-8 -*-

# Copyright: Contributors to the amazon.ai collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
module: bedrock_inference_profile_info
short_description: Describe Amazon Bedrock inference profiles
version_added: 1.1.0
description:
  - Describes one Bedrock inference profile of the task's Region, by O(name) or O(identifier), or lists every
    profile of a O(type), reading every page of them.
  - Application profiles (made with M(amazon.ai.bedrock_inference_profile)) are described with their tags;
    system-defined (cross-Region) profiles are the ones Bedrock offers, such as V(us.anthropic.claude-3-7-sonnet-20250219-v1:0),
    the IDs to invoke the models that cannot run on demand with.
  - Busy answers are retried with the same jittered backoff as M(amazon.ai.bedrock_invoke_model).
  - Requires boto3 >= 1.35.51.
author:
  - amazon.ai maintainers (@ansible-collections)
options:
  name:
    description: The name of the profile to describe (an application profile's, or a system-defined one's, such as V(US Claude 3 Haiku)).
    type: str
  identifier:
    description: The ID or ARN of the profile to describe.
    type: str
    aliases: ['id', 'arn']
  type:
    description:
      - Which profiles to describe or look among, V(application) ones, V(system_defined) ones, or V(all) of them.
    type: str
    choices: ['application', 'system_defined', 'all']
    default: all
notes:
  - "The caller needs C(bedrock:ListInferenceProfiles), C(bedrock:GetInferenceProfile) and, for application profiles,
    C(bedrock:ListTagsForResource)."
seealso:
  - module: amazon.ai.bedrock_inference_profile
  - module: amazon.ai.bedrock_foundation_models_info
    description: >-
      With O(amazon.ai.bedrock_foundation_models_info#module:include_inference_profiles=true), the system-defined
      profiles that carry each model.
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Describe one application profile
  amazon.ai.bedrock_inference_profile_info:
    name: team-a-claude
  register: found

- name: Show its ARN
  ansible.builtin.debug:
    msg: "{{ found.inference_profiles[0].inference_profile_arn if found.inference_profiles else 'no such profile' }}"

- name: List the application profiles and their tags
  amazon.ai.bedrock_inference_profile_info:
    type: application
  register: applications

- name: List the system-defined profiles
  amazon.ai.bedrock_inference_profile_info:
    type: system_defined
  register: system

- name: Show the IDs of those that carry Claude 3.7 Sonnet
  ansible.builtin.debug:
    msg: >-
      {{ system.inference_profiles | selectattr('inference_profile_id', 'search', 'claude-3-7-sonnet')
         | map(attribute='inference_profile_id') | list }}
"""

RETURN = r"""
inference_profiles:
  description:
    - The profiles found, system-defined ones first, each as M(amazon.ai.bedrock_inference_profile) returns
      RV(amazon.ai.bedrock_inference_profile#module:inference_profile); C(type) says V(SYSTEM_DEFINED) or
      V(APPLICATION), and C(tags) is there for application profiles only.
    - Empty when no profile matches.
  returned: always
  type: list
  elements: dict
  sample: [{"inference_profile_id": "us.anthropic.claude-3-7-sonnet-20250219-v1:0",
            "inference_profile_name": "US Anthropic Claude 3.7 Sonnet", "type": "SYSTEM_DEFINED", "status": "ACTIVE",
            "inference_profile_arn": "arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.anthropic.claude-3-7-sonnet-20250219-v1:0",
            "models": [{"model_arn": "arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-7-sonnet-20250219-v1:0"}]}]
"""

from ansible_collections.amazon.ai.plugins.module_utils.inference_profile import profile_info
from ansible_collections.amazon.ai.plugins.module_utils.inference_profile_options import info_argument_spec
from ansible_collections.amazon.ai.plugins.module_utils.modules import AnsibleAmazonAIModule


def main():
    module = AnsibleAmazonAIModule(
        argument_spec=info_argument_spec(), mutually_exclusive=[["name", "identifier"]], supports_check_mode=True
    )
    module.run(profile_info)


if __name__ == "__main__":
    main()
