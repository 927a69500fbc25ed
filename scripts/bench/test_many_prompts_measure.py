# -*- coding: utf-8 -*-

# Copyright: Contributors to the amazon.ai collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Tests of the arithmetic behind family "many"'s claims in docs/benchmarks.md (many_prompts_measure.py)."""

from __future__ import annotations

import many_prompts_measure
import pytest


@pytest.mark.parametrize(
    "prompts, concurrency, rounds",
    [(1000, 32, 32), (100, 16, 7), (32, 32, 1), (33, 32, 2), (1, 64, 1), (0, 16, 0)],
)
def test_waves(prompts, concurrency, rounds):
    assert many_prompts_measure.waves(prompts, concurrency) == rounds


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
    assert many_prompts_measure.concurrency_limit(prompts, concurrency, latency, startup) == pytest.approx(limit)


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
    result = many_prompts_measure.effective_concurrency(prompts, latency, wall, startup)
    assert result == (pytest.approx(in_flight) if in_flight else None)


@pytest.mark.parametrize(
    "total, baseline, requests, each",
    [(5.44, 2.42, 1000, 0.00302), (2.58, 0.62, 1000, 0.00196), (1.0, 1.0, 10, 0.0), (0.9, 1.0, 10, -0.01)],
)
def test_per_request(total, baseline, requests, each):
    assert many_prompts_measure.per_request(total, baseline, requests) == pytest.approx(each)


def test_paired_divides_measurements_taken_together():
    assert many_prompts_measure.paired([300.0, 290.0, 310.0], [15.0, 20.0, 10.0]) == [20.0, 14.5, 31.0]


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
    assert many_prompts_measure.cpu_for_speedup(speedup, fastest, prompts, cores) == pytest.approx(cpu)
