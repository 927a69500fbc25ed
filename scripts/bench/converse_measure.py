# -*- coding: utf-8 -*-

# Copyright: Contributors to the amazon.ai collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Family "converse" (converse.py): how each of its samples is taken, and the arithmetic its numbers rest on.

Both loops ask the same model the same question (the same prompt, the same length, the same token limit), one
through bedrock_converse (POST /model/{id}/converse) and one through bedrock_invoke_model (POST /model/{id}/invoke,
the model's own body), so that what differs between them is the module and the API, not the work asked for.
"""

from __future__ import annotations

import statistics
from typing import Any
from typing import Dict
from typing import List

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
