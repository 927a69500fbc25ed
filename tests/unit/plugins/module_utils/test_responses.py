# -*- coding: utf-8 -*-

# Copyright: Contributors to the amazon.ai collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import json
import os
import stat

import pytest

from ansible_collections.amazon.ai.plugins.module_utils import responses
from ansible_collections.amazon.ai.plugins.module_utils.common import BedrockParameterError
from ansible_collections.amazon.ai.plugins.module_utils.tasks import Progress


def test_write_responses_writes_one_line_per_entry_owner_only(tmp_path):
    path = tmp_path / "answers.jsonl"
    path.write_text("old content that is replaced whole\n")
    entries = [{"model_id": "m", "raw_response": {"text": "é\n"}}, {"failed": True, "msg": "no"}]
    count = responses.write_responses(str(path), iter(entries))
    assert count == 2
    lines = path.read_text(encoding="utf-8").split("\n")
    assert lines[-1] == "" and [json.loads(line) for line in lines[:-1]] == entries
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert os.listdir(tmp_path) == ["answers.jsonl"]


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path):
    path = tmp_path / "answers.jsonl"
    path.write_text("old\n")

    def entries():
        yield {}
        raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        responses.write_responses(str(path), entries())
    assert path.read_text() == "old\n" and os.listdir(tmp_path) == ["answers.jsonl"]


def test_check_responses_dest(tmp_path):
    responses.check_responses_dest(str(tmp_path / "new.jsonl"))
    with pytest.raises(BedrockParameterError, match="does not exist"):
        responses.check_responses_dest(str(tmp_path / "missing" / "a.jsonl"))
    with pytest.raises(BedrockParameterError, match="is a folder"):
        responses.check_responses_dest(str(tmp_path))


def test_entry_line_is_one_line():
    assert responses.entry_line({"a": "x\ny", "b": "é"}) == '{"a":"x\\ny","b":"é"}'


def test_entry_line_writes_raw_json_as_it_is_and_everything_else_compact():
    entry = {"record_id": "r", "raw_response": responses.RawJSON('{"a" : [1.50]}'), "raw_response_format": "json"}
    assert responses.entry_line(entry) == '{"record_id":"r","raw_response":{"a" : [1.50]},"raw_response_format":"json"}'
    assert json.loads(responses.entry_line(entry))["raw_response"] == {"a": [1.5]}


def test_write_responses_dest_says_where_the_answers_are(tmp_path):
    path, result, progress = str(tmp_path / "answers.jsonl"), {"changed": True}, Progress()
    responses.write_responses_dest(path, [{"model_id": "m"}], result, progress)
    assert result == {"changed": True, "responses_dest": path}
    assert progress.action == f"write the answers to responses_dest {path!r}" and progress.result is result
    with pytest.raises(OSError):
        responses.write_responses_dest(str(tmp_path / "gone" / "a.jsonl"), [{}], {}, progress)
