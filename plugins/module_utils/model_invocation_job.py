# -*- coding: utf-8 -*-

# Copyright: Contributors to the amazon.ai collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The batch inference family: bedrock_model_invocation_job and bedrock_model_invocation_job_info, which find,
create, stop and wait for a model invocation job, stage its records in S3 and collect its answers.

Both clients (Bedrock's control plane and S3) retry busy answers with the collection's backoff
(clients.retrying_client and retry_decorator); a create whose answer is lost is sent again with its idempotency
token; waiting is waiting.py's. The options, their checks and the request are model_invocation_job_options.py's,
the records model_invocation_job_records.py's.
"""

from __future__ import annotations

import json
import tempfile
from typing import Any
from typing import Dict
from typing import Iterator
from typing import List
from typing import Mapping
from typing import Optional
from typing import Tuple

try:
    from botocore.exceptions import ConnectionClosedError
    from botocore.exceptions import ReadTimeoutError
except ImportError:
    pass  # Handled by AnsibleAWSModule

from ansible.module_utils.common.dict_transformations import camel_dict_to_snake_dict
from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.botocore import normalize_boto3_result

from ansible_collections.amazon.ai.plugins.module_utils import model_invocation_job_options as batch
from ansible_collections.amazon.ai.plugins.module_utils import model_invocation_job_records as records
from ansible_collections.amazon.ai.plugins.module_utils.clients import retry_decorator
from ansible_collections.amazon.ai.plugins.module_utils.clients import retrying_client
from ansible_collections.amazon.ai.plugins.module_utils.common import BedrockParameterError
from ansible_collections.amazon.ai.plugins.module_utils.common import split_s3_uri
from ansible_collections.amazon.ai.plugins.module_utils.responses import check_responses_dest
from ansible_collections.amazon.ai.plugins.module_utils.responses import write_responses_dest
from ansible_collections.amazon.ai.plugins.module_utils.tasks import Progress
from ansible_collections.amazon.ai.plugins.module_utils.tasks import TaskFailure
from ansible_collections.amazon.ai.plugins.module_utils.versions import require_boto3_for
from ansible_collections.amazon.ai.plugins.module_utils.waiting import WaitTimeout
from ansible_collections.amazon.ai.plugins.module_utils.waiting import wait_for

# How many times a create is sent when its answer is lost: its client request token makes every send after the
# first return the job the first one created.
CREATE_SENDS = 3
# Records are staged in memory up to this size, then in a temporary file.
STAGE_IN_MEMORY = 16 * 1024 * 1024
MANIFEST = "manifest.json.out"


def describe_job(job: Mapping) -> Dict[str, Any]:
    """A job (GetModelInvocationJob's reply or a ListModelInvocationJobs summary) for the task result, in snake_case."""
    fields = {key: value for key, value in job.items() if key != "ResponseMetadata"}
    return camel_dict_to_snake_dict(normalize_boto3_result(fields))


def doing(progress: Progress, step: str, name: str) -> None:
    """Say what the task does now, for the message of an error that stops it."""
    progress.action = f"{step} (batch inference job {name!r})"


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


def wait_for_job(client: Any, job: Dict[str, Any], timeout: int) -> Dict[str, Any]:
    """Poll the job until its status is final; raises WaitTimeout (with the job as last seen) after timeout seconds."""
    return wait_for(
        lambda: get_job(client, job["jobArn"]),
        lambda seen: seen.get("status") in batch.FINAL_STATUSES,
        job,
        timeout,
        lambda seen: f"Batch inference job {seen.get('jobName')!r} is still {seen.get('status')}",
    )


def upload(s3: Any, uri: str, staged: Any, size: int) -> None:
    """Put the staged JSONL at uri, retried from its first byte when S3 is busy."""
    bucket, key = split_s3_uri(uri)

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
    bucket, key = split_s3_uri(uri)
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
    bucket, prefix = split_s3_uri(batch.output_location(job))
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
    except is_boto3_error_code("ConflictException"):
        pass  # The job reached a final status since it was read: there is nothing left to stop.


def absent(module: Any, client: Any, job: Optional[Dict[str, Any]], progress: Progress) -> Dict[str, Any]:
    params = module.params
    if job is None:
        return {"changed": False, "job": {}}
    running = job.get("status") not in batch.FINAL_STATUSES + ("Stopping",)
    if running and module.check_mode:
        return {"changed": True, "job": describe_job(job), "msg": f"Would stop job {job['jobName']!r}"}
    if running:
        doing(progress, "stop the job", params["name"])
        stop_job(client, job)
        job = get_job(client, job["jobArn"])
    if params["wait"] and not module.check_mode:
        doing(progress, "wait for the job to stop", params["name"])
        try:
            job = wait_for_job(client, job, params["wait_timeout"])
        except WaitTimeout as e:
            job = e.last  # Stopping takes its time; the task has asked for the stop.
    return {"changed": running, "job": describe_job(job)}


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
    """bedrock_model_invocation_job's work: make the job named in the task exist (or not), wait for it if asked, and
    collect its answers.

    Raises BedrockParameterError (nothing sent), TaskFailure (the job or its records failed), OSError
    (responses_dest could not be written) and botocore's errors.
    """
    params = module.params
    progress.subject = batch.task_subject(params)
    doing(progress, "check the task", params["name"])
    batch.check_job_params(params)
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
    name = params["name"]
    require_boto3_for(module, params, gates=batch.OPTION_GATES, needs=[batch.MANAGE_API])
    bedrock, s3 = clients(module)
    doing(progress, "look the job up", name)
    job = find_job(bedrock, name)
    if params["state"] == "absent":
        return absent(module, bedrock, job, progress)

    warnings = progress.warnings
    changed = False
    if job is not None:
        differences = batch.option_differences(params, job)
        if differences:
            warnings.append(
                f"job {name!r} exists and was left as it is, though the task's options differ: "
                f"{', '.join(differences)}; give the job a new name to create another"
            )
    else:
        missing = batch.missing_create_options(params)
        if missing:
            raise BedrockParameterError(f"job {name!r} does not exist, and creating it needs {', '.join(missing)}")
        if staged.source is not None and staged.count < batch.MIN_RECORDS:
            warnings.append(
                f"{staged.source} has {staged.count} records; Bedrock usually refuses jobs of fewer than "
                f"{batch.MIN_RECORDS} (a per-model quota that can be raised): for a few prompts "
                "bedrock_invoke_models is the better fit"
            )
        request = batch.build_job_request(params, batch.job_token(params))
        if module.check_mode:
            staging = ""
            if staged.source is not None:
                staging = f"upload {staged.count} records ({staged.size} bytes) to {params['input_s3_uri']} and "
            return {
                "changed": True,
                "job": describe_job(request),
                "msg": f"Would {staging}create batch inference job {name!r}",
            }
        if staged.source is not None:
            doing(progress, f"upload the records to {params['input_s3_uri']}", name)
            upload(s3, params["input_s3_uri"], staged.file, staged.size)
        doing(progress, "create the job", name)
        created = create_job(bedrock, request)
        job = get_job(bedrock, created["jobArn"])
        changed = True

    timed_out = None
    if params["wait"] and not module.check_mode:
        doing(progress, "wait for the job", name)
        try:
            job = wait_for_job(bedrock, job, params["wait_timeout"])
        except WaitTimeout as e:
            job, timed_out = e.last, e.msg
    result: Dict[str, Any] = {
        "changed": changed,
        "job": describe_job(job),
        "output_location": batch.output_location(job),
    }
    failure = batch.failure_of(job)
    if failure:
        raise TaskFailure(failure, result)
    if timed_out:
        raise TaskFailure(
            f"{timed_out}; it goes on running: run the task again later to collect its answers",
            result,
        )
    if not params["fetch_responses"] or job.get("status") not in batch.OUTPUT_STATUSES:
        return result
    if dest and module.check_mode:
        result["msg"] = f"Would write the job's answers to {dest}"
        return result
    return collect_answers(s3, params, job, staged, result, progress)


def collect_answers(
    s3: Any, params: Mapping, job: Mapping, staged: Staged, result: Dict[str, Any], progress: Progress
) -> Dict[str, Any]:
    """Read the job's answers into result (or responses_dest), in input order; TaskFailure when records failed."""
    dest = params.get("responses_dest")
    doing(progress, "collect the job's output", params["name"])
    order = staged.order
    if staged.source is None:
        order, notes = staged_order(s3, job)
        progress.warnings.extend(notes)
    collection, not_processed, manifest = collect(s3, job, order, as_text=bool(dest))
    progress.warnings.extend(collection_warnings(collection))
    result["summary"] = records.build_summary(collection, not_processed, manifest)
    if dest:
        write_responses_dest(dest, collection.slots, result, progress)
    else:
        result["responses"] = collection.slots
    problem = records.failure_summary(params["name"], job["status"], collection, not_processed)
    if problem:
        raise TaskFailure(problem, result)
    return result


def job_info(module: Any, progress: Progress) -> Dict[str, Any]:
    """bedrock_model_invocation_job_info's work: one job by name or ARN, or every job the filters match."""
    params = module.params
    progress.action = "read Bedrock batch inference jobs"
    if params.get("job_arn"):
        batch.check_job_arn(params["job_arn"])
    if params.get("name"):
        batch.check_job_name(params["name"])
    filters = batch.check_listing_filters(params)
    require_boto3_for(module, gates=[], needs=[batch.READ_API])
    client = retrying_client(module, "bedrock")
    if params.get("job_arn"):
        try:
            jobs = [get_job(client, params["job_arn"])]
        except is_boto3_error_code("ResourceNotFoundException"):
            jobs = []
    else:
        if params.get("name"):
            filters["nameContains"] = params["name"]
        jobs = list_jobs(client, sortBy="CreationTime", sortOrder=params["sort_order"], **filters)
        if params.get("name"):
            jobs = [job for job in jobs if job.get("jobName") == params["name"]]
    return {"changed": False, "jobs": [describe_job(job) for job in jobs]}
