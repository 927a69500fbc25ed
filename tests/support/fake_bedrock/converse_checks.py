# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""How the Converse API checks a request, server side: what botocore leaves to the service.

botocore checks only required members, minimums, document types and unions; maximums, enums, patterns and the
turn rules are the service's, answered with ``ValidationException``. ``check_request()`` raises ``Invalid`` with a
message shaped as the service words it. Limits, enums and patterns are botocore's service model's (1.44.8).
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from typing import Any

ROLES = ("user", "assistant", "system")
BLOCK_KEYS = (
    "text",
    "image",
    "document",
    "video",
    "audio",
    "toolUse",
    "toolResult",
    "guardContent",
    "cachePoint",
    "reasoningContent",
    "citationsContent",
    "searchResult",
    "toolAddition",
    "toolRemoval",
)
FORMATS = {
    "image": ("png", "jpeg", "gif", "webp"),
    "document": ("pdf", "csv", "doc", "docx", "xls", "xlsx", "html", "txt", "md"),
    "video": ("mkv", "mov", "mp4", "webm", "flv", "mpeg", "mpg", "wmv", "three_gp"),
    "audio": (
        "mp3",
        "opus",
        "wav",
        "aac",
        "flac",
        "mp4",
        "ogg",
        "mkv",
        "mka",
        "x-aac",
        "m4a",
        "mpeg",
        "mpga",
        "pcm",
        "webm",
    ),
}
SOURCES = {"image": ("bytes", "s3Location"), "video": ("bytes", "s3Location"), "audio": ("bytes", "s3Location")}
SOURCES["document"] = ("bytes", "s3Location", "text", "content")
TOOL_RESULT_KEYS = ("json", "text", "image", "document", "video", "searchResult")
REQUEST_MEMBERS = (
    "messages",
    "system",
    "inferenceConfig",
    "toolConfig",
    "guardrailConfig",
    "projectIdentifier",
    "additionalModelRequestFields",
    "promptVariables",
    "additionalModelResponseFieldPaths",
    "requestMetadata",
    "performanceConfig",
    "serviceTier",
    "outputConfig",
)
# What a prompt from Prompt management sets itself, so a request for it may not (the operation's documentation).
NOT_WITH_PROMPT = ("system", "inferenceConfig", "toolConfig", "additionalModelRequestFields")
PROMPT_ARN = re.compile(r"arn:aws(-[^:]+)?:bedrock:[a-z0-9-]{1,20}:[0-9]{12}:prompt/[0-9a-zA-Z]{10}(?::[0-9]{1,5})?")
DOCUMENT_NAME = re.compile(r"[A-Za-z0-9\-()\[\]]+(?: [A-Za-z0-9\-()\[\]]+)*")
TOOL_NAME = re.compile(r"[a-zA-Z0-9_-]{1,64}")
TOOL_USE_ID = re.compile(r"[a-zA-Z0-9_.:-]{1,64}")
S3_URI = re.compile(r"s3://[a-z0-9][.\-a-z0-9]{1,61}[a-z0-9](/.*)?", re.DOTALL)
GUARDRAIL_ID = re.compile(r"|[a-z0-9]+|arn:aws(-[^:]+)?:bedrock:[a-z0-9-]{1,20}:[0-9]{12}:guardrail/[a-z0-9]+")
GUARDRAIL_VERSION = re.compile(r"|[1-9][0-9]{0,7}|DRAFT")
METADATA = re.compile(r"[a-zA-Z0-9 \t\n\x0b\f\r:_@$#=/+,\-.]{0,256}")
START_WITH_USER = (
    "A conversation must start with a user message. Try again with a conversation that starts with a user message."
)
MAX_IMAGES = 20
MAX_DOCUMENTS = 5


class Invalid(Exception):
    """The request breaks one of the service's rules (answered with 400 ValidationException)."""


def constraint(value: Any, where: str, rule: str) -> Invalid:
    return Invalid(f"1 validation error detected: Value '{value}' at '{where}' failed to satisfy constraint: {rule}")


def one_key(value: Any, where: str, allowed: tuple[str, ...]) -> str:
    if not isinstance(value, dict) or len(value) != 1:
        raise Invalid(f"{where}: a union must have exactly one member set, found {len(value or {})}")
    key = next(iter(value))
    if key not in allowed:
        raise Invalid(f"{where}: unknown member {key}")
    return key


def blob(value: Any, where: str) -> bytes:
    """A blob as it travels in JSON (base64), decoded; the service refuses text that is not base64."""
    try:
        data = base64.b64decode(value, validate=True) if isinstance(value, str) else None
    except (binascii.Error, ValueError):
        data = None
    if not data:
        raise Invalid(f"{where}: expected a non-empty base64-encoded blob")
    return data


def enum(value: Any, where: str, allowed: tuple[str, ...]) -> None:
    if value not in allowed:
        raise constraint(value, where, f"Member must satisfy enum value set: [{', '.join(allowed)}]")


def _media(kind: str, value: Any, where: str) -> None:
    if not isinstance(value, dict):
        raise Invalid(f"{where}: expected a structure")
    if kind != "document" or "format" in value:
        enum(value.get("format"), f"{where}.format", FORMATS[kind])
    source = one_key(value.get("source"), f"{where}.source", SOURCES[kind])
    if source == "bytes":
        blob(value["source"]["bytes"], f"{where}.source.bytes")
    elif source == "s3Location":
        uri = (value["source"]["s3Location"] or {}).get("uri")
        if not isinstance(uri, str) or not S3_URI.fullmatch(uri):
            raise constraint(uri, f"{where}.source.s3Location.uri", "Member must satisfy regular expression pattern")
    if kind == "document":
        name = value.get("name")
        if not isinstance(name, str) or len(name) > 200 or not DOCUMENT_NAME.fullmatch(name):
            raise Invalid(
                f"The value at {where}.name contains invalid characters. Names may only contain alphanumeric "
                "characters, whitespace characters (no more than one in a row), hyphens, parentheses, and square "
                "brackets."
            )


def _block(block: Any, where: str) -> str:
    key = one_key(block, where, BLOCK_KEYS)
    value = block[key]
    inner = f"{where}.{key}"
    if key in FORMATS:
        _media(key, value, inner)
    elif key == "text" and (not isinstance(value, str) or not value):
        raise constraint(value, inner, "Member must have length greater than or equal to 1")
    elif key == "toolUse":
        if not isinstance(value, dict) or not TOOL_USE_ID.fullmatch(str(value.get("toolUseId"))):
            raise constraint(value, f"{inner}.toolUseId", "Member must satisfy regular expression pattern")
        if not TOOL_NAME.fullmatch(str(value.get("name"))) or "input" not in value:
            raise Invalid(f"{inner}: name and input are required")
    elif key == "toolResult":
        _tool_result(value, inner)
    elif key == "cachePoint":
        enum((value or {}).get("type"), f"{inner}.type", ("default",))
        if "ttl" in value:
            enum(value["ttl"], f"{inner}.ttl", ("5m", "1h"))
    elif key == "reasoningContent":
        if one_key(value, inner, ("reasoningText", "redactedContent")) == "redactedContent":
            blob(value["redactedContent"], f"{inner}.redactedContent")
    elif key == "guardContent":
        if one_key(value, inner, ("text", "image")) == "image":
            enum(value["image"].get("format"), f"{inner}.image.format", ("png", "jpeg"))
            blob((value["image"].get("source") or {}).get("bytes"), f"{inner}.image.source.bytes")
    return key


def _tool_result(value: Any, where: str) -> None:
    if not isinstance(value, dict) or not TOOL_USE_ID.fullmatch(str(value.get("toolUseId"))):
        raise constraint(value, f"{where}.toolUseId", "Member must satisfy regular expression pattern")
    if "status" in value:
        enum(value["status"], f"{where}.status", ("success", "error"))
    content = value.get("content")
    if not isinstance(content, list):
        raise Invalid(f"{where}.content: expected a list")
    if value.get("status") == "error" and not content:
        raise Invalid(f"The content field in the {where} field cannot be empty when the status value is error.")
    for index, item in enumerate(content):
        key = one_key(item, f"{where}.content.{index}", TOOL_RESULT_KEYS)
        if key in FORMATS:
            _media(key, item[key], f"{where}.content.{index}.{key}")


def _check_message(message: Any, index: int) -> list[str]:
    where = f"messages.{index}"
    if not isinstance(message, dict) or "role" not in message or "content" not in message:
        raise Invalid(f"{where}: role and content are required")
    enum(message["role"], f"{where}.role", ROLES)
    content = message["content"]
    if not isinstance(content, list) or not content:
        raise Invalid(f"The content field in the {where} field is empty. Add a ContentBlock object to the content.")
    kinds = [_block(block, f"{where}.content.{number}") for number, block in enumerate(content)]
    if message["role"] != "user" and ("image" in kinds or "document" in kinds):
        raise Invalid(f"{where}: images and documents are only supported in the user role.")
    if kinds.count("image") > MAX_IMAGES:
        raise Invalid(f"{where}: too many images: {kinds.count('image')} (the limit is {MAX_IMAGES}).")
    if kinds.count("document") > MAX_DOCUMENTS:
        raise Invalid(f"{where}: too many documents: {kinds.count('document')} (the limit is {MAX_DOCUMENTS}).")
    if "document" in kinds and "text" not in kinds:
        raise Invalid(f"{where}: a document requires a text content block with it (a question about it).")
    return kinds


def check_turns(messages: list[dict[str, Any]]) -> None:
    """The conversation's order: a user turn first, roles alternating, each toolUse answered in the next turn."""
    turns = [(index, message) for index, message in enumerate(messages) if message["role"] != "system"]
    if turns and turns[0][1]["role"] != "user":
        raise Invalid(START_WITH_USER)
    previous: dict[str, Any] | None = None
    for index, message in turns:
        if previous is not None and previous["role"] == message["role"]:
            raise Invalid(
                "A conversation must alternate between user and assistant roles. Make sure the conversation "
                "alternates between user and assistant roles and try again."
            )
        asked = [b["toolUse"]["toolUseId"] for b in (previous or {}).get("content", []) if "toolUse" in b]
        answered = [b["toolResult"]["toolUseId"] for b in message["content"] if "toolResult" in b]
        if len(answered) > len(asked):
            raise Invalid(
                f"The number of toolResult blocks at messages.{index}.content exceeds the number of toolUse blocks "
                "of previous turn."
            )
        if message["role"] == "user" and sorted(asked) != sorted(answered):
            raise Invalid(
                f"Expected toolResult blocks at messages.{index}.content for the following Ids: {', '.join(asked)}"
                if asked
                else f"messages.{index}.content: toolResult blocks answer no toolUse of the previous turn"
            )
        if answered and any(next(iter(block)) not in ("toolResult", "cachePoint") for block in message["content"]):
            raise Invalid("Conversation blocks and tool result blocks cannot be provided in the same turn.")
        previous = message


def _check_tools(config: Any, messages: list[dict[str, Any]]) -> None:
    uses_tools = any("toolUse" in block or "toolResult" in block for m in messages for block in m["content"])
    if config is None:
        if uses_tools:
            raise Invalid("The toolConfig field must be defined when using toolUse and toolResult content blocks.")
        return
    tools = config.get("tools")
    if not isinstance(tools, list) or not tools:
        raise constraint(tools, "toolConfig.tools", "Member must have length greater than or equal to 1")
    names = []
    for index, tool in enumerate(tools):
        if one_key(tool, f"toolConfig.tools.{index}", ("toolSpec", "systemTool", "cachePoint")) != "toolSpec":
            continue
        spec = tool["toolSpec"]
        name = spec.get("name")
        if not isinstance(name, str) or not TOOL_NAME.fullmatch(name):
            raise constraint(
                name,
                f"toolConfig.tools.{index}.member.toolSpec.name",
                "Member must satisfy regular expression pattern: [a-zA-Z0-9_-]+",
            )
        if name in names:
            raise Invalid(f"The tool name {name} is duplicated in toolConfig.tools. Tool names must be unique.")
        names.append(name)
        schema = (spec.get("inputSchema") or {}).get("json")
        if not isinstance(schema, dict):
            raise Invalid(f"toolConfig.tools.{index}.toolSpec.inputSchema.json: expected a JSON object")
    if "toolChoice" in config:
        choice = one_key(config["toolChoice"], "toolConfig.toolChoice", ("auto", "any", "tool"))
        if choice == "tool" and config["toolChoice"]["tool"].get("name") not in names:
            raise Invalid(
                f"The tool {config['toolChoice']['tool'].get('name')} in toolChoice is not in toolConfig.tools."
            )


def _check_inference(config: Any) -> None:
    if not isinstance(config, dict):
        return
    max_tokens = config.get("maxTokens")
    if max_tokens is not None and (not isinstance(max_tokens, int) or max_tokens < 1):
        raise constraint(max_tokens, "inferenceConfig.maxTokens", "Member must have value greater than or equal to 1")
    for member in ("temperature", "topP"):
        value = config.get(member)
        if value is not None and not 0 <= value <= 1:
            rule = (
                "Member must have value less than or equal to 1"
                if value > 1
                else "Member must have value greater than or equal to 0"
            )
            raise constraint(value, f"inferenceConfig.{member}", rule)
    stops = config.get("stopSequences", [])
    if len(stops) > 2500:
        raise constraint(stops, "inferenceConfig.stopSequences", "Member must have length less than or equal to 2500")
    if any(not isinstance(stop, str) or not stop for stop in stops):
        raise constraint(stops, "inferenceConfig.stopSequences", "Member must have length greater than or equal to 1")


def _check_options(body: dict[str, Any], prompt_arn: bool) -> None:
    guardrail = body.get("guardrailConfig")
    if guardrail is not None:
        if not GUARDRAIL_ID.fullmatch(str(guardrail.get("guardrailIdentifier", ""))):
            raise constraint(
                guardrail.get("guardrailIdentifier"),
                "guardrailConfig.guardrailIdentifier",
                "Member must satisfy regular expression pattern",
            )
        if not GUARDRAIL_VERSION.fullmatch(str(guardrail.get("guardrailVersion", ""))):
            raise constraint(
                guardrail.get("guardrailVersion"),
                "guardrailConfig.guardrailVersion",
                "Member must satisfy regular expression pattern: (|([1-9][0-9]{0,7})|(DRAFT))",
            )
        if "trace" in guardrail:
            enum(guardrail["trace"], "guardrailConfig.trace", ("enabled", "disabled", "enabled_full"))
    paths = body.get("additionalModelResponseFieldPaths", [])
    if len(paths) > 10:
        raise constraint(paths, "additionalModelResponseFieldPaths", "Member must have length less than or equal to 10")
    for path in paths:
        if not isinstance(path, str) or not path.startswith("/") or len(path) > 256:
            raise Invalid(f"The path {path} in additionalModelResponseFieldPaths is not a valid JSON Pointer.")
    if "promptVariables" in body and not prompt_arn:
        raise Invalid("promptVariables can only be used with a prompt resource from Prompt management.")
    if prompt_arn:
        refused = [member for member in NOT_WITH_PROMPT if member in body]
        if refused:
            raise Invalid(f"{', '.join(refused)} cannot be set when the model is a prompt resource.")
    metadata = body.get("requestMetadata")
    if metadata is not None:
        if not 1 <= len(metadata) <= 16:
            raise constraint(metadata, "requestMetadata", "Member must have length between 1 and 16")
        for key, value in metadata.items():
            if not key or not METADATA.fullmatch(key) or not isinstance(value, str) or not METADATA.fullmatch(value):
                raise constraint(key, "requestMetadata", "Member must satisfy regular expression pattern")
    if "performanceConfig" in body:
        enum(body["performanceConfig"].get("latency"), "performanceConfig.latency", ("standard", "optimized"))
    if "serviceTier" in body:
        enum(body["serviceTier"].get("type"), "serviceTier.type", ("priority", "default", "flex", "reserved"))
    text_format = (body.get("outputConfig") or {}).get("textFormat")
    if text_format is not None:
        enum(text_format.get("type"), "outputConfig.textFormat.type", ("json_schema",))
        schema = ((text_format.get("structure") or {}).get("jsonSchema") or {}).get("schema")
        try:
            parsed = json.loads(schema) if isinstance(schema, str) else None
        except ValueError:
            parsed = None
        if not isinstance(parsed, dict):
            raise Invalid(
                "outputConfig.textFormat.structure.jsonSchema.schema must be a JSON Schema object, as a string."
            )


def check_request(model_id: str, body: Any) -> list[dict[str, Any]]:
    """The request's messages, once every rule holds; raises Invalid for the first that does not."""
    if not isinstance(body, dict):
        raise Invalid("The request body must be a JSON object.")
    unknown = sorted(set(body) - set(REQUEST_MEMBERS))
    if unknown:
        raise Invalid(f"Unknown request members: {', '.join(unknown)}")
    prompt_arn = bool(PROMPT_ARN.fullmatch(model_id))
    messages = body.get("messages")
    if messages is None and not prompt_arn:
        raise Invalid("The messages field is required unless the model is a prompt resource.")
    messages = messages or []
    if not isinstance(messages, list):
        raise Invalid("messages: expected a list")
    if not messages and not prompt_arn:
        raise Invalid(START_WITH_USER)
    for index, message in enumerate(messages):
        _check_message(message, index)
    check_turns(messages)
    system = body.get("system", [])
    for index, block in enumerate(system):
        one_key(block, f"system.{index}", ("text", "guardContent", "cachePoint"))
        _block(block, f"system.{index}")
    _check_inference(body.get("inferenceConfig"))
    _check_tools(body.get("toolConfig"), messages)
    _check_options(body, prompt_arn)
    return messages
