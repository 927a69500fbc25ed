# -*- coding: utf-8 -*-

# Copyright: Contributors to the amazon.ai collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Properties of the functions that take whatever a user or a server sends: bodies, replies and header options."""

from __future__ import annotations

import json

from ansible.module_utils._internal._json._profiles import _module_legacy_m2c
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from ansible_collections.amazon.ai.plugins.module_utils import bedrock

# Modest, so that make test stays fast; no example database is written into the tree.
PROPERTY_SETTINGS = settings(max_examples=150, deadline=None, database=None)

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
        encoded = bedrock.encode_body(body, content_type)
    except bedrock.BedrockParameterError:
        return
    assert isinstance(encoded, bytes) and len(encoded) <= bedrock.MAX_BODY_BYTES
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
        encoded = bedrock.encode_body(body, "application/json")
    except bedrock.BedrockParameterError as e:
        assert "nested more than" in str(e)
        assert depth > bedrock.MAX_JSON_DEPTH
    else:
        assert depth <= bedrock.MAX_JSON_DEPTH
        assert encoded == b"[" * depth + b"]" * depth


@PROPERTY_SETTINGS
@given(payload=st.binary(max_size=300), content_type=st.none() | content_types)
def test_decode_response_never_raises_and_its_answer_reaches_the_controller(payload, content_type):
    value, fmt, notes = bedrock.decode_response(payload, content_type)
    assert fmt in ("json", "text", "base64")
    assert all(isinstance(note, str) for note in notes)
    assert survives_the_trip_to_the_controller(value)


@PROPERTY_SETTINGS
@given(value=json_values, nesting=st.just(0) | st.integers(min_value=0, max_value=2000))
def test_decode_response_of_any_json_reply_reaches_the_controller(value, nesting):
    # Any JSON a model may send (lone surrogates and deep nesting included), as json.dumps would escape it.
    payload = ("[" * nesting + json.dumps(value) + "]" * nesting).encode("ascii")
    decoded, fmt, notes = bedrock.decode_response(payload, "application/json")
    assert survives_the_trip_to_the_controller(decoded)
    if fmt == "text":
        assert decoded == payload.decode("ascii") and notes
    else:
        assert fmt == "json"


@PROPERTY_SETTINGS
@given(option=st.sampled_from(bedrock.HEADER_OPTIONS), value=any_text)
def test_header_options_accept_nothing_a_header_cannot_carry(option, value):
    params = dict(
        model_id="amazon.titan-text-express-v1",
        body={},
        content_type="application/json",
        accept="application/json",
        guardrail_identifier="gr1",
        guardrail_version="1",
    )
    params[option] = value
    try:
        bedrock.validate_params(params)
    except bedrock.BedrockParameterError as e:
        assert option in str(e)
        return
    # Accepted: visible ASCII, spaces and tabs only inside, so botocore sends it as it is.
    assert value == value.strip() and value
    assert all(" " <= char <= "~" or char == "\t" for char in value)


@PROPERTY_SETTINGS
@given(model_id=any_text)
def test_model_id_accepts_nothing_that_changes_the_request_path(model_id):
    params = dict(model_id=model_id, body={}, content_type="application/json", accept="application/json")
    try:
        bedrock.validate_params(params)
    except bedrock.BedrockParameterError as e:
        assert "model_id" in str(e)
        return
    assert model_id not in (".", "..")
    assert all("!" <= char <= "~" for char in model_id)
