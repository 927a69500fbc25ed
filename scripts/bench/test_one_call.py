# -*- coding: utf-8 -*-

# Copyright: Contributors to the amazon.ai collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Tests of the arithmetic behind family "one"'s claims in docs/benchmarks.md (one_call_measure.py)."""

from __future__ import annotations

import one_call_measure
import pytest


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
    assert one_call_measure.worst_case_retry_sleep(facts, throttles) == (sleep, calls)


@pytest.mark.parametrize("sleeps, total", [(0, 0.0), (1, 0.5), (5, 15.5), (11, 63.5)])
def test_module_sleep(sleeps, total):
    assert one_call_measure.module_sleep({"module_delay": 0.5, "module_max_delay": 8}, sleeps) == total


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
    fit = one_call_measure.scaling_fit([fixed + work], fixed + work / cores, cores, target, 2.0)
    assert fit["one_core"] == pytest.approx(fixed + work)
    assert fit["fit_fixed"] == pytest.approx(fixed)
    assert fit["fit_work"] == pytest.approx(work)
    assert fit["fit_cores_for_goal"] == needed
    if needed:
        assert fixed + work / needed <= target < fixed + work / (needed - 1)


def test_scaling_fit_uses_the_median_of_the_one_core_runs():
    fit = one_call_measure.scaling_fit([20.0, 14.0, 15.0], 9.0, 2, 6.0, 2.0)
    assert fit["one_core"] == 15.0
    assert fit["fit_work"] == pytest.approx(12.0)
    assert fit["fit_fixed"] == pytest.approx(3.0)


@pytest.mark.parametrize("one_core, cores", [([], 2), ([15.0], 1)])
def test_scaling_fit_needs_a_one_core_run_and_more_cores(one_core, cores):
    assert not one_call_measure.scaling_fit(one_core, 9.0, cores, 6.0, 2.0)


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
    fit = one_call_measure.scaling_fit(one_core, all_cores, 2, 6.0, 2.0)
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
    assert one_call_measure.cores_for_goal(work, target, latency) == (pytest.approx(cores) if cores else None)
