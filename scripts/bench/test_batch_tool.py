# -*- coding: utf-8 -*-

# Copyright: Contributors to the amazon.ai collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Tests of the batch family's child process (batch_tool.py): the bodies it makes and the answers it accepts."""

from __future__ import annotations

import json

import batch_tool
import pytest


def text_entry(index, record_id=None, text=None):
    return {
        "record_id": batch_tool.record_id(index) if record_id is None else record_id,
        "raw_response": {"results": [{"outputText": text or f"You asked: {batch_tool.prompt('text', index)}"}]},
    }


def embed_entry(length=1024):
    return {"raw_response": {"embedding": [0.5] * length}}


def test_bodies_are_distinct_and_of_their_kind():
    texts = batch_tool.bodies("text", 3)
    assert [body["inputText"] for body in texts] == [
        "Record 000000: name one colour.",
        "Record 000001: name one colour.",
        "Record 000002: name one colour.",
    ]
    assert batch_tool.bodies("embed", 2)[1] == {"inputText": "Document 000001 to embed.", "dimensions": 1024}
    with pytest.raises(ValueError):
        batch_tool.body("image", 0)


@pytest.mark.parametrize(
    "entries, problem",
    [
        ([text_entry(0), text_entry(1)], None),
        ([text_entry(0)], "1 answers, not 2"),
        ([text_entry(0), text_entry(1), text_entry(2)], "3 answers, not 2"),
        ([text_entry(1, record_id="00000000000"), text_entry(1)], "answer 0 answers another body"),
        ([text_entry(0), text_entry(0, record_id="00000000001")], "answer 1 answers another body"),
        ([text_entry(1), text_entry(0)], "answer 0 has record_id '00000000001'"),
        ([text_entry(0), {"record_id": "00000000001", "failed": True, "msg": "boom"}], "answer 1 failed: boom"),
        ([text_entry(0), {"record_id": "00000000001", "raw_response": {}}], "answer 1 has no results"),
        ([text_entry(0), "text"], "answer 1 is not an object"),
    ],
)
def test_text_answers_must_all_be_there_in_order_each_answering_its_body(entries, problem):
    found = batch_tool.first_problem("text", 2, entries, with_ids=True)
    assert found == problem if problem is None else problem in found


@pytest.mark.parametrize(
    "entries, problem",
    [
        ([embed_entry(), embed_entry()], None),
        ([embed_entry(), embed_entry(256)], "answer 1 has no embedding of 1024 values"),
        ([embed_entry(), {"raw_response": "text"}], "answer 1 has no embedding"),
    ],
)
def test_embedding_answers_must_have_every_dimension(entries, problem):
    found = batch_tool.first_problem("embed", 2, entries, with_ids=False)
    assert found == problem if problem is None else problem in found


def test_main_writes_arguments_and_checks_a_responses_file(tmp_path, capsys):
    args = tmp_path / "args.json"
    assert batch_tool.main(["args", str(args), "text", "2", json.dumps({"name": "job", "wait": False})]) == 0
    written = json.loads(args.read_text())["ANSIBLE_MODULE_ARGS"]
    assert written["name"] == "job" and written["wait"] is False and len(written["bodies"]) == 2
    assert batch_tool.main(["args", str(args), "text", "0", json.dumps({"name": "job"})]) == 0
    assert json.loads(args.read_text()) == {"ANSIBLE_MODULE_ARGS": {"name": "job"}}
    variables = tmp_path / "vars.json"
    assert batch_tool.main(["vars", str(variables), "embed", "3"]) == 0
    assert len(json.loads(variables.read_text())["bench_bodies"]) == 3

    dest = tmp_path / "answers.jsonl"
    dest.write_text("".join(json.dumps(text_entry(index)) + "\n" for index in range(3)))
    capsys.readouterr()
    assert batch_tool.main(["dest", str(dest), "text", "3"]) == 0
    assert json.loads(capsys.readouterr().out) == {"answers": 3, "bytes": dest.stat().st_size}
    assert batch_tool.main(["dest", str(dest), "text", "4"]) == 1
    assert "3 answers, not 4" in capsys.readouterr().err

    result = tmp_path / "result.json"
    result.write_text(json.dumps({"changed": True, "responses": [embed_entry()]}))
    assert batch_tool.main(["result", str(result), "embed", "1"]) == 0
