# -*- coding: utf-8 -*-

# Copyright: Contributors to the amazon.ai collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The leaf every module builds on: its errors, the shared checks and their limits, with tables and properties."""

from __future__ import annotations

import json
import re

import pytest
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


# Properties of the checks: whatever a user sends.

# Any text, lone surrogates included and made common (they reach the module from JSON \u escapes).
# (st.text() leaves surrogates out whatever its alphabet, so the characters are joined here.)
any_text = st.lists(st.characters() | st.characters(categories=["Cs"]), max_size=12).map("".join)


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
