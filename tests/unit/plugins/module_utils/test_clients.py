# -*- coding: utf-8 -*-

# Copyright: Contributors to the amazon.ai collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import contextlib
import json
import socket
from unittest.mock import MagicMock

import boto3
import botocore.config
import botocore.exceptions
import pytest
from botocore.stub import Stubber

from ansible_collections.amazon.ai.plugins.module_utils import backoff
from ansible_collections.amazon.ai.plugins.module_utils import clients
from ansible_collections.amazon.ai.plugins.module_utils.invoke_model import build_invoke_request
from ansible_collections.amazon.ai.plugins.module_utils.invoke_model import call_invoke_model

MODEL = "anthropic.claude-3-haiku-20240307-v1:0"


# The retried AWS call, InvokeModel validated against botocore's real service model by the Stubber.


@pytest.mark.parametrize("code", clients.RETRYABLE_ERROR_CODES)
def test_busy_service_is_retried(stubbed, no_sleep, code, invoke_params, invoke_reply):
    module, stubber = stubbed
    request = build_invoke_request(invoke_params())
    stubber.add_client_error("invoke_model", service_error_code=code, http_status_code=429, expected_params=request)
    stubber.add_client_error("invoke_model", service_error_code=code, http_status_code=429, expected_params=request)
    stubber.add_response("invoke_model", invoke_reply(b'{"ok": 1}'), expected_params=request)
    response, payload = call_invoke_model(clients.retrying_bedrock_client(module), request)
    assert json.loads(payload) == {"ok": 1}
    assert len(no_sleep) == 2
    assert all(0 <= delay <= clients.RETRY_MAX_DELAY for delay in no_sleep)


def test_retries_are_bounded(stubbed, no_sleep, invoke_params):
    module, stubber = stubbed
    request = build_invoke_request(invoke_params())
    for _attempt in range(clients.RETRY_ATTEMPTS):
        stubber.add_client_error("invoke_model", service_error_code="ThrottlingException", http_status_code=429)
    with pytest.raises(botocore.exceptions.ClientError) as excinfo:
        call_invoke_model(clients.retrying_bedrock_client(module), request)
    assert excinfo.value.response["Error"]["Code"] == "ThrottlingException"
    assert len(no_sleep) == clients.RETRY_ATTEMPTS - 1
    # Worst case of the jittered sleeps between tries stays within about a minute.
    assert sum(min(clients.RETRY_DELAY * 2**i, clients.RETRY_MAX_DELAY) for i in range(len(no_sleep))) <= 65


def test_six_throttles_are_outlasted_within_half_a_minute():
    # The benchmark's goal: a call throttled six times succeeds in under 30 s, even at the longest sleeps.
    assert clients.RETRY_ATTEMPTS > 6
    assert sum(min(clients.RETRY_DELAY * 2**i, clients.RETRY_MAX_DELAY) for i in range(6)) < 25


def test_the_client_waits_long_and_leaves_retrying_to_the_module(stubbed):
    module, _stubber = stubbed
    clients.retrying_bedrock_client(module)
    kwargs = module.client.call_args.kwargs
    assert module.client.call_args.args == ("bedrock-runtime",)
    assert kwargs["config"] == {"read_timeout": 3600, "retries": {"total_max_attempts": 1}}
    assert kwargs["retry_decorator"] is not None
    clients.retrying_bedrock_client(module, max_pool_connections=16)
    assert module.client.call_args.kwargs["config"]["max_pool_connections"] == 16


@pytest.mark.parametrize("status", clients.RETRYABLE_HTTP_STATUSES)
def test_bare_busy_statuses_are_retried(stubbed, no_sleep, status, invoke_params, invoke_reply):
    # A proxy's answer has no AWS error code: botocore then makes the status the code.
    module, stubber = stubbed
    request = build_invoke_request(invoke_params())
    stubber.add_client_error("invoke_model", service_error_code=status, http_status_code=int(status))
    stubber.add_response("invoke_model", invoke_reply(b'{"ok": 1}'), expected_params=request)
    response, payload = call_invoke_model(clients.retrying_bedrock_client(module), request)
    assert json.loads(payload) == {"ok": 1}
    assert len(no_sleep) == 1


def client_error(code, status=400):
    return botocore.exceptions.ClientError(
        {"Error": {"Code": code, "Message": "no"}, "ResponseMetadata": {"HTTPStatusCode": status}}, "InvokeModel"
    )


def test_other_errors_are_not_retried(stubbed, no_sleep, invoke_params, not_retried):
    code, status = not_retried
    module, stubber = stubbed
    stubber.add_client_error("invoke_model", service_error_code=code, http_status_code=status)
    with pytest.raises(botocore.exceptions.ClientError) as excinfo:
        call_invoke_model(clients.retrying_bedrock_client(module), build_invoke_request(invoke_params()))
    assert excinfo.value.response["Error"]["Code"] == code
    assert no_sleep == []


@pytest.mark.parametrize(
    "error, transient",
    [
        (client_error("ThrottlingException", 429), True),
        (client_error("503", 503), True),
        # What AWSRetry itself retries for any service, such as S3's InternalError.
        (client_error("InternalError", 500), True),
        (client_error("RequestLimitExceeded", 400), True),
        # S3's busy answer: botocore reports its code, not the 503 status.
        (client_error("SlowDown", 503), True),
        (client_error("ValidationException", 400), False),
        (botocore.exceptions.EndpointConnectionError(endpoint_url="https://x"), True),
        (botocore.exceptions.ConnectTimeoutError(endpoint_url="https://x"), True),
        (botocore.exceptions.ReadTimeoutError(endpoint_url="https://x"), False),
        (botocore.exceptions.ConnectionClosedError(endpoint_url="https://x"), False),
        (botocore.exceptions.ProxyConnectionError(proxy_url="http://p", error="x"), False),
        (ValueError("x"), False),
    ],
)
def test_is_transient(error, transient):
    assert clients.is_transient(error) is transient


def test_retrying_client_serves_any_service():
    module = MagicMock()
    clients.retrying_client(module, "s3", max_pool_connections=4)
    assert module.client.call_args.args == ("s3",)
    assert module.client.call_args.kwargs["config"] == {
        "read_timeout": 3600,
        "retries": {"total_max_attempts": 1},
        "max_pool_connections": 4,
    }


def test_s3_slow_down_is_retried(no_sleep, scripted_module):
    # What the batch modules meet while staging records in S3 or reading the answers back.
    client = boto3.client("s3", region_name="us-east-1", aws_access_key_id="a", aws_secret_access_key="b")
    s3 = clients.retrying_client(scripted_module(client), "s3")
    expected = {"Bucket": "records", "Key": "in/records.jsonl"}
    with Stubber(client) as stubber:
        for _attempt in range(2):
            stubber.add_client_error(
                "head_object", service_error_code="SlowDown", http_status_code=503, expected_params=expected
            )
        stubber.add_response("head_object", {"ContentLength": 7}, expected_params=expected)
        assert s3.head_object(aws_retry=True, **expected)["ContentLength"] == 7
        stubber.assert_no_pending_responses()
    assert len(no_sleep) == 2


class Scripted:
    """A client whose invoke_model raises or answers as scripted, recording every call."""

    def __init__(self, *outcomes):
        self.outcomes = list(outcomes)
        self.calls = []

    def invoke_model(self, **request):
        self.calls.append(request)
        outcome = self.outcomes.pop(0)
        if isinstance(outcome, Exception):
            raise outcome
        return outcome


def test_a_request_that_could_not_connect_is_sent_once_it_can(no_sleep, invoke_params, invoke_reply, scripted_module):
    client = Scripted(
        botocore.exceptions.EndpointConnectionError(endpoint_url="http://x"),
        botocore.exceptions.ConnectTimeoutError(endpoint_url="http://x"),
        client_error("ThrottlingException", 429),
        invoke_reply(b'{"ok": 1}'),
    )
    request = build_invoke_request(invoke_params())
    response, payload = call_invoke_model(clients.retrying_bedrock_client(scripted_module(client)), request)
    assert json.loads(payload) == {"ok": 1}
    assert client.calls == [request] * 4 and len(no_sleep) == 3


def test_busy_answers_and_failed_connections_share_one_budget(no_sleep, invoke_params, scripted_module):
    outcomes = [client_error("ThrottlingException", 429)] * 5
    outcomes += [botocore.exceptions.EndpointConnectionError(endpoint_url="http://x")] * clients.RETRY_ATTEMPTS
    client = Scripted(*outcomes)
    with pytest.raises(botocore.exceptions.EndpointConnectionError) as excinfo:
        call_invoke_model(
            clients.retrying_bedrock_client(scripted_module(client)), build_invoke_request(invoke_params())
        )
    assert len(client.calls) == clients.RETRY_ATTEMPTS and len(no_sleep) == clients.RETRY_ATTEMPTS - 1
    assert "in 12 tries" in clients.failure_message("invoke Bedrock model 'm'", excinfo.value)


@pytest.mark.parametrize(
    "error",
    [
        botocore.exceptions.ReadTimeoutError(endpoint_url="http://x"),
        botocore.exceptions.ConnectionClosedError(endpoint_url="http://x"),
        botocore.exceptions.SSLError(endpoint_url="http://x", error="x"),
        botocore.exceptions.ProxyConnectionError(proxy_url="http://p", error="x"),
    ],
    ids=lambda error: type(error).__name__,
)
def test_what_may_have_been_sent_is_never_sent_again(no_sleep, error, invoke_params, invoke_reply, scripted_module):
    client = Scripted(error, invoke_reply())
    with pytest.raises(type(error)):
        call_invoke_model(
            clients.retrying_bedrock_client(scripted_module(client)), build_invoke_request(invoke_params())
        )
    assert len(client.calls) == 1 and no_sleep == []


@contextlib.contextmanager
def refusing_client(service):
    """A real botocore client of service whose endpoint refuses every connection (a port bound, not listening)."""
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        yield boto3.client(
            service,
            region_name="us-east-1",
            endpoint_url=f"http://127.0.0.1:{closed.getsockname()[1]}",
            aws_access_key_id="a",
            aws_secret_access_key="b",
            config=botocore.config.Config(**clients.CLIENT_CONFIG),
        )


def test_a_refused_connection_through_real_botocore_is_retried_then_reported(no_sleep, invoke_params, scripted_module):
    # botocore raises its own EndpointConnectionError for a refused connection.
    with refusing_client("bedrock-runtime") as client:
        with pytest.raises(botocore.exceptions.EndpointConnectionError) as excinfo:
            call_invoke_model(
                clients.retrying_bedrock_client(scripted_module(client)), build_invoke_request(invoke_params())
            )
    assert len(no_sleep) == clients.RETRY_ATTEMPTS - 1
    assert backoff.tries_made(excinfo.value) == clients.RETRY_ATTEMPTS
    assert "could not connect to the endpoint in 12 tries" in clients.failure_message("invoke it", excinfo.value)


def test_a_control_plane_call_that_cannot_connect_says_how_many_tries(no_sleep, scripted_module):
    # What the batch modules report: the same retries as every Bedrock call, on the bedrock client too.
    with refusing_client("bedrock") as client:
        wrapped = clients.retrying_client(scripted_module(client), "bedrock")
        with pytest.raises(botocore.exceptions.EndpointConnectionError) as excinfo:
            wrapped.get_model_invocation_job(aws_retry=True, jobIdentifier="job")
    assert len(no_sleep) == clients.RETRY_ATTEMPTS - 1
    assert clients.with_retries("Failed to read the job", excinfo.value) == (
        "Failed to read the job (could not connect to the endpoint in 12 tries, so the request was not sent)"
    )


@pytest.mark.parametrize(
    "error",
    [client_error("ValidationException", 400), botocore.exceptions.ReadTimeoutError(endpoint_url="http://x")],
    ids=["validation", "read-timeout"],
)
def test_errors_that_were_not_retried_leave_the_message_alone(error):
    assert clients.with_retries("Failed to read the job", error) == "Failed to read the job"


def tried(error, tries):
    """error as retry_with_backoff() raises it after that many tries."""
    setattr(error, backoff.TRIES_ATTRIBUTE, tries)
    return error


@pytest.mark.parametrize(
    "error, expected",
    [
        (
            tried(client_error("ThrottlingException", 429), 12),
            f"Failed to invoke Bedrock model {MODEL!r} (still busy after 12 tries)",
        ),
        (tried(client_error("ServiceUnavailableException", 503), 12), "(still busy after 12 tries)"),
        (client_error("ThrottlingException", 429), "(still busy after 1 try)"),
        (tried(client_error("Throttling", 400), 12), "(still busy after 12 tries)"),
        (client_error("AccessDeniedException", 403), f"Failed to invoke Bedrock model {MODEL!r}"),
        (client_error("ModelTimeoutException", 408), f"Failed to invoke Bedrock model {MODEL!r}"),
        (botocore.exceptions.ReadTimeoutError(endpoint_url="https://x"), "the request was not sent again"),
        (tried(client_error("502", 502), 12), "(still busy after 12 tries)"),
        (client_error("400", 400), f"Failed to invoke Bedrock model {MODEL!r}"),
        (botocore.exceptions.IncompleteReadError(actual_bytes=3, expected_bytes=9), "the reply was cut off"),
        (botocore.exceptions.ResponseStreamingError(error="reset"), "the reply was cut off"),
        (
            tried(botocore.exceptions.EndpointConnectionError(endpoint_url="https://x"), 12),
            f"Failed to invoke Bedrock model {MODEL!r} (could not connect to the endpoint in 12 tries, so the request "
            "was not sent)",
        ),
        (
            tried(botocore.exceptions.ConnectTimeoutError(endpoint_url="https://x"), 3),
            "(could not connect to the endpoint in 3 tries, so the request was not sent)",
        ),
        (
            botocore.exceptions.SSLError(endpoint_url="https://x", error="certificate verify failed"),
            f"Failed to invoke Bedrock model {MODEL!r}",
        ),
        (
            botocore.exceptions.ConnectionClosedError(endpoint_url="https://x"),
            f"Failed to invoke Bedrock model {MODEL!r}",
        ),
    ],
)
def test_failure_message_of_a_call_that_runs_a_model(error, expected):
    message = clients.failure_message(f"invoke Bedrock model {MODEL!r}", error, runs_model=True)
    assert message.startswith(f"Failed to invoke Bedrock model {MODEL!r}")
    if expected.startswith("Failed"):
        assert message == expected
    else:
        assert expected in message


@pytest.mark.parametrize(
    "error, expected",
    [
        (tried(client_error("ThrottlingException", 429), 3), "Failed to read the job (still busy after 3 tries)"),
        (botocore.exceptions.ReadTimeoutError(endpoint_url="https://x"), "Failed to read the job"),
        (botocore.exceptions.IncompleteReadError(actual_bytes=3, expected_bytes=9), "Failed to read the job"),
    ],
)
def test_failure_message_of_any_other_call_says_only_why_retries_did_not_help(error, expected):
    assert clients.failure_message("read the job", error) == expected
