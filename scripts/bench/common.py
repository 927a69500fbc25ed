# -*- coding: utf-8 -*-

# Copyright: Contributors to the amazon.ai collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The benchmark's plumbing, shared by every scenario family (see README.md beside this file).

Running processes and playbooks with their wall time, CPU time and peak memory (Bench), the samples they add up
to, the fake endpoint (its address, its own checks, its CPU time), and the facts about the machine that the
report's Machine table gives. Nothing here knows what a family measures.
"""

from __future__ import annotations

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
from dataclasses import dataclass
from dataclasses import field
from typing import Any
from typing import Callable
from typing import Dict
from typing import List
from typing import Optional
from typing import Tuple

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
PLAYBOOKS = os.path.join(HERE, "playbooks")

FAST_MODEL = "amazon.titan-text-express-v1"  # the fake answers it at once
SLOW_SECONDS = 2  # the latency of the test.slow-S model that serial_slow.yml and hosts_fanout.yml call
PROCESS_TIMEOUT = 600  # no single process of the benchmark may run longer than this (the 100-item loop: ~5 min)

# The tasks of the playbooks more than one family runs (the callback plugin reports times by task name).
TASK_SERIAL = "Invoke the slow model once per item, waiting for each answer"
TASK_HOSTS = "Invoke the slow model once per host"

# One measurement: its name, as printed while it runs, and what takes it (adding to bench.samples).
Measurement = Tuple[str, Callable[[], None]]


class BenchError(Exception):
    """A measurement could not be taken (a failed or timed-out process, a wrong answer)."""


@dataclass
class Plan:
    """What a family measures: blocks of measurements run every round, and measurements run once after them.

    The measurements within a block run back to back (their ratios are taken over the same minute of the
    machine's life); the blocks of every family, and the measurements within a block, take turns going first
    from one round to the next. What is too long to repeat every round goes in once, run in the order given.
    """

    rounds: List[List[Measurement]] = field(default_factory=list)
    once: List[Measurement] = field(default_factory=list)


@dataclass
class Process:
    wall: float
    cpu: float
    maxrss_kb: int
    code: int
    log: str


@dataclass
class Playbook:
    process: Process
    tasks: Dict[str, float]
    hosts: Dict[str, Dict[str, float]]


@dataclass
class Samples:
    values: Dict[str, List[float]] = field(default_factory=dict)

    def add(self, name: str, value: float) -> None:
        self.values.setdefault(name, []).append(value)

    def median(self, name: str) -> float:
        return statistics.median(self.values[name])

    def get(self, name: str) -> List[float]:
        return self.values.get(name, [])


class Bench:
    """Runs what the families measure and keeps what they measured (all of it saved in results.json).

    samples: every measurement's values, one per round (or one, for what runs once); checks: whether a result
    was right (the large reply's length); chosen: values a family picks at run time and its report quotes;
    profiles: the instrumented module runs of phases.py, by name.
    """

    def __init__(self, collections: str, work: str, python: str, endpoint_pid: Optional[int] = None) -> None:
        self.collections = collections
        self.endpoint_pid = endpoint_pid
        self.work = work
        self.python = python
        self.samples = Samples()
        self.checks: Dict[str, List[bool]] = {}
        self.chosen: Dict[str, Any] = {}
        self.profiles: Dict[str, Dict[str, Any]] = {}
        self.env = dict(os.environ)
        self.env.update(
            ANSIBLE_CONFIG=os.path.join(work, "ansible.cfg"),
            ANSIBLE_COLLECTIONS_PATH=collections,
            ANSIBLE_NOCOLOR="1",
            ANSIBLE_FORCE_COLOR="0",
        )
        with open(os.path.join(work, "ansible.cfg"), "w", encoding="utf-8") as handle:
            handle.write(
                "[defaults]\n"
                f"callback_plugins = {os.path.join(HERE, 'callback_plugins')}\n"
                "callbacks_enabled = bench_timer\n"
                "localhost_warning = false\n"
                "retry_files_enabled = false\n"
                "[inventory]\n"
                "inventory_unparsed_warning = false\n"
            )
        self.interpreter = f"ansible_connection=local ansible_python_interpreter={python}"
        self.inventory = os.path.join(work, "inventory")
        with open(self.inventory, "w", encoding="utf-8") as handle:
            handle.write(f"[local]\nlocalhost {self.interpreter}\n")

    def add_hosts(self, group: str, hosts: List[str]) -> None:
        """An inventory group of local hosts (each runs its tasks on this machine with this Python)."""
        with open(self.inventory, "a", encoding="utf-8") as handle:
            handle.write(f"\n[{group}]\n")
            for host in hosts:
                handle.write(f"{host} {self.interpreter}\n")

    def run(
        self,
        argv: List[str],
        name: str,
        env: Optional[Dict[str, str]] = None,
        stdout: Optional[str] = None,
        cpus: Optional[List[int]] = None,
    ) -> Process:
        """Run argv to its end (killing its process group after PROCESS_TIMEOUT); wall, CPU and peak RSS.

        With cpus, argv and everything it starts may only run on those CPUs (sched_setaffinity is inherited).
        """
        log = os.path.join(self.work, f"{name}.log")
        pin = (lambda: os.sched_setaffinity(0, cpus)) if cpus else None
        # stdout, when given, holds this run's output alone (a file per measurement is read after each round's run).
        with open(log, "w", encoding="utf-8") as err, open(
            stdout or log, "w" if stdout else "a", encoding="utf-8"
        ) as out:
            started = time.perf_counter()
            proc = subprocess.Popen(  # pylint: disable=consider-using-with,subprocess-popen-preexec-fn
                argv,
                env=env or self.env,
                stdout=out,
                stderr=err,
                cwd=self.work,
                start_new_session=True,
                preexec_fn=pin,
            )
            timer = threading.Timer(PROCESS_TIMEOUT, _kill_group, (proc.pid,))
            timer.start()
            try:
                status, usage = os.wait4(proc.pid, 0)[1:]
            finally:
                timer.cancel()
            wall = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        result = Process(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss, proc.returncode, log)
        if result.code != 0:
            raise BenchError(f"{name} exited with {result.code}; its output is in {log}:\n{_tail(log)}")
        return result

    def playbook(
        self,
        name: str,
        extra: Optional[Dict[str, Any]] = None,
        forks: int = 5,
        cpus: Optional[List[int]] = None,
        label: Optional[str] = None,
    ) -> Playbook:
        """Run playbooks/NAME.yml with the variables in extra; its process, and each task's time from the callback."""
        timings = os.path.join(self.work, f"{label or name}.timings.json")
        variables = {"bench_run_id": uuid.uuid4().hex[:12]}
        variables.update(extra or {})
        # In a file: a thousand prompts make too long an argument.
        with open(os.path.join(self.work, f"{label or name}.vars.json"), "w", encoding="utf-8") as handle:
            json.dump(variables, handle)
        env = dict(self.env, BENCH_TIMINGS_FILE=timings)
        argv = ["ansible-playbook", "-i", self.inventory, "--forks", str(forks)]
        argv += ["--extra-vars", f"@{handle.name}", os.path.join(PLAYBOOKS, f"{name}.yml")]
        process = self.run(argv, label or name, env, cpus=cpus)
        with open(timings, encoding="utf-8") as handle:
            report = json.load(handle)
        if report["failed"]:
            raise BenchError(f"{name}: {report['failed']} task(s) failed; see {process.log}:\n{_tail(process.log)}")
        return Playbook(
            process,
            {task["name"]: task["seconds"] for task in report["tasks"]},
            {task["name"]: task["hosts"] for task in report["tasks"]},
        )

    def module_args(self, name: str, args: Dict[str, Any]) -> str:
        """A file with a module's arguments, to run it directly."""
        path = os.path.join(self.work, f"{name}.args.json")
        with open(path, "w", encoding="utf-8") as handle:
            json.dump({"ANSIBLE_MODULE_ARGS": args}, handle)
        return path

    def module_env(self) -> Dict[str, str]:
        return dict(self.env, PYTHONPATH=self.collections)

    def check(self, name: str, ok: bool) -> None:
        self.checks.setdefault(name, []).append(ok)

    def endpoint_cpu(self) -> Optional[float]:
        """CPU seconds the endpoint's process has used so far (None when its pid is unknown)."""
        if not self.endpoint_pid:
            return None
        with open(f"/proc/{self.endpoint_pid}/stat", encoding="ascii") as handle:
            fields = handle.read().rsplit(")", 1)[1].split()
        # utime and stime are fields 14 and 15 of stat(5); fields[0] here is field 3.
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def phases(self, name: str, module_args: Dict[str, Any]) -> Dict[str, Any]:
        """One instrumented direct run of a module (scripts/bench/phases.py), kept in profiles[name]."""
        report = os.path.join(self.work, f"{name}.phases.json")
        args = self.module_args(name, module_args)
        output = os.path.join(self.work, f"{name}.out")
        argv = [self.python, os.path.join(HERE, "phases.py"), args, report]
        run = self.run(argv, name, self.module_env(), stdout=output)
        with open(report, encoding="utf-8") as handle:
            phases = json.load(handle)
        phases["wall"] = run.wall
        phases["maxrss_mb"] = run.maxrss_kb / 1024
        self.profiles[name] = phases
        return phases


# --- the endpoint -----------------------------------------------------------------------------------------------


def _endpoint() -> Tuple[str, int]:
    address = urllib.parse.urlsplit(os.environ["AWS_URL"])
    return address.hostname or "127.0.0.1", address.port or 80


def _invoke(connection: http.client.HTTPConnection, model_id: str) -> None:
    connection.request(
        "POST", f"/model/{model_id}/invoke", b'{"inputText": "Question"}', {"Content-Type": "application/json"}
    )
    reply = connection.getresponse()
    reply.read()
    if reply.status != 200:
        raise BenchError(f"the endpoint answered {reply.status} to {model_id}")


def parallel_requests(count: int, latency: float) -> float:
    """Wall time of `count` requests sent at once, each on a new connection, to a model that takes `latency` s."""
    host, port = _endpoint()
    run_id = uuid.uuid4().hex[:12]
    errors: List[Exception] = []

    def one(number: int) -> None:
        connection = http.client.HTTPConnection(host, port, timeout=PROCESS_TIMEOUT)
        try:
            _invoke(connection, f"test.slow-{latency}.probe-{run_id}-{number}")
        except (OSError, http.client.HTTPException, BenchError) as e:
            errors.append(e)
        finally:
            connection.close()

    threads = [threading.Thread(target=one, args=(number,)) for number in range(count)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise BenchError(f"{len(errors)} of {count} requests sent at once to the endpoint failed: {errors[0]!r}")
    return time.perf_counter() - started


def keepalive_request_time(model_id: str, count: int) -> float:
    """Median time of a request to `model_id` on a kept-alive connection (the connection's first one left out)."""
    connection = http.client.HTTPConnection(*_endpoint(), timeout=PROCESS_TIMEOUT)
    times = []
    try:
        for number in range(count + 1):  # the first opens the connection
            started = time.perf_counter()
            _invoke(connection, model_id)
            times.append(time.perf_counter() - started)
    except (OSError, http.client.HTTPException) as e:
        raise BenchError(f"a kept-alive connection to the endpoint failed: {e!r}") from e
    finally:
        connection.close()
    return statistics.median(times[1:])


# --- running the plan -------------------------------------------------------------------------------------------


def rotated(items: List[Any], shift: int) -> List[Any]:
    shift %= len(items)
    return items[shift:] + items[:shift]


def timed(name: str, measure: Callable[[], None]) -> None:
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


# --- the machine ------------------------------------------------------------------------------------------------


# What the machine runs, and the retry settings that bound the throttling measurement: the botocore attempts per
# call the module's client is configured with, and the module's own tries and backoff.
FACTS = """
import json, platform, ansible.release, boto3, botocore
from ansible_collections.amazon.ai.plugins.module_utils import clients
print(json.dumps({
    "python": platform.python_version(), "ansible_core": ansible.release.__version__,
    "boto3": boto3.__version__, "botocore": botocore.__version__,
    "client_attempts": clients.CLIENT_CONFIG["retries"]["total_max_attempts"],
    "read_timeout": clients.CLIENT_CONFIG["read_timeout"],
    "module_tries": clients.RETRY_ATTEMPTS, "module_delay": clients.RETRY_DELAY,
    "module_max_delay": clients.RETRY_MAX_DELAY,
}))
"""


def cores() -> int:
    """The CPUs this process (and so every process the benchmark starts) may run on."""
    return len(os.sched_getaffinity(0))


def machine(python: str, collections: str) -> Dict[str, Any]:
    cpu = "unknown"
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as handle:
            for line in handle:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    memory = "unknown"
    try:
        with open("/proc/meminfo", encoding="utf-8") as handle:
            for line in handle:
                if line.startswith("MemTotal:"):
                    memory = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
                    break
    except OSError:
        pass
    system = platform.platform()
    try:
        with open("/etc/os-release", encoding="utf-8") as handle:
            for line in handle:
                if line.startswith("PRETTY_NAME="):
                    system = f"{line.split('=', 1)[1].strip().strip(chr(34))} ({platform.release()})"
    except OSError:
        pass
    facts = json.loads(
        subprocess.run(
            [python, "-c", FACTS],
            check=True,
            capture_output=True,
            text=True,
            env=dict(os.environ, PYTHONPATH=collections),
        ).stdout
    )
    try:
        commit = subprocess.run(
            ["git", "-C", ROOT, "describe", "--always", "--dirty"], check=True, capture_output=True, text=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        commit = "unknown"
    facts.update(cpu=cpu, cores=str(cores()), memory=memory, system=system, commit=commit)
    return facts
