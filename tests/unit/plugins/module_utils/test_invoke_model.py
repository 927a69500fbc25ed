# -*- coding: utf-8 -*-

# Copyright: Contributors to the amazon.ai collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The InvokeModel family: its checks, its request, its result, and the call validated by botocore's model."""

from __future__ import annotations

import pytest

from ansible_collections.amazon.ai.plugins.module_utils import clients
from ansible_collections.amazon.ai.plugins.module_utils import invoke_model
from ansible_collections.amazon.ai.plugins.module_utils.versions import required_boto3_versions

MODEL = "anthropic.claude-3-haiku-20240307-v1:0"
SURROGATE_REPLY = b'{"completion": "cut emoji \\ud83d", "stop_reason": "max_tokens"}'


@pytest.mark.parametrize(
    "overrides",
    [
        dict(),
        dict(guardrail_identifier="gr1", guardrail_version="DRAFT"),
        dict(content_type="application/json; charset=utf-8", accept="*/*"),
        dict(request_metadata={"team": "ml"}),
    ],
)
def test_check_invoke_options_accepts(invoke_params, overrides):
    invoke_model.check_invoke_options(invoke_params(**overrides))


@pytest.mark.parametrize(
    "overrides, message",
    [
        (dict(content_type=""), "content_type must be a MIME type"),
        (dict(accept=" "), "accept must be a MIME type"),
        (dict(request_metadata={"team": 1}), "request_metadata must map strings to strings"),
        (dict(guardrail_identifier="gr1"), "guardrail_identifier and guardrail_version go together"),
        (dict(guardrail_identifier="gr1", guardrail_version="draft"), "guardrail_version must be"),
        (dict(guardrail_identifier="gr1", guardrail_version="1\n"), "guardrail_version .* HTTP header"),
    ],
)
def test_check_invoke_options_refuses(invoke_params, overrides, message):
    with pytest.raises(invoke_model.BedrockParameterError, match=message):
        invoke_model.check_invoke_options(invoke_params(**overrides))


@pytest.mark.parametrize("option", invoke_model.HEADER_OPTIONS)
def test_every_header_option_must_be_a_header_value(invoke_params, option):
    params = invoke_params(guardrail_identifier="gr1", guardrail_version="1")
    params[option] = params[option] + "\x00"
    with pytest.raises(invoke_model.BedrockParameterError, match=f"^{option} .* cannot be sent as an HTTP header"):
        invoke_model.build_invoke_request(params)


def test_build_invoke_request_checks_the_model_id_and_the_body_too(invoke_params):
    with pytest.raises(invoke_model.BedrockParameterError, match="model_id must not be empty"):
        invoke_model.build_invoke_request(invoke_params(model_id=""))
    with pytest.raises(invoke_model.BedrockParameterError, match="^body "):
        invoke_model.build_invoke_request(invoke_params(body=42))


def test_argument_spec_has_every_invoke_option_and_the_task_subject_names_the_model():
    spec = invoke_model.argument_spec()
    assert set(spec) == {"model_id", "body", *invoke_model.INVOKE_OPTIONS}
    assert spec["model_id"] == {"type": "str", "required": True}
    assert invoke_model.task_subject({"model_id": "m"}) == "model 'm'"
    assert invoke_model.task_subject({}) is None
    assert all("default" not in option for option in invoke_model.invoke_options(defaults=False).values())


@pytest.mark.parametrize(
    "overrides, expected",
    [
        (dict(), []),
        (dict(trace="DISABLED", performance_config_latency="standard"), []),
        (dict(trace="ENABLED"), [("1.34.90", "to use trace=ENABLED")]),
        (dict(trace="ENABLED_FULL"), [("1.37.29", "to use trace=ENABLED_FULL")]),
        (dict(performance_config_latency="optimized"), [("1.35.73", "to use performance_config_latency=optimized")]),
        (
            dict(guardrail_identifier="gr1", guardrail_version="DRAFT"),
            [("1.34.90", "to use guardrail_identifier"), ("1.34.90", "to use guardrail_version")],
        ),
        (dict(service_tier="flex"), [("1.40.76", "to use service_tier")]),
        # The highest version needed comes first, so a too-old boto3 is told everything the task needs.
        (
            dict(service_tier="reserved"),
            [("1.41.5", "to use service_tier=reserved"), ("1.40.76", "to use service_tier")],
        ),
        (
            dict(trace="ENABLED", request_metadata={"a": "b"}, performance_config_latency="optimized"),
            [
                ("1.43.12", "to use request_metadata"),
                ("1.35.73", "to use performance_config_latency=optimized"),
                ("1.34.90", "to use trace=ENABLED"),
            ],
        ),
        (dict(request_metadata={"team": "ml"}), [("1.43.12", "to use request_metadata")]),
        (dict(request_metadata={}), []),
    ],
)
def test_required_boto3_versions(invoke_params, overrides, expected):
    assert required_boto3_versions(invoke_params(**overrides), invoke_model.OPTION_GATES) == expected


@pytest.mark.parametrize(
    "overrides, extra",
    [
        (dict(), {}),
        (dict(trace="ENABLED"), {"trace": "ENABLED"}),
        (dict(trace="ENABLED_FULL"), {"trace": "ENABLED_FULL"}),
        (
            dict(guardrail_identifier="gr1", guardrail_version="DRAFT"),
            {"guardrailIdentifier": "gr1", "guardrailVersion": "DRAFT"},
        ),
        (dict(performance_config_latency="optimized"), {"performanceConfigLatency": "optimized"}),
        (
            dict(content_type="text/plain", accept="image/png", body="{}"),
            {"contentType": "text/plain", "accept": "image/png"},
        ),
        (dict(service_tier="default"), {"serviceTier": "default"}),
        (dict(service_tier="reserved"), {"serviceTier": "reserved"}),
        (dict(request_metadata={"team": "ml", "run": "7"}), {"requestMetadata": '{"team":"ml","run":"7"}'}),
        (dict(request_metadata={}), {}),
    ],
)
def test_build_invoke_request(invoke_params, overrides, extra):
    expected = {"modelId": MODEL, "body": b"{}", "contentType": "application/json", "accept": "application/json"}
    expected.update(extra)
    assert invoke_model.build_invoke_request(invoke_params(**{"body": {}, **overrides})) == expected


def test_build_invoke_result_check_mode(invoke_params):
    assert invoke_model.build_invoke_result(invoke_params(), None, b"") == (
        {"changed": True, "model_id": MODEL, "raw_response": {}},
        [],
    )


def test_build_invoke_result_reply(invoke_params):
    response = {"contentType": "application/json", "ResponseMetadata": {"HTTPHeaders": {"content-length": "26"}}}
    result = invoke_model.build_invoke_result(invoke_params(), response, b'{"stopReason": "end_turn"}')
    assert result == (
        {
            "changed": True,
            "model_id": MODEL,
            "raw_response": {"stopReason": "end_turn"},
            "raw_response_format": "json",
            "response_content_type": "application/json",
        },
        [],
    )


def test_build_invoke_result_passes_on_the_notes(invoke_params):
    response = {"contentType": "application/json", "ResponseMetadata": {}}
    result, notes = invoke_model.build_invoke_result(invoke_params(), response, SURROGATE_REPLY)
    assert result["raw_response"]["stop_reason"] == "max_tokens"
    assert len(notes) == 1 and "replaced with U+FFFD" in notes[0]


@pytest.mark.parametrize(
    "headers, payload, problem",
    [
        ({"content-length": "2"}, b"{}", None),
        ({"content-length": " 2 "}, b"{}", None),
        ({"transfer-encoding": "chunked"}, b"{}", None),
        ({"transfer-encoding": "gzip, Chunked"}, b"", None),
        # Cut in the middle of the headers: no framing at all, the body seems empty.
        ({"x-amzn-requestid": "r", "content-type: applic": ""}, b"", "no Content-Length"),
        ({"content-length": "20"}, b'{"cut": ', "Content-Length says '20'"),
        ({"content-length": "1"}, b"{}", "Content-Length says '1'"),
        ({"content-length": "two"}, b"{}", "Content-Length says 'two'"),
        ({"content-length": "-2"}, b"{}", "Content-Length says '-2'"),
    ],
)
def test_check_reply_complete(headers, payload, problem):
    response = {"ResponseMetadata": {"HTTPHeaders": headers}}
    if problem is None:
        invoke_model.check_reply_complete(response, payload)
    else:
        with pytest.raises(invoke_model.BedrockReplyError, match=problem) as excinfo:
            invoke_model.check_reply_complete(response, payload)
        assert "answer is not returned" in str(excinfo.value)


HEADERS = {
    "x-amzn-requestid": "req-1",
    "content-type": "application/json",
    "x-amzn-bedrock-input-token-count": "12",
    "x-amzn-bedrock-output-token-count": "250",
    "x-amzn-bedrock-invocation-latency": "1834",
}


@pytest.mark.parametrize(
    "response, expected",
    [
        (
            {"contentType": "application/json", "ResponseMetadata": {"RequestId": "req-1", "HTTPHeaders": HEADERS}},
            {
                "response_content_type": "application/json",
                "request_id": "req-1",
                "invocation_metrics": {
                    "input_token_count": 12,
                    "output_token_count": 250,
                    "invocation_latency_ms": 1834,
                },
            },
        ),
        (
            {
                "contentType": "application/json",
                "performanceConfigLatency": "optimized",
                "serviceTier": "flex",
                "ResponseMetadata": {"RequestId": "req-2", "HTTPHeaders": {"x-amzn-bedrock-output-token-count": "3"}},
            },
            {
                "response_content_type": "application/json",
                "performance_config_latency": "optimized",
                "service_tier": "flex",
                "request_id": "req-2",
                "invocation_metrics": {"output_token_count": 3},
            },
        ),
        # An older botocore leaves newer reply headers unparsed: they are read from the raw headers.
        (
            {
                "contentType": "text/plain",
                "ResponseMetadata": {
                    "HTTPHeaders": {
                        "x-amzn-requestid": "req-3",
                        "x-amzn-bedrock-performanceconfig-latency": "standard",
                        "x-amzn-bedrock-service-tier": "priority",
                        "x-amzn-bedrock-input-token-count": "not-a-number",
                    }
                },
            },
            {
                "response_content_type": "text/plain",
                "performance_config_latency": "standard",
                "service_tier": "priority",
                "request_id": "req-3",
            },
        ),
        ({}, {}),
    ],
)
def test_reply_details(response, expected):
    assert invoke_model.reply_details(response) == expected


# The AWS call, validated against botocore's real service model by the Stubber.


@pytest.mark.parametrize(
    "overrides",
    [
        dict(),
        dict(trace="ENABLED", guardrail_identifier="gr1", guardrail_version="3"),
        dict(trace="ENABLED_FULL", performance_config_latency="optimized"),
        dict(content_type="text/plain", accept="text/plain", body="Once upon a time"),
        dict(model_id="us.amazon.nova-lite-v1:0"),
        dict(service_tier="reserved", request_metadata={"team": "ml"}),
    ],
)
def test_every_option_matches_the_service_model(stubbed, invoke_params, invoke_reply, overrides):
    module, stubber = stubbed
    request = invoke_model.build_invoke_request(invoke_params(**overrides))
    stubber.add_response("invoke_model", invoke_reply(), expected_params=request)
    response, payload = invoke_model.call_invoke_model(clients.retrying_bedrock_client(module), request)
    assert payload == b'{"ok": true}'
    assert response["contentType"] == "application/json"
