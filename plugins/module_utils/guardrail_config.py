# -*- coding: utf-8 -*-

# Copyright: Contributors to the amazon.ai collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""A guardrail in one normal form: from a task's options, from GetGuardrail's answer, and back to a request.

The normal form has the shape of the task's options (snake_case, no Config suffixes), with every default the service
fills in, enumerated values in upper case, and each policy's entries sorted by the field that identifies them; a
part the guardrail does not have is left out. Two normal forms are equal exactly when they configure the same
guardrail, whatever order a task or Bedrock lists things in, so the modules compare them to decide whether to send a
write, and show them as --diff's before and after.

- wanted_config() checks a task's options (BedrockParameterError naming the option) and puts the ones it sets in
  the normal form; None stands for a part the task removes (an empty policy, an empty description or KMS key).
- described_config() puts GetGuardrail's answer in the normal form (crossRegionDetails and kmsKeyArn included).
- merge_config() lays what the task asks over what the guardrail has: UpdateGuardrail replaces the whole
  configuration, so the request carries what the task leaves unset too.
- build_guardrail_request() turns a normal form into CreateGuardrail's or UpdateGuardrail's members, leaving out
  what equals the service's default, and guardrail_boto3_needs() says which boto3 that request needs.
- build_guardrail_result() shapes a guardrail for the task's result.

Pure functions, driven by guardrail_options.POLICIES: nothing here calls AWS.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any
from typing import Callable
from typing import Dict
from typing import Iterable
from typing import List
from typing import Optional
from typing import Tuple

from ansible_collections.amazon.aws.plugins.module_utils.botocore import normalize_boto3_result

from ansible_collections.amazon.ai.plugins.module_utils import guardrail_options as options
from ansible_collections.amazon.ai.plugins.module_utils.common import BedrockParameterError

# What a version is compared by: the configuration, not the description each version has of its own.
NOT_VERSIONED = ("description",)


def _default(field: options.Field, entry: Mapping) -> Any:
    default = field.default(entry) if callable(field.default) else field.default
    return list(default) if isinstance(default, list) else default


def _sort_key(entry: options.Entry) -> Callable[[Mapping], Tuple[str, str, str]]:
    """By the identifying field (folded, then as written), then by the whole entry: any order gives one order."""

    def key(item: Mapping) -> Tuple[str, str, str]:
        value = str(item.get(entry.key))
        return (value.casefold() if entry.fold else value, value, json.dumps(item, sort_keys=True, default=str))

    return key


def _normal_fields(
    fields: Tuple[options.Field, ...], given: Mapping, where: str, strict: bool, api: bool, require: bool = True
) -> Dict[str, Any]:
    """The fields of one entry (or plain policy) in the normal form: checked when strict, defaults filled in."""
    normal: Dict[str, Any] = {}
    for field in fields:
        value = given.get(field.api if api else field.option)
        if value is None:
            if strict and require and field.required and field.default is None:
                raise options.option_error(f"{where}.{field.option}", "is required")
            continue
        normal[field.option] = field.kind.normal(value, f"{where}.{field.option}", strict)
    for field in fields:
        if field.option not in normal and field.default is not None:
            normal[field.option] = _default(field, normal)
    return {field.option: normal[field.option] for field in fields if field.option in normal}


def _check_keys(given: Mapping, known: Tuple[str, ...], where: str) -> None:
    unknown = sorted(str(key) for key, value in given.items() if key not in known and value is not None)
    if unknown:
        raise options.option_error(where, f"has unknown keys {', '.join(unknown)}; it takes {', '.join(known)}")


def _normal_entries(
    member: options.ListMember, given: Any, where: str, strict: bool, api: bool
) -> List[Dict[str, Any]]:
    entry = member.entry
    if given is None:
        return []
    if not isinstance(given, list):
        if strict:
            raise options.option_error(where, f"must be a list, not {type(given).__name__}")
        return []
    entries = []
    for index, item in enumerate(given):
        at = f"{where}[{index}]"
        if isinstance(item, str) and entry.shorthand and not api:
            item = {entry.shorthand: item}
        if not isinstance(item, Mapping):
            if strict:
                allowed = "a string or a mapping" if entry.shorthand else "a mapping"
                raise options.option_error(at, f"must be {allowed}, not {type(item).__name__}")
            continue
        if strict:
            _check_keys(item, tuple(f.option for f in entry.fields), at)
        entries.append(_normal_fields(entry.fields, item, at, strict, api))
    if strict:
        if entry.unique:
            _check_unique(entries, entry, where)
        if member.high is not None and len(entries) > member.high:
            raise options.option_error(where, f"holds {len(entries)} entries; Bedrock takes at most {member.high}")
    return sorted(entries, key=_sort_key(entry))


def _check_unique(entries: List[Dict[str, Any]], entry: options.Entry, where: str) -> None:
    seen: Dict[str, int] = {}
    for index, item in enumerate(entries):
        value = str(item[entry.key])
        folded = value.casefold() if entry.fold else value
        if folded in seen:
            raise options.option_error(
                f"{where}[{index}].{entry.key}", f"{value!r} is given twice (also at [{seen[folded]}])"
            )
        seen[folded] = index


def normal_policy(policy: options.Policy, given: Any, strict: bool, api: bool = False) -> Optional[Dict[str, Any]]:
    """The normal form of one policy, or None when it configures nothing (no entries: the policy is removed).

    given is the task's option (strict: every value checked, BedrockParameterError naming the option) or, with api,
    the member of GetGuardrail's answer (lenient: values only put in the normal form's spelling).
    """
    where = policy.option
    if given is None:
        return None
    if not isinstance(given, Mapping):
        if strict:
            raise options.option_error(where, f"must be a mapping, not {type(given).__name__}")
        return None
    if strict:
        _check_keys(given, policy.members, where)
    normal: Dict[str, Any] = {}
    for member in policy.lists:
        value = given.get(member.answer if api else member.option)
        normal[member.option] = _normal_entries(member, value, f"{where}.{member.option}", strict, api)
    normal.update(_normal_fields(policy.fields, given, where, strict, api, require=False))
    if policy.tier_boto3:
        tier = given.get("tier")
        if api:
            tier = tier.get("tierName") if isinstance(tier, Mapping) else None
        normal["tier"] = (
            options.Choice(options.TIERS).normal(tier, f"{where}.tier", strict)
            if tier is not None
            else options.DEFAULT_TIER
        )
    if _is_empty(policy, normal):
        if strict:
            _check_empty(policy, given)
        return None
    if strict:
        # Required plain fields (automated reasoning's policies) are needed only once the policy is not empty.
        _normal_fields(policy.fields, given, where, strict, api)
    return normal


def _is_empty(policy: options.Policy, normal: Mapping) -> bool:
    if policy.lists:
        return not any(normal.get(member.option) for member in policy.lists)
    return not normal.get("policies")


def _check_empty(policy: options.Policy, given: Mapping) -> None:
    """A policy with no entries is removed, but only when nothing else in it asks for something."""
    extra = sorted(str(key) for key, value in given.items() if value is not None and value != [])
    if extra:
        needs = " or ".join(member.option for member in policy.lists) or "policies"
        raise options.option_error(
            policy.option,
            f"sets {', '.join(extra)} but no {needs}; give at least one, or {{}} to remove the policy",
        )


def build_policy_request(policy: options.Policy, normal: Mapping) -> Dict[str, Any]:
    """The request member (contentPolicyConfig, ...) for a policy's normal form, the service's defaults left out."""
    request: Dict[str, Any] = {}
    for member in policy.lists:
        entries = normal.get(member.option) or []
        if entries:
            request[member.request] = [_request_fields(member.entry.fields, entry) for entry in entries]
    request.update(_request_fields(policy.fields, normal))
    if policy.tier_boto3 and normal.get("tier", options.DEFAULT_TIER) != options.DEFAULT_TIER:
        request["tierConfig"] = {"tierName": normal["tier"]}
    return request


def _request_fields(fields: Tuple[options.Field, ...], normal: Mapping) -> Dict[str, Any]:
    request = {}
    for field in fields:
        value = normal.get(field.option)
        if value is None or (not field.required and value == _default(field, normal)):
            continue
        request[field.api] = value
    return request


def policy_boto3_needs(policy: options.Policy, request: Mapping) -> List[Tuple[str, str]]:
    """(boto3 version, reason) for each member of a policy's request that needs a boto3 newer than the API's first."""
    needs = []
    if policy.boto3:
        needs.append((policy.boto3, f"to use {policy.option}"))
    if "tierConfig" in request and policy.tier_boto3:
        needs.append((policy.tier_boto3, f"to use {policy.option}.tier"))
    for member in policy.lists:
        for entry in request.get(member.request) or []:
            needs.extend(_field_needs(member.entry.fields, entry, f"{policy.option}.{member.option}"))
    needs.extend(_field_needs(policy.fields, request, policy.option))
    return needs


def _field_needs(fields: Tuple[options.Field, ...], request: Mapping, where: str) -> List[Tuple[str, str]]:
    return [(f.boto3, f"to use {where}.{f.option}") for f in fields if f.boto3 and f.api in request]


def profile_id(identifier: str) -> str:
    """A guardrail profile's ID, from its ID or ARN (arn:...:guardrail-profile/ID)."""
    return identifier.rsplit("guardrail-profile/", 1)[-1]


def _optional_text(params: Mapping, option: str, kind: options.Text) -> Tuple[bool, Optional[str]]:
    """(set, value) of an option that an empty string removes."""
    value = params.get(option)
    if value is None:
        return False, None
    if value == "":
        return True, None
    return True, kind.normal(value, option, True)


def wanted_config(params: Mapping) -> Dict[str, Any]:
    """What the task asks of the guardrail, in the normal form: the options it sets, None for a part it removes.

    Every option the task sets is checked first; BedrockParameterError names the first that Bedrock would refuse.
    """
    wanted: Dict[str, Any] = {"name": options.NAME.normal(params.get("name"), "name", True)}
    for option, kind in (("description", options.DESCRIPTION), ("kms_key_id", options.KMS_KEY)):
        given, value = _optional_text(params, option, kind)
        if given:
            wanted[option] = value
    for option, dummy in options.MESSAGES:
        if params.get(option) is not None:
            wanted[option] = options.MESSAGING.normal(params[option], option, True)
    cross_region = params.get("cross_region_config")
    if cross_region is not None:
        identifier = cross_region.get("guardrail_profile_identifier") if isinstance(cross_region, Mapping) else None
        if identifier is None:
            wanted["cross_region_config"] = None
        else:
            identifier = options.PROFILE.normal(identifier, "cross_region_config.guardrail_profile_identifier", True)
            wanted["cross_region_config"] = {"guardrail_profile_identifier": profile_id(identifier)}
    for policy in options.POLICIES:
        if params.get(policy.option) is not None:
            wanted[policy.option] = normal_policy(policy, params[policy.option], strict=True)
    return wanted


def described_config(answer: Mapping) -> Dict[str, Any]:
    """GetGuardrail's answer (for the DRAFT or a version) in the normal form."""
    config: Dict[str, Any] = {"name": answer.get("name")}
    if answer.get("description"):
        config["description"] = answer["description"]
    for option, member in options.MESSAGES:
        config[option] = answer.get(member)
    if answer.get("kmsKeyArn"):
        config["kms_key_id"] = answer["kmsKeyArn"]
    details = answer.get("crossRegionDetails")
    details = details if isinstance(details, Mapping) else {}
    identifier = details.get("guardrailProfileId") or details.get("guardrailProfileArn")
    if identifier:
        config["cross_region_config"] = {"guardrail_profile_identifier": profile_id(identifier)}
    for policy in options.POLICIES:
        normal = normal_policy(policy, answer.get(policy.answer), strict=False, api=True)
        if normal is not None:
            config[policy.option] = normal
    return config


def merge_config(current: Mapping, wanted: Mapping) -> Dict[str, Any]:
    """The guardrail once the task's wishes are made: wanted over current, a None in wanted removing that part."""
    merged = dict(current)
    for option, value in wanted.items():
        if value is None:
            merged.pop(option, None)
        else:
            merged[option] = value
    return merged


def same_kms_key(given: str, current_arn: str, resolved_arn: Optional[str] = None) -> Optional[bool]:
    """Whether a task's KMS key (ID, key ARN, alias or alias ARN) is the key whose ARN the guardrail shows.

    An alias is compared by the key ARN it resolves to (resolved_arn, from KMS); None when that is unknown.
    """
    if given == current_arn:
        return True
    if "alias/" in given:
        return None if resolved_arn is None else resolved_arn == current_arn
    if given.startswith("arn:"):
        return False
    return current_arn.endswith(f":key/{given}")


def check_config(config: Mapping, creating: bool) -> None:
    """Refuse a guardrail Bedrock would refuse as a whole (once the task's wishes are laid over what it has)."""
    missing = [option for option, dummy in options.MESSAGES if not config.get(option)]
    if creating and missing:
        raise BedrockParameterError(
            f"{' and '.join(missing)} {'are' if len(missing) > 1 else 'is'} needed to create guardrail "
            f"{config['name']!r}"
        )
    if "cross_region_config" not in config:
        for policy in options.POLICIES:
            if (config.get(policy.option) or {}).get("tier", options.DEFAULT_TIER) != options.DEFAULT_TIER:
                raise BedrockParameterError(
                    f"{policy.option}.tier {config[policy.option]['tier']} needs cross_region_config: Bedrock's "
                    f"{'/'.join(t for t in options.TIERS if t != options.DEFAULT_TIER)} tier runs on cross-Region inference"
                )


def build_guardrail_request(config: Mapping) -> Dict[str, Any]:
    """CreateGuardrail's or UpdateGuardrail's members for a normal form (identifier, tags and token aside)."""
    request: Dict[str, Any] = {"name": config["name"]}
    if config.get("description"):
        request["description"] = config["description"]
    for option, member in options.MESSAGES:
        if config.get(option) is not None:
            request[member] = config[option]
    if config.get("kms_key_id"):
        request["kmsKeyId"] = config["kms_key_id"]
    if config.get("cross_region_config"):
        request["crossRegionConfig"] = {
            "guardrailProfileIdentifier": config["cross_region_config"]["guardrail_profile_identifier"]
        }
    for policy in options.POLICIES:
        if config.get(policy.option):
            request[policy.request] = build_policy_request(policy, config[policy.option])
    return request


def guardrail_boto3_needs(request: Mapping) -> List[Tuple[str, str]]:
    """(boto3 version, reason naming the option) for what a request uses beyond the guardrail API's first release."""
    needs = [(options.CROSS_REGION_BOTO3, "to use cross_region_config")] if "crossRegionConfig" in request else []
    for policy in options.POLICIES:
        if policy.request in request:
            needs.extend(policy_boto3_needs(policy, request[policy.request]))
    return needs


def config_differences(before: Mapping, after: Mapping, ignore: Iterable[str] = ()) -> List[str]:
    """The options (top level) whose normal forms differ, in option order."""
    skip = set(ignore)
    options = list(dict.fromkeys([*before, *after]))
    return [option for option in options if option not in skip and before.get(option) != after.get(option)]


def version_number(version: Any) -> int:
    """A version's number for sorting (DRAFT before every numbered version)."""
    return int(version) if str(version).isdigit() else 0


def build_guardrail_result(
    answer: Mapping, tags: Mapping, versions: Iterable[str], config: Optional[Mapping] = None
) -> Dict[str, Any]:
    """The task result's guardrail: identity and status, the configuration in the normal form, tags and versions.

    config is the answer's normal form when the caller has it already. The KMS key shows as kms_key_arn.
    """
    config = dict(config if config is not None else described_config(answer))
    kms_key_arn = config.pop("kms_key_id", None)
    result: Dict[str, Any] = {
        "guardrail_id": answer.get("guardrailId"),
        "guardrail_arn": answer.get("guardrailArn"),
        "version": answer.get("version"),
        "status": answer.get("status"),
        **config,
    }
    if kms_key_arn:
        result["kms_key_arn"] = kms_key_arn
    result["status_reasons"] = list(answer.get("statusReasons") or [])
    result["failure_recommendations"] = list(answer.get("failureRecommendations") or [])
    result.update(
        normalize_boto3_result({"created_at": answer.get("createdAt"), "updated_at": answer.get("updatedAt")})
    )
    result["tags"] = dict(tags)
    result["versions"] = sorted((str(v) for v in versions), key=version_number)
    return result
