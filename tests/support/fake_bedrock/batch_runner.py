# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What a batch job does with its data: check the input JSONL in S3, answer each record, write the output.

Output is laid out as Bedrock writes it: ``<output uri>/<job id>/<input file name>.out`` per input file (JSONL of
``recordId``, ``modelInput`` and ``modelOutput`` or ``error{errorCode, errorMessage}``) plus
``<output uri>/<job id>/manifest.json.out``. Records come out in another order than they went in (every 4th record,
from the last group backwards), as the service does not keep the order.

Everything streams: a record is read, answered and written to one of four spool files (in memory up to a few MB,
then on disk) before the next is read, so 50,000 records cost one copy of the output at most.
"""

from __future__ import annotations

import json
import posixpath
import re
import tempfile
from dataclasses import dataclass
from typing import Any
from typing import Callable
from typing import Iterator

from .core import FaultCounters
from .core import InvokeStats
from .invoke_model import invoke_reply
from .s3_proxy import S3Error
from .s3_proxy import S3Upstream

_SPOOLS = 4
_SPOOL_MEMORY = 4 * 1024 * 1024
# How often (in records) processing looks for a stop request and publishes its counts.
_CHECK_EVERY = 500
_URI = re.compile(r"^s3://([^/]+)/?(.*)$")


class JobFailure(Exception):
    """The job fails with this message (shown in GetModelInvocationJob's ``message``)."""


@dataclass
class Counts:
    total: int = 0
    processed: int = 0
    success: int = 0
    errors: int = 0
    input_tokens: int = 0
    output_tokens: int = 0

    def manifest(self) -> dict[str, int]:
        return {
            "totalRecordCount": self.total,
            "processedRecordCount": self.processed,
            "successRecordCount": self.success,
            "errorRecordCount": self.errors,
            "inputTokenCount": self.input_tokens,
            "outputTokenCount": self.output_tokens,
        }


def split_uri(uri: str) -> tuple[str, str]:
    match = _URI.match(uri)
    if match is None:
        raise JobFailure(f"Invalid S3 URI {uri}.")
    return match.group(1), match.group(2)


def input_objects(s3: S3Upstream, uri: str) -> list[tuple[str, str]]:
    """(bucket, key) of the JSONL input: the object the URI names, or every ``.jsonl`` object under it."""
    bucket, key = split_uri(uri)
    try:
        if key and not key.endswith("/") and s3.head(bucket, key) is not None:
            if not key.endswith(".jsonl"):
                raise JobFailure(f"The input file {uri} is not a .jsonl file. Only JSONL input is supported.")
            return [(bucket, key)]
        prefix = key if not key or key.endswith("/") else key + "/"
        keys = [name for name, dummy in s3.list_keys(bucket, prefix) if name.endswith(".jsonl")]
    except S3Error as exc:
        raise JobFailure(f"Unable to access the input data at {uri}: {exc}. Check the service role's S3 access.")
    if not keys:
        raise JobFailure(f"No .jsonl files were found at {uri}.")
    return [(bucket, name) for name in sorted(keys)]


def _lines(s3: S3Upstream, bucket: str, key: str) -> Iterator[tuple[int, bytes]]:
    """(line number, line) of an object's non-blank lines, streamed."""
    try:
        response = s3.open(bucket, key)
    except S3Error as exc:
        raise JobFailure(f"Unable to read s3://{bucket}/{key}: {exc}.")
    with response:
        for number, line in enumerate(response, 1):
            if line.strip():
                yield number, line


def _record(line: bytes, number: int, bucket: str, key: str) -> tuple[Any, dict[str, Any]]:
    """The (recordId, modelInput) of one input line, or JobFailure naming the line."""
    where = f"line {number} of s3://{bucket}/{key}"
    try:
        record = json.loads(line)
    except ValueError:
        raise JobFailure(f"Invalid JSON at {where}. Each line must be a JSON object.") from None
    if not isinstance(record, dict) or not isinstance(record.get("modelInput"), dict):
        raise JobFailure(f"Invalid record at {where}: each line must be an object with a modelInput object.")
    record_id = record.get("recordId")
    if record_id is not None and not isinstance(record_id, str):
        raise JobFailure(f"Invalid record at {where}: recordId must be a string.")
    return record_id, record["modelInput"]


def count_records(s3: S3Upstream, objects: list[tuple[str, str]]) -> int:
    """Check every line the way the Validating status does, and count the records."""
    total = 0
    for bucket, key in objects:
        for number, line in _lines(s3, bucket, key):
            _record(line, number, bucket, key)
            total += 1
    return total


def _converse_reply(model_input: dict[str, Any]) -> tuple[int, Any, int, int]:
    """A Converse-shaped answer (status, payload or error message, input and output tokens)."""
    messages = model_input.get("messages")
    if not isinstance(messages, list) or not messages or not all(isinstance(m, dict) for m in messages):
        return 400, "The messages field is required and must be a non-empty list of messages.", 0, 0
    texts = []
    for message in messages:
        content = message.get("content")
        if message.get("role") not in ("user", "assistant") or not isinstance(content, list):
            return 400, "Each message needs a role (user or assistant) and a list of content blocks.", 0, 0
        texts.append(" ".join(b["text"] for b in content if isinstance(b, dict) and isinstance(b.get("text"), str)))
    words = f"You asked: {texts[-1]}".split()
    config = model_input.get("inferenceConfig") if isinstance(model_input.get("inferenceConfig"), dict) else {}
    limit = config.get("maxTokens")
    cut = isinstance(limit, int) and not isinstance(limit, bool) and 0 <= limit < len(words)
    if cut:
        words = words[:limit]
    input_tokens, output_tokens = sum(len(text.split()) for text in texts), len(words)
    payload = {
        "output": {"message": {"role": "assistant", "content": [{"text": " ".join(words)}]}},
        "stopReason": "max_tokens" if cut else "end_turn",
        "usage": {
            "inputTokens": input_tokens,
            "outputTokens": output_tokens,
            "totalTokens": input_tokens + output_tokens,
        },
        "metrics": {"latencyMs": 100 + 10 * output_tokens},
    }
    return 200, payload, input_tokens, output_tokens


class Answerer:
    """Answers one record's modelInput like InvokeModel (the model family's reply) or Converse would."""

    def __init__(self, model_id: str, invocation_type: str) -> None:
        self.model_id = model_id
        self.converse = invocation_type == "Converse"
        # A job's own fault counters, so that test.throttle-N records behave the same in every job.
        self.counters = FaultCounters()
        self.stats = InvokeStats()

    def __call__(self, input_json: str, model_input: dict[str, Any]) -> tuple[str, bool, int, int]:
        """(the modelOutput or error member as JSON text, whether it succeeded, input tokens, output tokens)."""
        if self.converse:
            status, payload, input_tokens, output_tokens = _converse_reply(model_input)
            if status == 200:
                return '"modelOutput": ' + json.dumps(payload, ensure_ascii=False), True, input_tokens, output_tokens
            return _error_member(status, payload), False, 0, 0
        reply = invoke_reply(self.model_id, input_json.encode("utf-8"), "application/json", self.counters, self.stats)
        body = reply.body.decode("utf-8", "replace")
        if reply.status != 200:
            try:
                message = json.loads(body).get("message") or body
            except (ValueError, AttributeError):
                message = body or f"HTTP {reply.status}"
            return _error_member(reply.status, message), False, 0, 0
        if "test." in self.model_id:
            # Test models may answer something that is not a JSON object (text, PNG, broken JSON).
            try:
                json.loads(body)
            except ValueError:
                return _error_member(500, "The model returned a response that is not JSON."), False, 0, 0
        input_tokens, output_tokens = reply.metrics or (0, 0)
        return '"modelOutput": ' + body, True, input_tokens, output_tokens


def _error_member(status: int, message: str) -> str:
    return '"error": ' + json.dumps({"errorCode": status, "errorMessage": message}, ensure_ascii=False)


def output_prefix(output_uri: str, job_id: str) -> tuple[str, str]:
    """(bucket, key prefix ending in /) of the folder a job's output goes to."""
    bucket, key = split_uri(output_uri)
    key = key.strip("/")
    return bucket, (key + "/" if key else "") + job_id + "/"


def _put_spools(s3: S3Upstream, bucket: str, key: str, spools: list[Any], extra_headers: dict[str, str]) -> None:
    order = list(reversed(spools))
    length = 0
    for spool in order:
        length += spool.tell()
        spool.seek(0)

    def chunks() -> Iterator[bytes]:
        for spool in order:
            while True:
                data = spool.read(256 * 1024)
                if not data:
                    break
                yield data

    _write(s3, bucket, key, chunks(), length, extra_headers)


def _write(s3: S3Upstream, bucket: str, key: str, chunks: Any, length: int, extra_headers: dict[str, str]) -> None:
    try:
        s3.put(bucket, key, chunks, length, "application/octet-stream", extra_headers)
    except (S3Error, OSError) as exc:
        raise JobFailure(
            f"Unable to write the output to s3://{bucket}/{key}: {exc}. Check the service role's S3 access."
        )


def sse_headers(kms_key_id: str | None) -> dict[str, str]:
    if not kms_key_id:
        return {}
    return {"x-amz-server-side-encryption": "aws:kms", "x-amz-server-side-encryption-aws-kms-key-id": kms_key_id}


def process(
    s3: S3Upstream,
    objects: list[tuple[str, str]],
    answer: Answerer,
    out_bucket: str,
    out_prefix: str,
    counts: Counts,
    limit: int | None,
    progress: Callable[[Counts], bool],
    kms_key_id: str | None = None,
) -> bool:
    """Answer up to ``limit`` records and write the output files; False when ``progress`` asked to stop early.

    ``progress`` gets the counts every few hundred records and returns False to stop (the job is being stopped).
    What was answered before a stop is still written, as Bedrock leaves the output of a stopped job.
    """
    generated = 0
    keep_going = True
    extra = sse_headers(kms_key_id)
    for bucket, key in objects:
        if not keep_going or (limit is not None and counts.processed >= limit):
            break
        spools = [tempfile.SpooledTemporaryFile(max_size=_SPOOL_MEMORY) for dummy in range(_SPOOLS)]
        try:
            written = 0
            for number, line in _lines(s3, bucket, key):
                if limit is not None and counts.processed >= limit:
                    break
                if counts.processed % _CHECK_EVERY == 0 and not progress(counts):
                    keep_going = False
                    break
                record_id, model_input = _record(line, number, bucket, key)
                if record_id is None:
                    generated += 1
                    record_id = f"{generated:011d}"
                input_json = json.dumps(model_input, ensure_ascii=False)
                member, ok, input_tokens, output_tokens = answer(input_json, model_input)
                out = '{"recordId": ' + json.dumps(record_id) + ', "modelInput": ' + input_json + ", " + member + "}\n"
                spools[written % _SPOOLS].write(out.encode("utf-8"))
                written += 1
                counts.processed += 1
                counts.success += ok
                counts.errors += not ok
                counts.input_tokens += input_tokens
                counts.output_tokens += output_tokens
            if written:
                name = posixpath.basename(key) + ".out"
                _put_spools(s3, out_bucket, out_prefix + name, spools, extra)
        finally:
            for spool in spools:
                spool.close()
    progress(counts)
    return keep_going


def write_manifest(
    s3: S3Upstream, out_bucket: str, out_prefix: str, counts: Counts, kms_key_id: str | None = None
) -> None:
    body = json.dumps(counts.manifest()).encode("utf-8")
    s3.put(
        out_bucket,
        out_prefix + "manifest.json.out",
        [body],
        len(body),
        "application/octet-stream",
        sse_headers(kms_key_id),
    )
