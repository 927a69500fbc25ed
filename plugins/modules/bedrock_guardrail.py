#!/usr/bin/python
# -*- coding: utf-8 -*-

# Copyright: Contributors to the amazon.ai collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
module: bedrock_guardrail
short_description: Manage an Amazon Bedrock guardrail and publish its versions
version_added: 1.1.0
description:
  - Creates, updates and deletes one Bedrock guardrail, found by its O(name), and publishes numbered versions of it.
    A guardrail screens the prompts and answers of model calls (O(amazon.ai.bedrock_converse#module:guardrail_identifier)
    and the like) for harmful content, denied topics, words, sensitive information and ungrounded answers.
  - The module reads the guardrail (C(GetGuardrail)), puts Bedrock's answer in the shape of these options, with the
    values Bedrock fills in when they are left out and in an order of its own, and compares it with what the task
    asks. It sends an update only when they differ, so running the task again changes nothing. With C(--diff) it
    shows that shape before and after.
  - An option left unset keeps what the guardrail has. A policy option, once set, is the whole policy; an empty
    mapping (for example O(word_policy={})) removes that policy. Since C(UpdateGuardrail) replaces the whole
    configuration, the module sends what the guardrail has beside what the task changes, so nothing the task does
    not mention is lost.
  - Enumerated values (V(HIGH), V(BLOCK), V(ANONYMIZE), V(EMAIL), ...) are spelled as the API spells them, in any
    case. Every option is checked before anything is sent; an invalid one fails the task naming it.
  - Bedrock creates, updates and versions a guardrail in the background. With O(wait), the module waits until the
    guardrail is V(READY) after each change; a guardrail that ends V(FAILED) fails the task with Bedrock's reasons
    and recommendations.
  - Busy answers are retried with the same jittered backoff as M(amazon.ai.bedrock_invoke_model). A create and a
    new version carry a client request token derived from the task, so that a create retried after a lost answer
    never makes two guardrails.
  - Requires boto3 >= 1.34.90. Some options need a newer boto3, as each says; a task that sends one with an older
    boto3 fails naming the version it needs.
author:
  - amazon.ai maintainers (@ansible-collections)
options:
  name:
    description:
      - The guardrail's name, by which the module finds it. Names are unique in an account and Region.
      - 1 to 50 letters, digits, V(-) and V(_).
    type: str
    required: true
  state:
    description:
      - V(present) creates the guardrail, or updates it to match the task.
      - V(absent) deletes the guardrail and all its versions.
    type: str
    choices: ['present', 'absent']
    default: present
  description:
    description:
      - The guardrail's description, 1 to 200 characters. An empty string removes it.
    type: str
  blocked_input_messaging:
    description:
      - The message a model call returns instead of a prompt the guardrail blocks, 1 to 500 characters.
      - Needed to create the guardrail.
    type: str
  blocked_outputs_messaging:
    description:
      - The message a model call returns instead of an answer the guardrail blocks, 1 to 500 characters.
      - Needed to create the guardrail.
    type: str
  kms_key_id:
    description:
      - The KMS key that encrypts the guardrail, as a key ID, key ARN, alias (V(alias/NAME)) or alias ARN. An empty
        string removes it.
      - Bedrock shows the key by its ARN (RV(guardrail.kms_key_arn)), and the module compares a key ID or key ARN
        with it. An alias is compared by the key it stands for, which the module asks KMS (C(kms:DescribeKey)); when
        KMS does not say, the module warns and leaves the key as it is.
    type: str
  cross_region_config:
    description:
      - The guardrail profile that routes the guardrail's checks to other Regions (cross-Region inference), which the
        V(STANDARD) tier needs. An empty mapping removes it.
      - Requires boto3 >= 1.38.15.
    type: dict
    suboptions:
      guardrail_profile_identifier:
        description:
          - The ID of the guardrail profile, such as V(us.guardrail.v1:0), or its ARN. The module compares the ID.
        type: str
  content_policy:
    description:
      - Content filters, which score harmful content in text (and images) and block it above a strength.
    type: dict
    suboptions:
      filters:
        description:
          - One filter per category, at most 6.
        type: list
        elements: dict
        suboptions:
          type:
            description:
              - V(SEXUAL), V(VIOLENCE), V(HATE), V(INSULTS), V(MISCONDUCT) or V(PROMPT_ATTACK).
            type: str
            required: true
          input_strength:
            description:
              - How strongly prompts are filtered, V(NONE), V(LOW), V(MEDIUM) or V(HIGH).
            type: str
            required: true
          output_strength:
            description:
              - How strongly answers are filtered, as O(content_policy.filters[].input_strength).
            type: str
            required: true
          input_modalities:
            description:
              - What is filtered in prompts, V(TEXT) and or V(IMAGE). Bedrock's default is V([TEXT]).
              - Requires boto3 >= 1.35.75.
            type: list
            elements: str
          output_modalities:
            description:
              - What is filtered in answers, as O(content_policy.filters[].input_modalities).
              - Requires boto3 >= 1.35.75.
            type: list
            elements: str
          input_action:
            description:
              - What is done with a prompt the filter catches, V(BLOCK) (Bedrock's default) or V(NONE) (only
                report it).
              - Requires boto3 >= 1.37.29, as the other per-direction actions and switches of every policy.
            type: str
          output_action:
            description:
              - What is done with an answer the filter catches, as O(content_policy.filters[].input_action).
            type: str
          input_enabled:
            description:
              - Whether prompts are checked at all (Bedrock's default V(true)); unchecked content is not billed.
            type: bool
          output_enabled:
            description:
              - Whether answers are checked at all (Bedrock's default V(true)).
            type: bool
      tier:
        description:
          - The content filters' tier, V(CLASSIC) (Bedrock's default) or V(STANDARD), which covers more languages
            and needs O(cross_region_config).
          - Requires boto3 >= 1.38.41.
        type: str
  topic_policy:
    description:
      - Denied topics, which block prompts and answers about subjects the guardrail's owner rules out.
    type: dict
    suboptions:
      topics:
        description:
          - 1 to 30 topics, with different names (whatever their case).
        type: list
        elements: dict
        suboptions:
          name:
            description:
              - The topic's name, 1 to 100 letters, digits, spaces and C(- _ ! ? .).
            type: str
            required: true
          definition:
            description:
              - What the topic is about, 1 to 200 characters.
            type: str
            required: true
          examples:
            description:
              - Up to 5 example prompts of the topic, each 1 to 100 characters.
            type: list
            elements: str
          type:
            description:
              - V(DENY), the only type (and the default).
            type: str
          input_action:
            description:
              - What is done with a prompt on the topic, V(BLOCK) (the default) or V(NONE).
            type: str
          output_action:
            description:
              - What is done with an answer on the topic, V(BLOCK) (the default) or V(NONE).
            type: str
          input_enabled:
            description:
              - Whether prompts are checked (default V(true)).
            type: bool
          output_enabled:
            description:
              - Whether answers are checked (default V(true)).
            type: bool
      tier:
        description:
          - The denied topics' tier, V(CLASSIC) (the default) or V(STANDARD), which needs O(cross_region_config).
          - Requires boto3 >= 1.38.41.
        type: str
  word_policy:
    description:
      - Words and phrases to block, and Bedrock's managed word lists.
    type: dict
    suboptions:
      words:
        description:
          - Up to 10,000 words or phrases, each 1 to 100 characters.
          - Each is a string, or a mapping with C(text) and, as the entries of
            O(content_policy.filters[]), C(input_action), C(output_action) (V(BLOCK) or V(NONE)), C(input_enabled)
            and C(output_enabled).
        type: list
        elements: raw
      managed_word_lists:
        description:
          - Bedrock's managed word lists, each its type (V(PROFANITY), the only one) or a mapping with C(type) and
            the per-direction keys of O(word_policy.words).
        type: list
        elements: raw
  sensitive_information_policy:
    description:
      - Personally identifiable information (PII) and patterns of your own, blocked or masked.
      - A masked match reads C({EMAIL}), C({PHONE}) and so on, or the regular expression's name in braces.
    type: dict
    suboptions:
      pii_entities:
        description:
          - The types of PII, each at most once.
        type: list
        elements: dict
        suboptions:
          type:
            description:
              - The type, such as V(EMAIL), V(PHONE), V(NAME), V(ADDRESS), V(CREDIT_DEBIT_CARD_NUMBER),
                V(US_SOCIAL_SECURITY_NUMBER) or V(AWS_ACCESS_KEY) (the Bedrock API reference lists all 31).
            type: str
            required: true
          action:
            description:
              - V(BLOCK), V(ANONYMIZE) (mask it) or V(NONE) (only report it; boto3 >= 1.37.29).
            type: str
            required: true
          input_action:
            description:
              - The action for prompts, as O(sensitive_information_policy.pii_entities[].action), which is its
                default.
            type: str
          output_action:
            description:
              - The action for answers, as O(sensitive_information_policy.pii_entities[].action), which is its
                default.
            type: str
          input_enabled:
            description:
              - Whether prompts are checked (default V(true)).
            type: bool
          output_enabled:
            description:
              - Whether answers are checked (default V(true)).
            type: bool
      regexes:
        description:
          - Up to 30 regular expressions, with different names. Each pattern must compile with Python's C(re), which
            the module checks before sending it.
        type: list
        elements: dict
        suboptions:
          name:
            description:
              - The expression's name, 1 to 100 characters; a masked match reads C({name}).
            type: str
            required: true
          pattern:
            description:
              - The regular expression, 1 to 500 characters.
            type: str
            required: true
          description:
            description:
              - What the expression finds, 1 to 1000 characters.
            type: str
          action:
            description:
              - V(BLOCK), V(ANONYMIZE) or V(NONE), as O(sensitive_information_policy.pii_entities[].action).
            type: str
            required: true
          input_action:
            description:
              - The action for prompts (default O(sensitive_information_policy.regexes[].action)).
            type: str
          output_action:
            description:
              - The action for answers (default O(sensitive_information_policy.regexes[].action)).
            type: str
          input_enabled:
            description:
              - Whether prompts are checked (default V(true)).
            type: bool
          output_enabled:
            description:
              - Whether answers are checked (default V(true)).
            type: bool
  contextual_grounding_policy:
    description:
      - Contextual grounding checks, which block answers not grounded in a source or not relevant to the query.
      - Requires boto3 >= 1.34.143.
    type: dict
    suboptions:
      filters:
        description:
          - One filter per type.
        type: list
        elements: dict
        suboptions:
          type:
            description:
              - V(GROUNDING) or V(RELEVANCE).
            type: str
            required: true
          threshold:
            description:
              - The least score an answer needs, from 0 to 0.99.
            type: float
            required: true
          action:
            description:
              - V(BLOCK) (the default) or V(NONE).
              - Requires boto3 >= 1.37.29.
            type: str
          enabled:
            description:
              - Whether the check runs (default V(true)).
              - Requires boto3 >= 1.37.29.
            type: bool
      tier:
        description:
          - V(CLASSIC) (the default) or V(STANDARD), which needs O(cross_region_config).
          - Requires boto3 >= 1.43.116.
        type: str
  automated_reasoning_policy:
    description:
      - Automated Reasoning checks, which validate answers against logical rules of up to 2 policies.
      - Requires boto3 >= 1.40.3.
    type: dict
    suboptions:
      policies:
        description:
          - The ARNs of 1 or 2 Automated Reasoning policies (optionally with a version, C(...:policy/ID:2)).
        type: list
        elements: str
      confidence_threshold:
        description:
          - The confidence, from 0 to 1, at which a finding triggers the guardrail. When unset, the module keeps
            what the guardrail has (Bedrock's default for a new one).
        type: float
  publish_version:
    description:
      - Once the guardrail (its DRAFT) matches the task, publish it as a new numbered version, but only when it
        differs from the newest version published; otherwise report that version (RV(published_version)) and change
        nothing.
      - The module waits for the DRAFT to be V(READY) first, whatever O(wait) says.
      - Published versions are never deleted by O(state=present); model calls can keep using them.
      - Not with O(state=absent).
    type: bool
    default: false
  version_description:
    description:
      - The description of a version O(publish_version) publishes, 1 to 200 characters; Bedrock's default is the
        guardrail's.
    type: str
  wait:
    description:
      - Wait for the guardrail (and a version published) to be V(READY) after each change, or to be gone after
        O(state=absent).
    type: bool
    default: true
  wait_timeout:
    description:
      - How many seconds to wait at most for each change.
    type: int
    default: 300
notes:
  - In check mode the module reads the guardrail and its versions, but creates, updates, tags, publishes and deletes
    nothing; C(changed) and C(--diff) say what would be done.
  - Tags live apart from the configuration (C(TagResource), C(UntagResource)); a change of tags alone is no update
    of the guardrail and publishes no version.
  - A guardrail whose last update ended V(FAILED) is updated again even when it matches the task.
  - With a boto3 older than a member's, the module can neither read nor send that member (per-direction actions,
    modalities, tiers, cross-Region); an update made with it would leave such settings at Bedrock's defaults.
  - "The caller needs C(bedrock:CreateGuardrail), C(bedrock:GetGuardrail), C(bedrock:ListGuardrails),
    C(bedrock:UpdateGuardrail), C(bedrock:DeleteGuardrail), C(bedrock:CreateGuardrailVersion),
    C(bedrock:ListTagsForResource), C(bedrock:TagResource) and C(bedrock:UntagResource); C(kms:DescribeKey) to
    compare a key given as an alias; and, for a KMS key, what Bedrock needs to use it (C(kms:CreateGrant),
    C(kms:Decrypt), C(kms:GenerateDataKey), C(kms:DescribeKey))."
seealso:
  - module: amazon.ai.bedrock_guardrail_info
  - module: amazon.ai.bedrock_apply_guardrail
    description: Test the DRAFT with cases before publishing a version.
  - name: Amazon Bedrock Guardrails
    description: The user guide's chapter on guardrails.
    link: https://docs.aws.amazon.com/bedrock/latest/userguide/guardrails.html
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.tags
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: A guardrail for a support assistant, published as a version once it matches
  amazon.ai.bedrock_guardrail:
    name: support-assistant
    description: Keeps the support assistant polite, on topic and free of customers' data
    blocked_input_messaging: Sorry, I cannot help with that.
    blocked_outputs_messaging: Sorry, I cannot answer that.
    content_policy:
      filters:
        - {type: HATE, input_strength: HIGH, output_strength: HIGH}
        - {type: INSULTS, input_strength: MEDIUM, output_strength: MEDIUM}
        - {type: PROMPT_ATTACK, input_strength: HIGH, output_strength: NONE}
    topic_policy:
      topics:
        - name: Investment advice
          definition: Recommendations about investing money in stocks, funds or other products.
          examples: ["Which stocks should I buy?"]
    word_policy:
      words: [competitor-x]
      managed_word_lists: [PROFANITY]
    sensitive_information_policy:
      pii_entities:
        - {type: EMAIL, action: ANONYMIZE}
        - {type: US_SOCIAL_SECURITY_NUMBER, action: BLOCK}
      regexes:
        - {name: ticket, pattern: "TICKET-[0-9]{6}", action: ANONYMIZE}
    contextual_grounding_policy:
      filters:
        - {type: GROUNDING, threshold: 0.75}
    tags:
      team: support
    publish_version: true
    version_description: Reviewed by the support team
  register: guardrail

- name: Use the version published (or the newest, already matching) in a model call
  amazon.ai.bedrock_converse:
    model_id: anthropic.claude-3-haiku-20240307-v1:0
    prompt: "How do I reset my password?"
    guardrail_identifier: "{{ guardrail.guardrail.guardrail_id }}"
    guardrail_version: "{{ guardrail.published_version }}"

- name: Stop masking e-mail addresses in prompts; every other policy stays as it is
  amazon.ai.bedrock_guardrail:
    name: support-assistant
    sensitive_information_policy:
      pii_entities:
        - {type: EMAIL, action: ANONYMIZE, input_action: NONE}
        - {type: US_SOCIAL_SECURITY_NUMBER, action: BLOCK}
      regexes:
        - {name: ticket, pattern: "TICKET-[0-9]{6}", action: ANONYMIZE}

- name: Remove the word policy
  amazon.ai.bedrock_guardrail:
    name: support-assistant
    word_policy: {}

- name: Delete the guardrail and all its versions
  amazon.ai.bedrock_guardrail:
    name: support-assistant
    state: absent
"""

RETURN = r"""
guardrail:
  description:
    - The guardrail's DRAFT as Bedrock describes it, its configuration in the shape of the module's options (with
      the values Bedrock fills in), and its tags and versions; an empty dictionary once it is deleted or when there
      is none.
    - In check mode, for a guardrail that would be created, the configuration that would be sent.
  returned: always
  type: dict
  contains:
    guardrail_id:
      description: The guardrail's ID, for O(amazon.ai.bedrock_converse#module:guardrail_identifier) and the like.
      returned: when the guardrail exists
      type: str
      sample: abcdefgh1234
    guardrail_arn:
      description: The guardrail's ARN.
      returned: when the guardrail exists
      type: str
      sample: "arn:aws:bedrock:us-east-1:123456789012:guardrail/abcdefgh1234"
    name:
      description: The guardrail's name.
      returned: always
      type: str
      sample: support-assistant
    version:
      description: V(DRAFT), the working version the module manages.
      returned: when the guardrail exists
      type: str
      sample: DRAFT
    status:
      description: V(CREATING), V(UPDATING), V(VERSIONING), V(READY), V(FAILED) or V(DELETING).
      returned: when the guardrail exists
      type: str
      sample: READY
    status_reasons:
      description: Why the guardrail is V(FAILED), as Bedrock says.
      returned: when the guardrail exists
      type: list
      elements: str
      sample: []
    failure_recommendations:
      description: What Bedrock recommends doing about a V(FAILED) guardrail.
      returned: when the guardrail exists
      type: list
      elements: str
      sample: []
    description:
      description: The guardrail's description.
      returned: when it has one
      type: str
    blocked_input_messaging:
      description: The message for a blocked prompt.
      returned: always
      type: str
    blocked_outputs_messaging:
      description: The message for a blocked answer.
      returned: always
      type: str
    content_policy:
      description: The content filters, as O(content_policy), sorted by type, every key filled in, and C(tier).
      returned: when the guardrail has content filters
      type: dict
      sample: {"filters": [{"type": "HATE", "input_strength": "HIGH", "output_strength": "HIGH",
               "input_modalities": ["TEXT"], "output_modalities": ["TEXT"], "input_action": "BLOCK",
               "output_action": "BLOCK", "input_enabled": true, "output_enabled": true}], "tier": "CLASSIC"}
    topic_policy:
      description: The denied topics, as O(topic_policy), sorted by name, and C(tier).
      returned: when the guardrail has denied topics
      type: dict
    word_policy:
      description: The words (each a mapping with C(text)) and managed word lists, as O(word_policy).
      returned: when the guardrail has a word policy
      type: dict
    sensitive_information_policy:
      description: The PII entities (sorted by type) and regular expressions (sorted by name).
      returned: when the guardrail has a sensitive information policy
      type: dict
    contextual_grounding_policy:
      description: The contextual grounding filters and C(tier).
      returned: when the guardrail has contextual grounding checks
      type: dict
    automated_reasoning_policy:
      description: The Automated Reasoning policies (sorted) and the confidence threshold.
      returned: when the guardrail has Automated Reasoning checks
      type: dict
    cross_region_config:
      description: The guardrail profile, as C(guardrail_profile_identifier) (its ID).
      returned: when the guardrail uses one
      type: dict
      sample: {"guardrail_profile_identifier": "us.guardrail.v1:0"}
    kms_key_arn:
      description: The ARN of the KMS key that encrypts the guardrail.
      returned: when the guardrail has one
      type: str
    tags:
      description: The guardrail's tags.
      returned: always
      type: dict
      sample: {"team": "support"}
    created_at:
      description: When the guardrail was created (ISO 8601).
      returned: when the guardrail exists
      type: str
      sample: "2026-01-31T09:00:00+00:00"
    updated_at:
      description: When the guardrail was last changed (ISO 8601).
      returned: when the guardrail exists
      type: str
    versions:
      description: The numbers of the guardrail's published versions, oldest first.
      returned: always
      type: list
      elements: str
      sample: ["1", "2"]
published_version:
  description:
    - With O(publish_version), the version matching the task's configuration, for
      O(amazon.ai.bedrock_converse#module:guardrail_version) and the like; the one this run published when
      C(changed) says so, otherwise the newest published version, which already matched.
  returned: when O(publish_version) is true, except in check mode when a version would be published
  type: str
  sample: "2"
"""

from ansible_collections.amazon.ai.plugins.module_utils.guardrail import manage_guardrail
from ansible_collections.amazon.ai.plugins.module_utils.guardrail_options import argument_spec
from ansible_collections.amazon.ai.plugins.module_utils.modules import AnsibleAmazonAIModule


def main():
    module = AnsibleAmazonAIModule(argument_spec=argument_spec(), supports_check_mode=True)
    module.run(manage_guardrail)


if __name__ == "__main__":
    main()
