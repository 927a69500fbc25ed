# -*- coding: utf-8 -*-

# Copyright: Contributors to the amazon.ai collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The benchmark's plumbing, which knows nothing of what a family measures (see README.md beside this file):
processes, playbooks and modules run with their wall time, CPU time and peak memory (Bench), the samples they add up
to, the fake endpoint (its own checks, its CPU time), and the machine's facts."""

from __future__ import annotations

import concurrent.futures
import http.client
import json
import os
import platform
import signal
import statistics
import subprocess
import threading
import time
import urllib.parse
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import field
from typing import Any

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
MODULES = "ansible_collections.amazon.ai.plugins.modules."
FAST_MODEL = "amazon.titan-text-express-v1"  # the fake answers it at once
SLOW_SECONDS = 2  # the latency of the test.slow-S model that serial_slow.yml and hosts_fanout.yml call
PROCESS_TIMEOUT = 600  # no single process of the benchmark may run longer than this (the 100-item loop: ~5 min)

# The tasks of the playbooks more than one family runs (the callback plugin reports times by task name).
TASK_SERIAL = "Invoke the slow model once per item, waiting for each answer"
TASK_HOSTS = "Invoke the slow model once per host"

# One measurement: its name, as printed while it runs, and what takes it (adding to bench.samples).
Measurement = tuple[str, Callable[[], Any]]


class BenchError(Exception):
    """A measurement could not be taken (a failed or timed-out process, a wrong answer)."""


@dataclass
class Plan:
    """Blocks of measurements run every round (a block's back to back, so that their ratios are taken over the same
    minute of the machine's life; blocks and measurements take turns going first), and measurements run once."""

    rounds: list[list[Measurement]] = field(default_factory=list)
    once: list[Measurement] = field(default_factory=list)


@dataclass
class Process:
    wall: float
    cpu: float
    maxrss_kb: int
    log: str


@dataclass
class Playbook:
    process: Process
    tasks: dict[str, float]
    hosts: dict[str, dict[str, float]]


@dataclass
class Samples:
    values: dict[str, list[float]] = field(default_factory=dict)

    def add(self, name: str, value: float) -> None:
        self.values.setdefault(name, []).append(value)

    def update(self, **values: float) -> None:
        for name, value in values.items():
            self.add(name, value)

    def process(self, prefix: str, run: Process) -> None:
        """A process's wall time, CPU time and peak RSS, as PREFIX_wall, PREFIX_cpu and PREFIX_rss_mb."""
        self.update(**{f"{prefix}_wall": run.wall, f"{prefix}_cpu": run.cpu, f"{prefix}_rss_mb": run.maxrss_kb / 1024})

    def median(self, name: str) -> float:
        return statistics.median(self.values[name])

    def get(self, name: str) -> list[float]:
        return self.values.get(name, [])


class Bench:
    """Runs what the families measure and keeps it all for results.json: samples (each measurement's values),
    checks (whether a result was right), chosen (values picked at run time), profiles (phases.py's runs)."""

    def __init__(self, collections: str, work: str, python: str, endpoint_pid: int | None = None) -> None:
        self.collections, self.work, self.python, self.endpoint_pid = collections, work, python, endpoint_pid
        self.samples = Samples()
        self.checks: dict[str, list[bool]] = {}
        self.chosen: dict[str, Any] = {}
        self.profiles: dict[str, dict[str, Any]] = {}
        self.env = dict(os.environ, ANSIBLE_CONFIG=self.path("ansible.cfg"), ANSIBLE_COLLECTIONS_PATH=collections)
        self.env.update(ANSIBLE_NOCOLOR="1", ANSIBLE_FORCE_COLOR="0")
        self.interpreter = f"ansible_connection=local ansible_python_interpreter={python}"
        self.inventory = self.path("inventory")
        self._write("ansible.cfg", f"[defaults]\ncallback_plugins = {os.path.join(HERE, 'callback_plugins')}\n")
        self._write("ansible.cfg", "callbacks_enabled = bench_timer\nlocalhost_warning = false\n", "a")
        self._write(
            "ansible.cfg", "retry_files_enabled = false\n[inventory]\ninventory_unparsed_warning = false\n", "a"
        )
        self._write("inventory", f"[local]\nlocalhost {self.interpreter}\n")

    def _write(self, name: str, text: str, mode: str = "w") -> str:
        with open(self.path(name), mode, encoding="utf-8") as handle:
            handle.write(text)
        return handle.name

    def add_hosts(self, group: str, hosts: list[str]) -> None:
        """An inventory group of local hosts (each runs its tasks on this machine with this Python)."""
        self._write("inventory", f"\n[{group}]\n" + "".join(f"{host} {self.interpreter}\n" for host in hosts), "a")

    def path(self, name: str) -> str:
        return os.path.join(self.work, name)

    def run(self, argv: list[str], name: str, env: Any = None, stdout: str = "", cpus: Any = None) -> Process:
        """Run argv to its end (its process group killed after PROCESS_TIMEOUT): wall, CPU and peak RSS; its output in
        stdout if given, else with stderr in NAME.log; with cpus, it and all it starts only run on those CPUs."""
        log = self.path(f"{name}.log")
        pin = (lambda: os.sched_setaffinity(0, cpus)) if cpus else None
        with open(log, "w", encoding="utf-8") as err, open(
            stdout or log, "w" if stdout else "a", encoding="utf-8"
        ) as out:
            started = time.perf_counter()
            proc = subprocess.Popen(  # pylint: disable=consider-using-with,subprocess-popen-preexec-fn
                argv, env=env or self.env, stdout=out, stderr=err, cwd=self.work, start_new_session=True, preexec_fn=pin
            )
            timer = threading.Timer(PROCESS_TIMEOUT, _kill_group, (proc.pid,))
            timer.start()
            try:
                status, usage = os.wait4(proc.pid, 0)[1:]
            finally:
                timer.cancel()
            wall = time.perf_counter() - started
        if os.waitstatus_to_exitcode(status) != 0:
            code = os.waitstatus_to_exitcode(status)
            raise BenchError(f"{name} exited with {code}; its output is in {log}:\n{_tail(log)}")
        return Process(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss, log)

    def playbook(self, name: str, extra: Any = None, forks: int = 5, cpus: Any = None, label: str = "") -> Playbook:
        """Run playbooks/NAME.yml with the variables in extra; its process, and each task's time from the callback."""
        label = label or name
        timings = self.path(f"{label}.timings.json")
        # In a file: a thousand prompts make too long an argument.
        variables = self._write(
            f"{label}.vars.json", json.dumps(dict({"bench_run_id": uuid.uuid4().hex[:12]}, **(extra or {})))
        )
        argv = ["ansible-playbook", "-i", self.inventory, "--forks", str(forks), "--extra-vars", f"@{variables}"]
        argv.append(os.path.join(HERE, "playbooks", f"{name}.yml"))
        process = self.run(argv, label, dict(self.env, BENCH_TIMINGS_FILE=timings), cpus=cpus)
        with open(timings, encoding="utf-8") as handle:
            report = json.load(handle)
        if report["failed"]:
            raise BenchError(f"{name}: {report['failed']} task(s) failed; see {process.log}:\n{_tail(process.log)}")
        tasks = report["tasks"]
        return Playbook(process, {t["name"]: t["seconds"] for t in tasks}, {t["name"]: t["hosts"] for t in tasks})

    def task(self, sample: str, playbook: str, task: str, extra: Any = None, per: int = 1, **kwargs: Any) -> Playbook:
        """Run playbooks/PLAYBOOK.yml (self.playbook) and add the time of its task, over `per`, to sample."""
        run = self.playbook(playbook, extra, **kwargs)
        self.samples.add(sample, run.tasks[task] / per)
        return run

    def module_args(self, name: str, args: dict[str, Any]) -> str:
        """A file with a module's arguments, to run it directly."""
        return self._write(f"{name}.args.json", json.dumps({"ANSIBLE_MODULE_ARGS": args}))

    def module(self, name: str, module: str, args: Any, script: list[str] | None = None) -> Process:
        """A direct run of MODULES + module (or of script) with args (a dict, or a file of them): its result in NAME.out."""
        path = args if isinstance(args, str) else self.module_args(name, args)
        argv = [self.python, *(script or ["-m", MODULES + module]), path]
        return self.run(argv, name, dict(self.env, PYTHONPATH=self.collections), stdout=self.path(f"{name}.out"))

    def check(self, name: str, ok: bool) -> None:
        self.checks.setdefault(name, []).append(ok)

    def endpoint_cpu(self) -> float | None:
        """CPU seconds the endpoint's process has used so far (None when its pid is unknown)."""
        if not self.endpoint_pid:
            return None
        with open(f"/proc/{self.endpoint_pid}/stat", encoding="ascii") as handle:
            fields = handle.read().rsplit(")", 1)[1].split()
        # utime and stime are fields 14 and 15 of stat(5); fields[0] here is field 3.
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def phases(self, name: str, module_args: dict[str, Any]) -> dict[str, Any]:
        """One instrumented direct run of a module (phases.py), kept in profiles[name]."""
        report = self.path(f"{name}.phases.json")
        run = self.module(name, "", module_args, [os.path.join(HERE, "phases.py"), report])
        with open(report, encoding="utf-8") as handle:
            phases = json.load(handle)
        phases.update(wall=run.wall, maxrss_mb=run.maxrss_kb / 1024)
        self.profiles[name] = phases
        return phases


def child_json(python: str, script: str, *args: str, **kwargs: Any) -> Any:
    """What a Python snippet run in a child process prints, as JSON. A process started by fork reports in its peak
    RSS at least its parent's high-water mark, so big data is read there, never in the process that starts them."""
    argv = [python, "-c", script, *args]
    return json.loads(subprocess.run(argv, check=True, capture_output=True, text=True, cwd=HERE, **kwargs).stdout)


def connect(timeout: float = PROCESS_TIMEOUT) -> http.client.HTTPConnection:
    """A connection to the endpoint (AWS_URL)."""
    address = urllib.parse.urlsplit(os.environ["AWS_URL"])
    return http.client.HTTPConnection(address.hostname or "127.0.0.1", address.port or 80, timeout=timeout)


def request(
    connection: http.client.HTTPConnection,
    method: str,
    path: str,
    body: bytes = b"",
    statuses: tuple[int, ...] = (200,),
) -> bytes:
    """The body of the endpoint's answer; BenchError unless its status is one of statuses."""
    try:
        connection.request(method, path, body, {"Content-Type": "application/json"})
        reply = connection.getresponse()
        payload = reply.read()
    except (OSError, http.client.HTTPException) as e:
        raise BenchError(f"the endpoint failed {method} {path}: {e!r}") from e
    if reply.status not in statuses:
        raise BenchError(f"the endpoint answered {reply.status} to {method} {path}: {payload[:300]!r}")
    return payload


def _invoke(connection: http.client.HTTPConnection, model_id: str) -> None:
    request(connection, "POST", f"/model/{model_id}/invoke", b'{"inputText": "Question"}')


def parallel_requests(count: int, latency: float) -> float:
    """Wall time of `count` requests sent at once, each on a new connection, to a model that takes `latency` s."""
    run_id = uuid.uuid4().hex[:12]

    def one(number: int) -> None:
        connection = connect()
        try:
            _invoke(connection, f"test.slow-{latency}.probe-{run_id}-{number}")
        finally:
            connection.close()

    started = time.perf_counter()
    with concurrent.futures.ThreadPoolExecutor(count) as pool:
        list(pool.map(one, range(count)))  # raises the first request's BenchError
    return time.perf_counter() - started


def keepalive_request_time(model_id: str, count: int) -> float:
    """Median time of a request to `model_id` on a kept-alive connection (the connection's first one left out)."""
    connection = connect()
    times = []
    try:
        for dummy in range(count + 1):  # the first opens the connection
            started = time.perf_counter()
            _invoke(connection, model_id)
            times.append(time.perf_counter() - started)
    finally:
        connection.close()
    return statistics.median(times[1:])


def rotated(items: list[Any], shift: int) -> list[Any]:
    shift %= len(items)
    return items[shift:] + items[:shift]


def timed(name: str, measure: Callable[[], Any]) -> None:
    """Take one measurement, printing its name and how long it took."""
    begun = time.perf_counter()
    print(f"{name} ...", end=" ", flush=True)
    measure()
    print(f"{time.perf_counter() - begun:.1f} s", flush=True)


def _kill_group(pid: int) -> None:
    try:
        os.killpg(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def _tail(path: str, lines: int = 30) -> str:
    with open(path, encoding="utf-8", errors="replace") as handle:
        return "".join(handle.readlines()[-lines:])


# What the machine runs, and the retry settings that bound the throttling measurement: the botocore attempts per
# call the module's client is configured with, and the module's own tries and backoff.
FACTS = """
import json, platform, ansible.release, boto3, botocore
from ansible_collections.amazon.ai.plugins.module_utils import clients
print(json.dumps({"python": platform.python_version(), "ansible_core": ansible.release.__version__,
    "boto3": boto3.__version__, "botocore": botocore.__version__, "read_timeout": clients.CLIENT_CONFIG["read_timeout"],
    "client_attempts": clients.CLIENT_CONFIG["retries"]["total_max_attempts"], "module_tries": clients.RETRY_ATTEMPTS,
    "module_delay": clients.RETRY_DELAY, "module_max_delay": clients.RETRY_MAX_DELAY}))
"""


def _first(path: str, prefix: str) -> str:
    """What follows prefix on the first line of path that starts with it ("" if none)."""
    try:
        with open(path, encoding="utf-8") as handle:
            return next((line[len(prefix) :].strip() for line in handle if line.startswith(prefix)), "")
    except OSError:
        return ""


def machine(python: str, collections: str) -> dict[str, Any]:
    facts = child_json(python, FACTS, env=dict(os.environ, PYTHONPATH=collections))
    memory, system = _first("/proc/meminfo", "MemTotal:"), _first("/etc/os-release", "PRETTY_NAME=").strip('"')
    try:
        commit = subprocess.run(
            ["git", "-C", ROOT, "describe", "--always", "--dirty"], capture_output=True, text=True, check=False
        )
    except OSError:
        commit = None
    facts.update(
        cpu=_first("/proc/cpuinfo", "model name").lstrip(": \t") or "unknown",
        cores=str(len(os.sched_getaffinity(0))),  # the CPUs the benchmark and all it starts may run on
        memory=f"{int(memory.split()[0]) / 1024 / 1024:.1f} GiB" if memory else "unknown",
        system=f"{system} ({platform.release()})" if system else platform.platform(),
        commit=commit.stdout.strip() if commit and commit.returncode == 0 else "unknown",
    )
    return facts
