# -*- coding: utf-8 -*-

# Copyright: Contributors to the amazon.ai collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The behaviour of amazon.ai's Bedrock modules, kept out of the modules so it can be unit tested and shared.

Pure functions encode the request body, check the options, build InvokeModel's parameters and decode the
reply; invoke_model() ties them together around the one AWS call of bedrock_invoke_model, and
bedrock_invoke_models sends many requests with the very same helpers. The client and its retries are
clients.py's.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Mapping
from typing import Any
from typing import Dict
from typing import List
from typing import Optional
from typing import Tuple

try:
    from botocore.exceptions import IncompleteReadError
    from botocore.exceptions import ReadTimeoutError
    from botocore.exceptions import ResponseStreamingError
except ImportError:
    pass  # Handled by AnsibleAWSModule

from ansible_collections.amazon.ai.plugins.module_utils.clients import describe_retries
from ansible_collections.amazon.ai.plugins.module_utils.clients import retrying_bedrock_client
from ansible_collections.amazon.ai.plugins.module_utils.clients import with_retries
from ansible_collections.amazon.ai.plugins.module_utils.versions import Gate
from ansible_collections.amazon.ai.plugins.module_utils.versions import require_boto3_for

# InvokeModel's own limits (botocore service model).
MAX_BODY_BYTES = 25_000_000
MAX_MODEL_ID_LENGTH = 2048
MAX_REQUEST_METADATA_LENGTH = 8500

# The API accepts a positive version number of up to eight digits, or DRAFT (matched whole: no trailing newline).
GUARDRAIL_VERSION_PATTERN = re.compile(r"[1-9][0-9]{0,7}|DRAFT")
# An HTTP field value (RFC 9110): visible ASCII, with spaces or tabs only between visible characters.
HEADER_VALUE_PATTERN = re.compile(r"[\x21-\x7e](?:[\x20\x21-\x7e\t]*[\x21-\x7e])?")
# The options InvokeModel sends as request headers.
HEADER_OPTIONS = ("content_type", "accept", "guardrail_identifier", "guardrail_version")
# Model ids, inference profile ids and ARNs are visible ASCII with no spaces.
MODEL_ID_PATTERN = re.compile(r"[\x21-\x7e]+")
# JSON nested deeper than this cannot make the round trip to the controller (ansible-core gives up at about 500
# levels, and Python's own recursion limit is near); no real request or reply comes close.
MAX_JSON_DEPTH = 128
# A JSON \u escape of a UTF-16 surrogate: the only way a lone surrogate reaches a decoded reply.
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")
_SURROGATE = re.compile("[\ud800-\udfff]")

# (option, value or None for any value) -> the first boto3 release that can send it, and why.
OPTION_GATES: List[Gate] = [
    ("trace", "ENABLED", "1.34.90"),
    ("trace", "ENABLED_FULL", "1.37.29"),
    ("guardrail_identifier", None, "1.34.90"),
    ("guardrail_version", None, "1.34.90"),
    ("performance_config_latency", "optimized", "1.35.73"),
    ("service_tier", None, "1.40.76"),
    ("service_tier", "reserved", "1.41.5"),
    ("request_metadata", None, "1.43.12"),
]

# Values Bedrock assumes when an option is not sent: leaving them out keeps older botocore working.
API_DEFAULTS = {"trace": "DISABLED", "performance_config_latency": "standard"}

# The options that shape one InvokeModel request besides model_id and body, as both modules declare them.
INVOKE_OPTIONS: Dict[str, Dict[str, Any]] = {
    "content_type": {"type": "str", "default": "application/json"},
    "accept": {"type": "str", "default": "application/json"},
    "trace": {"type": "str", "choices": ["ENABLED", "DISABLED", "ENABLED_FULL"], "default": "DISABLED"},
    "guardrail_identifier": {"type": "str"},
    "guardrail_version": {"type": "str"},
    "performance_config_latency": {"type": "str", "choices": ["standard", "optimized"], "default": "standard"},
    "service_tier": {"type": "str", "choices": ["priority", "default", "flex", "reserved"]},
    "request_metadata": {"type": "dict"},
}


def invoke_options(defaults: bool = True) -> Dict[str, Dict[str, Any]]:
    """A fresh argument spec of INVOKE_OPTIONS; without defaults, an option left unset stays None."""
    if defaults:
        return {name: dict(spec) for name, spec in INVOKE_OPTIONS.items()}
    return {name: {k: v for k, v in spec.items() if k != "default"} for name, spec in INVOKE_OPTIONS.items()}


class BedrockParameterError(ValueError):
    """The task's options cannot make a valid request; raised before anything is sent."""


class BedrockReplyError(Exception):
    """Bedrock's reply cannot be trusted to be whole; the model may have run, but its answer is not returned."""


def is_json_media_type(media_type: Optional[str]) -> bool:
    """Whether a MIME type (parameters allowed) names JSON: application/json or any type/subtype+json."""
    if not media_type:
        return False
    essence = media_type.split(";", 1)[0].strip().lower()
    if "/" not in essence:
        return False
    subtype = essence.split("/", 1)[1]
    return subtype == "json" or subtype.endswith("+json")


def json_depth_exceeds(value: Any, limit: int) -> bool:
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


def _too_deep(option: str) -> BedrockParameterError:
    return BedrockParameterError(
        f"{option} is nested more than {MAX_JSON_DEPTH} levels deep, more than this module sends or returns"
    )


def encode_body(body: Any, content_type: str) -> bytes:
    """Turn the body option into the bytes InvokeModel sends, according to content_type.

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
                raise _too_deep("body") from None
            except ValueError as e:
                raise BedrockParameterError(
                    f"body is a string but not valid JSON ({e}), and content_type {content_type!r} is JSON; "
                    "pass the body as a mapping or list, or set content_type to the body's real type"
                ) from None
            if json_depth_exceeds(parsed, MAX_JSON_DEPTH):
                raise _too_deep("body")
            encoded = _utf8(body)
        elif isinstance(body, (Mapping, list)):
            if json_depth_exceeds(body, MAX_JSON_DEPTH):
                raise _too_deep("body")
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
    too_deep = (
        f"the JSON reply is nested more than {MAX_JSON_DEPTH} levels deep, more than Ansible can return parsed, "
        "so it is returned as text"
    )
    try:
        value = json.loads(text, parse_constant=_reject_constant)
    except RecursionError:
        return text, "text", [too_deep]
    except ValueError:
        return text, "text", []
    # Both checks are cheap to rule out first: a deep reply needs many brackets, a lone surrogate a \u escape.
    if text.count("[") + text.count("{") > MAX_JSON_DEPTH and json_depth_exceeds(value, MAX_JSON_DEPTH):
        return text, "text", [too_deep]
    notes = []
    if _SURROGATE_ESCAPE.search(text):
        value, replaced = replace_surrogates(value)
        if replaced:
            notes.append(
                f"the reply held {replaced} unpaired UTF-16 surrogate(s) (half of an emoji or other character, as "
                "when a model stops mid-character), which Ansible cannot carry; each was replaced with U+FFFD"
            )
    return value, "json", notes


def check_header_value(option: str, value: str) -> None:
    """Raise BedrockParameterError, naming option, unless value can be sent as an HTTP header field's value."""
    if not HEADER_VALUE_PATTERN.fullmatch(value):
        raise BedrockParameterError(
            f"{option} {value!r} cannot be sent as an HTTP header: use visible ASCII characters only, with no "
            "control characters and no white space at either end"
        )


def validate_params(params: Dict[str, Any]) -> None:
    """Refuse option values that the API would reject, or that could not be sent as given, before sending."""
    validate_model_id(params.get("model_id"))
    validate_options(params)


def validate_model_id(model_id: Optional[str]) -> None:
    """Refuse a model_id that is not a model id, inference profile id or ARN."""
    if not model_id or not model_id.strip():
        raise BedrockParameterError("model_id must not be empty")
    if model_id != model_id.strip():
        raise BedrockParameterError(f"model_id {model_id!r} starts or ends with white space")
    if len(model_id) > MAX_MODEL_ID_LENGTH:
        raise BedrockParameterError(
            f"model_id is {len(model_id)} characters long; the API accepts at most {MAX_MODEL_ID_LENGTH}"
        )
    if not MODEL_ID_PATTERN.fullmatch(model_id):
        raise BedrockParameterError(
            f"model_id {model_id!r} is not a model id, inference profile id or ARN: they are visible ASCII "
            "characters with no white space"
        )
    if model_id in (".", ".."):
        # Sent as the path /model/../invoke, which a path-normalizing proxy would read as another URL.
        raise BedrockParameterError(f"model_id {model_id!r} is not a model id")


def validate_options(params: Dict[str, Any]) -> None:
    """Refuse the options besides model_id and body (INVOKE_OPTIONS) that could not make a valid request."""
    for option in ("content_type", "accept"):
        if not params[option] or not params[option].strip():
            raise BedrockParameterError(f"{option} must be a MIME type such as application/json, not empty")
    _check_guardrail_pair(params)
    for option in HEADER_OPTIONS:
        if params.get(option) is not None:
            check_header_value(option, params[option])
    _check_guardrail_version(params)
    if params.get("request_metadata"):
        encode_request_metadata(params["request_metadata"])


def validate_guardrail(params: Dict[str, Any]) -> None:
    """Refuse guardrail_identifier and guardrail_version unless both are set, and set to what the API takes."""
    _check_guardrail_pair(params)
    _check_guardrail_version(params)


def _check_guardrail_pair(params: Dict[str, Any]) -> None:
    identifier, version = params.get("guardrail_identifier"), params.get("guardrail_version")
    if identifier is not None and not identifier.strip():
        raise BedrockParameterError("guardrail_identifier must not be empty; leave it unset to use no guardrail")
    if (identifier is None) != (version is None):
        raise BedrockParameterError("guardrail_identifier and guardrail_version go together: set both or neither")


def _check_guardrail_version(params: Dict[str, Any]) -> None:
    version = params.get("guardrail_version")
    if version is not None and not GUARDRAIL_VERSION_PATTERN.fullmatch(version):
        raise BedrockParameterError(f"guardrail_version must be a version number (1, 2, ...) or DRAFT, not {version!r}")


def encode_request_metadata(metadata: Mapping) -> str:
    """The X-Amzn-Bedrock-Request-Metadata value: a JSON object of string keys and string values."""
    wrong = [key for key, value in metadata.items() if not isinstance(key, str) or not isinstance(value, str)]
    if wrong:
        raise BedrockParameterError(
            "request_metadata must map strings to strings (quote numbers and booleans); "
            f"not a string: {', '.join(repr(key) for key in wrong)}"
        )
    # ASCII-only JSON: every other character is escaped, so the header carries nothing but visible ASCII.
    encoded = json.dumps(metadata, separators=(",", ":"))
    if len(encoded) > MAX_REQUEST_METADATA_LENGTH:
        raise BedrockParameterError(
            f"request_metadata is {len(encoded)} characters long encoded as JSON; "
            f"Bedrock accepts at most {MAX_REQUEST_METADATA_LENGTH}"
        )
    return encoded


def prepare_request(params: Dict[str, Any]) -> Dict[str, Any]:
    """InvokeModel's keyword arguments for one request's options, checked and encoded; nothing is sent."""
    validate_params(params)
    return build_request(params, encode_body(params["body"], params["content_type"]))


def build_request(params: Dict[str, Any], body: bytes) -> Dict[str, Any]:
    """InvokeModel's keyword arguments for the task's options; options left at Bedrock's default are not sent."""
    request = {
        "modelId": params["model_id"],
        "body": body,
        "contentType": params["content_type"],
        "accept": params["accept"],
    }
    optional = {
        "trace": "trace",
        "guardrail_identifier": "guardrailIdentifier",
        "guardrail_version": "guardrailVersion",
        "performance_config_latency": "performanceConfigLatency",
        "service_tier": "serviceTier",
    }
    for option, member in optional.items():
        value = params.get(option)
        if value is not None and value != API_DEFAULTS.get(option):
            request[member] = value
    if params.get("request_metadata"):
        request["requestMetadata"] = encode_request_metadata(params["request_metadata"])
    return request


# Reply headers Bedrock sends for many (not all) models, and their names in invocation_metrics.
METRIC_HEADERS = {
    "x-amzn-bedrock-input-token-count": "input_token_count",
    "x-amzn-bedrock-output-token-count": "output_token_count",
    "x-amzn-bedrock-invocation-latency": "invocation_latency_ms",
}


def describe_reply(response: Dict[str, Any]) -> Dict[str, Any]:
    """What Bedrock reported about the call, beside the reply itself: only what it actually sent."""
    metadata = response.get("ResponseMetadata") or {}
    headers = metadata.get("HTTPHeaders") or {}
    details: Dict[str, Any] = {}
    # Older botocore does not parse every reply header into the response, so fall back on the raw headers.
    latency = response.get("performanceConfigLatency") or headers.get("x-amzn-bedrock-performanceconfig-latency")
    reported = {
        "response_content_type": response.get("contentType") or headers.get("content-type"),
        "performance_config_latency": latency,
        "service_tier": response.get("serviceTier") or headers.get("x-amzn-bedrock-service-tier"),
        "request_id": metadata.get("RequestId") or headers.get("x-amzn-requestid"),
    }
    details.update((key, value) for key, value in reported.items() if value)
    metrics = {}
    for header, name in METRIC_HEADERS.items():
        try:
            metrics[name] = int(headers[header])
        except (KeyError, ValueError):
            pass
    if metrics:
        details["invocation_metrics"] = metrics
    return details


def check_reply_complete(response: Dict[str, Any], payload: bytes) -> None:
    """Raise BedrockReplyError unless the reply's framing shows that all of it arrived.

    A reply with neither Content-Length nor chunked encoding ends wherever the connection closed, for example
    in the middle of its headers, and could look like an empty success.
    """
    headers = (response.get("ResponseMetadata") or {}).get("HTTPHeaders")
    if headers is None:
        return  # Not a reply from the wire (botocore always records the headers it received).
    if "chunked" in headers.get("transfer-encoding", "").lower():
        return
    length = headers.get("content-length")
    if length is None:
        raise BedrockReplyError(
            "the reply has no Content-Length, so it cannot be known to be complete (the connection may have been "
            "cut in the middle of it); the model may have run, but its answer is not returned"
        )
    if not length.strip().isdigit() or int(length) != len(payload):
        raise BedrockReplyError(
            f"the reply's body is {len(payload)} bytes long, but its Content-Length says {length.strip()!r}; "
            "the model may have run, but its answer is not returned"
        )


def build_result(
    params: Dict[str, Any], response: Optional[Dict[str, Any]], payload: bytes
) -> Tuple[Dict[str, Any], List[str]]:
    """The task result for a reply (or for check mode, when response is None), and notes to warn about."""
    result: Dict[str, Any] = {"changed": True, "model_id": params["model_id"]}
    if response is None:
        result["raw_response"] = {}
        return result, []
    check_reply_complete(response, payload)
    raw_response, raw_format, notes = decode_response(payload, response.get("contentType"))
    result.update(raw_response=raw_response, raw_response_format=raw_format)
    result.update(describe_reply(response))
    return result, notes


def failure_message(model_id: str, error: Exception) -> str:
    """The task's message for a failed call (fail_json_aws appends the error's own text)."""
    message = f"Failed to invoke Bedrock model {model_id!r}"
    if describe_retries(error):
        return with_retries(message, error)
    if isinstance(error, ReadTimeoutError):
        return (
            f"{message} (no answer within the read timeout; the request was not sent again, but the model may have "
            "run it; for longer generations raise aws_config's read_timeout)"
        )
    if isinstance(error, (IncompleteReadError, ResponseStreamingError)):
        return (
            f"{message} (the reply was cut off; the request was not sent again, but the model may have run it and "
            "its answer is lost)"
        )
    return message


def call_invoke_model(client: Any, request: Dict[str, Any]) -> Tuple[Dict[str, Any], bytes]:
    """Send one InvokeModel request (with retries) and read the whole reply body."""
    response = client.invoke_model(aws_retry=True, **request)
    return response, response["body"].read()


def invoke_model(module: Any) -> Tuple[Dict[str, Any], List[str]]:
    """Check the task, then (unless in check mode) invoke the model; returns the task result and notes.

    Raises BedrockParameterError for options that cannot make a request, BedrockReplyError for a reply that
    did not arrive whole, and botocore's ClientError or BotoCoreError when the call fails.
    """
    params = module.params
    request = prepare_request(params)
    require_boto3_for(module, params, gates=OPTION_GATES)
    # Built in check mode too: it checks the region, profile and endpoint without sending anything.
    client = retrying_bedrock_client(module)
    if module.check_mode:
        return build_result(params, None, b"")
    response, payload = call_invoke_model(client, request)
    return build_result(params, response, payload)
