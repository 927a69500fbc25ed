# -*- coding: utf-8 -*-

# Copyright: Contributors to the amazon.ai collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""main() of bedrock_model_invocation_job_info run as Ansible runs it, against botocore's Stubber."""

from __future__ import annotations

import datetime

import pytest

from ansible_collections.amazon.ai.plugins.modules import bedrock_model_invocation_job_info
from ansible_collections.amazon.ai.tests.unit.plugins.modules.utils import run_main

JOB_ARN = "arn:aws:bedrock:us-east-1:123456789012:model-invocation-job/abcdefgh1234"


def run_module(capsys, args):
    return run_main(bedrock_model_invocation_job_info.main, capsys, dict(args, region="us-east-1"))


def job(name, status="Completed", arn=JOB_ARN):
    return {
        "jobArn": arn,
        "jobName": name,
        "modelId": "amazon.titan-embed-text-v2:0",
        "roleArn": "arn:aws:iam::123456789012:role/r",
        "status": status,
        "submitTime": datetime.datetime(2026, 1, 31, 9, 0, tzinfo=datetime.timezone.utc),
        "inputDataConfig": {"s3InputDataConfig": {"s3Uri": "s3://in-bucket/records.jsonl"}},
        "outputDataConfig": {"s3OutputDataConfig": {"s3Uri": "s3://out-bucket/"}},
    }


def test_filters_are_sent_and_every_page_read(capsys, aws_stubbers):
    expected = {
        "statusEquals": "InProgress",
        "nameContains": "embed",
        "submitTimeAfter": datetime.datetime(2026, 1, 1, tzinfo=datetime.timezone.utc),
        "submitTimeBefore": datetime.datetime(2026, 2, 1, 12, tzinfo=datetime.timezone.utc),
        "sortBy": "CreationTime",
        "sortOrder": "Ascending",
        "maxResults": 1000,
    }
    aws_stubbers["bedrock"].add_response(
        "list_model_invocation_jobs", {"invocationJobSummaries": [job("embed-1")], "nextToken": "t2"}, expected
    )
    aws_stubbers["bedrock"].add_response(
        "list_model_invocation_jobs", {"invocationJobSummaries": [job("embed-2")]}, dict(expected, nextToken="t2")
    )
    result = run_module(
        capsys,
        dict(
            status="InProgress",
            name_contains="embed",
            submitted_after="2026-01-01",
            submitted_before="2026-02-01T12:00:00Z",
            sort_order="Ascending",
        ),
    )
    assert result["_exit_code"] == 0, result
    assert [found["job_name"] for found in result["jobs"]] == ["embed-1", "embed-2"]
    assert result["jobs"][0]["submit_time"] == "2026-01-31T09:00:00+00:00"
    assert result["changed"] is False


def test_by_name_keeps_only_that_name(capsys, aws_stubbers):
    aws_stubbers["bedrock"].add_response(
        "list_model_invocation_jobs",
        {"invocationJobSummaries": [job("embed-10"), job("embed-1")]},
        {"nameContains": "embed-1", "sortBy": "CreationTime", "sortOrder": "Descending", "maxResults": 1000},
    )
    result = run_module(capsys, dict(name="embed-1"))
    assert [found["job_name"] for found in result["jobs"]] == ["embed-1"]


def test_by_arn(capsys, aws_stubbers):
    aws_stubbers["bedrock"].add_response("get_model_invocation_job", job("embed-1"), {"jobIdentifier": JOB_ARN})
    aws_stubbers["bedrock"].add_client_error(
        "get_model_invocation_job", "ResourceNotFoundException", http_status_code=404
    )
    assert [found["job_arn"] for found in run_module(capsys, dict(job_arn=JOB_ARN))["jobs"]] == [JOB_ARN]
    assert run_module(capsys, dict(job_arn="abcdefgh1234"))["jobs"] == []


@pytest.mark.parametrize(
    "args, message",
    [
        ({"job_arn": "nope"}, "job_arn 'nope' is not a model invocation job ARN"),
        ({"submitted_after": "last week"}, "submitted_after must be an ISO 8601"),
        ({"name_contains": "a b"}, "name_contains 'a b' is not a valid job name"),
    ],
)
def test_bad_filters_fail_with_nothing_sent(capsys, aws_stubbers, args, message):
    result = run_module(capsys, args)
    assert result["_exit_code"] == 1
    assert result["msg"].startswith(f"Invalid task, nothing was sent: {message}")


def test_an_aws_error_is_reported(capsys, aws_stubbers):
    aws_stubbers["bedrock"].add_client_error(
        "list_model_invocation_jobs", "AccessDeniedException", http_status_code=403
    )
    result = run_module(capsys, {})
    assert result["_exit_code"] == 1
    assert result["msg"].startswith("Failed to read Bedrock batch inference jobs")
    assert result["error"]["code"] == "AccessDeniedException"
