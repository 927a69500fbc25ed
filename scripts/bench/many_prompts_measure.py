# -*- coding: utf-8 -*-

# Copyright: Contributors to the amazon.ai collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Family "many" (many_prompts.py): how each of its samples is taken, and the arithmetic its numbers rest on.

Every function taking a Bench runs one measurement and adds its samples (names as in many_prompts.ROWS); the
pure functions at the end are the formulas of the report's derived numbers, unit-tested in
test_many_prompts_measure.py.
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import uuid
from typing import Any
from typing import Dict
from typing import List
from typing import Optional

from common import FAST_MODEL
from common import SLOW_SECONDS
from common import TASK_HOSTS
from common import TASK_SERIAL
from common import Bench
from common import BenchError
from common import keepalive_request_time
from common import parallel_requests

MANY_MODULE = "ansible_collections.amazon.ai.plugins.modules.bedrock_invoke_models"
TASK_MANY = "Invoke the model once per prompt, all from one task"

# The comparison with a loop and a hosts fan-out runs once per bench run, not per round: its loop alone takes
# about 5 minutes.
MANY_PROMPTS = 100
MANY_CONCURRENCY = 16
MANY_FORKS = 20
BULK_PROMPTS = 1000  # many quick prompts, every round: what one more request costs
BULK_CONCURRENCY = 32
BULK_SECONDS = 0.1
PROBE_REQUESTS = 32  # the endpoint check: this many requests at once to a model that answers in PROBE_SECONDS
PROBE_SECONDS = 1


def many_module(bench: Bench) -> None:
    run = bench.playbook("many_prompts", many_vars(MANY_PROMPTS, SLOW_SECONDS, MANY_CONCURRENCY), label="many_module")
    bench.samples.add("many_module", run.tasks[TASK_MANY])


def many_loop(bench: Bench) -> None:
    run = bench.playbook("serial_slow", {"bench_calls": MANY_PROMPTS}, label="many_loop")
    bench.samples.add("many_loop", run.tasks[TASK_SERIAL])


def many_hosts(bench: Bench) -> None:
    run = bench.playbook("hosts_fanout", {"bench_hosts": "bench_many"}, forks=MANY_FORKS, label="many_hosts")
    bench.samples.add("many_hosts", run.tasks[TASK_HOSTS])
    bench.samples.add("many_hosts_run_cpu", run.process.cpu)


def bulk_playbook(bench: Bench, prompts: int) -> None:
    """BULK_PROMPTS prompts to the quick model from one task (prompts=0: the same task sending nothing)."""
    key = "bulk" if prompts else "bulk_empty"
    before = bench.endpoint_cpu()
    run = bench.playbook("many_prompts", many_vars(prompts, BULK_SECONDS, BULK_CONCURRENCY), label=key)
    bench.samples.add(f"{key}_task", run.tasks[TASK_MANY])
    bench.samples.add(f"{key}_run_cpu", run.process.cpu)
    bench.samples.add(f"{key}_rss_mb", run.process.maxrss_kb / 1024)
    if prompts and before is not None:
        bench.samples.add("bulk_endpoint_cpu", bench.endpoint_cpu() - before)


def bulk_direct(bench: Bench, prompts: int) -> None:
    """The module process alone (run directly, as for the large reply): its wall, CPU and peak RSS."""
    key = "bulk_direct" if prompts else "bulk_empty_direct"
    output = os.path.join(bench.work, f"{key}.out")
    args = bench.module_args(key, bulk_args(prompts))
    run = bench.run([bench.python, "-m", MANY_MODULE, args], key, bench.module_env(), output)
    check_bulk_output(bench, key, output, prompts)
    bench.samples.add(f"{key}_wall", run.wall)
    bench.samples.add(f"{key}_cpu", run.cpu)
    bench.samples.add(f"{key}_rss_mb", run.maxrss_kb / 1024)


def check_bulk_output(bench: Bench, name: str, output: str, prompts: int) -> None:
    """Fail the measurement unless every prompt was answered by the quick model, none held back."""
    outcome = json.loads(
        subprocess.run([bench.python, "-c", MANY_OUTCOME, output], check=True, capture_output=True, text=True).stdout
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


def endpoint_check(bench: Bench) -> None:
    """Can the fake serve PROBE_REQUESTS requests at once, and answer a kept-alive connection without delay?"""
    bench.samples.add("probe_parallel", parallel_requests(PROBE_REQUESTS, PROBE_SECONDS))
    bench.samples.add("probe_keepalive", keepalive_request_time(FAST_MODEL, 20))


def profile(bench: Bench) -> None:
    """One instrumented direct run of bedrock_invoke_models with the quick prompts (phases.py)."""
    bench.phases("phases_many", bulk_args(BULK_PROMPTS))
    check_bulk_output(bench, "phases_many", os.path.join(bench.work, "phases_many.out"), BULK_PROMPTS)


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

# --- the arithmetic ---------------------------------------------------------------------------------------------


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
