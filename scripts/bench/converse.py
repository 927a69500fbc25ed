# -*- coding: utf-8 -*-

# Copyright: Contributors to the amazon.ai collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Family "converse": a call of amazon.ai.bedrock_converse against a call of amazon.ai.bedrock_invoke_model.

Every round, back to back: a 20-item loop of bedrock_converse and a 20-item loop of bedrock_invoke_model, the same
question to the same model (issue 16's goal: Converse's wall time per call no more than 1.05 times InvokeModel's).
How each sample is taken, and the arithmetic, are in converse_measure.py. README.md beside this file says what a
family module is.
"""

from __future__ import annotations

import statistics
from typing import Any
from typing import Dict
from typing import List

from common import Bench
from common import Plan
from converse_measure import CALLS
from converse_measure import MAX_TOKENS
from converse_measure import MODEL
from converse_measure import PROMPT
from converse_measure import converse_loop
from converse_measure import cpu_difference_per_call
from converse_measure import direct_runs
from converse_measure import invoke_loop
from converse_measure import paired_ratios
from report import Results
from report import Row
from report import against_goal
from report import listed
from report import seconds
from report import verdict

NAME = "converse"

# The goal, and how the report judges it.
GOAL_RATIO = 1.05


def plan(bench: Bench) -> Plan:
    """One block: the two loops, back to back, which goes first rotated from round to round."""
    return Plan(
        rounds=[
            [
                ("bedrock_converse loop", lambda: converse_loop(bench)),
                ("bedrock_invoke_model loop, same model and question", lambda: invoke_loop(bench)),
                ("both modules run directly, taking turns", lambda: direct_runs(bench)),
            ]
        ]
    )


def ran(results: Results) -> bool:
    """Did this family run (both loops have samples)?"""
    samples = results.bench.samples
    return bool(samples.get("converse_call")) and bool(samples.get("converse_invoke_call"))


# --- the report -------------------------------------------------------------------------------------------------

ROWS: List[Row] = [
    (f"amazon.ai.bedrock_converse, per call ({CALLS}-item loop)", "converse_call", seconds),
    (f"amazon.ai.bedrock_invoke_model, per call ({CALLS}-item loop, same question)", "converse_invoke_call", seconds),
    ("bedrock_converse, module process run directly: wall", "converse_direct_wall", seconds),
    ("bedrock_invoke_model, module process run directly: wall", "converse_invoke_direct_wall", seconds),
    ("bedrock_converse, module process run directly: CPU", "converse_direct_cpu", seconds),
    ("bedrock_invoke_model, module process run directly: CPU", "converse_invoke_direct_cpu", seconds),
]


def derived(results: Results) -> Dict[str, Any]:
    """The numbers the report computes from the samples."""
    s = results.bench.samples
    d: Dict[str, Any] = {}
    d["converse_ratio_rounds"] = paired_ratios(s.get("converse_call"), s.get("converse_invoke_call"))
    d["converse_ratio"] = statistics.median(d["converse_ratio_rounds"])
    d["converse_ratio_of_medians"] = s.median("converse_call") / s.median("converse_invoke_call")
    d["converse_extra"] = s.median("converse_call") - s.median("converse_invoke_call")
    d["converse_cpu_extra"] = cpu_difference_per_call(
        s.get("converse_run_cpu"), s.get("converse_invoke_run_cpu"), CALLS
    )
    if s.get("converse_direct_cpu"):
        for what in ("wall", "cpu"):
            d[f"converse_direct_{what}_ratio"] = statistics.median(
                paired_ratios(s.get(f"converse_direct_{what}"), s.get(f"converse_invoke_direct_{what}"))
            )
    return d


def summary(results: Results) -> List[str]:
    """The goal, for the console."""
    d = derived(results)
    ok = d["converse_ratio"] <= GOAL_RATIO
    return [
        f"Converse  bedrock_converse / bedrock_invoke_model per call, median of the rounds = "
        f"{against_goal(d['converse_ratio'], GOAL_RATIO, 2)} (rounds: {listed(d['converse_ratio_rounds'], '{:.3f}')}), "
        f"goal <= {GOAL_RATIO:.2f}: {'PASS' if ok else 'FAIL'}"
    ]


def report(results: Results) -> List[str]:
    """The section on bedrock_converse against bedrock_invoke_model."""
    d = derived(results)
    s = results.bench.samples
    ok = d["converse_ratio"] <= GOAL_RATIO
    out: List[str] = []
    w = out.append
    w("## One interface for every chat model: amazon.ai.bedrock_converse")
    w("")
    out.extend(results.results_table(ROWS))
    w(
        f"| A call of `bedrock_converse` takes no more than {GOAL_RATIO:.2f} times a call of "
        "`bedrock_invoke_model` | converse / invoke_model per call = "
        f"**{against_goal(d['converse_ratio'], GOAL_RATIO, 2)}** (rounds: "
        f"{listed(d['converse_ratio_rounds'], '{:.3f}')}; from the medians: {seconds(s.median('converse_call'))} / "
        f"{seconds(s.median('converse_invoke_call'))} = {d['converse_ratio_of_medians']:.3f}) | {verdict(ok)} |"
    )
    w("")
    w("### How the numbers are computed")
    w("")
    w(
        f"- **Per call**: the wall time of one task that loops {CALLS} times, divided by {CALLS}, timed by the "
        "callback plugin as in the one-call family (without `ansible-playbook`'s start-up). Both loops ask "
        f'`{MODEL}`, which the fake answers at once, the same question ("{PROMPT} NNN", the item\'s number '
        f"appended) with the same limit of {MAX_TOKENS} tokens: `bedrock_converse` with `prompt` and "
        "`max_tokens` (the Converse API), `bedrock_invoke_model` with the model's own body (`anthropic_version`, "
        "`max_tokens`, `messages`; the InvokeModel API)."
    )
    w(
        "- **Ratio** = converse per call / invoke_model per call, the two loops run back to back in each round "
        "(which goes first alternating from round to round), and the ratio's median over the rounds; the ratio of "
        "the two medians is shown too. Between the medians the difference is "
        f"{d['converse_extra'] * 1000:+.0f} ms per call ({(d['converse_ratio_of_medians'] - 1) * 100:+.1f} %); "
        f"in CPU time (the two `ansible-playbook` runs' CPU, with every process they started, apart, per call) "
        f"{d['converse_cpu_extra'] * 1000:+.0f} ms."
    )
    if "converse_direct_cpu_ratio" in d:
        w(
            f"- **Run directly**: {CALLS} runs of each module's process without the controller (`python -m "
            "...bedrock_converse ARGS`, the same question), taking turns, each run's CPU time from wait4(2), which "
            "whatever else the machine does disturbs much less than the loops' wall time: converse / invoke_model "
            f"= {d['converse_direct_wall_ratio']:.3f} in wall time, {d['converse_direct_cpu_ratio']:.3f} in CPU time "
            f"({seconds(s.median('converse_direct_cpu'))} against {seconds(s.median('converse_invoke_direct_cpu'))} "
            "a run)."
        )
    w(
        "- What differs is all the module's and the API's: `bedrock_converse` checks more options (messages, "
        "inference settings, tools), imports its own module_utils, builds a Converse request and turns the "
        "reply into `text`, `messages`, `usage`; the fake's own work is about the same for both requests."
    )
    w("")
    return out
