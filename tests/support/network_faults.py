# -*- coding: utf-8 -*-

# Copyright: Contributors to the amazon.ai collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Loopback endpoints that fail at the network level, for the playbook tests of retries.

    python network_faults.py late --delay 4 --target http://127.0.0.1:PORT --port-file F [--listening-file G]
        refuses connections for `delay` seconds, then relays every connection to `target` (the project's
        Bedrock endpoint), so a request that gets through is answered and recorded there;
    python network_faults.py refuse --port-file F
        refuses every connection, for as long as it runs;
    python network_faults.py hang --port-file F --log L
        accepts connections and reads each request whole, writes a line to L for it, and never answers.

Each holds its port from the start (bound but not listening refuses connections, so no other process can take it)
and writes the port number to the port file (and its process id to --pid-file); hang listens before it writes it.
Each stops after --lifetime seconds.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import threading
import time
from typing import List
from typing import Optional
from urllib.parse import urlsplit

BUFFER = 65536


def write_atomically(path: str, text: str) -> None:
    """Write text to path so that a reader never sees it half-written."""
    partial = f"{path}.partial"
    with open(partial, "w", encoding="utf-8") as handle:
        handle.write(text)
    os.replace(partial, path)


def bound_socket() -> socket.socket:
    """A socket bound to a free loopback port and not yet listening: connections to it are refused."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    return sock


def _pump(source: socket.socket, sink: socket.socket) -> None:
    try:
        while True:
            data = source.recv(BUFFER)
            if not data:
                break
            sink.sendall(data)
    except OSError:
        pass
    finally:
        for sock in (source, sink):
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


def relay(client: socket.socket, target: tuple[str, int]) -> None:
    """Carry bytes both ways between client and a new connection to target, until either side closes."""
    try:
        upstream = socket.create_connection(target, timeout=10)
    except OSError:
        client.close()
        return
    upstream.settimeout(None)
    threading.Thread(target=_pump, args=(upstream, client), daemon=True).start()
    _pump(client, upstream)


def read_request(conn: socket.socket) -> Optional[bytes]:
    """One whole HTTP request (head and Content-Length body) from conn, or None when it closed first."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(BUFFER)
        if not chunk:
            return None
        data += chunk
    head, _separator, body = data.partition(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _colon, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
    while len(body) < length:
        chunk = conn.recv(BUFFER)
        if not chunk:
            return None
        body += chunk
    return head


def hang(conn: socket.socket, log: str, lock: threading.Lock) -> None:
    """Record every request conn sends, and answer none of them."""
    try:
        while True:
            head = read_request(conn)
            if head is None:
                return
            method, path = head.split(b"\r\n", 1)[0].decode("latin-1").split(" ")[:2]
            with lock, open(log, "a", encoding="utf-8") as handle:
                handle.write(json.dumps({"method": method, "path": path, "time": time.time()}) + "\n")
    except OSError:
        return
    finally:
        conn.close()


def serve(
    mode: str,
    sock: socket.socket,
    delay: float,
    target: Optional[str],
    log: Optional[str],
    listening_file: Optional[str],
) -> None:
    if mode == "refuse":
        while True:
            time.sleep(3600)
    if mode == "late":
        time.sleep(delay)
        sock.listen(64)
    if listening_file:
        write_atomically(listening_file, f"{time.time()}\n")
    lock = threading.Lock()
    held: List[socket.socket] = []  # hang keeps every connection open
    while True:
        conn, _address = sock.accept()
        if mode == "late":
            parts = urlsplit(target or "")
            threading.Thread(target=relay, args=(conn, (parts.hostname, parts.port)), daemon=True).start()
        else:
            held.append(conn)
            threading.Thread(target=hang, args=(conn, log, lock), daemon=True).start()


def main(argv: Optional[List[str]] = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("mode", choices=["late", "refuse", "hang"])
    parser.add_argument("--port-file", required=True)
    parser.add_argument("--delay", type=float, default=0.0, help="late: seconds to refuse connections for")
    parser.add_argument("--target", help="late: the URL to relay connections to once listening")
    parser.add_argument("--log", help="hang: the file to write a JSON line to for each request")
    parser.add_argument("--listening-file", help="a file to write the time to once listening")
    parser.add_argument("--pid-file", help="a file to write this process's id to")
    parser.add_argument("--lifetime", type=float, default=300.0, help="seconds to run before exiting")
    args = parser.parse_args(argv)
    if args.mode == "late" and not args.target:
        parser.error("late needs --target")
    if args.mode == "hang" and not args.log:
        parser.error("hang needs --log")
    if args.pid_file:
        write_atomically(args.pid_file, f"{os.getpid()}\n")
    sock = bound_socket()
    if args.mode == "hang":
        # Nothing to refuse first: listening before the port file is written, it never refuses whoever read that file.
        sock.listen(64)
    write_atomically(args.port_file, f"{sock.getsockname()[1]}\n")
    threading.Thread(
        target=serve, args=(args.mode, sock, args.delay, args.target, args.log, args.listening_file), daemon=True
    ).start()
    time.sleep(args.lifetime)


if __name__ == "__main__":
    main()
