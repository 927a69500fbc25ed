# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Tests of the runtime against the catalogue: a profile-only model refuses on-demand invocation with Bedrock's own
message and answers through a system-defined or application profile; model access and regions; batch jobs.
"""

from __future__ import annotations

import json
from typing import Any

import botocore.exceptions
import pytest
from botocore.config import Config

from . import bedrock_endpoint as be
from .batch_helpers import clients
from .batch_helpers import job_request
from .batch_helpers import put_jsonl
from .batch_helpers import read_output
from .batch_helpers import records
from .batch_helpers import wait_final
from .fake_bedrock import catalogue
from .helpers import NO_RETRIES
from .helpers import invoke
from .helpers import make_client
from .helpers import reset
from .helpers import shared_session

ACCOUNT_PREFIX = "arn:aws:bedrock:us-east-1:123456789012"
ON_DEMAND_MESSAGE = (
    "Invocation of model ID {} with on-demand throughput isn't supported. "
    "Retry your request with the ID or ARN of an inference profile that contains this model."
)
PROFILE_ONLY = [model for model in catalogue.MODELS if model.inference_types == ("INFERENCE_PROFILE",)]
# A request body each profile-only model's family takes, and the member its answer has.
BODIES = {
    "anthropic.": ({"anthropic_version": "bedrock-2023-05-31", "max_tokens": 20, "messages": [{"role": "user", "content": "Hi"}]}, "content"),  # fmt: skip
    "amazon.nova": ({"messages": [{"role": "user", "content": [{"text": "Hi"}]}]}, "output"),
    "meta.llama": ({"prompt": "Hi"}, "generation"),
}
MESSAGES = [{"role": "user", "content": [{"text": "Hi"}]}]


def body_for(model_id: str) -> tuple[dict[str, Any], str]:
    return next(value for prefix, value in BODIES.items() if model_id.startswith(prefix))


def runtime(server: be.BedrockServer, region: str = "us-east-1") -> Any:
    config = Config(retries=NO_RETRIES)
    keys = {"aws_access_key_id": "AKIDAMAZONAITEST", "aws_secret_access_key": "x"}
    return shared_session().client(
        "bedrock-runtime", endpoint_url=server.url, region_name=region, config=config, **keys
    )


def refusal(call: Any, **kwargs: Any) -> dict[str, Any]:
    with pytest.raises(botocore.exceptions.ClientError) as info:
        call(**kwargs)
    return info.value.response


@pytest.mark.parametrize("model", PROFILE_ONLY, ids=[model.model_id for model in PROFILE_ONLY])
def test_a_profile_only_model_refuses_its_id_and_answers_through_its_profiles(
    server: be.BedrockServer, model: catalogue.FoundationModel
) -> None:
    client = make_client(server.url)
    body, member = body_for(model.model_id)
    for model_id in (model.model_id, model.arn("us-east-1")):
        for call, kwargs in (
            (client.invoke_model, {"body": json.dumps(body)}),
            (client.converse, {"messages": MESSAGES}),
        ):
            error = refusal(call, modelId=model_id, **kwargs)
            assert (error["Error"]["Code"], error["ResponseMetadata"]["HTTPStatusCode"]) == ("ValidationException", 400)
            assert error["Error"]["Message"] == ON_DEMAND_MESSAGE.format(model.model_id)
    profiles = [profile for profile in catalogue.system_profiles("us-east-1") if profile.model is model]
    assert profiles, "each profile-only model has a profile in us-east-1"
    for profile in profiles:
        for model_id in (profile.profile_id, profile.arn("us-east-1")):
            answer = json.loads(invoke(client, model_id, body)[1])
            assert member in answer
            assert client.converse(modelId=model_id, messages=MESSAGES)["stopReason"] == "end_turn"


def test_an_application_profile_answers_as_what_it_copies(server: be.BedrockServer, bedrock: Any) -> None:
    client = make_client(server.url)
    sonnet = "anthropic.claude-3-7-sonnet-20250219-v1:0"
    copy_of_profile = bedrock.create_inference_profile(
        inferenceProfileName="team-sonnet",
        modelSource={"copyFrom": f"{ACCOUNT_PREFIX}:inference-profile/us.{sonnet}"},
    )["inferenceProfileArn"]
    body, dummy = body_for(sonnet)
    answer = json.loads(invoke(client, copy_of_profile, body)[1])
    # The answer is the model's: the profile's ARN hides it, the reply does not.
    assert answer["model"] == "claude-3-7-sonnet-20250219" and answer["type"] == "message"
    reply = client.converse(
        modelId=copy_of_profile, messages=MESSAGES, additionalModelResponseFieldPaths=["/model_family"]
    )
    assert reply["additionalModelResponseFields"] == {"model_family": sonnet}
    copy_of_model = bedrock.create_inference_profile(
        inferenceProfileName="team-nova",
        modelSource={"copyFrom": "arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-lite-v1:0"},
    )["inferenceProfileArn"]
    assert "output" in json.loads(invoke(client, copy_of_model, BODIES["amazon.nova"][0])[1])
    # A copy of one profile-only model in one region invokes it on demand: refused as its id is.
    copy_of_profile_only = bedrock.create_inference_profile(
        inferenceProfileName="team-direct", modelSource={"copyFrom": f"arn:aws:bedrock:us-east-1::foundation-model/{sonnet}"}
    )["inferenceProfileArn"]  # fmt: skip
    error = refusal(client.converse, modelId=copy_of_profile_only, messages=MESSAGES)["Error"]
    assert error == {"Code": "ValidationException", "Message": ON_DEMAND_MESSAGE.format(sonnet)}
    # One that does not exist (any more) is an invalid model identifier, as before.
    bedrock.delete_inference_profile(inferenceProfileIdentifier=copy_of_profile)
    error = refusal(client.invoke_model, modelId=copy_of_profile, body=json.dumps(body))["Error"]
    assert error == {"Code": "ValidationException", "Message": "The provided model identifier is invalid."}


def test_a_model_without_access_is_denied(server: be.BedrockServer) -> None:
    client = make_client(server.url)
    for model_id in (
        "cohere.command-r-plus-v1:0",
        "arn:aws:bedrock:us-east-1::foundation-model/cohere.command-r-plus-v1:0",
    ):
        error = refusal(client.invoke_model, modelId=model_id, body=json.dumps({"message": "Hi"}))
        assert (error["Error"]["Code"], error["ResponseMetadata"]["HTTPStatusCode"]) == ("AccessDeniedException", 403)
    error = refusal(client.converse, modelId="cohere.command-r-plus-v1:0", messages=MESSAGES)["Error"]
    assert error == {"Code": "AccessDeniedException", "Message": catalogue.NO_ACCESS_MESSAGE}


def test_a_model_answers_only_in_its_regions(server: be.BedrockServer) -> None:
    image = "amazon.titan-image-generator-v2:0"
    body = {"taskType": "TEXT_IMAGE", "textToImageParams": {"text": "a cat"}, "imageGenerationConfig": {"numberOfImages": 2}}  # fmt: skip
    answer = json.loads(invoke(runtime(server, "us-west-2"), image, body)[1])
    assert len(answer["images"]) == 2 and answer["error"] is None
    error = refusal(runtime(server, "eu-west-1").invoke_model, modelId=image, body=json.dumps(body))["Error"]
    assert error == {"Code": "ValidationException", "Message": "The provided model identifier is invalid."}


@pytest.mark.parametrize(
    "model_id",
    [
        "anthropic.claude-3-haiku-20240307-v1:0",
        "anthropic.claude-3-sonnet-20240229-v1:0",
        "amazon.nova-lite-v1:0",
        "meta.llama3-2-1b-instruct-v1:0",
        "us.anthropic.claude-3-haiku-20240307-v1:0",
        "jp.anthropic.claude-3-7-sonnet-20250219-v1:0",
        "test.echo.profiles",
    ],
)
def test_on_demand_legacy_and_unlisted_models_still_answer(server: be.BedrockServer, model_id: str) -> None:
    # On-demand and LEGACY models by their ids, ids the catalogue does not list and profiles of any geography.
    assert make_client(server.url).converse(modelId=model_id, messages=MESSAGES)["stopReason"] == "end_turn"


def test_a_batch_job_refuses_a_profile_only_model_id_and_runs_an_application_profile(
    srv: be.BedrockServer,
) -> None:
    reset(srv)
    bedrock, s3 = clients(srv.url)
    staged = put_jsonl(s3, "profiles/in.jsonl", records(3))
    haiku = "anthropic.claude-3-5-haiku-20241022-v1:0"
    error = refusal(bedrock.create_model_invocation_job, **job_request("bare", staged, modelId=haiku))["Error"]
    assert error == {"Code": "ValidationException", "Message": ON_DEMAND_MESSAGE.format(haiku)}
    profile = bedrock.create_inference_profile(
        inferenceProfileName="batch", modelSource={"copyFrom": f"{ACCOUNT_PREFIX}:inference-profile/us.{haiku}"}
    )["inferenceProfileArn"]
    arn = bedrock.create_model_invocation_job(**job_request("through-profile", staged, modelId=profile))["jobArn"]
    job, dummy = wait_final(bedrock, arn)
    assert (job["status"], job["modelId"]) == ("Completed", profile)
    lines = read_output(s3, job, "in.jsonl.out")
    assert [line["modelOutput"]["model"] for line in lines] == ["claude-3-5-haiku-20241022"] * 3
    unknown = f"{ACCOUNT_PREFIX}:application-inference-profile/abcdef123456"
    error = refusal(bedrock.create_model_invocation_job, **job_request("unknown", staged, modelId=unknown))["Error"]
    assert error["Code"] == "ResourceNotFoundException"
