# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the tests of the fake endpoint share: boto3 clients, raw HTTP requests, the record, the stats."""

from __future__ import annotations

import functools
import http.client
import json
import os
import socket
import time
import uuid
from typing import Any

import boto3
import botocore.exceptions
import botocore.retries.standard
import botocore.retryhandler
import pytest
from botocore.config import Config

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


def wire_exchange(srv: be.BedrockServer, model_id: str, body: bytes = b"{}", close: bool = True) -> bytes:
    """Every byte the server writes for one InvokeModel request, read until it hangs up.

    With close=False the request asks to keep the connection open, so the read ends only if the server hangs up by
    itself; otherwise it times out and the test fails.
    """
    head = f"POST /model/{model_id}/invoke HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: {len(body)}\r\n"
    head += "Connection: close\r\n" if close else ""
    with socket.create_connection(("127.0.0.1", srv.port), timeout=5) as sock:
        sock.sendall(head.encode("ascii") + b"\r\n" + body)
        chunks = []
        while True:
            chunk = sock.recv(65536)
            if not chunk:
                return b"".join(chunks)
            chunks.append(chunk)


def invoke_raw(srv: be.BedrockServer, model_id: str, body: Any = b"{}") -> tuple[int, dict[str, str], bytes]:
    data = body if isinstance(body, bytes) else json.dumps(body).encode("utf-8")
    return raw_request(srv, "POST", f"/model/{model_id}/invoke", data, {"Content-Type": "application/json"})


def stats(srv: be.BedrockServer) -> dict[str, int]:
    status, dummy, body = raw_request(srv, "GET", "/_test/stats")
    assert status == 200
    return json.loads(body)


def wait_for_in_flight(srv: be.BedrockServer, count: int) -> None:
    deadline = time.monotonic() + 5
    while stats(srv)["in_flight"] != count:
        assert time.monotonic() < deadline, f"in_flight never became {count}: {stats(srv)}"
        time.sleep(0.02)
