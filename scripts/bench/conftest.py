# -*- coding: utf-8 -*-

# Copyright: Contributors to the amazon.ai collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The benchmark's tests import its modules by name, as run.py does (scripts/bench is a directory, not a package),
and build the results of a run from samples, as --report-only does from a run's results.json."""

import os
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
if HERE not in sys.path:
    sys.path.insert(0, HERE)

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


@pytest.fixture
def results_of(tmp_path):
    """results_of(samples, **state): the Results of a run of every family, made of these samples."""
    import run  # pylint: disable=import-outside-toplevel
    from common import Bench  # pylint: disable=import-outside-toplevel
    from report import Results  # pylint: disable=import-outside-toplevel

    def make(samples, checks=None, chosen=None, profiles=None, **state):
        bench = Bench(str(tmp_path), str(tmp_path), sys.executable)
        bench.samples.values = samples
        bench.checks, bench.chosen, bench.profiles = checks or {}, chosen or {}, profiles or {}
        facts = dict(rounds=1, machine=MACHINE, started="2026-01-01 00:00", duration=600.0, launcher_rss_mb=20.0)
        facts.update(load_before=(0.0, 0.0, 0.0), load_after=(0.0, 0.0, 0.0))
        return Results(bench, run.FAMILIES, dict(facts, **state))

    return make
