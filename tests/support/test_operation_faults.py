# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Tests of the faults a test queues for the next calls of any operation (``/_test/faults``)."""

from __future__ import annotations

import json
from typing import Any

import botocore.exceptions
import pytest

from . import bedrock_endpoint as be
from .batch_helpers import clients
from .batch_helpers import control
from .helpers import CLAUDE
from .helpers import CLAUDE_BODY
from .helpers import make_client
from .helpers import raw_request
from .helpers import recorded
from .helpers import reset

RETRYING = {"total_max_attempts": 3, "mode": "standard"}
NOVA_ARN = "arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-pro-v1:0"


def operations(server: be.BedrockServer) -> list[str]:
    return [item["operation"] for item in recorded(server)]


def test_a_client_that_retries_gets_through(server: be.BedrockServer, no_backoff: None) -> None:
    reset(server)
    control(server, "POST", "/_test/faults", {"operation": "ListInferenceProfiles", "error": "ThrottlingException", "times": 2})  # fmt: skip
    assert control(server, "GET", "/_test/faults") == {"ListInferenceProfiles": ["ThrottlingException"] * 2}
    bedrock = clients(server.url, RETRYING)[0]
    assert bedrock.list_inference_profiles()["inferenceProfileSummaries"]
    assert operations(server) == ["ListInferenceProfiles"] * 3
    assert control(server, "GET", "/_test/faults") == {}


@pytest.mark.parametrize(
    "operation, code, status",
    [
        ("CreateInferenceProfile", "InternalServerException", 500),
        ("GetFoundationModel", "AccessDeniedException", 403),
        ("GetFoundationModelAvailability", "ThrottlingException", 429),
        ("ListFoundationModels", "ServiceUnavailableException", 503),
        ("TagResource", "TooManyTagsException", 400),
    ],
)
def test_each_operation_answers_the_code_asked_for(
    server: be.BedrockServer, operation: str, code: str, status: int
) -> None:
    reset(server)
    control(server, "POST", "/_test/faults", {"operation": operation, "error": code, "message": "Asked for."})
    bedrock = clients(server.url)[0]
    calls = {
        "CreateInferenceProfile": lambda: bedrock.create_inference_profile(
            inferenceProfileName="faulted", modelSource={"copyFrom": NOVA_ARN}
        ),
        "GetFoundationModel": lambda: bedrock.get_foundation_model(modelIdentifier="amazon.nova-pro-v1:0"),
        "GetFoundationModelAvailability": lambda: bedrock.get_foundation_model_availability(modelId="amazon.nova-pro-v1:0"),  # fmt: skip
        "ListFoundationModels": bedrock.list_foundation_models,
        "TagResource": lambda: bedrock.tag_resource(resourceARN=NOVA_ARN, tags=[]),
    }
    with pytest.raises(botocore.exceptions.ClientError) as info:
        calls[operation]()
    error = info.value.response
    assert (error["Error"]["Code"], error["Error"]["Message"]) == (code, "Asked for.")
    assert error["ResponseMetadata"]["HTTPStatusCode"] == status
    # A faulted create made nothing: the same call now goes through.
    if operation == "CreateInferenceProfile":
        calls[operation]()
        assert len(bedrock.list_inference_profiles(typeEquals="APPLICATION")["inferenceProfileSummaries"]) == 1
    assert operations(server)[0] == operation


def test_runtime_operations_too(server: be.BedrockServer) -> None:
    reset(server)
    control(server, "POST", "/_test/faults", {"operation": "InvokeModel", "error": "ModelNotReadyException"})
    control(server, "POST", "/_test/faults", {"operation": "Converse", "error": "ThrottlingException", "times": 1})
    client = make_client(server.url)
    with pytest.raises(botocore.exceptions.ClientError) as info:
        client.invoke_model(modelId=CLAUDE, body=json.dumps(CLAUDE_BODY))
    assert info.value.response["Error"]["Code"] == "ModelNotReadyException"
    assert info.value.response["ResponseMetadata"]["HTTPStatusCode"] == 429
    assert (
        client.invoke_model(modelId=CLAUDE, body=json.dumps(CLAUDE_BODY))["ResponseMetadata"]["HTTPStatusCode"] == 200
    )
    with pytest.raises(botocore.exceptions.ClientError):
        client.converse(modelId=CLAUDE, messages=[{"role": "user", "content": [{"text": "Hi"}]}])
    assert operations(server) == ["InvokeModel", "InvokeModel", "Converse"]


def test_reset_and_delete_forget_faults(server: be.BedrockServer) -> None:
    for forget in ("/_test/faults", "/_test/requests"):
        control(server, "POST", "/_test/faults", {"operation": "ListFoundationModels", "error": "ThrottlingException"})
        assert control(server, "DELETE", forget) in ({}, {"ok": True})
        assert control(server, "GET", "/_test/faults") == {}
        assert clients(server.url)[0].list_foundation_models()["modelSummaries"]


def test_a_dropped_call_runs_and_a_retry_finds_what_it_made(server: be.BedrockServer, no_backoff: None) -> None:
    reset(server)
    control(server, "POST", "/_test/faults", {"operation": "CreateInferenceProfile", "error": "drop"})
    request = {"inferenceProfileName": "dropped", "modelSource": {"copyFrom": NOVA_ARN}, "clientRequestToken": "t-1"}
    with pytest.raises(botocore.exceptions.ConnectionClosedError):
        clients(server.url)[0].create_inference_profile(**request)
    bedrock = clients(server.url, RETRYING)[0]
    [made] = bedrock.list_inference_profiles(typeEquals="APPLICATION")["inferenceProfileSummaries"]
    # The same token finds the profile the dropped call made, rather than making another or a conflict.
    assert bedrock.create_inference_profile(**request)["inferenceProfileArn"] == made["inferenceProfileArn"]
    assert operations(server) == ["CreateInferenceProfile", "ListInferenceProfiles", "CreateInferenceProfile"]


@pytest.mark.parametrize(
    "forget, forgotten",
    [
        ("/_test/guardrails", ["ApplyGuardrail", "ListGuardrails"]),
        ("/_test/batch", ["CreateModelInvocationJob", "GetModelInvocationJob"]),
    ],
)
def test_an_api_reset_forgets_its_own_faults_only(server: be.BedrockServer, forget: str, forgotten: list[str]) -> None:
    reset(server)
    for operation in [*forgotten, "ListFoundationModels"]:
        control(server, "POST", "/_test/faults", {"operation": operation, "error": "drop"})
    control(server, "DELETE", forget)
    assert control(server, "GET", "/_test/faults") == {"ListFoundationModels": ["drop"]}


@pytest.mark.parametrize(
    "order, complaint",
    [
        ({"operation": "NoSuchOperation", "error": "ThrottlingException"}, "unknown operation"),
        ({"operation": "InvokeModel", "error": "NoSuchException"}, "unknown error"),
        ({"operation": "GetModelInvocationLoggingConfiguration", "error": "drop"}, "not dropped"),
        ({"operation": "InvokeModel", "error": "ThrottlingException", "times": 0}, "times"),
        ({"operation": "InvokeModel", "error": "ThrottlingException", "times": True}, "times"),
        ({"operation": "InvokeModel", "error": "ThrottlingException", "message": 5}, "message"),
        (["InvokeModel"], "JSON object"),
    ],
)
def test_bad_orders_are_refused(server: be.BedrockServer, order: Any, complaint: str) -> None:
    status, dummy, body = raw_request(server, "POST", "/_test/faults", json.dumps(order).encode("utf-8"))
    assert status == 400 and complaint in json.loads(body)["message"]


def test_an_order_that_is_not_json(server: be.BedrockServer) -> None:
    assert raw_request(server, "POST", "/_test/faults", b"{")[0] == 400


def test_every_operation_can_be_faulted(server: be.BedrockServer) -> None:
    names = server.operation_names()
    assert {"InvokeModel", "Converse", "CreateModelInvocationJob", "CreateInferenceProfile", "ListInferenceProfiles"} <= names  # fmt: skip
    assert {"GetFoundationModelAvailability", "PutModelInvocationLoggingConfiguration", "UntagResource"} <= names
    for name in names:
        control(server, "POST", "/_test/faults", {"operation": name, "error": "InternalServerException"})
    assert set(control(server, "DELETE", "/_test/faults")) == set()
