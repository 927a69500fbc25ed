# -*- coding: utf-8 -*-

# Copyright: Contributors to the amazon.ai collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import base64
import io
import json
from unittest.mock import MagicMock

import boto3
import botocore.exceptions
import pytest
from ansible_collections.amazon.aws.plugins.module_utils.retries import RetryingBotoClientWrapper
from botocore.response import StreamingBody
from botocore.stub import Stubber

from ansible_collections.amazon.ai.plugins.module_utils import backoff
from ansible_collections.amazon.ai.plugins.module_utils import bedrock
from ansible_collections.amazon.ai.plugins.module_utils import clients
from ansible_collections.amazon.ai.plugins.module_utils.versions import required_boto3_versions

MODEL = "anthropic.claude-3-haiku-20240307-v1:0"


def params(**overrides):
    base = dict(
        model_id=MODEL,
        body={"prompt": "hi"},
        content_type="application/json",
        accept="application/json",
        trace="DISABLED",
        guardrail_identifier=None,
        guardrail_version=None,
        performance_config_latency="standard",
        service_tier=None,
        request_metadata=None,
    )
    base.update(overrides)
    return base


@pytest.mark.parametrize(
    "media_type, expected",
    [
        ("application/json", True),
        ("APPLICATION/JSON", True),
        ("application/json; charset=utf-8", True),
        ("application/vnd.amazon.eventstream+json", True),
        ("text/json", True),
        ("text/plain", False),
        ("application/jsonl", False),
        ("application/x-ndjson", False),
        ("json", False),
        ("", False),
        (None, False),
    ],
)
def test_is_json_media_type(media_type, expected):
    assert bedrock.is_json_media_type(media_type) is expected


@pytest.mark.parametrize(
    "body, content_type, expected",
    [
        ({"a": 1, "b": [True, None]}, "application/json", b'{"a":1,"b":[true,null]}'),
        ([1, "two"], "application/json", b'[1,"two"]'),
        ({"text": "caf\u00e9 \u2615"}, "application/json", '{"text":"caf\u00e9 \u2615"}'.encode("utf-8")),
        ({"nested": {"x": {"y": []}}}, "application/vnd.example+json", b'{"nested":{"x":{"y":[]}}}'),
        # A string that already is JSON is sent exactly as given, whitespace included: never encoded twice.
        ('{"inputText": "hello"}', "application/json", b'{"inputText": "hello"}'),
        ("  [1, 2]\n", "application/json; charset=utf-8", b"  [1, 2]\n"),
        ('"just a JSON string"', "application/json", b'"just a JSON string"'),
        ("Once upon a time...", "text/plain", b"Once upon a time..."),
        ("caf\u00e9", "text/plain", "caf\u00e9".encode("utf-8")),
        ('{"looks": "like json"}', "text/plain", b'{"looks": "like json"}'),
        ("", "text/plain", b""),
    ],
)
def test_encode_body(body, content_type, expected):
    assert bedrock.encode_body(body, content_type) == expected


@pytest.mark.parametrize(
    "body, content_type, message",
    [
        ("Once upon a time...", "application/json", "not valid JSON"),
        ("", "application/json", "not valid JSON"),
        ({"a": 1}, "text/plain", "only a JSON content_type can carry"),
        ([1, 2], "text/csv", "only a JSON content_type can carry"),
        (42, "application/json", "not int"),
        (4.2, "text/plain", "not float"),
        (True, "application/json", "not bool"),
        (None, "application/json", "not NoneType"),
        ({"x": float("nan")}, "application/json", "cannot be encoded as JSON"),
        ({"x": {1, 2}}, "application/json", "cannot be encoded as JSON"),
        ('{"x": NaN}', "application/json", "NaN is not JSON"),
        ("[Infinity, -Infinity]", "application/vnd.amazon.eventstream+json", "Infinity is not JSON"),
    ],
)
def test_encode_body_refuses(body, content_type, message):
    with pytest.raises(bedrock.BedrockParameterError) as excinfo:
        bedrock.encode_body(body, content_type)
    text = str(excinfo.value)
    assert message in text
    assert "body" in text and "content_type" in text


def nested(depth, leaf="x"):
    value = leaf
    for dummy in range(depth):
        value = [value]
    return value


@pytest.mark.parametrize(
    "body, content_type, message",
    [
        # Deeper than Python's recursion limit: json.loads itself cannot parse it.
        ("[" * 1000 + "]" * 1000, "application/json", "nested more than 128 levels"),
        ("[" * 100000 + "]" * 100000, "application/json", "nested more than 128 levels"),
        ("[" * 129 + "]" * 129, "application/json", "nested more than 128 levels"),
        (nested(129), "application/json", "nested more than 128 levels"),
        ({"a": nested(128)}, "application/json", "nested more than 128 levels"),
        ({"cut": "emoji \ud83d"}, "application/json", "unpaired UTF-16 surrogate"),
        ("emoji \ud83d", "text/plain", "unpaired UTF-16 surrogate"),
    ],
)
def test_encode_body_refuses_what_cannot_be_sent(body, content_type, message):
    with pytest.raises(bedrock.BedrockParameterError, match=message) as excinfo:
        bedrock.encode_body(body, content_type)
    assert str(excinfo.value).startswith("body ")


def test_encode_body_takes_json_up_to_the_depth_limit():
    # JSON text is sent as the user wrote it, even an escaped half character: it is valid JSON.
    assert bedrock.encode_body('{"cut": "\\ud83d"}', "application/json") == b'{"cut": "\\ud83d"}'
    assert bedrock.encode_body("[" * 128 + "]" * 128, "application/json") == b"[" * 128 + b"]" * 128
    assert bedrock.encode_body(nested(127), "application/json") == b"[" * 127 + b'"x"' + b"]" * 127


def test_encode_body_refuses_more_than_the_api_accepts(monkeypatch):
    monkeypatch.setattr(bedrock, "MAX_BODY_BYTES", 10)
    assert bedrock.encode_body("x" * 10, "text/plain") == b"x" * 10
    with pytest.raises(bedrock.BedrockParameterError, match="at most 10 bytes"):
        bedrock.encode_body("x" * 11, "text/plain")


PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"


@pytest.mark.parametrize(
    "payload, content_type, expected, fmt",
    [
        (
            b'{"stopReason": "end_turn", "usage": {"inputTokens": 3}}',
            "application/json",
            {"stopReason": "end_turn", "usage": {"inputTokens": 3}},
            "json",
        ),
        (
            b'{"Output-Text": 1, "camelCase": {"snake_case": 2}}',
            "application/json",
            {"Output-Text": 1, "camelCase": {"snake_case": 2}},
            "json",
        ),
        (b"[0.1, -0.2]", "application/json;charset=UTF-8", [0.1, -0.2], "json"),
        (b'{"a": 1}', "application/x.custom+json", {"a": 1}, "json"),
        (b"{}", "application/json", {}, "json"),
        (b'{"not": json', "application/json", '{"not": json', "text"),
        (b'{"x": NaN}', "application/json", '{"x": NaN}', "text"),
        (b'{"a": 1}', "text/plain", '{"a": 1}', "text"),
        ("caf\u00e9 \u2615".encode("utf-8"), "text/plain; charset=utf-8", "caf\u00e9 \u2615", "text"),
        (b"", "application/json", "", "text"),
        (b"plain", None, "plain", "text"),
        (PNG, "image/png", base64.b64encode(PNG).decode("ascii"), "base64"),
        (b"\xff\xfe{}", "application/json", base64.b64encode(b"\xff\xfe{}").decode("ascii"), "base64"),
    ],
)
def test_decode_response(payload, content_type, expected, fmt):
    assert bedrock.decode_response(payload, content_type) == (expected, fmt, [])


SURROGATE_REPLY = b'{"completion": "cut emoji \\ud83d", "stop_reason": "max_tokens"}'


@pytest.mark.parametrize(
    "payload, expected, fmt, note",
    [
        # A model cut off in the middle of an emoji: every key stays, the half character is replaced.
        (SURROGATE_REPLY, {"completion": "cut emoji \ufffd", "stop_reason": "max_tokens"}, "json", "1 unpaired"),
        (b'{"\\udc00k": ["\\ud800", "\\udfff\\ud800"]}', {"\ufffdk": ["\ufffd", "\ufffd\ufffd"]}, "json", "4 unpaired"),
        # A whole pair is one character and is kept.
        (b'{"e": "\\ud83d\\ude00"}', {"e": "\U0001f600"}, "json", None),
        # An escaped backslash before "u" is no escape at all.
        (b'{"e": "\\\\ud83d"}', {"e": "\\ud83d"}, "json", None),
        (b"[" * 129 + b"]" * 129, (b"[" * 129 + b"]" * 129).decode(), "text", "nested more than 128 levels"),
        (b"[" * 5000 + b"]" * 5000, (b"[" * 5000 + b"]" * 5000).decode(), "text", "nested more than 128 levels"),
        (b"[" * 128 + b"]" * 128, nested(127, []), "json", None),
        # Many brackets, but not deep: parsed.
        (b"[" + b"[]," * 500 + b"[]]", [[]] * 501, "json", None),
    ],
)
def test_decode_response_returns_what_ansible_can_carry(payload, expected, fmt, note):
    value, got_format, notes = bedrock.decode_response(payload, "application/json")
    assert (value, got_format) == (expected, fmt)
    if note is None:
        assert notes == []
    else:
        assert len(notes) == 1 and note in notes[0]


@pytest.mark.parametrize(
    "overrides",
    [
        dict(),
        dict(guardrail_identifier="gr1", guardrail_version="1"),
        dict(guardrail_identifier="gr1", guardrail_version="12345678"),
        dict(guardrail_identifier="gr1", guardrail_version="DRAFT"),
        dict(model_id="arn:aws:bedrock:us-east-1::foundation-model/" + MODEL),
        dict(model_id="arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/a1b2c3"),
        dict(model_id="..model"),
        dict(content_type="application/json; charset=utf-8", accept="*/*"),
        dict(guardrail_identifier="arn:aws:bedrock:us-east-1:123456789012:guardrail/abc", guardrail_version="2"),
    ],
)
def test_validate_params_accepts(overrides):
    bedrock.validate_params(params(**overrides))


@pytest.mark.parametrize(
    "overrides, message",
    [
        (dict(model_id=""), "model_id must not be empty"),
        (dict(model_id="   "), "model_id must not be empty"),
        (dict(model_id="m" * 2049), "at most 2048"),
        (dict(model_id=MODEL + "\n"), "starts or ends with white space"),
        (dict(model_id=" " + MODEL), "starts or ends with white space"),
        (dict(content_type=""), "content_type must be a MIME type"),
        (dict(accept=" "), "accept must be a MIME type"),
        (dict(guardrail_identifier="gr1", guardrail_version="draft"), "guardrail_version must be"),
        (dict(guardrail_identifier="gr1", guardrail_version="0"), "guardrail_version must be"),
        (dict(guardrail_identifier="gr1", guardrail_version="v1"), "guardrail_version must be"),
        (dict(guardrail_identifier="gr1", guardrail_version="123456789"), "guardrail_version must be"),
        (dict(request_metadata={"team": 1}), "request_metadata must map strings to strings"),
        (dict(model_id="."), "model_id '.' is not a model id"),
        (dict(model_id=".."), "model_id '..' is not a model id"),
        (dict(model_id="anthropic.claude v3"), "model_id .* visible ASCII"),
        (dict(model_id="mod\u00e8le"), "model_id .* visible ASCII"),
        (dict(model_id="a\x00b"), "model_id .* visible ASCII"),
        (dict(content_type="application/js\u00f6n"), "content_type .* cannot be sent as an HTTP header"),
        (dict(accept="application/json\x00"), "accept .* cannot be sent as an HTTP header"),
        (dict(accept="text/pla\u00een"), "accept .* cannot be sent as an HTTP header"),
        (dict(accept="text/plain\r\nX-Injected: 1"), "accept .* cannot be sent as an HTTP header"),
        (dict(guardrail_identifier="gr-\u00e9", guardrail_version="1"), "guardrail_identifier .* HTTP header"),
        (dict(guardrail_identifier="", guardrail_version="1"), "guardrail_identifier must not be empty"),
        (dict(guardrail_identifier=" ", guardrail_version="1"), "guardrail_identifier must not be empty"),
        (dict(guardrail_identifier="gr1", guardrail_version="DRAFT\n"), "guardrail_version .* HTTP header"),
        (dict(guardrail_identifier="gr1", guardrail_version="1\n"), "guardrail_version .* HTTP header"),
        (dict(guardrail_identifier="gr1"), "guardrail_identifier and guardrail_version go together"),
        (dict(guardrail_version="1"), "guardrail_identifier and guardrail_version go together"),
    ],
)
def test_validate_params_refuses(overrides, message):
    with pytest.raises(bedrock.BedrockParameterError, match=message):
        bedrock.validate_params(params(**overrides))


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
def test_required_boto3_versions(overrides, expected):
    assert required_boto3_versions(params(**overrides), bedrock.OPTION_GATES) == expected


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
        (dict(content_type="text/plain", accept="image/png"), {"contentType": "text/plain", "accept": "image/png"}),
        (dict(service_tier="default"), {"serviceTier": "default"}),
        (dict(service_tier="reserved"), {"serviceTier": "reserved"}),
        (dict(request_metadata={"team": "ml", "run": "7"}), {"requestMetadata": '{"team":"ml","run":"7"}'}),
        (dict(request_metadata={}), {}),
    ],
)
def test_build_request(overrides, extra):
    expected = {"modelId": MODEL, "body": b"{}", "contentType": "application/json", "accept": "application/json"}
    expected.update(extra)
    assert bedrock.build_request(params(**overrides), b"{}") == expected


def test_build_result_check_mode():
    assert bedrock.build_result(params(), None, b"") == ({"changed": True, "model_id": MODEL, "raw_response": {}}, [])


def test_build_result_reply():
    response = {"contentType": "application/json", "ResponseMetadata": {"HTTPHeaders": {"content-length": "26"}}}
    result = bedrock.build_result(params(), response, b'{"stopReason": "end_turn"}')
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


def test_build_result_passes_on_the_notes():
    response = {"contentType": "application/json", "ResponseMetadata": {}}
    result, notes = bedrock.build_result(params(), response, SURROGATE_REPLY)
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
        bedrock.check_reply_complete(response, payload)
    else:
        with pytest.raises(bedrock.BedrockReplyError, match=problem) as excinfo:
            bedrock.check_reply_complete(response, payload)
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
def test_describe_reply(response, expected):
    assert bedrock.describe_reply(response) == expected


@pytest.mark.parametrize(
    "metadata, expected",
    [
        ({"team": "ml"}, '{"team":"ml"}'),
        ({"team": "ml", "cost_center": "4711", "empty": ""}, '{"team":"ml","cost_center":"4711","empty":""}'),
        ({"caf\u00e9": "\u2615"}, '{"caf\\u00e9":"\\u2615"}'),
        (
            {"k": "v" * (bedrock.MAX_REQUEST_METADATA_LENGTH - 8)},
            '{"k":"' + "v" * (bedrock.MAX_REQUEST_METADATA_LENGTH - 8) + '"}',
        ),
    ],
)
def test_encode_request_metadata(metadata, expected):
    assert bedrock.encode_request_metadata(metadata) == expected
    assert json.loads(expected) == metadata


@pytest.mark.parametrize(
    "metadata, message",
    [
        ({"cost_center": 4711}, "'cost_center'"),
        ({"enabled": True, "team": "ml"}, "'enabled'"),
        ({"owner": None}, "'owner'"),
        ({"nested": {"a": "b"}}, "'nested'"),
        ({1: "one"}, "1"),
        ({"k": "v" * (bedrock.MAX_REQUEST_METADATA_LENGTH - 7)}, "at most 8500"),
    ],
)
def test_encode_request_metadata_refuses(metadata, message):
    with pytest.raises(bedrock.BedrockParameterError) as excinfo:
        bedrock.encode_request_metadata(metadata)
    assert "request_metadata" in str(excinfo.value)
    assert message in str(excinfo.value)


# The AWS call, validated against botocore's real service model by the Stubber.


@pytest.fixture(name="stubbed")
def fixture_stubbed():
    client = boto3.client(
        "bedrock-runtime", region_name="us-east-1", aws_access_key_id="AKIDUNIT", aws_secret_access_key="unit-secret"
    )
    with Stubber(client) as stubber:
        module = MagicMock()
        module.client.side_effect = lambda service, retry_decorator=None, **kwargs: RetryingBotoClientWrapper(
            client, retry_decorator
        )
        yield module, stubber
        stubber.assert_no_pending_responses()


def reply(payload=b'{"ok": true}', content_type="application/json"):
    return {"body": StreamingBody(io.BytesIO(payload), len(payload)), "contentType": content_type}


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
def test_every_option_matches_the_service_model(stubbed, overrides):
    module, stubber = stubbed
    task = params(**overrides)
    request = bedrock.build_request(task, bedrock.encode_body(task["body"], task["content_type"]))
    stubber.add_response("invoke_model", reply(), expected_params=request)
    response, payload = bedrock.call_invoke_model(clients.retrying_bedrock_client(module), request)
    assert payload == b'{"ok": true}'
    assert response["contentType"] == "application/json"


def client_error(code, status=400):
    return botocore.exceptions.ClientError(
        {"Error": {"Code": code, "Message": "no"}, "ResponseMetadata": {"HTTPStatusCode": status}}, "InvokeModel"
    )


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
def test_failure_message(error, expected):
    message = bedrock.failure_message(MODEL, error)
    assert message.startswith(f"Failed to invoke Bedrock model {MODEL!r}")
    if expected.startswith("Failed"):
        assert message == expected
    else:
        assert expected in message
