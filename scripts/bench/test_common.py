# -*- coding: utf-8 -*-

# Copyright: Contributors to the amazon.ai collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Tests of the benchmark's plumbing (common.py)."""

from __future__ import annotations

import json
import sys

import pytest
from common import Bench
from common import BenchError
from common import child_json
from common import rotated


def test_run_gives_each_run_a_stdout_file_of_its_own(tmp_path):
    # Measurements read their process's output after each round's run: the second round's must be alone.
    bench = Bench(str(tmp_path), str(tmp_path), sys.executable)
    output = str(tmp_path / "out.json")
    for number in (1, 2):
        run = bench.run(
            [sys.executable, "-c", f"print({number}); import sys; print('note', file=sys.stderr)"], "p", stdout=output
        )
        assert run.wall > 0 and run.cpu >= 0 and run.maxrss_kb > 0
        assert (tmp_path / "out.json").read_text() == f"{number}\n"
        assert (tmp_path / "p.log").read_text() == "note\n"


def test_run_without_stdout_keeps_both_streams_in_the_log_and_fails_loudly(tmp_path):
    bench = Bench(str(tmp_path), str(tmp_path), sys.executable)
    with pytest.raises(BenchError, match="exited with 3"):
        bench.run([sys.executable, "-c", "print('out'); import sys; sys.exit(3)"], "q")
    assert "out" in (tmp_path / "q.log").read_text()


def test_module_runs_a_module_directly_with_its_arguments_and_keeps_its_result(tmp_path):
    # A stand-in collection whose one "module" prints its arguments file back.
    package = tmp_path / "ansible_collections" / "amazon" / "ai" / "plugins" / "modules"
    package.mkdir(parents=True)
    (package / "echo.py").write_text("import sys\nprint(open(sys.argv[1]).read())\n", encoding="utf-8")
    bench = Bench(str(tmp_path), str(tmp_path), sys.executable)
    bench.module("echo_run", "echo", {"model_id": "m"})
    assert json.loads((tmp_path / "echo_run.out").read_text()) == {"ANSIBLE_MODULE_ARGS": {"model_id": "m"}}
    path = bench.module_args("other", {"x": 1})
    bench.module("echo_file", "echo", path)
    assert json.loads((tmp_path / "echo_file.out").read_text()) == {"ANSIBLE_MODULE_ARGS": {"x": 1}}


def test_child_json_reads_what_a_child_process_prints(tmp_path):
    bench = Bench(str(tmp_path), str(tmp_path), sys.executable)
    assert child_json(bench.python, "import json, sys; print(json.dumps(sys.argv[1:]))", "a", "b") == ["a", "b"]


def test_rotated_takes_turns():
    assert [rotated([1, 2, 3], shift) for shift in range(4)] == [[1, 2, 3], [2, 3, 1], [3, 1, 2], [1, 2, 3]]
