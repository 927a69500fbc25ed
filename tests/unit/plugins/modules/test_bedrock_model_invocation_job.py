# -*- coding: utf-8 -*-

# Copyright: Contributors to the amazon.ai collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""main() of bedrock_model_invocation_job run as Ansible runs it, against botocore's Stubber for Bedrock and S3:
every call the module makes is checked against the real service models, and a call nobody queued fails."""

from __future__ import annotations

import datetime
import io
import json

import boto3
import pytest
from botocore.response import StreamingBody
from botocore.stub import ANY

from ansible_collections.amazon.ai.plugins.module_utils import model_invocation_job_options as batch
from ansible_collections.amazon.ai.plugins.modules import bedrock_model_invocation_job
from ansible_collections.amazon.ai.tests.unit.plugins.modules.utils import run_main

SECRET = "unit-test-secret-do-not-print"
MODEL = "amazon.titan-embed-text-v2:0"
ROLE = "arn:aws:iam::123456789012:role/bedrock-batch"
JOB_ARN = "arn:aws:bedrock:us-east-1:123456789012:model-invocation-job/abcdefgh1234"
PREFIX = "results/abcdefgh1234/"


def run_module(capsys, args, check_mode=False):
    return run_main(bedrock_model_invocation_job.main, capsys, args, check_mode)


def task(**overrides):
    args = dict(
        name="embed-1",
        model_id=MODEL,
        role_arn=ROLE,
        input_s3_uri="s3://in-bucket/batch/records.jsonl",
        output_s3_uri="s3://out-bucket/results/",
        region="us-east-1",
        access_key="AKIDUNIT",
        secret_key=SECRET,
    )
    args.update(overrides)
    return args


def job(status, **overrides):
    value = {
        "jobArn": JOB_ARN,
        "jobName": "embed-1",
        "modelId": MODEL,
        "roleArn": ROLE,
        "status": status,
        "submitTime": datetime.datetime(2026, 1, 31, 9, 0, tzinfo=datetime.timezone.utc),
        "inputDataConfig": {"s3InputDataConfig": {"s3Uri": "s3://in-bucket/batch/records.jsonl"}},
        "outputDataConfig": {"s3OutputDataConfig": {"s3Uri": "s3://out-bucket/results/"}},
    }
    value.update(overrides)
    return value


def listing(stubbers, *jobs):
    stubbers["bedrock"].add_response(
        "list_model_invocation_jobs",
        {"invocationJobSummaries": list(jobs)},
        {"nameContains": "embed-1", "maxResults": 1000},
    )


def body(text):
    data = text.encode()
    return StreamingBody(io.BytesIO(data), len(data))


def output(stubbers, answered, manifest=None):
    """Queue the S3 calls that read a job's output: answered is {record id: model output or error}."""
    keys = [{"Key": PREFIX + "records.jsonl.out"}]
    if manifest is not None:
        keys.insert(0, {"Key": PREFIX + "manifest.json.out"})
    stubbers["s3"].add_response(
        "list_objects_v2", {"Contents": keys, "IsTruncated": False}, {"Bucket": "out-bucket", "Prefix": PREFIX}
    )
    if manifest is not None:
        stubbers["s3"].add_response(
            "get_object",
            {"Body": body(json.dumps(manifest))},
            {"Bucket": "out-bucket", "Key": PREFIX + "manifest.json.out"},
        )
    lines = []
    for rid, answer in reversed(list(answered.items())):  # Bedrock's order is not the input's
        line = {"recordId": rid, "modelInput": {"inputText": rid}}
        line.update({"error": answer} if "errorCode" in answer else {"modelOutput": answer})
        lines.append(json.dumps(line))
    stubbers["s3"].add_response(
        "get_object",
        {"Body": body("\n".join(lines) + "\n")},
        {"Bucket": "out-bucket", "Key": PREFIX + "records.jsonl.out"},
    )


def token_for(**overrides):
    params = {
        "name": "embed-1",
        "model_id": MODEL,
        "role_arn": ROLE,
        "input_s3_uri": "s3://in-bucket/batch/records.jsonl",
        "output_s3_uri": "s3://out-bucket/results/",
        "invocation_type": "InvokeModel",
        "timeout_hours": None,
        "output_kms_key_id": None,
        "vpc_config": None,
        "tags": None,
    }
    params.update(overrides)
    return batch.job_token(params)


def test_bodies_are_staged_and_the_job_created_once(capsys, aws_stubbers):
    bodies = [{"inputText": f"text {index}"} for index in range(3)]
    listing(aws_stubbers)
    staged = b"".join(
        b'{"recordId":"%011d","modelInput":{"inputText":"text %d"}}\n' % (index, index) for index in range(3)
    )
    aws_stubbers["s3"].add_response(
        "put_object",
        {},
        {
            "Bucket": "in-bucket",
            "Key": "batch/records.jsonl",
            "Body": ANY,
            "ContentLength": len(staged),
            "ContentType": "application/jsonl",
        },
    )
    aws_stubbers["bedrock"].add_response(
        "create_model_invocation_job",
        {"jobArn": JOB_ARN},
        {
            "jobName": "embed-1",
            "roleArn": ROLE,
            "clientRequestToken": token_for(timeout_hours=48),
            "modelId": MODEL,
            "inputDataConfig": {
                "s3InputDataConfig": {"s3Uri": "s3://in-bucket/batch/records.jsonl", "s3InputFormat": "JSONL"}
            },
            "outputDataConfig": {"s3OutputDataConfig": {"s3Uri": "s3://out-bucket/results/"}},
            "timeoutDurationInHours": 48,
        },
    )
    aws_stubbers["bedrock"].add_response("get_model_invocation_job", job("Submitted"), {"jobIdentifier": JOB_ARN})
    result = run_module(capsys, task(bodies=bodies, timeout_hours=48))
    assert result["_exit_code"] == 0, result
    assert result["changed"] is True
    assert result["job"]["status"] == "Submitted" and result["job"]["job_arn"] == JOB_ARN
    assert result["output_location"] == "s3://out-bucket/results/abcdefgh1234/"
    assert "responses" not in result
    assert (
        "bodies has 3 records; Bedrock usually refuses jobs of fewer than 100" in result["_stdout"] + result["_stderr"]
    )
    for stub in aws_stubbers.values():
        stub.assert_no_pending_responses()
    assert SECRET not in result["_stdout"]


def test_an_existing_job_is_reported_and_its_answers_returned_in_input_order(capsys, aws_stubbers):
    listing(aws_stubbers, job("Completed"))
    answers = {f"{index:011d}": {"embedding": [index]} for index in range(3)}
    output(aws_stubbers, answers, manifest={"totalRecordCount": 3, "successRecordCount": 3, "inputTokenCount": 9})
    result = run_module(capsys, task(bodies=[{"inputText": "a"}] * 3, model_id="amazon.titan-embed-text-v1"))
    assert result["_exit_code"] == 0, result
    assert result["changed"] is False
    assert [entry["raw_response"] for entry in result["responses"]] == [
        {"embedding": [0]},
        {"embedding": [1]},
        {"embedding": [2]},
    ]
    assert result["responses"][0] == {
        "record_id": "00000000000",
        "model_id": MODEL,
        "raw_response": {"embedding": [0]},
        "raw_response_format": "json",
    }
    assert result["summary"] == {
        "records": 3,
        "succeeded": 3,
        "failed": 0,
        "not_processed": 0,
        "total_record_count": 3,
        "success_record_count": 3,
        "input_token_count": 9,
    }
    warnings = result["_stdout"] + result["_stderr"]
    assert "exists and was left as it is, though the task's options differ: model_id (the job has" in warnings


def test_a_partially_completed_job_fails_naming_the_records_not_processed(capsys, aws_stubbers):
    listing(aws_stubbers, job("PartiallyCompleted"))
    output(aws_stubbers, {"b": {"n": 2}, "a": {"errorCode": 400, "errorMessage": "Malformed input"}})
    records = [{"record_id": rid, "body": {"inputText": rid}} for rid in ("a", "b", "c")]
    result = run_module(capsys, task(records=records))
    assert result["_exit_code"] == 1
    assert result["msg"] == (
        "Batch inference job 'embed-1': 1 of 3 records failed and 1 of 3 records were not processed (the job ended "
        "PartiallyCompleted): record 'a': 400; record 'c': not processed"
    )
    assert [entry["record_id"] for entry in result["responses"]] == ["a", "b", "c"]
    assert result["responses"][0]["error"] == {"code": 400, "message": "Malformed input"}
    assert result["responses"][1]["raw_response"] == {"n": 2}
    assert result["responses"][2]["failed"] is True
    assert result["summary"]["not_processed"] == 1


@pytest.mark.parametrize("status", ["Failed", "Expired"])
def test_a_failed_or_expired_job_fails_with_its_message(capsys, aws_stubbers, status):
    listing(aws_stubbers, job(status, message="The input file is not valid JSONL."))
    result = run_module(capsys, task())
    assert result["_exit_code"] == 1
    assert result["msg"] == f"Batch inference job 'embed-1' ended {status}: The input file is not valid JSONL."
    assert result["job"]["status"] == status


def test_the_answers_go_to_responses_dest_in_input_order(capsys, aws_stubbers, tmp_path):
    dest = tmp_path / "answers.jsonl"
    listing(aws_stubbers, job("Completed"))
    output(aws_stubbers, {f"{index:011d}": {"n": index} for index in range(2)}, manifest={"totalRecordCount": 2})
    result = run_module(capsys, task(bodies=[{"x": 1}, {"x": 2}], responses_dest=str(dest)))
    assert result["_exit_code"] == 0, result
    assert "responses" not in result and result["responses_dest"] == str(dest)
    assert result["summary"]["total_record_count"] == 2
    lines = [json.loads(line) for line in dest.read_text().splitlines()]
    assert lines == [
        {"record_id": "00000000000", "model_id": MODEL, "raw_response": {"n": 0}, "raw_response_format": "json"},
        {"record_id": "00000000001", "model_id": MODEL, "raw_response": {"n": 1}, "raw_response_format": "json"},
    ]


def test_a_job_without_records_in_the_task_is_collected_in_the_staged_order(capsys, aws_stubbers):
    listing(aws_stubbers, job("Completed"))
    aws_stubbers["s3"].add_response(
        "get_object",
        {"Body": body('{"recordId": "q2", "modelInput": {}}\n{"recordId": "q1", "modelInput": {}}\n')},
        {"Bucket": "in-bucket", "Key": "batch/records.jsonl"},
    )
    output(aws_stubbers, {"q1": {"n": 1}, "q2": {"n": 2}})
    result = run_module(capsys, dict(name="embed-1", region="us-east-1", access_key="AKIDUNIT", secret_key=SECRET))
    assert result["_exit_code"] == 0, result
    assert [entry["record_id"] for entry in result["responses"]] == ["q2", "q1"]


def test_waiting_polls_until_the_job_is_done(capsys, aws_stubbers, monkeypatch):
    sleeps = []
    monkeypatch.setattr("ansible_collections.amazon.ai.plugins.module_utils.waiting.time.sleep", sleeps.append)
    listing(aws_stubbers, job("Scheduled"))
    for status in ("InProgress", "Completed"):
        aws_stubbers["bedrock"].add_response("get_model_invocation_job", job(status), {"jobIdentifier": JOB_ARN})
    output(aws_stubbers, {"00000000000": {"n": 0}})
    result = run_module(capsys, task(bodies=[{"x": 1}], wait=True, fetch_responses=True))
    assert result["_exit_code"] == 0, result
    assert sleeps == [2.0, 3.0]
    assert result["responses"][0]["raw_response"] == {"n": 0}


def test_fetch_responses_false_reads_no_output(capsys, aws_stubbers):
    listing(aws_stubbers, job("Completed"))
    result = run_module(capsys, task(fetch_responses=False))
    assert result["_exit_code"] == 0, result
    assert "responses" not in result and "summary" not in result
    assert result["output_location"] == "s3://out-bucket/results/abcdefgh1234/"


def test_check_mode_looks_up_but_uploads_and_creates_nothing(capsys, aws_stubbers):
    listing(aws_stubbers)
    result = run_module(capsys, task(bodies=[{"x": 1}, {"x": 2}]), check_mode=True)
    assert result["_exit_code"] == 0, result
    assert result["changed"] is True
    assert result["msg"].startswith("Would upload 2 records (")
    assert result["msg"].endswith(
        "bytes) to s3://in-bucket/batch/records.jsonl and create batch inference job 'embed-1'"
    )
    assert result["job"]["job_name"] == "embed-1" and result["job"]["model_id"] == MODEL
    for stub in aws_stubbers.values():
        stub.assert_no_pending_responses()


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"bodies": [{"x": 1}, 2]}, "bodies[1] must be a JSON object"),
        ({"bodies": ["[1]"]}, "bodies[0] is JSON but not a JSON object"),
        (
            {"input_s3_uri": "s3://in_bucket/r.jsonl"},
            "input_s3_uri 's3://in_bucket/r.jsonl': bucket 'in_bucket' is not a valid bucket name: it has an underscore",
        ),
        ({"bodies": [{}], "input_s3_uri": "s3://in-bucket/batch/"}, "must name an object ending in .jsonl"),
        ({"role_arn": "bedrock-batch"}, "role_arn must be the ARN of an IAM role"),
        ({"timeout_hours": 200}, "timeout_hours must be between 24 and 168"),
        ({"model_id": "arn:aws:bedrock:us-east-1:123456789012:provisioned-model/x"}, "is a provisioned model"),
        ({"name": "bad name"}, "name 'bad name' is not a valid job name"),
        ({"responses_dest": "/nonexistent-folder/a.jsonl"}, "responses_dest '/nonexistent-folder/a.jsonl': the folder"),
        ({"wait_timeout": -1}, "wait_timeout must be a number of seconds"),
    ],
)
def test_bad_input_fails_with_nothing_sent(capsys, aws_stubbers, overrides, message):
    result = run_module(capsys, task(**overrides))
    assert result["_exit_code"] == 1
    assert result["msg"].startswith("Invalid task for batch inference job")
    assert "nothing was sent" in result["msg"] and message in result["msg"]
    assert SECRET not in result["_stdout"]


def test_creating_needs_the_create_options(capsys, aws_stubbers):
    listing(aws_stubbers)
    result = run_module(capsys, task(model_id=None, role_arn=None))
    assert result["_exit_code"] == 1
    assert result["msg"].endswith("job 'embed-1' does not exist, and creating it needs model_id, role_arn")


def test_absent_stops_a_running_job(capsys, aws_stubbers):
    listing(aws_stubbers, job("InProgress"))
    aws_stubbers["bedrock"].add_response("stop_model_invocation_job", {}, {"jobIdentifier": JOB_ARN})
    aws_stubbers["bedrock"].add_response("get_model_invocation_job", job("Stopping"), {"jobIdentifier": JOB_ARN})
    result = run_module(capsys, dict(name="embed-1", state="absent", region="us-east-1"))
    assert result["_exit_code"] == 0, result
    assert result["changed"] is True and result["job"]["status"] == "Stopping"


@pytest.mark.parametrize("jobs", [[], [job("Completed")], [job("Stopping")]])
def test_absent_leaves_a_finished_stopping_or_missing_job(capsys, aws_stubbers, jobs):
    listing(aws_stubbers, *jobs)
    result = run_module(capsys, dict(name="embed-1", state="absent", region="us-east-1"))
    assert result["_exit_code"] == 0, result
    assert result["changed"] is False


def test_absent_in_check_mode_stops_nothing(capsys, aws_stubbers):
    listing(aws_stubbers, job("Scheduled"))
    result = run_module(capsys, dict(name="embed-1", state="absent", region="us-east-1"), check_mode=True)
    assert result["changed"] is True and result["msg"] == "Would stop job 'embed-1'"


def test_a_busy_bedrock_is_retried(capsys, aws_stubbers):
    aws_stubbers["bedrock"].add_client_error("list_model_invocation_jobs", "ThrottlingException", http_status_code=429)
    listing(aws_stubbers, job("InProgress"))
    result = run_module(capsys, task())
    assert result["_exit_code"] == 0, result
    assert result["job"]["status"] == "InProgress" and "responses" not in result


def test_an_aws_error_names_the_step(capsys, aws_stubbers):
    listing(aws_stubbers)
    aws_stubbers["s3"].add_client_error("put_object", "AccessDenied", http_status_code=403)
    result = run_module(capsys, task(bodies=[{"x": 1}]))
    assert result["_exit_code"] == 1
    assert result["msg"].startswith(
        "Failed to upload the records to s3://in-bucket/batch/records.jsonl (batch inference"
    )
    assert result["error"]["code"] == "AccessDenied"


@pytest.mark.parametrize(
    "version, overrides, needed",
    [
        ("1.34.0", {}, "boto3>=1.35.1"),
        ("1.35.1", {"vpc_config": {"subnet_ids": ["subnet-1"], "security_group_ids": ["sg-1"]}}, "boto3>=1.35.20"),
        ("1.42.0", {"invocation_type": "Converse"}, "boto3>=1.42.59"),
    ],
)
def test_old_boto3_fails_clearly(capsys, aws_stubbers, monkeypatch, version, overrides, needed):
    monkeypatch.setattr(boto3, "__version__", version)
    result = run_module(capsys, task(**overrides))
    assert result["_exit_code"] == 1
    assert needed in result["msg"]


def test_check_mode_reads_no_output_into_a_file(capsys, aws_stubbers, tmp_path):
    dest = tmp_path / "answers.jsonl"
    listing(aws_stubbers, job("Completed"))
    result = run_module(capsys, task(responses_dest=str(dest)), check_mode=True)
    assert result["_exit_code"] == 0, result
    assert result["changed"] is False and result["msg"] == f"Would write the job's answers to {dest}"
    assert not dest.exists()
    aws_stubbers["bedrock"].assert_no_pending_responses()


def test_a_create_whose_answer_is_lost_creates_one_job(capsys, aws_stubbers, monkeypatch):
    from botocore.exceptions import ConnectionClosedError

    from ansible_collections.amazon.ai.plugins.module_utils import model_invocation_job as batch_job

    sent = []
    real = batch_job.create_job

    def losing_first(client, request):
        # The first send is lost after Bedrock made the job; create_job sends again with the same token.
        original = client.create_model_invocation_job

        def create(aws_retry=False, **kwargs):
            sent.append(kwargs["clientRequestToken"])
            if len(sent) == 1:
                raise ConnectionClosedError(endpoint_url="http://127.0.0.1:1/model-invocation-job")
            return original(aws_retry=aws_retry, **kwargs)

        monkeypatch.setattr(client, "create_model_invocation_job", create, raising=False)
        return real(client, request)

    monkeypatch.setattr(batch_job, "create_job", losing_first)
    listing(aws_stubbers)
    aws_stubbers["bedrock"].add_response("create_model_invocation_job", {"jobArn": JOB_ARN})
    aws_stubbers["bedrock"].add_response("get_model_invocation_job", job("Submitted"), {"jobIdentifier": JOB_ARN})
    result = run_module(capsys, task())
    assert result["_exit_code"] == 0, result
    assert result["changed"] is True and len(sent) == 2 and sent[0] == sent[1] == token_for()
