# -*- coding: utf-8 -*-

# Copyright: Contributors to the amazon.ai collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Family "batch": batch inference jobs of 1,000 to 50,000 records, and 1,000 embeddings (its section: batch.md.j2).

Through amazon.ai.bedrock_model_invocation_job, against the fake's batch API with moto's S3 behind it, each job
finished at once (issue 17). A job is measured step by step, each step a direct run of the module (its CPU time and
peak memory its own): staging, a run that only reports the finished job (the baseline), collecting returned and to
responses_dest, and the bare boto3 script (batch_bare.py) on the same output; and whole, as one ansible-playbook
task. 1,000 and 10,000 records every round, 50,000 once, with 1,000 embeddings through bedrock_invoke_models. The
bodies and answers are made and checked in child processes (batch_tool.py). Samples: key(COUNT, what), embed_key().
"""

from __future__ import annotations

import datetime
import functools
import json
import os
import uuid
from typing import Any

import batch_tool
import stats
from batch_tool import INPUT_BUCKET
from batch_tool import JOB_OPTIONS
from batch_tool import OUTPUT_BUCKET
from common import HERE
from common import Bench
from common import BenchError
from common import Measurement
from common import Plan
from common import connect
from common import request

NAME = "batch"
JOB_MODULE = "bedrock_model_invocation_job"
MANY_MODULE = "bedrock_invoke_models"
TOOL = os.path.join(HERE, "batch_tool.py")
BARE = os.path.join(HERE, "batch_bare.py")
SIZES = (1_000, 10_000, 50_000)  # records per job
ONCE_SIZES = (50_000,)  # measured once, after the rounds (the others every round)
EMBEDDINGS = 1_000  # embedding requests through bedrock_invoke_models
DIMENSIONS = batch_tool.DIMENSIONS  # of the embeddings, which batch_tool.py asks for and checks
TEXT_MODEL = "amazon.titan-text-express-v1"
EMBED_MODEL = "amazon.titan-embed-text-v2:0"
ROLE_ARN = "arn:aws:iam::123456789012:role/amazon-ai-bench-batch"
JOB_TIMEOUT = 600  # seconds a job may take the fake, and the module's wait_timeout
# The module runs whose CPU per record and memory the goals judge, and what each is.
STEPS = {"stage": "staging", "returned": "collecting, returned", "dest": "collecting, responses_dest"}

# The goals, judged at the largest job: at 1,000 records (a few hundred kB of output) what a record adds is within
# the noise of a Python process's CPU time and peak memory (modules imported, the allocator's arenas).
GOAL_CPU_PER_RECORD = 0.0001  # seconds of the module's own CPU time per record, staging and collecting each
GOAL_MEMORY_FACTOR = 4.0  # the module's peak memory (over its baseline) against the output's size
GOAL_COLLECT_RATIO = 2.0  # collecting with responses_dest against the bare boto3 script
GOAL_COLLECT_SIZE = 50_000

# Callback task names (they are the playbooks' task names).
TASK_JOB = "Run a batch inference job and collect its answers"
TASK_EMBED = "Embed every document from one task"


def key(count: int, what: str) -> str:
    return f"batch_{count}_{what}"


def embed_key(what: str) -> str:
    return f"embed_{what}"


def per_record_time(value: float) -> str:
    """A record's CPU time, in µs, with as many decimals as it takes not to read as the goal it misses or meets."""
    return f"{stats.against_goal(value * 1e6, GOAL_CPU_PER_RECORD * 1e6, 0 if abs(value) >= 1e-5 else 1)} µs"


def plan(bench: Bench) -> Plan:
    """The fake set to finish jobs at once, the buckets; jobs of every size, and the embeddings."""
    try:
        control("POST", "/_test/batch/config", {"step_seconds": 0})
        _tool(bench, ["buckets", "create"], "batch_buckets")
    except BenchError as e:
        raise BenchError(f"the batch family needs the fake's batch API with moto's S3 behind it: {e}") from e

    def block(count: int) -> list[Measurement]:
        return [
            (f"{count:,} records step by step, and the bare boto3 script", lambda: records_steps(bench, count)),
            (f"{count:,} records in one task, returned", lambda: records_task(bench, count, False)),
            (f"{count:,} records in one task, responses_dest", lambda: records_task(bench, count, True)),
        ]

    embeddings = [
        (f"{EMBEDDINGS:,} embeddings run directly", lambda: embeddings_steps(bench)),
        (f"{EMBEDDINGS:,} embeddings in one task, returned", lambda: embeddings_task(bench, False)),
        (f"{EMBEDDINGS:,} embeddings in one task, responses_dest", lambda: embeddings_task(bench, True)),
    ]
    once = [measurement for count in ONCE_SIZES for measurement in block(count)]
    # The embeddings once too: a minute a run, and no goal of theirs rests on a median.
    return Plan(rounds=[block(count) for count in SIZES if count not in ONCE_SIZES], once=once + embeddings)


def ran(results: Any) -> bool:
    """Did this family run (a job was staged)?"""
    return any(results.bench.samples.get(key(count, "stage_cpu")) for count in SIZES)


def derived(results: Any) -> dict[str, Any]:
    """The numbers the report computes from the samples, by size (and for the embeddings), and the goals met."""
    s = results.bench.samples
    d: dict[str, Any] = {"batch_sizes": [count for count in SIZES if s.get(key(count, "stage_cpu"))]}
    for count in d["batch_sizes"]:
        k = functools.partial(key, count)
        _steps(d, s, k, STEPS, count)
        if s.get(k("args_rss_mb")):
            d[k("args_floor_mb")] = stats.median(stats.per_unit(s.get(k("args_rss_mb")), s.get(k("args_base_rss_mb"))))
        d[k("collect_ratio_rounds")] = stats.paired_ratios(s.get(k("dest_wall")), s.get(k("bare_wall")))
        d[k("collect_ratio")] = stats.median(d[k("collect_ratio_rounds")])
        d[k("returned_ratio")] = stats.median(stats.paired_ratios(s.get(k("returned_wall")), s.get(k("bare_wall"))))
        for mode in ("task_returned", "task_dest"):
            if s.get(k(mode)):
                d[k(f"{mode}_per_record")] = s.median(k(mode)) / count
    d["args_floor_everywhere"] = all(key(count, "args_floor_mb") in d for count in d["batch_sizes"])
    largest = d["batch_sizes"][-1]
    for step in STEPS:
        d[f"{step}_cpu_ok"] = d[key(largest, f"{step}_cpu_per_record")] < GOAL_CPU_PER_RECORD
        d[f"{step}_memory_ok"] = d[key(largest, f"{step}_memory_factor")] < GOAL_MEMORY_FACTOR
    if GOAL_COLLECT_SIZE in d["batch_sizes"]:
        d["collect_ok"] = d[key(GOAL_COLLECT_SIZE, "collect_ratio")] <= GOAL_COLLECT_RATIO
    if s.get(embed_key("returned_cpu")):
        # The baseline sends one request: the others are what the EMBEDDINGS - 1 more cost.
        _steps(d, s, embed_key, {"returned": "", "dest": ""}, EMBEDDINGS - 1)
    return d


def _steps(d: dict[str, Any], s: Any, k: Any, steps: dict[str, str], count: int) -> None:
    """Each step's CPU per record and peak memory over the baseline run of the same round, and against the output."""
    for step in steps:
        d[k(f"{step}_cpu_per_record")] = stats.median(
            stats.per_unit(s.get(k(f"{step}_cpu")), s.get(k("base_cpu")), count)
        )
        d[k(f"{step}_growth_mb")] = stats.median(stats.per_unit(s.get(k(f"{step}_rss_mb")), s.get(k("base_rss_mb"))))
        d[k(f"{step}_memory_factor")] = d[k(f"{step}_growth_mb")] / s.median(k("output_mb"))


def control(method: str, path: str, body: Any = None) -> Any:
    """A control route of the fake (tests/support/fake_bedrock/batch.py): its JSON answer."""
    connection = connect(JOB_TIMEOUT + 60)
    try:
        return json.loads(request(connection, method, path, json.dumps(body).encode("utf-8") if body else b""))
    finally:
        connection.close()


def _tool(bench: Bench, argv: list[str], name: str) -> dict[str, Any]:
    """Run batch_tool.py; its JSON line, if it printed one."""
    stdout = bench.path(f"{name}.tool.out")
    bench.run([bench.python, TOOL] + argv, name, stdout=stdout)
    with open(stdout, encoding="utf-8") as handle:
        text = handle.read().strip()
    return json.loads(text) if text else {}


def _module(bench: Bench, module: str, name: str, kind: str, count: int, options: dict[str, Any]) -> Any:
    """One direct run of a module with options and count bodies of kind (made by batch_tool.py)."""
    args = bench.path(f"{name}.args.json")
    _tool(bench, ["args", args, kind, str(count), json.dumps(options)], f"{name}_args")
    return bench.module(name, module, args)


def _checked(bench: Bench, name: str, what: str, path: str, kind: str, count: int) -> dict[str, Any]:
    """batch_tool.py's check of a result (what: result) or a responses file (what: dest), kept as bench.checks."""
    checked = _tool(bench, [what, path, kind, str(count)], f"{name}_check")
    bench.check(name, checked.get("answers") == count)
    return checked


def _job_options(count: int) -> dict[str, Any]:
    """The options that make a job, for a job of its own (batch_tool.JOB_OPTIONS names them)."""
    name = f"bench-{count}-{uuid.uuid4().hex[:10]}"
    values = (name, TEXT_MODEL, ROLE_ARN, f"s3://{INPUT_BUCKET}/{name}.jsonl", f"s3://{OUTPUT_BUCKET}/{name}/")
    return dict(zip(JOB_OPTIONS, values))


def records_steps(bench: Bench, count: int) -> None:
    """A job of count records step by step: staging, the baseline, collecting returned and to a file, bare boto3."""
    k = functools.partial(key, count)
    job = _job_options(count)
    name = job["name"]
    stage = _module(bench, JOB_MODULE, k("stage"), "text", count, dict(job, wait=False))
    with open(bench.path(f"{k('stage')}.out"), encoding="utf-8") as handle:
        if not json.load(handle).get("changed"):
            raise BenchError(f"staging {count} records created no job ({name})")
    done = control("POST", f"/_test/batch/jobs/{name}/wait", {"timeout": JOB_TIMEOUT})
    if done.get("status") != "Completed":
        raise BenchError(f"the fake's job {name} ended {done.get('status')}: {done.get('message')}")
    bench.samples.add(k("fake_job"), job_seconds(done))
    base = _module(bench, JOB_MODULE, k("base"), "text", 0, {"name": name, "fetch_responses": False})
    returned = _module(bench, JOB_MODULE, k("returned"), "text", 0, {"name": name, "wait": True})
    _checked(bench, k("returned"), "result", bench.path(f"{k('returned')}.out"), "text", count)
    dest_file, bare_file = bench.path(f"{k('dest')}.jsonl"), bench.path(f"{k('bare')}.jsonl")
    options = {"name": name, "wait": True, "responses_dest": dest_file}
    dest = _module(bench, JOB_MODULE, k("dest"), "text", 0, options)
    _checked(bench, k("dest"), "dest", dest_file, "text", count)
    bare_out = bench.path(f"{k('bare')}.out")
    bare = bench.run([bench.python, BARE, output_location(done), bare_file], k("bare"), stdout=bare_out)
    with open(bare_out, encoding="utf-8") as handle:
        output_bytes = json.load(handle)["bytes"]
    _checked(bench, k("bare"), "dest", bare_file, "text", count)
    # What ansible-core's handling of the same arguments costs any module, with and without the bodies.
    no_bodies = bench.path(f"{k('args_base')}.args.json")
    _tool(bench, ["args", no_bodies, "text", "0", json.dumps(dict(job, wait=False))], f"{k('args_base')}_args")
    args = bench.run([bench.python, TOOL, "ansible-args", bench.path(f"{k('stage')}.args.json")], k("args"))
    args_base = bench.run([bench.python, TOOL, "ansible-args", no_bodies], k("args_base"))
    for what, run in (("stage", stage), ("base", base), ("returned", returned), ("dest", dest), ("bare", bare)):
        bench.samples.process(k(what), run)
    bench.samples.update(**{k("args_rss_mb"): args.maxrss_kb / 1024, k("args_base_rss_mb"): args_base.maxrss_kb / 1024})
    bench.samples.add(k("output_mb"), output_bytes / 1e6)
    for path in (dest_file, bare_file):
        os.unlink(path)
    _tool(bench, ["buckets", "empty"], "batch_buckets_empty")


def records_task(bench: Bench, count: int, to_file: bool) -> None:
    """A job of count records as users run it: one task, from bodies to answers, returned or to a file."""
    label = key(count, "task_dest" if to_file else "task_returned")
    variables: dict[str, Any] = {f"bench_{name}": value for name, value in _job_options(count).items()}
    variables.update(bench_count=count, bench_wait_timeout=JOB_TIMEOUT)
    # The playbook asserts that every record succeeded (and, returned, the first and last in place).
    _task(bench, "batch_job", TASK_JOB, label, "text", count, variables, to_file)
    _tool(bench, ["buckets", "empty"], "batch_buckets_empty")


def embeddings_steps(bench: Bench) -> None:
    """EMBEDDINGS requests of bedrock_invoke_models run directly: one request (baseline), returned, to a file."""
    options = {"model_id": EMBED_MODEL}
    base = _module(bench, MANY_MODULE, embed_key("base"), "embed", 1, options)
    returned = _module(bench, MANY_MODULE, embed_key("returned"), "embed", EMBEDDINGS, options)
    _checked(bench, embed_key("returned"), "result", bench.path(f"{embed_key('returned')}.out"), "embed", EMBEDDINGS)
    dest_file = bench.path(f"{embed_key('dest')}.jsonl")
    dest = _module(bench, MANY_MODULE, embed_key("dest"), "embed", EMBEDDINGS, dict(options, responses_dest=dest_file))
    checked = _checked(bench, embed_key("dest"), "dest", dest_file, "embed", EMBEDDINGS)
    for what, run in (("base", base), ("returned", returned), ("dest", dest)):
        bench.samples.process(embed_key(what), run)
    bench.samples.add(embed_key("output_mb"), checked["bytes"] / 1e6)
    os.unlink(dest_file)


def embeddings_task(bench: Bench, to_file: bool) -> None:
    """EMBEDDINGS requests from one ansible-playbook task, returned or to a file."""
    label = embed_key("task_dest" if to_file else "task_returned")
    variables = {"bench_model_id": EMBED_MODEL, "bench_count": EMBEDDINGS}
    _task(bench, "embeddings", TASK_EMBED, label, "embed", EMBEDDINGS, variables, to_file)


def _task(
    bench: Bench, playbook: str, task: str, label: str, kind: str, count: int, variables: Any, to_file: bool
) -> None:
    """One task of playbook with count bodies of kind (from a vars file), its answers returned or to a file."""
    bodies = bench.path(f"{label}.bodies.json")
    _tool(bench, ["vars", bodies, kind, str(count)], f"{label}_bodies")
    dest_file = bench.path(f"{label}.jsonl")
    variables = dict(variables, bench_bodies_file=bodies, **({"bench_dest": dest_file} if to_file else {}))
    run = bench.playbook(playbook, variables, label=label)
    if to_file:
        _checked(bench, label, "dest", dest_file, kind, count)
        os.unlink(dest_file)
    bench.samples.update(**{label: run.tasks[task], f"{label}_rss_mb": run.process.maxrss_kb / 1024})


def output_location(job: dict[str, Any]) -> str:
    """The S3 folder a job's output goes to: its output URI, then the job's id (the last part of its ARN)."""
    uri = job["outputDataConfig"]["s3OutputDataConfig"]["s3Uri"]
    return f"{uri.rstrip('/')}/{job['jobArn'].rsplit('/', 1)[1]}/"


def job_seconds(job: dict[str, Any]) -> float:
    """How long a job took the fake, from its submitTime to its endTime (ISO 8601, in UTC, as the fake gives them)."""
    started, ended = (
        datetime.datetime.strptime(job[name], "%Y-%m-%dT%H:%M:%S.%fZ") for name in ("submitTime", "endTime")
    )
    return (ended - started).total_seconds()
