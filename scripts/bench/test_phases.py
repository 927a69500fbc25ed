# -*- coding: utf-8 -*-

# Copyright: Contributors to the amazon.ai collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Tests of the instrumented module run (phases.py)."""

from __future__ import annotations

import importlib

import phases


def test_in_flight_counts_the_calls_under_way(monkeypatch):
    clock = iter([0.0, 0.0, 1.0, 2.0, 5.0, 5.5])
    monkeypatch.setattr(phases.time, "perf_counter", lambda: next(clock))
    in_flight = phases.InFlight()
    # Two calls start at 0 s and end at 1 s and 2 s; a third runs alone from 5 to 5.5 s.
    for change in (1, 1, -1, -1, 1, -1):
        in_flight.change(change)
    assert in_flight.report() == {"peak": 2, "mean": 3.5 / 2.5, "busy": 2.5, "calls": 3, "call_seconds": 3.5 / 3}


def test_every_function_phases_py_times_is_in_the_collection():
    """The names of TIMED are the collection's: a rename in plugins/module_utils must be followed there."""
    for module, functions in phases.TIMED.items():
        importlib.import_module(phases.MODULES + module)
        for utils, function, phase in functions:
            owner = importlib.import_module(phases.MODULE_UTILS + utils)
            for name in function.split("."):
                owner = getattr(owner, name, None)
            assert callable(owner), (utils, function, phase)
