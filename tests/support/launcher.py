# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Start the test endpoints on 127.0.0.1, wait until they answer, and stop them: moto's server and the fake.

The one way the benchmark (scripts/bench.sh), the demo (scripts/demo.sh), the integration targets
(tests/integration/harness.sh), the controller check (tests/integration/runner) and the tests' fixtures
(tests/support/conftest.py) start them. From a shell:

    python tests/support/launcher.py start WORK_DIR [--moto] [--moto-recording FILE] [--fake NAME[=ARGUMENTS]]...
    python tests/support/launcher.py stop WORK_DIR

``start`` starts moto's server (``--moto``) and one fake endpoint (tests/support/bedrock_endpoint.py) per
``--fake``, ARGUMENTS being the fake's own (``--fake "sigv4=--verify-sigv4"``); with moto, every fake serves moto's
S3 behind its own address (``--s3-upstream``). It waits until each answers, then prints ``NAME_url=URL`` and
``NAME_pid=PID`` lines (``moto_url``, ``moto_pid`` for moto) for the shell to eval, and returns: the endpoints run
on, each in a session of its own, logging to WORK_DIR/NAME.log, until ``stop`` ends every endpoint that ``start``
listed in WORK_DIR/launched.json. When one does not answer in time, ``start`` stops them all, prints that one's
log and exits 1.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import shlex
import signal
import socket
import ssl
import subprocess
import sys
import time
import urllib.parse
from dataclasses import dataclass
from typing import Iterable

HERE = os.path.dirname(os.path.abspath(__file__))
FAKE = os.path.join(HERE, "bedrock_endpoint.py")
LAUNCHED = "launched.json"
NAME = re.compile(r"^[a-z][a-z0-9_]*$")
START_TIMEOUT = 60.0  # moto's server takes a few seconds to import on a busy machine
STOP_TIMEOUT = 10.0


class LaunchError(Exception):
    """An endpoint did not start, or did not answer in time."""


@dataclass
class Endpoint:
    name: str
    url: str  # with "{port}" in it until the fake has written its port file
    pid: int
    log: str
    process: subprocess.Popen | None = None  # None where this process did not start it (the CLI's stop)
    probe: str = "/"  # the path asked to see whether it answers
    port_file: str = ""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _spawn(name: str, work: str, argv: list[str], env: dict[str, str] | None = None) -> Endpoint:
    log = os.path.join(work, f"{name}.log")
    with open(log, "ab") as output:
        # A session of its own: a Ctrl-C meant for the caller's foreground job does not reach it; stop() does.
        process = subprocess.Popen(  # pylint: disable=consider-using-with
            argv, stdout=output, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=env, start_new_session=True
        )
    return Endpoint(name, "", process.pid, log, process)


def _answers(url: str) -> bool:
    """Whether a GET of url gets any HTTP answer (straight, never through a proxy; TLS certificates not checked)."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme == "https":
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        connection: http.client.HTTPConnection = http.client.HTTPSConnection(
            parts.hostname, parts.port, timeout=2, context=context
        )
    else:
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=2)
    try:
        connection.request("GET", parts.path or "/")
        connection.getresponse().read()
        return True
    except (OSError, http.client.HTTPException):
        return False
    finally:
        connection.close()


def _up(endpoint: Endpoint) -> bool:
    if "{port}" in endpoint.url:
        port = _read(endpoint.port_file)
        if not port:
            return False
        endpoint.url = endpoint.url.format(port=port)
    return _answers(endpoint.url + endpoint.probe)


def _wait(endpoints: list[Endpoint], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    waiting = list(endpoints)
    while waiting:
        waiting = [endpoint for endpoint in waiting if not _up(endpoint)]
        for endpoint in waiting:
            if endpoint.process is not None and endpoint.process.poll() is not None:
                raise LaunchError(f"{endpoint.name} exited with {endpoint.process.returncode}:\n{_tail(endpoint.log)}")
        if waiting and time.monotonic() > deadline:
            raise LaunchError(f"{waiting[0].name} did not answer within {timeout:.0f} s:\n{_tail(waiting[0].log)}")
        if waiting:
            time.sleep(0.1)


def start(
    work: str,
    fakes: dict[str, list[str]] | None = None,
    moto: bool = False,
    moto_recording: str | None = None,
    python: str = sys.executable,
    timeout: float = START_TIMEOUT,
) -> dict[str, Endpoint]:
    """Start moto's server (moto=True) and the fakes named in fakes (their arguments), and wait until all answer."""
    for name in fakes or {}:
        if not NAME.match(name) or name == "moto":
            raise LaunchError(f"{name!r} cannot name an endpoint: a lower-case letter, then letters, digits or _")
    os.makedirs(work, exist_ok=True)
    endpoints: list[Endpoint] = []
    try:
        s3: list[str] = []
        if moto or moto_recording:
            port = free_port()
            env = dict(os.environ)
            if moto_recording:
                env.update(MOTO_ENABLE_RECORDING="true", MOTO_RECORDER_FILEPATH=moto_recording)
            endpoints.append(
                _spawn("moto", work, [python, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)], env)
            )
            endpoints[-1].url, endpoints[-1].probe = f"http://127.0.0.1:{port}", "/moto-api/"
            s3 = ["--s3-upstream", endpoints[-1].url]
        for name, arguments in (fakes or {}).items():
            port_file = os.path.join(work, f"{name}.port")
            if os.path.exists(port_file):
                os.unlink(port_file)
            endpoints.append(
                _spawn(name, work, [python, FAKE, "--port", "0", "--port-file", port_file, *arguments, *s3])
            )
            scheme = "https" if "--tls-cert" in arguments else "http"
            endpoints[-1].url, endpoints[-1].probe = scheme + "://127.0.0.1:{port}", "/_test/health"
            endpoints[-1].port_file = port_file
        _record(work, endpoints)
        _wait(endpoints, timeout)
    except BaseException:
        stop(endpoints)
        raise
    _record(work, endpoints)
    return {endpoint.name: endpoint for endpoint in endpoints}


def stop(endpoints: Iterable[Endpoint]) -> None:
    """End the endpoints: SIGTERM, then SIGKILL for any still running after STOP_TIMEOUT seconds."""
    endpoints = list(endpoints)
    for endpoint in endpoints:
        _signal(endpoint.pid, signal.SIGTERM)
    deadline = time.monotonic() + STOP_TIMEOUT
    for endpoint in endpoints:
        while _running(endpoint) and time.monotonic() < deadline:
            time.sleep(0.05)
        if _running(endpoint):
            _signal(endpoint.pid, signal.SIGKILL)
            if endpoint.process is not None:
                endpoint.process.wait()


def stop_launched(work: str) -> None:
    """Stop every endpoint start() listed in work (what the CLI's stop does)."""
    path = os.path.join(work, LAUNCHED)
    try:
        with open(path, encoding="utf-8") as handle:
            listed = json.load(handle)
    except FileNotFoundError:
        return
    stop(Endpoint(entry["name"], entry["url"], entry["pid"], entry["log"]) for entry in listed)
    os.unlink(path)


def _record(work: str, endpoints: list[Endpoint]) -> None:
    entries = [{"name": e.name, "url": e.url, "pid": e.pid, "log": e.log} for e in endpoints]
    with open(os.path.join(work, LAUNCHED), "w", encoding="utf-8") as handle:
        json.dump(entries, handle)


def _running(endpoint: Endpoint) -> bool:
    if endpoint.process is not None:
        return endpoint.process.poll() is None
    # Not our child: gone once it no longer exists, or is a zombie its new parent has yet to reap.
    try:
        with open(f"/proc/{endpoint.pid}/stat", encoding="ascii") as handle:
            return handle.read().rsplit(")", 1)[1].split()[0] != "Z"
    except (FileNotFoundError, IndexError):
        return False


def _signal(pid: int, signum: int) -> None:
    if pid <= 0:  # never a process group
        return
    try:
        os.kill(pid, signum)
    except (ProcessLookupError, PermissionError):
        pass


def _read(path: str) -> str:
    try:
        with open(path, encoding="ascii") as handle:
            return handle.read().strip()
    except FileNotFoundError:
        return ""


def _tail(path: str, lines: int = 30) -> str:
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            return "".join(handle.readlines()[-lines:])
    except FileNotFoundError:
        return "(no log)"


def _fake(value: str) -> tuple[str, list[str]]:
    name, dummy, arguments = value.partition("=")
    return name, shlex.split(arguments)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    commands = parser.add_subparsers(dest="command", required=True)
    begin = commands.add_parser("start", help="start the endpoints and wait until they answer")
    begin.add_argument("work", help="where the endpoints' logs and launched.json go")
    begin.add_argument("--moto", action="store_true", help="start moto's server; the fakes serve its S3")
    begin.add_argument("--moto-recording", help="moto records the requests it serves into this file")
    begin.add_argument("--fake", action="append", type=_fake, default=[], metavar="NAME[=ARGUMENTS]")
    end = commands.add_parser("stop", help="stop the endpoints that start started in WORK")
    end.add_argument("work")
    args = parser.parse_args(argv)
    if args.command == "stop":
        stop_launched(args.work)
        return 0
    try:
        endpoints = start(args.work, dict(args.fake), args.moto, args.moto_recording)
    except LaunchError as e:
        print(f"launcher: {e}", file=sys.stderr)
        return 1
    for endpoint in endpoints.values():
        print(f"{endpoint.name}_url={endpoint.url}")
        print(f"{endpoint.name}_pid={endpoint.pid}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
