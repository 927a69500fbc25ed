# -*- coding: utf-8 -*-

# Copyright: Contributors to the amazon.ai collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Tests of the driver's choice of scenario families (run.py; BENCH_ONLY in scripts/bench.sh)."""

from __future__ import annotations

import os

import batch
import converse
import guardrail
import many_prompts
import one_call
import pytest
import run


def test_every_family_has_a_distinct_name_the_interface_and_its_template():
    names = [family.NAME for family in run.FAMILIES]
    assert len(set(names)) == len(names)
    for family in run.FAMILIES:
        for function in ("plan", "ran", "derived"):
            assert callable(getattr(family, function)), (family.NAME, function)
        assert os.path.isfile(family.__file__[: -len(".py")] + ".md.j2"), family.NAME


@pytest.mark.parametrize(
    "only, chosen",
    [
        ("", [many_prompts, one_call, converse, batch, guardrail]),
        ("many", [many_prompts]),  # BENCH_ONLY=many, as before the families
        ("one", [one_call]),
        ("one,many", [many_prompts, one_call]),  # in the report's order, whatever the order asked
        (" many , ", [many_prompts]),
        ("batch,converse", [converse, batch]),
        ("guardrail", [guardrail]),
    ],
)
def test_select_picks_the_families_named(only, chosen):
    assert run.select(only) == chosen


def test_select_refuses_a_family_that_does_not_exist():
    with pytest.raises(
        ValueError, match="no such family: batches \\(choose from many, one, converse, batch, guardrail\\)"
    ):
        run.select("many,batches")
