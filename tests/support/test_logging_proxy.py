# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Tests of model invocation logging through the fake's address, answered by moto's server behind it.

They also pin down where moto differs from the service (botocore's model and the user guide), so that a module
tested against it makes the service's checks itself.
"""

from __future__ import annotations

import base64
import json
from typing import Any
from typing import Iterator

import botocore.exceptions
import pytest

from . import bedrock_endpoint as be
from .batch_helpers import clients
from .batch_helpers import control
from .helpers import TEST_KEY
from .helpers import raw_request
from .helpers import recorded
from .helpers import reset

FULL = {
    "cloudWatchConfig": {
        "logGroupName": "/bedrock/invocations",
        "roleArn": "arn:aws:iam::123456789012:role/BedrockLogging",
        "largeDataDeliveryS3Config": {"bucketName": "large-data", "keyPrefix": "big/"},
    },
    "s3Config": {"bucketName": "invocation-logs", "keyPrefix": "bedrock/"},
    "textDataDeliveryEnabled": True,
    "imageDataDeliveryEnabled": False,
    "embeddingDataDeliveryEnabled": True,
    "videoDataDeliveryEnabled": False,
    "audioDataDeliveryEnabled": True,
}


@pytest.fixture
def logging_api(srv: be.BedrockServer) -> Iterator[Any]:
    reset(srv)
    yield clients(srv.url)[0]
    reset(srv)


def test_put_get_delete_through_the_fake(srv: be.BedrockServer, logging_api: Any) -> None:
    assert logging_api.get_model_invocation_logging_configuration().get("loggingConfig", {}) == {}
    put = logging_api.put_model_invocation_logging_configuration(loggingConfig=FULL)
    assert put["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert logging_api.get_model_invocation_logging_configuration()["loggingConfig"] == FULL
    logging_api.delete_model_invocation_logging_configuration()
    # moto answers {"loggingConfig": {}} where the service leaves the member out: both mean "no logging".
    assert logging_api.get_model_invocation_logging_configuration().get("loggingConfig", {}) == {}
    assert [item["operation"] for item in recorded(srv)] == [
        "GetModelInvocationLoggingConfiguration",
        "PutModelInvocationLoggingConfiguration",
        "GetModelInvocationLoggingConfiguration",
        "DeleteModelInvocationLoggingConfiguration",
        "GetModelInvocationLoggingConfiguration",
    ]
    assert json.loads(base64.b64decode(recorded(srv)[1]["body_b64"]))["loggingConfig"] == FULL


def test_one_configuration_per_region(srv: be.BedrockServer, logging_api: Any) -> None:
    logging_api.put_model_invocation_logging_configuration(loggingConfig={"s3Config": {"bucketName": "us-logs"}})
    ireland = clients(srv.url, region="eu-west-1")[0]
    assert ireland.get_model_invocation_logging_configuration().get("loggingConfig", {}) == {}
    ireland.put_model_invocation_logging_configuration(loggingConfig={"s3Config": {"bucketName": "eu-logs"}})
    assert logging_api.get_model_invocation_logging_configuration()["loggingConfig"]["s3Config"]["bucketName"] == (
        "us-logs"
    )
    # The fake's reset deletes what moto keeps in every region it saw a configuration put in.
    reset(srv)
    for client in (logging_api, ireland):
        assert client.get_model_invocation_logging_configuration().get("loggingConfig", {}) == {}


@pytest.mark.parametrize(
    "config",
    [
        {},
        {"textDataDeliveryEnabled": True},
        {"cloudWatchConfig": {"logGroupName": "g", "roleArn": "not-a-role-arn"}},
        {"s3Config": {"bucketName": "Not_A_Bucket!"}},
        {"s3Config": {"bucketName": "b" * 64}},
    ],
)
def test_moto_checks_nothing(logging_api: Any, config: dict[str, Any]) -> None:
    # The service refuses a role ARN of the wrong form (RoleArn's pattern) and a bucket name longer than 63 (its
    # max), and checks that the destinations exist and may be written to; moto stores whatever it is sent.
    logging_api.put_model_invocation_logging_configuration(loggingConfig=config)
    assert logging_api.get_model_invocation_logging_configuration().get("loggingConfig", {}) == config


def test_faults_and_signatures_come_before_moto(srv: be.BedrockServer, logging_api: Any, moto_url: str) -> None:
    order = {"operation": "PutModelInvocationLoggingConfiguration", "error": "ThrottlingException"}
    control(srv, "POST", "/_test/faults", order)
    with pytest.raises(botocore.exceptions.ClientError) as info:
        logging_api.put_model_invocation_logging_configuration(loggingConfig={"s3Config": {"bucketName": "x-y-z"}})
    assert info.value.response["Error"]["Code"] == "ThrottlingException"
    assert logging_api.get_model_invocation_logging_configuration().get("loggingConfig", {}) == {}
    signed = be.start_server(verify_sigv4=True, s3_upstream=moto_url)
    try:
        forged = clients(signed.url, secret="wrong-secret")[0]
        with pytest.raises(botocore.exceptions.ClientError) as info:
            forged.put_model_invocation_logging_configuration(loggingConfig={"s3Config": {"bucketName": "forged"}})
        assert info.value.response["Error"]["Code"] == "InvalidSignatureException"
        good = clients(signed.url)[0]
        assert good.get_model_invocation_logging_configuration().get("loggingConfig", {}) == {}
        good.put_model_invocation_logging_configuration(loggingConfig={"s3Config": {"bucketName": "signed"}})
        assert logging_api.get_model_invocation_logging_configuration()["loggingConfig"] == {
            "s3Config": {"bucketName": "signed"}
        }
        assert TEST_KEY in recorded(signed)[0]["headers"]["Authorization"]
    finally:
        reset(signed)
        signed.stop()


def test_without_moto_the_routes_say_what_they_need(server: be.BedrockServer) -> None:
    status, headers, body = raw_request(server, "GET", "/logging/modelinvocations")
    assert (status, headers["x-amzn-ErrorType"]) == (404, "UnknownOperationException")
    assert "--s3-upstream" in json.loads(body)["message"]
    # Another method on the path is no operation at all.
    assert raw_request(server, "POST", "/logging/modelinvocations")[0] == 404


def test_unsigned_requests_for_the_new_apis_are_not_taken_for_s3(srv: be.BedrockServer) -> None:
    for path in ("/inference-profiles", "/foundation-models", "/foundation-model-availability/amazon.nova-pro-v1:0"):
        status, headers, dummy = raw_request(srv, "GET", path)
        assert status == 200 and "x-amzn-RequestId" in headers, path
