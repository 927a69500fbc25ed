# -*- coding: utf-8 -*-

# Copyright: Contributors to the amazon.ai collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Tests of family "converse"'s numbers, goal and section of docs/benchmarks.md (converse.py)."""

from __future__ import annotations

import converse
import pytest
import run
from common import Bench
from report import Results
from test_many_prompts import MACHINE


def converse_results(tmp_path, **samples):
    """Results of a converse-only run (BENCH_ONLY=converse) made of the given samples."""
    bench = Bench(str(tmp_path), str(tmp_path), "python3")
    values = {
        "converse_call": [0.52, 0.60, 0.50],
        "converse_invoke_call": [0.50, 0.50, 0.50],
        "converse_run_cpu": [12.0, 12.4, 12.2],
        "converse_invoke_run_cpu": [11.6, 11.6, 11.8],
    }
    values.update(samples)
    bench.samples.values = values
    return Results(
        bench=bench,
        families=run.FAMILIES,
        rounds=len(values["converse_call"]),
        machine=MACHINE,
        started="2026-01-01 00:00",
        duration=60.0,
        load_before=(0.0, 0.0, 0.0),
        load_after=(0.0, 0.0, 0.0),
        launcher_rss_mb=20.0,
    )


def test_converse_ratio_is_the_median_of_the_rounds_ratios(tmp_path):
    d = converse.derived(converse_results(tmp_path))
    assert d["converse_ratio_rounds"] == pytest.approx([1.04, 1.2, 1.0])
    assert d["converse_ratio"] == pytest.approx(1.04)
    assert d["converse_ratio_of_medians"] == pytest.approx(0.52 / 0.50)
    assert d["converse_extra"] == pytest.approx(0.02)
    # CPU apart per call: 0.4 / 20, 0.8 / 20, 0.4 / 20: the median is 0.02 s.
    assert d["converse_cpu_extra"] == pytest.approx(0.02)


@pytest.mark.parametrize(
    "converse_calls, ok",
    [
        ([0.525, 0.525, 0.525], True),  # 1.05 exactly: within the goal
        ([0.526, 0.526, 0.526], False),
        ([0.40, 0.90, 0.52], True),  # one slow round does not decide it
    ],
)
def test_converse_goal_says_pass_or_fail_by_the_numbers(tmp_path, converse_calls, ok):
    results = converse_results(tmp_path, converse_call=converse_calls)
    assert converse.summary(results)[0].endswith("PASS" if ok else "FAIL")
    section = "\n".join(converse.report(results))
    assert ("| **PASS** |" in section) == ok
    assert ("| **FAIL** |" in section) == (not ok)


def test_converse_only_report_has_its_section_alone(tmp_path):
    results = converse_results(tmp_path)
    assert [family.NAME for family in results.ran()] == ["converse"]
    report = results.markdown()
    assert "## One interface for every chat model: amazon.ai.bedrock_converse" in report
    assert "## Many prompts in one task" not in report
    assert "| amazon.ai.bedrock_converse, per call (20-item loop) | 520 ms | 500 ms – 600 ms | 3 |" in report
    assert "= **1.04** (rounds: 1.040, 1.200, 1.000;" in report


def test_converse_has_not_run_without_both_loops(tmp_path):
    assert not converse.ran(converse_results(tmp_path, converse_invoke_call=[]))


def test_converse_direct_runs_are_reported_as_ratios(tmp_path):
    results = converse_results(
        tmp_path,
        converse_direct_wall=[0.33, 0.31, 0.40],
        converse_invoke_direct_wall=[0.30, 0.30, 0.30],
        converse_direct_cpu=[0.31, 0.30, 0.36],
        converse_invoke_direct_cpu=[0.30, 0.30, 0.30],
    )
    d = converse.derived(results)
    assert d["converse_direct_wall_ratio"] == pytest.approx(1.1)
    assert d["converse_direct_cpu_ratio"] == pytest.approx(0.31 / 0.30)
    section = "\n".join(converse.report(results))
    assert "converse / invoke_model = 1.100 in wall time, 1.033 in CPU time (310 ms against 300 ms a run)" in section
    assert "| bedrock_converse, module process run directly: CPU | 310 ms | 300 ms – 360 ms | 3 |" in section
