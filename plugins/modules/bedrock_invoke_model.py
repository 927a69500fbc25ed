#!/usr/bin/python
# -*- coding: utf-8 -*-

# Copyright: Contributors to the amazon.ai collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
module: bedrock_invoke_model
short_description: Run inference using Amazon Bedrock models
version_added: 1.0.0
description:
  - This module invokes a specified model on Amazon Bedrock with a user-provided request body.
  - The request body is passed as raw bytes or JSON (dict), depending on the model requirements.
  - The module supports customizing request and response MIME types.
  - Bedrock refusing a request because it is busy (C(ThrottlingException), C(ModelNotReadyException),
    C(ServiceUnavailableException), C(InternalServerException)) is retried with jittered exponential backoff,
    up to 12 tries within about a minute. Other errors fail the task at once.
  - A request that could not be sent at all, because no connection was made (the endpoint's name did not
    resolve, the connection was refused, or it was not made in time), is retried the same way, within the same
    12 tries. A request that may have reached Bedrock (no answer within the read timeout, or a connection closed
    after it was sent) is never sent again. A task that gives up says how many tries it made.
  - The module waits up to an hour (3600 s) for a model to answer, and turns botocore's own retries off, so a
    request whose answer is slow is never sent (and billed) twice. Setting C(read_timeout) or C(retries) in
    O(aws_config) overrides either.
author:
  - Alina Buzachis (@alinabuzachis)
options:
  model_id:
    description:
      - The ID of the Bedrock model to invoke.
      - A foundation model ID such as V(anthropic.claude-3-haiku-20240307-v1:0), an inference profile ID
        such as V(us.anthropic.claude-3-haiku-20240307-v1:0), or the ARN of a model, inference profile or
        provisioned model.
    type: str
    required: true
  body:
    description:
      - The request body to send to the model.
      - Must be a JSON object, string, or plain text depending on the model.
      - When O(content_type) is JSON (V(application/json) or any C(type/subtype+json)), a mapping or list is
        sent encoded as JSON, and a string must already be JSON and is sent as given (so a body templated with
        P(ansible.builtin.to_json#filter) is not encoded twice).
      - For any other O(content_type) the body must be a string, which is sent as UTF-8.
      - A body that does not fit O(content_type), or that is a number, boolean or null, fails the task before
        anything is sent, also in check mode.
    type: raw
    required: true
notes:
  - Invoking a model is reported as a change, as it runs (and bills) an inference.
  - In check mode nothing is sent to Bedrock; the options are still checked and O(body) is still serialized.
  - O(content_type), O(accept), O(guardrail_identifier) and O(guardrail_version) are sent as HTTP headers. A
    value that is not visible ASCII (or has white space at either end) fails the task on the controller, naming
    the option, before the module starts.
extends_documentation_fragment:
  - amazon.ai.bedrock
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Invoke Claude v3 Haiku with custom JSON body
  amazon.ai.bedrock_invoke_model:
    model_id: "anthropic.claude-3-haiku-20240307-v1:0"
    body:
      anthropic_version: "bedrock-2023-05-31"
      messages:
        - role: "user"
          content:
            - type: "text"
              text: "What is the key to a good cup of coffee?"
      max_tokens: 250
    content_type: "application/json"
    accept: "application/json"
  register: coffee

- name: Show the answer
  ansible.builtin.debug:
    msg: "{{ coffee.raw_response.content[0].text }}"

- name: Invoke a model with plain text input
  amazon.ai.bedrock_invoke_model:
    model_id: "some-text-model"
    body: "Once upon a time..."
    content_type: "text/plain"
    accept: "text/plain"

- name: Send a body that is already JSON text (it is sent as it is)
  amazon.ai.bedrock_invoke_model:
    model_id: "amazon.titan-embed-text-v2:0"
    body: "{{ {'inputText': ticket_summary, 'dimensions': 256} | to_json }}"
  register: embedding

- name: Ask through a cross-region inference profile, with a guardrail and latency-optimized inference
  amazon.ai.bedrock_invoke_model:
    model_id: "us.amazon.nova-lite-v1:0"
    body:
      messages:
        - role: user
          content:
            - text: "Classify this ticket as bug, question or feature: {{ ticket_text }}"
    guardrail_identifier: "abc123def456"
    guardrail_version: "DRAFT"
    performance_config_latency: optimized
    trace: ENABLED
    region: us-east-2

- name: Tag the call for cost attribution and keep within a token budget
  amazon.ai.bedrock_invoke_model:
    model_id: "anthropic.claude-3-haiku-20240307-v1:0"
    body:
      anthropic_version: "bedrock-2023-05-31"
      max_tokens: 500
      messages:
        - role: user
          content: "Draft a changelog entry for: {{ commit_message }}"
    request_metadata:
      team: platform
      application: release-notes
      cost_center: "4711"
    service_tier: flex
  register: draft

- name: Stop once the run has spent its output token budget
  ansible.builtin.assert:
    that:
      - draft.invocation_metrics.output_token_count | default(0) <= 500
    fail_msg: "The model used {{ draft.invocation_metrics.output_token_count | default('?') }} output tokens"
"""

RETURN = r"""
model_id:
  description: The ID of the Bedrock model that was invoked.
  returned: success
  type: str
  sample: "anthropic.claude-3-haiku-20240307-v1:0"
raw_response:
  description:
    - The model's reply as Bedrock returned it, decoded. Useful for debugging or accessing provider-specific metadata.
    - A JSON reply is returned parsed, with every key exactly as the model sent it.
    - Any other reply that is UTF-8 text is returned as a string, and anything else (for example an image) as a
      base64-encoded string; RV(raw_response_format) says which.
    - In check mode it is an empty dictionary.
  returned: always
  type: raw
  sample: {
    "output": {"message": {"content": [{"text": "A good cup of coffee starts with fresh beans."}], "role": "assistant"}},
    "stopReason": "max_tokens",
    "usage": {"cacheReadInputTokenCount": 0, "cacheWriteInputTokenCount": 0, "inputTokens": 3, "outputTokens": 50,
              "totalTokens": 53}
  }
raw_response_format:
  description:
    - How RV(raw_response) was decoded from the reply.
    - V(json) for a reply whose content type is JSON and that parses, V(text) for any other UTF-8 reply,
      V(base64) for a reply that is not text.
  returned: when the model was invoked (not in check mode)
  type: str
  choices: ['json', 'text', 'base64']
  sample: json
response_content_type:
  description: The MIME type of the reply, as Bedrock reported it.
  returned: when the model was invoked (not in check mode)
  type: str
  sample: application/json
  version_added: 1.1.0
performance_config_latency:
  description: The latency setting Bedrock processed the request with, when it reports one.
  returned: when Bedrock reports it
  type: str
  sample: optimized
  version_added: 1.1.0
service_tier:
  description: The service tier Bedrock processed the request in, when it reports one.
  returned: when Bedrock reports it
  type: str
  sample: flex
  version_added: 1.1.0
invocation_metrics:
  description:
    - Token counts and latency Bedrock reported for the call in its reply headers.
    - Not every model reports them; only the values Bedrock sent are present.
  returned: when Bedrock reports any of them
  type: dict
  version_added: 1.1.0
  contains:
    input_token_count:
      description: The number of tokens in the request.
      returned: when Bedrock reports it
      type: int
      sample: 12
    output_token_count:
      description: The number of tokens the model generated.
      returned: when Bedrock reports it
      type: int
      sample: 250
    invocation_latency_ms:
      description: How long the model took to answer, in milliseconds.
      returned: when Bedrock reports it
      type: int
      sample: 1834
request_id:
  description: The AWS request ID of the call that succeeded, for support cases and invocation logs.
  returned: when the model was invoked (not in check mode)
  type: str
  sample: 5f3e9a4c-2b1d-4c8e-9f6a-0d7b3e2a1c4f
  version_added: 1.1.0
"""

from ansible_collections.amazon.ai.plugins.module_utils.invoke_model import argument_spec
from ansible_collections.amazon.ai.plugins.module_utils.invoke_model import invoke_model
from ansible_collections.amazon.ai.plugins.module_utils.modules import AnsibleAmazonAIModule


def main():
    module = AnsibleAmazonAIModule(
        argument_spec=argument_spec(),
        required_together=[["guardrail_identifier", "guardrail_version"]],
        supports_check_mode=True,
    )
    module.run(invoke_model)


if __name__ == "__main__":
    main()
