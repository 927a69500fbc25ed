# -*- coding: utf-8 -*-

# Copyright: Contributors to the amazon.ai collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The Converse family: amazon.ai.bedrock_converse, Bedrock's Converse API, one request shape for every chat model.

build_converse_request() turns the task's options into Converse's parameters (checking them as Bedrock would,
nothing sent), converse_features() names what of them needs a newer boto3, and build_converse_result() turns the
reply into task data. The messages and their blocks are converse_content.py's; the checks Converse shares with
InvokeModel are common.py's, the JSON limits (depth, lone surrogates) json_codec.py's, the client and its retries
clients.py's.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any
from typing import Dict
from typing import List
from typing import Optional
from typing import Tuple

from ansible_collections.amazon.ai.plugins.module_utils.clients import retrying_bedrock_client
from ansible_collections.amazon.ai.plugins.module_utils.common import RUNTIME_OPTIONS
from ansible_collections.amazon.ai.plugins.module_utils.common import BedrockParameterError
from ansible_collections.amazon.ai.plugins.module_utils.common import BedrockReplyError
from ansible_collections.amazon.ai.plugins.module_utils.common import check_guardrail
from ansible_collections.amazon.ai.plugins.module_utils.common import check_model_id
from ansible_collections.amazon.ai.plugins.module_utils.common import check_request_metadata
from ansible_collections.amazon.ai.plugins.module_utils.common import request_id
from ansible_collections.amazon.ai.plugins.module_utils.converse_content import attachment
from ansible_collections.amazon.ai.plugins.module_utils.converse_content import block_keys
from ansible_collections.amazon.ai.plugins.module_utils.converse_content import build_block
from ansible_collections.amazon.ai.plugins.module_utils.converse_content import build_messages
from ansible_collections.amazon.ai.plugins.module_utils.converse_content import build_system
from ansible_collections.amazon.ai.plugins.module_utils.converse_content import check_message_limits
from ansible_collections.amazon.ai.plugins.module_utils.converse_content import json_safe
from ansible_collections.amazon.ai.plugins.module_utils.converse_content import unique_names
from ansible_collections.amazon.ai.plugins.module_utils.json_codec import MAX_JSON_DEPTH
from ansible_collections.amazon.ai.plugins.module_utils.json_codec import json_depth_exceeds
from ansible_collections.amazon.ai.plugins.module_utils.json_codec import loads_strict
from ansible_collections.amazon.ai.plugins.module_utils.json_codec import replace_surrogates
from ansible_collections.amazon.ai.plugins.module_utils.json_codec import surrogate_note
from ansible_collections.amazon.ai.plugins.module_utils.tasks import Progress
from ansible_collections.amazon.ai.plugins.module_utils.versions import Gate
from ansible_collections.amazon.ai.plugins.module_utils.versions import require_boto3_for

# A prompt-management prompt's ARN (ConversationalModelId's prompt branch), optionally with a version.
PROMPT_ARN_PATTERN = re.compile(
    r"arn:aws(-[^:]+)?:bedrock:[a-z0-9-]{1,20}:[0-9]{12}:prompt/[0-9a-zA-Z]{10}(:[0-9]{1,5})?"
)
# What Bedrock refuses beside a prompt ARN: the prompt sets them (Converse's operation docs).
NOT_WITH_PROMPT_ARN = ("system", "max_tokens", "temperature", "top_p", "stop_sequences", "tools", "tool_choice")
TOOL_NAME_PATTERN = re.compile(r"[a-zA-Z0-9_-]{1,64}")
MAX_STOP_SEQUENCES = 2500
MAX_RESPONSE_FIELD_PATHS = 10
MAX_RESPONSE_FIELD_PATH_LENGTH = 256
MAX_REQUEST_METADATA_ENTRIES = 16
# RequestMetadata's keys and values: up to 256 of these characters (keys at least one).
REQUEST_METADATA_PATTERN = re.compile(r"[a-zA-Z0-9 \t\n\x0b\f\r:_@$#=/+,\-.]{0,256}")
EMPTY_INPUT_SCHEMA = {"type": "object", "properties": {}}

# (feature, value or None for any value) -> the first boto3 release whose Converse can send it (botocore's
# service model at each release); converse_features() says which a request uses.
CONVERSE_GATES: List[Gate] = [
    ("Converse", None, "1.34.116"),
    ("guardrail_identifier", None, "1.34.129"),
    ("guardrail_trace", None, "1.34.129"),
    ("guardrail_trace", "enabled_full", "1.37.29"),
    ("guardContent blocks", None, "1.34.129"),
    ("document blocks", None, "1.34.131"),
    ("prompt_variables", None, "1.35.56"),
    ("a prompt ARN without messages", None, "1.35.56"),
    ("performance_config_latency", "optimized", "1.35.73"),
    ("request_metadata", None, "1.35.74"),
    ("video blocks", None, "1.35.74"),
    ("reasoningContent blocks", None, "1.37.0"),
    ("cachePoint blocks", None, "1.37.24"),
    ("images from S3", None, "1.38.3"),
    ("citationsContent blocks", None, "1.39.0"),
    ("more than 4 stop_sequences", None, "1.40.21"),
    ("service_tier", None, "1.40.76"),
    ("service_tier", "reserved", "1.41.5"),
    ("searchResult blocks", None, "1.41.0"),
    ("audio blocks", None, "1.42.1"),
    ("output_schema", None, "1.42.42"),
    ("messages with the system role", None, "1.43.17"),
    ("toolAddition blocks", None, "1.43.62"),
    ("toolRemoval blocks", None, "1.43.62"),
]
_GATED_BLOCKS = ("guardContent", "document", "video", "reasoningContent", "cachePoint", "citationsContent")
_GATED_BLOCKS += ("searchResult", "audio", "toolAddition", "toolRemoval")


def argument_spec() -> Dict[str, Any]:
    """bedrock_converse's argument spec, for the module and for its action plugin on the controller."""
    tool = dict(name=dict(type="str", required=True), description=dict(type="str"), input_schema=dict(type="dict"))
    return dict(
        model_id=dict(type="str", required=True),
        prompt=dict(type="str"),
        messages=dict(type="list", elements="dict"),
        images=dict(type="list", elements="str"),
        documents=dict(type="list", elements="str"),
        system=dict(type="raw"),
        max_tokens=dict(type="int", no_log=False),
        temperature=dict(type="float"),
        top_p=dict(type="float"),
        stop_sequences=dict(type="list", elements="str"),
        tools=dict(type="list", elements="dict", options=tool),
        tool_choice=dict(type="str"),
        output_schema=dict(type="dict"),
        guardrail_trace=dict(type="str", choices=["enabled", "disabled", "enabled_full"]),
        additional_model_request_fields=dict(type="dict"),
        additional_model_response_field_paths=dict(type="list", elements="str"),
        prompt_variables=dict(type="dict"),
        **{name: dict(spec) for name, spec in RUNTIME_OPTIONS.items()},
    )


def task_subject(params: Mapping) -> Optional[str]:
    """What the message of an invalid task names: the model."""
    return f"model {params['model_id']!r}" if params.get("model_id") is not None else None


def is_prompt_arn(model_id: str) -> bool:
    return bool(PROMPT_ARN_PATTERN.fullmatch(model_id))


def _inference_config(params: Mapping) -> Dict[str, Any]:
    config: Dict[str, Any] = {}
    if params.get("max_tokens") is not None:
        if params["max_tokens"] < 1:
            raise BedrockParameterError(f"max_tokens must be at least 1, not {params['max_tokens']}")
        config["maxTokens"] = params["max_tokens"]
    for option, member in (("temperature", "temperature"), ("top_p", "topP")):
        value = params.get(option)
        if value is not None:
            if not 0 <= value <= 1:
                raise BedrockParameterError(f"{option} must be between 0 and 1, not {value}")
            config[member] = value
    stops = params.get("stop_sequences")
    if stops:
        if len(stops) > MAX_STOP_SEQUENCES:
            raise BedrockParameterError(
                f"stop_sequences holds {len(stops)}; Bedrock takes at most {MAX_STOP_SEQUENCES}"
            )
        if not all(isinstance(stop, str) and stop for stop in stops):
            raise BedrockParameterError("stop_sequences must be non-empty strings")
        config["stopSequences"] = list(stops)
    return config


def _tool_config(tools: Optional[List[Dict[str, Any]]], tool_choice: Optional[str]) -> Optional[Dict[str, Any]]:
    if not tools:
        if tool_choice is not None:
            raise BedrockParameterError(f"tool_choice {tool_choice!r} needs tools to choose from")
        return None
    specs, names = [], []
    for index, tool in enumerate(tools):
        name = tool.get("name")
        if not isinstance(name, str) or not TOOL_NAME_PATTERN.fullmatch(name):
            raise BedrockParameterError(
                f"tools[{index}].name {name!r} is not a tool name: 1 to 64 letters, digits, underscores or hyphens"
            )
        if name in names:
            raise BedrockParameterError(f"tools[{index}].name {name!r} names two tools")
        names.append(name)
        schema = tool.get("input_schema")
        if schema is None:
            schema = EMPTY_INPUT_SCHEMA
        if not isinstance(schema, Mapping):
            raise BedrockParameterError(f"tools[{index}].input_schema must be a JSON Schema mapping")
        spec: Dict[str, Any] = {"name": name, "inputSchema": {"json": dict(schema)}}
        if tool.get("description") is not None:
            if not tool["description"]:
                raise BedrockParameterError(f"tools[{index}].description must not be empty; leave it unset instead")
            spec["description"] = tool["description"]
        specs.append({"toolSpec": spec})
    config: Dict[str, Any] = {"tools": specs}
    if tool_choice in ("auto", "any"):
        config["toolChoice"] = {tool_choice: {}}
    elif tool_choice is not None:
        if tool_choice not in names:
            raise BedrockParameterError(
                f"tool_choice {tool_choice!r} is not auto, any or the name of a tool in tools ({', '.join(names)})"
            )
        config["toolChoice"] = {"tool": {"name": tool_choice}}
    return config


def _request_metadata(metadata: Mapping) -> Dict[str, str]:
    check_request_metadata(metadata)  # Strings to strings, as for InvokeModel.
    if len(metadata) > MAX_REQUEST_METADATA_ENTRIES:
        raise BedrockParameterError(
            f"request_metadata holds {len(metadata)} entries; Bedrock takes at most {MAX_REQUEST_METADATA_ENTRIES}"
        )
    for key, value in metadata.items():
        if not key or not REQUEST_METADATA_PATTERN.fullmatch(key) or not REQUEST_METADATA_PATTERN.fullmatch(value):
            raise BedrockParameterError(
                f"request_metadata {key!r}: keys (1 to 256) and values (up to 256) may only hold letters, digits, "
                "white space and : _ @ $ # = / + , - ."
            )
    return dict(metadata)


def _prompt_messages(params: Mapping) -> Tuple[List[Dict[str, Any]], List[Dict[str, Any]]]:
    """(messages to send, messages as a task would give them) for prompt with its images and documents."""
    prompt = params["prompt"]
    if not isinstance(prompt, str) or not prompt:
        raise BedrockParameterError("prompt must be a non-empty string")
    images = [
        (f"images[{i}]", attachment("image", path, f"images[{i}]")) for i, path in enumerate(params.get("images") or [])
    ]
    documents = [
        (f"documents[{i}]", attachment("document", path, f"documents[{i}]"))
        for i, path in enumerate(params.get("documents") or [])
    ]
    for (dummy, block), name in zip(documents, unique_names([block["document"]["name"] for dummy, block in documents])):
        block["document"]["name"] = name
    attached = images + documents
    given = [{"role": "user", "content": [block for dummy, block in attached] + [{"text": prompt}]}]
    sent = [{"role": "user", "content": [build_block(block, where) for where, block in attached] + [{"text": prompt}]}]
    check_message_limits(sent[0], "images and documents")
    return sent, given


def check_converse_options(params: Mapping) -> None:
    """Refuse options that do not go together."""
    check_model_id(params.get("model_id"))
    prompt_arn = is_prompt_arn(params["model_id"])
    if params.get("prompt") is not None and params.get("messages") is not None:
        raise BedrockParameterError("prompt and messages are mutually exclusive: set one of them")
    if params.get("prompt") is None and params.get("messages") is None and not prompt_arn:
        raise BedrockParameterError(
            "one of prompt or messages is required (only a prompt ARN as model_id takes neither)"
        )
    if params.get("messages") == [] and not prompt_arn:
        raise BedrockParameterError("messages must hold at least one message (only a prompt ARN takes none)")
    if params.get("prompt") is None and (params.get("images") or params.get("documents")):
        raise BedrockParameterError("images and documents are attached to prompt; with messages, put them in a block")
    if params.get("prompt_variables") and not prompt_arn:
        raise BedrockParameterError(
            "prompt_variables fill in a prompt from Prompt management: model_id must be that prompt's ARN"
        )
    if prompt_arn:
        refused = [option for option in NOT_WITH_PROMPT_ARN if params.get(option) not in (None, [], "")]
        if params.get("additional_model_request_fields"):
            refused.append("additional_model_request_fields")
        if refused:
            raise BedrockParameterError(f"{', '.join(refused)} cannot be set with a prompt ARN: the prompt sets them")
    check_guardrail(params)
    if params.get("guardrail_trace") is not None and params.get("guardrail_identifier") is None:
        raise BedrockParameterError("guardrail_trace needs a guardrail: set guardrail_identifier and guardrail_version")


def build_converse_request(params: Mapping) -> Tuple[Dict[str, Any], List[Dict[str, Any]]]:
    """(Converse's keyword arguments, the request's messages as the task gives them); nothing is sent."""
    check_converse_options(params)
    if params.get("prompt") is not None:
        messages, given = _prompt_messages(params)
    elif params.get("messages") is not None:
        messages, given = build_messages(params["messages"])
    else:
        messages, given = [], []
    request: Dict[str, Any] = {"modelId": params["model_id"]}
    if messages:
        request["messages"] = messages
    if params.get("system") is not None:
        request["system"] = build_system(params["system"])
    inference = _inference_config(params)
    if inference:
        request["inferenceConfig"] = inference
    tool_config = _tool_config(params.get("tools"), params.get("tool_choice"))
    if tool_config:
        request["toolConfig"] = tool_config
    elif any(key in ("toolUse", "toolResult") for key in block_keys(messages, [])):
        raise BedrockParameterError("messages hold toolUse or toolResult blocks, so tools must define the tools")
    if params.get("guardrail_identifier") is not None:
        request["guardrailConfig"] = {
            "guardrailIdentifier": params["guardrail_identifier"],
            "guardrailVersion": params["guardrail_version"],
        }
        if params.get("guardrail_trace") is not None:
            request["guardrailConfig"]["trace"] = params["guardrail_trace"]
    _add_passthrough(params, request)
    return request, given


def _add_passthrough(params: Mapping, request: Dict[str, Any]) -> None:
    """The options Converse takes nearly as given."""
    fields = params.get("additional_model_request_fields")
    if fields is not None:
        if json_depth_exceeds(fields):
            raise BedrockParameterError(f"additional_model_request_fields is nested more than {MAX_JSON_DEPTH} levels")
        request["additionalModelRequestFields"] = fields
    paths = params.get("additional_model_response_field_paths")
    if paths:
        if len(paths) > MAX_RESPONSE_FIELD_PATHS:
            raise BedrockParameterError(
                f"additional_model_response_field_paths holds {len(paths)}; Bedrock takes at most "
                f"{MAX_RESPONSE_FIELD_PATHS}"
            )
        for path in paths:
            if not isinstance(path, str) or not path.startswith("/") or len(path) > MAX_RESPONSE_FIELD_PATH_LENGTH:
                raise BedrockParameterError(
                    f"additional_model_response_field_paths {path!r} is not a JSON Pointer such as /stop_sequence "
                    f"(at most {MAX_RESPONSE_FIELD_PATH_LENGTH} characters)"
                )
        request["additionalModelResponseFieldPaths"] = list(paths)
    variables = params.get("prompt_variables")
    if variables:
        wrong = [name for name, value in variables.items() if not isinstance(value, str)]
        if wrong:
            raise BedrockParameterError(
                f"prompt_variables must map names to strings; not a string: {', '.join(map(repr, wrong))}"
            )
        request["promptVariables"] = {name: {"text": value} for name, value in variables.items()}
    if params.get("request_metadata"):
        request["requestMetadata"] = _request_metadata(params["request_metadata"])
    if params.get("performance_config_latency") not in (None, "standard"):
        request["performanceConfig"] = {"latency": params["performance_config_latency"]}
    if params.get("service_tier") is not None:
        request["serviceTier"] = {"type": params["service_tier"]}
    schema = params.get("output_schema")
    if schema is not None:
        if not isinstance(schema, Mapping) or not schema:
            raise BedrockParameterError("output_schema must be a JSON Schema mapping")
        structure = {"jsonSchema": {"schema": json.dumps(schema, separators=(",", ":"))}}
        request["outputConfig"] = {"textFormat": {"type": "json_schema", "structure": structure}}


def converse_features(params: Mapping, request: Mapping) -> Dict[str, Any]:
    """What a request uses that the CONVERSE_GATES name, for versions.required_boto3_versions()."""
    keys = block_keys(request.get("messages", []), request.get("system", []))
    features: Dict[str, Any] = {"Converse": True}
    for option in ("guardrail_identifier", "guardrail_trace", "prompt_variables", "request_metadata"):
        features[option] = params.get(option)
    features.update(
        performance_config_latency=params.get("performance_config_latency"),
        service_tier=params.get("service_tier"),
        output_schema=params.get("output_schema") is not None,
    )
    for key in _GATED_BLOCKS:
        features[f"{key} blocks"] = key in keys
    features["images from S3"] = "s3:image" in keys
    features["more than 4 stop_sequences"] = len(params.get("stop_sequences") or []) > 4
    features["a prompt ARN without messages"] = "messages" not in request
    features["messages with the system role"] = any(m["role"] == "system" for m in request.get("messages", []))
    return features


def _mapping(value: Any) -> Mapping:
    """value if it is a mapping, else an empty one: a reply is read without trusting its shape."""
    return value if isinstance(value, Mapping) else {}


def _usage(usage: Mapping) -> Dict[str, Any]:
    names = {
        "inputTokens": "input_tokens",
        "outputTokens": "output_tokens",
        "totalTokens": "total_tokens",
        "cacheReadInputTokens": "cache_read_input_tokens",
        "cacheWriteInputTokens": "cache_write_input_tokens",
    }
    return {name: usage[member] for member, name in names.items() if usage.get(member) is not None}


def build_converse_result(
    params: Mapping, response: Optional[Mapping], given: List[Dict[str, Any]]
) -> Tuple[Dict[str, Any], List[str]]:
    """The task result for a Converse reply (or for check mode, when response is None), and notes to warn about."""
    result: Dict[str, Any] = {"changed": True, "model_id": params["model_id"], "text": "", "tool_uses": []}
    if response is None:
        result.update(message={}, messages=given, usage={}, raw_response={})
        return result, []
    reply = {key: value for key, value in response.items() if key != "ResponseMetadata"}
    if json_depth_exceeds(reply):
        raise BedrockReplyError(
            f"the reply is nested more than {MAX_JSON_DEPTH} levels deep, more than Ansible returns"
        )
    raw, replaced = replace_surrogates(json_safe(reply))
    notes = []
    if replaced:
        notes.append(surrogate_note(replaced))
    message = _mapping(_mapping(raw.get("output")).get("message"))
    content = message.get("content")
    blocks = [block for block in content if isinstance(block, Mapping)] if isinstance(content, list) else []
    result["text"] = "".join(block["text"] for block in blocks if isinstance(block.get("text"), str))
    result["tool_uses"] = [
        {"tool_use_id": use.get("toolUseId"), "name": use.get("name"), "input": use.get("input")}
        for use in (block["toolUse"] for block in blocks if isinstance(block.get("toolUse"), Mapping))
    ]
    result.update(message=message, messages=given + ([message] if message else []), raw_response=raw)
    result["stop_reason"] = raw.get("stopReason")
    result["usage"] = _usage(_mapping(raw.get("usage")))
    metrics = _mapping(raw.get("metrics"))
    if metrics.get("latencyMs") is not None:
        result["latency_ms"] = metrics["latencyMs"]
    reported = {
        "trace": raw.get("trace"),
        "service_tier": _mapping(raw.get("serviceTier")).get("type"),
        "performance_config_latency": _mapping(raw.get("performanceConfig")).get("latency"),
        "additional_model_response_fields": raw.get("additionalModelResponseFields"),
    }
    result.update((key, value) for key, value in reported.items() if value is not None)
    reply_id = request_id(response)
    if reply_id:
        result["request_id"] = reply_id
    if params.get("output_schema") is not None:
        try:
            parsed = loads_strict(result["text"])
            if json_depth_exceeds(parsed):
                raise ValueError("too deep")
            result["output_json"] = parsed
        except (ValueError, RecursionError):
            notes.append(
                f"output_schema was set, but the reply's text is not JSON (stop reason {result['stop_reason']}), "
                "so output_json is not returned"
            )
    return result, notes


def converse(module: Any, progress: Progress) -> Dict[str, Any]:
    """bedrock_converse's work: check the task, then (unless in check mode) send it to Converse."""
    params = module.params
    progress.subject = task_subject(params)
    progress.action = f"invoke Bedrock model {params['model_id']!r}"
    progress.runs_model = True
    request, given = build_converse_request(params)
    require_boto3_for(module, converse_features(params, request), gates=CONVERSE_GATES)
    # Built in check mode too: it checks the region, profile and endpoint without sending anything.
    client = retrying_bedrock_client(module)
    response = None if module.check_mode else client.converse(aws_retry=True, **request)
    result, notes = build_converse_result(params, response, given)
    progress.warnings.extend(f"Bedrock model {params['model_id']!r}: {note}" for note in notes)
    return result
