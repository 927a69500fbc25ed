#!/usr/bin/python
# -*- coding: utf-8 -*-

# Copyright: Contributors to the amazon.ai collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
module: bedrock_model_invocation_job
short_description: Run prompts at any scale with an Amazon Bedrock batch inference job
version_added: 1.1.0
description:
  - Manages one Bedrock batch inference job (a model invocation job) by its name, the Ansible way. Bedrock reads
    the job's records (JSON Lines in S3), runs them within hours at about half the on-demand price, and writes
    the answers to S3.
  - With O(bodies) or O(records), the module writes the records as one JSONL object at O(input_s3_uri) before it
    creates the job; each body is checked and encoded as M(amazon.ai.bedrock_invoke_models) does it. Without
    either, O(input_s3_uri) names JSONL already in S3 (one object, or a folder of C(.jsonl) objects).
  - When the job has finished, the module reads its output and returns one answer per record in input order
    (Bedrock writes them in an order of its own), shaped like the entries of
    M(amazon.ai.bedrock_invoke_models)' RV(amazon.ai.bedrock_invoke_models#module:responses).
  - Running the task again never starts a second job; a job of that name is reported as it is. A create whose
    answer is lost (the connection closed, or no answer came) is sent again, up to 3 times, with the same
    idempotency token, derived from the task, so Bedrock answers with the job the first one created.
  - Busy answers of Bedrock and S3 are retried with the same jittered backoff as
    M(amazon.ai.bedrock_invoke_model). While waiting, the job is polled a few seconds apart at first, then less
    and less often (at most once a minute), and throttled polls are waited out.
  - Requires boto3 >= 1.35.1.
author:
  - amazon.ai maintainers (@ansible-collections)
options:
  name:
    description:
      - The job's name, which the module finds the job by.
      - Up to 63 letters, digits, V(+), V(-) and V(.), starting with a letter or digit.
    type: str
    required: true
  state:
    description:
      - V(present) creates the job when no job of that name exists, and otherwise reports it as it is, whatever
        the other options say (a warning names those that differ).
      - V(absent) stops the job if it is still running; a finished or missing job is left as it is. Bedrock keeps
        jobs, so a stopped job's name stays taken.
    type: str
    choices: ['present', 'absent']
    default: present
  model_id:
    description:
      - The model that answers the records, as a model ID, an inference profile ID, or the ARN of a foundation
        model, custom model or inference profile. Batch inference does not take provisioned models.
      - Needed to create the job.
    type: str
  role_arn:
    description:
      - The ARN of the IAM service role Bedrock assumes to read the input and write the output in S3. Its trust
        policy must let V(bedrock.amazonaws.com) assume it.
      - Needed to create the job.
    type: str
  input_s3_uri:
    description:
      - Where the job's records are, as V(s3://bucket/key). With O(bodies) or O(records) the object the module
        writes, which must end in V(.jsonl); otherwise one JSONL object or a folder of them.
      - A bucket name S3 does not allow (upper-case letters, V(_), two periods in a row, an IP address, a prefix
        or suffix S3 keeps for itself such as V(xn--) or V(-s3alias)), and keys with spaces, V(=) or characters
        other than letters, digits and C(- ! _ * ' ( ) .), which Bedrock refuses, fail the task before anything is
        sent.
      - Needed to create the job.
    type: str
  output_s3_uri:
    description:
      - The S3 folder the job writes to. Bedrock writes its output in a folder named after the job's ID inside it
        (RV(output_location)).
      - Needed to create the job.
    type: str
  invocation_type:
    description:
      - The format of each record's body. V(InvokeModel) is the model's own request body, as for
        M(amazon.ai.bedrock_invoke_model); V(Converse) is a Converse request.
      - V(Converse) requires boto3 >= 1.42.59. The default V(InvokeModel) is what Bedrock assumes, so it is not
        sent.
    type: str
    choices: ['InvokeModel', 'Converse']
    default: InvokeModel
  timeout_hours:
    description:
      - How long the job may take, from 24 to 168 hours; a job not done by then ends V(Expired) or
        V(PartiallyCompleted). Bedrock's default applies when unset.
    type: int
  tags:
    description:
      - Tags for the job, as a mapping of string keys to string values.
    type: dict
  output_kms_key_id:
    description:
      - The KMS key (ID, ARN, alias or alias ARN) Bedrock encrypts the output with.
    type: str
  vpc_config:
    description:
      - The VPC the job reaches S3 from.
      - Requires boto3 >= 1.35.20.
    type: dict
    suboptions:
      subnet_ids:
        description: 1 to 16 subnet IDs.
        type: list
        elements: str
        required: true
      security_group_ids:
        description: 1 to 5 security group IDs.
        type: list
        elements: str
        required: true
  bodies:
    description:
      - The records' bodies, one record each, in the format O(invocation_type) names. Each must be a JSON object
        (a mapping, or a string holding one), checked and encoded as
        M(amazon.ai.bedrock_invoke_models) checks and encodes O(amazon.ai.bedrock_invoke_models#module:bodies).
      - The records get IDs that keep their order (their index, zero-padded to 11 digits).
      - Bedrock usually refuses jobs of fewer than 100 records (a per-model quota); fewer get a warning.
      - Must be a list. Mutually exclusive with O(records).
    type: list
    elements: raw
  records:
    description:
      - The records, each with its own ID. Mutually exclusive with O(bodies).
    type: list
    elements: dict
    suboptions:
      record_id:
        description:
          - The record's ID, unique in the job; 1 to 128 letters, digits, V(_), V(.), V(:) or V(-), starting with a
            letter or digit.
        type: str
        required: true
      body:
        description: The record's body, as an entry of O(bodies).
        type: raw
        required: true
  wait:
    description:
      - Wait until the job reaches a final status (V(Completed), V(PartiallyCompleted), V(Failed), V(Stopped) or
        V(Expired)); with O(state=absent), until it has stopped.
      - Jobs commonly take hours. Without waiting, a later run of the same task collects the answers.
    type: bool
    default: false
  wait_timeout:
    description:
      - How many seconds to wait at most. A job still running then fails the task; it goes on running.
    type: int
    default: 3600
  fetch_responses:
    description:
      - Once the job has finished, read its output and return RV(responses) and RV(summary).
      - V(false) returns only the job and RV(output_location).
    type: bool
    default: true
  responses_dest:
    description:
      - A file on the host the module runs on, to which the answers are written instead of being returned, as
        JSON Lines, one line per record in input order, each the entry RV(responses) would hold.
      - The result then holds only RV(job), RV(summary) and the path. Use it for large jobs, as ansible-core
        handles every value of a result one by one, twice.
      - The same option, with the same file format, as
        O(amazon.ai.bedrock_invoke_models#module:responses_dest). Its folder must exist; the file is replaced
        whole and readable by its owner only.
    type: path
notes:
  - In check mode nothing is uploaded, created or stopped; every option and body is still checked and the job
    looked up, and RV(msg) says what would be done.
  - A job that ends V(Failed) or V(Expired) fails the task with the job's message. When records failed or were not
    processed (a V(PartiallyCompleted) or V(Stopped) job), the task fails naming how many; RV(responses) still holds
    every record, the unanswered ones with C(failed).
  - The output's layout (C(<output_s3_uri>/<job id>/<input file>.out) and C(manifest.json.out)) is what Bedrock
    is seen to write; AWS documents no more than the folder.
  - The service role needs C(s3:GetObject) and C(s3:ListBucket) on the input, and C(s3:PutObject) and
    C(s3:ListBucket) on the output; the caller needs C(bedrock:CreateModelInvocationJob),
    C(bedrock:GetModelInvocationJob), C(bedrock:ListModelInvocationJobs), C(bedrock:StopModelInvocationJob),
    C(iam:PassRole) on the role, and S3 access to write the input and read the output.
seealso:
  - module: amazon.ai.bedrock_model_invocation_job_info
  - module: amazon.ai.bedrock_invoke_models
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Build one request body per ticket (set_fact runs on the controller)
  ansible.builtin.set_fact:
    ticket_bodies: >-
      {{ ticket_bodies | default([]) + [{
           'anthropic_version': 'bedrock-2023-05-31',
           'max_tokens': 10,
           'messages': [{'role': 'user', 'content': 'Classify as bug, question or feature: ' ~ item}]}] }}
  loop: "{{ tickets }}"

- name: Submit a job classifying every ticket, without waiting for it
  amazon.ai.bedrock_model_invocation_job:
    name: tickets-2026-01
    model_id: "anthropic.claude-3-haiku-20240307-v1:0"
    role_arn: "arn:aws:iam::123456789012:role/bedrock-batch"
    input_s3_uri: "s3://example-batch-input/tickets-2026-01.jsonl"
    output_s3_uri: "s3://example-batch-output/"
    bodies: "{{ ticket_bodies }}"
  register: submitted

- name: In a later run, the same task (now without bodies) collects the answers once the job is done
  amazon.ai.bedrock_model_invocation_job:
    name: tickets-2026-01
    wait: true
    wait_timeout: 86400
  register: classified

- name: Show each ticket's class, in the order of the tickets
  ansible.builtin.debug:
    msg: "{{ classified.responses | map(attribute='raw_response.content') | map('first') | map(attribute='text') | list }}"

- name: Embed a document store already staged as JSONL, writing the answers to a file
  amazon.ai.bedrock_model_invocation_job:
    name: embed-docs-v2
    model_id: "amazon.titan-embed-text-v2:0"
    role_arn: "arn:aws:iam::123456789012:role/bedrock-batch"
    input_s3_uri: "s3://example-batch-input/docs/"
    output_s3_uri: "s3://example-batch-output/embeddings/"
    timeout_hours: 72
    tags: {team: search}
    wait: true
    wait_timeout: 259200
    responses_dest: /var/tmp/embeddings.jsonl

- name: Stop a job
  amazon.ai.bedrock_model_invocation_job:
    name: tickets-2026-01
    state: absent
"""

RETURN = r"""
job:
  description:
    - The job as Bedrock describes it, its keys in snake_case; an empty dictionary when there is no job.
    - In check mode, for a job that would be created, the request that would be sent.
  returned: always
  type: dict
  contains:
    job_arn:
      description: The job's ARN; its last part is the job's ID.
      returned: when the job exists
      type: str
      sample: "arn:aws:bedrock:us-east-1:123456789012:model-invocation-job/abcdefgh1234"
    job_name:
      description: The job's name.
      returned: always
      type: str
      sample: tickets-2026-01
    status:
      description:
        - V(Submitted), V(Validating), V(Scheduled), V(InProgress), V(Stopping), or the final V(Completed),
          V(PartiallyCompleted), V(Failed), V(Stopped) or V(Expired).
      returned: when the job exists
      type: str
      sample: InProgress
    message:
      description: Why the job failed, when it did.
      returned: when Bedrock gives one
      type: str
    model_id:
      description: The model.
      returned: always
      type: str
      sample: "anthropic.claude-3-haiku-20240307-v1:0"
    role_arn:
      description: The service role.
      returned: always
      type: str
    submit_time:
      description: When the job was submitted (ISO 8601).
      returned: when the job exists
      type: str
      sample: "2026-01-31T09:00:00+00:00"
    end_time:
      description: When the job ended.
      returned: when the job has ended
      type: str
    job_expiration_time:
      description: When the job times out.
      returned: when Bedrock gives one
      type: str
    timeout_duration_in_hours:
      description: The job's timeout.
      returned: when Bedrock gives one
      type: int
    model_invocation_type:
      description: The records' format.
      returned: when Bedrock gives one
      type: str
    total_record_count:
      description: The job's records; also C(processed_record_count), C(success_record_count), C(error_record_count).
      returned: when Bedrock gives them (boto3 >= 1.42.81 reads them)
      type: int
    input_data_config:
      description: Where the job reads, as C(s3_input_data_config.s3_uri).
      returned: always
      type: dict
    output_data_config:
      description: Where the job writes, as C(s3_output_data_config.s3_uri).
      returned: always
      type: dict
output_location:
  description: The S3 URI of the folder holding this job's output (the output URI, then the job's ID).
  returned: when the job exists
  type: str
  sample: "s3://example-batch-output/abcdefgh1234/"
responses:
  description:
    - One entry per record, in input order (of O(bodies), O(records), or the staged JSONL).
    - An answered record has C(record_id), C(model_id), C(raw_response) (the model's answer, decoded as
      M(amazon.ai.bedrock_invoke_models) decodes it) and C(raw_response_format).
    - A failed record has C(failed), C(msg) and C(error) (Bedrock's C(code) and C(message) for it); a record the
      job did not get to has C(failed) and C(msg) only.
  returned: when the job has finished with output, O(fetch_responses) is true and O(responses_dest) is not set
  type: list
  elements: dict
  sample: [{"record_id": "00000000000", "model_id": "amazon.titan-embed-text-v2:0",
            "raw_response": {"embedding": [0.12, -0.03]}, "raw_response_format": "json"}]
summary:
  description:
    - Counts over the records (C(records), C(succeeded), C(failed), C(not_processed)), and the job's manifest in
      snake_case (C(total_record_count), C(processed_record_count), C(success_record_count),
      C(error_record_count), C(input_token_count), C(output_token_count)) when it wrote one.
  returned: when RV(responses) or RV(responses_dest) is
  type: dict
  sample: {"records": 100, "succeeded": 99, "failed": 1, "not_processed": 0, "input_token_count": 5400}
responses_dest:
  description: The file the answers were written to.
  returned: when O(responses_dest) is set and the answers were collected
  type: str
  sample: /var/tmp/embeddings.jsonl
msg:
  description: What check mode would have done.
  returned: in check mode, when something would be done
  type: str
  sample: "Would upload 100 records (20480 bytes) to s3://example-batch-input/t.jsonl and create batch inference job 't'"
"""

from ansible_collections.amazon.ai.plugins.module_utils.model_invocation_job import manage_job
from ansible_collections.amazon.ai.plugins.module_utils.model_invocation_job_options import argument_spec
from ansible_collections.amazon.ai.plugins.module_utils.modules import AnsibleAmazonAIModule


def main():
    module = AnsibleAmazonAIModule(
        argument_spec=argument_spec(),
        mutually_exclusive=[["bodies", "records"]],
        supports_check_mode=True,
    )
    module.run(manage_job)


if __name__ == "__main__":
    main()
