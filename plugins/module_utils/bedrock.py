# -*- coding: utf-8 -*-

# Copyright: Contributors to the amazon.ai collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The behaviour of amazon.ai.bedrock_invoke_model, kept out of the module so it can be unit tested.

Pure functions encode the request body, check the options, build InvokeModel's parameters and decode the
reply; invoke_model() ties them together around the one AWS call.
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
    from botocore.exceptions import ReadTimeoutError
except ImportError:
    pass  # Handled by AnsibleAWSModule

from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry

# InvokeModel's own limits (botocore service model).
MAX_BODY_BYTES = 25_000_000
MAX_MODEL_ID_LENGTH = 2048
MAX_REQUEST_METADATA_LENGTH = 8500

# Worth another try: the request was fine, the service was busy. Everything else (validation, access,
# missing model, model timeout or error, quota) fails the same way when repeated.
RETRYABLE_ERROR_CODES = (
    "ThrottlingException",
    "ModelNotReadyException",
    "ServiceUnavailableException",
    "InternalServerException",
)
# Busy answers are retried here, up to twelve tries with jittered sleeps of at most 0.5, 1, 2, 4, then 8 s
# between them: a task that keeps being refused gives up within about a minute.
RETRY_ATTEMPTS = 12
RETRY_DELAY = 0.5
RETRY_MAX_DELAY = 8
# botocore's own retries are off (unless aws_config sets them): they would also repeat a request whose answer
# timed out, running and billing the inference again. Large models can take minutes to answer, longer than
# botocore's 60 s default read timeout; AWS suggests starting from an hour.
CLIENT_CONFIG = {"read_timeout": 3600, "retries": {"total_max_attempts": 1}}

# The API accepts a positive version number of up to eight digits, or DRAFT.
GUARDRAIL_VERSION_PATTERN = re.compile(r"^(?:[1-9][0-9]{0,7}|DRAFT)$")

# (option, value or None for any value) -> the first boto3 release that can send it, and why.
OPTION_GATES: List[Tuple[str, Optional[str], str]] = [
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


class BedrockParameterError(ValueError):
    """The task's options cannot make a valid request; raised before anything is sent."""


def is_json_media_type(media_type: Optional[str]) -> bool:
    """Whether a MIME type (parameters allowed) names JSON: application/json or any type/subtype+json."""
    if not media_type:
        return False
    essence = media_type.split(";", 1)[0].strip().lower()
    if "/" not in essence:
        return False
    subtype = essence.split("/", 1)[1]
    return subtype == "json" or subtype.endswith("+json")


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
                json.loads(body, parse_constant=_reject_constant)
            except ValueError as e:
                raise BedrockParameterError(
                    f"body is a string but not valid JSON ({e}), and content_type {content_type!r} is JSON; "
                    "pass the body as a mapping or list, or set content_type to the body's real type"
                ) from None
            encoded = body.encode("utf-8")
        elif isinstance(body, (Mapping, list)):
            try:
                encoded = json.dumps(body, ensure_ascii=False, allow_nan=False, separators=(",", ":")).encode("utf-8")
            except (TypeError, ValueError) as e:
                raise BedrockParameterError(f"body cannot be encoded as JSON for content_type {content_type!r}: {e}")
        else:
            raise BedrockParameterError(
                f"body of type {type(body).__name__} cannot be sent as JSON (content_type {content_type!r})"
            )
    elif isinstance(body, str):
        encoded = body.encode("utf-8")
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


def _reject_constant(name: str) -> Any:
    # NaN and Infinity are not JSON and could not be returned to the controller.
    raise ValueError(f"{name} is not JSON")


def decode_response(payload: bytes, content_type: Optional[str]) -> Tuple[Any, str]:
    """Decode a reply body for the task result, returning (value, format).

    A JSON reply that parses is returned parsed, every key as the model sent it ("json"); any other UTF-8
    reply is returned as a string ("text"); anything else, such as an image, base64-encoded ("base64").
    """
    try:
        text = payload.decode("utf-8")
    except UnicodeDecodeError:
        return base64.b64encode(payload).decode("ascii"), "base64"
    if is_json_media_type(content_type):
        try:
            return json.loads(text, parse_constant=_reject_constant), "json"
        except ValueError:
            pass
    return text, "text"


def validate_params(params: Dict[str, Any]) -> None:
    """Refuse option values that the API would reject, before anything is sent."""
    model_id = params["model_id"]
    if not model_id or not model_id.strip():
        raise BedrockParameterError("model_id must not be empty")
    if model_id != model_id.strip():
        raise BedrockParameterError(f"model_id {model_id!r} starts or ends with white space")
    if len(model_id) > MAX_MODEL_ID_LENGTH:
        raise BedrockParameterError(
            f"model_id is {len(model_id)} characters long; the API accepts at most {MAX_MODEL_ID_LENGTH}"
        )
    for option in ("content_type", "accept"):
        if not params[option] or not params[option].strip():
            raise BedrockParameterError(f"{option} must be a MIME type such as application/json, not empty")
    version = params.get("guardrail_version")
    if version is not None and not GUARDRAIL_VERSION_PATTERN.match(version):
        raise BedrockParameterError(f"guardrail_version must be a version number (1, 2, ...) or DRAFT, not {version!r}")
    if params.get("request_metadata"):
        encode_request_metadata(params["request_metadata"])


def encode_request_metadata(metadata: Mapping) -> str:
    """The X-Amzn-Bedrock-Request-Metadata value: a JSON object of string keys and string values."""
    wrong = [key for key, value in metadata.items() if not isinstance(key, str) or not isinstance(value, str)]
    if wrong:
        raise BedrockParameterError(
            "request_metadata must map strings to strings (quote numbers and booleans); "
            f"not a string: {', '.join(repr(key) for key in wrong)}"
        )
    encoded = json.dumps(metadata, separators=(",", ":"))
    if len(encoded) > MAX_REQUEST_METADATA_LENGTH:
        raise BedrockParameterError(
            f"request_metadata is {len(encoded)} characters long encoded as JSON; "
            f"Bedrock accepts at most {MAX_REQUEST_METADATA_LENGTH}"
        )
    return encoded


def required_boto3_versions(params: Dict[str, Any]) -> List[Tuple[str, str]]:
    """List (version, reason) for each option the task set that needs a newer boto3 than the collection's minimum."""
    needed = []
    for option, value, version in OPTION_GATES:
        current = params.get(option)
        if not current or (value is not None and current != value):
            continue
        setting = f"{option}={value}" if value is not None else option
        needed.append((version, f"to use {setting}"))
    return needed


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


def build_result(params: Dict[str, Any], response: Optional[Dict[str, Any]], payload: bytes) -> Dict[str, Any]:
    """The task result for a reply (or for check mode, when response is None)."""
    result: Dict[str, Any] = {"changed": True, "model_id": params["model_id"]}
    if response is None:
        result["raw_response"] = {}
        return result
    raw_response, raw_format = decode_response(payload, response.get("contentType"))
    result.update(raw_response=raw_response, raw_response_format=raw_format)
    result.update(describe_reply(response))
    return result


def retrying_bedrock_client(module: Any) -> Any:
    """A bedrock-runtime client whose calls made with aws_retry=True are retried when Bedrock is busy.

    The task's aws_config is applied over CLIENT_CONFIG, so a user can still set the read timeout or botocore's
    retries.
    """
    retry = AWSRetry.jittered_backoff(
        retries=RETRY_ATTEMPTS,
        delay=RETRY_DELAY,
        max_delay=RETRY_MAX_DELAY,
        catch_extra_error_codes=list(RETRYABLE_ERROR_CODES),
    )
    return module.client("bedrock-runtime", retry_decorator=retry, config=CLIENT_CONFIG)


def failure_message(model_id: str, error: Exception) -> str:
    """The task's message for a failed call (fail_json_aws appends the error's own text)."""
    message = f"Failed to invoke Bedrock model {model_id!r}"
    code = (getattr(error, "response", None) or {}).get("Error", {}).get("Code")
    if code in RETRYABLE_ERROR_CODES:
        return f"{message} (still busy after {RETRY_ATTEMPTS} tries)"
    if isinstance(error, ReadTimeoutError):
        return (
            f"{message} (no answer within the read timeout; the request was not sent again, but the model may have "
            "run it; for longer generations raise aws_config's read_timeout)"
        )
    return message


def call_invoke_model(client: Any, request: Dict[str, Any]) -> Tuple[Dict[str, Any], bytes]:
    """Send one InvokeModel request (with retries) and read the whole reply body."""
    response = client.invoke_model(aws_retry=True, **request)
    return response, response["body"].read()


def invoke_model(module: Any) -> Dict[str, Any]:
    """Check the task, then (unless in check mode) invoke the model; returns the task result.

    Raises BedrockParameterError for options that cannot make a request, and botocore's ClientError or
    BotoCoreError when the call fails.
    """
    params = module.params
    validate_params(params)
    body = encode_body(params["body"], params["content_type"])
    for version, reason in required_boto3_versions(params):
        module.require_boto3_at_least(version, reason=reason)
    # Built in check mode too: it checks the region, profile and endpoint without sending anything.
    client = retrying_bedrock_client(module)
    if module.check_mode:
        return build_result(params, None, b"")
    response, payload = call_invoke_model(client, build_request(params, body))
    return build_result(params, response, payload)
