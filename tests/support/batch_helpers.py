# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the tests of the fake batch service share: boto3 bedrock and s3 clients, input records, jobs."""

from __future__ import annotations

import json
import time
from typing import Any
from typing import Iterator

from botocore.config import Config

from . import bedrock_endpoint as be
from .helpers import CLAUDE
from .helpers import NO_RETRIES
from .helpers import raw_request
from .helpers import shared_session

ROLE = "arn:aws:iam::123456789012:role/BedrockBatch"
BUCKET = "batch-data"
FINAL = ("Completed", "PartiallyCompleted", "Failed", "Stopped", "Expired")


def clients(
    url: str, retries: dict[str, Any] | None = None, region: str = "us-east-1", secret: str = "amazon-ai-test-secret"
) -> tuple[Any, Any]:
    """(bedrock, s3) clients on one endpoint URL, as an Ansible task with endpoint_url builds them."""
    config = Config(retries=retries or NO_RETRIES, connect_timeout=5, read_timeout=60)
    keys = {"aws_access_key_id": "AKIDAMAZONAITEST", "aws_secret_access_key": secret, "region_name": region}
    session = shared_session()
    return (
        session.client("bedrock", endpoint_url=url, config=config, **keys),
        session.client("s3", endpoint_url=url, config=config, **keys),
    )


def control(srv: be.BedrockServer, method: str, path: str, payload: Any = None) -> Any:
    body = json.dumps(payload).encode("utf-8") if payload is not None else b""
    status, dummy, data = raw_request(srv, method, path, body, {"Content-Type": "application/json"})
    assert status == 200, data
    return json.loads(data)


def claude_body(text: str) -> dict[str, Any]:
    return {
        "anthropic_version": "bedrock-2023-05-31",
        "max_tokens": 50,
        "messages": [{"role": "user", "content": text}],
    }


def records(count: int, start: int = 0, body: Any = claude_body) -> Iterator[dict[str, Any]]:
    for index in range(start, start + count):
        yield {"recordId": f"REC{index:08d}", "modelInput": body(f"question {index}")}


def put_jsonl(s3: Any, key: str, items: Any, bucket: str = BUCKET) -> str:
    data = "".join(json.dumps(item) + "\n" for item in items).encode("utf-8")
    s3.put_object(Bucket=bucket, Key=key, Body=data)
    return f"s3://{bucket}/{key}"


def job_request(name: str, input_uri: str, output_uri: str = f"s3://{BUCKET}/out/", **extra: Any) -> dict[str, Any]:
    request = {
        "jobName": name,
        "roleArn": ROLE,
        "modelId": CLAUDE,
        "inputDataConfig": {"s3InputDataConfig": {"s3Uri": input_uri}},
        "outputDataConfig": {"s3OutputDataConfig": {"s3Uri": output_uri}},
    }
    request.update(extra)
    return request


def wait_final(bedrock: Any, arn: str, timeout: float = 30) -> tuple[dict[str, Any], list[str]]:
    """The job once final, and every status seen on the way (polled every 10 ms)."""
    seen: list[str] = []
    deadline = time.monotonic() + timeout
    while True:
        job = bedrock.get_model_invocation_job(jobIdentifier=arn)
        if not seen or seen[-1] != job["status"]:
            seen.append(job["status"])
        if job["status"] in FINAL:
            return job, seen
        assert time.monotonic() < deadline, f"still {job['status']} after {timeout} s: {seen}"
        time.sleep(0.01)


def read_output(s3: Any, job: dict[str, Any], name: str) -> list[dict[str, Any]]:
    """The lines of one output file of a finished job, in the order written."""
    folder = output_folder(job)
    body = s3.get_object(Bucket=BUCKET, Key=folder + name)["Body"].read().decode("utf-8")
    return [json.loads(line) for line in body.splitlines()]


def output_folder(job: dict[str, Any]) -> str:
    prefix = job["outputDataConfig"]["s3OutputDataConfig"]["s3Uri"].split("/", 3)[3].strip("/")
    return (prefix + "/" if prefix else "") + job["jobArn"].rsplit("/", 1)[1] + "/"


def output_keys(s3: Any, job: dict[str, Any]) -> list[str]:
    listing = s3.list_objects_v2(Bucket=BUCKET, Prefix=output_folder(job))
    return sorted(item["Key"].rsplit("/", 1)[1] for item in listing.get("Contents", []))
