# -*- coding: utf-8 -*-

# Copyright: Contributors to the amazon.ai collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Run playbooks the way AWX and the automation controller run a job, and check what the job records.

The controller hands each job to ansible-runner: a private data directory holding the project, the inventory
and env/envvars, into which the job's AWS credential is injected as environment variables. This does the same
(process isolation off, ansible-runner's default) for examples/bedrock_demo.yml and examples/bedrock_team_setup.yml
(twice), unchanged, and for denied.yml, which fails, against the project's Bedrock fake on 127.0.0.1 with SigV4
checking on (so a request reaches it only when the injected key, secret and session token were all used), moto's
server behind it for S3, STS, IAM and the invocation logging configuration. It then reads the job events
ansible-runner writes (artifacts/<ident>/job_events/*.json), as the controller shows them, and the requests the
fake saw during the job, and checks that:

- the demo's task results are there (raw_response, model_id, invocation_metrics);
- the team set-up's first run created the bucket, the logging configuration and the tagged profile, and asked the
  model through the profile's ARN; its second run changed nothing and sent no write, and asked again;
- the failing task carries the service's error.code;
- the secret key and the session token appear in no job event and not in the job's stdout.

(ansible-runner itself keeps the job's environment, secrets included, in env/envvars and in
artifacts/<ident>/command: files of the private data directory, which the controller never shows and removes.)

Usage: python tests/integration/runner/run_as_controller.py (scripts/test.sh integration runs it, with the
collection's ANSIBLE_COLLECTIONS_PATH set). Ends with "ansible-runner: N passed, N failed"; exits 1 on a failure.
"""

from __future__ import annotations

import glob
import json
import os
import shutil
import subprocess
import sys
import tempfile
import urllib.request
from dataclasses import dataclass
from typing import Any
from typing import Callable

HERE = os.path.dirname(os.path.abspath(__file__))
COLLECTION = os.path.abspath(os.path.join(HERE, "..", "..", ".."))
DEMO = os.path.join(COLLECTION, "examples", "bedrock_demo.yml")
TEAM_SETUP = os.path.join(COLLECTION, "examples", "bedrock_team_setup.yml")
DENIED = os.path.join(HERE, "denied.yml")
sys.path.insert(0, os.path.join(COLLECTION, "tests", "support"))
import launcher  # noqa: E402  pylint: disable=wrong-import-position  # the test endpoints' launcher

# The session-token key pair of the fake endpoint's SigV4 check (tests/support/bedrock_endpoint.py).
ACCESS_KEY = "AKIDAMAZONAITOKEN"
SECRET_KEY = "amazon-ai-token-secret"
SESSION_TOKEN = "amazon-ai-test-session-token"
DEMO_MODEL = "anthropic.claude-3-haiku-20240307-v1:0"
# What examples/bedrock_team_setup.yml sets up by default (team-a, the account moto and the fake answer for).
TEAM_PROFILE = "team-a-assistant"
TEAM_BUCKET = "team-a-bedrock-logs-123456789012-us-east-1"
TEAM_TAGS = {"team": "team-a", "cost-center": "4711"}
# The operations of the fake's record that change something; S3 requests other than GET and HEAD do too.
WRITES = ("Create", "Put", "Delete", "Tag", "Untag", "Update")

Event = dict[str, Any]
Request = dict[str, Any]


@dataclass
class Job:
    """What one ansible-runner job left: its exit code, its events, and the requests the fake saw meanwhile."""

    rc: int
    events: list[Event]
    requests: list[Request]


def private_data_dir(work: str, endpoint: str) -> str:
    """A private data directory as the controller writes one for a job."""
    pdd = os.path.join(work, "job")
    for sub in ("env", "inventory", "project"):
        os.makedirs(os.path.join(pdd, sub))
    for playbook in (DEMO, TEAM_SETUP, DENIED):
        shutil.copy(playbook, os.path.join(pdd, "project"))
    with open(os.path.join(pdd, "inventory", "hosts"), "w", encoding="utf-8") as handle:
        handle.write('localhost ansible_connection=local ansible_python_interpreter="{{ ansible_playbook_python }}"\n')
    # What the controller's "Amazon Web Services" credential type injects (AWX sets the token under both names),
    # and, for this test only, the endpoint: AWS_URL points amazon.aws modules at it, as `make demo` does.
    envvars = {
        "AWS_ACCESS_KEY_ID": ACCESS_KEY,
        "AWS_SECRET_ACCESS_KEY": SECRET_KEY,
        "AWS_SECURITY_TOKEN": SESSION_TOKEN,
        "AWS_SESSION_TOKEN": SESSION_TOKEN,
        "AWS_URL": endpoint,
    }
    # JSON is YAML, which is what ansible-runner reads env/envvars as.
    with open(os.path.join(pdd, "env", "envvars"), "w", encoding="utf-8") as handle:
        json.dump(envvars, handle)
    return pdd


def runner_environment() -> dict[str, str]:
    """This process's environment without any AWS setting: the job gets its credentials from envvars only."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(("AWS_", "ANSIBLE_CONFIG"))}
    env.update(
        AWS_CONFIG_FILE=os.devnull,
        AWS_SHARED_CREDENTIALS_FILE=os.devnull,
        AWS_EC2_METADATA_DISABLED="true",
        ANSIBLE_NOCOLOR="1",
    )
    return env


def run_job(pdd: str, playbook: str, ident: str) -> tuple[int, str, str, list[Event]]:
    """ansible-runner run, as the controller starts a job: its exit code, output, recorded output and events."""
    runner = os.path.join(os.path.dirname(sys.executable), "ansible-runner")
    result = subprocess.run(
        [runner if os.access(runner, os.X_OK) else "ansible-runner", "run", pdd, "-p", playbook, "--ident", ident],
        env=runner_environment(),
        capture_output=True,
        text=True,
        check=False,
    )
    artifacts = os.path.join(pdd, "artifacts", ident)
    events = []
    for path in sorted(glob.glob(os.path.join(artifacts, "job_events", "*.json"))):
        with open(path, encoding="utf-8") as handle:
            events.append(json.load(handle))
    recorded = ""
    for name in ("stdout", "stderr"):
        if os.path.exists(os.path.join(artifacts, name)):
            with open(os.path.join(artifacts, name), encoding="utf-8") as handle:
                recorded += handle.read()
    return result.returncode, result.stdout + result.stderr, recorded, events


def fake_requests(endpoint: str) -> list[Request]:
    """Every request the fake has recorded so far, in order (its record only grows between resets)."""
    with urllib.request.urlopen(endpoint + "/_test/requests", timeout=30) as reply:
        return json.load(reply)


def task_results(events: list[Event], event: str, task: str) -> list[dict[str, Any]]:
    return [
        item["event_data"]["res"]
        for item in events
        if item.get("event") == event and item.get("event_data", {}).get("task") == task
    ]


def check_demo(job: Job) -> list[str]:
    rc, events = job.rc, job.events
    problems = [] if rc == 0 else [f"the job failed (ansible-runner exited {rc})"]
    answers = task_results(events, "runner_on_ok", "Ask the model")
    if len(answers) != 1:
        return problems + [f"{len(answers)} runner_on_ok events for 'Ask the model', expected 1"]
    answer = answers[0]
    content = (answer.get("raw_response") or {}).get("content")
    if not (isinstance(content, list) and content and content[0].get("text")):
        problems.append(f"the answer's raw_response has no content text: {answer.get('raw_response')!r}")
    if answer.get("model_id") != DEMO_MODEL:
        problems.append(f"model_id is {answer.get('model_id')!r}, not {DEMO_MODEL!r}")
    metrics = answer.get("invocation_metrics") or {}
    if not all(isinstance(metrics.get(key), int) for key in ("input_token_count", "output_token_count")):
        problems.append(f"invocation_metrics lacks the token counts: {metrics!r}")
    embeddings = task_results(events, "runner_on_ok", "Embed the question")
    if len(embeddings) != 1 or len((embeddings[0].get("raw_response") or {}).get("embedding") or []) != 256:
        problems.append("no runner_on_ok event for 'Embed the question' with a 256-dimension embedding")
    return problems


def writes(requests: list[Request]) -> list[str]:
    """The requests among these that change something, as "operation" or "S3 METHOD path"."""
    found = []
    for request in requests:
        operation = request.get("operation") or ""
        if operation == "S3" and request.get("method") not in ("GET", "HEAD"):
            found.append(f"S3 {request.get('method')} {request.get('path')}")
        elif operation.startswith(WRITES):
            found.append(operation)
    return found


def changed_tasks(events: list[Event]) -> list[str]:
    return [
        item["event_data"].get("task", "?")
        for item in events
        if item.get("event") == "runner_on_ok" and item.get("event_data", {}).get("res", {}).get("changed")
    ]


def check_team_answer(job: Job, profile_arn: str | None) -> list[str]:
    """The question went to the profile's ARN, through Converse, and came back with an answer."""
    answers = task_results(job.events, "runner_on_ok", "Ask the model through the team's profile")
    if len(answers) != 1 or not answers[0].get("text"):
        return [f"no answer text from 'Ask the model through the team's profile': {answers!r}"]
    asked = [request.get("model_id") for request in job.requests if request.get("operation") == "Converse"]
    if not profile_arn or asked != [profile_arn]:
        return [f"Converse was asked for {asked!r}, not once for the profile {profile_arn!r}"]
    return []


def team_profile(job: Job) -> tuple[dict[str, Any], list[str]]:
    """The profile task's result, or the problem with it."""
    task = "Create the team's application inference profile, tagged for cost allocation"
    results = task_results(job.events, "runner_on_ok", task)
    if len(results) != 1:
        return {}, [f"{len(results)} runner_on_ok events for {task!r}, expected 1"]
    profile = results[0].get("inference_profile") or {}
    problems = []
    if profile.get("inference_profile_name") != TEAM_PROFILE or profile.get("tags") != TEAM_TAGS:
        problems.append(f"the profile is not {TEAM_PROFILE!r} tagged {TEAM_TAGS!r}: {profile!r}")
    return results[0], problems


def check_team_setup(job: Job) -> list[str]:
    if job.rc != 0:
        return [f"the job failed (ansible-runner exited {job.rc})"]
    result, problems = team_profile(job)
    if not result.get("changed"):
        problems.append("the first run did not create the profile")
    sent = writes(job.requests)
    for expected in ("CreateInferenceProfile", "PutModelInvocationLoggingConfiguration", f"S3 PUT /{TEAM_BUCKET}"):
        if expected not in sent:
            problems.append(f"the first run sent no {expected} (its writes: {sent})")
    return problems + check_team_answer(job, (result.get("inference_profile") or {}).get("inference_profile_arn"))


def check_team_setup_again(job: Job) -> list[str]:
    if job.rc != 0:
        return [f"the job failed (ansible-runner exited {job.rc})"]
    result, problems = team_profile(job)
    changed = changed_tasks(job.events)
    if changed:
        problems.append(f"the second run changed something: {changed}")
    stats = [item["event_data"] for item in job.events if item.get("event") == "playbook_on_stats"]
    if len(stats) != 1 or any(stats[0].get("changed", {}).values()):
        problems.append(f"the second run's stats count changes (or are missing): {stats!r}")
    if writes(job.requests):
        problems.append(f"the second run sent writes: {writes(job.requests)}")
    return problems + check_team_answer(job, (result.get("inference_profile") or {}).get("inference_profile_arn"))


def check_denied(job: Job) -> list[str]:
    rc, events = job.rc, job.events
    problems = [] if rc != 0 else ["the job succeeded, but its task must fail"]
    failures = task_results(events, "runner_on_failed", "Ask the denied model")
    if len(failures) != 1:
        return problems + [f"{len(failures)} runner_on_failed events for 'Ask the denied model', expected 1"]
    failure = failures[0]
    code = (failure.get("error") or {}).get("code")
    if code != "AccessDeniedException":
        problems.append(f"the failure's error.code is {code!r}, not 'AccessDeniedException' ({failure.get('msg')})")
    status = (failure.get("response_metadata") or {}).get("http_status_code")
    if status != 403:
        problems.append(f"the failure's response_metadata.http_status_code is {status!r}, not 403")
    return problems


def check_no_secrets(stdout: str, recorded: str, events: list[Event]) -> list[str]:
    problems = []
    for name, secret in (("secret key", SECRET_KEY), ("session token", SESSION_TOKEN)):
        leaks = [
            f"job event {item.get('counter')} ({item.get('event')})" for item in events if secret in json.dumps(item)
        ]
        if secret in stdout:
            leaks.append("ansible-runner's stdout")
        if secret in recorded:
            leaks.append("the job's recorded output (artifacts/<ident>/stdout or stderr)")
        if leaks:
            problems.append(f"the {name} appears in " + ", ".join(leaks))
    if not events:
        problems.append("ansible-runner recorded no job events")
    return problems


# The jobs, in order: the team set-up's second run finds what its first one made.
JOBS: list[tuple[str, str, Callable[[Job], list[str]]]] = [
    ("demo", os.path.basename(DEMO), check_demo),
    ("team-setup", os.path.basename(TEAM_SETUP), check_team_setup),
    ("team-setup-again", os.path.basename(TEAM_SETUP), check_team_setup_again),
    ("denied", os.path.basename(DENIED), check_denied),
]


def main() -> int:
    work = tempfile.mkdtemp(prefix="amazon-ai-runner-")
    endpoints = launcher.start(work, {"endpoint": ["--verify-sigv4"]}, moto=True)
    passed = failed = 0
    try:
        endpoint = endpoints["endpoint"].url
        pdd = private_data_dir(work, endpoint)
        for ident, playbook, check in JOBS:
            seen = len(fake_requests(endpoint))
            rc, stdout, output, events = run_job(pdd, playbook, ident)
            job = Job(rc, events, fake_requests(endpoint)[seen:])
            failed_before = failed
            for name, problems in (
                (f"{ident} ({playbook}): job events", check(job)),
                (f"{ident} ({playbook}): no secret in events or stdout", check_no_secrets(stdout, output, events)),
            ):
                if problems:
                    failed += 1
                    print(f"FAIL ansible-runner run {name}")
                    for problem in problems:
                        print(f"     {problem}")
                else:
                    passed += 1
                    print(f"ok   ansible-runner run {name}")
            if failed > failed_before:
                print(f"--- the end of ansible-runner's output for {playbook}:\n{stdout[-4000:]}")
    finally:
        launcher.stop(endpoints.values())
        if failed:
            print(f"(job files kept in {work})")
        else:
            shutil.rmtree(work, ignore_errors=True)
    print(f"ansible-runner: {passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
