# -*- coding: utf-8 -*-

# Copyright: Contributors to the amazon.ai collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The JSON codec: request bodies encoded or refused, replies decoded to what the controller can carry, with tables
and properties."""

from __future__ import annotations

import base64
import json

import pytest
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from ansible_collections.amazon.ai.plugins.module_utils import json_codec
from ansible_collections.amazon.ai.plugins.module_utils.common import BedrockParameterError
from ansible_collections.amazon.ai.tests.unit.plugins.modules.utils import to_the_controller

# Modest, so that make test stays fast; no example database is written into the tree.
PROPERTY_SETTINGS = settings(max_examples=150, deadline=None, database=None)


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
    assert json_codec.is_json_media_type(media_type) is expected


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
    assert json_codec.encode_body(body, content_type) == expected


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
    with pytest.raises(BedrockParameterError) as excinfo:
        json_codec.encode_body(body, content_type)
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
    with pytest.raises(BedrockParameterError, match=message) as excinfo:
        json_codec.encode_body(body, content_type)
    assert str(excinfo.value).startswith("body ")


def test_encode_body_takes_json_up_to_the_depth_limit():
    # JSON text is sent as the user wrote it, even an escaped half character: it is valid JSON.
    assert json_codec.encode_body('{"cut": "\\ud83d"}', "application/json") == b'{"cut": "\\ud83d"}'
    assert json_codec.encode_body("[" * 128 + "]" * 128, "application/json") == b"[" * 128 + b"]" * 128
    assert json_codec.encode_body(nested(127), "application/json") == b"[" * 127 + b'"x"' + b"]" * 127


def test_encode_body_refuses_more_than_the_api_accepts(monkeypatch):
    monkeypatch.setattr(json_codec, "MAX_BODY_BYTES", 10)
    assert json_codec.encode_body("x" * 10, "text/plain") == b"x" * 10
    with pytest.raises(BedrockParameterError, match="at most 10 bytes"):
        json_codec.encode_body("x" * 11, "text/plain")


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
    assert json_codec.decode_response(payload, content_type) == (expected, fmt, [])


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
    value, got_format, notes = json_codec.decode_response(payload, "application/json")
    assert (value, got_format) == (expected, fmt)
    if note is None:
        assert notes == []
    else:
        assert len(notes) == 1 and note in notes[0]


# Properties: whatever a user or a server sends.

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
    dummy, decoded = to_the_controller({"raw_response": value})
    return decoded["raw_response"] == value and strictly_utf8(decoded["raw_response"])


@PROPERTY_SETTINGS
@given(body=json_values | any_text, content_type=content_types)
def test_encode_body_round_trips_or_refuses(body, content_type):
    try:
        encoded = json_codec.encode_body(body, content_type)
    except BedrockParameterError:
        return
    assert isinstance(encoded, bytes) and len(encoded) <= json_codec.MAX_BODY_BYTES
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
        encoded = json_codec.encode_body(body, "application/json")
    except BedrockParameterError as e:
        assert "nested more than" in str(e)
        assert depth > json_codec.MAX_JSON_DEPTH
    else:
        assert depth <= json_codec.MAX_JSON_DEPTH
        assert encoded == b"[" * depth + b"]" * depth


@PROPERTY_SETTINGS
@given(payload=st.binary(max_size=300), content_type=st.none() | content_types)
def test_decode_response_never_raises_and_its_answer_reaches_the_controller(payload, content_type):
    value, fmt, notes = json_codec.decode_response(payload, content_type)
    assert fmt in ("json", "text", "base64")
    assert all(isinstance(note, str) for note in notes)
    assert survives_the_trip_to_the_controller(value)


@PROPERTY_SETTINGS
@given(value=json_values, nesting=st.just(0) | st.integers(min_value=0, max_value=2000))
def test_decode_response_of_any_json_reply_reaches_the_controller(value, nesting):
    # Any JSON a model may send (lone surrogates and deep nesting included), as json.dumps would escape it.
    payload = ("[" * nesting + json.dumps(value) + "]" * nesting).encode("ascii")
    decoded, fmt, notes = json_codec.decode_response(payload, "application/json")
    assert survives_the_trip_to_the_controller(decoded)
    if fmt == "text":
        assert decoded == payload.decode("ascii") and notes
    else:
        assert fmt == "json"
