# -*- coding: utf-8 -*-

# Copyright: Contributors to the amazon.ai collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Family "one": one call per task of amazon.ai.bedrock_invoke_model (its section: one_call.md.j2).

Every round: the per-call cost against ping and bare boto3 (goal 1); 20 calls to a 2 s model in a loop and in three
fan-outs (goal 2); throttling (goal 3); a 10 MB reply (goal 4); ansible-playbook's start-up. Once: two profiled runs.
"""

from __future__ import annotations

import math
import os
from typing import Any

import stats
from common import FAST_MODEL
from common import ROOT
from common import SLOW_SECONDS
from common import TASK_HOSTS
from common import TASK_SERIAL
from common import Bench
from common import Plan
from common import child_json

NAME = "one"
MODULE = "bedrock_invoke_model"
CALLS = 20  # calls per loop, per fan-out and bare boto3 processes per round
THROTTLES = 6  # ThrottlingException answers before test.throttle-N succeeds
THROTTLE_SAMPLES = 3  # throttled calls per round, side by side on as many hosts
LARGE_BODY_BYTES = 10_000_000  # the large reply's target size
SUPPORT = os.path.join(ROOT, "tests", "support")  # the fake, which makes the large reply

# The goals (1 to 4).
GOAL_OVERHEAD = 1.10
GOAL_SPEEDUP = 8.0
GOAL_THROTTLE_SECONDS = 30.0

# The bare boto3 call: what the module does, without Ansible (one process per call, like a module run).
BARE_BOTO3 = """
import json, os, boto3
client = boto3.client("bedrock-runtime", region_name=os.environ["AWS_REGION"], endpoint_url=os.environ["AWS_URL"])
response = client.invoke_model(modelId=os.environ["BENCH_MODEL"], body=json.dumps({"inputText": "Question"}),
                               contentType="application/json", accept="application/json")
assert "results" in json.loads(response["body"].read())
"""
CHOOSE_LARGE_VALUES = """
import json, math, sys
sys.path.insert(0, sys.argv[2])
from bedrock_endpoint import large_embedding_body as body
target = int(sys.argv[1])
values = int(math.ceil(target / (len(body(100000)) / 100000) / 1000.0)) * 1000
while len(body(values)) < target:
    values += 1000
print(json.dumps([values, len(body(values))]))
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


def plan(bench: Bench) -> Plan:
    """Inventory hosts for the fan-outs, the large reply's size, then what runs every round and once."""
    bench.add_hosts("bench_fanout", [f"bench{number:02d}" for number in range(CALLS)])
    bench.add_hosts("bench_throttle", [f"throttle{number:02d}" for number in range(THROTTLE_SAMPLES)])
    values, size = child_json(bench.python, CHOOSE_LARGE_VALUES, str(LARGE_BODY_BYTES), SUPPORT)
    bench.chosen.update(large_values=values, large_body_bytes=size)
    fanouts = [
        ("serial loop of the 2 s model", lambda: bench.task("serial", "serial_slow", TASK_SERIAL, _vars())),
        ("async fan-out", lambda: async_fanout(bench)),
        ("fan-out across hosts", lambda: hosts_fanout(bench)),
    ]
    if len(os.sched_getaffinity(0)) > 1:
        fanouts.append(("fan-out across hosts on one core", lambda: hosts_fanout(bench, one_core=True)))
    return Plan(
        rounds=[
            [
                ("module loop", lambda: loop(bench, "module", TASK_MODULE)),
                ("ping loop", lambda: loop(bench, "ping", TASK_PING)),
                ("bare boto3", lambda: bare_boto3(bench)),
            ],
            fanouts,
            [
                ("throttled calls", lambda: throttle(bench)),
                (
                    "ansible-playbook start-up",
                    lambda: bench.samples.process("startup", bench.playbook("startup").process),
                ),
            ],
            [
                ("10 MB reply, module run directly", lambda: large_direct(bench)),
                ("10 MB reply, ansible-playbook", lambda: large_playbook(bench)),
            ],
        ],
        once=[
            (
                "profiling one module run, fast model",
                lambda: bench.phases("phases_small", dict(large_args(bench), model_id=FAST_MODEL)),
            ),
            ("profiling one module run, the 10 MB reply", lambda: bench.phases("phases_large", large_args(bench))),
        ],
    )


def ran(results: Any) -> bool:
    """Did this family run (its per-call loop has samples)?"""
    return bool(results.bench.samples.get("module_call"))


def derived(results: Any) -> dict[str, Any]:
    """The numbers the report computes from the samples, and whether each goal is met."""
    s = results.bench.samples
    cores = int(results.machine["cores"])
    d: dict[str, Any] = {}
    d["module"], d["ping"], d["bare"] = s.median("module_call"), s.median("ping_call"), s.median("bare_call")
    d["floor"] = d["ping"] + d["bare"]
    # Goal metrics are ratios of measurements taken back to back in the same round, then the median of those.
    floors = [ping + bare for ping, bare in zip(s.get("ping_call"), s.get("bare_call"))]
    d["ratio_rounds"] = stats.paired_ratios(s.get("module_call"), floors)
    d["ratio"] = stats.median(d["ratio_rounds"])
    d["ratio_of_medians"] = d["module"] / d["floor"]
    d["extra"] = d["module"] - d["floor"]
    startup_cpu = s.median("startup_cpu")
    for name in ("module", "ping", "hosts"):
        d[f"{name}_cpu"] = (s.median(f"{name}_run_cpu") - startup_cpu) / CALLS
    d["bare_cpu"] = s.median("bare_cpu")
    d["serial"], d["async"], d["hosts"] = s.median("serial"), s.median("async"), s.median("hosts")
    for name in ("async", "hosts"):
        d[f"{name}_speedup_rounds"] = stats.paired_ratios(s.get("serial"), s.get(name))
        d[f"{name}_speedup"] = stats.median(d[f"{name}_speedup_rounds"])
        d[f"{name}_ok"] = d[f"{name}_speedup"] >= GOAL_SPEEDUP
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
    d["throttle_median"], d["throttle_max"] = s.median("throttle"), max(s.get("throttle"))
    d["throttle_worst_sleep"], d["throttle_calls"] = worst_case_retry_sleep(results.machine, THROTTLES)
    d["ratio_ok"] = d["ratio"] <= GOAL_OVERHEAD
    d["throttle_ok"] = d["throttle_max"] < GOAL_THROTTLE_SECONDS
    checks = results.bench.checks
    d["whole"] = bool(checks.get("large_direct")) and bool(checks.get("large_playbook"))
    d["whole"] = d["whole"] and all(all(values) for values in checks.values())
    return d


def _vars(extra: Any = None) -> dict[str, Any]:
    """This family's playbook variables: loops of CALLS items, the fan-out on the bench_fanout hosts."""
    return dict({"bench_calls": CALLS, "bench_hosts": "bench_fanout"}, **(extra or {}))


def loop(bench: Bench, name: str, task: str) -> None:
    """A CALLS-item loop of the module or of ping: the time per item, and the whole run's CPU time."""
    bench.samples.add(f"{name}_run_cpu", bench.task(f"{name}_call", f"{name}_loop", task, _vars(), CALLS).process.cpu)


def bare_boto3(bench: Bench) -> None:
    env = dict(bench.env, BENCH_MODEL=FAST_MODEL)
    runs = [bench.run([bench.python, "-c", BARE_BOTO3], f"bare_boto3_{number}", env) for number in range(CALLS)]
    bench.samples.update(bare_call=sum(run.wall for run in runs) / CALLS, bare_cpu=sum(run.cpu for run in runs) / CALLS)


def async_fanout(bench: Bench) -> None:
    tasks = bench.task("async_start", "async_fanout", TASK_ASYNC_START, _vars()).tasks
    bench.samples.add("async_collect", tasks[TASK_ASYNC_COLLECT])
    bench.samples.add("async", tasks[TASK_ASYNC_START] + tasks[TASK_ASYNC_COLLECT])


def hosts_fanout(bench: Bench, one_core: bool = False) -> None:
    """The fan-out across CALLS hosts; one_core: the whole run held to one CPU, to see how time scales with cores."""
    if one_core:
        cpus = [min(os.sched_getaffinity(0))]
        bench.task(
            "hosts_one_core", "hosts_fanout", TASK_HOSTS, _vars(), forks=CALLS, cpus=cpus, label="hosts_one_core"
        )
    else:
        bench.samples.add(
            "hosts_run_cpu", bench.task("hosts", "hosts_fanout", TASK_HOSTS, _vars(), forks=CALLS).process.cpu
        )


def throttle(bench: Bench) -> None:
    for seconds in bench.playbook("throttle", _vars(), forks=THROTTLE_SAMPLES).hosts[TASK_THROTTLE].values():
        bench.samples.add("throttle", seconds)


def large_direct(bench: Bench) -> None:
    bench.samples.process("large_direct", bench.module("large_direct", MODULE, large_args(bench)))
    length = child_json(bench.python, EMBEDDING_LENGTH, bench.path("large_direct.out"))
    bench.check("large_direct", length == bench.chosen["large_values"])


def large_playbook(bench: Bench) -> None:
    # The playbook asserts that the embedding has bench_large_values values; a failed assert fails the run.
    values = {"bench_large_values": bench.chosen["large_values"]}
    run = bench.task("large_task", "large_reply", TASK_LARGE, _vars(values)).process
    bench.check("large_playbook", True)
    bench.samples.update(large_e2e=run.wall, large_e2e_rss_mb=run.maxrss_kb / 1024)


def large_args(bench: Bench) -> dict[str, Any]:
    """bedrock_invoke_model's arguments for the large embedding the plan picked (FAST_MODEL's: the small one)."""
    return {"model_id": f"test.large-{bench.chosen['large_values']}", "body": {"inputText": "Embed me"}}


def cores_for_goal(work: float, target: float, latency: float) -> float | None:
    """Cores that finish `work` CPU-seconds early enough for the last call's `latency` to end by `target` s."""
    return work / (target - latency) if target > latency else None


def scaling_fit(one_core: list[float], all_cores: float, cores: int, target: float, latency: float) -> dict[str, Any]:
    """Fit time = fixed + work / cores through the fan-out on one core and on every core, and the cores that bring it
    down to target seconds: None when fixed alone is longer, or when the fit is not credible (fixed well below the
    model's latency, as when a busy machine slows the one-core run more than the cores explain). fixed is what more
    cores cannot shorten (the model, the controller's one-at-a-time work), work the CPU-seconds the calls spread."""
    if not one_core or cores < 2:
        return {}
    one = stats.median(one_core)
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


def module_sleep(facts: dict[str, Any], sleeps: int) -> float:
    """The longest the module's jittered backoff can sleep in its first `sleeps` sleeps."""
    delay, most = float(facts["module_delay"]), float(facts["module_max_delay"])
    return sum(min(delay * 2**n, most) for n in range(sleeps))


def worst_case_retry_sleep(facts: dict[str, Any], throttles: int) -> tuple[float, int]:
    """The longest the retries can sleep before the call that follows `throttles` refusals, and its botocore calls:
    botocore's client_attempts attempts a call (1: its retries are off) sleep at most 1, 2, 4, ... (20) s between
    them; when a call still fails, the module's jittered backoff sleeps at most delay * 2**n (max_delay) s."""
    attempts = int(facts["client_attempts"])
    remaining, sleep, calls = throttles, 0.0, 0
    while True:
        calls += 1
        if remaining < attempts:
            return sleep + sum(min(2.0**i, 20.0) for i in range(remaining)), calls
        sleep += sum(min(2.0**i, 20.0) for i in range(attempts - 1))
        remaining -= attempts
        sleep += min(float(facts["module_delay"]) * 2 ** (calls - 1), float(facts["module_max_delay"]))
