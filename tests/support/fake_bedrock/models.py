# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The model families the fake answers for, in each family's own request and reply shape (InvokeModel bodies).

Answers are made up but deterministic: the same request gets the same answer, so tests can compare them.
"""

from __future__ import annotations

import base64
import hashlib
import json
import random
import re
import struct
import uuid
import zlib
from typing import Any

from .core import InputError
from .core import Reply
from .core import error_reply
from .core import ok_reply

# Cross-region inference profile ids are "<geo>.<foundation model id>".
INFERENCE_PROFILE_PREFIXES = ("us-gov.", "us.", "eu.", "apac.", "global.", "jp.", "au.", "ca.")

INVALID_MODEL_MESSAGE = "The provided model identifier is invalid."
MALFORMED_MESSAGE = "Malformed input request, please reformat your input and try again."


def family_model_id(model_id: str) -> str:
    """Reduce an ARN or inference profile id to the foundation model id that selects the reply shape."""
    if model_id.startswith("arn:"):
        model_id = model_id.rsplit("/", 1)[-1]
    for prefix in INFERENCE_PROFILE_PREFIXES:
        if model_id.startswith(prefix):
            return model_id[len(prefix) :]
    return model_id


def words(text: str | bytes) -> int:
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
    input_tokens = words(_content_text(body.get("system"))) + sum(
        words(_content_text(m.get("content"))) for m in messages
    )
    output_tokens = words(answer)
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
    return ok_reply(payload, input_tokens, output_tokens)


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
    input_tokens = words(_content_text(body.get("system"))) + sum(
        words(_content_text(m.get("content"))) for m in messages
    )
    output_tokens = words(answer)
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
    return ok_reply(payload, input_tokens, output_tokens)


def _titan_text(body: dict[str, Any]) -> Reply:
    prompt = _string(body, "inputText")
    config = body.get("textGenerationConfig") if isinstance(body.get("textGenerationConfig"), dict) else {}
    answer, cut = _limit(f"You asked: {prompt}", config.get("maxTokenCount"))
    input_tokens, output_tokens = words(prompt), words(answer)
    payload = {
        "inputTextTokenCount": input_tokens,
        "results": [
            {"tokenCount": output_tokens, "outputText": answer, "completionReason": "LENGTH" if cut else "FINISH"}
        ],
    }
    return ok_reply(payload, input_tokens, output_tokens)


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
        return ok_reply({"embedding": vector, "inputTextTokenCount": words(text)}, words(text), 0)
    text = _string(body, "inputText")
    tokens = words(text)
    if "text-v2" not in family:
        # Titan Embeddings G1 has a fixed size and rejects the v2 options.
        extra = sorted(set(body) - {"inputText"})
        if extra:
            raise InputError(f"extraneous key [{extra[0]}] is not permitted")
        return ok_reply(
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
    return ok_reply({"embedding": vector, "embeddingsByType": by_type, "inputTextTokenCount": tokens}, tokens, 0)


def _dimensions(body: dict[str, Any], key: str, default: int) -> int:
    value = body.get(key, default)
    if value not in (256, 384, 512, 1024):
        raise InputError(f"#/{key}: {value} is not a valid enum value")
    return value


def _titan_image(body: dict[str, Any]) -> Reply:
    """Titan Image Generator: the tiny PNG, base64, as many times as asked (its text only counts as input)."""
    task = _string(body, "taskType")
    if task not in ("TEXT_IMAGE", "INPAINTING", "OUTPAINTING", "IMAGE_VARIATION", "COLOR_GUIDED_GENERATION"):
        raise InputError(f"#/taskType: {task} is not a valid enum value")
    params = body.get("textToImageParams") if isinstance(body.get("textToImageParams"), dict) else {}
    config = body.get("imageGenerationConfig") if isinstance(body.get("imageGenerationConfig"), dict) else {}
    count = config.get("numberOfImages", 1)
    if isinstance(count, bool) or count not in range(1, 6):
        raise InputError(f"#/imageGenerationConfig/numberOfImages: {count} is not between 1 and 5")
    image = base64.b64encode(tiny_png()).decode("ascii")
    text = params.get("text") if isinstance(params.get("text"), str) else ""
    return ok_reply({"images": [image] * count, "error": None}, words(text), 0)


def _llama(body: dict[str, Any]) -> Reply:
    prompt = _string(body, "prompt")
    answer, cut = _limit(f"You asked: {prompt}", body.get("max_gen_len"))
    input_tokens, output_tokens = words(prompt), words(answer)
    payload = {
        "generation": answer,
        "prompt_token_count": input_tokens,
        "generation_token_count": output_tokens,
        "stop_reason": "length" if cut else "stop",
    }
    return ok_reply(payload, input_tokens, output_tokens)


def _mistral(family: str, body: dict[str, Any]) -> Reply:
    if "messages" in body and "prompt" not in body:
        # Mistral Large 2 also takes chat messages and then answers in the chat completion shape.
        messages = _messages(body)
        answer, cut = _limit(f"You asked: {_content_text(messages[-1].get('content'))}", body.get("max_tokens"))
        input_tokens = sum(words(_content_text(m.get("content"))) for m in messages)
        output_tokens = words(answer)
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
        return ok_reply(payload, input_tokens, output_tokens)
    prompt = _string(body, "prompt")
    answer, cut = _limit(f"You asked: {prompt}", body.get("max_tokens"))
    payload = {"outputs": [{"text": answer, "stop_reason": "length" if cut else "stop"}]}
    return ok_reply(payload, words(prompt), words(answer))


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
        return ok_reply(payload, words(prompt), words(answer))
    prompt = _string(body, "message")
    answer, cut = _limit(f"You asked: {prompt}", body.get("max_tokens"))
    history = body.get("chat_history") if isinstance(body.get("chat_history"), list) else []
    input_tokens = words(prompt) + sum(words(turn.get("message", "")) for turn in history if isinstance(turn, dict))
    output_tokens = words(answer)
    payload = {
        "response_id": _stable_uuid(family, json.dumps(body, sort_keys=True), "response"),
        "text": answer,
        "generation_id": _stable_uuid(family, json.dumps(body, sort_keys=True), "generation"),
        "chat_history": history + [{"role": "USER", "message": prompt}, {"role": "CHATBOT", "message": answer}],
        "finish_reason": "MAX_TOKENS" if cut else "COMPLETE",
    }
    return ok_reply(payload, input_tokens, output_tokens)


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
    return ok_reply(payload, sum(words(t) for t in texts), 0)


def family_reply(family: str, body: bytes) -> Reply | None:
    """Reply of a real model family, or None when the model id belongs to no known family."""
    handlers = (
        ("anthropic.", lambda parsed: _anthropic(family, parsed)),
        ("amazon.nova", _nova),
        ("amazon.titan-text", _titan_text),
        ("amazon.titan-embed", lambda parsed: _titan_embed(family, parsed)),
        ("amazon.titan-image", _titan_image),
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
