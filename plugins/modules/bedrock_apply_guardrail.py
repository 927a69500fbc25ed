#!/usr/bin/python
# -*- coding: utf-8 -*-

# Copyright: Contributors to the amazon.ai collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
module: bedrock_apply_guardrail
short_description: Check content against an Amazon Bedrock guardrail, or test a guardrail with cases
version_added: 1.1.0
description:
  - Checks a text, or text and image blocks, against a version of an Amazon Bedrock guardrail with Bedrock's
    C(ApplyGuardrail) API, without invoking any model, and returns what the guardrail did (RV(action)), the
    text as it let it through (RV(outputs), with sensitive information masked, or the blocked message), and what each
    policy found (RV(assessments)).
  - With O(tests), runs a list of test cases against the guardrail in one task, each with the result it expects,
    several at a time, and fails naming the cases that did not pass. A team edits the guardrail's C(DRAFT)
    with M(amazon.ai.bedrock_guardrail), runs its cases against the C(DRAFT), and publishes a version only when
    they pass.
  - Everything is checked, and every image file read, before anything is sent; a bad input fails the task naming
    the option, with nothing sent.
  - Bedrock refusing a call because it is busy (C(ThrottlingException), C(ServiceUnavailableException),
    C(InternalServerException), and HTTP 429, 500, 502, 503 and 504 without an AWS error code), or a call that
    could not connect, is retried with jittered exponential backoff, up to 12 tries, as by
    M(amazon.ai.bedrock_invoke_model). With O(tests), fewer cases are sent at once after Bedrock throttles, as
    M(amazon.ai.bedrock_invoke_models) sends its requests.
  - C(ApplyGuardrail) needs boto3 >= 1.34.143, image blocks boto3 >= 1.35.75 and O(output_scope) boto3 >= 1.37.29;
    a task that needs a newer boto3 than it has fails naming the version, with nothing sent.
author:
  - amazon.ai maintainers (@ansible-collections)
options:
  guardrail_identifier:
    description:
      - The guardrail to apply, by its ID (such as RV(amazon.ai.bedrock_guardrail#module:guardrail.guardrail_id))
        or its ARN.
    type: str
    required: true
  guardrail_version:
    description:
      - The version of the guardrail to apply, V(DRAFT) (the working copy that M(amazon.ai.bedrock_guardrail)
        edits) or a published version number such as V(1).
      - Quote a number in YAML (V("1")), as the option is a string.
    type: str
    required: true
  source:
    description:
      - Whether the content is a user's input to a model (V(input)) or a model's output (V(output)). A guardrail
        can treat the two differently (its blocked messages, actions and filter strengths are per direction).
      - The source of every entry of O(tests) that sets none of its own.
    type: str
    choices: ['input', 'output']
    default: input
  output_scope:
    description:
      - V(interventions) lists in RV(assessments) only what the guardrail found; V(full) also lists every filter,
        topic and sensitive information type it checked and did not find, with C(detected=false).
      - Bedrock's default is V(interventions); when the option is unset it is not sent.
      - Requires boto3 >= 1.37.29.
    type: str
    choices: ['interventions', 'full']
  text:
    description:
      - The text to check.
      - Exactly one of O(text), O(content) and O(tests) is required.
    type: str
  content:
    description:
      - The content to check, as blocks of text or images, in order.
      - Exactly one of O(text), O(content) and O(tests) is required.
      - At most 20 images. Each block sets exactly one of O(content[].text) and O(content[].image).
    type: list
    elements: dict
    suboptions: &content_blocks
      text:
        description: A text block.
        type: str
      qualifiers:
        description:
          - What a text block is, for contextual grounding checks (O(source=output)), one or more of
            V(grounding_source) (the reference the answer must be grounded in), V(query) (the user's question)
            or V(guard_content) (the answer to check). A block without qualifiers is checked as V(guard_content).
        type: list
        elements: str
        choices: ['grounding_source', 'query', 'guard_content']
      image:
        description:
          - An image block, PNG or JPEG, checked by the guardrail's content filters that have C(IMAGE) among their
            modalities. Requires boto3 >= 1.35.75.
        type: dict
        suboptions:
          format:
            description:
              - The image's format.
              - Taken from the file's extension (C(.png), C(.jpg), C(.jpeg)) when O(content[].image.source.path) is
                set; required with O(content[].image.source.bytes).
            type: str
            choices: ['png', 'jpeg']
          source:
            description: Where the image comes from; exactly one of O(content[].image.source.path) and O(content[].image.source.bytes).
            type: dict
            required: true
            suboptions:
              path:
                description: An image file on the host the module runs on.
                type: path
              bytes:
                description: The image as base64 text (for example from the P(ansible.builtin.b64encode#filter) filter).
                type: str
  tests:
    description:
      - Test cases, each checked with one C(ApplyGuardrail) call against the guardrail version, and judged against
        what it expects; the task returns RV(results) and RV(summary), and fails when any case fails.
      - Exactly one of O(text), O(content) and O(tests) is required. An empty list is refused, since a release
        gated on no cases would pass without checking anything.
    type: list
    elements: dict
    suboptions:
      name:
        description:
          - The case's name, unique among the cases, since RV(results) and the task's failure name each case by it.
        type: str
        required: true
      text:
        description:
          - The text to check. Exactly one of O(tests[].text) and O(tests[].content) is required.
        type: str
      content:
        description:
          - The content to check, as blocks, like O(content) (its suboptions are the same).
            Exactly one of O(tests[].text) and O(tests[].content) is required.
        type: list
        elements: dict
        suboptions: *content_blocks
      source:
        description: V(input) or V(output); defaults to O(source).
        type: str
        choices: ['input', 'output']
      expect:
        description:
          - V(intervened) when the guardrail must intervene (block or mask), V(none) when it must let the content
            through untouched.
        type: str
        choices: ['intervened', 'none']
        required: true
      expect_output:
        description:
          - A piece of text the first of RV(outputs) must hold, such as V({EMAIL}) for an email address masked, or
            part of the blocked message. Needs O(tests[].expect=intervened), as Bedrock returns no output otherwise.
        type: str
  max_concurrency:
    description:
      - How many cases of O(tests) may be in flight at once, a whole number from 1 to 64 (a boolean is refused).
      - After Bedrock throttles, fewer are sent at once for a while; never more than this.
    type: int
    default: 8
notes:
  - Applying a guardrail changes nothing, so the task never reports a change; but each call is billed by the text
    units it checks, so in check mode nothing is sent. The options are still checked and the files read, and the
    result holds RV(results) with only each case's name.
  - To fail a task when the guardrail intervenes on a single text, use C(failed_when) with RV(intervened).
  - The connection options (O(region), O(profile), O(endpoint_url), credentials, ...) are also taken from
    C(module_defaults) set for C(group/amazon.aws.aws) or C(group/aws), as for the amazon.aws modules, unless the
    task, the module's own C(module_defaults) or C(group/amazon.ai.aws) set them.
  - Needs the IAM permission C(bedrock:ApplyGuardrail) on the guardrail.
seealso:
  - module: amazon.ai.bedrock_guardrail
  - module: amazon.ai.bedrock_converse
  - name: Use the ApplyGuardrail API in your application
    description: The Amazon Bedrock User Guide on checking content with a guardrail without invoking a model.
    link: https://docs.aws.amazon.com/bedrock/latest/userguide/guardrails-use-independent-api.html
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Check a user's message before it reaches a model
  amazon.ai.bedrock_apply_guardrail:
    guardrail_identifier: "{{ guardrail.guardrail.guardrail_id }}"
    guardrail_version: "3"
    text: "{{ user_message }}"
  register: checked

- name: Send the message as the guardrail left it (masked), or its blocked message
  ansible.builtin.debug:
    msg: "{{ checked.outputs[0] if checked.intervened else user_message }}"

- name: Check a model's answer against its source and the question (contextual grounding), listing every check
  amazon.ai.bedrock_apply_guardrail:
    guardrail_identifier: arn:aws:bedrock:us-east-1:123456789012:guardrail/abcd1234efgh
    guardrail_version: DRAFT
    source: output
    output_scope: full
    content:
      - text: "{{ runbook_text }}"
        qualifiers: [grounding_source]
      - text: How do I restart the service?
        qualifiers: [query]
      - text: "{{ answer.text }}"
        qualifiers: [guard_content]
  register: grounded

- name: Check an image from the managed host
  amazon.ai.bedrock_apply_guardrail:
    guardrail_identifier: abcd1234efgh
    guardrail_version: "2"
    content:
      - image:
          source:
            path: /srv/uploads/avatar.png

- name: Run the team's cases against the DRAFT, eight at a time
  amazon.ai.bedrock_apply_guardrail:
    guardrail_identifier: abcd1234efgh
    guardrail_version: DRAFT
    tests:
      - name: masks email addresses
        text: Please write to jane@example.com
        expect: intervened
        expect_output: "{EMAIL}"
      - name: blocks investment advice
        text: Which stocks should I buy?
        expect: intervened
        expect_output: Sorry
      - name: lets a normal question through
        text: How do I reset my password?
        expect: none
      - name: blocks profanity in answers
        text: That is a damn good idea.
        source: output
        expect: intervened
  register: guardrail_tests

- name: Show the cases and whether they passed
  ansible.builtin.debug:
    msg: "{{ guardrail_tests.results | map(attribute='name') | zip(guardrail_tests.results | map(attribute='passed')) }}"
"""

RETURN = r"""
action:
  description: V(GUARDRAIL_INTERVENED) when the guardrail blocked or masked the content, else V(NONE).
  returned: when a text or content was checked (not in check mode)
  type: str
  sample: GUARDRAIL_INTERVENED
intervened:
  description: Whether RV(action) is V(GUARDRAIL_INTERVENED).
  returned: when a text or content was checked (not in check mode)
  type: bool
  sample: true
action_reason:
  description: Bedrock's reason for the action.
  returned: when Bedrock gives one
  type: str
  sample: Guardrail masked.
outputs:
  description:
    - The texts as the guardrail returns them, as Bedrock returns them. When it masked sensitive information,
      one text per text block checked, with each match replaced by its type (V({EMAIL})) or its regex's name;
      when it blocked, one text, the guardrail's blocked message for the source; when it did not intervene, none.
  returned: when a text or content was checked (not in check mode)
  type: list
  elements: str
  sample: ["Please write to {EMAIL}"]
assessments:
  description:
    - What each policy of the guardrail found, as Bedrock describes it, with its keys in snake_case
      (C(topic_policy), C(content_policy), C(word_policy), C(sensitive_information_policy),
      C(contextual_grounding_policy), C(automated_reasoning_policy), C(invocation_metrics), ...).
    - With O(output_scope=full), also what was checked and not found.
  returned: when a text or content was checked (not in check mode)
  type: list
  elements: dict
  sample:
    - sensitive_information_policy:
        pii_entities: [{match: jane@example.com, type: EMAIL, action: ANONYMIZED, detected: true}]
        regexes: []
      invocation_metrics:
        guardrail_processing_latency: 95
        usage: {sensitive_information_policy_units: 1}
usage:
  description: The text units each policy checked, which C(ApplyGuardrail) is billed by, in snake_case.
  returned: when a text or content was checked (not in check mode)
  type: dict
  sample:
    topic_policy_units: 1
    content_policy_units: 1
    word_policy_units: 1
    sensitive_information_policy_units: 1
    sensitive_information_policy_free_units: 0
    contextual_grounding_policy_units: 0
guardrail_coverage:
  description: How many characters (and images) were checked, of how many sent, in snake_case.
  returned: when Bedrock reports it (boto3 >= 1.35.32)
  type: dict
  sample: {text_characters: {guarded: 31, total: 31}}
results:
  description:
    - One entry per case of O(tests), in their order.
    - In check mode, each entry holds only the case's name.
  returned: when O(tests) is set
  type: list
  elements: dict
  contains:
    name:
      description: The case's name.
      returned: always
      type: str
      sample: masks email addresses
    passed:
      description: Whether the guardrail did what the case expects.
      returned: when the cases were sent (not in check mode)
      type: bool
      sample: true
    source:
      description: The case's source, V(input) or V(output).
      returned: when the cases were sent (not in check mode)
      type: str
      sample: input
    action:
      description: What the guardrail did, V(GUARDRAIL_INTERVENED) or V(NONE).
      returned: when the case's call was answered
      type: str
      sample: GUARDRAIL_INTERVENED
    outputs:
      description: The texts the guardrail returned, as RV(outputs).
      returned: when the case's call was answered
      type: list
      elements: str
      sample: ["Please write to {EMAIL}"]
    why:
      description:
        - Why the case failed, naming what the guardrail found when it intervened unexpectedly (by policy and
          type, never the matched text), or why its call failed.
      returned: when the case failed
      type: str
      sample: "expected no intervention, but the guardrail intervened: topic 'Investment advice' BLOCKED"
    error:
      description: The error Bedrock reported for the case's call, with its C(code) and C(message).
      returned: when the case's call failed with an error Bedrock reported
      type: dict
      sample: {code: ResourceNotFoundException, message: The guardrail version was not found.}
summary:
  description: Counts over the cases of O(tests).
  returned: when O(tests) is set and the cases were sent (not in check mode)
  type: dict
  contains:
    tests:
      description: How many cases there were.
      returned: always
      type: int
      sample: 40
    passed:
      description: How many passed.
      returned: always
      type: int
      sample: 39
    failed:
      description: How many failed.
      returned: always
      type: int
      sample: 1
    retried:
      description: How many cases' calls were tried more than once, because Bedrock was busy or no connection was made.
      returned: always
      type: int
      sample: 3
    retries:
      description: How many times calls were tried again in all.
      returned: always
      type: int
      sample: 4
    lowest_concurrency:
      description: The fewest calls allowed in flight at once, after Bedrock throttled (else O(max_concurrency)).
      returned: always
      type: int
      sample: 4
"""

from ansible_collections.amazon.ai.plugins.module_utils.apply_guardrail import MUTUALLY_EXCLUSIVE
from ansible_collections.amazon.ai.plugins.module_utils.apply_guardrail import REQUIRED_ONE_OF
from ansible_collections.amazon.ai.plugins.module_utils.apply_guardrail import apply_guardrail
from ansible_collections.amazon.ai.plugins.module_utils.apply_guardrail import argument_spec
from ansible_collections.amazon.ai.plugins.module_utils.modules import AnsibleAmazonAIModule


def main():
    module = AnsibleAmazonAIModule(
        argument_spec=argument_spec(),
        mutually_exclusive=MUTUALLY_EXCLUSIVE,
        required_one_of=REQUIRED_ONE_OF,
        supports_check_mode=True,
    )
    module.run(apply_guardrail)


if __name__ == "__main__":
    main()
