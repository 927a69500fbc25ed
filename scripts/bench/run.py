# -*- coding: utf-8 -*-

# Copyright: Contributors to the amazon.ai collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The benchmark behind ``make bench`` (scripts/bench.sh starts the endpoint and calls this).

Measures how fast many prompts go with amazon.ai.bedrock_invoke_models, against a loop and a fan-out across hosts
of amazon.ai.bedrock_invoke_model, and what a user pays per call of the latter, against the project's Bedrock
Runtime fake on 127.0.0.1 (AWS_URL), in rounds: every round runs every measurement once, in an order rotated from
round to round, so that whatever else the machine does is spread over all of them; the report gives medians. The
100-prompt comparison runs once, after the rounds: its loop alone takes about 5 minutes. It prints a table and
writes docs/benchmarks.md.

    python scripts/bench/run.py --collections-path DIR --output docs/benchmarks.md [--rounds 3] [--only many]

Times come from the clock of this process (whole processes) and from a callback plugin in ansible-playbook
(single tasks, without ansible-playbook's own start-up); CPU time and peak memory from wait4(2), the same
numbers /usr/bin/time -v prints, for the process and every descendant it waited for.

This file only drives: what is measured, and that part of the report, is in one module per scenario family
(FAMILIES below); the plumbing is in common.py and the report's scaffolding in report.py. README.md beside this
file says how to add a family.
"""

from __future__ import annotations

import argparse
import datetime
import os
import resource
import shutil
import sys
import tempfile
import time
from typing import Any
from typing import List

import batch
import converse
import many_prompts
import one_call
from common import Bench
from common import BenchError
from common import machine
from common import rotated
from common import timed
from report import Results
from report import load_state
from report import save_state

# Every scenario family, in the order the report gives their sections (and the rounds begin with their blocks).
FAMILIES: List[Any] = [many_prompts, one_call, converse, batch]


def select(only: str) -> List[Any]:
    """The families named in `only` (comma-separated NAMEs), or all of them when it is empty, in FAMILIES order."""
    names = {name.strip() for name in only.split(",") if name.strip()}
    unknown = names - {family.NAME for family in FAMILIES}
    if unknown:
        raise ValueError(f"no such family: {', '.join(sorted(unknown))} (choose from {family_names()})")
    return [family for family in FAMILIES if not names or family.NAME in names]


def family_names() -> str:
    return ", ".join(family.NAME for family in FAMILIES)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--collections-path", required=True, help="directory holding ansible_collections/amazon/ai")
    parser.add_argument("--output", required=True, help="the Markdown report to write (docs/benchmarks.md)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--work-dir", help="keep logs and per-run files here (default: a temporary directory, removed)")
    parser.add_argument("--report-only", metavar="RESULTS_JSON", help="write the report from a run's results.json")
    parser.add_argument(
        "--only",
        default="",
        help=f"measure only these families, comma-separated ({family_names()})",
    )
    parser.add_argument("--endpoint-pid", type=int, help="the endpoint's process, to report its CPU time")
    args = parser.parse_args()
    try:
        families = select(args.only)
    except ValueError as e:
        parser.error(str(e))
    if args.report_only:
        with tempfile.TemporaryDirectory() as scratch:
            results = load_state(args.report_only, os.path.abspath(args.collections_path), scratch, FAMILIES)
        results.print_table()
        with open(args.output, "w", encoding="utf-8") as handle:
            handle.write(results.markdown())
        return 0
    # Loopback only: the benchmark never sends a request anywhere else.
    if not os.environ.get("AWS_URL", "").startswith("http://127.0.0.1:") or not os.environ.get("AWS_REGION"):
        parser.error("AWS_URL must point at the local endpoint (http://127.0.0.1:PORT) and AWS_REGION be set")
    if shutil.which("ansible-playbook") is None:
        parser.error("ansible-playbook is not on PATH (run through scripts/bench.sh)")

    work = args.work_dir or tempfile.mkdtemp(prefix="amazon-ai-bench-")
    os.makedirs(work, exist_ok=True)
    python = sys.executable
    bench = Bench(os.path.abspath(args.collections_path), work, python, args.endpoint_pid)
    info = machine(python, os.path.abspath(args.collections_path))
    started_at = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M")
    started = time.perf_counter()
    load_before = os.getloadavg()

    # Measurements that are compared with each other run back to back, in one block, so that their ratio is
    # taken over the same minute of the machine's life; the blocks, and the measurements within a block, take
    # turns going first from one round to the next.
    try:
        # A family's plan may set the endpoint up (the batch family's buckets): it can fail as a measurement does.
        plans = [family.plan(bench) for family in families]
        blocks = [block for plan in plans for block in plan.rounds]
        for number in range(args.rounds):
            order = [measurement for block in rotated(blocks, number) for measurement in rotated(block, number)]
            for name, measure in order:
                timed(f"round {number + 1}/{args.rounds}: {name}", measure)
        for plan in plans:
            for name, measure in plan.once:
                timed(f"once: {name}", measure)
    except BenchError as e:
        print(f"\nbench: {e}", file=sys.stderr)
        return 1

    results = Results(
        bench=bench,
        families=FAMILIES,
        rounds=args.rounds,
        machine=info,
        started=started_at,
        duration=time.perf_counter() - started,
        load_before=load_before,
        load_after=os.getloadavg(),
        launcher_rss_mb=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    )
    save_state(results, os.path.join(work, "results.json"))
    print()
    results.print_table()
    with open(args.output, "w", encoding="utf-8") as handle:
        handle.write(results.markdown())
    print(f"\nWrote {os.path.relpath(args.output)} ({results.duration / 60:.1f} minutes).")
    if not args.work_dir:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
