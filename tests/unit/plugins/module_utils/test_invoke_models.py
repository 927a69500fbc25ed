# -*- coding: utf-8 -*-

# Copyright: Contributors to the amazon.ai collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The family of bedrock_invoke_models: merging options into requests, checking them all, sending each, the summary."""

from __future__ import annotations

import io

import boto3
import botocore.exceptions
import pytest
from botocore.response import StreamingBody
from botocore.stub import Stubber

from ansible_collections.amazon.ai.plugins.module_utils import clients
from ansible_collections.amazon.ai.plugins.module_utils import invoke_models
from ansible_collections.amazon.ai.plugins.module_utils.common import BedrockParameterError
from ansible_collections.amazon.ai.plugins.module_utils.invoke_model import INVOKE_OPTIONS
from ansible_collections.amazon.ai.plugins.module_utils.invoke_model import build_invoke_request
from ansible_collections.amazon.ai.plugins.module_utils.sending import AdaptiveLimiter

# The task's options as Ansible hands them to the module when only model_id is set.
TASK = dict(
    model_id="amazon.titan-text-express-v1",
    **{name: spec.get("default") for name, spec in INVOKE_OPTIONS.items()},
)


def task(**overrides):
    return dict(TASK, **dict(dict(bodies=None, requests=None, max_concurrency=8), **overrides))


def unset(**options):
    """An entry of requests as Ansible hands it over: every suboption present, None where not set."""
    entry = dict.fromkeys(("body",) + invoke_models.REQUEST_OPTIONS)
    entry.update(options)
    return entry


@pytest.mark.parametrize(
    "entry, expected",
    [
        (None, {}),
        (unset(), {}),
        (unset(model_id="other"), {"model_id": "other"}),
        # A request's own value wins, even when it is the default the task would not send.
        (unset(trace="DISABLED", accept="text/plain"), {"trace": "DISABLED", "accept": "text/plain"}),
        (unset(request_metadata={"team": "ml"}), {"request_metadata": {"team": "ml"}}),
        # An empty mapping is a value of its own: it replaces the task's metadata.
        (unset(request_metadata={}), {"request_metadata": {}}),
        (
            unset(guardrail_identifier="gr2", guardrail_version="DRAFT", service_tier="flex"),
            {"guardrail_identifier": "gr2", "guardrail_version": "DRAFT", "service_tier": "flex"},
        ),
    ],
)
def test_request_params(entry, expected):
    base = dict(TASK, trace="ENABLED", request_metadata={"team": "web"})
    params = invoke_models.request_params(base, entry, {"inputText": "hi"})
    assert params == dict(base, body={"inputText": "hi"}, **expected)


@pytest.mark.parametrize("overrides", [dict(), dict(bodies=None), dict(requests=None)])
def test_expand_requests_refuses_null(overrides):
    with pytest.raises(BedrockParameterError, match="must be a list of requests .*, not null"):
        invoke_models.expand_requests(task(**overrides))


@pytest.mark.parametrize(
    "overrides, bodies",
    [
        (dict(bodies=[]), []),
        (dict(requests=[]), []),
        (dict(bodies=[{"a": 1}, "text", [1]]), [{"a": 1}, "text", [1]]),
        (dict(requests=[unset(body={"b": 2}), unset(body="x", model_id="m")]), [{"b": 2}, "x"]),
    ],
)
def test_expand_requests_keeps_the_order(overrides, bodies):
    requests = invoke_models.expand_requests(task(**overrides))
    assert [params["body"] for params in requests] == bodies
    assert all(set(params) == {"body", *invoke_models.REQUEST_OPTIONS} for params in requests)


@pytest.mark.parametrize(
    "requests, source, message",
    [
        (
            [dict(TASK, body={}), dict(TASK, body=42)],
            "bodies",
            "bodies[1] (model 'amazon.titan-text-express-v1'): body ",
        ),
        ([dict(TASK, body={}, model_id=None)], "requests", "requests[0] has no model_id, and the task sets none"),
        ([dict(TASK, body={}, model_id="..")], "requests", "requests[0] (model '..'): model_id '..' is not a model id"),
        ([dict(TASK, body={}), dict(TASK, body={}, accept="a\x00")], "requests", "requests[1] (model 'amazon.titan-"),
        (
            [dict(TASK, body={}, guardrail_identifier="gr1")],
            "requests",
            "guardrail_identifier and guardrail_version go",
        ),
    ],
)
def test_build_invoke_requests_names_the_request_that_cannot_be_sent(requests, source, message):
    with pytest.raises(BedrockParameterError) as excinfo:
        invoke_models.build_invoke_requests(requests, source)
    assert message in str(excinfo.value)
    assert str(excinfo.value).startswith(f"{source}[")


@pytest.mark.parametrize(
    "task_options, entries, message",
    [
        # The task's own problem, in every request that takes the task's options, names only the task's options.
        (dict(guardrail_identifier="gr1"), None, "guardrail_identifier and guardrail_version go together"),
        (dict(guardrail_identifier="gr1"), [unset(body={}, content_type="application/json")], "guardrail_identifier"),
        (dict(accept="text/plain\x00"), None, "accept 'text/plain\\x00' cannot be sent as an HTTP header"),
        (dict(guardrail_identifier="gr1", guardrail_version="v1"), None, "guardrail_version must be a version"),
        (dict(model_id=" m"), None, "model_id ' m' starts or ends with white space"),
        (dict(request_metadata={"n": 1}), [unset(body={}, model_id="other")], "request_metadata must map strings"),
    ],
)
def test_build_invoke_requests_names_the_task_option_for_a_problem_of_the_task(task_options, entries, message):
    the_task = task(**task_options, **({"requests": entries} if entries is not None else {"bodies": [{}, {}]}))
    with pytest.raises(BedrockParameterError) as excinfo:
        invoke_models.build_invoke_requests(
            invoke_models.expand_requests(the_task), invoke_models.request_source(the_task), the_task
        )
    assert message in str(excinfo.value)
    assert not str(excinfo.value).startswith(("bodies[", "requests["))


@pytest.mark.parametrize(
    "task_options, entries, message",
    [
        # What the entry sets is the entry's problem, even where the task's options are wrong too.
        (dict(), [unset(body={}), unset(body={}, accept="a\x00")], "requests[1] (model 'amazon.titan-text-express"),
        (dict(guardrail_identifier="gr1"), [unset(body={}, guardrail_version="x")], "requests[0] (model "),
        (dict(), [unset(body={}, model_id=" m")], "requests[0] (model ' m'): model_id ' m' starts"),
    ],
)
def test_build_invoke_requests_names_the_entry_for_a_problem_of_the_entry(task_options, entries, message):
    the_task = task(requests=entries, **task_options)
    with pytest.raises(BedrockParameterError) as excinfo:
        invoke_models.build_invoke_requests(invoke_models.expand_requests(the_task), "requests", the_task)
    assert str(excinfo.value).startswith(message)


def test_a_request_may_complete_the_guardrail_the_task_names():
    the_task = task(guardrail_identifier="gr1", requests=[unset(body={}, guardrail_version="2")])
    built = invoke_models.build_invoke_requests(invoke_models.expand_requests(the_task), "requests", the_task)
    assert built[0]["guardrailIdentifier"] == "gr1" and built[0]["guardrailVersion"] == "2"


def test_build_invoke_requests_encodes_every_body():
    built = invoke_models.build_invoke_requests([dict(TASK, body={"a": 1}), dict(TASK, body="[2]")], "bodies")
    assert [request["body"] for request in built] == [b'{"a":1}', b"[2]"]


def test_argument_spec_takes_the_invoke_options_for_the_task_and_each_request():
    spec = invoke_models.argument_spec()
    assert set(INVOKE_OPTIONS) <= set(spec)
    assert spec["max_concurrency"] == {"type": "int", "default": invoke_models.DEFAULT_CONCURRENCY}
    entry = spec["requests"]["options"]
    assert set(entry) == {"body", *invoke_models.REQUEST_OPTIONS}
    # An entry's option left unset takes the task's: no defaults of its own.
    assert all("default" not in option for option in entry.values())


# Sending, against botocore's real service model.


def reply(payload=b'{"ok": true}', input_tokens=None):
    headers = {"content-length": str(len(payload))}
    if input_tokens is not None:
        headers.update(
            {"x-amzn-bedrock-input-token-count": str(input_tokens), "x-amzn-bedrock-output-token-count": "1"}
        )
    return {
        "body": StreamingBody(io.BytesIO(payload), len(payload)),
        "contentType": "application/json",
        "ResponseMetadata": {"HTTPHeaders": headers, "RequestId": "r"},
    }


@pytest.fixture(name="stubbed_client")
def fixture_stubbed_client(no_sleep):
    sleeps = no_sleep
    client = boto3.client("bedrock-runtime", region_name="us-east-1", aws_access_key_id="a", aws_secret_access_key="b")
    with Stubber(client) as stubber:
        stubber.sleeps = sleeps
        yield client, stubber
        stubber.assert_no_pending_responses()


def test_invoke_one_retries_busy_answers_and_reports_them_to_the_limiter(stubbed_client):
    client, stubber = stubbed_client
    params = dict(TASK, body={})
    request = build_invoke_request(params)
    stubber.add_client_error("invoke_model", service_error_code="ThrottlingException", http_status_code=429)
    stubber.add_client_error("invoke_model", service_error_code="503", http_status_code=503)
    stubber.add_response("invoke_model", reply(input_tokens=3), expected_params=request)
    limiter = AdaptiveLimiter(8)
    outcome = invoke_models.invoke_one(client, params, request, limiter)
    assert outcome.tries == 3 and len(stubber.sleeps) == 2
    assert outcome.entry["raw_response"] == {"ok": True}
    assert outcome.entry["invocation_metrics"]["input_token_count"] == 3
    assert "changed" not in outcome.entry
    assert (limiter.limit, limiter.in_flight) == (2, 0)


def test_invoke_one_describes_an_error_as_a_failed_task_would(stubbed_client):
    client, stubber = stubbed_client
    params = dict(TASK, body={})
    stubber.add_client_error(
        "invoke_model", service_error_code="AccessDeniedException", service_message="no", http_status_code=403
    )
    outcome = invoke_models.invoke_one(client, params, build_invoke_request(params), AdaptiveLimiter(2))
    assert outcome.tries == 1 and stubber.sleeps == []
    assert outcome.entry["failed"] is True
    assert outcome.entry["error"] == {"code": "AccessDeniedException", "message": "no"}
    assert outcome.entry["response_metadata"]["http_status_code"] == 403
    assert outcome.entry["msg"].startswith("Failed to invoke Bedrock model 'amazon.titan-text-express-v1': ")
    assert "AccessDeniedException" in outcome.entry["msg"]


def test_invoke_one_fails_a_reply_cut_short(stubbed_client):
    client, stubber = stubbed_client
    params = dict(TASK, body={})
    cut = reply(b"")
    cut["ResponseMetadata"]["HTTPHeaders"] = {"content-type: applic": ""}
    stubber.add_response("invoke_model", cut)
    outcome = invoke_models.invoke_one(client, params, build_invoke_request(params), AdaptiveLimiter(2))
    assert outcome.entry["failed"] is True and "no Content-Length" in outcome.entry["msg"]
    assert outcome.tries == 1


def test_a_read_timeout_is_never_sent_again(no_sleep):
    calls = []

    class TimingOut:
        def invoke_model(self, **request):
            calls.append(request)
            raise botocore.exceptions.ReadTimeoutError(endpoint_url="http://x")

    params = dict(TASK, body={})
    outcome = invoke_models.invoke_one(TimingOut(), params, build_invoke_request(params), AdaptiveLimiter(1))
    assert len(calls) == 1 and outcome.tries == 1
    assert "the request was not sent again" in outcome.entry["msg"]


class Unreachable:
    """A client that cannot connect for its first `refusals` calls, recording the slots in use at each sleep."""

    def __init__(self, refusals, error=botocore.exceptions.EndpointConnectionError):
        self.refusals = refusals
        self.error = error
        self.calls = 0

    def invoke_model(self, **request):
        self.calls += 1
        if self.calls <= self.refusals:
            raise self.error(endpoint_url="http://127.0.0.1:1/model/m/invoke")
        return reply()


@pytest.mark.parametrize(
    "error", [botocore.exceptions.EndpointConnectionError, botocore.exceptions.ConnectTimeoutError]
)
def test_a_request_that_never_connects_fails_saying_how_many_tries(no_sleep, error):
    params = dict(TASK, body={})
    client = Unreachable(1000, error)
    outcome = invoke_models.invoke_one(client, params, build_invoke_request(params), AdaptiveLimiter(2))
    assert client.calls == outcome.tries == clients.RETRY_ATTEMPTS
    assert outcome.entry["failed"] is True
    assert "could not connect to the endpoint in 12 tries, so the request was not sent" in outcome.entry["msg"]
    summary = invoke_models.failure_summary([outcome.entry], "bodies")
    assert summary.count("amazon.titan-text-express-v1") == 1
    assert summary.startswith("1 of 1 Bedrock requests failed: bodies[0] (model 'amazon.titan-text-express-v1'): (")


def test_a_closed_connection_is_never_sent_again(no_sleep):
    params = dict(TASK, body={})
    client = Unreachable(1000, botocore.exceptions.ConnectionClosedError)
    outcome = invoke_models.invoke_one(client, params, build_invoke_request(params), AdaptiveLimiter(2))
    assert client.calls == outcome.tries == 1
    assert outcome.entry["failed"] is True


def test_build_summary_and_failure_summary():
    responses = [
        {"model_id": "a", "raw_response": {}, "invocation_metrics": {"input_token_count": 3, "output_token_count": 5}},
        {"model_id": "b", "failed": True, "msg": "m", "error": {"code": "ThrottlingException"}},
        {"model_id": "c", "raw_response": {}, "invocation_metrics": {"input_token_count": 4}},
        {"model_id": "d", "failed": True, "msg": "Failed to invoke Bedrock model 'd': cut short"},
        {"model_id": "e", "failed": True, "msg": "m", "error": {"code": "AccessDeniedException"}},
        {"model_id": "f", "failed": True, "msg": "m", "error": {"code": "ValidationException"}},
    ]
    assert invoke_models.build_summary(responses, [1, 12, 3, 1, 1, 1], 4) == {
        "requests": 6,
        "succeeded": 2,
        "failed": 4,
        "retried": 2,
        "retries": 13,
        "lowest_concurrency": 4,
        "input_token_count": 7,
        "output_token_count": 5,
    }
    assert invoke_models.failure_summary(responses, "requests") == (
        "4 of 6 Bedrock requests failed: requests[1] (model 'b'): ThrottlingException; requests[3] (model 'd'): "
        "cut short; requests[4] (model 'e'): AccessDeniedException; and 1 more"
    )
    assert invoke_models.failure_summary(responses[:1], "bodies") is None
    assert "input_token_count" not in invoke_models.build_summary([{"model_id": "a"}], [1], 8)
