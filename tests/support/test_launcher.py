# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Tests of the endpoints' launcher (launcher.py): start, wait until they answer, stop; in-process and from a shell."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import Any

import pytest

from . import launcher
from .batch_helpers import clients
from .helpers import invoke
from .helpers import make_client

LAUNCHER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "launcher.py")


def running(pid: int) -> bool:
    return launcher._running(launcher.Endpoint("any", "", pid, ""))  # pylint: disable=protected-access


def test_start_waits_until_the_fakes_answer_and_stop_ends_them(tmp_path: Any) -> None:
    endpoints = launcher.start(str(tmp_path), {"plain": [], "backlog": ["--listen-backlog", "64"]})
    try:
        assert sorted(endpoints) == ["backlog", "plain"]
        for endpoint in endpoints.values():
            assert endpoint.url.startswith("http://127.0.0.1:") and running(endpoint.pid)
            assert invoke(make_client(endpoint.url), "test.echo", b"up")[1] == b"up"
        listed = json.loads((tmp_path / "launched.json").read_text(encoding="utf-8"))
        assert [(entry["name"], entry["pid"]) for entry in listed] == [
            ("plain", endpoints["plain"].pid),
            ("backlog", endpoints["backlog"].pid),
        ]
    finally:
        launcher.stop(endpoints.values())
    assert not any(running(endpoint.pid) for endpoint in endpoints.values())


def test_a_fake_that_cannot_start_fails_the_launch_with_its_log(tmp_path: Any) -> None:
    with pytest.raises(launcher.LaunchError, match="(?s)broken exited with 2:.*--tls-cert and --tls-key go together"):
        launcher.start(str(tmp_path), {"plain": [], "broken": ["--tls-cert", "cert.pem"]})
    entry, dummy = json.loads((tmp_path / "launched.json").read_text(encoding="utf-8"))
    assert entry["name"] == "plain" and not running(entry["pid"])


@pytest.mark.parametrize("name", ["moto", "Plain", "9th", "a-b", ""])
def test_a_name_the_shell_cannot_use_is_refused(tmp_path: Any, name: str) -> None:
    with pytest.raises(launcher.LaunchError, match="cannot name an endpoint"):
        launcher.start(str(tmp_path), {name: []})
    assert not (tmp_path / "launched.json").exists()


def test_the_shell_interface_with_moto_behind_the_fakes(tmp_path: Any) -> None:
    work, recording = tmp_path / "work", tmp_path / "recording.jsonl"
    command = [sys.executable, LAUNCHER, "start", str(work), "--moto-recording", str(recording)]
    command += ["--fake", "plain", "--fake", "sigv4=--verify-sigv4 --log '" + str(tmp_path / "access log") + "'"]
    started = subprocess.run(command, capture_output=True, text=True, check=False, timeout=120)
    assert started.returncode == 0, started.stderr
    variables = dict(line.split("=", 1) for line in started.stdout.splitlines())
    try:
        assert sorted(variables) == ["moto_pid", "moto_url", "plain_pid", "plain_url", "sigv4_pid", "sigv4_url"]
        assert all(running(int(variables[f"{name}_pid"])) for name in ("moto", "plain", "sigv4"))
        # Each fake serves moto's S3 behind its own address (the arguments quoted as a shell would), and moto
        # records what it served.
        clients(variables["plain_url"])[1].create_bucket(Bucket="launcher-test")
        buckets = clients(variables["sigv4_url"])[1].list_buckets()["Buckets"]
        assert [bucket["Name"] for bucket in buckets] == ["launcher-test"]
        assert "launcher-test" in recording.read_text(encoding="utf-8")
        assert (tmp_path / "access log").exists()
    finally:
        stopped = subprocess.run(
            [sys.executable, LAUNCHER, "stop", str(work)], capture_output=True, text=True, timeout=60, check=False
        )
    assert stopped.returncode == 0, stopped.stderr
    assert not any(running(int(variables[f"{name}_pid"])) for name in ("moto", "plain", "sigv4"))
    assert not (work / "launched.json").exists()
