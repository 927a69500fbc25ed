# -*- coding: utf-8 -*-

# Copyright: Contributors to the amazon.ai collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Family "one" (one_call.py): how each of its samples is taken, and the arithmetic its numbers rest on.

Every function taking a Bench runs one measurement and adds its samples (names as in one_call.ROWS); the pure
functions at the end are the formulas of the report's derived numbers, unit-tested in test_one_call_measure.py.
"""

from __future__ import annotations

import math
import os
import statistics
import subprocess
from typing import Any
from typing import Dict
from typing import List
from typing import Optional
from typing import Tuple

from common import FAST_MODEL
from common import ROOT
from common import TASK_HOSTS
from common import TASK_SERIAL
from common import Bench
from common import Playbook

MODULE = "ansible_collections.amazon.ai.plugins.modules.bedrock_invoke_model"

CALLS = 20  # calls per loop, per fan-out and bare boto3 processes per round
THROTTLES = 6  # ThrottlingException answers before test.throttle-N succeeds
THROTTLE_SAMPLES = 3  # throttled calls per round, side by side on as many hosts
LARGE_BODY_BYTES = 10_000_000  # the large reply's target size

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
EMBEDDING_LENGTH = """
import json, sys
with open(sys.argv[1], encoding="utf-8") as handle:
    print(len(json.loads(handle.read().strip().splitlines()[-1])["raw_response"]["embedding"]))
"""

# Callback task names (they are the playbooks' task names).
TASK_MODULE = "Invoke the fast model once per item"
TASK_PING = "Ping once per item"
TASK_ASYNC_START = "Start one call per item without waiting"
TASK_ASYNC_COLLECT = "Collect the answers"
TASK_THROTTLE = "Invoke a model throttled 6 times"
TASK_LARGE = "Invoke the model with a large embedding reply"


def _playbook(bench: Bench, name: str, extra: Optional[Dict[str, Any]] = None, **kwargs: Any) -> Playbook:
    """bench.playbook with this family's variables: loops of CALLS items, the fan-out on the bench_fanout hosts."""
    variables: Dict[str, Any] = {"bench_calls": CALLS, "bench_hosts": "bench_fanout"}
    variables.update(extra or {})
    return bench.playbook(name, variables, **kwargs)


def startup(bench: Bench) -> None:
    run = _playbook(bench, "startup")
    bench.samples.add("startup_wall", run.process.wall)
    bench.samples.add("startup_cpu", run.process.cpu)


def module_loop(bench: Bench) -> None:
    run = _playbook(bench, "module_loop")
    bench.samples.add("module_call", run.tasks[TASK_MODULE] / CALLS)
    bench.samples.add("module_run_cpu", run.process.cpu)


def ping_loop(bench: Bench) -> None:
    run = _playbook(bench, "ping_loop")
    bench.samples.add("ping_call", run.tasks[TASK_PING] / CALLS)
    bench.samples.add("ping_run_cpu", run.process.cpu)


def bare_boto3(bench: Bench) -> None:
    env = dict(bench.env, BENCH_MODEL=FAST_MODEL)
    runs = [bench.run([bench.python, "-c", BARE_BOTO3], f"bare_boto3_{number}", env) for number in range(CALLS)]
    bench.samples.add("bare_call", sum(run.wall for run in runs) / CALLS)
    bench.samples.add("bare_cpu", sum(run.cpu for run in runs) / CALLS)


def serial_slow(bench: Bench) -> None:
    run = _playbook(bench, "serial_slow")
    bench.samples.add("serial", run.tasks[TASK_SERIAL])
    bench.samples.add("serial_e2e", run.process.wall)


def async_fanout(bench: Bench) -> None:
    run = _playbook(bench, "async_fanout")
    bench.samples.add("async_start", run.tasks[TASK_ASYNC_START])
    bench.samples.add("async_collect", run.tasks[TASK_ASYNC_COLLECT])
    bench.samples.add("async", run.tasks[TASK_ASYNC_START] + run.tasks[TASK_ASYNC_COLLECT])
    bench.samples.add("async_e2e", run.process.wall)


def hosts_fanout(bench: Bench) -> None:
    run = _playbook(bench, "hosts_fanout", forks=CALLS)
    bench.samples.add("hosts", run.tasks[TASK_HOSTS])
    bench.samples.add("hosts_e2e", run.process.wall)
    bench.samples.add("hosts_run_cpu", run.process.cpu)


def hosts_fanout_one_core(bench: Bench) -> None:
    """The same fan-out with the whole run held to one CPU: with the run on every core, how time scales."""
    run = _playbook(bench, "hosts_fanout", forks=CALLS, cpus=[min(os.sched_getaffinity(0))], label="hosts_one_core")
    bench.samples.add("hosts_one_core", run.tasks[TASK_HOSTS])


def throttle(bench: Bench) -> None:
    run = _playbook(bench, "throttle", forks=THROTTLE_SAMPLES)
    for host_seconds in run.hosts[TASK_THROTTLE].values():
        bench.samples.add("throttle", host_seconds)


def large_direct(bench: Bench) -> None:
    output = os.path.join(bench.work, "large_direct.out")
    args = bench.module_args("large_direct", one_call_args(large_model(bench)))
    run = bench.run([bench.python, "-m", MODULE, args], "large_direct", bench.module_env(), stdout=output)
    length = subprocess.run(
        [bench.python, "-c", EMBEDDING_LENGTH, output], check=True, capture_output=True, text=True
    ).stdout.strip()
    bench.check("large_direct", length == str(bench.chosen["large_values"]))
    bench.samples.add("large_direct_wall", run.wall)
    bench.samples.add("large_direct_rss_mb", run.maxrss_kb / 1024)
    bench.samples.add("large_direct_cpu", run.cpu)


def large_playbook(bench: Bench) -> None:
    # The playbook asserts that the embedding has bench_large_values values; a failed assert fails the run.
    run = _playbook(bench, "large_reply", {"bench_large_values": bench.chosen["large_values"]})
    bench.check("large_playbook", True)
    bench.samples.add("large_e2e", run.process.wall)
    bench.samples.add("large_task", run.tasks[TASK_LARGE])
    bench.samples.add("large_e2e_rss_mb", run.process.maxrss_kb / 1024)


def choose_large_values(bench: Bench) -> None:
    """The number of floats that makes test.large-N's reply just over LARGE_BODY_BYTES."""
    output = subprocess.run(
        [bench.python, "-c", CHOOSE_LARGE_VALUES, str(LARGE_BODY_BYTES)],
        check=True,
        capture_output=True,
        text=True,
        cwd=os.path.join(ROOT, "tests", "support"),
    ).stdout.split()
    bench.chosen.update(large_values=int(output[0]), large_body_bytes=int(output[1]))


def large_model(bench: Bench) -> str:
    """The model whose reply is the large embedding choose_large_values picked."""
    return f"test.large-{bench.chosen['large_values']}"


def one_call_args(model_id: str) -> Dict[str, Any]:
    """bedrock_invoke_model's arguments for one embedding request to model_id."""
    return {"model_id": model_id, "body": {"inputText": "Embed me"}}


# --- the arithmetic ---------------------------------------------------------------------------------------------


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
