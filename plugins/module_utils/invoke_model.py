# -*- coding: utf-8 -*-

# Copyright: Contributors to the amazon.ai collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The InvokeModel family: amazon.ai.bedrock_invoke_model, and the request and result of one InvokeModel call that
bedrock_invoke_models (invoke_models.py) sends many of.

check_invoke_options() refuses what InvokeModel would refuse, build_invoke_request() builds its parameters,
build_invoke_result() turns its reply into task data, and invoke_model() ties them together around the one AWS
call. The body encoding and the reply decoding are json_codec.py's, the client and its retries clients.py's.
"""

from __future__ import annotations

from typing import Any
from typing import Dict
from typing import List
from typing import Mapping
from typing import Optional
from typing import Tuple

from ansible_collections.amazon.ai.plugins.module_utils.clients import retrying_bedrock_client
from ansible_collections.amazon.ai.plugins.module_utils.common import RUNTIME_OPTIONS
from ansible_collections.amazon.ai.plugins.module_utils.common import BedrockParameterError
from ansible_collections.amazon.ai.plugins.module_utils.common import BedrockReplyError
from ansible_collections.amazon.ai.plugins.module_utils.common import check_guardrail_pair
from ansible_collections.amazon.ai.plugins.module_utils.common import check_guardrail_version
from ansible_collections.amazon.ai.plugins.module_utils.common import check_header_value
from ansible_collections.amazon.ai.plugins.module_utils.common import check_model_id
from ansible_collections.amazon.ai.plugins.module_utils.common import encode_request_metadata
from ansible_collections.amazon.ai.plugins.module_utils.common import request_id
from ansible_collections.amazon.ai.plugins.module_utils.json_codec import decode_response
from ansible_collections.amazon.ai.plugins.module_utils.json_codec import encode_body
from ansible_collections.amazon.ai.plugins.module_utils.tasks import Progress
from ansible_collections.amazon.ai.plugins.module_utils.versions import Gate
from ansible_collections.amazon.ai.plugins.module_utils.versions import require_boto3_for

# The options InvokeModel sends as request headers.
HEADER_OPTIONS = ("content_type", "accept", "guardrail_identifier", "guardrail_version")

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
    **RUNTIME_OPTIONS,
}

# Reply headers Bedrock sends for many (not all) models, and their names in invocation_metrics.
METRIC_HEADERS = {
    "x-amzn-bedrock-input-token-count": "input_token_count",
    "x-amzn-bedrock-output-token-count": "output_token_count",
    "x-amzn-bedrock-invocation-latency": "invocation_latency_ms",
}


def invoke_options(defaults: bool = True) -> Dict[str, Dict[str, Any]]:
    """A fresh argument spec of INVOKE_OPTIONS; without defaults, an option left unset stays None."""
    if defaults:
        return {name: dict(spec) for name, spec in INVOKE_OPTIONS.items()}
    return {name: {k: v for k, v in spec.items() if k != "default"} for name, spec in INVOKE_OPTIONS.items()}


def argument_spec() -> Dict[str, Any]:
    """bedrock_invoke_model's argument spec, for the module and for its action plugin on the controller."""
    return dict(model_id=dict(type="str", required=True), body=dict(type="raw", required=True), **invoke_options())


def task_subject(params: Mapping) -> Optional[str]:
    """What the message of an invalid task names: the model."""
    return f"model {params['model_id']!r}" if params.get("model_id") is not None else None


def invoke_action(model_id: str) -> str:
    """What a failed call was doing, as its message says it ("Failed to <action>")."""
    return f"invoke Bedrock model {model_id!r}"


def check_invoke_options(params: Mapping) -> None:
    """Refuse the options besides model_id and body (INVOKE_OPTIONS) that could not make a valid request."""
    for option in ("content_type", "accept"):
        if not params[option] or not params[option].strip():
            raise BedrockParameterError(f"{option} must be a MIME type such as application/json, not empty")
    check_guardrail_pair(params)
    for option in HEADER_OPTIONS:
        if params.get(option) is not None:
            check_header_value(option, params[option])
    check_guardrail_version(params.get("guardrail_version"))
    if params.get("request_metadata"):
        encode_request_metadata(params["request_metadata"])


def build_invoke_request(params: Mapping) -> Dict[str, Any]:
    """InvokeModel's keyword arguments for one request's options, checked and encoded; nothing is sent.

    Options left at Bedrock's default are not sent. Raises BedrockParameterError for what cannot be sent.
    """
    check_model_id(params.get("model_id"))
    check_invoke_options(params)
    request = {
        "modelId": params["model_id"],
        "body": encode_body(params["body"], params["content_type"]),
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


def reply_details(response: Mapping) -> Dict[str, Any]:
    """What Bedrock reported about the call, beside the reply itself: only what it actually sent."""
    headers = (response.get("ResponseMetadata") or {}).get("HTTPHeaders") or {}
    details: Dict[str, Any] = {}
    # Older botocore does not parse every reply header into the response, so fall back on the raw headers.
    latency = response.get("performanceConfigLatency") or headers.get("x-amzn-bedrock-performanceconfig-latency")
    reported = {
        "response_content_type": response.get("contentType") or headers.get("content-type"),
        "performance_config_latency": latency,
        "service_tier": response.get("serviceTier") or headers.get("x-amzn-bedrock-service-tier"),
        "request_id": request_id(response),
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


def check_reply_complete(response: Mapping, payload: bytes) -> None:
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


def build_invoke_result(
    params: Mapping, response: Optional[Mapping], payload: bytes
) -> Tuple[Dict[str, Any], List[str]]:
    """The task result for a reply (or for check mode, when response is None), and notes to warn about."""
    result: Dict[str, Any] = {"changed": True, "model_id": params["model_id"]}
    if response is None:
        result["raw_response"] = {}
        return result, []
    check_reply_complete(response, payload)
    raw_response, raw_format, notes = decode_response(payload, response.get("contentType"))
    result.update(raw_response=raw_response, raw_response_format=raw_format)
    result.update(reply_details(response))
    return result, notes


def call_invoke_model(client: Any, request: Mapping) -> Tuple[Dict[str, Any], bytes]:
    """Send one InvokeModel request (with retries) and read the whole reply body."""
    response = client.invoke_model(aws_retry=True, **request)
    return response, response["body"].read()


def invoke_model(module: Any, progress: Progress) -> Dict[str, Any]:
    """bedrock_invoke_model's work: check the task, then (unless in check mode) invoke the model."""
    params = module.params
    progress.subject = task_subject(params)
    progress.action = invoke_action(params["model_id"])
    progress.runs_model = True
    request = build_invoke_request(params)
    require_boto3_for(module, params, gates=OPTION_GATES)
    # Built in check mode too: it checks the region, profile and endpoint without sending anything.
    client = retrying_bedrock_client(module)
    if module.check_mode:
        result, notes = build_invoke_result(params, None, b"")
    else:
        response, payload = call_invoke_model(client, request)
        result, notes = build_invoke_result(params, response, payload)
    progress.warnings.extend(f"Bedrock model {params['model_id']!r}: {note}" for note in notes)
    return result
