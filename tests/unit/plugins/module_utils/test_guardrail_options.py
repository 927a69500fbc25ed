# -*- coding: utf-8 -*-

# Copyright: Contributors to the amazon.ai collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import gzip
import json
import os

import botocore
import pytest

from ansible_collections.amazon.ai.plugins.module_utils import guardrail_options as options


def service_model():
    path = os.path.join(os.path.dirname(botocore.__file__), "data", "bedrock", "2023-04-20", "service-2.json.gz")
    with gzip.open(path) as stream:
        return json.load(stream)


MODEL = service_model()
SHAPES = MODEL["shapes"]


def member_shape(structure, *path):
    """The shape at path (member names, "*" for a list's items) below a structure of the model."""
    shape = SHAPES[structure]
    for name in path:
        shape = SHAPES[shape["member"]["shape"]] if name == "*" else SHAPES[shape["members"][name]["shape"]]
    return shape


@pytest.mark.parametrize(
    "shape, enum",
    [
        ("GuardrailContentFilterType", options.CONTENT_FILTER_TYPES),
        ("GuardrailFilterStrength", options.FILTER_STRENGTHS),
        ("GuardrailModality", options.MODALITIES),
        ("GuardrailContentFilterAction", options.BLOCK_OR_NONE),
        ("GuardrailTopicAction", options.BLOCK_OR_NONE),
        ("GuardrailWordAction", options.BLOCK_OR_NONE),
        ("GuardrailContextualGroundingAction", options.BLOCK_OR_NONE),
        ("GuardrailSensitiveInformationAction", options.PII_ACTIONS),
        ("GuardrailPiiEntityType", options.PII_ENTITY_TYPES),
        ("GuardrailTopicType", options.TOPIC_TYPES),
        ("GuardrailManagedWordsType", options.MANAGED_WORD_LIST_TYPES),
        ("GuardrailContextualGroundingFilterType", options.GROUNDING_FILTER_TYPES),
        ("GuardrailContentFiltersTierName", options.TIERS),
        ("GuardrailTopicsTierName", options.TIERS),
        ("GuardrailContextualGroundingTierName", options.TIERS),
        ("GuardrailStatus", options.STATUSES),
    ],
)
def test_the_enumerations_are_the_service_models(shape, enum):
    assert tuple(SHAPES[shape]["enum"]) == tuple(enum)


@pytest.mark.parametrize(
    "shape, pattern",
    [
        ("GuardrailName", options.NAME_PATTERN),
        ("KmsKeyId", options.KMS_KEY_ID_PATTERN),
        ("GuardrailCrossRegionGuardrailProfileIdentifier", options.PROFILE_IDENTIFIER_PATTERN),
        ("GuardrailTopicName", options.TOPIC_NAME_PATTERN),
        ("AutomatedReasoningPolicyArn", options.REASONING_POLICY_ARN_PATTERN),
    ],
)
def test_the_patterns_are_the_service_models(shape, pattern):
    assert SHAPES[shape]["pattern"] == pattern.pattern


@pytest.mark.parametrize(
    "shape, kind",
    [
        ("GuardrailName", options.NAME),
        ("GuardrailDescription", options.DESCRIPTION),
        ("GuardrailBlockedMessaging", options.MESSAGING),
        ("KmsKeyId", options.KMS_KEY),
        ("GuardrailCrossRegionGuardrailProfileIdentifier", options.PROFILE),
    ],
)
def test_the_guardrails_own_lengths_are_the_service_models(shape, kind):
    assert (SHAPES[shape]["min"], SHAPES[shape]["max"]) == (kind.low, kind.high)


def _text_kind(kind):
    return kind.text if isinstance(kind, options.Regex) else kind


def _policy_members():
    """(policy, list member or None, field) for every field of the table."""
    for policy in options.POLICIES:
        for member in policy.lists:
            for field in member.entry.fields:
                yield policy, member, field
        for field in policy.fields:
            yield policy, None, field


@pytest.mark.parametrize(
    "policy, member, field",
    list(_policy_members()),
    ids=lambda value: getattr(value, "option", None),
)
def test_every_field_is_a_member_of_the_request_and_the_answer_with_its_limits(policy, member, field):
    request_path = (policy.request, member.request, "*", field.api) if member else (policy.request, field.api)
    answer_path = (policy.answer, member.answer, "*", field.api) if member else (policy.answer, field.api)
    shape = member_shape("CreateGuardrailRequest", *request_path)
    member_shape("GetGuardrailResponse", *answer_path)
    parent = member_shape("CreateGuardrailRequest", *request_path[:-1])
    assert (field.api in parent.get("required", [])) == field.required
    kind = field.kind
    if isinstance(kind, options.Many):
        assert shape["type"] == "list"
        assert (shape.get("min", 0), shape.get("max")) == (kind.low, kind.high)
        shape, kind = SHAPES[shape["member"]["shape"]], kind.item
    if isinstance(kind, options.Choice):
        assert tuple(shape["enum"]) == kind.choices
    elif isinstance(kind, (options.Text, options.Regex)):
        text = _text_kind(kind)
        assert shape["type"] == "string" and (shape["min"], shape["max"]) == (text.low, text.high)
    elif isinstance(kind, options.Flag):
        assert shape["type"] == "boolean"
    else:
        assert shape["type"] == "double" and shape.get("min") == kind.low
        assert shape.get("max", options.MAX_GROUNDING_THRESHOLD) == kind.high


@pytest.mark.parametrize("policy", options.POLICIES, ids=lambda policy: policy.option)
def test_the_table_covers_every_member_the_newest_botocore_takes(policy):
    # A member a newer botocore adds shows here, so that the modules learn it rather than drop it on update.
    request = member_shape("CreateGuardrailRequest", policy.request)
    known = {member.request for member in policy.lists} | {field.api for field in policy.fields}
    assert set(request["members"]) - {"tierConfig"} == known
    assert ("tierConfig" in request["members"]) == bool(policy.tier_boto3)
    for member in policy.lists:
        entry = member_shape("CreateGuardrailRequest", policy.request, member.request, "*")
        assert set(entry["members"]) == {field.api for field in member.entry.fields}
        listed = member_shape("CreateGuardrailRequest", policy.request, member.request)
        assert listed.get("max") == member.high
    answer = member_shape("GetGuardrailResponse", policy.answer)
    assert set(answer["members"]) - {"tier"} == {member.answer for member in policy.lists} | {
        field.api for field in policy.fields
    }


def test_the_table_covers_every_policy_and_member_of_create_guardrail():
    request = SHAPES["CreateGuardrailRequest"]["members"]
    own = {"name", "description", "blockedInputMessaging", "blockedOutputsMessaging", "kmsKeyId", "crossRegionConfig"}
    assert set(request) == own | {policy.request for policy in options.POLICIES} | {"tags", "clientRequestToken"}
    assert set(SHAPES["UpdateGuardrailRequest"]["members"]) == set(request) - {"tags", "clientRequestToken"} | {
        "guardrailIdentifier"
    }


def test_the_argument_spec_is_made_from_the_table():
    spec = options.argument_spec()
    assert set(options.POLICY_OPTIONS) <= set(spec)
    content = spec["content_policy"]["options"]
    assert set(content) == {"filters", "tier"}
    filters = content["filters"]
    assert filters["type"] == "list" and filters["elements"] == "dict"
    assert filters["options"]["type"] == {"type": "str", "required": True}
    assert filters["options"]["input_modalities"] == {"type": "list", "elements": "str"}
    assert filters["options"]["input_enabled"] == {"type": "bool"}
    # Words and managed word lists are strings or mappings, checked by guardrail_config.py.
    assert spec["word_policy"]["options"]["words"] == {"type": "list", "elements": "raw"}
    grounding = spec["contextual_grounding_policy"]["options"]["filters"]["options"]
    assert grounding["threshold"] == {"type": "float", "required": True}
    # Automated reasoning's policies are needed only when the policy is not being removed ({}).
    assert spec["automated_reasoning_policy"]["options"]["policies"] == {"type": "list", "elements": "str"}
    assert spec["kms_key_id"]["no_log"] is False
    # Each call makes a fresh spec: a module changing its own does not change the next one's.
    spec["content_policy"]["options"]["tier"]["choices"] = ["x"]
    assert "choices" not in options.argument_spec()["content_policy"]["options"]["tier"]


def test_the_info_argument_spec():
    assert set(options.info_argument_spec()) == {"name", "guardrail_identifier", "version"}
