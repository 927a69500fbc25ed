# -*- coding: utf-8 -*-

# Copyright: Contributors to the amazon.ai collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import io
import json
import random

import pytest
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from ansible_collections.amazon.ai.plugins.module_utils import model_invocation_job_records as records
from ansible_collections.amazon.ai.plugins.module_utils.common import BedrockParameterError
from ansible_collections.amazon.ai.plugins.module_utils.responses import entry_line

PROPERTY_SETTINGS = settings(max_examples=150, deadline=None, database=None)
MODEL = "amazon.titan-embed-text-v2:0"

json_scalars = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text()
json_values = st.recursive(
    json_scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(), inner, max_size=3),
    max_leaves=12,
)
json_objects = st.dictionaries(st.text(), json_values, max_size=4)


def output_line(rid, output=None, error=None, model_input=None):
    line = {"recordId": rid, "modelInput": model_input if model_input is not None else {"inputText": rid}}
    if error is not None:
        line["error"] = error
    else:
        line["modelOutput"] = output
    return json.dumps(line)


def test_generated_record_ids_keep_the_order():
    ids = [records.record_id(index) for index in (0, 1, 9, 10, 123456)]
    assert ids == sorted(ids) and ids[0] == "00000000000" and all(len(rid) == 11 for rid in ids)
    order = records.RecordOrder(10)
    assert [order.index_of(rid) for rid in ids] == [0, 1, 9, None, None]  # beyond the count
    assert [order.index_of(rid) for rid in ("0000000000x", "1", None, 3, "٠٠٠٠٠٠٠٠٠٠٠")] == [None] * 5


def test_task_records():
    assert records.task_records({"bodies": [{"a": 1}, "{}"]}) == (
        "bodies",
        [("00000000000", {"a": 1}), ("00000000001", "{}")],
    )
    assert records.task_records({"records": [{"record_id": "T-1", "body": {}}]}) == ("records", [("T-1", {})])
    assert records.task_records({}) is None
    assert records.task_records({"bodies": []}) == ("bodies", [])


@pytest.mark.parametrize(
    "entries, message",
    [
        ([{"record_id": "a", "body": {}}, {"record_id": "a", "body": {}}], r"records\[1\].record_id 'a' is used"),
        ([{"record_id": "has space", "body": {}}], r"records\[0\].record_id must be"),
        ([{"record_id": "", "body": {}}], r"records\[0\].record_id must be"),
    ],
)
def test_task_records_refuses_bad_ids(entries, message):
    with pytest.raises(BedrockParameterError, match=message):
        records.task_records({"records": entries})


def test_encode_record_is_one_jsonl_line():
    line = records.encode_record("bodies", 0, "00000000000", {"inputText": "héllo\nworld"})
    assert line.endswith(b"\n") and line.count(b"\n") == 1
    assert json.loads(line) == {"recordId": "00000000000", "modelInput": {"inputText": "héllo\nworld"}}
    # A string body that is JSON over several lines stays one line, and means the same.
    line = records.encode_record("bodies", 0, "r", '{\r\n  "a": [1,\n 2]\n}')
    assert line.count(b"\n") == 1 and json.loads(line)["modelInput"] == {"a": [1, 2]}


@pytest.mark.parametrize(
    "body, message",
    [
        (1, r"bodies\[4\] must be a JSON object .* not int"),
        ([1, 2], r"bodies\[4\] must be a JSON object .* not list"),
        (None, r"bodies\[4\] must be a JSON object"),
        ("[1]", r"bodies\[4\] is JSON but not a JSON object"),
        (
            "not json",
            r"bodies\[4\] is a string but not valid JSON \(Expecting value.*\); a record's body is a JSON obj",
        ),
        ("NaN", r"bodies\[4\]: body is a string but not valid JSON \(NaN is not JSON\)"),
        ({"x": float("nan")}, r"bodies\[4\]: body cannot be encoded as JSON"),
    ],
)
def test_encode_record_refuses_what_is_not_a_json_object(body, message):
    with pytest.raises(BedrockParameterError, match=message):
        records.encode_record("bodies", 4, "r", body)


@PROPERTY_SETTINGS
@given(bodies=st.lists(json_objects | json_values | st.text(), max_size=5))
def test_staging_round_trips_or_refuses_with_our_error(bodies):
    sink = io.BytesIO()
    try:
        count = records.stage_records("bodies", records.task_records({"bodies": bodies})[1], sink)
    except BedrockParameterError as e:
        assert str(e).startswith("bodies[")
        return
    lines = sink.getvalue().split(b"\n")
    assert lines[-1] == b"" and len(lines) - 1 == count == len(bodies)
    for index, (line, body) in enumerate(zip(lines, bodies)):
        decoded = json.loads(line)
        assert decoded["recordId"] == records.record_id(index)
        assert decoded["modelInput"] == (json.loads(body) if isinstance(body, str) else body)


@PROPERTY_SETTINGS
@given(
    lines=st.lists(st.text(alphabet="ab\né", max_size=8).filter(lambda s: "\n" not in s), max_size=6),
    size=st.integers(1, 9),
)
def test_iter_lines_whatever_the_chunks(lines, size):
    data = "\n".join(lines).encode("utf-8")
    assert list(records.iter_lines(io.BytesIO(data), chunk_size=size)) == [line for line in lines if line.strip()]


@PROPERTY_SETTINGS
@given(
    rid=st.text(max_size=5) | st.integers(),
    model_input=json_values,
    output=json_values,
    separators=st.tuples(st.sampled_from([",", ", ", ",\t ", " ,\n"]), st.sampled_from([":", ": ", " :\t", "\r\n:"])),
)
def test_split_output_line_agrees_with_json(rid, model_input, output, separators):
    # Any white space JSON allows between tokens, never inside strings.
    line = json.dumps({"recordId": rid, "modelInput": model_input, "modelOutput": output}, separators=separators)
    parts = records.split_output_line(" " + line + "\t")
    assert parts.record_id == rid
    assert json.loads(parts.model_output) == output
    assert parts.error is None


@pytest.mark.parametrize("line", ["[]", "{", '{"a" 1}', '{"a": 1} x', '{"a": 1,}', "nope", "{1: 2}"])
def test_split_output_line_refuses_what_is_not_an_object(line):
    with pytest.raises(ValueError):
        records.split_output_line(line)


def test_split_output_line_of_an_error():
    parts = records.split_output_line(output_line("r1", error={"errorCode": 400, "errorMessage": "bad request"}))
    assert parts == records.OutputLine("r1", None, {"errorCode": 400, "errorMessage": "bad request"})
    assert records.split_output_line("{}") == records.OutputLine(None, None, None)


def collect(lines, order, as_text, status="Completed"):
    collection = records.Collection(order, MODEL, as_text)
    for line in lines:
        collection.add(line)
    return collection, collection.finish(status)


@PROPERTY_SETTINGS
@given(count=st.integers(0, 30), seed=st.integers(), as_text=st.booleans())
def test_answers_come_back_in_input_order_whatever_the_output_order(count, seed, as_text):
    lines = [output_line(records.record_id(index), {"n": index}) for index in range(count)]
    random.Random(seed).shuffle(lines)
    collection, missing = collect(lines, records.RecordOrder(count), as_text)
    entries = [json.loads(entry_line(slot)) for slot in collection.slots] if as_text else collection.slots
    assert missing == 0
    assert [entry["raw_response"] for entry in entries] == [{"n": index} for index in range(count)]
    assert [entry["record_id"] for entry in entries] == [records.record_id(index) for index in range(count)]


def test_collection_marks_errors_and_records_not_processed():
    order = records.RecordOrder(4, ["a", "b", "c", "d"])
    lines = [
        output_line("c", {"n": 3}),
        output_line("a", error={"errorCode": 424, "errorMessage": "model error"}),
        output_line("unknown", {}),
        output_line("c", {"again": True}),
        "not json",
    ]
    collection, missing = collect(lines, order, as_text=False, status="PartiallyCompleted")
    assert missing == 2 and collection.unknown == 2 and collection.malformed == 1
    assert collection.slots[0] == {
        "record_id": "a",
        "model_id": MODEL,
        "failed": True,
        "msg": "Record 'a' failed (424): model error",
        "error": {"code": 424, "message": "model error"},
    }
    assert collection.slots[1]["failed"] and "not processed" in collection.slots[1]["msg"]
    assert collection.slots[2]["raw_response"] == {"n": 3}
    message = records.failure_summary("job-1", "PartiallyCompleted", collection, missing)
    assert message == (
        "Batch inference job 'job-1': 1 of 4 records failed and 2 of 4 records were not processed (the job ended "
        "PartiallyCompleted): record 'a': 424; record 'b': not processed; record 'd': not processed"
    )
    summary = records.build_summary(collection, missing, {"totalRecordCount": 4, "inputTokenCount": 12, "x": "text"})
    assert summary == {
        "records": 4,
        "succeeded": 1,
        "failed": 1,
        "not_processed": 2,
        "total_record_count": 4,
        "input_token_count": 12,
    }


def test_a_file_line_is_the_entry_responses_would_hold():
    answer = {"embedding": [0.5, -1.25e-05], "text": "é \\ud83d"}
    lines = [output_line("00000000000", answer), output_line("00000000001", error={"errorCode": 400})]
    as_text, dummy = collect(lines, records.RecordOrder(3), as_text=True, status="Stopped")
    returned, dummy = collect(lines, records.RecordOrder(3), as_text=False, status="Stopped")
    assert [json.loads(entry_line(slot)) for slot in as_text.slots] == returned.slots


def test_unknown_order_keeps_the_output_order():
    collection, missing = collect([output_line("z", 1), output_line("y", 2)], None, as_text=False)
    assert [entry["record_id"] for entry in collection.slots] == ["z", "y"] and missing == 0
    assert records.failure_summary("j", "Completed", collection, 0) is None


def test_a_reply_ansible_cannot_carry_is_decoded_as_bedrock_invoke_models_does():
    collection, dummy = collect(
        ['{"recordId": "00000000000", "modelOutput": {"t": "\\ud83d"}}'], records.RecordOrder(1), False
    )
    assert collection.slots[0]["raw_response"] == {"t": "\ufffd"}
    assert "unpaired UTF-16 surrogate" in collection.notes[0] and "'00000000000'" in collection.notes[0]


def test_read_record_ids():
    assert records.read_record_ids(['{"recordId": "b", "modelInput": {}}', '{"recordId": "a"}']) == ["b", "a"]
    assert records.read_record_ids(['{"modelInput": {}}']) is None
    assert records.read_record_ids(["[1]"]) is None


def test_a_file_keeps_the_model_s_json_text_as_bedrock_wrote_it():
    collection = records.Collection(records.RecordOrder(2), MODEL, as_text=True)
    collection.add('{"recordId": "00000000000", "modelInput": {}, "modelOutput": {"x" : [1.50, "\\u00e9"]}}')
    collection.add('{"recordId": "00000000001", "error": {"errorCode": 400, "errorMessage": "bad"}}')
    assert [entry_line(slot) for slot in collection.slots] == [
        '{"record_id":"00000000000","model_id":"' + MODEL + '","raw_response":{"x" : [1.50, "\\u00e9"]},'
        '"raw_response_format":"json"}',
        '{"record_id":"00000000001","model_id":"' + MODEL + '","failed":true,'
        '"msg":"Record \'00000000001\' failed (400): bad","error":{"code":400,"message":"bad"}}',
    ]
