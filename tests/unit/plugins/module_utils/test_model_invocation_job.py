# -*- coding: utf-8 -*-

# Copyright: Contributors to the amazon.ai collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The batch inference family's AWS side, against botocore's Stubber (which checks every call against the service
model)."""

from __future__ import annotations

import datetime
import io
import json

import boto3
import pytest
from ansible_collections.amazon.aws.plugins.module_utils.retries import RetryingBotoClientWrapper
from botocore.exceptions import ClientError
from botocore.exceptions import ConnectionClosedError
from botocore.response import StreamingBody
from botocore.stub import Stubber

from ansible_collections.amazon.ai.plugins.module_utils import model_invocation_job as batch_job
from ansible_collections.amazon.ai.plugins.module_utils import model_invocation_job_records as batch_records
from ansible_collections.amazon.ai.plugins.module_utils.clients import retry_decorator
from ansible_collections.amazon.ai.plugins.module_utils.waiting import WaitTimeout

JOB_ARN = "arn:aws:bedrock:us-east-1:123456789012:model-invocation-job/abcdefgh1234"


def stubbed(service):
    client = boto3.client(service, region_name="us-east-1", aws_access_key_id="a", aws_secret_access_key="b")
    return RetryingBotoClientWrapper(client, retry_decorator()), Stubber(client)


def summary(name, status="InProgress", arn=JOB_ARN, when=datetime.datetime(2026, 1, 1)):
    return {
        "jobArn": arn,
        "jobName": name,
        "modelId": "amazon.titan-embed-text-v2:0",
        "roleArn": "arn:aws:iam::123456789012:role/r",
        "submitTime": when,
        "status": status,
        "inputDataConfig": {"s3InputDataConfig": {"s3Uri": "s3://in-bucket/records.jsonl"}},
        "outputDataConfig": {"s3OutputDataConfig": {"s3Uri": "s3://out-bucket/results/"}},
    }


def test_find_job_reads_every_page_and_keeps_the_exact_name(no_sleep):
    client, stub = stubbed("bedrock")
    other = JOB_ARN[:-1] + "9"
    stub.add_response(
        "list_model_invocation_jobs",
        {"invocationJobSummaries": [summary("job-10")], "nextToken": "page2"},
        {"nameContains": "job-1", "maxResults": 1000},
    )
    stub.add_client_error("list_model_invocation_jobs", "ThrottlingException", http_status_code=429)
    stub.add_response(
        "list_model_invocation_jobs",
        {"invocationJobSummaries": [summary("job-1", arn=other, when=datetime.datetime(2026, 2, 1)), summary("job-1")]},
        {"nameContains": "job-1", "maxResults": 1000, "nextToken": "page2"},
    )
    with stub:
        found = batch_job.find_job(client, "job-1")
    stub.assert_no_pending_responses()
    assert found["jobArn"] == other  # the newest of the two named job-1


def test_wait_for_job_returns_a_job_already_final_at_once():
    client, stub = stubbed("bedrock")
    with stub:
        assert batch_job.wait_for_job(client, summary("j", "Completed"), 60)["status"] == "Completed"


def test_wait_for_job_says_which_job_is_still_in_which_status():
    client, stub = stubbed("bedrock")
    with stub, pytest.raises(WaitTimeout) as excinfo:
        batch_job.wait_for_job(client, summary("j", "InProgress"), 0)
    assert excinfo.value.msg == "Batch inference job 'j' is still InProgress after 0 seconds (wait_timeout)"
    assert excinfo.value.last["status"] == "InProgress"


def test_upload_starts_again_from_the_first_byte(no_sleep):
    client, stub = stubbed("s3")
    staged = io.BytesIO(b'{"recordId":"00000000000","modelInput":{}}\n')
    staged.seek(0, io.SEEK_END)
    expected = {
        "Bucket": "in-bucket",
        "Key": "a/records.jsonl",
        "Body": staged,
        "ContentLength": 44,
        "ContentType": "application/jsonl",
    }
    stub.add_client_error("put_object", "ServiceUnavailable", http_status_code=503)
    stub.add_response("put_object", {}, expected)
    with stub:
        batch_job.upload(client, "s3://in-bucket/a/records.jsonl", staged, 44)
    stub.assert_no_pending_responses()


def body(text):
    data = text.encode()
    return StreamingBody(io.BytesIO(data), len(data))


def test_collect_reads_every_output_file_and_the_manifest():
    client, stub = stubbed("s3")
    job = summary("j", "PartiallyCompleted")
    prefix = "results/abcdefgh1234/"
    stub.add_response(
        "list_objects_v2",
        {
            "Contents": [{"Key": prefix + "records.jsonl.out"}, {"Key": prefix + "manifest.json.out"}],
            "IsTruncated": False,
        },
        {"Bucket": "out-bucket", "Prefix": prefix},
    )
    lines = [
        {"recordId": "00000000002", "modelInput": {}, "modelOutput": {"n": 2}},
        {"recordId": "00000000000", "modelInput": {}, "modelOutput": {"n": 0}},
    ]
    stub.add_response(
        "get_object",
        {"Body": body('{"totalRecordCount": 3, "processedRecordCount": 2}')},
        {"Bucket": "out-bucket", "Key": prefix + "manifest.json.out"},
    )
    stub.add_response(
        "get_object",
        {"Body": body("\n".join(json.dumps(line) for line in lines))},
        {"Bucket": "out-bucket", "Key": prefix + "records.jsonl.out"},
    )
    with stub:
        collection, missing, manifest = batch_job.collect(client, job, batch_records.RecordOrder(3), as_text=False)
    assert [entry.get("raw_response") for entry in collection.slots] == [{"n": 0}, None, {"n": 2}]
    assert missing == 1 and manifest == {"totalRecordCount": 3, "processedRecordCount": 2}


def test_staged_order_reads_the_ids_of_every_input_file():
    client, stub = stubbed("s3")
    job = summary("j")
    job["inputDataConfig"]["s3InputDataConfig"]["s3Uri"] = "s3://in-bucket/docs"
    stub.add_response(
        "list_objects_v2",
        {
            "Contents": [{"Key": "docs/b.jsonl"}, {"Key": "docs/a.jsonl"}, {"Key": "docs/notes.txt"}],
            "IsTruncated": False,
        },
        {"Bucket": "in-bucket", "Prefix": "docs/"},
    )
    stub.add_response(
        "get_object",
        {"Body": body('{"recordId": "x1"}\n{"recordId": "x2"}\n')},
        {"Bucket": "in-bucket", "Key": "docs/a.jsonl"},
    )
    stub.add_response(
        "get_object", {"Body": body('{"recordId": "y1"}')}, {"Bucket": "in-bucket", "Key": "docs/b.jsonl"}
    )
    with stub:
        order, notes = batch_job.staged_order(client, job)
    assert order.ids == ["x1", "x2", "y1"] and notes == []


def test_stop_job_treats_a_conflict_as_nothing_left_to_stop():
    client, stub = stubbed("bedrock")
    stub.add_client_error("stop_model_invocation_job", "ConflictException", http_status_code=400)
    stub.add_client_error("stop_model_invocation_job", "AccessDeniedException", http_status_code=403)
    with stub:
        batch_job.stop_job(client, summary("j"))
        with pytest.raises(ClientError):
            batch_job.stop_job(client, summary("j"))


class LosingClient:
    """A control-plane client whose first create answers are lost after the job was made (as a dropped connection
    does); it records every request sent."""

    def __init__(self, lost):
        self.lost = lost
        self.sent = []

    def create_model_invocation_job(self, aws_retry=False, **request):
        self.sent.append(request)
        if len(self.sent) <= self.lost:
            raise ConnectionClosedError(endpoint_url="http://127.0.0.1:1/model-invocation-job")
        return {"jobArn": JOB_ARN}


def test_a_create_whose_answer_is_lost_is_sent_again_with_the_same_token():
    client = LosingClient(lost=2)
    request = {"jobName": "j", "clientRequestToken": "amazonai-abc"}
    assert batch_job.create_job(client, request) == {"jobArn": JOB_ARN}
    assert client.sent == [request] * 3


def test_a_create_lost_every_time_fails():
    client = LosingClient(lost=batch_job.CREATE_SENDS)
    with pytest.raises(ConnectionClosedError):
        batch_job.create_job(client, {"jobName": "j"})
    assert len(client.sent) == batch_job.CREATE_SENDS


def test_describe_job_is_snake_case_with_text_times():
    described = batch_job.describe_job(
        dict(summary("tickets-1", "Completed"), totalRecordCount=3, ResponseMetadata={"RequestId": "x"})
    )
    assert described["job_arn"] == JOB_ARN
    assert described["submit_time"] == "2026-01-01T00:00:00"
    assert described["input_data_config"]["s3_input_data_config"]["s3_uri"] == "s3://in-bucket/records.jsonl"
    assert described["total_record_count"] == 3
    assert "response_metadata" not in described
