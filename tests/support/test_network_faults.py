# -*- coding: utf-8 -*-

# Copyright: Contributors to the amazon.ai collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The network fault endpoints, run as the playbooks run them: a process each, on loopback."""

from __future__ import annotations

import http.server
import json
import os
import socket
import subprocess
import sys
import threading
import time
from typing import Iterator

import pytest

SCRIPT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "network_faults.py")


def start(tmp_path, *args: str) -> tuple[subprocess.Popen, int]:
    port_file = tmp_path / f"{args[0]}.port"
    process = subprocess.Popen([sys.executable, SCRIPT, *args, "--port-file", str(port_file), "--lifetime", "30"])
    for _attempt in range(100):
        if port_file.exists():
            return process, int(port_file.read_text())
        time.sleep(0.05)
    process.kill()
    raise AssertionError("no port file")


def connects(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=2).close()
        return True
    except ConnectionRefusedError:
        return False


@pytest.fixture(name="echo_url")
def fixture_echo_url() -> Iterator[str]:
    class Echo(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # pylint: disable=invalid-name
            body = self.rfile.read(int(self.headers["content-length"]))
            self.send_response(200)
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format, *args):  # pylint: disable=redefined-builtin
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Echo)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


def post(port: int, body: bytes, timeout: float) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as conn:
        conn.sendall(b"POST /model/m/invoke HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n\r\n%s" % (len(body), body))
        reply = b""
        while True:  # the echo server answers as HTTP/1.0: the reply ends when it closes the connection
            chunk = conn.recv(65536)
            if not chunk:
                return reply
            reply += chunk


def test_late_refuses_then_relays(tmp_path, echo_url):
    listening = tmp_path / "listening"
    process, port = start(tmp_path, "late", "--delay", "1.5", "--target", echo_url, "--listening-file", str(listening))
    try:
        assert not connects(port) and not listening.exists()
        time.sleep(2.5)
        assert float(listening.read_text()) <= time.time()
        assert post(port, b"hello", 5).endswith(b"\r\n\r\nhello")
    finally:
        process.kill()
        process.wait()


def test_refuse_never_listens(tmp_path):
    process, port = start(tmp_path, "refuse")
    try:
        time.sleep(0.5)
        assert not connects(port)
    finally:
        process.kill()
        process.wait()


def logged(log, count: int, timeout: float = 20.0) -> list[dict]:
    """The log's JSON lines once it has count of them (its writer is another process: it may not have run yet)."""
    deadline = time.monotonic() + timeout
    while True:
        lines = log.read_text().splitlines() if log.exists() else []
        if len(lines) >= count or time.monotonic() > deadline:
            return [json.loads(line) for line in lines]
        time.sleep(0.05)


def test_hang_records_each_request_and_never_answers(tmp_path):
    log = tmp_path / "hang.log"
    process, port = start(tmp_path, "hang", "--log", str(log))
    try:
        # Listening once its port is known: the connection is taken at once, and the request never answered.
        with pytest.raises(socket.timeout):
            post(port, b"{}", 1)
        with pytest.raises(socket.timeout):
            post(port, b'{"again": true}', 1)
        lines = logged(log, 2)
        assert [(line["method"], line["path"]) for line in lines] == [("POST", "/model/m/invoke")] * 2
    finally:
        process.kill()
        process.wait()
