# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Tests of the fake Bedrock Runtime endpoint, driven through a real boto3 ``bedrock-runtime`` client."""

from __future__ import annotations

import base64
import concurrent.futures
import functools
import hashlib
import http.client
import json
import os
import signal
import socket
import ssl
import struct
import subprocess
import sys
import time
import types
import uuid
import zlib
from typing import Any
from typing import Iterator

import boto3
import botocore.exceptions
import botocore.retries.standard
import botocore.retryhandler
import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials

from . import bedrock_endpoint as be

SCRIPT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "bedrock_endpoint.py")
TEST_KEY = "AKIDAMAZONAITEST"
TOKEN_KEY = "AKIDAMAZONAITOKEN"
# "max_attempts" counts retries after the first call, so only total_max_attempts=1 means "exactly one request".
NO_RETRIES = {"total_max_attempts": 1, "mode": "standard"}
CLAUDE = "anthropic.claude-3-haiku-20240307-v1:0"
CLAUDE_BODY = {
    "anthropic_version": "bedrock-2023-05-31",
    "max_tokens": 100,
    "messages": [{"role": "user", "content": "What is Ansible?"}],
}


@pytest.fixture(autouse=True)
def isolated_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    # Keep the developer's AWS config and proxies out of the way: traffic must go straight to 127.0.0.1.
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")
    monkeypatch.setenv("AWS_CONFIG_FILE", os.devnull)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", os.devnull)
    for name in (
        "AWS_RETRY_MODE",
        "AWS_MAX_ATTEMPTS",
        "AWS_PROFILE",
        "AWS_ENDPOINT_URL",
        "AWS_ENDPOINT_URL_BEDROCK_RUNTIME",
    ):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(scope="module")
def server() -> Iterator[be.BedrockServer]:
    srv = be.start_server()
    yield srv
    srv.stop()


@pytest.fixture(scope="module")
def signed_server() -> Iterator[be.BedrockServer]:
    srv = be.start_server(verify_sigv4=True)
    yield srv
    srv.stop()


def make_client(
    url: str,
    key: str = "dummy",
    secret: str = "dummy",
    token: str | None = None,
    verify: Any = None,
) -> Any:
    config = Config(retries=NO_RETRIES, connect_timeout=5, read_timeout=30)
    return shared_session().client(
        "bedrock-runtime",
        endpoint_url=url,
        config=config,
        verify=verify,
        aws_access_key_id=key,
        aws_secret_access_key=secret,
        aws_session_token=token,
    )


@functools.lru_cache(maxsize=None)
def shared_session() -> boto3.session.Session:
    # One session for all clients: its loader caches the service model, which makes new clients cheap.
    return boto3.session.Session(region_name="us-east-1")


def raw_request(
    srv: be.BedrockServer, method: str, path: str, body: bytes = b"", headers: dict[str, str] | None = None
) -> tuple[int, dict[str, str], bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=10)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        connection.close()


def recorded(srv: be.BedrockServer) -> list[dict[str, Any]]:
    status, dummy, body = raw_request(srv, "GET", "/_test/requests")
    assert status == 200
    return json.loads(body)


def reset(srv: be.BedrockServer) -> None:
    assert raw_request(srv, "DELETE", "/_test/requests")[0] == 200


def invoke(client: Any, model_id: str, body: Any, **kwargs: Any) -> tuple[dict[str, Any], bytes]:
    response = client.invoke_model(
        modelId=model_id, body=body if isinstance(body, (bytes, str)) else json.dumps(body), **kwargs
    )
    return response, response["body"].read()


def client_error(client: Any, model_id: str, body: Any = b"{}") -> dict[str, Any]:
    with pytest.raises(botocore.exceptions.ClientError) as info:
        invoke(client, model_id, body)
    return info.value.response


def unique(prefix: str) -> str:
    # A letter first, so that "test.slow-1" plus the suffix cannot read as a decimal like 1.6.
    return f"{prefix}.run{uuid.uuid4().hex[:8]}"


# ---------------------------------------------------------------- control routes and routing


def test_health_and_unknown_routes(server: be.BedrockServer) -> None:
    status, headers, body = raw_request(server, "GET", "/_test/health")
    assert (status, json.loads(body)) == (200, {"ok": True})
    status, headers, body = raw_request(server, "GET", "/nowhere")
    assert status == 404
    assert headers["x-amzn-ErrorType"] == "UnknownOperationException"
    assert headers["Content-Type"] == "application/json"
    assert "x-amzn-RequestId" in headers
    assert "message" in json.loads(body)


def test_other_model_operations_are_recorded_then_refused(server: be.BedrockServer) -> None:
    reset(server)
    status, headers, dummy = raw_request(server, "POST", "/model/test.echo/converse", b"{}")
    assert (status, headers["x-amzn-ErrorType"]) == (404, "UnknownOperationException")
    assert raw_request(server, "GET", "/model/test.echo/invoke")[0] == 404
    assert [(r["method"], r["model_id"]) for r in recorded(server)] == [("POST", "test.echo"), ("GET", "test.echo")]


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


@pytest.fixture
def no_backoff(monkeypatch: pytest.MonkeyPatch) -> None:
    # Keep botocore's retry logic but skip its sleeps (legacy: random base; standard: ExponentialBackoff).
    monkeypatch.setattr(botocore.retryhandler, "random", types.SimpleNamespace(random=lambda: 0.0001))
    monkeypatch.setattr(botocore.retries.standard.ExponentialBackoff, "delay_amount", lambda self, context: 0)


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


# ---------------------------------------------------------------- SigV4


def test_sigv4_accepts_known_key(signed_server: be.BedrockServer) -> None:
    client = make_client(signed_server.url, key=TEST_KEY, secret=be.TEST_CREDENTIALS[TEST_KEY])
    # The ARN exercises botocore's double escaping of the already percent-encoded path.
    model_id = f"arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.{CLAUDE}"
    reply = json.loads(invoke(client, model_id, CLAUDE_BODY, trace="ENABLED", contentType="application/json")[1])
    assert reply["content"][0]["text"] == "You asked: What is Ansible?"
    assert invoke(client, "test.echo", "ünïcode body".encode("utf-8"))[1] == "ünïcode body".encode("utf-8")


def test_sigv4_session_token(signed_server: be.BedrockServer) -> None:
    secret, token = be.TEST_CREDENTIALS[TOKEN_KEY], be.TEST_SESSION_TOKENS[TOKEN_KEY]
    assert (
        json.loads(
            invoke(make_client(signed_server.url, key=TOKEN_KEY, secret=secret, token=token), "test.throttle-0", b"{}")[
                1
            ]
        )["ok"]
        is True
    )


@pytest.mark.parametrize(
    "key, secret, token, code",
    [
        (TEST_KEY, "wrong-secret", None, "InvalidSignatureException"),
        ("AKIDUNKNOWN", "whatever", None, "UnrecognizedClientException"),
        (TOKEN_KEY, be.TEST_CREDENTIALS[TOKEN_KEY], None, "UnrecognizedClientException"),
        (TOKEN_KEY, be.TEST_CREDENTIALS[TOKEN_KEY], "wrong-token", "UnrecognizedClientException"),
        (TEST_KEY, be.TEST_CREDENTIALS[TEST_KEY], "unexpected-token", "UnrecognizedClientException"),
    ],
    ids=["wrong-secret", "unknown-key", "missing-token", "wrong-token", "unexpected-token"],
)
def test_sigv4_refusals(signed_server: be.BedrockServer, key: str, secret: str, token: str | None, code: str) -> None:
    reset(signed_server)
    error = client_error(
        make_client(signed_server.url, key=key, secret=secret, token=token),
        f"arn:aws:bedrock:us-east-1::foundation-model/{CLAUDE}",
        CLAUDE_BODY,
    )
    assert (error["ResponseMetadata"]["HTTPStatusCode"], error["Error"]["Code"]) == (403, code)
    # Refused requests are still recorded (recording happens before authentication).
    assert len(recorded(signed_server)) == 1


def _signed_headers(srv: be.BedrockServer, path: str, body: bytes) -> dict[str, str]:
    request = AWSRequest(method="POST", url=f"{srv.url}{path}", data=body, headers={"Content-Type": "application/json"})
    SigV4Auth(Credentials(TEST_KEY, be.TEST_CREDENTIALS[TEST_KEY]), "bedrock", "us-east-1").add_auth(request)
    return dict(request.headers.items())


def test_sigv4_covers_body_and_needs_authorization(signed_server: be.BedrockServer) -> None:
    path = "/model/test.echo/invoke"
    headers = _signed_headers(signed_server, path, b'{"a": 1}')
    assert raw_request(signed_server, "POST", path, b'{"a": 1}', headers)[0] == 200
    status, response_headers, dummy = raw_request(signed_server, "POST", path, b'{"a": 2}', headers)
    assert (status, response_headers["x-amzn-ErrorType"]) == (403, "InvalidSignatureException")
    headers["X-Amz-Content-SHA256"] = hashlib.sha256(b"other").hexdigest()
    status, response_headers, dummy = raw_request(signed_server, "POST", path, b'{"a": 1}', headers)
    assert (status, response_headers["x-amzn-ErrorType"]) == (403, "InvalidSignatureException")
    status, response_headers, dummy = raw_request(signed_server, "POST", path, b"{}")
    assert (status, response_headers["x-amzn-ErrorType"]) == (403, "MissingAuthenticationTokenException")
    # Control routes are never signed.
    assert raw_request(signed_server, "GET", "/_test/health")[0] == 200


# ---------------------------------------------------------------- HTTPS and CLI


def test_https_with_throwaway_ca(tmp_path: Any) -> None:
    files = be.make_test_ca(str(tmp_path))
    srv = be.start_server(tls_cert=files["cert"], tls_key=files["key"], verify_sigv4=True)
    try:
        assert srv.url.startswith("https://127.0.0.1:")
        client = make_client(srv.url, key=TEST_KEY, secret=be.TEST_CREDENTIALS[TEST_KEY], verify=files["ca"])
        assert json.loads(invoke(client, CLAUDE, CLAUDE_BODY)[1])["content"][0]["text"] == "You asked: What is Ansible?"
        localhost = make_client(
            srv.url.replace("127.0.0.1", "localhost"),
            key=TEST_KEY,
            secret=be.TEST_CREDENTIALS[TEST_KEY],
            verify=files["ca"],
        )
        assert invoke(localhost, "test.echo", b"tls")[1] == b"tls"
        with pytest.raises(botocore.exceptions.SSLError):
            invoke(
                make_client(srv.url, key=TEST_KEY, secret=be.TEST_CREDENTIALS[TEST_KEY], verify=True), "test.echo", b"x"
            )
        # A client that fails the handshake must not take the server down.
        context = ssl.create_default_context(cafile=files["ca"])
        with context.wrap_socket(socket.create_connection(("127.0.0.1", srv.port)), server_hostname="localhost") as tls:
            tls.sendall(b"GET /_test/health HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
            assert tls.recv(4096).startswith(b"HTTP/1.1 200")
    finally:
        srv.stop()


def _start_cli(tmp_path: Any, *extra: str) -> tuple[subprocess.Popen[str], str, int]:
    port_file = str(tmp_path / "port")
    process = subprocess.Popen(  # pylint: disable=consider-using-with
        [
            sys.executable,
            SCRIPT,
            "--port",
            "0",
            "--port-file",
            port_file,
            "--log",
            str(tmp_path / "access.log"),
            *extra,
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    line = process.stdout.readline() if process.stdout else ""
    assert line.startswith("listening on "), line + (process.stderr.read() if process.stderr else "")
    url = line.split()[-1]
    with open(port_file, encoding="ascii") as handle:
        port = int(handle.read())
    assert url.endswith(f"://127.0.0.1:{port}")
    return process, url, port


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_cli_lifecycle(tmp_path: Any, signum: int) -> None:
    process, url, port = _start_cli(tmp_path)
    try:
        assert url == f"http://127.0.0.1:{port}"
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        connection.request("GET", "/_test/health")
        assert json.loads(connection.getresponse().read()) == {"ok": True}
        connection.close()
        assert invoke(make_client(url), "test.echo", b"cli")[1] == b"cli"
        process.send_signal(signum)
        stdout, stderr = process.communicate(timeout=10)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == 0
    assert stdout == "" and "Traceback" not in stderr
    assert "POST /model/test.echo/invoke" in (tmp_path / "access.log").read_text(encoding="utf-8")


def test_cli_https_and_sigv4(tmp_path: Any) -> None:
    files = be.make_test_ca(str(tmp_path))
    process, url, dummy = _start_cli(tmp_path, "--tls-cert", files["cert"], "--tls-key", files["key"], "--verify-sigv4")
    try:
        assert url.startswith("https://")
        good = make_client(url, key=TEST_KEY, secret=be.TEST_CREDENTIALS[TEST_KEY], verify=files["ca"])
        assert invoke(good, "test.echo", b"ok")[1] == b"ok"
        bad = make_client(url, key=TEST_KEY, secret="nope", verify=files["ca"])
        assert client_error(bad, "test.echo")["Error"]["Code"] == "InvalidSignatureException"
        process.terminate()
        assert process.wait(timeout=10) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def test_bug_in_the_fake_still_answers(server: be.BedrockServer, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: Any) -> be.Reply:
        raise RuntimeError("boom")

    monkeypatch.setattr(be, "invoke_reply", broken)
    error = client_error(make_client(server.url), "test.echo")
    assert (error["ResponseMetadata"]["HTTPStatusCode"], error["Error"]["Code"]) == (500, "InternalServerException")
