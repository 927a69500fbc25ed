# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Tests of the fake batch jobs' lifecycle and output: each status, each final status, S3 layout, order, manifest.

Driven through real boto3 ``bedrock`` and ``s3`` clients on one endpoint URL, with moto's server behind it for S3.
"""

from __future__ import annotations

import json
import time
import types
from typing import Any

import botocore.exceptions
import pytest

from . import bedrock_endpoint as be
from . import launcher
from .batch_helpers import BUCKET
from .batch_helpers import claude_body
from .batch_helpers import clients
from .batch_helpers import control
from .batch_helpers import job_request
from .batch_helpers import output_folder
from .batch_helpers import output_keys
from .batch_helpers import put_jsonl
from .batch_helpers import read_output
from .batch_helpers import records
from .batch_helpers import wait_final


@pytest.fixture
def api(srv: be.BedrockServer) -> tuple[Any, Any]:
    control(srv, "DELETE", "/_test/batch")
    return clients(srv.url)


def run(api: tuple[Any, Any], name: str, input_uri: str, **extra: Any) -> tuple[dict[str, Any], list[str]]:
    """Create a job and wait for its end: the job as GetModelInvocationJob shows it, and every status it had."""
    arn = api[0].create_model_invocation_job(**job_request(name, input_uri, **extra))["jobArn"]
    job, dummy = wait_final(api[0], arn)
    history = [job["history"] for job in control_of(api, "GET", "/_test/batch/jobs") if job["jobArn"] == arn]
    return job, history[0]


def control_of(api: tuple[Any, Any], method: str, path: str, payload: Any = None) -> Any:
    """A control route of the server the clients talk to."""
    port = int(api[0].meta.endpoint_url.rsplit(":", 1)[1])
    return control(types.SimpleNamespace(port=port), method, path, payload)


def test_a_job_goes_through_every_status(srv: be.BedrockServer, api: tuple[Any, Any]) -> None:
    control(srv, "POST", "/_test/batch/config", {"step_seconds": 0.15})
    job, seen = run(api, "paced", put_jsonl(api[1], "in/paced.jsonl", records(3)))
    assert seen == ["Submitted", "Validating", "Scheduled", "InProgress", "Completed"]
    assert job["submitTime"] < job["lastModifiedTime"] == job["endTime"]
    assert (job["totalRecordCount"], job["processedRecordCount"]) == (3, 3)
    assert (job["successRecordCount"], job["errorRecordCount"]) == (3, 0)
    assert "message" not in job


def test_manual_pace_moves_only_when_advanced(srv: be.BedrockServer, api: tuple[Any, Any]) -> None:
    control(srv, "POST", "/_test/batch/config", {"step_seconds": None})
    arn = api[0].create_model_invocation_job(**job_request("manual", put_jsonl(api[1], "in/m.jsonl", records(2))))[
        "jobArn"
    ]
    for expected in ("Submitted", "Validating", "Scheduled", "InProgress"):
        time.sleep(0.05)
        job = api[0].get_model_invocation_job(jobIdentifier=arn)
        assert job["status"] == expected
        if expected == "Submitted":
            assert "totalRecordCount" not in job
        control(srv, "POST", "/_test/batch/jobs/manual/advance")
    assert control(srv, "POST", "/_test/batch/jobs/manual/wait", {"timeout": 10})["status"] == "Completed"


def test_output_layout_order_and_manifest(api: tuple[Any, Any]) -> None:
    s3 = api[1]
    inputs = list(records(10))
    job, dummy = run(api, "layout", put_jsonl(s3, "in/records.jsonl", inputs), output_uri=f"s3://{BUCKET}/results")
    folder = output_folder(job)
    assert folder == "results/" + job["jobArn"].rsplit("/", 1)[1] + "/"
    assert output_keys(s3, job) == ["manifest.json.out", "records.jsonl.out"]
    lines = read_output(s3, job, "records.jsonl.out")
    assert [line["recordId"] for line in lines] != [item["recordId"] for item in inputs]
    by_id = {line["recordId"]: line for line in lines}
    assert len(lines) == len(by_id) == 10
    for item in inputs:
        line = by_id[item["recordId"]]
        assert list(line) == ["recordId", "modelInput", "modelOutput"]
        assert line["modelInput"] == item["modelInput"]
        assert line["modelOutput"]["content"][0]["text"] == "You asked: " + item["modelInput"]["messages"][0]["content"]
    manifest = json.loads(s3.get_object(Bucket=BUCKET, Key=folder + "manifest.json.out")["Body"].read())
    assert manifest == {
        "totalRecordCount": 10,
        "processedRecordCount": 10,
        "successRecordCount": 10,
        "errorRecordCount": 0,
        "inputTokenCount": sum(line["modelOutput"]["usage"]["input_tokens"] for line in lines),
        "outputTokenCount": sum(line["modelOutput"]["usage"]["output_tokens"] for line in lines),
    }
    assert manifest["totalRecordCount"] == job["totalRecordCount"]


def test_a_folder_of_files_and_record_errors(api: tuple[Any, Any]) -> None:
    s3 = api[1]
    put_jsonl(s3, "folder/a.jsonl", records(3))
    bad = {"recordId": "BAD", "modelInput": {"messages": []}}
    put_jsonl(s3, "folder/sub/b.jsonl", [*records(2, start=3), bad, {"modelInput": claude_body("no id")}])
    s3.put_object(Bucket=BUCKET, Key="folder/notes.txt", Body=b"not records")
    job, dummy = run(api, "folder", f"s3://{BUCKET}/folder/")
    assert job["status"] == "Completed"
    assert (job["totalRecordCount"], job["successRecordCount"], job["errorRecordCount"]) == (7, 6, 1)
    assert output_keys(api[1], job) == ["a.jsonl.out", "b.jsonl.out", "manifest.json.out"]
    lines = read_output(s3, job, "b.jsonl.out")
    error = next(line for line in lines if line["recordId"] == "BAD")
    assert list(error) == ["recordId", "modelInput", "error"]
    assert error["error"]["errorCode"] == 400 and "required key" in error["error"]["errorMessage"]
    # Bedrock names a record that came without an id.
    assert all(line["recordId"] for line in lines) and len({line["recordId"] for line in lines}) == 4


def test_converse_jobs_answer_in_the_converse_shape(api: tuple[Any, Any]) -> None:
    def converse(text: str) -> dict[str, Any]:
        return {"messages": [{"role": "user", "content": [{"text": text}]}], "inferenceConfig": {"maxTokens": 2}}

    uri = put_jsonl(api[1], "in/converse.jsonl", [*records(2, body=converse), {"recordId": "X", "modelInput": {}}])
    job, dummy = run(api, "converse", uri, modelInvocationType="Converse", modelId="amazon.nova-lite-v1:0")
    assert job["modelInvocationType"] == "Converse"
    lines = {line["recordId"]: line for line in read_output(api[1], job, "converse.jsonl.out")}
    output = lines["REC00000000"]["modelOutput"]
    assert output["output"]["message"] == {"role": "assistant", "content": [{"text": "You asked:"}]}
    assert output["stopReason"] == "max_tokens" and output["usage"]["outputTokens"] == 2
    assert lines["X"]["error"]["errorCode"] == 400


@pytest.mark.parametrize(
    "content, message",
    [
        (b'{"recordId": "1", "modelInput": {}}\n{not json\n', "line 2"),
        (b'["a list"]\n', "line 1"),
        (b'{"recordId": "1", "body": {}}\n', "modelInput"),
        (b'{"recordId": 7, "modelInput": {}}\n', "recordId"),
    ],
)
def test_bad_jsonl_fails_the_job(api: tuple[Any, Any], content: bytes, message: str) -> None:
    api[1].put_object(Bucket=BUCKET, Key="in/bad.jsonl", Body=content)
    job, seen = run(api, "bad-input", f"s3://{BUCKET}/in/bad.jsonl")
    assert seen[-2:] == ["Validating", "Failed"]
    assert message in job["message"] and "s3://batch-data/in/bad.jsonl" in job["message"]
    assert output_keys(api[1], job) == []


def test_input_that_is_not_there_or_not_jsonl(srv: be.BedrockServer, api: tuple[Any, Any]) -> None:
    api[1].put_object(Bucket=BUCKET, Key="in/data.csv", Body=b"a,b\n")
    for uri, message in (
        (f"s3://{BUCKET}/in/data.csv", "not a .jsonl file"),
        (f"s3://{BUCKET}/nothing-here/", "No .jsonl files"),
        ("s3://no-such-bucket/in.jsonl", "Unable to access"),
    ):
        job, dummy = run(api, "missing", uri)
        assert job["status"] == "Failed" and message in job["message"], job["message"]
        control(srv, "DELETE", "/_test/batch")


def test_output_encryption_and_an_output_bucket_that_is_not_there(api: tuple[Any, Any]) -> None:
    uri = put_jsonl(api[1], "in/kms.jsonl", records(2))
    key = "arn:aws:kms:us-east-1:123456789012:key/0123abcd-0123-4567-89ab-0123456789ab"
    request = job_request("kms", uri)
    request["outputDataConfig"]["s3OutputDataConfig"]["s3EncryptionKeyId"] = key
    job, dummy = wait_final(api[0], api[0].create_model_invocation_job(**request)["jobArn"])
    assert job["status"] == "Completed"
    for name in ("kms.jsonl.out", "manifest.json.out"):
        head = api[1].head_object(Bucket=BUCKET, Key=output_folder(job) + name)
        assert (head["ServerSideEncryption"], head["SSEKMSKeyId"]) == ("aws:kms", key)
    job, dummy = run(api, "nowhere", uri, output_uri="s3://no-such-output-bucket/out/")
    assert job["status"] == "Failed" and "Unable to write the output to s3://no-such-output-bucket/" in job["message"]


def test_too_few_records(srv: be.BedrockServer, api: tuple[Any, Any]) -> None:
    uri = put_jsonl(api[1], "in/few.jsonl", records(99))
    control(srv, "POST", "/_test/batch/config", {"min_records": 100})
    job, dummy = run(api, "few", uri)
    assert job["status"] == "Failed" and "fewer than the minimum of 100" in job["message"]
    assert job["totalRecordCount"] == 99 and "processedRecordCount" not in job
    control(srv, "POST", "/_test/batch/config", {"min_records_per_model": {job["modelId"]: 50}})
    assert run(api, "enough", uri)[0]["status"] == "Completed"
    control(srv, "POST", "/_test/batch/config", {"min_records": 1, "max_records": 10, "min_records_per_model": {}})
    job, dummy = run(api, "many", uri)
    assert job["status"] == "Failed" and "more than the maximum of 10" in job["message"]


def test_expire_fail_and_partial_scenarios(api: tuple[Any, Any]) -> None:
    uri = put_jsonl(api[1], "in/seven.jsonl", records(7))
    job, seen = run(api, "expire-soon", uri)
    assert seen[-2:] == ["Scheduled", "Expired"] and "timed out" in job["message"] and "endTime" in job
    assert output_keys(api[1], job) == []
    job, seen = run(api, "fail-now", uri)
    assert seen[-2:] == ["InProgress", "Failed"] and job["message"]
    job, seen = run(api, "partial-half", uri)
    assert job["status"] == "PartiallyCompleted"
    assert (job["totalRecordCount"], job["processedRecordCount"], job["successRecordCount"]) == (7, 4, 4)
    assert len(read_output(api[1], job, "seven.jsonl.out")) == 4
    manifest = json.loads(api[1].get_object(Bucket=BUCKET, Key=output_folder(job) + "manifest.json.out")["Body"].read())
    assert (manifest["totalRecordCount"], manifest["processedRecordCount"]) == (7, 4)


def test_stopping_a_held_job_and_stopping_twice(srv: be.BedrockServer, api: tuple[Any, Any]) -> None:
    bedrock = api[0]
    control(srv, "POST", "/_test/batch/config", {"step_seconds": 0.2})
    arn = bedrock.create_model_invocation_job(**job_request("hold-me", put_jsonl(api[1], "in/h.jsonl", records(4))))[
        "jobArn"
    ]
    deadline = time.monotonic() + 10
    while bedrock.get_model_invocation_job(jobIdentifier=arn)["status"] != "InProgress":
        assert time.monotonic() < deadline
        time.sleep(0.02)
    time.sleep(0.5)
    assert bedrock.get_model_invocation_job(jobIdentifier=arn)["status"] == "InProgress"
    assert bedrock.stop_model_invocation_job(jobIdentifier=arn)["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert bedrock.get_model_invocation_job(jobIdentifier=arn)["status"] == "Stopping"
    bedrock.stop_model_invocation_job(jobIdentifier=arn.rsplit("/", 1)[1])
    job, seen = wait_final(bedrock, arn)
    assert seen == ["Stopping", "Stopped"] and job["processedRecordCount"] == 0
    with pytest.raises(botocore.exceptions.ClientError) as info:
        bedrock.stop_model_invocation_job(jobIdentifier=arn)
    assert info.value.response["Error"]["Code"] == "ConflictException"


def test_stop_before_it_runs(srv: be.BedrockServer, api: tuple[Any, Any]) -> None:
    control(srv, "POST", "/_test/batch/config", {"step_seconds": None})
    arn = api[0].create_model_invocation_job(**job_request("early", put_jsonl(api[1], "in/e.jsonl", records(2))))[
        "jobArn"
    ]
    api[0].stop_model_invocation_job(jobIdentifier=arn)
    assert api[0].get_model_invocation_job(jobIdentifier=arn)["status"] == "Stopping"
    control(srv, "POST", "/_test/batch/jobs/early/advance")
    job = control(srv, "POST", "/_test/batch/jobs/early/wait", {"timeout": 10})
    assert job["history"] == ["Submitted", "Stopping", "Stopped"]
    assert job["status"] == "Stopped" and "processedRecordCount" not in job
    assert output_keys(api[1], job) == []


@pytest.mark.parametrize("status", ["Completed", "PartiallyCompleted", "Failed", "Expired", "Stopped"])
def test_finish_at_once_with_a_chosen_status(srv: be.BedrockServer, api: tuple[Any, Any], status: str) -> None:
    control(srv, "POST", "/_test/batch/config", {"step_seconds": None})
    arn = api[0].create_model_invocation_job(**job_request("hold-x", put_jsonl(api[1], "in/f.jsonl", records(4))))[
        "jobArn"
    ]
    finished = control(srv, "POST", "/_test/batch/jobs/hold-x/finish", {"status": status})
    assert finished == {"ok": True}
    job = control(srv, "POST", f"/_test/batch/jobs/{arn.rsplit('/', 1)[1]}/wait", {"timeout": 10})
    assert job["status"] == status
    listed = control(srv, "GET", "/_test/batch/jobs")[0]
    assert listed["outputLocation"] == f"s3://{BUCKET}/out/{arn.rsplit('/', 1)[1]}/"


def test_a_chosen_status_wins_over_the_name(srv: be.BedrockServer, api: tuple[Any, Any]) -> None:
    control(srv, "POST", "/_test/batch/config", {"step_seconds": None})
    api[0].create_model_invocation_job(**job_request("expire-not", put_jsonl(api[1], "in/n.jsonl", records(3))))
    control(srv, "POST", "/_test/batch/finish", {"status": "Completed"})
    job = control(srv, "POST", "/_test/batch/jobs/expire-not/wait", {"timeout": 10})
    assert job["status"] == "Completed" and job["successRecordCount"] == 3


def test_fifty_thousand_records_stream_in_a_few_seconds(srv: be.BedrockServer, api: tuple[Any, Any]) -> None:
    count = 50_000
    uri = put_jsonl(api[1], "in/big.jsonl", records(count))
    control(srv, "POST", "/_test/batch/config", {"step_seconds": 0})
    started = time.monotonic()
    arn = api[0].create_model_invocation_job(**job_request("big", uri))["jobArn"]
    job = control(srv, "POST", f"/_test/batch/jobs/{arn.rsplit('/', 1)[1]}/wait", {"timeout": 120})
    elapsed = time.monotonic() - started
    assert job["status"] == "Completed" and job["successRecordCount"] == count
    # A few seconds on an idle machine; the bound leaves room for a busy CI runner.
    assert elapsed < 45, elapsed
    body = api[1].get_object(Bucket=BUCKET, Key=output_folder(job) + "big.jsonl.out")["Body"].read()
    ids = [json.loads(line)["recordId"] for line in body.splitlines()]
    assert len(ids) == count and sorted(ids) == [f"REC{i:08d}" for i in range(count)] and ids != sorted(ids)


def test_the_command_line_serves_s3_and_batch(moto_url: str, tmp_path: Any) -> None:
    arguments = ["--s3-upstream", moto_url, "--batch-step-seconds", "0", "--batch-min-records", "2"]
    endpoints = launcher.start(str(tmp_path), {"fake": arguments})
    try:
        bedrock, s3 = clients(endpoints["fake"].url)
        one = run((bedrock, s3), "one", put_jsonl(s3, "in/one.jsonl", records(1)))[0]
        assert one["status"] == "Failed" and "minimum of 2" in one["message"]
        assert run((bedrock, s3), "two", put_jsonl(s3, "in/two.jsonl", records(2)))[0]["status"] == "Completed"
    finally:
        launcher.stop(endpoints.values())
