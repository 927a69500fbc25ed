# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Tests of the fake endpoint's InvokeModel API, driven through a real boto3 ``bedrock-runtime`` client."""

from __future__ import annotations

import base64
import concurrent.futures
import http.client
import json
import re
import socket
import struct
import time
import uuid
import zlib
from typing import Any

import botocore.exceptions
import botocore.retries.standard
import botocore.retryhandler
import pytest
from botocore.config import Config

from . import bedrock_endpoint as be
from .fake_bedrock import invoke_model
from .helpers import CLAUDE
from .helpers import CLAUDE_BODY
from .helpers import NO_RETRIES
from .helpers import client_error
from .helpers import invoke
from .helpers import invoke_raw
from .helpers import make_client
from .helpers import raw_request
from .helpers import recorded
from .helpers import reset
from .helpers import shared_session
from .helpers import stats
from .helpers import unique
from .helpers import wait_for_in_flight
from .helpers import wire_exchange

# ---------------------------------------------------------------- model families


def _text_of_anthropic(reply: dict[str, Any]) -> str:
    assert reply["type"] == "message" and reply["role"] == "assistant"
    assert reply["id"].startswith("msg_bdrk_")
    assert reply["stop_reason"] == "end_turn" and reply["stop_sequence"] is None
    assert reply["model"] == "claude-3-haiku-20240307"
    assert set(reply["usage"]) == {"input_tokens", "output_tokens"}
    return reply["content"][0]["text"]


def _text_of_nova(reply: dict[str, Any]) -> str:
    assert reply["stopReason"] == "end_turn"
    usage = reply["usage"]
    assert usage["totalTokens"] == usage["inputTokens"] + usage["outputTokens"]
    assert usage["cacheReadInputTokenCount"] == 0 and usage["cacheWriteInputTokenCount"] == 0
    assert reply["output"]["message"]["role"] == "assistant"
    return reply["output"]["message"]["content"][0]["text"]


def _text_of_titan(reply: dict[str, Any]) -> str:
    assert reply["inputTextTokenCount"] == 3
    result = reply["results"][0]
    assert result["completionReason"] == "FINISH" and result["tokenCount"] == 5
    return result["outputText"]


def _text_of_llama(reply: dict[str, Any]) -> str:
    assert (reply["prompt_token_count"], reply["generation_token_count"], reply["stop_reason"]) == (3, 5, "stop")
    return reply["generation"]


def _text_of_mistral(reply: dict[str, Any]) -> str:
    assert reply["outputs"][0]["stop_reason"] == "stop"
    return reply["outputs"][0]["text"]


def _text_of_cohere(reply: dict[str, Any]) -> str:
    assert reply["finish_reason"] == "COMPLETE"
    uuid.UUID(reply["generation_id"])
    assert reply["chat_history"][-2:] == [
        {"role": "USER", "message": "What is Ansible?"},
        {"role": "CHATBOT", "message": reply["text"]},
    ]
    return reply["text"]


@pytest.mark.parametrize(
    "model_id, body, text_of",
    [
        (CLAUDE, CLAUDE_BODY, _text_of_anthropic),
        (
            CLAUDE,
            {
                **CLAUDE_BODY,
                "messages": [
                    {
                        "role": "user",
                        "content": [{"type": "text", "text": "What is"}, {"type": "text", "text": "Ansible?"}],
                    }
                ],
            },
            lambda reply: _text_of_anthropic(reply).replace("\n", " "),
        ),
        (
            "amazon.nova-lite-v1:0",
            {"messages": [{"role": "user", "content": [{"text": "What is Ansible?"}]}]},
            _text_of_nova,
        ),
        (
            "amazon.titan-text-express-v1",
            {"inputText": "What is Ansible?", "textGenerationConfig": {"maxTokenCount": 50}},
            _text_of_titan,
        ),
        ("meta.llama3-8b-instruct-v1:0", {"prompt": "What is Ansible?", "max_gen_len": 64}, _text_of_llama),
        ("mistral.mistral-7b-instruct-v0:2", {"prompt": "What is Ansible?"}, _text_of_mistral),
        (
            "cohere.command-r-v1:0",
            {"message": "What is Ansible?", "chat_history": [{"role": "USER", "message": "hi"}]},
            _text_of_cohere,
        ),
    ],
    ids=["anthropic", "anthropic-blocks", "nova", "titan-text", "llama", "mistral", "cohere-command"],
)
def test_text_families(server: be.BedrockServer, model_id: str, body: dict[str, Any], text_of: Any) -> None:
    response, raw = invoke(
        make_client(server.url), model_id, body, contentType="application/json", accept="application/json"
    )
    assert text_of(json.loads(raw)) == "You asked: What is Ansible?"
    assert response["contentType"] == "application/json"
    headers = response["ResponseMetadata"]["HTTPHeaders"]
    assert int(headers["x-amzn-bedrock-input-token-count"]) >= 3
    assert headers["x-amzn-bedrock-output-token-count"] == "5"
    assert headers["x-amzn-bedrock-invocation-latency"] == "150"
    uuid.UUID(response["ResponseMetadata"]["RequestId"])
    # Deterministic: the same request gives the same body.
    assert invoke(make_client(server.url), model_id, body)[1] == raw


def test_max_tokens_cuts_the_answer(server: be.BedrockServer) -> None:
    reply = json.loads(invoke(make_client(server.url), CLAUDE, {**CLAUDE_BODY, "max_tokens": 2})[1])
    assert (reply["content"][0]["text"], reply["stop_reason"], reply["usage"]["output_tokens"]) == (
        "You asked:",
        "max_tokens",
        2,
    )
    reply = json.loads(
        invoke(make_client(server.url), "meta.llama3-8b-instruct-v1:0", {"prompt": "a b c", "max_gen_len": 1})[1]
    )
    assert (reply["generation"], reply["stop_reason"]) == ("You", "length")


def test_titan_embeddings(server: be.BedrockServer) -> None:
    client = make_client(server.url)
    v2 = json.loads(invoke(client, "amazon.titan-embed-text-v2:0", {"inputText": "hello world", "dimensions": 256})[1])
    assert len(v2["embedding"]) == 256 and v2["inputTextTokenCount"] == 2
    assert v2["embeddingsByType"] == {"float": v2["embedding"]}
    assert abs(sum(v * v for v in v2["embedding"]) - 1.0) < 1e-4  # normalize defaults to true
    assert (
        len(json.loads(invoke(client, "amazon.titan-embed-text-v2:0", {"inputText": "hello"})[1])["embedding"]) == 1024
    )
    assert (
        json.loads(invoke(client, "amazon.titan-embed-text-v2:0", {"inputText": "hello world", "dimensions": 256})[1])
        == v2
    )
    v1 = json.loads(invoke(client, "amazon.titan-embed-text-v1", {"inputText": "hello"})[1])
    assert set(v1) == {"embedding", "inputTextTokenCount"} and len(v1["embedding"]) == 1536
    error = client_error(client, "amazon.titan-embed-text-v2:0", {"inputText": "x", "dimensions": 7})
    assert error["Error"]["Code"] == "ValidationException"


def test_cohere_embeddings(server: be.BedrockServer) -> None:
    client = make_client(server.url)
    reply = json.loads(
        invoke(client, "cohere.embed-english-v3", {"texts": ["one", "two three"], "input_type": "search_document"})[1]
    )
    assert reply["response_type"] == "embeddings_floats" and reply["texts"] == ["one", "two three"]
    assert [len(vector) for vector in reply["embeddings"]] == [1024, 1024]
    assert reply["embeddings"][0] != reply["embeddings"][1]
    uuid.UUID(reply["id"])
    typed = json.loads(
        invoke(
            client,
            "cohere.embed-english-v3",
            {"texts": ["one"], "input_type": "search_query", "embedding_types": ["float", "int8"]},
        )[1]
    )
    assert typed["response_type"] == "embeddings_by_type" and set(typed["embeddings"]) == {"float", "int8"}


def test_nova_mistral_chat_and_legacy_cohere(server: be.BedrockServer) -> None:
    client = make_client(server.url)
    body = {
        "system": [{"text": "Be brief."}],
        "messages": [{"role": "user", "content": [{"text": "first"}, {"text": "second"}]}],
    }
    reply = json.loads(invoke(client, "us.amazon.nova-pro-v1:0", body)[1])
    assert reply["output"]["message"]["content"][0]["text"] == "You asked: second"
    assert reply["usage"]["inputTokens"] == 4
    chat = json.loads(
        invoke(client, "mistral.mistral-large-2407-v1:0", {"messages": [{"role": "user", "content": "hi"}]})[1]
    )
    assert chat["choices"][0]["message"] == {"role": "assistant", "content": "You asked: hi"}
    legacy = json.loads(invoke(client, "cohere.command-text-v14", {"prompt": "hi"})[1])
    assert legacy["generations"][0]["text"] == "You asked: hi"


@pytest.mark.parametrize(
    "model_id, body, message",
    [
        (CLAUDE, b"this is not json", "Malformed input request"),
        (
            CLAUDE,
            {"messages": [{"role": "user", "content": "hi"}]},
            "Malformed input request: #: required key [anthropic_version]",
        ),
        ("meta.llama3-8b-instruct-v1:0", b"[1, 2]", "Malformed input request"),
        (
            "amazon.titan-text-express-v1",
            {"prompt": "wrong key"},
            "Malformed input request: #: required key [inputText]",
        ),
        ("foo.bar-v1", b"{}", be.INVALID_MODEL_MESSAGE),
        ("test.nosuchthing", b"{}", be.INVALID_MODEL_MESSAGE),
    ],
)
def test_validation_errors(server: be.BedrockServer, model_id: str, body: Any, message: str) -> None:
    error = client_error(make_client(server.url), model_id, body)
    assert error["Error"]["Code"] == "ValidationException"
    assert error["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert error["Error"]["Message"].startswith(message)


# ---------------------------------------------------------------- ARNs, inference profiles, recorder


@pytest.mark.parametrize(
    "model_id",
    [
        f"arn:aws:bedrock:us-east-1::foundation-model/{CLAUDE}",
        f"arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.{CLAUDE}",
        f"eu.{CLAUDE}",
        f"us-gov.{CLAUDE}",
        f"global.{CLAUDE}",
        f"apac.{CLAUDE}",
    ],
)
def test_arn_and_inference_profile_ids(server: be.BedrockServer, model_id: str) -> None:
    reset(server)
    reply = json.loads(invoke(make_client(server.url), model_id, CLAUDE_BODY)[1])
    assert reply["model"] == "claude-3-haiku-20240307"
    (request,) = recorded(server)
    assert request["model_id"] == model_id
    # botocore percent-encodes ':' and '/' in the label; the recorder keeps the raw path.
    assert request["path"] == "/model/" + model_id.replace(":", "%3A").replace("/", "%2F") + "/invoke"


def test_family_model_id() -> None:
    assert (
        be.family_model_id("arn:aws:bedrock:us-east-1:123456789012:inference-profile/apac.amazon.nova-micro-v1:0")
        == "amazon.nova-micro-v1:0"
    )
    assert be.family_model_id("jp.test.echo") == "test.echo"
    assert be.family_model_id("meta.llama3-8b-instruct-v1:0") == "meta.llama3-8b-instruct-v1:0"


def test_recorder_keeps_headers_and_body_bytes(server: be.BedrockServer) -> None:
    reset(server)
    payload = b'{"inputText": "caf\xc3\xa9"}\xff'
    invoke(make_client(server.url), "test.echo", payload, trace="ENABLED", contentType="application/json")
    (request,) = recorded(server)
    assert request["method"] == "POST" and request["model_id"] == "test.echo"
    assert request["headers"]["X-Amzn-Bedrock-Trace"] == "ENABLED"
    assert request["headers"]["Content-Type"] == "application/json"
    assert base64.b64decode(request["body_b64"]) == payload
    reset(server)
    assert recorded(server) == []


def test_echo_and_passthrough_headers(server: be.BedrockServer) -> None:
    response, body = invoke(
        make_client(server.url),
        "test.echo.x",
        b"raw bytes \x00\x01",
        contentType="application/x-custom",
        performanceConfigLatency="optimized",
        serviceTier="flex",
    )
    assert body == b"raw bytes \x00\x01"
    assert response["contentType"] == "application/x-custom"
    assert response["performanceConfigLatency"] == "optimized"
    assert response["serviceTier"] == "flex"


# ---------------------------------------------------------------- faults


@pytest.mark.parametrize(
    "model_id, status, code",
    [
        ("test.validation", 400, "ValidationException"),
        ("test.denied", 403, "AccessDeniedException"),
        ("test.notfound", 404, "ResourceNotFoundException"),
        ("test.timeout", 408, "ModelTimeoutException"),
        ("test.modelerror", 424, "ModelErrorException"),
        ("test.quota", 400, "ServiceQuotaExceededException"),
        ("test.throttle-1", 429, "ThrottlingException"),
        ("test.notready-1", 429, "ModelNotReadyException"),
        ("test.unavailable-1", 503, "ServiceUnavailableException"),
        ("test.internal-1", 500, "InternalServerException"),
    ],
)
def test_fault_error_codes(server: be.BedrockServer, model_id: str, status: int, code: str) -> None:
    client = make_client(server.url)
    error = client_error(client, unique(model_id))
    assert error["Error"]["Code"] == code
    assert error["ResponseMetadata"]["HTTPStatusCode"] == status
    headers = error["ResponseMetadata"]["HTTPHeaders"]
    assert headers["content-type"] == "application/json" and headers["x-amzn-errortype"] == code
    uuid.UUID(error["ResponseMetadata"]["RequestId"])
    # The modeled exception class is raised too, e.g. client.exceptions.ThrottlingException.
    with pytest.raises(getattr(client.exceptions, code)):
        invoke(client, unique(model_id), b"{}")
    if code == "ModelErrorException":
        assert error["originalStatusCode"] == 500 and error["resourceName"].startswith("arn:aws:bedrock:")


@pytest.mark.parametrize(
    "kind, code",
    [
        ("throttle", "ThrottlingException"),
        ("notready", "ModelNotReadyException"),
        ("unavailable", "ServiceUnavailableException"),
        ("internal", "InternalServerException"),
    ],
)
def test_counted_faults_then_success_and_reset(server: be.BedrockServer, kind: str, code: str) -> None:
    client = make_client(server.url)
    model_id = unique(f"test.{kind}-2")
    assert [client_error(client, model_id)["Error"]["Code"] for dummy in range(2)] == [code, code]
    assert json.loads(invoke(client, model_id, b"{}")[1]) == {"ok": True, "attempts": 3}
    assert json.loads(invoke(client, model_id, b"{}")[1]) == {"ok": True, "attempts": 4}
    # Another id has its own counter, and DELETE /_test/requests starts every counter again.
    assert client_error(client, model_id + "b")["Error"]["Code"] == code
    reset(server)
    assert client_error(client, model_id)["Error"]["Code"] == code


def test_counters_work_behind_arns(server: be.BedrockServer) -> None:
    client = make_client(server.url)
    model_id = f"arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.{unique('test.throttle-1')}"
    assert client_error(client, model_id)["Error"]["Code"] == "ThrottlingException"
    assert json.loads(invoke(client, model_id, b"{}")[1]) == {"ok": True, "attempts": 2}


@pytest.mark.parametrize(
    "retries, attempts",
    [
        (None, 3),
        ({"mode": "standard"}, 3),
        ({"mode": "legacy"}, 5),
        ({"mode": "standard", "max_attempts": 1}, 2),
        (NO_RETRIES, 1),
    ],
    ids=["default", "standard", "legacy", "max_attempts-1", "total_max_attempts-1"],
)
@pytest.mark.parametrize("kind", ["throttle", "notready", "unavailable", "internal"])
def test_botocore_retry_counts(
    server: be.BedrockServer, no_backoff: None, retries: dict[str, Any] | None, attempts: int, kind: str
) -> None:
    # Documents how many requests botocore 1.44 sends for each retryable fault; the default mode is now "standard".
    config = Config(retries=retries) if retries else None
    client = shared_session().client(
        "bedrock-runtime",
        endpoint_url=server.url,
        config=config,
        aws_access_key_id="dummy",
        aws_secret_access_key="dummy",
    )
    model_id = unique(f"test.{kind}-9")
    with pytest.raises(botocore.exceptions.ClientError):
        invoke(client, model_id, b"{}")
    assert sum(1 for request in recorded(server) if request["model_id"] == model_id) == attempts


# ---------------------------------------------------------------- special replies


def test_slow_replies_are_served_in_parallel(server: be.BedrockServer) -> None:
    client = make_client(server.url)
    invoke(client, "test.echo", b"warm up the client so only the two slow calls are timed")
    started = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        futures = [pool.submit(invoke, client, unique("test.slow-1"), b"{}") for dummy in range(2)]
        replies = [json.loads(future.result()[1]) for future in futures]
    elapsed = time.monotonic() - started
    assert replies == [{"ok": True, "slept": 1.0}] * 2
    assert 1.0 <= elapsed < 1.8


def test_slow_accepts_decimals_and_suffixes(server: be.BedrockServer) -> None:
    started = time.monotonic()
    assert json.loads(invoke(make_client(server.url), "test.slow-0.3.run7", b"{}")[1]) == {"ok": True, "slept": 0.3}
    assert json.loads(invoke(make_client(server.url), "test.slow-0.1.5x", b"{}")[1]) == {"ok": True, "slept": 0.1}
    assert json.loads(invoke(make_client(server.url), "test.slow-0", b"{}")[1]) == {"ok": True, "slept": 0.0}
    assert time.monotonic() - started >= 0.3


def test_png_reply(server: be.BedrockServer) -> None:
    response, body = invoke(make_client(server.url), "test.png.1", b"{}")
    assert response["contentType"] == "image/png"
    assert body.startswith(b"\x89PNG\r\n\x1a\n") and body.endswith(b"IEND\xaeB`\x82")
    with pytest.raises(UnicodeDecodeError):
        body.decode("utf-8")
    # Walk the chunks: every CRC must be right and the image data must inflate.
    offset, kinds = 8, []
    while offset < len(body):
        (length,) = struct.unpack(">I", body[offset : offset + 4])
        kind, data = body[offset + 4 : offset + 8], body[offset + 8 : offset + 8 + length]
        assert struct.unpack(">I", body[offset + 8 + length : offset + 12 + length])[0] == zlib.crc32(kind + data)
        if kind == b"IDAT":
            assert len(zlib.decompress(data)) == 2 * (1 + 2 * 4)
        kinds.append(kind)
        offset += 12 + length
    assert kinds == [b"IHDR", b"IDAT", b"IEND"]


def test_text_badjson_and_nometrics_replies(server: be.BedrockServer) -> None:
    client = make_client(server.url)
    response, body = invoke(client, "test.text", b"{}")
    assert response["contentType"] == "text/plain; charset=utf-8"
    assert body.decode("utf-8") == be.TEXT_REPLY and not body.isascii()
    response, body = invoke(client, "test.badjson.2", b"{}")
    assert response["contentType"] == "application/json" and body == b'{"not": json'
    with pytest.raises(ValueError):
        json.loads(body)
    response, body = invoke(client, "test.nometrics", b"{}")
    assert json.loads(body) == {"ok": True}
    headers = response["ResponseMetadata"]["HTTPHeaders"]
    assert not [name for name in headers if name.startswith("x-amzn-bedrock-")]
    assert (
        "x-amzn-bedrock-input-token-count" in invoke(client, "test.text", b"{}")[0]["ResponseMetadata"]["HTTPHeaders"]
    )


def test_large_reply(server: be.BedrockServer) -> None:
    started = time.monotonic()
    response, body = invoke(make_client(server.url), "test.large-1000000", b"{}")
    reply = json.loads(body)
    assert time.monotonic() - started < 10
    assert len(reply["embedding"]) == 1000000 and reply["inputTextTokenCount"] == 1
    assert all(-0.5 <= value < 0.5 for value in reply["embedding"][:1000])
    assert response["ResponseMetadata"]["HTTPHeaders"]["x-amzn-bedrock-output-token-count"] == "1000000"
    assert (
        invoke(make_client(server.url), "test.large-3.b", b"{}")[1]
        == invoke(make_client(server.url), "test.large-3.c", b"{}")[1]
    )


# ---------------------------------------------------------------- hostile replies (issue 11)


# Each new id also answers behind an inference profile and with a ".suffix" that makes it unique.
ID_FORMS = [lambda name: name, lambda name: f"{name}.run1", lambda name: f"us.{name}"]
ID_FORM_NAMES = ["bare-id", "suffixed", "profile"]


@pytest.mark.parametrize("form", ID_FORMS, ids=ID_FORM_NAMES)
def test_cut_headers_hang_up_mid_header_line(server: be.BedrockServer, form: Any) -> None:
    data = wire_exchange(server, form("test.cutheaders"), close=False)
    match = re.fullmatch(rb"HTTP/1\.1 200 OK\r\nx-amzn-RequestId: ([0-9a-f-]{36})\r\nContent-Type: applic", data)
    assert match, data
    uuid.UUID(match.group(1).decode("ascii"))


@pytest.mark.parametrize("form", ID_FORMS, ids=ID_FORM_NAMES)
def test_truncated_body_announces_all_sends_half(server: be.BedrockServer, form: Any) -> None:
    head, dummy, body = wire_exchange(server, form("test.truncated"), close=False).partition(b"\r\n\r\n")
    lines = head.decode("ascii").split("\r\n")
    headers = dict(line.split(": ", 1) for line in lines[1:])
    assert lines[0] == "HTTP/1.1 200 OK"
    assert headers["Content-Type"] == "application/json"
    assert headers["Content-Length"] == str(len(be.TRUNCATED_BODY))
    assert body == be.TRUNCATED_BODY[: len(be.TRUNCATED_BODY) // 2] and body
    # The whole body would have been JSON; the part that came is not.
    assert isinstance(json.loads(be.TRUNCATED_BODY), dict)
    with pytest.raises(ValueError):
        json.loads(body)


@pytest.mark.parametrize("form", ID_FORMS, ids=ID_FORM_NAMES)
def test_surrogate_reply_escapes_a_lone_high_surrogate(server: be.BedrockServer, form: Any) -> None:
    status, headers, body = invoke_raw(server, form("test.surrogate"))
    assert (status, headers["Content-Type"]) == (200, "application/json")
    assert body == rb'{"completion": "cut emoji \ud83d", "stop_reason": "max_tokens"}'
    assert headers["Content-Length"] == str(len(body))
    assert {"X-Amzn-Bedrock-Input-Token-Count", "X-Amzn-Bedrock-Output-Token-Count"} <= set(headers)
    reply = json.loads(body)
    assert reply == {"completion": "cut emoji \ud83d", "stop_reason": "max_tokens"}
    with pytest.raises(UnicodeEncodeError):
        reply["completion"].encode("utf-8")


@pytest.mark.parametrize(
    "model_id, depth",
    [
        ("test.deep-0", 0),
        ("test.deep-1", 1),
        ("test.deep-20", 20),
        ("test.deep-900.run1", 900),
        ("eu.test.deep-100000", 100000),
        ("test.deep-250000", be.MAX_DEEP),
    ],
)
def test_deep_reply(server: be.BedrockServer, model_id: str, depth: int) -> None:
    status, headers, body = invoke_raw(server, model_id)
    assert (status, headers["Content-Type"]) == (200, "application/json")
    assert body == b'{"deep": ' + b"[" * depth + b"]" * depth + b', "stop_reason": "end_turn"}'
    assert "X-Amzn-Bedrock-Output-Token-Count" in headers


@pytest.mark.parametrize(
    "kind, status, times",
    [
        ("bare", 429, 2),
        ("bare", 500, 2),
        ("bare", 502, 2),
        ("bare", 503, 2),
        ("bare", 504, 2),
        ("bare", 400, 3),
        ("bare", 599, 1),
        ("proxy", 502, 2),
        ("proxy", 503, 2),
        ("proxy", 404, 3),
        ("proxy", 500, 0),
    ],
)
def test_front_faults_then_success_and_reset(server: be.BedrockServer, kind: str, status: int, times: int) -> None:
    model_id = unique(f"test.{kind}-{status}-{times}")
    page = f"<html><body><h1>{status} {http.client.responses.get(status, 'Error')}</h1></body></html>".encode()
    for dummy in range(times):
        got, headers, body = invoke_raw(server, model_id)
        assert got == status
        # Nothing says Bedrock sent it: no error code, no request id.
        assert not {"x-amzn-ErrorType", "x-amzn-RequestId"} & set(headers)
        if kind == "bare":
            assert (body, headers["Content-Length"]) == (b"", "0") and "Content-Type" not in headers
        else:
            assert (body, headers["Content-Type"]) == (page, "text/html")
    got, dummy, body = invoke_raw(server, model_id)
    assert (got, json.loads(body)) == (200, {"ok": True, "attempts": times + 1})
    reset(server)
    assert invoke_raw(server, model_id)[0] == (status if times else 200)


@pytest.mark.parametrize(
    "model_id, status",
    [
        # Near misses of the new ids are unknown models ...
        ("test.cutheadersx", 400),
        ("test.truncatedx", 400),
        ("test.surrogates", 400),
        ("test.deep-5x", 400),
        ("test.delayed", 400),
        ("test.crowd-x", 400),
        ("test.bare-302-1", 400),
        ("test.proxy-600-1", 400),
        ("test.bare-502", 400),
        # ... and the older ids they resemble still answer as before.
        ("test.denied", 403),
        ("test.timeout", 408),
        ("test.text.1", 200),
        ("test.badjson", 200),
        ("test.throttle-0.b", 200),
    ],
)
def test_new_ids_do_not_capture_others(server: be.BedrockServer, model_id: str, status: int) -> None:
    got, headers, body = invoke_raw(server, model_id)
    assert got == status
    if status == 400:
        assert json.loads(body)["message"] == be.INVALID_MODEL_MESSAGE


@pytest.mark.parametrize(
    "body, least",
    [
        ({"delay": 0.3, "n": 1, "text": "ünï"}, 0.3),
        ({"delay": 0, "nested": {"a": [1, None]}}, 0.0),
        ({"n": 2}, 0.0),
    ],
)
def test_delay_echoes_after_the_delay(server: be.BedrockServer, body: dict[str, Any], least: float) -> None:
    started = time.monotonic()
    status, headers, raw = invoke_raw(server, unique("test.delay"), body)
    elapsed = time.monotonic() - started
    assert (status, json.loads(raw)) == (200, {"echo": body})
    assert least <= elapsed < least + 0.5
    assert "X-Amzn-Bedrock-Invocation-Latency" in headers


def test_delay_is_capped(server: be.BedrockServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(invoke_model, "MAX_SLEEP", 0.1)
    started = time.monotonic()
    assert invoke_raw(server, "test.delay", {"delay": 30})[0] == 200
    assert time.monotonic() - started < 2


@pytest.mark.parametrize(
    "body",
    [
        b"[1]",
        b"not json",
        b'{"delay": -1}',
        b'{"delay": "1"}',
        b'{"delay": true}',
        b'{"delay": NaN}',
        b'{"x": NaN}',
        b"\xff",
    ],
)
def test_delay_refuses_what_it_cannot_wait_for(server: be.BedrockServer, body: bytes) -> None:
    status, headers, raw = invoke_raw(server, "test.delay", body)
    assert (status, headers["x-amzn-ErrorType"]) == (400, "ValidationException")
    assert json.loads(raw)["message"].startswith("Malformed input request")


def test_delays_run_side_by_side_and_answer_each_its_own(fresh_server: be.BedrockServer) -> None:
    started = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        futures = [pool.submit(invoke_raw, fresh_server, "test.delay", {"delay": 0.5, "n": n}) for n in range(4)]
        replies = [json.loads(future.result()[2]) for future in futures]
    assert time.monotonic() - started < 1.5
    assert replies == [{"echo": {"delay": 0.5, "n": n}} for n in range(4)]
    assert stats(fresh_server) == {"in_flight": 0, "max_in_flight": 4, "invocations": 4, "refused": 0}


@pytest.mark.parametrize(
    "limit, held, status",
    [(1, 0, 200), (1, 1, 429), (2, 1, 200), (2, 2, 429), (3, 2, 200)],
)
def test_crowd_refuses_when_the_server_is_busier_than_its_limit(
    fresh_server: be.BedrockServer, limit: int, held: int, status: int
) -> None:
    with concurrent.futures.ThreadPoolExecutor(max(held, 1)) as pool:
        holders = [pool.submit(invoke_raw, fresh_server, "test.delay", {"delay": 1.0}) for dummy in range(held)]
        wait_for_in_flight(fresh_server, held)
        started = time.monotonic()
        got, headers, body = invoke_raw(fresh_server, f"test.crowd-{limit}.run1")
        elapsed = time.monotonic() - started
        assert [holder.result()[0] for holder in holders] == [200] * held
    assert got == status
    if status == 429:
        assert headers["x-amzn-ErrorType"] == "ThrottlingException" and elapsed < 0.5
    else:
        assert json.loads(body) == {"ok": True} and be.CROWD_DELAY <= elapsed < 0.6
    assert stats(fresh_server)["refused"] == (1 if status == 429 else 0)


def test_crowd_takes_the_delay_of_its_body(server: be.BedrockServer) -> None:
    started = time.monotonic()
    assert invoke_raw(server, "test.crowd-1000", {"delay": 0.4})[0] == 200
    assert 0.4 <= time.monotonic() - started < 1.0


def test_stats_count_invocations_only_and_reset(fresh_server: be.BedrockServer) -> None:
    assert stats(fresh_server) == {"in_flight": 0, "max_in_flight": 0, "invocations": 0, "refused": 0}
    for model_id in ("test.echo", "test.validation", "test.bare-500-1", "test.cutheaders"):
        wire_exchange(fresh_server, model_id)
    # Neither other operations nor control routes are InvokeModel requests.
    raw_request(fresh_server, "GET", "/model/test.echo/invoke")
    raw_request(fresh_server, "POST", "/model/test.echo/converse", b"{}")
    assert stats(fresh_server) == {"in_flight": 0, "max_in_flight": 1, "invocations": 4, "refused": 0}
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        holder = pool.submit(invoke_raw, fresh_server, "test.delay", {"delay": 0.5})
        wait_for_in_flight(fresh_server, 1)
        reset(fresh_server)
        # The request being answered is still in flight after the reset, and leaves normally.
        assert stats(fresh_server) == {"in_flight": 1, "max_in_flight": 1, "invocations": 0, "refused": 0}
        assert holder.result()[0] == 200
    assert stats(fresh_server) == {"in_flight": 0, "max_in_flight": 1, "invocations": 0, "refused": 0}


def _hang_up(srv: be.BedrockServer, monkeypatch: pytest.MonkeyPatch) -> None:
    with socket.create_connection(("127.0.0.1", srv.port), timeout=5) as sock:
        body = b'{"delay": 0.3}'
        sock.sendall(b"POST /model/test.delay/invoke HTTP/1.1\r\nHost: x\r\nContent-Length: 14\r\n\r\n" + body)
        wait_for_in_flight(srv, 1)


def _fail_to_answer(srv: be.BedrockServer, monkeypatch: pytest.MonkeyPatch) -> None:
    send = be.BedrockHandler._send

    def failing(handler: be.BedrockHandler, reply: be.Reply) -> None:
        if handler.path.startswith("/model/"):
            raise OSError("the reply could not be written")
        send(handler, reply)

    monkeypatch.setattr(be.BedrockHandler, "_send", failing)
    with pytest.raises((http.client.HTTPException, OSError)):
        invoke_raw(srv, "test.echo")


@pytest.mark.parametrize("failure", [_hang_up, _fail_to_answer], ids=["client-hangs-up", "reply-fails"])
def test_in_flight_drops_when_an_answer_fails(
    fresh_server: be.BedrockServer, monkeypatch: pytest.MonkeyPatch, failure: Any
) -> None:
    failure(fresh_server, monkeypatch)
    wait_for_in_flight(fresh_server, 0)
    assert stats(fresh_server)["invocations"] == 1
