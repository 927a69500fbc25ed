# -*- coding: utf-8 -*-

# Copyright: Contributors to the amazon.ai collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The report: docs/benchmarks.md from its templates, the console's table, and results.json.

The prose is in Jinja templates beside the code that fills them: report.md.j2 around one <family>.md.j2 a family,
given its derived numbers (d), its module (f: its constants), the samples (s), the machine (m), the run (results)
and the helpers below. A template line ending in a backslash goes on with the next, so that a paragraph wrapped
there is one line in the report. The console shows the rows of every Results and Goals table as rendered.
"""

from __future__ import annotations

import json
import math
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import jinja2
import jinja2.ext
import stats
from common import HERE
from common import Bench


class _Unwrap(jinja2.ext.Extension):
    """A backslash at the end of a template line joins it to the next, without the next one's indentation."""

    def preprocess(self, source: str, name: Any, filename: Any = None) -> str:
        return re.sub(r"\\\n[ \t]*", "", source)


def _results_table(samples: Any) -> Callable[..., str]:
    def table(caller: Callable[[], str]) -> str:
        """A Results table: one row per `label | sample | unit` line of the call block that has samples."""
        lines = ["### Results", "", "| Measurement | Median | Range | n |", "| --- | ---: | ---: | ---: |"]
        for line in caller().strip().splitlines():
            label, key, unit = (part.strip() for part in line.rsplit("|", 2))
            values = samples.get(key)
            if values:
                show = getattr(stats, unit)
                lines.append(
                    f"| {label} | {show(stats.median(values))} | {stats.spread(values, show)} | {len(values)} |"
                )
        return "\n".join(lines)

    return table


ENVIRONMENT = jinja2.Environment(
    loader=jinja2.FileSystemLoader(HERE),
    extensions=[_Unwrap],
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=True,
    autoescape=False,
)
ENVIRONMENT.filters.update(
    {name: getattr(stats, name) for name in ("seconds", "megabytes", "microseconds", "verdict", "listed")}
)
ENVIRONMENT.filters.update(against=stats.against_goal, fmt=format, scaled=lambda values, k: [v * k for v in values])
ENVIRONMENT.globals.update(ceil=math.ceil, max=max, len=len)


@dataclass
class Results:
    """A run of the benchmark: what it measured (bench), the families in the report's order (those that ran have a
    section), and the run's facts: rounds, machine, started, duration, load_before, load_after, launcher_rss_mb."""

    bench: Bench
    families: list[Any]
    run: dict[str, Any]

    @property
    def machine(self) -> dict[str, Any]:
        return self.run["machine"]

    def ran(self) -> list[Any]:
        """The families with something measured."""
        return [family for family in self.families if family.ran(self)]

    def sections(self) -> list[Any]:
        """Each family's section, rendered: str() is its text; its templates' top-level {% set %} are attributes."""
        s = self.bench.samples
        ran = [family.NAME for family in self.ran()]
        context = dict(results=self, run=self.run, s=s, m=self.machine, ran=ran, results_table=_results_table(s))
        return [
            ENVIRONMENT.get_template(f"{family.__name__}.md.j2").make_module(
                dict(context, f=family, d=family.derived(self))
            )
            for family in self.ran()
        ]

    def markdown(self) -> str:
        sections = self.sections()
        notes = [str(getattr(section, "once_note", "")).strip() for section in sections]
        return ENVIRONMENT.get_template("report.md.j2").render(
            run=self.run, m=self.machine, sections=[str(section) for section in sections], once=[n for n in notes if n]
        )

    def print_table(self) -> None:
        """The rows of every Results table, aligned, then every goal on a line of its own."""
        sections = [str(section) for section in self.sections()]
        rows = [["Measurement", "Median", "Range", "n"]] + [
            row for text in sections for row in table_rows(text, "Results")
        ]
        widths = [max(len(row[i]) for row in rows) for i in range(4)]
        for number, row in enumerate(rows):
            print("  ".join(cell.ljust(widths[i]) if i == 0 else cell.rjust(widths[i]) for i, cell in enumerate(row)))
            if number == 0:
                print("  ".join("-" * width for width in widths))
        print()
        for text in sections:
            for row in table_rows(text, "Goals"):
                print(": ".join(cell.replace("**", "") for cell in row))


def table_rows(markdown: str, title: str) -> list[list[str]]:
    """The cells of the body rows of every table under a "### title" heading in markdown (not its head)."""
    rows: list[list[str]] = []
    inside, line_of_table = False, 0
    for line in markdown.splitlines():
        if line.startswith("#"):
            inside = line == f"### {title}"
        line_of_table = line_of_table + 1 if line.startswith("| ") else 0
        if inside and line_of_table > 2:  # the head and the line under it left out
            rows.append([cell.strip() for cell in line.strip().strip("|").split(" | ")])
    return rows


_BENCH = ("samples", "checks", "chosen", "profiles")


def save_state(results: Results, path: str) -> None:
    """Everything the report is made from, so that --report-only can write it again without measuring."""
    bench = results.bench
    state = dict(results.run, checks=bench.checks, chosen=bench.chosen, profiles=bench.profiles)
    derived = {name: value for family in results.ran() for name, value in family.derived(results).items()}
    state.update(samples=bench.samples.values, derived=derived)
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(state, handle, indent=1)


def load_state(path: str, collections: str, work: str, families: list[Any]) -> Results:
    with open(path, encoding="utf-8") as handle:
        state = json.load(handle)
    bench = Bench(collections, work, sys.executable)
    bench.samples.values, bench.checks, bench.chosen, bench.profiles = (state.pop(name) for name in _BENCH)
    state.pop("derived", None)
    return Results(bench, families, state)
