# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Tests of the fake endpoint's server: routing, control routes, SigV4, HTTPS and the command line."""

from __future__ import annotations

import contextlib
import hashlib
import http.client
import json
import re
import signal
import socket
import ssl
import subprocess
import sys
from typing import Any
from typing import Iterator

import botocore.exceptions
import botocore.retries.standard
import botocore.retryhandler
import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from . import bedrock_endpoint as be
from .fake_bedrock import invoke_model
from .fake_bedrock.core import Request
from .fake_bedrock.core import Route
from .helpers import CLAUDE
from .helpers import CLAUDE_BODY
from .helpers import SCRIPT
from .helpers import TEST_KEY
from .helpers import TOKEN_KEY
from .helpers import client_error
from .helpers import invoke
from .helpers import make_client
from .helpers import raw_request
from .helpers import recorded
from .helpers import reset

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
    status, headers, dummy = raw_request(server, "POST", "/model/test.echo/count-tokens", b"{}")
    assert (status, headers["x-amzn-ErrorType"]) == (404, "UnknownOperationException")
    assert raw_request(server, "GET", "/model/test.echo/invoke")[0] == 404
    assert [(r["method"], r["model_id"]) for r in recorded(server)] == [("POST", "test.echo"), ("GET", "test.echo")]


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


@contextlib.contextmanager
def _cli(tmp_path: Any, *extra: str) -> Iterator[tuple[subprocess.Popen[str], str, int]]:
    """The fake run from its command line with extra arguments, killed at the end unless the test stopped it."""
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
    try:
        line = process.stdout.readline() if process.stdout else ""
        assert line.startswith("listening on "), line + (process.stderr.read() if process.stderr else "")
        url = line.split()[-1]
        with open(port_file, encoding="ascii") as handle:
            port = int(handle.read())
        assert url.endswith(f"://127.0.0.1:{port}")
        yield process, url, port
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_cli_lifecycle(tmp_path: Any, signum: int) -> None:
    with _cli(tmp_path) as (process, url, port):
        assert url == f"http://127.0.0.1:{port}"
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        connection.request("GET", "/_test/health")
        assert json.loads(connection.getresponse().read()) == {"ok": True}
        connection.close()
        assert invoke(make_client(url), "test.echo", b"cli")[1] == b"cli"
        process.send_signal(signum)
        stdout, stderr = process.communicate(timeout=10)
    assert process.returncode == 0
    assert stdout == "" and "Traceback" not in stderr
    assert "POST /model/test.echo/invoke" in (tmp_path / "access.log").read_text(encoding="utf-8")


def test_cli_https_and_sigv4(tmp_path: Any) -> None:
    files = be.make_test_ca(str(tmp_path))
    tls = ("--tls-cert", files["cert"], "--tls-key", files["key"])
    with _cli(tmp_path, *tls, "--verify-sigv4") as (process, url, dummy):
        assert url.startswith("https://")
        good = make_client(url, key=TEST_KEY, secret=be.TEST_CREDENTIALS[TEST_KEY], verify=files["ca"])
        assert invoke(good, "test.echo", b"ok")[1] == b"ok"
        bad = make_client(url, key=TEST_KEY, secret="nope", verify=files["ca"])
        assert client_error(bad, "test.echo")["Error"]["Code"] == "InvalidSignatureException"
        process.terminate()
        assert process.wait(timeout=10) == 0


def test_bug_in_the_fake_still_answers(server: be.BedrockServer, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: Any) -> be.Reply:
        raise RuntimeError("boom")

    monkeypatch.setattr(invoke_model, "invoke_reply", broken)
    error = client_error(make_client(server.url), "test.echo")
    assert (error["ResponseMetadata"]["HTTPStatusCode"], error["Error"]["Code"]) == (500, "InternalServerException")


def test_api_routes_share_the_recorder_and_reset_their_state(fresh_server: be.BedrockServer) -> None:
    resets = []

    class State:
        def reset(self) -> None:
            resets.append(True)

    def handler(request: Request) -> be.Reply:
        fresh_server.state("example", State)
        return be.Reply(200, json.dumps({"job": request.match.group("job"), "query": request.query}).encode())

    fresh_server.routes.append(Route("GET", re.compile(r"^/example-job/(?P<job>[^/]+)$"), handler, "GetExampleJob"))
    status, dummy, body = raw_request(fresh_server, "GET", "/example-job/a%2Fb?x=1")
    assert (status, json.loads(body)) == (200, {"job": "a%2Fb", "query": "x=1"})
    (request,) = recorded(fresh_server)
    assert (request["operation"], request["model_id"], request["path"]) == (
        "GetExampleJob",
        None,
        "/example-job/a%2Fb?x=1",
    )
    reset(fresh_server)
    assert resets == [True] and recorded(fresh_server) == []


# ---------------------------------------------------------------- socket settings


def test_every_connection_has_tcp_nodelay() -> None:
    srv = be.start_server()
    seen: list[int] = []

    class Observed(be.BedrockHandler):
        def setup(self) -> None:
            super().setup()
            seen.append(self.connection.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))

    srv.RequestHandlerClass = Observed
    try:
        for dummy in range(2):
            assert raw_request(srv, "GET", "/_test/health")[0] == 200
    finally:
        srv.stop()
    assert [bool(value) for value in seen] == [True, True]


@pytest.mark.parametrize("backlog, queue", [(None, 5), (128, 128)])
def test_listen_backlog_is_what_the_socket_listens_with(
    monkeypatch: pytest.MonkeyPatch, backlog: Any, queue: int
) -> None:
    listened: list[int] = []
    listen = socket.socket.listen
    monkeypatch.setattr(socket.socket, "listen", lambda self, size: listened.append(size) or listen(self, size))
    srv = be.start_server(listen_backlog=backlog)
    try:
        assert raw_request(srv, "GET", "/_test/health")[0] == 200
    finally:
        srv.stop()
    assert (srv.request_queue_size, listened) == (queue, [queue])


def test_cli_takes_the_socket_settings(tmp_path: Any) -> None:
    with _cli(tmp_path, "--listen-backlog", "64") as (process, url, dummy):
        assert invoke(make_client(url), "test.echo", b"many")[1] == b"many"
        process.terminate()
        assert process.wait(timeout=10) == 0
    with pytest.raises(SystemExit):
        be.main(["--listen-backlog", "many"])
