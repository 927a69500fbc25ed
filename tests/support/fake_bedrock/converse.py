# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The ``Converse`` API (``POST /model/{modelId}/converse``): one request and reply shape for every chat model.

Requests are checked as the service checks them (converse_checks.py). Answers are made up but deterministic, in the
real reply shapes:

- text: "Echo: <the last user text>", cut to ``maxTokens`` words (``max_tokens``) or before a stop sequence;
- tool use: with ``toolConfig``, when ``toolChoice`` is ``any`` or names a tool, or the last user text names a tool,
  a ``toolUse`` block whose input fills the tool's schema (each property's ``default``, first ``enum`` value, or a
  value of its type); after tool results, a text that quotes them;
- structured output: with ``outputConfig``, JSON text that fills the schema the same way;
- reasoning: with ``additionalModelRequestFields.thinking.type`` ``enabled``, a ``reasoningText`` block and a
  ``redactedContent`` block of binary bytes (REDACTED) before the text;
- cache: ``cachePoint`` blocks report ``cacheWriteInputTokens`` the first time a prefix is seen and
  ``cacheReadInputTokens`` after, per server (``DELETE /_test/requests`` forgets them);
- guardrail: a guardrail blocks any user text holding the word "forbidden" (``guardrail_intervened``), with its
  assessment in ``trace`` when the request enables the trace;
- ``serviceTier`` and ``performanceConfig`` are echoed; ``additionalModelResponseFieldPaths`` pick from the model's
  own fields (``/stop_sequence``, ``/model_family``, ``/echo/camelCaseKey``).

The ``test.*`` faults of faults.py (``test.throttle-N``, ``test.denied``, ...) apply; any other ``test.`` id, and the
chat families below, answer. Embedding and image models refuse Converse, as Bedrock does.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import threading
from typing import Any

from .control_plane import ServiceError
from .converse_checks import Invalid
from .converse_checks import check_request
from .core import Reply
from .core import Request
from .core import Route
from .core import error_reply
from .faults import service_fault
from .inference_profiles import resolve_invocation
from .models import INVALID_MODEL_MESSAGE
from .models import family_model_id
from .models import words

# The families that chat through Converse (and the test ids); embedding and image models do not.
CHAT_FAMILIES = ("amazon.nova-", "anthropic.claude", "meta.llama", "mistral.", "cohere.command-r", "deepseek.", "test.")
NO_CONVERSE_MESSAGE = (
    "This action doesn't support the model that you provided. Try again with a supported text or chat model."
)
REDACTED = b"\x00\xffredacted-reasoning\x80"
GUARDRAIL_BLOCK_MESSAGE = "Sorry, the model cannot answer this question."
SIGNATURE = "fake-signature"
_SURROGATE = re.compile(r"^test\.surrogate(?=$|\.)")


class CacheState:
    """The prompt prefixes written to the cache, per server."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._seen: set[str] = set()

    def write_or_read(self, prefix: str) -> bool:
        """True when prefix was already cached (a read), False when this request writes it."""
        with self._lock:
            if prefix in self._seen:
                return True
            self._seen.add(prefix)
            return False

    def reset(self) -> None:
        with self._lock:
            self._seen.clear()


def example(schema: Any, depth: int = 0) -> Any:
    """A value that fits a JSON Schema: its default, its first enum value, or a value of its type."""
    if not isinstance(schema, dict) or depth > 8:
        return None
    if "default" in schema:
        return schema["default"]
    if schema.get("enum"):
        return schema["enum"][0]
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), "null")
    if kind == "object" or (kind is None and "properties" in schema):
        properties = schema.get("properties") or {}
        return {name: example(sub, depth + 1) for name, sub in properties.items()}
    if kind == "array":
        return [example(schema.get("items") or {"type": "string"}, depth + 1)]
    return {"string": "example", "integer": 1, "number": 1.5, "boolean": True, "null": None}.get(kind, "example")


def _texts(message: dict[str, Any]) -> list[str]:
    return [block["text"] for block in message["content"] if "text" in block]


def _tool_reply(body: dict[str, Any], messages: list[dict[str, Any]]) -> list[dict[str, Any]] | None:
    """The toolUse the model asks for, if it asks for one."""
    config = body.get("toolConfig")
    if not config or not messages or any("toolResult" in block for block in messages[-1]["content"]):
        return None
    specs = {tool["toolSpec"]["name"]: tool["toolSpec"] for tool in config["tools"] if "toolSpec" in tool}
    choice = config.get("toolChoice", {"auto": {}})
    text = " ".join(_texts(messages[-1]))
    if "tool" in choice:
        name = choice["tool"]["name"]
    elif "any" in choice:
        name = next(iter(specs))
    else:
        name = next((candidate for candidate in specs if candidate in text), None)
    if name is None:
        return None
    tool_use_id = "tooluse_" + hashlib.sha256(f"{len(messages)}:{name}:{text}".encode()).hexdigest()[:22]
    tool_input = example(specs[name]["inputSchema"]["json"]) or {}
    return [{"text": f"I will use {name}."}, {"toolUse": {"toolUseId": tool_use_id, "name": name, "input": tool_input}}]


def _answer_text(body: dict[str, Any], messages: list[dict[str, Any]]) -> str:
    if not messages:
        variables = body.get("promptVariables") or {}
        return "Prompt with " + ", ".join(f"{name}={value.get('text')}" for name, value in sorted(variables.items()))
    last = messages[-1]
    results = [block["toolResult"] for block in last["content"] if "toolResult" in block]
    if results:
        quoted = [json.dumps(result["content"], sort_keys=True, separators=(",", ":")) for result in results]
        return "Tool results: " + "; ".join(quoted)
    attached = [key for block in last["content"] for key in block if key in ("image", "document", "video", "audio")]
    text = " ".join(_texts(last)) or "(no text)"
    return f"Echo: {text}" + (f" (with {len(attached)} attachment(s): {', '.join(attached)})" if attached else "")


def _limit(text: str, config: dict[str, Any]) -> tuple[str, str, str | None]:
    """The text, stop reason and stop sequence after maxTokens and stopSequences."""
    for stop in config.get("stopSequences", []):
        if stop in text:
            return text[: text.index(stop)], "stop_sequence", stop
    max_tokens = config.get("maxTokens")
    if max_tokens is not None and words(text) > max_tokens:
        return " ".join(text.split()[:max_tokens]), "max_tokens", None
    return text, "end_turn", None


def _input_tokens(body: dict[str, Any], messages: list[dict[str, Any]]) -> int:
    texts = [block.get("text", "") for block in body.get("system", [])]
    texts += [json.dumps(block, sort_keys=True) for message in messages for block in message["content"]]
    return max(1, sum(words(text) for text in texts))


def _cache_usage(body: dict[str, Any], messages: list[dict[str, Any]], cache: CacheState) -> dict[str, int]:
    """cacheRead/WriteInputTokens for the prefix up to the last cachePoint, when there is one."""
    blocks = list(body.get("system", [])) + [block for message in messages for block in message["content"]]
    points = [index for index, block in enumerate(blocks) if "cachePoint" in block]
    if not points:
        return {}
    prefix = json.dumps(blocks[: points[-1]], sort_keys=True)
    tokens = max(1, words(prefix))
    if cache.write_or_read(prefix):
        return {"cacheReadInputTokens": tokens, "cacheWriteInputTokens": 0}
    return {"cacheReadInputTokens": 0, "cacheWriteInputTokens": tokens}


def _guardrail(body: dict[str, Any], messages: list[dict[str, Any]]) -> tuple[bool, dict[str, Any] | None]:
    """Whether the guardrail blocks the request, and its trace when the request asks for one."""
    config = body.get("guardrailConfig")
    if not config:
        return False, None
    blocked = bool(messages) and any("forbidden" in text.lower() for text in _texts(messages[-1]))
    if config.get("trace") not in ("enabled", "enabled_full"):
        return blocked, None
    topics = [{"name": "Forbidden", "type": "DENY", "action": "BLOCKED", "detected": True}] if blocked else []
    assessment = {config["guardrailIdentifier"]: {"topicPolicy": {"topics": topics}}}
    trace: dict[str, Any] = {"inputAssessment": assessment, "modelOutput": [] if blocked else ["(model output)"]}
    if blocked:
        trace["actionReason"] = "Guardrail blocked."
    return blocked, {"guardrail": trace}


def converse_reply(model_id: str, body: dict[str, Any], messages: list[dict[str, Any]], cache: CacheState) -> dict:
    """The Converse reply (as it travels in JSON) to a request that passed the checks."""
    family = family_model_id(model_id)
    config = body.get("inferenceConfig") or {}
    blocked, trace = _guardrail(body, messages)
    stop_sequence = None
    content: list[dict[str, Any]]
    if blocked:
        content, stop_reason = [{"text": GUARDRAIL_BLOCK_MESSAGE}], "guardrail_intervened"
    elif _tool_reply(body, messages) is not None:
        content, stop_reason = _tool_reply(body, messages) or [], "tool_use"
    elif "outputConfig" in body:
        schema = json.loads(body["outputConfig"]["textFormat"]["structure"]["jsonSchema"]["schema"])
        content, stop_reason = [{"text": json.dumps(example(schema), separators=(",", ":"))}], "end_turn"
    else:
        text, stop_reason, stop_sequence = _limit(_answer_text(body, messages), config)
        if _SURROGATE.match(family):
            text += "\ud83d"  # A model cut off in the middle of an emoji.
        content = [{"text": text}] if text else []
    thinking = (body.get("additionalModelRequestFields") or {}).get("thinking") or {}
    if thinking.get("type") == "enabled" and not blocked:
        reasoning = [
            {"reasoningContent": {"reasoningText": {"text": "Let me think.", "signature": SIGNATURE}}},
            {"reasoningContent": {"redactedContent": base64.b64encode(REDACTED).decode("ascii")}},
        ]
        content = reasoning + content
    output_tokens = sum(words(block.get("text", "")) for block in content) or 1
    usage = {"inputTokens": _input_tokens(body, messages), "outputTokens": output_tokens}
    usage.update(_cache_usage(body, messages, cache))
    usage["totalTokens"] = sum(usage.values())
    reply: dict[str, Any] = {
        "output": {"message": {"role": "assistant", "content": content}},
        "stopReason": stop_reason,
        "usage": usage,
        # A made-up but reproducible latency: 100 ms plus 10 ms per generated token.
        "metrics": {"latencyMs": 100 + 10 * output_tokens},
    }
    own_fields = {"stop_sequence": stop_sequence, "model_family": family, "echo": {"camelCaseKey": "kept"}}
    picked = {}
    for path in body.get("additionalModelResponseFieldPaths", []):
        value: Any = own_fields
        for part in path.split("/")[1:]:
            value = value.get(part) if isinstance(value, dict) else None
        if value is not None:
            node = picked
            parts = path.split("/")[1:]
            for part in parts[:-1]:
                node = node.setdefault(part, {})
            node[parts[-1]] = value
    if picked:
        reply["additionalModelResponseFields"] = picked
    if trace is not None:
        reply["trace"] = trace
    for member in ("performanceConfig", "serviceTier"):
        if member in body:
            reply[member] = body[member]
    return reply


def handle_converse(request: Request) -> Reply:
    server = request.server
    try:
        body = json.loads(request.body.decode("utf-8") or "null")
    except ValueError:
        return error_reply(400, "SerializationException", "The request body is not valid JSON.")
    try:
        messages = check_request(request.model_id or "", body)
        # The catalogue's refusals (a profile-only model by its id, ...); an application profile's model.
        model_id = resolve_invocation(request, request.model_id or "")
    except Invalid as exc:
        return error_reply(400, "ValidationException", str(exc))
    except ServiceError as exc:
        return exc.reply()
    family = family_model_id(model_id)
    if not family.startswith(CHAT_FAMILIES) and ":prompt/" not in model_id:
        known = family.startswith(("amazon.titan-embed", "cohere.embed", "amazon.titan-image", "stability."))
        return error_reply(400, "ValidationException", NO_CONVERSE_MESSAGE if known else INVALID_MODEL_MESSAGE)
    fault = service_fault(family, model_id, server.counters)
    if fault is not None and fault[0] is not None:
        return fault[0]
    cache = server.state("converse_cache", CacheState)
    # ASCII escapes, so that a lone surrogate (test.surrogate) travels as a \u escape, as Bedrock would send it.
    return Reply(200, json.dumps(converse_reply(model_id, body, messages, cache)).encode("ascii"))


ROUTES = [Route("POST", re.compile(r"^/model/(?P<model_id>[^/]+)/converse$"), handle_converse, "Converse")]
