# -*- coding: utf-8 -*-

# Copyright: Contributors to the amazon.ai collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Tests of the benchmark's plumbing (common.py)."""

from __future__ import annotations

import sys

import pytest
from common import Bench
from common import BenchError


def test_run_gives_each_run_a_stdout_file_of_its_own(tmp_path):
    # Measurements read their process's output after each round's run: the second round's must be alone.
    bench = Bench(str(tmp_path), str(tmp_path), sys.executable)
    output = str(tmp_path / "out.json")
    for number in (1, 2):
        run = bench.run(
            [sys.executable, "-c", f"print({number}); import sys; print('note', file=sys.stderr)"], "p", stdout=output
        )
        assert run.code == 0 and run.wall > 0
        assert (tmp_path / "out.json").read_text() == f"{number}\n"
        assert (tmp_path / "p.log").read_text() == "note\n"


def test_run_without_stdout_keeps_both_streams_in_the_log_and_fails_loudly(tmp_path):
    bench = Bench(str(tmp_path), str(tmp_path), sys.executable)
    with pytest.raises(BenchError, match="exited with 3"):
        bench.run([sys.executable, "-c", "print('out'); import sys; sys.exit(3)"], "q")
    assert "out" in (tmp_path / "q.log").read_text()
