# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Deterministic fake of the Amazon Bedrock Runtime ``InvokeModel`` API.

Used by the integration tests and the demo: it answers ``POST /model/{modelId}/invoke`` in the response
shape of each real model family, and offers ``test.*`` model ids that inject the faults real services
produce but moto cannot (throttling, unavailability, slow replies, binary bodies, replies cut off or mangled on the
way, errors from a proxy in front of Bedrock, an account-wide concurrency limit, ...).

Run it with ``python tests/support/bedrock_endpoint.py --port 0 --port-file PATH`` or in-process with
``start_server()``. Control routes (never signed): ``GET /_test/health``, ``GET /_test/requests``,
``GET /_test/stats`` (InvokeModel requests in flight, their peak, the total and the ``test.crowd`` refusals) and
``DELETE /_test/requests`` (clears the record and resets the fault counters and the stats).

Only the standard library is needed; botocore is imported lazily, for ``--verify-sigv4`` only.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import hmac
import http.client
import json
import os
import random
import re
import signal
import socket
import ssl
import struct
import subprocess
import sys
import tempfile
import threading
import time
import uuid
import zlib
from dataclasses import dataclass
from dataclasses import field
from http.server import BaseHTTPRequestHandler
from http.server import ThreadingHTTPServer
from typing import Any
from urllib.parse import unquote
from urllib.parse import urlsplit

# Access keys the fake accepts when SigV4 verification is on, mapped to their secret keys.
TEST_CREDENTIALS = {"AKIDAMAZONAITEST": "amazon-ai-test-secret", "AKIDAMAZONAITOKEN": "amazon-ai-token-secret"}
# Keys listed here must present exactly this X-Amz-Security-Token; all other keys must present none.
TEST_SESSION_TOKENS = {"AKIDAMAZONAITOKEN": "amazon-ai-test-session-token"}

# Cross-region inference profile ids are "<geo>.<foundation model id>".
INFERENCE_PROFILE_PREFIXES = ("us-gov.", "us.", "eu.", "apac.", "global.", "jp.", "au.", "ca.")

INVALID_MODEL_MESSAGE = "The provided model identifier is invalid."
MALFORMED_MESSAGE = "Malformed input request, please reformat your input and try again."
THROTTLING_MESSAGE = "Too many requests, please wait before trying again."
TEXT_REPLY = "Grüße from the fake Bedrock endpoint – déjà vu.\n"
MAX_SLEEP = 300.0
MAX_LARGE = 10_000_000
MAX_DEEP = 100_000
# test.surrogate: a model cut off in the middle of an emoji, its reply escaping the lone high surrogate.
SURROGATE_BODY = b'{"completion": "cut emoji \\ud83d", "stop_reason": "max_tokens"}'
# test.truncated announces all of this in Content-Length but sends only the first half.
TRUNCATED_BODY = b'{"completion": "This answer stops half way: the connection drops.", "stop_reason": "end_turn"}'
# test.crowd's answer time when the request does not ask for another delay.
CROWD_DELAY = 0.1

_INVOKE_PATH = re.compile(r"^/model/([^/]+)/invoke$")
_AUTHORIZATION = re.compile(
    r"^AWS4-HMAC-SHA256\s+Credential=([^,\s]+),\s*SignedHeaders=([^,\s]+),\s*Signature=([0-9a-fA-F]+)\s*$"
)
_COUNTED_FAULT = re.compile(r"^test\.(throttle|notready|unavailable|internal)-(\d+)")
# The seconds end at the end of the id or at a dot, so "test.slow-1.5" is 1.5 s and "test.slow-1.5a" is 1 s.
_SLOW = re.compile(r"^test\.slow-(\d+(?:\.\d+)?)(?=$|\.)")
_LARGE = re.compile(r"^test\.large-(\d+)")
# The ids below end at the end of the id or at a dot too, so that a test can add ".anything" to make its id unique.
_DEEP = re.compile(r"^test\.deep-(\d+)(?=$|\.)")
# An empty (bare) or HTML (proxy) error from something in front of Bedrock, N times, then an answer.
_FRONT_FAULT = re.compile(r"^test\.(bare|proxy)-([45]\d\d)-(\d+)(?=$|\.)")
_CROWD = re.compile(r"^test\.crowd-(\d+)(?=$|\.)")
_CUT_HEADERS = re.compile(r"^test\.cutheaders(?=$|\.)")
_TRUNCATED = re.compile(r"^test\.truncated(?=$|\.)")
_SURROGATE = re.compile(r"^test\.surrogate(?=$|\.)")
_DELAY = re.compile(r"^test\.delay(?=$|\.)")

# Status, error code and message of the counted faults, keyed by the word in the model id.
_COUNTED_FAULTS = {
    "throttle": (429, "ThrottlingException", THROTTLING_MESSAGE),
    "notready": (429, "ModelNotReadyException", "Model is not ready for inference. Wait and try your request again."),
    "unavailable": (503, "ServiceUnavailableException", "Service is unavailable. Try your request again later."),
    "internal": (500, "InternalServerException", "An internal server error occurred. Retry your request."),
}

# Faults that never go away, keyed by model id prefix.
_PERMANENT_FAULTS = {
    "test.validation": (400, "ValidationException", MALFORMED_MESSAGE),
    "test.denied": (403, "AccessDeniedException", "You don't have access to the model with the specified model ID."),
    "test.notfound": (404, "ResourceNotFoundException", "The specified model could not be found."),
    "test.timeout": (408, "ModelTimeoutException", "The model did not respond in time. Try again later."),
    "test.modelerror": (424, "ModelErrorException", "The model returned an error while processing the request."),
    "test.quota": (400, "ServiceQuotaExceededException", "Your request exceeded the service quota for the model."),
}


class InputError(Exception):
    """The request body does not fit the model family (answered with 400 ValidationException)."""

    def __init__(self, detail: str) -> None:
        super().__init__(f"Malformed input request: {detail}, please reformat your input and try again.")


@dataclass
class Reply:
    status: int
    body: bytes
    # None sends no Content-Type header.
    content_type: str | None = "application/json"
    headers: dict[str, str] = field(default_factory=dict)
    # None means "no token/latency metric headers" (errors and test.nometrics).
    metrics: tuple[int, int] | None = None
    # False for answers from something in front of Bedrock (a proxy, a load balancer): no x-amzn-RequestId.
    from_bedrock: bool = True
    # Broken replies, each followed by hanging up: write only this many bytes of the body (Content-Length still
    # announces all of it), or write these bytes instead of any reply (status line and headers included).
    body_cut: int | None = None
    wire: bytes | None = None


def _json_bytes(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False).encode("utf-8")


def error_reply(status: int, code: str, message: str, **extra: Any) -> Reply:
    """A Bedrock-style error: JSON ``{"message": ...}`` plus the code in ``x-amzn-ErrorType``."""
    payload: dict[str, Any] = {"message": message}
    payload.update(extra)
    return Reply(status, _json_bytes(payload), headers={"x-amzn-ErrorType": code})


def _ok(payload: Any, input_tokens: int, output_tokens: int) -> Reply:
    return Reply(200, _json_bytes(payload), metrics=(input_tokens, output_tokens))


def family_model_id(model_id: str) -> str:
    """Reduce an ARN or inference profile id to the foundation model id that selects the reply shape."""
    if model_id.startswith("arn:"):
        model_id = model_id.rsplit("/", 1)[-1]
    for prefix in INFERENCE_PROFILE_PREFIXES:
        if model_id.startswith(prefix):
            return model_id[len(prefix) :]
    return model_id


def _words(text: str | bytes) -> int:
    return len(text.split())


def _digest(*parts: str | bytes) -> bytes:
    hasher = hashlib.sha256()
    for part in parts:
        hasher.update(part.encode("utf-8") if isinstance(part, str) else part)
        hasher.update(b"\0")
    return hasher.digest()


def _stable_uuid(*parts: str | bytes) -> str:
    return str(uuid.UUID(bytes=_digest(*parts)[:16]))


def deterministic_vector(seed: str, size: int, normalize: bool = False) -> list[float]:
    """Pseudo-random floats in [-1, 1) that depend only on ``seed`` (Random(int) is stable across Python versions)."""
    rng = random.Random(int.from_bytes(_digest(seed)[:8], "big"))
    values = [rng.uniform(-1.0, 1.0) for dummy in range(size)]
    if normalize:
        norm = sum(v * v for v in values) ** 0.5 or 1.0
        return [round(v / norm, 8) for v in values]
    return [round(v, 6) for v in values]


def _limit(answer: str, max_tokens: Any) -> tuple[str, bool]:
    """Cut the answer to ``max_tokens`` words so callers can exercise the "length" stop reasons."""
    if isinstance(max_tokens, int) and not isinstance(max_tokens, bool) and max_tokens >= 0:
        words = answer.split()
        if len(words) > max_tokens:
            return " ".join(words[:max_tokens]), True
    return answer, False


def _content_text(content: Any) -> str:
    """Text of a message content that is a string or a list of ``{"text": ...}`` blocks."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "\n".join(
            block["text"] for block in content if isinstance(block, dict) and isinstance(block.get("text"), str)
        )
    return ""


def _require(body: dict[str, Any], *keys: str) -> None:
    for key in keys:
        if key not in body:
            raise InputError(f"#: required key [{key}] not found")


def _messages(body: dict[str, Any]) -> list[dict[str, Any]]:
    messages = body.get("messages")
    if not isinstance(messages, list) or not messages or not all(isinstance(m, dict) for m in messages):
        raise InputError("#/messages: expected a non-empty array of objects")
    return messages


def _string(body: dict[str, Any], key: str) -> str:
    _require(body, key)
    value = body[key]
    if not isinstance(value, str):
        raise InputError(f"#/{key}: expected type: String")
    return value


def _anthropic(family: str, body: dict[str, Any]) -> Reply:
    _require(body, "anthropic_version", "max_tokens", "messages")
    messages = _messages(body)
    prompt = _content_text(messages[-1].get("content"))
    answer, cut = _limit(f"You asked: {prompt}", body["max_tokens"])
    input_tokens = _words(_content_text(body.get("system"))) + sum(
        _words(_content_text(m.get("content"))) for m in messages
    )
    output_tokens = _words(answer)
    # Bedrock reports the Anthropic model name without the "anthropic." prefix and the "-v1:0" version suffix.
    model = re.sub(r"-v\d+(:\d+)?$", "", family[len("anthropic.") :])
    payload = {
        "id": "msg_bdrk_01" + _digest(family, json.dumps(body, sort_keys=True)).hex()[:22],
        "type": "message",
        "role": "assistant",
        "model": model,
        "content": [{"type": "text", "text": answer}],
        "stop_reason": "max_tokens" if cut else "end_turn",
        "stop_sequence": None,
        "usage": {"input_tokens": input_tokens, "output_tokens": output_tokens},
    }
    return _ok(payload, input_tokens, output_tokens)


def _nova(body: dict[str, Any]) -> Reply:
    messages = _messages(body)
    content = messages[-1].get("content")
    texts = (
        [block["text"] for block in content if isinstance(block, dict) and isinstance(block.get("text"), str)]
        if isinstance(content, list)
        else []
    )
    if not texts:
        raise InputError("#/messages: the last message has no text content block")
    config = body.get("inferenceConfig") if isinstance(body.get("inferenceConfig"), dict) else {}
    answer, cut = _limit(f"You asked: {texts[-1]}", config.get("maxTokens"))
    input_tokens = _words(_content_text(body.get("system"))) + sum(
        _words(_content_text(m.get("content"))) for m in messages
    )
    output_tokens = _words(answer)
    payload = {
        "output": {"message": {"content": [{"text": answer}], "role": "assistant"}},
        "stopReason": "max_tokens" if cut else "end_turn",
        "usage": {
            "inputTokens": input_tokens,
            "outputTokens": output_tokens,
            "totalTokens": input_tokens + output_tokens,
            "cacheReadInputTokenCount": 0,
            "cacheWriteInputTokenCount": 0,
        },
    }
    return _ok(payload, input_tokens, output_tokens)


def _titan_text(body: dict[str, Any]) -> Reply:
    prompt = _string(body, "inputText")
    config = body.get("textGenerationConfig") if isinstance(body.get("textGenerationConfig"), dict) else {}
    answer, cut = _limit(f"You asked: {prompt}", config.get("maxTokenCount"))
    input_tokens, output_tokens = _words(prompt), _words(answer)
    payload = {
        "inputTextTokenCount": input_tokens,
        "results": [
            {"tokenCount": output_tokens, "outputText": answer, "completionReason": "LENGTH" if cut else "FINISH"}
        ],
    }
    return _ok(payload, input_tokens, output_tokens)


def _titan_embed(family: str, body: dict[str, Any]) -> Reply:
    if "image" in family:
        if "inputText" not in body and "inputImage" not in body:
            raise InputError("#: required key [inputText] or [inputImage] not found")
        text = body.get("inputText") if isinstance(body.get("inputText"), str) else ""
        config = body.get("embeddingConfig") if isinstance(body.get("embeddingConfig"), dict) else {}
        vector = deterministic_vector(
            family + "\0" + text + "\0" + str(body.get("inputImage", "")),
            _dimensions(config, "outputEmbeddingLength", 1024),
        )
        return _ok({"embedding": vector, "inputTextTokenCount": _words(text)}, _words(text), 0)
    text = _string(body, "inputText")
    tokens = _words(text)
    if "text-v2" not in family:
        # Titan Embeddings G1 has a fixed size and rejects the v2 options.
        extra = sorted(set(body) - {"inputText"})
        if extra:
            raise InputError(f"extraneous key [{extra[0]}] is not permitted")
        return _ok(
            {"embedding": deterministic_vector(family + "\0" + text, 1536), "inputTextTokenCount": tokens}, tokens, 0
        )
    vector = deterministic_vector(
        family + "\0" + text, _dimensions(body, "dimensions", 1024), normalize=body.get("normalize", True) is not False
    )
    types = body.get("embeddingTypes", ["float"])
    by_type: dict[str, Any] = {}
    if "float" in types:
        by_type["float"] = vector
    if "binary" in types:
        by_type["binary"] = [1 if v > 0 else 0 for v in vector]
    return _ok({"embedding": vector, "embeddingsByType": by_type, "inputTextTokenCount": tokens}, tokens, 0)


def _dimensions(body: dict[str, Any], key: str, default: int) -> int:
    value = body.get(key, default)
    if value not in (256, 384, 512, 1024):
        raise InputError(f"#/{key}: {value} is not a valid enum value")
    return value


def _llama(body: dict[str, Any]) -> Reply:
    prompt = _string(body, "prompt")
    answer, cut = _limit(f"You asked: {prompt}", body.get("max_gen_len"))
    input_tokens, output_tokens = _words(prompt), _words(answer)
    payload = {
        "generation": answer,
        "prompt_token_count": input_tokens,
        "generation_token_count": output_tokens,
        "stop_reason": "length" if cut else "stop",
    }
    return _ok(payload, input_tokens, output_tokens)


def _mistral(family: str, body: dict[str, Any]) -> Reply:
    if "messages" in body and "prompt" not in body:
        # Mistral Large 2 also takes chat messages and then answers in the chat completion shape.
        messages = _messages(body)
        answer, cut = _limit(f"You asked: {_content_text(messages[-1].get('content'))}", body.get("max_tokens"))
        input_tokens = sum(_words(_content_text(m.get("content"))) for m in messages)
        output_tokens = _words(answer)
        payload = {
            "id": _digest(family, json.dumps(body, sort_keys=True)).hex()[:32],
            "object": "chat.completion",
            "model": family,
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": answer},
                    "finish_reason": "length" if cut else "stop",
                }
            ],
            "usage": {
                "prompt_tokens": input_tokens,
                "completion_tokens": output_tokens,
                "total_tokens": input_tokens + output_tokens,
            },
        }
        return _ok(payload, input_tokens, output_tokens)
    prompt = _string(body, "prompt")
    answer, cut = _limit(f"You asked: {prompt}", body.get("max_tokens"))
    payload = {"outputs": [{"text": answer, "stop_reason": "length" if cut else "stop"}]}
    return _ok(payload, _words(prompt), _words(answer))


def _cohere_command(family: str, body: dict[str, Any]) -> Reply:
    if "message" not in body and "prompt" in body:
        # The older Command (text) models take a prompt and answer with a list of generations.
        prompt = _string(body, "prompt")
        answer, cut = _limit(f"You asked: {prompt}", body.get("max_tokens"))
        generation = {
            "id": _stable_uuid(family, prompt, "generation"),
            "text": answer,
            "finish_reason": "MAX_TOKENS" if cut else "COMPLETE",
        }
        payload = {"generations": [generation], "id": _stable_uuid(family, prompt), "prompt": prompt}
        return _ok(payload, _words(prompt), _words(answer))
    prompt = _string(body, "message")
    answer, cut = _limit(f"You asked: {prompt}", body.get("max_tokens"))
    history = body.get("chat_history") if isinstance(body.get("chat_history"), list) else []
    input_tokens = _words(prompt) + sum(_words(turn.get("message", "")) for turn in history if isinstance(turn, dict))
    output_tokens = _words(answer)
    payload = {
        "response_id": _stable_uuid(family, json.dumps(body, sort_keys=True), "response"),
        "text": answer,
        "generation_id": _stable_uuid(family, json.dumps(body, sort_keys=True), "generation"),
        "chat_history": history + [{"role": "USER", "message": prompt}, {"role": "CHATBOT", "message": answer}],
        "finish_reason": "MAX_TOKENS" if cut else "COMPLETE",
    }
    return _ok(payload, input_tokens, output_tokens)


def _cohere_embed(family: str, body: dict[str, Any]) -> Reply:
    _require(body, "texts", "input_type")
    texts = body["texts"]
    if not isinstance(texts, list) or not all(isinstance(t, str) for t in texts):
        raise InputError("#/texts: expected type: JSONArray of strings")
    size = body.get("output_dimension", 1536 if "embed-v4" in family else 1024)
    if size not in (256, 512, 1024, 1536):
        raise InputError(f"#/output_dimension: {size} is not a valid enum value")
    vectors = [deterministic_vector(family + "\0" + text, size) for text in texts]
    payload: dict[str, Any] = {"id": _stable_uuid(family, json.dumps(body, sort_keys=True)), "texts": texts}
    types = body.get("embedding_types")
    if isinstance(types, list) and types:
        converters = {
            "float": lambda vec: vec,
            "int8": lambda vec: [int(v * 127) for v in vec],
            "uint8": lambda vec: [int((v + 1) * 127.5) for v in vec],
            "binary": lambda vec: [int(v * 127) for v in vec[: len(vec) // 8]],
            "ubinary": lambda vec: [int((v + 1) * 127.5) for v in vec[: len(vec) // 8]],
        }
        unknown = [t for t in types if t not in converters]
        if unknown:
            raise InputError(f"#/embedding_types: {unknown[0]} is not a valid enum value")
        payload["embeddings"] = {t: [converters[t](vec) for vec in vectors] for t in types}
        payload["response_type"] = "embeddings_by_type"
    else:
        payload["embeddings"] = vectors
        payload["response_type"] = "embeddings_floats"
    return _ok(payload, sum(_words(t) for t in texts), 0)


def _family_reply(family: str, body: bytes) -> Reply | None:
    """Reply of a real model family, or None when the model id belongs to no known family."""
    handlers = (
        ("anthropic.", lambda parsed: _anthropic(family, parsed)),
        ("amazon.nova", _nova),
        ("amazon.titan-text", _titan_text),
        ("amazon.titan-embed", lambda parsed: _titan_embed(family, parsed)),
        ("meta.llama", _llama),
        ("mistral.", lambda parsed: _mistral(family, parsed)),
        ("cohere.command", lambda parsed: _cohere_command(family, parsed)),
        ("cohere.embed", lambda parsed: _cohere_embed(family, parsed)),
    )
    for prefix, handler in handlers:
        if family.startswith(prefix):
            try:
                parsed = json.loads(body.decode("utf-8"))
            except ValueError:
                return error_reply(400, "ValidationException", MALFORMED_MESSAGE)
            try:
                if not isinstance(parsed, dict):
                    raise InputError("#: expected type: JSONObject")
                return handler(parsed)
            except InputError as exc:
                return error_reply(400, "ValidationException", str(exc))
    return None


def tiny_png() -> bytes:
    """A valid 2x2 RGBA PNG; its signature byte 0x89 makes the body invalid UTF-8 on purpose."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    rows = (b"\x00" + b"\xff\x00\x00\xff\x00\xff\x00\xff") * 2  # two rows: filter byte + two RGBA pixels
    header = struct.pack(">IIBBBBB", 2, 2, 8, 6, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


def large_embedding_body(size: int) -> bytes:
    """JSON embedding of ``size`` floats, built by indexing a precomputed table so a million values take ~0.1 s."""
    table = [f"{k / 10007 - 0.5:.6f}" for k in range(10007)]
    values = ",".join([table[(i * 7919) % 10007] for i in range(size)])
    return ('{"embedding": [' + values + '], "inputTextTokenCount": 1}').encode("ascii")


class FaultCounters:
    """Requests seen per exact model id, so ``test.throttle-N`` fails N times and then succeeds."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._counts: dict[str, int] = {}

    def next(self, model_id: str) -> int:
        with self._lock:
            self._counts[model_id] = self._counts.get(model_id, 0) + 1
            return self._counts[model_id]

    def reset(self) -> None:
        with self._lock:
            self._counts.clear()


class InvokeStats:
    """InvokeModel requests at the server: in flight now, the most at once, in all, and refused by test.crowd."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._in_flight = 0
        self._max_in_flight = 0
        self._invocations = 0
        self._refused = 0

    def enter(self) -> None:
        with self._lock:
            self._in_flight += 1
            self._invocations += 1
            self._max_in_flight = max(self._max_in_flight, self._in_flight)

    def leave(self) -> None:
        with self._lock:
            self._in_flight -= 1

    def refuse_above(self, limit: int) -> bool:
        """Whether more than ``limit`` requests are in flight (counting the caller's), counting it as a refusal."""
        with self._lock:
            if self._in_flight <= limit:
                return False
            self._refused += 1
            return True

    def snapshot(self) -> dict[str, int]:
        with self._lock:
            return {
                "in_flight": self._in_flight,
                "max_in_flight": self._max_in_flight,
                "invocations": self._invocations,
                "refused": self._refused,
            }

    def reset(self) -> None:
        with self._lock:
            # Requests being answered now still leave later, so in_flight stays as it is; their peak starts from it.
            self._max_in_flight = self._in_flight
            self._invocations = 0
            self._refused = 0


class RequestRecorder:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._items: list[dict[str, Any]] = []

    def record(self, item: dict[str, Any]) -> None:
        with self._lock:
            self._items.append(item)

    def snapshot(self) -> list[dict[str, Any]]:
        with self._lock:
            return list(self._items)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


def _fails_first(times: int, fault: Reply, model_id: str, body: bytes, counters: FaultCounters) -> Reply:
    """``fault`` for the first ``times`` requests for this exact model id, then an answer naming the attempt."""
    attempt = counters.next(model_id)
    if attempt <= times:
        return fault
    return _ok({"ok": True, "attempts": attempt}, _words(body), 1)


def front_fault(kind: str, status: int) -> Reply:
    """An error from a proxy or load balancer in front of Bedrock: no error code, and an empty or HTML body."""
    if kind == "bare":
        return Reply(status, b"", None, from_bedrock=False)
    page = f"<html><body><h1>{status} {http.client.responses.get(status, 'Error')}</h1></body></html>"
    return Reply(status, page.encode("ascii"), "text/html", from_bedrock=False)


def deep_body(depth: int) -> bytes:
    """A JSON reply whose "deep" value is ``depth`` nested lists, deeper than some JSON decoders can go."""
    return b'{"deep": ' + b"[" * depth + b"]" * depth + b', "stop_reason": "end_turn"}'


def _json_object(body: bytes) -> dict[str, Any] | None:
    """The request body when it is a JSON object (NaN and Infinity refused: they could not be echoed), else None."""
    try:
        parsed = json.loads(body.decode("utf-8"), parse_constant=_not_json)
    except ValueError:
        return None
    return parsed if isinstance(parsed, dict) else None


def _not_json(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _requested_delay(request: dict[str, Any] | None, default: float) -> float:
    """The seconds a request asks to be answered after (its "delay" key, capped at MAX_SLEEP), or ``default``."""
    if request is None or "delay" not in request:
        return default
    delay = request["delay"]
    if isinstance(delay, bool) or not isinstance(delay, (int, float)) or not 0 <= delay:
        raise InputError("#/delay: expected a number of seconds, not negative")
    return float(min(delay, MAX_SLEEP))


def _crowd_reply(limit: int, body: bytes, stats: InvokeStats) -> Reply:
    # Like an account quota: refused at once when the server is busier than the limit, whatever the model.
    if stats.refuse_above(limit):
        return error_reply(429, "ThrottlingException", THROTTLING_MESSAGE)
    time.sleep(_requested_delay(_json_object(body), CROWD_DELAY))
    return _ok({"ok": True}, _words(body), 1)


def _delay_reply(body: bytes) -> Reply:
    request = _json_object(body)
    if request is None:
        raise InputError("#: expected type: JSONObject")
    time.sleep(_requested_delay(request, 0.0))
    return _ok({"echo": request}, _words(body), 1)


def _hostile_reply(
    family: str, model_id: str, body: bytes, counters: FaultCounters, stats: InvokeStats
) -> Reply | None:
    """Replies that are broken, odd, or not from Bedrock at all; None when the id asks for none of them."""
    if _CUT_HEADERS.match(family):
        # Hang up in the middle of a header line, before any Content-Length.
        head = f"HTTP/1.1 200 OK\r\nx-amzn-RequestId: {uuid.uuid4()}\r\nContent-Type: applic"
        return Reply(200, b"", wire=head.encode("ascii"))
    if _TRUNCATED.match(family):
        return Reply(200, TRUNCATED_BODY, metrics=(_words(body), 8), body_cut=len(TRUNCATED_BODY) // 2)
    if _SURROGATE.match(family):
        return Reply(200, SURROGATE_BODY, metrics=(_words(body), 3))
    match = _DEEP.match(family)
    if match:
        return Reply(200, deep_body(min(int(match.group(1)), MAX_DEEP)), metrics=(_words(body), 1))
    match = _FRONT_FAULT.match(family)
    if match:
        fault = front_fault(match.group(1), int(match.group(2)))
        return _fails_first(int(match.group(3)), fault, model_id, body, counters)
    if _DELAY.match(family):
        return _delay_reply(body)
    match = _CROWD.match(family)
    if match:
        return _crowd_reply(int(match.group(1)), body, stats)
    return None


def _test_model_reply(
    family: str, model_id: str, body: bytes, content_type: str | None, counters: FaultCounters, stats: InvokeStats
) -> Reply:
    if family.startswith("test.echo"):
        return Reply(200, body, content_type or "application/json", metrics=(_words(body), _words(body)))
    hostile = _hostile_reply(family, model_id, body, counters, stats)
    if hostile is not None:
        return hostile
    match = _COUNTED_FAULT.match(family)
    if match:
        fault = error_reply(*_COUNTED_FAULTS[match.group(1)])
        return _fails_first(int(match.group(2)), fault, model_id, body, counters)
    for prefix, (status, code, message) in _PERMANENT_FAULTS.items():
        if family.startswith(prefix):
            if code == "ModelErrorException":
                return error_reply(
                    status,
                    code,
                    message,
                    originalStatusCode=500,
                    resourceName=f"arn:aws:bedrock:us-east-1::foundation-model/{family}",
                )
            return error_reply(status, code, message)
    match = _SLOW.match(family)
    if match:
        seconds = float(match.group(1))
        time.sleep(min(seconds, MAX_SLEEP))
        return _ok({"ok": True, "slept": seconds}, _words(body), 1)
    if family.startswith("test.png"):
        return Reply(200, tiny_png(), "image/png", metrics=(_words(body), 1))
    if family.startswith("test.text"):
        return Reply(
            200, TEXT_REPLY.encode("utf-8"), "text/plain; charset=utf-8", metrics=(_words(body), _words(TEXT_REPLY))
        )
    if family.startswith("test.badjson"):
        return Reply(200, b'{"not": json', metrics=(_words(body), 1))
    match = _LARGE.match(family)
    if match:
        size = int(match.group(1))
        if size > MAX_LARGE:
            return error_reply(400, "ValidationException", f"test.large supports up to {MAX_LARGE} values.")
        return Reply(200, large_embedding_body(size), metrics=(1, size))
    if family.startswith("test.nometrics"):
        return Reply(200, b'{"ok": true}')
    return error_reply(400, "ValidationException", INVALID_MODEL_MESSAGE)


def invoke_reply(
    model_id: str, body: bytes, content_type: str | None, counters: FaultCounters, stats: InvokeStats
) -> Reply:
    """The reply to ``InvokeModel`` for a decoded model id (no HTTP or auth concerns here)."""
    family = family_model_id(model_id)
    if family.startswith("test."):
        try:
            return _test_model_reply(family, model_id, body, content_type, counters, stats)
        except InputError as exc:
            return error_reply(400, "ValidationException", str(exc))
    reply = _family_reply(family, body)
    return reply if reply is not None else error_reply(400, "ValidationException", INVALID_MODEL_MESSAGE)


def verify_sigv4(
    method: str, raw_path: str, headers: list[tuple[str, str]], body: bytes, scheme: str = "http"
) -> Reply | None:
    """Check a request's SigV4 signature against TEST_CREDENTIALS; return the error reply, or None if it is valid.

    The signature is recomputed with botocore's own signer so that its quirks (the already percent-encoded
    path is quoted again, header values are whitespace-trimmed) are reproduced exactly.
    """
    from botocore.auth import SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials

    lookup: dict[str, str] = {}
    for name, value in headers:
        lookup.setdefault(name.lower(), value)
    authorization = lookup.get("authorization")
    if authorization is None:
        return error_reply(403, "MissingAuthenticationTokenException", "Missing Authentication Token")
    match = _AUTHORIZATION.match(authorization)
    if match is None:
        return error_reply(
            403,
            "IncompleteSignatureException",
            "Authorization header requires 'Credential', 'SignedHeaders' and 'Signature'.",
        )
    credential, signed_headers, signature = match.groups()
    scope = credential.split("/")
    if len(scope) != 5 or scope[4] != "aws4_request":
        return error_reply(
            403, "IncompleteSignatureException", f"Credential should be scoped to a valid region, not '{credential}'."
        )
    access_key, date, region, service = scope[:4]
    secret = TEST_CREDENTIALS.get(access_key)
    if secret is None:
        return error_reply(403, "UnrecognizedClientException", "The security token included in the request is invalid.")
    expected_token = TEST_SESSION_TOKENS.get(access_key)
    token = lookup.get("x-amz-security-token")
    # An absent token and an empty one are the same thing; bytes so that odd header values cannot raise.
    if not hmac.compare_digest((token or "").encode("utf-8"), (expected_token or "").encode("utf-8")):
        return error_reply(403, "UnrecognizedClientException", "The security token included in the request is invalid.")
    if service != "bedrock":
        return error_reply(
            403, "InvalidSignatureException", "Credential should be scoped to correct service: 'bedrock'."
        )
    amz_date = lookup.get("x-amz-date", "")
    if not re.match(r"^\d{8}T\d{6}Z$", amz_date) or amz_date[:8] != date:
        return error_reply(
            403,
            "InvalidSignatureException",
            "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP.",
        )
    content_sha = lookup.get("x-amz-content-sha256")
    if content_sha not in (None, "UNSIGNED-PAYLOAD") and not content_sha.startswith("STREAMING-"):
        # botocore signs this header's value instead of hashing the body, so the body must be checked separately.
        if not hmac.compare_digest(content_sha, hashlib.sha256(body).hexdigest()):
            return error_reply(
                403,
                "InvalidSignatureException",
                "The provided 'x-amz-content-sha256' header does not match what was computed.",
            )

    # Rebuild the request from the headers the client said it signed, with the raw (still encoded) path.
    wanted = set(signed_headers.lower().split(";"))
    request = AWSRequest(method=method, url=f"{scheme}://{lookup.get('host', 'localhost')}{raw_path}", data=body)
    for name, value in headers:
        if name.lower() in wanted:
            request.headers[name] = value
    # The signer normally stamps "now"; pinning the context timestamp makes it reuse the client's X-Amz-Date.
    request.context["timestamp"] = amz_date
    signer = SigV4Auth(Credentials(access_key, secret, token), service, region)
    canonical_request = signer.canonical_request(request)
    expected = signer.signature(signer.string_to_sign(request, canonical_request), request)
    if not hmac.compare_digest(expected, signature.lower()):
        return error_reply(
            403,
            "InvalidSignatureException",
            "The request signature we calculated does not match the signature you provided. "
            "Check your AWS Secret Access Key and signing method. Consult the service documentation for details.",
        )
    return None


class BedrockHandler(BaseHTTPRequestHandler):
    server: BedrockServer
    # HTTP/1.1 keep-alive like the real endpoint; every reply carries Content-Length.
    protocol_version = "HTTP/1.1"
    server_version = "FakeBedrockRuntime/1.0"
    # Drop idle keep-alive connections so handler threads do not pile up.
    timeout = 120

    def do_GET(self) -> None:
        self._dispatch()

    def do_POST(self) -> None:
        self._dispatch()

    def do_PUT(self) -> None:
        self._dispatch()

    def do_DELETE(self) -> None:
        self._dispatch()

    def do_PATCH(self) -> None:
        self._dispatch()

    def do_HEAD(self) -> None:
        self._dispatch()

    def log_message(self, format: str, *args: Any) -> None:  # pylint: disable=redefined-builtin
        self.server.log(f"{self.address_string()} - - [{self.log_date_time_string()}] {format % args}")

    def _read_body(self) -> bytes:
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            parts = []
            while True:
                size = int(self.rfile.readline().split(b";", 1)[0].strip() or b"0", 16)
                if size == 0:
                    # Skip optional trailers up to the blank line.
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    return b"".join(parts)
                parts.append(self.rfile.read(size))
                self.rfile.readline()
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length > 0 else b""

    def _send(self, reply: Reply) -> None:
        if reply.wire is not None:
            self.log_request(reply.status)
            self.wfile.write(reply.wire)
            self.close_connection = True
            return
        self.send_response(reply.status)
        if reply.from_bedrock:
            self.send_header("x-amzn-RequestId", str(uuid.uuid4()))
        if reply.content_type is not None:
            self.send_header("Content-Type", reply.content_type)
        self.send_header("Content-Length", str(len(reply.body)))
        for name, value in reply.headers.items():
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(reply.body[: reply.body_cut])
        if reply.body_cut is not None:
            self.close_connection = True

    def _record(self, path: str, body: bytes) -> str:
        """Record a request to a /model/ path and return its decoded model id."""
        model_id = unquote(path.split("/")[2])
        headers: dict[str, str] = {}
        for name, value in self.headers.items():
            headers[name] = f"{headers[name]},{value}" if name in headers else value
        self.server.recorder.record(
            {
                "method": self.command,
                "path": self.path,
                "model_id": model_id,
                "headers": headers,
                "body_b64": base64.b64encode(body).decode("ascii"),
            }
        )
        return model_id

    def _dispatch(self) -> None:
        body = self._read_body()
        path = urlsplit(self.path).path
        if path.startswith("/_test/"):
            self._send(self._control(path))
            return
        model_id = self._record(path, body) if path.startswith("/model/") else None
        if self.command != "POST" or model_id is None or not _INVOKE_PATH.match(path):
            self._send(error_reply(404, "UnknownOperationException", f"No operation matches {self.command} {path}"))
            return
        self.server.stats.enter()
        try:
            self._send(self._invoke(model_id, body))
        finally:
            # Also when answering failed or the client hung up, or in_flight would only ever grow.
            self.server.stats.leave()

    def _invoke(self, model_id: str, body: bytes) -> Reply:
        if self.server.verify_sigv4:
            failure = verify_sigv4(self.command, self.path, list(self.headers.items()), body, self.server.scheme)
            if failure is not None:
                return failure
        try:
            reply = invoke_reply(
                model_id, body, self.headers.get("Content-Type"), self.server.counters, self.server.stats
            )
        except Exception as exc:
            # A bug in the fake must still produce an answer, or the client would only see a dropped connection.
            self.server.log(f"{self.address_string()} - - invoke failed: {exc!r}")
            reply = error_reply(500, "InternalServerException", f"The fake Bedrock endpoint failed: {exc!r}")
        if reply.status == 200:
            if reply.metrics is not None:
                input_tokens, output_tokens = reply.metrics
                reply.headers["X-Amzn-Bedrock-Input-Token-Count"] = str(input_tokens)
                reply.headers["X-Amzn-Bedrock-Output-Token-Count"] = str(output_tokens)
                # A made-up but reproducible latency: 100 ms plus 10 ms per generated token.
                reply.headers["X-Amzn-Bedrock-Invocation-Latency"] = str(100 + 10 * output_tokens)
            for name in ("X-Amzn-Bedrock-PerformanceConfig-Latency", "X-Amzn-Bedrock-Service-Tier"):
                if self.headers.get(name) is not None:
                    reply.headers[name] = self.headers[name]
        return reply

    def _control(self, path: str) -> Reply:
        if path == "/_test/health" and self.command == "GET":
            return Reply(200, b'{"ok": true}')
        if path == "/_test/requests" and self.command == "GET":
            return Reply(200, _json_bytes(self.server.recorder.snapshot()))
        if path == "/_test/stats" and self.command == "GET":
            return Reply(200, _json_bytes(self.server.stats.snapshot()))
        if path == "/_test/requests" and self.command == "DELETE":
            self.server.recorder.clear()
            self.server.counters.reset()
            self.server.stats.reset()
            return Reply(200, b'{"ok": true}')
        return error_reply(404, "UnknownOperationException", f"No control route {self.command} {path}")


class BedrockServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(
        self,
        host: str,
        port: int,
        ssl_context: ssl.SSLContext | None = None,
        verify_sigv4: bool = False,
        log_path: str | None = None,
    ) -> None:
        if ":" in host:
            self.address_family = socket.AF_INET6
        super().__init__((host, port), BedrockHandler)
        self.ssl_context = ssl_context
        self.verify_sigv4 = verify_sigv4
        self.recorder = RequestRecorder()
        self.counters = FaultCounters()
        self.stats = InvokeStats()
        self.scheme = "https" if ssl_context is not None else "http"
        self.port: int = self.server_address[1]
        url_host = "127.0.0.1" if host in ("", "0.0.0.0") else ("::1" if host == "::" else host)
        self.url = f"{self.scheme}://{'[' + url_host + ']' if ':' in url_host else url_host}:{self.port}"
        self.thread: threading.Thread | None = None
        self._log_lock = threading.Lock()
        self._log_file = open(log_path, "a", encoding="utf-8") if log_path else None

    def log(self, line: str) -> None:
        if self._log_file is not None:
            with self._log_lock:
                self._log_file.write(line + "\n")
                self._log_file.flush()

    def finish_request(self, request: Any, client_address: Any) -> None:
        # The TLS handshake happens here, in the per-connection thread, so a slow client cannot stall accept().
        if self.ssl_context is None:
            super().finish_request(request, client_address)
            return
        try:
            tls = self.ssl_context.wrap_socket(request, server_side=True)
        except (ssl.SSLError, OSError) as exc:
            self.log(f"{client_address[0]} - - TLS handshake failed: {exc}")
            return
        try:
            super().finish_request(tls, client_address)
        finally:
            tls.close()

    def handle_error(self, request: Any, client_address: Any) -> None:
        # Clients hanging up (e.g. a botocore read timeout on test.slow) are expected; keep stderr clean.
        self.log(f"{client_address[0]} - - connection error: {sys.exc_info()[1]!r}")

    def stop(self) -> None:
        """Stop serving, close the socket and the log, and wait for the serving thread."""
        self.shutdown()
        self.server_close()
        if self.thread is not None:
            self.thread.join(5)
        if self._log_file is not None:
            self._log_file.close()
            self._log_file = None


def start_server(
    host: str = "127.0.0.1",
    port: int = 0,
    tls_cert: str | None = None,
    tls_key: str | None = None,
    verify_sigv4: bool = False,
    log_path: str | None = None,
) -> BedrockServer:
    """Start the fake in a daemon thread and return the server (``.url``, ``.port``, ``.stop()``)."""
    context = None
    if tls_cert:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(tls_cert, tls_key)
    server = BedrockServer(host, port, context, verify_sigv4, log_path)
    server.thread = threading.Thread(target=server.serve_forever, name=f"fake-bedrock-{server.port}", daemon=True)
    server.thread.start()
    return server


def make_test_ca(directory: str) -> dict[str, str]:
    """Create a throwaway CA and a server certificate for 127.0.0.1/localhost with the openssl CLI."""
    paths = {
        name: os.path.join(directory, file)
        for name, file in (("ca", "ca.pem"), ("ca_key", "ca.key"), ("cert", "server.pem"), ("key", "server.key"))
    }
    csr = os.path.join(directory, "server.csr")
    extensions = os.path.join(directory, "server.ext")
    with open(extensions, "w", encoding="utf-8") as handle:
        handle.write(
            "subjectAltName=IP:127.0.0.1,DNS:localhost\n"
            "basicConstraints=critical,CA:FALSE\n"
            "keyUsage=critical,digitalSignature,keyEncipherment\n"
            "extendedKeyUsage=serverAuth\n"
            "subjectKeyIdentifier=hash\n"
            "authorityKeyIdentifier=keyid,issuer\n"
        )
    # EC keys are generated instantly, unlike RSA.
    new_key = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-sha256"]
    ca = ["req", "-x509", *new_key, "-keyout", paths["ca_key"], "-out", paths["ca"], "-days", "7"]
    ca += ["-subj", "/CN=amazon.ai fake Bedrock test CA"]
    ca += ["-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign"]
    request = ["req", *new_key, "-keyout", paths["key"], "-out", csr, "-subj", "/CN=localhost"]
    sign = ["x509", "-req", "-in", csr, "-CA", paths["ca"], "-CAkey", paths["ca_key"], "-out", paths["cert"]]
    sign += ["-set_serial", str(int.from_bytes(os.urandom(8), "big")), "-days", "7", "-sha256", "-extfile", extensions]
    for arguments in (ca, request, sign):
        subprocess.run(["openssl", *arguments], check=True, capture_output=True)
    return {"ca": paths["ca"], "cert": paths["cert"], "key": paths["key"]}


def _write_port_file(path: str, port: int) -> None:
    # Write then rename so a poller never reads a half-written file.
    handle, temp = tempfile.mkstemp(dir=os.path.dirname(os.path.abspath(path)), prefix=".port-")
    with os.fdopen(handle, "w", encoding="ascii") as stream:
        stream.write(f"{port}\n")
    os.replace(temp, path)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Deterministic fake of the Amazon Bedrock Runtime InvokeModel API.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--port-file", help="write the port here once listening")
    parser.add_argument("--tls-cert", help="PEM server certificate; enables HTTPS")
    parser.add_argument("--tls-key", help="PEM private key of --tls-cert")
    parser.add_argument("--verify-sigv4", action="store_true", help="refuse requests not signed with TEST_CREDENTIALS")
    parser.add_argument("--log", help="append an access log to this file")
    args = parser.parse_args(argv)
    if bool(args.tls_cert) != bool(args.tls_key):
        parser.error("--tls-cert and --tls-key go together")

    stop = threading.Event()
    # Handle signals from the start so an early SIGTERM still exits cleanly.
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *args: stop.set())
    server = start_server(args.host, args.port, args.tls_cert, args.tls_key, args.verify_sigv4, args.log)
    try:
        if args.port_file:
            _write_port_file(args.port_file, server.port)
        sys.stdout.write(f"listening on {server.url}\n")
        sys.stdout.flush()
        # Wake up now and then: a signal only runs its handler once the main thread gets control.
        while not stop.wait(0.5):
            pass
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
