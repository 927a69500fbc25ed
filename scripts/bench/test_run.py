# -*- coding: utf-8 -*-

# Copyright: Contributors to the amazon.ai collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Tests of the arithmetic behind the claims docs/benchmarks.md makes (scripts/bench/run.py)."""

from __future__ import annotations

import importlib.util
import os
import sys

import pytest

_SPEC = importlib.util.spec_from_file_location("bench_run", os.path.join(os.path.dirname(__file__), "run.py"))
bench_run = importlib.util.module_from_spec(_SPEC)
sys.modules[_SPEC.name] = bench_run  # dataclasses look their module up there
_SPEC.loader.exec_module(bench_run)


@pytest.mark.parametrize(
    "client_attempts, throttles, sleep, calls",
    [
        # The module's client: one botocore attempt per call, so every refusal is one of the module's tries.
        (1, 6, 0.5 + 1 + 2 + 4 + 8 + 8, 7),
        (1, 0, 0.0, 1),
        (1, 1, 0.5, 2),
        # With botocore's standard mode (3 attempts): 1 + 2 s between them, the module's 0.5 s then 1 s between calls.
        (3, 6, 3 + 0.5 + 3 + 1, 3),
        (3, 2, 3.0, 1),
        # legacy mode (5 attempts): 1 + 2 + 4 + 8 s, then the module's 0.5 s, then one more botocore sleep of 1 s.
        (5, 6, 15 + 0.5 + 1, 2),
    ],
)
def test_worst_case_retry_sleep(client_attempts, throttles, sleep, calls):
    facts = {"client_attempts": client_attempts, "module_delay": 0.5, "module_max_delay": 8}
    assert bench_run.worst_case_retry_sleep(facts, throttles) == (sleep, calls)


@pytest.mark.parametrize("sleeps, total", [(0, 0.0), (1, 0.5), (5, 15.5), (11, 63.5)])
def test_module_sleep(sleeps, total):
    assert bench_run.module_sleep({"module_delay": 0.5, "module_max_delay": 8}, sleeps) == total


@pytest.mark.parametrize(
    "fixed, work, cores, target, needed",
    [
        (2.8, 12.9, 2, 6.6, 4),
        (2.0, 16.0, 2, 4.5, 7),
        (2.0, 16.0, 4, 9.0, 3),
        (3.0, 10.0, 2, 3.0, None),  # the fixed part alone takes the whole target
        (3.0, 10.0, 2, 2.5, None),
    ],
)
def test_scaling_fit_recovers_the_line(fixed, work, cores, target, needed):
    fit = bench_run.scaling_fit([fixed + work], fixed + work / cores, cores, target, 2.0)
    assert fit["one_core"] == pytest.approx(fixed + work)
    assert fit["fit_fixed"] == pytest.approx(fixed)
    assert fit["fit_work"] == pytest.approx(work)
    assert fit["fit_cores_for_goal"] == needed
    if needed:
        assert fixed + work / needed <= target < fixed + work / (needed - 1)


def test_scaling_fit_uses_the_median_of_the_one_core_runs():
    fit = bench_run.scaling_fit([20.0, 14.0, 15.0], 9.0, 2, 6.0, 2.0)
    assert fit["one_core"] == 15.0
    assert fit["fit_work"] == pytest.approx(12.0)
    assert fit["fit_fixed"] == pytest.approx(3.0)


@pytest.mark.parametrize("one_core, cores", [([], 2), ([15.0], 1)])
def test_scaling_fit_needs_a_one_core_run_and_more_cores(one_core, cores):
    assert not bench_run.scaling_fit(one_core, 9.0, cores, 6.0, 2.0)


@pytest.mark.parametrize(
    "one_core, all_cores, credible",
    [
        ([17.48], 9.64, True),  # fixed 1.8 s: within noise of the model's 2 s
        ([16.0], 9.0, True),  # fixed 2 s
        ([9.0], 9.5, False),  # more cores did not help: work <= 0
        ([23.67], 11.55, False),  # a busy machine's runs: fixed comes out below zero
        ([16.0], 8.5, False),  # fixed 1 s, half the model's own latency
    ],
)
def test_scaling_fit_predicts_only_from_a_credible_line(one_core, all_cores, credible):
    fit = bench_run.scaling_fit(one_core, all_cores, 2, 6.0, 2.0)
    assert fit["fit_credible"] is credible
    if not credible:
        assert fit["fit_cores_for_goal"] is None
    else:
        assert fit["fit_cores_for_goal"] >= 1


@pytest.mark.parametrize(
    "work, target, latency, cores",
    [
        (16.4, 6.71, 2.0, 16.4 / 4.71),
        (20.0, 7.0, 2.0, 4.0),
        (20.0, 2.0, 2.0, None),  # the model alone takes the whole target
        (20.0, 1.5, 2.0, None),
    ],
)
def test_cores_for_goal(work, target, latency, cores):
    assert bench_run.cores_for_goal(work, target, latency) == (pytest.approx(cores) if cores else None)


@pytest.mark.parametrize(
    "prompts, concurrency, rounds",
    [(1000, 32, 32), (100, 16, 7), (32, 32, 1), (33, 32, 2), (1, 64, 1), (0, 16, 0)],
)
def test_waves(prompts, concurrency, rounds):
    assert bench_run.waves(prompts, concurrency) == rounds


@pytest.mark.parametrize(
    "prompts, concurrency, latency, startup, limit",
    [
        # The limit for 1,000 prompts: 1,000 / 32 x 0.1 s = 3.125 s, plus one task's start-up.
        (1000, 32, 0.1, 1.0, 4.125),
        (1000, 32, 0.1, 0.0, 3.125),
        (100, 16, 2.0, 1.5, 14.0),
        (0, 32, 0.1, 1.2, 1.2),
    ],
)
def test_concurrency_limit(prompts, concurrency, latency, startup, limit):
    assert bench_run.concurrency_limit(prompts, concurrency, latency, startup) == pytest.approx(limit)


@pytest.mark.parametrize(
    "prompts, latency, wall, startup, in_flight",
    [
        (1000, 0.1, 4.125, 1.0, 32.0),  # the limit exactly: max_concurrency in flight all the time
        (100, 2.0, 15.0, 1.0, 100 / 7),  # 7 full rounds of 2 s: the best 16 in flight can do for 100 prompts
        (100, 2.0, 201.0, 1.0, 1.0),  # one at a time, as a loop sends them
        (10, 2.0, 1.0, 1.0, None),  # no time left for sending: nothing to say
        (10, 2.0, 0.5, 1.0, None),
    ],
)
def test_effective_concurrency(prompts, latency, wall, startup, in_flight):
    result = bench_run.effective_concurrency(prompts, latency, wall, startup)
    assert result == (pytest.approx(in_flight) if in_flight else None)


@pytest.mark.parametrize(
    "total, baseline, requests, each",
    [(5.44, 2.42, 1000, 0.00302), (2.58, 0.62, 1000, 0.00196), (1.0, 1.0, 10, 0.0), (0.9, 1.0, 10, -0.01)],
)
def test_per_request(total, baseline, requests, each):
    assert bench_run.per_request(total, baseline, requests) == pytest.approx(each)


def test_paired_divides_measurements_taken_together():
    assert bench_run.paired([300.0, 290.0, 310.0], [15.0, 20.0, 10.0]) == [20.0, 14.5, 31.0]


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
    bench = bench_run.Bench(str(tmp_path), str(tmp_path), "python3")
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
    return bench_run.Results(
        bench=bench,
        rounds=len(values["bulk_task"]),
        machine=MACHINE,
        started="2026-01-01 00:00",
        duration=600.0,
        load_before=(0.0, 0.0, 0.0),
        load_after=(0.0, 0.0, 0.0),
        small_phases={},
        large_phases={},
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
    goals = many_results(tmp_path, **samples).many_goals()
    assert [goal[0][0] for goal in goals] == ["A", "B", "C", "D"]
    assert [goal[2] for goal in goals] == verdicts


def test_many_goals_without_the_comparison_judge_the_quick_prompts_only(tmp_path):
    results = many_results(tmp_path, many_module=[], many_loop=[], many_hosts=[], many_hosts_run_cpu=[])
    assert [goal[0][0] for goal in results.many_goals()] == ["C", "D"]


def test_many_only_report_has_the_many_part_alone(tmp_path):
    report = many_results(tmp_path).markdown()
    assert "## Many prompts in one task: amazon.ai.bedrock_invoke_models" in report
    assert "## One call per task" not in report
    assert report.count("| **PASS** |") == 4
    assert "the section below" not in report


def test_in_flight_counts_the_calls_under_way(monkeypatch):
    spec = importlib.util.spec_from_file_location("bench_phases", os.path.join(os.path.dirname(__file__), "phases.py"))
    phases = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(phases)
    clock = iter([0.0, 0.0, 1.0, 2.0, 5.0, 5.5])
    monkeypatch.setattr(phases.time, "perf_counter", lambda: next(clock))
    in_flight = phases.InFlight()
    # Two calls start at 0 s and end at 1 s and 2 s; a third runs alone from 5 to 5.5 s.
    for change in (1, 1, -1, -1, 1, -1):
        in_flight._change(change)  # pylint: disable=protected-access
    assert in_flight.report() == {"peak": 2, "mean": 3.5 / 2.5, "busy": 2.5, "calls": 3, "call_seconds": 3.5 / 3}


@pytest.mark.parametrize(
    "value, goal, decimals, shown",
    [
        (3.4, 3.0, 1, "3.4"),
        (2.997, 3.0, 1, "2.997"),  # "3.0" would read as met
        (3.04, 3.0, 1, "3.04"),
        (3.0, 3.0, 1, "3.0"),
        (18.24, 15.0, 1, "18.2"),
        (1.999, 2.0, 2, "1.999"),
        (5.0004, 5.0, 2, "5.0004"),
        (1.22, 2.0, 2, "1.22"),
    ],
)
def test_against_goal_never_reads_as_the_goal_it_misses(value, goal, decimals, shown):
    assert bench_run.against_goal(value, goal, decimals) == shown


@pytest.mark.parametrize(
    "speedup, fastest, prompts, cores, cpu",
    [
        # 100 prompts in 7 rounds of 2 s plus 0.8 s of start-up: 3x needs 44.4 s, 0.888 CPU-s a prompt on 2 cores.
        (3.0, 14.8, 100, 2, 0.888),
        (3.0, 14.8, 100, 4, 1.776),
        (1.0, 10.0, 10, 1, 1.0),
    ],
)
def test_cpu_for_speedup(speedup, fastest, prompts, cores, cpu):
    assert bench_run.cpu_for_speedup(speedup, fastest, prompts, cores) == pytest.approx(cpu)
