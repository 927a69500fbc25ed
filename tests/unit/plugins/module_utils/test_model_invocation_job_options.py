# -*- coding: utf-8 -*-

# Copyright: Contributors to the amazon.ai collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import datetime
import re
import time

import pytest
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from ansible_collections.amazon.ai.plugins.module_utils import model_invocation_job_options as batch
from ansible_collections.amazon.ai.plugins.module_utils.common import BedrockParameterError
from ansible_collections.amazon.ai.plugins.module_utils.versions import highest_first
from ansible_collections.amazon.ai.plugins.module_utils.versions import required_boto3_versions

PROPERTY_SETTINGS = settings(max_examples=200, deadline=None, database=None)
ROLE = "arn:aws:iam::123456789012:role/bedrock-batch"
JOB_ARN = "arn:aws:bedrock:us-east-1:123456789012:model-invocation-job/abcdefgh1234"


def task(**overrides):
    params = dict(
        name="tickets-1",
        model_id="anthropic.claude-3-haiku-20240307-v1:0",
        role_arn=ROLE,
        input_s3_uri="s3://in-bucket/batch/records.jsonl",
        output_s3_uri="s3://out-bucket/results/",
        invocation_type="InvokeModel",
        timeout_hours=None,
        tags=None,
        output_kms_key_id=None,
        vpc_config=None,
        bodies=None,
        records=None,
    )
    params.update(overrides)
    return params


def test_argument_specs_and_the_task_subject():
    spec = batch.argument_spec()
    assert spec["wait_timeout"] == {"type": "int", "default": 3600} and spec["timeout_hours"] == {"type": "int"}
    assert set(batch.RECORD_LISTS) <= set(spec)
    assert batch.info_argument_spec()["status"]["choices"] == list(batch.STATUSES)
    assert batch.task_subject({"name": "tickets-1"}) == "batch inference job 'tickets-1'"


def test_the_patterns_here_are_the_service_models(bedrock_shapes):
    # The checks must refuse exactly what the service refuses: a new botocore that changes a pattern shows here.
    assert bedrock_shapes["ModelId"]["pattern"] == batch.MODEL_ID_PATTERN.pattern
    assert bedrock_shapes["ModelInvocationJobName"]["pattern"] == r"[a-zA-Z0-9]{1,63}(-*[a-zA-Z0-9\+\-\.]){0,63}"
    assert bedrock_shapes["ModelInvocationJobName"]["max"] == batch.MAX_NAME_LENGTH
    timeout = bedrock_shapes["ModelInvocationJobTimeoutDurationInHours"]
    assert (timeout["min"], timeout["max"]) == (batch.MIN_TIMEOUT_HOURS, batch.MAX_TIMEOUT_HOURS)
    assert bedrock_shapes["ModelInvocationType"]["enum"] == ["InvokeModel", "Converse"]
    assert set(bedrock_shapes["ModelInvocationJobStatus"]["enum"]) == set(batch.STATUSES)


@pytest.mark.parametrize("name", ["a", "tickets-2026.01", "A+b-c.d", "x" * 63, "9--.-"])
def test_check_job_name_accepts(name):
    batch.check_job_name(name)


@pytest.mark.parametrize("name", ["", "-a", ".a", "a b", "a_b", "x" * 64, "héllo", None, "a\n"])
def test_check_job_name_refuses_naming_the_option(name):
    with pytest.raises(BedrockParameterError, match="^name"):
        batch.check_job_name(name)


@PROPERTY_SETTINGS
@given(name=st.text(alphabet="aZ9+-._ !", max_size=12))
def test_job_name_pattern_is_the_service_pattern_within_its_length(name, bedrock_shapes):
    service = re.compile(bedrock_shapes["ModelInvocationJobName"]["pattern"])
    assert bool(batch.JOB_NAME_PATTERN.fullmatch(name)) == bool(service.fullmatch(name))


@PROPERTY_SETTINGS
@given(name=st.text(max_size=200))
def test_check_job_name_is_quick_and_raises_only_its_own_error(name):
    started = time.monotonic()
    try:
        batch.check_job_name(name)
    except BedrockParameterError:
        pass
    assert time.monotonic() - started < 0.5
    # The catastrophic case of the service's own pattern: many dashes, then a character it refuses.
    with pytest.raises(BedrockParameterError):
        batch.check_job_name("a" + "-" * 60 + "!")


@pytest.mark.parametrize(
    "model_id, message",
    [
        ("arn:aws:bedrock:us-east-1:123456789012:provisioned-model/abcdefgh1234", "provisioned model"),
        ("not a model", "not a model id"),
        ("", "must be a model id"),
        ("a" * 2049, "not a model id"),
    ],
)
def test_check_job_model_id_refuses(model_id, message):
    with pytest.raises(BedrockParameterError, match=message):
        batch.check_job_model_id(model_id)


@pytest.mark.parametrize(
    "model_id",
    [
        "anthropic.claude-3-haiku-20240307-v1:0",
        "us.anthropic.claude-3-haiku-20240307-v1:0",
        "amazon.titan-embed-text-v2:0",
        "arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.anthropic.claude-3-haiku-20240307-v1:0",
        "arn:aws:bedrock:us-east-1::foundation-model/amazon.titan-embed-text-v2:0",
    ],
)
def test_check_job_model_id_accepts(model_id):
    batch.check_job_model_id(model_id)


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"role_arn": "arn:aws:iam::123456789012:user/me"}, "role_arn must be the ARN of an IAM role"),
        ({"role_arn": "bedrock-batch"}, "role_arn"),
        ({"timeout_hours": 23}, "timeout_hours must be between 24 and 168"),
        ({"timeout_hours": 169}, "timeout_hours"),
        ({"bodies": [{}], "input_s3_uri": "s3://in-bucket/batch/"}, "must name an object ending in .jsonl when bodies"),
        ({"records": [], "input_s3_uri": "s3://in-bucket/x.json"}, "when records is given"),
        ({"tags": {"team": 1}}, "must be a string"),
        ({"tags": {"bad|key": "x"}}, "tags: key"),
        ({"tags": {str(n): "x" for n in range(201)}}, "at most 200"),
        ({"vpc_config": {"subnet_ids": [], "security_group_ids": ["sg-1"]}}, "vpc_config.subnet_ids"),
        ({"vpc_config": {"subnet_ids": ["s"], "security_group_ids": ["sg 1"]}}, "vpc_config.security_group_ids"),
        ({"output_kms_key_id": "my key"}, "output_kms_key_id"),
        ({"name": "bad name"}, "^name"),
        ({"output_s3_uri": "s3://Out/"}, "output_s3_uri"),
        ({"input_s3_uri": "s3://in/a b.jsonl"}, "^input_s3_uri"),
        ({"wait_timeout": -1}, "^wait_timeout must be a number of seconds, not -1"),
    ],
)
def test_check_job_params_names_the_option(overrides, message):
    with pytest.raises(BedrockParameterError, match=message):
        batch.check_job_params(task(**overrides))


def test_check_job_params_accepts_a_full_task():
    batch.check_job_params(
        task(
            timeout_hours=24,
            tags={"team": "search", "cost center": "a/b:c=d+e@f-g.h_i"},
            output_kms_key_id="alias/batch-out",
            vpc_config={"subnet_ids": ["subnet-1"], "security_group_ids": ["sg-1"]},
            bodies=[{}],
        )
    )


def test_missing_create_options():
    assert batch.missing_create_options(task(model_id=None, output_s3_uri="")) == ["model_id", "output_s3_uri"]


@pytest.mark.parametrize(
    "overrides, expected",
    [
        ({}, [("1.35.1", "to manage Bedrock batch inference jobs (CreateModelInvocationJob)")]),
        (
            {"invocation_type": "Converse", "vpc_config": {"subnet_ids": ["s"], "security_group_ids": ["g"]}},
            [
                ("1.42.59", "to use invocation_type=Converse"),
                ("1.35.20", "to use vpc_config"),
                ("1.35.1", "to manage Bedrock batch inference jobs (CreateModelInvocationJob)"),
            ],
        ),
    ],
)
def test_required_boto3_versions(overrides, expected):
    needed = [batch.MANAGE_API, *required_boto3_versions(task(**overrides), batch.OPTION_GATES)]
    assert highest_first(needed) == expected


def test_job_token_is_derived_from_the_task_and_valid(bedrock_shapes):
    token = batch.job_token(task())
    assert token == batch.job_token(task())
    assert token != batch.job_token(task(name="tickets-2"))
    assert token != batch.job_token(task(timeout_hours=48))
    # The bodies do not change it: the same job, whatever the records staged.
    assert token == batch.job_token(task(bodies=[{"a": 1}]))
    shape = bedrock_shapes["ModelInvocationIdempotencyToken"]
    assert shape["min"] <= len(token) <= shape["max"]
    assert re.fullmatch(r"[a-zA-Z0-9]+(-*[a-zA-Z0-9])*", token)


def test_build_job_request_sends_only_what_is_set():
    assert batch.build_job_request(task(), "tok") == {
        "jobName": "tickets-1",
        "roleArn": ROLE,
        "clientRequestToken": "tok",
        "modelId": "anthropic.claude-3-haiku-20240307-v1:0",
        "inputDataConfig": {
            "s3InputDataConfig": {"s3Uri": "s3://in-bucket/batch/records.jsonl", "s3InputFormat": "JSONL"}
        },
        "outputDataConfig": {"s3OutputDataConfig": {"s3Uri": "s3://out-bucket/results/"}},
    }


def test_build_job_request_with_every_option():
    request = batch.build_job_request(
        task(
            invocation_type="Converse",
            timeout_hours=72,
            tags={"team": "search"},
            output_kms_key_id="alias/k",
            vpc_config={"subnet_ids": ["subnet-1"], "security_group_ids": ["sg-1", "sg-2"]},
        ),
        "tok",
    )
    assert request["modelInvocationType"] == "Converse"
    assert request["timeoutDurationInHours"] == 72
    assert request["tags"] == [{"key": "team", "value": "search"}]
    assert request["outputDataConfig"]["s3OutputDataConfig"]["s3EncryptionKeyId"] == "alias/k"
    assert request["vpcConfig"] == {"subnetIds": ["subnet-1"], "securityGroupIds": ["sg-1", "sg-2"]}


def job(**overrides):
    value = {
        "jobArn": JOB_ARN,
        "jobName": "tickets-1",
        "modelId": "anthropic.claude-3-haiku-20240307-v1:0",
        "roleArn": ROLE,
        "status": "Completed",
        "submitTime": datetime.datetime(2026, 1, 31, 9, 0, tzinfo=datetime.timezone.utc),
        "inputDataConfig": {
            "s3InputDataConfig": {"s3Uri": "s3://in-bucket/batch/records.jsonl", "s3InputFormat": "JSONL"}
        },
        "outputDataConfig": {"s3OutputDataConfig": {"s3Uri": "s3://out-bucket/results/"}},
        "totalRecordCount": 3,
        "ResponseMetadata": {"RequestId": "x"},
    }
    value.update(overrides)
    return value


@pytest.mark.parametrize(
    "output_uri, expected",
    [
        ("s3://out-bucket/results/", "s3://out-bucket/results/abcdefgh1234/"),
        ("s3://out-bucket/results", "s3://out-bucket/results/abcdefgh1234/"),
        ("s3://out-bucket", "s3://out-bucket/abcdefgh1234/"),
    ],
)
def test_output_location(output_uri, expected):
    assert batch.output_location(job(outputDataConfig={"s3OutputDataConfig": {"s3Uri": output_uri}})) == expected


def test_option_differences():
    assert batch.option_differences(task(), job()) == []
    assert batch.option_differences(task(model_id=None, role_arn=None), job()) == []
    # A job that reports its model as an ARN still has the same model.
    arn = "arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-haiku-20240307-v1:0"
    assert batch.option_differences(task(), job(modelId=arn)) == []
    assert batch.option_differences(task(timeout_hours=48, invocation_type="Converse"), job()) == [
        "timeout_hours (the job has 'unset')",
        "invocation_type (the job has 'InvokeModel')",
    ]
    assert batch.option_differences(task(output_s3_uri="s3://other-bucket/"), job()) == [
        "output_s3_uri (the job has 's3://out-bucket/results/')"
    ]


@pytest.mark.parametrize(
    "value, expected",
    [
        ("2026-01-31", datetime.datetime(2026, 1, 31, tzinfo=datetime.timezone.utc)),
        ("2026-01-31T12:00:00Z", datetime.datetime(2026, 1, 31, 12, tzinfo=datetime.timezone.utc)),
        (
            "2026-01-31T12:00:00+02:00",
            datetime.datetime(2026, 1, 31, 12, tzinfo=datetime.timezone(datetime.timedelta(hours=2))),
        ),
    ],
)
def test_parse_time(value, expected):
    assert batch.parse_time("submitted_after", value) == expected


def test_check_listing_filters():
    filters = batch.check_listing_filters(
        {"status": "Completed", "name_contains": "tick", "submitted_after": "2026-01-01", "submitted_before": None}
    )
    assert filters == {
        "statusEquals": "Completed",
        "nameContains": "tick",
        "submitTimeAfter": datetime.datetime(2026, 1, 1, tzinfo=datetime.timezone.utc),
    }
    with pytest.raises(BedrockParameterError, match="submitted_before must be an ISO 8601"):
        batch.check_listing_filters({"submitted_before": "yesterday"})
    with pytest.raises(BedrockParameterError, match="^name_contains"):
        batch.check_listing_filters({"name_contains": "a b"})


@pytest.mark.parametrize("value", [JOB_ARN, "abcdefgh1234"])
def test_check_job_arn_accepts(value):
    batch.check_job_arn(value)


@pytest.mark.parametrize(
    "value", ["abc", "arn:aws:bedrock:us-east-1:123456789012:model-customization-job/abcdefgh1234"]
)
def test_check_job_arn_refuses(value):
    with pytest.raises(BedrockParameterError, match="job_arn"):
        batch.check_job_arn(value)


@pytest.mark.parametrize(
    "status, message, expected",
    [
        (
            "Failed",
            "bad JSONL in records.jsonl",
            "Batch inference job 'tickets-1' ended Failed: bad JSONL in records.jsonl",
        ),
        ("Expired", None, "Batch inference job 'tickets-1' ended Expired: no message given"),
        ("Completed", None, None),
        ("PartiallyCompleted", None, None),
        ("InProgress", None, None),
    ],
)
def test_failure_of(status, message, expected):
    value = job(status=status)
    if message:
        value["message"] = message
    assert batch.failure_of(value) == expected
