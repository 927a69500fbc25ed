# -*- coding: utf-8 -*-

# Copyright: Contributors to the amazon.ai collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Family "many": many prompts in one task of amazon.ai.bedrock_invoke_models (its section: many_prompts.md.j2).

Every round: the endpoint check, then 1,000 quick prompts from one task and the same task with no bodies, through
ansible-playbook and run directly (goals C, D). Once: 100 prompts to a 2 s model from one task, a loop and a
fan-out across 100 hosts (goal A, measurement B), and one profiled run of the 1,000 prompts.
"""

from __future__ import annotations

import math
import uuid
from typing import Any

import stats
from common import FAST_MODEL
from common import SLOW_SECONDS
from common import TASK_HOSTS
from common import TASK_SERIAL
from common import Bench
from common import BenchError
from common import Plan
from common import child_json
from common import keepalive_request_time
from common import parallel_requests

NAME = "many"
MODULE = "bedrock_invoke_models"
TASK_MANY = "Invoke the model once per prompt, all from one task"

# The comparison with a loop and a hosts fan-out runs once, not per round: its loop alone takes about 5 minutes.
MANY_PROMPTS = 100
MANY_CONCURRENCY = 16
MANY_FORKS = 20
BULK_PROMPTS = 1000  # many quick prompts, every round: what one more request costs
BULK_CONCURRENCY = 32
BULK_SECONDS = 0.1
PROBE_REQUESTS = 32  # the endpoint check: this many requests at once to a model that answers in PROBE_SECONDS
PROBE_SECONDS = 1

# The goals; the fan-out across hosts (B) is no longer one: it measures the machine's cores as much as the module.
GOAL_MANY_VS_LOOP = 15.0
MANY_VS_HOSTS = 3.0
GOAL_BULK_OF_LIMIT = 2.0
GOAL_BULK_CPU = 0.005


def plan(bench: Bench) -> Plan:
    """Inventory hosts for the 100-host fan-out, then what runs every round and once."""
    bench.add_hosts("bench_many", [f"many{number:03d}" for number in range(MANY_PROMPTS)])
    return Plan(
        rounds=[
            [
                ("endpoint check", lambda: endpoint_check(bench)),
                (f"{BULK_PROMPTS:,} prompts, one task", lambda: bulk_playbook(bench, BULK_PROMPTS)),
                ("no prompts, one task", lambda: bulk_playbook(bench, 0)),
                (f"{BULK_PROMPTS:,} prompts, module run directly", lambda: bulk_direct(bench, BULK_PROMPTS)),
                ("no prompts, module run directly", lambda: bulk_direct(bench, 0)),
            ]
        ],
        # Too long to repeat every round (the loop alone takes about 5 minutes): once, back to back.
        once=[
            (f"{MANY_PROMPTS} prompts, one task of bedrock_invoke_models", lambda: many_module(bench)),
            (f"{MANY_PROMPTS} prompts, fan-out across {MANY_PROMPTS} hosts", lambda: many_hosts(bench)),
            (f"{MANY_PROMPTS} prompts, loop of bedrock_invoke_model", lambda: many_loop(bench)),
            (f"profiling one run of bedrock_invoke_models with {BULK_PROMPTS:,} prompts", lambda: profile(bench)),
        ],
    )


def ran(results: Any) -> bool:
    """Did this family run (its 1,000 prompts have samples)?"""
    return bool(results.bench.samples.get("bulk_task"))


def derived(results: Any) -> dict[str, Any]:
    """The numbers the report computes from the samples, and whether each goal is met."""
    s = results.bench.samples
    cores = int(results.machine["cores"])
    # One task of bedrock_invoke_models that sends nothing: the start-up every task of it pays.
    startup = s.median("bulk_empty_task")
    d: dict[str, Any] = dict(task_startup=startup, **{k: s.median(k) for k in ("probe_parallel", "probe_keepalive")})
    if s.get("many_module"):
        module, loop, hosts = s.median("many_module"), s.median("many_loop"), s.median("many_hosts")
        d.update(many_module=module, many_loop=loop, many_hosts=hosts, many_vs_loop=loop / module)
        d.update(many_vs_hosts=hosts / module, many_waves=waves(MANY_PROMPTS, MANY_CONCURRENCY))
        d["many_wave_bound"] = d["many_waves"] * SLOW_SECONDS + startup
        d["many_in_flight"] = effective_concurrency(MANY_PROMPTS, SLOW_SECONDS, module, startup)
        d["many_in_flight_best"] = MANY_PROMPTS / d["many_waves"]
        d["many_loop_item"] = loop / MANY_PROMPTS
        # The whole run's CPU time (its start-up is about a hundredth of it) per call, and how long that takes on
        # every core at once.
        d["many_hosts_cpu"] = s.median("many_hosts_run_cpu") / MANY_PROMPTS
        d["many_hosts_floor"] = MANY_PROMPTS * d["many_hosts_cpu"] / cores
        # The one task cannot beat its rounds of latency plus its start-up, however it is written.
        d["many_hosts_cpu_for_goal"] = cpu_for_speedup(MANY_VS_HOSTS, d["many_wave_bound"], MANY_PROMPTS, cores)
        d["many_vs_loop_ok"] = d["many_vs_loop"] >= GOAL_MANY_VS_LOOP
    # 1,000 quick prompts, every round: the limit takes the start-up measured in the same round.
    d["bulk_limit_rounds"] = [
        concurrency_limit(BULK_PROMPTS, BULK_CONCURRENCY, BULK_SECONDS, empty) for empty in s.get("bulk_empty_task")
    ]
    d["bulk_of_limit_rounds"] = stats.paired_ratios(s.get("bulk_task"), d["bulk_limit_rounds"])
    d["bulk_of_limit"] = stats.median(d["bulk_of_limit_rounds"])
    d["bulk_task"], d["bulk_limit"] = s.median("bulk_task"), stats.median(d["bulk_limit_rounds"])
    d["bulk_waves"] = waves(BULK_PROMPTS, BULK_CONCURRENCY)
    d["bulk_wave_bound"] = d["bulk_waves"] * BULK_SECONDS + startup
    d["bulk_in_flight"] = effective_concurrency(BULK_PROMPTS, BULK_SECONDS, d["bulk_task"], startup)
    d["bulk_in_flight_best"] = BULK_PROMPTS / d["bulk_waves"]
    d["bulk_direct_in_flight"] = effective_concurrency(
        BULK_PROMPTS, BULK_SECONDS, s.median("bulk_direct_wall"), s.median("bulk_empty_direct_wall")
    )
    d["bulk_cpu_rounds"] = stats.per_unit(s.get("bulk_run_cpu"), s.get("bulk_empty_run_cpu"), BULK_PROMPTS)
    d["bulk_cpu"] = stats.median(d["bulk_cpu_rounds"])
    d["bulk_cpu_all_in"] = s.median("bulk_run_cpu") / BULK_PROMPTS
    d["bulk_module_cpu"] = stats.median(
        stats.per_unit(s.get("bulk_direct_cpu"), s.get("bulk_empty_direct_cpu"), BULK_PROMPTS)
    )
    d["bulk_controller_cpu"] = d["bulk_cpu"] - d["bulk_module_cpu"]
    if s.get("bulk_endpoint_cpu"):
        d["bulk_endpoint_cpu"] = s.median("bulk_endpoint_cpu") / BULK_PROMPTS
    rss = [s.median("bulk_direct_rss_mb")], [s.median("bulk_empty_direct_rss_mb")]
    d["bulk_rss_per_request_kb"] = stats.per_unit(*rss, BULK_PROMPTS)[0] * 1024
    d["bulk_of_limit_ok"] = d["bulk_of_limit"] <= GOAL_BULK_OF_LIMIT
    d["bulk_cpu_ok"] = d["bulk_cpu"] < GOAL_BULK_CPU
    return d


def many_module(bench: Bench) -> None:
    variables = many_vars(MANY_PROMPTS, SLOW_SECONDS, MANY_CONCURRENCY)
    bench.task("many_module", "many_prompts", TASK_MANY, variables, label="many_module")


def many_loop(bench: Bench) -> None:
    bench.task("many_loop", "serial_slow", TASK_SERIAL, {"bench_calls": MANY_PROMPTS}, label="many_loop")


def many_hosts(bench: Bench) -> None:
    hosts = {"bench_hosts": "bench_many"}
    run = bench.task("many_hosts", "hosts_fanout", TASK_HOSTS, hosts, forks=MANY_FORKS, label="many_hosts")
    bench.samples.add("many_hosts_run_cpu", run.process.cpu)


def bulk_playbook(bench: Bench, prompts: int) -> None:
    """BULK_PROMPTS prompts to the quick model from one task (prompts=0: the same task sending nothing)."""
    key = "bulk" if prompts else "bulk_empty"
    before = bench.endpoint_cpu()
    variables = many_vars(prompts, BULK_SECONDS, BULK_CONCURRENCY)
    run = bench.task(f"{key}_task", "many_prompts", TASK_MANY, variables, label=key).process
    bench.samples.update(**{f"{key}_run_cpu": run.cpu, f"{key}_rss_mb": run.maxrss_kb / 1024})
    if prompts and before is not None:
        bench.samples.add("bulk_endpoint_cpu", bench.endpoint_cpu() - before)


def bulk_direct(bench: Bench, prompts: int) -> None:
    """The module process alone (run directly, as for the large reply): its wall, CPU and peak RSS."""
    key = "bulk_direct" if prompts else "bulk_empty_direct"
    run = bench.module(key, MODULE, bulk_args(prompts))
    check_bulk_output(bench, key, prompts)
    bench.samples.process(key, run)


def check_bulk_output(bench: Bench, name: str, prompts: int) -> None:
    """Fail the measurement unless every prompt was answered by the quick model, none held back."""
    output = bench.path(f"{name}.out")
    outcome = child_json(bench.python, MANY_OUTCOME, output)
    expected = dict(answers=prompts, slept=[BULK_SECONDS] if prompts else [], succeeded=prompts, failed=False)
    expected["lowest_concurrency"] = BULK_CONCURRENCY
    if outcome != expected:
        raise BenchError(f"{name}: the module returned {outcome}, not {expected}; its output is in {output}")


def endpoint_check(bench: Bench) -> None:
    """Can the fake serve PROBE_REQUESTS requests at once, and answer a kept-alive connection without delay?"""
    probe = parallel_requests(PROBE_REQUESTS, PROBE_SECONDS)
    bench.samples.update(probe_parallel=probe, probe_keepalive=keepalive_request_time(FAST_MODEL, 20))


def profile(bench: Bench) -> None:
    """One instrumented direct run of bedrock_invoke_models with the quick prompts (phases.py)."""
    bench.phases("phases_many", bulk_args(BULK_PROMPTS))
    check_bulk_output(bench, "phases_many", BULK_PROMPTS)


def bulk_args(prompts: int) -> dict[str, Any]:
    """bedrock_invoke_models's arguments for `prompts` prompts to the quick model, BULK_CONCURRENCY in flight."""
    variables = many_vars(prompts, BULK_SECONDS, BULK_CONCURRENCY)
    model_id = f"test.slow-{BULK_SECONDS}.bench-{variables['bench_run_id']}"
    return {"model_id": model_id, "bodies": variables["bench_bodies"], "max_concurrency": BULK_CONCURRENCY}


def many_vars(prompts: int, latency: float, concurrency: int) -> dict[str, Any]:
    """many_prompts.yml's variables: one body per prompt for the model that answers after `latency` seconds."""
    bodies = [{"inputText": f"Question {number}"} for number in range(prompts)]
    run_id = uuid.uuid4().hex[:12]
    return dict(bench_bodies=bodies, bench_seconds=latency, bench_concurrency=concurrency, bench_run_id=run_id)


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


def waves(prompts: int, concurrency: int) -> int:
    """How many times in a row a full set of `concurrency` requests must be sent to send them all."""
    return math.ceil(prompts / concurrency)


def concurrency_limit(prompts: int, concurrency: int, latency: float, startup: float) -> float:
    """The time `prompts` requests to a model taking `latency` s take from one task if it always had `concurrency` in
    flight and each cost nothing: their latency shared among those in flight, plus the task's start-up."""
    return prompts / concurrency * latency + startup


def effective_concurrency(prompts: int, latency: float, wall: float, startup: float) -> float | None:
    """How many requests were in flight on average: the latency of all of them over the time spent sending them."""
    sending = wall - startup
    return prompts * latency / sending if sending > 0 else None


def cpu_for_speedup(speedup: float, fastest: float, prompts: int, cores: int) -> float:
    """CPU-seconds per prompt a CPU-bound fan-out must cost to take `speedup` times `fastest`, the least time the
    one task can take, on `cores` cores: below it no implementation of the one task reaches the speed-up."""
    return speedup * fastest * cores / prompts
