# -*- coding: utf-8 -*-

# Copyright: Contributors to the amazon.ai collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Family "batch": the work on big data, in a child process (the bench never holds 50,000 bodies: see child_json).

    python batch_tool.py args PATH KIND COUNT [OPTIONS_JSON]  a module's arguments file: the options and COUNT bodies
    python batch_tool.py vars PATH KIND COUNT                 a playbook's vars file: bench_bodies, COUNT bodies
    python batch_tool.py result PATH KIND COUNT               check a module's result (stdout): COUNT answers
    python batch_tool.py dest PATH KIND COUNT                 check a responses file: COUNT answers, in order
    python batch_tool.py buckets create|empty                 the input and output buckets (through AWS_URL)
    python batch_tool.py ansible-args PATH                    a bare AnsibleModule given a module's arguments file

KIND: text (Titan Text bodies, answered "You asked: <prompt>", so that each answer shows its body) or embed (Titan
Embeddings V2, 1,024 dimensions). A check prints {"answers": N, "bytes": size}, or exits 1 naming the first problem.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterable
from typing import Any

INPUT_BUCKET = "amazon-ai-bench-input"
OUTPUT_BUCKET = "amazon-ai-bench-output"
DIMENSIONS = 1024
# The options of the batch jobs' staging runs besides bodies and wait (batch.py's _job_options).
JOB_OPTIONS = ("name", "model_id", "role_arn", "input_s3_uri", "output_s3_uri")


def prompt(kind: str, index: int) -> str:
    return f"Record {index:06d}: name one colour." if kind == "text" else f"Document {index:06d} to embed."


def body(kind: str, index: int) -> dict[str, Any]:
    if kind == "text":
        return {"inputText": prompt(kind, index), "textGenerationConfig": {"maxTokenCount": 32}}
    if kind == "embed":
        return {"inputText": prompt(kind, index), "dimensions": DIMENSIONS}
    raise ValueError(f"no such kind of body: {kind}")


def bodies(kind: str, count: int) -> list[dict[str, Any]]:
    return [body(kind, index) for index in range(count)]


def record_id(index: int) -> str:
    """The record id bedrock_model_invocation_job gives the body at index (its index, 11 digits)."""
    return f"{index:011d}"


def entry_problem(kind: str, index: int, entry: Any, with_ids: bool) -> str | None:
    """What is wrong with the answer at index (None when it is right): failed, out of order, or the wrong shape."""
    if not isinstance(entry, dict):
        return f"answer {index} is not an object"
    if entry.get("failed"):
        return f"answer {index} failed: {entry.get('msg')}"
    if with_ids and entry.get("record_id") != record_id(index):
        return f"answer {index} has record_id {entry.get('record_id')!r}, not {record_id(index)!r}"
    reply = entry.get("raw_response")
    if kind == "text":
        try:
            text = reply["results"][0]["outputText"]
        except (KeyError, IndexError, TypeError):
            return f"answer {index} has no results[0].outputText"
        if not text.startswith(f"You asked: {prompt(kind, index)}"):
            return f"answer {index} answers another body: {text[:80]!r}"
    else:
        embedding = reply.get("embedding") if isinstance(reply, dict) else None
        if not isinstance(embedding, list) or len(embedding) != DIMENSIONS:
            return f"answer {index} has no embedding of {DIMENSIONS} values"
    return None


def first_problem(kind: str, count: int, entries: Iterable[Any], with_ids: bool) -> str | None:
    seen = 0
    for index, entry in enumerate(entries):
        problem = entry_problem(kind, index, entry, with_ids)
        if problem:
            return problem
        seen += 1
    return None if seen == count else f"{seen} answers, not {count}"


def _lines(path: str) -> Iterable[Any]:
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            yield json.loads(line)


def _buckets(action: str) -> None:
    import boto3  # pylint: disable=import-outside-toplevel

    s3 = boto3.client("s3", region_name=os.environ["AWS_REGION"], endpoint_url=os.environ["AWS_URL"])
    for bucket in (INPUT_BUCKET, OUTPUT_BUCKET):
        if action == "create":
            s3.create_bucket(Bucket=bucket)
            continue
        for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket):
            keys = [{"Key": item["Key"]} for item in page.get("Contents") or []]
            if keys:
                s3.delete_objects(Bucket=bucket, Delete={"Objects": keys, "Quiet": True})


def _ansible_args(path: str) -> None:
    """Be a module that only takes its arguments: what ansible-core's handling of them costs any module.

    AnsibleModule reads the file named by sys.argv[1], as when a module is run directly; it parses the arguments,
    validates them (on a copy), and logs the invocation, as for bedrock_model_invocation_job.
    """
    from ansible.module_utils.basic import AnsibleModule  # pylint: disable=import-outside-toplevel

    spec: dict[str, Any] = {name: {"type": "raw"} for name in JOB_OPTIONS}
    spec.update(bodies={"type": "list", "elements": "raw"}, wait={"type": "bool", "default": False})
    sys.argv = [sys.argv[0], path]
    module = AnsibleModule(argument_spec=spec, supports_check_mode=True)
    module.exit_json(changed=False, bodies=len(module.params["bodies"] or []))


def main(argv: list[str]) -> int:
    command = argv[0]
    if command == "buckets":
        _buckets(argv[1])
        return 0
    if command == "ansible-args":
        _ansible_args(argv[1])
        return 0
    path, kind, count = argv[1], argv[2], int(argv[3])
    if command in ("args", "vars"):
        options = json.loads(argv[4]) if len(argv) > 4 else {}
        if count:
            options["bodies"] = bodies(kind, count)
        data = {"ANSIBLE_MODULE_ARGS": options} if command == "args" else {"bench_bodies": options["bodies"]}
        with open(path, "w", encoding="utf-8") as handle:
            json.dump(data, handle)
        return 0
    if command == "result":
        with open(path, encoding="utf-8") as handle:
            entries = json.load(handle).get("responses") or []
    elif command == "dest":
        entries = _lines(path)
    else:
        raise SystemExit(f"no such command: {command}")
    problem = first_problem(kind, count, entries, with_ids=kind == "text")
    if problem:
        print(f"{path}: {problem}", file=sys.stderr)
        return 1
    print(json.dumps({"answers": count, "bytes": os.path.getsize(path)}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
