# -*- coding: utf-8 -*-

# Copyright: Contributors to the amazon.ai collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""What amazon.ai's batch inference modules do with AWS: find, create, stop and wait for a model invocation job,
stage its records in S3 and collect its answers.

Both clients (Bedrock's control plane and S3) retry busy answers with the collection's backoff
(module_utils/clients.py retrying_client and retry_decorator); a create whose answer is lost is sent again with
its idempotency token. The checks and the data handling are the pure functions of batch.py
and batch_records.py.
"""

from __future__ import annotations

import json
import tempfile
import time
from typing import Any
from typing import Callable
from typing import Dict
from typing import Iterator
from typing import List
from typing import Mapping
from typing import Optional
from typing import Tuple

try:
    from botocore.exceptions import ClientError
    from botocore.exceptions import ConnectionClosedError
    from botocore.exceptions import ReadTimeoutError
except ImportError:
    pass  # Handled by AnsibleAWSModule

from ansible_collections.amazon.ai.plugins.module_utils import batch
from ansible_collections.amazon.ai.plugins.module_utils import batch_records as records
from ansible_collections.amazon.ai.plugins.module_utils.clients import is_busy
from ansible_collections.amazon.ai.plugins.module_utils.clients import retry_decorator
from ansible_collections.amazon.ai.plugins.module_utils.clients import retrying_client
from ansible_collections.amazon.ai.plugins.module_utils.responses import check_responses_dest
from ansible_collections.amazon.ai.plugins.module_utils.responses import write_responses
from ansible_collections.amazon.ai.plugins.module_utils.versions import require

# How many times a create is sent when its answer is lost: its client request token makes every send after the
# first return the job the first one created.
CREATE_SENDS = 3
# Polling: a few seconds between calls at first, backing off to a minute between calls for long jobs.
POLL_FIRST = 2.0
POLL_FACTOR = 1.5
POLL_MAX = 60.0
# Records are staged in memory up to this size, then in a temporary file.
STAGE_IN_MEMORY = 16 * 1024 * 1024
MANIFEST = "manifest.json.out"


class BatchJobError(Exception):
    """The job (or its records) failed the task; result holds everything known about it."""

    def __init__(self, msg: str, result: Dict[str, Any]) -> None:
        super().__init__(msg)
        self.msg = msg
        self.result = result


class Progress:
    """What the module is doing, for the message of an AWS error."""

    def __init__(self) -> None:
        self.step = "check the task"
        self.warnings: List[str] = []  # kept here, so that a failed task warns too


def clients(module: Any) -> Tuple[Any, Any]:
    """Bedrock's control-plane client and an S3 client, both retried with the collection's backoff."""
    return retrying_client(module, "bedrock"), retrying_client(module, "s3")


def create_job(client: Any, request: Mapping) -> Dict[str, Any]:
    """CreateModelInvocationJob, sent again when its answer is lost (the connection closed, or no answer came).

    Safe where repeating InvokeModel is not: the request's client request token makes Bedrock answer a repeat
    with the job the first send created, instead of starting a second one.
    """
    sends = 1
    while True:
        try:
            return client.create_model_invocation_job(aws_retry=True, **request)
        except (ConnectionClosedError, ReadTimeoutError):
            if sends >= CREATE_SENDS:
                raise
            sends += 1


def require_boto3(module: Any, params: Mapping) -> None:
    require(module, batch.required_boto3_versions(params))


def list_jobs(client: Any, **filters: Any) -> List[Dict[str, Any]]:
    """Every job ListModelInvocationJobs returns for the filters, page after page."""
    jobs: List[Dict[str, Any]] = []
    token = None
    while True:
        kwargs = dict(filters, maxResults=1000)
        if token:
            kwargs["nextToken"] = token
        page = client.list_model_invocation_jobs(aws_retry=True, **kwargs)
        jobs.extend(page.get("invocationJobSummaries") or [])
        token = page.get("nextToken")
        if not token:
            return jobs


def find_job(client: Any, name: str) -> Optional[Dict[str, Any]]:
    """The newest job named exactly name, or None."""
    found = [job for job in list_jobs(client, nameContains=name) if job.get("jobName") == name]
    if not found:
        return None
    return max(found, key=lambda job: str(job.get("submitTime") or ""))


def get_job(client: Any, job_arn: str) -> Dict[str, Any]:
    job = client.get_model_invocation_job(aws_retry=True, jobIdentifier=job_arn)
    job.pop("ResponseMetadata", None)
    return job


def wait_for_job(
    client: Any,
    job: Dict[str, Any],
    timeout: int,
    sleep: Optional[Callable[[float], Any]] = None,
    clock: Optional[Callable[[], float]] = None,
) -> Dict[str, Any]:
    """Poll the job until its status is final; the job as last seen is returned either way.

    Busy answers the retries could not get past are waited out like any other poll.
    """
    sleep = sleep or time.sleep
    clock = clock or time.monotonic
    deadline = clock() + timeout
    delay = POLL_FIRST
    while job.get("status") not in batch.FINAL_STATUSES:
        remaining = deadline - clock()
        if remaining <= 0:
            break
        sleep(min(delay, remaining))
        delay = min(delay * POLL_FACTOR, POLL_MAX)
        try:
            job = get_job(client, job["jobArn"])
        except ClientError as e:
            if not is_busy(e):
                raise
    return job


def upload(s3: Any, uri: str, staged: Any, size: int) -> None:
    """Put the staged JSONL at uri, retried from its first byte when S3 is busy."""
    bucket, key = batch.split_s3_uri(uri)

    @retry_decorator()
    def attempt() -> None:
        staged.seek(0)
        s3.put_object(Bucket=bucket, Key=key, Body=staged, ContentLength=size, ContentType="application/jsonl")

    attempt()


def list_keys(s3: Any, bucket: str, prefix: str) -> List[str]:
    keys: List[str] = []
    token = None
    while True:
        kwargs = {"Bucket": bucket, "Prefix": prefix}
        if token:
            kwargs["ContinuationToken"] = token
        page = s3.list_objects_v2(aws_retry=True, **kwargs)
        keys.extend(item["Key"] for item in page.get("Contents") or [])
        token = page.get("NextContinuationToken")
        if not page.get("IsTruncated") or not token:
            return sorted(keys)


def read_lines(s3: Any, bucket: str, key: str) -> Iterator[str]:
    response = s3.get_object(aws_retry=True, Bucket=bucket, Key=key)
    yield from records.iter_lines(response["Body"])


def input_keys(s3: Any, uri: str) -> List[Tuple[str, str]]:
    """(bucket, key) of every JSONL object a job reads at uri (one object, or every .jsonl under a folder)."""
    bucket, key = batch.split_s3_uri(uri)
    if key.endswith(".jsonl"):
        return [(bucket, key)]
    prefix = key if not key or key.endswith("/") else key + "/"
    return [(bucket, found) for found in list_keys(s3, bucket, prefix) if found.endswith(".jsonl")]


def staged_order(s3: Any, job: Mapping) -> Tuple[Optional[records.RecordOrder], List[str]]:
    """The input order of a job whose records the task does not give, read from its input (ids only)."""
    uri = job["inputDataConfig"]["s3InputDataConfig"]["s3Uri"]
    ids: List[str] = []
    for bucket, key in input_keys(s3, uri):
        found = records.read_record_ids(read_lines(s3, bucket, key))
        if found is None:
            return None, [
                f"the records at {uri} do not all have a recordId, so Bedrock made some up: responses are in the "
                "order of the job's output, not of its input"
            ]
        ids.extend(found)
    return records.RecordOrder(len(ids), ids), []


def collect(
    s3: Any, job: Mapping, order: Optional[records.RecordOrder], as_text: bool
) -> Tuple[records.Collection, int, Optional[Dict[str, Any]]]:
    """Read the job's output files into input order; (collection, records not processed, manifest)."""
    bucket, prefix = batch.split_s3_uri(batch.output_location(job))
    collection = records.Collection(order, job["modelId"], as_text)
    manifest = None
    for key in list_keys(s3, bucket, prefix):
        start = len(prefix)
        name = key[start:]
        if name == MANIFEST:
            text = "".join(read_lines(s3, bucket, key))
            try:
                manifest = json.loads(text)
            except ValueError:
                manifest = None
        elif name.endswith(".out"):
            for line in read_lines(s3, bucket, key):
                collection.add(line)
    not_processed = collection.finish(job["status"])
    return collection, not_processed, manifest if isinstance(manifest, dict) else None


def collection_warnings(collection: records.Collection) -> List[str]:
    warnings = list(collection.notes)
    if collection.unknown:
        warnings.append(f"{collection.unknown} output lines name records that are not in the input, or name one twice")
    if collection.malformed:
        warnings.append(f"{collection.malformed} output lines are not JSON objects and were skipped")
    return warnings


def stop_job(client: Any, job: Mapping) -> None:
    try:
        client.stop_model_invocation_job(aws_retry=True, jobIdentifier=job["jobArn"])
    except ClientError as e:
        # The job reached a final status since it was read: there is nothing left to stop.
        if (e.response.get("Error") or {}).get("Code") != "ConflictException":
            raise


def absent(module: Any, client: Any, job: Optional[Dict[str, Any]], progress: Progress) -> Dict[str, Any]:
    params = module.params
    if job is None:
        return {"changed": False, "job": {}}
    running = job.get("status") not in batch.FINAL_STATUSES + ("Stopping",)
    if running and module.check_mode:
        return {"changed": True, "job": batch.describe_job(job), "msg": f"Would stop job {job['jobName']!r}"}
    if running:
        progress.step = "stop the job"
        stop_job(client, job)
        job = get_job(client, job["jobArn"])
    if params["wait"] and not module.check_mode:
        progress.step = "wait for the job to stop"
        job = wait_for_job(client, job, params["wait_timeout"])
    return {"changed": running, "job": batch.describe_job(job)}


class Staged:
    """The task's bodies or records, checked and written as JSONL (in memory, or in a temporary file if large)."""

    def __init__(self, params: Mapping) -> None:
        self.source: Optional[str] = None
        self.file: Any = None
        self.order: Optional[records.RecordOrder] = None
        self.size = 0
        found = records.task_records(params)
        if found is None:
            return
        self.source, items = found
        self.file = tempfile.SpooledTemporaryFile(max_size=STAGE_IN_MEMORY)
        count = records.stage_records(self.source, items, self.file)
        self.size = self.file.tell()
        # Generated ids are their own index; ids the task gives are looked up.
        ids = [rid for rid, dummy in items] if self.source == "records" else None
        self.order = records.RecordOrder(count, ids)

    @property
    def count(self) -> int:
        return self.order.count if self.order is not None else 0

    def close(self) -> None:
        if self.file is not None:
            self.file.close()


def manage_job(module: Any, progress: Progress) -> Dict[str, Any]:
    """Make the job named in the task exist (or not), wait for it if asked, and collect its answers.

    Returns the task result; warnings are left in progress.warnings. Raises BatchParameterError (nothing sent),
    ResponsesDestError, BatchJobError (the job or its records failed), OSError (responses_dest could not be
    written) and botocore's errors.
    """
    params = module.params
    batch.check_job_params(params)
    if params["wait_timeout"] < 0:
        raise batch.BatchParameterError(f"wait_timeout must be a number of seconds, not {params['wait_timeout']}")
    dest = params.get("responses_dest")
    if dest:
        check_responses_dest(dest)
    staged = Staged(params if params["state"] == "present" else {})
    try:
        return present_or_absent(module, params, staged, dest, progress)
    finally:
        staged.close()


def present_or_absent(
    module: Any, params: Mapping, staged: Staged, dest: Optional[str], progress: Progress
) -> Dict[str, Any]:
    require_boto3(module, params)
    bedrock, s3 = clients(module)
    progress.step = "look the job up"
    job = find_job(bedrock, params["name"])
    if params["state"] == "absent":
        return absent(module, bedrock, job, progress)

    warnings = progress.warnings
    changed = False
    if job is not None:
        differences = batch.option_differences(params, job)
        if differences:
            warnings.append(
                f"job {params['name']!r} exists and was left as it is, though the task's options differ: "
                f"{', '.join(differences)}; give the job a new name to create another"
            )
    else:
        missing = batch.missing_create_options(params)
        if missing:
            raise batch.BatchParameterError(
                f"job {params['name']!r} does not exist, and creating it needs {', '.join(missing)}"
            )
        if staged.source is not None and staged.count < batch.MIN_RECORDS:
            warnings.append(
                f"{staged.source} has {staged.count} records; Bedrock usually refuses jobs of fewer than {batch.MIN_RECORDS} "
                "(a per-model quota that can be raised): for a few prompts bedrock_invoke_models is the better fit"
            )
        request = batch.build_create_request(params, batch.client_request_token(params))
        if module.check_mode:
            staging = ""
            if staged.source is not None:
                staging = f"upload {staged.count} records ({staged.size} bytes) to {params['input_s3_uri']} and "
            return {
                "changed": True,
                "job": batch.describe_job(request),
                "msg": f"Would {staging}create batch inference job {params['name']!r}",
            }
        if staged.source is not None:
            progress.step = f"upload the records to {params['input_s3_uri']}"
            upload(s3, params["input_s3_uri"], staged.file, staged.size)
        progress.step = "create the job"
        created = create_job(bedrock, request)
        job = get_job(bedrock, created["jobArn"])
        changed = True

    if params["wait"] and not module.check_mode:
        progress.step = "wait for the job"
        job = wait_for_job(bedrock, job, params["wait_timeout"])
    result: Dict[str, Any] = {
        "changed": changed,
        "job": batch.describe_job(job),
        "output_location": batch.output_location(job),
    }
    failure = batch.failure_of(job)
    if failure:
        raise BatchJobError(failure, result)
    if params["wait"] and job.get("status") not in batch.FINAL_STATUSES and not module.check_mode:
        raise BatchJobError(
            f"Batch inference job {params['name']!r} is still {job.get('status')} after {params['wait_timeout']} "
            "seconds (wait_timeout); it goes on running: run the task again later to collect its answers",
            result,
        )
    if not params["fetch_responses"] or job.get("status") not in batch.OUTPUT_STATUSES:
        return result
    if dest and module.check_mode:
        result["msg"] = f"Would write the job's answers to {dest}"
        return result

    progress.step = "collect the job's output"
    order = staged.order
    if staged.source is None:
        order, notes = staged_order(s3, job)
        warnings.extend(notes)
    collection, not_processed, manifest = collect(s3, job, order, as_text=bool(dest))
    warnings.extend(collection_warnings(collection))
    result["summary"] = records.summarize(collection, not_processed, manifest)
    if dest:
        progress.step = f"write the answers to {dest}"
        write_responses(dest, collection.slots)
        result["responses_dest"] = dest
    else:
        result["responses"] = collection.slots
    problem = records.failure_message(params["name"], job["status"], collection, not_processed)
    if problem:
        raise BatchJobError(problem, result)
    return result


def job_info(module: Any) -> Dict[str, Any]:
    """The jobs the info module's task asks for: one by name or ARN, or every job the filters match."""
    params = module.params
    if params.get("job_arn"):
        batch.check_job_arn(params["job_arn"])
    if params.get("name"):
        batch.check_job_name(params["name"])
    filters = batch.check_listing_filters(params)
    module.require_boto3_at_least(batch.BATCH_API_BOTO3, reason="to read Bedrock batch inference jobs")
    client = retrying_client(module, "bedrock")
    if params.get("job_arn"):
        try:
            jobs = [get_job(client, params["job_arn"])]
        except ClientError as e:
            if (e.response.get("Error") or {}).get("Code") != "ResourceNotFoundException":
                raise
            jobs = []
    else:
        if params.get("name"):
            filters["nameContains"] = params["name"]
        jobs = list_jobs(client, sortBy="CreationTime", sortOrder=params["sort_order"], **filters)
        if params.get("name"):
            jobs = [job for job in jobs if job.get("jobName") == params["name"]]
    return {"changed": False, "jobs": [batch.describe_job(job) for job in jobs]}
