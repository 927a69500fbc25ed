# -*- coding: utf-8 -*-

# Copyright: Contributors to the amazon.ai collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Family "converse": a call of amazon.ai.bedrock_converse against one of bedrock_invoke_model (converse.md.j2).

Every round, back to back: a 20-item loop of each, the same question to the same model with the same token limit,
through Converse and through InvokeModel with the model's own body, so that what differs is the module and the
API; then 20 direct runs of each module, taking turns. The goal (issue 16): Converse at most 1.05 times InvokeModel.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import stats
from common import Bench
from common import Plan

NAME = "converse"
MODEL = "anthropic.claude-3-haiku-20240307-v1:0"  # the fake answers it through both APIs, at once
CALLS = 20  # calls per loop, as the one family's loops
MAX_TOKENS = 64
# The question both loops ask, the item's number appended (the same length in both).
PROMPT = "In one short sentence, say what an Ansible playbook is for. Question number"
GOAL_RATIO = 1.05

# Callback task names (they are the playbooks' task names).
TASK_CONVERSE = "Ask the model once per item through bedrock_converse"
TASK_INVOKE = "Ask the model once per item through bedrock_invoke_model"


def plan(bench: Bench) -> Plan:
    """One block: the two loops and the direct runs, back to back, which goes first rotated from round to round."""
    return Plan(
        rounds=[
            [
                ("bedrock_converse loop", lambda: loop(bench, "converse_loop", TASK_CONVERSE, "converse")),
                (
                    "bedrock_invoke_model loop, same model and question",
                    lambda: loop(bench, "converse_invoke_loop", TASK_INVOKE, "converse_invoke"),
                ),
                ("both modules run directly, taking turns", lambda: direct_runs(bench)),
            ]
        ]
    )


def ran(results: Any) -> bool:
    """Did this family run (both loops have samples)?"""
    samples = results.bench.samples
    return bool(samples.get("converse_call")) and bool(samples.get("converse_invoke_call"))


def derived(results: Any) -> dict[str, Any]:
    """The numbers the report computes from the samples, and whether the goal is met."""
    s = results.bench.samples
    d: dict[str, Any] = {}
    d["converse_ratio_rounds"] = stats.paired_ratios(s.get("converse_call"), s.get("converse_invoke_call"))
    d["converse_ratio"] = stats.median(d["converse_ratio_rounds"])
    d["converse_ratio_of_medians"] = s.median("converse_call") / s.median("converse_invoke_call")
    d["converse_extra"] = s.median("converse_call") - s.median("converse_invoke_call")
    # Both playbooks pay the same start-up and the same assert: their runs' CPU time apart is their loops'.
    cpu = stats.per_unit(s.get("converse_run_cpu"), s.get("converse_invoke_run_cpu"), CALLS)
    d["converse_cpu_extra"] = stats.median(cpu)
    if s.get("converse_direct_cpu"):
        for what in ("wall", "cpu"):
            ratios = stats.paired_ratios(s.get(f"converse_direct_{what}"), s.get(f"converse_invoke_direct_{what}"))
            d[f"converse_direct_{what}_ratio"] = stats.median(ratios)
    d["converse_ok"] = d["converse_ratio"] <= GOAL_RATIO
    return d


def loop(bench: Bench, playbook: str, task: str, prefix: str) -> None:
    # The playbooks assert that every call answered with text; a failed assert fails the run.
    variables = {"bench_calls": CALLS, "bench_model": MODEL, "bench_prompt": PROMPT, "bench_max_tokens": MAX_TOKENS}
    bench.samples.add(f"{prefix}_run_cpu", bench.task(f"{prefix}_call", playbook, task, variables, CALLS).process.cpu)


def direct_runs(bench: Bench) -> None:
    """CALLS direct runs of each module, taking turns: wall and CPU time a run, without the controller, much less
    disturbed by whatever else the machine does than the loops' wall time."""
    runs: dict[str, list[Any]] = {"converse": [], "invoke": []}
    for number in range(CALLS):
        for name in ["converse", "invoke"] if number % 2 == 0 else ["invoke", "converse"]:
            module, args = DIRECT[name]
            label = f"converse_direct_{name}"
            runs[name].append(bench.module(label, module, args(number)))
            with open(bench.path(f"{label}.out"), encoding="utf-8") as handle:
                bench.check(label, bool(answer_text(name, json.load(handle))))
    for name, prefix in (("converse", "converse_direct"), ("invoke", "converse_invoke_direct")):
        walls, cpus = [run.wall for run in runs[name]], [run.cpu for run in runs[name]]
        bench.samples.update(**{f"{prefix}_wall": sum(walls) / CALLS, f"{prefix}_cpu": sum(cpus) / CALLS})


def converse_args(number: int) -> dict[str, Any]:
    """Item `number`'s question, as the playbooks ask it (the item's number appended to PROMPT)."""
    return {"model_id": MODEL, "prompt": f"{PROMPT} {number:03d}", "max_tokens": MAX_TOKENS}


def invoke_args(number: int) -> dict[str, Any]:
    messages = [{"role": "user", "content": converse_args(number)["prompt"]}]
    return {
        "model_id": MODEL,
        "body": {"anthropic_version": "bedrock-2023-05-31", "max_tokens": MAX_TOKENS, "messages": messages},
    }


DIRECT: dict[str, tuple[str, Callable[[int], dict[str, Any]]]] = {
    "converse": ("bedrock_converse", converse_args),
    "invoke": ("bedrock_invoke_model", invoke_args),
}


def answer_text(name: str, result: dict[str, Any]) -> str:
    """The answer's text in a module's result (bedrock_converse's text; the Anthropic body's first block)."""
    if name == "converse":
        return str(result.get("text") or "")
    try:
        return str(result["raw_response"]["content"][0]["text"])
    except (KeyError, IndexError, TypeError):
        return ""
