# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Tests of the fake batch API (model invocation jobs): validation, idempotency, conflicts, listing, faults, S3 routing.

Driven through real boto3 ``bedrock`` and ``s3`` clients on one endpoint URL, with moto's server behind it for S3.
"""

from __future__ import annotations

import base64
import datetime
import io
import json
import os
import time
from typing import Any

import botocore.exceptions
import pytest

from . import bedrock_endpoint as be
from .batch_helpers import BUCKET
from .batch_helpers import clients
from .batch_helpers import control
from .batch_helpers import job_request
from .batch_helpers import put_jsonl
from .batch_helpers import records
from .batch_helpers import wait_final
from .fake_bedrock.batch_jobs import scenarios_of
from .fake_bedrock.batch_rules import BatchConfig
from .helpers import raw_request
from .helpers import recorded
from .helpers import shared_session


@pytest.fixture
def api(srv: be.BedrockServer) -> tuple[Any, Any]:
    # Every test starts with no jobs, no faults, the server's settings and an empty record.
    control(srv, "DELETE", "/_test/requests")
    return clients(srv.url)


@pytest.fixture
def staged(api: tuple[Any, Any]) -> str:
    return put_jsonl(api[1], "in/five.jsonl", records(5))


def client_error(call: Any, **kwargs: Any) -> dict[str, Any]:
    with pytest.raises(botocore.exceptions.ClientError) as info:
        call(**kwargs)
    return info.value.response


def test_create_answers_an_arn_and_get_takes_the_arn_or_the_id(api: tuple[Any, Any], staged: str) -> None:
    bedrock = api[0]
    response = bedrock.create_model_invocation_job(**job_request("first", staged))
    arn = response["jobArn"]
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert set(response) == {"jobArn", "ResponseMetadata"}
    prefix, job_id = arn.rsplit("/", 1)
    assert prefix == "arn:aws:bedrock:us-east-1:123456789012:model-invocation-job"
    assert len(job_id) == 12 and job_id.isalnum() and job_id == job_id.lower()
    by_arn = bedrock.get_model_invocation_job(jobIdentifier=arn)
    by_id = bedrock.get_model_invocation_job(jobIdentifier=job_id)
    assert by_arn["jobArn"] == by_id["jobArn"] == arn
    assert by_arn["jobName"] == "first" and by_arn["roleArn"].endswith(":role/BedrockBatch")
    assert by_arn["inputDataConfig"] == {"s3InputDataConfig": {"s3Uri": staged}}
    assert by_arn["timeoutDurationInHours"] == 24 and by_arn["modelInvocationType"] == "InvokeModel"
    assert by_arn["jobExpirationTime"] - by_arn["submitTime"] == datetime.timedelta(hours=24)
    # botocore sends a UUID as clientRequestToken when the caller gives none.
    assert len(by_arn["clientRequestToken"]) == 36


def test_the_region_comes_from_the_signature(srv: be.BedrockServer, api: tuple[Any, Any], staged: str) -> None:
    paris = clients(srv.url, region="eu-west-3")[0]
    arn = paris.create_model_invocation_job(**job_request("paris", staged))["jobArn"]
    assert arn.startswith("arn:aws:bedrock:eu-west-3:123456789012:model-invocation-job/")


def test_same_token_same_request_is_the_same_job(srv: be.BedrockServer, api: tuple[Any, Any], staged: str) -> None:
    bedrock = api[0]
    request = job_request("once", staged, clientRequestToken="task-1234")
    first = bedrock.create_model_invocation_job(**request)["jobArn"]
    second = bedrock.create_model_invocation_job(**request)["jobArn"]
    assert first == second
    assert len(bedrock.list_model_invocation_jobs()["invocationJobSummaries"]) == 1
    creates = [item for item in recorded(srv) if item["operation"] == "CreateModelInvocationJob"]
    assert len(creates) == 2
    assert json.loads(base64.b64decode(creates[0]["body_b64"]))["clientRequestToken"] == "task-1234"
    # The same token with another request is refused rather than answered with the first job.
    other = job_request("once", staged, clientRequestToken="task-1234", timeoutDurationInHours=48)
    error = client_error(bedrock.create_model_invocation_job, **other)
    assert error["Error"]["Code"] == "ConflictException"


def test_a_name_in_use_is_a_conflict(api: tuple[Any, Any], staged: str) -> None:
    bedrock = api[0]
    bedrock.create_model_invocation_job(**job_request("taken", staged))
    error = client_error(bedrock.create_model_invocation_job, **job_request("taken", staged))
    # The service model gives ConflictException HTTP 400.
    assert error["Error"]["Code"] == "ConflictException"
    assert error["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert "taken" in error["Error"]["Message"]


def test_a_dropped_create_response_then_a_retry_makes_one_job(
    srv: be.BedrockServer, api: tuple[Any, Any], staged: str
) -> None:
    bedrock = api[0]
    request = job_request("dropped-answer", staged, clientRequestToken="retried-token")
    with pytest.raises(botocore.exceptions.ConnectionClosedError):
        bedrock.create_model_invocation_job(**request)
    jobs = bedrock.list_model_invocation_jobs()["invocationJobSummaries"]
    assert [job["jobName"] for job in jobs] == ["dropped-answer"]
    # botocore's own retry resends the same token: the same job, and this time the answer arrives.
    retrying = clients(srv.url, {"total_max_attempts": 3, "mode": "standard"})[0]
    assert retrying.create_model_invocation_job(**request)["jobArn"] == jobs[0]["jobArn"]
    assert len(bedrock.list_model_invocation_jobs()["invocationJobSummaries"]) == 1


def test_the_drop_fault_with_botocore_retries(srv: be.BedrockServer, api: tuple[Any, Any], staged: str) -> None:
    control(srv, "POST", "/_test/faults", {"operation": "CreateModelInvocationJob", "error": "drop"})
    retrying = clients(srv.url, {"total_max_attempts": 3, "mode": "standard"})[0]
    arn = retrying.create_model_invocation_job(**job_request("any-name", staged))["jobArn"]
    creates = [item for item in recorded(srv) if item["operation"] == "CreateModelInvocationJob"]
    assert len(creates) == 2
    assert [job["jobArn"] for job in control(srv, "GET", "/_test/batch/jobs")] == [arn]


@pytest.mark.parametrize(
    "code, status",
    [
        ("ThrottlingException", 429),
        ("ServiceQuotaExceededException", 400),
        ("InternalServerException", 500),
        ("AccessDeniedException", 403),
    ],
)
def test_injected_faults(srv: be.BedrockServer, api: tuple[Any, Any], staged: str, code: str, status: int) -> None:
    control(srv, "POST", "/_test/faults", {"operation": "CreateModelInvocationJob", "error": code, "times": 2})
    for dummy in range(2):
        error = client_error(api[0].create_model_invocation_job, **job_request("faulty", staged))
        assert (error["Error"]["Code"], error["ResponseMetadata"]["HTTPStatusCode"]) == (code, status)
    assert api[0].list_model_invocation_jobs()["invocationJobSummaries"] == []
    api[0].create_model_invocation_job(**job_request("faulty", staged))


def test_injected_faults_on_get_and_bad_fault_requests(srv: be.BedrockServer, api: tuple[Any, Any]) -> None:
    control(srv, "POST", "/_test/faults", {"operation": "GetModelInvocationJob", "error": "ThrottlingException"})
    error = client_error(api[0].get_model_invocation_job, jobIdentifier="abcdefghijkl")
    assert error["Error"]["Code"] == "ThrottlingException"
    error = client_error(api[0].get_model_invocation_job, jobIdentifier="abcdefghijkl")
    assert error["Error"]["Code"] == "ResourceNotFoundException"
    for bad in ({"operation": "Nope", "error": "ThrottlingException"}, {"operation": "GetModelInvocationJob"}):
        status, dummy, body = raw_request(srv, "POST", "/_test/faults", json.dumps(bad).encode())
        assert status == 400, body


def test_the_active_job_quota(srv: be.BedrockServer, api: tuple[Any, Any], staged: str) -> None:
    control(srv, "POST", "/_test/batch/config", {"max_active_jobs": 2, "step_seconds": None})
    for name in ("one", "two"):
        api[0].create_model_invocation_job(**job_request(name, staged))
    error = client_error(api[0].create_model_invocation_job, **job_request("three", staged))
    assert error["Error"]["Code"] == "ServiceQuotaExceededException"
    control(srv, "POST", "/_test/batch/jobs/one/finish")
    wait_final(api[0], control(srv, "GET", "/_test/batch/jobs")[0]["jobArn"])
    api[0].create_model_invocation_job(**job_request("three", staged))


def test_unknown_models_and_jobs_are_not_found(api: tuple[Any, Any], staged: str) -> None:
    error = client_error(api[0].create_model_invocation_job, **job_request("x", staged, modelId="acme.rocket-v1:0"))
    assert (error["Error"]["Code"], error["ResponseMetadata"]["HTTPStatusCode"]) == ("ResourceNotFoundException", 404)
    for call in (api[0].get_model_invocation_job, api[0].stop_model_invocation_job):
        error = client_error(call, jobIdentifier="arn:aws:bedrock:us-east-1:123456789012:model-invocation-job/abc")
        assert error["Error"]["Code"] == "ValidationException"
        error = client_error(
            call, jobIdentifier="arn:aws:bedrock:us-east-1:123456789012:model-invocation-job/zzzzzzzzzzzz"
        )
        assert (error["Error"]["Code"], error["ResponseMetadata"]["HTTPStatusCode"]) == (
            "ResourceNotFoundException",
            404,
        )


BAD_CREATES = [
    ({"jobName": "bad name!"}, "jobName"),
    ({"jobName": "x" * 64}, "jobName"),
    ({"jobName": "-leading-dash"}, "jobName"),
    ({"roleArn": "arn:aws:iam::123456789012:user/someone"}, "roleArn"),
    ({"roleArn": "BedrockBatch"}, "roleArn"),
    ({"modelId": "arn:aws:bedrock:us-east-1:123456789012:provisioned-model/abcdefghijkl"}, "modelId"),
    ({"clientRequestToken": "not_valid"}, "clientRequestToken"),
    ({"timeoutDurationInHours": 169}, "timeoutDurationInHours"),
    ({"modelInvocationType": "Chat"}, "modelInvocationType"),
    ({"inputDataConfig": {"s3InputDataConfig": {"s3Uri": "s3://Upper-Case/in.jsonl"}}}, "s3Uri"),
    ({"inputDataConfig": {"s3InputDataConfig": {"s3Uri": "s3://under_score/in.jsonl"}}}, "s3Uri"),
    ({"inputDataConfig": {"s3InputDataConfig": {"s3Uri": "s3://bucket/year=2024/in.jsonl"}}}, "s3Uri"),
    ({"inputDataConfig": {"s3InputDataConfig": {"s3Uri": "s3://bucket/my file.jsonl"}}}, "s3Uri"),
    ({"inputDataConfig": {"s3InputDataConfig": {"s3Uri": "s3://b/in.jsonl"}}}, "s3Uri"),
    ({"inputDataConfig": {"s3InputDataConfig": {"s3Uri": "s3://bucket//in.jsonl"}}}, "s3Uri"),
    ({"inputDataConfig": {"s3InputDataConfig": {"s3Uri": "s3://bucket/in.jsonl", "s3InputFormat": "CSV"}}}, "Format"),
    ({"inputDataConfig": {"s3InputDataConfig": {"s3Uri": "s3://bucket/in.jsonl", "s3BucketOwner": "12"}}}, "Owner"),
    ({"outputDataConfig": {"s3OutputDataConfig": {"s3Uri": "https://bucket/out/"}}}, "s3Uri"),
    ({"outputDataConfig": {"s3OutputDataConfig": {"s3Uri": "s3://bucket/o", "s3EncryptionKeyId": "key"}}}, "KeyId"),
    ({"vpcConfig": {"subnetIds": [f"subnet-{i}" for i in range(17)], "securityGroupIds": ["sg-1"]}}, "subnetIds"),
    ({"vpcConfig": {"subnetIds": ["subnet-1"], "securityGroupIds": [f"sg-{i}" for i in range(6)]}}, "securityGroupIds"),
    ({"vpcConfig": {"subnetIds": ["subnet_1"], "securityGroupIds": ["sg-1"]}}, "subnetIds"),
    ({"tags": [{"key": "k", "value": "v"}] * 201}, "tags"),
    ({"tags": [{"key": "bad*key", "value": "v"}]}, "key"),
    ({"tags": [{"key": "k", "value": "v" * 257}]}, "value"),
]


@pytest.mark.parametrize("change, where", BAD_CREATES)
def test_create_validation(srv: be.BedrockServer, api: tuple[Any, Any], change: dict[str, Any], where: str) -> None:
    request = job_request("valid-name", "s3://bucket/in.jsonl")
    request.update(change)
    error = client_error(api[0].create_model_invocation_job, **request)
    assert (error["Error"]["Code"], error["ResponseMetadata"]["HTTPStatusCode"]) == ("ValidationException", 400)
    assert where in error["Error"]["Message"]
    assert control(srv, "GET", "/_test/batch/jobs") == []


def test_what_the_service_accepts(api: tuple[Any, Any], staged: str) -> None:
    models = [
        "us.anthropic.claude-3-haiku-20240307-v1:0",
        "arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-haiku-20240307-v1:0",
        "arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.anthropic.claude-3-haiku-20240307-v1:0",
        "amazon.titan-embed-text-v2:0",
    ]
    for index, model in enumerate(models):
        request = job_request(
            f"Job.{index}+x--y",
            staged,
            output_uri="s3://bucket",
            modelId=model,
            timeoutDurationInHours=168,
            tags=[{"key": "team:ml/x", "value": ""}],
            vpcConfig={"subnetIds": ["subnet-0abc"], "securityGroupIds": ["sg-0abc"]},
            clientRequestToken=f"token-{index}",
        )
        request["outputDataConfig"]["s3OutputDataConfig"]["s3EncryptionKeyId"] = "alias/batch-output"
        api[0].create_model_invocation_job(**request)
    assert len(api[0].list_model_invocation_jobs(maxResults=10)["invocationJobSummaries"]) == len(models)


def test_tags_of_a_job(api: tuple[Any, Any], staged: str) -> None:
    bedrock = api[0]
    tags = [{"key": "team", "value": "ml"}, {"key": "cost", "value": "42"}]
    arn = bedrock.create_model_invocation_job(**job_request("tagged", staged, tags=tags))["jobArn"]
    assert bedrock.list_tags_for_resource(resourceARN=arn)["tags"] == tags
    bedrock.tag_resource(resourceARN=arn, tags=[{"key": "owner", "value": "me"}])
    bedrock.untag_resource(resourceARN=arn, tagKeys=["cost"])
    assert bedrock.list_tags_for_resource(resourceARN=arn)["tags"] == [
        {"key": "team", "value": "ml"},
        {"key": "owner", "value": "me"},
    ]
    error = client_error(bedrock.list_tags_for_resource, resourceARN=arn.rsplit("/", 1)[0] + "/zzzzzzzzzzzz")
    assert error["Error"]["Code"] == "ResourceNotFoundException"


def _make_jobs(srv: be.BedrockServer, api: tuple[Any, Any], staged: str, names: list[str]) -> list[str]:
    control(srv, "POST", "/_test/batch/config", {"step_seconds": None, "max_active_jobs": 100})
    arns = []
    for name in names:
        arns.append(api[0].create_model_invocation_job(**job_request(name, staged))["jobArn"])
        # Distinct submit times, a millisecond apart at least.
        time.sleep(0.003)
    return arns


def test_list_pages_and_sorts(srv: be.BedrockServer, api: tuple[Any, Any], staged: str) -> None:
    arns = _make_jobs(srv, api, staged, [f"page-{i}" for i in range(12)])
    bedrock = api[0]
    # Without maxResults a page holds 10 jobs, newest first: a client that does not follow nextToken misses some.
    first = bedrock.list_model_invocation_jobs()
    assert [job["jobArn"] for job in first["invocationJobSummaries"]] == arns[::-1][:10]
    assert "nextToken" in first
    pages = list(bedrock.get_paginator("list_model_invocation_jobs").paginate(PaginationConfig={"PageSize": 5}))
    assert [len(page["invocationJobSummaries"]) for page in pages] == [5, 5, 2]
    assert "nextToken" not in pages[-1]
    listed = [job["jobArn"] for page in pages for job in page["invocationJobSummaries"]]
    assert listed == arns[::-1]
    ascending = bedrock.list_model_invocation_jobs(sortBy="CreationTime", sortOrder="Ascending", maxResults=1000)
    assert [job["jobArn"] for job in ascending["invocationJobSummaries"]] == arns
    summary = ascending["invocationJobSummaries"][0]
    for member in ("jobArn", "jobName", "modelId", "roleArn", "submitTime", "inputDataConfig", "outputDataConfig"):
        assert member in summary
    error = client_error(bedrock.list_model_invocation_jobs, nextToken="not-a-token")
    assert error["Error"]["Code"] == "ValidationException"


def test_list_filters(srv: be.BedrockServer, api: tuple[Any, Any], staged: str) -> None:
    arns = _make_jobs(srv, api, staged, ["alpha-1", "beta-1", "alpha-2", "gamma"])
    bedrock = api[0]
    summaries = bedrock.list_model_invocation_jobs(maxResults=100)["invocationJobSummaries"]
    times = {job["jobName"]: job["submitTime"] for job in summaries}

    def names(**query: Any) -> list[str]:
        return [job["jobName"] for job in bedrock.list_model_invocation_jobs(**query)["invocationJobSummaries"]]

    assert names(nameContains="ALPHA", sortOrder="Ascending") == ["alpha-1", "alpha-2"]
    assert names(submitTimeAfter=times["beta-1"], sortOrder="Ascending") == ["alpha-2", "gamma"]
    assert names(submitTimeBefore=times["alpha-2"], sortOrder="Ascending") == ["alpha-1", "beta-1"]
    control(srv, "POST", "/_test/batch/jobs/gamma/finish", {"status": "Failed"})
    wait_final(bedrock, arns[3])
    assert names(statusEquals="Failed") == ["gamma"]
    assert names(statusEquals="Submitted", nameContains="a-") == ["alpha-2", "beta-1", "alpha-1"]
    # Filters and paging together: one match per page still ends.
    pages = bedrock.get_paginator("list_model_invocation_jobs").paginate(
        nameContains="alpha", PaginationConfig={"PageSize": 1}
    )
    assert [job["jobName"] for page in pages for job in page["invocationJobSummaries"]] == ["alpha-2", "alpha-1"]


@pytest.mark.parametrize(
    "query",
    [
        "statusEquals=Running",
        "maxResults=1001",
        "maxResults=many",
        "sortBy=Name",
        "sortOrder=Up",
        "nameContains=bad%20name",
        "submitTimeAfter=yesterday",
    ],
)
def test_list_validation(srv: be.BedrockServer, api: tuple[Any, Any], query: str) -> None:
    status, headers, body = raw_request(srv, "GET", "/model-invocation-jobs?" + query)
    assert status == 400, body
    assert headers["x-amzn-ErrorType"] == "ValidationException"


def test_s3_shares_the_address_even_on_colliding_paths(srv: be.BedrockServer, api: tuple[Any, Any]) -> None:
    s3 = api[1]
    # Path-style /model-invocation-job/x: the S3 signature tells it from GetModelInvocationJob.
    s3.create_bucket(Bucket="model-invocation-job")
    s3.put_object(Bucket="model-invocation-job", Key="abcdefghijkl", Body=b"not a job")
    assert s3.get_object(Bucket="model-invocation-job", Key="abcdefghijkl")["Body"].read() == b"not a job"
    assert s3.head_object(Bucket="model-invocation-job", Key="abcdefghijkl")["ContentLength"] == 9
    error = client_error(s3.get_object, Bucket="model-invocation-job", Key="missing")
    assert error["Error"]["Code"] == "NoSuchKey"
    big = bytes(range(256)) * 20_000
    s3.put_object(Bucket=BUCKET, Key="big.bin", Body=big)
    assert s3.get_object(Bucket=BUCKET, Key="big.bin")["Body"].read() == big
    # boto3's managed transfers: a multipart upload and ranged, parallel downloads.
    large = os.urandom(3 * 1024 * 1024) * 6
    s3.upload_fileobj(io.BytesIO(large), BUCKET, "large.bin")
    parts = [item for item in recorded(srv) if "partNumber=" in item["path"]]
    assert len(parts) >= 2
    received = io.BytesIO()
    s3.download_fileobj(BUCKET, "large.bin", received)
    assert received.getvalue() == large
    operations = [item["operation"] for item in recorded(srv)]
    assert operations and set(operations) == {"S3"}


def test_sts_and_iam_are_answered_by_moto_on_the_same_address(srv: be.BedrockServer, api: tuple[Any, Any]) -> None:
    # What amazon.aws.aws_caller_info asks, at the one AWS_URL a playbook has.
    keys = {"aws_access_key_id": "AKIDAMAZONAITEST", "aws_secret_access_key": "amazon-ai-test-secret"}
    sts = shared_session().client("sts", endpoint_url=srv.url, region_name="us-east-1", **keys)
    iam = shared_session().client("iam", endpoint_url=srv.url, region_name="us-east-1", **keys)
    assert sts.get_caller_identity()["Account"] == "123456789012"
    assert iam.list_account_aliases()["AccountAliases"] == []
    # Signed for a service moto is not asked for here: the fake's own "no such operation", never forwarded.
    ec2_scope = "AWS4-HMAC-SHA256 Credential=AKIDAMAZONAITEST/20240101/us-east-1/ec2/aws4_request, SignedHeaders=host, "
    status, dummy, body = raw_request(
        srv, "POST", "/", b"Action=DescribeVpcs", {"Authorization": ec2_scope + "Signature=0"}
    )
    assert status == 404 and b"No operation matches POST /" in body
    assert [item["operation"] for item in recorded(srv)] == ["STS", "IAM", None]


def test_sigv4_checks_bedrock_calls_and_forwards_s3(moto_url: str) -> None:
    server = be.start_server(verify_sigv4=True, s3_upstream=moto_url, batch_defaults={"step_seconds": 0})
    try:
        bedrock, s3 = clients(server.url)
        assert s3.list_buckets()["ResponseMetadata"]["HTTPStatusCode"] == 200
        assert bedrock.list_model_invocation_jobs()["invocationJobSummaries"] == []
        wrong = clients(server.url, secret="not-the-secret")[0]
        error = client_error(wrong.list_model_invocation_jobs)
        assert error["Error"]["Code"] == "InvalidSignatureException"
    finally:
        server.stop()


def test_s3_over_https(moto_url: str, tmp_path: Any) -> None:
    # Over HTTPS botocore may send aws-chunked bodies with trailing checksums; they reach moto as sent.
    files = be.make_test_ca(str(tmp_path))
    server = be.start_server(tls_cert=files["cert"], tls_key=files["key"], s3_upstream=moto_url)
    try:
        s3 = shared_session().client(
            "s3",
            endpoint_url=server.url,
            verify=files["ca"],
            aws_access_key_id="AKIDAMAZONAITEST",
            aws_secret_access_key="amazon-ai-test-secret",
        )
        s3.create_bucket(Bucket="tls-bucket")
        s3.put_object(Bucket="tls-bucket", Key="a.jsonl", Body=io.BytesIO(b'{"recordId": "1"}\n' * 1000))
        assert s3.get_object(Bucket="tls-bucket", Key="a.jsonl")["Body"].read() == b'{"recordId": "1"}\n' * 1000
    finally:
        server.stop()


def test_config_defaults_and_checks(srv: be.BedrockServer) -> None:
    defaults = BatchConfig()
    assert (defaults.min_records, defaults.max_records, defaults.max_active_jobs) == (100, 50_000, 20)
    config = control(srv, "GET", "/_test/batch/config")
    assert config["step_seconds"] == 0.01 and config["min_records"] == 1
    for bad in ({"step_seconds": -1}, {"min_records": "ten"}, {"nope": 1}, {"min_records_per_model": {"m": "x"}}):
        status, dummy, body = raw_request(srv, "POST", "/_test/batch/config", json.dumps(bad).encode())
        assert status == 400, body
    assert raw_request(srv, "POST", "/_test/batch/nothing")[0] == 404


def test_scenarios_of_names() -> None:
    assert scenarios_of("hold-dropped-job") == {"hold", "dropped"}
    assert scenarios_of("holdings-report") == set()
    assert scenarios_of("hold") == set()
    assert scenarios_of("report-hold-x") == set()
