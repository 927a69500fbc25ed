# -*- coding: utf-8 -*-

# Copyright: Contributors to the amazon.ai collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Family "batch": batch inference jobs of 1,000 to 50,000 records, and 1,000 embeddings from one task.

Through amazon.ai.bedrock_model_invocation_job, against the fake's batch API with moto's S3 behind the same
address, the fake finishing each job at once (issue 17): every round, jobs of 1,000 and 10,000 records step by
step (staging, collecting returned, collecting with responses_dest, a bare boto3 script collecting the same
output) and whole (one task from bodies to answers, returned and with responses_dest). Once, after the rounds: the
same for 50,000 records, and 1,000 embedding requests of 1,024 dimensions through amazon.ai.bedrock_invoke_models,
returned and with responses_dest. Goals, judged at the largest job: the module's own CPU time under 0.1 ms a
record for staging and for collecting; its peak memory under four times the output's size; collecting 50,000
records with responses_dest within twice the bare script's time. How each sample is taken, and the arithmetic,
are in batch_measure.py.
"""

from __future__ import annotations

import functools
import statistics
from typing import Any
from typing import Callable
from typing import Dict
from typing import List
from typing import Tuple

from batch_measure import EMBED_MODEL
from batch_measure import EMBEDDINGS
from batch_measure import ONCE_SIZES
from batch_measure import SIZES
from batch_measure import TEXT_MODEL
from batch_measure import embed_key
from batch_measure import embeddings_steps
from batch_measure import embeddings_task
from batch_measure import growth
from batch_measure import key
from batch_measure import paired_ratios
from batch_measure import per_record
from batch_measure import prepare
from batch_measure import records_steps
from batch_measure import records_task
from batch_tool import DIMENSIONS
from common import Bench
from common import Measurement
from common import Plan
from report import Results
from report import Row
from report import against_goal
from report import listed
from report import seconds
from report import verdict

NAME = "batch"

# The goals, and how the report judges them.
GOAL_CPU_PER_RECORD = 0.0001  # seconds of the module's own CPU time per record, staging and collecting each
GOAL_MEMORY_FACTOR = 4.0  # the module's peak memory (over its baseline) against the output's size
GOAL_COLLECT_RATIO = 2.0  # collecting with responses_dest against the bare boto3 script
GOAL_COLLECT_SIZE = 50_000


def megabytes(value: float) -> str:
    return f"{value:.1f} MB" if value < 10 else f"{value:.0f} MB"


def microseconds(value: float) -> str:
    return f"{value * 1e6:.1f} µs" if abs(value) < 1e-5 else f"{value * 1e6:.0f} µs"


def per_record_time(value: float) -> str:
    """A record's CPU time, in µs, with as many decimals as it takes not to read as the goal it misses or meets."""
    return f"{against_goal(value * 1e6, GOAL_CPU_PER_RECORD * 1e6, 0 if abs(value) >= 1e-5 else 1)} µs"


def _size_block(bench: Bench, count: int) -> List[Measurement]:
    return [
        (f"{count:,} records step by step, and the bare boto3 script", lambda: records_steps(bench, count)),
        (f"{count:,} records in one task, returned", lambda: records_task(bench, count, False)),
        (f"{count:,} records in one task, responses_dest", lambda: records_task(bench, count, True)),
    ]


def plan(bench: Bench) -> Plan:
    """The fake set to finish jobs at once, the buckets; jobs of every size, and the embeddings."""
    prepare(bench)
    embeddings = [
        (f"{EMBEDDINGS:,} embeddings run directly", lambda: embeddings_steps(bench)),
        (f"{EMBEDDINGS:,} embeddings in one task, returned", lambda: embeddings_task(bench, False)),
        (f"{EMBEDDINGS:,} embeddings in one task, responses_dest", lambda: embeddings_task(bench, True)),
    ]
    every_round = [_size_block(bench, count) for count in SIZES if count not in ONCE_SIZES]
    once = [measurement for count in SIZES if count in ONCE_SIZES for measurement in _size_block(bench, count)]
    # The embeddings once too: a minute a run, and no goal of theirs rests on a median.
    return Plan(rounds=every_round, once=once + embeddings)


def ran(results: Results) -> bool:
    """Did this family run (a job was staged)?"""
    return any(results.bench.samples.get(key(count, "stage_cpu")) for count in SIZES)


def once_note(results: Results) -> str:
    measured = [count for count in ONCE_SIZES if results.bench.samples.get(key(count, "stage_cpu"))]
    notes = [f"the batch job of {' and '.join(f'{count:,}' for count in measured)} records"] if measured else []
    if results.bench.samples.get(embed_key("returned_cpu")):
        notes.append(f"the {EMBEDDINGS:,} embeddings")
    return " and ".join(notes)


# --- the report -------------------------------------------------------------------------------------------------


def _size_rows(count: int) -> List[Row]:
    n = f"{count:,} records"
    return [
        (f"{n}: staging, module run (bodies to S3, job created)", key(count, "stage_wall"), seconds),
        (f"{n}: collecting, answers returned, module run", key(count, "returned_wall"), seconds),
        (f"{n}: collecting, responses_dest, module run", key(count, "dest_wall"), seconds),
        (f"{n}: bare boto3 script, download and write in input order", key(count, "bare_wall"), seconds),
        (f"{n}: one task, bodies to answers, returned", key(count, "task_returned"), seconds),
        (f"{n}: one task, bodies to answers, responses_dest", key(count, "task_dest"), seconds),
        (f"{n}: module CPU, staging", key(count, "stage_cpu"), seconds),
        (f"{n}: module CPU, collecting returned", key(count, "returned_cpu"), seconds),
        (f"{n}: module CPU, collecting to responses_dest", key(count, "dest_cpu"), seconds),
        (f"{n}: module CPU, reporting the job only (baseline)", key(count, "base_cpu"), seconds),
        (f"{n}: peak RSS, staging", key(count, "stage_rss_mb"), megabytes),
        (f"{n}: peak RSS, collecting returned", key(count, "returned_rss_mb"), megabytes),
        (f"{n}: peak RSS, collecting to responses_dest", key(count, "dest_rss_mb"), megabytes),
        (f"{n}: peak RSS, reporting the job only (baseline)", key(count, "base_rss_mb"), megabytes),
        (
            f"{n}: peak RSS, one task returned (largest ansible-playbook process)",
            key(count, "task_returned_rss_mb"),
            megabytes,
        ),
        (f"{n}: the job's output in S3", key(count, "output_mb"), megabytes),
    ]


_EMBED = f"{EMBEDDINGS:,} embeddings"
ROWS: List[Row] = [row for count in SIZES for row in _size_rows(count)] + [
    (f"{_EMBED}: module run, returned", embed_key("returned_wall"), seconds),
    (f"{_EMBED}: module run, responses_dest", embed_key("dest_wall"), seconds),
    (f"{_EMBED}: one task, returned", embed_key("task_returned"), seconds),
    (f"{_EMBED}: one task, responses_dest", embed_key("task_dest"), seconds),
    (f"{_EMBED}: module CPU, returned", embed_key("returned_cpu"), seconds),
    (f"{_EMBED}: module CPU, responses_dest", embed_key("dest_cpu"), seconds),
    (f"{_EMBED}: module CPU, one request (baseline)", embed_key("base_cpu"), seconds),
    (f"{_EMBED}: peak RSS, returned", embed_key("returned_rss_mb"), megabytes),
    (f"{_EMBED}: peak RSS, responses_dest", embed_key("dest_rss_mb"), megabytes),
    (f"{_EMBED}: peak RSS, one request (baseline)", embed_key("base_rss_mb"), megabytes),
    (
        f"{_EMBED}: peak RSS, one task returned (largest ansible-playbook process)",
        embed_key("task_returned_rss_mb"),
        megabytes,
    ),
    (f"{_EMBED}: the answers (responses_dest file)", embed_key("output_mb"), megabytes),
]

# The module runs whose CPU per record and memory the goals judge: (name, what it is, baseline's name).
STEPS: List[Tuple[str, str]] = [
    ("stage", "staging"),
    ("returned", "collecting, returned"),
    ("dest", "collecting, responses_dest"),
]
EMBED_STEPS: List[Tuple[str, str]] = [("returned", "returned"), ("dest", "responses_dest")]


def sizes_run(results: Results) -> List[int]:
    return [count for count in SIZES if results.bench.samples.get(key(count, "stage_cpu"))]


def derived(results: Results) -> Dict[str, Any]:
    """The numbers the report computes from the samples, by size (and for the embeddings)."""
    s = results.bench.samples
    d: Dict[str, Any] = {"batch_sizes": sizes_run(results)}
    for count in d["batch_sizes"]:
        k = functools.partial(key, count)
        output = statistics.median(s.get(k("output_mb")))
        if s.get(k("args_rss_mb")):
            d[k("args_floor_mb")] = statistics.median(growth(s.get(k("args_rss_mb")), s.get(k("args_base_rss_mb"))))
        for step, dummy in STEPS:
            d[k(f"{step}_cpu_per_record")] = statistics.median(
                per_record(s.get(k(f"{step}_cpu")), s.get(k("base_cpu")), count)
            )
            d[k(f"{step}_growth_mb")] = statistics.median(growth(s.get(k(f"{step}_rss_mb")), s.get(k("base_rss_mb"))))
            d[k(f"{step}_memory_factor")] = d[k(f"{step}_growth_mb")] / output
        d[k("collect_ratio_rounds")] = paired_ratios(s.get(k("dest_wall")), s.get(k("bare_wall")))
        d[k("collect_ratio")] = statistics.median(d[k("collect_ratio_rounds")])
        d[k("returned_ratio")] = statistics.median(paired_ratios(s.get(k("returned_wall")), s.get(k("bare_wall"))))
        for mode in ("task_returned", "task_dest"):
            if s.get(k(mode)):
                d[k(f"{mode}_per_record")] = statistics.median(s.get(k(mode))) / count
    if s.get(embed_key("returned_cpu")):
        output = statistics.median(s.get(embed_key("output_mb")))
        for step, dummy in EMBED_STEPS:
            # The baseline sends one request: the others are what the EMBEDDINGS - 1 more cost.
            d[embed_key(f"{step}_cpu_per_record")] = statistics.median(
                per_record(s.get(embed_key(f"{step}_cpu")), s.get(embed_key("base_cpu")), EMBEDDINGS - 1)
            )
            d[embed_key(f"{step}_growth_mb")] = statistics.median(
                growth(s.get(embed_key(f"{step}_rss_mb")), s.get(embed_key("base_rss_mb")))
            )
            d[embed_key(f"{step}_memory_factor")] = d[embed_key(f"{step}_growth_mb")] / output
    return d


def goals(d: Dict[str, Any]) -> List[Tuple[str, str, bool]]:
    """Each goal: what it asks, what was measured, whether it is met.

    The CPU and memory goals are judged at the largest job measured: what a record adds is what they are about,
    and at 1,000 records (a few hundred kB of output) it is within the noise of a Python process's CPU time and
    peak memory (modules one run imports and the baseline does not, the allocator's arenas). The smaller jobs are
    shown beside it.
    """
    sizes = d["batch_sizes"]
    largest = sizes[-1]
    out: List[Tuple[str, str, bool]] = []

    def measured(show: Callable[[int], str]) -> str:
        others = "; ".join(f"{count:,}: {show(count)}" for count in sizes[:-1])
        return f"{largest:,} records: **{show(largest)}**" + (f" ({others})" if others else "")

    for step, what in STEPS:
        out.append(
            (
                f"Module's own CPU per record, {what}, under {microseconds(GOAL_CPU_PER_RECORD)}",
                measured(lambda count, step=step: per_record_time(d[key(count, f"{step}_cpu_per_record")])),
                d[key(largest, f"{step}_cpu_per_record")] < GOAL_CPU_PER_RECORD,
            )
        )
    for step, what in STEPS:
        out.append(
            (
                f"Module's peak memory, {what}, under {GOAL_MEMORY_FACTOR:.0f}× the output's size",
                measured(
                    lambda count, step=step: f"+{megabytes(d[key(count, f'{step}_growth_mb')])} = "
                    f"{against_goal(d[key(count, f'{step}_memory_factor')], GOAL_MEMORY_FACTOR, 2)}×",
                ),
                d[key(largest, f"{step}_memory_factor")] < GOAL_MEMORY_FACTOR,
            )
        )
    if GOAL_COLLECT_SIZE in sizes:
        ratio = d[key(GOAL_COLLECT_SIZE, "collect_ratio")]
        out.append(
            (
                f"Collecting {GOAL_COLLECT_SIZE:,} records with responses_dest within {GOAL_COLLECT_RATIO:.0f}× the "
                "bare boto3 script",
                f"module / bare = **{against_goal(ratio, GOAL_COLLECT_RATIO, 2)}** (rounds: "
                f"{listed(d[key(GOAL_COLLECT_SIZE, 'collect_ratio_rounds')], '{:.2f}')})",
                ratio <= GOAL_COLLECT_RATIO,
            )
        )
    return out


def summary(results: Results) -> List[str]:
    """The goals, for the console, and the embeddings' numbers."""
    d = derived(results)
    lines = [
        f"Batch  {goal}: {measured.replace('**', '')}: {'PASS' if ok else 'FAIL'}" for goal, measured, ok in goals(d)
    ]
    if embed_key("returned_cpu_per_record") in d:
        lines.append(
            f"Embeddings  {_EMBED}, returned / responses_dest: CPU per reply "
            f"{microseconds(d[embed_key('returned_cpu_per_record')])} / "
            f"{microseconds(d[embed_key('dest_cpu_per_record')])}, peak memory "
            f"{d[embed_key('returned_memory_factor')]:.2f}× / {d[embed_key('dest_memory_factor')]:.2f}× the answers"
        )
    return lines


def embeddings_table(results: Results, d: Dict[str, Any]) -> List[str]:
    """The embeddings through bedrock_invoke_models, returned and with responses_dest side by side."""
    s = results.bench.samples

    def cells(show: Callable[[str], str]) -> str:
        return " | ".join(show(mode) for mode in ("returned", "dest"))

    return [
        f"| {_EMBED} of {DIMENSIONS:,} dimensions | returned | responses_dest |",
        "| --- | ---: | ---: |",
        "| One task, wall time | "
        + cells(lambda mode: seconds(statistics.median(s.get(embed_key(f"task_{mode}")))))
        + " |",
        "| Module run, wall time | "
        + cells(lambda mode: seconds(statistics.median(s.get(embed_key(f"{mode}_wall")))))
        + " |",
        "| Module CPU per reply, over one request | "
        + cells(lambda mode: microseconds(d[embed_key(f"{mode}_cpu_per_record")]))
        + " |",
        "| Module peak memory over one request (× the answers) | "
        + cells(
            lambda mode: f"{megabytes(d[embed_key(f'{mode}_growth_mb')])} ({d[embed_key(f'{mode}_memory_factor')]:.2f}×)"
        )
        + " |",
        f"| The answers (the responses_dest file) | {megabytes(statistics.median(s.get(embed_key('output_mb'))))} | |",
    ]


def growth_table(results: Results, d: Dict[str, Any]) -> List[str]:
    """How the times, CPU and memory grow with the records: a column a size."""
    s = results.bench.samples
    sizes = d["batch_sizes"]

    def median(name: str, unit: Callable[[float], str] = seconds) -> str:
        return unit(statistics.median(s.get(name))) if s.get(name) else "–"

    def row(label: str, cells: List[str]) -> str:
        return f"| {label} | " + " | ".join(cells) + " |"

    lines = [row("Records", [f"{count:,}" for count in sizes]), "| --- |" + " ---: |" * len(sizes)]
    for mode, label in (("task_returned", "One task, returned"), ("task_dest", "One task, responses_dest")):
        lines.append(
            row(
                f"{label}: wall time (per record)",
                [
                    (
                        f"{median(key(count, mode))} ({microseconds(d[key(count, f'{mode}_per_record')])})"
                        if key(count, f"{mode}_per_record") in d
                        else "–"
                    )
                    for count in sizes
                ],
            )
        )
    lines.append(
        row("The fake's time to run the job (submitted to ended)", [median(key(count, "fake_job")) for count in sizes])
    )
    lines.append(row("Staging, module run", [median(key(count, "stage_wall")) for count in sizes]))
    lines.append(row("Collecting returned, module run", [median(key(count, "returned_wall")) for count in sizes]))
    lines.append(row("Collecting to responses_dest, module run", [median(key(count, "dest_wall")) for count in sizes]))
    lines.append(row("Bare boto3 script, same output", [median(key(count, "bare_wall")) for count in sizes]))
    lines.append(
        row("Collecting to responses_dest / bare", [f"{d[key(count, 'collect_ratio')]:.2f}" for count in sizes])
    )
    lines.append(row("Collecting returned / bare", [f"{d[key(count, 'returned_ratio')]:.2f}" for count in sizes]))
    for step, what in STEPS:
        lines.append(
            row(
                f"Module CPU per record, {what}",
                [per_record_time(d[key(count, f"{step}_cpu_per_record")]) for count in sizes],
            )
        )
    for step, what in STEPS:
        lines.append(
            row(
                f"Peak memory over the baseline, {what} (× output)",
                [
                    f"{megabytes(d[key(count, f'{step}_growth_mb')])} "
                    f"({against_goal(d[key(count, f'{step}_memory_factor')], GOAL_MEMORY_FACTOR, 2)}×)"
                    for count in sizes
                ],
            )
        )
        if step == "stage" and all(key(count, "args_floor_mb") in d for count in sizes):
            lines.append(
                row(
                    "Staging's floor: a bare AnsibleModule given the same arguments, over none (× output)",
                    [
                        f"{megabytes(d[key(count, 'args_floor_mb')])} "
                        f"({d[key(count, 'args_floor_mb')] / statistics.median(s.get(key(count, 'output_mb'))):.2f}×)"
                        for count in sizes
                    ],
                )
            )
    lines.append(row("The job's output in S3", [median(key(count, "output_mb"), megabytes) for count in sizes]))
    return lines


def report(results: Results) -> List[str]:
    """The section on batch inference jobs and on many embeddings from one task."""
    d = derived(results)
    s = results.bench.samples
    out: List[str] = []
    w = out.append
    w("## Prompts at any scale: amazon.ai.bedrock_model_invocation_job")
    w("")
    out.extend(results.results_table(ROWS))
    for goal, measured, ok in goals(d):
        w(f"| {goal} | {measured} | {verdict(ok)} |")
    w("")
    w("### How it grows")
    w("")
    out.extend(growth_table(results, d))
    w("")
    largest = d["batch_sizes"][-1]
    if key(largest, "args_floor_mb") in d:
        floor, stage = d[key(largest, "args_floor_mb")], d[key(largest, "stage_growth_mb")]
        w(
            f"At {largest:,} records, ansible-core's own handling of the bodies as a module's arguments (parsing "
            "them, validating a copy, logging the invocation and echoing the arguments in the result, which every "
            f"module does) takes {megabytes(floor)} in a bare `AnsibleModule`, "
            + (
                f"as much as or more than staging's whole {megabytes(stage)}: the module's own staging (the bodies "
                "checked, encoded and streamed to S3) adds nothing measurable on top."
                if floor >= stage
                else f"of staging's {megabytes(stage)}: the module's own staging adds {megabytes(stage - floor)}."
            )
        )
        w("")
    if embed_key("returned_cpu_per_record") in d:
        w(f"### {_EMBED} through amazon.ai.bedrock_invoke_models")
        w("")
        out.extend(embeddings_table(results, d))
        w("")
        w(
            "Each reply here is an InvokeModel request of its own (HTTP, SigV4, botocore's parsing), so its CPU "
            f"cost is not comparable with a batch record's, and the batch goals ({microseconds(GOAL_CPU_PER_RECORD)} "
            f"a record, {GOAL_MEMORY_FACTOR:.0f}× the output) are not applied; the rows show what `responses_dest` "
            "saves: returned, ansible-core walks every one of the answers' values in the module "
            "(`exit_json`'s no_log scrub) and again on the controller."
        )
        w("")
    w("### How the numbers are computed")
    w("")
    every = [f"{count:,}" for count in SIZES if count not in ONCE_SIZES]
    once = [f"{count:,}" for count in SIZES if count in ONCE_SIZES]
    w(
        f"- **Jobs**: {' and '.join(every)} records every round, {' and '.join(once) or 'none'} once after the "
        "rounds; "
        f'each record a Titan Text body (`{TEXT_MODEL}`, `inputText` "Record NNNNNN: name one colour."), which '
        'the fake answers "You asked: ...", so every answer shows which body it belongs to. The fake runs the '
        "job's statuses without pausing (`step_seconds` 0): reading the input from moto's S3, answering each "
        "record, writing `<output>/<job id>/<input>.jsonl.out` (in another order than the input's) and "
        "`manifest.json.out`, all behind the one `endpoint_url` the module's S3 and Bedrock clients share."
    )
    w(
        "- **Step by step**, each step a direct run of the module (`python -m ...bedrock_model_invocation_job "
        "ARGS`, as ansible-core runs it, without the controller), its wall time, CPU time and peak RSS from "
        "wait4(2): *staging* (`bodies`, `wait: false`: the bodies checked and written as JSONL to S3, the job "
        "created); then, once the fake has finished the job, *the baseline* (the same task without bodies and with "
        "`fetch_responses: false`: Python, ansible-core and boto3 started, the job found and reported, nothing "
        "read); *collecting returned* (`wait: true`, no bodies, as a later run collects a job: the job's input "
        "read back for its order, its output read and matched to it, every answer in the result); *collecting "
        "to responses_dest* (the same, the answers written to a file instead); and the *bare boto3 script* "
        "(`scripts/bench/batch_bare.py`) run right after on the same output. Every answer of every step is "
        "checked (its record id, and that it answers its own body) in a child process."
    )
    w(
        "- **The module's own CPU per record** = (CPU time of the step's run - CPU time of the baseline run of "
        "the same round) / records: what the records add, Python's, ansible-core's and boto3's start-up left out. "
        "It includes what boto3 spends in the module's process sending and receiving the data. **Peak memory** "
        "is the step's peak RSS over the baseline's, against the size of the job's output in S3 (the `.out` "
        "file). Staging's includes what ansible-core itself does with the bodies before the module's code runs: "
        "it parses them from the arguments, validates a copy of them and logs the invocation; a bare "
        "`AnsibleModule` given the same arguments file (`batch_tool.py ansible-args`), its peak RSS over the same "
        "without bodies, shows how much of staging's memory that is. Returned, the answers are held as Python "
        "objects, again in the copy ansible-core's no_log scrub builds of the result, and as its JSON text: what "
        "`responses_dest` avoids. The bare script reads only the output (the records' ids sort into input order), where the "
        "module, collecting without the task's bodies, reads the input's record ids too."
    )
    w(
        "- **One task**: `scripts/bench/playbooks/batch_job.yml`, one task with the bodies (from a vars file), "
        "`wait: true`, timed by the callback plugin (without `ansible-playbook`'s start-up): templating the "
        "bodies, staging, creating, polling (the module waits 2 s before its first poll, 1.5 times longer each "
        "time after), collecting, and returning the result to the controller."
    )
    if s.get(embed_key("returned_cpu")):
        w(
            f"- **Embeddings** (once): {EMBEDDINGS:,} bodies of `{EMBED_MODEL}` with `dimensions` {DIMENSIONS:,} "
            "through "
            "`bedrock_invoke_models` (its default concurrency), each answer holding the embedding twice as Titan "
            "V2 sends it (`embedding` and `embeddingsByType.float`), run directly and from one task, returned and "
            "with `responses_dest`. CPU per reply and memory are measured against a run of one request "
            f"(so per reply = (run - one request) / {EMBEDDINGS - 1:,}); the output's size is the "
            "`responses_dest` file's."
        )
    w("")
    return out
