# -*- coding: utf-8 -*-

# Copyright: Contributors to the amazon.ai collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The report's scaffolding, shared by every scenario family (see README.md beside this file).

Results holds a run (the Bench with its samples, the machine, the rounds) and the families it ran; it prints the
console table and writes docs/benchmarks.md: the introduction and the Machine table, then each family's own
section (family.report), then how to run it. The formatting helpers here are what the families' sections use,
so that every number reads the same way everywhere.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from typing import Any
from typing import Callable
from typing import Dict
from typing import List
from typing import Optional
from typing import Tuple

from common import Bench

# A row of a family's table of results: label, sample, unit.
Row = Tuple[str, str, Callable[[float], str]]


def seconds(value: float) -> str:
    return f"{value:.2f} s" if value >= 0.995 else f"{value * 1000:.0f} ms"


def megabytes(value: float) -> str:
    return f"{value:.0f} MB"


def spread(values: List[float], unit: Callable[[float], str] = seconds) -> str:
    return f"{unit(min(values))} – {unit(max(values))}" if len(values) > 1 else "–"


def against_goal(value: float, goal: float, decimals: int) -> str:
    """value with `decimals` decimals, or with as many more as it takes not to read as the goal it misses or meets.

    2.997 against a goal of 3 is "2.997", not "3.0", which would read as met.
    """
    while decimals < 6 and value != goal and f"{value:.{decimals}f}" == f"{goal:.{decimals}f}":
        decimals += 1
    return f"{value:.{decimals}f}"


def verdict(ok: bool) -> str:
    return "**PASS**" if ok else "**FAIL**"


def listed(values: List[float], template: str) -> str:
    return ", ".join(template.format(value) for value in values)


def phases_table(columns: List[str], runs: List[Dict[str, Any]]) -> List[str]:
    """A table of where the time of one or more profiled module runs (Bench.phases) went, a column a run."""

    def row(label: str, cells: List[str]) -> str:
        return f"| {label} | " + " | ".join(cells) + " |"

    def maybe(value: Optional[float]) -> str:
        return seconds(value) if value is not None else "n/a"

    lines = [row("Phase", columns), "| --- |" + " ---: |" * len(runs)]
    for phase in runs[0].get("phases", {}):
        lines.append(row(phase, [maybe(run.get("phases", {}).get(phase)) for run in runs]))
    lines.append(
        row("interpreter start and exit (the rest)", [seconds(run["wall"] - run["in_process"]) for run in runs])
    )
    lines.append(row("whole process, wall", [seconds(run["wall"]) for run in runs]))
    lines.append(row("whole process, peak RSS", [f"{run['maxrss_mb']:.0f} MB" for run in runs]))
    return lines


@dataclass
class Results:
    """A run of the benchmark: what it measured (bench) and the families, in the order the report gives them."""

    bench: Bench
    families: List[Any]  # the family modules (many_prompts, one_call, ...); those that ran have a section
    rounds: int
    machine: Dict[str, Any]
    started: str
    duration: float
    load_before: Tuple[float, float, float]
    load_after: Tuple[float, float, float]
    launcher_rss_mb: float

    def ran(self) -> List[Any]:
        """The families with something measured."""
        return [family for family in self.families if family.ran(self)]

    def derived(self) -> Dict[str, Any]:
        """The numbers the report computes from the samples, for the families that ran."""
        d: Dict[str, Any] = {}
        for family in self.ran():
            d.update(family.derived(self))
        return d

    def table(self, rows: List[Row]) -> List[Tuple[str, str, str, str]]:
        s = self.bench.samples
        return [
            (label, unit(s.median(key)), spread(s.get(key), unit), str(len(s.get(key))))
            for label, key, unit in rows
            if s.get(key)
        ]

    def results_table(self, rows: List[Row]) -> List[str]:
        """A family's table of results, and the head of its table of goals (its rows follow)."""
        lines = ["### Results", "", "| Measurement | Median | Range | n |", "| --- | ---: | ---: | ---: |"]
        lines += ["| " + " | ".join(row) + " |" for row in self.table(rows)]
        return lines + ["", "### Goals", "", "| Goal | Measured | Result |", "| --- | --- | --- |"]

    def print_table(self) -> None:
        rows = [("Measurement", "Median", "Range", "n")]
        for family in self.families:
            rows += self.table(family.ROWS)
        widths = [max(len(row[i]) for row in rows) for i in range(4)]
        for number, row in enumerate(rows):
            print("  ".join(cell.ljust(widths[i]) if i == 0 else cell.rjust(widths[i]) for i, cell in enumerate(row)))
            if number == 0:
                print("  ".join("-" * width for width in widths))
        print()
        for family in self.ran():
            for line in family.summary(self):
                print(line)

    def markdown(self) -> str:
        m = self.machine
        out: List[str] = []
        w = out.append
        w("# Benchmarks")
        w("")
        w(
            "How fast many prompts go with `amazon.ai.bedrock_invoke_models`, against the ways of sending them without "
            "it, what a user pays per call of `amazon.ai.bedrock_invoke_model` and of `amazon.ai.bedrock_converse`, "
            "and how batch inference jobs (`amazon.ai.bedrock_model_invocation_job`) grow with their records. "
            "Written by `make bench` (`scripts/bench.sh`); do not edit by hand, run it again. Every number comes "
            "from real `ansible-playbook` runs (or real processes) against the project's Bedrock fake on 127.0.0.1 "
            "(`tests/support/bedrock_endpoint.py`, with moto's S3 behind the same address), so the model's own "
            "latency is known exactly and nothing leaves the machine."
        )
        w("")
        once = [note for note in (getattr(family, "once_note", _no_note)(self) for family in self.ran()) if note]
        w(
            f"The run took {self.duration / 60:.1f} minutes: {self.rounds} round{'s' if self.rounds != 1 else ''}, "
            "each running every measurement of the rounds once, in an order rotated from round to round so that "
            "whatever else the machine was doing is spread over all of them"
            + ("; then, once, " + "; and ".join(once) if once else "")
            + ". The tables give each measurement's median over the rounds and its range."
        )
        w("")
        w("## Machine")
        w("")
        w("| | |")
        w("| --- | --- |")
        w(f"| Date (UTC) | {self.started} |")
        w(f"| CPU | {m['cpu']} |")
        w(f"| Cores available | {m['cores']} |")
        w(f"| Memory | {m['memory']} |")
        w(f"| System | {m['system']} |")
        w(f"| Python | {m['python']} |")
        w(f"| ansible-core | {m['ansible_core']} |")
        w(f"| boto3 / botocore | {m['boto3']} / {m['botocore']} |")
        w(
            f"| Retries | the module's: {m['module_tries']} tries, jittered backoff of at most {m['module_delay']} s "
            f"doubling to {m['module_max_delay']} s; botocore's: {m['client_attempts']} attempt per call; read "
            f"timeout {m['read_timeout']} s |"
        )
        w(f"| Commit | `{m['commit']}` |")
        w(
            "| Load average (1, 5, 15 min) | before: "
            + ", ".join(f"{x:.2f}" for x in self.load_before)
            + "; after: "
            + ", ".join(f"{x:.2f}" for x in self.load_after)
            + " |"
        )
        w("")
        for family in self.ran():
            out.extend(family.report(self))
        w("## Run it")
        w("")
        w("```bash")
        w("make bench                      # or: PATH=$PWD/.venv/bin:$PATH scripts/bench.sh")
        w("BENCH_ROUNDS=5 make bench       # more rounds, tighter medians (5 minutes a round on 2 cores, 8 once)")
        w("BENCH_ONLY=many make bench      # only the many-prompts part; writes build/bench/benchmarks.md instead")
        w("BENCH_ONLY=converse,batch make bench  # only those families (many, one, converse, batch)")
        w("```")
        w("")
        w(
            "The absolute numbers depend on the machine (mostly single-core speed and the number of cores) and on "
            "what else it is doing (see the load average above); the ratios are what to compare between machines. "
            "Every run's log, timings and raw samples stay in `build/bench/` until the next run."
        )
        return "\n".join(out) + "\n"


def _no_note(_results: Results) -> str:
    return ""


# --- the saved state (build/bench/results.json) -----------------------------------------------------------------

_FIELDS = ("rounds", "machine", "started", "duration", "load_before", "load_after", "launcher_rss_mb")


def save_state(results: Results, path: str) -> None:
    """Everything the report is made from, so that --report-only can write it again without measuring."""
    bench = results.bench
    state = {name: getattr(results, name) for name in _FIELDS}
    state.update(
        samples=bench.samples.values,
        checks=bench.checks,
        chosen=bench.chosen,
        profiles=bench.profiles,
        derived=results.derived(),
    )
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(state, handle, indent=1)


def load_state(path: str, collections: str, work: str, families: List[Any]) -> Results:
    with open(path, encoding="utf-8") as handle:
        state = json.load(handle)
    bench = Bench(collections, work, sys.executable)
    bench.samples.values = state["samples"]
    bench.checks = state["checks"]
    if "profiles" in state:
        bench.chosen, bench.profiles = state["chosen"], state["profiles"]
    else:  # a results.json from before the families were split kept these at its top level
        bench.chosen = {name: state[name] for name in ("large_values", "large_body_bytes")}
        bench.profiles = {f"phases_{kind}": state.get(f"{kind}_phases") or {} for kind in ("small", "large", "many")}
    return Results(bench=bench, families=families, **{name: state[name] for name in _FIELDS})
