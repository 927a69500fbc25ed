#!/usr/bin/python
# -*- coding: utf-8 -*-

# Copyright: Contributors to the amazon.ai collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
module: bedrock_model_invocation_logging
short_description: Manage the Amazon Bedrock model invocation logging of an account and region
version_added: 1.1.0
description:
  - Manages whether Bedrock logs the model invocations of the account in the task's region (prompts, answers and
    their metadata, for every model invoked there), and where they go (a CloudWatch Logs log group, an S3 bucket,
    or both). Bedrock keeps one such configuration per account and region.
  - The task states the whole configuration it wants. An option left unset is not left as it is in AWS; it takes
    its documented meaning (a destination not given is removed, a kind of data not set is logged), so that the
    task means the same whatever was configured before it, as with other amazon.aws modules.
  - The module reads the current configuration and compares it with the task's (in the shape of
    RV(logging_config)); it sends a write only when they differ. Check mode and C(--diff) are supported.
  - Everything Bedrock would refuse is refused before anything is sent, naming the option (a missing destination,
    an ARN that is not a role's, a name S3 does not allow for a bucket, lengths and patterns of the API).
  - Busy answers are retried with the same jittered backoff as M(amazon.ai.bedrock_invoke_model).
author:
  - amazon.ai maintainers (@ansible-collections)
options:
  state:
    description:
      - V(present) makes the configuration the one the task states. At least one of O(cloudwatch) and O(s3) is
        needed.
      - V(absent) deletes the configuration, and Bedrock stops logging invocations in the region. No other option
        may be set with it.
    type: str
    choices: ['present', 'absent']
    default: present
  cloudwatch:
    description:
      - Log to a CloudWatch Logs log group. Unset, invocations are not logged to CloudWatch Logs.
    type: dict
    suboptions:
      log_group_name:
        description:
          - The log group's name, 1 to 512 letters, digits, C(.), C(-), C(_), C(/) and C(#). The log group must
            exist.
        type: str
        required: true
      role_arn:
        description:
          - The ARN of the IAM role Bedrock assumes to write to the log group, such as
            V(arn:aws:iam::123456789012:role/bedrock-logging). Its trust policy must let V(bedrock.amazonaws.com)
            assume it. An ARN of anything else (a user, a model) is refused.
        type: str
        required: true
      large_data_delivery_s3:
        description:
          - Where Bedrock writes the data too large for CloudWatch Logs (over 100 KB, and binary data such as
            images). Unset, there is no such bucket.
        type: dict
        suboptions:
          bucket_name:
            description: The bucket's name. It must exist, and follow S3's naming rules.
            type: str
            required: true
          key_prefix:
            description: The prefix of the keys Bedrock writes. Unset or empty, none.
            type: str
  s3:
    description:
      - Log to an S3 bucket. Unset, invocations are not logged to S3.
    type: dict
    suboptions:
      bucket_name:
        description: The bucket's name. It must exist, and follow S3's naming rules.
        type: str
        required: true
      key_prefix:
        description: The prefix of the keys Bedrock writes. Unset or empty, none.
        type: str
  text_data_delivery:
    description:
      - Whether the logs include the text of requests and answers.
      - Unset, V(true), as in the Bedrock console.
    type: bool
  image_data_delivery:
    description:
      - Whether the logs include images.
      - Unset, V(true).
    type: bool
  embedding_data_delivery:
    description:
      - Whether the logs include embeddings.
      - Unset, V(true).
    type: bool
  video_data_delivery:
    description:
      - Whether the logs include video.
      - Unset, V(true). Setting it, to V(true) or V(false), requires boto3 >= 1.35.74. An older boto3 cannot send
        it, so the module then leaves it out of what it sends (Bedrock applies its own default), compares and
        returns.
    type: bool
  audio_data_delivery:
    description:
      - Whether the logs include audio.
      - Unset, V(true). Setting it requires boto3 >= 1.42.1; an older boto3 leaves it out, as for
        O(video_data_delivery).
    type: bool
notes:
  - The IAM permissions the module needs are C(bedrock:GetModelInvocationLoggingConfiguration), and to change the
    configuration C(bedrock:PutModelInvocationLoggingConfiguration) or
    C(bedrock:DeleteModelInvocationLoggingConfiguration).
  - The bucket's policy must let V(bedrock.amazonaws.com) write to it; Bedrock checks that when the configuration
    is put, and refuses it otherwise (AccessDeniedException or ValidationException, reported by the task).
seealso:
  - name: Monitor model invocation using CloudWatch Logs and Amazon S3
    description: The Bedrock user guide on invocation logging, its destinations and the permissions they need.
    link: https://docs.aws.amazon.com/bedrock/latest/userguide/model-invocation-logging.html
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Log every invocation in the region to S3
  amazon.ai.bedrock_model_invocation_logging:
    s3:
      bucket_name: my-bedrock-logs
      key_prefix: invocations/

- name: Log to CloudWatch Logs, large data to S3, and no images
  amazon.ai.bedrock_model_invocation_logging:
    cloudwatch:
      log_group_name: /bedrock/invocations
      role_arn: arn:aws:iam::123456789012:role/bedrock-logging
      large_data_delivery_s3:
        bucket_name: my-bedrock-logs
        key_prefix: large/
    image_data_delivery: false

- name: Stop logging invocations in eu-west-1
  amazon.ai.bedrock_model_invocation_logging:
    region: eu-west-1
    state: absent
"""

RETURN = r"""
logging_config:
  description:
    - The configuration after the task (in check mode, the one it would have made), in the shape of the module's
      options, so that it can be given back to the module as it is. A destination that is not configured is left
      out.
    - Empty when there is none (O(state=absent)).
  returned: always
  type: dict
  contains:
    cloudwatch:
      description: The log group, as O(cloudwatch).
      returned: when configured
      type: dict
      sample: {"log_group_name": "/bedrock/invocations", "role_arn": "arn:aws:iam::123456789012:role/bedrock-logging"}
    s3:
      description: The bucket, as O(s3).
      returned: when configured
      type: dict
      sample: {"bucket_name": "my-bedrock-logs", "key_prefix": "invocations/"}
    text_data_delivery:
      description: Whether the logs include text.
      returned: unless O(state=absent)
      type: bool
    image_data_delivery:
      description: Whether the logs include images.
      returned: unless O(state=absent)
      type: bool
    embedding_data_delivery:
      description: Whether the logs include embeddings.
      returned: unless O(state=absent)
      type: bool
    video_data_delivery:
      description: Whether the logs include video.
      returned: unless O(state=absent), with boto3 >= 1.35.74
      type: bool
    audio_data_delivery:
      description: Whether the logs include audio.
      returned: unless O(state=absent), with boto3 >= 1.42.1
      type: bool
  sample:
    s3: {"bucket_name": "my-bedrock-logs", "key_prefix": "invocations/"}
    text_data_delivery: true
    image_data_delivery: true
    embedding_data_delivery: true
    video_data_delivery: true
    audio_data_delivery: true
"""

from ansible_collections.amazon.ai.plugins.module_utils.model_invocation_logging import logging_argument_spec
from ansible_collections.amazon.ai.plugins.module_utils.model_invocation_logging import manage_logging
from ansible_collections.amazon.ai.plugins.module_utils.modules import AnsibleAmazonAIModule


def main():
    module = AnsibleAmazonAIModule(argument_spec=logging_argument_spec(), supports_check_mode=True)
    module.run(manage_logging)


if __name__ == "__main__":
    main()
