# -*- coding: utf-8 -*-

# Copyright: Contributors to the amazon.ai collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The JSON codec of every amazon.ai module that sends a model a body or returns its reply: a request body to the
bytes Bedrock takes, and a reply body back to what can make the trip to the controller.

encode_body() refuses what cannot be sent with BedrockParameterError naming body, before anything is sent.
decode_response() refuses no reply: what Ansible cannot carry as the model sent it is changed as little as possible
(returned as text, or with U+FFFD for a lone surrogate), and a note says how. Converse's replies, which botocore
decodes itself, go through the same depth and surrogate helpers. A leaf beside common.py: of this collection it
imports only that file's error, and nothing here calls AWS.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Mapping
from typing import Any
from typing import List
from typing import Optional
from typing import Tuple

from ansible_collections.amazon.ai.plugins.module_utils.common import BedrockParameterError

# InvokeModel's own limit on a request body (botocore service model).
MAX_BODY_BYTES = 25_000_000
# JSON nested deeper than this cannot make the round trip to the controller (ansible-core gives up at about 500
# levels, and Python's own recursion limit is near); no real request or reply comes close.
MAX_JSON_DEPTH = 128
# A JSON \u escape of a UTF-16 surrogate: the only way a lone surrogate reaches a decoded reply.
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")
_SURROGATE = re.compile("[\ud800-\udfff]")


def is_json_media_type(media_type: Optional[str]) -> bool:
    """Whether a MIME type (parameters allowed) names JSON: application/json or any type/subtype+json."""
    if not media_type:
        return False
    essence = media_type.split(";", 1)[0].strip().lower()
    if "/" not in essence:
        return False
    subtype = essence.split("/", 1)[1]
    return subtype == "json" or subtype.endswith("+json")


def json_depth_exceeds(value: Any, limit: int = MAX_JSON_DEPTH) -> bool:
    """Whether a decoded JSON value nests lists and mappings more than limit levels deep (without recursing)."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, Mapping):
            children = item.values()
        elif isinstance(item, (list, tuple)):
            children = item
        else:
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children if isinstance(child, (Mapping, list, tuple)))
    return False


def too_deep(option: str) -> BedrockParameterError:
    """The error for an option nested deeper than MAX_JSON_DEPTH."""
    return BedrockParameterError(
        f"{option} is nested more than {MAX_JSON_DEPTH} levels deep, more than this module sends or returns"
    )


def encode_body(body: Any, content_type: str) -> bytes:
    """Turn a request body into the bytes to send, according to content_type.

    JSON content types take a mapping or list (encoded as UTF-8 JSON) or a string that already is JSON (sent
    as given, so a templated to_json string is not encoded twice). Other content types take a string, sent
    as UTF-8. Anything else cannot be sent and raises BedrockParameterError.
    """
    if body is None or isinstance(body, (bool, int, float)):
        raise BedrockParameterError(
            f"body must be a mapping, a list or a string to send as {content_type!r} (content_type), "
            f"not {type(body).__name__}"
        )
    if is_json_media_type(content_type):
        if isinstance(body, str):
            try:
                parsed = json.loads(body, parse_constant=_reject_constant)
            except RecursionError:
                raise too_deep("body") from None
            except ValueError as e:
                raise BedrockParameterError(
                    f"body is a string but not valid JSON ({e}), and content_type {content_type!r} is JSON; "
                    "pass the body as a mapping or list, or set content_type to the body's real type"
                ) from None
            if json_depth_exceeds(parsed):
                raise too_deep("body")
            encoded = _utf8(body)
        elif isinstance(body, (Mapping, list)):
            if json_depth_exceeds(body):
                raise too_deep("body")
            try:
                encoded = _utf8(json.dumps(body, ensure_ascii=False, allow_nan=False, separators=(",", ":")))
            except (TypeError, ValueError) as e:
                raise BedrockParameterError(f"body cannot be encoded as JSON for content_type {content_type!r}: {e}")
        else:
            raise BedrockParameterError(
                f"body of type {type(body).__name__} cannot be sent as JSON (content_type {content_type!r})"
            )
    elif isinstance(body, str):
        encoded = _utf8(body)
    else:
        raise BedrockParameterError(
            f"body is a {'mapping' if isinstance(body, Mapping) else type(body).__name__}, which only a JSON "
            f"content_type can carry, but content_type is {content_type!r}; pass the body as a string, or set "
            "content_type to application/json"
        )
    if len(encoded) > MAX_BODY_BYTES:
        raise BedrockParameterError(
            f"body is {len(encoded)} bytes once encoded as {content_type!r} (content_type); "
            f"InvokeModel accepts at most {MAX_BODY_BYTES} bytes"
        )
    return encoded


def _utf8(text: str) -> bytes:
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:
        # Only a lone UTF-16 surrogate (for example from a \ud83d escape) has no UTF-8 form.
        raise BedrockParameterError(
            "body holds an unpaired UTF-16 surrogate (half of an emoji or other character), which cannot be sent"
        ) from None


def _reject_constant(name: str) -> Any:
    # NaN and Infinity are not JSON and could not be returned to the controller.
    raise ValueError(f"{name} is not JSON")


def loads_strict(text: str) -> Any:
    """json.loads that refuses NaN and Infinity (ValueError), which could not be returned to the controller."""
    return json.loads(text, parse_constant=_reject_constant)


def replace_surrogates(value: Any) -> Tuple[Any, int]:
    """value with every lone UTF-16 surrogate (in keys too) replaced by U+FFFD, and how many were replaced.

    Only called on values already known to nest at most MAX_JSON_DEPTH levels, so recursing is safe.
    """
    if isinstance(value, str):
        return _SURROGATE.subn("\ufffd", value)
    if isinstance(value, list):
        pairs = [replace_surrogates(item) for item in value]
        return [item for item, dummy in pairs], sum(count for dummy, count in pairs)
    if isinstance(value, dict):
        cleaned, total = {}, 0
        for key, item in value.items():
            new_key, key_count = replace_surrogates(key)
            cleaned[new_key], item_count = replace_surrogates(item)
            total += key_count + item_count
        return cleaned, total
    return value, 0


def surrogate_note(replaced: int) -> str:
    """The warning for a reply whose lone surrogates were replaced."""
    return (
        f"the reply held {replaced} unpaired UTF-16 surrogate(s) (half of an emoji or other character, as when a "
        "model stops mid-character), which Ansible cannot carry; each was replaced with U+FFFD"
    )


def decode_response(payload: bytes, content_type: Optional[str]) -> Tuple[Any, str, List[str]]:
    """Decode a reply body for the task result, returning (value, format, notes).

    A JSON reply that parses is returned parsed, every key as the model sent it ("json"); any other UTF-8
    reply is returned as a string ("text"); anything else, such as an image, base64-encoded ("base64"). What
    could not make the trip to the controller as sent is changed as little as possible, and a note says how.
    """
    try:
        text = payload.decode("utf-8")
    except UnicodeDecodeError:
        return base64.b64encode(payload).decode("ascii"), "base64", []
    if not is_json_media_type(content_type):
        return text, "text", []
    deep = (
        f"the JSON reply is nested more than {MAX_JSON_DEPTH} levels deep, more than Ansible can return parsed, "
        "so it is returned as text"
    )
    try:
        value = loads_strict(text)
    except RecursionError:
        return text, "text", [deep]
    except ValueError:
        return text, "text", []
    # Both checks are cheap to rule out first: a deep reply needs many brackets, a lone surrogate a \u escape.
    if text.count("[") + text.count("{") > MAX_JSON_DEPTH and json_depth_exceeds(value):
        return text, "text", [deep]
    notes = []
    if _SURROGATE_ESCAPE.search(text):
        value, replaced = replace_surrogates(value)
        if replaced:
            notes.append(surrogate_note(replaced))
    return value, "json", notes
