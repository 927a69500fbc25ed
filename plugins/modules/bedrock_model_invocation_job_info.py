#!/usr/bin/python
# -*- coding: utf-8 -*-

# Copyright: Contributors to the amazon.ai collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
module: bedrock_model_invocation_job_info
short_description: Describe Amazon Bedrock batch inference jobs
version_added: 1.1.0
description:
  - Describes one Bedrock batch inference job (model invocation job), by O(name) or O(job_arn), or lists the jobs
    the filters match, every page of them.
  - Busy answers are retried with the same jittered backoff as M(amazon.ai.bedrock_invoke_model).
  - Requires boto3 >= 1.35.1.
author:
  - amazon.ai maintainers (@ansible-collections)
options:
  name:
    description: The name of the job to describe (its newest job, should several share it, comes first).
    type: str
  job_arn:
    description: The ARN (or the 12-character ID) of the job to describe.
    type: str
  status:
    description: Only jobs with this status.
    type: str
    choices: ['Submitted', 'Validating', 'Scheduled', 'InProgress', 'Stopping', 'Completed', 'PartiallyCompleted',
              'Failed', 'Stopped', 'Expired']
  name_contains:
    description: Only jobs whose name contains this text.
    type: str
  submitted_after:
    description:
      - Only jobs submitted after this time, as an ISO 8601 date or time such as V(2026-01-31) or
        V(2026-01-31T12:00:00Z) (a time without a zone is UTC).
    type: str
  submitted_before:
    description: Only jobs submitted before this time, as O(submitted_after).
    type: str
  sort_order:
    description: The order of RV(jobs) by submission time.
    type: str
    choices: ['Ascending', 'Descending']
    default: Descending
seealso:
  - module: amazon.ai.bedrock_model_invocation_job
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Describe one job
  amazon.ai.bedrock_model_invocation_job_info:
    name: tickets-2026-01
  register: found

- name: Show its status
  ansible.builtin.debug:
    msg: "{{ found.jobs[0].status if found.jobs else 'no such job' }}"

- name: List the jobs still running this month
  amazon.ai.bedrock_model_invocation_job_info:
    status: InProgress
    submitted_after: "2026-01-01"
  register: running
"""

RETURN = r"""
jobs:
  description:
    - The jobs found, newest first unless O(sort_order=Ascending), each as
      M(amazon.ai.bedrock_model_invocation_job) returns RV(amazon.ai.bedrock_model_invocation_job#module:job).
    - Empty when no job matches.
  returned: always
  type: list
  elements: dict
  sample: [{"job_name": "tickets-2026-01", "status": "Completed", "model_id": "anthropic.claude-3-haiku-20240307-v1:0",
            "job_arn": "arn:aws:bedrock:us-east-1:123456789012:model-invocation-job/abcdefgh1234"}]
"""

from ansible_collections.amazon.ai.plugins.module_utils.model_invocation_job import job_info
from ansible_collections.amazon.ai.plugins.module_utils.model_invocation_job_options import info_argument_spec
from ansible_collections.amazon.ai.plugins.module_utils.modules import AnsibleAmazonAIModule


def main():
    module = AnsibleAmazonAIModule(
        argument_spec=info_argument_spec(),
        mutually_exclusive=[["name", "job_arn"], ["job_arn", "status"], ["job_arn", "name_contains"]],
        supports_check_mode=True,
    )
    module.run(job_info)


if __name__ == "__main__":
    main()
