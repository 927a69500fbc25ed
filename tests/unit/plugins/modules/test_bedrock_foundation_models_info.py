# -*- coding: utf-8 -*-

# Copyright: Contributors to the amazon.ai collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""main() of bedrock_foundation_models_info run as Ansible runs it, against botocore's Stubber."""

from __future__ import annotations

import pytest
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule

from ansible_collections.amazon.ai.plugins.module_utils.versions import version_key
from ansible_collections.amazon.ai.plugins.modules import bedrock_foundation_models_info
from ansible_collections.amazon.ai.tests.unit.plugins.modules.utils import run_main

SONNET = "anthropic.claude-3-7-sonnet-20250219-v1:0"
HAIKU = "anthropic.claude-3-haiku-20240307-v1:0"


def arn(model_id, region="us-east-1"):
    return f"arn:aws:bedrock:{region}::foundation-model/{model_id}"


def summary(model_id, inference_types=("ON_DEMAND",)):
    return {
        "modelArn": arn(model_id),
        "modelId": model_id,
        "providerName": "Anthropic",
        "inferenceTypesSupported": list(inference_types),
        "modelLifecycle": {"status": "ACTIVE"},
    }


def profile(profile_id, *model_ids):
    return {
        "inferenceProfileName": profile_id,
        "inferenceProfileArn": f"arn:aws:bedrock:us-east-1:123456789012:inference-profile/{profile_id}",
        "inferenceProfileId": profile_id,
        "models": [
            {"modelArn": arn(model_id, region)} for model_id in model_ids for region in ("us-east-1", "us-west-2")
        ],
        "status": "ACTIVE",
        "type": "SYSTEM_DEFINED",
    }


def run_module(capsys, args):
    return run_main(bedrock_foundation_models_info.main, capsys, dict(args, region="us-east-1"))


@pytest.fixture(name="bedrock")
def fixture_bedrock(aws_stubbers):
    stubber = aws_stubbers["bedrock"]
    yield stubber
    stubber.assert_no_pending_responses()


def test_the_filters_are_sent_and_the_models_returned_in_snake_case(capsys, bedrock):
    bedrock.add_response(
        "list_foundation_models",
        {"modelSummaries": [summary(SONNET, ["INFERENCE_PROFILE"]), summary(HAIKU)]},
        {"byProvider": "Anthropic", "byOutputModality": "TEXT"},
    )
    result = run_module(capsys, {"by_provider": "Anthropic", "output_modality": "TEXT"})
    assert result["_exit_code"] == 0, result
    assert result["changed"] is False
    assert [model["model_id"] for model in result["models"]] == [SONNET, HAIKU]
    assert result["models"][0]["inference_types_supported"] == ["INFERENCE_PROFILE"]
    assert result["models"][0]["model_lifecycle_status"] == "ACTIVE"
    assert "inference_profiles" not in result["models"][0] and "availability" not in result["models"][0]


def test_one_model_by_id_or_none(capsys, bedrock):
    bedrock.add_response("get_foundation_model", {"modelDetails": summary(SONNET)}, {"modelIdentifier": arn(SONNET)})
    bedrock.add_client_error("get_foundation_model", "ResourceNotFoundException", http_status_code=404)
    assert [model["model_arn"] for model in run_module(capsys, {"model_id": arn(SONNET)})["models"]] == [arn(SONNET)]
    assert run_module(capsys, {"model_id": "amazon.titan-image-generator-v2:0"})["models"] == []


def test_profiles_and_availability_are_added_to_each_model(capsys, bedrock):
    bedrock.add_response("get_foundation_model", {"modelDetails": summary(SONNET)}, {"modelIdentifier": SONNET})
    bedrock.add_response(
        "list_inference_profiles",
        {"inferenceProfileSummaries": [profile("us." + SONNET, SONNET)], "nextToken": "page-2"},
        {"typeEquals": "SYSTEM_DEFINED"},
    )
    bedrock.add_response(
        "list_inference_profiles",
        {"inferenceProfileSummaries": [profile("eu." + SONNET, SONNET), profile("us." + HAIKU, HAIKU)]},
        {"typeEquals": "SYSTEM_DEFINED", "nextToken": "page-2"},
    )
    bedrock.add_response(
        "get_foundation_model_availability",
        {
            "modelId": SONNET,
            "agreementAvailability": {"status": "AVAILABLE"},
            "authorizationStatus": "AUTHORIZED",
            "entitlementAvailability": "AVAILABLE",
            "regionAvailability": "AVAILABLE",
        },
        {"modelId": SONNET},
    )
    args = {"model_id": SONNET, "include_inference_profiles": True, "include_availability": True}
    (model,) = run_module(capsys, args)["models"]
    assert model["inference_profiles"] == ["eu." + SONNET, "us." + SONNET]
    assert model["availability"] == {
        "agreement_availability": {"status": "AVAILABLE"},
        "authorization_status": "AUTHORIZED",
        "entitlement_availability": "AVAILABLE",
        "region_availability": "AVAILABLE",
    }


def test_nothing_found_makes_no_further_call(capsys, bedrock):
    bedrock.add_response("list_foundation_models", {"modelSummaries": []}, {"byInferenceType": "PROVISIONED"})
    args = {"inference_type": "PROVISIONED", "include_inference_profiles": True, "include_availability": True}
    assert run_module(capsys, args)["models"] == []


@pytest.mark.parametrize(
    "option, version", [("include_inference_profiles", "1.35.7"), ("include_availability", "1.38.43")]
)
def test_an_old_boto3_refuses_what_it_cannot_call(capsys, bedrock, monkeypatch, option, version):
    monkeypatch.setattr(AnsibleAWSModule, "boto3_at_least", lambda self, needed: version_key(needed) <= (1, 34, 0))
    result = run_module(capsys, {option: True})
    assert result["_exit_code"] == 1
    assert f"boto3>={version}" in result["msg"] and option in result["msg"]


@pytest.mark.parametrize(
    "args, message",
    [
        (
            {"provider": "Anthropic!"},
            "Invalid task, nothing was sent: provider 'Anthropic!' is not a valid provider name",
        ),
        (
            {"model_id": "no such model"},
            "Invalid task, nothing was sent: model_id 'no such model' is not a valid foundation model id",
        ),
        ({"model_id": SONNET, "by_provider": "Anthropic"}, "parameters are mutually exclusive: model_id|provider"),
    ],
)
def test_bad_input_fails_with_nothing_sent(capsys, bedrock, args, message):
    result = run_module(capsys, args)
    assert result["_exit_code"] == 1
    assert result["msg"].startswith(message)


def test_an_aws_error_is_reported_with_its_code(capsys, bedrock):
    bedrock.add_client_error("list_foundation_models", "AccessDeniedException", http_status_code=403)
    result = run_module(capsys, {})
    assert result["_exit_code"] == 1
    assert result["msg"].startswith("Failed to read Bedrock foundation models")
    assert result["error"]["code"] == "AccessDeniedException"
