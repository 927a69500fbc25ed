# -*- coding: utf-8 -*-

# Copyright: Contributors to the amazon.ai collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The leaf every module builds on: the JSON codec, the shared checks and their limits, with tables and properties."""

from __future__ import annotations

import base64
import json
import re

import pytest
from ansible.module_utils._internal._json._profiles import _module_legacy_m2c
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from ansible_collections.amazon.ai.plugins.module_utils import common

# Modest, so that make test stays fast; no example database is written into the tree.
PROPERTY_SETTINGS = settings(max_examples=150, deadline=None, database=None)
MODEL = "anthropic.claude-3-haiku-20240307-v1:0"


def test_the_patterns_here_are_the_service_models(bedrock_shapes):
    # The checks must refuse exactly what the service refuses: a new botocore that changes a pattern shows here.
    assert bedrock_shapes["S3Uri"]["pattern"] == common.S3_URI_PATTERN.pattern
    assert bedrock_shapes["RoleArn"]["pattern"] == common.ROLE_ARN_PATTERN.pattern
    assert bedrock_shapes["TagKey"]["pattern"] == common.TAG_PATTERN.pattern == bedrock_shapes["TagValue"]["pattern"]
    assert (bedrock_shapes["TagKey"]["max"], bedrock_shapes["TagValue"]["max"]) == (
        common.MAX_TAG_KEY_LENGTH,
        common.MAX_TAG_VALUE_LENGTH,
    )
    assert bedrock_shapes["TagList"]["max"] == common.MAX_TAGS
    # BucketName gives a length, which the shared bucket pattern holds: 3 to 63 characters.
    assert (bedrock_shapes["BucketName"]["min"], bedrock_shapes["BucketName"]["max"]) == (
        3,
        common.MAX_BUCKET_NAME_LENGTH,
    )
    assert not common.S3_BUCKET_PATTERN.fullmatch("ab") and common.S3_BUCKET_PATTERN.fullmatch("abc")
    assert common.S3_BUCKET_PATTERN.fullmatch("a" * 63) and not common.S3_BUCKET_PATTERN.fullmatch("a" * 64)
    assert re.fullmatch(bedrock_shapes["IdempotencyToken"]["pattern"], common.client_request_token({"name": "x"}))
    assert bedrock_shapes["GuardrailId"]["pattern"] == common.GUARDRAIL_ID_PATTERN.pattern
    assert bedrock_shapes["GuardrailArn"]["pattern"] == common.GUARDRAIL_ARN_PATTERN.pattern
    assert bedrock_shapes["GuardrailIdentifier"]["pattern"] == (
        f"(({common.GUARDRAIL_ID_PATTERN.pattern})|({common.GUARDRAIL_ARN_PATTERN.pattern}))"
    )
    assert bedrock_shapes["GuardrailIdentifier"]["max"] == common.MAX_GUARDRAIL_IDENTIFIER_LENGTH
    assert bedrock_shapes["GuardrailVersion"]["pattern"] == "(([1-9][0-9]{0,7})|(DRAFT))"
    assert common.GUARDRAIL_VERSION_PATTERN.fullmatch("DRAFT") and common.GUARDRAIL_VERSION_PATTERN.fullmatch("1" * 8)
    assert not common.GUARDRAIL_VERSION_PATTERN.fullmatch("0") and not common.GUARDRAIL_VERSION_PATTERN.fullmatch(
        "1" * 9
    )


def test_invalid_task_message():
    assert common.invalid_task_message("x must be set") == "Invalid task, nothing was sent: x must be set"
    assert common.invalid_task_message("x must be set", "model 'm'") == (
        "Invalid task for model 'm', nothing was sent: x must be set"
    )


# The JSON codec.


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
    assert common.is_json_media_type(media_type) is expected


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
    assert common.encode_body(body, content_type) == expected


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
    with pytest.raises(common.BedrockParameterError) as excinfo:
        common.encode_body(body, content_type)
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
    with pytest.raises(common.BedrockParameterError, match=message) as excinfo:
        common.encode_body(body, content_type)
    assert str(excinfo.value).startswith("body ")


def test_encode_body_takes_json_up_to_the_depth_limit():
    # JSON text is sent as the user wrote it, even an escaped half character: it is valid JSON.
    assert common.encode_body('{"cut": "\\ud83d"}', "application/json") == b'{"cut": "\\ud83d"}'
    assert common.encode_body("[" * 128 + "]" * 128, "application/json") == b"[" * 128 + b"]" * 128
    assert common.encode_body(nested(127), "application/json") == b"[" * 127 + b'"x"' + b"]" * 127


def test_encode_body_refuses_more_than_the_api_accepts(monkeypatch):
    monkeypatch.setattr(common, "MAX_BODY_BYTES", 10)
    assert common.encode_body("x" * 10, "text/plain") == b"x" * 10
    with pytest.raises(common.BedrockParameterError, match="at most 10 bytes"):
        common.encode_body("x" * 11, "text/plain")


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
    assert common.decode_response(payload, content_type) == (expected, fmt, [])


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
    value, got_format, notes = common.decode_response(payload, "application/json")
    assert (value, got_format) == (expected, fmt)
    if note is None:
        assert notes == []
    else:
        assert len(notes) == 1 and note in notes[0]


@pytest.mark.parametrize(
    "metadata, expected",
    [
        ({"team": "ml"}, '{"team":"ml"}'),
        ({"team": "ml", "cost_center": "4711", "empty": ""}, '{"team":"ml","cost_center":"4711","empty":""}'),
        ({"caf\u00e9": "\u2615"}, '{"caf\\u00e9":"\\u2615"}'),
        (
            {"k": "v" * (common.MAX_REQUEST_METADATA_LENGTH - 8)},
            '{"k":"' + "v" * (common.MAX_REQUEST_METADATA_LENGTH - 8) + '"}',
        ),
    ],
)
def test_encode_request_metadata(metadata, expected):
    assert common.encode_request_metadata(metadata) == expected
    assert json.loads(expected) == metadata


@pytest.mark.parametrize(
    "metadata, message",
    [
        ({"cost_center": 4711}, "'cost_center'"),
        ({"enabled": True, "team": "ml"}, "'enabled'"),
        ({"owner": None}, "'owner'"),
        ({"nested": {"a": "b"}}, "'nested'"),
        ({1: "one"}, "1"),
        ({"k": "v" * (common.MAX_REQUEST_METADATA_LENGTH - 7)}, "at most 8500"),
    ],
)
def test_encode_request_metadata_refuses(metadata, message):
    with pytest.raises(common.BedrockParameterError) as excinfo:
        common.encode_request_metadata(metadata)
    assert "request_metadata" in str(excinfo.value)
    assert message in str(excinfo.value)


# Properties of the codec and the checks: whatever a user or a server sends.

# Any text, lone surrogates included and made common (they reach the module from JSON \u escapes).
# (st.text() leaves surrogates out whatever its alphabet, so the characters are joined here.)
any_text = st.lists(st.characters() | st.characters(categories=["Cs"]), max_size=12).map("".join)
json_scalars = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | any_text
json_values = st.recursive(
    json_scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(any_text, inner, max_size=4),
    max_leaves=25,
)
content_types = st.sampled_from(["application/json", "text/plain", "application/x+json", "image/png", ""]) | any_text


def strictly_utf8(value):
    """Whether every string in value, keys included, has a UTF-8 form (the controller refuses any that has not)."""
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return False
        return True
    if isinstance(value, list):
        return all(strictly_utf8(item) for item in value)
    if isinstance(value, dict):
        return all(strictly_utf8(key) and strictly_utf8(item) for key, item in value.items())
    return True


def survives_the_trip_to_the_controller(value):
    """As a module result travels: JSON from the module, ansible-core's decoder, its strict UTF-8 check."""
    wire = json.dumps({"raw_response": value}, cls=_module_legacy_m2c.Encoder)
    decoded = json.loads(wire, cls=_module_legacy_m2c.Decoder)["raw_response"]
    return decoded == value and strictly_utf8(decoded)


@PROPERTY_SETTINGS
@given(body=json_values | any_text, content_type=content_types)
def test_encode_body_round_trips_or_refuses(body, content_type):
    try:
        encoded = common.encode_body(body, content_type)
    except common.BedrockParameterError:
        return
    assert isinstance(encoded, bytes) and len(encoded) <= common.MAX_BODY_BYTES
    if isinstance(body, str):
        assert encoded.decode("utf-8") == body
    else:
        assert json.loads(encoded.decode("utf-8")) == body


@PROPERTY_SETTINGS
@given(depth=st.integers(min_value=1, max_value=3000), as_text=st.booleans())
def test_encode_body_refuses_deep_json_instead_of_crashing(depth, as_text):
    if as_text:
        body = "[" * depth + "]" * depth
    else:
        # As deep as a value the controller can still hand to the module.
        depth = min(depth, 400)
        body = []
        for dummy in range(depth - 1):
            body = [body]
    try:
        encoded = common.encode_body(body, "application/json")
    except common.BedrockParameterError as e:
        assert "nested more than" in str(e)
        assert depth > common.MAX_JSON_DEPTH
    else:
        assert depth <= common.MAX_JSON_DEPTH
        assert encoded == b"[" * depth + b"]" * depth


@PROPERTY_SETTINGS
@given(payload=st.binary(max_size=300), content_type=st.none() | content_types)
def test_decode_response_never_raises_and_its_answer_reaches_the_controller(payload, content_type):
    value, fmt, notes = common.decode_response(payload, content_type)
    assert fmt in ("json", "text", "base64")
    assert all(isinstance(note, str) for note in notes)
    assert survives_the_trip_to_the_controller(value)


@PROPERTY_SETTINGS
@given(value=json_values, nesting=st.just(0) | st.integers(min_value=0, max_value=2000))
def test_decode_response_of_any_json_reply_reaches_the_controller(value, nesting):
    # Any JSON a model may send (lone surrogates and deep nesting included), as json.dumps would escape it.
    payload = ("[" * nesting + json.dumps(value) + "]" * nesting).encode("ascii")
    decoded, fmt, notes = common.decode_response(payload, "application/json")
    assert survives_the_trip_to_the_controller(decoded)
    if fmt == "text":
        assert decoded == payload.decode("ascii") and notes
    else:
        assert fmt == "json"


@PROPERTY_SETTINGS
@given(value=any_text)
def test_a_header_value_is_accepted_only_if_a_header_can_carry_it(value):
    try:
        common.check_header_value("accept", value)
    except common.BedrockParameterError as e:
        assert str(e).startswith("accept ")
        return
    # Accepted: visible ASCII, spaces and tabs only inside, so botocore sends it as it is.
    assert value == value.strip() and value
    assert all(" " <= char <= "~" or char == "\t" for char in value)


@PROPERTY_SETTINGS
@given(model_id=any_text)
def test_model_id_accepts_nothing_that_changes_the_request_path(model_id):
    try:
        common.check_model_id(model_id)
    except common.BedrockParameterError as e:
        assert "model_id" in str(e)
        return
    assert model_id not in (".", "..")
    assert all("!" <= char <= "~" for char in model_id)


# The checks of what several APIs take.


@pytest.mark.parametrize(
    "model_id",
    [
        MODEL,
        "arn:aws:bedrock:us-east-1::foundation-model/" + MODEL,
        "arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/a1b2c3",
        "..model",
        "m" * 2048,
    ],
)
def test_check_model_id_accepts(model_id):
    common.check_model_id(model_id)


@pytest.mark.parametrize(
    "model_id, message",
    [
        ("", "model_id must not be empty"),
        (None, "model_id must not be empty"),
        ("   ", "model_id must not be empty"),
        ("m" * 2049, "at most 2048"),
        (MODEL + "\n", "starts or ends with white space"),
        (" " + MODEL, "starts or ends with white space"),
        (".", "model_id '.' is not a model id"),
        ("..", "model_id '..' is not a model id"),
        ("anthropic.claude v3", "model_id .* visible ASCII"),
        ("mod\u00e8le", "model_id .* visible ASCII"),
        ("a\x00b", "model_id .* visible ASCII"),
    ],
)
def test_check_model_id_refuses(model_id, message):
    with pytest.raises(common.BedrockParameterError, match=message):
        common.check_model_id(model_id)


@pytest.mark.parametrize(
    "value, ok",
    [
        ("application/json", True),
        ("text/plain; charset=utf-8", True),
        ("a\tb", True),
        ("application/js\u00f6n", False),
        ("application/json\x00", False),
        ("text/plain\r\nX-Injected: 1", False),
        (" 1", False),
        ("DRAFT\n", False),
        (" ", False),
        ("", False),
    ],
)
def test_check_header_value(value, ok):
    if ok:
        common.check_header_value("accept", value)
    else:
        with pytest.raises(common.BedrockParameterError, match="^accept .* cannot be sent as an HTTP header"):
            common.check_header_value("accept", value)


@pytest.mark.parametrize(
    "identifier, version, message",
    [
        (None, None, None),
        ("gr1", "1", None),
        ("gr1", "12345678", None),
        ("gr1", "DRAFT", None),
        ("arn:aws:bedrock:us-east-1:123456789012:guardrail/abc", "2", None),
        ("gr1", "draft", "guardrail_version must be"),
        ("gr1", "0", "guardrail_version must be"),
        ("gr1", "v1", "guardrail_version must be"),
        ("gr1", "123456789", "guardrail_version must be"),
        ("", "1", "guardrail_identifier must not be empty"),
        (" ", "1", "guardrail_identifier must not be empty"),
        ("gr1", None, "guardrail_identifier and guardrail_version go together"),
        (None, "1", "guardrail_identifier and guardrail_version go together"),
    ],
)
def test_check_guardrail(identifier, version, message):
    params = {"guardrail_identifier": identifier, "guardrail_version": version}
    if message is None:
        common.check_guardrail(params)
    else:
        with pytest.raises(common.BedrockParameterError, match=message):
            common.check_guardrail(params)


@pytest.mark.parametrize(
    "identifier",
    [
        "abc123def456",
        "a",
        "arn:aws:bedrock:us-east-1:123456789012:guardrail/abc123def456",
        "arn:aws-cn:bedrock:cn-north-1:123456789012:guardrail/x1",
    ],
)
def test_identifier_accepted(identifier):
    common.check_guardrail_identifier(identifier)


@pytest.mark.parametrize(
    "identifier, fragment",
    [
        ("", "not empty"),
        (None, "not empty"),
        ("My-Guardrail", "is not a guardrail id"),
        ("abc def", "is not a guardrail id"),
        ("arn:aws:bedrock:us-east-1:123456789012:guardrail/ABC", "is not a guardrail id"),
        ("arn:aws:bedrock:us-east-1:1234:guardrail/abc", "is not a guardrail id"),
        ("abc\n", "is not a guardrail id"),
        ("a" * 2049, "2049 characters long; the API takes at most 2048"),
    ],
)
def test_identifier_refused(identifier, fragment):
    with pytest.raises(common.BedrockParameterError, match=f"^guardrail_identifier .*{fragment}"):
        common.check_guardrail_identifier(identifier)


@pytest.mark.parametrize(
    "value, message",
    [
        ("job-1", None),
        ("x" * 10, None),
        ("", "^name must be a job name, not ''$"),
        (None, "^name must be a job name, not None$"),
        ("x" * 11, "^name is 11 characters long; job names have at most 10$"),
        ("a b", "^name 'a b' is not a valid job name: letters, digits and hyphens$"),
    ],
)
def test_check_name(value, message):
    pattern = re.compile(r"[a-z0-9-]+")
    if message is None:
        common.check_name("name", value, pattern, 10, "job name", "letters, digits and hyphens")
    else:
        with pytest.raises(common.BedrockParameterError, match=message):
            common.check_name("name", value, pattern, 10, "job name", "letters, digits and hyphens")


def test_check_name_says_an_before_a_vowel():
    with pytest.raises(common.BedrockParameterError, match="must be an inference profile name"):
        common.check_name("name", 5, re.compile("x"), 1, "inference profile name", "x")


@pytest.mark.parametrize(
    "bucket",
    ["abc", "my-logs", "my.logs.2026", "a" * 63, "0-bucket-9", "x-n--ok", "bucket-s3alias-not", "1.2.3.4.5"],
)
def test_check_bucket_name_accepts_what_s3_allows(bucket):
    common.check_bucket_name("s3.bucket_name", bucket)


@pytest.mark.parametrize(
    "bucket, message",
    [
        ("", "s3.bucket_name must be a bucket name, not ''"),
        (None, "s3.bucket_name must be a bucket name, not None"),
        ("ab", "s3.bucket_name 'ab' is not a valid bucket name: 3 to 63 lower-case letters"),
        ("a" * 64, "s3.bucket_name is 64 characters long; bucket names have at most 63"),
        ("My-Logs", "s3.bucket_name 'My-Logs' is not a valid bucket name: it has upper-case letters"),
        ("my_logs", "s3.bucket_name 'my_logs' is not a valid bucket name: it has an underscore"),
        ("-logs", "'-logs' is not a valid bucket name: 3 to 63 lower-case letters"),
        ("logs.", "'logs.' is not a valid bucket name: 3 to 63 lower-case letters"),
        ("s3://logs", "'s3://logs' is not a valid bucket name: 3 to 63 lower-case letters"),
        ("my..logs", "'my..logs' is not a valid bucket name: it has two periods in a row"),
        ("192.168.5.4", "'192.168.5.4' is not a valid bucket name: it is an IP address"),
        ("xn--logs", "S3 keeps names starting with 'xn--' for itself"),
        ("sthree-logs", "S3 keeps names starting with 'sthree-' for itself"),
        ("amzn-s3-demo-logs", "S3 keeps names starting with 'amzn-s3-demo-' for itself"),
        ("logs-s3alias", "S3 keeps names ending with '-s3alias' for itself"),
        ("logs--ol-s3", "S3 keeps names ending with '--ol-s3' for itself"),
        ("logs.mrap", "S3 keeps names ending with '.mrap' for itself"),
        ("logs--x-s3", "S3 keeps names ending with '--x-s3' for itself"),
        ("logs--table-s3", "S3 keeps names ending with '--table-s3' for itself"),
    ],
)
def test_check_bucket_name_refuses_what_s3_does_not_allow(bucket, message):
    with pytest.raises(common.BedrockParameterError, match="^s3.bucket_name ") as excinfo:
        common.check_bucket_name("s3.bucket_name", bucket)
    assert message in str(excinfo.value)


@pytest.mark.parametrize(
    "uri, expected",
    [
        ("s3://my-bucket", ("my-bucket", "")),
        ("s3://my-bucket/", ("my-bucket", "")),
        ("s3://my-bucket/in/data.jsonl", ("my-bucket", "in/data.jsonl")),
        ("s3://my.bucket-1/a/b(c)!*'_x/", ("my.bucket-1", "a/b(c)!*'_x/")),
    ],
)
def test_check_s3_uri_accepts_what_bedrock_accepts(uri, expected):
    assert common.check_s3_uri("input_s3_uri", uri) == expected


@pytest.mark.parametrize(
    "uri, reason",
    [
        ("my-bucket/x", "must be an S3 URI"),
        ("https://my-bucket/x", "must be an S3 URI"),
        (None, "must be an S3 URI"),
        ("s3://", "names no bucket"),
        ("s3:///key", "names no bucket"),
        ("s3://My-Bucket/x", "'s3://My-Bucket/x': bucket 'My-Bucket' is not a valid bucket name: it has upper-case"),
        ("s3://my_bucket/x", "bucket 'my_bucket' is not a valid bucket name: it has an underscore"),
        ("s3://b/in/", "bucket 'b' is not a valid bucket name: 3 to 63"),
        ("s3://-bucket/x", "bucket '-bucket' is not a valid bucket name"),
        ("s3://" + "b" * 64 + "/x", "bucket is 64 characters long; bucket names have at most 63"),
        # The service's S3Uri pattern lets these through; S3 has no such bucket.
        ("s3://my..bucket/x", "bucket 'my..bucket' is not a valid bucket name: it has two periods in a row"),
        ("s3://10.0.0.1/x", "bucket '10.0.0.1' is not a valid bucket name: it is an IP address"),
        ("s3://xn--bucket/x", "S3 keeps names starting with 'xn--' for itself"),
        ("s3://bucket--ol-s3/", "S3 keeps names ending with '--ol-s3' for itself"),
        ("s3://bucket/dt=2026-01-01/", "'='"),
        ("s3://bucket/my file.jsonl", "white space"),
        ("s3://bucket/a//b", "empty folder name"),
        ("s3://bucket/a+b", "'+'"),
        ("s3://bucket/" + "k" * 1100, "at most 1024"),
    ],
)
def test_check_s3_uri_names_the_option_and_reason(uri, reason):
    with pytest.raises(common.BedrockParameterError, match=re.escape(reason)) as excinfo:
        common.check_s3_uri("output_s3_uri", uri)
    assert "output_s3_uri" in str(excinfo.value)


@PROPERTY_SETTINGS
@given(uri=st.one_of(st.text(max_size=40), st.text(alphabet="s3:/abcAB_-.= !*'()+", max_size=40).map("s3://".__add__)))
def test_check_s3_uri_refuses_only_with_its_own_error_and_accepts_only_the_service_pattern(uri):
    try:
        common.check_s3_uri("input_s3_uri", uri)
    except common.BedrockParameterError as e:
        assert "input_s3_uri" in str(e)
    else:
        assert common.S3_URI_PATTERN.fullmatch(uri)


@pytest.mark.parametrize(
    "uri, expected",
    [
        ("s3://my-bucket/any key=value+x/\u00e9.png", ("my-bucket", "any key=value+x/\u00e9.png")),
        ("s3://my-bucket", ("my-bucket", "")),
    ],
)
def test_check_s3_uri_of_an_object_takes_any_key(uri, expected):
    assert common.check_s3_uri("image.source.s3Location.uri", uri, any_key=True) == expected


@pytest.mark.parametrize(
    "uri, reason",
    [
        ("s3://UPPER/a.png", "bucket 'UPPER' is not a valid bucket name: it has upper-case letters"),
        ("s3://images.mrap/a.png", "bucket 'images.mrap' is not a valid bucket name: S3 keeps names ending with"),
        ("https://b/a.png", "must be an S3 URI"),
        ("s3://bucket/" + "k" * 1100, "at most 1024"),
    ],
)
def test_check_s3_uri_of_an_object_checks_the_bucket(uri, reason):
    with pytest.raises(common.BedrockParameterError, match=re.escape(reason)):
        common.check_s3_uri("uri", uri, any_key=True)


@pytest.mark.parametrize(
    "role_arn",
    ["arn:aws:iam::123456789012:user/me", "bedrock-batch", None, "arn:aws:iam::123456789012:role/" + "r" * 2048],
)
def test_check_role_arn_refuses(role_arn):
    with pytest.raises(common.BedrockParameterError, match="^role_arn must be the ARN of an IAM role"):
        common.check_role_arn(role_arn)


@pytest.mark.parametrize("option", ["role_arn", "cloudwatch.role_arn"])
def test_check_role_arn_words_its_message_for_any_caller(option):
    # The form of a role ARN, with no caller's role name (a logging task was told of role/bedrock-batch).
    with pytest.raises(common.BedrockParameterError) as excinfo:
        common.check_role_arn("arn:aws:bedrock:us-east-1::foundation-model/x", option)
    assert str(excinfo.value) == (
        f"{option} must be the ARN of an IAM role (arn:aws:iam::ACCOUNT:role/NAME, or role/PATH/NAME), "
        "not 'arn:aws:bedrock:us-east-1::foundation-model/x'"
    )


def test_check_role_arn_accepts():
    common.check_role_arn("arn:aws-us-gov:iam::123456789012:role/service-role/bedrock-batch")


@pytest.mark.parametrize(
    "tags, message",
    [
        ({"team": 1}, "tags: the value of 'team' must be a string"),
        ({"bad|key": "x"}, "tags: key 'bad|key'"),
        ({"": "x"}, "tags: key ''"),
        ({"k" * 129: "x"}, "must be 1 to 128"),
        ({"team": "v" * 257}, "at most 256"),
        ({str(n): "x" for n in range(201)}, "tags has 201 entries; a resource takes at most 200"),
    ],
)
def test_check_tags_refuses(tags, message):
    with pytest.raises(common.BedrockParameterError, match=re.escape(message)):
        common.check_tags(tags)


@pytest.mark.parametrize("tags", [None, {}, {"team": "search", "cost center": "a/b:c=d+e@f-g.h_i", "empty": ""}])
def test_check_tags_accepts(tags):
    common.check_tags(tags)


def test_check_tags_names_what_it_tags():
    with pytest.raises(common.BedrockParameterError, match="a job takes at most 200"):
        common.check_tags({str(n): "x" for n in range(201)}, what="a job")


def test_client_request_token_is_derived_from_the_fields():
    token = common.client_request_token({"name": "a", "size": 1})
    assert token == common.client_request_token({"size": 1, "name": "a"})
    assert token != common.client_request_token({"name": "a", "size": 2})
    assert token.startswith("amazonai-") and len(token) == len("amazonai-") + 48


def test_request_id():
    assert (
        common.request_id({"ResponseMetadata": {"RequestId": "r1", "HTTPHeaders": {"x-amzn-requestid": "r2"}}}) == "r1"
    )
    assert common.request_id({"ResponseMetadata": {"HTTPHeaders": {"x-amzn-requestid": "r2"}}}) == "r2"
    assert common.request_id({"ResponseMetadata": {"RequestId": ""}}) is None
    assert common.request_id({}) is None
