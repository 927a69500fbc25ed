# -*- coding: utf-8 -*-

# Copyright: Contributors to the amazon.ai collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import datetime
import gzip
import json
import os
import re
import time

import botocore
import pytest
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from ansible_collections.amazon.ai.plugins.module_utils import batch
from ansible_collections.amazon.ai.plugins.module_utils.bedrock import BedrockParameterError

PROPERTY_SETTINGS = settings(max_examples=200, deadline=None, database=None)
ROLE = "arn:aws:iam::123456789012:role/bedrock-batch"
JOB_ARN = "arn:aws:bedrock:us-east-1:123456789012:model-invocation-job/abcdefgh1234"


def service_shapes():
    path = os.path.join(os.path.dirname(botocore.__file__), "data", "bedrock", "2023-04-20", "service-2.json.gz")
    with gzip.open(path) as stream:
        return json.load(stream)["shapes"]


SHAPES = service_shapes()


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


def test_the_patterns_here_are_the_service_models():
    # The checks must refuse exactly what the service refuses: a new botocore that changes a pattern shows here.
    assert SHAPES["S3Uri"]["pattern"] == batch.S3_URI_PATTERN.pattern
    assert SHAPES["RoleArn"]["pattern"] == batch.ROLE_ARN_PATTERN.pattern
    assert SHAPES["ModelId"]["pattern"] == batch.MODEL_ID_PATTERN.pattern
    assert SHAPES["ModelInvocationJobName"]["pattern"] == r"[a-zA-Z0-9]{1,63}(-*[a-zA-Z0-9\+\-\.]){0,63}"
    assert SHAPES["ModelInvocationJobName"]["max"] == batch.MAX_NAME_LENGTH
    timeout = SHAPES["ModelInvocationJobTimeoutDurationInHours"]
    assert (timeout["min"], timeout["max"]) == (batch.MIN_TIMEOUT_HOURS, batch.MAX_TIMEOUT_HOURS)
    assert SHAPES["ModelInvocationType"]["enum"] == ["InvokeModel", "Converse"]
    assert set(SHAPES["ModelInvocationJobStatus"]["enum"]) == set(batch.STATUSES)


@pytest.mark.parametrize(
    "uri, expected",
    [
        ("s3://my-bucket", ("my-bucket", "")),
        ("s3://my-bucket/", ("my-bucket", "")),
        ("s3://my-bucket/in/data.jsonl", ("my-bucket", "in/data.jsonl")),
        ("s3://my.bucket-1/a/b(c)!*'_x/", ("my.bucket-1", "a/b(c)!*'_x/")),
    ],
)
def test_check_s3_uri_accepts_what_bedrock_accepts(uri, expected):
    assert batch.check_s3_uri("input_s3_uri", uri) == expected


@pytest.mark.parametrize(
    "uri, reason",
    [
        ("my-bucket/x", "must be an S3 URI"),
        ("https://my-bucket/x", "must be an S3 URI"),
        (None, "must be an S3 URI"),
        ("s3://", "names no bucket"),
        ("s3:///key", "names no bucket"),
        ("s3://My-Bucket/x", "upper-case"),
        ("s3://my_bucket/x", "underscore"),
        ("s3://b/in/", "is not a bucket name"),
        ("s3://-bucket/x", "is not a bucket name"),
        ("s3://bucket/dt=2026-01-01/", "'='"),
        ("s3://bucket/my file.jsonl", "white space"),
        ("s3://bucket/a//b", "empty folder name"),
        ("s3://bucket/a+b", "'+'"),
        ("s3://bucket/" + "k" * 1100, "at most 1024"),
    ],
)
def test_check_s3_uri_names_the_option_and_reason(uri, reason):
    with pytest.raises(batch.BatchParameterError, match=re.escape(reason)) as excinfo:
        batch.check_s3_uri("output_s3_uri", uri)
    assert "output_s3_uri" in str(excinfo.value)


@PROPERTY_SETTINGS
@given(uri=st.one_of(st.text(max_size=40), st.text(alphabet="s3:/abcAB_-.= !*'()+", max_size=40).map("s3://".__add__)))
def test_check_s3_uri_refuses_only_with_its_own_error_and_accepts_only_the_service_pattern(uri):
    try:
        batch.check_s3_uri("input_s3_uri", uri)
    except batch.BatchParameterError as e:
        assert "input_s3_uri" in str(e)
    else:
        assert batch.S3_URI_PATTERN.fullmatch(uri)


@pytest.mark.parametrize("name", ["a", "tickets-2026.01", "A+b-c.d", "x" * 63, "9--.-"])
def test_check_job_name_accepts(name):
    batch.check_job_name(name)


@pytest.mark.parametrize("name", ["", "-a", ".a", "a b", "a_b", "x" * 64, "héllo", None, "a\n"])
def test_check_job_name_refuses_naming_the_option(name):
    with pytest.raises(batch.BatchParameterError, match="^name"):
        batch.check_job_name(name)


@PROPERTY_SETTINGS
@given(name=st.text(alphabet="aZ9+-._ !", max_size=12))
def test_job_name_pattern_is_the_service_pattern_within_its_length(name):
    service = re.compile(SHAPES["ModelInvocationJobName"]["pattern"])
    assert bool(batch.JOB_NAME_PATTERN.fullmatch(name)) == bool(service.fullmatch(name))


@PROPERTY_SETTINGS
@given(name=st.text(max_size=200))
def test_check_job_name_is_quick_and_raises_only_its_own_error(name):
    started = time.monotonic()
    try:
        batch.check_job_name(name)
    except batch.BatchParameterError:
        pass
    assert time.monotonic() - started < 0.5
    # The catastrophic case of the service's own pattern: many dashes, then a character it refuses.
    with pytest.raises(batch.BatchParameterError):
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
def test_check_model_id_refuses(model_id, message):
    with pytest.raises(batch.BatchParameterError, match=message):
        batch.check_model_id(model_id)


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
def test_check_model_id_accepts(model_id):
    batch.check_model_id(model_id)


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
    ],
)
def test_check_job_params_names_the_option(overrides, message):
    with pytest.raises(batch.BatchParameterError, match=message):
        batch.check_job_params(task(**overrides))


def test_check_job_params_accepts_a_full_task_and_is_a_bedrock_parameter_error():
    batch.check_job_params(
        task(
            timeout_hours=24,
            tags={"team": "search", "cost center": "a/b:c=d+e@f-g.h_i"},
            output_kms_key_id="alias/batch-out",
            vpc_config={"subnet_ids": ["subnet-1"], "security_group_ids": ["sg-1"]},
            bodies=[{}],
        )
    )
    assert issubclass(batch.BatchParameterError, BedrockParameterError)


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
    assert batch.required_boto3_versions(task(**overrides)) == expected


def test_client_request_token_is_derived_from_the_task_and_valid():
    token = batch.client_request_token(task())
    assert token == batch.client_request_token(task())
    assert token != batch.client_request_token(task(name="tickets-2"))
    assert token != batch.client_request_token(task(timeout_hours=48))
    # The bodies do not change it: the same job, whatever the records staged.
    assert token == batch.client_request_token(task(bodies=[{"a": 1}]))
    shape = SHAPES["ModelInvocationIdempotencyToken"]
    assert shape["min"] <= len(token) <= shape["max"]
    assert re.fullmatch(r"[a-zA-Z0-9]+(-*[a-zA-Z0-9])*", token)


def test_build_create_request_sends_only_what_is_set():
    assert batch.build_create_request(task(), "tok") == {
        "jobName": "tickets-1",
        "roleArn": ROLE,
        "clientRequestToken": "tok",
        "modelId": "anthropic.claude-3-haiku-20240307-v1:0",
        "inputDataConfig": {
            "s3InputDataConfig": {"s3Uri": "s3://in-bucket/batch/records.jsonl", "s3InputFormat": "JSONL"}
        },
        "outputDataConfig": {"s3OutputDataConfig": {"s3Uri": "s3://out-bucket/results/"}},
    }


def test_build_create_request_with_every_option():
    request = batch.build_create_request(
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


def test_describe_job_is_snake_case_with_text_times():
    described = batch.describe_job(job())
    assert described["job_arn"] == JOB_ARN
    assert described["submit_time"] == "2026-01-31T09:00:00+00:00"
    assert described["input_data_config"]["s3_input_data_config"]["s3_uri"] == "s3://in-bucket/batch/records.jsonl"
    assert described["total_record_count"] == 3
    assert "response_metadata" not in described


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
    with pytest.raises(batch.BatchParameterError, match="submitted_before must be an ISO 8601"):
        batch.check_listing_filters({"submitted_before": "yesterday"})
    with pytest.raises(batch.BatchParameterError, match="^name_contains"):
        batch.check_listing_filters({"name_contains": "a b"})


@pytest.mark.parametrize("value", [JOB_ARN, "abcdefgh1234"])
def test_check_job_arn_accepts(value):
    batch.check_job_arn(value)


@pytest.mark.parametrize(
    "value", ["abc", "arn:aws:bedrock:us-east-1:123456789012:model-customization-job/abcdefgh1234"]
)
def test_check_job_arn_refuses(value):
    with pytest.raises(batch.BatchParameterError, match="job_arn"):
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
