# -*- coding: utf-8 -*-

# Copyright: Contributors to the amazon.ai collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Family "guardrail": 1,000 test cases of a guardrail in one task of amazon.ai.bedrock_apply_guardrail
(guardrail.md.j2).

Every round, back to back: the 1,000 cases against a guardrail whose every ApplyGuardrail call the fake holds for
LATENCY seconds, MAX_CONCURRENCY in flight, and the same task with one case (its start-up). The goal (issue 22): the
1,000 cases within GOAL_OF_LIMIT times the least possible time, their latency shared among the calls in flight plus
the task's start-up, as for bedrock_invoke_models' many quick prompts.
"""

from __future__ import annotations

import json
from typing import Any

import stats
from common import Bench
from common import BenchError
from common import Plan
from common import connect
from common import request

NAME = "guardrail"
CASES = 1000
MAX_CONCURRENCY = 32
LATENCY = 0.1  # seconds the fake takes to answer each ApplyGuardrail call (its apply_latency)
GOAL_OF_LIMIT = 1.5

# The callback task name (the playbook's task name).
TASK = "Run the guardrail's test cases, all from one task"
# A guardrail that masks email addresses: every other case expects its mask, the others no intervention.
GUARDRAIL = {
    "name": "bench-support",
    "blockedInputMessaging": "Sorry, I cannot help with that.",
    "blockedOutputsMessaging": "Sorry, I cannot share that answer.",
    "sensitiveInformationPolicyConfig": {"piiEntitiesConfig": [{"type": "EMAIL", "action": "ANONYMIZE"}]},
}


def plan(bench: Bench) -> Plan:
    """One block: the 1,000 cases and the one case, back to back."""
    return Plan(
        rounds=[
            [
                (f"{CASES:,} guardrail test cases, one task", lambda: cases_task(bench, CASES)),
                ("one guardrail test case, one task (its start-up)", lambda: cases_task(bench, 1)),
            ]
        ]
    )


def ran(results: Any) -> bool:
    """Did this family run (both tasks have samples)?"""
    samples = results.bench.samples
    return bool(samples.get("guardrail_task")) and bool(samples.get("guardrail_one_task"))


def derived(results: Any) -> dict[str, Any]:
    """The limit of each round from its one-case task, the task against it, and whether the goal is met."""
    s = results.bench.samples
    d: dict[str, Any] = {}
    d["guardrail_limit_rounds"] = [
        least_time(CASES, MAX_CONCURRENCY, LATENCY, one) for one in s.get("guardrail_one_task")
    ]
    d["guardrail_of_limit_rounds"] = stats.paired_ratios(s.get("guardrail_task"), d["guardrail_limit_rounds"])
    d["guardrail_of_limit"] = stats.median(d["guardrail_of_limit_rounds"])
    d["guardrail_task"], d["guardrail_limit"] = s.median("guardrail_task"), stats.median(d["guardrail_limit_rounds"])
    d["guardrail_startup"] = s.median("guardrail_one_task") - LATENCY
    # Both runs pay the same start-up: their CPU apart is the cases'.
    cpu = stats.per_unit(s.get("guardrail_run_cpu"), s.get("guardrail_one_run_cpu"), CASES - 1)
    d["guardrail_cpu"] = stats.median(cpu)
    d["guardrail_of_limit_ok"] = d["guardrail_of_limit"] <= GOAL_OF_LIMIT
    return d


def cases_task(bench: Bench, count: int) -> None:
    """`count` cases from one task against a fresh guardrail, the fake's peak in flight and call count checked."""
    guardrail_id = set_up_guardrail()
    variables = {"bench_guardrail": guardrail_id, "bench_cases": cases(count), "bench_concurrency": MAX_CONCURRENCY}
    key = "guardrail" if count == CASES else "guardrail_one"
    run = bench.task(f"{key}_task", "guardrail_tests", TASK, variables, label=key)
    bench.samples.add(f"{key}_run_cpu", run.process.cpu)
    bench.samples.add(f"{key}_rss_mb", run.process.maxrss_kb / 1024)
    calls = endpoint_stats()
    expected = {"invocations": count, "refused": 0, "max_in_flight": min(count, MAX_CONCURRENCY)}
    seen = {name: calls.get(name) for name in expected}
    bench.check(f"{key}_calls", seen == expected)
    if seen != expected:
        raise BenchError(f"{key}: the fake counted {seen} ApplyGuardrail calls, not {expected}")


def set_up_guardrail() -> str:
    """A READY guardrail on the fake, whose calls take LATENCY, its statistics from zero; returns its id."""
    connection = connect()
    try:
        # Forget the guardrails, their statistics and settings of earlier measurements.
        request(connection, "DELETE", "/_test/guardrails")
        request(connection, "POST", "/_test/guardrails/config", json.dumps({"apply_latency": LATENCY}).encode())
        created = json.loads(request(connection, "POST", "/guardrails", json.dumps(GUARDRAIL).encode(), (202,)))
        request(connection, "POST", f"/_test/guardrails/{created['guardrailId']}/ready", b"{}")
    finally:
        connection.close()
    return str(created["guardrailId"])


def endpoint_stats() -> dict[str, Any]:
    """The fake's count of ApplyGuardrail calls: in flight, their peak, in all, refused."""
    connection = connect()
    try:
        return dict(json.loads(request(connection, "GET", "/_test/guardrails/stats")))
    finally:
        connection.close()


def cases(count: int) -> list[dict[str, Any]]:
    """`count` test cases of distinct names: every other one an email address to mask, the rest to let through."""
    return [case(number) for number in range(count)]


def case(number: int) -> dict[str, Any]:
    if number % 2:
        return {"name": f"lets {number} through", "text": f"How do I reset password {number}?", "expect": "none"}
    text = f"Write to user{number}@example.com"
    return {"name": f"masks {number}", "text": text, "expect": "intervened", "expect_output": "{EMAIL}"}


# --- the arithmetic ---------------------------------------------------------------------------------------------


def least_time(count: int, concurrency: int, latency: float, one_case: float) -> float:
    """The least time `count` cases can take from one task: their latency shared among `concurrency` calls always in
    flight, each costing nothing else, plus the task's start-up (the one-case task less its one call's latency)."""
    return count / concurrency * latency + (one_case - latency)
