# -*- coding: utf-8 -*-

# Copyright: Contributors to the amazon.ai collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The content of a Converse conversation: messages, their blocks, and the files attached to them.

A task gives blocks as JSON can carry them (binary data as base64 text, or as a file path); Bedrock takes raw
bytes. build_messages() checks a conversation the way Bedrock would and returns two forms of it: the one to
send (files read, base64 decoded exactly once) and the one to return (as the task gave it, ready to send again).
"""

from __future__ import annotations

import base64
import copy
import re
from collections.abc import Mapping
from typing import Any
from typing import Dict
from typing import List
from typing import Optional
from typing import Set
from typing import Tuple

from ansible_collections.amazon.ai.plugins.module_utils.common import check_s3_uri
from ansible_collections.amazon.ai.plugins.module_utils.media import FORMATS
from ansible_collections.amazon.ai.plugins.module_utils.media import decode_base64
from ansible_collections.amazon.ai.plugins.module_utils.media import error_at as _error
from ansible_collections.amazon.ai.plugins.module_utils.media import file_format
from ansible_collections.amazon.ai.plugins.module_utils.media import read_file
from ansible_collections.amazon.ai.plugins.module_utils.media import with_article as _a

MEDIA_KINDS = tuple(FORMATS)
# Every key a content block may hold (ContentBlock is a union: exactly one key a block).
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
TOOL_RESULT_KEYS = ("json", "text", "image", "document", "video", "searchResult")
SYSTEM_KEYS = ("text", "guardContent", "cachePoint")
ROLES = ("user", "assistant", "system")
# Bedrock's per-message limits (Message.content), checked in MiB so that nothing the service takes is refused.
MAX_IMAGES = 20
MAX_DOCUMENTS = 5
MAX_BYTES = {"image": int(3.75 * 1024 * 1024), "document": int(4.5 * 1024 * 1024)}
MAX_DOCUMENT_NAME = 200
# A document's name: letters, digits, hyphens, parentheses, square brackets and single spaces.
DOCUMENT_NAME_PATTERN = re.compile(r"[A-Za-z0-9\-()\[\]]+(?: [A-Za-z0-9\-()\[\]]+)*")
_NAME_DISALLOWED = re.compile(r"[^A-Za-z0-9\-()\[\] ]+")


def _one_key(block: Any, where: str, allowed: Tuple[str, ...]) -> str:
    """The one key of a union block, or an error naming where it is and what it may hold."""
    if not isinstance(block, Mapping):
        raise _error(where, f"must be a mapping with one of the keys {', '.join(allowed)}")
    keys = list(block)
    if len(keys) != 1:
        found = ", ".join(str(key) for key in keys) or "none"
        raise _error(where, f"must hold exactly one of {', '.join(allowed)}; it holds {found}")
    if keys[0] not in allowed:
        raise _error(where, f"{keys[0]!r} is not one of {', '.join(allowed)}")
    return keys[0]


def document_name(file_name: str) -> str:
    """A name Bedrock accepts for a document, after its file: report.v2.pdf becomes report-v2."""
    base = file_name.rstrip("/").rsplit("/", 1)[-1]
    stem = base.rsplit(".", 1)[0] if "." in base.lstrip(".") else base
    name = _NAME_DISALLOWED.sub("-", stem.replace("\t", " "))
    name = re.sub(r" +", " ", name).strip(" ")[:MAX_DOCUMENT_NAME].strip(" ")
    return name or "document"


def unique_names(names: List[str]) -> List[str]:
    """names, each kept unique within a message by appending (2), (3), ... to repeats."""
    seen: Set[str] = set()
    unique = []
    for name in names:
        candidate, number = name, 1
        while candidate in seen:
            number += 1
            suffix = f" ({number})"
            candidate = name[: MAX_DOCUMENT_NAME - len(suffix)].rstrip(" ") + suffix
        seen.add(candidate)
        unique.append(candidate)
    return unique


def attachment(kind: str, location: Any, where: str) -> Dict[str, Any]:
    """A media block, as a task gives it, for a file (path or s3:// URI) attached to the prompt."""
    if not isinstance(location, str) or not location.strip():
        raise _error(where, "must be a file path or an s3:// URI")
    source: Dict[str, Any] = {"s3Location": {"uri": location}} if location.startswith("s3://") else {"path": location}
    block: Dict[str, Any] = {"format": file_format(kind, location, where), "source": source}
    if kind == "document":
        block["name"] = document_name(location)
    return {kind: block}


def _media(kind: str, value: Any, where: str) -> Dict[str, Any]:
    """The block of kind to send: format checked or taken from the file, source bytes read or decoded."""
    if not isinstance(value, Mapping):
        raise _error(where, f"{_a(kind)} block must be a mapping with format and source")
    sent = dict(value)
    source_keys = ("bytes", "s3Location", "path") + (("text", "content") if kind == "document" else ())
    source_where = f"{where}.source"
    key = _one_key(value.get("source"), source_where, source_keys)
    raw = value["source"][key]
    named_after = None
    if key == "bytes":
        sent["source"] = {"bytes": decode_base64(raw, f"{source_where}.bytes")}
    elif key == "path":
        data = read_file(raw, f"{source_where}.path", kind, MAX_BYTES.get(kind))
        sent["source"] = {"bytes": data}
        named_after = raw
    elif key == "s3Location":
        if not isinstance(raw, Mapping):
            raise _error(f"{source_where}.s3Location", "must be a mapping with uri (and optionally bucketOwner)")
        check_s3_uri(f"{source_where}.s3Location.uri", raw.get("uri"), any_key=True)
        named_after = raw["uri"]
    if value.get("format") is None:
        if named_after is None and kind != "document":
            raise _error(f"{where}.format", f"is required with source {key} (one of {', '.join(FORMATS[kind])})")
        if named_after is not None:
            sent["format"] = file_format(kind, named_after, f"{where}.format")
    elif value["format"] not in FORMATS[kind]:
        raise _error(f"{where}.format", f"{value['format']!r} is not one of {', '.join(FORMATS[kind])}")
    if kind == "document":
        name = value.get("name")
        if name is None:
            if named_after is None:
                raise _error(f"{where}.name", "is required unless the source is a path or an S3 URI to name it after")
            sent["name"] = document_name(named_after)
        elif not isinstance(name, str) or len(name) > MAX_DOCUMENT_NAME or not DOCUMENT_NAME_PATTERN.fullmatch(name):
            raise _error(
                f"{where}.name",
                f"{name!r} is not a name Bedrock takes: 1 to {MAX_DOCUMENT_NAME} letters, digits, hyphens, "
                "parentheses, square brackets and single spaces (no dots)",
            )
    return sent


def _guard_content(value: Any, where: str) -> Dict[str, Any]:
    key = _one_key(value, where, ("text", "image"))
    if key == "text":
        return dict(value)
    image = value["image"]
    if not isinstance(image, Mapping) or image.get("format") not in ("png", "jpeg"):
        raise _error(f"{where}.image.format", "must be png or jpeg")
    _one_key(image.get("source"), f"{where}.image.source", ("bytes",))
    return {"image": dict(image, source={"bytes": decode_base64(image["source"]["bytes"], f"{where}.image.source")})}


def _reasoning(value: Any, where: str) -> Dict[str, Any]:
    key = _one_key(value, where, ("reasoningText", "redactedContent"))
    if key == "redactedContent":
        return {"redactedContent": decode_base64(value["redactedContent"], f"{where}.redactedContent")}
    return dict(value)


def _tool_result(value: Any, where: str) -> Dict[str, Any]:
    if not isinstance(value, Mapping) or not isinstance(value.get("toolUseId"), str):
        raise _error(where, "must be a mapping with toolUseId and content")
    content = value.get("content")
    if not isinstance(content, list):
        raise _error(f"{where}.content", "must be a list of blocks")
    if value.get("status") not in (None, "success", "error"):
        raise _error(f"{where}.status", f"{value['status']!r} is not success or error")
    if value.get("status") == "error" and not content:
        raise _error(f"{where}.content", "must not be empty when status is error")
    sent_content = []
    for index, block in enumerate(content):
        block_where = f"{where}.content[{index}]"
        key = _one_key(block, block_where, TOOL_RESULT_KEYS)
        sent_content.append({key: _media(key, block[key], f"{block_where}.{key}")} if key in MEDIA_KINDS else block)
    return dict(value, content=sent_content)


def build_block(block: Any, where: str) -> Dict[str, Any]:
    """One content block to send, checked: exactly one known key, media read or decoded."""
    key = _one_key(block, where, BLOCK_KEYS)
    value = block[key]
    inner = f"{where}.{key}"
    if key in MEDIA_KINDS:
        return {key: _media(key, value, inner)}
    if key == "toolResult":
        return {key: _tool_result(value, inner)}
    if key == "guardContent":
        return {key: _guard_content(value, inner)}
    if key == "reasoningContent":
        return {key: _reasoning(value, inner)}
    if key == "text" and (not isinstance(value, str) or not value):
        raise _error(inner, "must be a non-empty string")
    if key == "toolUse" and (
        not isinstance(value, Mapping) or not isinstance(value.get("toolUseId"), str) or "name" not in value
    ):
        raise _error(inner, "must be a mapping with toolUseId, name and input")
    return {key: value}


def _check_turns(messages: List[Dict[str, Any]], option: str) -> None:
    """Bedrock's turn rules: a user turn first, user and assistant alternating, tool results answering tool uses."""
    conversation = [(index, message) for index, message in enumerate(messages) if message["role"] != "system"]
    if conversation and conversation[0][1]["role"] != "user":
        raise _error(f"{option}[{conversation[0][0]}].role", "a conversation must start with a user message")
    previous: Optional[Dict[str, Any]] = None
    for index, message in conversation:
        where = f"{option}[{index}]"
        if previous is not None and previous["role"] == message["role"]:
            raise _error(f"{where}.role", "user and assistant messages must alternate")
        asked = [b["toolUse"]["toolUseId"] for b in (previous or {}).get("content", []) if "toolUse" in b]
        answered = [b["toolResult"]["toolUseId"] for b in message["content"] if "toolResult" in b]
        unknown = [tool_use_id for tool_use_id in answered if tool_use_id not in asked]
        if unknown:
            raise _error(
                where, f"toolResult for {', '.join(map(repr, unknown))}, which the previous message did not ask for"
            )
        missing = [tool_use_id for tool_use_id in asked if tool_use_id not in answered]
        if missing and message["role"] == "user":
            raise _error(where, f"must answer the previous message's toolUse {', '.join(map(repr, missing))}")
        previous = message


def check_message_limits(message: Dict[str, Any], where: str) -> None:
    kinds = [next(iter(block)) for block in message["content"]]
    if message["role"] != "user" and ("image" in kinds or "document" in kinds):
        raise _error(where, "images and documents are only allowed in user messages")
    if kinds.count("image") > MAX_IMAGES:
        raise _error(where, f"holds {kinds.count('image')} images; Bedrock takes at most {MAX_IMAGES} a message")
    if kinds.count("document") > MAX_DOCUMENTS:
        raise _error(where, f"holds {kinds.count('document')} documents; Bedrock takes at most {MAX_DOCUMENTS}")
    if "document" in kinds and "text" not in kinds:
        raise _error(where, "a message with a document must also hold a text block (the question about it)")


def build_messages(messages: Any, option: str = "messages") -> Tuple[List[Dict[str, Any]], List[Dict[str, Any]]]:
    """(messages to send, messages to return): checked as Bedrock checks them, nothing sent."""
    if not isinstance(messages, list):
        raise _error(option, "must be a list of messages")
    sent = []
    for index, message in enumerate(messages):
        where = f"{option}[{index}]"
        if not isinstance(message, Mapping) or set(message) != {"role", "content"}:
            raise _error(where, "must be a mapping with exactly the keys role and content")
        if message["role"] not in ROLES:
            raise _error(f"{where}.role", f"{message['role']!r} is not one of {', '.join(ROLES)}")
        content = message["content"]
        if not isinstance(content, list) or not content:
            raise _error(f"{where}.content", "must be a non-empty list of content blocks")
        blocks = [build_block(block, f"{where}.content[{number}]") for number, block in enumerate(content)]
        prepared = {"role": message["role"], "content": blocks}
        check_message_limits(prepared, where)
        sent.append(prepared)
    _check_turns(sent, option)
    return sent, copy.deepcopy(messages)


def build_system(system: Any, option: str = "system") -> List[Dict[str, Any]]:
    """The system blocks to send for a string, or a list of strings and blocks."""
    items = [system] if isinstance(system, str) else system
    if not isinstance(items, list):
        raise _error(option, "must be a string or a list of strings")
    blocks = []
    for index, item in enumerate(items):
        where = f"{option}[{index}]" if isinstance(system, list) else option
        if isinstance(item, str):
            item = {"text": item}
        key = _one_key(item, where, SYSTEM_KEYS)
        if key == "text" and (not isinstance(item["text"], str) or not item["text"]):
            raise _error(where, "must be a non-empty string")
        blocks.append({key: _guard_content(item[key], f"{where}.{key}")} if key == "guardContent" else dict(item))
    return blocks


def block_keys(messages: List[Dict[str, Any]], system: List[Dict[str, Any]]) -> Set[str]:
    """Every block key used (tool results' inner blocks included), and s3:<kind> for each kind sent from S3."""
    found: Set[str] = set()
    blocks = [block for message in messages for block in message["content"]] + list(system)
    while blocks:
        block = blocks.pop()
        key = next(iter(block))
        found.add(key)
        value = block[key]
        if key == "toolResult":
            blocks.extend(value["content"])
        elif key in MEDIA_KINDS and "s3Location" in value.get("source", {}):
            found.add(f"s3:{key}")
    return found


def json_safe(value: Any) -> Any:
    """value with every bytes value as base64 text, so that the controller takes it (nesting already bounded)."""
    if isinstance(value, (bytes, bytearray)):
        return base64.b64encode(bytes(value)).decode("ascii")
    if isinstance(value, Mapping):
        return {key: json_safe(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_safe(item) for item in value]
    return value
