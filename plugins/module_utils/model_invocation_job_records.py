# -*- coding: utf-8 -*-

# Copyright: Contributors to the amazon.ai collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The records of a batch inference job, streamed: request bodies to the JSONL Bedrock reads, and the JSONL it
writes back to answers in input order.

Bodies are checked and encoded by json_codec.py's encode_body, as bedrock_invoke_models does it, and each answer is
decoded by its decode_response. A record's line is written as soon as it is encoded, and an
output line is kept only as the entry it becomes, so no step holds several copies of the data.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import IO
from typing import Any
from typing import Dict
from typing import Iterable
from typing import Iterator
from typing import List
from typing import NamedTuple
from typing import Optional
from typing import Tuple

from ansible.module_utils.common.dict_transformations import camel_dict_to_snake_dict

from ansible_collections.amazon.ai.plugins.module_utils.common import BedrockParameterError
from ansible_collections.amazon.ai.plugins.module_utils.json_codec import decode_response
from ansible_collections.amazon.ai.plugins.module_utils.json_codec import encode_body
from ansible_collections.amazon.ai.plugins.module_utils.responses import RawJSON

# Generated record ids: the record's index, zero-padded to eleven digits (as Bedrock's own examples are eleven
# characters long), so that they sort in input order and map back to it without a table.
GENERATED_ID_DIGITS = 11
RECORD_ID_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}")
# How many failed records the task's message names (all of them are in the responses).
FAILURES_NAMED = 3
READ_CHUNK = 1 << 20
_WHITESPACE = re.compile(r"[ \t\n\r]*")
_DECODER = json.JSONDecoder()


def record_id(index: int) -> str:
    return f"{index:0{GENERATED_ID_DIGITS}d}"


class RecordOrder:
    """Where each record id stands in the input: generated ids are their index, given ids are looked up."""

    def __init__(self, count: int, ids: Optional[List[str]] = None) -> None:
        self.count = count
        self.ids = ids
        self._index = {rid: index for index, rid in enumerate(ids)} if ids is not None else None

    def index_of(self, rid: Any) -> Optional[int]:
        if not isinstance(rid, str):
            return None
        if self._index is not None:
            return self._index.get(rid)
        if len(rid) != GENERATED_ID_DIGITS or not rid.isdigit() or not rid.isascii():
            return None
        index = int(rid)
        return index if index < self.count else None

    def record_id(self, index: int) -> str:
        return self.ids[index] if self.ids is not None else record_id(index)


def task_records(params: Mapping) -> Optional[Tuple[str, List[Tuple[str, Any]]]]:
    """(source option, [(record id, body)]) of the task's bodies or records; None when it gives neither."""
    if params.get("records") is not None:
        seen = set()
        records = []
        for index, entry in enumerate(params["records"]):
            rid = entry.get("record_id") if isinstance(entry, Mapping) else None
            if not isinstance(rid, str) or not RECORD_ID_PATTERN.fullmatch(rid):
                raise BedrockParameterError(
                    f"records[{index}].record_id must be 1 to 128 letters, digits, '_', '.', ':' or '-', starting "
                    f"with a letter or digit, not {str(rid)[:100]!r}"
                )
            if rid in seen:
                raise BedrockParameterError(f"records[{index}].record_id {rid!r} is used by an earlier record too")
            seen.add(rid)
            records.append((rid, entry.get("body")))
        return "records", records
    if params.get("bodies") is not None:
        return "bodies", [(record_id(index), body) for index, body in enumerate(params["bodies"])]
    return None


def encode_record(source: str, index: int, rid: str, body: Any) -> bytes:
    """One JSONL line: the record id and its body, checked and encoded as bedrock_invoke_models encodes bodies."""
    if not isinstance(body, (Mapping, str)):
        raise BedrockParameterError(
            f"{source}[{index}] must be a JSON object (a mapping, or a string holding one), not {type(body).__name__}"
        )
    if isinstance(body, str):
        # Said here, as encode_body's own message would suggest a content_type, which batch records do not have.
        try:
            json.loads(body)
        except RecursionError:
            pass  # encode_body says it is too deep
        except ValueError as e:
            raise BedrockParameterError(
                f"{source}[{index}] is a string but not valid JSON ({e}); a record's body is a JSON object, given as "
                "a mapping or as a string holding one"
            ) from None
    try:
        encoded = encode_body(body, "application/json")
    except BedrockParameterError as e:
        raise BedrockParameterError(f"{source}[{index}]: {e}") from None
    if encoded.lstrip()[:1] != b"{":
        raise BedrockParameterError(
            f"{source}[{index}] is JSON but not a JSON object, which is what a record's body is"
        )
    if b"\n" in encoded or b"\r" in encoded:
        # Valid JSON has line breaks only between values (never inside strings): spaces there mean the same.
        encoded = encoded.replace(b"\r", b" ").replace(b"\n", b" ")
    return b'{"recordId":"' + rid.encode("ascii") + b'","modelInput":' + encoded + b"}\n"


def stage_records(source: str, records: Iterable[Tuple[str, Any]], sink: IO[bytes]) -> int:
    """Write every record as a JSONL line to sink, checking each; returns how many were written."""
    count = 0
    for index, (rid, body) in enumerate(records):
        sink.write(encode_record(source, index, rid, body))
        count += 1
    return count


def iter_lines(stream: Any, chunk_size: int = READ_CHUNK) -> Iterator[str]:
    """The non-blank lines of a binary stream (anything with read(n)), decoded as UTF-8, read chunk by chunk."""
    pending: List[bytes] = []
    while True:
        chunk = stream.read(chunk_size)
        if not chunk:
            break
        lines = chunk.split(b"\n")
        if len(lines) == 1:
            pending.append(chunk)
            continue
        lines[0] = b"".join(pending) + lines[0]
        pending = [lines.pop()]
        for line in lines:
            if line.strip():
                yield line.decode("utf-8", errors="replace")
    tail = b"".join(pending)
    if tail.strip():
        yield tail.decode("utf-8", errors="replace")


class OutputLine(NamedTuple):
    record_id: Any  # as Bedrock wrote it (normally a string)
    model_output: Optional[str]  # the JSON text of modelOutput, untouched
    error: Optional[Mapping]  # the record's error, when it failed


def split_output_line(line: str) -> OutputLine:
    """The parts of one output line, reading its top level only once; ValueError when it is not a JSON object.

    modelOutput is kept as the JSON text Bedrock wrote, so that it can be written on without being encoded again.
    """
    end = len(line)
    pos = _WHITESPACE.match(line, 0).end()
    if pos >= end or line[pos] != "{":
        raise ValueError("not a JSON object")
    found: Dict[str, Any] = {}
    pos = _WHITESPACE.match(line, pos + 1).end()
    if pos < end and line[pos] == "}":
        return OutputLine(None, None, None)
    while True:
        key, pos = _DECODER.raw_decode(line, pos)
        if not isinstance(key, str):
            raise ValueError("a key that is not a string")
        pos = _WHITESPACE.match(line, pos).end()
        if pos >= end or line[pos] != ":":
            raise ValueError("no ':' after a key")
        pos = _WHITESPACE.match(line, pos + 1).end()
        start = pos
        value, pos = _DECODER.raw_decode(line, pos)
        if key == "modelOutput":
            found[key] = line[start:pos]
        elif key in ("recordId", "error"):
            found[key] = value
        pos = _WHITESPACE.match(line, pos).end()
        if pos < end and line[pos] == ",":
            pos = _WHITESPACE.match(line, pos + 1).end()
            continue
        if pos < end and line[pos] == "}":
            break
        raise ValueError("no ',' or '}' after a value")
    if _WHITESPACE.match(line, pos + 1).end() != end:
        raise ValueError("more after the object")
    error = found.get("error")
    return OutputLine(found.get("recordId"), found.get("modelOutput"), error if isinstance(error, Mapping) else None)


def error_entry(rid: str, model_id: str, error: Mapping) -> Dict[str, Any]:
    code = error.get("errorCode")
    message = error.get("errorMessage") or "no message given"
    return {
        "record_id": rid,
        "model_id": model_id,
        "failed": True,
        "msg": f"Record {rid!r} failed ({code}): {message}",
        "error": {"code": code, "message": message},
    }


def not_processed_entry(rid: str, model_id: str, status: str) -> Dict[str, Any]:
    return {
        "record_id": rid,
        "model_id": model_id,
        "failed": True,
        "msg": f"Record {rid!r} was not processed: the job ended {status} before answering it",
    }


class Collection:
    """Output lines matched back into input order, as entries of responses.

    For a file (as_text), a model's answer is kept as the JSON text Bedrock wrote (responses.RawJSON), never decoded
    and encoded again.
    """

    def __init__(self, order: Optional[RecordOrder], model_id: str, as_text: bool) -> None:
        self.order = order
        self.model_id = model_id
        self.as_text = as_text
        self.slots: List[Optional[Dict[str, Any]]] = [None] * order.count if order is not None else []
        self.notes: List[str] = []
        self.unknown = 0
        self.malformed = 0
        self.succeeded = 0
        self.errors = 0
        self.failures: List[Tuple[int, str]] = []  # (input index, reason) of the first few failed records

    def add(self, line: str) -> None:
        try:
            parts = split_output_line(line)
        except ValueError:
            self.malformed += 1
            return
        rid = parts.record_id
        if self.order is not None:
            index = self.order.index_of(rid)
            if index is None or self.slots[index] is not None:
                self.unknown += 1
                return
        else:
            index = len(self.slots)
            self.slots.append(None)
        rid = rid if isinstance(rid, str) else str(rid)
        if parts.model_output is not None:
            self.succeeded += 1
            self.slots[index] = self._answer(rid, parts.model_output)
            return
        self.errors += 1
        entry = error_entry(rid, self.model_id, parts.error or {"errorMessage": "no modelOutput and no error"})
        self._note_failure(index, str(entry["error"]["code"]))
        self.slots[index] = entry

    def _answer(self, rid: str, model_output: str) -> Dict[str, Any]:
        if self.as_text:
            # The model's JSON as Bedrock wrote it: valid JSON text, written without another encoding.
            value: Any = RawJSON(model_output)
            fmt = "json"
        else:
            value, fmt, notes = decode_response(model_output.encode("utf-8"), "application/json")
            self.notes.extend(f"record {rid!r}: {note}" for note in notes)
        return {"record_id": rid, "model_id": self.model_id, "raw_response": value, "raw_response_format": fmt}

    def _note_failure(self, index: int, reason: str) -> None:
        if len(self.failures) < FAILURES_NAMED:
            self.failures.append((index, reason))
        self.failures.sort()
        del self.failures[FAILURES_NAMED:]

    def finish(self, status: str) -> int:
        """Mark every record the output did not answer as not processed; returns how many."""
        missing = 0
        for index, slot in enumerate(self.slots):
            if slot is not None:
                continue
            missing += 1
            rid = self.order.record_id(index) if self.order is not None else str(index)
            entry = not_processed_entry(rid, self.model_id, status)
            self._note_failure(index, "not processed")
            self.slots[index] = entry
        return missing


def build_summary(collection: Collection, not_processed: int, manifest: Optional[Mapping]) -> Dict[str, Any]:
    """Counts over the records, and the job's manifest (counts and tokens) in snake_case when it wrote one."""
    summary: Dict[str, Any] = {
        "records": len(collection.slots),
        "succeeded": collection.succeeded,
        "failed": collection.errors,
        "not_processed": not_processed,
    }
    if manifest:
        summary.update(camel_dict_to_snake_dict({k: v for k, v in manifest.items() if isinstance(v, (int, float))}))
    return summary


def failure_summary(job_name: str, status: str, collection: Collection, not_processed: int) -> Optional[str]:
    """The task's message when records failed or were not processed, naming the first few; None when none did."""
    if not collection.errors and not not_processed:
        return None
    total = len(collection.slots)
    parts = []
    if collection.errors:
        parts.append(f"{collection.errors} of {total} records failed")
    if not_processed:
        parts.append(f"{not_processed} of {total} records were not processed (the job ended {status})")
    named = [
        f"record {collection.order.record_id(index) if collection.order is not None else index!r}: {reason}"
        for index, reason in collection.failures
    ]
    more = " ..." if collection.errors + not_processed > len(named) else ""
    return f"Batch inference job {job_name!r}: {' and '.join(parts)}: {'; '.join(named)}{more}"


def read_record_ids(lines: Iterable[str]) -> Optional[List[str]]:
    """The record ids of staged input lines, in order; None when a line has none (Bedrock then makes them up)."""
    ids = []
    for line in lines:
        try:
            rid = json.loads(line).get("recordId")
        except (ValueError, AttributeError):
            return None
        if not isinstance(rid, str):
            return None
        ids.append(rid)
    return ids
