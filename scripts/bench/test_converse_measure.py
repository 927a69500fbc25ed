# -*- coding: utf-8 -*-

# Copyright: Contributors to the amazon.ai collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Tests of the arithmetic behind family "converse"'s numbers (converse_measure.py)."""

from __future__ import annotations

import os

import converse_measure
import pytest


def test_paired_ratios_divide_within_each_round():
    assert converse_measure.paired_ratios([1.0, 2.2, 0.9], [1.0, 2.0, 1.0]) == pytest.approx([1.0, 1.1, 0.9])


def test_cpu_difference_per_call_is_the_median_of_the_rounds_differences():
    # Rounds: (30 - 28) / 20 = 0.1, (41 - 40) / 20 = 0.05, (25 - 27) / 20 = -0.1: the median is 0.05.
    assert converse_measure.cpu_difference_per_call([30.0, 41.0, 25.0], [28.0, 40.0, 27.0], 20) == pytest.approx(0.05)


def test_both_loops_ask_the_same_question_of_the_same_size():
    # The playbooks append the same three-digit item number to PROMPT; the invoke loop's body has the same limit.
    playbooks = os.path.join(os.path.dirname(converse_measure.__file__), "playbooks")
    with open(os.path.join(playbooks, "converse_loop.yml"), encoding="utf-8") as handle:
        converse = handle.read()
    with open(os.path.join(playbooks, "converse_invoke_loop.yml"), encoding="utf-8") as handle:
        invoke = handle.read()
    question = "\"{{ bench_prompt }} {{ '%03d' | format(item) }}\""
    assert question in converse and question in invoke
    assert "bench_max_tokens" in converse and "bench_max_tokens" in invoke


def test_direct_runs_ask_both_modules_the_same_question():
    converse = converse_measure.converse_args(7)
    invoke = converse_measure.invoke_args(7)
    assert converse["prompt"] == invoke["body"]["messages"][0]["content"] == f"{converse_measure.PROMPT} 007"
    assert converse["max_tokens"] == invoke["body"]["max_tokens"] == converse_measure.MAX_TOKENS
    assert converse["model_id"] == invoke["model_id"] == converse_measure.MODEL


@pytest.mark.parametrize(
    "name, result, text",
    [
        ("converse", {"text": "You asked: hi"}, "You asked: hi"),
        ("converse", {"text": ""}, ""),
        ("invoke", {"raw_response": {"content": [{"type": "text", "text": "You asked: hi"}]}}, "You asked: hi"),
        ("invoke", {"raw_response": {"content": []}}, ""),
        ("invoke", {"failed": True, "msg": "boom"}, ""),
    ],
)
def test_answer_text_finds_each_modules_answer(name, result, text):
    assert converse_measure.answer_text(name, result) == text
