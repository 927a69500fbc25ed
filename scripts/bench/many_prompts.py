# -*- coding: utf-8 -*-

# Copyright: Contributors to the amazon.ai collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Family "many": many prompts in one task of amazon.ai.bedrock_invoke_models, what it measures and its section.

Every round: the endpoint check (can the fake keep up?), then 1,000 quick prompts from one task and the same task
with no bodies, through ansible-playbook and with the module run directly (goals C, D: time against the
concurrency limit, CPU per request). Once, after the rounds: 100 prompts to a 2 s model from one task, from a loop
of bedrock_invoke_model and from a fan-out of it across 100 hosts (goals A, B), and one profiled run of the
1,000 prompts. How each sample is taken, and the arithmetic, are in many_prompts_measure.py. README.md beside
this file says what a family module is.
"""

from __future__ import annotations

import math
import statistics
from typing import Any
from typing import Dict
from typing import List
from typing import Tuple

import one_call
from common import SLOW_SECONDS
from common import Bench
from common import Plan
from many_prompts_measure import BULK_CONCURRENCY
from many_prompts_measure import BULK_PROMPTS
from many_prompts_measure import BULK_SECONDS
from many_prompts_measure import MANY_CONCURRENCY
from many_prompts_measure import MANY_FORKS
from many_prompts_measure import MANY_MODULE
from many_prompts_measure import MANY_PROMPTS
from many_prompts_measure import PROBE_REQUESTS
from many_prompts_measure import PROBE_SECONDS
from many_prompts_measure import bulk_direct
from many_prompts_measure import bulk_playbook
from many_prompts_measure import concurrency_limit
from many_prompts_measure import cpu_for_speedup
from many_prompts_measure import effective_concurrency
from many_prompts_measure import endpoint_check
from many_prompts_measure import many_hosts
from many_prompts_measure import many_loop
from many_prompts_measure import many_module
from many_prompts_measure import paired
from many_prompts_measure import per_request
from many_prompts_measure import profile
from many_prompts_measure import waves
from report import Results
from report import Row
from report import against_goal
from report import listed
from report import megabytes
from report import phases_table
from report import seconds
from report import verdict

NAME = "many"

# The goals (A to D), and how the report judges them.
GOAL_MANY_VS_LOOP = 15.0
GOAL_MANY_VS_HOSTS = 3.0
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


def ran(results: Results) -> bool:
    """Did this family run (its 1,000 prompts have samples)?"""
    return bool(results.bench.samples.get("bulk_task"))


# --- the report -------------------------------------------------------------------------------------------------

# The rows of the table of results: label, sample, unit.
ROWS: List[Row] = [
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


def derived(results: Results) -> Dict[str, Any]:
    """The numbers the report computes from the samples."""
    s = results.bench.samples
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
        d["many_hosts_floor"] = MANY_PROMPTS * d["many_hosts_cpu"] / int(results.machine["cores"])
        # The one task cannot beat its rounds of latency plus its start-up, however it is written.
        d["many_hosts_cpu_for_goal"] = cpu_for_speedup(
            GOAL_MANY_VS_HOSTS, d["many_wave_bound"], MANY_PROMPTS, int(results.machine["cores"])
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


def goals(results: Results) -> List[Tuple[str, str, bool]]:
    """(goal, what was measured, met) for each goal of the many-prompts part."""
    d = derived(results)
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
            f"**{against_goal(d['bulk_of_limit'], GOAL_BULK_OF_LIMIT, 2)}** (rounds: {listed(d['bulk_of_limit_rounds'], '{:.2f}')})",
            d["bulk_of_limit"] <= GOAL_BULK_OF_LIMIT,
        ),
        (
            f"D. CPU time per request under {GOAL_BULK_CPU * 1000:.0f} ms",
            f"**{against_goal(d['bulk_cpu'] * 1000, GOAL_BULK_CPU * 1000, 2)} ms** (rounds: "
            f"{listed([cpu * 1000 for cpu in d['bulk_cpu_rounds']], '{:.2f}')})",
            d["bulk_cpu"] < GOAL_BULK_CPU,
        ),
    ]


def summary(results: Results) -> List[str]:
    """The goals, for the console."""
    return [
        f"Goal {goal}: {measured.replace('**', '')}: {'PASS' if ok else 'FAIL'}"
        for goal, measured, ok in goals(results)
    ]


def once_note(results: Results) -> str:
    """What this family ran once, after the rounds, for the report's introduction."""
    s = results.bench.samples
    if not s.get("many_module"):
        return ""
    minutes = sum(s.median(key) for key in ("many_module", "many_loop", "many_hosts")) / 60
    return (
        f"the {MANY_PROMPTS}-prompt comparison of `bedrock_invoke_models` with a loop and a fan-out across hosts, "
        f"which takes {minutes:.1f} minutes, too long to repeat every round"
    )


def report(results: Results) -> List[str]:
    """The report on many prompts from one task of bedrock_invoke_models, against the ways without it."""
    d = derived(results)
    s = results.bench.samples
    out: List[str] = []
    w = out.append
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
    out.extend(results.results_table(ROWS))
    for goal, measured, ok in goals(results):
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
            f"{MANY_PROMPTS} prompts need {seconds(d['many_hosts_floor'])} of all {results.machine['cores']} "
            "cores, so it is bound by CPU, not by the model, and more forks would not help; the one task "
            "spends its time waiting for the model. So goal B depends on the machine as much as on the "
            f"module: the one task's time is set by the model and max_concurrency ({d['many_waves']} rounds "
            f"of {SLOW_SECONDS} s; with max_concurrency {math.ceil(MANY_PROMPTS / 4)} or more, 4 rounds), the "
            "fan-out's by the CPU it needs, which more cores shorten and other work on the machine lengthens "
            "(see the load average above). Since no way of sending the prompts at max_concurrency "
            f"{MANY_CONCURRENCY} takes less than those {d['many_waves']} rounds plus the start-up, "
            f"{GOAL_MANY_VS_HOSTS:g}× needs a fan-out of at least "
            f"{seconds(GOAL_MANY_VS_HOSTS * d['many_wave_bound'])}: on {results.machine['cores']} cores, "
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
        f"{BULK_SECONDS} s model bring." + in_flight_note(results)
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
    if results.bench.profiles.get("phases_many"):
        out.extend(profile_report(results))
    w(
        "**When to fan out across hosts instead.** `bedrock_invoke_models` runs on one host and sends every "
        "request from there. When each prompt belongs to a host, because the host must call Bedrock itself (its "
        "own credentials, region, network path or data), run `bedrock_invoke_model` on the hosts and let "
        "`forks` run them side by side"
        + ("; the section below measures what that costs." if one_call.ran(results) else ".")
    )
    w("")
    return out


def in_flight_note(results: Results) -> str:
    """What the profiled run's count of calls under way says about the times' lower bound."""
    flight = results.bench.profiles.get("phases_many", {}).get("in_flight") or {}
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


def profile_report(results: Results) -> List[str]:
    run = results.bench.profiles["phases_many"]
    flight = run.get("in_flight") or {}
    lines = [
        f"**Where the task's time goes.** One direct run of `bedrock_invoke_models` with the {BULK_PROMPTS:,} "
        "prompts, outside the rounds (`scripts/bench/phases.py`: the module run in-process, with the functions "
        "that bound each phase timed, and every InvokeModel call under way in botocore counted):",
        "",
    ]
    lines += phases_table(["Time"], [run])
    if flight:
        lines += [
            f"| InvokeModel calls under way at once: most, and average while sending | {flight['peak']}, "
            f"{flight['mean']:.1f} |",
            f"| InvokeModel call, from its start to its answer, on average | {seconds(flight['call_seconds'])} |",
        ]
    return lines + [""]
