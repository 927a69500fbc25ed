# -*- coding: utf-8 -*-

# Copyright: Contributors to the amazon.ai collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Tests of the arithmetic behind family "batch"'s numbers (batch_measure.py)."""

from __future__ import annotations

import batch_measure
import batch_tool
import pytest


@pytest.mark.parametrize(
    "uri, location",
    [
        ("s3://out/bench-1000-abc/", "s3://out/bench-1000-abc/abcdefgh1234/"),
        ("s3://out/prefix", "s3://out/prefix/abcdefgh1234/"),
        ("s3://out/", "s3://out/abcdefgh1234/"),
    ],
)
def test_output_location_is_the_output_uri_then_the_job_id(uri, location):
    job = {
        "jobArn": "arn:aws:bedrock:us-east-1:123456789012:model-invocation-job/abcdefgh1234",
        "outputDataConfig": {"s3OutputDataConfig": {"s3Uri": uri}},
    }
    assert batch_measure.output_location(job) == location


def test_per_record_takes_each_round_baseline_off_its_own_run():
    # Rounds: (2.5 - 0.5) / 1000, (3.0 - 0.6) / 1000.
    assert batch_measure.per_record([2.5, 3.0], [0.5, 0.6], 1000) == pytest.approx([0.002, 0.0024])


def test_growth_is_the_peak_over_the_baseline():
    assert batch_measure.growth([80.0, 90.0], [60.0, 61.0]) == pytest.approx([20.0, 29.0])


def test_paired_ratios_and_medians():
    assert batch_measure.paired_ratios([3.0, 4.0], [2.0, 2.0]) == pytest.approx([1.5, 2.0])
    assert batch_measure.median_or_none([]) is None
    assert batch_measure.median_or_none([3.0, 1.0, 2.0]) == 2.0


def test_sample_names_say_the_size():
    assert batch_measure.key(50000, "stage_cpu") == "batch_50000_stage_cpu"
    assert batch_measure.embed_key("dest_wall") == "embed_dest_wall"


def test_the_50000_record_job_is_measured():
    assert 50_000 in batch_measure.SIZES and set(batch_measure.ONCE_SIZES) <= set(batch_measure.SIZES)


def test_job_seconds_from_submit_to_end():
    job = {"submitTime": "2026-01-31T09:00:58.250Z", "endTime": "2026-01-31T09:01:10.000Z"}
    assert batch_measure.job_seconds(job) == pytest.approx(11.75)


def test_each_job_has_its_own_name_input_and_output():
    first, second = batch_measure._job_options(1000), batch_measure._job_options(1000)
    assert tuple(first) == batch_tool.JOB_OPTIONS
    assert first["name"] != second["name"] and first["name"].startswith("bench-1000-")
    assert first["input_s3_uri"] == f"s3://amazon-ai-bench-input/{first['name']}.jsonl"
    assert first["output_s3_uri"] == f"s3://amazon-ai-bench-output/{first['name']}/"
