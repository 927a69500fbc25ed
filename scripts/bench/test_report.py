# -*- coding: utf-8 -*-

# Copyright: Contributors to the amazon.ai collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Tests of the report's shared formatting (report.py)."""

from __future__ import annotations

import json

import pytest
import report


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
    assert report.against_goal(value, goal, decimals) == shown


def test_phases_table_gives_a_column_per_run_and_n_a_for_a_phase_not_timed():
    runs = [
        {"phases": {"imports": 0.5, "client creation": None}, "in_process": 0.75, "wall": 1.25, "maxrss_mb": 60.4},
        {"phases": {"imports": 1.5, "client creation": 0.02}, "in_process": 2.0, "wall": 2.5, "maxrss_mb": 301.6},
    ]
    assert report.phases_table(["`a`", "`b`"], runs) == [
        "| Phase | `a` | `b` |",
        "| --- | ---: | ---: |",
        "| imports | 500 ms | 1.50 s |",
        "| client creation | n/a | 20 ms |",
        "| interpreter start and exit (the rest) | 500 ms | 500 ms |",
        "| whole process, wall | 1.25 s | 2.50 s |",
        "| whole process, peak RSS | 60 MB | 302 MB |",
    ]


def test_load_state_reads_a_results_json_from_before_the_families(tmp_path):
    """Before the split, the large reply's size and the profiled runs were at the top level of results.json."""
    state = {
        "rounds": 1,
        "machine": {"cores": "2"},
        "started": "2026-01-01 00:00",
        "duration": 60.0,
        "load_before": [0.0, 0.0, 0.0],
        "load_after": [0.0, 0.0, 0.0],
        "launcher_rss_mb": 20.0,
        "small_phases": {"wall": 1.0},
        "large_phases": {"wall": 3.0},
        "many_phases": {},
        "samples": {"module_call": [1.0]},
        "checks": {"large_direct": [True]},
        "large_values": 1000,
        "large_body_bytes": 20000,
        "derived": {},
    }
    path = tmp_path / "results.json"
    path.write_text(json.dumps(state), encoding="utf-8")
    results = report.load_state(str(path), str(tmp_path), str(tmp_path), [])
    assert results.bench.chosen == {"large_values": 1000, "large_body_bytes": 20000}
    assert results.bench.profiles == {
        "phases_small": {"wall": 1.0},
        "phases_large": {"wall": 3.0},
        "phases_many": {},
    }
    assert results.bench.samples.get("module_call") == [1.0]
    assert results.bench.checks == {"large_direct": [True]}
    assert (results.rounds, results.duration, results.launcher_rss_mb) == (1, 60.0, 20.0)
