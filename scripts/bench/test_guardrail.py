# -*- coding: utf-8 -*-

# Copyright: Contributors to the amazon.ai collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Tests of family "guardrail": its cases, arithmetic, goal and section of docs/benchmarks.md (guardrail.py)."""

from __future__ import annotations

import guardrail
import pytest
import report

SAMPLES = {
    "guardrail_task": [4.5, 5.0, 4.0],
    "guardrail_one_task": [1.1, 1.6, 0.975],
    "guardrail_run_cpu": [6.0, 7.0, 5.0],
    "guardrail_one_run_cpu": [2.004, 2.004, 2.004],
    "guardrail_rss_mb": [70.0, 71.0, 70.5],
    "guardrail_one_rss_mb": [60.0, 60.0, 60.0],
}


@pytest.fixture
def runs(results_of):
    """runs(**samples): the Results of a guardrail-only run (BENCH_ONLY=guardrail), SAMPLES changed by samples."""
    return lambda **samples: results_of(dict(SAMPLES, **samples), rounds=3)


def test_cases_have_distinct_names_and_half_expect_a_mask():
    cases = guardrail.cases(1000)
    assert len({case["name"] for case in cases}) == 1000
    masked = [case for case in cases if case["expect"] == "intervened"]
    assert len(masked) == 500
    assert all(case["expect_output"] == "{EMAIL}" and "@example.com" in case["text"] for case in masked)
    assert all("@" not in case["text"] and "expect_output" not in case for case in cases if case["expect"] == "none")
    assert guardrail.cases(1) == [guardrail.case(0)]


def test_least_time_shares_the_latency_and_adds_the_start_up():
    # 1,000 / 32 × 0.1 s = 3.125 s, and the one-case task less its call's 0.1 s.
    assert guardrail.least_time(1000, 32, 0.1, 1.1) == pytest.approx(4.125)
    assert guardrail.least_time(64, 32, 0.5, 0.5) == pytest.approx(1.0)


def test_each_round_is_judged_against_its_own_start_up(runs):
    d = guardrail.derived(runs())
    assert d["guardrail_limit_rounds"] == pytest.approx([4.125, 4.625, 4.0])
    assert d["guardrail_of_limit_rounds"] == pytest.approx([4.5 / 4.125, 5.0 / 4.625, 1.0])
    assert d["guardrail_of_limit"] == pytest.approx(5.0 / 4.625)
    assert d["guardrail_startup"] == pytest.approx(1.0)
    # CPU apart over the 999 cases more: 3.996, 4.996 and 2.996 s.
    assert d["guardrail_cpu"] == pytest.approx(0.004)
    assert d["guardrail_of_limit_ok"] is True


@pytest.mark.parametrize(
    "task, verdict",
    [
        ([6.1875, 6.1875, 6.1875], "**PASS**"),  # 1.5 × 4.125 s exactly, in the round whose limit is the median
        ([6.19, 7.0, 6.19], "**FAIL**"),
    ],
)
def test_goal_says_pass_or_fail_by_the_numbers(runs, task, verdict):
    results = runs(guardrail_task=task, guardrail_one_task=[1.1, 1.1, 1.1])
    (row,) = report.table_rows(str(results.sections()[0]), "Goals")
    assert row[2] == verdict
    assert "1,000 / 32 × 0.1 s + the task's start-up" in row[0]


def test_guardrail_only_report_has_its_section_alone(runs):
    results = runs()
    assert [family.NAME for family in results.ran()] == ["guardrail"]
    text = results.markdown()
    assert "## A guardrail's test cases in one task: amazon.ai.bedrock_apply_guardrail" in text
    assert "## Many prompts in one task" not in text
    assert "| 1,000 cases, one task of bedrock_apply_guardrail, max_concurrency 32 | 4.50 s |" in text
    assert "over the 999 cases more: 4.00 ms" in text


def test_not_ran_without_both_tasks(runs):
    assert not guardrail.ran(runs(guardrail_one_task=[]))
