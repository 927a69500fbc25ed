#!/usr/bin/python
# -*- coding: utf-8 -*-

# Copyright: Contributors to the amazon.ai collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
module: bedrock_invoke_models
short_description: Run many inferences on Amazon Bedrock models in one task, concurrently
version_added: 1.1.0
description:
  - Sends many C(InvokeModel) requests to Amazon Bedrock from one task, several at a time, and returns every
    answer in the order of the requests.
  - Use it to classify many tickets, summarise many logs, embed many documents, or ask several models the same
    question. One task runs one process with one AWS client, so each further request costs milliseconds of
    CPU, not the second a task of M(amazon.ai.bedrock_invoke_model) costs.
  - Each request is checked, encoded, sent and decoded exactly as M(amazon.ai.bedrock_invoke_model) does it.
    Every request is checked and its body encoded before any is sent, so one invalid request fails the task
    with nothing sent.
  - Busy answers (C(ThrottlingException), C(ModelNotReadyException), C(ServiceUnavailableException),
    C(InternalServerException), and HTTP 429, 500, 502, 503 and 504 without an AWS error code) are retried per
    request with the same jittered backoff as M(amazon.ai.bedrock_invoke_model), up to 12 tries. After a busy
    answer fewer requests are sent at once (half as many, at least one), and more again after successes, so a
    low account quota is met with waiting rather than with a storm of refused requests.
  - A request that could not be sent at all, because no connection was made (the endpoint's name did not
    resolve, the connection was refused, or it was not made in time), is retried the same way, within the same
    12 tries, but without cutting the number of requests sent at once. While a request waits to try again it
    does not count against O(max_concurrency).
  - A request that may have reached Bedrock (no answer within the read timeout, or a connection closed after it
    was sent) is never sent again. A request that gives up says how many tries it made.
author:
  - amazon.ai maintainers (@ansible-collections)
options:
  model_id:
    description:
      - The ID of the Bedrock model to invoke, for every request that does not set its own.
      - A foundation model ID, an inference profile ID, or the ARN of a model, inference profile or provisioned
        model, as for M(amazon.ai.bedrock_invoke_model).
      - Required unless every entry of O(requests) sets its own C(model_id).
    type: str
  bodies:
    description:
      - The request bodies, one request each, sent with the task's options.
      - Each is encoded by O(content_type) as O(amazon.ai.bedrock_invoke_model#module:body) is.
      - Exactly one of O(bodies) and O(requests) is required. An empty list sends nothing.
      - Must be a list; a string is refused rather than split at its commas, as Ansible would split it.
    type: list
    elements: raw
  requests:
    description:
      - The requests, each with its body and, optionally, options of its own that take the place of the task's
        for that request.
      - Exactly one of O(bodies) and O(requests) is required. An empty list sends nothing.
    type: list
    elements: dict
    suboptions:
      body:
        description:
          - The request body, encoded by the request's O(content_type) as
            O(amazon.ai.bedrock_invoke_model#module:body) is.
        type: raw
        required: true
      model_id:
        description: The model for this request; defaults to O(model_id).
        type: str
      content_type:
        description: The MIME type of this request's body; defaults to O(content_type).
        type: str
      accept:
        description: The MIME type of the answer wanted; defaults to O(accept).
        type: str
      trace:
        description: Bedrock tracing for this request; defaults to O(trace).
        type: str
        choices: ['ENABLED', 'DISABLED', 'ENABLED_FULL']
      guardrail_identifier:
        description: The guardrail for this request; defaults to O(guardrail_identifier).
        type: str
      guardrail_version:
        description: The guardrail's version for this request; defaults to O(guardrail_version).
        type: str
      performance_config_latency:
        description: The latency setting for this request; defaults to O(performance_config_latency).
        type: str
        choices: ['standard', 'optimized']
      service_tier:
        description: The service tier for this request; defaults to O(service_tier).
        type: str
        choices: ['priority', 'default', 'flex', 'reserved']
      request_metadata:
        description: Invocation log tags for this request, in place of (not merged with) O(request_metadata).
        type: dict
  max_concurrency:
    description:
      - How many requests may be in flight at once, a whole number from 1 to 64 (a boolean is refused).
      - After Bedrock throttles, fewer are sent at once for a while; never more than this.
    type: int
    default: 8
  responses_dest:
    description:
      - A file on the host the module runs on, to which the answers are written instead of being returned, as
        JSON Lines, one line per request in input order, each the entry RV(responses) would hold.
      - The result then holds only RV(summary) and the path. Use it for many or large answers (embeddings above
        all), as ansible-core handles every value of a result one by one, twice.
      - The same option, with the same file format, as
        O(amazon.ai.bedrock_model_invocation_job#module:responses_dest). Its folder must exist; the file is
        replaced whole and readable by its owner only. Not written in check mode.
    type: path
    version_added: 1.1.0
notes:
  - Invoking models is reported as a change, as it runs (and bills) inferences; an empty list of requests
    changes nothing.
  - In check mode nothing is sent to Bedrock; every request is still checked and encoded, and the client is
    built. Each entry of RV(responses) then holds the model ID and an empty RV(responses[].raw_response).
  - When any request fails the task fails, naming how many and the first few; RV(responses) still holds every
    answer, so C(ignore_errors) or C(failed_when) lose nothing.
  - O(content_type), O(accept), O(guardrail_identifier) and O(guardrail_version), of the task or of an entry of
    O(requests), are sent as HTTP headers. A value that is not visible ASCII (or has white space at either end)
    fails the task on the controller, naming the option, before the module starts.
  - For thousands of prompts that need no answer within the play, Bedrock's batch inference (JSONL files in S3)
    is cheaper per token.
extends_documentation_fragment:
  - amazon.ai.bedrock
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Build one request body per ticket (set_fact runs on the controller, no module process per item)
  ansible.builtin.set_fact:
    ticket_bodies: >-
      {{ ticket_bodies | default([]) + [{
           'anthropic_version': 'bedrock-2023-05-31',
           'max_tokens': 10,
           'messages': [{'role': 'user', 'content': 'Classify as bug, question or feature: ' ~ item}]}] }}
  loop: "{{ tickets }}"

- name: Classify every ticket with one task, eight requests in flight at a time
  amazon.ai.bedrock_invoke_models:
    model_id: "anthropic.claude-3-haiku-20240307-v1:0"
    bodies: "{{ ticket_bodies }}"
  register: classified

- name: Show each ticket's class, in the order of the tickets
  ansible.builtin.debug:
    msg: "{{ classified.responses | map(attribute='raw_response.content') | map('first') | map(attribute='text') | list }}"

- name: Embed documents, sixteen requests in flight
  amazon.ai.bedrock_invoke_models:
    model_id: "amazon.titan-embed-text-v2:0"
    bodies:
      - {inputText: "How do I rotate my access keys?", dimensions: 256}
      - {inputText: "The build fails after the upgrade.", dimensions: 256}
      - {inputText: "Please add dark mode.", dimensions: 256}
    max_concurrency: 16
  register: embedded

- name: Show the embeddings' lengths
  ansible.builtin.debug:
    msg: "{{ embedded.responses | map(attribute='raw_response.embedding') | map('length') | list }}"

- name: Ask three models the same question, each with its own options
  amazon.ai.bedrock_invoke_models:
    requests:
      - model_id: "anthropic.claude-3-haiku-20240307-v1:0"
        body:
          anthropic_version: "bedrock-2023-05-31"
          max_tokens: 200
          messages: [{role: user, content: "What is the key to a good cup of coffee?"}]
      - model_id: "us.amazon.nova-lite-v1:0"
        body:
          messages: [{role: user, content: [{text: "What is the key to a good cup of coffee?"}]}]
        performance_config_latency: optimized
      - model_id: "meta.llama3-8b-instruct-v1:0"
        body: {prompt: "What is the key to a good cup of coffee?", max_gen_len: 200}
    request_metadata: {team: platform, application: model-comparison}
  register: compared

- name: Keep going when some requests fail, and report them
  amazon.ai.bedrock_invoke_models:
    model_id: "amazon.titan-text-express-v1"
    bodies:
      - {inputText: "Summarise in one line: {{ lookup('file', '/var/log/app/a.log') }}"}
      - {inputText: "Summarise in one line: {{ lookup('file', '/var/log/app/b.log') }}"}
  register: answers
  ignore_errors: true

- name: List the requests that failed
  ansible.builtin.debug:
    msg: "{{ answers.responses | selectattr('failed', 'defined') | map(attribute='msg') | list }}"
"""

RETURN = r"""
responses:
  description:
    - One entry per request, in the order of O(bodies) or O(requests).
    - An answered request has the keys a M(amazon.ai.bedrock_invoke_model) task returns.
    - A failed request has C(failed), C(msg) and, for an error Bedrock reported, C(error) and
      C(response_metadata), as a failed M(amazon.ai.bedrock_invoke_model) task has.
  returned: always
  type: list
  elements: dict
  contains:
    model_id:
      description: The model the request was sent to.
      returned: always
      type: str
      sample: "amazon.titan-embed-text-v2:0"
    raw_response:
      description:
        - The model's reply, decoded as M(amazon.ai.bedrock_invoke_model) decodes it (see its C(raw_response)).
        - In check mode an empty dictionary.
      returned: when the request succeeded, and in check mode
      type: raw
      sample: {"embedding": [0.12, -0.03], "inputTextTokenCount": 8}
    raw_response_format:
      description: How RV(responses[].raw_response) was decoded, V(json), V(text) or V(base64).
      returned: when the request succeeded
      type: str
      sample: json
    response_content_type:
      description: The MIME type of the reply, as Bedrock reported it.
      returned: when the request succeeded
      type: str
      sample: application/json
    performance_config_latency:
      description: The latency setting Bedrock processed the request with, when it reports one.
      returned: when Bedrock reports it
      type: str
      sample: optimized
    service_tier:
      description: The service tier Bedrock processed the request in, when it reports one.
      returned: when Bedrock reports it
      type: str
      sample: flex
    invocation_metrics:
      description: Token counts and latency Bedrock reported for the request, only those it sent.
      returned: when Bedrock reports any of them
      type: dict
      sample: {"input_token_count": 8, "output_token_count": 0, "invocation_latency_ms": 120}
    request_id:
      description: The AWS request ID of the call that succeeded.
      returned: when the request succeeded
      type: str
      sample: 5f3e9a4c-2b1d-4c8e-9f6a-0d7b3e2a1c4f
    failed:
      description: V(true) for a request that failed.
      returned: when the request failed
      type: bool
      sample: true
    msg:
      description: Why the request failed, naming the model.
      returned: when the request failed
      type: str
      sample: "Failed to invoke Bedrock model 'test.denied': An error occurred (AccessDeniedException) ..."
    error:
      description: The error Bedrock reported, with its C(code) and C(message).
      returned: when the request failed with an error Bedrock reported
      type: dict
      sample: {"code": "AccessDeniedException", "message": "You don't have access to the model."}
summary:
  description: Counts over all the requests.
  returned: when the requests were sent (not in check mode)
  type: dict
  contains:
    requests:
      description: How many requests there were.
      returned: always
      type: int
      sample: 100
    succeeded:
      description: How many were answered.
      returned: always
      type: int
      sample: 99
    failed:
      description: How many failed.
      returned: always
      type: int
      sample: 1
    retried:
      description: How many were tried more than once, because Bedrock was busy or no connection could be made.
      returned: always
      type: int
      sample: 7
    retries:
      description: How many times requests were tried again in all (a try that could not connect sent nothing).
      returned: always
      type: int
      sample: 9
    lowest_concurrency:
      description: The fewest requests allowed in flight at once, after Bedrock throttled (else O(max_concurrency)).
      returned: always
      type: int
      sample: 4
    input_token_count:
      description: The input tokens of all the answered requests, when Bedrock reported any.
      returned: when Bedrock reported input token counts
      type: int
      sample: 1200
    output_token_count:
      description: The output tokens of all the answered requests, when Bedrock reported any.
      returned: when Bedrock reported output token counts
      type: int
      sample: 5400
responses_dest:
  description: The file the answers were written to.
  returned: when O(responses_dest) is set and the requests were sent
  type: str
  sample: /var/tmp/embeddings.jsonl
  version_added: 1.1.0
"""

from ansible_collections.amazon.ai.plugins.module_utils.invoke_models import argument_spec
from ansible_collections.amazon.ai.plugins.module_utils.invoke_models import invoke_models
from ansible_collections.amazon.ai.plugins.module_utils.modules import AnsibleAmazonAIModule


def main():
    module = AnsibleAmazonAIModule(
        argument_spec=argument_spec(),
        mutually_exclusive=[["bodies", "requests"]],
        required_one_of=[["bodies", "requests"]],
        supports_check_mode=True,
    )
    module.run(invoke_models)


if __name__ == "__main__":
    main()
