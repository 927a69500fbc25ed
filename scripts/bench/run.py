# -*- coding: utf-8 -*-

# Copyright: Contributors to the amazon.ai collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The benchmark behind ``make bench`` (scripts/bench.sh starts the endpoint and calls this).

Measures how fast many prompts go with amazon.ai.bedrock_invoke_models, against a loop and a fan-out across hosts
of amazon.ai.bedrock_invoke_model, and what a user pays per call of the latter, against the project's Bedrock
Runtime fake on 127.0.0.1 (AWS_URL), in rounds: every round runs every measurement once, in an order rotated from
round to round, so that whatever else the machine does is spread over all of them; the report gives medians. The
100-prompt comparison runs once, after the rounds: its loop alone takes about 5 minutes. It prints a table and
writes docs/benchmarks.md.

    python scripts/bench/run.py --collections-path DIR --output docs/benchmarks.md [--rounds 3] [--only many]

Times come from the clock of this process (whole processes) and from a callback plugin in ansible-playbook
(single tasks, without ansible-playbook's own start-up); CPU time and peak memory from wait4(2), the same
numbers /usr/bin/time -v prints, for the process and every descendant it waited for.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime
import http.client
import json
import math
import os
import platform
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
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
MODULE = "ansible_collections.amazon.ai.plugins.modules.bedrock_invoke_model"
MANY_MODULE = "ansible_collections.amazon.ai.plugins.modules.bedrock_invoke_models"

CALLS = 20  # calls per loop, per fan-out and bare boto3 processes per round
SLOW_SECONDS = 2  # the test.slow-S model's latency
THROTTLES = 6  # ThrottlingException answers before test.throttle-N succeeds
THROTTLE_SAMPLES = 3  # throttled calls per round, side by side on as many hosts
LARGE_BODY_BYTES = 10_000_000  # the large reply's target size
FAST_MODEL = "amazon.titan-text-express-v1"
PROCESS_TIMEOUT = 600  # no single process of the benchmark may run longer than this (the 100-item loop: ~5 min)

# Many prompts (amazon.ai.bedrock_invoke_models). The comparison with a loop and a hosts fan-out runs once per
# bench run, not per round: its loop alone takes about 5 minutes.
MANY_PROMPTS = 100
MANY_CONCURRENCY = 16
MANY_FORKS = 20
BULK_PROMPTS = 1000  # many quick prompts, every round: what one more request costs
BULK_CONCURRENCY = 32
BULK_SECONDS = 0.1
PROBE_REQUESTS = 32  # the endpoint check: this many requests at once to a model that answers in PROBE_SECONDS
PROBE_SECONDS = 1

GOAL_OVERHEAD = 1.10
GOAL_SPEEDUP = 8.0
GOAL_THROTTLE_SECONDS = 30.0
GOAL_MANY_VS_LOOP = 15.0
GOAL_MANY_VS_HOSTS = 3.0
GOAL_BULK_OF_LIMIT = 2.0
GOAL_BULK_CPU = 0.005

# The bare boto3 call: what the module does, without Ansible (one process per call, like a module run).
BARE_BOTO3 = """
import json, os, boto3
client = boto3.client("bedrock-runtime", region_name=os.environ["AWS_REGION"], endpoint_url=os.environ["AWS_URL"])
response = client.invoke_model(modelId=os.environ["BENCH_MODEL"], body=json.dumps({"inputText": "Question"}),
                               contentType="application/json", accept="application/json")
assert "results" in json.loads(response["body"].read())
"""

# Work on big data is done in a child process: a child started by fork (or vfork) reports in ru_maxrss at least
# the high-water mark of its parent's memory, so the parent, which starts every measured process, stays small.
CHOOSE_LARGE_VALUES = """
import math, sys
from bedrock_endpoint import large_embedding_body
target = int(sys.argv[1])
values = int(math.ceil(target / (len(large_embedding_body(100000)) / 100000) / 1000.0)) * 1000
while len(large_embedding_body(values)) < target:
    values += 1000
print(values, len(large_embedding_body(values)))
"""
# What a bedrock_invoke_models run printed: how many answers, how many succeeded, the fewest allowed in flight.
MANY_OUTCOME = """
import json, sys
with open(sys.argv[1], encoding="utf-8") as handle:
    result = json.loads(handle.read().strip().splitlines()[-1])
slept = [entry.get("raw_response", {}).get("slept") for entry in result["responses"]]
summary = result.get("summary", {})
print(json.dumps({"answers": len(slept), "slept": sorted(set(slept)), "succeeded": summary.get("succeeded"),
                  "lowest_concurrency": summary.get("lowest_concurrency"), "failed": bool(result.get("failed"))}))
"""
EMBEDDING_LENGTH = """
import json, sys
with open(sys.argv[1], encoding="utf-8") as handle:
    print(len(json.loads(handle.read().strip().splitlines()[-1])["raw_response"]["embedding"]))
"""

# Callback task names (they are the playbooks' task names).
TASK_MODULE = "Invoke the fast model once per item"
TASK_PING = "Ping once per item"
TASK_SERIAL = "Invoke the slow model once per item, waiting for each answer"
TASK_ASYNC_START = "Start one call per item without waiting"
TASK_ASYNC_COLLECT = "Collect the answers"
TASK_HOSTS = "Invoke the slow model once per host"
TASK_THROTTLE = "Invoke a model throttled 6 times"
TASK_LARGE = "Invoke the model with a large embedding reply"
TASK_MANY = "Invoke the model once per prompt, all from one task"


class BenchError(Exception):
    """A measurement could not be taken (a failed or timed-out process, a wrong answer)."""


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
    def __init__(self, collections: str, work: str, python: str, endpoint_pid: Optional[int] = None) -> None:
        self.collections = collections
        self.endpoint_pid = endpoint_pid
        self.work = work
        self.python = python
        self.samples = Samples()
        self.checks: Dict[str, List[bool]] = {}
        self.large_values = 0
        self.large_body_bytes = 0
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
        interpreter = f"ansible_connection=local ansible_python_interpreter={python}"
        with open(os.path.join(work, "inventory"), "w", encoding="utf-8") as handle:
            handle.write(f"[local]\nlocalhost {interpreter}\n\n[bench_fanout]\n")
            for number in range(CALLS):
                handle.write(f"bench{number:02d} {interpreter}\n")
            handle.write("\n[bench_many]\n")
            for number in range(MANY_PROMPTS):
                handle.write(f"many{number:03d} {interpreter}\n")
            handle.write("\n[bench_throttle]\n")
            for number in range(THROTTLE_SAMPLES):
                handle.write(f"throttle{number:02d} {interpreter}\n")

    # --- running things -------------------------------------------------------------------------------------

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
        with open(log, "w", encoding="utf-8") as err, open(stdout or log, "a", encoding="utf-8") as out:
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
        timings = os.path.join(self.work, f"{label or name}.timings.json")
        variables = {"bench_calls": CALLS, "bench_hosts": "bench_fanout", "bench_run_id": uuid.uuid4().hex[:12]}
        variables.update(extra or {})
        # In a file: a thousand prompts make too long an argument.
        with open(os.path.join(self.work, f"{label or name}.vars.json"), "w", encoding="utf-8") as handle:
            json.dump(variables, handle)
        env = dict(self.env, BENCH_TIMINGS_FILE=timings)
        argv = ["ansible-playbook", "-i", os.path.join(self.work, "inventory"), "--forks", str(forks)]
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

    # --- the measurements -----------------------------------------------------------------------------------

    def startup(self) -> None:
        run = self.playbook("startup")
        self.samples.add("startup_wall", run.process.wall)
        self.samples.add("startup_cpu", run.process.cpu)

    def module_loop(self) -> None:
        run = self.playbook("module_loop")
        self.samples.add("module_call", run.tasks[TASK_MODULE] / CALLS)
        self.samples.add("module_run_cpu", run.process.cpu)

    def ping_loop(self) -> None:
        run = self.playbook("ping_loop")
        self.samples.add("ping_call", run.tasks[TASK_PING] / CALLS)
        self.samples.add("ping_run_cpu", run.process.cpu)

    def bare_boto3(self) -> None:
        env = dict(self.env, BENCH_MODEL=FAST_MODEL)
        runs = [self.run([self.python, "-c", BARE_BOTO3], f"bare_boto3_{number}", env) for number in range(CALLS)]
        self.samples.add("bare_call", sum(run.wall for run in runs) / CALLS)
        self.samples.add("bare_cpu", sum(run.cpu for run in runs) / CALLS)

    def serial_slow(self) -> None:
        run = self.playbook("serial_slow")
        self.samples.add("serial", run.tasks[TASK_SERIAL])
        self.samples.add("serial_e2e", run.process.wall)

    def async_fanout(self) -> None:
        run = self.playbook("async_fanout")
        self.samples.add("async_start", run.tasks[TASK_ASYNC_START])
        self.samples.add("async_collect", run.tasks[TASK_ASYNC_COLLECT])
        self.samples.add("async", run.tasks[TASK_ASYNC_START] + run.tasks[TASK_ASYNC_COLLECT])
        self.samples.add("async_e2e", run.process.wall)

    def hosts_fanout(self) -> None:
        run = self.playbook("hosts_fanout", forks=CALLS)
        self.samples.add("hosts", run.tasks[TASK_HOSTS])
        self.samples.add("hosts_e2e", run.process.wall)
        self.samples.add("hosts_run_cpu", run.process.cpu)

    def hosts_fanout_one_core(self) -> None:
        """The same fan-out with the whole run held to one CPU: with the run on every core, how time scales."""
        run = self.playbook("hosts_fanout", forks=CALLS, cpus=[min(os.sched_getaffinity(0))], label="hosts_one_core")
        self.samples.add("hosts_one_core", run.tasks[TASK_HOSTS])

    def throttle(self) -> None:
        run = self.playbook("throttle", forks=THROTTLE_SAMPLES)
        for host_seconds in run.hosts[TASK_THROTTLE].values():
            self.samples.add("throttle", host_seconds)

    def large_direct(self) -> None:
        output = os.path.join(self.work, "large_direct.out")
        args = self.module_args("large_direct", one_call_args(f"test.large-{self.large_values}"))
        run = self.run([self.python, "-m", MODULE, args], "large_direct", self.module_env(), stdout=output)
        length = subprocess.run(
            [self.python, "-c", EMBEDDING_LENGTH, output], check=True, capture_output=True, text=True
        ).stdout.strip()
        self.check("large_direct", length == str(self.large_values))
        self.samples.add("large_direct_wall", run.wall)
        self.samples.add("large_direct_rss_mb", run.maxrss_kb / 1024)
        self.samples.add("large_direct_cpu", run.cpu)

    def large_playbook(self) -> None:
        # The playbook asserts that the embedding has bench_large_values values; a failed assert fails the run.
        run = self.playbook("large_reply", {"bench_large_values": self.large_values})
        self.check("large_playbook", True)
        self.samples.add("large_e2e", run.process.wall)
        self.samples.add("large_task", run.tasks[TASK_LARGE])
        self.samples.add("large_e2e_rss_mb", run.process.maxrss_kb / 1024)

    # --- many prompts: amazon.ai.bedrock_invoke_models ------------------------------------------------------------

    def many_module(self) -> None:
        run = self.playbook(
            "many_prompts", many_vars(MANY_PROMPTS, SLOW_SECONDS, MANY_CONCURRENCY), label="many_module"
        )
        self.samples.add("many_module", run.tasks[TASK_MANY])

    def many_loop(self) -> None:
        run = self.playbook("serial_slow", {"bench_calls": MANY_PROMPTS}, label="many_loop")
        self.samples.add("many_loop", run.tasks[TASK_SERIAL])

    def many_hosts(self) -> None:
        run = self.playbook("hosts_fanout", {"bench_hosts": "bench_many"}, forks=MANY_FORKS, label="many_hosts")
        self.samples.add("many_hosts", run.tasks[TASK_HOSTS])
        self.samples.add("many_hosts_run_cpu", run.process.cpu)

    def bulk_playbook(self, prompts: int) -> None:
        """BULK_PROMPTS prompts to the quick model from one task (prompts=0: the same task sending nothing)."""
        key = "bulk" if prompts else "bulk_empty"
        before = self.endpoint_cpu()
        run = self.playbook("many_prompts", many_vars(prompts, BULK_SECONDS, BULK_CONCURRENCY), label=key)
        self.samples.add(f"{key}_task", run.tasks[TASK_MANY])
        self.samples.add(f"{key}_run_cpu", run.process.cpu)
        self.samples.add(f"{key}_rss_mb", run.process.maxrss_kb / 1024)
        if prompts and before is not None:
            self.samples.add("bulk_endpoint_cpu", self.endpoint_cpu() - before)

    def bulk_direct(self, prompts: int) -> None:
        """The module process alone (run directly, as for the large reply): its wall, CPU and peak RSS."""
        key = "bulk_direct" if prompts else "bulk_empty_direct"
        output = os.path.join(self.work, f"{key}.out")
        args = self.module_args(key, bulk_args(prompts))
        run = self.run([self.python, "-m", MANY_MODULE, args], key, self.module_env(), output)
        self.check_bulk_output(key, output, prompts)
        self.samples.add(f"{key}_wall", run.wall)
        self.samples.add(f"{key}_cpu", run.cpu)
        self.samples.add(f"{key}_rss_mb", run.maxrss_kb / 1024)

    def check_bulk_output(self, name: str, output: str, prompts: int) -> None:
        """Fail the measurement unless every prompt was answered by the quick model, none held back."""
        outcome = json.loads(
            subprocess.run([self.python, "-c", MANY_OUTCOME, output], check=True, capture_output=True, text=True).stdout
        )
        expected = {
            "answers": prompts,
            "slept": [BULK_SECONDS] if prompts else [],
            "succeeded": prompts,
            "lowest_concurrency": BULK_CONCURRENCY,
            "failed": False,
        }
        if outcome != expected:
            raise BenchError(f"{name}: the module returned {outcome}, not {expected}; its output is in {output}")

    def endpoint_check(self) -> None:
        """Can the fake serve PROBE_REQUESTS requests at once, and answer a kept-alive connection without delay?"""
        self.samples.add("probe_parallel", parallel_requests(PROBE_REQUESTS, PROBE_SECONDS))
        self.samples.add("probe_keepalive", keepalive_request_time(FAST_MODEL, 20))

    def endpoint_cpu(self) -> Optional[float]:
        """CPU seconds the endpoint's process has used so far (None when its pid is unknown)."""
        if not self.endpoint_pid:
            return None
        with open(f"/proc/{self.endpoint_pid}/stat", encoding="ascii") as handle:
            fields = handle.read().rsplit(")", 1)[1].split()
        # utime and stime are fields 14 and 15 of stat(5); fields[0] here is field 3.
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def phases(self, name: str, module_args: Dict[str, Any]) -> Dict[str, Any]:
        """One instrumented direct run of a module (scripts/bench/phases.py), outside the rounds."""
        report = os.path.join(self.work, f"{name}.phases.json")
        args = self.module_args(name, module_args)
        output = os.path.join(self.work, f"{name}.out")
        argv = [self.python, os.path.join(HERE, "phases.py"), args, report]
        run = self.run(argv, name, self.module_env(), stdout=output)
        with open(report, encoding="utf-8") as handle:
            phases = json.load(handle)
        phases["wall"] = run.wall
        phases["maxrss_mb"] = run.maxrss_kb / 1024
        return phases

    def choose_large_values(self) -> None:
        """The number of floats that makes test.large-N's reply just over LARGE_BODY_BYTES."""
        output = subprocess.run(
            [self.python, "-c", CHOOSE_LARGE_VALUES, str(LARGE_BODY_BYTES)],
            check=True,
            capture_output=True,
            text=True,
            cwd=os.path.join(ROOT, "tests", "support"),
        ).stdout.split()
        self.large_values, self.large_body_bytes = int(output[0]), int(output[1])


def one_call_args(model_id: str) -> Dict[str, Any]:
    """bedrock_invoke_model's arguments for one embedding request to model_id."""
    return {"model_id": model_id, "body": {"inputText": "Embed me"}}


def bulk_args(prompts: int) -> Dict[str, Any]:
    """bedrock_invoke_models's arguments for `prompts` prompts to the quick model, BULK_CONCURRENCY in flight."""
    variables = many_vars(prompts, BULK_SECONDS, BULK_CONCURRENCY)
    return {
        "model_id": f"test.slow-{BULK_SECONDS}.bench-{variables['bench_run_id']}",
        "bodies": variables["bench_bodies"],
        "max_concurrency": BULK_CONCURRENCY,
    }


def many_vars(prompts: int, latency: float, concurrency: int) -> Dict[str, Any]:
    """many_prompts.yml's variables: one body per prompt for the model that answers after `latency` seconds."""
    return {
        "bench_bodies": [{"inputText": f"Question {number}"} for number in range(prompts)],
        "bench_seconds": latency,
        "bench_concurrency": concurrency,
        "bench_run_id": uuid.uuid4().hex[:12],
    }


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


def waves(prompts: int, concurrency: int) -> int:
    """How many times in a row a full set of `concurrency` requests must be sent to send them all."""
    return math.ceil(prompts / concurrency)


def concurrency_limit(prompts: int, concurrency: int, latency: float, startup: float) -> float:
    """The limit of one task sending `prompts` requests, `concurrency` at a time, to a model taking `latency` s.

    Their latency shared among the requests in flight, plus the start-up of the one task: the time they would take
    if the task always had `concurrency` in flight and each request cost nothing.
    """
    return prompts / concurrency * latency + startup


def effective_concurrency(prompts: int, latency: float, wall: float, startup: float) -> Optional[float]:
    """How many requests were in flight on average: the latency of all of them over the time spent sending them."""
    sending = wall - startup
    return prompts * latency / sending if sending > 0 else None


def per_request(total: float, baseline: float, requests: int) -> float:
    """What each request added to `total` over `baseline`, the same run without the requests."""
    return (total - baseline) / requests


def paired(numerators: List[float], denominators: List[float]) -> List[float]:
    """numerator / denominator for measurements taken back to back, in the order taken."""
    return [numerator / denominator for numerator, denominator in zip(numerators, denominators)]


def cpu_for_speedup(speedup: float, fastest: float, prompts: int, cores: int) -> float:
    """CPU-seconds per prompt a CPU-bound fan-out must cost to take `speedup` times `fastest`, the least time
    the one task can take, on `cores` cores: below it no implementation of the one task reaches the speed-up."""
    return speedup * fastest * cores / prompts


def cores_for_goal(work: float, target: float, latency: float) -> Optional[float]:
    """Cores that finish `work` CPU-seconds early enough for the last call's `latency` to end by `target` s."""
    return work / (target - latency) if target > latency else None


def scaling_fit(one_core: List[float], all_cores: float, cores: int, target: float, latency: float) -> Dict[str, Any]:
    """Fit time = fixed + work / cores through the fan-out on one core and on every core.

    fixed is what more cores cannot shorten (the model's latency, the controller's one-at-a-time work), work the
    CPU-seconds the calls spread over the cores. Returns the fit and the cores that would bring the fan-out down
    to target seconds: None when fixed alone exceeds the target, or when the fit is not credible (fixed well below
    the model's own latency, which it cannot be, as when a busy machine slows the one-core run more than the cores
    explain); nothing when there is no one-core run to fit.
    """
    if not one_core or cores < 2:
        return {}
    one = statistics.median(one_core)
    work = (one - all_cores) / (1 - 1 / cores)
    fixed = one - work
    credible = fixed >= 0.75 * latency and work > 0
    needed = math.ceil(work / (target - fixed)) if credible and target > fixed else None
    return {
        "one_core": one,
        "fit_fixed": fixed,
        "fit_work": work,
        "fit_credible": credible,
        "fit_cores_for_goal": needed,
    }


def _listed(values: List[float], template: str) -> str:
    return ", ".join(template.format(value) for value in values)


def _rotated(items: List[Any], shift: int) -> List[Any]:
    shift %= len(items)
    return items[shift:] + items[:shift]


def _measure(name: str, measure: Callable[[], None]) -> None:
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
from ansible_collections.amazon.ai.plugins.module_utils import bedrock
print(json.dumps({
    "python": platform.python_version(), "ansible_core": ansible.release.__version__,
    "boto3": boto3.__version__, "botocore": botocore.__version__,
    "client_attempts": bedrock.CLIENT_CONFIG["retries"]["total_max_attempts"],
    "read_timeout": bedrock.CLIENT_CONFIG["read_timeout"],
    "module_tries": bedrock.RETRY_ATTEMPTS, "module_delay": bedrock.RETRY_DELAY,
    "module_max_delay": bedrock.RETRY_MAX_DELAY,
}))
"""


def module_sleep(facts: Dict[str, Any], sleeps: int) -> float:
    """The longest the module's jittered backoff can sleep in its first `sleeps` sleeps."""
    delay, most = float(facts["module_delay"]), float(facts["module_max_delay"])
    return sum(min(delay * 2**n, most) for n in range(sleeps))


def worst_case_retry_sleep(facts: Dict[str, Any], throttles: int) -> Tuple[float, int]:
    """The longest the retries can sleep before the call that follows `throttles` refusals, and its botocore calls.

    botocore makes client_attempts attempts per call (1: its retries are off), sleeping at most 1, 2, 4, ... s
    (20 s at most) between them; when a call still fails, the module's jittered backoff sleeps at most
    delay * 2**n s (max_delay at most) and calls again.
    """
    attempts = int(facts["client_attempts"])
    remaining, sleep, calls = throttles, 0.0, 0
    while True:
        calls += 1
        if remaining < attempts:
            return sleep + sum(min(2.0**i, 20.0) for i in range(remaining)), calls
        sleep += sum(min(2.0**i, 20.0) for i in range(attempts - 1))
        remaining -= attempts
        sleep += min(float(facts["module_delay"]) * 2 ** (calls - 1), float(facts["module_max_delay"]))


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
    facts.update(cpu=cpu, cores=str(len(os.sched_getaffinity(0))), memory=memory, system=system, commit=commit)
    return facts


# --- the report -------------------------------------------------------------------------------------------------


def seconds(value: float) -> str:
    return f"{value:.2f} s" if value >= 0.995 else f"{value * 1000:.0f} ms"


def megabytes(value: float) -> str:
    return f"{value:.0f} MB"


def spread(values: List[float], unit: Callable[[float], str] = seconds) -> str:
    return f"{unit(min(values))} – {unit(max(values))}" if len(values) > 1 else "–"


def against_goal(value: float, goal: float, decimals: int) -> str:
    """value with `decimals` decimals, or with as many more as it takes not to read as the goal it misses or meets.

    2.997 against a goal of 3 is "2.997", not "3.0", which would read as met.
    """
    while decimals < 6 and value != goal and f"{value:.{decimals}f}" == f"{goal:.{decimals}f}":
        decimals += 1
    return f"{value:.{decimals}f}"


def verdict(ok: bool) -> str:
    return "**PASS**" if ok else "**FAIL**"


# The rows of each part's table of results: label, sample, unit.
MANY_ROWS: List[Tuple[str, str, Callable[[float], str]]] = [
    (
        f"Endpoint: {PROBE_REQUESTS} requests at once to a {PROBE_SECONDS} s model, each on a new connection",
        "probe_parallel",
        seconds,
    ),
    ("Endpoint: a request to the fast model on a kept-alive connection", "probe_keepalive", seconds),
    (
        f"A, B. {MANY_PROMPTS} prompts to a {SLOW_SECONDS} s model: one task of bedrock_invoke_models, "
        f"max_concurrency {MANY_CONCURRENCY}",
        "many_module",
        seconds,
    ),
    (f"A. {MANY_PROMPTS} prompts: a {MANY_PROMPTS}-item loop of bedrock_invoke_model", "many_loop", seconds),
    (
        f"B. {MANY_PROMPTS} prompts: bedrock_invoke_model on {MANY_PROMPTS} hosts, forks {MANY_FORKS}",
        "many_hosts",
        seconds,
    ),
    (
        f"C. {BULK_PROMPTS:,} prompts to a {BULK_SECONDS} s model: one task of bedrock_invoke_models, "
        f"max_concurrency {BULK_CONCURRENCY}",
        "bulk_task",
        seconds,
    ),
    ("C. the same task with no bodies (its start-up)", "bulk_empty_task", seconds),
    (f"D. {BULK_PROMPTS:,} prompts: CPU of the whole ansible-playbook run", "bulk_run_cpu", seconds),
    ("D. no bodies: CPU of the whole ansible-playbook run", "bulk_empty_run_cpu", seconds),
    (f"D. {BULK_PROMPTS:,} prompts: CPU of the module process run directly", "bulk_direct_cpu", seconds),
    ("D. no bodies: CPU of the module process run directly", "bulk_empty_direct_cpu", seconds),
    (f"D. {BULK_PROMPTS:,} prompts: CPU of the endpoint (not counted in D)", "bulk_endpoint_cpu", seconds),
    (f"{BULK_PROMPTS:,} prompts: the module process run directly, wall", "bulk_direct_wall", seconds),
    (f"{BULK_PROMPTS:,} prompts: the module process run directly, peak RSS", "bulk_direct_rss_mb", megabytes),
    ("no bodies: the module process run directly, peak RSS", "bulk_empty_direct_rss_mb", megabytes),
    (f"{BULK_PROMPTS:,} prompts: peak RSS of the largest ansible-playbook process", "bulk_rss_mb", megabytes),
    ("no bodies: peak RSS of the largest ansible-playbook process", "bulk_empty_rss_mb", megabytes),
]
SINGLE_ROWS = [
    ("1. amazon.ai.bedrock_invoke_model, per call (20-item loop, fast model)", "module_call", seconds),
    ("1. ansible.builtin.ping, per call (20-item loop)", "ping_call", seconds),
    ("1. bare boto3 process (import, client, invoke_model), per call", "bare_call", seconds),
    ("2. 20 calls to a 2 s model: serial loop", "serial", seconds),
    ("2. 20 calls: async/poll 0 fan-out (start + async_status)", "async", seconds),
    ("2. 20 calls: fan-out across 20 hosts, forks 20", "hosts", seconds),
    ("2. 20 calls: the same fan-out held to one core", "hosts_one_core", seconds),
    ("3. time to success after 6 ThrottlingException answers", "throttle", seconds),
    ("4. 10 MB reply: module process wall time (run directly)", "large_direct_wall", seconds),
    ("4. 10 MB reply: module process peak RSS", "large_direct_rss_mb", megabytes),
    ("4. 10 MB reply: ansible-playbook end to end", "large_e2e", seconds),
    ("4. 10 MB reply: the task alone inside ansible-playbook", "large_task", seconds),
    ("4. 10 MB reply: peak RSS of the largest ansible-playbook process", "large_e2e_rss_mb", megabytes),
    ("ansible-playbook start-up (a play without tasks), end to end", "startup_wall", seconds),
]


@dataclass
class Results:
    bench: Bench
    rounds: int
    machine: Dict[str, Any]
    started: str
    duration: float
    load_before: Tuple[float, float, float]
    load_after: Tuple[float, float, float]
    small_phases: Dict[str, Any]
    large_phases: Dict[str, Any]
    launcher_rss_mb: float
    many_phases: Dict[str, Any] = field(default_factory=dict)

    def derived(self) -> Dict[str, Any]:
        """The numbers the report computes from the samples, for the parts of the benchmark that ran."""
        d: Dict[str, Any] = {}
        if self.bench.samples.get("bulk_task"):
            d.update(self.derived_many())
        if self.bench.samples.get("module_call"):
            d.update(self.derived_single())
        return d

    def derived_many(self) -> Dict[str, Any]:
        s = self.bench.samples
        d: Dict[str, Any] = {
            "probe_parallel": s.median("probe_parallel"),
            "probe_keepalive": s.median("probe_keepalive"),
        }
        # One task of bedrock_invoke_models that sends nothing: the start-up every task of it pays.
        startup = d["task_startup"] = s.median("bulk_empty_task")
        if s.get("many_module"):
            module, loop, hosts = s.median("many_module"), s.median("many_loop"), s.median("many_hosts")
            d.update(many_module=module, many_loop=loop, many_hosts=hosts)
            d["many_vs_loop"], d["many_vs_hosts"] = loop / module, hosts / module
            d["many_waves"] = waves(MANY_PROMPTS, MANY_CONCURRENCY)
            d["many_wave_bound"] = d["many_waves"] * SLOW_SECONDS + startup
            d["many_in_flight"] = effective_concurrency(MANY_PROMPTS, SLOW_SECONDS, module, startup)
            d["many_in_flight_best"] = MANY_PROMPTS / d["many_waves"]
            d["many_loop_item"] = loop / MANY_PROMPTS
            # The whole run's CPU time (its start-up is about a hundredth of it) per call, and how long that
            # takes on every core at once.
            d["many_hosts_cpu"] = s.median("many_hosts_run_cpu") / MANY_PROMPTS
            d["many_hosts_floor"] = MANY_PROMPTS * d["many_hosts_cpu"] / int(self.machine["cores"])
            # The one task cannot beat its rounds of latency plus its start-up, however it is written.
            d["many_hosts_cpu_for_goal"] = cpu_for_speedup(
                GOAL_MANY_VS_HOSTS, d["many_wave_bound"], MANY_PROMPTS, int(self.machine["cores"])
            )
        # 1,000 quick prompts, every round: the limit takes the start-up measured in the same round.
        d["bulk_limit_rounds"] = [
            concurrency_limit(BULK_PROMPTS, BULK_CONCURRENCY, BULK_SECONDS, empty) for empty in s.get("bulk_empty_task")
        ]
        d["bulk_of_limit_rounds"] = paired(s.get("bulk_task"), d["bulk_limit_rounds"])
        d["bulk_of_limit"] = statistics.median(d["bulk_of_limit_rounds"])
        d["bulk_task"], d["bulk_limit"] = s.median("bulk_task"), statistics.median(d["bulk_limit_rounds"])
        d["bulk_waves"] = waves(BULK_PROMPTS, BULK_CONCURRENCY)
        d["bulk_wave_bound"] = d["bulk_waves"] * BULK_SECONDS + startup
        d["bulk_in_flight"] = effective_concurrency(BULK_PROMPTS, BULK_SECONDS, d["bulk_task"], startup)
        d["bulk_in_flight_best"] = BULK_PROMPTS / d["bulk_waves"]
        d["bulk_direct_in_flight"] = effective_concurrency(
            BULK_PROMPTS, BULK_SECONDS, s.median("bulk_direct_wall"), s.median("bulk_empty_direct_wall")
        )
        d["bulk_cpu_rounds"] = [
            per_request(full, empty, BULK_PROMPTS)
            for full, empty in zip(s.get("bulk_run_cpu"), s.get("bulk_empty_run_cpu"))
        ]
        d["bulk_cpu"] = statistics.median(d["bulk_cpu_rounds"])
        d["bulk_cpu_all_in"] = s.median("bulk_run_cpu") / BULK_PROMPTS
        d["bulk_module_cpu"] = statistics.median(
            per_request(full, empty, BULK_PROMPTS)
            for full, empty in zip(s.get("bulk_direct_cpu"), s.get("bulk_empty_direct_cpu"))
        )
        d["bulk_controller_cpu"] = d["bulk_cpu"] - d["bulk_module_cpu"]
        if s.get("bulk_endpoint_cpu"):
            d["bulk_endpoint_cpu"] = s.median("bulk_endpoint_cpu") / BULK_PROMPTS
        d["bulk_rss_per_request_kb"] = (
            per_request(s.median("bulk_direct_rss_mb"), s.median("bulk_empty_direct_rss_mb"), BULK_PROMPTS) * 1024
        )
        return d

    def derived_single(self) -> Dict[str, Any]:
        s = self.bench.samples
        cores = int(self.machine["cores"])
        d: Dict[str, Any] = {}
        d["module"], d["ping"], d["bare"] = s.median("module_call"), s.median("ping_call"), s.median("bare_call")
        d["floor"] = d["ping"] + d["bare"]
        # Goal metrics are ratios of measurements taken back to back in the same round, then the median of those.
        d["ratio_rounds"] = [
            module / (ping + bare)
            for module, ping, bare in zip(s.get("module_call"), s.get("ping_call"), s.get("bare_call"))
        ]
        d["ratio"] = statistics.median(d["ratio_rounds"])
        d["ratio_of_medians"] = d["module"] / d["floor"]
        d["extra"] = d["module"] - d["floor"]
        startup_cpu = s.median("startup_cpu")
        d["module_cpu"] = (s.median("module_run_cpu") - startup_cpu) / CALLS
        d["ping_cpu"] = (s.median("ping_run_cpu") - startup_cpu) / CALLS
        d["bare_cpu"] = s.median("bare_cpu")
        d["hosts_cpu"] = (s.median("hosts_run_cpu") - startup_cpu) / CALLS
        d["serial"], d["async"], d["hosts"] = s.median("serial"), s.median("async"), s.median("hosts")
        for name in ("async", "hosts"):
            d[f"{name}_speedup_rounds"] = [serial / fan for serial, fan in zip(s.get("serial"), s.get(name))]
            d[f"{name}_speedup"] = statistics.median(d[f"{name}_speedup_rounds"])
        d["serial_overhead"] = d["serial"] / CALLS - SLOW_SECONDS
        # A fan-out can finish no sooner than its CPU work spread over every core, nor than one call's latency.
        d["hosts_floor"] = max(SLOW_SECONDS, CALLS * d["hosts_cpu"] / cores)
        d["hosts_bound"] = d["serial"] / d["hosts_floor"]
        d["cores_for_goal"] = cores_for_goal(CALLS * d["hosts_cpu"], d["serial"] / GOAL_SPEEDUP, SLOW_SECONDS)
        d.update(scaling_fit(s.get("hosts_one_core"), d["hosts"], cores, d["serial"] / GOAL_SPEEDUP, SLOW_SECONDS))
        # The async fan-out starts, then checks, every call from the one controller process, one item at a time:
        # at least two task runs per call, each no cheaper than a ping.
        d["async_start_item"] = s.median("async_start") / CALLS
        d["async_collect_item"] = s.median("async_collect") / CALLS
        d["async_floor"] = 2 * CALLS * d["ping"]
        d["async_bound"] = d["serial"] / d["async_floor"]
        d["throttle_median"] = s.median("throttle")
        d["throttle_max"] = max(s.get("throttle"))
        d["throttle_worst_sleep"], d["throttle_calls"] = worst_case_retry_sleep(self.machine, THROTTLES)
        return d

    def table(self, rows: List[Tuple[str, str, Callable[[float], str]]]) -> List[Tuple[str, str, str, str]]:
        s = self.bench.samples
        return [
            (label, unit(s.median(key)), spread(s.get(key), unit), str(len(s.get(key))))
            for label, key, unit in rows
            if s.get(key)
        ]

    def print_table(self) -> None:
        rows = [("Measurement", "Median", "Range", "n")] + self.table(MANY_ROWS) + self.table(SINGLE_ROWS)
        widths = [max(len(row[i]) for row in rows) for i in range(4)]
        for number, row in enumerate(rows):
            print("  ".join(cell.ljust(widths[i]) if i == 0 else cell.rjust(widths[i]) for i, cell in enumerate(row)))
            if number == 0:
                print("  ".join("-" * width for width in widths))
        print()
        if self.bench.samples.get("bulk_task"):
            for goal, measured, ok in self.many_goals():
                print(f"Goal {goal}: {measured.replace('**', '')}: {'PASS' if ok else 'FAIL'}")
        if self.bench.samples.get("module_call"):
            self.print_single_goals()

    def many_goals(self) -> List[Tuple[str, str, bool]]:
        """(goal, what was measured, met) for each goal of the many-prompts part."""
        d = self.derived()
        goals = []
        if "many_module" in d:
            goals += [
                (
                    f"A. {MANY_PROMPTS} prompts to a {SLOW_SECONDS} s model: one task of bedrock_invoke_models at "
                    f"least {GOAL_MANY_VS_LOOP:.0f}× faster than a loop of bedrock_invoke_model",
                    f"loop / one task = {seconds(d['many_loop'])} / {seconds(d['many_module'])} = "
                    f"**{against_goal(d['many_vs_loop'], GOAL_MANY_VS_LOOP, 1)}×**",
                    d["many_vs_loop"] >= GOAL_MANY_VS_LOOP,
                ),
                (
                    f"B. The same task at least {GOAL_MANY_VS_HOSTS:.0f}× faster than bedrock_invoke_model fanned "
                    f"out across {MANY_PROMPTS} hosts with forks {MANY_FORKS}",
                    f"hosts / one task = {seconds(d['many_hosts'])} / {seconds(d['many_module'])} = "
                    f"**{against_goal(d['many_vs_hosts'], GOAL_MANY_VS_HOSTS, 1)}×**",
                    d["many_vs_hosts"] >= GOAL_MANY_VS_HOSTS,
                ),
            ]
        return goals + [
            (
                f"C. {BULK_PROMPTS:,} prompts to a {BULK_SECONDS} s model at max_concurrency {BULK_CONCURRENCY} "
                f"within {GOAL_BULK_OF_LIMIT:.0f}× of the limit ({BULK_PROMPTS:,} / {BULK_CONCURRENCY} × "
                f"{BULK_SECONDS} s + the task's start-up)",
                f"task / limit = {seconds(d['bulk_task'])} / {seconds(d['bulk_limit'])} = "
                f"**{against_goal(d['bulk_of_limit'], GOAL_BULK_OF_LIMIT, 2)}** (rounds: {_listed(d['bulk_of_limit_rounds'], '{:.2f}')})",
                d["bulk_of_limit"] <= GOAL_BULK_OF_LIMIT,
            ),
            (
                f"D. CPU time per request under {GOAL_BULK_CPU * 1000:.0f} ms",
                f"**{against_goal(d['bulk_cpu'] * 1000, GOAL_BULK_CPU * 1000, 2)} ms** (rounds: "
                f"{_listed([cpu * 1000 for cpu in d['bulk_cpu_rounds']], '{:.2f}')})",
                d["bulk_cpu"] < GOAL_BULK_CPU,
            ),
        ]

    def print_single_goals(self) -> None:
        d = self.derived()
        print(
            f"Goal 1  module / (ping + bare boto3), median of the rounds = {d['ratio']:.2f} "
            f"(rounds: {_listed(d['ratio_rounds'], '{:.2f}')}; medians: {d['module']:.3f} / ({d['ping']:.3f} + "
            f"{d['bare']:.3f}) = {d['ratio_of_medians']:.2f}), goal <= {GOAL_OVERHEAD:.2f}: "
            f"{'PASS' if d['ratio'] <= GOAL_OVERHEAD else 'FAIL'}"
        )
        for name in ("async", "hosts"):
            speedup = d[f"{name}_speedup"]
            print(
                f"Goal 2  {name} fan-out speed-up, median of the rounds = {speedup:.1f}x "
                f"(rounds: {_listed(d[f'{name}_speedup_rounds'], '{:.1f}x')}), goal >= {GOAL_SPEEDUP:.0f}x: "
                f"{'PASS' if speedup >= GOAL_SPEEDUP else 'FAIL'}"
            )
        print(
            f"Goal 3  throttled 6 times: median {d['throttle_median']:.1f} s, max {d['throttle_max']:.1f} s "
            f"(goal < {GOAL_THROTTLE_SECONDS:.0f} s): {'PASS' if d['throttle_max'] < GOAL_THROTTLE_SECONDS else 'FAIL'}"
        )
        print(f"Goal 4  10 MB reply returned whole: {'PASS' if self.whole() else 'FAIL'}")

    def whole(self) -> bool:
        checks = self.bench.checks
        return (
            bool(checks.get("large_direct"))
            and bool(checks.get("large_playbook"))
            and all(all(values) for values in checks.values())
        )

    def markdown(self) -> str:
        m = self.machine
        out: List[str] = []
        w = out.append
        w("# Benchmarks")
        w("")
        w(
            "How fast many prompts go with `amazon.ai.bedrock_invoke_models`, against the ways of sending them without "
            "it, and what a user pays per call of `amazon.ai.bedrock_invoke_model`. Written by "
            "`make bench` (`scripts/bench.sh`); do not edit by hand, run it again. Every number comes from real "
            "`ansible-playbook` runs (or real processes) against the project's Bedrock Runtime fake on 127.0.0.1 "
            "(`tests/support/bedrock_endpoint.py`), so the model's own latency is known exactly and nothing leaves "
            "the machine."
        )
        w("")
        once = self.bench.samples.get("many_module")
        w(
            f"The run took {self.duration / 60:.1f} minutes: {self.rounds} round{'s' if self.rounds != 1 else ''}, "
            "each running every measurement of the rounds once, in an order rotated from round to round so that "
            "whatever else the machine was doing is spread over all of them"
            + (
                f"; then, once, the {MANY_PROMPTS}-prompt comparison of `bedrock_invoke_models` with a loop and a "
                f"fan-out across hosts, which takes {self.once_minutes():.1f} minutes, too long to repeat every round"
                if once
                else ""
            )
            + ". The tables give each measurement's median over the rounds and its range."
        )
        w("")
        w("## Machine")
        w("")
        w("| | |")
        w("| --- | --- |")
        w(f"| Date (UTC) | {self.started} |")
        w(f"| CPU | {m['cpu']} |")
        w(f"| Cores available | {m['cores']} |")
        w(f"| Memory | {m['memory']} |")
        w(f"| System | {m['system']} |")
        w(f"| Python | {m['python']} |")
        w(f"| ansible-core | {m['ansible_core']} |")
        w(f"| boto3 / botocore | {m['boto3']} / {m['botocore']} |")
        w(
            f"| Retries | the module's: {m['module_tries']} tries, jittered backoff of at most {m['module_delay']} s "
            f"doubling to {m['module_max_delay']} s; botocore's: {m['client_attempts']} attempt per call; read "
            f"timeout {m['read_timeout']} s |"
        )
        w(f"| Commit | `{m['commit']}` |")
        w(
            "| Load average (1, 5, 15 min) | before: "
            + ", ".join(f"{x:.2f}" for x in self.load_before)
            + "; after: "
            + ", ".join(f"{x:.2f}" for x in self.load_after)
            + " |"
        )
        w("")
        if self.bench.samples.get("bulk_task"):
            self.markdown_many(w)
        if self.bench.samples.get("module_call"):
            self.markdown_single(w)
        w("## Run it")
        w("")
        w("```bash")
        w("make bench                      # or: PATH=$PWD/.venv/bin:$PATH scripts/bench.sh")
        w("BENCH_ROUNDS=5 make bench       # more rounds, tighter medians (4 minutes a round on 2 cores, 6 once)")
        w("BENCH_ONLY=many make bench      # only the many-prompts part; writes build/bench/benchmarks.md instead")
        w("```")
        w("")
        w(
            "The absolute numbers depend on the machine (mostly single-core speed and the number of cores) and on "
            "what else it is doing (see the load average above); the ratios are what to compare between machines. "
            "Every run's log, timings and raw samples stay in `build/bench/` until the next run."
        )
        return "\n".join(out) + "\n"

    def markdown_many(self, w: Callable[[str], None]) -> None:
        """The report on many prompts from one task of bedrock_invoke_models, against the ways without it."""
        d = self.derived()
        s = self.bench.samples
        once = "many_module" in d
        w("## Many prompts in one task: amazon.ai.bedrock_invoke_models")
        w("")
        w(
            "`amazon.ai.bedrock_invoke_models` sends many InvokeModel requests from one task: one process, one AWS "
            "client, `max_concurrency` requests in flight. Here it is measured against the two ways of sending many "
            "prompts without it, a loop of `amazon.ai.bedrock_invoke_model` and a fan-out of it across hosts, and "
            "with many quick prompts, for what each further request costs."
            + (
                f" The {MANY_PROMPTS}-prompt comparison (A, B) runs once per bench run, its three measurements back "
                f"to back, not once per round: its loop alone takes {seconds(d['many_loop'])}. The "
                f"{BULK_PROMPTS:,}-prompt measurements (C, D) and the endpoint check run every round."
                if once
                else ""
            )
        )
        w("")
        self.markdown_results(w, MANY_ROWS)
        for goal, measured, ok in self.many_goals():
            w(f"| {goal} | {measured} | {verdict(ok)} |")
        w("")
        w("### How the numbers are computed")
        w("")
        w(
            f"- **Endpoint check**: before the module is measured, the fake must be able to keep up. {PROBE_REQUESTS} "
            f"plain HTTP requests to `test.slow-{PROBE_SECONDS}` sent at once, each on a new connection, should take "
            f"about {PROBE_SECONDS} s together, and a request on a kept-alive connection to a model that answers at "
            "once should take about a millisecond. The benchmark starts the fake through `scripts/bench/endpoint.py`, "
            "which turns Nagle's algorithm off on its connections and raises its listen backlog from 5: without "
            "that, each request after the first on a kept-alive connection waited 40 ms for a delayed TCP "
            "acknowledgement, and connections opened 16 or 32 at once were dropped and retried a second later. "
            "Neither slows a single call on a new connection, which is what the other measurements make."
        )
        w(
            f"- **{MANY_PROMPTS} prompts (A, B)**: {MANY_PROMPTS} prompts to `test.slow-{SLOW_SECONDS}`, a model "
            f"that answers after {SLOW_SECONDS} s. One task of `bedrock_invoke_models` with the {MANY_PROMPTS} bodies "
            f"and `max_concurrency: {MANY_CONCURRENCY}` (`playbooks/many_prompts.yml`); a {MANY_PROMPTS}-item loop "
            f"of `bedrock_invoke_model` (`playbooks/serial_slow.yml`); one call of it on each of {MANY_PROMPTS} "
            f"inventory hosts with `--forks {MANY_FORKS}` (`playbooks/hosts_fanout.yml`). Times are the task's, from "
            "the callback plugin, without `ansible-playbook`'s own start-up. The playbooks assert that every "
            "answer came from the slow model and, for `bedrock_invoke_models`, that the summary's "
            f"`lowest_concurrency` is the `max_concurrency` asked for (nothing was throttled). Speed-up = the other "
            "way's time / the one task's time."
        )
        w(
            f"- **{BULK_PROMPTS:,} prompts (C)**: one task with {BULK_PROMPTS:,} bodies to `test.slow-{BULK_SECONDS}` "
            f"and `max_concurrency: {BULK_CONCURRENCY}`, and in the same round the same task with an empty list of "
            "bodies, which does everything but send (start the module, import, build the client, return): its time "
            "is the task's start-up. *Limit* = prompts / max_concurrency × latency + that start-up = "
            f"{BULK_PROMPTS:,} / {BULK_CONCURRENCY} × {BULK_SECONDS} s + start-up: the time the requests would take "
            "if the module always had max_concurrency in flight and cost nothing per request. The goal is the task's "
            "time over the limit of the same round, median over the rounds. Since requests go out "
            f"{BULK_CONCURRENCY} at a time, they need at least {d['bulk_waves']} rounds of the model's latency "
            f"({BULK_PROMPTS:,} / {BULK_CONCURRENCY}, rounded up) where the limit counts "
            f"{BULK_PROMPTS / BULK_CONCURRENCY:g}."
        )
        w(
            "- **Requests in flight, from the times**: prompts × latency / (the task's time − its start-up): how many "
            "requests were in flight on average if each took exactly the model's latency. Whatever a request takes "
            "beyond that (its CPU work, waiting for the interpreter), and the controller's handling of the larger "
            "result, lowers it, so it is a lower bound of what the module kept in flight. For C it is also "
            "computed from the module process run directly (its wall time with the bodies − without), and the "
            "profiled run below counts the calls under way instead. With max_concurrency in flight all the "
            "time and nothing but the model's latency it is prompts / the rounds of latency needed "
            f"({MANY_PROMPTS} / {waves(MANY_PROMPTS, MANY_CONCURRENCY)} = "
            f"{MANY_PROMPTS / waves(MANY_PROMPTS, MANY_CONCURRENCY):.1f} for A, "
            f"{BULK_PROMPTS:,} / {d['bulk_waves']} = {d['bulk_in_flight_best']:.1f} for C), since the last round is "
            "not full."
        )
        w(
            f"- **CPU time per request (D)**: user + system time from wait4(2) of the whole `ansible-playbook` run "
            f"(controller, worker and module process) with {BULK_PROMPTS:,} bodies, minus that of the run with no "
            f"bodies in the same round, divided by {BULK_PROMPTS:,}: what one more request costs Ansible's "
            "processes, the controller's handling of its answer included. The module process alone is measured "
            f"the same way, run directly (`python -m {MANY_MODULE} args.json`) with {BULK_PROMPTS:,} bodies and "
            "with none. The endpoint's CPU time (from /proc) is shown beside it and not counted: it stands in for "
            "Bedrock, but it runs on the same cores."
        )
        w(
            "- **Peak memory**: wait4(2)'s `ru_maxrss` (the *Maximum resident set size* of `/usr/bin/time -v`) of "
            f"the module process run directly, with {BULK_PROMPTS:,} bodies and with none, and of the largest single "
            "process of each `ansible-playbook` run (controller, worker or module)."
        )
        w("")
        w("### What the numbers say")
        w("")
        if once:
            w(
                f"**{MANY_PROMPTS} prompts to a {SLOW_SECONDS} s model.** One task of `bedrock_invoke_models` took "
                f"{seconds(d['many_module'])}, the loop {seconds(d['many_loop'])} "
                f"({against_goal(d['many_vs_loop'], GOAL_MANY_VS_LOOP, 1)}×: "
                f"{seconds(d['many_loop_item'])} per item, the model's {SLOW_SECONDS} s plus a task's cost) and the "
                f"fan-out across {MANY_PROMPTS} hosts {seconds(d['many_hosts'])} "
                f"({against_goal(d['many_vs_hosts'], GOAL_MANY_VS_HOSTS, 1)}×). With "
                f"{MANY_CONCURRENCY} in flight the prompts need {d['many_waves']} rounds of the model's "
                f"{SLOW_SECONDS} s, {seconds(d['many_wave_bound'])} with the task's start-up "
                f"({seconds(d['task_startup'])}); "
                + (
                    f"by the times {d['many_in_flight']:.1f} requests were in flight on average, against "
                    f"{d['many_in_flight_best']:.1f} at best. "
                    if d["many_in_flight"] < d["many_in_flight_best"]
                    else f"the times put {d['many_in_flight']:.1f} requests in flight on average, the "
                    f"{d['many_in_flight_best']:.1f} that is the best possible, within the noise of the start-up "
                    "(measured in the rounds, not in this run). "
                )
                + "The fan-out across hosts runs a module process per "
                f"prompt and a controller worker per host, {d['many_hosts_cpu']:.2f} CPU-seconds per prompt: "
                f"{MANY_PROMPTS} prompts need {seconds(d['many_hosts_floor'])} of all {self.machine['cores']} "
                "cores, so it is bound by CPU, not by the model, and more forks would not help; the one task "
                "spends its time waiting for the model. So goal B depends on the machine as much as on the "
                f"module: the one task's time is set by the model and max_concurrency ({d['many_waves']} rounds "
                f"of {SLOW_SECONDS} s; with max_concurrency {math.ceil(MANY_PROMPTS / 4)} or more, 4 rounds), the "
                "fan-out's by the CPU it needs, which more cores shorten and other work on the machine lengthens "
                "(see the load average above). Since no way of sending the prompts at max_concurrency "
                f"{MANY_CONCURRENCY} takes less than those {d['many_waves']} rounds plus the start-up, "
                f"{GOAL_MANY_VS_HOSTS:g}× needs a fan-out of at least "
                f"{seconds(GOAL_MANY_VS_HOSTS * d['many_wave_bound'])}: on {self.machine['cores']} cores, "
                f"{d['many_hosts_cpu_for_goal']:.2f} CPU-seconds per prompt, against the "
                f"{d['many_hosts_cpu']:.2f} it costs here. The cheaper a call of `bedrock_invoke_model`, or the "
                "more cores, the further goal B is out of reach of any module."
            )
            w("")
        w(
            f"**{BULK_PROMPTS:,} prompts to a {BULK_SECONDS} s model.** The task took {seconds(d['bulk_task'])} "
            f"against a limit of {seconds(d['bulk_limit'])} ({d['bulk_of_limit']:.2f}× the limit; at least "
            f"{d['bulk_waves']} rounds of latency make {seconds(d['bulk_wave_bound'])}); on average "
            f"{d['bulk_in_flight']:.1f} requests were in flight by the times ({d['bulk_direct_in_flight']:.1f} by the module "
            f"process run directly), against {d['bulk_in_flight_best']:.1f} at best. "
            f"Each request cost {d['bulk_cpu'] * 1000:.2f} ms of CPU in Ansible's processes: "
            f"{d['bulk_module_cpu'] * 1000:.2f} ms in the module process (signing, sending and parsing the request "
            "in botocore, decoding the answer, the no_log scrub and JSON of its part of the result) and "
            f"{d['bulk_controller_cpu'] * 1000:.2f} ms on the controller (receiving and registering the larger "
            f"result). Counting the whole run, `ansible-playbook`'s start-up included, it is "
            f"{d['bulk_cpu_all_in'] * 1000:.2f} ms per request, against "
            + (
                f"{d['many_hosts_cpu']:.2f} CPU-seconds for each call of `bedrock_invoke_model` in the fan-out "
                "across hosts."
                if "many_hosts_cpu" in d
                else "about a CPU-second for each task of `bedrock_invoke_model`."
            )
            + (
                f" The endpoint spent another {d['bulk_endpoint_cpu'] * 1000:.2f} ms per request on the same cores."
                if "bulk_endpoint_cpu" in d
                else ""
            )
            + " The module process sends from one Python interpreter, which does its CPU work one request at a "
            f"time: at {d['bulk_module_cpu'] * 1000:.2f} ms each it can finish about "
            f"{1 / d['bulk_module_cpu']:.0f} requests a second, against the "
            f"{BULK_CONCURRENCY / BULK_SECONDS:.0f} a second that {BULK_CONCURRENCY} in flight to a "
            f"{BULK_SECONDS} s model bring." + self.in_flight_note()
        )
        w("")
        w(
            f"**Memory.** The module process peaked at {s.median('bulk_direct_rss_mb'):.0f} MB with "
            f"{BULK_PROMPTS:,} prompts and {s.median('bulk_empty_direct_rss_mb'):.0f} MB with none (about "
            f"{d['bulk_rss_per_request_kb']:.0f} KB per request, for the requests, the answers and the result it "
            f"prints); the largest process of the `ansible-playbook` run, {s.median('bulk_rss_mb'):.0f} MB and "
            f"{s.median('bulk_empty_rss_mb'):.0f} MB."
        )
        w("")
        if self.many_phases:
            self.markdown_many_phases(w)
        w(
            "**When to fan out across hosts instead.** `bedrock_invoke_models` runs on one host and sends every "
            "request from there. When each prompt belongs to a host, because the host must call Bedrock itself (its "
            "own credentials, region, network path or data), run `bedrock_invoke_model` on the hosts and let "
            "`forks` run them side by side"
            + ("; the section below measures what that costs." if self.bench.samples.get("module_call") else ".")
        )
        w("")

    def markdown_results(self, w: Callable[[str], None], rows: List[Tuple[str, str, Callable[[float], str]]]) -> None:
        """A part's table of results, and the head of its table of goals."""
        w("### Results")
        w("")
        w("| Measurement | Median | Range | n |")
        w("| --- | ---: | ---: | ---: |")
        for row in self.table(rows):
            w("| " + " | ".join(row) + " |")
        w("")
        w("### Goals")
        w("")
        w("| Goal | Measured | Result |")
        w("| --- | --- | --- |")

    def in_flight_note(self) -> str:
        """What the profiled run's count of calls under way says about the times' lower bound."""
        flight = (self.many_phases or {}).get("in_flight") or {}
        if not flight.get("calls"):
            return ""
        return (
            f" The profiled run below counted {flight['mean']:.1f} calls under way on average (at most "
            f"{flight['peak']}), each taking {seconds(flight['call_seconds'])} from its start to its answer against "
            f"the model's {seconds(BULK_SECONDS)}: the module keeps max_concurrency in flight, and what it loses to "
            "the limit is the time each request spends beyond the model's latency, its CPU work waiting for the one "
            "interpreter and for cores shared with the controller and the endpoint, and the work on the result "
            "after the last answer."
        )

    def markdown_many_phases(self, w: Callable[[str], None]) -> None:
        run = self.many_phases
        flight = run.get("in_flight") or {}
        w(
            f"**Where the task's time goes.** One direct run of `bedrock_invoke_models` with the {BULK_PROMPTS:,} "
            "prompts, outside the rounds (`scripts/bench/phases.py`: the module run in-process, with the functions "
            "that bound each phase timed, and every InvokeModel call under way in botocore counted):"
        )
        w("")
        w("| Phase | Time |")
        w("| --- | ---: |")
        for phase, value in run.get("phases", {}).items():
            w(f"| {phase} | {seconds(value) if value is not None else 'n/a'} |")
        w(f"| interpreter start and exit (the rest) | {seconds(run['wall'] - run['in_process'])} |")
        w(f"| whole process, wall | {seconds(run['wall'])} |")
        w(f"| whole process, peak RSS | {run['maxrss_mb']:.0f} MB |")
        if flight:
            w(
                f"| InvokeModel calls under way at once: most, and average while sending | {flight['peak']}, "
                f"{flight['mean']:.1f} |"
            )
            w(f"| InvokeModel call, from its start to its answer, on average | {seconds(flight['call_seconds'])} |")
        w("")

    def once_minutes(self) -> float:
        s = self.bench.samples
        return sum(s.median(key) for key in ("many_module", "many_loop", "many_hosts")) / 60

    def markdown_single(self, w: Callable[[str], None]) -> None:
        """The report on one call per task: bedrock_invoke_model's cost, fan-outs, throttling, a large reply."""
        d = self.derived()
        m = self.machine
        b = self.bench
        s = b.samples
        cores = int(m["cores"])
        ratio_ok = d["ratio"] <= GOAL_OVERHEAD
        async_ok = d["async_speedup"] >= GOAL_SPEEDUP
        hosts_ok = d["hosts_speedup"] >= GOAL_SPEEDUP
        throttle_ok = d["throttle_max"] < GOAL_THROTTLE_SECONDS
        w("## One call per task: amazon.ai.bedrock_invoke_model")
        w("")
        self.markdown_results(w, SINGLE_ROWS)
        w(
            "| 1. Module per-call time within 10 % of (ping floor + bare boto3 call) | module / (ping + bare "
            f"boto3) = **{d['ratio']:.2f}** (rounds: {_listed(d['ratio_rounds'], '{:.2f}')}; from the medians: "
            f"{seconds(d['module'])} / ({seconds(d['ping'])} + {seconds(d['bare'])}) = {d['ratio_of_medians']:.2f}) "
            f"| {verdict(ratio_ok)} |"
        )
        w(
            f"| 2. A fan-out at least {GOAL_SPEEDUP:.0f}× faster than the serial loop | async/poll 0: "
            f"**{d['async_speedup']:.1f}×** (rounds: {_listed(d['async_speedup_rounds'], '{:.1f}×')}); across "
            f"hosts, forks {CALLS}: **{d['hosts_speedup']:.1f}×** (rounds: "
            f"{_listed(d['hosts_speedup_rounds'], '{:.1f}×')}) | async {verdict(async_ok)}, hosts {verdict(hosts_ok)} |"
        )
        w(
            f"| 3. Succeeds in under {GOAL_THROTTLE_SECONDS:.0f} s after {THROTTLES} throttles | median "
            f"{seconds(d['throttle_median'])}, max {seconds(d['throttle_max'])} over {len(s.get('throttle'))} runs "
            f"| {verdict(throttle_ok)} |"
        )
        w(
            f"| 4. A {b.large_body_bytes / 1e6:.1f} MB JSON reply returned whole | embedding length == "
            f"{b.large_values:,} in every run (direct and through ansible-playbook) | {verdict(self.whole())} |"
        )
        w("")
        w("### How the numbers are computed")
        w("")
        w(
            f"- **Per call (1.)**: the wall time of one task that loops {CALLS} times, divided by {CALLS}. A callback "
            "plugin (`scripts/bench/callback_plugins/bench_timer.py`) times each task from its start to the start "
            "of the next one, so `ansible-playbook`'s own start-up (last row of the results) is not in it; what is "
            "in it is everything a user waits for per item: templating the arguments, building and copying the "
            "module, starting Python, the module's imports, the AWS call and returning the result. The module runs "
            f"against `{FAST_MODEL}`, which the fake answers at once."
        )
        w(
            f"- **Ping floor**: the same {CALLS}-item loop of `ansible.builtin.ping`: what one task costs on this "
            "machine when it does nothing (controller work, a Python process, importing `ansible.module_utils.basic` "
            "from the AnsiballZ zip)."
        )
        w(
            f"- **Bare boto3 call**: {CALLS} processes run one after the other, each a `python -c` that imports "
            "boto3, builds a `bedrock-runtime` client, calls `invoke_model` once and parses the JSON reply; their "
            f"total wall time divided by {CALLS}: the least any tool that starts a process per call pays."
        )
        w(
            "- **Overhead ratio (goal 1)** = module per call / (ping per call + bare boto3 per call), the three "
            "taken back to back in each round and the ratio's median over the rounds given (pairing within a round "
            "cancels the machine getting faster or slower during the run; the ratio of the three medians is shown "
            "too). The module's process "
            "does the work of both floors in one: ansible-core's (controller, AnsiballZ, `ansible.module_utils."
            "basic`) and boto3's (import, client, call). The sum counts twice what both floors pay once each: "
            "starting a Python interpreter and importing the standard-library modules that ansible-core and boto3 "
            "both use. So the sum is a slightly generous floor: a module that added nothing would score a little "
            "under 1.00, and the ratio shows whether the module adds a cost of its own on top of ansible-core and "
            "boto3 (amazon.aws's module_utils, compiled from the AnsiballZ zip on every run; the argument spec; "
            "the action plugin that applies the amazon.aws `module_defaults` groups; the result), not how far it is "
            f"from an absolute floor. Between the medians the difference is {d['extra'] * 1000:+.0f} ms per call "
            f"({(d['ratio_of_medians'] - 1) * 100:+.0f} %)."
        )
        w(
            f"- **Fan-out (2.)**: {CALLS} calls to `test.slow-{SLOW_SECONDS}.<unique id>`, a model that answers after "
            f"{SLOW_SECONDS} s. Serial: one {CALLS}-item loop. Async: the loop with `async: 60`/`poll: 0`, then "
            "`async_status` over the started jobs with `until: ... is finished`, `delay: 1`; its time is the two "
            f"tasks together. Hosts: {CALLS} inventory hosts (`ansible_connection=local`), one call each, "
            f"`--forks {CALLS}`; once more with `ansible-playbook` and every process it starts held to one CPU "
            "(sched_setaffinity(2), which children inherit), to see how the fan-out scales with cores. Speed-up = "
            "serial time / fan-out time, the three taken back to back in each round, "
            "median over the rounds; task times only (end to end, each run also pays the start-up in the last row "
            "of the results)."
        )
        w(
            f"- **Throttling (3.)**: `test.throttle-{THROTTLES}.<unique id>` answers `ThrottlingException` (429) "
            f"{THROTTLES} times, then succeeds; the playbook asserts that the 7th request succeeded. The time runs "
            "from the task's start to its result, Ansible's per-task cost included. The calls spend their time "
            f"sleeping in backoff, so each round takes {THROTTLE_SAMPLES} samples side by side, one per host."
        )
        w(
            f"- **Large reply (4.)**: `test.large-{b.large_values}` returns a JSON embedding of {b.large_values:,} "
            f"floats, {b.large_body_bytes:,} bytes. The module is run directly (`python -m {MODULE} args.json`, as "
            "ansible-core lets one run a module to debug it) for its own wall time and peak RSS, and inside "
            "`ansible-playbook` for the end-to-end time; both check the embedding's length. Peak RSS is wait4(2)'s "
            "`ru_maxrss`, the number `/usr/bin/time -v` prints as *Maximum resident set size*; for ansible-playbook "
            "it is the largest single process of the run (controller, worker or module). A process started by "
            "fork reports at least its parent's high-water mark there, so the benchmark's own process stays "
            f"small ({self.launcher_rss_mb:.0f} MB at most here) and leaves big data to child processes."
        )
        w(
            "- **CPU time** (used below) is user + system time from wait4(2) for a whole `ansible-playbook` run, "
            "minus that of the play without tasks, divided by the number of calls. Async jobs detach from "
            "`ansible-playbook`, so their CPU time cannot be counted this way."
        )
        w("")
        w("### What the numbers say")
        w("")
        w(
            f"**Per call.** A loop item of the module costs {seconds(d['module'])}; a task that does nothing costs "
            f"{seconds(d['ping'])} and a process that does nothing but the boto3 call {seconds(d['bare'])}. The "
            f"module is {'within' if ratio_ok else 'outside'} the 10 % goal ({d['ratio']:.2f}). In CPU time a module "
            f"call costs {d['module_cpu']:.2f} s, a ping {d['ping_cpu']:.2f} s and a bare boto3 process "
            f"{d['bare_cpu']:.2f} s: nearly all of a call's wall time is CPU, starting Python and importing "
            "ansible-core, amazon.aws and boto3 on the controller and in the module, not waiting for the endpoint. "
            f"In the serial loop of the {SLOW_SECONDS} s model an item took {seconds(d['serial'] / CALLS)}, "
            f"{seconds(d['serial_overhead'])} over the model's own latency."
        )
        w("")
        w(
            f"**Fan-out.** The serial loop of {CALLS} calls to a {SLOW_SECONDS} s model takes "
            f"{seconds(d['serial'])}. Spread across {CALLS} hosts with `forks: {CALLS}` it takes "
            f"{seconds(d['hosts'])} ({d['hosts_speedup']:.1f}×); with async/poll 0 on one host "
            f"{seconds(d['async'])} ({d['async_speedup']:.1f}×)."
            + (
                ""
                if hosts_ok or async_ok
                else f" Neither reaches the {GOAL_SPEEDUP:.0f}× goal on this machine, and why is measurable:"
            )
        )
        w("")
        core_word = "core" if cores == 1 else "cores"
        machine_note = (
            " The goal is a property of the machine as much as of the module: with enough cores the hosts fan-out "
            "approaches one call's latency plus Ansible's overhead."
        )
        bound = (
            f"- Fanning out removes the waiting, not the work: each call still costs about {d['hosts_cpu']:.2f} s of "
            f"CPU (controller worker plus module process, measured on the hosts fan-out), so {CALLS} calls need "
            f"{CALLS * d['hosts_cpu']:.0f} CPU-seconds, which {cores} {core_word} cannot do in less than "
            f"{seconds(CALLS * d['hosts_cpu'] / cores)}. No fan-out of {CALLS} calls can beat about "
            f"{seconds(d['hosts_floor'])} here, a speed-up of at most {d['hosts_bound']:.1f}× over the serial loop"
            + ("; the hosts fan-out comes close to that." if d["hosts"] <= 1.3 * d["hosts_floor"] else ".")
        )
        cpu_cores = f" {GOAL_SPEEDUP:.0f}× means finishing in {seconds(d['serial'] / GOAL_SPEEDUP)}, " + (
            f"which at this CPU cost per call, with the model's {SLOW_SECONDS} s after it, takes about "
            f"{max(1, math.ceil(d['cores_for_goal']))} cores."
            if d["cores_for_goal"]
            else f"less than the model's own {SLOW_SECONDS} s: no number of cores reaches it."
        )
        if "fit_work" not in d:
            w(f"{bound}{cpu_cores}{machine_note}")
        else:
            w(bound)
            needed = d["fit_cores_for_goal"]
            fit = (
                f"- Held to one core, the same fan-out takes {seconds(d['one_core'])}, against {seconds(d['hosts'])} "
                f"on {cores} {core_word}. Fitting *time = fixed + work / cores* to the two gives fixed = "
                f"{seconds(d['fit_fixed'])}, the part more cores do not shorten (in principle the model's "
                f"{SLOW_SECONDS} s plus the controller's one-at-a-time work; two points make a rough line), and work "
                f"= {d['fit_work']:.1f} CPU-seconds. "
            )
            if not d["fit_credible"]:
                fit += (
                    f"A fixed part well below the model's own {SLOW_SECONDS} s means the two runs do not lie on such a "
                    "line (the one-core run was slowed by more than the cores explain, as on a busy machine), so "
                    f"they predict nothing; by the CPU time per call instead:{cpu_cores}{machine_note}"
                )
            elif needed:
                fit += (
                    f"By that line, {GOAL_SPEEDUP:.0f}× ({seconds(d['serial'] / GOAL_SPEEDUP)}) takes about {needed} "
                    f"cores ({seconds(d['fit_fixed'] + d['fit_work'] / needed)}): an extrapolation from this machine, "
                    f"not a measurement.{machine_note}"
                )
            else:
                fit += (
                    f"By that line no number of cores reaches {GOAL_SPEEDUP:.0f}×: the fixed part alone is longer "
                    f"than {seconds(d['serial'] / GOAL_SPEEDUP)}."
                )
            w(fit)
        w(
            "- The async fan-out is bound by the one controller process: it starts the jobs one item after the "
            f"other ({seconds(d['async_start_item'])} each here, slower than a plain task because the jobs already "
            "started compete for the same cores) and then checks them one item after the other, each check an "
            f"`async_status` module run ({seconds(d['async_collect_item'])} each). Even if the jobs cost nothing, "
            f"two task runs per call at the ping floor make {seconds(d['async_floor'])}, a speed-up of at most "
            f"{d['async_bound']:.1f}× for a {SLOW_SECONDS} s model. Async pays off when each answer takes long "
            "compared with a task (a model that writes for 20 s, say), or to overlap model calls with other work "
            "in the same play. Many prompts from one host go fastest in one task of `bedrock_invoke_models` "
            "(above); of these two ways, fan out across hosts."
        )
        w("")
        w(
            f"**Throttling.** After {THROTTLES} refusals the call succeeded in {seconds(d['throttle_median'])} "
            f"(median of {len(s.get('throttle'))}; max {seconds(d['throttle_max'])}). The module turns botocore's "
            f"own retries off ({m['client_attempts']} attempt per botocore call), so the {THROTTLES} refusals took "
            f"{int(d['throttle_calls'])} calls, the module's jittered backoff (at most {m['module_delay']} s, "
            f"doubling up to {m['module_max_delay']} s) sleeping before each new one. Every backoff at its longest "
            f"adds up to {seconds(d['throttle_worst_sleep'])} of sleep, so the call cannot take much more than that "
            "plus one task's cost: the 30 s goal holds by construction, not only in these samples. A longer outage "
            f"is retried for up to {m['module_tries']} tries, at most "
            f"{seconds(module_sleep(m, int(m['module_tries']) - 1))} of sleep, before the task fails."
        )
        w("")
        large_phases = self.large_phases.get("phases", {})
        scrub = large_phases.get("no_log scrub of the result (ansible-core remove_values)")
        w(
            f"**Large reply.** The {b.large_body_bytes / 1e6:.1f} MB reply came back whole. The module process took "
            f"{seconds(s.median('large_direct_wall'))} and peaked at {s.median('large_direct_rss_mb'):.0f} MB; "
            f"through ansible-playbook the run took {seconds(s.median('large_e2e'))}."
            + (
                " Most of the module's time is not the module's: ansible-core's `exit_json` passes every value of "
                f"the result through `remove_values` (the no_log scrub) before printing it, {seconds(scrub)} for "
                f"{b.large_values:,} floats in the profiled run below, about {scrub / b.large_values * 1e6:.1f} µs per "
                "JSON value. A real embedding (256 to 3,072 floats) pays a few milliseconds of that; only replies "
                "with hundreds of thousands of values notice it, and a module cannot skip it."
                if scrub
                else ""
            )
        )
        w("")
        w("### Where one call's time goes")
        w("")
        w(
            "One direct run of the module (`scripts/bench/phases.py`: the module run in-process, with the functions "
            "that bound each phase timed), outside the rounds, for the fast model and for the large reply:"
        )
        w("")
        w(f"| Phase | `{FAST_MODEL}` | `test.large-{b.large_values}` |")
        w("| --- | ---: | ---: |")
        small = self.small_phases.get("phases", {})
        for phase in small:
            a, c = small.get(phase), large_phases.get(phase)
            w(f"| {phase} | {seconds(a) if a is not None else 'n/a'} | {seconds(c) if c is not None else 'n/a'} |")
        outside = [run["wall"] - run["in_process"] for run in (self.small_phases, self.large_phases)]
        w(f"| interpreter start and exit (the rest) | {seconds(outside[0])} | {seconds(outside[1])} |")
        w(f"| whole process, wall | {seconds(self.small_phases['wall'])} | {seconds(self.large_phases['wall'])} |")
        w(
            f"| whole process, peak RSS | {self.small_phases['maxrss_mb']:.0f} MB | "
            f"{self.large_phases['maxrss_mb']:.0f} MB |"
        )
        w("")
        w(
            "Imports and client creation are the work a bare boto3 process does too (boto3 and botocore, loading "
            "the endpoint and service model files), plus `ansible.module_utils.basic`, which every module pays. "
            "The module's own functions (checking the options, encoding the body, decoding a small reply) take "
            "milliseconds."
        )
        w("")


def _result_fields() -> List[str]:
    return [item.name for item in dataclasses.fields(Results) if item.name != "bench"]


def save_state(results: Results, path: str) -> None:
    """Everything the report is made from, so that --report-only can write it again without measuring."""
    bench = results.bench
    state = {name: getattr(results, name) for name in _result_fields()}
    state.update(
        samples=bench.samples.values,
        checks=bench.checks,
        large_values=bench.large_values,
        large_body_bytes=bench.large_body_bytes,
        derived=results.derived(),
    )
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(state, handle, indent=1)


def load_state(path: str, collections: str, work: str) -> Results:
    with open(path, encoding="utf-8") as handle:
        state = json.load(handle)
    bench = Bench(collections, work, sys.executable)
    bench.samples.values = state["samples"]
    bench.checks = state["checks"]
    bench.large_values = state["large_values"]
    bench.large_body_bytes = state["large_body_bytes"]
    return Results(bench=bench, **{name: state[name] for name in _result_fields()})


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--collections-path", required=True, help="directory holding ansible_collections/amazon/ai")
    parser.add_argument("--output", required=True, help="the Markdown report to write (docs/benchmarks.md)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--work-dir", help="keep logs and per-run files here (default: a temporary directory, removed)")
    parser.add_argument("--report-only", metavar="RESULTS_JSON", help="write the report from a run's results.json")
    parser.add_argument("--only", choices=["many"], help="many: only the many-prompts part (bedrock_invoke_models)")
    parser.add_argument("--endpoint-pid", type=int, help="the endpoint's process, to report its CPU time")
    args = parser.parse_args()
    if args.report_only:
        with tempfile.TemporaryDirectory() as scratch:
            results = load_state(args.report_only, os.path.abspath(args.collections_path), scratch)
        results.print_table()
        with open(args.output, "w", encoding="utf-8") as handle:
            handle.write(results.markdown())
        return 0
    # Loopback only: the benchmark never sends a request anywhere else.
    if not os.environ.get("AWS_URL", "").startswith("http://127.0.0.1:") or not os.environ.get("AWS_REGION"):
        parser.error("AWS_URL must point at the local endpoint (http://127.0.0.1:PORT) and AWS_REGION be set")
    if shutil.which("ansible-playbook") is None:
        parser.error("ansible-playbook is not on PATH (run through scripts/bench.sh)")

    work = args.work_dir or tempfile.mkdtemp(prefix="amazon-ai-bench-")
    os.makedirs(work, exist_ok=True)
    python = sys.executable
    bench = Bench(os.path.abspath(args.collections_path), work, python, args.endpoint_pid)
    info = machine(python, os.path.abspath(args.collections_path))
    started_at = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M")
    started = time.perf_counter()
    load_before = os.getloadavg()

    # Measurements that are compared with each other run back to back, in one block, so that their ratio is
    # taken over the same minute of the machine's life; the blocks, and the measurements within a block, take
    # turns going first from one round to the next.
    blocks: List[List[Tuple[str, Callable[[], None]]]] = [
        [
            ("endpoint check", bench.endpoint_check),
            (f"{BULK_PROMPTS:,} prompts, one task", lambda: bench.bulk_playbook(BULK_PROMPTS)),
            ("no prompts, one task", lambda: bench.bulk_playbook(0)),
            (f"{BULK_PROMPTS:,} prompts, module run directly", lambda: bench.bulk_direct(BULK_PROMPTS)),
            ("no prompts, module run directly", lambda: bench.bulk_direct(0)),
        ]
    ]
    if not args.only:
        bench.choose_large_values()
        blocks += [
            [("module loop", bench.module_loop), ("ping loop", bench.ping_loop), ("bare boto3", bench.bare_boto3)],
            [
                ("serial loop of the 2 s model", bench.serial_slow),
                ("async fan-out", bench.async_fanout),
                ("fan-out across hosts", bench.hosts_fanout),
            ]
            + ([("fan-out across hosts on one core", bench.hosts_fanout_one_core)] if int(info["cores"]) > 1 else []),
            [("throttled calls", bench.throttle), ("ansible-playbook start-up", bench.startup)],
            [
                ("10 MB reply, module run directly", bench.large_direct),
                ("10 MB reply, ansible-playbook", bench.large_playbook),
            ],
        ]
    # Too long to repeat every round (the loop alone takes about 5 minutes): once, back to back.
    once: List[Tuple[str, Callable[[], None]]] = [
        (f"{MANY_PROMPTS} prompts, one task of bedrock_invoke_models", bench.many_module),
        (f"{MANY_PROMPTS} prompts, fan-out across {MANY_PROMPTS} hosts", bench.many_hosts),
        (f"{MANY_PROMPTS} prompts, loop of bedrock_invoke_model", bench.many_loop),
    ]
    small_phases: Dict[str, Any] = {}
    large_phases: Dict[str, Any] = {}
    try:
        for number in range(args.rounds):
            order = [measurement for block in _rotated(blocks, number) for measurement in _rotated(block, number)]
            for name, measure in order:
                _measure(f"round {number + 1}/{args.rounds}: {name}", measure)
        for name, measure in once:
            _measure(f"once: {name}", measure)
        if not args.only:
            print("profiling one module run (fast model, then the 10 MB reply) ...", flush=True)
            small_phases = bench.phases("phases_small", one_call_args(FAST_MODEL))
            large_phases = bench.phases("phases_large", one_call_args(f"test.large-{bench.large_values}"))
        print(f"profiling one run of bedrock_invoke_models with {BULK_PROMPTS:,} prompts ...", flush=True)
        many_phases = bench.phases("phases_many", bulk_args(BULK_PROMPTS))
        bench.check_bulk_output("phases_many", os.path.join(work, "phases_many.out"), BULK_PROMPTS)
    except BenchError as e:
        print(f"\nbench: {e}", file=sys.stderr)
        return 1

    results = Results(
        bench=bench,
        rounds=args.rounds,
        machine=info,
        started=started_at,
        duration=time.perf_counter() - started,
        load_before=load_before,
        load_after=os.getloadavg(),
        small_phases=small_phases,
        large_phases=large_phases,
        launcher_rss_mb=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        many_phases=many_phases,
    )
    save_state(results, os.path.join(work, "results.json"))
    print()
    results.print_table()
    with open(args.output, "w", encoding="utf-8") as handle:
        handle.write(results.markdown())
    print(f"\nWrote {os.path.relpath(args.output)} ({results.duration / 60:.1f} minutes).")
    if not args.work_dir:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
