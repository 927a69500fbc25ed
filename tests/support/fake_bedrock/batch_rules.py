# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The fake batch service's settings, and the Bedrock batch API's own request checks (botocore 1.44.8 service model ``bedrock/2023-04-20``).

botocore checks required members, types, minimum lengths and minimum values on the client; the service checks the
rest (maximum lengths and values, patterns, enums), so a fake that skips them lets a client's bugs through. Patterns
are matched whole: the API reference prints them anchored, botocore's copy has the anchors stripped.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from dataclasses import field
from typing import Any

from .control_plane import ACCOUNT
from .control_plane import DEFAULT_REGION
from .control_plane import Checks
from .control_plane import Settings
from .control_plane import error
from .tagging import check_tag_list

STATUSES = (
    "Submitted",
    "InProgress",
    "Completed",
    "Failed",
    "Stopping",
    "Stopped",
    "PartiallyCompleted",
    "Expired",
    "Validating",
    "Scheduled",
)
FINAL_STATUSES = frozenset(("Completed", "PartiallyCompleted", "Failed", "Stopped", "Expired"))
# The jobs that count against the "in progress and submitted jobs per model" quota.
ACTIVE_STATUSES = frozenset(("Submitted", "Validating", "Scheduled", "InProgress", "Stopping"))

JOB_NAME = re.compile(r"[a-zA-Z0-9]{1,63}(-*[a-zA-Z0-9\+\-\.]){0,63}")
TOKEN = re.compile(r"[a-zA-Z0-9]{1,256}(-*[a-zA-Z0-9]){0,256}")
ROLE_ARN = re.compile(r"arn:aws(-[^:]+)?:iam::([0-9]{12})?:role/.+", re.DOTALL)
MODEL_ID = re.compile(
    r"(arn:aws(-[^:]+)?:bedrock:[a-z0-9-]{1,20}:(([0-9]{12}:custom-model/[a-z0-9-]{1,63}[.]{1}[a-z0-9-:]{1,63}"
    r"/[a-z0-9]{12}$)|(:foundation-model/([a-z0-9-]{1,63}[.]{1}[a-z0-9-]{1,63}([.]?[a-z0-9-]{1,63})"
    r"([:][a-z0-9-]{1,63}){0,2})|(([0-9a-zA-Z][_-]?)+)$)|([0-9]{12}:(inference-profile|application-inference-profile)"
    r"/[a-zA-Z0-9-:.]+$)))|([a-z0-9-]{1,63}[.]{1}[a-z0-9-]{1,63}([.]?[a-z0-9-]{1,63})([:][a-z0-9-]{1,63}){0,2})"
    r"|(([0-9a-zA-Z][_-]?)+)"
)
S3_URI = re.compile(r"s3://[a-z0-9][-.a-z0-9]{1,61}[a-z0-9](?:/[-!_*'().a-z0-9A-Z]+(?:/[-!_*'().a-z0-9A-Z]+)*)?/?")
KMS_KEY_ID = re.compile(
    r"(arn:aws(-[^:]+)?:kms:[a-zA-Z0-9-]*:[0-9]{12}:((key/[a-zA-Z0-9-]{36})|(alias/[a-zA-Z0-9-_/]+)))"
    r"|([a-zA-Z0-9-]{36})|(alias/[a-zA-Z0-9-_/]+)"
)
ACCOUNT_ID = re.compile(r"[0-9]{12}")
VPC_ITEM = re.compile(r"[-0-9a-zA-Z]+")
JOB_IDENTIFIER = re.compile(
    r"((arn:aws(-[^:]+)?:bedrock:[a-z0-9-]{1,20}:[0-9]{12}:model-invocation-job/)?[a-z0-9]{12})"
)


@dataclass
class BatchConfig(Settings):
    """Knobs of the fake batch service; ``POST /_test/batch/config`` changes them at run time."""

    # How long each status lasts; None holds every job in each status until advanced or finished.
    step_seconds: float | None = 0.5
    # The "minimum number of records per batch inference job" quota, and its value for particular model ids.
    min_records: int = 100
    min_records_per_model: dict[str, int] = field(default_factory=dict)
    max_records: int = 50_000
    # "Sum of in-progress and submitted batch inference jobs using a base model".
    max_active_jobs: int = 20
    # ListModelInvocationJobs' page size when the request sets no maxResults.
    default_page_size: int = 10
    account: str = ACCOUNT
    region: str = DEFAULT_REGION

    def check(self, name: str, value: Any) -> None:
        if name == "step_seconds":
            if value is not None and (isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0):
                raise ValueError("step_seconds must be a number of seconds (not negative) or null")
        elif name == "min_records_per_model":
            if not isinstance(value, dict) or not all(isinstance(v, int) for v in value.values()):
                raise ValueError("min_records_per_model must map model ids to integers")
        elif name in ("account", "region"):
            if not isinstance(value, str):
                raise ValueError(f"{name} must be a string")
        elif isinstance(value, bool) or not isinstance(value, int) or value < (name == "default_page_size"):
            raise ValueError(f"{name} must be a non-negative integer (default_page_size: positive)")


def _union(checks: Checks, value: Any, where: str, member: str) -> dict[str, Any] | None:
    """The one member of a tagged union such as inputDataConfig, or None after recording why not."""
    if not isinstance(value, dict) or set(value) != {member} or not isinstance(value[member], dict):
        checks.fail(value, where, f"Member must set exactly one of the following keys: {member}")
        return None
    return value[member]


def _s3_config(checks: Checks, config: dict[str, Any], where: str, extra: dict[str, Any]) -> None:
    checks.string(config.get("s3Uri"), f"{where}.s3Uri", S3_URI, 1, 1024)
    if "s3BucketOwner" in config:
        checks.string(config["s3BucketOwner"], f"{where}.s3BucketOwner", ACCOUNT_ID)
    for name, (pattern, min_len, max_len) in extra.items():
        if name in config:
            checks.string(config[name], f"{where}.{name}", pattern, min_len, max_len)
    unknown = sorted(set(config) - {"s3Uri", "s3BucketOwner"} - set(extra) - {"s3InputFormat"})
    for name in unknown:
        checks.fail(config[name], f"{where}.{name}", "Member is not part of the shape")


def _vpc(checks: Checks, vpc: Any) -> None:
    if not isinstance(vpc, dict):
        checks.fail(vpc, "vpcConfig", "Member must be a structure")
        return
    for name, high in (("subnetIds", 16), ("securityGroupIds", 5)):
        items = vpc.get(name)
        if not isinstance(items, list) or not 1 <= len(items) <= high:
            checks.fail(items, f"vpcConfig.{name}", f"Member must have length between 1 and {high}")
            continue
        for index, item in enumerate(items, 1):
            checks.string(item, f"vpcConfig.{name}.{index}.member", VPC_ITEM, 0, 32)


def check_create(request: Any) -> None:
    """Raise ValidationException for a CreateModelInvocationJob body the service would refuse."""
    if not isinstance(request, dict):
        raise error("ValidationException", "The request body must be a JSON object.")
    checks = Checks()
    for name in ("jobName", "roleArn", "modelId", "inputDataConfig", "outputDataConfig"):
        if name not in request:
            checks.fail(None, name, "Member must not be null")
    checks.raise_any()
    checks.string(request["jobName"], "jobName", JOB_NAME, 1, 63)
    checks.string(request["roleArn"], "roleArn", ROLE_ARN, 0, 2048)
    checks.string(request["modelId"], "modelId", MODEL_ID, 1, 2048)
    if "clientRequestToken" in request:
        checks.string(request["clientRequestToken"], "clientRequestToken", TOKEN, 1, 256)
    config = _union(checks, request["inputDataConfig"], "inputDataConfig", "s3InputDataConfig")
    if config is not None:
        _s3_config(checks, config, "inputDataConfig.s3InputDataConfig", {})
        if "s3InputFormat" in config:
            checks.enum(config["s3InputFormat"], "inputDataConfig.s3InputDataConfig.s3InputFormat", ("JSONL",))
    config = _union(checks, request["outputDataConfig"], "outputDataConfig", "s3OutputDataConfig")
    if config is not None:
        if "s3InputFormat" in config:
            checks.fail(config["s3InputFormat"], "outputDataConfig.s3OutputDataConfig", "Member is not part of it")
        _s3_config(checks, config, "outputDataConfig.s3OutputDataConfig", {"s3EncryptionKeyId": (KMS_KEY_ID, 1, 2048)})
    if "vpcConfig" in request:
        _vpc(checks, request["vpcConfig"])
    if "timeoutDurationInHours" in request:
        checks.integer(request["timeoutDurationInHours"], "timeoutDurationInHours", 24, 168)
    if "tags" in request:
        check_tag_list(checks, request["tags"])
    if "modelInvocationType" in request:
        checks.enum(request["modelInvocationType"], "modelInvocationType", ("InvokeModel", "Converse"))
    known = {
        "jobName",
        "roleArn",
        "clientRequestToken",
        "modelId",
        "inputDataConfig",
        "outputDataConfig",
        "vpcConfig",
        "timeoutDurationInHours",
        "tags",
        "modelInvocationType",
    }
    checks.unknown(request, known, "CreateModelInvocationJob")
    checks.raise_any()


def check_identifier(identifier: str) -> None:
    checks = Checks()
    checks.string(identifier, "jobIdentifier", JOB_IDENTIFIER, 0, 1011)
    checks.raise_any()


def parse_timestamp(value: str, where: str) -> datetime.datetime:
    """An ISO-8601 query parameter (botocore sends e.g. ``2024-01-01T00:00:00Z``) or epoch seconds."""
    try:
        if re.fullmatch(r"\d+(\.\d+)?", value):
            return datetime.datetime.fromtimestamp(float(value), datetime.timezone.utc)
        parsed = datetime.datetime.fromisoformat(value.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        raise error("ValidationException", f"Value '{value}' at '{where}' is not a valid timestamp.") from None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=datetime.timezone.utc)


def check_list(query: dict[str, str]) -> dict[str, Any]:
    """The ListModelInvocationJobs query parameters, typed, or ValidationException."""
    checks = Checks()
    known = {
        "submitTimeAfter",
        "submitTimeBefore",
        "statusEquals",
        "nameContains",
        "maxResults",
        "nextToken",
        "sortBy",
        "sortOrder",
    }
    checks.unknown(query, known, "ListModelInvocationJobs")
    result: dict[str, Any] = {}
    if "statusEquals" in query:
        checks.enum(query["statusEquals"], "statusEquals", STATUSES)
    if "nameContains" in query:
        checks.string(query["nameContains"], "nameContains", JOB_NAME, 1, 63)
    checks.page(query, result)
    if "sortBy" in query:
        checks.enum(query["sortBy"], "sortBy", ("CreationTime",))
    if "sortOrder" in query:
        checks.enum(query["sortOrder"], "sortOrder", ("Ascending", "Descending"))
    checks.raise_any()
    for name in ("submitTimeAfter", "submitTimeBefore"):
        if name in query:
            result[name] = parse_timestamp(query[name], name)
    for name in ("statusEquals", "nameContains", "sortBy", "sortOrder"):
        if name in query:
            result[name] = query[name]
    return result
