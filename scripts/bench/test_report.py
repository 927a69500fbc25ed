# -*- coding: utf-8 -*-

# Copyright: Contributors to the amazon.ai collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Tests of the report's scaffolding (report.py): its templates' helpers, the console, the saved state."""

from __future__ import annotations

import report
from common import Samples


def test_a_backslash_at_the_end_of_a_template_line_joins_it_to_the_next():
    template = report.ENVIRONMENT.from_string("One paragraph, \\\n    wrapped {{ 'here' }}\\\n.\nNext line\\ kept.\n")
    assert template.render() == "One paragraph, wrapped here.\nNext line\\ kept.\n"


def test_results_table_gives_the_rows_with_samples_in_their_unit():
    samples = Samples({"a": [0.25, 0.5, 0.3], "b": [60.4], "empty": []})
    template = report.ENVIRONMENT.from_string(
        "{% call table() %}\nA, per call | a | seconds\nNever | missing | seconds\nNone | empty | seconds\n"
        "B: peak RSS | b | megabytes\n{% endcall %}\n"
    )
    assert template.render(table=report._results_table(samples)).splitlines() == [
        "### Results",
        "",
        "| Measurement | Median | Range | n |",
        "| --- | ---: | ---: | ---: |",
        "| A, per call | 300 ms | 250 ms – 500 ms | 3 |",
        "| B: peak RSS | 60 MB | – | 1 |",
    ]


def test_phases_table_gives_a_column_per_run_and_n_a_for_a_phase_not_timed():
    runs = [
        {"phases": {"imports": 0.5, "client creation": None}, "in_process": 0.75, "wall": 1.25, "maxrss_mb": 60.4},
        {"phases": {"imports": 1.5, "client creation": 0.02}, "in_process": 2.0, "wall": 2.5, "maxrss_mb": 301.6},
    ]
    table = report.ENVIRONMENT.get_template("phases.md.j2").module.phases_table(["`a`", "`b`"], runs)
    assert str(table).splitlines() == [
        "| Phase | `a` | `b` |",
        "| --- | ---: | ---: |",
        "| imports | 500 ms | 1.50 s |",
        "| client creation | n/a | 20 ms |",
        "| interpreter start and exit (the rest) | 500 ms | 500 ms |",
        "| whole process, wall | 1.25 s | 2.50 s |",
        "| whole process, peak RSS | 60 MB | 302 MB |",
    ]


def test_table_rows_reads_the_body_of_the_tables_under_a_heading():
    text = "\n".join(
        [
            "### Results",
            "",
            "| Measurement | Median | Range | n |",
            "| --- | ---: | ---: | ---: |",
            "| a | 1 | – | 1 |",
            "",
            "### Goals",
            "",
            "| Goal | Measured | Result |",
            "| --- | --- | --- |",
            "| g | **2×** | **PASS** |",
            "### Other",
            "| x | y |",
            "| --- | --- |",
            "| not | this |",
        ]
    )
    assert report.table_rows(text, "Results") == [["a", "1", "–", "1"]]
    assert report.table_rows(text, "Goals") == [["g", "**2×**", "**PASS**"]]
    assert report.table_rows(text, "Machine") == []


def test_the_console_shows_every_results_row_and_every_goal(results_of, capsys):
    samples = {
        "converse_call": [0.52, 0.60, 0.50],
        "converse_invoke_call": [0.50, 0.50, 0.50],
        "converse_run_cpu": [12.0, 12.4, 12.2],
        "converse_invoke_run_cpu": [11.6, 11.6, 11.8],
    }
    results_of(samples, rounds=3).print_table()
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["Measurement", "Median", "Range", "n"]
    assert lines[2].split("  ")[0] == "amazon.ai.bedrock_converse, per call (20-item loop)"
    assert lines[2].endswith("520 ms  500 ms – 600 ms  3")
    assert len(lines) == 2 + 2 + 1 + 1
    assert lines[-1].startswith("A call of `bedrock_converse` takes no more than 1.05 times a call of")
    assert lines[-1].endswith(
        ": converse / invoke_model per call = 1.04 (rounds: 1.040, 1.200, 1.000; from the medians: "
        "520 ms / 500 ms = 1.040): PASS"
    )


def test_the_saved_state_gives_the_same_report(results_of, tmp_path):
    samples = {"converse_call": [0.52], "converse_invoke_call": [0.50], "converse_run_cpu": [12.0]}
    samples["converse_invoke_run_cpu"] = [11.6]
    results = results_of(samples, checks={"x": [True]}, chosen={"large_values": 7}, profiles={"p": {"wall": 1.0}})
    path = str(tmp_path / "results.json")
    report.save_state(results, path)
    again = report.load_state(path, str(tmp_path), str(tmp_path), results.families)
    assert again.markdown() == results.markdown()
    assert (again.bench.checks, again.bench.chosen, again.bench.profiles) == (
        {"x": [True]},
        {"large_values": 7},
        {"p": {"wall": 1.0}},
    )
