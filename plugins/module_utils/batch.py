# -*- coding: utf-8 -*-

# Copyright: Contributors to the amazon.ai collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Pure functions of amazon.ai's batch inference modules: checking a task's options, building the
CreateModelInvocationJob request, and describing a job for the task result.

Nothing here calls AWS; module_utils/batch_job.py does, with these helpers and batch_records.py's.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import re
from collections.abc import Mapping
from typing import Any
from typing import Dict
from typing import List
from typing import Optional
from typing import Tuple

from ansible.module_utils.common.dict_transformations import camel_dict_to_snake_dict

from ansible_collections.amazon.ai.plugins.module_utils.bedrock import BedrockParameterError
from ansible_collections.amazon.ai.plugins.module_utils.versions import Gate
from ansible_collections.amazon.ai.plugins.module_utils.versions import highest_first
from ansible_collections.amazon.ai.plugins.module_utils.versions import required_boto3_versions as option_versions

# The first boto3 release with the model invocation job API (Create/Get/List/StopModelInvocationJob).
BATCH_API_BOTO3 = "1.35.1"
# (option, value or None for any value, first boto3 release that can send it), read from botocore's service
# models: vpcConfig and s3BucketOwner came in 1.35.20, modelInvocationType in 1.42.59. The record counts of
# GetModelInvocationJob are parsed from 1.42.81 on; older releases leave them out of the job's description.
OPTION_GATES: List[Gate] = [
    ("vpc_config", None, "1.35.20"),
    ("invocation_type", "Converse", "1.42.59"),
]

# Statuses after which a job never changes again.
FINAL_STATUSES = ("Completed", "PartiallyCompleted", "Failed", "Stopped", "Expired")
# Final statuses whose job wrote (some) output.
OUTPUT_STATUSES = ("Completed", "PartiallyCompleted", "Stopped", "Expired")
# Final statuses that fail the task whatever the records say.
FAILED_STATUSES = ("Failed", "Expired")
STATUSES = ("Submitted", "Validating", "Scheduled", "InProgress", "Stopping") + FINAL_STATUSES

# Bedrock's usual least records per job: a per-model quota that can be raised, so only warned about.
MIN_RECORDS = 100
MAX_NAME_LENGTH = 63
MIN_TIMEOUT_HOURS = 24
MAX_TIMEOUT_HOURS = 168
MAX_S3_URI_LENGTH = 1024
S3_SCHEME_LENGTH = len("s3://")
MAX_ROLE_ARN_LENGTH = 2048
MAX_TAGS = 200

# jobName's pattern in the service model is [a-zA-Z0-9]{1,63}(-*[a-zA-Z0-9\+\-\.]){0,63}; within its 63 characters
# that is exactly the language below, which (unlike the original) cannot backtrack for ever on a long bad name.
JOB_NAME_PATTERN = re.compile(r"[a-zA-Z0-9][a-zA-Z0-9+.-]{0,62}")
ROLE_ARN_PATTERN = re.compile(r"arn:aws(-[^:]+)?:iam::([0-9]{12})?:role/.+")
S3_BUCKET_PATTERN = re.compile(r"[a-z0-9][-.a-z0-9]{1,61}[a-z0-9]")
S3_KEY_SEGMENT_PATTERN = re.compile(r"[-!_*'().a-zA-Z0-9]+")
# The service model's S3Uri, matched whole as the service does: the last word on what is accepted.
S3_URI_PATTERN = re.compile(
    r"s3://[a-z0-9][-.a-z0-9]{1,61}[a-z0-9](?:/[-!_*'().a-z0-9A-Z]+(?:/[-!_*'().a-z0-9A-Z]+)*)?/?"
)
PROVISIONED_MODEL_PATTERN = re.compile(r"arn:aws(-[^:]+)?:bedrock:[^:]*:[0-9]*:provisioned-model/")
# The service model's ModelId: model ids, inference profile ids and the ARNs of foundation models, custom models
# and inference profiles (no provisioned models).
MODEL_ID_PATTERN = re.compile(
    r"(arn:aws(-[^:]+)?:bedrock:[a-z0-9-]{1,20}:(([0-9]{12}:custom-model/[a-z0-9-]{1,63}[.]{1}[a-z0-9-:]{1,63}/"
    r"[a-z0-9]{12}$)|(:foundation-model/([a-z0-9-]{1,63}[.]{1}[a-z0-9-]{1,63}([.]?[a-z0-9-]{1,63})"
    r"([:][a-z0-9-]{1,63}){0,2})|(([0-9a-zA-Z][_-]?)+)$)|([0-9]{12}:(inference-profile|application-inference-profile)"
    r"/[a-zA-Z0-9-:.]+$)))|([a-z0-9-]{1,63}[.]{1}[a-z0-9-]{1,63}([.]?[a-z0-9-]{1,63})([:][a-z0-9-]{1,63}){0,2})"
    r"|(([0-9a-zA-Z][_-]?)+)"
)
MAX_MODEL_ID_LENGTH = 2048
KMS_KEY_PATTERN = re.compile(
    r"(arn:aws(-[^:]+)?:kms:[a-zA-Z0-9-]*:[0-9]{12}:((key/[a-zA-Z0-9-]{36})|(alias/[a-zA-Z0-9_/-]+)))"
    r"|([a-zA-Z0-9-]{36})|(alias/[a-zA-Z0-9_/-]+)"
)
VPC_ID_PATTERN = re.compile(r"[-0-9a-zA-Z]{1,32}")
TAG_PATTERN = re.compile(r"[a-zA-Z0-9\s._:/=+@-]*")
JOB_ARN_PATTERN = re.compile(r"(arn:aws(-[^:]+)?:bedrock:[a-z0-9-]{1,20}:[0-9]{12}:model-invocation-job/)?[a-z0-9]{12}")

# The options compared with an existing job's, and where its description holds them.
COMPARED_OPTIONS = (
    ("model_id", ("modelId",)),
    ("role_arn", ("roleArn",)),
    ("input_s3_uri", ("inputDataConfig", "s3InputDataConfig", "s3Uri")),
    ("output_s3_uri", ("outputDataConfig", "s3OutputDataConfig", "s3Uri")),
    ("output_kms_key_id", ("outputDataConfig", "s3OutputDataConfig", "s3EncryptionKeyId")),
    ("timeout_hours", ("timeoutDurationInHours",)),
    ("invocation_type", ("modelInvocationType",)),
)
CREATE_OPTIONS = ("model_id", "role_arn", "input_s3_uri", "output_s3_uri")


class BatchParameterError(BedrockParameterError):
    """The task's options cannot make a valid batch request; raised before anything is sent."""


def check_job_name(name: Any, option: str = "name") -> None:
    if not isinstance(name, str) or not name:
        raise BatchParameterError(f"{option} must be a job name, not {name!r}")
    if len(name) > MAX_NAME_LENGTH:
        raise BatchParameterError(f"{option} is {len(name)} characters long; job names have at most {MAX_NAME_LENGTH}")
    if not JOB_NAME_PATTERN.fullmatch(name):
        raise BatchParameterError(
            f"{option} {name!r} is not a valid job name: it must start with a letter or digit, followed by letters, "
            "digits, '+', '-' or '.'"
        )


def check_s3_uri(option: str, uri: Any) -> Tuple[str, str]:
    """(bucket, key) of an S3 URI Bedrock accepts; BatchParameterError naming option and the reason otherwise."""
    if not isinstance(uri, str) or not uri.startswith("s3://"):
        raise BatchParameterError(f"{option} must be an S3 URI such as s3://bucket/folder/, not {uri!r}")
    if len(uri) > MAX_S3_URI_LENGTH:
        raise BatchParameterError(
            f"{option} is {len(uri)} characters long; Bedrock accepts at most {MAX_S3_URI_LENGTH}"
        )
    bucket, dummy, key = uri[S3_SCHEME_LENGTH:].partition("/")
    if not bucket:
        raise BatchParameterError(f"{option} {uri!r} names no bucket")
    if bucket != bucket.lower():
        raise BatchParameterError(f"{option} {uri!r}: bucket {bucket!r} has upper-case letters, which Bedrock refuses")
    if "_" in bucket:
        raise BatchParameterError(f"{option} {uri!r}: bucket {bucket!r} has an underscore, which Bedrock refuses")
    if not S3_BUCKET_PATTERN.fullmatch(bucket):
        raise BatchParameterError(
            f"{option} {uri!r}: bucket {bucket!r} is not a bucket name Bedrock accepts (3 to 63 lower-case letters, "
            "digits, '.' and '-', starting and ending with a letter or digit)"
        )
    segments = key.split("/")
    if segments and segments[-1] == "":
        segments.pop()  # one trailing slash names a folder
    for segment in segments:
        if segment == "":
            raise BatchParameterError(f"{option} {uri!r} has an empty folder name ('//'), which Bedrock refuses")
        if any(char.isspace() for char in segment):
            raise BatchParameterError(f"{option} {uri!r} has white space in its key, which Bedrock refuses")
        if "=" in segment:
            raise BatchParameterError(f"{option} {uri!r} has '=' in its key, which Bedrock refuses")
        if not S3_KEY_SEGMENT_PATTERN.fullmatch(segment):
            wrong = sorted({char for char in segment if not S3_KEY_SEGMENT_PATTERN.fullmatch(char)})
            raise BatchParameterError(
                f"{option} {uri!r} has characters Bedrock refuses in its key ({' '.join(repr(c) for c in wrong)}); "
                "keys may hold letters, digits and - ! _ * ' ( ) ."
            )
    if not S3_URI_PATTERN.fullmatch(uri):
        raise BatchParameterError(f"{option} {uri!r} is not an S3 URI Bedrock accepts")
    return bucket, key


def check_role_arn(role_arn: Any) -> None:
    if not isinstance(role_arn, str) or len(role_arn) > MAX_ROLE_ARN_LENGTH or not ROLE_ARN_PATTERN.fullmatch(role_arn):
        raise BatchParameterError(
            f"role_arn must be the ARN of an IAM role such as arn:aws:iam::123456789012:role/bedrock-batch, "
            f"not {str(role_arn)[:200]!r}"
        )


def check_model_id(model_id: Any) -> None:
    if not isinstance(model_id, str) or not model_id:
        raise BatchParameterError(f"model_id must be a model id, inference profile id or ARN, not {model_id!r}")
    if PROVISIONED_MODEL_PATTERN.match(model_id):
        raise BatchParameterError(
            f"model_id {model_id!r} is a provisioned model, which batch inference does not support; use the base "
            "model's id or an inference profile"
        )
    if len(model_id) > MAX_MODEL_ID_LENGTH or not MODEL_ID_PATTERN.fullmatch(model_id):
        raise BatchParameterError(
            f"model_id {model_id[:200]!r} is not a model id, inference profile id or model ARN that batch "
            "inference accepts"
        )


def check_timeout_hours(hours: Optional[int]) -> None:
    if hours is not None and not MIN_TIMEOUT_HOURS <= hours <= MAX_TIMEOUT_HOURS:
        raise BatchParameterError(
            f"timeout_hours must be between {MIN_TIMEOUT_HOURS} and {MAX_TIMEOUT_HOURS} hours, not {hours}"
        )


def check_tags(tags: Optional[Mapping]) -> None:
    if not tags:
        return
    if len(tags) > MAX_TAGS:
        raise BatchParameterError(f"tags has {len(tags)} entries; a job takes at most {MAX_TAGS}")
    for key, value in tags.items():
        if not isinstance(value, str):
            raise BatchParameterError(f"tags: the value of {key!r} must be a string (quote numbers and booleans)")
        if not 1 <= len(key) <= 128 or not TAG_PATTERN.fullmatch(key):
            raise BatchParameterError(
                f"tags: key {key[:200]!r} must be 1 to 128 letters, digits, spaces or . _ : / = + @ -"
            )
        if len(value) > 256 or not TAG_PATTERN.fullmatch(value):
            raise BatchParameterError(
                f"tags: the value of {key!r} must be at most 256 letters, digits, spaces or . _ : / = + @ -"
            )


def check_vpc_config(vpc: Optional[Mapping]) -> None:
    if not vpc:
        return
    for option, most in (("subnet_ids", 16), ("security_group_ids", 5)):
        ids = vpc.get(option) or []
        if not 1 <= len(ids) <= most:
            raise BatchParameterError(f"vpc_config.{option} must list 1 to {most} ids, not {len(ids)}")
        for item in ids:
            if not isinstance(item, str) or not VPC_ID_PATTERN.fullmatch(item):
                raise BatchParameterError(
                    f"vpc_config.{option}: {str(item)[:100]!r} is not a subnet or security group id"
                )


def check_kms_key(key_id: Optional[str]) -> None:
    if key_id is not None and (len(key_id) > 2048 or not KMS_KEY_PATTERN.fullmatch(key_id)):
        raise BatchParameterError(
            f"output_kms_key_id {key_id[:200]!r} is not a KMS key id, key ARN, alias or alias ARN"
        )


def check_job_params(params: Mapping) -> None:
    """Refuse, naming the option, every value set that Bedrock would refuse; options left unset are not checked."""
    check_job_name(params.get("name"))
    if params.get("model_id") is not None:
        check_model_id(params["model_id"])
    if params.get("role_arn") is not None:
        check_role_arn(params["role_arn"])
    for option in ("input_s3_uri", "output_s3_uri"):
        if params.get(option) is not None:
            check_s3_uri(option, params[option])
    if (params.get("bodies") is not None or params.get("records") is not None) and params.get("input_s3_uri"):
        if not params["input_s3_uri"].endswith(".jsonl"):
            source = "bodies" if params.get("bodies") is not None else "records"
            raise BatchParameterError(
                f"input_s3_uri {params['input_s3_uri']!r} must name an object ending in .jsonl when {source} is "
                "given: the records are written there as one JSONL file"
            )
    check_timeout_hours(params.get("timeout_hours"))
    check_tags(params.get("tags"))
    check_vpc_config(params.get("vpc_config"))
    check_kms_key(params.get("output_kms_key_id"))


def missing_create_options(params: Mapping) -> List[str]:
    """The options needed to create a job that the task leaves unset."""
    return [option for option in CREATE_OPTIONS if not params.get(option)]


def required_boto3_versions(params: Mapping) -> List[Tuple[str, str]]:
    """(version, reason) for the API itself and each option set that needs a newer boto3, highest first."""
    api = (BATCH_API_BOTO3, "to manage Bedrock batch inference jobs (CreateModelInvocationJob)")
    return highest_first([api, *option_versions(dict(params), OPTION_GATES)])


def client_request_token(params: Mapping) -> str:
    """An idempotency token derived from the job's name and creation options.

    The same task sends the same token, so a create retried after a lost response (by the retries, or by running
    the task again) returns the job already created instead of starting a second, billed job.
    """
    fields = {option: params.get(option) for option in ("name",) + CREATE_OPTIONS}
    fields.update(
        (option, params.get(option))
        for option in ("invocation_type", "timeout_hours", "output_kms_key_id", "vpc_config", "tags")
    )
    digest = hashlib.sha256(json.dumps(fields, sort_keys=True, default=str).encode("utf-8")).hexdigest()
    return f"amazonai-{digest[:48]}"


def build_create_request(params: Mapping, token: str) -> Dict[str, Any]:
    """CreateModelInvocationJob's keyword arguments; options left unset (or at Bedrock's default) are not sent."""
    request: Dict[str, Any] = {
        "jobName": params["name"],
        "roleArn": params["role_arn"],
        "clientRequestToken": token,
        "modelId": params["model_id"],
        "inputDataConfig": {"s3InputDataConfig": {"s3Uri": params["input_s3_uri"], "s3InputFormat": "JSONL"}},
        "outputDataConfig": {"s3OutputDataConfig": {"s3Uri": params["output_s3_uri"]}},
    }
    if params.get("output_kms_key_id"):
        request["outputDataConfig"]["s3OutputDataConfig"]["s3EncryptionKeyId"] = params["output_kms_key_id"]
    if params.get("timeout_hours") is not None:
        request["timeoutDurationInHours"] = params["timeout_hours"]
    if params.get("invocation_type") and params["invocation_type"] != "InvokeModel":
        request["modelInvocationType"] = params["invocation_type"]
    if params.get("vpc_config"):
        request["vpcConfig"] = {
            "subnetIds": list(params["vpc_config"]["subnet_ids"]),
            "securityGroupIds": list(params["vpc_config"]["security_group_ids"]),
        }
    if params.get("tags"):
        request["tags"] = [{"key": key, "value": value} for key, value in params["tags"].items()]
    return request


def _timestamps_to_text(value: Any) -> Any:
    if isinstance(value, datetime.datetime):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {key: _timestamps_to_text(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_timestamps_to_text(item) for item in value]
    return value


def describe_job(job: Mapping) -> Dict[str, Any]:
    """A job (GetModelInvocationJob's reply or a ListModelInvocationJobs summary) for the task result, in snake_case."""
    fields = {key: value for key, value in job.items() if key != "ResponseMetadata"}
    return camel_dict_to_snake_dict(_timestamps_to_text(fields))


def job_id(job_arn: str) -> str:
    """The job's id, the last part of its ARN (12 characters), which names its output folder."""
    return job_arn.rsplit("/", 1)[-1]


def output_location(job: Mapping) -> Optional[str]:
    """The S3 URI of the folder holding the job's output: its output URI, then a folder named after its id."""
    uri = ((job.get("outputDataConfig") or {}).get("s3OutputDataConfig") or {}).get("s3Uri")
    if not uri or not job.get("jobArn"):
        return None
    return f"{uri.rstrip('/')}/{job_id(job['jobArn'])}/"


def split_s3_uri(uri: str) -> Tuple[str, str]:
    bucket, dummy, key = uri[S3_SCHEME_LENGTH:].partition("/")
    return bucket, key


def _dig(job: Mapping, path: Tuple[str, ...]) -> Any:
    value: Any = job
    for key in path:
        if not isinstance(value, Mapping):
            return None
        value = value.get(key)
    return value


def option_differences(params: Mapping, job: Mapping) -> List[str]:
    """The options the task sets that the existing job was not created with, as 'option (job has value)'."""
    differences = []
    for option, path in COMPARED_OPTIONS:
        wanted = params.get(option)
        if wanted is None:
            continue
        current = _dig(job, path)
        if option == "invocation_type" and current is None:
            current = "InvokeModel"
        if option == "model_id" and isinstance(current, str) and current.endswith("/" + str(wanted)):
            continue  # reported as an ARN
        if current is not None and str(current).rstrip("/") == str(wanted).rstrip("/"):
            continue
        if current is None and option in ("timeout_hours", "output_kms_key_id"):
            current = "unset"
        differences.append(f"{option} (the job has {current!r})")
    return differences


def check_listing_filters(params: Mapping) -> Dict[str, Any]:
    """ListModelInvocationJobs' filters from the info module's options, checked."""
    filters: Dict[str, Any] = {}
    if params.get("status") is not None:
        filters["statusEquals"] = params["status"]
    if params.get("name_contains") is not None:
        check_job_name(params["name_contains"], "name_contains")
        filters["nameContains"] = params["name_contains"]
    for option, member in (("submitted_after", "submitTimeAfter"), ("submitted_before", "submitTimeBefore")):
        if params.get(option) is not None:
            filters[member] = parse_time(option, params[option])
    return filters


def parse_time(option: str, value: Any) -> datetime.datetime:
    """An ISO 8601 date or time (a date alone is its midnight, a time without zone is UTC)."""
    text = str(value).strip()
    if text.endswith("Z"):
        text = text[:-1] + "+00:00"
    try:
        parsed = datetime.datetime.fromisoformat(text)
    except ValueError:
        raise BatchParameterError(
            f"{option} must be an ISO 8601 date or time such as 2026-01-31 or 2026-01-31T12:00:00Z, not {value!r}"
        ) from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=datetime.timezone.utc)
    return parsed


def check_job_arn(job_arn: str) -> None:
    if not JOB_ARN_PATTERN.fullmatch(job_arn):
        raise BatchParameterError(f"job_arn {job_arn[:200]!r} is not a model invocation job ARN or 12-character job id")


def failure_of(job: Mapping) -> Optional[str]:
    """The task's message for a job whose final status fails it (Failed or Expired), else None."""
    status = job.get("status")
    if status not in FAILED_STATUSES:
        return None
    message = job.get("message") or "no message given"
    return f"Batch inference job {job.get('jobName')!r} ended {status}: {message}"
