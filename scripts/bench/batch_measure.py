# -*- coding: utf-8 -*-

# Copyright: Contributors to the amazon.ai collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Family "batch" (batch.py): how each of its samples is taken, and the arithmetic its numbers rest on.

A job of COUNT records is measured twice. Step by step, each step a direct run of the module (its own process, so
its CPU time and peak memory are its own): staging (the bodies written to S3 and the job created, not waited for),
then, once the fake has finished the job, a run that only reports the job (the baseline), collecting with the
answers returned, collecting with responses_dest, and the bare boto3 script (batch_bare.py) collecting the same
output, side by side. And whole, as users run it: one ansible-playbook task from bodies to answers (wait: true),
returned and with responses_dest. The bodies and answers are made and checked in child processes (batch_tool.py).
Every function taking a Bench adds samples named by key(COUNT, what) or embed_key(what); the pure functions at the
end are unit-tested in test_batch_measure.py.
"""

from __future__ import annotations

import datetime
import http.client
import json
import os
import statistics
import urllib.parse
import uuid
from typing import Any
from typing import Dict
from typing import List
from typing import Optional

from batch_tool import INPUT_BUCKET
from batch_tool import JOB_OPTIONS
from batch_tool import OUTPUT_BUCKET
from common import HERE
from common import Bench
from common import BenchError
from common import Process

JOB_MODULE = "ansible_collections.amazon.ai.plugins.modules.bedrock_model_invocation_job"
MANY_MODULE = "ansible_collections.amazon.ai.plugins.modules.bedrock_invoke_models"
TOOL = os.path.join(HERE, "batch_tool.py")
BARE = os.path.join(HERE, "batch_bare.py")

SIZES = (1_000, 10_000, 50_000)  # records per job
ONCE_SIZES = (50_000,)  # measured once, after the rounds (the others every round)
EMBEDDINGS = 1_000  # embedding requests through bedrock_invoke_models
TEXT_MODEL = "amazon.titan-text-express-v1"
EMBED_MODEL = "amazon.titan-embed-text-v2:0"
ROLE_ARN = "arn:aws:iam::123456789012:role/amazon-ai-bench-batch"
JOB_TIMEOUT = 600  # seconds a job may take the fake, and the module's wait_timeout

# Callback task names (they are the playbooks' task names).
TASK_JOB = "Run a batch inference job and collect its answers"
TASK_EMBED = "Embed every document from one task"


def key(count: int, what: str) -> str:
    return f"batch_{count}_{what}"


def embed_key(what: str) -> str:
    return f"embed_{what}"


# --- the fake's control routes ----------------------------------------------------------------------------------


def control(method: str, path: str, body: Optional[Dict[str, Any]] = None) -> Any:
    """A control route of the fake (tests/support/fake_bedrock/batch.py), its JSON answer; BenchError if not 200."""
    address = urllib.parse.urlsplit(os.environ["AWS_URL"])
    connection = http.client.HTTPConnection(
        address.hostname or "127.0.0.1", address.port or 80, timeout=JOB_TIMEOUT + 60
    )
    try:
        data = json.dumps(body).encode("utf-8") if body is not None else None
        connection.request(method, path, data, {"Content-Type": "application/json"})
        reply = connection.getresponse()
        payload = reply.read()
    except (OSError, http.client.HTTPException) as e:
        raise BenchError(f"the fake's control route {method} {path} failed: {e!r}") from e
    finally:
        connection.close()
    if reply.status != 200:
        raise BenchError(f"the fake answered {reply.status} to {method} {path}: {payload[:300]!r}")
    return json.loads(payload)


def prepare(bench: Bench) -> None:
    """Jobs finished at once by the fake, and the buckets the jobs read and write."""
    try:
        control("POST", "/_test/batch/config", {"step_seconds": 0})
        _tool(bench, ["buckets", "create"], "batch_buckets")
    except BenchError as e:
        raise BenchError(
            "the batch family needs the fake's batch API with moto's S3 behind it (scripts/bench.sh starts both "
            f"when the fake takes --s3-upstream): {e}"
        ) from e


# --- running things ---------------------------------------------------------------------------------------------


def _tool(bench: Bench, argv: List[str], name: str) -> Dict[str, Any]:
    """Run batch_tool.py; its JSON line, if it printed one."""
    stdout = os.path.join(bench.work, f"{name}.tool.out")
    bench.run([bench.python, TOOL] + argv, name, stdout=stdout)
    with open(stdout, encoding="utf-8") as handle:
        text = handle.read().strip()
    return json.loads(text) if text else {}


def _module(bench: Bench, module: str, name: str, kind: str, count: int, options: Dict[str, Any]) -> Process:
    """One direct run of a module with options and count bodies of kind (made by batch_tool.py); stdout kept."""
    args = os.path.join(bench.work, f"{name}.args.json")
    _tool(bench, ["args", args, kind, str(count), json.dumps(options)], f"{name}_args")
    return bench.run(
        [bench.python, "-m", module, args], name, bench.module_env(), stdout=os.path.join(bench.work, f"{name}.out")
    )


def _result(bench: Bench, name: str) -> Dict[str, Any]:
    with open(os.path.join(bench.work, f"{name}.out"), encoding="utf-8") as handle:
        return json.load(handle)


def _add_process(bench: Bench, prefix: str, run: Process) -> None:
    bench.samples.add(f"{prefix}_cpu", run.cpu)
    bench.samples.add(f"{prefix}_rss_mb", run.maxrss_kb / 1024)
    bench.samples.add(f"{prefix}_wall", run.wall)


def _job_options(count: int) -> Dict[str, Any]:
    """The options that make a job, for a job of its own (batch_tool.JOB_OPTIONS names them)."""
    name = f"bench-{count}-{uuid.uuid4().hex[:10]}"
    values = (name, TEXT_MODEL, ROLE_ARN, f"s3://{INPUT_BUCKET}/{name}.jsonl", f"s3://{OUTPUT_BUCKET}/{name}/")
    return dict(zip(JOB_OPTIONS, values))


# --- the measurements -------------------------------------------------------------------------------------------


def records_steps(bench: Bench, count: int) -> None:
    """A job of count records step by step: staging, the baseline, collecting returned and to a file, bare boto3."""
    job = _job_options(count)
    name = job["name"]
    stage = _module(bench, JOB_MODULE, key(count, "stage"), "text", count, dict(job, wait=False))
    if not _result(bench, key(count, "stage")).get("changed"):
        raise BenchError(f"staging {count} records created no job ({name})")
    done = control("POST", f"/_test/batch/jobs/{name}/wait", {"timeout": JOB_TIMEOUT})
    if done.get("status") != "Completed":
        raise BenchError(f"the fake's job {name} ended {done.get('status')}: {done.get('message')}")
    location = output_location(done)
    bench.samples.add(key(count, "fake_job"), job_seconds(done))
    base = _module(bench, JOB_MODULE, key(count, "base"), "text", 0, {"name": name, "fetch_responses": False})
    returned = _module(bench, JOB_MODULE, key(count, "returned"), "text", 0, {"name": name, "wait": True})
    checked = _tool(
        bench,
        ["result", os.path.join(bench.work, f"{key(count, 'returned')}.out"), "text", str(count)],
        f"{key(count, 'returned')}_check",
    )
    bench.check(key(count, "returned"), checked.get("answers") == count)
    dest_file = os.path.join(bench.work, f"{key(count, 'dest')}.jsonl")
    dest = _module(
        bench, JOB_MODULE, key(count, "dest"), "text", 0, {"name": name, "wait": True, "responses_dest": dest_file}
    )
    checked = _tool(bench, ["dest", dest_file, "text", str(count)], f"{key(count, 'dest')}_check")
    bench.check(key(count, "dest"), checked.get("answers") == count)
    bare_file = os.path.join(bench.work, f"{key(count, 'bare')}.jsonl")
    bare_out = os.path.join(bench.work, f"{key(count, 'bare')}.out")
    bare = bench.run([bench.python, BARE, location, bare_file], key(count, "bare"), stdout=bare_out)
    with open(bare_out, encoding="utf-8") as handle:
        output_bytes = json.load(handle)["bytes"]
    checked = _tool(bench, ["dest", bare_file, "text", str(count)], f"{key(count, 'bare')}_check")
    bench.check(key(count, "bare"), checked.get("answers") == count)
    # What ansible-core's handling of the same arguments costs any module, with and without the bodies.
    stage_args = os.path.join(bench.work, f"{key(count, 'stage')}.args.json")
    no_bodies = os.path.join(bench.work, f"{key(count, 'args_base')}.args.json")
    _tool(bench, ["args", no_bodies, "text", "0", json.dumps(dict(job, wait=False))], f"{key(count, 'args_base')}_args")
    args = bench.run([bench.python, TOOL, "ansible-args", stage_args], key(count, "args"))
    args_base = bench.run([bench.python, TOOL, "ansible-args", no_bodies], key(count, "args_base"))
    for what, run in (("stage", stage), ("base", base), ("returned", returned), ("dest", dest), ("bare", bare)):
        _add_process(bench, key(count, what), run)
    for what, run in (("args", args), ("args_base", args_base)):
        bench.samples.add(key(count, f"{what}_rss_mb"), run.maxrss_kb / 1024)
    bench.samples.add(key(count, "output_mb"), output_bytes / 1e6)
    bench.samples.add(key(count, "dest_file_mb"), os.path.getsize(dest_file) / 1e6)
    for path in (dest_file, bare_file):
        os.unlink(path)
    _tool(bench, ["buckets", "empty"], "batch_buckets_empty")


def records_task(bench: Bench, count: int, to_file: bool) -> None:
    """A job of count records as users run it: one task, from bodies to answers, returned or to a file."""
    mode = "task_dest" if to_file else "task_returned"
    label = key(count, mode)
    bodies = os.path.join(bench.work, f"{label}.bodies.json")
    _tool(bench, ["vars", bodies, "text", str(count)], f"{label}_bodies")
    job = _job_options(count)
    variables: Dict[str, Any] = {f"bench_{name}": value for name, value in job.items()}
    variables.update(bench_bodies_file=bodies, bench_count=count, bench_wait_timeout=JOB_TIMEOUT)
    dest_file = os.path.join(bench.work, f"{label}.jsonl")
    if to_file:
        variables["bench_dest"] = dest_file
    # The playbook asserts that every record succeeded (and, returned, the first and last in place).
    run = bench.playbook("batch_job", variables, label=label)
    if to_file:
        checked = _tool(bench, ["dest", dest_file, "text", str(count)], f"{label}_check")
        bench.check(label, checked.get("answers") == count)
        os.unlink(dest_file)
    bench.samples.add(label, run.tasks[TASK_JOB])
    bench.samples.add(f"{label}_rss_mb", run.process.maxrss_kb / 1024)
    _tool(bench, ["buckets", "empty"], "batch_buckets_empty")


def embeddings_steps(bench: Bench) -> None:
    """EMBEDDINGS requests of bedrock_invoke_models run directly: one request (baseline), returned, to a file."""
    options = {"model_id": EMBED_MODEL}
    base = _module(bench, MANY_MODULE, embed_key("base"), "embed", 1, options)
    returned = _module(bench, MANY_MODULE, embed_key("returned"), "embed", EMBEDDINGS, options)
    checked = _tool(
        bench,
        ["result", os.path.join(bench.work, f"{embed_key('returned')}.out"), "embed", str(EMBEDDINGS)],
        f"{embed_key('returned')}_check",
    )
    bench.check(embed_key("returned"), checked.get("answers") == EMBEDDINGS)
    dest_file = os.path.join(bench.work, f"{embed_key('dest')}.jsonl")
    dest = _module(bench, MANY_MODULE, embed_key("dest"), "embed", EMBEDDINGS, dict(options, responses_dest=dest_file))
    checked = _tool(bench, ["dest", dest_file, "embed", str(EMBEDDINGS)], f"{embed_key('dest')}_check")
    bench.check(embed_key("dest"), checked.get("answers") == EMBEDDINGS)
    for what, run in (("base", base), ("returned", returned), ("dest", dest)):
        _add_process(bench, embed_key(what), run)
    bench.samples.add(embed_key("output_mb"), checked["bytes"] / 1e6)
    os.unlink(dest_file)


def embeddings_task(bench: Bench, to_file: bool) -> None:
    """EMBEDDINGS requests from one ansible-playbook task, returned or to a file."""
    label = embed_key("task_dest" if to_file else "task_returned")
    bodies = os.path.join(bench.work, f"{label}.bodies.json")
    _tool(bench, ["vars", bodies, "embed", str(EMBEDDINGS)], f"{label}_bodies")
    dest_file = os.path.join(bench.work, f"{label}.jsonl")
    variables: Dict[str, Any] = {"bench_bodies_file": bodies, "bench_model_id": EMBED_MODEL, "bench_count": EMBEDDINGS}
    if to_file:
        variables["bench_dest"] = dest_file
    run = bench.playbook("embeddings", variables, label=label)
    if to_file:
        checked = _tool(bench, ["dest", dest_file, "embed", str(EMBEDDINGS)], f"{label}_check")
        bench.check(label, checked.get("answers") == EMBEDDINGS)
        os.unlink(dest_file)
    bench.samples.add(label, run.tasks[TASK_EMBED])
    bench.samples.add(f"{label}_rss_mb", run.process.maxrss_kb / 1024)


# --- the arithmetic ---------------------------------------------------------------------------------------------


def output_location(job: Dict[str, Any]) -> str:
    """The S3 folder a job's output goes to: its output URI, then the job's id (the last part of its ARN)."""
    uri = job["outputDataConfig"]["s3OutputDataConfig"]["s3Uri"]
    return f"{uri.rstrip('/')}/{job['jobArn'].rsplit('/', 1)[1]}/"


def job_seconds(job: Dict[str, Any]) -> float:
    """How long a job took the fake, from its submitTime to its endTime (ISO 8601, in UTC, as the fake gives them)."""
    started, ended = (
        datetime.datetime.strptime(job[name], "%Y-%m-%dT%H:%M:%S.%fZ") for name in ("submitTime", "endTime")
    )
    return (ended - started).total_seconds()


def per_record(runs: List[float], baselines: List[float], count: int) -> List[float]:
    """Each round's (run - its baseline) / count: what a record adds to a run (CPU seconds, or wall seconds)."""
    return [(run - base) / count for run, base in zip(runs, baselines)]


def growth(runs: List[float], baselines: List[float]) -> List[float]:
    """Each round's run - its baseline (peak memory the records added, in MB)."""
    return [run - base for run, base in zip(runs, baselines)]


def paired_ratios(numerators: List[float], denominators: List[float]) -> List[float]:
    return [top / bottom for top, bottom in zip(numerators, denominators)]


def median_or_none(values: List[float]) -> Optional[float]:
    return statistics.median(values) if values else None
