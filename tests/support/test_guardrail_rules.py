# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Tests of the fake guardrail API's request checks (guardrail_rules.py, guardrail_apply.py's) and settings: the
shapes are botocore's, member for member, and each rule refuses what the service refuses, worded as it words it.
"""

from __future__ import annotations

import copy
import re
from typing import Any

import pytest

from .fake_bedrock.control_plane import Flag
from .fake_bedrock.control_plane import Items
from .fake_bedrock.control_plane import Number
from .fake_bedrock.control_plane import OneOf
from .fake_bedrock.control_plane import ServiceError
from .fake_bedrock.control_plane import Struct
from .fake_bedrock.control_plane import Text
from .fake_bedrock.guardrail_apply import APPLY_GUARDRAIL
from .fake_bedrock.guardrail_rules import CREATE_GUARDRAIL
from .fake_bedrock.guardrail_rules import CREATE_VERSION
from .fake_bedrock.guardrail_rules import GUARDRAIL_IDENTIFIER
from .fake_bedrock.guardrail_rules import GUARDRAIL_VERSION
from .fake_bedrock.guardrail_rules import NUMERICAL_VERSION
from .fake_bedrock.guardrail_rules import STATUSES
from .fake_bedrock.guardrail_rules import UPDATE_GUARDRAIL
from .fake_bedrock.guardrail_rules import check_guardrail
from .fake_bedrock.guardrail_rules import check_list
from .fake_bedrock.guardrail_rules import check_version
from .fake_bedrock.guardrail_store import GuardrailConfig
from .guardrail_helpers import EVERY_POLICY
from .guardrail_helpers import MESSAGES
from .guardrail_helpers import service_model

# Where the fake is stricter than the model, because the service is (its documentation says so).
STRICTER = {
    "contextualGroundingPolicyConfig.filtersConfig[].threshold": "the documented range is 0 to 0.99",
    "content": "the service refuses a request with no content",
}


def _compare(mine: Any, shape: Any, where: str) -> None:
    """Fail where a shape of the fake differs from botocore's: members, required, lengths, patterns, enums."""
    kind = shape.type_name
    if isinstance(mine, Struct):
        members = {name for name, item in shape.members.items() if "location" not in item.serialization}
        assert set(mine.members) == members, f"{where}: {sorted(set(mine.members) ^ members)}"
        required = {name for name in shape.required_members if name in members}
        assert set(mine.required) == required, where
        assert mine.union == bool(shape.metadata.get("union")), where
        for name, item in mine.members.items():
            if not (where == "" and name == "tags"):  # tagging.py checks tags, for every resource.
                _compare(item, shape.members[name], f"{where}.{name}".lstrip("."))
    elif isinstance(mine, Items):
        assert kind == "list", where
        if where not in STRICTER:
            assert (mine.min_len, mine.max_len) == (shape.metadata.get("min", 0), shape.metadata.get("max")), where
        _compare(mine.item, shape.member, f"{where}[]")
    elif isinstance(mine, OneOf):
        assert kind == "string" and mine.values == tuple(shape.enum), where
    elif isinstance(mine, Text):
        assert kind in ("string", "blob") and not getattr(shape, "enum", None), where
        assert (mine.min_len, mine.max_len) == (shape.metadata.get("min", 0), shape.metadata.get("max")), where
        assert (mine.pattern.pattern if mine.pattern else None) == shape.metadata.get("pattern"), where
    elif isinstance(mine, Number):
        assert kind in ("double", "integer"), where
        assert mine.low == shape.metadata.get("min"), where
        if where not in STRICTER:
            assert mine.high == shape.metadata.get("max"), where
    else:
        assert isinstance(mine, Flag) and kind == "boolean", where


@pytest.mark.parametrize(
    "service, operation, mine",
    [
        ("bedrock", "CreateGuardrail", CREATE_GUARDRAIL),
        ("bedrock", "UpdateGuardrail", UPDATE_GUARDRAIL),
        ("bedrock", "CreateGuardrailVersion", CREATE_VERSION),
        ("bedrock-runtime", "ApplyGuardrail", APPLY_GUARDRAIL),
    ],
)
def test_the_request_shapes_are_botocores(service: str, operation: str, mine: Struct) -> None:
    _compare(mine, service_model(service).operation_model(operation).input_shape, "")


def test_the_path_and_query_patterns_and_statuses_are_botocores() -> None:
    bedrock = service_model("bedrock")
    get = bedrock.operation_model("GetGuardrail").input_shape.members
    assert GUARDRAIL_IDENTIFIER.pattern == get["guardrailIdentifier"].metadata["pattern"]
    assert GUARDRAIL_VERSION.pattern == get["guardrailVersion"].metadata["pattern"]
    delete = bedrock.operation_model("DeleteGuardrail").input_shape.members
    assert NUMERICAL_VERSION.pattern == delete["guardrailVersion"].metadata["pattern"]
    assert STATUSES == tuple(bedrock.operation_model("GetGuardrail").output_shape.members["status"].enum)
    apply = service_model("bedrock-runtime").operation_model("ApplyGuardrail").input_shape.members
    # The runtime's patterns also allow nothing (the account's enforced guardrail).
    assert apply["guardrailIdentifier"].metadata["pattern"] == f"(|{GUARDRAIL_IDENTIFIER.pattern[1:]}"
    assert apply["guardrailVersion"].metadata["pattern"] == f"(|{GUARDRAIL_VERSION.pattern[1:]}"


def _valid() -> dict[str, Any]:
    return {"name": "valid-name_1", **MESSAGES, **copy.deepcopy(EVERY_POLICY)}


def _with(path: str, value: Any) -> dict[str, Any]:
    """A valid request with the member at a dotted path (list indexes as numbers) set, or removed for ...)."""
    request = _valid()
    *parents, last = [int(part) if part.isdigit() else part for part in path.split(".")]
    target: Any = request
    for part in parents:
        target = target[part]
    if value is Ellipsis:
        del target[last]
    else:
        target[last] = value
    return request


_FILTER = {"type": "SEXUAL", "inputStrength": "LOW", "outputStrength": "LOW"}
_TOPIC = {"name": "Topic", "definition": "A topic.", "type": "DENY"}
CASES = [
    ("name", "has space", "name", "Member must satisfy regular expression pattern: [0-9a-zA-Z-_]+"),
    ("name", "n" * 51, "name", "Member must have length less than or equal to 50"),
    ("description", "d" * 201, "description", "less than or equal to 200"),
    ("blockedInputMessaging", "m" * 501, "blockedInputMessaging", "less than or equal to 500"),
    ("blockedOutputsMessaging", ..., "blockedOutputsMessaging", "Member must not be null"),
    ("colour", "blue", "colour", "Member is not part of the request"),
    ("contentPolicyConfig.filtersConfig.0.type", "GORE", "contentPolicyConfig.filtersConfig.1.member.type", "enum"),
    ("contentPolicyConfig.filtersConfig.0.severity", "HIGH", "filtersConfig.1.member.severity", "not part"),
    ("contentPolicyConfig.filtersConfig.0.inputModalities", ["AUDIO"], "inputModalities.1.member", "[TEXT, IMAGE]"),
    ("contentPolicyConfig.filtersConfig.0.inputEnabled", "yes", "filtersConfig.1.member.inputEnabled", "boolean"),
    ("contentPolicyConfig.filtersConfig.0.outputAction", "ANONYMIZE", "outputAction", "[BLOCK, NONE]"),
    ("contentPolicyConfig.filtersConfig", [_FILTER] * 7, "contentPolicyConfig.filtersConfig", "or equal to 6"),
    ("contentPolicyConfig.filtersConfig.2.type", "VIOLENCE", "filtersConfig.3.member.type", "type given twice"),
    ("contentPolicyConfig.filtersConfig.1.outputStrength", "LOW", "filtersConfig.2.member.outputStrength", "NONE"),
    ("contentPolicyConfig.tierConfig.tierName", "GOLD", "contentPolicyConfig.tierConfig.tierName", "[CLASSIC, "),
    ("crossRegionConfig", ..., "contentPolicyConfig.tierConfig.tierName", "STANDARD tier requires a crossRegion"),
    ("topicPolicyConfig.topicsConfig.0.name", "a/b", "topicsConfig.1.member.name", "[0-9a-zA-Z-_ !?.]+"),
    ("topicPolicyConfig.topicsConfig.0.type", "ALLOW", "topicsConfig.1.member.type", "[DENY]"),
    ("topicPolicyConfig.topicsConfig.1.examples", ["e"] * 6, "topicsConfig.2.member.examples", "or equal to 5"),
    ("topicPolicyConfig.topicsConfig.1.name", "INVESTMENT ADVICE", "topicsConfig.2.member.name", "name given twice"),
    ("topicPolicyConfig.topicsConfig", [_TOPIC] * 31, "topicPolicyConfig.topicsConfig", "or equal to 30"),
    ("wordPolicyConfig.wordsConfig.0.text", "w" * 101, "wordsConfig.1.member.text", "or equal to 100"),
    ("wordPolicyConfig.managedWordListsConfig.0.type", "SLURS", "managedWordListsConfig.1.member.type", "[PROFANITY]"),
    ("wordPolicyConfig", {}, "wordPolicyConfig", "at least one of the following keys: wordsConfig"),
    ("sensitiveInformationPolicyConfig", {}, "sensitiveInformationPolicyConfig", "at least one of the following"),
    ("sensitiveInformationPolicyConfig.piiEntitiesConfig.0.type", "SSN", "piiEntitiesConfig.1.member.type", "EMAIL"),
    (
        "sensitiveInformationPolicyConfig.piiEntitiesConfig.0.action",
        "MASK",
        "member.action",
        "[BLOCK, ANONYMIZE, NONE]",
    ),
    ("sensitiveInformationPolicyConfig.piiEntitiesConfig.2.type", "EMAIL", "piiEntitiesConfig.3.member.type", "twice"),
    (
        "sensitiveInformationPolicyConfig.regexesConfig.0.pattern",
        "(",
        "regexesConfig.1.member.pattern",
        "valid regular",
    ),
    ("sensitiveInformationPolicyConfig.regexesConfig.0.pattern", "p" * 501, "member.pattern", "or equal to 500"),
    ("sensitiveInformationPolicyConfig.regexesConfig.0.description", "d" * 1001, "member.description", "1000"),
    ("contextualGroundingPolicyConfig.filtersConfig.0.threshold", 1.0, "member.threshold", "or equal to 0.99"),
    ("contextualGroundingPolicyConfig.filtersConfig.0.threshold", -0.1, "member.threshold", "greater than or equal"),
    ("contextualGroundingPolicyConfig.filtersConfig.0.threshold", True, "member.threshold", "Member must be a number"),
    ("contextualGroundingPolicyConfig.filtersConfig.1.type", "RELEVANCE", "filtersConfig.2.member.type", "twice"),
    ("contextualGroundingPolicyConfig.filtersConfig.0.enabled", 1, "filtersConfig.1.member.enabled", "boolean"),
    ("crossRegionConfig.guardrailProfileIdentifier", "us.guardrail", "guardrailProfileIdentifier", "greater than"),
    ("crossRegionConfig.guardrailProfileIdentifier", "us.guardrail.vone", "guardrailProfileIdentifier", "pattern"),
    ("kmsKeyId", "not-a-key", "kmsKeyId", "Member must satisfy regular expression pattern"),
    ("automatedReasoningPolicyConfig", {"policies": ["arn:aws:s3:::x"]}, "policies.1.member", "pattern"),
    (
        "automatedReasoningPolicyConfig",
        {"policies": ["arn:aws:bedrock:us-east-1:123456789012:automated-reasoning-policy/abcdefghijkl"], "x": 1},
        "automatedReasoningPolicyConfig.x",
        "not part",
    ),
    ("clientRequestToken", "-starts-with-a-dash", "clientRequestToken", "pattern"),
]


@pytest.mark.parametrize("path, value, where, constraint", CASES)
def test_each_rule_refuses_what_the_service_refuses(path: str, value: Any, where: str, constraint: str) -> None:
    with pytest.raises(ServiceError) as info:
        check_guardrail(_with(path, value), create=True)
    error = info.value
    assert (error.status, error.code) == (400, "ValidationException")
    assert error.message.startswith("1 validation error detected: Value '"), error.message
    found = re.search(r"at '([^']*)' failed to satisfy constraint: (.*)$", error.message)
    assert found and found.group(1).endswith(where) and constraint in found.group(2), error.message


def test_every_policy_and_member_is_accepted() -> None:
    check_guardrail({**_valid(), "clientRequestToken": "a-token-1", "tags": [{"key": "k", "value": "v"}]}, create=True)
    check_guardrail(_valid(), create=False)


def test_failures_are_counted_and_joined() -> None:
    request = _with("name", "bad name")
    request["kmsKeyId"] = "nope"
    with pytest.raises(ServiceError) as info:
        check_guardrail(request, create=True)
    assert info.value.message.startswith("2 validation errors detected: Value 'bad name' at 'name'")
    assert "; Value 'nope' at 'kmsKeyId'" in info.value.message


def test_an_update_takes_neither_tags_nor_a_token() -> None:
    for member, value in (("tags", []), ("clientRequestToken", "token-1")):
        with pytest.raises(ServiceError) as info:
            check_guardrail({**_valid(), member: value}, create=False)
        assert f"at '{member}' failed to satisfy constraint: Member is not part of the request" in info.value.message


@pytest.mark.parametrize(
    "query, expected",
    [
        ({}, {}),
        ({"maxResults": "7", "nextToken": "abc"}, {"maxResults": 7, "nextToken": "abc"}),
        ({"guardrailIdentifier": "abc123", "other": "ignored"}, {"guardrailIdentifier": "abc123"}),
    ],
)
def test_list_queries_are_typed(query: dict[str, str], expected: dict[str, Any]) -> None:
    assert check_list(query) == expected


@pytest.mark.parametrize(
    "query, where",
    [
        ({"maxResults": "0"}, "maxResults"),
        ({"maxResults": "1001"}, "maxResults"),
        ({"maxResults": "many"}, "maxResults"),
        ({"nextToken": "has space"}, "nextToken"),
        ({"guardrailIdentifier": "UPPER"}, "guardrailIdentifier"),
    ],
)
def test_bad_list_queries_are_refused(query: dict[str, str], where: str) -> None:
    with pytest.raises(ServiceError) as info:
        check_list(query)
    assert f"at '{where}'" in info.value.message


@pytest.mark.parametrize(
    "version, numbered, accepted",
    [
        (None, False, True),
        ("DRAFT", False, True),
        ("12", False, True),
        ("0", False, False),
        ("draft", False, False),
        ("DRAFT", True, False),
        ("99999999", True, True),
        ("123456789", True, False),
    ],
)
def test_version_parameters(version: str | None, numbered: bool, accepted: bool) -> None:
    if accepted:
        check_version(version, numbered)
    else:
        with pytest.raises(ServiceError):
            check_version(version, numbered)


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"nope": 1}, "unknown setting"),
        ({"ready_after_reads": -1}, "ready_after_reads must be an integer of at least 0 or null"),
        ({"ready_after_reads": 1.5}, "ready_after_reads must be an integer"),
        ({"ready_after_seconds": "soon"}, "ready_after_seconds must be a number"),
        ({"apply_latency": None}, "apply_latency must be a number of at least 0"),
        ({"page_size": 0}, "page_size must be an integer of at least 1"),
        ({"max_versions": True}, "max_versions must be an integer"),
        ({"region": ""}, "region must be a string"),
    ],
)
def test_settings_are_checked(changes: dict[str, Any], message: str) -> None:
    config = GuardrailConfig()
    before = config.snapshot()
    with pytest.raises(ValueError, match=re.escape(message)):
        config.update({"page_size": 5, **changes})
    # Nothing changes when one setting is refused.
    assert config.snapshot() == before
    config.update({"ready_after_reads": None, "ready_after_seconds": 0.5, "apply_max_in_flight": 3})
    assert (config.ready_after_reads, config.ready_after_seconds, config.apply_max_in_flight) == (None, 0.5, 3)
