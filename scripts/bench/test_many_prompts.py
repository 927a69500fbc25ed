# -*- coding: utf-8 -*-

# Copyright: Contributors to the amazon.ai collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Tests of family "many"'s numbers, goals and section of docs/benchmarks.md (many_prompts.py)."""

from __future__ import annotations

import many_prompts
import pytest
import run
from common import Bench
from report import Results

MACHINE = {
    "cores": "2",
    "cpu": "a CPU",
    "memory": "1 GiB",
    "system": "a system",
    "python": "3.11",
    "ansible_core": "2.19",
    "boto3": "1.44",
    "botocore": "1.44",
    "module_tries": 12,
    "module_delay": 0.5,
    "module_max_delay": 8,
    "client_attempts": 1,
    "read_timeout": 3600,
    "commit": "abc1234",
}


def many_results(tmp_path, **samples):
    """Results of a many-prompts-only run (BENCH_ONLY=many) made of the given samples."""
    bench = Bench(str(tmp_path), str(tmp_path), "python3")
    values = {
        "probe_parallel": [1.04],
        "probe_keepalive": [0.001],
        "bulk_task": [5.0],
        "bulk_empty_task": [1.0],
        "bulk_run_cpu": [5.0],
        "bulk_empty_run_cpu": [2.0],
        "bulk_direct_wall": [4.5],
        "bulk_empty_direct_wall": [1.0],
        "bulk_direct_cpu": [2.5],
        "bulk_empty_direct_cpu": [0.5],
        "bulk_direct_rss_mb": [53.0],
        "bulk_empty_direct_rss_mb": [47.0],
        "bulk_rss_mb": [63.0],
        "bulk_empty_rss_mb": [58.0],
        "many_module": [15.0],
        "many_loop": [300.0],
        "many_hosts": [60.0],
        "many_hosts_run_cpu": [110.0],
    }
    values.update(samples)
    bench.samples.values = values
    return Results(
        bench=bench,
        families=run.FAMILIES,
        rounds=len(values["bulk_task"]),
        machine=MACHINE,
        started="2026-01-01 00:00",
        duration=600.0,
        load_before=(0.0, 0.0, 0.0),
        load_after=(0.0, 0.0, 0.0),
        launcher_rss_mb=20.0,
    )


def test_many_results_pair_each_round_with_its_own_start_up(tmp_path):
    results = many_results(
        tmp_path,
        bulk_task=[5.0, 9.0, 4.0],
        bulk_empty_task=[1.0, 2.5, 0.875],
        bulk_run_cpu=[5.0, 6.0, 4.0],
        bulk_empty_run_cpu=[2.0, 2.0, 2.0],
        bulk_direct_cpu=[2.5, 2.6, 2.4],
        bulk_empty_direct_cpu=[0.5, 0.6, 0.4],
    )
    d = results.derived()
    # Limits 4.125, 5.625 and 4.0 s: the round with the slow start-up is judged against its own.
    assert d["bulk_limit_rounds"] == pytest.approx([4.125, 5.625, 4.0])
    assert d["bulk_of_limit_rounds"] == pytest.approx([5.0 / 4.125, 9.0 / 5.625, 1.0])
    assert d["bulk_of_limit"] == pytest.approx(5.0 / 4.125)
    assert d["bulk_cpu_rounds"] == pytest.approx([0.003, 0.004, 0.002])
    assert d["bulk_cpu"] == pytest.approx(0.003)
    assert d["bulk_module_cpu"] == pytest.approx(0.002)
    assert d["bulk_controller_cpu"] == pytest.approx(0.001)
    assert d["bulk_cpu_all_in"] == pytest.approx(0.005)
    assert d["bulk_rss_per_request_kb"] == pytest.approx(6 * 1024 / 1000)


def test_many_results_speed_ups_and_in_flight(tmp_path):
    d = many_results(tmp_path).derived()
    assert d["many_vs_loop"] == pytest.approx(20.0)
    assert d["many_vs_hosts"] == pytest.approx(4.0)
    assert d["many_waves"] == 7
    assert d["many_wave_bound"] == pytest.approx(15.0)
    assert d["many_in_flight"] == pytest.approx(100 * 2 / 14.0)
    assert d["many_in_flight_best"] == pytest.approx(100 / 7)
    assert d["many_hosts_cpu"] == pytest.approx(1.1)
    assert d["many_hosts_floor"] == pytest.approx(55.0)
    assert d["bulk_direct_in_flight"] == pytest.approx(1000 * 0.1 / 3.5)


@pytest.mark.parametrize(
    "samples, verdicts",
    [
        ({}, [True, True, True, True]),
        # Each goal at its edge: 15x and 3x, 2x the limit, pass; 5 ms does not (under 5 ms is the goal).
        (
            {"many_module": [20.0], "many_hosts": [60.0], "bulk_task": [8.25], "bulk_run_cpu": [7.0]},
            [True, True, True, False],
        ),
        (
            {"many_module": [20.1], "many_hosts": [60.0], "bulk_task": [8.26], "bulk_run_cpu": [6.99]},
            [False, False, False, True],
        ),
    ],
)
def test_many_goals_say_pass_or_fail_by_the_numbers(tmp_path, samples, verdicts):
    goals = many_prompts.goals(many_results(tmp_path, **samples))
    assert [goal[0][0] for goal in goals] == ["A", "B", "C", "D"]
    assert [goal[2] for goal in goals] == verdicts


def test_many_goals_without_the_comparison_judge_the_quick_prompts_only(tmp_path):
    results = many_results(tmp_path, many_module=[], many_loop=[], many_hosts=[], many_hosts_run_cpu=[])
    assert [goal[0][0] for goal in many_prompts.goals(results)] == ["C", "D"]


def test_many_only_report_has_the_many_part_alone(tmp_path):
    report = many_results(tmp_path).markdown()
    assert "## Many prompts in one task: amazon.ai.bedrock_invoke_models" in report
    assert "## One call per task" not in report
    assert report.count("| **PASS** |") == 4
    assert "the section below" not in report
