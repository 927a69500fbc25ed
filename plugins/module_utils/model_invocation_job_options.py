# -*- coding: utf-8 -*-

# Copyright: Contributors to the amazon.ai collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The options of amazon.ai's batch inference modules (bedrock_model_invocation_job and its _info): their argument
specs, their checks, the CreateModelInvocationJob request they build, and a job described for the task result.

Nothing here calls AWS; model_invocation_job.py does, with these helpers and model_invocation_job_records.py's.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Mapping
from typing import Any
from typing import Dict
from typing import List
from typing import Optional
from typing import Tuple

from ansible_collections.amazon.ai.plugins.module_utils.common import BedrockParameterError
from ansible_collections.amazon.ai.plugins.module_utils.common import check_name
from ansible_collections.amazon.ai.plugins.module_utils.common import check_role_arn
from ansible_collections.amazon.ai.plugins.module_utils.common import check_s3_uri
from ansible_collections.amazon.ai.plugins.module_utils.common import check_tags
from ansible_collections.amazon.ai.plugins.module_utils.common import client_request_token
from ansible_collections.amazon.ai.plugins.module_utils.responses import RESPONSES_DEST_OPTION
from ansible_collections.amazon.ai.plugins.module_utils.tagging import build_tag_list
from ansible_collections.amazon.ai.plugins.module_utils.versions import Gate

# The first boto3 release with the model invocation job API (Create/Get/List/StopModelInvocationJob).
BATCH_API_BOTO3 = "1.35.1"
MANAGE_API = (BATCH_API_BOTO3, "to manage Bedrock batch inference jobs (CreateModelInvocationJob)")
READ_API = (BATCH_API_BOTO3, "to read Bedrock batch inference jobs")
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

# jobName's pattern in the service model is [a-zA-Z0-9]{1,63}(-*[a-zA-Z0-9\+\-\.]){0,63}; within its 63 characters
# that is exactly the language below, which (unlike the original) cannot backtrack for ever on a long bad name.
JOB_NAME_PATTERN = re.compile(r"[a-zA-Z0-9][a-zA-Z0-9+.-]{0,62}")
JOB_NAME_RULE = "it must start with a letter or digit, followed by letters, digits, '+', '-' or '.'"
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
# The options a job is created with besides CREATE_OPTIONS: with them and the name, what its token is derived from.
TOKEN_OPTIONS = ("invocation_type", "timeout_hours", "output_kms_key_id", "vpc_config", "tags")
# The options that list one record each.
RECORD_LISTS = ("bodies", "records")


def argument_spec() -> Dict[str, Any]:
    """bedrock_model_invocation_job's argument spec, for the module and for its action plugin on the controller."""
    return dict(
        name=dict(type="str", required=True),
        state=dict(type="str", default="present", choices=["present", "absent"]),
        model_id=dict(type="str"),
        role_arn=dict(type="str"),
        input_s3_uri=dict(type="str"),
        output_s3_uri=dict(type="str"),
        invocation_type=dict(type="str", default="InvokeModel", choices=["InvokeModel", "Converse"]),
        timeout_hours=dict(type="int"),
        tags=dict(type="dict"),
        output_kms_key_id=dict(type="str", no_log=False),
        vpc_config=dict(
            type="dict",
            options=dict(
                subnet_ids=dict(type="list", elements="str", required=True),
                security_group_ids=dict(type="list", elements="str", required=True),
            ),
        ),
        bodies=dict(type="list", elements="raw"),
        records=dict(
            type="list",
            elements="dict",
            options=dict(record_id=dict(type="str", required=True), body=dict(type="raw", required=True)),
        ),
        wait=dict(type="bool", default=False),
        wait_timeout=dict(type="int", default=3600),
        fetch_responses=dict(type="bool", default=True),
        responses_dest=dict(RESPONSES_DEST_OPTION),
    )


def info_argument_spec() -> Dict[str, Any]:
    """bedrock_model_invocation_job_info's argument spec, for the module and for its action plugin."""
    return dict(
        name=dict(type="str"),
        job_arn=dict(type="str"),
        status=dict(type="str", choices=list(STATUSES)),
        name_contains=dict(type="str"),
        submitted_after=dict(type="str"),
        submitted_before=dict(type="str"),
        sort_order=dict(type="str", default="Descending", choices=["Ascending", "Descending"]),
    )


def task_subject(params: Mapping) -> Optional[str]:
    """What the message of an invalid task names: the job."""
    return f"batch inference job {params['name']!r}" if params.get("name") is not None else None


def check_job_name(name: Any, option: str = "name") -> None:
    """Refuse what is not a job name Bedrock takes."""
    check_name(option, name, JOB_NAME_PATTERN, MAX_NAME_LENGTH, "job name", JOB_NAME_RULE)


def check_job_model_id(model_id: Any) -> None:
    """Refuse a model_id batch inference does not take (provisioned models, and anything else the API refuses)."""
    if not isinstance(model_id, str) or not model_id:
        raise BedrockParameterError(f"model_id must be a model id, inference profile id or ARN, not {model_id!r}")
    if PROVISIONED_MODEL_PATTERN.match(model_id):
        raise BedrockParameterError(
            f"model_id {model_id!r} is a provisioned model, which batch inference does not support; use the base "
            "model's id or an inference profile"
        )
    if len(model_id) > MAX_MODEL_ID_LENGTH or not MODEL_ID_PATTERN.fullmatch(model_id):
        raise BedrockParameterError(
            f"model_id {model_id[:200]!r} is not a model id, inference profile id or model ARN that batch "
            "inference accepts"
        )


def check_timeout_hours(hours: Optional[int]) -> None:
    """Refuse a timeout Bedrock does not take."""
    if hours is not None and not MIN_TIMEOUT_HOURS <= hours <= MAX_TIMEOUT_HOURS:
        raise BedrockParameterError(
            f"timeout_hours must be between {MIN_TIMEOUT_HOURS} and {MAX_TIMEOUT_HOURS} hours, not {hours}"
        )


def check_vpc_config(vpc: Optional[Mapping]) -> None:
    """Refuse subnets and security groups Bedrock would refuse."""
    if not vpc:
        return
    for option, most in (("subnet_ids", 16), ("security_group_ids", 5)):
        ids = vpc.get(option) or []
        if not 1 <= len(ids) <= most:
            raise BedrockParameterError(f"vpc_config.{option} must list 1 to {most} ids, not {len(ids)}")
        for item in ids:
            if not isinstance(item, str) or not VPC_ID_PATTERN.fullmatch(item):
                raise BedrockParameterError(
                    f"vpc_config.{option}: {str(item)[:100]!r} is not a subnet or security group id"
                )


def check_kms_key(key_id: Optional[str]) -> None:
    """Refuse what is not a KMS key id, key ARN, alias or alias ARN."""
    if key_id is not None and (len(key_id) > 2048 or not KMS_KEY_PATTERN.fullmatch(key_id)):
        raise BedrockParameterError(
            f"output_kms_key_id {key_id[:200]!r} is not a KMS key id, key ARN, alias or alias ARN"
        )


def check_job_params(params: Mapping) -> None:
    """Refuse, naming the option, every value set that Bedrock would refuse; options left unset are not checked."""
    check_job_name(params.get("name"))
    if params.get("model_id") is not None:
        check_job_model_id(params["model_id"])
    if params.get("role_arn") is not None:
        check_role_arn(params["role_arn"])
    for option in ("input_s3_uri", "output_s3_uri"):
        if params.get(option) is not None:
            check_s3_uri(option, params[option])
    if (params.get("bodies") is not None or params.get("records") is not None) and params.get("input_s3_uri"):
        if not params["input_s3_uri"].endswith(".jsonl"):
            source = "bodies" if params.get("bodies") is not None else "records"
            raise BedrockParameterError(
                f"input_s3_uri {params['input_s3_uri']!r} must name an object ending in .jsonl when {source} is "
                "given: the records are written there as one JSONL file"
            )
    check_timeout_hours(params.get("timeout_hours"))
    check_tags(params.get("tags"), what="a job")
    check_vpc_config(params.get("vpc_config"))
    check_kms_key(params.get("output_kms_key_id"))
    if params.get("wait_timeout") is not None and params["wait_timeout"] < 0:
        raise BedrockParameterError(f"wait_timeout must be a number of seconds, not {params['wait_timeout']}")


def missing_create_options(params: Mapping) -> List[str]:
    """The options needed to create a job that the task leaves unset."""
    return [option for option in CREATE_OPTIONS if not params.get(option)]


def job_token(params: Mapping) -> str:
    """The client request token of the job the task creates, derived from its name and creation options.

    The bodies or records staged do not change it: the same job, whatever the records.
    """
    return client_request_token({option: params.get(option) for option in ("name",) + CREATE_OPTIONS + TOKEN_OPTIONS})


def build_job_request(params: Mapping, token: str) -> Dict[str, Any]:
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
        request["tags"] = build_tag_list(params["tags"])
    return request


def job_id(job_arn: str) -> str:
    """The job's id, the last part of its ARN (12 characters), which names its output folder."""
    return job_arn.rsplit("/", 1)[-1]


def output_location(job: Mapping) -> Optional[str]:
    """The S3 URI of the folder holding the job's output: its output URI, then a folder named after its id."""
    uri = ((job.get("outputDataConfig") or {}).get("s3OutputDataConfig") or {}).get("s3Uri")
    if not uri or not job.get("jobArn"):
        return None
    return f"{uri.rstrip('/')}/{job_id(job['jobArn'])}/"


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
        raise BedrockParameterError(
            f"{option} must be an ISO 8601 date or time such as 2026-01-31 or 2026-01-31T12:00:00Z, not {value!r}"
        ) from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=datetime.timezone.utc)
    return parsed


def check_job_arn(job_arn: str) -> None:
    """Refuse what is not a job ARN or id."""
    if not JOB_ARN_PATTERN.fullmatch(job_arn):
        raise BedrockParameterError(
            f"job_arn {job_arn[:200]!r} is not a model invocation job ARN or 12-character job id"
        )


def failure_of(job: Mapping) -> Optional[str]:
    """The task's message for a job whose final status fails it (Failed or Expired), else None."""
    status = job.get("status")
    if status not in FAILED_STATUSES:
        return None
    message = job.get("message") or "no message given"
    return f"Batch inference job {job.get('jobName')!r} ended {status}: {message}"
