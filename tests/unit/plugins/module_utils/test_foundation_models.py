# -*- coding: utf-8 -*-

# Copyright: Contributors to the amazon.ai collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import datetime
import threading

import botocore.session
import pytest
from botocore.exceptions import ClientError
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from ansible_collections.amazon.ai.plugins.module_utils import foundation_models
from ansible_collections.amazon.ai.plugins.module_utils.common import BedrockParameterError

PROPERTY_SETTINGS = settings(max_examples=200, deadline=None, database=None)
SERVICE_MODEL = botocore.session.get_session().get_service_model("bedrock")
LIST_INPUT = SERVICE_MODEL.operation_model("ListFoundationModels").input_shape
SONNET = "anthropic.claude-3-7-sonnet-20250219-v1:0"
SONNET_ARN = f"arn:aws:bedrock:us-east-1::foundation-model/{SONNET}"


def task(**overrides):
    params = {option: None for option, dummy, dummy in foundation_models.FILTERS}
    params.update(model_id=None, include_inference_profiles=False, include_availability=False)
    params.update(overrides)
    return params


def test_the_filters_and_patterns_are_the_service_models():
    # A new botocore that changes a pattern, a limit or a filter's values shows here.
    assert [member for dummy, member, dummy in foundation_models.FILTERS] == [
        name for name in LIST_INPUT.members if name.startswith("by")
    ]
    for dummy, member, choices in foundation_models.FILTERS:
        shape = LIST_INPUT.members[member]
        assert tuple(shape.enum) == (choices or ())
    assert LIST_INPUT.members["byProvider"].metadata["pattern"] == foundation_models.PROVIDER_PATTERN.pattern
    identifier = SERVICE_MODEL.operation_model("GetFoundationModel").input_shape.members["modelIdentifier"]
    assert identifier.metadata["pattern"] == foundation_models.MODEL_IDENTIFIER_PATTERN.pattern
    assert identifier.metadata["max"] == foundation_models.MAX_MODEL_IDENTIFIER_LENGTH


def test_the_argument_spec_takes_the_upstream_names_too():
    spec = foundation_models.foundation_models_argument_spec()
    assert spec["provider"] == {"type": "str", "aliases": ["by_provider"]}
    assert spec["inference_type"]["choices"] == ["ON_DEMAND", "PROVISIONED"]
    assert spec["inference_type"]["aliases"] == ["by_inference_type"]
    assert spec["include_availability"] == {"type": "bool", "default": False}
    assert foundation_models.foundation_models_mutually_exclusive() == [
        ["model_id", "provider"],
        ["model_id", "customization_type"],
        ["model_id", "output_modality"],
        ["model_id", "inference_type"],
    ]


@pytest.mark.parametrize(
    "params",
    [
        task(),
        task(model_id=SONNET),
        task(model_id=SONNET_ARN),
        task(model_id="arn:aws-cn:bedrock:cn-north-1::foundation-model/amazon.titan-text-express-v1"),
        task(model_id="anthropic.claude-3-haiku-20240307-v1:0:200k"),
        task(provider="Mistral AI"),
        task(provider="a" * 63),
    ],
)
def test_check_accepts(params):
    foundation_models.check_foundation_models_options(params)


@pytest.mark.parametrize(
    "params, message",
    [
        (task(model_id="amazon nova"), "model_id 'amazon nova' is not a valid foundation model id: an id such as"),
        (task(model_id="Amazon.Nova"), "model_id 'Amazon.Nova' is not a valid foundation model id"),
        (
            task(model_id="arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.x.y"),
            "is not a valid foundation model id: an id such as amazon.nova-lite-v1:0, or the ARN of a foundation model",
        ),
        (task(model_id="a." + "b" * 2047), "model_id is 2049 characters long; foundation model ids have at most 2048"),
        (task(model_id=""), "model_id must be a foundation model id, not ''"),
        (task(provider="Anthropic!"), "provider 'Anthropic!' is not a valid provider name: 1 to 63 letters"),
        (task(provider=""), "provider must be a provider name, not ''"),
        (task(provider="a" * 64), "provider is 64 characters long; provider names have at most 63"),
    ],
)
def test_check_refuses_naming_the_option(params, message):
    with pytest.raises(BedrockParameterError) as excinfo:
        foundation_models.check_foundation_models_options(params)
    assert message in str(excinfo.value)


@pytest.mark.parametrize(
    "params, expected",
    [
        (task(), {}),
        (task(provider="Anthropic"), {"byProvider": "Anthropic"}),
        (
            task(customization_type="DISTILLATION", output_modality="TEXT", inference_type="ON_DEMAND"),
            {"byCustomizationType": "DISTILLATION", "byOutputModality": "TEXT", "byInferenceType": "ON_DEMAND"},
        ),
    ],
)
def test_build_list_models_request(params, expected):
    assert foundation_models.build_list_models_request(params) == expected


SUMMARY = {
    "modelArn": SONNET_ARN,
    "modelId": SONNET,
    "modelName": "Claude 3.7 Sonnet",
    "providerName": "Anthropic",
    "inputModalities": ["TEXT", "IMAGE"],
    "outputModalities": ["TEXT"],
    "responseStreamingSupported": True,
    "customizationsSupported": [],
    "inferenceTypesSupported": ["INFERENCE_PROFILE"],
    "modelLifecycle": {
        "status": "LEGACY",
        "legacyTime": datetime.datetime(2025, 7, 1, tzinfo=datetime.timezone.utc),
    },
}


def test_a_model_in_snake_case_with_its_values_untouched():
    assert foundation_models.build_model_result(SUMMARY) == {
        "model_arn": SONNET_ARN,
        "model_id": SONNET,
        "model_name": "Claude 3.7 Sonnet",
        "provider_name": "Anthropic",
        "input_modalities": ["TEXT", "IMAGE"],
        "output_modalities": ["TEXT"],
        "response_streaming_supported": True,
        "customizations_supported": [],
        "inference_types_supported": ["INFERENCE_PROFILE"],
        "model_lifecycle": {"status": "LEGACY", "legacy_time": "2025-07-01T00:00:00+00:00"},
        "model_lifecycle_status": "LEGACY",
    }


def test_a_model_without_lifecycle_has_no_status():
    model = foundation_models.build_model_result({"modelId": SONNET, "modelArn": SONNET_ARN, "someNewMember": 1})
    assert model == {"model_id": SONNET, "model_arn": SONNET_ARN, "some_new_member": 1}


def test_availability_without_the_model_id_it_repeats():
    reply = {
        "modelId": SONNET,
        "agreementAvailability": {"status": "ERROR", "errorMessage": "Agreement expired"},
        "authorizationStatus": "NOT_AUTHORIZED",
        "entitlementAvailability": "AVAILABLE",
        "regionAvailability": "AVAILABLE",
        "ResponseMetadata": {"HTTPStatusCode": 200},
    }
    assert foundation_models.build_availability_result(reply) == {
        "agreement_availability": {"status": "ERROR", "error_message": "Agreement expired"},
        "authorization_status": "NOT_AUTHORIZED",
        "entitlement_availability": "AVAILABLE",
        "region_availability": "AVAILABLE",
    }


def test_each_model_gets_the_profiles_that_carry_it():
    models = [{"model_id": SONNET}, {"model_id": "amazon.titan-text-express-v1"}]
    foundation_models.add_inference_profiles(models, {SONNET: ["eu." + SONNET, "us." + SONNET]})
    assert models == [
        {"model_id": SONNET, "inference_profiles": ["eu." + SONNET, "us." + SONNET]},
        {"model_id": "amazon.titan-text-express-v1", "inference_profiles": []},
    ]


def throttled():
    return ClientError(
        {"Error": {"Code": "ThrottlingException", "Message": "slow down"}}, "GetFoundationModelAvailability"
    )


class AvailabilityClient:
    """Answers GetFoundationModelAvailability from many threads; throttles the first call of each id in busy."""

    def __init__(self, busy=()):
        self.calls = []
        self.busy = set(busy)
        self.lock = threading.Lock()

    def get_foundation_model_availability(self, modelId):
        with self.lock:
            self.calls.append(modelId)
            if modelId in self.busy:
                self.busy.discard(modelId)
                raise throttled()
        return {"modelId": modelId, "authorizationStatus": "AUTHORIZED", "regionAvailability": modelId}


def test_availabilities_come_back_in_the_order_of_the_models_each_retried_when_throttled(monkeypatch):
    monkeypatch.setattr("ansible_collections.amazon.ai.plugins.module_utils.backoff.time.sleep", lambda s: None)
    ids = [f"provider.model-{index}" for index in range(30)]
    client = AvailabilityClient(busy=ids[::7])
    replies = foundation_models.read_availabilities(client, ids)
    assert [reply["region_availability"] for reply in replies] == ids
    assert sorted(client.calls) == sorted(ids + ids[::7])


def test_an_availability_refused_fails_the_whole_read(monkeypatch):
    class Denied(AvailabilityClient):
        def get_foundation_model_availability(self, modelId):
            if modelId.endswith("-3"):
                raise ClientError({"Error": {"Code": "AccessDeniedException"}}, "GetFoundationModelAvailability")
            return super().get_foundation_model_availability(modelId)

    with pytest.raises(ClientError, match="AccessDeniedException"):
        foundation_models.read_availabilities(Denied(), [f"provider.model-{index}" for index in range(5)])


def test_no_model_no_call():
    client = AvailabilityClient()
    assert foundation_models.read_availabilities(client, []) == []
    assert client.calls == []


# Any model summary a server could send: camelCase keys, JSON values, times where botocore parses them.
camel_keys = st.from_regex(r"x[a-z]{0,7}([A-Z][a-z]{1,8}){0,3}", fullmatch=True)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(camel_keys, inner, max_size=3),
    max_leaves=15,
)
summaries = st.dictionaries(camel_keys, json_values, max_size=8).map(
    lambda summary: dict(
        summary, modelId=SONNET, modelLifecycle={"status": "ACTIVE", "endOfLifeTime": datetime.datetime(2030, 1, 1)}
    )
)


@PROPERTY_SETTINGS
@given(summary=summaries)
def test_any_summary_keeps_its_values_under_snake_case_keys(summary):
    model = foundation_models.build_model_result(summary)
    assert model["model_id"] == SONNET
    assert model["model_lifecycle_status"] == "ACTIVE"
    assert model["model_lifecycle"]["end_of_life_time"] == "2030-01-01T00:00:00"
    assert all(key == key.lower() for key in model)
    flat = {key: value for key, value in summary.items() if not isinstance(value, (dict, list))}
    assert sorted(value for value in map(repr, flat.values())) == sorted(
        repr(model[key])
        for key in model
        if key not in ("model_lifecycle", "model_lifecycle_status") and not isinstance(model[key], (dict, list))
    )
