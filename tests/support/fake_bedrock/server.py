# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The HTTP server of the fake: keep-alive HTTP/1.1 (or HTTPS), recording, SigV4, control routes, and routing.

With ``--s3-upstream URL`` (moto's server) it serves S3, STS and IAM on the same address: requests signed for ``s3``,
``sts`` or ``iam`` (or unsigned and for none of its own routes: S3) are streamed there and back (s3_proxy.py), recorded
with the service as their operation (``S3``, ...); and the model invocation logging configuration, forwarded there too (logging_proxy.py).

Every API (one file each: invoke_model.py, ...) lists its operations as ``ROUTES``; API_ROUTES below joins them.
Control routes (never signed, never recorded): ``GET /_test/health``, ``GET /_test/requests``, ``GET /_test/stats``
(InvokeModel requests in flight, their peak, the total and the ``test.crowd`` refusals) and ``DELETE /_test/requests``
(clears the record and resets the fault counters, the stats, and each API's own state); ``/_test/faults`` queues
errors for the next calls of any operation (operation_faults.py).

Two socket settings matter when many requests are in flight (neither changes a single call on a new connection).
Nagle's algorithm is off on every connection: a reply's headers and body are two writes, and with it on the body
would wait for the client's delayed acknowledgement, up to 40 ms on Linux, on every request after the first of a
kept-alive connection. ``--listen-backlog N`` raises the queue of connections not yet accepted from socketserver's 5:
a burst of 16 or 32 new connections overflowed it, and the client's TCP sent the dropped ones again a second later
(the benchmark sets 128).
"""

from __future__ import annotations

import argparse
import base64
import os
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import threading
import uuid
from http.server import BaseHTTPRequestHandler
from http.server import ThreadingHTTPServer
from typing import Any
from typing import Callable
from urllib.parse import unquote
from urllib.parse import urlsplit

from . import batch
from . import converse
from . import foundation_models
from . import guardrail_apply
from . import guardrails
from . import inference_profiles
from . import invoke_model
from . import logging_proxy
from . import operation_faults
from . import tagging
from .control_plane import request_region
from .core import FaultCounters
from .core import InvokeStats
from .core import Reply
from .core import Request
from .core import RequestRecorder
from .core import Route
from .core import error_reply
from .core import json_bytes
from .s3_proxy import S3Upstream
from .s3_proxy import forward
from .s3_proxy import signed_service
from .sigv4 import verify_sigv4

# The services moto's server answers behind this address (with --s3-upstream), told by the signature's scope: S3, and
# what amazon.aws.aws_caller_info asks a playbook's account of (STS's GetCallerIdentity, IAM's ListAccountAliases).
UPSTREAM_SERVICES = ("s3", "sts", "iam")

# Every API the fake serves.
API_ROUTES: list[Route] = [
    *invoke_model.ROUTES,
    *converse.ROUTES,
    *batch.ROUTES,
    *tagging.ROUTES,
    *inference_profiles.ROUTES,
    *foundation_models.ROUTES,
    *guardrails.ROUTES,
    *guardrail_apply.ROUTES,
    *operation_faults.ROUTES,
]


class BedrockHandler(BaseHTTPRequestHandler):
    server: BedrockServer
    # HTTP/1.1 keep-alive like the real endpoint; every reply carries Content-Length.
    protocol_version = "HTTP/1.1"
    server_version = "FakeBedrockRuntime/1.0"
    # Drop idle keep-alive connections so handler threads do not pile up.
    timeout = 120
    # TCP_NODELAY: the body, written after the headers, must not wait for the client's delayed ACK (40 ms a call).
    disable_nagle_algorithm = True

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

    def _record(self, path: str, body: bytes, operation: str | None) -> None:
        model_id = unquote(path.split("/")[2]) if path.startswith("/model/") else None
        headers: dict[str, str] = {}
        for name, value in self.headers.items():
            headers[name] = f"{headers[name]},{value}" if name in headers else value
        self.server.recorder.record(
            {
                "method": self.command,
                "path": self.path,
                "operation": operation,
                "model_id": model_id,
                "headers": headers,
                "body_b64": base64.b64encode(body).decode("ascii"),
            }
        )

    def _route(self, path: str) -> tuple[Route, Any] | tuple[None, None]:
        for route in self.server.routes:
            match = route.pattern.match(path)
            if match is not None and route.method == self.command:
                return route, match
        return None, None

    def _answer(self, route: Route, request: Request) -> Reply:
        try:
            return route.handler(request)
        except Exception as exc:
            # A bug in the fake must still produce an answer, or the client would only see a dropped connection.
            self.server.log(f"{self.address_string()} - - {route.operation or 'control'} failed: {exc!r}")
            return error_reply(500, "InternalServerException", f"The fake Bedrock endpoint failed: {exc!r}")

    def _for_upstream(self, path: str, query: str) -> str | None:
        """The service of a request to forward to moto (UPSTREAM_SERVICES), or None: signed for one of them, or
        unsigned and for no route of ours (then S3)."""
        if self.server.s3 is None:
            return None
        service = signed_service(self.headers, query)
        if service is None:
            return None if batch.is_bedrock_path(path) else "s3"
        return service if service in UPSTREAM_SERVICES else None

    def _dispatch(self) -> None:
        parts = urlsplit(self.path)
        path = parts.path
        upstream_service = self._for_upstream(path, parts.query)
        if upstream_service is not None:
            # Streamed both ways (never read whole here), and recorded without its body.
            self.server.recorder.record(
                {"method": self.command, "path": self.path, "operation": upstream_service.upper()}
            )
            forward(self, self.server.s3)
            return
        logging_operation = logging_proxy.operation(self.command, path)
        if logging_operation is not None:
            self._forward_logging(path, logging_operation)
            return
        body = self._read_body()
        route, match = self._route(path)
        if path.startswith("/_test/"):
            reply = self._control(path)
            if reply is None and route is not None:
                reply = self._answer(
                    route, Request(self.command, path, parts.query, self.headers, body, match, self.server)
                )
            self._send(
                reply or error_reply(404, "UnknownOperationException", f"No control route {self.command} {path}")
            )
            return
        # Recorded before authentication, so that refused requests are seen too.
        self._record(path, body, route.operation if route is not None else None)
        if route is None:
            self._send(error_reply(404, "UnknownOperationException", f"No operation matches {self.command} {path}"))
            return
        refusal = self._refusal(body, route.operation)
        if refusal is not None and refusal is not operation_faults.DROPPED:
            self._send(refusal)
            return
        reply = self._answer(route, Request(self.command, path, parts.query, self.headers, body, match, self.server))
        # A dropped call has done its work; its client sees the connection close instead of the answer.
        self._send(refusal or reply)

    def _refusal(self, body: bytes, operation: str) -> Reply | None:
        """The answer to a request refused before its operation runs: a bad signature, or a fault a test queued."""
        if self.server.verify_sigv4:
            failure = verify_sigv4(self.command, self.path, list(self.headers.items()), body, self.server.scheme)
            if failure is not None:
                return failure
        return operation_faults.operation_faults(self.server).take(operation) if operation else None

    def _forward_logging(self, path: str, operation: str) -> None:
        """Model invocation logging: moto's server answers it, through this address (logging_proxy.py)."""
        body = self._read_body()
        self._record(path, body, operation)
        reply = self._refusal(body, operation)
        if reply is None and self.server.s3 is None:
            message = f"{operation} is answered by moto's server: start the fake with --s3-upstream."
            reply = error_reply(404, "UnknownOperationException", message)
        if reply is not None:
            self._send(reply)
            return
        if self.command == "PUT":
            regions = self.server.state("logging_regions", lambda: logging_proxy.LoggingRegions(self.server.s3))
            regions.saw_put(request_region(self.headers))
        forward(self, self.server.s3, body)

    def _control(self, path: str) -> Reply | None:
        if path == "/_test/health" and self.command == "GET":
            return Reply(200, b'{"ok": true}')
        if path == "/_test/requests" and self.command == "GET":
            return Reply(200, json_bytes(self.server.recorder.snapshot()))
        if path == "/_test/stats" and self.command == "GET":
            return Reply(200, json_bytes(self.server.stats.snapshot()))
        if path == "/_test/requests" and self.command == "DELETE":
            self.server.reset()
            return Reply(200, b'{"ok": true}')
        return None


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
        s3_upstream: str | None = None,
        batch_defaults: dict[str, Any] | None = None,
        guardrail_defaults: dict[str, Any] | None = None,
        listen_backlog: int | None = None,
    ) -> None:
        if ":" in host:
            self.address_family = socket.AF_INET6
        if listen_backlog is not None:
            # Read by server_activate(), which the constructor calls: listen(request_queue_size).
            self.request_queue_size = listen_backlog
        super().__init__((host, port), BedrockHandler)
        self.ssl_context = ssl_context
        self.verify_sigv4 = verify_sigv4
        self.recorder = RequestRecorder()
        self.counters = FaultCounters()
        self.stats = InvokeStats()
        self.routes = list(API_ROUTES)
        # moto's S3 server, behind this address too, as one endpoint_url serves all of a task's clients.
        self.s3 = S3Upstream(s3_upstream) if s3_upstream else None
        # The batch service's settings at start and after each reset (batch_jobs.BatchConfig's fields).
        self.batch_defaults = dict(batch_defaults or {})
        # The guardrail service's settings at start and after each reset (guardrail_store.GuardrailConfig's fields).
        self.guardrail_defaults = dict(guardrail_defaults or {})
        # Each API's own state (jobs, conversations, ...), made on first use; reset() clears what has a reset().
        self.api_state: dict[str, Any] = {}
        self._state_lock = threading.Lock()
        self.scheme = "https" if ssl_context is not None else "http"
        self.port: int = self.server_address[1]
        url_host = "127.0.0.1" if host in ("", "0.0.0.0") else ("::1" if host == "::" else host)
        self.url = f"{self.scheme}://{'[' + url_host + ']' if ':' in url_host else url_host}:{self.port}"
        self.thread: threading.Thread | None = None
        self._log_lock = threading.Lock()
        self._log_file = open(log_path, "a", encoding="utf-8") if log_path else None

    def operation_names(self) -> set[str]:
        """The name of every operation this server answers (as its request record shows them)."""
        return {route.operation for route in self.routes if route.operation} | set(logging_proxy.OPERATIONS.values())

    def state(self, name: str, factory: Callable[[], Any]) -> Any:
        """The state an API keeps under ``name`` on this server, made by ``factory`` on first use."""
        with self._state_lock:
            if name not in self.api_state:
                self.api_state[name] = factory()
            return self.api_state[name]

    def reset(self) -> None:
        """Forget every request recorded, every fault counted, and each API's state."""
        self.recorder.clear()
        self.counters.reset()
        self.stats.reset()
        for state in list(self.api_state.values()):
            if hasattr(state, "reset"):
                state.reset()

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
    s3_upstream: str | None = None,
    batch_defaults: dict[str, Any] | None = None,
    guardrail_defaults: dict[str, Any] | None = None,
    listen_backlog: int | None = None,
) -> BedrockServer:
    """Start the fake in a daemon thread and return the server (``.url``, ``.port``, ``.stop()``)."""
    context = None
    if tls_cert:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(tls_cert, tls_key)
    server = BedrockServer(
        host, port, context, verify_sigv4, log_path, s3_upstream, batch_defaults, guardrail_defaults, listen_backlog
    )
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


def write_port_file(path: str, port: int) -> None:
    # Write then rename so a poller never reads a half-written file.
    handle, temp = tempfile.mkstemp(dir=os.path.dirname(os.path.abspath(path)), prefix=".port-")
    with os.fdopen(handle, "w", encoding="ascii") as stream:
        stream.write(f"{port}\n")
    os.replace(temp, path)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Deterministic fake of Amazon Bedrock's APIs, on one address.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--port-file", help="write the port here once listening")
    parser.add_argument("--tls-cert", help="PEM server certificate; enables HTTPS")
    parser.add_argument("--tls-key", help="PEM private key of --tls-cert")
    parser.add_argument("--verify-sigv4", action="store_true", help="refuse requests not signed with TEST_CREDENTIALS")
    parser.add_argument("--log", help="append an access log to this file")
    parser.add_argument("--s3-upstream", help="moto's server (http://127.0.0.1:PORT): S3 requests go there")
    parser.add_argument("--batch-step-seconds", type=float, help="how long each batch job status lasts (0.5)")
    parser.add_argument("--batch-min-records", type=int, help="fewest records a batch job takes (100)")
    parser.add_argument(
        "--guardrail-ready-after-reads", type=int, help="GetGuardrail reads a guardrail status in transition lasts (1)"
    )
    parser.add_argument(
        "--guardrail-ready-after-seconds", type=float, help="seconds a guardrail status in transition lasts (none)"
    )
    parser.add_argument("--guardrail-apply-latency", type=float, help="seconds each ApplyGuardrail call takes (0)")
    parser.add_argument("--listen-backlog", type=int, help="connections waiting to be accepted (socketserver: 5)")
    args = parser.parse_args(argv)
    if bool(args.tls_cert) != bool(args.tls_key):
        parser.error("--tls-cert and --tls-key go together")

    stop = threading.Event()
    # Handle signals from the start so an early SIGTERM still exits cleanly.
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *args: stop.set())
    batch_defaults = {
        name: value
        for name, value in (("step_seconds", args.batch_step_seconds), ("min_records", args.batch_min_records))
        if value is not None
    }
    guardrail_defaults = {
        name: value
        for name, value in (
            ("ready_after_reads", args.guardrail_ready_after_reads),
            ("ready_after_seconds", args.guardrail_ready_after_seconds),
            ("apply_latency", args.guardrail_apply_latency),
        )
        if value is not None
    }
    server = start_server(
        args.host,
        args.port,
        args.tls_cert,
        args.tls_key,
        args.verify_sigv4,
        args.log,
        args.s3_upstream,
        batch_defaults,
        guardrail_defaults,
        args.listen_backlog,
    )
    try:
        if args.port_file:
            write_port_file(args.port_file, server.port)
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
