# -*- coding: utf-8 -*-

# Copyright: Contributors to the amazon.ai collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import json
import os
import stat

import pytest

from ansible_collections.amazon.ai.plugins.module_utils import responses


def test_write_responses_writes_one_line_per_entry_owner_only(tmp_path):
    path = tmp_path / "answers.jsonl"
    path.write_text("old content that is replaced whole\n")
    entries = [{"model_id": "m", "raw_response": {"text": "é\n"}}, {"failed": True, "msg": "no"}]
    count = responses.write_responses(str(path), (responses.entry_line(entry) for entry in entries))
    assert count == 2
    lines = path.read_text(encoding="utf-8").split("\n")
    assert lines[-1] == "" and [json.loads(line) for line in lines[:-1]] == entries
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert os.listdir(tmp_path) == ["answers.jsonl"]


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path):
    path = tmp_path / "answers.jsonl"
    path.write_text("old\n")

    def lines():
        yield "{}"
        raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        responses.write_responses(str(path), lines())
    assert path.read_text() == "old\n" and os.listdir(tmp_path) == ["answers.jsonl"]


def test_check_responses_dest(tmp_path):
    responses.check_responses_dest(str(tmp_path / "new.jsonl"))
    with pytest.raises(responses.ResponsesDestError, match="does not exist"):
        responses.check_responses_dest(str(tmp_path / "missing" / "a.jsonl"))
    with pytest.raises(responses.ResponsesDestError, match="is a folder"):
        responses.check_responses_dest(str(tmp_path))


def test_entry_line_is_one_line():
    assert responses.entry_line({"a": "x\ny", "b": "é"}) == '{"a":"x\\ny","b":"é"}'
