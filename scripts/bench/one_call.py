# -*- coding: utf-8 -*-

# Copyright: Contributors to the amazon.ai collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Family "one": one call per task of amazon.ai.bedrock_invoke_model, what it measures and its section.

Every round: the module's per-call cost against ansible.builtin.ping and a bare boto3 process (goal 1); 20 calls
to a 2 s model in a serial loop, an async fan-out and a fan-out across 20 hosts, also held to one core (goal 2);
calls throttled 6 times (goal 3); a 10 MB reply, run directly and through ansible-playbook (goal 4);
ansible-playbook's own start-up. Once, after the rounds: one profiled run for the fast model and one for the
large reply. How each sample is taken, and the arithmetic, are in one_call_measure.py. README.md beside this file
says what a family module is.
"""

from __future__ import annotations

import math
import statistics
from typing import Any
from typing import Dict
from typing import List

from common import FAST_MODEL
from common import SLOW_SECONDS
from common import Bench
from common import Plan
from common import cores
from one_call_measure import CALLS
from one_call_measure import MODULE
from one_call_measure import THROTTLE_SAMPLES
from one_call_measure import THROTTLES
from one_call_measure import async_fanout
from one_call_measure import bare_boto3
from one_call_measure import choose_large_values
from one_call_measure import cores_for_goal
from one_call_measure import hosts_fanout
from one_call_measure import hosts_fanout_one_core
from one_call_measure import large_direct
from one_call_measure import large_model
from one_call_measure import large_playbook
from one_call_measure import module_loop
from one_call_measure import module_sleep
from one_call_measure import one_call_args
from one_call_measure import ping_loop
from one_call_measure import scaling_fit
from one_call_measure import serial_slow
from one_call_measure import startup
from one_call_measure import throttle
from one_call_measure import worst_case_retry_sleep
from report import Results
from report import Row
from report import listed
from report import megabytes
from report import phases_table
from report import seconds
from report import verdict

NAME = "one"

# The goals (1 to 4), and how the report judges them.
GOAL_OVERHEAD = 1.10
GOAL_SPEEDUP = 8.0
GOAL_THROTTLE_SECONDS = 30.0


def plan(bench: Bench) -> Plan:
    """Inventory hosts for the fan-outs, the large reply's size, then what runs every round and once."""
    bench.add_hosts("bench_fanout", [f"bench{number:02d}" for number in range(CALLS)])
    bench.add_hosts("bench_throttle", [f"throttle{number:02d}" for number in range(THROTTLE_SAMPLES)])
    choose_large_values(bench)
    return Plan(
        rounds=[
            [
                ("module loop", lambda: module_loop(bench)),
                ("ping loop", lambda: ping_loop(bench)),
                ("bare boto3", lambda: bare_boto3(bench)),
            ],
            [
                ("serial loop of the 2 s model", lambda: serial_slow(bench)),
                ("async fan-out", lambda: async_fanout(bench)),
                ("fan-out across hosts", lambda: hosts_fanout(bench)),
            ]
            + ([("fan-out across hosts on one core", lambda: hosts_fanout_one_core(bench))] if cores() > 1 else []),
            [("throttled calls", lambda: throttle(bench)), ("ansible-playbook start-up", lambda: startup(bench))],
            [
                ("10 MB reply, module run directly", lambda: large_direct(bench)),
                ("10 MB reply, ansible-playbook", lambda: large_playbook(bench)),
            ],
        ],
        once=[
            ("profiling one module run, fast model", lambda: bench.phases("phases_small", one_call_args(FAST_MODEL))),
            (
                "profiling one module run, the 10 MB reply",
                lambda: bench.phases("phases_large", one_call_args(large_model(bench))),
            ),
        ],
    )


def ran(results: Results) -> bool:
    """Did this family run (its per-call loop has samples)?"""
    return bool(results.bench.samples.get("module_call"))


# --- the report -------------------------------------------------------------------------------------------------

# The rows of the table of results: label, sample, unit.
ROWS: List[Row] = [
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


def derived(results: Results) -> Dict[str, Any]:
    """The numbers the report computes from the samples."""
    s = results.bench.samples
    cores = int(results.machine["cores"])
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
    d["throttle_worst_sleep"], d["throttle_calls"] = worst_case_retry_sleep(results.machine, THROTTLES)
    return d


def summary(results: Results) -> List[str]:
    """The goals, for the console."""
    d = derived(results)
    lines = [
        f"Goal 1  module / (ping + bare boto3), median of the rounds = {d['ratio']:.2f} "
        f"(rounds: {listed(d['ratio_rounds'], '{:.2f}')}; medians: {d['module']:.3f} / ({d['ping']:.3f} + "
        f"{d['bare']:.3f}) = {d['ratio_of_medians']:.2f}), goal <= {GOAL_OVERHEAD:.2f}: "
        f"{'PASS' if d['ratio'] <= GOAL_OVERHEAD else 'FAIL'}"
    ]
    for name in ("async", "hosts"):
        speedup = d[f"{name}_speedup"]
        lines.append(
            f"Goal 2  {name} fan-out speed-up, median of the rounds = {speedup:.1f}x "
            f"(rounds: {listed(d[f'{name}_speedup_rounds'], '{:.1f}x')}), goal >= {GOAL_SPEEDUP:.0f}x: "
            f"{'PASS' if speedup >= GOAL_SPEEDUP else 'FAIL'}"
        )
    lines.append(
        f"Goal 3  throttled 6 times: median {d['throttle_median']:.1f} s, max {d['throttle_max']:.1f} s "
        f"(goal < {GOAL_THROTTLE_SECONDS:.0f} s): {'PASS' if d['throttle_max'] < GOAL_THROTTLE_SECONDS else 'FAIL'}"
    )
    lines.append(f"Goal 4  10 MB reply returned whole: {'PASS' if whole(results) else 'FAIL'}")
    return lines


def whole(results: Results) -> bool:
    """Was the large reply returned whole in every run?"""
    checks = results.bench.checks
    return (
        bool(checks.get("large_direct"))
        and bool(checks.get("large_playbook"))
        and all(all(values) for values in checks.values())
    )


def report(results: Results) -> List[str]:
    """The report on one call per task: bedrock_invoke_model's cost, fan-outs, throttling, a large reply."""
    d = derived(results)
    m = results.machine
    s = results.bench.samples
    large_values, large_body_bytes = results.bench.chosen["large_values"], results.bench.chosen["large_body_bytes"]
    small_run = results.bench.profiles.get("phases_small", {})
    large_run = results.bench.profiles.get("phases_large", {})
    out: List[str] = []
    w = out.append
    cores = int(m["cores"])
    ratio_ok = d["ratio"] <= GOAL_OVERHEAD
    async_ok = d["async_speedup"] >= GOAL_SPEEDUP
    hosts_ok = d["hosts_speedup"] >= GOAL_SPEEDUP
    throttle_ok = d["throttle_max"] < GOAL_THROTTLE_SECONDS
    w("## One call per task: amazon.ai.bedrock_invoke_model")
    w("")
    out.extend(results.results_table(ROWS))
    w(
        "| 1. Module per-call time within 10 % of (ping floor + bare boto3 call) | module / (ping + bare "
        f"boto3) = **{d['ratio']:.2f}** (rounds: {listed(d['ratio_rounds'], '{:.2f}')}; from the medians: "
        f"{seconds(d['module'])} / ({seconds(d['ping'])} + {seconds(d['bare'])}) = {d['ratio_of_medians']:.2f}) "
        f"| {verdict(ratio_ok)} |"
    )
    w(
        f"| 2. A fan-out at least {GOAL_SPEEDUP:.0f}× faster than the serial loop | async/poll 0: "
        f"**{d['async_speedup']:.1f}×** (rounds: {listed(d['async_speedup_rounds'], '{:.1f}×')}); across "
        f"hosts, forks {CALLS}: **{d['hosts_speedup']:.1f}×** (rounds: "
        f"{listed(d['hosts_speedup_rounds'], '{:.1f}×')}) | async {verdict(async_ok)}, hosts {verdict(hosts_ok)} |"
    )
    w(
        f"| 3. Succeeds in under {GOAL_THROTTLE_SECONDS:.0f} s after {THROTTLES} throttles | median "
        f"{seconds(d['throttle_median'])}, max {seconds(d['throttle_max'])} over {len(s.get('throttle'))} runs "
        f"| {verdict(throttle_ok)} |"
    )
    w(
        f"| 4. A {large_body_bytes / 1e6:.1f} MB JSON reply returned whole | embedding length == "
        f"{large_values:,} in every run (direct and through ansible-playbook) | {verdict(whole(results))} |"
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
        f"- **Large reply (4.)**: `test.large-{large_values}` returns a JSON embedding of {large_values:,} "
        f"floats, {large_body_bytes:,} bytes. The module is run directly (`python -m {MODULE} args.json`, as "
        "ansible-core lets one run a module to debug it) for its own wall time and peak RSS, and inside "
        "`ansible-playbook` for the end-to-end time; both check the embedding's length. Peak RSS is wait4(2)'s "
        "`ru_maxrss`, the number `/usr/bin/time -v` prints as *Maximum resident set size*; for ansible-playbook "
        "it is the largest single process of the run (controller, worker or module). A process started by "
        "fork reports at least its parent's high-water mark there, so the benchmark's own process stays "
        f"small ({results.launcher_rss_mb:.0f} MB at most here) and leaves big data to child processes."
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
    large_phases = large_run.get("phases", {})
    scrub = large_phases.get("no_log scrub of the result (ansible-core remove_values)")
    w(
        f"**Large reply.** The {large_body_bytes / 1e6:.1f} MB reply came back whole. The module process took "
        f"{seconds(s.median('large_direct_wall'))} and peaked at {s.median('large_direct_rss_mb'):.0f} MB; "
        f"through ansible-playbook the run took {seconds(s.median('large_e2e'))}."
        + (
            " Most of the module's time is not the module's: ansible-core's `exit_json` passes every value of "
            f"the result through `remove_values` (the no_log scrub) before printing it, {seconds(scrub)} for "
            f"{large_values:,} floats in the profiled run below, about {scrub / large_values * 1e6:.1f} µs per "
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
    out.extend(phases_table([f"`{FAST_MODEL}`", f"`test.large-{large_values}`"], [small_run, large_run]))
    w("")
    w(
        "Imports and client creation are the work a bare boto3 process does too (boto3 and botocore, loading "
        "the endpoint and service model files), plus `ansible.module_utils.basic`, which every module pays. "
        "The module's own functions (checking the options, encoding the body, decoding a small reply) take "
        "milliseconds."
    )
    w("")
    return out
