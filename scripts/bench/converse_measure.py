# -*- coding: utf-8 -*-

# Copyright: Contributors to the amazon.ai collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Family "converse" (converse.py): how each of its samples is taken, and the arithmetic its numbers rest on.

Both loops ask the same model the same question (the same prompt, the same length, the same token limit), one
through bedrock_converse (POST /model/{id}/converse) and one through bedrock_invoke_model (POST /model/{id}/invoke,
the model's own body), so that what differs between them is the module and the API, not the work asked for.
"""

from __future__ import annotations

import json
import os
import statistics
from typing import Any
from typing import Callable
from typing import Dict
from typing import List
from typing import Tuple

from common import Bench

# A model the fake answers through both APIs, at once.
MODEL = "anthropic.claude-3-haiku-20240307-v1:0"
CALLS = 20  # calls per loop, as the one family's loops
MAX_TOKENS = 64
# The question both loops ask, the item's number appended (the same length in both).
PROMPT = "In one short sentence, say what an Ansible playbook is for. Question number"

# Callback task names (they are the playbooks' task names).
TASK_CONVERSE = "Ask the model once per item through bedrock_converse"
TASK_INVOKE = "Ask the model once per item through bedrock_invoke_model"


def _variables() -> Dict[str, Any]:
    return {"bench_calls": CALLS, "bench_model": MODEL, "bench_prompt": PROMPT, "bench_max_tokens": MAX_TOKENS}


def converse_loop(bench: Bench) -> None:
    # The playbook asserts that every call answered with text; a failed assert fails the run.
    run = bench.playbook("converse_loop", _variables())
    bench.samples.add("converse_call", run.tasks[TASK_CONVERSE] / CALLS)
    bench.samples.add("converse_run_cpu", run.process.cpu)


def invoke_loop(bench: Bench) -> None:
    run = bench.playbook("converse_invoke_loop", _variables())
    bench.samples.add("converse_invoke_call", run.tasks[TASK_INVOKE] / CALLS)
    bench.samples.add("converse_invoke_run_cpu", run.process.cpu)


def direct_runs(bench: Bench) -> None:
    """CALLS direct runs of each module (`python -m MODULE ARGS`, as ansible-core runs it), taking turns.

    Without the controller, and each run's own CPU time from wait4(2): what the two module processes cost,
    much less disturbed by whatever else the machine does than the loops' wall time.
    """
    runs: Dict[str, List[Any]] = {"converse": [], "invoke": []}
    for number in range(CALLS):
        order = ["converse", "invoke"] if number % 2 == 0 else ["invoke", "converse"]
        for name in order:
            module, args = DIRECT[name]
            label = f"converse_direct_{name}"
            output = os.path.join(bench.work, f"{label}.out")
            path = bench.module_args(label, args(number))
            runs[name].append(bench.run([bench.python, "-m", module, path], label, bench.module_env(), stdout=output))
            with open(output, encoding="utf-8") as handle:
                bench.check(label, bool(answer_text(name, json.load(handle))))
    for name, prefix in (("converse", "converse_direct"), ("invoke", "converse_invoke_direct")):
        bench.samples.add(f"{prefix}_wall", sum(run.wall for run in runs[name]) / CALLS)
        bench.samples.add(f"{prefix}_cpu", sum(run.cpu for run in runs[name]) / CALLS)


def question(number: int) -> str:
    """The question of item `number`, as the playbooks ask it."""
    return f"{PROMPT} {number:03d}"


def converse_args(number: int) -> Dict[str, Any]:
    return {"model_id": MODEL, "prompt": question(number), "max_tokens": MAX_TOKENS}


def invoke_args(number: int) -> Dict[str, Any]:
    body = {
        "anthropic_version": "bedrock-2023-05-31",
        "max_tokens": MAX_TOKENS,
        "messages": [{"role": "user", "content": question(number)}],
    }
    return {"model_id": MODEL, "body": body}


DIRECT: Dict[str, Tuple[str, Callable[[int], Dict[str, Any]]]] = {
    "converse": ("ansible_collections.amazon.ai.plugins.modules.bedrock_converse", converse_args),
    "invoke": ("ansible_collections.amazon.ai.plugins.modules.bedrock_invoke_model", invoke_args),
}


def answer_text(name: str, result: Dict[str, Any]) -> str:
    """The answer's text in a module's result (bedrock_converse's text; the Anthropic body's first block)."""
    if name == "converse":
        return str(result.get("text") or "")
    try:
        return str(result["raw_response"]["content"][0]["text"])
    except (KeyError, IndexError, TypeError):
        return ""


# --- the arithmetic ---------------------------------------------------------------------------------------------


def paired_ratios(numerators: List[float], denominators: List[float]) -> List[float]:
    """numerator / denominator of each round (the two taken back to back in it)."""
    return [top / bottom for top, bottom in zip(numerators, denominators)]


def cpu_difference_per_call(first_runs: List[float], second_runs: List[float], calls: int) -> float:
    """Median over the rounds of (first - second) / calls: the two playbooks' CPU apart, per call.

    Both playbooks pay the same ansible-playbook start-up and the same assert, so the difference of their whole
    runs' CPU time is the difference of their loops.
    """
    return statistics.median((first - second) / calls for first, second in zip(first_runs, second_runs))
