#!/usr/bin/python
# -*- coding: utf-8 -*-

# Copyright: Contributors to the amazon.ai collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
module: bedrock_converse
short_description: Ask any Amazon Bedrock chat model a question, or carry on a conversation
version_added: 1.1.0
description:
  - Sends one request to Amazon Bedrock's C(Converse) API, which takes the same request shape for every chat model
    (Amazon Nova, Anthropic Claude, Meta Llama, Mistral, Cohere Command R, DeepSeek, ...) and answers in the same
    shape, and returns the answer as task data (RV(text), RV(tool_uses), RV(usage), ...).
  - Switching models needs only another O(model_id); the tasks that read the answer stay the same.
  - Use M(amazon.ai.bedrock_invoke_model) instead for what C(Converse) does not cover, such as embeddings,
    image generation and model-specific request fields.
  - Everything is checked before anything is sent, the way Bedrock checks it (ranges, roles, blocks, file formats,
    turn order, tool names), and a bad input fails the task naming the option, with nothing sent.
  - Bedrock refusing a request because it is busy (C(ThrottlingException), C(ModelNotReadyException),
    C(ServiceUnavailableException), C(InternalServerException), and HTTP 429, 500, 502, 503 and 504 without an
    AWS error code) is retried with jittered exponential backoff, up to 12 tries within about a minute, as by
    M(amazon.ai.bedrock_invoke_model). Other errors fail the task at once; the result's C(error.code) names them.
  - A request that could not be sent at all, because no connection was made (the endpoint's name did not
    resolve, the connection was refused, or it was not made in time), is retried the same way, within the same
    12 tries. A task that gives up says how many tries it made.
  - The module waits up to an hour (3600 s) for a model to answer, and a request that may have reached Bedrock
    (no answer within the read timeout, or a connection closed after it was sent) is never sent (and billed)
    again. Setting C(read_timeout) or C(retries) in O(aws_config) overrides either.
  - Converse needs boto3 >= 1.34.116. Options that need a newer boto3 say so below; a task that sets one with an
    older boto3 fails naming the highest version it needs.
author:
  - amazon.ai maintainers (@ansible-collections)
options:
  model_id:
    description:
      - The model to ask. A foundation model ID such as V(amazon.nova-lite-v1:0), an inference profile ID such as
        V(us.anthropic.claude-3-5-haiku-20241022-v1:0), the ARN of a model, inference profile or provisioned model,
        or the ARN of a prompt from Bedrock Prompt management.
      - With a prompt ARN, O(prompt) and O(messages) may both be left unset, and O(prompt_variables) fill in the
        prompt's variables. The prompt sets the system prompt, inference settings and tools, so O(system),
        O(max_tokens), O(temperature), O(top_p), O(stop_sequences), O(tools), O(tool_choice) and
        O(additional_model_request_fields) cannot be set with it.
    type: str
    required: true
  prompt:
    description:
      - The question, sent as one user message with this text (and the O(images) and O(documents) attached to it).
      - Exactly one of O(prompt) and O(messages) is required, unless O(model_id) is a prompt ARN.
    type: str
  messages:
    description:
      - The conversation, as the C(Converse) API takes it; RV(messages) returns it with the reply appended,
        ready to be extended with the next user message (or the tool results) and sent again.
      - Each message is a mapping with C(role) (V(user) or V(assistant); V(system) needs boto3 >= 1.43.17) and
        C(content), a list of blocks. The conversation starts with a user message, and user and assistant
        messages alternate.
      - Each block holds exactly one of the API's keys, written as the API writes them (camelCase) C(text),
        C(image), C(document), C(video), C(audio), C(toolUse), C(toolResult), C(guardContent), C(cachePoint),
        C(reasoningContent), C(citationsContent), C(searchResult), C(toolAddition), C(toolRemoval).
      - The C(source) of an C(image), C(document), C(video) or C(audio) block holds exactly one of C(bytes) (the
        file's content as base64 text, for example from P(ansible.builtin.b64encode#filter) or
        M(ansible.builtin.slurp); the module decodes it, so Bedrock receives the file's exact bytes),
        C(s3Location) (C(uri) and optionally C(bucketOwner)), or C(path), a file on the host that runs the
        module, which the module reads. C(format) may be left out when C(path) or C(s3Location) names the file;
        it is then taken from the file's extension. A document's C(name) is likewise taken from its file when left out.
      - Images and documents are only allowed in user messages, at most 20 images and 5 documents a message, and
        a message with a document also needs a C(text) block.
      - A user message answering tool uses holds one C(toolResult) block for each C(toolUse) of the previous
        message, with the same C(toolUseId); O(tools) must be set whenever the conversation holds either.
    type: list
    elements: dict
  images:
    description:
      - Images to attach to O(prompt), each a file on the host that runs the module or an C(s3://) URI.
      - The format comes from the file's extension (C(.png), C(.jpg), C(.jpeg), C(.gif) or C(.webp)); any other
        extension fails the task before anything is sent.
      - Images from S3 need boto3 >= 1.38.3 (and a model that reads them from S3).
    type: list
    elements: str
  documents:
    description:
      - Documents to attach to O(prompt), each a file on the host that runs the module or an C(s3://) URI.
      - The format comes from the file's extension (C(.pdf), C(.csv), C(.doc), C(.docx), C(.xls), C(.xlsx),
        C(.html), C(.txt) or C(.md)), and the document's name from the file's name, reduced to the characters
        Bedrock takes in a name (letters, digits, hyphens, parentheses, square brackets and single spaces), so
        C(q3_report.v2.pdf) is named C(q3-report-v2).
      - Documents need boto3 >= 1.34.131.
    type: list
    elements: str
  system:
    description:
      - The system prompt, a string, or a list of strings (each a system prompt). A list may also hold system
        blocks as the API writes them, such as a C(cachePoint) block with C(type) V(default) (cache points need
        boto3 >= 1.37.24).
    type: raw
  max_tokens:
    description: The most tokens the model may generate. At least 1.
    type: int
  temperature:
    description: How random the answer is, from 0 to 1.
    type: float
  top_p:
    description: The share of most likely next tokens the model chooses from, from 0 to 1.
    type: float
  stop_sequences:
    description:
      - Texts that stop the model when it generates them. Up to 2500; more than 4 need boto3 >= 1.40.21.
    type: list
    elements: str
  tools:
    description:
      - The tools the model may ask to use. When it does, RV(stop_reason) is V(tool_use) and RV(tool_uses) lists
        what it asked for; the playbook runs the tools and sends RV(messages) again with a user message holding
        the results (see the examples).
    type: list
    elements: dict
    suboptions:
      name:
        description: The tool's name, 1 to 64 letters, digits, underscores or hyphens.
        type: str
        required: true
      description:
        description: What the tool does, for the model to decide when to use it.
        type: str
      input_schema:
        description:
          - A JSON Schema of the tool's input. Its keys are sent as written.
          - Defaults to an object with no properties (a tool that takes no input).
        type: dict
  tool_choice:
    description:
      - Which tool the model uses. V(auto) lets it decide (what Bedrock does when unset), V(any) makes it use one
        of O(tools), and the name of a tool in O(tools) makes it use that tool.
    type: str
  output_schema:
    description:
      - A JSON Schema the answer must match (structured output). The model answers in JSON, which is returned
        parsed as RV(output_json).
      - This option requires boto3 >= 1.42.42.
    type: dict
  guardrail_identifier:
    description:
      - The ID or ARN of the guardrail to apply to the conversation.
      - O(guardrail_identifier) and O(guardrail_version) are set together. They require boto3 >= 1.34.129.
    type: str
  guardrail_version:
    description: The guardrail's version, a number or V(DRAFT).
    type: str
  guardrail_trace:
    description:
      - Whether Bedrock returns the guardrail's assessments as RV(trace). Not sent unless set.
      - Requires a guardrail and boto3 >= 1.34.129; V(enabled_full) requires boto3 >= 1.37.29.
    type: str
    choices: ['enabled', 'disabled', 'enabled_full']
  additional_model_request_fields:
    description:
      - Request fields of the model's own that C(Converse) has no option for, sent unchanged, for example
        Claude's C(thinking) (see the examples).
    type: dict
  additional_model_response_field_paths:
    description:
      - JSON Pointers (such as V(/stop_sequence)) to fields of the model's own reply to return as
        RV(additional_model_response_fields). At most 10.
    type: list
    elements: str
  prompt_variables:
    description:
      - Values for the variables of a prompt from Prompt management (O(model_id) its ARN), names to strings.
      - This option requires boto3 >= 1.35.56.
    type: dict
  request_metadata:
    description:
      - Key-value tags recorded with this call in the account's model invocation logs, for example to attribute
        cost to a team or an application.
      - At most 16 entries; keys (1 to 256 characters) and values (up to 256) may only hold letters, digits,
        white space and the characters C(:_@$#=/+,-.) only. An empty mapping sends nothing.
      - This option requires boto3 >= 1.35.74.
    type: dict
  service_tier:
    description:
      - The service tier to process the request in, trading price against latency and availability.
      - Not sent unless set, so Bedrock uses the account's default tier.
      - This option requires boto3 >= 1.40.76, and V(reserved) requires boto3 >= 1.41.5.
    type: str
    choices: ['priority', 'default', 'flex', 'reserved']
  performance_config_latency:
    description:
      - Model performance settings for the request, optimizing for latency.
      - V(optimized) requires boto3 >= 1.35.73. The default V(standard) is what Bedrock assumes, so it is not sent.
    type: str
    choices: ['standard', 'optimized']
    default: standard
notes:
  - Asking a model is reported as a change, as it runs (and bills) an inference.
  - In check mode nothing is sent to Bedrock; the options are still checked, files still read, and the result
    has its usual shape with RV(messages) holding the request's messages.
  - The connection options (O(region), O(profile), O(endpoint_url), credentials, ...) are also taken from
    C(module_defaults) set for C(group/amazon.aws.aws) or C(group/aws), as for the amazon.aws modules, unless the
    task, the module's own C(module_defaults) or C(group/amazon.ai.aws) set them.
  - Which features a model supports (system prompts, images, documents, tools) differs from model to model;
    Bedrock refuses what a model does not support with a C(ValidationException).
seealso:
  - module: amazon.ai.bedrock_invoke_model
  - name: Carry out a conversation with the Converse API operations
    description: The Amazon Bedrock User Guide on Converse, and which models support which features.
    link: https://docs.aws.amazon.com/bedrock/latest/userguide/conversation-inference.html
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Ask a question
  amazon.ai.bedrock_converse:
    model_id: amazon.nova-lite-v1:0
    prompt: "In one sentence: what does this log line mean? {{ log_line }}"
    system: You are a terse Linux administrator.
    max_tokens: 200
    temperature: 0.2
  register: answer

- name: Show the answer and what it cost
  ansible.builtin.debug:
    msg: "{{ answer.text }} ({{ answer.usage.total_tokens }} tokens, {{ answer.latency_ms }} ms)"

- name: Carry on the conversation
  amazon.ai.bedrock_converse:
    model_id: amazon.nova-lite-v1:0
    messages: "{{ answer.messages + [{'role': 'user', 'content': [{'text': 'And how do I fix it?'}]}] }}"

- name: Ask about a diagram and a report on the controller, and a contract in S3
  amazon.ai.bedrock_converse:
    model_id: us.anthropic.claude-3-5-sonnet-20241022-v2:0
    prompt: Does the diagram match what the report describes?
    images:
      - files/network.png
    documents:
      - files/q3_report.pdf
      - s3://contracts-bucket/2025/acme.pdf

- name: Send an image read elsewhere, as base64 (the module decodes it once)
  amazon.ai.bedrock_converse:
    model_id: amazon.nova-pro-v1:0
    messages:
      - role: user
        content:
          - image:
              format: png
              source:
                bytes: "{{ screenshot.content }}"  # from ansible.builtin.slurp
          - text: What error does this screenshot show?

# Structured output: the answer is JSON matching the schema, returned parsed.
- name: Classify a ticket
  amazon.ai.bedrock_converse:
    model_id: us.anthropic.claude-sonnet-4-5-20250929-v1:0
    prompt: "Classify this ticket: {{ ticket_text }}"
    output_schema:
      type: object
      properties:
        category: {type: string, enum: [bug, question, feature]}
        urgent: {type: boolean}
      required: [category, urgent]
      additionalProperties: false
  register: ticket

- name: Route it
  ansible.builtin.debug:
    msg: "{{ ticket.output_json.category }} (urgent: {{ ticket.output_json.urgent }})"

# A tool-use loop: the model asks for a tool, a task runs it, the next call sends the conversation and the result.
- name: Ask a question the model needs a tool for
  amazon.ai.bedrock_converse:
    model_id: amazon.nova-pro-v1:0
    prompt: Is there enough free disk space on / to unpack a 3 GB archive?
    tools: &tools
      - name: free_space
        description: The free space of a mounted file system, in bytes.
        input_schema:
          type: object
          properties:
            mount: {type: string, description: The mount point, such as /var}
          required: [mount]
  register: turn

- name: Run the tool the model asked for
  ansible.builtin.command:
    argv: [findmnt, --noheadings, --bytes, --output, AVAIL, "{{ turn.tool_uses[0].input.mount }}"]
  register: avail
  changed_when: false
  when: turn.stop_reason == 'tool_use'

- name: Send the tool's result, with the conversation so far
  amazon.ai.bedrock_converse:
    model_id: amazon.nova-pro-v1:0
    tools: *tools
    messages: >-
      {{ turn.messages + [{'role': 'user', 'content': [{'toolResult': {
           'toolUseId': turn.tool_uses[0].tool_use_id,
           'content': [{'json': {'available_bytes': avail.stdout | trim | int}}]}}]}] }}
  register: final
  when: turn.stop_reason == 'tool_use'

- name: Ask through a guardrail, see its assessment, and tag the call in the invocation logs
  amazon.ai.bedrock_converse:
    model_id: amazon.nova-micro-v1:0
    prompt: "{{ customer_question }}"
    guardrail_identifier: abc123def456
    guardrail_version: "3"
    guardrail_trace: enabled
    request_metadata:
      team: support
    service_tier: flex
  register: guarded

- name: Let Claude think first, and read its reasoning
  amazon.ai.bedrock_converse:
    model_id: us.anthropic.claude-3-7-sonnet-20250219-v1:0
    prompt: How many weekdays are there in March 2026?
    max_tokens: 4000
    additional_model_request_fields:
      thinking: {type: enabled, budget_tokens: 2000}
  register: thought

- name: Fill in a prompt from Prompt management
  amazon.ai.bedrock_converse:
    model_id: arn:aws:bedrock:us-east-1:123456789012:prompt/PROMPT12AB:2
    prompt_variables:
      product: Ansible
"""

RETURN = r"""
model_id:
  description: The model (or prompt ARN) that was asked.
  returned: always
  type: str
  sample: amazon.nova-lite-v1:0
text:
  description:
    - The reply's text blocks joined as they are, with nothing added between them. Empty when there are none
      (for example when the model only asks for tools), and in check mode.
  returned: always
  type: str
  sample: The disk is full.
stop_reason:
  description:
    - Why the model stopped, as Bedrock said it, such as V(end_turn), V(tool_use), V(max_tokens),
      V(stop_sequence), V(guardrail_intervened) or V(content_filtered).
  returned: when the model was asked (not in check mode)
  type: str
  sample: end_turn
output_json:
  description: The reply's text parsed as JSON, with O(output_schema).
  returned: when O(output_schema) is set and the reply's text is JSON
  type: raw
  sample: {"category": "bug", "urgent": true}
tool_uses:
  description: The tools the model asks to use, in its order. Empty unless RV(stop_reason) is V(tool_use).
  returned: always
  type: list
  elements: dict
  contains:
    tool_use_id:
      description: The ID to answer with, as the C(toolUseId) of a C(toolResult) block.
      type: str
      sample: tooluse_kZJMlvQmRJ6eAyJE5GIl7Q
    name:
      description: The tool's name, one of O(tools).
      type: str
      sample: free_space
    input:
      description: The tool's input, keys exactly as the model wrote them.
      type: dict
      sample: {"mount": "/"}
message:
  description:
    - The reply, as Bedrock sent it (binary values, such as redacted reasoning, as base64 text).
  returned: always
  type: dict
  sample: {"role": "assistant", "content": [{"text": "The disk is full."}]}
messages:
  description:
    - The request's messages, as the task gave them (with O(prompt), the user message it makes), followed by
      RV(message). Append the next user message, or the tool results, and send it as O(messages).
  returned: always
  type: list
  elements: dict
  sample: [{"role": "user", "content": [{"text": "Is the disk full?"}]},
           {"role": "assistant", "content": [{"text": "The disk is full."}]}]
usage:
  description:
    - The tokens the call used, as Bedrock counted them. Empty in check mode.
  returned: always
  type: dict
  contains:
    input_tokens:
      description: Input tokens not read from or written to the prompt cache.
      type: int
      sample: 12
    output_tokens:
      description: Tokens the model generated.
      type: int
      sample: 48
    total_tokens:
      description: All tokens of the call.
      type: int
      sample: 60
    cache_read_input_tokens:
      description: Input tokens read from the prompt cache.
      returned: when Bedrock reports it
      type: int
      sample: 1024
    cache_write_input_tokens:
      description: Input tokens written to the prompt cache.
      returned: when Bedrock reports it
      type: int
      sample: 0
latency_ms:
  description: How long the model took to answer, in milliseconds, as Bedrock measured it.
  returned: when the model was asked (not in check mode)
  type: int
  sample: 612
request_id:
  description: The AWS request ID of the call that succeeded, for support cases and invocation logs.
  returned: when the model was asked (not in check mode)
  type: str
  sample: 5f3e9a4c-2b1d-4c8e-9f6a-0d7b3e2a1c4f
trace:
  description: What Bedrock traced, such as the guardrail's assessments with O(guardrail_trace), keys as sent.
  returned: when Bedrock reports it
  type: dict
  sample: {"guardrail": {"actionReason": "Guardrail blocked.", "inputAssessment": {}}}
service_tier:
  description: The service tier Bedrock processed the request in, when it reports one.
  returned: when Bedrock reports it
  type: str
  sample: flex
performance_config_latency:
  description: The latency setting Bedrock processed the request with, when it reports one.
  returned: when Bedrock reports it
  type: str
  sample: optimized
additional_model_response_fields:
  description: The fields of the model's own reply that O(additional_model_response_field_paths) asked for.
  returned: when Bedrock reports them
  type: dict
  sample: {"stop_sequence": "END"}
raw_response:
  description:
    - The whole C(Converse) reply, every key as Bedrock sent it (including keys inside tool inputs and the model's
      own fields); binary values as base64 text. An empty mapping in check mode.
  returned: always
  type: dict
  sample: {"output": {"message": {"role": "assistant", "content": [{"text": "The disk is full."}]}},
           "stopReason": "end_turn", "usage": {"inputTokens": 12, "outputTokens": 48, "totalTokens": 60},
           "metrics": {"latencyMs": 612}}
"""

from ansible_collections.amazon.ai.plugins.module_utils.converse import argument_spec
from ansible_collections.amazon.ai.plugins.module_utils.converse import converse
from ansible_collections.amazon.ai.plugins.module_utils.modules import AnsibleAmazonAIModule


def main():
    module = AnsibleAmazonAIModule(
        argument_spec=argument_spec(),
        mutually_exclusive=[["prompt", "messages"]],
        required_together=[["guardrail_identifier", "guardrail_version"]],
        supports_check_mode=True,
    )
    module.run(converse)


if __name__ == "__main__":
    main()
