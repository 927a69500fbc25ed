#!/usr/bin/python
# -*- coding: utf-8 -*-

# Copyright: Contributors to the amazon.ai collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
module: bedrock_inference_profile
short_description: Manage Amazon Bedrock application inference profiles
version_added: 1.1.0
description:
  - Creates, tags and deletes a Bedrock application inference profile, found by O(name) in the task's Region.
  - An application inference profile is a tagged alias of a foundation model, or of a system-defined (cross-Region)
    inference profile. Call a model through its ARN, and the profile's tags attribute the cost of each call, to a
    team or an application, in AWS Cost Explorer and the cost allocation reports.
  - Bedrock cannot change a profile but for its tags. A task whose O(model_source) or O(description) differs from the
    existing profile's fails naming what differs, unless O(recreate=true), which deletes the profile and creates it
    again (with a new ARN).
  - Busy answers are retried with the same jittered backoff as M(amazon.ai.bedrock_invoke_model).
  - Requires boto3 >= 1.35.51.
author:
  - amazon.ai maintainers (@ansible-collections)
options:
  name:
    description:
      - The profile's name, unique among the account's application profiles in the Region.
      - 1 to 64 letters and digits, each followed by at most one space, underscore or hyphen
        (V(team-a-claude), V(Support bot 2)).
    type: str
    required: true
  state:
    description: Whether the profile exists.
    type: str
    choices: ['present', 'absent']
    default: present
  model_source:
    description:
      - What the profile carries, needed to create it.
      - A foundation model's ID, such as V(anthropic.claude-3-haiku-20240307-v1:0), taken as its ARN in the task's
        Region (V(arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-haiku-20240307-v1:0)).
      - Or a system-defined inference profile's ID, one that starts with the geography it routes requests in (V(us.),
        V(us-gov.), V(eu.), V(apac.), V(jp.), V(au.) or V(global.)), such as
        V(us.anthropic.claude-3-7-sonnet-20250219-v1:0); Bedrock gives its ARN.
      - Or the ARN of either, in the task's Region (for a profile whose ID starts otherwise, give its ARN).
      - A profile copied from a system-defined profile routes requests across that profile's Regions; one copied
        from a foundation model runs the model in the task's Region, on demand (a model offered only through
        system-defined profiles must be copied from one of them).
      - Bedrock does not say what a profile was copied from, only which models it carries, so the task compares
        those with the models O(model_source) carries.
      - Left unset, an existing profile keeps what it carries.
    type: str
  description:
    description:
      - The profile's description, 1 to 200 letters, digits, V(:) and V(.), each followed by at most one space,
        underscore or hyphen. Left unset, an existing profile keeps its description.
    type: str
  recreate:
    description:
      - When the existing profile's O(model_source) or O(description) differs from the task's, delete it and create
        it again, instead of failing. The new profile has a new ARN and ID, which callers must be given; RV(recreated)
        and RV(replaced_inference_profile_arn) say it happened.
      - Recreating needs O(model_source). It cannot be used with O(state=absent).
    type: bool
    default: false
notes:
  - The create carries a client request token derived from the task (the name, what the profile copies, its
    description and tags), so a create retried after a busy answer returns the profile the first one made instead
    of failing on the name. The token of a profile that replaces another (O(recreate=true)) also holds the ARN of
    the profile it replaces; and when Bedrock answers a create with a profile deleted since (it may remember a token
    after its profile is gone, as after a O(state=absent) task and this one again), the create is sent again with that
    profile's ARN in its token, so that each new profile has a token of its own.
  - Check mode reports what would change and changes nothing; with C(--diff) the profile's name, description, models
    (their ARNs, sorted) and tags are shown before and after.
  - "The caller needs C(bedrock:ListInferenceProfiles), C(bedrock:GetInferenceProfile), C(bedrock:ListTagsForResource),
    and to change profiles C(bedrock:CreateInferenceProfile), C(bedrock:DeleteInferenceProfile),
    C(bedrock:TagResource) and C(bedrock:UntagResource)."
seealso:
  - module: amazon.ai.bedrock_inference_profile_info
  - module: amazon.ai.bedrock_invoke_model
  - name: Inference profiles in the Amazon Bedrock User Guide
    description: Application and system-defined inference profiles, and the Regions and models they support.
    link: https://docs.aws.amazon.com/bedrock/latest/userguide/inference-profiles.html
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.tags
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: A profile for team A's calls to Claude 3.7 Sonnet across the US Regions, tagged for cost allocation
  amazon.ai.bedrock_inference_profile:
    name: team-a-claude
    model_source: us.anthropic.claude-3-7-sonnet-20250219-v1:0
    description: Team A chat assistant
    tags:
      team: team-a
      cost-center: "4711"
  register: profile

- name: Ask the model through the profile, so that the call is billed to its tags
  amazon.ai.bedrock_converse:
    model_id: "{{ profile.inference_profile.inference_profile_arn }}"
    messages:
      - role: user
        content: Summarize yesterday's incidents in three lines.

- name: Add a tag, keeping the others
  amazon.ai.bedrock_inference_profile:
    name: team-a-claude
    tags:
      project: helpdesk
    purge_tags: false

- name: Move the profile to Claude Sonnet 4.5 (a new profile, with a new ARN)
  amazon.ai.bedrock_inference_profile:
    name: team-a-claude
    model_source: us.anthropic.claude-sonnet-4-5-20250929-v1:0
    description: Team A chat assistant
    recreate: true

- name: A profile of a model offered on demand, in this Region only
  amazon.ai.bedrock_inference_profile:
    name: embeddings
    model_source: amazon.titan-embed-text-v2:0
    tags:
      team: search

- name: Delete it
  amazon.ai.bedrock_inference_profile:
    name: embeddings
    state: absent
"""

RETURN = r"""
inference_profile:
  description:
    - The profile as Bedrock describes it, its keys in snake_case, with its tags; an empty dictionary when there is no
      profile (after O(state=absent)).
    - In check mode, for a profile that would be created, what is known before Bedrock creates it (no ARN, ID, status
      or times).
  returned: always
  type: dict
  contains:
    inference_profile_arn:
      description: The profile's ARN, the model ID to invoke it with.
      returned: when the profile exists
      type: str
      sample: "arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/a1b2c3d4e5f6"
    inference_profile_id:
      description: The profile's ID, the last part of its ARN.
      returned: when the profile exists
      type: str
      sample: a1b2c3d4e5f6
    inference_profile_name:
      description: The profile's name.
      returned: when there is a profile
      type: str
      sample: team-a-claude
    description:
      description: The profile's description.
      returned: when it has one
      type: str
      sample: Team A chat assistant
    status:
      description: V(ACTIVE) once the profile can be used.
      returned: when the profile exists
      type: str
      sample: ACTIVE
    type:
      description: V(APPLICATION).
      returned: when there is a profile
      type: str
      sample: APPLICATION
    models:
      description: The models the profile carries, one for each Region it routes requests to, each as C(model_arn).
      returned: when there is a profile
      type: list
      elements: dict
      sample: [{"model_arn": "arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-7-sonnet-20250219-v1:0"}]
    tags:
      description: The profile's tags.
      returned: when there is a profile
      type: dict
      sample: {"team": "team-a", "cost-center": "4711"}
    created_at:
      description: When the profile was created (ISO 8601).
      returned: when the profile exists
      type: str
      sample: "2026-01-31T09:00:00+00:00"
    updated_at:
      description: When the profile was last updated (ISO 8601).
      returned: when the profile exists
      type: str
      sample: "2026-01-31T09:00:00+00:00"
recreated:
  description: Whether the profile was (in check mode, would be) deleted and created again (O(recreate=true)).
  returned: when O(state=present)
  type: bool
  sample: false
replaced_inference_profile_arn:
  description: The ARN of the profile deleted to create the new one; calls made with it now fail.
  returned: when the profile was recreated, outside check mode
  type: str
  sample: "arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/0f1e2d3c4b5a"
msg:
  description: What check mode would do.
  returned: in check mode, when something would change
  type: str
  sample: Would create inference profile 'team-a-claude'
"""

from ansible_collections.amazon.ai.plugins.module_utils.inference_profile import manage_profile
from ansible_collections.amazon.ai.plugins.module_utils.inference_profile_options import argument_spec
from ansible_collections.amazon.ai.plugins.module_utils.modules import AnsibleAmazonAIModule


def main():
    module = AnsibleAmazonAIModule(argument_spec=argument_spec(), supports_check_mode=True)
    module.run(manage_profile)


if __name__ == "__main__":
    main()
