# -*- coding: utf-8 -*-

# Copyright: Contributors to the amazon.ai collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Model invocation logging: the one configuration per account and region that bedrock_model_invocation_logging
manages (Put/Get/DeleteModelInvocationLoggingConfiguration).

The configuration is compared in one normal form, the shape of the module's options: ``cloudwatch`` (with
``log_group_name``, ``role_arn`` and maybe ``large_data_delivery_s3``), ``s3`` (``bucket_name``, maybe
``key_prefix``), and a boolean ``<kind>_data_delivery`` for each kind of data the task's boto3 can send; a
destination that is not configured is left out, an empty key prefix is no key prefix, and no configuration at all
is ``{}``. The task states the whole configuration it wants: a destination it does not give is removed, a kind of
data it does not set is logged. check_logging_options() refuses, naming the option, whatever the service would
(moto, which the tests run against, checks nothing).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any
from typing import Callable
from typing import Dict
from typing import Iterable
from typing import List
from typing import Optional
from typing import Tuple

from ansible_collections.amazon.ai.plugins.module_utils.clients import retrying_client
from ansible_collections.amazon.ai.plugins.module_utils.common import BedrockParameterError
from ansible_collections.amazon.ai.plugins.module_utils.common import check_bucket_name
from ansible_collections.amazon.ai.plugins.module_utils.common import check_name
from ansible_collections.amazon.ai.plugins.module_utils.common import check_role_arn
from ansible_collections.amazon.ai.plugins.module_utils.tasks import Progress
from ansible_collections.amazon.ai.plugins.module_utils.versions import require_boto3_for

# The kinds of data a configuration logs, each an option <kind>_data_delivery and a member <kind>DataDeliveryEnabled.
DATA_KINDS: Tuple[str, ...] = ("text", "image", "embedding", "video", "audio")
# The first boto3 release whose botocore sends a kind's member (botocore's bedrock service models); the others are
# in every boto3 the collection supports.
DATA_KIND_BOTO3 = {"video": "1.35.74", "audio": "1.42.1"}

# botocore's bedrock model: LogGroupName, KeyPrefix and BucketName; CloudWatch Logs' own LogGroupName pattern.
MAX_LOG_GROUP_NAME_LENGTH = 512
LOG_GROUP_NAME_PATTERN = re.compile(r"[.\-_/#A-Za-z0-9]+")
MAX_KEY_PREFIX_LENGTH = 1024


def delivery_option(kind: str) -> str:
    """The option that says whether a kind of data is logged: text_data_delivery, ..."""
    return f"{kind}_data_delivery"


def _delivery_member(kind: str) -> str:
    return f"{kind}DataDeliveryEnabled"


def _s3_options() -> Dict[str, Any]:
    return {"bucket_name": {"type": "str", "required": True}, "key_prefix": {"type": "str", "no_log": False}}


def logging_argument_spec() -> Dict[str, Any]:
    """bedrock_model_invocation_logging's options (its action plugin derives its checks from them too)."""
    cloudwatch = {
        "log_group_name": {"type": "str", "required": True},
        "role_arn": {"type": "str", "required": True},
        "large_data_delivery_s3": {"type": "dict", "options": _s3_options()},
    }
    spec: Dict[str, Any] = {
        "state": {"type": "str", "default": "present", "choices": ["present", "absent"]},
        "cloudwatch": {"type": "dict", "options": cloudwatch},
        "s3": {"type": "dict", "options": _s3_options()},
    }
    spec.update((delivery_option(kind), {"type": "bool"}) for kind in DATA_KINDS)
    return spec


def sendable_kinds(boto3_at_least: Callable[[str], bool]) -> Tuple[str, ...]:
    """The kinds of data whose member the task's boto3 can send (boto3_at_least: the module's own check)."""
    return tuple(kind for kind in DATA_KINDS if kind not in DATA_KIND_BOTO3 or boto3_at_least(DATA_KIND_BOTO3[kind]))


def logging_boto3_needs(params: Mapping) -> List[Tuple[str, str]]:
    """(boto3 version, reason) for each option the task sets, true or false, that a newer boto3 sends."""
    return [
        (version, f"to set {delivery_option(kind)}")
        for kind, version in DATA_KIND_BOTO3.items()
        if params.get(delivery_option(kind)) is not None
    ]


def _check_key_prefix(option: str, prefix: Optional[str]) -> None:
    if prefix is not None and len(prefix) > MAX_KEY_PREFIX_LENGTH:
        raise BedrockParameterError(
            f"{option} is {len(prefix)} characters long; Bedrock takes at most {MAX_KEY_PREFIX_LENGTH}"
        )


def _check_s3(option: str, s3: Mapping) -> None:
    check_bucket_name(f"{option}.bucket_name", s3.get("bucket_name"))
    _check_key_prefix(f"{option}.key_prefix", s3.get("key_prefix"))


def check_logging_options(params: Mapping) -> None:
    """Refuse, naming the option, a task whose configuration Bedrock would refuse; nothing is sent before this."""
    if params.get("state") == "absent":
        given = [
            name for name in (*DESTINATION_FIELDS, *map(delivery_option, DATA_KINDS)) if params.get(name) is not None
        ]
        if given:
            raise BedrockParameterError(
                f"state=absent deletes the configuration, so {', '.join(given)} cannot be set with it"
            )
        return
    if not any(params.get(name) for name in DESTINATION_FIELDS):
        raise BedrockParameterError("invocation logs need a destination: set cloudwatch, s3, or both")
    cloudwatch = params.get("cloudwatch")
    if cloudwatch:
        check_name(
            "cloudwatch.log_group_name",
            cloudwatch.get("log_group_name"),
            LOG_GROUP_NAME_PATTERN,
            MAX_LOG_GROUP_NAME_LENGTH,
            "log group name",
            "letters, digits and . - _ / # only",
        )
        check_role_arn(cloudwatch.get("role_arn"), "cloudwatch.role_arn")
        if cloudwatch.get("large_data_delivery_s3"):
            _check_s3("cloudwatch.large_data_delivery_s3", cloudwatch["large_data_delivery_s3"])
    if params.get("s3"):
        _check_s3("s3", params["s3"])


# The destinations: each option's API member, and the fields within it, as (member, fields or None).
_S3_FIELDS: Dict[str, Tuple[str, Any]] = {"bucket_name": ("bucketName", None), "key_prefix": ("keyPrefix", None)}
DESTINATION_FIELDS: Dict[str, Tuple[str, Any]] = {
    "cloudwatch": (
        "cloudWatchConfig",
        {
            "log_group_name": ("logGroupName", None),
            "role_arn": ("roleArn", None),
            "large_data_delivery_s3": ("largeDataDeliveryS3Config", _S3_FIELDS),
        },
    ),
    "s3": ("s3Config", _S3_FIELDS),
}


def _destinations(source: Mapping, fields: Mapping, from_api: bool, to_api: bool) -> Dict[str, Any]:
    """The destinations source holds (keyed by API members, from_api, or by options), keyed as to_api says, without
    what is unset or empty: a destination not configured, an empty key prefix."""
    result: Dict[str, Any] = {}
    for option, (member, inner) in fields.items():
        value = source.get(member if from_api else option)
        if inner is not None and value:
            value = _destinations(value, inner, from_api, to_api)
        if value:
            result[member if to_api else option] = value
    return result


def desired_logging_config(params: Mapping, kinds: Iterable[str]) -> Dict[str, Any]:
    """The configuration a task with state=present states, in the normal form (kinds: sendable_kinds())."""
    config = _destinations(params, DESTINATION_FIELDS, from_api=False, to_api=False)
    for kind in kinds:
        value = params.get(delivery_option(kind))
        config[delivery_option(kind)] = True if value is None else bool(value)
    return config


def normal_logging_config(logging_config: Optional[Mapping], kinds: Iterable[str]) -> Dict[str, Any]:
    """GetModelInvocationLoggingConfiguration's loggingConfig in the normal form; {} when there is none.

    The service leaves loggingConfig out when none is set (moto answers {}); a kind it leaves out is not logged.
    """
    if not logging_config:
        return {}
    config = _destinations(logging_config, DESTINATION_FIELDS, from_api=True, to_api=False)
    for kind in kinds:
        config[delivery_option(kind)] = bool(logging_config.get(_delivery_member(kind)))
    return config


def build_logging_request(config: Mapping) -> Dict[str, Any]:
    """PutModelInvocationLoggingConfiguration's loggingConfig for a configuration in the normal form."""
    request = _destinations(config, DESTINATION_FIELDS, from_api=False, to_api=True)
    for kind in DATA_KINDS:
        if delivery_option(kind) in config:
            request[_delivery_member(kind)] = config[delivery_option(kind)]
    return request


def manage_logging(module: Any, progress: Progress) -> Dict[str, Any]:
    """bedrock_model_invocation_logging's work: read, compare in the normal form, and write only what differs."""
    params = module.params
    check_logging_options(params)
    require_boto3_for(module, gates=[], needs=logging_boto3_needs(params))
    kinds = sendable_kinds(module.boto3_at_least)
    client = retrying_client(module, "bedrock")
    progress.action = "read the Bedrock model invocation logging configuration"
    reply = client.get_model_invocation_logging_configuration(aws_retry=True)
    current = normal_logging_config(reply.get("loggingConfig"), kinds)
    desired = desired_logging_config(params, kinds) if params["state"] == "present" else {}
    changed = current != desired
    if changed and not module.check_mode:
        if desired:
            progress.action = "put the Bedrock model invocation logging configuration"
            client.put_model_invocation_logging_configuration(
                loggingConfig=build_logging_request(desired), aws_retry=True
            )
        else:
            progress.action = "delete the Bedrock model invocation logging configuration"
            client.delete_model_invocation_logging_configuration(aws_retry=True)
    return {"changed": changed, "logging_config": desired, **module.diff(current, desired)}
