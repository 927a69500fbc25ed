# -*- coding: utf-8 -*-

# Copyright: Contributors to the amazon.ai collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The options of amazon.ai's inference profile modules (bedrock_inference_profile and its _info): their argument
specs, their checks, the model source a task names, the CreateInferenceProfile request, a profile's normal form
and its description for the task result.

Nothing here calls AWS; inference_profile.py does, with these helpers.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any
from typing import Dict
from typing import List
from typing import NamedTuple
from typing import Optional

from ansible.module_utils.common.dict_transformations import camel_dict_to_snake_dict
from ansible_collections.amazon.aws.plugins.module_utils.arn import parse_aws_arn
from ansible_collections.amazon.aws.plugins.module_utils.botocore import normalize_boto3_result

from ansible_collections.amazon.ai.plugins.module_utils.common import BedrockParameterError
from ansible_collections.amazon.ai.plugins.module_utils.common import check_name
from ansible_collections.amazon.ai.plugins.module_utils.common import check_tags
from ansible_collections.amazon.ai.plugins.module_utils.common import client_request_token
from ansible_collections.amazon.ai.plugins.module_utils.tagging import build_tag_list
from ansible_collections.amazon.ai.plugins.module_utils.tagging import tags_options

# CreateInferenceProfile's limits (botocore's bedrock service model; patterns matched whole, as the service does).
NAME_PATTERN = re.compile(r"([0-9a-zA-Z][ _-]?)+")
MAX_NAME_LENGTH = 64
NAME_RULE = "letters and digits, each followed by at most one space, underscore or hyphen"
DESCRIPTION_PATTERN = re.compile(r"([0-9a-zA-Z:.][ _-]?)+")
MAX_DESCRIPTION_LENGTH = 200
DESCRIPTION_RULE = "letters, digits, ':' and '.', each followed by at most one space, underscore or hyphen"
MAX_ARN_LENGTH = 2048
# What an inference profile or model id may hold (the id part of copyFrom and inferenceProfileIdentifier).
ID_PATTERN = re.compile(r"[a-zA-Z0-9-:.]+")
# The geographies of system-defined (cross-Region) profile ids: us.anthropic..., global.amazon..., ...
GEOGRAPHIES = ("us", "us-gov", "eu", "apac", "jp", "au", "global")
FOUNDATION_MODEL = "foundation-model"
SYSTEM_PROFILE = "inference-profile"
APPLICATION_PROFILE = "application-inference-profile"
# The info module's type option, and the profile types it lists.
TYPES = {
    "application": ("APPLICATION",),
    "system_defined": ("SYSTEM_DEFINED",),
    "all": ("SYSTEM_DEFINED", "APPLICATION"),
}


def argument_spec() -> Dict[str, Any]:
    """bedrock_inference_profile's options (amazon.aws's connection options are added by AnsibleAWSModule)."""
    return dict(
        name=dict(type="str", required=True),
        state=dict(type="str", default="present", choices=["present", "absent"]),
        model_source=dict(type="str"),
        description=dict(type="str"),
        recreate=dict(type="bool", default=False),
        **tags_options(),
    )


def info_argument_spec() -> Dict[str, Any]:
    """bedrock_inference_profile_info's options."""
    return dict(
        name=dict(type="str"),
        identifier=dict(type="str", aliases=["id", "arn"]),
        type=dict(type="str", default="all", choices=list(TYPES)),
    )


def task_subject(params: Mapping) -> Optional[str]:
    """What a task is about, for the message of an invalid task."""
    name = params.get("name")
    return f"inference profile {name!r}" if isinstance(name, str) and name else None


class ModelSource(NamedTuple):
    """What a profile copies: kind (FOUNDATION_MODEL or SYSTEM_PROFILE), and identifier, its ARN, or the id of a
    system-defined profile named by id (its ARN holds the account, which Bedrock gives)."""

    kind: str
    identifier: str


def check_profile_name(name: Any, option: str = "name") -> None:
    check_name(option, name, NAME_PATTERN, MAX_NAME_LENGTH, "inference profile name", NAME_RULE)


def check_description(description: Any) -> None:
    if description is not None:
        check_name(
            "description",
            description,
            DESCRIPTION_PATTERN,
            MAX_DESCRIPTION_LENGTH,
            "profile description",
            DESCRIPTION_RULE,
        )


def check_profile_params(params: Mapping) -> None:
    """Refuse, naming the option, what Bedrock would refuse or what the task cannot mean; nothing is sent."""
    check_profile_name(params.get("name"))
    if params.get("state") == "absent":
        if params.get("recreate"):
            raise BedrockParameterError(
                "recreate applies to state=present only: a profile is deleted with state=absent"
            )
        return
    check_description(params.get("description"))
    if params.get("model_source") is not None:
        _split_model_source(params["model_source"])
    check_tags(params.get("tags"), what="an inference profile")


def _split_identifier(option: str, value: Any, what: str) -> Optional[Dict[str, Any]]:
    """None for an id of what; for an ARN its parts as parse_aws_arn gives them, {} when it is not a Bedrock ARN;
    BedrockParameterError naming option for anything else."""
    if not isinstance(value, str) or not value:
        raise BedrockParameterError(f"{option} must be {what} id or ARN, not {value!r}")
    if len(value) > MAX_ARN_LENGTH:
        raise BedrockParameterError(
            f"{option} is {len(value)} characters long; Bedrock accepts at most {MAX_ARN_LENGTH}"
        )
    if not value.startswith("arn:"):
        if not ID_PATTERN.fullmatch(value):
            raise BedrockParameterError(
                f"{option} {value!r} is not {what} id: ids hold letters, digits, '-', ':' and '.' only"
            )
        return None
    parts = parse_aws_arn(value)
    if not parts or parts["service"] != "bedrock" or not value.startswith(f"arn:{parts['partition']}:bedrock:"):
        return {}
    return parts


def _split_model_source(model_source: Any) -> Dict[str, Any]:
    """The parts of a model_source checked for its form: an ARN's (as parse_aws_arn gives them), or {} for an id."""
    parts = _split_identifier("model_source", model_source, "a model or inference profile")
    if parts is None:
        return {}
    if not parts:
        raise BedrockParameterError(
            f"model_source {model_source[:200]!r} is not a Bedrock ARN: give the ARN or id of a foundation model or of "
            "a system-defined inference profile"
        )
    kind = parts["resource_type"]
    if kind == APPLICATION_PROFILE:
        raise BedrockParameterError(
            f"model_source {model_source!r} is an application inference profile, which cannot be copied: give the "
            "foundation model or system-defined inference profile it copies"
        )
    if kind not in (FOUNDATION_MODEL, SYSTEM_PROFILE) or not ID_PATTERN.fullmatch(parts["resource_id"] or ""):
        raise BedrockParameterError(
            f"model_source {model_source!r} is not the ARN of a foundation model (arn:aws:bedrock:REGION::"
            "foundation-model/ID) or of a system-defined inference profile (arn:aws:bedrock:REGION:ACCOUNT:"
            "inference-profile/ID)"
        )
    return parts


def model_source(value: str, region: str, partition: str) -> ModelSource:
    """What model_source names, seen from the task's region (and partition), as CreateInferenceProfile takes it.

    A foundation model id becomes its ARN in region. An id starting with a geography (us., eu., apac., global., ...)
    names a system-defined profile, whose ARN Bedrock gives (it holds the account). An ARN is taken as it is, but
    one of another Region is refused: Bedrock copies only from the task's Region.
    """
    parts = _split_model_source(value)
    if not parts:
        if value.split(".", 1)[0] in GEOGRAPHIES and "." in value:
            return ModelSource(SYSTEM_PROFILE, value)
        return ModelSource(FOUNDATION_MODEL, f"arn:{partition}:bedrock:{region}::{FOUNDATION_MODEL}/{value}")
    if parts["region"] != region:
        raise BedrockParameterError(
            f"model_source {value!r} is in Region {parts['region'] or '(none)'!r}, but the task runs in {region!r}: "
            "Bedrock copies a model or profile of the task's Region only"
        )
    return ModelSource(parts["resource_type"], value)


def check_identifier(identifier: Any) -> None:
    """Refuse an info module's identifier that is neither an inference profile's id nor its ARN."""
    parts = _split_identifier("identifier", identifier, "an inference profile")
    if parts is not None and parts.get("resource_type") not in (SYSTEM_PROFILE, APPLICATION_PROFILE):
        raise BedrockParameterError(
            f"identifier {identifier[:200]!r} is not the ARN of an inference profile (arn:aws:bedrock:REGION:ACCOUNT:"
            "inference-profile/ID or application-inference-profile/ID)"
        )


def check_info_params(params: Mapping) -> None:
    if params.get("name") is not None:
        check_profile_name(params["name"])
    if params.get("identifier") is not None:
        check_identifier(params["identifier"])


def missing_create_options(params: Mapping) -> List[str]:
    """The options a create needs that the task leaves unset."""
    return [] if params.get("model_source") else ["model_source"]


def build_create_request(wanted: Mapping, source_arn: str) -> Dict[str, Any]:
    """CreateInferenceProfile's request (without its token) for a profile's wanted normal form, copying source_arn."""
    request: Dict[str, Any] = {"inferenceProfileName": wanted["inference_profile_name"]}
    if wanted.get("description") is not None:
        request["description"] = wanted["description"]
    request["modelSource"] = {"copyFrom": source_arn}
    if wanted.get("tags"):
        request["tags"] = build_tag_list(wanted["tags"])
    return request


def profile_token(request: Mapping, replaces: Optional[str] = None, answered: Optional[str] = None) -> str:
    """The client request token of a create: derived from the request, so that the same task sends the same token,
    and from what sets this create apart from an earlier one of the same request, which Bedrock may remember after
    its profile was deleted: the ARN of the profile it replaces (replaces), or of the deleted profile Bedrock
    answered the same token with (answered)."""
    fields = dict(request, replaces=replaces, answered=answered)
    return client_request_token(fields)


def normal_form(profile: Optional[Mapping], tags: Optional[Mapping]) -> Dict[str, Any]:
    """A profile as --diff shows it and the task compares it: name, description, the models it carries (sorted ARNs;
    Bedrock does not say what a profile was copied from) and tags. {} for none."""
    if not profile:
        return {}
    form: Dict[str, Any] = {"inference_profile_name": profile.get("inferenceProfileName")}
    if profile.get("description") is not None:
        form["description"] = profile["description"]
    form["models"] = sorted(model["modelArn"] for model in profile.get("models") or [])
    form["tags"] = dict(tags or {})
    return form


def wanted_form(params: Mapping, current: Mapping, models: Optional[List[str]], tags: Mapping) -> Dict[str, Any]:
    """The normal form the task asks for, from the current one (normal_form(), {} for none): what the task leaves
    unset stays as it is. models are the ARNs of the models the task's model_source carries (None: unset)."""
    wanted = dict(current, inference_profile_name=params["name"], tags=dict(tags))
    if params.get("description") is not None:
        wanted["description"] = params["description"]
    if models is not None:
        wanted["models"] = sorted(models)
    return wanted


def immutable_differences(current: Mapping, wanted: Mapping) -> List[str]:
    """What differs between two normal forms that Bedrock cannot change in place, as the task's options name it."""
    differences = []
    if current.get("models") != wanted.get("models"):
        differences.append(
            f"model_source (the profile carries {', '.join(current.get('models') or [])}; the task's model_source "
            f"carries {', '.join(wanted.get('models') or [])})"
        )
    if current.get("description") != wanted.get("description"):
        differences.append(f"description ({current.get('description')!r}, not {wanted.get('description')!r})")
    return differences


def differences_problem(name: str, differences: List[str]) -> str:
    """Why a task whose profile differs from the existing one (immutable_differences()) fails without recreate."""
    return (
        f"inference profile {name!r} exists with another {' and another '.join(differences)}, which Bedrock cannot "
        "change: set recreate=true to delete it and create it again (its ARN changes)"
    )


def missing_source_problem(name: str, exists: bool) -> str:
    """Why a task that must create the profile (anew, or in place of the existing one) fails without model_source."""
    if exists:
        return (
            f"recreating inference profile {name!r} needs model_source: Bedrock does not say what a profile was "
            "copied from"
        )
    return f"inference profile {name!r} does not exist, and creating it needs model_source"


def describe_profile(profile: Mapping, tags: Optional[Mapping] = None) -> Dict[str, Any]:
    """A profile (GetInferenceProfile's reply or a ListInferenceProfiles summary) for the task result, in snake_case,
    with its tags when they were read (tags None: not read)."""
    fields = {key: value for key, value in profile.items() if key != "ResponseMetadata"}
    described = camel_dict_to_snake_dict(normalize_boto3_result(fields))
    if tags is not None:
        described["tags"] = dict(tags)
    return described


def planned_profile(wanted: Mapping) -> Dict[str, Any]:
    """The result's description of a profile check mode would create, from its wanted normal form: what is known
    before Bedrock names it."""
    planned: Dict[str, Any] = {"inference_profile_name": wanted["inference_profile_name"], "type": "APPLICATION"}
    if wanted.get("description") is not None:
        planned["description"] = wanted["description"]
    planned["models"] = [{"model_arn": arn} for arn in wanted.get("models") or []]
    planned["tags"] = dict(wanted.get("tags") or {})
    return planned
