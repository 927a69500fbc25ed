# -*- coding: utf-8 -*-

# Copyright: Contributors to the amazon.ai collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Tests of family "batch": its arithmetic, numbers, goals and section of docs/benchmarks.md (batch.py)."""

from __future__ import annotations

import batch
import batch_tool
import pytest
import report
from batch import embed_key
from batch import key


def size_samples(count, **changes):
    """One round of a job of count records: 20 µs of CPU a record to stage, 50 µs to collect either way."""
    values = {
        "stage_cpu": 1.0 + count * 20e-6,
        "returned_cpu": 1.0 + count * 90e-6,
        "dest_cpu": 1.0 + count * 50e-6,
        "base_cpu": 1.0,
        "stage_rss_mb": 60.0 + count * 0.0004,
        "returned_rss_mb": 60.0 + count * 0.004,
        "dest_rss_mb": 60.0 + count * 0.0002,
        "base_rss_mb": 60.0,
        "stage_wall": 2.0,
        "returned_wall": 3.0,
        "dest_wall": 2.0,
        "bare_wall": 1.25,
        "base_wall": 1.0,
        "output_mb": count * 0.0004,
        "task_returned": count * 0.001,
        "task_dest": count * 0.0005,
    }
    values.update(changes)
    return {key(count, name): value if isinstance(value, list) else [value] for name, value in values.items()}


def embed_samples(**changes):
    values = {
        "base_cpu": 1.0,
        "returned_cpu": 1.0 + 999 * 80e-6,
        "dest_cpu": 1.0 + 999 * 40e-6,
        "base_rss_mb": 60.0,
        "returned_rss_mb": 100.0,
        "dest_rss_mb": 64.0,
        "returned_wall": 3.0,
        "dest_wall": 2.0,
        "output_mb": 20.0,
        "task_returned": 9.0,
        "task_dest": 3.0,
    }
    values.update(changes)
    return {embed_key(name): [value] for name, value in values.items()}


@pytest.fixture
def batch_results(results_of):
    return results_of


def goals(results):
    """(goal, measured, met) of each row of the section's Goals table."""
    rows = report.table_rows(str(results.sections()[0]), "Goals")
    return [(goal, measured, verdict == "**PASS**") for goal, measured, verdict in rows]


def test_batch_numbers_per_record_over_the_baseline(batch_results):
    results = batch_results({**size_samples(1000), **size_samples(50000), **embed_samples()})
    d = batch.derived(results)
    assert d["batch_sizes"] == [1000, 50000]
    for count in (1000, 50000):
        assert d[key(count, "stage_cpu_per_record")] == pytest.approx(20e-6)
        assert d[key(count, "returned_cpu_per_record")] == pytest.approx(90e-6)
        assert d[key(count, "dest_cpu_per_record")] == pytest.approx(50e-6)
        # Memory over the baseline against the output: 1x staging, 10x returned, 0.5x to a file.
        assert d[key(count, "stage_memory_factor")] == pytest.approx(1.0)
        assert d[key(count, "returned_memory_factor")] == pytest.approx(10.0)
        assert d[key(count, "dest_memory_factor")] == pytest.approx(0.5)
        assert d[key(count, "collect_ratio")] == pytest.approx(1.6)
        assert d[key(count, "returned_ratio")] == pytest.approx(2.4)
        assert d[key(count, "task_returned_per_record")] == pytest.approx(0.001)
    # The embeddings' baseline sends one request: the 999 others are what is counted.
    assert d[embed_key("returned_cpu_per_record")] == pytest.approx(80e-6)
    assert d[embed_key("dest_memory_factor")] == pytest.approx(0.2)


def test_batch_goals_are_those_of_the_issue(batch_results):
    samples = {**size_samples(1000), **size_samples(50000), **embed_samples()}
    rows = goals(batch_results(samples))
    verdicts = {goal[0]: goal[2] for goal in rows}
    # The embeddings have their own table and no verdict: each reply is a request of its own.
    assert verdicts == {
        "Module's own CPU per record, staging, under 100 µs": True,
        "Module's own CPU per record, collecting, returned, under 100 µs": True,
        "Module's own CPU per record, collecting, responses_dest, under 100 µs": True,
        "Module's peak memory, staging, under 4× the output's size": True,
        "Module's peak memory, collecting, returned, under 4× the output's size": False,
        "Module's peak memory, collecting, responses_dest, under 4× the output's size": True,
        "Collecting 50,000 records with responses_dest within 2× the bare boto3 script": True,
    }
    assert rows[0][1] == "50,000 records: **20 µs** (1,000: 20 µs)"
    assert rows[4][1] == "50,000 records: **+200 MB = 10.00×** (1,000: +4.0 MB = 10.00×)"


@pytest.mark.parametrize(
    "small, large, goal, ok",
    [
        # 100 µs a record is not under 100 µs.
        ({}, {"dest_cpu": 1.0 + 50000 * 100e-6}, "Module's own CPU per record, collecting, responses_dest", False),
        ({}, {"dest_cpu": 1.0 + 50000 * 99e-6}, "Module's own CPU per record, collecting, responses_dest", True),
        # Judged at the largest job: the small one's noise does not decide it.
        ({"dest_cpu": 1.0 + 1000 * 300e-6}, {}, "Module's own CPU per record, collecting, responses_dest", True),
        ({"stage_rss_mb": 60.0 + 8.0}, {}, "Module's peak memory, staging", True),
        ({}, {"stage_rss_mb": 60.0 + 80.0}, "Module's peak memory, staging", False),  # 80 MB over, 20 MB of output
        ({}, {"dest_wall": 2.5, "bare_wall": 1.25}, "Collecting 50,000 records", True),  # 2x exactly
        ({}, {"dest_wall": 2.51, "bare_wall": 1.25}, "Collecting 50,000 records", False),
    ],
)
def test_batch_goals_at_their_edges(batch_results, small, large, goal, ok):
    samples = {**size_samples(1000, **small), **size_samples(50000, **large)}
    rows = goals(batch_results(samples))
    assert [verdict for name, dummy, verdict in rows if name.startswith(goal)] == [ok]


def test_batch_without_the_50000_records_judges_the_largest_job_and_leaves_the_comparison_out(batch_results):
    rows = goals(batch_results(size_samples(1000, stage_cpu=1.0 + 1000 * 200e-6)))
    assert not [name for name, dummy, dummy in rows if "50,000" in name]
    assert [verdict for dummy, dummy, verdict in rows] == [False, True, True, True, False, True]
    assert rows[0][1] == "1,000 records: **200 µs**"


def test_batch_only_report_has_its_section_and_the_growth_table(batch_results):
    samples = {**size_samples(1000), **size_samples(10000), **size_samples(50000), **embed_samples()}
    results = batch_results(samples)
    assert [family.NAME for family in results.ran()] == ["batch"]
    report = results.markdown()
    assert "## Prompts at any scale: amazon.ai.bedrock_model_invocation_job" in report
    assert "## One interface for every chat model" not in report
    assert "| Records | 1,000 | 10,000 | 50,000 |" in report
    assert "| Module CPU per record, staging | 20 µs | 20 µs | 20 µs |" in report
    assert (
        "| One task, returned: wall time (per record) | 1.00 s (1000 µs) | 10.00 s (1000 µs) | 50.00 s (1000 µs) |"
        in (report)
    )
    assert "| 50,000 records: the job's output in S3 | 20 MB | – | 1 |" in report
    assert "| 1,000 records: the job's output in S3 | 0.4 MB | – | 1 |" in report
    assert report.count("| **FAIL** |") == 1  # the returned answers' memory
    assert "| 1,000 embeddings of 1,024 dimensions | returned | responses_dest |" in report
    assert "| Module CPU per reply, over one request | 80 µs | 40 µs |" in report
    assert "| Module peak memory over one request (× the answers) | 40 MB (2.00×) | 4.0 MB (0.20×) |" in report
    assert "| One task, wall time | 9.00 s | 3.00 s |" in report
    assert "then, once, the batch job of 50,000 records" in report


def test_batch_has_not_run_without_a_job(batch_results):
    assert not batch.ran(batch_results(embed_samples()))


def test_batch_shows_how_much_of_staging_memory_is_ansible_cores_handling_of_the_arguments(batch_results):
    # Three rounds: the floor 50, 40 and 60 MB (median 50 MB), staging 60 MB over the baseline, 20 MB of output.
    samples = size_samples(
        50000, args_rss_mb=[90.0, 80.0, 100.0], args_base_rss_mb=[40.0, 40.0, 40.0], stage_rss_mb=[120.0] * 3
    )
    for name in ("base_rss_mb", "output_mb"):
        samples[key(50000, name)] *= 3
    results = batch_results(samples)
    d = batch.derived(results)
    assert d[key(50000, "args_floor_mb")] == pytest.approx(50.0)
    report = results.markdown()
    assert (
        "| Staging's floor: a bare AnsibleModule given the same arguments, over none (× output) | 50 MB (2.50×) |"
        in (report)
    )
    assert "takes 50 MB in a bare `AnsibleModule`, of staging's 60 MB: the module's own staging adds 10 MB." in report


def test_batch_says_when_staging_adds_nothing_to_ansible_cores_handling_of_the_arguments(batch_results):
    samples = size_samples(50000, args_rss_mb=[100.0], args_base_rss_mb=[20.0])
    report = batch_results(samples).markdown()
    assert "takes 80 MB in a bare `AnsibleModule`, as much as or more than staging's whole 20 MB" in report


@pytest.mark.parametrize(
    "stage_rss_mb, shown, ok",
    [
        (60.0 + 79.9, "+80 MB = 3.995×", True),  # 4x would read as met or missed: shown with the decimals it takes
        (60.0 + 80.0, "+80 MB = 4.00×", False),
        (60.0 + 40.0, "+40 MB = 2.00×", True),
    ],
)
def test_batch_goals_never_show_a_number_that_reads_as_the_goal(batch_results, stage_rss_mb, shown, ok):
    samples = size_samples(50000, stage_rss_mb=stage_rss_mb, dest_cpu=1.0 + 50000 * 99.8e-6)
    rows = {name: (measured, verdict) for name, measured, verdict in goals(batch_results(samples))}
    assert rows["Module's peak memory, staging, under 4× the output's size"] == (f"50,000 records: **{shown}**", ok)
    assert (
        rows["Module's own CPU per record, collecting, responses_dest, under 100 µs"][0]
        == "50,000 records: **99.8 µs**"
    )


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
    assert batch.output_location(job) == location


def test_sample_names_say_the_size():
    assert key(50000, "stage_cpu") == "batch_50000_stage_cpu"
    assert embed_key("dest_wall") == "embed_dest_wall"


def test_the_50000_record_job_is_measured():
    assert 50_000 in batch.SIZES and set(batch.ONCE_SIZES) <= set(batch.SIZES)


def test_job_seconds_from_submit_to_end():
    job = {"submitTime": "2026-01-31T09:00:58.250Z", "endTime": "2026-01-31T09:01:10.000Z"}
    assert batch.job_seconds(job) == pytest.approx(11.75)


def test_each_job_has_its_own_name_input_and_output():
    first, second = batch._job_options(1000), batch._job_options(1000)  # pylint: disable=protected-access
    assert tuple(first) == batch_tool.JOB_OPTIONS
    assert first["name"] != second["name"] and first["name"].startswith("bench-1000-")
    assert first["input_s3_uri"] == f"s3://amazon-ai-bench-input/{first['name']}.jsonl"
    assert first["output_s3_uri"] == f"s3://amazon-ai-bench-output/{first['name']}/"


@pytest.mark.parametrize(
    "value, shown", [(32.46e-6, "32 µs"), (99.8e-6, "99.8 µs"), (100.2e-6, "100.2 µs"), (9.5e-6, "9.5 µs")]
)
def test_per_record_time_never_reads_as_the_goal(value, shown):
    assert batch.per_record_time(value) == shown
