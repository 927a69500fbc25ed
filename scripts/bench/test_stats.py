# -*- coding: utf-8 -*-

# Copyright: Contributors to the amazon.ai collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Tests of the benchmark's statistics and the way it writes numbers (stats.py)."""

from __future__ import annotations

import pytest
import stats


def test_paired_ratios_divide_within_each_round():
    assert stats.paired_ratios([1.0, 2.2, 0.9], [1.0, 2.0, 1.0]) == pytest.approx([1.0, 1.1, 0.9])
    assert stats.paired_ratios([300.0, 290.0, 310.0], [15.0, 20.0, 10.0]) == [20.0, 14.5, 31.0]


@pytest.mark.parametrize(
    "totals, baselines, units, each",
    [
        ([2.5, 3.0], [0.5, 0.6], 1000, [0.002, 0.0024]),  # each round's baseline off its own run
        ([80.0, 90.0], [60.0, 61.0], 1, [20.0, 29.0]),  # peak memory over the baseline
        ([5.44], [2.42], 1000, [0.00302]),
        ([0.9], [1.0], 10, [-0.01]),  # a run cheaper than its baseline says so
        ([1.0, 2.0, 3.0], [1.0], 1, [0.0]),  # rounds without a baseline are not counted
    ],
)
def test_per_unit(totals, baselines, units, each):
    assert stats.per_unit(totals, baselines, units) == pytest.approx(each)


@pytest.mark.parametrize(
    "value, shown",
    [(0.0004, "0 ms"), (0.443, "443 ms"), (0.9949, "995 ms"), (0.9951, "1.00 s"), (48.952, "48.95 s")],
)
def test_seconds(value, shown):
    assert stats.seconds(value) == shown


@pytest.mark.parametrize(
    "value, shown",
    [
        (0.31, "0.3 MB"),  # a job's output: the decimal says something
        (6.0, "6.0 MB"),
        (9.94, "9.9 MB"),
        (9.96, "10 MB"),  # not "10.0 MB": one decimal only for what shows under 10
        (15.2, "15 MB"),
        (125.44, "125 MB"),  # peak RSS
    ],
)
def test_megabytes_has_one_decimal_under_ten(value, shown):
    assert stats.megabytes(value) == shown


@pytest.mark.parametrize("value, shown", [(0.0001, "100 µs"), (7.781e-3, "7781 µs"), (9.5e-6, "9.5 µs")])
def test_microseconds(value, shown):
    assert stats.microseconds(value) == shown


def test_spread_of_one_value_is_a_dash():
    assert stats.spread([1.0]) == "–"
    assert stats.spread([0.4, 1.2, 0.8]) == "400 ms – 1.20 s"
    assert stats.spread([64.4, 65.3], stats.megabytes) == "64 MB – 65 MB"


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
    assert stats.against_goal(value, goal, decimals) == shown


def test_listed_and_verdict():
    assert stats.listed([1.038, 0.958], "{:.3f}") == "1.038, 0.958"
    assert (stats.verdict(True), stats.verdict(False)) == ("**PASS**", "**FAIL**")
