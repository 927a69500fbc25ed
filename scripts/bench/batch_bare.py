# -*- coding: utf-8 -*-

# Copyright: Contributors to the amazon.ai collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""What a user would write without bedrock_model_invocation_job, which the batch family measures its collecting
against: a finished job's output downloaded with boto3 and written in input order, as responses_dest holds it.

    python batch_bare.py OUTPUT_LOCATION DEST      (the job's output folder, s3://bucket/prefix/<job id>/)

The record ids are the module's (each body's index, 11 digits), so input order is their sorted order; the answers
stay in memory until the last file is read (Bedrock writes its own order). Prints {"records": N, "bytes": size}.
"""

from __future__ import annotations

import json
import os
import sys

import boto3


def main(location: str, dest: str) -> int:
    bucket, prefix = location[len("s3://") :].split("/", 1)
    s3 = boto3.client("s3", region_name=os.environ["AWS_REGION"], endpoint_url=os.environ["AWS_URL"])
    answers = {}
    size = 0
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
        for item in page.get("Contents") or []:
            if not item["Key"].endswith(".out") or item["Key"].endswith("/manifest.json.out"):
                continue
            size += item["Size"]
            for line in s3.get_object(Bucket=bucket, Key=item["Key"])["Body"].iter_lines():
                if line.strip():
                    record = json.loads(line)
                    answers[record["recordId"]] = record
    with open(dest, "w", encoding="utf-8") as out:
        for record_id in sorted(answers):
            record = answers[record_id]
            if "modelOutput" in record:
                entry = {"record_id": record_id, "raw_response": record["modelOutput"], "raw_response_format": "json"}
            else:
                entry = {"record_id": record_id, "failed": True, "error": record.get("error")}
            out.write(json.dumps(entry, ensure_ascii=False) + "\n")
    print(json.dumps({"records": len(answers), "bytes": size}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
