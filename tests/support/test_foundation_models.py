# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Tests of the fake foundation model API (ListFoundationModels with its filters, GetFoundationModel,
GetFoundationModelAvailability), and of the catalogue against botocore's own service model.
"""

from __future__ import annotations

import functools
import json
import re
from typing import Any

import botocore.exceptions
import botocore.session
import pytest
from botocore.validate import ParamValidator
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from . import bedrock_endpoint as be
from .batch_helpers import clients
from .fake_bedrock import catalogue
from .fake_bedrock import control_plane
from .fake_bedrock import foundation_models
from .fake_bedrock import models
from .fake_bedrock import profile_rules
from .fake_bedrock.control_plane import ServiceError
from .helpers import raw_request
from .helpers import reset

ALL_IDS = [model.model_id for model in catalogue.MODELS]


@functools.lru_cache(maxsize=None)
def service_model() -> Any:
    return botocore.session.get_session().get_service_model("bedrock")


def shape(name: str) -> Any:
    return service_model().shape_for(name)


def conforms(value: Any, shape_name: str) -> None:
    """Raise unless ``value`` fits botocore's shape (required members, types, lengths) and its string patterns."""
    report = ParamValidator().validate(value, shape(shape_name))
    assert not report.has_errors(), report.generate_report()


def list_ids(bedrock: Any, **filters: str) -> list[str]:
    return [summary["modelId"] for summary in bedrock.list_foundation_models(**filters)["modelSummaries"]]


def client_error(call: Any, **kwargs: Any) -> dict[str, Any]:
    with pytest.raises(botocore.exceptions.ClientError) as info:
        call(**kwargs)
    return info.value.response


# ---------------------------------------------------------------- the fake's rules are botocore's


@pytest.mark.parametrize(
    "compiled, shape_name",
    [
        (profile_rules.NAME, "InferenceProfileName"),
        (profile_rules.DESCRIPTION, "InferenceProfileDescription"),
        (control_plane.IDEMPOTENCY_TOKEN, "IdempotencyToken"),
        (profile_rules.SOURCE_ARN, "InferenceProfileModelSourceArn"),
        (profile_rules.IDENTIFIER, "InferenceProfileIdentifier"),
        (control_plane.PAGINATION_TOKEN, "PaginationToken"),
        (control_plane.PROJECT, "ProjectIdentifier"),
        (foundation_models.PROVIDER, "Provider"),
        (foundation_models.MODEL_IDENTIFIER, "GetFoundationModelIdentifier"),
        (foundation_models.MODEL_ID, "BedrockModelId"),
    ],
)
def test_patterns_are_the_service_models(compiled: re.Pattern[str], shape_name: str) -> None:
    assert compiled.pattern == shape(shape_name).metadata["pattern"]


@pytest.mark.parametrize(
    "values, shape_name",
    [
        (profile_rules.TYPES, "InferenceProfileType"),
        (foundation_models.CUSTOMIZATIONS, "ModelCustomization"),
        (foundation_models.MODALITIES, "ModelModality"),
        (foundation_models.INFERENCE_TYPES, "InferenceType"),
    ],
)
def test_enums_are_the_service_models(values: tuple[str, ...], shape_name: str) -> None:
    assert list(values) == shape(shape_name).enum


@pytest.mark.parametrize("model", catalogue.MODELS, ids=ALL_IDS)
def test_each_model_fits_the_service_model(model: catalogue.FoundationModel) -> None:
    summary = model.summary("us-east-1")
    conforms(summary, "FoundationModelSummary")
    conforms(summary, "FoundationModelDetails")
    assert re.fullmatch(shape("BedrockModelId").metadata["pattern"], model.model_id)
    assert re.fullmatch(shape("FoundationModelArn").metadata["pattern"], summary["modelArn"])
    assert len(model.name) <= 20 and len(model.provider) <= 20
    # The service sends INFERENCE_PROFILE for profile-only models, a value botocore's enum does not list.
    assert set(model.inference_types) <= {*shape("InferenceType").enum, "INFERENCE_PROFILE"}
    assert summary["modelLifecycle"]["status"] in shape("FoundationModelLifecycleStatus").enum
    conforms({"modelId": model.model_id}, "GetFoundationModelAvailabilityRequest")
    availability = model.availability("us-east-1")
    for member, enum_shape in (
        ("authorizationStatus", "AuthorizationStatus"),
        ("entitlementAvailability", "EntitlementAvailability"),
        ("regionAvailability", "RegionAvailability"),
    ):
        assert availability[member] in shape(enum_shape).enum
    assert availability["agreementAvailability"]["status"] in shape("AgreementStatus").enum


@pytest.mark.parametrize("profile", catalogue.SYSTEM_PROFILES, ids=[p.profile_id for p in catalogue.SYSTEM_PROFILES])
def test_each_system_profile_fits_the_service_model(profile: catalogue.SystemProfile) -> None:
    summary = profile.summary("us-east-1")
    # Their names come from the model's ("US Claude 3.5 Haiku"): dots, which a name given to a create may not have.
    conforms(dict(summary, inferenceProfileName="checked-apart"), "InferenceProfileSummary")
    assert len(summary["inferenceProfileName"]) <= 64
    for member, shape_name in (
        ("inferenceProfileId", "InferenceProfileId"),
        ("inferenceProfileArn", "InferenceProfileArn"),
        ("description", "InferenceProfileDescription"),
    ):
        assert re.fullmatch(shape(shape_name).metadata["pattern"], summary[member])
    assert 1 <= len(summary["models"]) <= shape("InferenceProfileModels").metadata["max"]
    for model in summary["models"]:
        assert re.fullmatch(shape("FoundationModelArn").metadata["pattern"], model["modelArn"])


def test_the_catalogue_covers_the_families_the_runtime_answers() -> None:
    # Every catalogue model is answered in its family's shape (family_reply refuses the body, not the model)...
    for model in catalogue.MODELS:
        assert models.family_reply(model.model_id, b"null") is not None, model.model_id
    # ... and every family InvokeModel knows has a model in the catalogue.
    families = ("anthropic.", "amazon.nova", "amazon.titan-text", "amazon.titan-embed", "amazon.titan-image")
    families += ("meta.llama", "mistral.", "cohere.command", "cohere.embed")
    for family in families:
        assert any(model_id.startswith(family) for model_id in ALL_IDS), family
    # The kinds a playbook needs to meet.
    assert any(not model.on_demand and model.geographies for model in catalogue.MODELS)
    assert any(model.legacy for model in catalogue.MODELS)
    assert any("EMBEDDING" in model.outputs for model in catalogue.MODELS)
    assert any("IMAGE" in model.outputs for model in catalogue.MODELS)
    assert any(not model.authorized for model in catalogue.MODELS)
    assert any(model.regions for model in catalogue.MODELS)
    assert len(set(ALL_IDS)) == len(ALL_IDS)


# ---------------------------------------------------------------- the API


def test_the_whole_catalogue_in_us_east_1(bedrock: Any) -> None:
    response = bedrock.list_foundation_models()
    assert set(response) == {"modelSummaries", "ResponseMetadata"}
    assert [summary["modelId"] for summary in response["modelSummaries"]] == ALL_IDS
    haiku = response["modelSummaries"][0]
    assert haiku == {
        "modelArn": "arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-haiku-20240307-v1:0",
        "modelId": "anthropic.claude-3-haiku-20240307-v1:0",
        "modelName": "Claude 3 Haiku",
        "providerName": "Anthropic",
        "inputModalities": ["TEXT", "IMAGE"],
        "outputModalities": ["TEXT"],
        "responseStreamingSupported": True,
        "customizationsSupported": [],
        "inferenceTypesSupported": ["ON_DEMAND"],
        "modelLifecycle": {"status": "ACTIVE"},
    }


PROFILE_ONLY = [model.model_id for model in catalogue.MODELS if model.inference_types == ("INFERENCE_PROFILE",)]


@pytest.mark.parametrize(
    "filters, expected",
    [
        ({"byProvider": "Anthropic"}, [m for m in ALL_IDS if m.startswith("anthropic.")]),
        ({"byProvider": "anthropic"}, [m for m in ALL_IDS if m.startswith("anthropic.")]),
        ({"byProvider": "Mistral AI"}, [m for m in ALL_IDS if m.startswith("mistral.")]),
        ({"byProvider": "mistral"}, [m for m in ALL_IDS if m.startswith("mistral.")]),
        ({"byProvider": "Nobody"}, []),
        ({"byOutputModality": "EMBEDDING"}, [m for m in ALL_IDS if ".titan-embed" in m or ".embed-" in m]),
        ({"byOutputModality": "IMAGE"}, ["amazon.titan-image-generator-v2:0"]),
        ({"byInferenceType": "PROVISIONED"}, [m for m in ALL_IDS if m.endswith(("200k", "8k"))]),
        (
            {"byInferenceType": "ON_DEMAND"},
            [m for m in ALL_IDS if m not in PROFILE_ONLY and not m.endswith(("200k", "8k"))],
        ),
        ({"byCustomizationType": "DISTILLATION"}, [m for m in ALL_IDS if m.startswith("amazon.nova")]),
        (
            {"byCustomizationType": "CONTINUED_PRE_TRAINING"},
            ["amazon.titan-text-express-v1", "amazon.titan-text-express-v1:0:8k"],
        ),
        (
            {"byProvider": "Amazon", "byInferenceType": "ON_DEMAND", "byOutputModality": "TEXT"},
            ["amazon.nova-micro-v1:0", "amazon.nova-lite-v1:0", "amazon.nova-pro-v1:0", "amazon.titan-text-express-v1"],
        ),
    ],
)
def test_filters(bedrock: Any, filters: dict[str, str], expected: list[str]) -> None:
    assert list_ids(bedrock, **filters) == expected


def test_profile_only_models_are_left_out_of_on_demand() -> None:
    assert "anthropic.claude-3-5-haiku-20241022-v1:0" in PROFILE_ONLY and len(PROFILE_ONLY) == 6


@pytest.mark.parametrize(
    "query, where",
    [
        ("byInferenceType=INFERENCE_PROFILE", "byInferenceType"),
        ("byOutputModality=VIDEO", "byOutputModality"),
        ("byCustomizationType=RLHF", "byCustomizationType"),
        ("byProvider=Anthropic%21", "byProvider"),
        ("byProvider=" + "a" * 64, "byProvider"),
        ("byModel=x", "byModel"),
        ("projectIdentifier=a%20b", "projectIdentifier"),
    ],
)
def test_list_validation(server: be.BedrockServer, query: str, where: str) -> None:
    status, headers, body = raw_request(server, "GET", "/foundation-models?" + query)
    assert (status, headers["x-amzn-ErrorType"]) == (400, "ValidationException")
    assert f"at '{where}'" in json.loads(body)["message"]


def test_a_model_offered_in_some_regions_only(server: be.BedrockServer) -> None:
    reset(server)
    image = "amazon.titan-image-generator-v2:0"
    ireland = clients(server.url, region="eu-west-1")[0]
    assert image not in list_ids(ireland)
    assert len(list_ids(ireland)) == len(ALL_IDS) - 1
    error = client_error(ireland.get_foundation_model, modelIdentifier=image)["Error"]
    assert error["Code"] == "ResourceNotFoundException"
    assert ireland.get_foundation_model_availability(modelId=image)["regionAvailability"] == "NOT_AVAILABLE"
    oregon = clients(server.url, region="us-west-2")[0]
    details = oregon.get_foundation_model(modelIdentifier=image)["modelDetails"]
    assert details["modelArn"] == f"arn:aws:bedrock:us-west-2::foundation-model/{image}"
    assert oregon.get_foundation_model_availability(modelId=image)["regionAvailability"] == "AVAILABLE"


def test_get_by_id_or_arn(bedrock: Any) -> None:
    by_id = bedrock.get_foundation_model(modelIdentifier="cohere.command-text-v14")
    arn = "arn:aws:bedrock:us-east-1::foundation-model/cohere.command-text-v14"
    by_arn = bedrock.get_foundation_model(modelIdentifier=arn, projectIdentifier="default")
    assert by_id["modelDetails"] == by_arn["modelDetails"]
    assert by_id["modelDetails"]["modelLifecycle"] == {
        "status": "LEGACY",
        "legacyTime": by_id["modelDetails"]["modelLifecycle"]["legacyTime"],
        "publicExtendedAccessTime": by_id["modelDetails"]["modelLifecycle"]["publicExtendedAccessTime"],
        "endOfLifeTime": by_id["modelDetails"]["modelLifecycle"]["endOfLifeTime"],
    }
    lifecycle = by_id["modelDetails"]["modelLifecycle"]
    assert lifecycle["legacyTime"] < lifecycle["publicExtendedAccessTime"] < lifecycle["endOfLifeTime"]


@pytest.mark.parametrize(
    "identifier, code",
    [
        ("nosuch.model-v1:0", "ResourceNotFoundException"),
        ("us.anthropic.claude-3-5-haiku-20241022-v1:0", "ResourceNotFoundException"),
        ("arn:aws:bedrock:us-west-2::foundation-model/amazon.nova-pro-v1:0", "ResourceNotFoundException"),
        ("NotAModel", "ValidationException"),
        ("arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.amazon.nova-pro-v1:0", "ValidationException"),
    ],
)
def test_get_refusals(bedrock: Any, identifier: str, code: str) -> None:
    assert client_error(bedrock.get_foundation_model, modelIdentifier=identifier)["Error"]["Code"] == code


def test_availability(bedrock: Any) -> None:
    answer = bedrock.get_foundation_model_availability(modelId="amazon.nova-pro-v1:0")
    del answer["ResponseMetadata"]
    assert answer == {
        "modelId": "amazon.nova-pro-v1:0",
        "agreementAvailability": {"status": "AVAILABLE"},
        "authorizationStatus": "AUTHORIZED",
        "entitlementAvailability": "AVAILABLE",
        "regionAvailability": "AVAILABLE",
    }
    refused = bedrock.get_foundation_model_availability(modelId="cohere.command-r-plus-v1:0")
    assert (refused["agreementAvailability"], refused["authorizationStatus"]) == (
        {"status": "NOT_AVAILABLE"},
        "NOT_AUTHORIZED",
    )
    assert (refused["entitlementAvailability"], refused["regionAvailability"]) == ("NOT_AVAILABLE", "AVAILABLE")
    # Still listed: a playbook sees the model, and asks whether it may use it.
    assert "cohere.command-r-plus-v1:0" in list_ids(bedrock)
    for model_id, code in (("nosuch.model-v1:0", "ResourceNotFoundException"), ("Bad", "ValidationException")):
        error = client_error(bedrock.get_foundation_model_availability, modelId=model_id)
        assert error["Error"]["Code"] == code
    arn = "arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-pro-v1:0"
    assert client_error(bedrock.get_foundation_model_availability, modelId=arn)["Error"]["Code"] == (
        "ValidationException"
    )


QUERY_NAMES = st.sampled_from(["byProvider", "byCustomizationType", "byOutputModality", "byInferenceType", "x"])
VALUES = st.sampled_from([*foundation_models.CUSTOMIZATIONS, *foundation_models.MODALITIES, "ON_DEMAND"]) | st.text()


@settings(deadline=None)
@given(st.dictionaries(QUERY_NAMES, VALUES, max_size=4))
def test_any_listing_is_a_subset_of_the_catalogue_or_a_validation_error(query: dict[str, str]) -> None:
    try:
        summaries = foundation_models.list_models(query, "us-east-1")["modelSummaries"]
    except ServiceError as exc:
        assert exc.code == "ValidationException"
    else:
        assert [summary["modelId"] for summary in summaries] == [
            m for m in ALL_IDS if m in {s["modelId"] for s in summaries}
        ]


@settings(deadline=None)
@given(st.text(max_size=200))
def test_any_identifier_is_found_or_refused(identifier: str) -> None:
    for answer in (foundation_models.get_model, foundation_models.availability):
        try:
            answer(identifier, {}, "us-east-1")
        except ServiceError as exc:
            assert exc.code in ("ValidationException", "ResourceNotFoundException")
        else:
            assert identifier in ALL_IDS or identifier.endswith(tuple("/" + m for m in ALL_IDS))
