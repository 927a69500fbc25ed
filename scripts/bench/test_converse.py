# -*- coding: utf-8 -*-

# Copyright: Contributors to the amazon.ai collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Tests of family "converse": what it asks, its numbers, goal and section of docs/benchmarks.md (converse.py)."""

from __future__ import annotations

import os

import converse
import pytest
import report

SAMPLES = {
    "converse_call": [0.52, 0.60, 0.50],
    "converse_invoke_call": [0.50, 0.50, 0.50],
    "converse_run_cpu": [12.0, 12.4, 12.2],
    "converse_invoke_run_cpu": [11.6, 11.6, 11.8],
}


@pytest.fixture
def runs(results_of):
    """runs(**samples): the Results of a converse-only run (BENCH_ONLY=converse), SAMPLES changed by samples."""
    return lambda **samples: results_of(dict(SAMPLES, **samples), rounds=3)


def test_converse_ratio_is_the_median_of_the_rounds_ratios(runs):
    d = converse.derived(runs())
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
def test_converse_goal_says_pass_or_fail_by_the_numbers(runs, converse_calls, ok):
    results = runs(converse_call=converse_calls)
    (row,) = report.table_rows(str(results.sections()[0]), "Goals")
    assert row[2] == ("**PASS**" if ok else "**FAIL**")


def test_converse_only_report_has_its_section_alone(runs):
    results = runs()
    assert [family.NAME for family in results.ran()] == ["converse"]
    text = results.markdown()
    assert "## One interface for every chat model: amazon.ai.bedrock_converse" in text
    assert "## Many prompts in one task" not in text
    assert "| amazon.ai.bedrock_converse, per call (20-item loop) | 520 ms | 500 ms – 600 ms | 3 |" in text
    assert "= **1.04** (rounds: 1.040, 1.200, 1.000;" in text
    assert "Run directly" not in text


def test_converse_has_not_run_without_both_loops(runs):
    assert not converse.ran(runs(converse_invoke_call=[]))


def test_converse_direct_runs_are_reported_as_ratios(runs):
    results = runs(
        converse_direct_wall=[0.33, 0.31, 0.40],
        converse_invoke_direct_wall=[0.30, 0.30, 0.30],
        converse_direct_cpu=[0.31, 0.30, 0.36],
        converse_invoke_direct_cpu=[0.30, 0.30, 0.30],
    )
    d = converse.derived(results)
    assert d["converse_direct_wall_ratio"] == pytest.approx(1.1)
    assert d["converse_direct_cpu_ratio"] == pytest.approx(0.31 / 0.30)
    text = results.markdown()
    assert "converse / invoke_model = 1.100 in wall time, 1.033 in CPU time (310 ms against 300 ms a run)" in text
    assert "| bedrock_converse, module process run directly: CPU | 310 ms | 300 ms – 360 ms | 3 |" in text


def test_both_loops_ask_the_same_question_of_the_same_size():
    # The playbooks append the same three-digit item number to PROMPT; the invoke loop's body has the same limit.
    playbooks = os.path.join(os.path.dirname(converse.__file__), "playbooks")
    with open(os.path.join(playbooks, "converse_loop.yml"), encoding="utf-8") as handle:
        through_converse = handle.read()
    with open(os.path.join(playbooks, "converse_invoke_loop.yml"), encoding="utf-8") as handle:
        through_invoke = handle.read()
    question = "\"{{ bench_prompt }} {{ '%03d' | format(item) }}\""
    assert question in through_converse and question in through_invoke
    assert "bench_max_tokens" in through_converse and "bench_max_tokens" in through_invoke


def test_direct_runs_ask_both_modules_the_same_question():
    through_converse, through_invoke = converse.converse_args(7), converse.invoke_args(7)
    assert through_converse["prompt"] == through_invoke["body"]["messages"][0]["content"] == f"{converse.PROMPT} 007"
    assert through_converse["max_tokens"] == through_invoke["body"]["max_tokens"] == converse.MAX_TOKENS
    assert through_converse["model_id"] == through_invoke["model_id"] == converse.MODEL


@pytest.mark.parametrize(
    "name, result, text",
    [
        ("converse", {"text": "You asked: hi"}, "You asked: hi"),
        ("converse", {"text": ""}, ""),
        ("invoke", {"raw_response": {"content": [{"type": "text", "text": "You asked: hi"}]}}, "You asked: hi"),
        ("invoke", {"raw_response": {"content": []}}, ""),
        ("invoke", {"failed": True, "msg": "boom"}, ""),
    ],
)
def test_answer_text_finds_each_modules_answer(name, result, text):
    assert converse.answer_text(name, result) == text
