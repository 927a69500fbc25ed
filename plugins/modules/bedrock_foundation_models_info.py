#!/usr/bin/python
# -*- coding: utf-8 -*-

# Copyright: Contributors to the amazon.ai collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
module: bedrock_foundation_models_info
short_description: List Amazon Bedrock foundation models, the inference profiles that carry them, and their access
version_added: 1.1.0
description:
  - Lists the foundation models Bedrock offers in the task's region, those the filters match, or describes one
    model by O(model_id).
  - With O(include_inference_profiles), each model also names the system-defined (cross-region) inference profiles
    that carry it. Many current models can only be invoked through one (their RV(models[].inference_types_supported)
    is V(INFERENCE_PROFILE) rather than V(ON_DEMAND)), so a playbook can pick the profile id to pass as the
    O(amazon.ai.bedrock_invoke_model#module:model_id) of the inference modules.
  - With O(include_availability), each model also says whether the account may invoke it (agreement,
    authorization, entitlement and region availability), so that a playbook can assert access before it runs.
  - Users of the upstream collection's C(bedrock_foundation_models_info) module will find its filter names
    (O(by_provider), ...) as aliases here, and its C(model_summaries) and C(model_summary) as RV(models), a list in
    both cases.
  - Busy answers are retried with the same jittered backoff as M(amazon.ai.bedrock_invoke_model).
author:
  - amazon.ai maintainers (@ansible-collections)
options:
  model_id:
    description:
      - Describe only this model, by its ID (such as V(amazon.nova-lite-v1:0)) or its ARN.
      - A model Bedrock does not offer in the region gives an empty RV(models).
      - Mutually exclusive with the filters.
    type: str
  provider:
    description:
      - Only the models of this provider, such as V(Anthropic) or V(Amazon).
    type: str
    aliases: [by_provider]
  customization_type:
    description:
      - Only the models that can be customized this way.
    type: str
    choices: ['FINE_TUNING', 'CONTINUED_PRE_TRAINING', 'DISTILLATION']
    aliases: [by_customization_type]
  output_modality:
    description:
      - Only the models that answer with this kind of data.
    type: str
    choices: ['TEXT', 'IMAGE', 'EMBEDDING']
    aliases: [by_output_modality]
  inference_type:
    description:
      - Only the models that can be invoked this way. V(ON_DEMAND) leaves out the models that need an inference
        profile or provisioned throughput.
    type: str
    choices: ['ON_DEMAND', 'PROVISIONED']
    aliases: [by_inference_type]
  include_inference_profiles:
    description:
      - Add RV(models[].inference_profiles) to each model, from one listing of the system-defined inference
        profiles (every page of it).
      - Requires boto3 >= 1.35.7.
    type: bool
    default: false
  include_availability:
    description:
      - Add RV(models[].availability) to each model, from one call per model, several at once.
      - Requires boto3 >= 1.38.43.
    type: bool
    default: false
notes:
  - The IAM permissions the module needs are C(bedrock:ListFoundationModels) (C(bedrock:GetFoundationModel) with
    O(model_id)), C(bedrock:ListInferenceProfiles) with O(include_inference_profiles), and
    C(bedrock:GetFoundationModelAvailability) with O(include_availability).
seealso:
  - module: amazon.ai.bedrock_invoke_model
  - module: amazon.ai.bedrock_converse
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: List the text models Anthropic offers, and the inference profiles that carry them
  amazon.ai.bedrock_foundation_models_info:
    provider: Anthropic
    output_modality: TEXT
    include_inference_profiles: true
  register: anthropic

- name: Pick the US profile of Claude 3.7 Sonnet
  ansible.builtin.set_fact:
    model_id: >-
      {{ anthropic.models | selectattr('model_id', 'equalto', 'anthropic.claude-3-7-sonnet-20250219-v1:0')
         | map(attribute='inference_profiles') | first | select('match', 'us[.]') | first }}

- name: Describe one model, and whether the account may invoke it
  amazon.ai.bedrock_foundation_models_info:
    model_id: amazon.nova-lite-v1:0
    include_availability: true
  register: nova

- name: Fail early unless the account has access to it
  ansible.builtin.assert:
    that:
      - nova.models | length == 1
      - nova.models[0].availability.authorization_status == 'AUTHORIZED'
      - nova.models[0].availability.entitlement_availability == 'AVAILABLE'
      - nova.models[0].availability.region_availability == 'AVAILABLE'
"""

RETURN = r"""
models:
  description:
    - The models, in the order Bedrock lists them; with O(model_id), that one model, or none when Bedrock does not
      offer it in the region.
    - Each model is Bedrock's description of it with its keys in snake_case; its values are as Bedrock sent them,
      including values newer than this module's documentation (such as V(INFERENCE_PROFILE)).
  returned: always
  type: list
  elements: dict
  contains:
    model_id:
      description: The model's ID.
      type: str
      returned: always
      sample: anthropic.claude-3-7-sonnet-20250219-v1:0
    model_arn:
      description: The model's ARN.
      type: str
      returned: always
      sample: arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-7-sonnet-20250219-v1:0
    model_name:
      description: The model's name.
      type: str
      returned: when Bedrock says
      sample: Claude 3.7 Sonnet
    provider_name:
      description: The name of its provider.
      type: str
      returned: when Bedrock says
      sample: Anthropic
    input_modalities:
      description: The kinds of data it takes (V(TEXT), V(IMAGE), V(EMBEDDING)).
      type: list
      elements: str
      returned: when Bedrock says
      sample: [TEXT, IMAGE]
    output_modalities:
      description: The kinds of data it answers with.
      type: list
      elements: str
      returned: when Bedrock says
      sample: [TEXT]
    response_streaming_supported:
      description: Whether it can stream its answers.
      type: bool
      returned: when Bedrock says
    customizations_supported:
      description: How it can be customized (V(FINE_TUNING), V(CONTINUED_PRE_TRAINING), V(DISTILLATION)).
      type: list
      elements: str
      returned: when Bedrock says
      sample: []
    inference_types_supported:
      description:
        - How it can be invoked. V(ON_DEMAND) by its ID or ARN; V(PROVISIONED) through provisioned throughput;
          V(INFERENCE_PROFILE) only through an inference profile (RV(models[].inference_profiles)).
      type: list
      elements: str
      returned: when Bedrock says
      sample: [INFERENCE_PROFILE]
    model_lifecycle_status:
      description:
        - V(ACTIVE), or V(LEGACY) for a model Bedrock is retiring (its dates are in RV(models[].model_lifecycle)).
      type: str
      returned: when Bedrock says
      sample: ACTIVE
    model_lifecycle:
      description:
        - Bedrock's lifecycle of the model, its times in ISO 8601 (V(legacy_time), V(end_of_life_time), ...).
      type: dict
      returned: when Bedrock says
      sample: {"status": "LEGACY", "legacy_time": "2025-07-01T00:00:00+00:00",
               "end_of_life_time": "2027-01-01T00:00:00+00:00"}
    inference_profiles:
      description:
        - The IDs of the system-defined inference profiles that carry the model, as seen from the region; empty
          when none does.
      type: list
      elements: str
      returned: with O(include_inference_profiles)
      sample: [apac.anthropic.claude-3-7-sonnet-20250219-v1:0, eu.anthropic.claude-3-7-sonnet-20250219-v1:0,
               us.anthropic.claude-3-7-sonnet-20250219-v1:0]
    availability:
      description: Whether the account may invoke the model.
      type: dict
      returned: with O(include_availability)
      contains:
        agreement_availability:
          description:
            - The model's agreement (its EULA). Its C(status) is V(AVAILABLE), V(PENDING), V(NOT_AVAILABLE) or
              V(ERROR) (then with an C(error_message)).
          type: dict
          sample: {"status": "AVAILABLE"}
        authorization_status:
          description: V(AUTHORIZED) or V(NOT_AUTHORIZED).
          type: str
          sample: AUTHORIZED
        entitlement_availability:
          description: V(AVAILABLE) or V(NOT_AVAILABLE).
          type: str
          sample: AVAILABLE
        region_availability:
          description: V(AVAILABLE) or V(NOT_AVAILABLE) in the task's region.
          type: str
          sample: AVAILABLE
"""

from ansible_collections.amazon.ai.plugins.module_utils.foundation_models import foundation_models_argument_spec
from ansible_collections.amazon.ai.plugins.module_utils.foundation_models import foundation_models_info
from ansible_collections.amazon.ai.plugins.module_utils.foundation_models import foundation_models_mutually_exclusive
from ansible_collections.amazon.ai.plugins.module_utils.modules import AnsibleAmazonAIModule


def main():
    module = AnsibleAmazonAIModule(
        argument_spec=foundation_models_argument_spec(),
        mutually_exclusive=foundation_models_mutually_exclusive(),
        supports_check_mode=True,
    )
    module.run(foundation_models_info)


if __name__ == "__main__":
    main()
